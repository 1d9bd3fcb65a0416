"""Notes d'honoraires, avoirs and devis: the document model and its HTML (golden files)."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

import pytest

from beancount_hn.notes import (MENTION_DE, MENTION_EXONEREE, MENTION_FRANCHISE, MENTION_HN, DocumentError,
                                find_invoice, invoice_document)
from beancount_hn.notes_html import render_html
from tests.notes_helpers import ACCOUNTS, IDENTITY, build, document

GOLDEN = os.path.join(os.path.dirname(__file__), "data", "notes")


@pytest.mark.parametrize("number", ["F-2025-0001", "AV-2025-001", "F-2025-0002", "F-2025-0003", "D-2025-0001"])
def test_html_matches_golden_file(number):
    """Regenerate after a deliberate change with HN_UPDATE_GOLDEN=1 and review the diff."""
    html = render_html(document(number))
    path = os.path.join(GOLDEN, f"{number}.html")
    if os.environ.get("HN_UPDATE_GOLDEN"):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(html)
    with open(path, encoding="utf-8") as stream:
        assert html == stream.read()


def test_hn_note_with_devis_credit_note_and_partial_payment():
    doc = document("F-2025-0001")
    assert (doc.title, doc.number, doc.issue_date) == ("Note d'honoraires", "F-2025-0001", datetime.date(2025, 3, 4))
    assert doc.seller.display_name == "Camille Martin EI"
    assert doc.client.name == "Mme Sophie Bernard" and not doc.is_company and not doc.facturx
    [line] = doc.lines
    assert (line.designation, line.duration, line.amount, line.vat) == (
        "Bilan postural complet", "1\u00a0h\u00a030", Decimal("90.00"), "franchise")
    assert line.notices == [MENTION_HN]
    assert (doc.total_ht, doc.total_vat, doc.total_ttc) == (Decimal("90.00"), 0, Decimal("90.00"))
    assert [(r.number, r.amount) for r in doc.credit_notes] == [("AV-2025-001", Decimal("20.00"))]
    assert (doc.net_due, doc.paid, doc.remaining) == (Decimal("70.00"), Decimal("50.00"), Decimal("20.00"))
    assert (doc.quote.number, doc.quote.date) == ("D-2025-0001", datetime.date(2025, 3, 1))
    assert doc.mentions == [MENTION_FRANCHISE, MENTION_HN]
    assert not doc.shows_service_dates


def test_credit_note_is_titled_avoir_and_names_its_invoice():
    doc = document("AV-2025-001")
    assert doc.title == "Avoir"
    assert (doc.credits.number, doc.credits.date) == ("F-2025-0001", datetime.date(2025, 3, 4))
    assert doc.total_ttc == Decimal("20.00")  # printed positive under the title « Avoir »
    assert doc.paid is None
    html = render_html(doc)
    assert "<h1>Avoir n°\u00a0AV-2025-001</h1>" in html
    assert "la note d&#39;honoraires n°\u00a0F-2025-0001 du 4 mars 2025" in html


def test_exempt_care_dated_apart_from_the_note():
    doc = document("F-2025-0003")
    assert doc.issue_date == datetime.date(2025, 5, 6)
    assert doc.service_dates == [datetime.date(2025, 5, 5)] and doc.shows_service_dates
    assert doc.mentions == [MENTION_EXONEREE, MENTION_HN]
    assert doc.lines[0].duration == "45\u00a0min"
    assert (doc.paid, doc.remaining) == (Decimal("60.00"), Decimal("0.00"))
    html = render_html(doc)
    assert "<th>Date des soins\u202f:</th><td>5 mai 2025</td>" in html
    assert "Exonération de TVA, art. 261-4-1° du CGI" in html
    assert "TVA non applicable" not in html


def test_company_invoice_gets_factur_x_and_payment_mentions():
    doc = document("F-2025-0002")
    assert doc.facturx and doc.client.siren == "552100554"
    assert doc.client.postcode_city == ("69007", "Lyon")
    assert doc.due_date == datetime.date(2025, 4, 2)
    assert (doc.paid, doc.paid_at_issue, doc.remaining) == (Decimal("450.00"), Decimal("0"), Decimal("0.00"))
    assert any("40 €" in m for m in doc.mentions) and MENTION_FRANCHISE in doc.mentions


def test_conventionne_and_depassement_lines():
    text = IDENTITY + ACCOUNTS + """\
2025-06-02 * "M. Jean Petit" "Séance du soir"
  facture: "F-2025-0001"
  Assets:Caisse                          27.68 EUR
  Income:Honoraires:Conventionnes       -17.68 EUR
    acte: "RAB 8"
  Income:Honoraires:Conventionnes       -10.00 EUR
    acte: "DE"
    description: "Dépassement pour exigence horaire (séance après 20 h)"
"""
    doc = document("F-2025-0001", text)
    assert [(l.convention, l.vat, l.amount) for l in doc.lines] == [
        ("conventionne", "exoneree", Decimal("17.68")), ("depassement", "exoneree", Decimal("10.00"))]
    assert doc.lines[0].designation.startswith("Rééducation")  # the NGAP table's label of RAB
    assert doc.lines[1].notices == [MENTION_DE]
    assert doc.mentions == [MENTION_EXONEREE, MENTION_DE]


def test_vat_lines_once_collectee():
    text = IDENTITY + ACCOUNTS + """\
2025-01-01 custom "hn-option" "vat-regime" "reel"
2025-07-01 * "M. Paul Girard" "Massage bien-être, 1 h"
  facture: "F-2025-0001"
  acte: "HN"
  Assets:Banque                 72.00 EUR
  Income:Honoraires:HN         -60.00 EUR
  Liabilities:TVA:Collectee    -12.00 EUR
"""
    doc = document("F-2025-0001", text)
    [group] = doc.vat_groups
    assert (group.vat, group.rate, group.base, group.tax) == ("collectee", Decimal("20"), Decimal("60.00"),
                                                              Decimal("12.00"))
    assert (doc.total_ht, doc.total_vat, doc.total_ttc) == (Decimal("60.00"), Decimal("12.00"), Decimal("72.00"))
    assert (doc.paid, doc.remaining) == (Decimal("72.00"), Decimal("0.00"))
    assert MENTION_FRANCHISE not in doc.mentions and MENTION_EXONEREE not in doc.mentions
    html = render_html(doc)
    assert "TVA 20\u202f% sur 60,00\u00a0€" in html


def test_vat_booked_differently_from_the_rate_is_an_error():
    text = IDENTITY + ACCOUNTS + """\
2025-01-01 custom "hn-option" "vat-regime" "reel"
2025-07-01 * "M. Paul Girard" "Massage bien-être, 1 h"
  facture: "F-2025-0001"
  acte: "HN"
  taux-tva: 10
  Assets:Banque                 72.00 EUR
  Income:Honoraires:HN         -60.00 EUR
  Liabilities:TVA:Collectee    -12.00 EUR
"""
    with pytest.raises(DocumentError, match=r"<string>:\d+: invoice F-2025-0001 books 12.00 of VAT but its "
                                            r"lines at their rates \(taux-tva:\) give 6.00"):
        document("F-2025-0001", text)


def test_company_without_siren_is_an_error():
    text = IDENTITY + ACCOUNTS + """\
2025-04-02 * "Ergo Industries SAS" "Intervention ergonomie"
  facture: "F-2025-0001"
  client-type: "entreprise"
  client-adresse: "5 avenue Jean Jaurès, 69007 Lyon"
  acte: "HN"
  Assets:Creances:Clients   450.00 EUR
  Income:Honoraires:HN     -450.00 EUR
"""
    entries, errors, index, book, cashbook = build(text)
    with pytest.raises(DocumentError) as raised:
        invoice_document(book, find_invoice(book, "F-2025-0001"), cashbook)
    message = str(raised.value)
    assert message.startswith("<string>:")
    assert "invoice F-2025-0001 is made out to a company (Ergo Industries SAS) without its SIREN" in message
    assert 'add client-siren: "123456789"' in message


def test_company_siren_failing_luhn_and_missing_address_are_errors():
    base = IDENTITY + ACCOUNTS + """\
2025-04-02 * "Ergo Industries SAS" "Intervention ergonomie"
  facture: "F-2025-0001"
  acte: "HN"
  {meta}
  Assets:Creances:Clients    60.00 EUR
  Income:Honoraires:HN      -60.00 EUR
"""
    with pytest.raises(DocumentError, match="client-siren: SIREN '552100555' fails its check digit"):
        document("F-2025-0001", base.replace("{meta}", 'client-siren: "552100555"\n  client-adresse: "Lyon"'))
    with pytest.raises(DocumentError, match="without its address; add client-adresse:"):
        document("F-2025-0001", base.replace("{meta}", 'client-siren: "552100554"'))


def test_missing_identity_stops_the_document():
    text = ACCOUNTS + """\
2024-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2025-03-05 * "M. Petit" "Massage sportif"
  facture: "F-2025-0001"
  acte: "HN"
  Assets:Caisse               45.00 EUR
  Income:Honoraires:HN       -45.00 EUR
"""
    with pytest.raises(DocumentError, match=r'(?s)Note d\'honoraires F-2025-0001 needs the practitioner\'s '
                                            r'identity.*"identity" "siret"'):
        document("F-2025-0001", text)


def test_unknown_number_suggests_close_ones():
    entries, errors, index, book, cashbook = build()
    with pytest.raises(DocumentError, match=r"no invoice numbered 'F-2025-0010' in the ledger; did you mean "
                                            r".*F-2025-0001"):
        find_invoice(book, "F-2025-0010")
    assert find_invoice(book, "f-2025-1").number == "F-2025-0001"  # any spelling the series accepts


def test_voided_number_has_no_document():
    text = IDENTITY + ACCOUNTS + """2025-03-12 custom "hn-facture-annulee" "F-2025-0001" "note détruite, erreur de client"
"""
    entries, errors, index, book, cashbook = build(text)
    with pytest.raises(DocumentError, match=r'<string>:\d+: number F-2025-0001 is declared voided '
                                            r'\("note détruite, erreur de client"\)'):
        find_invoice(book, "F-2025-0001")


def test_devis_document():
    doc = document("D-2025-0001")
    assert (doc.title, doc.client.name, doc.valid_until) == ("Devis", "Mme Sophie Bernard", datetime.date(2025, 4, 30))
    [line] = doc.lines
    assert (line.designation, line.amount, line.convention, line.vat) == (
        "Bilan postural complet, 1 h 30", Decimal("90.00"), "non-conventionne", "franchise")
    html = render_html(doc)
    assert "Bon pour accord" in html and "Signature du praticien" in html
    assert "<th>Valable jusqu&#39;au\u202f:</th><td>30 avril 2025</td>" in html
