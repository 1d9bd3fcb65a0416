"""Notes d'honoraires, avoirs and devis: the document model and its HTML (golden files)."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

import pytest

from beancount_hn.invoicing.notes import (MENTION_DE, MENTION_EXONEREE, MENTION_FRANCHISE, MENTION_HN, DocumentError,
                                          Payment, find_invoice, invoice_document)
from beancount_hn.invoicing.notes_html import render_html
from tests.ledgers import line_of
from tests.notes_helpers import ACCOUNTS, IDENTITY, LEDGER, build, document

GOLDEN = os.path.join(os.path.dirname(__file__), "data", "notes")


@pytest.mark.parametrize("number", ["F-2025-0001", "AV-2025-001", "F-2025-0002", "F-2025-0003", "D-2025-0001",
                                    "D-2025-0003"])
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


def test_hn_note_with_devis_as_issued():
    """On its date of issue the note knows neither the later credit note nor the later cheque."""
    doc = document("F-2025-0001")
    assert (doc.title, doc.number, doc.issue_date) == ("Note d'honoraires", "F-2025-0001", datetime.date(2025, 3, 4))
    assert doc.seller.display_name == "Camille Martin EI"
    assert doc.client.name == "Mme Sophie Bernard" and not doc.is_company and not doc.facturx
    [line] = doc.lines
    assert (line.designation, line.duration, line.amount, line.vat) == (
        "Bilan postural complet", "1\u00a0h\u00a030", Decimal("90.00"), "franchise")
    assert line.notices == [MENTION_HN]
    assert (doc.total_ht, doc.total_vat, doc.total_ttc) == (Decimal("90.00"), 0, Decimal("90.00"))
    assert doc.as_of == doc.issue_date and doc.credit_notes == [] and doc.payments == []
    assert (doc.net_due, doc.paid, doc.remaining) == (Decimal("90.00"), Decimal("0"), Decimal("90.00"))
    assert (doc.quote.number, doc.quote.date) == ("D-2025-0001", datetime.date(2025, 3, 1))
    assert doc.mentions == [MENTION_FRANCHISE, MENTION_HN]
    assert not doc.shows_service_dates


def test_hn_note_on_an_explicit_date_nets_the_credit_note_and_the_cheque():
    doc = document("F-2025-0001", as_of=datetime.date(2025, 3, 31))
    assert [(r.number, r.amount) for r in doc.credit_notes] == [("AV-2025-001", Decimal("20.00"))]
    assert doc.payments == [Payment(datetime.date(2025, 3, 20), Decimal("50.00"), "cheque")]
    assert (doc.net_due, doc.paid, doc.remaining) == (Decimal("70.00"), Decimal("50.00"), Decimal("20.00"))
    html = render_html(doc)
    assert "<th>Règlements au\u202f:</th><td>31 mars 2025</td>" in html
    assert "Règlement reçu le 20 mars 2025 par chèque\u202f: 50,00\u00a0€" in html
    between = document("F-2025-0001", as_of=datetime.date(2025, 3, 15))  # the avoir, not yet the cheque
    assert (between.net_due, between.paid, between.remaining) == (Decimal("70.00"), 0, Decimal("70.00"))


def test_a_situation_before_the_issue_is_refused():
    with pytest.raises(DocumentError, match="émise le 4 mars 2025 : sa situation ne peut pas être donnée au "
                                            "3 mars 2025, avant son émission"):
        document("F-2025-0001", as_of=datetime.date(2025, 3, 3))


IBAN = '2024-01-01 custom "hn-option" "identity" "iban" "FR76 3000 6000 0112 3456 7890 189"\n'


def test_iban_only_while_something_is_due_and_never_on_a_cheque_paid_note():
    text = IDENTITY + IBAN + ACCOUNTS + """\
2025-06-02 * "M. Jean Petit" "Massage sportif"
  facture: "F-2025-0001"
  acte: "HN"
  Assets:Creances:Patients   45.00 EUR
  Income:Honoraires:HN      -45.00 EUR

2025-06-02 * "M. Jean Petit" "REMISE CHQ 1234567"
  Assets:Banque              45.00 EUR
  Assets:Creances:Patients  -45.00 EUR
"""
    paid = render_html(document("F-2025-0001", text))
    assert "Règlement reçu le 2 juin 2025 par chèque\u202f: 45,00\u00a0€" in paid
    assert "IBAN" not in paid and "par virement" not in paid
    unpaid = render_html(document("F-2025-0001", text.replace("2025-06-02 * \"M. Jean Petit\" \"REMISE",
                                                              "2025-06-09 * \"M. Jean Petit\" \"REMISE")))
    assert "Règlement par virement\u202f: IBAN FR76\u00a03000" in unpaid and "Règlement reçu" not in unpaid


def test_a_payment_whose_mode_the_ledger_does_not_state_prints_no_mode():
    """The FEC assumes a transfer for a bank account; a note says only what the ledger says."""
    doc = document("F-2025-0001", LEDGER.replace('  mode-reglement: "cheque"\n', ""), datetime.date(2025, 3, 31))
    assert doc.payments == [Payment(datetime.date(2025, 3, 20), Decimal("50.00"), None)]
    assert "Règlement reçu le 20 mars 2025\u202f: 50,00\u00a0€" in render_html(doc)


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
    assert (doc.paid, doc.remaining) == (Decimal("0"), Decimal("450.00"))  # paid on 20 April, after its issue
    later = document("F-2025-0002", as_of=datetime.date(2025, 4, 30))
    assert later.payments == [Payment(datetime.date(2025, 4, 20), Decimal("450.00"), "virement")]
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
    assert "TVA 20\u00a0% sur 60,00\u00a0€" in html


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
    entries, errors, index, book, cashbook = build(text)  # bean-check fails too (tests/test_vat_collectee.py)
    assert [type(e).__name__ for e in errors] == ["VatPostingError"]
    with pytest.raises(DocumentError, match=r"<string>:\d+ : la facture F-2025-0001 comptabilise 12.00 de TVA "
                                            r"mais ses lignes à leurs taux \(taux-tva:\) en donnent 6.00"):
        invoice_document(book, find_invoice(book, "F-2025-0001"), cashbook)


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
    assert "la facture F-2025-0001 est adressée à une entreprise (Ergo Industries SAS) sans son SIREN" in message
    assert 'ajoutez client-siren: "123456789"' in message


def test_company_siren_failing_luhn_and_missing_address_are_errors():
    base = IDENTITY + ACCOUNTS + """\
2025-04-02 * "Ergo Industries SAS" "Intervention ergonomie"
  facture: "F-2025-0001"
  acte: "HN"
  {meta}
  Assets:Creances:Clients    60.00 EUR
  Income:Honoraires:HN      -60.00 EUR
"""
    with pytest.raises(DocumentError, match=r'client-siren: SIREN "552100555" : la clé de contrôle \(Luhn\) est fausse'):
        document("F-2025-0001", base.replace("{meta}", 'client-siren: "552100555"\n  client-adresse: "Lyon"'))
    with pytest.raises(DocumentError, match="sans son adresse ; ajoutez client-adresse:"):
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
    with pytest.raises(DocumentError, match=r'(?s)Note d\'honoraires F-2025-0001 demande l\'identité du '
                                            r'praticien.*"identity" "siret"'):
        document("F-2025-0001", text)


def test_unknown_number_suggests_close_ones():
    entries, errors, index, book, cashbook = build()
    with pytest.raises(DocumentError, match=r"aucune facture ne porte le numéro « F-2025-0010 » dans le livre ; "
                                            r"vouliez-vous dire .*F-2025-0001"):
        find_invoice(book, "F-2025-0010")
    assert find_invoice(book, "f-2025-1").number == "F-2025-0001"  # any spelling the series accepts


def test_voided_number_has_no_document():
    text = IDENTITY + ACCOUNTS + """2025-03-12 custom "hn-facture-annulee" "F-2025-0001" "note détruite, erreur de client"
"""
    entries, errors, index, book, cashbook = build(text)
    with pytest.raises(DocumentError, match=r'<string>:\d+ : le numéro F-2025-0001 est déclaré annulé '
                                            r'\(« note détruite, erreur de client »\)'):
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


# --- a devis for a dépassement (CSP L.1111-3) ---------------------------------------------

def _de_quote(amount="29.68", acte="RAB 8", meta='  depassement: 12.00 EUR\n  motif-depassement: "séance à 20 h 30"\n'):
    return (IDENTITY + ACCOUNTS + f'2025-06-02 custom "hn-devis" "D-2025-0009" "M. Jean Petit" {amount} EUR\n'
            f'  acte: "{acte}"\n{meta}')


def test_devis_of_a_depassement_states_the_tariff_and_the_depassement():
    doc = document("D-2025-0003")
    tariff_line, de_line = doc.lines
    assert (tariff_line.code, tariff_line.convention, tariff_line.amount) == ("RAB 8", "conventionne", Decimal("17.68"))
    assert tariff_line.designation == "Rééducation périnéale, séance du soir (tarif conventionnel)"
    assert (de_line.code, de_line.convention, de_line.amount) == ("DE", "depassement", Decimal("12.00"))
    assert de_line.designation == "Dépassement d'honoraires : séances à 20 h 30, à la demande du patient"
    assert doc.total_ttc == Decimal("29.68")


def test_devis_tariff_in_the_dom_and_with_a_travel_indemnity():
    """RAB 8 at the DOM value (8 × 2,43 €), and RAB 8 + IFD (17,68 + 2,50 €), are tariffs too."""
    assert document("D-2025-0009", _de_quote("31.44")).lines[0].amount == Decimal("19.44")
    assert document("D-2025-0009", _de_quote("32.18", "RAB 8 + IFD")).lines[0].amount == Decimal("20.18")


@pytest.mark.parametrize("text, message", [
    (_de_quote("30.00"), "30,00\u00a0€ moins le dépassement 12,00\u00a0€ donnent 18,00\u00a0€ pour « RAB 8 », dont "
                         "le tarif le 2 juin 2025 est 17,68\u00a0€ ou 19,44\u00a0€"),
    (_de_quote("29.68", "DE", ""), r"le devis D-2025-0009 porte sur un dépassement : il indique le tarif de l'acte "
                                   r"et la nature et le montant du dépassement \(art. L.1111-3 du CSP\)"),
    (_de_quote("29.68", "HN"), r"son acte: nomme l'acte NGAP conventionné dont il dépasse le tarif"),
])
def test_devis_of_a_depassement_errors(text, message):
    with pytest.raises(DocumentError, match=message):
        document("D-2025-0009", text)


@pytest.mark.parametrize("meta, message", [
    ('  depassement: 12.00 USD\n  motif-depassement: "x"\n', "depassement: est un montant dans la devise du devis"),
    ('  depassement: 29.68 EUR\n  motif-depassement: "x"\n', "doit être positif et inférieur au montant du devis"),
    ("  depassement: 12.00 EUR\n", "un dépassement dit sa nature"),
    ('  motif-depassement: "séance à 20 h 30"\n', "motif-depassement: sans depassement:"),
])
def test_malformed_depassement_on_a_quote_is_an_error_at_its_line(meta, message):
    text = _de_quote(meta=meta)
    entries, errors, index, book, cashbook = build(text)
    [error] = errors
    assert message in error.message
    assert error.source["lineno"] == line_of(text, '"hn-devis" "D-2025-0009"')
