"""The core figures of one loaded ledger, computed once and kept until the next load.

Nothing is computed here: every figure comes from the same functions the
``hn`` commands call (``cashbook``, ``form2035``, ``vat``, ``invoices``,
``invoice_report``); this class only builds each of them once per ledger load
(the cash book is shared), per year when they depend on the year.
"""

from __future__ import annotations

import dataclasses
import datetime
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from beancount.core import data

from beancount_hn.core.amounts import without_out_of_bounds
from beancount_hn.core.cashbook import Cashbook, OpenReceivables
from beancount_hn.core.classify import Classifier
from beancount_hn.core.gcpause import gc_paused
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.loading import HnError, LoadedLedger, check_year_range, require_year
from beancount_hn.fava.journal import EntryLocator, JournalFilter
from beancount_hn.fava.split import ConventionSplit, convention_split
from beancount_hn.invoicing.invoice_report import InvoiceReport, invoice_report, open_receivables, receivables_cashbook
from beancount_hn.invoicing.invoices import InvoiceBook, build_invoice_book
from beancount_hn.render import form2035 as render2035
from beancount_hn.tax.assets import Registre, build_registre
from beancount_hn.tax.form2035 import (SOCIAL_CODES, Contribution, Form2035, compute_2035, coverage_errors,
                                       covered_years)
from beancount_hn.tax.vat import VatAnalysis, analyze

T = TypeVar("T")


class LedgerFigures:
    """Lazily computed, cached figures of one ledger load (thread-safe)."""

    @gc_paused()
    def __init__(self, entries: Sequence[data.Directive], options_map: dict[str, Any], *,
                 ledger_errors: Sequence = (), ledger_name: str = "") -> None:
        # An entry with an amount out of bounds would overflow the decimal arithmetic (a 500):
        # it is left out of every figure, and the error at its line is one of ``errors``.
        self.entries, bound_errors = without_out_of_bounds(entries)
        self.options_map = options_map
        #: The ledger's errors (Fava's load errors, the plugin chain's), then the amounts out of
        #: bounds: what makes a figure not final, and what refuses the accountant's files.
        self.errors: list = list(ledger_errors) + bound_errors
        self.ledger_name = ledger_name
        self.index = LedgerIndex.build(self.entries, options_map)
        self._lock = threading.RLock()
        self._memo: dict[tuple, Any] = {}

    def _cached(self, key: tuple, compute: Callable[[], T]) -> T:
        # Computed with the collector paused: a figure makes objects by the hundred thousand,
        # and each full collection meanwhile would walk the whole loaded ledger again.
        with self._lock:
            if key not in self._memo:
                with gc_paused():
                    self._memo[key] = compute()
            return self._memo[key]

    @property
    def loaded(self) -> LoadedLedger:
        """This ledger as ``hn`` loads it (:class:`~beancount_hn.core.loading.LoadedLedger`), for the
        command line's own checks: :func:`~beancount_hn.core.loading.write_refusal` decides the
        downloads of ``hn export``'s files as it decides ``hn export``."""
        return LoadedLedger(self.ledger_name or "<livre>", self.entries, self.errors, self.options_map, self.index)

    # --- whole-ledger figures -----------------------------------------------------------

    @property
    def cashbook(self) -> Cashbook:
        return self._cached(("cashbook",), lambda: Cashbook.build(self.entries, self.index))

    @property
    def registre(self) -> Registre:
        return self._cached(("registre",), lambda: build_registre(self.entries, self.index))

    @property
    def invoice_book(self) -> InvoiceBook:
        return self._cached(("invoices",), lambda: build_invoice_book(self.entries, self.index))

    @property
    def vat(self) -> VatAnalysis:
        """``hn vat``'s analysis: projections from the ledger's last transaction."""
        return self._cached(("vat",), lambda: analyze(self.entries, self.index, cashbook=self.cashbook))

    @property
    def locator(self) -> EntryLocator:
        return self._cached(("locator",), lambda: EntryLocator(self.entries))

    @property
    def receipt_years(self) -> list[int]:
        """Years with at least one receipt (income posting of fees), by transaction date."""
        def compute() -> list[int]:
            classifier = Classifier(self.index)
            return sorted({e.date.year for e in self.entries if isinstance(e, data.Transaction)
                           and any(classifier.is_receipt_account(p.account) for p in e.postings)})
        return self._cached(("receipt_years",), compute)

    @property
    def transaction_years(self) -> frozenset[int]:
        """Years with at least one transaction."""
        return self._cached(("transaction_years",), lambda: frozenset(
            e.date.year for e in self.entries if isinstance(e, data.Transaction)))

    @property
    def years(self) -> list[int]:
        """The years the page offers: every calendar year from the first to the last transaction
        that the books cover (``form2035.covered_years``: none before the first ``treasury``
        option, whose 2035 would be made of zeros)."""
        def compute() -> list[int]:
            dates = [e.date.year for e in self.entries if isinstance(e, data.Transaction)]
            return covered_years(self.index, range(min(dates), max(dates) + 1), self.entries) if dates else []
        return self._cached(("years",), compute)

    def coverage(self, year: int) -> list:
        """The error of a year the books do not cover whole (``form2035.coverage_errors``), else []."""
        return self._cached(("coverage", year), lambda: coverage_errors(self.index, year, self.entries))

    def before_books(self, year: int) -> bool:
        """Whether ``year`` ends before the books start (``form2035.covered_years``)."""
        return self._cached(("before_books", year), lambda: not covered_years(self.index, [year], self.entries))

    def year_refusal(self, year: int) -> str:
        """Why ``hn 2035 --year`` refuses ``year`` ("" when it does not): a year outside 1900–2999
        or without any transaction (``core.loading.require_year``, with the covered years and the
        ``coverage_errors`` as ``cli/years.require_covered_year`` gives them)."""
        def compute() -> str:
            try:
                check_year_range(year, "exercice")
                require_year(self.loaded, year, "exercice",
                             covered=covered_years(self.index, sorted(self.transaction_years), self.entries),
                             not_covered=self.coverage(year))
            except HnError as exc:
                return str(exc)
            return ""
        return self._cached(("year_refusal", year), compute)

    @property
    def last_transaction(self) -> datetime.date | None:
        """The date of the ledger's last transaction."""
        return self._cached(("last_transaction",), lambda: max(
            (e.date for e in self.entries if isinstance(e, data.Transaction)), default=None))

    def months_so_far(self, year: int) -> int | None:
        """For a year in progress (its last transaction before 31 December), its last month;
        None for a whole year."""
        last = self.last_transaction
        if last is None or last.year != year or last == datetime.date(year, 12, 31):
            return None
        return last.month

    def default_year(self) -> int:
        """The latest covered year with receipts (else with transactions, else this year)."""
        receipts = self._cached(("covered_receipt_years",),
                                lambda: covered_years(self.index, self.receipt_years, self.entries))
        if receipts:
            return receipts[-1]
        if self.years:
            return self.years[-1]
        return datetime.date.today().year

    # --- per-year figures ----------------------------------------------------------------

    def form(self, year: int) -> Form2035:
        """``hn 2035 --year``'s form."""
        return self._cached(("form", year), lambda: compute_2035(
            self.entries, self.index, year, cashbook=self.cashbook, registre=self.registre))

    def form_json(self, year: int) -> dict[str, Any]:
        """The form of ``year`` as ``hn 2035 --format json`` gives it (read-only: shared)."""
        return self._cached(("form_json", year), lambda: render2035.to_json_dict(self.form(year)))

    def split(self, year: int) -> ConventionSplit:
        """The year's receipts by month and convention status (the form's social split)."""
        return self._cached(("split", year), lambda: convention_split(self.form(year)))

    def filtered_split(self, year: int, kept: frozenset[int]) -> ConventionSplit:
        """The same, for the settlements whose money or invoice is among the ``kept`` entry ids."""
        return convention_split(self.form(year), keep=lambda s: id(s.txn) in kept or id(s.target_txn) in kept)

    @staticmethod
    def split_until(split: ConventionSplit, month: int) -> ConventionSplit:
        """``split`` reduced to its months 1 to ``month`` (the same period as a year in progress)."""
        part = ConventionSplit(split.year)
        for m in range(1, month + 1):
            for status, amount in split.months[m].items():
                part.add(m, status, amount)
        return part

    def invoices(self, year: int) -> InvoiceReport:
        """``hn invoices --year``'s report: series of the year, unpaid on 31 December."""
        return self._cached(("invoice_report", year), lambda: invoice_report(
            self.invoice_book, self.cashbook, datetime.date(year, 12, 31), year))

    def receivables(self, year: int) -> OpenReceivables:
        """What is still owed on 31 December: the receivables open then (invoices and FSE lots),
        as the full walk found them that day (else, after the ledger's last year, at its end)."""
        passed = self.cashbook.year_ends.get(year)
        if passed is not None:
            return passed
        as_of = datetime.date(year, 12, 31)
        return self._cached(("receivables", year), lambda: open_receivables(
            receivables_cashbook(self.entries, self.index, as_of, self.cashbook,
                                 self.last_transaction or as_of), as_of))

    def line_filters(self, year: int) -> dict[str, JournalFilter]:
        """For each line of the year's 2035 with postings behind it, the journal filter listing them."""
        def compute() -> dict[str, JournalFilter]:
            form = self.form(year)
            locator = self.locator
            filters: dict[str, JournalFilter] = {}
            for row in form.lines():
                behind = self._behind(form, row.code)
                if behind is None:
                    continue
                wanted, accounts = behind
                found = [entry for entry in wanted if entry is not None]
                journal = locator.filter_for(found, accounts=accounts, year=year)
                if journal is not None:
                    exact = journal.exact and len(found) == len(wanted)
                    filters[row.code] = JournalFilter(journal.filter, journal.count, exact)
            return filters
        return self._cached(("line_filters", year), compute)

    def _behind(self, form: Form2035, code: str) -> tuple[list[data.Directive | None], set[str]] | None:
        """The entries behind ``code``'s contributions (``Form2035.explain``) and their accounts.

        ``explain`` keeps a contribution for what its own line is: it is asked once
        per line on a form holding one contribution of each line, and each line's
        entries are looked up once (a total lists every line it is made of).
        """
        if code in SOCIAL_CODES:
            contributions = form.explain(code)
            return [self.locator.entry_at(c.meta) for c in contributions], {c.account for c in contributions}
        lines = self._cached(("lines_behind", form.year), lambda: _LinesBehind(form, self.locator))
        codes = [c.code for c in lines.probe.explain(code)]
        if not codes:
            return None
        if len(codes) == 1:
            return lines.entries[codes[0]], lines.accounts[codes[0]]
        return ([entry for line in codes for entry in lines.entries[line]],
                set().union(*(lines.accounts[line] for line in codes)))

    def invoice_filter(self, txn: data.Transaction, number: str) -> JournalFilter | None:
        """The journal of one invoice: its ``^link`` (payments included) if it has one, else its entry."""
        if number in (txn.links or ()):
            return JournalFilter(f"^{number}", 1, True)
        return self.locator.filter_for([txn])


class _LinesBehind:
    """A year's contributions by their own line: the entries and accounts behind each."""

    def __init__(self, form: Form2035, locator: EntryLocator) -> None:
        by_line: dict[str, list[Contribution]] = {}
        for contribution in form.contributions:
            by_line.setdefault(contribution.code, []).append(contribution)
        #: The form with one contribution of each line: what ``explain`` reads of each.
        self.probe = dataclasses.replace(form, contributions=[group[0] for group in by_line.values()])
        self.entries = {code: [locator.entry_at(c.meta) for c in group] for code, group in by_line.items()}
        self.accounts = {code: {c.account for c in group} for code, group in by_line.items()}
