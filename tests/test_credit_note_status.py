"""A credit note keeps the VAT and convention status of the invoice it corrects (finding F5).

A credit note booked on an account of another status would move turnover from one status
to another: the exempt receipts of the note would stay, and the franchise turnover would
lose what the credit note takes back (or the social split of the 2035 would). The invoice
book refuses it, at the credit note, on every ``bean-check``.
"""

from __future__ import annotations

from decimal import Decimal

from tests.ledgers import INVOICE_ACCOUNTS as ACCOUNTS
from tests.ledgers import errors_of as check
from tests.ledgers import only_error, txn, txn_line, vat_analysis

THERAPEUTIC = """\
2024-01-01 open Income:Honoraires:HN-Therapeutique
  convention: "non-conventionne"
  tva: "exoneree"
"""


def credit(date: str, number: str, of: str, amount: str = "20.00", *,
           account: str = "Income:Honoraires:HN", posting_meta: str = "") -> str:
    """A credit note refunded from the bank, its income line on ``account``."""
    extra = f"\n    {posting_meta}" if posting_meta else ""
    return (f'{date} * "Mme Martin" "Avoir"\n  facture: "{number}"\n  avoir-de: "{of}"\n'
            f"  Assets:Banque  -{amount} EUR\n  {account}  {amount} EUR{extra}\n")


# The finding's ledger: 37 510 € of franchise turnover, a 60 € exempt note and its 20 € credit note.
LARGE = txn("2025-03-01", "F-2025-0001", "37510.00", meta=(("devis", '"D-2025-0001"'),))
QUOTE = '2025-01-02 custom "hn-devis" "D-2025-0001" "Mme Martin" 37510.00 EUR\n  acte: "HN"\n'
EXEMPT_NOTE = txn("2025-06-10", "F-2025-0002", "60.00", account="Income:Honoraires:HN-Therapeutique")


def test_a_credit_note_on_an_account_of_another_vat_status_is_an_error_at_the_credit_note():
    ledger = (ACCOUNTS + THERAPEUTIC + QUOTE + LARGE + EXEMPT_NOTE
              + credit("2025-06-12", "AV-2025-001", "F-2025-0002"))
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "AV-2025-001")
    assert ("l'avoir AV-2025-001 reprend 20,00\u00a0€ d'honoraires au statut tva: \"franchise\", "
            'convention: "non-conventionne" alors que la facture F-2025-0002') in error.message
    assert "n'a aucune recette de ce statut" in error.message
    assert "passez l'avoir sur le compte de la facture (Income:Honoraires:HN-Therapeutique)" in error.message


def test_the_same_credit_note_on_the_invoices_account_keeps_the_turnover_where_it_was():
    ledger = (ACCOUNTS + THERAPEUTIC + QUOTE + LARGE + EXEMPT_NOTE
              + credit("2025-06-12", "AV-2025-001", "F-2025-0002", account="Income:Honoraires:HN-Therapeutique"))
    analysis, _, errors = vat_analysis(ledger)
    assert errors == []
    year = analysis.years[2025]
    assert year.counted_turnover == Decimal("37510.00")  # over the base threshold: franchise lost
    assert year.exempt_receipts == Decimal("40.00")


def test_a_credit_note_whose_line_carries_the_invoices_status_is_fine():
    ledger = (ACCOUNTS + THERAPEUTIC + txn("2025-06-10", "F-2025-0001", account="Income:Honoraires:HN-Therapeutique")
              + credit("2025-06-12", "AV-2025-001", "F-2025-0001", posting_meta='tva: "exoneree"'))
    assert check(ledger) == []


def test_a_credit_note_of_another_convention_status_is_an_error():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001", account="Income:Honoraires:Conventionnes")
              + credit("2025-03-02", "AV-2025-001", "F-2025-0001", account="Income:Honoraires:Depassements"))
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "AV-2025-001")
    assert 'convention: "depassement"' in error.message and 'convention: "conventionne"' in error.message


def test_on_a_mixed_invoice_a_credit_note_takes_back_no_more_of_a_status_than_was_billed():
    mixed = ('2025-03-01 * "Mme Martin" "Séances"\n  facture: "F-2025-0001"\n'
             "  Assets:Banque  60.00 EUR\n  Income:Honoraires:HN  -50.00 EUR\n"
             "  Income:Honoraires:HN-Therapeutique  -10.00 EUR\n")
    on_exempt = dict(account="Income:Honoraires:HN-Therapeutique")
    fine = (ACCOUNTS + THERAPEUTIC + mixed + credit("2025-03-02", "AV-2025-001", "F-2025-0001", "10.00", **on_exempt)
            + credit("2025-03-03", "AV-2025-002", "F-2025-0001", "30.00"))
    assert check(fine) == []
    ledger = (ACCOUNTS + THERAPEUTIC + mixed + credit("2025-03-02", "AV-2025-001", "F-2025-0001", "5.00", **on_exempt)
              + credit("2025-03-03", "AV-2025-002", "F-2025-0001", "20.00", **on_exempt))
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "AV-2025-002")
    assert ("n'en porte que 10,00\u00a0€, dont 5,00\u00a0€ déjà repris par avoir") in error.message


def test_on_the_invoices_own_account_whose_status_changed_the_error_asks_for_the_status():
    # Franchise lost from 2026: the same account's receipts are collectee by default then.
    ledger = (ACCOUNTS + '2025-01-01 open Liabilities:TVA:Collectee\n'
              '2026-01-01 custom "hn-option" "vat-regime" "reel"\n'
              + txn("2025-12-10", "F-2025-0001") + credit("2026-01-12", "AV-2026-001", "F-2025-0001"))
    [error] = [e for e in check(ledger) if "l'avoir AV-2026-001 reprend" in e.message]
    assert 'tva: "collectee"' in error.message and "passez l'avoir sur le compte" not in error.message
    fixed = ledger.replace("Income:Honoraires:HN  20.00 EUR", 'Income:Honoraires:HN  20.00 EUR\n    tva: "franchise"')
    assert check(fixed) == []
