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

#: Ranks of the default rows, lowest first (see the module docstring).
RANKS = ("fallback", "generic", "nature", "object", "excluded")

#: Words (lower case, without accents) that make an account name look private or a fine.
AMBIGUOUS_WORDS = frozenset({
    "amende", "amendes", "contravention", "contraventions", "fine", "fines", "penalite", "penalites",
    "penalty", "penalties", "prive", "privee", "prives", "privees", "private", "perso", "personal",
    "personnel", "personnels", "personnelle", "personnelles", "domicile",
})

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


@dataclass(frozen=True)
class Resolution:
    """The default line of one account name, and why."""

    rule: DefaultRule
    segment: int  # index (0 = first after the root) of the segment the winning row matched at
    ambiguous: tuple[str, ...]  # private-looking words of the name, as written, not read by the table

    @property
    def line(self) -> str:
        return self.rule.line


@functools.cache
def default_rules() -> tuple[DefaultRule, ...]:
    """The default mapping table, in file order."""
    text = resources.files("beancount_hn").joinpath("data/account_lines.csv").read_text("utf-8")
    return tuple(
        DefaultRule(row["root"], re.compile(row["pattern"], re.IGNORECASE), row["line"], row["note"],
                    RANKS.index((row.get("rank") or "nature").strip()), order, (row.get("hint") or "").strip())
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
    # (rule, segment index, number of segments the match covers)
    matches: list[tuple[DefaultRule, int, int]] = []
    for depth in range(len(segments)):
        suffix = ":".join(segments[depth:])
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
    return Resolution(rule, depth, ambiguous)


def default_line(root: str, rest: str) -> DefaultRule | None:
    """The winning default row for an account of root type ``root`` whose name
    without the root is ``rest`` (see :func:`resolve`)."""
    resolution = resolve(root, rest)
    return resolution.rule if resolution is not None else None
