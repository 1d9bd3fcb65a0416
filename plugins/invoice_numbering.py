"""Check the numbering of invoices (notes d'honoraires) and credit notes, and the invoice rules.

Load it alone or through ``beancount_hn.plugins.all``::

    plugin "beancount_hn.plugins.invoice_numbering"

    2025-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
    2025-01-01 custom "hn-option" "invoice-series" "AV" "AV-{year}-{seq:03d}"

    2025-03-04 * "Mme Dupont" "Pilates individuel, 1 h" ^F-2025-0042
      facture: "F-2025-0042"
      acte: "HN"
      Assets:Creances:Patients    60.00 EUR
      Income:Honoraires:HN

Errors, each at the offending entry's file and line (see ``beancount_hn.invoicing.invoices``):
a number matching no declared series or not written as its series writes it;
a duplicate number (on the later one, naming the first), and likewise an FSE
lot entry booked twice (a second ``lot:`` transaction with an income posting
that copies the first: same date and postings; a cancellation, a lot split by
payer or another year's lot with the same number are not copies, and payments
naming the lot on a posting are not lots); a gap (on the number
after it, naming the missing ones); a higher number dated before a lower one;
a voided number that is used; a credit note (``avoir-de:``) naming an unknown
invoice or exceeding what remains of it; ``facture:`` without an income
posting; a missing or unknown ``devis:`` on an invoice of 70 EUR or more with a
dépassement or HN acts; with ``hn-option "require-invoice"``, a receipt
of that status without ``facture:``; an invoice (no ``avoir-de:``) of zero or
negative amount; and a payment naming a number that no ``facture:`` nor
``lot:`` carries — through ``reglement-de:`` or ``lot:`` on a posting, or a
link that fits a declared series pattern (other links are not checked; see
``beancount_hn.invoicing.invoices.reference_errors``). Entries are returned unchanged.
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from beancount_hn.core.gcpause import gc_paused
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.invoicing.invoices import build_invoice_book, check_invoices, credit_notes_off_status
from beancount_hn.plugins import run_step

__plugins__ = ("invoice_numbering",)


@gc_paused()
def invoices_step(entries: list[data.Directive], index: LedgerIndex) -> tuple[list[data.Directive], list]:
    """Invoice numbering and invoice rules (validation only).

    In the plugin chain the invoice book reads the receipts the convention step
    classified (``index.classified_receipts``); it is their last reader, so they
    are let go before the steps after it run. It leaves the VAT step the credit notes whose
    status it reports (``index.credit_notes_off_status``). The collector stays paused until the
    book is gone (its objects are freed by reference counting), not only while it is
    built: run alone, the step would otherwise pay a collection of them.
    """
    book = build_invoice_book(entries, index)
    index.classified_receipts = None
    index.credit_notes_off_status = credit_notes_off_status(book)  # for the VAT step after it
    return entries, check_invoices(book)


def invoice_numbering(entries: list[data.Directive], options_map: dict[str, Any],
                      config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: invoice numbering and invoice rules (validation only)."""
    return run_step(invoices_step, entries, options_map)
