"""The accountant's numbering and lettrage view of the invoices (``hn invoices``, Fava).

Per series and year: first and last number, count, total, gaps, voided
numbers and credit notes; then every invoice not fully paid on a date, with
what was invoiced, credited, paid and what remains. Payments come from
``beancount_hn.core.cashbook`` (treasury movements attributed through receivables
and ``^links``), never from a matching of our own.

Remaining of an invoice = its amount − its credit notes − the money received
for it and its credit notes (a cash refund booked on a credit note counts as
negative money received), all dated up to the report date. Every figure is what
the client owes, VAT included, in the operating currency (the receivable's): the
invoice's fees and the VAT it books, at their weight in euros (an ``@`` price), and
the money each payment brought (:class:`DocumentReceipts`, shared with the notes).
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_hn.core.cashbook import NEUTRAL, Cashbook, OpenReceivables, Settlement, owed_on, problem_errors
from beancount_hn.core.errors import error_type, source_of, where
from beancount_hn.core.frtypo import date as french_date
from beancount_hn.core.gcpause import gc_paused
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.roles import euros
from beancount_hn.invoicing.invoices import SETTLES_KEY, Invoice, InvoiceBook, VoidedNumber, build_invoice_book
from beancount_hn.tax.vat import is_vat_liability

CENT = Decimal("0.01")
ZERO = Decimal(0)
_NUMBER = operator.itemgetter(0)  # of an invoices.Reference

ReceiptError = error_type("ReceiptError")


class UnsureReceipt(ValueError):
    """A payment whose share of a document, VAT included, the cash book cannot tell to the cent."""

    def __init__(self, txn: data.Transaction, message: str) -> None:
        super().__init__(message)
        self.txn = txn

    @property
    def error(self) -> Any:
        """The refusal as an error at the payment's line (a report's problem)."""
        return ReceiptError(source_of(self.txn), str(self), self.txn)


@dataclass(frozen=True)
class Received:
    """The money one payment transaction brought to a document, VAT included (+ in, - out)."""

    settlement: Settlement  # one of its settlements of the document: date, treasury account, funding
    amount: Decimal

    @property
    def txn(self) -> data.Transaction:
        return self.settlement.txn

    @property
    def date(self) -> datetime.date:
        return self.settlement.date


def billed(index: LedgerIndex, txn: data.Transaction,
           weigh: Callable[[data.Posting], Decimal] | None = None) -> Decimal:
    """What ``txn`` (an invoice, or a credit note: negative) bills, VAT included: its income
    and VAT (``Liabilities:…:TVA…``) postings, in their units, or as ``weigh`` values them."""
    return -sum((weigh(p) if weigh is not None else p.units.number for p in txn.postings
                 if index.root_type(p.account) == "income" or is_vat_liability(index, p.account)), ZERO)


class DocumentReceipts:
    """What each numbered document bills and received, VAT included, in the operating currency.

    The cash book attributes a payment to the fees of the documents it settles (their
    income postings) and to the VAT they book as one neutral share per VAT account; a
    document's money is its fees' settlements plus its part of that share — never the
    fees scaled up by a rate, which loses a cent on a partial payment (16,66 € of fees
    for a 20,00 € transfer). The share is the payment's neutral VAT settlement less the
    VAT the payment itself books; when the payment also settles another document
    booking VAT on the same account, the share is only sure from a payment posting
    that names the document (``reglement-de:``), else :class:`UnsureReceipt`.
    Built once per cash book: the payments' settlements are indexed on first need.
    """

    def __init__(self, cashbook: Cashbook, index: LedgerIndex) -> None:
        self.cashbook = cashbook
        self.index = index
        self.currency = index.currency
        self._vat: dict[str, bool] = {}
        self._by_payer: dict[int, list[Settlement]] | None = None

    def is_vat(self, account: str) -> bool:
        found = self._vat.get(account)
        if found is None:
            found = self._vat[account] = is_vat_liability(self.index, account)
        return found

    def euros(self, posting: data.Posting) -> Decimal:
        """The posting's weight in euros, as the cash book counts it (its units when unpriced:
        the cash book reports those)."""
        value = euros(posting, self.currency)
        return posting.units.number if value is None else value

    def billed(self, txn: data.Transaction) -> Decimal:
        """What ``txn`` bills (:func:`billed`) at its weight in euros: what its receivable holds."""
        return billed(self.index, txn, self.euros)

    def _payers(self) -> dict[int, list[Settlement]]:
        """The settlements of each payment that settled VAT (one pass over the cash book)."""
        if self._by_payer is None:
            settlements = self.cashbook.settlements
            payers = {id(s.txn) for s in settlements
                      if s.target.bucket == NEUTRAL and self.is_vat(s.target.account)}
            by_payer: dict[int, list[Settlement]] = {}
            for settlement in settlements:
                if id(settlement.txn) in payers:
                    by_payer.setdefault(id(settlement.txn), []).append(settlement)
            self._by_payer = by_payer
        return self._by_payer

    def received(self, txns: Sequence[data.Transaction], upto: datetime.date | None = None) -> list[Received]:
        """The money each payment dated up to ``upto`` brought to the document of ``txns``
        (the invoice and its credit notes), in date order."""
        own = {id(txn): txn for txn in txns}
        by_payment: dict[int, list] = {}
        for txn in txns:
            for settlement in self.cashbook.for_target_txn(txn):
                if upto is None or settlement.date <= upto:
                    found = by_payment.get(id(settlement.txn))
                    if found is None:
                        by_payment[id(settlement.txn)] = [settlement, settlement.amount]
                    else:
                        found[1] += settlement.amount
        payments = sorted(by_payment.values(), key=lambda found: found[0].date)
        vat_accounts = {p.account for txn in txns for p in txn.postings if self.is_vat(p.account)}
        if not vat_accounts:
            return [Received(settlement, fees) for settlement, fees in payments]
        shares = [self._vat_share(settlement.txn, own, vat_accounts, fees) for settlement, fees in payments]
        received = [Received(settlement, fees + (share or ZERO))
                    for (settlement, fees), share in zip(payments, shares, strict=True)]
        if None in shares:
            # A payment settling other documents' VAT on the same account too: its share is sure
            # only when it is the last and closes the document's fees: it then brings what is
            # left of what the document bills, VAT included.
            last = len(shares) - 1
            fees = sum((fees for _, fees in payments), ZERO)
            billed_fees = -sum((self.euros(p) for txn in txns for p in txn.postings
                                if self.index.root_type(p.account) == "income"), ZERO)
            if shares.index(None) != last or fees != billed_fees:
                raise self._unsure(payments[shares.index(None)][0].txn, own)
            rest = sum((self.billed(txn) for txn in txns), ZERO) - sum((r.amount for r in received[:last]), ZERO)
            received[last] = Received(payments[last][0], rest)
        return received

    def paid(self, txns: Sequence[data.Transaction], upto: datetime.date | None = None) -> Decimal:
        return sum((r.amount for r in self.received(txns, upto)), ZERO)

    def _vat_share(self, payment: data.Transaction, own: dict[int, data.Transaction], vat_accounts: set[str],
                   fees: Decimal) -> Decimal | None:
        """The VAT part of what ``payment`` brought to the document of ``own`` (its fees: ``fees``),
        None when the payment also settles another document's VAT on these accounts."""
        settlements = self._payers().get(id(payment), ())
        share = sum((s.amount for s in settlements
                     if s.target.bucket == NEUTRAL and s.target.account in vat_accounts), ZERO)
        if not share:
            return ZERO
        if id(payment) not in own:  # the VAT the payment books itself is not the document's
            share += sum((self.euros(p) for p in payment.postings if p.account in vat_accounts), ZERO)
        others = {id(t): t for s in settlements if (t := s.target.txn) is not None
                  and id(t) not in own and t is not payment}
        if not any(p.account in vat_accounts for t in others.values() for p in t.postings):
            return share
        # The payment settles another document's VAT on the same account too: only a posting
        # naming this document says what it brought (None: the caller decides).
        numbers = self._numbers(own)
        named = [p for p in payment.postings if p.meta and str(p.meta.get(SETTLES_KEY)) in numbers]
        if named and id(payment) not in own:
            return -sum((self.euros(p) for p in named), ZERO) - fees
        return None

    @staticmethod
    def _numbers(own: dict[int, data.Transaction]) -> set[str]:
        """What payments name the document of ``own`` by: its numbers and links."""
        numbers = {str(t.meta["facture"]) for t in own.values() if t.meta and t.meta.get("facture") is not None}
        numbers.update(link for t in own.values() for link in (t.links or ()))
        return numbers

    def _unsure(self, payment: data.Transaction, own: dict[int, data.Transaction]) -> UnsureReceipt:
        numbers = self._numbers(own)
        number = min(numbers) if numbers else "?"
        return UnsureReceipt(payment, (
            f"{where(payment.meta)} : le règlement du {french_date(payment.date)} paie en partie la facture {number} "
            "et une autre facture avec TVA sur le même compte : la part TTC de chacune n'est pas sûre au centime ; "
            "écrivez une ligne de créance par facture réglée, chacune avec son reglement-de: "
            f'(p. ex. reglement-de: "{number}")'))


@dataclass
class SeriesSummary:
    """One series' numbers of one year (of the number, or of the date without ``{year}``)."""

    series: str
    pattern: str
    year: int
    first: str | None = None
    last: str | None = None
    count: int = 0  # invoices or credit notes issued (voided numbers excluded)
    totals: dict[str, Decimal] = field(default_factory=dict)  # currency -> sum of amounts
    gaps: list[str] = field(default_factory=list)  # missing numbers, described
    missing: int = 0  # how many numbers the gaps hold
    voided: list[VoidedNumber] = field(default_factory=list)
    credit_notes: list[Invoice] = field(default_factory=list)  # applied to this row's invoices


@dataclass(frozen=True)
class UnpaidInvoice:
    """An invoice not fully paid on the report date: what the client owes, VAT included, in
    ``currency`` (the operating currency, whatever the invoice's fees are written in)."""

    invoice: Invoice
    amount: Decimal
    credited: Decimal
    paid: Decimal
    remaining: Decimal
    age_days: int
    currency: str = "EUR"


@dataclass
class InvoiceReport:
    as_of: datetime.date
    year: int | None
    series: list[SeriesSummary]
    unpaid: list[UnpaidInvoice]
    #: Payments on the invoices' accounts that settled nothing (``Cashbook.problems``): the
    #: unpaid list may be wrong while they stand, so the report is not final.
    problems: list = field(default_factory=list)


def series_summaries(book: InvoiceBook, year: int | None = None) -> list[SeriesSummary]:
    """One row per series and year (only ``year`` when given), from the book's sequences."""
    rows: dict[tuple[str, int, int], SeriesSummary] = {}
    for sequence in book.sequences:
        gaps_after = {id(gap.after): gap for gap in sequence.gaps}
        for member in sequence.members:
            row_year = sequence.year if sequence.year is not None else member.year
            if year is not None and row_year != year:
                continue
            key = (sequence.series, id(sequence.pattern), row_year)
            row = rows.get(key)
            if row is None:
                row = rows[key] = SeriesSummary(sequence.series, sequence.pattern.pattern, row_year)
            row.first = row.first or member.number  # members are sorted by sequence number
            row.last = member.number
            gap = gaps_after.get(id(member))
            if gap is not None:
                row.gaps.append(sequence.describe_gap(gap))
                row.missing += gap.size
            if isinstance(member, VoidedNumber):
                row.voided.append(member)
                continue
            row.count += 1
            if member.currency:
                row.totals[member.currency] = row.totals.get(member.currency, ZERO) + member.amount
            row.credit_notes.extend(member.credit_notes)
    return sorted(rows.values(), key=lambda r: (r.year, r.series))


def unpaid_invoices(book: InvoiceBook, cashbook: Cashbook, as_of: datetime.date,
                    unsure: list | None = None) -> list[UnpaidInvoice]:
    """Invoices dated up to ``as_of`` with money still due on that date, oldest first, VAT
    included (:class:`DocumentReceipts`). A payment whose share is not sure to the cent is
    counted for its fees only, and its error added to ``unsure`` (the report is then not final)."""
    receipts = DocumentReceipts(cashbook, book.index)
    unpaid = []
    for invoice in book.by_number.values():
        if invoice.is_credit_note or invoice.date > as_of or invoice.amount <= 0:
            continue
        notes = [note for note in invoice.credit_notes if note.date <= as_of]
        txns = [invoice.txn, *(note.txn for note in notes)]
        amount = receipts.billed(invoice.txn)
        credited = -sum((receipts.billed(note.txn) for note in notes), ZERO)
        try:
            paid = receipts.paid(txns, upto=as_of)
        except UnsureReceipt as exc:
            if unsure is not None:
                unsure.append(exc.error)
            paid = sum((cashbook.settled(txn, upto=as_of) for txn in txns), ZERO)
        remaining = (amount - credited - paid).quantize(CENT)
        if remaining > 0:
            unpaid.append(UnpaidInvoice(invoice, amount, credited, paid, remaining,
                                        (as_of - invoice.date).days, receipts.currency))
    unpaid.sort(key=lambda u: (u.invoice.date, u.invoice.number))
    return unpaid


def documents_cashbook(entries: Sequence[data.Directive], index: LedgerIndex, book: InvoiceBook) -> Cashbook:
    """The cash book of the numbered documents: only what invoices and credit notes received
    is read, so only the accounts that can pay them are walked (``Cashbook.build_for``).

    The payments naming a document (by link, ``reglement-de:``) are walked with them, and so
    every account they touch: a payment booked against another receivable than its note's
    settles nothing there, and that problem (``Cashbook.problems``, as the 2035 reports it)
    makes the report not final rather than the note wrongly unpaid.
    """
    documents = [invoice.txn for invoice in book.invoices]
    names = set(book.by_number)
    names.update(*(txn.links for txn in documents if txn.links))
    payments = [txn for txn, named in book.references if not names.isdisjoint(map(_NUMBER, named))]
    return Cashbook.build_for(entries, index, documents + payments)


@gc_paused()
def invoice_report(book: InvoiceBook, cashbook: Cashbook, as_of: datetime.date,
                   year: int | None = None) -> InvoiceReport:
    """The series rows (of ``year``, or every year) and the unpaid invoices on ``as_of``."""
    unsure: list = []
    unpaid = unpaid_invoices(book, cashbook, as_of, unsure)
    return InvoiceReport(as_of, year, series_summaries(book, year), unpaid,
                         problem_errors(cashbook, before=as_of + datetime.timedelta(days=1)) + unsure)


@gc_paused()
def invoices_view(entries: Sequence[data.Directive], index: LedgerIndex, as_of: datetime.date,
                  year: int | None = None) -> tuple[InvoiceBook, InvoiceReport]:
    """What ``hn invoices`` shows: the invoice book, then the report on the cash book of its
    documents, in one pause of the collector (one collection of what they made, afterwards)."""
    book = build_invoice_book(entries, index)
    return book, invoice_report(book, documents_cashbook(entries, index, book), as_of, year)


def receivables_cashbook(entries: Sequence[data.Directive], index: LedgerIndex, as_of: datetime.date,
                         cashbook: Cashbook | None = None, last: datetime.date | None = None) -> Cashbook:
    """A cash book whose open items are those of ``as_of`` (31 December of a year, or later).

    ``cashbook`` (the full walk) is reused when nothing happens after ``as_of``; else the
    walk stops on 31 December of ``as_of``'s year (``Cashbook.build_for_year``). ``last``: the
    ledger's last transaction date, when the caller knows it.
    """
    if last is None:
        last = max((e.date for e in entries if isinstance(e, data.Transaction)), default=as_of)
    if last <= as_of:
        return cashbook if cashbook is not None else Cashbook.build(entries, index)
    return Cashbook.build_for_year(entries, index, as_of.year)


def open_receivables(cashbook: Cashbook, as_of: datetime.date) -> OpenReceivables:
    """The receivables of ``cashbook`` (``receivables_cashbook``) still open on ``as_of``."""
    return owed_on(cashbook.open_items(), as_of)