"""The lines of the 2035-A and 2035-B, as data (``data/lines_2035.csv``).

Each row is one box or sub-line of the form: its code (``AA``…, or the line
number ``"17"``… of a sub-line that has no box of its own), line number,
official label, the box it counts in (``parent``), its kind, its sign, the
confidence of fr-rules and its public source, in French (shown to the user).
``uncertain`` rows — a label only one source gives — are labelled as such in
every output (fr-rules: never hide an uncertainty behind a number);
``optional`` rows (the "dont" boxes of line 43, nil for a kiné) are printed
only when they are not zero, or on request.

Kinds:

* ``input``: a box an account can be mapped to (``ligne-2035: "BF"``);
* ``dont``: an inner "dont" box, mappable, that also counts in its parent
  (``BT`` in ``BK``, ``BW`` in ``BG``…); the parent's total includes it;
* ``subline``: a line without a box (``"17"``…``"30"``), mappable, summed into
  its group box (``BH``, ``BJ``, ``BM``);
* ``computed``: filled by the engine only (``CH`` from the registre des
  immobilisations, ``CB``/``CK`` from disposals);
* ``total``: a formula of other lines (``AD``, ``BR``, ``CP``…).

``sign`` says which side of a posting feeds the line: ``credit`` lines
(receipts, ``AA``) grow with money earned, ``debit`` lines (expenses, ``BA``)
with money spent, so a supplier's refund booked on an expense account lowers
its line.

Besides codes, an account may be mapped to :data:`NON_DEDUCTIBLE` (money of the
practice that no line deducts: income tax, fines, a private share booked
apart) or :data:`NEUTRAL` (movements that are no income or expense at all).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any


from beancount_hn.core import mapping
from beancount_hn.core.config import ADJUSTABLE_BOXES, ADJUSTMENT_OPTION, normalize_word
from beancount_hn.core.errors import error_type, source_of
from beancount_hn.core.ledger import LINE_KEY, LedgerIndex

NON_DEDUCTIBLE = "non-deductible"
NEUTRAL = "neutre"
#: Not a value one writes: what the 2035 makes of a car cost the year's barème kilométrique replaces.
COVERED_BY_BAREME = "couvert-bareme"

INPUT, DONT, SUBLINE, COMPUTED, TOTAL = "input", "dont", "subline", "computed", "total"
MAPPABLE_KINDS = frozenset({INPUT, DONT, SUBLINE})

_SPECIAL_ALIASES = {
    "non-deductible": NON_DEDUCTIBLE,
    "non-deductibles": NON_DEDUCTIBLE,
    "nondeductible": NON_DEDUCTIBLE,
    "prive": NON_DEDUCTIBLE,
    "neutre": NEUTRAL,
    "neutral": NEUTRAL,
}


@dataclass(frozen=True)
class Line2035:
    """One box or sub-line of the 2035-A/2035-B."""

    code: str
    line: str
    label: str
    form: str
    section: str  # recettes, depenses, resultat, cadre8
    parent: str | None
    kind: str
    sign: str  # credit or debit
    from_year: int | None
    confidence: str
    uncertain: bool
    source: str  # in French, shown to the user: the public source behind the code and label
    optional: bool = False  # printed in the table only when not zero, or on request (line 43's "dont")

    @property
    def mappable(self) -> bool:
        """True when an account may name this line in ``ligne-2035:``."""
        return self.kind in MAPPABLE_KINDS

    @property
    def is_box(self) -> bool:
        """True for a box of the form (a code), False for a box-less sub-line."""
        return not self.code.isdigit()

    def applies_to(self, year: int) -> bool:
        """True when the line exists on the form of ``year``'s revenue."""
        return self.from_year is None or year >= self.from_year


@functools.cache
def lines() -> tuple[Line2035, ...]:
    """Every line of the table, in form order."""
    text = resources.files("beancount_hn").joinpath("data/lines_2035.csv").read_text("utf-8")
    return tuple(
        Line2035(
            code=row["code"],
            line=row["line"],
            label=row["label"],
            form=row["form"],
            section=row["section"],
            parent=row["parent"] or None,
            kind=row["kind"],
            sign=row["sign"],
            from_year=int(row["from_year"]) if row["from_year"] else None,
            confidence=row["confidence"],
            uncertain=row["uncertain"].strip().lower() == "yes",
            source=row["source"],
            optional=row["optional"].strip().lower() == "yes",
        )
        for row in csv.DictReader(text.splitlines())
    )


@functools.cache
def by_code() -> dict[str, Line2035]:
    """The lines by code."""
    return {line.code: line for line in lines()}


@functools.cache
def _positions() -> dict[str, int]:
    return {row.code: i for i, row in enumerate(lines())}


def form_order(code: str) -> tuple[int, str]:
    """A sort key putting codes in form order (unknown values last, by name)."""
    positions = _positions()
    return positions.get(code, len(positions)), code


def line(code: str) -> Line2035:
    """The line of ``code`` (KeyError when unknown)."""
    return by_code()[code]


@functools.cache
def mappable_codes() -> frozenset[str]:
    """The codes accepted in ``ligne-2035:`` besides the two special values."""
    return frozenset(code for code, row in by_code().items() if row.mappable)


def normalize_value(value: Any) -> str | None:
    """The canonical form of a ``ligne-2035:`` value, or None if it names nothing known.

    ``"bf"`` → ``"BF"``, ``17`` (a number) or ``"17"`` → ``"17"``,
    ``"Non déductible"`` → ``"non-deductible"``, ``"neutral"`` → ``"neutre"``.
    A known code that cannot be mapped to (``"BR"``, a total) also gives None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        if value != int(value):
            return None
        value = str(int(value))
    return _normalize_text(str(value))


@functools.lru_cache(maxsize=4096)
def _normalize_text(value: str) -> str | None:
    """``normalize_value`` of a text: called for every settlement of a year, so cached."""
    text = value.strip()
    special = _SPECIAL_ALIASES.get(normalize_word(text))
    if special is not None:
        return special
    code = text.upper()
    return code if code in mappable_codes() else None


def describe_value_error(value: Any) -> str:
    """Why a ``ligne-2035:`` value is refused, and what to write instead."""
    text = str(value).strip().upper()
    row = by_code().get(text)
    if row is not None and row.kind == TOTAL:
        return (f'"{value}" est un total ({row.label}) ; portez le compte sur une des lignes qu\'il '
                "additionne")
    if row is not None and row.kind == COMPUTED:
        return (f'"{value}" ({row.label}) est calculé par hn lui-même (registre des immobilisations, '
                "cessions) ; ce ne peut pas être une valeur de ligne-2035:")
    return (f'valeur de ligne-2035: inconnue "{value}" ; écrivez un code de case (AA, AB, AC, AE, AF, '
            f'BA…BP, JY, CC, CL…), une case « dont » ({", ".join(_dont_boxes())}), un numéro de sous-ligne '
            '"17"…"30", '
            f'"{NON_DEDUCTIBLE}" ou "{NEUTRAL}"')


def _dont_boxes() -> list[str]:
    """The « dont » boxes ``ligne-2035:`` accepts, in the form's order."""
    return [row.code for row in lines() if row.kind == DONT and row.is_box]


def chain(code: str) -> list[str]:
    """``code`` and every line it counts in, innermost first: ``"29"`` → 29, BY, BM."""
    table = by_code()
    result = [code]
    parent = table[code].parent
    while parent is not None:
        result.append(parent)
        parent = table[parent].parent
    return result


def top_box(code: str) -> str:
    """The outermost box a code counts in (``"17"`` → ``BH``, ``BT`` → ``BK``)."""
    return chain(code)[-1]


# --- the accounts of a ledger -----------------------------------------------------

LineValueError = error_type("LineValueError")
AmbiguousAccountError = error_type("AmbiguousAccountError")
LineSignError = error_type("LineSignError")

#: The side an account of each root feeds: an income account is credited, an expense debited.
_ROOT_SIGNS = {"income": "credit", "expenses": "debit"}
#: Contra accounts of lines 1 and 2 the exports know (``data/pcg_accounts.csv``): débours on an
#: ``Income:`` account (AB, debited when paid), a refund of fees on an ``Expenses:`` account (AA).
CONTRA_LINES = frozenset({("income", "AB"), ("expenses", "AA")})

#: Metadata keys of a share of an expense added back on line CC (see ``form2035``).
SHARE_KEYS = ("part-privee", "part-non-deductible")


def account_line(index: LedgerIndex, account: str) -> str | None:
    """The canonical 2035 value of an account (``"BF"``, ``"17"``, ``"neutre"``…).

    None when the account is unmapped or its ``ligne-2035:`` value is invalid
    (:func:`validate_line_values` reports the latter at the open's line).
    """
    raw = index.line_of(account)
    return None if raw is None else normalize_value(raw)


def target_line(index: LedgerIndex, account: str, posting: Any, amount: Decimal) -> str | None:
    """The 2035 value of what a settlement pays: its account's (:func:`account_line`), or —
    for a receivable or payable carried over against ``Equity:`` (``cashbook``: a balance-sheet
    posting) — the ``ligne-2035:`` written on that posting, else ``AA`` for a receivable.

    One answer for the 2035 and every export (None: no line; a payable needs one written).
    """
    if index.root_type(account) in ("income", "expenses"):
        return account_line(index, account)
    written = (getattr(posting, "meta", None) or {}).get(LINE_KEY)
    if written is not None:
        return normalize_value(written)
    return "AA" if amount > 0 else None


def parse_share(value: Any) -> Decimal | None:
    """A share between 0 and 1 (``0.3``, ``"30%"``), or None if malformed."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, str):
            text = value.strip().replace(",", ".")
            share = Decimal(text[:-1].strip()) / 100 if text.endswith("%") else Decimal(text)
        else:
            share = Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        return None
    return share if 0 <= share <= 1 else None


def ambiguous_name(index: LedgerIndex, account: str) -> tuple[tuple[str, ...], Line2035] | None:
    """The private-looking words of an account name that the default table puts on
    a deductible line (see ``mapping``), and that line; None when ``ligne-2035:``
    is on its open, when no default row applies, or when the line is not deductible."""
    resolution = _default_resolution(index, account)
    if resolution is None or not resolution.ambiguous:
        return None
    row = by_code().get(normalize_value(resolution.line) or "")
    return (resolution.ambiguous, row) if row is not None and row.sign == "debit" else None


def refused_name(index: LedgerIndex, account: str) -> str:
    """Why the default table refuses the name of an income or expense account without
    ``ligne-2035:`` (``mapping.Resolution.refusal``: a broad parent's unknown sub-account, a
    loan's capital…), in French; "" when it does not."""
    resolution = _default_resolution(index, account)
    return resolution.refusal if resolution is not None else ""


def _default_resolution(index: LedgerIndex, account: str) -> mapping.Resolution | None:
    """How the default table reads the name of an income or expense account without
    ``ligne-2035:`` on its open (None: it has one, or is of another root, or no row applies)."""
    if index.open_meta(account, LINE_KEY) is not None:
        return None
    root = index.root_type(account)
    if root not in ("income", "expenses"):
        return None
    return mapping.resolve(root, account.split(":", 1)[1] if ":" in account else "")


def _ambiguous_message(account: str, found: tuple[str, ...], row: Line2035) -> str:
    where_to = f"sur la ligne {row.code}" if not row.is_box else f"en case {row.code}"
    unique = list(dict.fromkeys(found))
    quoted = ", ".join(f"« {word} »" for word in unique)
    these = "ces mots évoquent" if len(unique) > 1 else "ce mot évoque"
    return (f"{account} : nom ambigu ({quoted}) ; la table par défaut le porterait {where_to} "
            f"({row.label}), or {these} une dépense privée, une amende ou le domicile ; "
            f"indiquez ligne-2035: sur son open (ligne-2035: \"{row.code}\" si la dépense est "
            f"professionnelle, ligne-2035: \"{NON_DEDUCTIBLE}\" sinon)")


def opposite_sign_line(index: LedgerIndex, account: str) -> Line2035 | None:
    """The box written in ``ligne-2035:`` on the open of an ``Income:`` account when it is a
    ``debit`` box (DB, AC, CL…), or of an ``Expenses:`` account when it is a ``credit`` box
    (CC, DE, AF…); None otherwise.

    Such an account feeds its box with the wrong sign: every receipt of ``Income:IJ`` on
    DB makes DB negative, and it never reaches AF (the IJ belong in AF and, apart, in DB:
    fr-rules §1.3, cadre 8). A box of the form never holds a negative amount, and one
    account feeds one line: the account goes on a line of its own side, and the other box
    takes an ``ajustement-2035`` (:data:`ADJUSTABLE_BOXES`). The contra accounts of lines 1
    and 2 (:data:`CONTRA_LINES`) are accepted: their postings go the other way.
    """
    raw = index.open_meta(account, LINE_KEY)
    code = None if raw is None else normalize_value(raw)
    if code is None or code in (NON_DEDUCTIBLE, NEUTRAL):
        return None
    root = index.root_type(account) or ""
    natural = _ROOT_SIGNS.get(root)
    row = by_code()[code]
    if natural is None or row.sign == natural or (root, code) in CONTRA_LINES:
        return None
    return row


def _adjustment_advice(code: str) -> str:
    """How to fill ``code`` by an ``ajustement-2035`` besides the account's own line (French)."""
    return (f'et remplissez {code} par une directive datée de l\'année : custom "hn-option" '
            f'"{ADJUSTMENT_OPTION}" "{code}" MONTANT EUR "motif" (voir « Les cases sans mouvement '
            "d'argent » dans le guide de la 2035)")


def _opposite_sign_message(account: str, root: str, row: Line2035) -> str:
    """Why ``ligne-2035:`` cannot put this account on ``row``, and what to write instead."""
    code = row.code
    box = f"la case {code}" if row.is_box else f"la ligne {code}"
    if root == "income":
        head = (f'{account} : ligne-2035: "{code}" porterait chaque recette du compte en négatif dans '
                f"{box} ({row.label}) ; une case de la 2035 ne reçoit jamais de montant négatif, et un "
                "compte Income: ne peut alimenter qu'une case de recettes (AA, AE, AF) : ")
        if code == "DB":
            advice = ('des indemnités journalières (ou une autre recette qui n\'est pas un revenu '
                      'd\'activité) se portent en AF, ligne-2035: "AF" (gains divers), ' + _adjustment_advice(code))
        elif code in ADJUSTABLE_BOXES:
            advice = ('portez le compte sur sa case de recettes (ligne-2035: "AF", gains divers, ou "AE") '
                      + _adjustment_advice(code))
        elif code == "AC":
            advice = ('des rétrocessions reçues (par un remplaçant) sont des honoraires : ligne-2035: "AA" '
                      "avec leur convention: ; les rétrocessions versées vont sur un compte Expenses: (AC)")
        else:
            advice = ("un remboursement reçu d'une dépense se passe au crédit du compte Expenses: de cette "
                      "dépense (il diminue sa ligne) ; une autre recette se porte en AA, AE ou AF")
    else:
        head = (f'{account} : ligne-2035: "{code}" porterait chaque dépense du compte en négatif dans '
                f"{box} ({row.label}) ; une case de la 2035 ne reçoit jamais de montant négatif, et un "
                "compte Expenses: ne peut alimenter qu'une case de dépenses (BA à BP, CL…) : ")
        if code == "CC":
            advice = (f'une dépense privée ou non déductible s\'écrit ligne-2035: "{NON_DEDUCTIBLE}" (jamais '
                      "déduite, donc rien à réintégrer) ; la part privée d'une dépense mixte, part-privee: "
                      "sur l'open de son compte (hn la réintègre en CC)")
        elif code in ADJUSTABLE_BOXES:
            advice = (f'portez la dépense sur sa ligne de la 2035 (ou ligne-2035: "{NON_DEDUCTIBLE}") '
                      + _adjustment_advice(code))
        else:
            advice = ("une charge financière va en BN, une perte en BP ; ce qui diminue une recette se passe au "
                      "débit de son compte Income:")
    return head + advice


def share_error(key: str, raw: Any, source: dict[str, Any], entry: Any) -> Any:
    """The error of a malformed ``part-privee:``/``part-non-deductible:`` written on
    a posting, at ``source`` (the posting's file and line); None when it is a share."""
    if parse_share(raw) is not None:
        return None
    written = f'"{raw}"' if isinstance(raw, str) else str(raw)  # as in the ledger, not Decimal('1.5')
    return LineValueError(
        source, f"{key}: {written} n'est pas une part entre 0 et 1 ; écrivez par ex. {key}: 0.3 (30 %)",
        entry)



def validate_line_values(index: LedgerIndex) -> list:
    """Errors for every ``open`` whose ``ligne-2035:`` or share value is malformed,
    whose ``ligne-2035:`` box is of the other side than the account
    (:func:`opposite_sign_line`), or whose name is ambiguous.

    An unknown line code is an error at the ``open``'s line, with the values
    that are accepted; so is a ``part-privee:``/``part-non-deductible:`` that
    is not a share between 0 and 1, a name without ``ligne-2035:`` that the
    default table puts on a deductible line although it holds a private-looking
    word (``Expenses:Loyer:Domicile-Prive``: see ``mapping``), and a name the table
    refuses (:func:`refused_name`).
    """
    errors = []
    for account, entry in sorted(index.opens.items()):
        meta = entry.meta or {}
        if LINE_KEY in meta and normalize_value(meta[LINE_KEY]) is None:
            errors.append(LineValueError(
                source_of(entry), f"{account}: {describe_value_error(meta[LINE_KEY])}", entry))
        opposite = opposite_sign_line(index, account)
        if opposite is not None:
            errors.append(LineSignError(
                source_of(entry), _opposite_sign_message(account, index.root_type(account) or "", opposite),
                entry))
        ambiguous = ambiguous_name(index, account)
        if ambiguous is not None:
            errors.append(AmbiguousAccountError(
                source_of(entry), _ambiguous_message(account, *ambiguous), entry))
        refusal = refused_name(index, account)
        if refusal:
            errors.append(AmbiguousAccountError(source_of(entry), f"{account} : {refusal}", entry))
        for key in SHARE_KEYS:
            if key in meta:
                error = share_error(key, meta[key], source_of(entry), entry)
                if error is not None:
                    errors.append(error._replace(message=f"{account} : {error.message}"))
    return errors
