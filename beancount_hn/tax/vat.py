"""The VAT franchise (art. 293 B CGI) of a ledger: turnover, crossings, status, projection.

One function, :func:`analyze`, computes everything the plugin
(``beancount_hn.plugins.vat_franchise``), ``hn vat`` and Fava show:

* **Counted turnover** of each calendar year: the money received that year
  (cash basis: :class:`beancount_hn.core.cashbook.Cashbook` settlements, an invoice
  counts when and as far as it is paid, net of credit notes) for receipts whose
  VAT status is ``franchise`` or ``collectee``. Exempt receipts (``exoneree``,
  art. 261-4-1° CGI) are totalled beside it, and the part counted as taxable
  only *by default* (non-conventionné receipts without ``tva:``) is shown, so
  therapeutic HN care can be marked ``tva: "exoneree"``.
* **Thresholds** (``beancount_hn.tax.vat_rules``): the majoré threshold of year N
  applies to N's turnover; the base threshold that N's turnover must not pass
  to keep the franchise in N+1 is the one of row N+1 (row N, flagged
  provisional, while N+1 is not in the table). Prorated for the first year.
* **Crossings**, in date order: the warning share of the base threshold
  (``vat-warning-share``, default 0.8), the base threshold, the majoré
  threshold; the date VAT becomes due; the **status** of each year and a
  **projection** (at the year's pace so far, the day each threshold would be
  crossed).
* **Errors**, at the transaction to fix: the receipt whose payment crosses the
  majoré threshold; every later ``franchise`` receipt of that period; every
  ``franchise`` receipt of a year whose franchise was lost by the previous
  years' turnover; a ``franchise`` receipt under ``vat-regime "reel"``; a year
  missing from the thresholds table. Warnings are :class:`~beancount_hn.core.alerts.Alert`.
* **Collected VAT booked** (:func:`collected_vat_problem`, the one check ``hn note``
  applies too): a ``collectee`` receipt's transaction must book its VAT on a
  ``Liabilities:…:TVA…`` account, equal (to the cent) to each line before VAT at
  its ``taux-tva:`` (posting, else transaction; 20 % by default), rounded per line,
  or to each rate's total before VAT at its rate, rounded (as an invoice states it:
  CGI ann. II art. 242 nonies A). Only the receipts already classified ``collectee``
  are read, by the plugin chain's VAT step (:func:`collected_vat_errors`): the faces
  read these errors among the ledger's. A credit note the invoice step reports as taking back fees of a status its
  invoice has not billed (``LedgerIndex.credit_notes_off_status``) is left to that error.
* **Books begun mid-activity**: ``hn-option "vat-turnover" YEAR AMOUNT EUR``
  gives the counted turnover of a year the ledger does not hold (used when the
  ledger counts nothing that year; above the ledger's own figure, used with a
  warning; below it, an error at the option). A ``practice-start`` dated after
  a receipt (or a declared year) is a warning at its directive.
* **Years the ledger does not hold whole** (:func:`_unknown_turnover`: before the books
  while ``practice-start`` says the practice was open, the books' first year when ``hn
  2035`` refuses it as partial, a covered year without any transaction after active ones):
  a franchise granted over one is no decision (``Decision.unknown``) and an error asks for
  its ``vat-turnover`` (DESIGN §8: a year without data is an error, not a zero).
* **VAT charged under the franchise**: the first ``collectee`` receipt of a year whose
  ``vat-regime`` is ``franchise`` makes VAT due from its day at the latest (fr-rules §2.3:
  the crossing is judged on the receipts as received; rewritten before VAT, the crossing
  receipt would no longer cross), so every later ``franchise`` receipt is an error.
* **As of a day** (``as_of``): only what was received by then is counted and projected.
"""

from __future__ import annotations

import bisect
import datetime
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from beancount.core import data

from beancount_hn.core import frtypo
from beancount_hn.core.alerts import WARNING, Alert
from beancount_hn.core.cashbook import AGGREGATE, INCOME, Cashbook, Settlement, problem_errors
from beancount_hn.core.classify import (COLLECTEE, CONVENTION_STATUSES, FRANCHISE, NON_CONVENTIONNE, TAXABLE,
                                        Classifier, Receipt, TaxableReceipts)
from beancount_hn.core.config import TURNOVER_EXAMPLE, TURNOVER_OPTION, OptionValue
from beancount_hn.core.errors import as_written, error_type, source_of, where
from beancount_hn.core.frtypo import date as french_date
from beancount_hn.core.frtypo import money as eur
from beancount_hn.core.gcpause import gc_paused
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.roles import books_first_day, books_start
from beancount_hn.tax.vat_rules import (
    CENT,
    MONTH_START,
    Decision,
    Thresholds,
    UnknownYearError,
    decide_franchise,
    prorata,
    prorata_days,
    prorata_note,
    prorate,
    threshold_table,
)

VatError = error_type("VatError")
#: A ``collectee`` receipt whose VAT is not booked as its rate says (:func:`collected_vat_problem`).
VatPostingError = error_type("VatPostingError")

ZERO = Decimal(0)
DEFAULT_VAT_RATE = Decimal("20")  # taux-tva: of a collectee receipt that gives none, in %
DEFAULT_WARNING_SHARE = Decimal("0.8")

# Statuses (``YearVat.status``), in French; "TVA due depuis le <date>" is built with the date.
STATUS_FRANCHISE = "franchise"
STATUS_LOST_NEXT_YEAR = "franchise perdue l'année suivante"
STATUS_TOLERANCE = ("franchise (seuil de base dépassé, maintenue l'année suivante par la tolérance "
                    "de deux ans)")
STATUS_REEL = "reel"
STATUS_UNKNOWN = "seuils inconnus : mettez beancount-hn à jour"
STATUS_BEFORE_TABLE = "non vérifiée : avant la table des seuils"

ACTION = ('tva: "collectee" sur la recette, ou custom "hn-option" "vat-regime" "reel" '
          "à partir de cette date")


@dataclass(frozen=True)
class Crossing:
    """The settlement that took a year's counted turnover past a threshold."""

    date: datetime.date
    threshold: Decimal
    cumulative: Decimal  # the counted turnover right after it
    settlement: Settlement
    receipt: Receipt


@dataclass
class YearVat:
    """Everything about the 293 B franchise in one calendar year."""

    year: int
    thresholds: Thresholds | None  # the table's row for the year (None: not in the table)
    prorata: Fraction = Fraction(1)
    majore_threshold: Decimal | None = None
    base_threshold: Decimal | None = None  # what this year's turnover must not pass (next year's franchise)
    base_threshold_year: int | None = None  # the row it comes from
    warning_share: Decimal = DEFAULT_WARNING_SHARE
    warning_threshold: Decimal | None = None
    counted_turnover: Decimal = ZERO
    taxable_by_default: Decimal = ZERO  # counted only because non-conventionné receipts default to franchise
    exempt_receipts: Decimal = ZERO
    hn_exempt: Decimal = ZERO  # non-conventionné receipts marked exoneree
    regime: str = "franchise"  # vat-regime on 1 January
    regime_changes: list[tuple[datetime.date, str]] = field(default_factory=list)
    franchise_at_start: Decision | None = None
    next_year: Decision | None = None  # the franchise of year+1, from this year's turnover so far
    warning_crossing: Crossing | None = None
    base_crossing: Crossing | None = None
    majore_crossing: Crossing | None = None
    vat_due_from: datetime.date | None = None
    #: The first receipt of the year invoiced with VAT (``collectee``) while the franchise held:
    #: VAT became due then at the latest (``vat_due_from``), whatever the turnover recounted since.
    first_collected: data.Transaction | None = None
    as_of: datetime.date | None = None
    projected_base_crossing: datetime.date | None = None
    projected_majore_crossing: datetime.date | None = None
    status: str = STATUS_FRANCHISE
    # The turnover of the previous year the decisions use, and where it comes from:
    # "ledger" (its receipts), "declared" (hn-option vat-turnover), "none" (taken as nil) or
    # "unknown" (the ledger does not hold the whole year: ``VatAnalysis.unknown_turnover``).
    previous_turnover: Decimal | None = None
    previous_turnover_source: str = "none"
    declared_turnover: Decimal | None = None  # hn-option vat-turnover given for this year
    alerts: list[Alert] = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def prorata_days(self) -> str | None:
        """The first year's share as days open over the days of the year (``184/366``), else None."""
        return None if self.prorata == 1 else prorata_days(self.prorata, self.year)

    @property
    def due_from_crossing(self) -> bool:
        """VAT is due from the majoré crossing, not from an earlier receipt invoiced with VAT
        (:attr:`first_collected`): the reason a report and an error give."""
        crossing, thresholds = self.majore_crossing, self.thresholds
        return (crossing is not None and thresholds is not None
                and self.vat_due_from == thresholds.rules.vat_due_date(crossing.date))

    @property
    def base_threshold_provisional(self) -> bool:
        return self.base_threshold_year is not None and self.base_threshold_year != self.year + 1

    def to_json(self) -> dict[str, Any]:
        """Amounts as strings, dates ISO or null."""

        def amount(value: Decimal | None) -> str | None:
            return None if value is None else f"{value:.2f}"

        def day(value: datetime.date | None) -> str | None:
            return None if value is None else value.isoformat()

        def crossing(value: Crossing | None) -> str | None:
            return None if value is None else value.date.isoformat()

        def decision(value: Decision | None) -> dict[str, Any] | None:
            if value is None:
                return None
            # A franchise granted over a year of unknown turnover is no answer: null.
            return {"year": value.year, "franchise": None if value.unknown else value.franchise,
                    "reason": value.reason, "provisional": value.provisional,
                    "unknown_turnover_years": list(value.unknown)}

        rules = self.thresholds.rules.name if self.thresholds else None
        return {
            "year": self.year,
            "rules": rules,
            "regime": self.regime,
            "regime_changes": [{"date": d.isoformat(), "vat_regime": v} for d, v in self.regime_changes],
            "counted_turnover": amount(self.counted_turnover),
            "taxable_by_default": amount(self.taxable_by_default),
            "exempt_receipts": amount(self.exempt_receipts),
            "hn_exempt": amount(self.hn_exempt),
            "prorata": self.prorata_days,
            "base_threshold": amount(self.base_threshold),
            "base_threshold_year": self.base_threshold_year,
            "base_threshold_provisional": self.base_threshold_provisional,
            "majore_threshold": amount(self.majore_threshold),
            "warning_share": str(self.warning_share),
            "warning_threshold": amount(self.warning_threshold),
            "status": self.status,
            "franchise_at_start": decision(self.franchise_at_start),
            "next_year": decision(self.next_year),
            "warning_crossing_date": crossing(self.warning_crossing),
            "base_crossing_date": crossing(self.base_crossing),
            "crossing_date": crossing(self.majore_crossing),
            "vat_due_from": day(self.vat_due_from),
            "first_collected_date": day(self.first_collected.date if self.first_collected else None),
            "as_of": day(self.as_of),
            "projected_base_crossing": day(self.projected_base_crossing),
            "projected_majore_crossing": day(self.projected_majore_crossing),
            "previous_turnover": {"year": self.year - 1, "amount": amount(self.previous_turnover),
                                  "source": self.previous_turnover_source},
            "declared_turnover": amount(self.declared_turnover),
            "alerts": [{"date": a.date.isoformat(), "level": a.level, "code": a.code,
                        "message": a.message} for a in self.alerts],
            "errors": [{"where": where(e.source), "message": e.message} for e in self.errors],
        }


@dataclass
class VatAnalysis:
    """The franchise of every year of a ledger, its errors and warnings."""

    years: dict[int, YearVat]
    errors: list
    alerts: list[Alert]
    #: The transactions of taxable receipts it read (franchise or collectee), with their receipts.
    taxable: list[tuple[data.Transaction, list[Receipt]]] = field(default_factory=list)
    #: The years whose whole turnover the ledger does not know, and why (in French): books begun
    #: after the practice, during the year or after it, or a year without any transaction.
    unknown_turnover: dict[int, str] = field(default_factory=dict)


# --- the single pass over receipts and settlements ---------------------------------------


@dataclass
class _Sums:
    """Per-year accumulators filled from the settlements."""

    counted: Decimal = ZERO
    by_default: Decimal = ZERO
    exempt: Decimal = ZERO
    hn_exempt: Decimal = ZERO
    events: list[tuple[Settlement, Receipt]] = field(default_factory=list)  # taxable, in date order


def _is_taxable_by_default(receipt: Receipt) -> bool:
    return receipt.vat_is_default and receipt.convention == NON_CONVENTIONNE


_HN_TAGS = frozenset(CONVENTION_STATUSES)
_ACCOUNT = operator.attrgetter("account")


def _may_be_taxable(txn: data.Transaction, index: LedgerIndex, account_vat: dict[str, bool]) -> bool:
    """False only when the convention plugin's tags prove every receipt exempt.

    Conventionné and dépassement receipts are exempt unless a ``tva:`` says
    otherwise (on the posting, the transaction or the account's ``open``), so a
    transaction tagged with those statuses alone and without any ``tva:`` needs
    no classification in the plugin (most of a ledger: the FSE lots).
    """
    tags = txn.tags & _HN_TAGS
    if not tags or NON_CONVENTIONNE in tags or "tva" in (txn.meta or {}):
        return True
    for posting in txn.postings:
        if posting.meta and "tva" in posting.meta:
            return True
        has_vat = account_vat.get(posting.account)
        if has_vat is None:
            has_vat = account_vat[posting.account] = index.open_meta(posting.account, "tva") is not None
        if has_vat:
            return True
    return False


def _exempt_whole(receipt_txns: list[tuple[data.Transaction, list[Receipt]]], index: LedgerIndex) -> set[int]:
    """The transactions whose every income and expense posting is an exempt receipt, all
    non conventionnés or none (an FSE lot): their exempt totals need no posting apart, so the
    cash book may settle each as one aggregate (exactly what its postings receive together)."""
    pnl: dict[str, bool] = {}
    whole = set()
    for txn, receipts in receipt_txns:
        hn = receipts[0].convention == NON_CONVENTIONNE
        if any(r.vat in TAXABLE or r.opening or (r.convention == NON_CONVENTIONNE) != hn for r in receipts):
            continue
        count = 0
        for posting in txn.postings:
            known = pnl.get(posting.account)
            if known is None:
                known = pnl[posting.account] = index.root_type(posting.account) in ("income", "expenses")
            count += known
        if count == len(receipts):
            whole.add(id(txn))
    return whole


def _non_fee_receipts(entries: Sequence[data.Directive], classifier: Classifier,
                      shared: TaxableReceipts | None = None) -> tuple[dict[int, list[Receipt]], list]:
    """id(transaction) -> its taxable postings to income accounts that are not of fees
    (:meth:`Classifier.non_fee_receipts`: redevances received, sous-location, or a ``tva:``
    written), and the errors of the AF accounts whose VAT the tool cannot tell, at their ``open``.
    One pass, only when the ledger opens such accounts (débours, AE, AF…); in the plugin chain,
    over the transactions the convention step found touching them (``shared``, when it is of
    ``entries``)."""
    index = classifier.index
    accounts = {account for account in index.opens if classifier.is_non_fee_account(account)}
    found: dict[int, list[Receipt]] = {}
    errors: list = []
    if not accounts:
        return found, errors
    reported: set[str] = set()
    transaction, account_of = data.Transaction, _ACCOUNT
    candidates = shared.non_fee if shared is not None and shared.entries is entries else entries
    for entry in candidates:  # else on every bean-check: a type check and a set test per transaction
        if type(entry) is not transaction or accounts.isdisjoint(map(account_of, entry.postings)):
            continue
        receipts, txn_errors = classifier.non_fee_receipts(entry, reported)
        errors.extend(txn_errors)
        if receipts:
            found[id(entry)] = receipts
    return found, errors


def _merged(entries: Sequence[data.Directive], receipt_txns: list[tuple[data.Transaction, list[Receipt]]],
            non_fee: dict[int, list[Receipt]]) -> list[tuple[data.Transaction, list[Receipt]]]:
    """``receipt_txns`` with the non-fee receipts of each transaction added, in ledger order."""
    fees = {id(txn): (txn, receipts) for txn, receipts in receipt_txns}
    merged: list[tuple[data.Transaction, list[Receipt]]] = []
    for entry in entries:
        if type(entry) is not data.Transaction:
            continue
        fee, extra = fees.get(id(entry)), non_fee.get(id(entry))
        if extra:
            merged.append((entry, [*(fee[1] if fee else ()), *extra]))
        elif fee:
            merged.append(fee)
    return merged


def _payment_ranks(cashbook: Cashbook, wanted: set[int]) -> dict[int, int]:
    """id(transaction) -> its rank among the ``wanted`` ids of the transactions that paid, in the
    order the cash book walked them (the ledger's: ``settlements`` follow it)."""
    ranks: dict[int, int] = {}
    for settlement in cashbook.settlements if wanted else ():
        key = id(settlement.txn)
        if key in wanted and key not in ranks:
            ranks[key] = len(ranks)
    return ranks


@gc_paused()
def analyze(entries: Sequence[data.Directive], index: LedgerIndex, *,
            cashbook: Cashbook | None = None, as_of: datetime.date | None = None,
            with_exempt: bool = True) -> VatAnalysis:
    """The 293 B franchise of the ledger ``entries`` (sorted, as the loader returns them).

    ``as_of`` is the day the report is made on: only what was received up to that day
    is counted (the ledger as it stood then), and projections start from it; by default
    the last transaction's date. ``cashbook`` may be passed when already built.
    ``with_exempt=False`` skips the totals of exempt receipts, which only
    reports show (the plugin runs on every bean-check and needs none of them).
    """
    config = index.config
    if as_of is not None:  # nothing received after it counts, nor projects (the entries are sorted)
        entries = entries[:bisect.bisect_right(entries, as_of, key=_date_of)]
    classifier = Classifier(index)
    receipt_txns: list[tuple[data.Transaction, list[Receipt]]] = []
    unsure: list = []  # for a report: unclassified receipts, money that settled nothing
    last_date: datetime.date | None = None
    first_year: int | None = None  # the books start with the first account opened
    is_receipt: dict[str, bool] = {}
    account_vat: dict[str, bool] = {}
    # In the plugin chain the convention step has classified every receipt already.
    shared = index.taxable_receipts
    classified = None if with_exempt or shared is None else shared.of(entries)
    if classified is not None:  # in ledger order: the first open and the last transaction are read apart
        receipt_txns = list(classified.values())
        first_year = next((e.date.year for e in entries if type(e) is data.Open), None)
        last_date = next((e.date for e in reversed(entries) if type(e) is data.Transaction), None)
    # Runs on every bean-check: one pass, type checks and a per-account cache.
    for entry in entries if classified is None else ():
        if type(entry) is not data.Transaction:
            if first_year is None and type(entry) is data.Open:
                first_year = entry.date.year
            continue
        last_date = entry.date
        for posting in entry.postings:
            known = is_receipt.get(posting.account)
            if known is None:
                known = is_receipt[posting.account] = classifier.is_receipt_account(posting.account)
            if known:
                break
        else:
            if not classifier.opening_receivables(entry):  # a receivable carried over is one too
                continue
        if not with_exempt and not _may_be_taxable(entry, index, account_vat):
            continue
        txn_receipts, txn_errors = classifier.receipts(entry)
        if with_exempt:  # a report says them: the convention plugin does on bean-check, but not of
            unsure.extend(txn_errors)  # what Beancount adds after the plugins (pad entries)
        if txn_receipts:
            receipt_txns.append((entry, txn_receipts))
    # Taxable income that is not fees (redevances received, sous-location: fr-rules §3) counts too.
    non_fee, non_fee_errors = _non_fee_receipts(entries, classifier, shared)
    if non_fee:
        receipt_txns = _merged(entries, receipt_txns, non_fee)

    # Only the settlements of receipts are visited, through the cashbook's index by target.
    taxable = [(t, rs) for t, rs in receipt_txns if any(r.vat in TAXABLE for r in rs)]
    sums: dict[int, _Sums] = defaultdict(_Sums)
    unpriced: list = []
    if taxable or (with_exempt and receipt_txns):
        # Settled as aggregates by the cash book this function builds (a given one says nothing of them).
        whole = _exempt_whole(receipt_txns, index) if with_exempt and cashbook is None else set()
        if cashbook is None:
            # Without exempt totals only the taxable transactions' settlements are read:
            # only their accounts need walking (exact for these, many times cheaper). With
            # them, a transaction of exempt receipts alone is settled as one aggregate.
            cashbook = (Cashbook.build(entries, index, detail=lambda txn: id(txn) not in whole) if with_exempt
                        else Cashbook.build_for(entries, index, [txn for txn, _ in taxable]))
        events: list[tuple[Settlement, Receipt, int]] = []  # with the rank of the receipt's transaction
        for rank, (txn, txn_receipts) in enumerate(receipt_txns if with_exempt else taxable):
            by_index = {r.index: r for r in txn_receipts}
            # A transaction of ``whole`` may be settled as one aggregate: what its receipts (all
            # exempt, all HN or none) received together; else posting by posting.
            together = txn_receipts[0] if id(txn) in whole else None
            for settlement in cashbook.for_target_txn(txn):
                if as_of is not None and settlement.date > as_of:
                    continue  # a cash book given, built over the whole ledger
                bucket = settlement.target.bucket
                receipt = (together if bucket == AGGREGATE
                           else by_index.get(settlement.target.index) if bucket == INCOME else None)
                if receipt is None:
                    continue
                if receipt.vat in TAXABLE:
                    events.append((settlement, receipt, rank))
                    continue
                year = sums[settlement.date.year]
                year.exempt += settlement.amount
                if receipt.convention == NON_CONVENTIONNE:
                    year.hn_exempt += settlement.amount
        unpriced = cashbook.unpriced  # receipts in another currency without their value in euros
        if with_exempt:  # money that settled nothing: a receipt may be counted on the wrong day
            unsure.extend(problem_errors(cashbook))
        # The order money came in, as the ledger says: the rank of its transaction, then of
        # the receipt's (the receipts are read in ledger order; no map of the ledger).
        order = _payment_ranks(cashbook, {id(settlement.txn) for settlement, _, _ in events})
        events.sort(key=lambda event: (order[id(event[0].txn)], event[2], event[1].index))
        for settlement, receipt, _ in events:
            year = sums[settlement.date.year]
            year.counted += settlement.amount
            year.events.append((settlement, receipt))
            if _is_taxable_by_default(receipt):
                year.by_default += settlement.amount

    start = config.value("practice-start")
    declared = _declared_turnover(index)
    # Read from every receipt, exempt ones too, so the plugin and the reports agree.
    start_alerts = _practice_start_alert(entries, index, start, declared) if start is not None else []
    years = set(sums) | {txn.date.year for txn, _ in receipt_txns}
    if start is not None and years:
        years.add(start.year)
    if not years:
        return VatAnalysis({}, non_fee_errors, [alert for _, alert in start_alerts])
    span = range(min(years), max(years) + 1)
    known = range(min(span.start, first_year or span.start), span.stop)  # years the books cover
    turnover = {year: sums[year].counted if year in sums else ZERO for year in known}
    as_of = as_of or last_date or datetime.date(max(years), 12, 31)

    analysis = VatAnalysis({}, [*unpriced, *unsure, *non_fee_errors], [])
    notes, used, problems = _apply_declared(declared, sums, turnover)
    problems.extend(start_alerts)
    first_receipt = _first_taxable_by_year(receipt_txns, sums)
    missing = _unknown_turnover(entries, index, start, declared, sums, range(span.start - 2, span.stop))
    analysis.unknown_turnover = {year: why for year, (why, _) in missing.items()}
    collected = _first_collected(taxable, index)
    for year in span:
        report = _year(year, sums.get(year) or _Sums(), turnover, start, as_of, index, notes,
                       analysis.unknown_turnover, collected.get(year))
        previous = year - 1
        report.previous_turnover_source = ("unknown" if previous in missing else "declared" if previous in used
                                           else "ledger" if previous in turnover else "none")
        report.previous_turnover = turnover.get(previous)
        if year in declared:
            report.declared_turnover = declared[year].value[1]
        if report.thresholds is None and year in first_receipt:
            entry, unknown = first_receipt[year], UnknownYearError(year)
            if unknown.before_table:
                report.alerts.append(Alert(entry.date, WARNING, f"vat-unchecked-{year}", str(unknown), entry))
            else:
                report.errors.append(VatError(source_of(entry), str(unknown), entry))
        analysis.years[year] = report
    for problem_year, problem in problems:  # each year with receipts holds its own
        report = analysis.years.get(problem_year)
        if isinstance(problem, Alert):
            (report.alerts if report else analysis.alerts).append(problem)
        else:
            (report.errors if report else analysis.errors).append(problem)
    _unknown_turnover_errors(analysis, first_receipt, missing, index)
    _receipt_errors(analysis, receipt_txns, index)
    analysis.taxable = taxable
    for report in analysis.years.values():
        analysis.errors.extend(report.errors)
        analysis.alerts.extend(report.alerts)
    return analysis


def _date_of(entry: data.Directive) -> datetime.date:
    return entry.date


def _first_taxable_by_year(receipt_txns: list[tuple[data.Transaction, list[Receipt]]],
                           sums: dict[int, _Sums]) -> dict[int, data.Transaction]:
    """The first transaction of each year with a taxable receipt or taxable cash."""
    first: dict[int, data.Transaction] = {}
    for txn, txn_receipts in receipt_txns:
        if any(r.vat in TAXABLE for r in txn_receipts):
            first.setdefault(txn.date.year, txn)
    for year, year_sums in sums.items():
        if year_sums.events:
            settlement = year_sums.events[0][0]
            if year not in first or settlement.date < first[year].date:
                first[year] = settlement.txn
    return first


# --- starting the books mid-activity: turnover given by option, practice-start --------------


def _declared_turnover(index: LedgerIndex) -> dict[int, OptionValue]:
    """The ``vat-turnover`` option of each year (the latest declared, as for every keyed option)."""
    return {option.value[0]: option for option in index.config.entries(TURNOVER_OPTION)}


def _apply_declared(declared: dict[int, OptionValue], sums: dict[int, _Sums],
                    turnover: dict[int, Decimal]) -> tuple[dict[int, str], set[int], list[tuple[int, Any]]]:
    """Put the declared turnover of each year into ``turnover`` where the ledger's own falls short.

    The option gives a whole year's counted turnover. With no counted receipts
    of that year in the ledger, it is the figure. When the ledger has some, the
    option must not be below them (an error at the option; the ledger's figure
    stays); above them, the ledger may hold only part of the year (books begun
    during it): the declared figure is used, with a warning at the option.
    Returns the notes naming each figure's source, the years whose declared
    figure is used, and ``(year, alert or error)`` to attach to that year.
    """
    notes: dict[int, str] = {}
    used: set[int] = set()
    problems: list[tuple[int, Any]] = []
    for year, option in sorted(declared.items()):
        amount = option.value[1]
        own = sums[year].counted if year in sums else ZERO
        place = where(source_of(option.entry))
        label = f'hn-option "{TURNOVER_OPTION}" {year}'
        if own == amount and own:
            continue
        if own > amount:
            problems.append((year, VatError(
                source_of(option.entry),
                f"{label} : {eur(amount)} déclarés, mais le grand livre compte déjà {eur(own)} de "
                f"chiffre d'affaires {year} soumis à la franchise (recettes franchise et collectée "
                f"encaissées en {year}) ; le chiffre de l'année entière ne peut pas être inférieur : "
                f"corrigez le montant, ou supprimez l'option si le grand livre couvre toute l'année "
                f"{year} (en attendant, le chiffre du grand livre est retenu)",
                option.entry,
            )))
            continue
        turnover[year] = amount
        used.add(year)
        notes[year] = f" (déclaré par {label}, {place})"
        if own:
            notes[year] = f" (déclaré par {label}, {place} ; le grand livre n'en compte que {eur(own)})"
            problems.append((year, Alert(
                option.date, WARNING, f"vat-turnover-{year}",
                f"{label} : {eur(amount)} déclarés, le grand livre n'en compte que {eur(own)} "
                f"encaissés en {year} : le montant déclaré (l'année entière) est retenu pour la "
                f"franchise 293 B. Si le grand livre couvre toute l'année {year}, corrigez ou "
                "supprimez l'option",
                option.entry,
            )))
    return notes, used, problems


def _practice_start_alert(entries: Sequence[data.Directive], index: LedgerIndex, start: datetime.date,
                          declared: dict[int, OptionValue]) -> list[tuple[int, Alert]]:
    """A warning at ``practice-start`` when receipts (or declared turnover) come before it."""
    options = index.config.entries("practice-start")
    if not options:
        return []
    option = options[-1]  # the one in force
    evidence = []
    for entry in entries:  # sorted by date: only what precedes the start is read
        if entry.date >= start:
            break
        if type(entry) is data.Transaction and any(index.is_receipt_account(p.account)
                                                   for p in entry.postings):
            evidence.append(f"une recette le {french_date(entry.date)} ({where(source_of(entry))})")
            break
    declared_before = [o for y, o in sorted(declared.items()) if y < start.year and o.value[1] > 0]
    for other in declared_before[:1]:
        evidence.append(f"un chiffre d'affaires {other.value[0]} déclaré par hn-option "
                        f'"{TURNOVER_OPTION}" ({where(source_of(other.entry))})')
    if not evidence:
        return []
    advice = "" if declared else (
        f" ; le chiffre d'affaires de l'année précédant le grand livre se déclare avec {TURNOVER_EXAMPLE}")
    return [(start.year, Alert(
        option.date, WARNING, "practice-start-receipts",
        f"practice-start ({french_date(start)}) est postérieur à des recettes : le grand livre a "
        f"{' et '.join(evidence)}. practice-start "
        "est le premier jour d'activité du cabinet (il proratise les seuils 293 B de sa première année), "
        "pas le premier jour du grand livre : si le cabinet exerçait déjà, retirez practice-start ou "
        f"donnez la vraie date{advice}",
        option.entry,
    ))]


Why = Callable[[], str]  # a French reason, written only when a message needs it (Babel is slow to load)


def _unknown_turnover(entries: Sequence[data.Directive], index: LedgerIndex, start: datetime.date | None,
                      declared: dict[int, OptionValue], sums: dict[int, _Sums],
                      years: Iterable[int]) -> dict[int, tuple[Why, data.Directive | None]]:
    """The ``years`` whose whole turnover the ledger does not know, why, and the entry to name
    in the error (None: the first receipt of the year whose franchise depends on it).

    DESIGN §8 (a year without data is an error, not a zero), with the coverage rule of the
    2035 (``roles.books_first_day``, ``form2035.coverage_errors``): a year with its own
    ``vat-turnover`` is known, and so is a year before ``practice-start`` (nil). Unknown are

    * a year before the books' first day when ``practice-start`` says the practice was
      open then (without ``practice-start`` nothing says so: taken as nil, as written);
    * the books' first year when they begin after 1 January and ``hn 2035`` refuses that
      year as partial (the practice older than the books, or nothing says when it opened);
    * a year the books cover without any transaction, after years that have some (a file
      left out of the ``include``), or while ``practice-start`` says the practice was open.

    Reads no more of the ledger than the few entries around the years it asks about
    (the entries are sorted: a bisection), as the plugin's VAT step must.
    """
    first = books_start(index)
    begin = books_first_day(index, entries) if first is not None else None
    unknown: dict[int, tuple[Why, data.Directive | None]] = {}
    for year in years:
        if year in declared or (start is not None and start.year > year):
            continue
        if begin is not None and year < begin.year:
            if start is not None:
                unknown[year] = (lambda begin=begin: (
                    f"le cabinet exerce depuis le {french_date(start)} (practice-start) et le livre ne "
                    f"commence que le {french_date(begin)}"), first)
            continue
        if begin is not None and year == begin.year and (begin.month, begin.day) != (1, 1):
            # The books' first year begun after 1 January is partial (as form2035.coverage_errors
            # judges it) unless the practice opened that day or later.
            if start is None or start < begin:
                unknown[year] = (lambda begin=begin: (
                    f"le livre commence le {french_date(begin)} (première option treasury) et "
                    + ("rien ne dit que le cabinet a ouvert ce jour-là (aucune option practice-start)"
                       if start is None else f"le cabinet exerce depuis le {french_date(start)} (practice-start)")
                    + f" : il ne compte que les recettes encaissées depuis le {french_date(begin)}"), first)
            continue
        if year in sums and sums[year].counted:
            continue  # received money that year: the year is there
        if _has_transaction(entries, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)):
            continue
        if _has_transaction(entries, begin, datetime.date(year, 1, 1)):  # in the books: opening entries before them are none
            unknown[year] = (lambda year=year: (
                f"le livre n'a aucune transaction en {year}, après des années qui en ont (un fichier "
                f"de {year} oublié dans les include ?)"), None)
        elif start is not None:
            unknown[year] = (lambda year=year: (
                f"le livre n'a aucune transaction en {year} alors que le cabinet exerce depuis le "
                f"{french_date(start)} (practice-start)"), first)
    return unknown


def _has_transaction(entries: Sequence[data.Directive], since: datetime.date | None,
                     before: datetime.date) -> bool:
    """Whether ``entries`` (sorted) hold a transaction from ``since`` (the start: None) to
    ``before``, Beancount's padding left aside (written after the plugins: ``bean-check``
    never sees it, and both must answer alike)."""
    rank = 0 if since is None else bisect.bisect_left(entries, since, key=_date_of)
    for rank in range(rank, len(entries)):
        entry = entries[rank]
        if entry.date >= before:
            return False
        if type(entry) is data.Transaction and entry.flag != "P":
            return True
    return False


def _unknown_turnover_errors(analysis: VatAnalysis, first_receipt: dict[int, data.Transaction],
                             unknown: dict[int, tuple[Why, data.Directive | None]], index: LedgerIndex) -> None:
    """One error per year of unknown turnover a franchise of a year with taxable receipts rests
    on (``Decision.unknown``), in the report of the first such year, at the entry that says why
    (the books' first ``treasury`` option), else at that year's first taxable receipt."""
    reported: set[int] = set()
    first = books_start(index)
    for year in sorted(first_receipt):
        report = analysis.years.get(year)
        if report is None:
            continue
        for decision in (report.franchise_at_start, report.next_year):
            for missing in (decision.unknown if decision is not None else ()):
                if missing in reported:
                    continue
                reported.add(missing)
                why, entry = unknown[missing]
                entry = entry or first_receipt[year]
                day = first.date if first is not None else datetime.date(missing + 1, 1, 1)
                if entry is first_receipt[year]:
                    other = (f", ou ajoutez au livre les opérations de {missing} (0 si le cabinet n'a vraiment "
                             f"rien encaissé en {missing})")
                elif missing == day.year:
                    other = (f", ou reprenez les opérations du 1er janvier au "
                             f"{french_date(day - datetime.timedelta(days=1))} et datez l'option treasury "
                             f"du 1er janvier {missing}")
                else:
                    other = ""
                report.errors.append(VatError(
                    source_of(entry),
                    f"Franchise TVA 293 B : chiffre d'affaires {missing} inconnu — {why()}. La franchise de "
                    f"{decision.year} en dépend, et le livre ne peut la décider sur ce qu'il ne contient pas : "
                    f"déclarez le chiffre d'affaires {missing} de l'année entière (recettes franchise et "
                    f"collectée encaissées en {missing}, comme hn vat les compte) : "
                    f'{day.isoformat()} custom "hn-option" "{TURNOVER_OPTION}" {missing} MONTANT EUR{other}',
                    entry,
                ))


def _first_collected(taxable: list[tuple[data.Transaction, list[Receipt]]],
                     index: LedgerIndex) -> dict[int, data.Transaction]:
    """The first transaction of each year invoicing a ``collectee`` receipt while ``vat-regime``
    is ``franchise`` (credit notes and receivables carried over aside): VAT charged under the
    franchise says it was due that day (fr-rules §2.3: VAT applies from the crossing; the
    crossing receipt, written afterwards with its VAT, no longer shows it)."""
    first: dict[int, data.Transaction] = {}
    for txn, txn_receipts in taxable:  # in ledger order
        if txn.date.year in first:
            continue
        if any(r.vat == COLLECTEE and r.amount > 0 and not r.opening for r in txn_receipts) \
                and _regime_on(index, txn.date) == "franchise":
            first[txn.date.year] = txn
    return first


# --- one year ------------------------------------------------------------------------------


def _year(year: int, sums: _Sums, turnover: dict[int, Decimal], start: datetime.date | None,
          as_of: datetime.date, index: LedgerIndex, notes: dict[int, str], unknown: dict[int, Why],
          first_collected: data.Transaction | None) -> YearVat:
    config = index.config
    table = threshold_table()
    report = YearVat(year, table.get(year))
    report.counted_turnover = sums.counted
    report.taxable_by_default = sums.by_default
    report.exempt_receipts = sums.exempt
    report.hn_exempt = sums.hn_exempt
    first_day, last_day = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    report.regime = config.value("vat-regime", first_day, "franchise")
    regime = report.regime
    for day, value in config.changes("vat-regime"):
        if first_day < day <= last_day and value != regime:
            report.regime_changes.append((day, value))
        if day <= last_day:
            regime = value
    report.as_of = min(max(as_of, first_day), last_day)
    if report.thresholds is None:
        report.status = STATUS_BEFORE_TABLE if year < min(table) else STATUS_UNKNOWN
        return report
    row = report.thresholds
    share = report.prorata = prorata(year, start)
    report.majore_threshold = prorate(row.majore, share)
    base_row = table.get(year + 1, row)
    report.base_threshold = prorate(base_row.base, share)
    report.base_threshold_year = base_row.year
    report.warning_share = config.value("vat-warning-share", last_day, DEFAULT_WARNING_SHARE)
    report.warning_threshold = (report.base_threshold * report.warning_share).quantize(CENT, ROUND_DOWN)
    report.franchise_at_start = decide_franchise(year, row, turnover, start, notes=notes, unknown=unknown)
    report.next_year = decide_franchise(year + 1, base_row, turnover, start,
                                        provisional=base_row.year != year + 1, notes=notes, unknown=unknown)

    cumulative = ZERO
    limits = (("warning_crossing", report.warning_threshold), ("base_crossing", report.base_threshold),
              ("majore_crossing", report.majore_threshold))
    for settlement, receipt in sums.events:
        cumulative += settlement.amount
        for name, limit in limits:
            if getattr(report, name) is None and cumulative > limit:
                setattr(report, name, Crossing(settlement.date, limit, cumulative, settlement, receipt))

    if not report.franchise_at_start.franchise:
        report.vat_due_from = first_day
    else:
        # VAT is due from the majoré crossing, or from the first receipt invoiced with VAT under
        # the franchise if earlier: the crossing is judged on the receipts as received, and the
        # crossing receipt rewritten with its VAT (amount before VAT) would no longer cross.
        report.first_collected = first_collected
        due = [row.rules.vat_due_date(event.date) for event in (report.majore_crossing, first_collected)
               if event is not None]
        report.vat_due_from = min(due, default=None)
    report.status = _status(report)
    _project(report, start)
    _alerts(report, index)
    _crossing_error(report, index)
    return report


def _status(report: YearVat) -> str:
    if report.regime == "reel" and not report.regime_changes:
        return STATUS_REEL
    if report.vat_due_from is not None:
        return f"TVA due depuis le {french_date(report.vat_due_from)}"
    assert report.franchise_at_start is not None
    if report.franchise_at_start.unknown:
        years = " et ".join(str(y) for y in report.franchise_at_start.unknown)
        return f"franchise non vérifiée : chiffre d'affaires {years} inconnu"
    assert report.next_year is not None and report.base_threshold is not None
    if not report.next_year.franchise:
        return STATUS_LOST_NEXT_YEAR
    if report.counted_turnover > report.base_threshold:
        return STATUS_TOLERANCE
    return STATUS_FRANCHISE


def _project(report: YearVat, start: datetime.date | None) -> None:
    """At the pace of the year so far, the day each threshold would be crossed (None: not this year)."""
    assert report.as_of is not None
    last_day = datetime.date(report.year, 12, 31)
    period_start = datetime.date(report.year, 1, 1)
    if start is not None and start.year == report.year:
        period_start = start
    elapsed = (report.as_of - period_start).days + 1
    for crossing, threshold, name in (
        (report.base_crossing, report.base_threshold, "projected_base_crossing"),
        (report.majore_crossing, report.majore_threshold, "projected_majore_crossing"),
    ):
        if crossing is not None:
            setattr(report, name, crossing.date)
            continue
        if threshold is None or elapsed <= 0 or report.counted_turnover <= 0:
            continue
        pace = report.counted_turnover / elapsed  # per day
        days = int((threshold - report.counted_turnover) / pace) + 1
        if days <= (last_day - report.as_of).days:  # never build a date far past the year
            setattr(report, name, report.as_of + datetime.timedelta(days=days))


def _parenthesized(note: str) -> str:
    return f" ({note.removeprefix(', ')})" if note else ""


def _regime_on(index: LedgerIndex, day: datetime.date) -> str:
    return index.config.value("vat-regime", day, "franchise")


def _alerts(report: YearVat, index: LedgerIndex) -> None:
    """Warnings of a year still under the franchise: the warning share, the base threshold."""
    assert report.franchise_at_start is not None and report.next_year is not None
    if not report.franchise_at_start.franchise:
        return  # the year is already lost: its errors say what to do
    year, next_year = report.year, report.year + 1
    if report.warning_crossing is None and report.base_crossing is None:
        return  # nothing to say: no amount to format (Babel is loaded only for a message)
    provisional = (f" (barème {next_year} absent de la table : seuil {report.base_threshold_year} "
                   "utilisé à titre indicatif)") if report.base_threshold_provisional else ""
    base_label = (f"seuil de base de {eur(report.base_threshold)} (franchise {next_year}"
                  f"{prorata_note(report.prorata, report.year)}){provisional}")
    crossing = report.warning_crossing
    if crossing is not None and _regime_on(index, crossing.date) == "franchise":
        report.alerts.append(Alert(
            crossing.date, WARNING, f"vat-share-{year}",
            f"Franchise TVA 293 B : le chiffre d'affaires {year} soumis à la franchise atteint "
            f"{eur(crossing.cumulative)} le {french_date(crossing.date)}, plus de "
            f"{frtypo.percent(report.warning_share * 100)} du {base_label}. {_beyond_base(report)} "
            'Vérifiez que les soins HN thérapeutiques sont marqués tva: "exoneree" (« hn vat » montre '
            "ce qui est compté imposable par défaut)",
            crossing.settlement.txn,
        ))
    crossing = report.base_crossing
    if crossing is not None and _regime_on(index, crossing.date) == "franchise":
        if _tolerance_next(report):
            outcome = (f"la franchise {next_year} n'est maintenue que par la tolérance de deux ans "
                       f"(si le CA {year} reste sous le seuil majoré {next_year}) ; deux années de "
                       "suite au-dessus du seuil de base, elle est perdue")
        else:
            outcome = (f"franchise perdue au 1er janvier {next_year} : facturez avec TVA à partir "
                       f"du 1er janvier {next_year} (custom \"hn-option\" \"vat-regime\" \"reel\" daté "
                       f"du 1er janvier {next_year})")
        report.alerts.append(Alert(
            crossing.date, WARNING, f"vat-base-{year}",
            f"Franchise TVA 293 B : le chiffre d'affaires {year} soumis à la franchise atteint "
            f"{eur(crossing.cumulative)} le {french_date(crossing.date)} et dépasse le "
            f"{base_label} : {outcome}",
            crossing.settlement.txn,
        ))


def _beyond_base(report: YearVat) -> str:
    """What passing the base threshold would mean for next year, under next year's rules."""
    assert report.next_year is not None
    if report.next_year.thresholds.rules.two_year_tolerance:
        return (f"Au-delà du seuil de base, la franchise {report.year + 1} ne tient plus qu'à la "
                "tolérance de deux ans.")
    return f"Au-delà du seuil de base, la franchise est perdue au 1er janvier {report.year + 1}."


def _tolerance_next(report: YearVat) -> bool:
    """Would next year's franchise survive this year's base crossing by the two-year tolerance?"""
    assert report.next_year is not None
    return report.next_year.thresholds.rules.two_year_tolerance and report.next_year.franchise


def _crossing_error(report: YearVat, index: LedgerIndex) -> None:
    """Error at the receipt whose payment takes the turnover past the majoré threshold."""
    crossing = report.majore_crossing
    assert report.franchise_at_start is not None
    if crossing is None or not report.franchise_at_start.franchise:
        return
    if crossing.receipt.vat != FRANCHISE or _regime_on(index, crossing.date) != "franchise":
        return  # already invoiced with VAT
    assert report.vat_due_from is not None and report.thresholds is not None
    due = report.vat_due_from
    if report.thresholds.rules.vat_due_from == MONTH_START:
        when = (f"à compter du {french_date(due)} (1er jour du mois du dépassement, règles "
                "d'avant 2025) : émettez des factures rectificatives pour ce mois")
    else:
        when = "à compter de la date du dépassement"
    txn = crossing.receipt.txn
    paid = "" if crossing.settlement.txn is txn else (
        f" (règlement du {french_date(crossing.date)}, {where(source_of(crossing.settlement.txn))})")
    report.errors.append(VatError(
        source_of(txn),
        f"Franchise TVA 293 B perdue le {french_date(crossing.date)} : cette recette porte le "
        f"chiffre d'affaires {report.year} soumis à la franchise à {eur(crossing.cumulative)}"
        f"{paid}, au-delà du seuil majoré de {eur(report.majore_threshold)}"
        f"{_parenthesized(prorata_note(report.prorata, report.year))}. La TVA est due {when} : facturez avec "
        f"TVA à partir du {french_date(due)} ({ACTION})",
        txn,
    ))


# --- receipts booked under a franchise they no longer have -------------------------------


def _receipt_errors(analysis: VatAnalysis,
                    receipt_txns: list[tuple[data.Transaction, list[Receipt]]],
                    index: LedgerIndex) -> None:
    """Errors at ``franchise`` receipts dated when VAT is due, or under ``vat-regime "reel"``."""
    flagged = {id(e.entry) for r in analysis.years.values() for e in r.errors}  # the crossing receipts
    for txn, txn_receipts in receipt_txns:
        # Credit notes keep the status of the invoice they reverse: only earnings are checked.
        billed = sum((r.amount for r in txn_receipts if r.vat == FRANCHISE and r.amount > 0), ZERO)
        if not billed:
            continue
        report = analysis.years.get(txn.date.year)
        if _regime_on(index, txn.date) == "reel":
            since = max(d for d, v in index.config.changes("vat-regime") if d <= txn.date and v == "reel")
            target = report.errors if report else analysis.errors
            target.append(VatError(
                source_of(txn),
                f'Recette de {eur(billed)} marquée tva: "franchise" alors que le régime de TVA est '
                f'"reel" depuis le {french_date(since)} (hn-option vat-regime) : facturez-la avec TVA '
                '(tva: "collectee", ou retirez tva:) ou corrigez la date du vat-regime',
                txn,
            ))
            continue
        if report is None or report.vat_due_from is None or txn.date < report.vat_due_from:
            continue
        if id(txn) in flagged:
            continue
        assert report.franchise_at_start is not None
        due = french_date(report.vat_due_from)
        if not report.franchise_at_start.franchise:
            why = (f"franchise TVA 293 B perdue au 1er janvier {report.year} : "
                   f"{report.franchise_at_start.reason}")
        elif report.due_from_crossing:
            assert report.majore_crossing is not None
            why = (f"franchise TVA 293 B perdue depuis le {due} : seuil majoré de "
                   f"{eur(report.majore_threshold)} dépassé le {french_date(report.majore_crossing.date)}")
        else:
            collected = report.first_collected
            assert collected is not None
            why = (f"la recette tva: \"collectee\" du {french_date(collected.date)} "
                   f"({where(source_of(collected))}) dit que la franchise TVA 293 B ne s'appliquait plus "
                   f"depuis le {due} (seuil majoré franchi ce jour-là, ou option pour la TVA) : la TVA est "
                   "alors due sur toutes les recettes imposables qui suivent, même si le chiffre d'affaires "
                   "recompté hors taxe repasse sous le seuil majoré")
        report.errors.append(VatError(
            source_of(txn),
            f"Recette de {eur(billed)} facturée en franchise le {french_date(txn.date)}, or {why}. "
            f"Facturez avec TVA à partir du {due} ({ACTION})",
            txn,
        ))


# --- collected VAT: what each collectee receipt's transaction books ------------------------


class VatBookingError(ValueError):
    """A ``taux-tva:`` that is no rate, or collected VAT booked unlike its rate; the message is for
    the user (without the place: the caller names the entry)."""


def vat_rate(value: object) -> Decimal:
    """The VAT rate in % a ``taux-tva:`` value gives (None: the default, 20 %)."""
    if value is None:
        return DEFAULT_VAT_RATE
    try:
        rate = Decimal(str(value).replace(",", ".").rstrip("% "))
    except ArithmeticError as exc:
        raise VatBookingError(f"taux-tva: {as_written(value)} n'est pas un taux ; écrivez p. ex. taux-tva: 20") from exc
    if not 0 < rate < 100:
        raise VatBookingError(f"taux-tva: {value} n'est pas un taux de TVA en % (p. ex. 20, 10, 5.5)")
    return rate


def receipt_vat_rate(posting: data.Posting, txn: data.Transaction) -> Decimal:
    """The ``taux-tva:`` of a collectee line: its posting's, else its transaction's, else 20 %."""
    if posting.meta and "taux-tva" in posting.meta:
        return vat_rate(posting.meta["taux-tva"])
    return vat_rate((txn.meta or {}).get("taux-tva"))


def vat_of(base: Decimal, rate: Decimal) -> Decimal:
    """The VAT of one line: its amount before VAT at ``rate`` %, rounded to the cent."""
    return (base * rate / 100).quantize(CENT, ROUND_HALF_UP)


def is_vat_liability(index: LedgerIndex, account: str) -> bool:
    """A ``Liabilities:…:TVA…`` account: where collected VAT is booked."""
    return (index.root_type(account) == "liabilities"
            and any(part.upper().startswith("TVA") for part in account.split(":")[1:]))


def collected_vat_problem(index: LedgerIndex, txn: data.Transaction, lines: Iterable[tuple[Decimal, Decimal]],
                          subject: str, sign: int = 1) -> str | None:
    """What is wrong with the VAT ``txn`` books for its collectee ``lines``, or None.

    ``lines``: each ``collectee`` line's amount before VAT and rate in %, positive for
    money earned times ``sign`` (-1 for an avoir or a refund, read as positive); the VAT
    booked on ``Liabilities:…:TVA…`` postings must equal, to the cent, either the sum of
    their VAT rounded per line, or the VAT of each rate's total before VAT, rounded (the
    invoice's « total HT et taxe par taux », CGI ann. II art. 242 nonies A). The cent of
    tolerance keeps a VAT taken from a price with VAT (TTC − HT). ``subject`` names the
    entry in the message (« la facture F-1 »).
    """
    lines = list(lines)
    computed = sum((vat_of(base, rate) for base, rate in lines), ZERO)
    by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for base, rate in lines:
        by_rate[rate] += base
    on_totals = sum((vat_of(base, rate) for rate, base in by_rate.items()), ZERO)
    booked = [p.units.number for p in txn.postings if is_vat_liability(index, p.account)]
    total = sign * -sum(booked, ZERO)
    if abs(total - computed) <= CENT or abs(total - on_totals) <= CENT:
        return None
    if booked:
        other = "" if on_totals == computed else f" (ou {on_totals} sur le total hors taxe de chaque taux)"
        return (f"{subject} comptabilise {total} de TVA mais ses lignes à leurs taux (taux-tva:) en donnent "
                f"{computed}{other} ; corrigez l'écriture de TVA ou le taux")
    base = sum((b for b, _ in lines), ZERO)
    rates = sorted({rate for _, rate in lines})
    rate_words = " et ".join(frtypo.percent(rate) for rate in rates)
    hint = ""
    if len(rates) == 1:  # what the money received would be read as, VAT included
        before = (base * 100 / (100 + rates[0])).quantize(CENT, ROUND_HALF_UP)
        hint = (f" ; si les {eur(base)} reçus sont TTC, la recette est de {eur(before)} "
                f"hors taxe et la TVA de {eur(base - before)}")
    return (f"{subject} ne comptabilise aucune TVA, or ses recettes tva: \"collectee\" ({eur(base)} hors taxe) "
            f"en donnent {eur(computed)} à {rate_words} (taux-tva:) : ajoutez-la sur un compte Liabilities:…:TVA… "
            f"(p. ex. « Liabilities:TVA:Collectee  {-sign * computed} EUR ») avec {eur(base + computed)} TTC en "
            f"trésorerie ou en créance, ou corrigez tva: si la recette n'est pas soumise à la TVA{hint}")


def collected_vat_errors(taxable: list[tuple[data.Transaction, list[Receipt]]], index: LedgerIndex) -> list:
    """Errors at the transactions of ``collectee`` receipts whose VAT is missing or unlike its rate
    (the plugin chain's VAT step: every face reads them among the ledger's errors).

    A credit note taking back fees of a status its invoice has not billed is left out: the
    credit-note check of the invoice step before it reports its status
    (``LedgerIndex.credit_notes_off_status``), and the VAT that status gives is not owed.
    """
    off_status = index.credit_notes_off_status or set()
    errors = []
    vat_accounts: dict[str, bool] = {}  # is_vat_liability, once per account
    for txn, txn_receipts in taxable:
        if id(txn) in off_status:
            continue
        collected = [r for r in txn_receipts if r.vat == COLLECTEE and not r.opening]  # VAT booked last year
        if not collected:
            # VAT shown on a franchise receipt is owed all the same (art. 283-3 du CGI): never a
            # neutral line beside receipts the franchise counts without VAT.
            for posting in txn.postings:
                account = posting.account
                known = vat_accounts.get(account)
                if known is None:
                    known = vat_accounts[account] = is_vat_liability(index, account)
                if known:
                    errors.append(VatPostingError(source_of(txn), (
                        f"TVA portée sur {account} alors que les recettes de cette écriture sont en franchise "
                        "(art. 293 B du CGI) : une TVA facturée est due même en franchise (art. 283-3 du CGI). "
                        'Si elle est due, marquez la ligne de recette tva: "collectee" (sur la ligne de '
                        "recette ou la transaction, pas sur la banque) ; sinon retirez la ligne de TVA"), txn))
                    break
            continue
        try:
            lines = [(r.amount, receipt_vat_rate(r.posting, txn)) for r in collected]
            sign = -1 if sum((base for base, _ in lines), ZERO) < 0 else 1  # a refund, read as positive
            problem = collected_vat_problem(index, txn, [(sign * base, rate) for base, rate in lines],
                                            "Cette écriture", sign)
        except VatBookingError as exc:
            problem = str(exc)
        if problem is not None:
            errors.append(VatPostingError(source_of(txn), problem, txn))
    return errors
