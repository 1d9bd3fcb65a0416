"""Factur-X for company invoices: the Cross-Industry-Invoice XML (profile EN 16931), embedded in the PDF.

The XML is built with lxml from the same :class:`~beancount_hn.invoicing.notes.Document`
as the PDF, so its totals are the ledger's. Seller and buyer are identified by
their SIREN (scheme ``0002``); the VAT exemption relied on is stated per
breakdown with its code and text — ``VATEX-FR-FRANCHISE`` for art. 293 B,
``VATEX-FR-CGI261-4`` for the care exempt under art. 261-4-1°. A credit note
is type 381 and names the invoice it credits. The amount paid and the amount
due are the document's (the situation on its date of issue, or on the date it
prints), so the XML and the PDF say the same; the payment means is the IBAN
while something is due, else the mode the money came by. ``facturx`` (the
Akretion library) checks the XML against the official XSD and attaches it to
the PDF with the Factur-X XMP metadata, stamped with the document's date so a
document rendered again is the same file.
"""

from __future__ import annotations

import contextlib
import datetime
import threading
from collections.abc import Iterator
from decimal import Decimal

from lxml import etree

from beancount_hn.invoicing.notes import AVOIR, COLLECTEE, MENTIONS_B2B, NOTE, Document, DocumentError

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
PROFILE = "urn:cen.eu:en16931:2017"
LEVEL = "en16931"
TYPE_INVOICE, TYPE_CREDIT_NOTE = "380", "381"
SIREN_SCHEME = "0002"  # ISO 6523 ICD of the French SIREN
#: UNTDID 4461 payment means of each mode of payment (core.payment_modes.MODES).
MEANS_CODES = {"especes": "10", "cheque": "20", "virement": "30", "carte": "48", "prelevement": "49"}
SEPA_CREDIT_TRANSFER = "58"
_CLOCK = threading.Lock()  # one document stamped at a time (see _stamped)


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", attrib)
    if text is not None:
        node.text = text
    return node


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _rate(value: Decimal) -> str:
    return f"{value.normalize():f}" if value else "0"


def _date(parent: etree._Element, tag: str, value: datetime.date, kind: str = "udt") -> None:
    _el(_el(parent, tag), f"{kind}:DateTimeString", value.strftime("%Y%m%d"), format="102")


def _address(party: etree._Element, postcode: str | None, lines: list[str], city: str | None,
             country: str) -> None:
    address = _el(party, "ram:PostalTradeAddress")
    if postcode:
        _el(address, "ram:PostcodeCode", postcode)
    for tag, line in zip(("ram:LineOne", "ram:LineTwo", "ram:LineThree"), lines, strict=False):
        _el(address, tag, line)
    if city:
        _el(address, "ram:CityName", city)
    _el(address, "ram:CountryID", country)


def build_cii(doc: Document) -> bytes:
    """The Factur-X EN 16931 XML of a company invoice or credit note (UTF-8 bytes)."""
    if not doc.facturx:
        raise DocumentError(f"{doc.source} : {doc.number} n'est pas une facture à une entreprise (pas de "
                            "client-siren:) ; seules les factures aux entreprises ont un XML Factur-X")
    seller, client = doc.seller, doc.client
    root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", PROFILE)

    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", doc.number)
    _el(header, "ram:TypeCode", TYPE_CREDIT_NOTE if doc.kind == AVOIR else TYPE_INVOICE)
    _date(header, "ram:IssueDateTime", doc.issue_date)
    notes = [(None, doc.narration)] if doc.narration else []
    notes += [("REG", group.exemption_text) for group in doc.vat_groups if group.exemption_text]
    if doc.kind == NOTE:
        notes += list(MENTIONS_B2B)
    for code, content in notes:
        note = _el(header, "ram:IncludedNote")
        _el(note, "ram:Content", content)
        if code:
            _el(note, "ram:SubjectCode", code)

    trade = _el(root, "rsm:SupplyChainTradeTransaction")
    for position, line in enumerate(doc.lines, start=1):
        item = _el(trade, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(position))
        product = _el(item, "ram:SpecifiedTradeProduct")
        _el(product, "ram:Name", line.designation)
        details = [x for x in (line.code and f"Acte : {line.code}", line.duration and f"Durée : {line.duration}") if x]
        if details:
            _el(product, "ram:Description", " · ".join(details))
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        _el(_el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", _amount(line.unit_price))
        delivery = _el(item, "ram:SpecifiedLineTradeDelivery")
        _el(delivery, "ram:BilledQuantity", f"{line.quantity.normalize():f}", unitCode="C62")
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", "S" if line.vat == COLLECTEE else "E")
        _el(tax, "ram:RateApplicablePercent", _rate(line.vat_rate))
        _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount",
            _amount(line.amount))

    agreement = _el(trade, "ram:ApplicableHeaderTradeAgreement")
    seller_party = _el(agreement, "ram:SellerTradeParty")
    _el(seller_party, "ram:Name", seller.display_name)
    _el(_el(seller_party, "ram:SpecifiedLegalOrganization"), "ram:ID", seller.siren, schemeID=SIREN_SCHEME)
    _address(seller_party, seller.get("code-postal"), [seller.get("adresse") or ""], seller.get("ville"), "FR")
    if seller.get("email"):
        _el(_el(seller_party, "ram:URIUniversalCommunication"), "ram:URIID", seller.get("email"), schemeID="EM")
    # Without a VAT number (franchise, exempt care) the seller's fiscal identifier is its SIREN.
    _el(_el(seller_party, "ram:SpecifiedTaxRegistration"), "ram:ID", seller.siren, schemeID="FC")
    buyer = _el(agreement, "ram:BuyerTradeParty")
    _el(buyer, "ram:Name", client.name)
    _el(_el(buyer, "ram:SpecifiedLegalOrganization"), "ram:ID", client.siren, schemeID=SIREN_SCHEME)
    postcode, city = client.postcode_city
    _address(buyer, postcode, client.street_lines, city, client.country)
    if client.vat_number:
        _el(_el(buyer, "ram:SpecifiedTaxRegistration"), "ram:ID", client.vat_number, schemeID="VA")

    delivery = _el(trade, "ram:ApplicableHeaderTradeDelivery")
    _date(_el(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime", doc.service_dates[-1])

    settlement = _el(trade, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", doc.currency)
    prepaid = (doc.paid or Decimal(0)) if doc.kind == NOTE else Decimal(0)
    due = doc.total_ttc - prepaid
    if doc.kind == NOTE:
        _payment_means(settlement, doc, due)
    for group in doc.vat_groups:
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", _amount(group.tax))
        _el(tax, "ram:TypeCode", "VAT")
        if group.exemption_text:
            _el(tax, "ram:ExemptionReason", group.exemption_text)
        _el(tax, "ram:BasisAmount", _amount(group.base))
        _el(tax, "ram:CategoryCode", group.category)
        if group.exemption_code:
            _el(tax, "ram:ExemptionReasonCode", group.exemption_code)
        _el(tax, "ram:RateApplicablePercent", _rate(group.rate))
    if doc.kind == NOTE:
        terms = _el(settlement, "ram:SpecifiedTradePaymentTerms")
        _el(terms, "ram:Description", "Paiement à réception" if doc.due_date in (None, doc.issue_date)
            else f"Paiement au plus tard le {doc.due_date:%d/%m/%Y}")
        if doc.due_date:
            _date(terms, "ram:DueDateDateTime", doc.due_date)
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", _amount(doc.total_ht))
    _el(totals, "ram:TaxBasisTotalAmount", _amount(doc.total_ht))
    _el(totals, "ram:TaxTotalAmount", _amount(doc.total_vat), currencyID=doc.currency)
    _el(totals, "ram:GrandTotalAmount", _amount(doc.total_ttc))
    _el(totals, "ram:TotalPrepaidAmount", _amount(prepaid))
    _el(totals, "ram:DuePayableAmount", _amount(due))
    if doc.kind == AVOIR and doc.credits:
        reference = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(reference, "ram:IssuerAssignedID", doc.credits.number)
        _date(reference, "ram:FormattedIssueDateTime", doc.credits.date, kind="qdt")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _payment_means(settlement: etree._Element, doc: Document, due: Decimal) -> None:
    """The IBAN while something is due; once paid, the mode the money came by (one mode only)."""
    if due > 0:
        if doc.seller.iban:
            means = _el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
            _el(means, "ram:TypeCode", SEPA_CREDIT_TRANSFER)
            _el(_el(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", doc.seller.iban)
        return
    codes = {MEANS_CODES.get(payment.mode or "") for payment in doc.payments or ()}
    if len(codes) == 1 and None not in codes:
        _el(_el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans"), "ram:TypeCode", codes.pop())


def check_cii(xml: bytes) -> None:
    """Validate against the official Factur-X XSD; :class:`DocumentError` says why it fails."""
    import facturx

    try:
        facturx.xml_check_xsd(xml, flavor="factur-x", level=LEVEL)
    except Exception as exc:  # facturx raises a bare Exception with the XSD message
        raise DocumentError(f"le XML Factur-X n'est pas valide : {exc}") from exc


def embed_facturx(pdf: bytes, doc: Document) -> bytes:
    """The PDF with the document's Factur-X XML attached (``factur-x.xml``), checked against the XSD."""
    import facturx

    xml = build_cii(doc)
    check_cii(xml)
    metadata = {
        "author": doc.seller.display_name,
        "keywords": "Factur-X, facture, note d'honoraires",
        "title": f"{doc.title} {doc.number}",
        "subject": f"{doc.title} {doc.number} — {doc.client.name}",
    }
    with _stamped(document_moment(doc)):
        return facturx.generate_from_binary(pdf, xml, flavor="factur-x", level=LEVEL, check_xsd=False,
                                            pdf_metadata=metadata, lang="fr-FR")


def document_moment(doc: Document) -> datetime.datetime:
    """The moment a document's files are stamped with: noon UTC of its date of issue, never the clock."""
    return datetime.datetime.combine(doc.issue_date, datetime.time(12), datetime.UTC)


@contextlib.contextmanager
def _stamped(moment: datetime.datetime) -> Iterator[None]:
    """Make ``facturx`` stamp its PDF metadata with ``moment`` instead of the clock.

    ``facturx.generate_from_binary`` has no parameter for its dates: it reads
    them from two module functions, replaced here for the call (the CLI renders
    one document at a time) and restored after; a test renders twice under
    different clocks and compares the bytes.
    """
    import facturx.facturx as library

    with _CLOCK:
        saved = library._get_pdf_timestamp, library._get_metadata_timestamp
        library._get_pdf_timestamp = lambda date=None: saved[0](date or moment)
        library._get_metadata_timestamp = lambda: moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")
        try:
            yield
        finally:
            library._get_pdf_timestamp, library._get_metadata_timestamp = saved
