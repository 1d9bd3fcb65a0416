"""PDF notes (text extracted with pypdf), Factur-X (XSD-checked XML, totals of the ledger) and the CLI."""

from __future__ import annotations

import datetime
import io
import os
from decimal import Decimal
from functools import partial

import facturx
import pypdf
import pytest
from lxml import etree

from beancount_hn.invoicing.facturx_cii import build_cii, check_cii
from beancount_hn.invoicing.notes import DocumentError
from beancount_hn.invoicing.notes_files import render
from beancount_hn.invoicing.notes_pdf import render_pdf
from tests import notes_helpers
from tests.ledgers import ledger_text, run_hn, write_ledger
from tests.notes_helpers import ACCOUNTS, IDENTITY, LEDGER, build, document, plain

NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"}


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return plain(" ".join(page.extract_text() for page in reader.pages))


def cii_of(pdf: bytes) -> etree._Element:
    name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert name == "factur-x.xml"
    return etree.fromstring(xml)


def value(root: etree._Element, path: str) -> str:
    [node] = root.xpath(path, namespaces=NS)
    return node.text if isinstance(node, etree._Element) else str(node)


MANDATORY = [
    "Camille Martin EI", "Masseur-kinésithérapeute, conventionné", "12 rue des Lilas", "69003 Lyon",
    "SIRET 732 829 320 00074", "RPPS 10101234567",
]


def test_hn_note_pdf_carries_every_mandatory_mention():
    doc = document("F-2025-0001")
    text = pdf_text(render_pdf(doc))
    for expected in MANDATORY + [
        "Note d'honoraires n° F-2025-0001", "Date d'émission : 4 mars 2025", "Mme Sophie Bernard",
        "Lieu des soins : Cabinet, 12 rue des Lilas, 69003 Lyon",
        "Bilan postural complet", "Durée : 1 h 30", "90,00 €",
        "Total TTC 90,00 €", "Déjà réglé 0,00 €", "Reste dû 90,00 €", "Devis : n° D-2025-0001 du 1er mars 2025",
        "TVA non applicable, art. 293 B du CGI", "Acte non remboursable par l'Assurance Maladie",
    ]:
        assert expected in text, expected
    assert "Exonération" not in text and "Avoir" not in text  # the credit note came after the issue


def test_hn_note_pdf_on_an_explicit_date():
    text = pdf_text(render_pdf(document("F-2025-0001", as_of=datetime.date(2025, 3, 31))))
    for expected in ["Règlements au : 31 mars 2025", "Avoir n° AV-2025-001 du 10 mars 2025 -20,00 €",
                     "Net à payer 70,00 €", "Déjà réglé 50,00 €", "Reste dû 20,00 €",
                     "Règlement reçu le 20 mars 2025 par chèque : 50,00 €"]:
        assert expected in text, expected


def test_exempt_note_pdf_states_the_exemption_and_the_date_of_care():
    text = pdf_text(render_pdf(document("F-2025-0003")))
    for expected in MANDATORY + ["Date d'émission : 6 mai 2025", "Date des soins : 5 mai 2025",
                                 "Exonération de TVA, art. 261-4-1° du CGI", "Durée : 45 min", "Reste dû 0,00 €",
                                 "Règlement reçu le 5 mai 2025 en espèces : 60,00 €"]:
        assert expected in text, expected
    assert "293 B" not in text


def test_credit_note_pdf_is_titled_avoir_and_names_its_invoice():
    text = pdf_text(render_pdf(document("AV-2025-001")))
    assert "Avoir n° AV-2025-001" in text
    assert "Avoir sur : la note d'honoraires n° F-2025-0001 du 4 mars 2025" in text
    assert "Total de l'avoir TTC 20,00 €" in text


def test_devis_pdf_has_validity_and_signature_block():
    text = pdf_text(render_pdf(document("D-2025-0001")))
    for expected in MANDATORY + ["Devis n° D-2025-0001", "Valable jusqu'au : 30 avril 2025",
                                 "Bilan postural complet, 1 h 30", "Total TTC 90,00 €",
                                 "Bon pour accord", "Signature du praticien",
                                 "TVA non applicable, art. 293 B du CGI"]:
        assert expected in text, expected


def test_company_invoice_is_a_valid_factur_x_with_the_ledger_totals():
    entries, errors, index, book, cashbook = build()
    doc = document("F-2025-0002")
    pdf = render(doc, "pdf")
    assert "Note d'honoraires n° F-2025-0002" in pdf_text(pdf)
    root = cii_of(pdf)  # get_xml_from_pdf(check_xsd=True) raises on an invalid XML
    assert facturx.get_level(root) == "en16931"
    ledger_amount = book.by_number["F-2025-0002"].amount
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    for tag in ("LineTotalAmount", "TaxBasisTotalAmount", "GrandTotalAmount", "DuePayableAmount"):
        assert Decimal(value(root, summation + f"ram:{tag}")) == ledger_amount, tag
    assert Decimal(value(root, summation + "ram:TaxTotalAmount")) == 0
    assert value(root, "//rsm:ExchangedDocument/ram:ID") == "F-2025-0002"
    assert value(root, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert value(root, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == "732829320"
    assert value(root, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == "552100554"
    assert value(root, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/@schemeID") == "0002"
    assert value(root, "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CityName") == "Lyon"
    header_tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
    assert value(root, header_tax + "ram:CategoryCode") == "E"
    assert value(root, header_tax + "ram:ExemptionReasonCode") == "VATEX-FR-FRANCHISE"
    assert value(root, header_tax + "ram:ExemptionReason") == "TVA non applicable, art. 293 B du CGI"


COMPANY_EXEMPT = IDENTITY + ACCOUNTS + """\
2025-09-01 * "Club Athlé Lyon" "Bilans de prévention des blessures, 3 athlètes"
  facture: "F-2025-0001"
  client-siren: "552100554"
  client-adresse: "Stade, 8 rue du Stade, 69008 Lyon"
  acte: "HN"
  tva: "exoneree"
  quantite: 3
  Assets:Creances:Clients    60.00 EUR
  Income:Honoraires:HN      -60.00 EUR

2025-09-15 * "Club Athlé Lyon" "Avoir sur F-2025-0001 (un athlète absent)" ^F-2025-0001
  facture: "AV-2025-001"
  avoir-de: "F-2025-0001"
  client-siren: "552100554"
  client-adresse: "Stade, 8 rue du Stade, 69008 Lyon"
  acte: "HN"
  tva: "exoneree"
  Assets:Creances:Clients   -20.00 EUR
  Income:Honoraires:HN       20.00 EUR
"""


def test_exempt_company_invoice_and_its_credit_note_in_factur_x():
    invoice = cii_of(render(document("F-2025-0001", COMPANY_EXEMPT), "pdf"))
    assert value(invoice, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
                          "ram:ExemptionReasonCode") == "VATEX-FR-CGI261-4"
    assert value(invoice, "//ram:BilledQuantity") == "3"
    assert value(invoice, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == "20.00"
    credit = cii_of(render(document("AV-2025-001", COMPANY_EXEMPT), "pdf"))
    assert value(credit, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert value(credit, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == "F-2025-0001"
    assert Decimal(value(credit, "//ram:GrandTotalAmount")) == Decimal("20.00")


def test_patient_notes_have_no_factur_x():
    doc = document("F-2025-0001")
    with pytest.raises(DocumentError, match="n'est pas une facture à une entreprise"):
        build_cii(doc)
    reader = pypdf.PdfReader(io.BytesIO(render(doc, "pdf")))
    assert not reader.attachments


def test_an_invalid_xml_is_reported():
    with pytest.raises(DocumentError, match="n'est pas valide"):
        check_cii(b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
                  b'CrossIndustryInvoice:100"/>')


# --- command line ---------------------------------------------------------------------


@pytest.fixture
def ledger_file(tmp_path):
    return notes_helpers.ledger_file(tmp_path)


run = partial(run_hn, catch_exceptions=False)


def test_cli_note_pdf_and_html(ledger_file, tmp_path):
    out = tmp_path / "out"
    result = run("note", "F-2025-0002", str(ledger_file), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Note d'honoraires F-2025-0002 (Factur-X)" in result.output
    cii_of((out / "F-2025-0002.pdf").read_bytes())
    result = run("note", "F-2025-0001", str(ledger_file), "--out", str(out), "--format", "html")
    assert result.exit_code == 0, result.output
    assert "Reste dû" in (out / "F-2025-0001.html").read_text(encoding="utf-8")
    # no temporary file left; the register that proves hn wrote them (core.outfolder.REGISTER)
    assert sorted(os.listdir(out)) == [".hn-documents", "F-2025-0001.html", "F-2025-0002.pdf"]


def test_cli_devis(ledger_file, tmp_path):
    result = run("devis", "D-2025-0001", str(ledger_file), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Bon pour accord" in pdf_text((tmp_path / "D-2025-0001.pdf").read_bytes())
    result = run("devis", "D-2025-0009", str(ledger_file), "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "aucun devis (custom \"hn-devis\") ne porte le numéro « D-2025-0009 »" in result.output


def test_cli_unknown_number_is_a_clear_error(ledger_file, tmp_path):
    result = run("note", "F-2025-0042", str(ledger_file), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "Erreur :" in result.output and "aucune facture ne porte le numéro « F-2025-0042 »" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_cli_refuses_a_note_whose_devis_postdates_it(tmp_path):
    text = LEDGER.replace('2025-03-01 custom "hn-devis" "D-2025-0001"', '2025-03-05 custom "hn-devis" "D-2025-0001"')
    path = write_ledger(tmp_path, ledger_text(text, header=False))
    result = run("note", "F-2025-0001", path, "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "erreur(s) ; aucun document n'est écrit" in result.output
    assert "désigne le devis D-2025-0001 daté du 05/03/2025" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_notes_of_a_year_with_index(ledger_file, tmp_path):
    out = tmp_path / "archive" / "2025"
    result = run("notes", str(ledger_file), "--year", "2025", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "4 document(s), dont 1 Factur-X et index.html écrits" in result.output
    assert sorted(os.listdir(out)) == [".hn-dossier", "AV-2025-001.pdf", "F-2025-0001.pdf", "F-2025-0002.pdf",
                                       "F-2025-0003.pdf", "index.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr><td>") == 4 and 'href="F-2025-0002.pdf"' in index
    assert sorted(os.listdir(out.parent)) == ["2025"]  # the staging directory is gone


def test_cli_notes_writes_nothing_when_one_document_fails(ledger_file, tmp_path):
    out = tmp_path / "2025"
    assert run("notes", str(ledger_file), "--year", "2025", "--out", str(out), "--format", "html").exit_code == 0
    previous = {name: (out / name).read_bytes() for name in os.listdir(out)}
    text = ledger_file.read_text(encoding="utf-8").replace('  client-siren: "552100554"\n', '  client-type: "entreprise"\n')
    ledger_file.write_text(text, encoding="utf-8")
    result = run("notes", str(ledger_file), "--year", "2025", "--out", str(out), "--force")
    assert result.exit_code == 1
    assert "sans son SIREN" in result.output and "rien n'est écrit" in result.output
    assert {name: (out / name).read_bytes() for name in os.listdir(out)} == previous  # untouched
    assert sorted(os.listdir(tmp_path)) == ["2025", "main.beancount"]


def test_cli_missing_identity_names_the_options(tmp_path):
    text = LEDGER.replace('2024-01-01 custom "hn-option" "identity" "siret" "73282932000074"\n', "")
    path = str(notes_helpers.ledger_file(tmp_path, text))
    result = run("note", "F-2025-0001", path, "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert 'custom "hn-option" "identity" "siret"' in result.output


def test_example_company_invoice_is_a_valid_factur_x(example_path, tmp_path):
    """The example practice's ergonomics intervention invoiced to a company."""
    from beancount_hn.core.loading import load_ledger

    loaded = load_ledger(example_path)
    from beancount_hn.invoicing.invoices import build_invoice_book

    book = build_invoice_book(loaded.entries, loaded.index)
    company = [inv for inv in book.invoices if inv.client_siren and "ergonomie" in (inv.txn.narration or "").lower()]
    assert company, "the example ledger has an ergonomics invoice to a company"
    invoice = company[0]
    result = run("note", invoice.number, example_path, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    root = cii_of((tmp_path / f"{invoice.number}.pdf").read_bytes())
    assert Decimal(value(root, "//ram:GrandTotalAmount")) == invoice.amount
    assert value(root, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == invoice.client_siren


def test_example_hn_note_is_a_pdf_a_patient_can_be_handed(example_path, tmp_path):
    from beancount_hn.invoicing.invoices import build_invoice_book
    from beancount_hn.core.loading import load_ledger

    loaded = load_ledger(example_path)
    book = build_invoice_book(loaded.entries, loaded.index)
    patient = next(inv for inv in book.invoices if not inv.client_siren and not inv.is_credit_note
                   and any(r.convention == "non-conventionne" for r in inv.receipts))
    result = run("note", patient.number, example_path, "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    text = pdf_text((tmp_path / f"{patient.number}.pdf").read_bytes())
    for expected in ("Camille Martin EI", "SIRET", "RPPS", f"Note d'honoraires n° {patient.number}",
                     patient.payee, "Acte non remboursable par l'Assurance Maladie", "Reste dû"):
        assert expected in text, expected


def test_cli_notes_replaces_a_previous_archive_whole(ledger_file, tmp_path):
    out = tmp_path / "2025"
    assert run("notes", str(ledger_file), "--year", "2025", "--out", str(out)).exit_code == 0
    result = run("notes", str(ledger_file), "--year", "2025", "--out", str(out), "--format", "html", "--force")
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(out)) == [".hn-dossier", "AV-2025-001.html", "F-2025-0001.html", "F-2025-0002.html",
                                       "F-2025-0003.html", "index.html"]
    assert sorted(os.listdir(tmp_path)) == ["2025", "main.beancount"]


def test_logo_is_printed_from_a_path_relative_to_the_ledger(tmp_path):
    from PIL import Image

    from beancount_hn.invoicing.notes_html import render_html

    Image.new("RGB", (60, 30), (20, 90, 160)).save(tmp_path / "logo.png")
    path = write_ledger(tmp_path, ledger_text('2024-01-01 custom "hn-option" "identity" "logo" "logo.png"\n' + LEDGER,
                                              header=False))
    from beancount_hn.core.loading import load_ledger
    from beancount_hn.invoicing.invoices import build_invoice_book
    from beancount_hn.invoicing.notes import find_invoice, invoice_document

    loaded = load_ledger(str(path))
    book = build_invoice_book(loaded.entries, loaded.index)
    doc = invoice_document(book, find_invoice(book, "F-2025-0001"))
    assert doc.seller.logo_path == str(tmp_path / "logo.png")
    assert '<img class="logo" src="data:image/png;base64,' in render_html(doc)
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(doc)))
    assert reader.pages[0].images  # the logo is drawn
    (tmp_path / "logo.png").unlink()
    with pytest.raises(DocumentError, match="le fichier du logo .*logo.png n'existe pas"):
        invoice_document(book, find_invoice(book, "F-2025-0001"))


# --- a document issued once -----------------------------------------------------------


class _Meta(type):
    def __instancecheck__(cls, obj):  # fpdf2 checks isinstance(creation_date, datetime)
        return isinstance(obj, datetime.datetime)


class _Later(datetime.datetime, metaclass=_Meta):
    """A clock two years on: what the libraries read when a document is rendered again later."""

    @classmethod
    def now(cls, tz=None):
        return datetime.datetime(2027, 11, 5, 9, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize("number", ["F-2025-0001", "F-2025-0002", "D-2025-0003"])
def test_rendering_again_later_gives_the_same_file(number, monkeypatch):
    import facturx.facturx as facturx_library
    import fpdf.output

    doc = document(number)
    first = render(doc, "pdf")
    monkeypatch.setattr(fpdf.output, "datetime", _Later)
    monkeypatch.setattr(facturx_library, "datetime", _Later)
    assert render(doc, "pdf") == first
    assert b"2027" not in first


def _figures(pdf: bytes) -> tuple[str, str]:
    """(« Déjà réglé », « Reste dû ») as the PDF prints them, as XML decimals."""
    text = pdf_text(pdf)
    found = []
    for label in ("Déjà réglé", "Reste dû"):
        amount = text.split(f"{label} ", 1)[1].split(" €", 1)[0]
        found.append(amount.replace(" ", "").replace(",", "."))
    return found[0], found[1]


IBAN_LEDGER = LEDGER.replace('2024-01-01 custom "hn-option" "identity" "siret"',
                             '2024-01-01 custom "hn-option" "identity" "iban" "FR76 3000 6000 0112 3456 7890 189"\n'
                             '2024-01-01 custom "hn-option" "identity" "siret"')


@pytest.mark.parametrize("as_of, paid, due, means", [
    (None, "0.00", "450.00", "58"),  # on its date of issue: the IBAN to pay it
    (datetime.date(2025, 4, 30), "450.00", "0.00", "30"),  # after the transfer: the means it came by
])
def test_factur_x_xml_and_pdf_say_the_same(as_of, paid, due, means):
    pdf = render(document("F-2025-0002", IBAN_LEDGER, as_of), "pdf")
    root = cii_of(pdf)
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    assert (value(root, summation + "ram:TotalPrepaidAmount"), value(root, summation + "ram:DuePayableAmount")) \
        == (paid, due) == _figures(pdf)
    assert value(root, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == means
    assert bool(root.xpath("//ram:IBANID", namespaces=NS)) is (means == "58")
    assert ("IBAN" in pdf_text(pdf)) is (means == "58")


def test_factur_x_refuses_to_net_a_credit_note():
    with pytest.raises(DocumentError, match="la facture Factur-X F-2025-0001 ne peut pas imputer l'avoir AV-2025-001"):
        document("F-2025-0001", COMPANY_EXEMPT, datetime.date(2025, 9, 30))
    assert document("F-2025-0001", COMPANY_EXEMPT).credit_notes == []  # as issued, 1 September


def test_cli_note_au(ledger_file, tmp_path):
    out = tmp_path / "out"
    result = run("note", "F-2025-0001", str(ledger_file), "--out", str(out), "--au", "2025-03-31")
    assert result.exit_code == 0, result.output
    text = pdf_text((out / "F-2025-0001.pdf").read_bytes())
    assert "Règlements au : 31 mars 2025" in text and "Reste dû 20,00 €" in text
    result = run("note", "F-2025-0001", str(ledger_file), "--out", str(tmp_path / "early"), "--au", "2025-03-01")
    assert result.exit_code == 1 and "avant son émission" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "early").exists()
    result = run("note", "F-2025-0001", str(ledger_file), "--out", str(out), "--au", "31/03/2025")
    assert result.exit_code == 2 and "--au" in result.output
