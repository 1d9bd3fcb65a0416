"""The 2035-A and 2035-B of a year, computed from the cash book.

One function, :func:`compute_2035`, gives every figure; ``hn 2035``, the
exports and Fava only format its result.

* **Cash lines.** Each settlement of the year (``cashbook``: money that reached
  or left a treasury account, attributed to the income and expense postings it
  settles) goes to the line of its account (``ligne-2035:`` on the open, else
  the default table, see ``mapping``). Credit lines (AA, AE, AF…) add money
  received, debit lines (AB, AC, BA…BP…) add money paid. ``neutre`` accounts
  and the neutral buckets of the cash book (transfers, ``Equity:``, loan
  capital, fixed assets) and ``non-deductible`` accounts are listed in the
  reconciliation, on no line.
* **Line CC, divers à réintégrer.** A mixed-use expense is deducted *in full*
  on its line and its private share is added back on CC (the method of the
  2035 notice for "quote-part privée"; it keeps the line equal to the invoices):
  ``part-privee: 0.3`` on the posting or on the account's open. The same key
  ``part-non-deductible:`` adds back a non-deductible share of an expense booked
  on a deductible line — CSG non déductible and CRDS paid with the deductible
  CSG, for instance. Accounts may also be mapped to CC directly.
  On a line of BK or BV (social contributions, CSG), such a share is also
  entered on DB (cadre 8): the revenu brut social adds BK and BV back, and
  would otherwise count the share a second time (it is already in CE through
  CC); both methods — direct exclusion (a ``non-deductible`` account, the one
  recommended) and this one — give the same DD.
* **Computed lines.** CH, the dotation aux amortissements, from the registre
  (``assets``), with the excess of a car's depreciation over its art. 39-4
  ceiling added back on CC; CB/CK, the year's net short-term gain or loss on
  disposals; line 23 receives the barème kilométrique when the year has the
  option (the 2035-B cadre 7), and the vehicle costs it covers become
  non-deductible (``vehicle``).
* **Entered boxes.** ``custom "hn-option" "ajustement-2035" "CD" 1520.00 EUR "…"``
  enters an amount no cash movement carries (line 43 and its "dont" boxes, CG,
  the SCM shares CD/CM, cadre 8 DE/DB) on the form of its date's year.
* **Totals** as printed on the form: AD = AA − AB − AC, AG = AD + AE + AF,
  BR = sum of lines 8 to 32, CA/CF = excédent/insuffisance, CE = CA + CB + CC + CD,
  CN = CF + CG + CH + CK + CL + CM, CP/CR = bénéfice/déficit. From 2025 revenue,
  cadre 8: revenu brut social = CE − CN + BK + BV + (CS, AW, CU, CI, DG, DH, CO,
  CJ) + DE − DB (notice 2035-NOT-SD 2026 renvoi (26); two implementations
  agree), DD if positive, DC if negative. DF (forfait 2 %) is not in it.
* **Whole euros.** The form takes whole euros: :attr:`Form2035.euros` rounds
  each entered box (half up) and recomputes the totals from the rounded boxes,
  as the accountant will; :attr:`Form2035.values` keeps the cents.
* **Social split (PAMC)** of the receipts settled in the year, by the
  convention status of the invoice they settle: DSCS total, DSAV recettes of
  conventionné acts *dépassements included*, DSAW the dépassements (its
  "dont"), DSAU = DSAV / DSCS, a ratio between 0 and 1 with two decimals.
* **Around the form** (``declaration``, ``snir``, ``duties``): where each result
  goes on the 2042-C-PRO, the cross-check of DSAV with the relevé SNIR, the
  2035-E and DAS-2 duties; hints for the income accounts that need more (IJ).
* **Reconciliation**: the year's treasury movement, computed from the treasury
  postings, must equal receipts − expenses ± neutral buckets ± non-deductible
  payments, to the cent, with nothing unexplained and no unmapped account. An
  opening entry (:func:`is_opening_entry`: the treasury balances booked on the
  books' first day against ``Equity:``) is the opening balance, not a movement:
  it is on neither side (``Reconciliation.opening``), as the FEC books it in ``AN``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from beancount.core import data

from beancount_hn.core import mapping
from beancount_hn.core.amounts import round_euros
from beancount_hn.core.cashbook import (EXPENSE, INCOME, NEUTRAL, UNEXPLAINED, Cashbook, Settlement, Target,
                                        misattribution_errors, problem_errors,
                                        unexplained_reason)
from beancount_hn.core.classify import CONVENTIONNE, DEPASSEMENT, NON_CONVENTIONNE, Classifier, Receipt
from beancount_hn.core.config import ADJUSTMENT_OPTION, TURNOVER_OPTION
from beancount_hn.core.errors import error_type, source_of, where
from beancount_hn.core.frtypo import date as french_date
from beancount_hn.core.frtypo import money
from beancount_hn.core.gcpause import gc_paused
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.roles import ITEM, books_first_day, books_start, euros, roles_of
from beancount_hn.tax import lines2035
from beancount_hn.tax.assets import Asset, Registre, build_registre
from beancount_hn.tax.duties import DAS2_LINES, Duties, duties_of
from beancount_hn.tax.lines2035 import COVERED_BY_BAREME
from beancount_hn.tax.lines2035 import NEUTRAL as NEUTRAL_LINE
from beancount_hn.tax.lines2035 import NON_DEDUCTIBLE, SHARE_KEYS, Line2035, parse_share
from beancount_hn.tax.snir import SnirCheck, snir_check
from beancount_hn.tax.vehicle import (VEHICLE_LINE, DepreciationCap, Forfait, cap_error, capped_excess,
                                      covered_by_forfait, depreciation_cap, forfait, is_property_cost,
                                      property_cost_hint, validate_bareme)

Form2035Error = error_type("Form2035Error")
Form2035Hint = error_type("Form2035Hint")

ZERO = Decimal(0)
_new_tuple = tuple.__new__  # a NamedTuple without its Python-level __new__ (one per receipt)
CENT = Decimal("0.01")

#: Kinds of contributions behind a line (ENTERED: an ``ajustement-2035`` directive).
CASH, SHARE, BAREME, DOTATION, DISPOSAL = "cash", "share", "bareme", "dotation", "disposal"
ENTERED = "entered"
#: The exonérations of line 43 that enter the revenu brut social (notice 2035 2026, renvoi (26)).
RBS_EXONERATIONS = ("CS", "AW", "CU", "CI", "DG", "DH", "CO", "CJ")
#: The boxes the revenu brut social adds back: a share added back on CC from inside them is also put on DB.
RBS_ADDED_BACK = frozenset({"BK", "BV"})
#: The social boxes ``--explain`` accepts: their receipts (DSAU is a ratio of two of them).
SOCIAL_CODES = ("DSCS", "DSAV", "DSAW")


@dataclass(slots=True)
class Contribution:
    """One amount behind a line, with where it comes from (tens of thousands a year: not frozen, which is slower to make)."""

    code: str  # the line it is booked on ("BF", "17", "BT", "CC"…)
    amount: Decimal  # in the line's direction: + increases the line
    kind: str  # CASH, SHARE, BAREME, DOTATION or DISPOSAL
    date: datetime.date
    account: str
    description: str
    meta: dict[str, Any] | None  # the posting (or directive) behind it
    paid_by: dict[str, Any] | None = None  # the treasury transaction, when another one


class SocialItem(NamedTuple):
    """One receipt the social split counts."""

    contribution: Contribution  # its AA contribution (amount, date received)
    convention: str | None  # its convention status (None: unclassified)
    care_date: datetime.date  # the date of the care it pays (the income posting's transaction)
    settlement: Settlement  # the money behind it


@dataclass
class Social:
    """The PAMC split of the year's receipts (2042-C-PRO volet social)."""

    total: Decimal = ZERO  # DSCS
    conventionne: Decimal = ZERO  # conventionné acts at the tariff (DSAV without the dépassements)
    depassement: Decimal = ZERO  # DSAW
    non_conventionne: Decimal = ZERO
    unclassified: Decimal = ZERO
    #: Each receipt counted, in the order of the year's settlements.
    items: list[SocialItem] = field(default_factory=list)

    @property
    def acts(self) -> Decimal:
        """DSAV: recettes tirées d'actes conventionnés, dépassements included."""
        return self.conventionne + self.depassement

    @property
    def ratio(self) -> Decimal | None:
        """DSAU: DSAV ÷ DSCS, between 0 and 1, two decimals (None without receipts)."""
        if self.total <= 0:
            return None
        return min(max(self.acts / self.total, ZERO), Decimal(1)).quantize(CENT, ROUND_HALF_UP)

    def boxes(self) -> dict[str, Decimal | None]:
        return {"DSCS": self.total, "DSAV": self.acts, "DSAW": self.depassement, "DSAU": self.ratio}

    def explain(self, code: str) -> list[Contribution]:
        """The receipts behind DSCS, DSAV or DSAW."""
        wanted = {"DSCS": None, "DSAV": (CONVENTIONNE, DEPASSEMENT), "DSAW": (DEPASSEMENT,)}[code]
        return [item.contribution for item in self.items if wanted is None or item.convention in wanted]


@dataclass
class Reconciliation:
    """Treasury movement of the year against what the lines and buckets explain."""

    treasury: Decimal = ZERO  # from the treasury postings themselves, opening entries excepted
    opening: Decimal = ZERO  # the opening entries' treasury balances (is_opening_entry): not a movement
    receipts: Decimal = ZERO  # cash to credit lines
    expenses: Decimal = ZERO  # cash to debit lines (positive: money paid)
    neutral: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    non_deductible: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    personal_funds: Decimal = ZERO  # paid or received outside the treasury (personal funds, a lender…)
    unexplained: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    unmapped: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @property
    def explained(self) -> Decimal:
        return (self.receipts - self.expenses + sum(self.neutral.values(), ZERO)
                + sum(self.non_deductible.values(), ZERO) + self.personal_funds
                + sum(self.unexplained.values(), ZERO) + sum(self.unmapped.values(), ZERO))

    @property
    def difference(self) -> Decimal:
        return self.treasury - self.explained

    @property
    def closed(self) -> bool:
        """True when every euro lands in one line or one declared bucket."""
        return (self.difference == 0 and not any(self.unexplained.values())
                and not any(self.unmapped.values()))


@dataclass
class Form2035:
    """Every line of a year's 2035-A/2035-B, and how each was obtained."""

    year: int
    values: dict[str, Decimal]  # every code, in cents
    euros: dict[str, Decimal]  # every code, whole euros, totals of the rounded boxes
    contributions: list[Contribution]
    social: Social
    reconciliation: Reconciliation
    registre: Registre
    forfait: Forfait | None
    long_term: Decimal  # net long-term result of the year's disposals (outside the result)
    errors: list
    hints: list
    unmapped_errors: list = field(default_factory=list)  # also in ``errors``
    cashbook: Cashbook | None = None  # the cash book whose settlements it counted
    #: What each settlement of the year was counted as, by ``id``: see :meth:`line_of`.
    attribution: dict[int, str | None] = field(default_factory=dict)
    declarant: int = 1  # the practitioner's place on the 2042 (``hn-option "declarant"``)
    duties: Duties | None = None  # 2035-E and DAS-2
    snir: SnirCheck | None = None  # DSAV against the relevé SNIR, when the ledger gives it
    #: The ``id`` of the year's opening entries (:func:`is_opening_entry`): their money is the
    #: opening balance (``Reconciliation.opening``), counted nowhere; the FEC books it in ``AN``.
    openings: set[int] = field(default_factory=set)
    #: (total, code) → sign of ``code`` in ``total``, for :meth:`effect` (a few dozen pairs a year).
    _signs: dict[tuple[str, str], int] = field(default_factory=dict, repr=False, compare=False)

    def line_of(self, settlement: Settlement) -> str | None:
        """What this form made of a settlement of fees or costs (bucket INCOME or EXPENSE)
        of :attr:`cashbook`: the 2035 code it is counted on, or ``NON_DEDUCTIBLE``,
        ``NEUTRAL`` or ``COVERED_BY_BAREME`` (counted on no line), or None (no line:
        an error of :attr:`errors`). Every export books a settlement by this answer, so
        that no file counts a payment the 2035 did not, or on another line."""
        return self.attribution.get(id(settlement))

    def is_opening(self, txn: data.Transaction) -> bool:
        """Whether this form took ``txn`` as an opening entry: the opening balance, not a movement."""
        return id(txn) in self.openings

    def adjustments(self) -> list[Contribution]:
        """The contributions that move no money (barème, private shares, dotations,
        disposals), in form order: with the cash rows of the livre-journal they make every line."""
        return sorted((c for c in self.contributions if c.kind != CASH),
                      key=lambda c: (lines2035.form_order(c.code), c.date))

    def direct(self) -> dict[str, Decimal]:
        """Each code's own contributions (sub-lines and "dont" boxes not rolled into their box)."""
        return _direct(self.contributions)

    def lines(self) -> list[Line2035]:
        """The lines of this year's form, in form order."""
        return [row for row in lines2035.lines() if row.applies_to(self.year)]

    def explain(self, code: str) -> list[Contribution]:
        """The contributions behind ``code``, sub-lines and "dont" boxes included.

        For a total, the contributions of every line it is made of; for DSCS,
        DSAV or DSAW, the receipts of the social split.
        """
        code = code.strip().upper()
        if code in SOCIAL_CODES:
            return self.social.explain(code)
        wanted = set(_components(code)) if code in _TOTAL_PARTS else {code}
        return [c for c in self.contributions
                if wanted & set(lines2035.chain(c.code))]

    def effect(self, code: str, contribution: Contribution) -> Decimal:
        """What ``contribution`` adds to ``code`` (negative when it lowers it): its amount
        times the sign its line has in that total (an expense in CP: −; BT in DD: 0,
        deducted in BR and added back)."""
        code = code.strip().upper()
        if code in SOCIAL_CODES or code == contribution.code:
            return contribution.amount
        sign = self._signs.get((code, contribution.code))
        if sign is None:
            sign = self._signs[code, contribution.code] = _coefficient(self.values, self.year, code,
                                                                       contribution.code)
        return contribution.amount * sign

    def formula(self, code: str) -> str | None:
        """How a total is made, e.g. ``"AA − AB − AC"`` (None for other lines)."""
        return _FORMULAS.get(code.strip().upper())


# --- totals ---------------------------------------------------------------------------

_DEPENSES_BOXES = tuple(
    row.code for row in lines2035.lines()
    if row.section == "depenses" and row.parent is None and row.kind != lines2035.TOTAL
)
#: How each total is computed, in the form's words (shown by ``--explain`` and Fava).
_FORMULAS = {
    "AD": "AA − AB − AC",
    "AG": "AD + AE + AF",
    "BR": " + ".join(_DEPENSES_BOXES),
    "CA": "AG − BR si positif",
    "CF": "BR − AG si positif",
    "CE": "CA + CB + CC + CD",
    "CN": "CF + CG + CH + CK + CL + CM",
    "CP": "CE − CN si positif",
    "CR": "CN − CE si positif",
    "DD": "CE − CN + BK + BV + " + " + ".join(RBS_EXONERATIONS) + " + DE − DB, si positif",
    "DC": "idem, si négatif (en valeur absolue)",
}
_TOTAL_PARTS = {
    "AD": ("AA", "AB", "AC"),
    "AG": ("AA", "AB", "AC", "AE", "AF"),
    "BR": _DEPENSES_BOXES,
    "CA": ("AA", "AB", "AC", "AE", "AF", *_DEPENSES_BOXES),
    "CF": ("AA", "AB", "AC", "AE", "AF", *_DEPENSES_BOXES),
}
_TOTAL_PARTS["CE"] = (*_TOTAL_PARTS["CA"], "CB", "CC", "CD")
_TOTAL_PARTS["CN"] = (*_TOTAL_PARTS["CF"], "CG", "CH", "CK", "CL", "CM")
_TOTAL_PARTS["CP"] = _TOTAL_PARTS["CR"] = tuple(dict.fromkeys(_TOTAL_PARTS["CE"] + _TOTAL_PARTS["CN"]))
_TOTAL_PARTS["DD"] = _TOTAL_PARTS["DC"] = (*_TOTAL_PARTS["CP"], "BK", "BV", *RBS_EXONERATIONS,
                                          "DE", "DB")


def _components(code: str) -> tuple[str, ...]:
    return _TOTAL_PARTS.get(code, (code,))


def _coefficient(values: dict[str, Decimal], year: int, total: str, code: str) -> int:
    """How ``total`` moves when ``code`` (and every box it counts in) grows: +1, −1 or 0,
    at the year's figures (an excédent year reads CA, an insuffisance year CF)."""
    step = Decimal("0.0001")
    moved = dict(values)
    for outer in lines2035.chain(code):
        moved[outer] = moved.get(outer, ZERO) + step
    return int(((totals(moved, year).get(total, ZERO) - values.get(total, ZERO)) / step)
               .to_integral_value(ROUND_HALF_UP))


def totals(boxes: dict[str, Decimal], year: int) -> dict[str, Decimal]:
    """Every line from the entered boxes (inputs, donts, computed): adds the totals."""
    v = defaultdict(Decimal, boxes)
    v["AD"] = v["AA"] - v["AB"] - v["AC"]
    v["AG"] = v["AD"] + v["AE"] + v["AF"]
    v["BR"] = sum((v[code] for code in _DEPENSES_BOXES), ZERO)
    v["CA"] = max(v["AG"] - v["BR"], ZERO)
    v["CF"] = max(v["BR"] - v["AG"], ZERO)
    v["CE"] = v["CA"] + v["CB"] + v["CC"] + v["CD"]
    v["CN"] = v["CF"] + v["CG"] + v["CH"] + v["CK"] + v["CL"] + v["CM"]
    v["CP"] = max(v["CE"] - v["CN"], ZERO)
    v["CR"] = max(v["CN"] - v["CE"], ZERO)
    if lines2035.line("DD").applies_to(year):
        rbs = (v["CE"] - v["CN"] + v["BK"] + v["BV"] + sum((v[c] for c in RBS_EXONERATIONS), ZERO)
               + v["DE"] - v["DB"])
        v["DD"] = max(rbs, ZERO)
        v["DC"] = max(-rbs, ZERO)
    return {row.code: v[row.code] for row in lines2035.lines() if row.applies_to(year)}


def _direct(contributions: list[Contribution]) -> dict[str, Decimal]:
    direct: dict[str, Decimal] = defaultdict(Decimal)
    for contribution in contributions:
        direct[contribution.code] += contribution.amount
    return direct


def _roll_up(direct: dict[str, Decimal]) -> dict[str, Decimal]:
    """Each line's own amounts plus those of the sub-lines and "dont" boxes inside it."""
    rolled: dict[str, Decimal] = defaultdict(Decimal)
    for code, amount in direct.items():
        for outer in lines2035.chain(code):
            rolled[outer] += amount
    return rolled


# --- the computation --------------------------------------------------------------------


@gc_paused()
def compute_2035(entries: Sequence[data.Directive], index: LedgerIndex, year: int, *,
                 cashbook: Cashbook | None = None, registre: Registre | None = None) -> Form2035:
    """The 2035 of ``year`` (a calendar year, cash basis) from a loaded ledger."""
    # Only the year's settlements are read: the other years may be aggregated (same figures).
    cashbook = cashbook or Cashbook.build_for_year(entries, index, year)
    registre = registre or build_registre(entries, index)
    builder = _FormBuilder(index, year)
    builder.cashbook = cashbook
    day = opening_day(index)
    openings: set[int] = set()
    for settlement in cashbook.for_year(year):
        if settlement.bucket == NEUTRAL and is_opening_entry(index, settlement.txn, day):
            openings.add(id(settlement.txn))  # the opening balance, not a movement (treasury_movement)
            continue
        builder.settlement(settlement)
    builder.shares()
    builder.reconciliation.treasury, builder.reconciliation.opening = treasury_movement(entries, index, year)
    year_forfait = forfait(index, year, registre)
    if year_forfait is not None:
        builder.add(Contribution(
            "23", year_forfait.amount, BAREME, datetime.date(year, 12, 31), "",
            year_forfait.description, source_of(year_forfait.entry)))
    builder.assets(registre, year_forfait is not None)
    builder.entered()
    coverage = coverage_errors(index, year, entries)
    errors = (lines2035.validate_line_values(index) + validate_bareme(index) + registre.errors
              + cashbook.unpriced + _earlier_problems(cashbook, year)
              + misattribution_errors(cashbook, lambda day: day.year == year) + coverage
              + builder.errors)
    boxes = _roll_up(_direct(builder.contributions))
    values = totals(boxes, year)
    rounded = {code: round_euros(amount) for code, amount in boxes.items()}
    euros = totals(rounded, year)
    duties = duties_of(values, builder.fee_payments, year)
    hints = (list(registre.hints) + ([] if coverage else _nothing_counted(entries, index, year, builder))
             + builder.account_hints(values) + builder.property_hints(registre)
             + duties.hints())
    form = Form2035(
        year=year,
        values=values,
        euros=euros,
        contributions=builder.contributions,
        social=builder.social,
        reconciliation=builder.reconciliation,
        registre=registre,
        forfait=year_forfait,
        long_term=registre.long_term_net(year),
        errors=errors,
        hints=hints,
        unmapped_errors=builder.unmapped_errors,
        cashbook=cashbook,
        attribution=builder.attribution,
        declarant=index.config.value("declarant", datetime.date(year, 12, 31), 1),
        duties=duties,
        openings=openings,
    )
    form.snir = snir_check(index, year, form.social, values.get("AC", ZERO), books_first_day(index, entries))
    if form.snir is not None:
        form.errors.extend(form.snir.errors)  # errors of the form: a date-soin: that is no date
    return form


def treasury_movement(entries: Sequence[data.Directive], index: LedgerIndex,
                      year: int) -> tuple[Decimal, Decimal]:
    """Net money in (+) or out (−) of the treasury accounts during ``year``, and the
    opening balances booked in ``year`` by opening entries (:func:`is_opening_entry`),
    which are not a movement of the year.

    Read from the treasury postings themselves, independently of the cash
    book, so the reconciliation checks the attribution.
    """
    start = index.treasury_from
    day = opening_day(index)
    total = opening = ZERO
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.date.year == year:
            is_opening = is_opening_entry(index, entry, day)
            for posting in entry.postings:
                since = start.get(posting.account)
                if since is not None and entry.date >= since and posting.units is not None:
                    value = euros(posting, index.currency)  # unknown: the cash book reports it
                    amount = posting.units.number if value is None else value
                    if is_opening:
                        opening += amount
                    else:
                        total += amount
    return total, opening


def _earlier_problems(cashbook: Cashbook, year: int) -> list:
    """Money of an earlier year that settled nothing: the items it should have paid may be
    paid (and counted) again this year, so this year's figures are not sure either."""
    return [Form2035Error(error.source, f"{error.message} ; cette erreur de {error.entry.date.year} peut "
                          f"changer les chiffres de {year} : corrigez-la d'abord", error.entry)
            for error in problem_errors(cashbook, before=datetime.date(year, 1, 1))]


def opening_day(index: LedgerIndex) -> datetime.date | None:
    """The day whose opening entries (:func:`is_opening_entry`) are the opening balances: the
    books' first day (first ``treasury`` option), when the practice began before it or nothing
    says when. A practice that opens that day (``practice-start`` on or after it) carries no
    balance over: the money it brings that day is a contribution, a movement of its first year."""
    first = books_start(index)
    if first is None:
        return None
    start = index.config.value("practice-start")
    if isinstance(start, datetime.date) and start >= first.date:
        return None
    return first.date


def is_opening_entry(index: LedgerIndex, txn: data.Transaction, day: datetime.date | None) -> bool:
    """Whether ``txn`` books the treasury's opening balances (``docs/demarrer.md``, « Commencer
    en cours d'activité »): dated ``day`` (:func:`opening_day`), it moves a treasury account,
    and every other posting is on an ``Equity:`` account — no fees, costs, receivable or
    payable. Its money was there before the year's first movement: the reconciliation keeps it
    out of the year's movement and the FEC books it in the ``AN`` journal against ``110``, as
    balances dated the day before the books. Receivables and payables carried over that day
    against ``Equity:`` are other transactions: they count when settled (``cashbook``)."""
    if day is None or txn.date != day:
        return False
    starts = index.treasury_from
    moves_treasury = False
    for posting in txn.postings:
        since = starts.get(posting.account)
        if since is not None and since <= day:
            moves_treasury = True
        elif index.root_type(posting.account) != "equity":
            return False
    return moves_treasury


def covered_years(index: LedgerIndex, years: Sequence[int], entries: Sequence[data.Directive]) -> list[int]:
    """``years`` without those that end before the books start (``roles.books_first_day``): a
    ledger begun on 1 January 2025 may hold December 2024's lots, copied in, or the balances
    taken over on 31 December 2024, but no 2035 of 2024 (:func:`coverage_errors`)."""
    first = books_first_day(index, entries)
    return [year for year in years if first is None or year >= first.year]


def coverage_errors(index: LedgerIndex, year: int, entries: Sequence[data.Directive]) -> list:
    """An error when the books do not hold the whole of ``year``'s money: never a 2035 of
    zeros, nor of half a year, presented as final (DESIGN §8: a year without data is an error).

    The cash book counts from the books' first day (``roles.books_first_day``: the first
    ``treasury`` option, or 1 January after a year of opening entries only). A year that
    ends before it has no money in the books. A year it starts after 1 January is complete
    only when the practice opened that day or later (``practice-start`` on or after the
    books' first day): a ledger begun on 1 July for a practice older than that, or when
    nothing says when the practice opened, would file half a year's receipts and expenses
    as the year's. The later years are whole. The advice never contradicts the ledger: it
    restores the operations from the practice's start, and offers ``practice-start`` only
    when nothing (a turnover declared for an earlier year, fees or costs booked before the
    books) shows the practice existed before.
    """
    first = books_start(index)
    begin = books_first_day(index, entries)
    if first is None or begin is None or begin.year < year or begin == datetime.date(year, 1, 1):
        return []
    start = index.config.value("practice-start")
    day = french_date(begin)
    if begin.year > year:
        if start is not None and start.year > year:
            before = f"l'activité a commencé le {french_date(start)} (practice-start) : pas de 2035 de {year}"
        else:
            since = start if start is not None and start.year == year else datetime.date(year, 1, 1)
            before = (f"pour la 2035 de {year}, reprenez les opérations depuis le {french_date(since)} (au "
                      "moins leurs totaux, une transaction par ligne de la 2035) et datez l'option treasury "
                      "de ce jour")
        origin = ("première option treasury" if begin == first.date else
                  f"le {french_date(first.date)}, jour de la première option treasury, le livre ne porte que "
                  "des soldes d'ouverture : ils sont ceux du 1er janvier")
        message = (f"le livre ne couvre pas {year} : il compte l'argent à partir du {day} ({origin}) ; "
                   f"aucune recette ni dépense de {year} n'y est comptée et sa 2035 ne serait faite que de "
                   f"zéros. Choisissez une année à partir de {begin.year} ; {before}")
        return [Form2035Error(source_of(first), message, first)]
    if start is not None and start >= begin:
        return []  # a practice that opens in the year files from its first day, as the law says
    partial = f"la 2035 de {year} ne compterait que les recettes et dépenses depuis le {day}"
    since = max(start, datetime.date(year, 1, 1)) if start is not None else datetime.date(year, 1, 1)
    since_day = french_date(since).removesuffix(f" {year}")  # « 1er mars », the year said after
    resume = (f"les opérations du {since_day} au {french_date(begin - datetime.timedelta(days=1))} (au moins "
              f"leurs totaux, une transaction par ligne de la 2035), et datez l'option treasury du {since_day}")
    balances = ("" if since.month != 1 or since.day != 1 else  # a practice opening that year carries nothing over
                f" ; les soldes d'ouverture se datent alors du 31 décembre {year - 1} ou du 1er janvier {year}, "
                "au choix")
    if start is not None:
        message = (f"le livre commence le {day} (première option treasury) mais l'activité a commencé le "
                   f"{french_date(start)} (practice-start) : {partial}. Reprenez {resume}{balances}")
        return [Form2035Error(source_of(first), message, first)]
    message = (f"le livre commence le {day} (première option treasury) et rien ne dit que le cabinet a "
               f"ouvert ce jour-là (aucune option practice-start) : {partial}. S'il exerçait déjà, "
               f"reprenez {resume}{balances}")
    earlier = _existed_before(index, entries, begin)
    if earlier:
        message += f" (le livre montre qu'il exerçait avant le {day} : {earlier})"
    else:
        message += (f" ; s'il a vraiment ouvert le {day}, déclarez-le : "
                    f'{begin.isoformat()} custom "hn-option" "practice-start" {begin.isoformat()}')
    return [Form2035Error(source_of(first), message, first)]


def _existed_before(index: LedgerIndex, entries: Sequence[data.Directive], day: datetime.date) -> str:
    """What in the ledger shows the practice existed before ``day`` (empty when nothing does):
    a turnover declared for an earlier year (``vat-turnover``), fees or costs booked before."""
    for option in index.config.entries(TURNOVER_OPTION):
        declared_year, amount = option.value
        if declared_year < day.year and amount:
            return f'chiffre d\'affaires {declared_year} déclaré par "vat-turnover"'
    for entry in entries:
        if entry.date >= day:
            break
        if isinstance(entry, data.Transaction) and any(
                index.root_type(p.account) in ("income", "expenses") for p in entry.postings):
            return f"recettes ou dépenses du {french_date(entry.date)}"
    return ""


def _nothing_counted(entries: Sequence[data.Directive], index: LedgerIndex, year: int,
                     builder: _FormBuilder) -> list:
    """A hint when ``year`` has income or expense postings and the cash book counted nothing.

    Every one of them is then on credit (an FSE lot of December paid in
    January: right, and worth saying), or opposite an account the user
    declared neutral; an account of unknown role is an error of the ledger
    (``roles.check``).
    """
    if builder.contributions or builder.reconciliation.treasury:
        return []
    for entry in entries:
        if type(entry) is data.Transaction and entry.date.year == year and any(
                index.root_type(p.account) in ("income", "expenses") for p in entry.postings):
            return [Form2035Error(
                source_of(entry),
                f"{year} : le livre a des recettes ou des dépenses (la première ici) mais aucun argent "
                "n'a bougé sur un compte de trésorerie cette année-là : rien n'est compté pour "
                f"{year} (ce qui est payé une autre année compte cette année-là). Si l'argent est arrivé "
                'sur un compte, déclarez-le : custom "hn-option" "treasury" …', entry)]
    return []


class _FormBuilder:
    """Accumulates the contributions, the social split and the reconciliation."""

    def __init__(self, index: LedgerIndex, year: int) -> None:
        self.index = index
        self.year = year
        self.contributions: list[Contribution] = []
        self.social = Social()
        self.reconciliation = Reconciliation()
        self.errors: list = []
        self.attribution: dict[int, str | None] = {}
        self.unmapped_errors: list = []
        self._unmapped_seen: set[str] = set()
        self._classifier = Classifier(index)
        self._receipts: dict[int, tuple[dict[int, Receipt], list]] = {}
        # Per account, per transaction: what every settlement of the year would look up again.
        self._accounts: dict[str, tuple[str | None, lines2035.Line2035 | None, bool]] = {}
        self._descriptions: dict[int, str] = {}
        self._unclassified_seen: set[int] = set()
        self._roles = roles_of(index)
        # Shares added back on CC, by (account, key, rate, line): rounded once, see ``shares``.
        self._pending_shares: dict[tuple[str, str, Decimal, str], list[_PendingShare]] = {}
        self._bad_shares: set[tuple[int, str]] = set()
        self._bad_lines: set[int] = set()  # postings whose ligne-2035: (read on the open only) was reported
        self.cashbook: Cashbook | None = None  # the cash book it counts (compute_2035 sets it)
        #: The fees paid on the lines of the DAS-2 (AC, 21), with their beneficiary (the payee).
        self.fee_payments: list[tuple[str, Contribution]] = []
        #: Line-23 costs of owning the car, by account: total paid and where first.
        self._property_costs: dict[str, list] = {}
        self._rbs_double_count = lines2035.line("DB").applies_to(year)

    def add(self, contribution: Contribution) -> None:
        self.contributions.append(contribution)

    # one settlement of the year
    def settlement(self, settlement: Settlement) -> None:
        amount = settlement.amount
        if settlement.funded_by_equity:
            self.reconciliation.personal_funds -= amount  # money that did not pass through the treasury
        target = settlement.target
        bucket = target.bucket
        if bucket == INCOME or bucket == EXPENSE:  # most settlements: a posting of fees or costs
            self._posting(settlement, target)
            return
        if bucket == NEUTRAL:
            self.reconciliation.neutral[settlement.account] += amount
            if self._roles.role(settlement.account) == ITEM:  # an item born of other items only
                self.errors.append(Form2035Error(
                    source_of(settlement.txn),
                    f"{money(amount)} sur {settlement.account} règle une créance ou une dette née sans recette "
                    "ni dépense (en face d'autres créances ou dettes seulement) : rien n'en est compté. "
                    "Une écriture d'ouverture se passe en face d'Equity: (custom … « Reprise des créances »), "
                    "chaque créance classée par convention: ou acte:", settlement.txn))
            return
        if bucket == UNEXPLAINED:
            self.reconciliation.unexplained[settlement.account] += amount
            self.errors.append(Form2035Error(source_of(settlement.txn), unexplained_reason(
                self.cashbook, settlement.txn, settlement.account, amount), settlement.txn))
            return
        self.reconciliation.unexplained[f"{bucket}:{settlement.account}"] += amount

    def _posting(self, settlement: Settlement, target: Target) -> None:
        account = target.account
        amount = settlement.amount
        target_txn = target.txn
        posting = target_txn.postings[target.index] if target_txn else None
        known = self._accounts.get(account)
        if known is None and self.index.root_type(account) not in ("income", "expenses"):
            known = self._opening_line(settlement, posting)
            if known is None:
                self.attribution[id(settlement)] = None
                return
        elif known is None:
            line = lines2035.account_line(self.index, account)
            row = lines2035.line(line) if line in lines2035.by_code() else None
            known = self._accounts[account] = (line, row, self.index.root_type(account) == "income")
        if posting is not None and posting.meta and lines2035.LINE_KEY in posting.meta and id(posting) not in self._bad_lines \
                and self.index.root_type(account) in ("income", "expenses"):
            self._bad_lines.add(id(posting))  # read on the open only: one account, one line
            self.errors.append(Form2035Error(source_of(target_txn), (
                f"ligne-2035: {posting.meta[lines2035.LINE_KEY]} sur une ligne de {account} n'est pas lu : la ligne de la "
                "2035 se lit sur l'open du compte (un compte, une ligne) ; passez ces montants sur un compte à "
                "part dont l'open porte ce ligne-2035:"), target_txn))
        line, row, is_income = known
        if line == VEHICLE_LINE and covered_by_forfait(self.index, line, account, posting, self.year):
            self.attribution[id(settlement)] = COVERED_BY_BAREME
            self.reconciliation.non_deductible[f"{account} (couvert par le barème kilométrique)"] += amount
            return
        self.attribution[id(settlement)] = line
        if line is None:
            self.reconciliation.unmapped[account] += amount
            self._unmapped(account, settlement, posting)
            return
        if line == NEUTRAL_LINE:
            self.reconciliation.neutral[account] += amount
            return
        if line == NON_DEDUCTIBLE:
            self.reconciliation.non_deductible[account] += amount
            return
        credit = row.sign == "credit"
        if credit:
            signed = amount
            self.reconciliation.receipts += amount
        else:
            signed = -amount
            self.reconciliation.expenses -= amount
        meta = _meta_of(posting, target_txn)
        paid_by = settlement.txn.meta if settlement.txn is not target_txn else None
        described = target_txn or settlement.txn
        description = self._descriptions.get(id(described))
        if description is None:
            description = self._descriptions[id(described)] = _describe(described)
        contribution = Contribution(line, signed, CASH, settlement.date, account, description, meta, paid_by)
        self.contributions.append(contribution)
        if not credit:
            self._share(line, signed, settlement, account, posting, meta, paid_by)
            if line in DAS2_LINES:
                payee = ((target_txn.payee if target_txn else None) or settlement.txn.payee or "").strip()
                self.fee_payments.append((payee, contribution))
            elif line == VEHICLE_LINE and is_property_cost(self.index, account, posting):
                known_cost = self._property_costs.setdefault(account, [ZERO, meta or source_of(settlement.txn)])
                known_cost[0] += signed
        # Fees only: an income account that is no fees (débours remboursés, on AA) stays out of the
        # social split; a receivable carried over against Equity: is fees (classified on its posting).
        if line == "AA" and is_income and (self.index.root_type(account) != "income"
                                           or self._classifier.is_receipt_account(account)):
            self._social(target, amount, contribution, settlement)

    def _opening_line(self, settlement: Settlement, posting: data.Posting) -> tuple | None:
        """The line of a receivable or payable carried over against ``Equity:`` (``cashbook``).

        A receivable counts on AA unless its posting says ``ligne-2035:``; a payable
        has no default line: an error asks for one.
        """
        written = (posting.meta or {}).get(lines2035.LINE_KEY) if posting is not None else None
        line = lines2035.target_line(self.index, settlement.account, posting, settlement.amount)
        row = lines2035.line(line) if line in lines2035.by_code() else None
        if line in (NEUTRAL_LINE, NON_DEDUCTIBLE) or row is not None:
            return line, row, line == "AA"
        self.reconciliation.unexplained[settlement.account] += settlement.amount
        self.errors.append(Form2035Error(
            _meta_of(posting, settlement.target_txn),
            f"{settlement.account} : dette reprise à l'ouverture, payée le {french_date(settlement.date)} "
            f"({where(source_of(settlement.txn))}) : indiquez sur ce posting la ligne de la 2035 de la "
            'dépense, p. ex. ligne-2035: "BA"' if written is None else
            f'{settlement.account} : ligne-2035: "{written}" n\'est pas une ligne de la 2035',
            settlement.target_txn))
        return None

    def _share(self, line: str, signed: Decimal, settlement: Settlement, account: str,
               posting: data.Posting | None, meta: dict | None, paid_by: dict | None) -> None:
        """Note the private or non-deductible share of one payment; :meth:`shares` adds them back on CC.

        The share is rounded once per year, account, key and rate (``part-privee:
        0.3`` on twelve bills of 35.99 gives 30 % of 431.88 = 129.56, not 12 ×
        10.80), not on each payment.
        """
        target_txn = settlement.target.txn
        tmeta = target_txn.meta if target_txn is not None else None
        for key in SHARE_KEYS:
            # The posting's, else its transaction's (every expense line of it), else the open's.
            from_posting = posting is not None and posting.meta and key in posting.meta
            from_txn = not from_posting and tmeta is not None and key in tmeta
            raw = (posting.meta[key] if from_posting else tmeta[key] if from_txn
                   else self.index.open_meta(account, key))
            if raw is None:
                continue
            share = parse_share(raw)
            if share is None:
                # On the open: ``validate_line_values`` reports it there. On a posting or a transaction: once.
                written = posting if from_posting else target_txn if from_txn else None
                if written is not None and (id(written), key) not in self._bad_shares:
                    self._bad_shares.add((id(written), key))
                    self.errors.append(lines2035.share_error(
                        key, raw, (meta if from_posting else None) or source_of(target_txn or settlement.txn),
                        settlement.txn))
                continue
            if share:
                self._pending_shares.setdefault((account, key, share, line), []).append(
                    _PendingShare(signed, settlement.date, meta, paid_by))

    def shares(self) -> None:
        """Add back on CC the shares noted by :meth:`_share`, one rounding per
        (account, key, rate): the year's total paid times the rate, rounded to the
        cent, spread over the payments by largest remainder so that each payment
        keeps its contribution (file:line, ``--explain CC``), each within a cent
        of its exact share, and the contributions add up to the rounded total."""
        for (account, key, share, line), items in self._pending_shares.items():
            base = sum((item.signed for item in items), ZERO)
            total = (base * share).quantize(CENT, ROUND_HALF_UP)
            exact = [item.signed * share for item in items]
            amounts = [value.quantize(CENT, ROUND_FLOOR) for value in exact]
            missing = int((total - sum(amounts, ZERO)) / CENT)
            by_remainder = sorted(range(len(items)), key=lambda i: amounts[i] - exact[i])
            for i in by_remainder[:missing]:
                amounts[i] += CENT
            label = "part privée" if key == "part-privee" else "part non déductible"
            percent = _percent(share)
            year_total = (f"sur {self.year} : {percent} % de {money(base)} = {money(total)}, arrondi une fois "
                          f"pour {len(items)} paiement(s)")
            twice = self._rbs_double_count and not RBS_ADDED_BACK.isdisjoint(lines2035.chain(line))
            for item, amount in zip(items, amounts, strict=True):
                described = f"{label} {percent} % de {money(item.signed)} ({line}) ; {year_total}"
                self.add(Contribution("CC", amount, SHARE, item.date, account, described, item.meta, item.paid_by))
                if twice:  # CE holds it through CC, and DD adds BK/BV back whole: deduct it once on DB
                    self.add(Contribution(
                        "DB", amount, SHARE, item.date, account,
                        f"{described} ; déjà réintégrée en CC, retirée du revenu brut social qui rajoute "
                        f"{lines2035.top_box(line)} (sinon comptée deux fois)", item.meta, item.paid_by))
        self._pending_shares.clear()

    def _social(self, target: Target, amount: Decimal, contribution: Contribution,
                settlement: Settlement) -> None:
        txn = target.txn
        if txn is None:
            return
        known = self._receipts.get(id(txn))
        if known is None:
            receipts, errors = self._classifier.receipts(txn)
            known = self._receipts[id(txn)] = ({r.index: r for r in receipts}, errors)
        receipt = known[0].get(target.index)
        social = self.social
        social.total += amount
        social.items.append(_new_tuple(SocialItem, (contribution, receipt.convention if receipt is not None else None,
                                                    txn.date, settlement)))
        if receipt is None:
            social.unclassified += amount
            if known[1] and id(txn) not in self._unclassified_seen:  # « recette non classée »: not final
                self._unclassified_seen.add(id(txn))
                self.errors.extend(known[1])
        elif receipt.convention == CONVENTIONNE:
            social.conventionne += amount
        elif receipt.convention == DEPASSEMENT:
            social.depassement += amount
        elif receipt.convention == NON_CONVENTIONNE:
            social.non_conventionne += amount

    def _unmapped(self, account: str, settlement: Settlement, posting: data.Posting | None) -> None:
        if account in self._unmapped_seen:
            return
        self._unmapped_seen.add(account)
        meta = _meta_of(posting, settlement.target_txn) or source_of(settlement.txn)
        raw = self.index.line_of(account)
        why = (f'sa valeur ligne-2035: "{raw}" n\'est pas valable' if raw is not None
               else "il n'a pas de ligne-2035: et aucune ligne par défaut ne correspond à son nom")
        error = Form2035Error(
            meta,
            f"{account} n'a pas de ligne de la 2035 ({why}) ; il sert en {self.year}, d'abord en "
            f"{where(meta)} : ajoutez ligne-2035: \"…\" (un code de case, une sous-ligne \"17\"…\"30\", "
            f"\"{NON_DEDUCTIBLE}\" ou \"{NEUTRAL_LINE}\") à son open",
            settlement.target_txn or settlement.txn)
        self.errors.append(error)
        self.unmapped_errors.append(error)

    # fixed assets: dotation (CH, dont BE) and disposals (CB/CK)
    def assets(self, registre: Registre, bareme_year: bool) -> None:
        year = self.year
        for asset, row in registre.dotations(year):
            if not row.dotation:
                continue
            if asset.vehicle and bareme_year:
                continue  # depreciation of the car is covered by the barème kilométrique
            code = "BE" if asset.intangible else "CH"
            self.add(Contribution(
                code, row.dotation, DOTATION, datetime.date(year, 12, 31), asset.account,
                f"dotation {year} : {asset.designation} ({asset.plan}, coût {money(asset.cost)})",
                asset.meta))
            excess = self._capped(asset, row.dotation) if asset.vehicle else ZERO
            if asset.private_share and excess is not None:
                self._private(asset, row.dotation - excess)
        net = registre.short_term_net(year)
        for asset, result in registre.disposals(year):
            if not result.short_term:
                continue
            code = "CB" if net > 0 else "CK"
            signed = result.short_term if code == "CB" else -result.short_term
            self.add(Contribution(
                code, signed, DISPOSAL, result.date, asset.account,
                f"cession {asset.designation} : prix {money(result.price)} − VNC {money(result.net_book_value)} "
                f"= {money(result.result)} (court terme {money(result.short_term)})",
                source_of(asset.disposal.txn)))

    def _capped(self, asset: Asset, dotation: Decimal) -> Decimal | None:
        """Add back on CC the part of a car's dotation above its art. 39-4 ceiling; returns
        that part (None: the ceiling is unknown, an error)."""
        cap = depreciation_cap(asset)
        if isinstance(cap, str):
            self.errors.append(cap_error(asset, cap))
            return None
        excess = capped_excess(asset, dotation, cap) if isinstance(cap, DepreciationCap) else ZERO
        if excess:
            self.add(Contribution(
                "CC", excess, SHARE, datetime.date(self.year, 12, 31), asset.account,
                f"amortissement non déductible (art. 39-4 du CGI) de {asset.designation} : {money(dotation)} × "
                f"({money(asset.cost)} − {money(cap.cap)}) / {money(asset.cost)} ; {cap.why}", asset.meta))
        return excess

    def _private(self, asset: Asset, deductible: Decimal) -> None:
        """Add back on CC the private share of a mixed-use asset's deductible dotation (after
        the art. 39-4 ceiling of a car), rounded once per asset and year."""
        share = (deductible * asset.private_share).quantize(CENT, ROUND_HALF_UP)
        if share:
            self.add(Contribution(
                "CC", share, SHARE, datetime.date(self.year, 12, 31), asset.account,
                f"{'part privée' if asset.share_key == 'part-privee' else 'part non déductible'} "
                f"{_percent(asset.private_share)} % de la dotation {self.year} de {asset.designation} "
                f"({asset.share_key}:) : {money(deductible)} × {_percent(asset.private_share)} %", asset.meta))

    # boxes entered by directive
    def entered(self) -> None:
        """The ``ajustement-2035`` directives dated in the year, each on its box."""
        for option in self.index.config.entries(ADJUSTMENT_OPTION):
            if option.date.year != self.year:
                continue
            adjustment = option.value
            if not lines2035.line(adjustment.box).applies_to(self.year):
                self.errors.append(Form2035Error(
                    source_of(option.entry),
                    f"ajustement-2035 « {adjustment.box} » : la case n'existe pas sur la 2035 des revenus "
                    f"{self.year} (cadre 8 à partir des revenus {lines2035.line(adjustment.box).from_year})",
                    option.entry))
                continue
            self.add(Contribution(adjustment.box, adjustment.amount, ENTERED, option.date, "",
                                  f"ajustement saisi : {adjustment.description}", source_of(option.entry)))

    # hints on what the cash lines cannot say
    def account_hints(self, values: dict[str, Decimal]) -> list:
        """The hint of the default row of each income account counted on AF (the IJ also go
        to DB), unless DB already holds as much."""
        found: dict[str, list] = {}
        for contribution in self.contributions:
            if contribution.kind == CASH and contribution.code == "AF":
                known = found.setdefault(contribution.account, [ZERO, contribution.meta])
                known[0] += contribution.amount
        hints = []
        for account, (amount, meta) in sorted(found.items()):
            root, _, rest = account.partition(":")
            rule = mapping.default_line(self.index.root_type(account) or root.lower(), rest)
            if rule is None or not rule.hint or amount <= 0 or values.get("DB", ZERO) >= amount:
                continue
            hints.append(Form2035Hint(meta, (
                f"{account} : {money(amount)} en {self.year} — {rule.hint} : "
                f'custom "hn-option" "{ADJUSTMENT_OPTION}" "DB" {amount} EUR "{account} {self.year}"'),
                None))
        return hints

    def property_hints(self, registre: Registre) -> list:
        """A warning per account of car property costs counted on line 23 while no vehicle is
        in the registre that year."""
        if any(asset.vehicle for asset in registre.held_in(self.year)):
            return []
        return [property_cost_hint(account, amount, self.year, meta)
                for account, (amount, meta) in sorted(self._property_costs.items()) if amount]


@dataclass(slots=True)
class _PendingShare:
    """One payment whose share is added back on CC (see ``_FormBuilder.shares``)."""

    signed: Decimal  # the payment, in its line's direction
    date: datetime.date
    meta: dict[str, Any] | None
    paid_by: dict[str, Any] | None


def _meta_of(posting: data.Posting | None, txn: data.Transaction | None) -> dict[str, Any] | None:
    """Where a contribution comes from: its posting's metadata (read for filename and lineno)."""
    if posting is not None and posting.meta and "filename" in posting.meta:
        return posting.meta
    return source_of(txn) if txn is not None else None


def _percent(share: Decimal) -> str:
    text = f"{share * 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _describe(txn: data.Transaction) -> str:
    parts = [p for p in (txn.payee, txn.narration) if p]
    return " — ".join(parts)
