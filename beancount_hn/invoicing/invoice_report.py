"""The accountant's numbering and lettrage view of the invoices (``hn invoices``, Fava).

Per series and year: first and last number, count, total, gaps, voided
numbers and credit notes; then every invoice not fully paid on a date, with
what was invoiced, credited, paid and what remains. Payments come from
``beancount_hn.core.cashbook`` (treasury movements attributed through receivables
and ``^links``), never from a matching of our own.

Remaining of an invoice = its amount − its credit notes − the money received
for it and its credit notes (a cash refund booked on a credit note counts as
negative money received), all dated up to the report date.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from beancount_hn.core.cashbook import Cashbook, OpenReceivables, owed_on, problem_errors
from beancount_hn.core.gcpause import gc_paused
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.invoicing.invoices import Invoice, InvoiceBook, VoidedNumber, build_invoice_book

CENT = Decimal("0.01")
ZERO = Decimal(0)
_NUMBER = operator.itemgetter(0)  # of an invoices.Reference


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
    """An invoice not fully paid on the report date."""

    invoice: Invoice
    amount: Decimal
    credited: Decimal
    paid: Decimal
    remaining: Decimal
    age_days: int

    @property
    def currency(self) -> str | None:
        return self.invoice.currency


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


def unpaid_invoices(book: InvoiceBook, cashbook: Cashbook, as_of: datetime.date) -> list[UnpaidInvoice]:
    """Invoices dated up to ``as_of`` with money still due on that date, oldest first."""
    unpaid = []
    for invoice in book.by_number.values():
        if invoice.is_credit_note or invoice.date > as_of or invoice.amount <= 0:
            continue
        notes = [note for note in invoice.credit_notes if note.date <= as_of]
        credited = -sum((note.amount for note in notes), ZERO)
        paid = cashbook.settled(invoice.txn, upto=as_of)
        paid += sum((cashbook.settled(note.txn, upto=as_of) for note in notes), ZERO)
        remaining = (invoice.amount - credited - paid).quantize(CENT)
        if remaining > 0:
            unpaid.append(UnpaidInvoice(invoice, invoice.amount, credited, paid, remaining,
                                        (as_of - invoice.date).days))
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
    return InvoiceReport(as_of, year, series_summaries(book, year), unpaid_invoices(book, cashbook, as_of),
                         problem_errors(cashbook, before=as_of + datetime.timedelta(days=1)))


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