"""Which 2035 line an ``Income:`` or ``Expenses:`` account feeds.

``ligne-2035:`` metadata on the account's ``open`` wins; otherwise the default
table ``data/account_lines.csv`` reads the **whole** account name without its
root (so ``Expenses:Loyer`` and a French-rooted ``Depenses:Loyer`` map alike):

* every row's pattern is tried at the start of every segment of the name:
  ``Expenses:Honoraires:Retrocession`` is tried as ``Honoraires:Retrocession``
  and as ``Retrocession``;
* of the rows that match, the one of highest ``rank`` wins, then the one that
  matches at the **deepest** segment (a sub-account refines its parent:
  ``Cotisations:Retraite:PER`` goes to BU, not BT), then the first in
  file order (a two-segment row such as ``Impots:CFE`` is written before
  ``Impots``).

Ranks (the ``rank`` column), highest first:

* ``excluded`` (``non-deductible`` and ``neutre`` rows): a segment that names
  a private expense, a fine, income tax or a depreciation takes the account off
  the deductible lines whatever the rest of the name says
  (``Vehicule:Amendes`` → non-deductible);
* ``object`` (the car): every cost of the vehicle goes to line 23 whatever its
  nature (``Vehicule:Assurance``, ``Vehicule:Entretien`` → 23, not 22 or 17);
* ``nature``: most rows;
* ``generic`` (``Honoraires``, ``Divers``: the residual lines 21 and 30): a
  more precise word anywhere in the name wins (``Honoraires:Retrocession`` and
  ``Retrocessions:Honoraires`` → AC, ``Telephone:Divers`` → 27);
* ``fallback`` (``Income:`` ``.*``): only when no other row matches.

Accents do not count: the name is matched without them (:func:`beancount_hn.core.words.unaccented`),
so ``Expenses:Véhicule:Assurance`` is ``Vehicule:Assurance`` (line 23).

**Refused names.** Where the table could only guess, it gives no line (:attr:`Resolution.refusal`
says why, in French; :func:`default_line` is None, so ``hn 2035`` stops on the account until
``ligne-2035:`` is written on its ``open``):

* a row marked ``children=known`` (a broad parent: ``Impots``, ``URSSAF``, ``Cotisations-Sociales``,
  ``Banque``, ``Assurances``, ``Honoraires``) is one segment, optionally followed in its pattern
  by the child segments it knows (``Assurances:RCP``, whose own children are free:
  ``Assurances:RCP:MACSF``); when it wins over a child segment that is none of them and that no
  row of rank ``nature`` or higher reads, the name is refused: ``Assurance:Mutuelle`` (personal cover, not line 22),
  ``Banque:Remboursement-Emprunt`` (loan capital, not BN), ``Honoraires:Dupont`` (AC or 21?).
  A row of higher rank than the parent overrules it (``Vehicule:Assurance:MAAF`` → 23), and a
  deeper row places the child (``URSSAF:CSG-Deductible`` → BV, ``Honoraires:Retrocedes`` → AC);
* an expense name holding a loan word (:data:`LOAN_WORDS`: emprunt, prêt, crédit, capital) and no
  word of its costs (:data:`LOAN_COST_WORDS`: intérêts, agios, frais, assurance, crédit-bail) is
  refused: the capital of a loan repayment is not deductible (DESIGN §6), whatever the line;
* an expense name holding ``Mutuelle`` or ``Prevoyance`` (:data:`COVER_WORDS`) is refused unless
  it lands on BZ or BU: personal health or prévoyance cover is deductible only as a Madelin
  contract (fr-rules §5, "Optional contributions").

Names that are excluded (``non-deductible``, ``neutre``) are never refused: they deduct nothing.
A segment that says non-deductible (``CSG-Non-Deductible``, ``Telephone-ND``, ``NonDed``) is an
``excluded`` row of its own, so it is never deducted (art. 154 quinquies CGI for the CSG, fr-rules
§5 and §10.2).

Income that is not fees defaults to AF (gains divers): a collaboration or
assistanat fee received by the titulaire (``Income:Redevances``…) and daily
allowances (``Income:IJ``, ``Indemnites-Journalieres``); a row may carry a
``hint``, said by ``hn 2035`` when the account is used (the IJ also go to DB).
On the expense side only a collaboration fee named as such
(``Redevances-Collaboration``, ``Redevances:Collaboration``) is BW: a bare
``Redevances`` has no default line.

**Ambiguous names.** A segment holding a private-looking word
(:data:`AMBIGUOUS_WORDS`: amende, privé, domicile, personnel, perso, fine,
penalty… — segments are cut at ``-``, ``_``, ``.`` and at a capital letter
inside a word) makes the name ambiguous when the table does not read that word
itself as the line it finds: ``Loyer:Domicile-Prive`` (BF),
``Personnel:Telephone`` (27), ``Telephone:Perso-Pro``. A word is read by the
table when a row matching at the first segment covers the word's segment and
gives the line found: ``Personnel:Salaires`` is staff (BB), not a private
expense. :func:`beancount_hn.tax.lines2035.validate_line_values` reports an
ambiguous name whose line is deductible as an error at the ``open``, asking for
``ligne-2035:`` there (which always wins and silences it).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources

from beancount_hn.core.config import normalize_word
from beancount_hn.core.words import unaccented

#: Ranks of the default rows, lowest first (see the module docstring).
RANKS = ("fallback", "generic", "nature", "object", "excluded")

#: Words (lower case, without accents) that make an account name look private or a fine.
AMBIGUOUS_WORDS = frozenset({
    "amende", "amendes", "contravention", "contraventions", "fine", "fines", "penalite", "penalites",
    "penalty", "penalties", "prive", "privee", "prives", "privees", "private", "perso", "personal",
    "personnel", "personnels", "personnelle", "personnelles", "domicile",
})

#: Words (as :data:`AMBIGUOUS_WORDS`) of a loan: an expense named so may be its capital.
LOAN_WORDS = frozenset({
    "emprunt", "emprunts", "pret", "prets", "credit", "credits", "capital", "loan", "loans", "mortgage",
})

#: Words that make a loan word a cost of the loan (deductible) rather than its capital.
LOAN_COST_WORDS = frozenset({
    "interet", "interets", "interest", "interests", "agios", "frais", "fees", "commission", "commissions",
    "assurance", "assurances", "insurance", "bail",  # crédit-bail: a lease rent
})

#: Words of a personal health or prévoyance cover, deductible only on BZ/BU (Madelin, PER).
COVER_WORDS = frozenset({"mutuelle", "mutuelles", "prevoyance", "prevoyances"})

_COVER_LINES = frozenset({"BZ", "BU"})

_WORD_SPLIT = re.compile(r"[-_.\s]+|(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])")


@dataclass(frozen=True)
class DefaultRule:
    """One row of the default account → line table."""

    root: str
    pattern: re.Pattern[str]
    line: str
    note: str
    rank: int = RANKS.index("nature")
    order: int = 0  # position in the file
    hint: str = ""  # in French: what else the form expects of such an account (IJ: DB as well)
    strict: bool = False  # ``children=known``: a child segment it does not list makes the name refused


@dataclass(frozen=True)
class Resolution:
    """The default line of one account name, and why."""

    rule: DefaultRule
    segment: int  # index (0 = first after the root) of the segment the winning row matched at
    ambiguous: tuple[str, ...]  # private-looking words of the name, as written, not read by the table
    refusal: str = ""  # in French: why the table gives this name no line (then ``line`` is None)

    @property
    def line(self) -> str | None:
        return None if self.refusal else self.rule.line


@functools.cache
def default_rules() -> tuple[DefaultRule, ...]:
    """The default mapping table, in file order."""
    text = resources.files("beancount_hn").joinpath("data/account_lines.csv").read_text("utf-8")
    return tuple(
        DefaultRule(row["root"], re.compile(row["pattern"], re.IGNORECASE), row["line"], row["note"],
                    RANKS.index((row.get("rank") or "nature").strip()), order, (row.get("hint") or "").strip(),
                    (row.get("children") or "").strip() == "known")
        for order, row in enumerate(csv.DictReader(text.splitlines()))
    )


@functools.cache
def _rules_of(root: str) -> tuple[DefaultRule, ...]:
    return tuple(rule for rule in default_rules() if rule.root == root)


def words(segment: str) -> list[str]:
    """The words of one name segment: ``"Domicile-Prive"`` → Domicile, Prive; ``"TelPerso"`` → Tel, Perso."""
    return [word for word in _WORD_SPLIT.split(segment) if word]


@functools.lru_cache(maxsize=4096)
def resolve(root: str, rest: str) -> Resolution | None:
    """The default line of an account of root type ``root`` (``income``,
    ``expenses``…) whose name without the root is ``rest``; None when no row matches."""
    segments = rest.split(":")
    folded = [unaccented(segment) for segment in segments]  # Véhicule is Vehicule
    # (rule, segment index, number of segments the match covers)
    matches: list[tuple[DefaultRule, int, int]] = []
    for depth in range(len(folded)):
        suffix = ":".join(folded[depth:])
        for rule in _rules_of(root):
            found = rule.pattern.search(suffix)
            if found is not None:
                covered = suffix[:found.end()].rstrip(":").count(":") + 1
                matches.append((rule, depth, covered))
    if not matches:
        return None
    rule, depth, _ = max(matches, key=lambda m: (m[0].rank, m[1], -m[0].order))
    read = {index for first, start, covered in matches
            if start == 0 and first.line == rule.line for index in range(covered)}
    ambiguous = tuple(word for index, segment in enumerate(segments) if index not in read
                      for word in words(segment) if normalize_word(word) in AMBIGUOUS_WORDS)
    return Resolution(rule, depth, ambiguous, _refusal(root, matches, rule, segments))


def _refusal(root: str, matches: list[tuple[DefaultRule, int, int]], winner: DefaultRule,
             segments: list[str]) -> str:
    """Why the table must not give ``winner``'s line to this name (in French), or ""."""
    excluded = RANKS.index("excluded")
    if winner.rank == excluded:
        return ""  # deducts nothing: never a wrong deduction
    found = {normalize_word(word): word for segment in segments for word in words(segment)}
    cover = [word for key, word in found.items() if key in COVER_WORDS]
    if root == "expenses" and cover and winner.line not in _COVER_LINES:
        return (f"« {cover[0]} » : une mutuelle ou une prévoyance n'est déductible qu'en contrat "
                "Madelin (case BZ) ; indiquez sur son open ligne-2035: \"BZ\" si le contrat est "
                "Madelin, ligne-2035: \"non-deductible\" sinon")
    nature = RANKS.index("nature")
    for rule, depth, covered in matches:
        child = depth + covered
        if not rule.strict or covered > 1 or child >= len(segments) or winner.rank > rule.rank:
            continue  # a known child (covered > 1) or none, or overruled (Vehicule:Assurance:MAAF)
        if any(other.rank >= nature and start + span > child for other, start, span in matches):
            continue  # another row reads the child (URSSAF:CSG-Deductible, Assurances:Prevoyance-Madelin)
        what = rule.note.split(" ; ")[0]
        return (f"« {segments[child]} » n'est pas un sous-compte de « {segments[depth]} » que la table par "
                f"défaut sait placer : elle le porterait en {rule.line} ({what}), ce qui peut être faux ; "
                f"indiquez ligne-2035: sur son open (\"{rule.line}\" si c'est bien cela, sinon la case "
                "qui convient ou \"non-deductible\")")
    loan = [word for key, word in found.items() if key in LOAN_WORDS]
    if root == "expenses" and loan and not LOAN_COST_WORDS & found.keys():
        return (f"« {loan[0]} » : le remboursement du capital d'un emprunt n'est pas une charge "
                "déductible (seuls les intérêts, agios et frais le sont, en BN) ; passez le capital "
                "au débit du compte de l'emprunt (Liabilities:…) et les intérêts sur un compte "
                "Expenses:…:Interets-Emprunt, ou indiquez ligne-2035: sur son open")
    return ""


def default_line(root: str, rest: str) -> DefaultRule | None:
    """The winning default row for an account of root type ``root`` whose name
    without the root is ``rest`` (see :func:`resolve`); None when no row matches or
    when the name is refused (:attr:`Resolution.refusal`)."""
    resolution = resolve(root, rest)
    return resolution.rule if resolution is not None and not resolution.refusal else None
