"""What a note says was paid: the money each payment brought, VAT included, as the cash book
attributes it — never a payment the cash walk could not settle, never euros printed as another
currency, never a cent lost scaling fees up to TTC; ``hn invoices`` counts the same money."""

from __future__ import annotations

import datetime
import os
import re
from decimal import Decimal

import pytest

from beancount_hn.invoicing.facturx_cii import build_cii
from beancount_hn.invoicing.invoice_report import documents_cashbook, invoice_report
from beancount_hn.invoicing.notes import DocumentError, find_invoice, invoice_document
from tests.ledgers import line_of, messages, plain, run_hn, write_ledger
from tests.notes_helpers import FILE_HEADER, IDENTITY, build, document

ACCOUNTS = """\
2024-01-01 open Assets:Banque EUR
2024-01-01 open Assets:Caisse EUR
2024-01-01 open Assets:Creances:Patients EUR
2024-01-01 open Assets:Creances:Clients EUR
2024-01-01 open Liabilities:TVA:Collectee EUR
2024-01-01 open Income:Honoraires:HN EUR
  convention: "non-conventionne"
2024-01-01 open Income:Honoraires:Etranger
  convention: "non-conventionne"
"""

BILAN = """
2025-03-07 * "M. Paul Roux" "Bilan" ^F-2025-0001
  facture: "F-2025-0001"
  Assets:Creances:Patients   60.00 EUR
  Income:Honoraires:HN      -60.00 EUR
"""

DEPOSIT_FIRST = IDENTITY + ACCOUNTS + """
2025-03-01 * "M. Paul Roux" "Acompte chèque" ^F-2025-0001
  Assets:Banque              20.00 EUR
  Assets:Creances:Patients  -20.00 EUR
""" + BILAN

OVERPAID = IDENTITY + ACCOUNTS + BILAN + """
2025-03-20 * "M. Paul Roux" "Chèque" ^F-2025-0001
  mode-reglement: "cheque"
  Assets:Banque              80.00 EUR
  Assets:Creances:Patients  -80.00 EUR
"""

IN_DOLLARS = IDENTITY + ACCOUNTS + """
2025-03-07 * "Mr John Smith" "Séance" ^F-2025-0001
  facture: "F-2025-0001"
  Assets:Creances:Patients   45.00 EUR
  Income:Honoraires:Etranger  -50 USD @ 0.9 EUR
    acte: "HN"

2025-03-20 * "Mr John Smith" "VIR" ^F-2025-0001
  Assets:Banque              45.00 EUR
  Assets:Creances:Patients  -45.00 EUR
"""


def company_note(number: str, day: str, fees: str, vat: str) -> str:
    total = Decimal(fees) + Decimal(vat)
    return f"""
{day} * "Atelier Dupuis SARL" "Atelier prévention" ^{number}
  facture: "{number}"
  client-siren: "492952502"
  client-adresse: "27 rue Léon Blum, 69100 Villeurbanne"
  tva: "collectee"
  Assets:Creances:Clients   {total} EUR
  Income:Honoraires:HN     -{fees} EUR
  Liabilities:TVA:Collectee  -{vat} EUR
"""


PARTLY_PAID = IDENTITY + ACCOUNTS + company_note("F-2025-0001", "2025-03-06", "33.33", "6.67") + """
2025-03-21 * "Atelier Dupuis SARL" "VIR" ^F-2025-0001
  Assets:Banque             20.00 EUR
  Assets:Creances:Clients  -20.00 EUR
"""


def ledger_file(tmp_path, text: str) -> str:
    return write_ledger(tmp_path, FILE_HEADER + text)


def written(folder) -> list[str]:
    return os.listdir(folder) if os.path.exists(folder) else []


# --- E1: a payment the cash walk could not settle stops the note ------------------------------


@pytest.mark.parametrize("text, needle", [(DEPOSIT_FIRST, '"Acompte chèque"'), (OVERPAID, '"Chèque"')],
                         ids=["acompte-avant-la-note", "trop-percu"])
def test_hn_note_refuses_a_ledger_whose_payment_settles_nothing(tmp_path, text, needle):
    path = ledger_file(tmp_path, text)
    out = tmp_path / "out"
    result = run_hn("note", "F-2025-0001", path, "--out", str(out), "--format", "html", "--au", "2025-12-31")
    assert result.exit_code == 1, result.output
    line = (FILE_HEADER + text)[:(FILE_HEADER + text).index(needle)].count("\n") + 1
    assert f"{path}:{line}:" in result.output
    assert "20,00 € sur Assets:Creances:Patients ne règle rien d'ouvert" in plain(result.output)
    assert "aucun document n'est écrit" in result.output
    assert written(out) == []


def test_hn_notes_refuses_the_archive_too(tmp_path):
    path = ledger_file(tmp_path, DEPOSIT_FIRST)
    out = tmp_path / "archive"
    result = run_hn("notes", path, "--year", "2025", "--out", str(out))
    assert result.exit_code == 1, result.output
    assert "ne règle rien d'ouvert" in result.output
    assert not out.exists()


# --- E2: a note billed in another currency, paid in euros -------------------------------------


def test_a_note_in_dollars_paid_in_euros_is_refused_at_its_line():
    entries, errors, index, book, cashbook = build(IN_DOLLARS)
    assert not errors, messages(errors)
    with pytest.raises(DocumentError) as raised:
        invoice_document(book, find_invoice(book, "F-2025-0001"), cashbook, datetime.date(2025, 12, 31))
    message = str(raised.value)
    note, payment = line_of(IN_DOLLARS, '"Séance"'), line_of(IN_DOLLARS, '"VIR"')
    assert message.startswith(f"<string>:{note} : ")
    assert "facture ses honoraires en USD mais ses règlements se comptent en EUR" in message
    assert f"<string>:{payment})" in message
    assert "Income:Honoraires:Etranger  45.00 EUR au lieu de -50 USD" not in message  # the weight keeps its sign
    assert "Income:Honoraires:Etranger  -45.00 EUR au lieu de -50 USD" in message


def test_a_note_in_dollars_before_any_payment_still_says_what_it_bills():
    doc = document("F-2025-0001", IN_DOLLARS, as_of=datetime.date(2025, 3, 10))
    assert (doc.currency, doc.total_ttc, doc.paid, doc.remaining) == ("USD", 50, 0, 50)


def test_hn_invoices_counts_a_note_in_dollars_in_the_euros_of_its_receivable():
    entries, errors, index, book, _ = build(IN_DOLLARS)
    report = invoice_report(book, documents_cashbook(entries, index, book), datetime.date(2025, 12, 31))
    assert report.unpaid == [] and report.problems == []
    early = invoice_report(book, documents_cashbook(entries, index, book), datetime.date(2025, 3, 10))
    [item] = early.unpaid
    assert (item.amount, item.paid, item.remaining, item.currency) == (45, 0, 45, "EUR")


# --- E4: a partial payment of a note with VAT is the money received ---------------------------


def test_a_partial_payment_of_a_vat_note_is_printed_as_received():
    doc = document("F-2025-0001", PARTLY_PAID, as_of=datetime.date(2025, 12, 31))
    assert (doc.total_ttc, doc.paid, doc.remaining) == (Decimal("40.00"), Decimal("20.00"), Decimal("20.00"))
    assert [(p.date, p.amount) for p in doc.payments] == [(datetime.date(2025, 3, 21), Decimal("20.00"))]
    xml = build_cii(doc).decode()
    assert re.search(r"<ram:TotalPrepaidAmount>20.00<", xml)
    assert re.search(r"<ram:DuePayableAmount>20.00<", xml)


def test_hn_invoices_shows_what_the_client_owes_vat_included():
    entries, errors, index, book, _ = build(PARTLY_PAID)
    report = invoice_report(book, documents_cashbook(entries, index, book), datetime.date(2025, 12, 31))
    [item] = report.unpaid
    assert (item.amount, item.paid, item.remaining) == (Decimal("40.00"), Decimal("20.00"), Decimal("20.00"))


def test_a_vat_note_paid_at_the_session_in_part_counts_its_vat_then():
    text = IDENTITY + ACCOUNTS + """
2025-03-06 * "Atelier Dupuis SARL" "Atelier prévention" ^F-2025-0001
  facture: "F-2025-0001"
  client-siren: "492952502"
  client-adresse: "27 rue Léon Blum, 69100 Villeurbanne"
  tva: "collectee"
  Assets:Banque              20.00 EUR
  Assets:Creances:Clients    20.00 EUR
  Income:Honoraires:HN      -33.33 EUR
  Liabilities:TVA:Collectee  -6.67 EUR

2025-03-21 * "Atelier Dupuis SARL" "VIR" ^F-2025-0001
  Assets:Banque             20.00 EUR
  Assets:Creances:Clients  -20.00 EUR
"""
    assert document("F-2025-0001", text).paid == Decimal("20.00")
    doc = document("F-2025-0001", text, as_of=datetime.date(2025, 12, 31))
    assert [p.amount for p in doc.payments] == [Decimal("20.00"), Decimal("20.00")]
    assert doc.remaining == 0


def test_a_vat_credit_note_nets_the_note_vat_included():
    text = IDENTITY + ACCOUNTS + """
2025-03-06 * "Mme Léa Morel" "Massage bien-être" ^F-2025-0001
  facture: "F-2025-0001"
  tva: "collectee"
  Assets:Creances:Clients    40.00 EUR
  Income:Honoraires:HN      -33.33 EUR
  Liabilities:TVA:Collectee  -6.67 EUR

2025-03-21 * "Mme Léa Morel" "VIR" ^F-2025-0001
  Assets:Banque             20.00 EUR
  Assets:Creances:Clients  -20.00 EUR

2025-03-25 * "Mme Léa Morel" "Avoir" ^F-2025-0001
  facture: "F-2025-0002"
  avoir-de: "F-2025-0001"
  tva: "collectee"
  Assets:Creances:Clients   -12.00 EUR
  Income:Honoraires:HN       10.00 EUR
  Liabilities:TVA:Collectee   2.00 EUR
"""
    entries, errors, index, book, cashbook = build(text)
    assert not errors, messages(errors)
    doc = invoice_document(book, find_invoice(book, "F-2025-0001"), cashbook, datetime.date(2025, 3, 30))
    assert [(ref.number, ref.amount) for ref in doc.credit_notes] == [("F-2025-0002", Decimal("12.00"))]
    report = invoice_report(book, documents_cashbook(entries, index, book), datetime.date(2025, 12, 31))
    [item] = report.unpaid
    assert (item.amount, item.credited) == (40, 12)


# --- one transfer for two notes with VAT ------------------------------------------------------

TWO_NOTES = (IDENTITY + ACCOUNTS + company_note("F-2025-0001", "2025-03-06", "33.33", "6.67")
             + company_note("F-2025-0002", "2025-03-07", "16.67", "3.33"))


def test_one_transfer_paying_two_vat_notes_in_full_pays_each_its_total():
    text = TWO_NOTES + """
2025-03-21 * "Atelier Dupuis SARL" "VIR" ^F-2025-0001 ^F-2025-0002
  Assets:Banque             60.00 EUR
  Assets:Creances:Clients  -60.00 EUR
"""
    for number, total in (("F-2025-0001", "40.00"), ("F-2025-0002", "20.00")):
        doc = document(number, text, as_of=datetime.date(2025, 12, 31))
        assert (doc.paid, doc.remaining) == (Decimal(total), 0), number


def test_one_transfer_paying_two_vat_notes_in_part_names_each_share_or_is_refused():
    unsure = TWO_NOTES + """
2025-03-21 * "Atelier Dupuis SARL" "VIR" ^F-2025-0001 ^F-2025-0002
  Assets:Banque             50.00 EUR
  Assets:Creances:Clients  -50.00 EUR
"""
    with pytest.raises(DocumentError) as raised:
        document("F-2025-0002", unsure, as_of=datetime.date(2025, 12, 31))
    assert "la part TTC de chacune n'est pas sûre au centime" in str(raised.value)
    assert "reglement-de:" in str(raised.value)
    entries, errors, index, book, _ = build(unsure)
    report = invoice_report(book, documents_cashbook(entries, index, book), datetime.date(2025, 12, 31))
    assert any("pas sûre au centime" in e.message for e in report.problems)  # not final, not silent
    named = TWO_NOTES + """
2025-03-21 * "Atelier Dupuis SARL" "VIR"
  Assets:Banque             50.00 EUR
  Assets:Creances:Clients  -40.00 EUR
    reglement-de: "F-2025-0001"
  Assets:Creances:Clients  -10.00 EUR
    reglement-de: "F-2025-0002"
"""
    first = document("F-2025-0001", named, as_of=datetime.date(2025, 12, 31))
    second = document("F-2025-0002", named, as_of=datetime.date(2025, 12, 31))
    assert (first.paid, first.remaining) == (Decimal("40.00"), 0)
    assert (second.paid, second.remaining) == (Decimal("10.00"), Decimal("10.00"))
