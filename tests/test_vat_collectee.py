"""Collected VAT: a ``collectee`` receipt books its VAT as its rate says, at every bean-check.

The plugin chain's VAT step (``beancount_hn.tax.vat.collected_vat_problem``) and ``hn note``
make the one check: the ``Liabilities:…:TVA…`` postings of the receipt's transaction equal
each ``collectee`` line before VAT at its ``taux-tva:`` (20 % by default), to the cent.
"""

from __future__ import annotations

import os

import pytest

from beancount_hn.invoicing.notes import DocumentError, find_invoice, invoice_document
from tests.ledgers import load, line_of, messages, plain, run_hn, write_ledger
from tests.notes_helpers import ACCOUNTS, IDENTITY, build

REEL = '2025-01-01 custom "hn-option" "vat-regime" "reel"\n'


def posting_errors(errors) -> list:
    return [e for e in errors if type(e).__name__ == "VatPostingError"]


def massage(*postings: str, meta: str = '  facture: "F-2025-0001"\n') -> str:
    lines = "".join(f"  {p}\n" for p in postings)
    return f'2025-01-11 * "Mme Bea Durand" "Massage bien-être"\n{meta}{lines}'


NO_VAT = massage("Assets:Banque   60.00 EUR", "Income:Honoraires:HN  -60.00 EUR")
WRONG_VAT = massage("Assets:Banque   60.00 EUR", "Income:Honoraires:HN  -55.00 EUR", "Liabilities:TVA:Collectee  -5.00 EUR")
RIGHT_VAT = massage("Assets:Banque   72.00 EUR", "Income:Honoraires:HN  -60.00 EUR",
                    "Liabilities:TVA:Collectee  -12.00 EUR")


def text_of(body: str) -> str:
    return IDENTITY + ACCOUNTS + REEL + body


# --- bean-check ---------------------------------------------------------------------------


def test_a_collectee_receipt_without_vat_posting_is_an_error_at_its_transaction():
    text = text_of(NO_VAT)
    _, errors, _ = load(text)
    [error] = posting_errors(errors)
    assert errors == [error], messages(errors)
    assert error.source["lineno"] == line_of(text, '"Massage bien-être"')
    message = plain(error.message)
    assert message.startswith('Cette écriture ne comptabilise aucune TVA, or ses recettes tva: "collectee" '
                              "(60,00 € hors taxe) en donnent 12,00 € à 20 % (taux-tva:)")
    assert "Liabilities:TVA:Collectee  -12.00 EUR" in message and "72,00 € TTC" in message
    assert "si les 60,00 € reçus sont TTC, la recette est de 50,00 € hors taxe et la TVA de 10,00 €" in message


def test_a_vat_posting_unlike_the_rate_is_an_error_at_its_transaction():
    text = text_of(WRONG_VAT)
    _, errors, _ = load(text)
    [error] = posting_errors(errors)
    assert errors == [error], messages(errors)
    assert error.source["lineno"] == line_of(text, '"Massage bien-être"')
    assert error.message.startswith("Cette écriture comptabilise 5.00 de TVA mais ses lignes à leurs taux "
                                    "(taux-tva:) en donnent 11.00")


@pytest.mark.parametrize("body", [
    RIGHT_VAT,
    massage("Assets:Banque   66.00 EUR", "Income:Honoraires:HN  -60.00 EUR", "Liabilities:TVA:Collectee  -6.00 EUR",
            meta='  facture: "F-2025-0001"\n  taux-tva: 10\n'),
    # One cent of rounding is accepted (rounded per line: 33.33 × 20 % = 6.67).
    massage("Assets:Banque   39.99 EUR", "Income:Honoraires:HN  -33.33 EUR", "Liabilities:TVA:Collectee  -6.66 EUR"),
    # Exempt care beside a taxable line (no note): only the collectee line carries VAT.
    "2024-01-01 open Liabilities:Etat:TVA-Collectee\n"
    + massage("Assets:Banque   102.00 EUR", "Income:Honoraires:HN  -30.00 EUR", '  tva: "exoneree"',
              "Income:Honoraires:HN  -60.00 EUR", "Liabilities:Etat:TVA-Collectee  -12.00 EUR", meta=""),
    # A note on credit: the VAT is booked with it; the payment (no receipt) books none.
    massage("Assets:Creances:Patients   72.00 EUR", "Income:Honoraires:HN  -60.00 EUR",
            "Liabilities:TVA:Collectee  -12.00 EUR")
    + '2025-02-01 * "Mme Bea Durand" "Règlement"\n  Assets:Banque   72.00 EUR\n  Assets:Creances:Patients  -72.00 EUR\n',
    # A credit note reverses its VAT.
    RIGHT_VAT + '2025-01-20 * "Mme Bea Durand" "Avoir"\n  facture: "AV-2025-001"\n  avoir-de: "F-2025-0001"\n'
    "  Assets:Banque  -24.00 EUR\n  Income:Honoraires:HN  20.00 EUR\n  Liabilities:TVA:Collectee  4.00 EUR\n",
])
def test_vat_booked_as_its_rate_says_is_clean(body):
    _, errors, _ = load(text_of(body))
    assert errors == [], messages(errors)


def test_a_refund_without_its_vat_is_an_error():
    text = text_of(RIGHT_VAT + '2025-01-20 * "Mme Bea Durand" "Avoir"\n  facture: "AV-2025-001"\n'
                   '  avoir-de: "F-2025-0001"\n  Assets:Banque  -20.00 EUR\n  Income:Honoraires:HN  20.00 EUR\n')
    _, errors, _ = load(text)
    [error] = posting_errors(errors)
    assert error.source["lineno"] == line_of(text, '"Avoir"')
    assert "Liabilities:TVA:Collectee  4.00 EUR" in error.message  # the sign a refund's VAT takes


def test_a_taux_tva_that_is_no_rate_is_an_error():
    text = text_of(massage("Assets:Banque   72.00 EUR", "Income:Honoraires:HN  -60.00 EUR",
                           "Liabilities:TVA:Collectee  -12.00 EUR", meta='  taux-tva: "vingt"\n'))
    _, errors, _ = load(text)
    [error] = posting_errors(errors)
    assert error.source["lineno"] == line_of(text, '"Massage bien-être"')
    assert error.message == 'taux-tva: "vingt" n\'est pas un taux ; écrivez p. ex. taux-tva: 20'


def test_franchise_and_exempt_receipts_need_no_vat_posting():
    text = IDENTITY + ACCOUNTS + NO_VAT  # vat-regime franchise: HN defaults to franchise
    _, errors, _ = load(text)
    assert errors == [], messages(errors)


@pytest.mark.parametrize("where", ["", "    tva: \"collectee\"\n"])
def test_vat_booked_beside_a_franchise_receipt_is_an_error(where):
    """Shown on a franchise receipt, VAT is owed all the same (art. 283-3 du CGI): never a
    neutral line; ``tva:`` written on the bank line does not make the receipt collectee."""
    body = RIGHT_VAT.replace("  Assets:Banque   72.00 EUR\n", "  Assets:Banque   72.00 EUR\n" + where)
    text = IDENTITY + ACCOUNTS + body  # vat-regime franchise: the receipt is franchise
    [error] = posting_errors(load(text)[1])
    assert error.source["lineno"] == line_of(text, '"Massage bien-être"')
    assert "alors que les recettes de cette écriture sont en franchise" in error.message


# --- the note: the same check, never a payment that did not happen --------------------------


def test_the_note_refuses_through_the_same_check_even_without_the_plugin():
    entries, errors, index, book, cashbook = build(text_of(NO_VAT))
    [plugin_error] = posting_errors(errors)
    with pytest.raises(DocumentError) as raised:
        invoice_document(book, find_invoice(book, "F-2025-0001"), cashbook)
    message = str(raised.value)
    assert message.startswith("<string>:")
    assert "la facture F-2025-0001 ne comptabilise aucune TVA" in message
    # One check: the plugin's message after its subject is the note's.
    assert message.split("la facture F-2025-0001 ", 1)[1] == plugin_error.message.split("Cette écriture ", 1)[1]


def test_hn_note_writes_nothing_and_prints_no_payment(tmp_path):
    path = write_ledger(tmp_path, 'plugin "beancount_hn.plugins.all"\n'
                        '2024-01-01 custom "hn-option" "treasury" Assets:Banque\n' + text_of(NO_VAT))
    out = tmp_path / "out"
    result = run_hn("note", "F-2025-0001", path, "--format", "html", "--out", str(out))
    assert result.exit_code == 1
    assert "ne comptabilise aucune TVA" in result.output and "Déjà réglé" not in result.output
    assert not os.path.exists(out)
    result = run_hn("vat", path, "--year", "2025")
    assert result.exit_code == 1 and "CHIFFRES NON DÉFINITIFS" in result.output
    assert "ne comptabilise aucune TVA" in result.output


def test_hn_note_prints_the_vat_the_ledger_holds(tmp_path):
    path = write_ledger(tmp_path, 'plugin "beancount_hn.plugins.all"\n'
                        '2024-01-01 custom "hn-option" "treasury" Assets:Banque\n' + text_of(RIGHT_VAT))
    result = run_hn("note", "F-2025-0001", path, "--format", "html", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    html = plain((tmp_path / "out" / "F-2025-0001.html").read_text(encoding="utf-8"))
    assert "72,00 €" in html and "12,00 €" in html
