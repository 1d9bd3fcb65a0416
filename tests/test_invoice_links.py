"""Payments naming an invoice or an FSE lot the ledger does not hold, and invoices of
zero or negative amount (issue 17): one small ledger per rule, each with its control."""

from __future__ import annotations

from tests.ledgers import INVOICE_ACCOUNTS as ACCOUNTS
from tests.ledgers import errors_of as check
from tests.ledgers import line_of, only_error, txn, txn_line

NOWHERE = "qu'aucune facture ni aucun lot ne porte"

INVOICE = ACCOUNTS + """\
2025-03-04 * "Mme Dupont" "Pilates individuel, 1 h" ^F-2025-0001
  facture: "F-2025-0001"
  Assets:Creances:Patients    60.00 EUR
  Income:Honoraires:HN       -60.00 EUR
"""


def payment(date: str, link: str = "", meta: str = "", *, payee: str = "Règlement",
            debit: str = "Assets:Banque") -> str:
    """A payment of a patient's receivable; ``meta`` goes on the receivable posting."""
    head = f'\n{date} * "Mme Dupont" "{payee}"' + (f" ^{link}" if link else "")
    posting = "  Assets:Creances:Patients   -60.00 EUR" + (f"\n    {meta}" if meta else "")
    return f"{head}\n  {debit}   60.00 EUR\n{posting}\n"


def invoice_errors(ledger: str) -> list:
    return [e for e in check(ledger) if type(e).__name__ == "InvoiceError"]


# --- payments naming a number -----------------------------------------------------------------


def test_a_payment_linked_to_an_invoice_of_the_ledger_is_clean():
    assert invoice_errors(INVOICE + payment("2025-03-20", "F-2025-0001")) == []


def test_a_payment_linked_to_no_invoice_is_an_error_at_the_payment():
    ledger = INVOICE + payment("2025-03-20", "F-2025-0042", payee="Règlement 42")
    error = only_error(invoice_errors(ledger))
    assert error.source["lineno"] == line_of(ledger, "Règlement 42")
    assert f"Le règlement renvoie à F-2025-0042, {NOWHERE}" in error.message
    assert "^F-2025-0042" in error.message and 'facture: "F-2025-0042"' in error.message


def test_reglement_de_on_a_posting_naming_no_invoice_is_an_error():
    ledger = INVOICE + payment("2025-03-20", meta='reglement-de: "F-2025-0042"', payee="Virement")
    error = only_error(invoice_errors(ledger))
    assert error.source["lineno"] == line_of(ledger, "Virement")
    assert f"renvoie à F-2025-0042, {NOWHERE}" in error.message
    assert 'reglement-de: "F-2025-0042"' in error.message
    assert invoice_errors(INVOICE + payment("2025-03-20", meta='reglement-de: "F-2025-0001"')) == []


def test_a_posting_lot_naming_no_fse_lot_is_an_error_whatever_its_spelling():
    lot = """
2025-03-03 * "Lot FSE" "Télétransmission"
  lot: "2025-009"
  Assets:Creances:Patients    60.00 EUR
  Income:Honoraires:Conventionnes  -60.00 EUR
"""
    ledger = ACCOUNTS + lot + payment("2025-03-20", meta='lot: "2025-010"', payee="VIR CPAM")
    error = only_error(invoice_errors(ledger))
    assert error.source["lineno"] == line_of(ledger, "VIR CPAM")
    assert f"renvoie à 2025-010, {NOWHERE}" in error.message
    assert invoice_errors(ACCOUNTS + lot + payment("2025-03-20", meta='lot: "2025-009"')) == []


def test_ordinary_links_are_not_checked():
    # Neither fits a declared invoice-series pattern (F-{year}-{seq:04d}, AV-{year}-{seq:03d}).
    ledger = (INVOICE + payment("2025-03-20", "F-2025-0001")
              + payment("2025-04-02", "vacances-2025", payee="Autre")
              + payment("2025-04-03", "FR-2025-0412", payee="Fournisseur"))
    assert invoice_errors(ledger) == []


def test_a_link_shared_with_a_transaction_carrying_facture_is_fine():
    shared = INVOICE.replace("^F-2025-0001", "^F-2025-0001 ^F-2025-0007")
    assert invoice_errors(shared + payment("2025-03-20", "F-2025-0007")) == []
    only_error(invoice_errors(INVOICE + payment("2025-03-20", "F-2025-0007")))


def test_a_link_shared_only_between_payments_is_still_an_error_at_each():
    ledger = INVOICE + payment("2025-03-20", "F-2025-0042", payee="P1") + payment("2025-03-21", "F-2025-0042", payee="P2")
    errors = invoice_errors(ledger)
    assert sorted(e.source["lineno"] for e in errors) == [line_of(ledger, "P1"), line_of(ledger, "P2")]


def test_a_link_written_in_another_spelling_asks_for_the_exact_one():
    error = only_error(invoice_errors(INVOICE + payment("2025-03-20", "f-2025-0001")))
    assert "ne s'écrit pas comme F-2025-0001" in error.message and "écrivez ^F-2025-0001" in error.message


def test_a_link_to_a_voided_number_says_so():
    ledger = INVOICE + '\n2025-03-12 custom "hn-facture-annulee" "F-2025-0002" "note détruite"\n'
    error = only_error(invoice_errors(ledger + payment("2025-03-20", "F-2025-0002")))
    assert NOWHERE in error.message and "déclaré annulé" in error.message


def test_a_transaction_without_treasury_is_an_ecriture_not_a_reglement():
    ledger = INVOICE + payment("2025-03-20", "F-2025-0042", debit="Income:Debours")
    assert only_error(invoice_errors(ledger)).message.startswith(f"L'écriture renvoie à F-2025-0042, {NOWHERE}")


# --- books begun mid-activity: invoices issued before the ledger ----------------------------------


def test_a_number_from_before_the_series_declaration_is_an_invoice_of_earlier_books():
    # Series declared on 2025-01-01 (ACCOUNTS): F-2024-0187 was issued before the ledger.
    assert invoice_errors(INVOICE + payment("2025-01-15", "F-2024-0187")) == []
    earlier = INVOICE.replace('2025-01-01 custom "hn-option" "invoice-series" "F"',
                              '2024-01-01 custom "hn-option" "invoice-series" "F"')
    only_error(invoice_errors(earlier + payment("2025-01-15", "F-2024-0187")))


def test_numbers_below_premier_numero_are_invoices_of_earlier_books():
    started = ACCOUNTS.replace('"F-{year}-{seq:04d}"\n', '"F-{year}-{seq:04d}"\n  premier-numero: "F-2025-0040"\n')
    started += INVOICE.removeprefix(ACCOUNTS).replace("F-2025-0001", "F-2025-0040")
    assert invoice_errors(started) == []
    assert invoice_errors(started + payment("2025-03-20", "F-2025-0031")) == []
    only_error(invoice_errors(started + payment("2025-03-20", "F-2025-0041")))


def test_a_link_shared_with_an_opening_entry_is_fine():
    opening = """
2024-01-01 open Equity:Ouverture
2025-01-01 * "Ouverture" "Créance de Mme Dupont reprise des livres précédents" ^F-2025-0009
  Assets:Creances:Patients    60.00 EUR
  Equity:Ouverture           -60.00 EUR
"""
    assert invoice_errors(INVOICE + opening + payment("2025-03-20", "F-2025-0009")) == []
    only_error(invoice_errors(INVOICE + opening.replace("^F-2025-0009", "") + payment("2025-03-20", "F-2025-0009")))


# --- the amount of an invoice -----------------------------------------------------------------------


def test_an_invoice_of_negative_amount_is_an_error_naming_its_number():
    ledger = ACCOUNTS + txn("2025-03-04", "F-2025-0001", "-50.00")
    error = only_error(invoice_errors(ledger))
    assert error.source["lineno"] == txn_line(ledger, "F-2025-0001")
    assert "la facture F-2025-0001 totalise -50,00\u00a0€" in error.message and "avoir-de" in error.message


def test_an_invoice_of_zero_is_an_error_and_a_positive_one_is_not():
    zero = INVOICE.replace("-60.00 EUR", "0.00 EUR").replace("60.00 EUR", "0.00 EUR")
    assert "la facture F-2025-0001 totalise 0,00\u00a0€" in only_error(invoice_errors(zero)).message
    assert invoice_errors(ACCOUNTS + txn("2025-03-04", "F-2025-0001", "0.01")) == []


def test_a_credit_note_is_negative_without_that_error():
    ledger = INVOICE + """
2025-03-10 * "Mme Dupont" "Avoir" ^F-2025-0001
  facture: "AV-2025-001"
  avoir-de: "F-2025-0001"
  Assets:Creances:Patients   -20.00 EUR
  Income:Honoraires:HN        20.00 EUR
"""
    assert invoice_errors(ledger) == []
