"""The documents handed over — notes d'honoraires, avoirs, devis — built from the ledger.

One model (:class:`Document`) feeds every renderer (HTML, PDF, Factur-X XML), so
a number, an amount or a mention is computed once. Invoices and credit notes
come from :mod:`beancount_hn.invoicing.invoices`, quotes from :mod:`beancount_hn.invoicing.quotes`,
money received from :mod:`beancount_hn.core.cashbook` through
:class:`~beancount_hn.invoicing.invoice_report.DocumentReceipts` (what each payment brought,
VAT included, as ``hn invoices`` counts it); this module only arranges
them and decides which mentions apply (fr-rules §4):

* « TVA non applicable, art. 293 B du CGI » when a line is under the franchise;
* « Exonération de TVA, art. 261-4-1° du CGI » when a line is exempt care;
* VAT lines (rate, base, tax) when a line is ``collectee``;
* « Acte non remboursable par l'Assurance Maladie » on HN acts, and the
  dépassement notice on DE;
* the practitioner's name with « EI », SIRET, RPPS or ADELI, the number, the
  dates of issue and of the care, the place, the client, each act with its
  nature, duration and amount, the totals, what was paid and what remains.

A note is a document issued once: what it says was paid (and the credit notes
it nets) is the situation on its date of issue, or on an explicit date
(``as_of``, ``hn note --au``) which the note then prints; a later payment never
changes a note re-rendered with the same date, and its PDF and its Factur-X XML
read the same figures. Each payment is printed with the mode actually used (the
FEC's mode of payment: ``mode-reglement:``, a bank label word, the account);
the IBAN is printed only while something remains due.

A devis for a dépassement (``depassement:`` on the ``hn-devis``) states the
act's tariff and the nature and amount of the dépassement on two lines
(CSP L.1111-3); the tariff is checked against the NGAP values when the table
has them.

Ledger metadata read here (all optional; on the posting or the transaction):
``description:`` (nature of the act, else the narration), ``duree:``
(``"1 h"`` or minutes), ``quantite:``, ``date-soin:`` (date of the care when
it differs from the transaction's), ``lieu:`` (place of the care, default the
practice), ``taux-tva:`` (VAT rate in %, default 20, when ``collectee``),
``echeance:`` (due date of a company invoice). Company clients:
``client-siren:`` (required), ``client-adresse:`` (required), ``client-tva:``
(intra-EU VAT number), ``client-pays:`` (ISO country code, default FR);
``client-type: "entreprise"`` marks a company client whose SIREN is still to
be written (an error, not a silent patient note).
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from beancount.core import data

from beancount_hn.core import frtypo
from beancount_hn.core.acts import ActError, act_status, ledger_profession, parse_acts, tariff
from beancount_hn.core.cashbook import Cashbook, Settlement
from beancount_hn.core.classify import (CARE_DATE_KEY, COLLECTEE, CONVENTIONNE, DEPASSEMENT, EXONEREE, FRANCHISE,
                                        NON_CONVENTIONNE, StatusError, default_vat_status, parse_vat_status)
from beancount_hn.core.errors import as_written, where
from beancount_hn.core.identity import Identity, IdentityError, require_identity, siren_problem
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.payment_modes import PaymentModeError, payment_mode
from beancount_hn.invoicing.invoice_report import DocumentReceipts, Received, UnsureReceipt, billed
from beancount_hn.invoicing.invoices import QUANTITY_KEY, Invoice, InvoiceBook
from beancount_hn.invoicing.quotes import Quote, is_company_client
from beancount_hn.tax.vat import VatBookingError, collected_vat_problem, vat_of, vat_rate

NOTE, AVOIR, DEVIS = "note", "avoir", "devis"
TITLES = {NOTE: "Note d'honoraires", AVOIR: "Avoir", DEVIS: "Devis"}

MENTION_FRANCHISE = "TVA non applicable, art. 293 B du CGI"
MENTION_EXONEREE = "Exonération de TVA, art. 261-4-1° du CGI"
MENTION_HN = "Acte non remboursable par l'Assurance Maladie"
MENTION_DE = "Dépassement d'honoraires (DE) non remboursable par l'Assurance Maladie"
#: Company invoices (art. L441-9 C. com.), with their EN 16931 note subject codes.
MENTIONS_B2B = (
    ("AAB", "Pas d'escompte pour paiement anticipé."),
    ("PMD", "En cas de retard de paiement, pénalités au taux de trois fois le taux d'intérêt légal "
            "(art. L441-10 du Code de commerce)."),
    ("PMT", "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € "
            "(art. D441-5 du Code de commerce)."),
)
MENTION_DEVIS_HN = ("Le patient reconnaît avoir été informé, avant les soins, du montant des honoraires "
                    "et de leur non-remboursement par l'Assurance Maladie.")
MENTION_DEVIS_DE = ("Le patient reconnaît avoir été informé, avant les soins, du tarif de l'acte, de la nature "
                    "et du montant du dépassement, que l'Assurance Maladie ne rembourse pas (art. L.1111-3 du CSP).")
#: How a note says the money came (modes of core.payment_modes.MODES a payer recognises).
PAYMENT_WORDS = {
    "virement": "par virement", "cheque": "par chèque", "carte": "par carte bancaire", "especes": "en espèces",
    "prelevement": "par prélèvement", "tip": "par TIP", "lettre-change": "par lettre de change",
}

#: The exemption relied on, per VAT status: (EN 16931 category, VATEX code, text).
VAT_EXEMPTIONS = {
    FRANCHISE: ("E", "VATEX-FR-FRANCHISE", MENTION_FRANCHISE),
    EXONEREE: ("E", "VATEX-FR-CGI261-4", MENTION_EXONEREE),
}

CENT = Decimal("0.01")
ZERO = Decimal(0)


class DocumentError(ValueError):
    """A document that cannot be made as the law wants it; the message says what to fix."""


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class DocLine:
    """One act (or item) of a document. Amounts are before VAT and positive on every kind."""

    service_date: datetime.date
    designation: str
    code: str | None
    convention: str | None
    vat: str  # exoneree, franchise, collectee
    duration: str | None
    quantity: Decimal
    amount: Decimal
    vat_rate: Decimal = ZERO

    @property
    def unit_price(self) -> Decimal:
        return cents(self.amount / self.quantity) if self.quantity else self.amount

    @property
    def is_hn(self) -> bool:
        return self.convention == NON_CONVENTIONNE

    @property
    def notices(self) -> list[str]:
        """What the line itself must say (non-reimbursement)."""
        if self.convention == NON_CONVENTIONNE:
            return [MENTION_HN]
        if self.convention == DEPASSEMENT:
            return [MENTION_DE]
        return []


@dataclass(frozen=True)
class Client:
    """The patient or company the document is made out to."""

    name: str
    address: str | None = None
    siren: str | None = None
    vat_number: str | None = None
    country: str = "FR"
    is_company: bool = False

    @property
    def address_lines(self) -> list[str]:
        if not self.address:
            return []
        return [part.strip() for part in re.split(r"\n|,", self.address) if part.strip()]

    @property
    def postcode_city(self) -> tuple[str | None, str | None]:
        """``("69007", "Lyon")`` from the last address line, when it reads that way."""
        lines = self.address_lines
        if lines:
            match = re.fullmatch(r"(\d{5}|2[AB]\d{3})\s+(.+)", lines[-1])
            if match:
                return match.group(1), match.group(2)
        return None, None

    @property
    def street_lines(self) -> list[str]:
        lines = self.address_lines
        return lines[:-1] if self.postcode_city[0] else lines


@dataclass(frozen=True)
class VatGroup:
    """One VAT breakdown line: a status (and rate) with its base and tax."""

    vat: str
    rate: Decimal
    base: Decimal
    tax: Decimal

    @property
    def category(self) -> str:
        return VAT_EXEMPTIONS[self.vat][0] if self.vat in VAT_EXEMPTIONS else "S"

    @property
    def exemption_code(self) -> str | None:
        return VAT_EXEMPTIONS[self.vat][1] if self.vat in VAT_EXEMPTIONS else None

    @property
    def exemption_text(self) -> str | None:
        return VAT_EXEMPTIONS[self.vat][2] if self.vat in VAT_EXEMPTIONS else None


@dataclass(frozen=True)
class DocRef:
    """Another document named by this one (the invoice of an avoir, a quote, a credit note)."""

    number: str
    date: datetime.date
    amount: Decimal = ZERO


@dataclass(frozen=True)
class Payment:
    """Money received for a document, VAT included (a refund is negative), and how it came."""

    date: datetime.date
    amount: Decimal
    mode: str | None  # a key of PAYMENT_WORDS, None when the ledger does not say how

    @property
    def words(self) -> str | None:
        """``"par chèque"``: the mode as the note prints it."""
        return PAYMENT_WORDS.get(self.mode or "")


@dataclass
class Document:
    """Everything a note d'honoraires, an avoir or a devis prints."""

    kind: str
    number: str
    issue_date: datetime.date
    seller: Identity
    client: Client
    lines: list[DocLine]
    currency: str
    source: str  # file:line of the ledger entry
    place: str | None = None
    credits: DocRef | None = None  # the invoice an avoir credits
    quote: DocRef | None = None  # the devis an invoice follows
    credit_notes: list[DocRef] = field(default_factory=list)  # avoirs applied to an invoice by ``as_of``
    payments: list[Payment] | None = None  # received by ``as_of`` (None: not tracked, e.g. a devis)
    as_of: datetime.date | None = None  # the date of the payment situation (a note: its issue date)
    due_date: datetime.date | None = None
    valid_until: datetime.date | None = None  # a devis's validity
    narration: str | None = None

    # --- derived figures -----------------------------------------------------------

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def is_company(self) -> bool:
        return self.client.is_company

    @property
    def facturx(self) -> bool:
        """Company invoices and their credit notes get the Factur-X XML."""
        return self.client.is_company and self.kind in (NOTE, AVOIR)

    @property
    def service_dates(self) -> list[datetime.date]:
        return sorted({line.service_date for line in self.lines})

    @property
    def shows_service_dates(self) -> bool:
        """The date of the care is printed when it differs from the date of issue."""
        return self.service_dates != [self.issue_date]

    @property
    def total_ht(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def vat_groups(self) -> list[VatGroup]:
        groups: dict[tuple[str, Decimal], Decimal] = {}
        for line in self.lines:
            key = (line.vat, line.vat_rate)
            groups[key] = groups.get(key, ZERO) + line.amount
        order = {FRANCHISE: 0, EXONEREE: 1, COLLECTEE: 2}
        return [VatGroup(vat, rate, base, vat_of(base, rate))
                for (vat, rate), base in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))]

    @property
    def total_vat(self) -> Decimal:
        return sum((group.tax for group in self.vat_groups), ZERO)

    @property
    def total_ttc(self) -> Decimal:
        return self.total_ht + self.total_vat

    @property
    def has_vat(self) -> bool:
        return any(line.vat == COLLECTEE for line in self.lines)

    @property
    def credited(self) -> Decimal:
        return sum((ref.amount for ref in self.credit_notes), ZERO)

    @property
    def net_due(self) -> Decimal:
        """Total VAT included, less the credit notes applied."""
        return self.total_ttc - self.credited

    @property
    def paid(self) -> Decimal | None:
        """Money received by ``as_of``, VAT included (None: not tracked)."""
        return None if self.payments is None else sum((p.amount for p in self.payments), ZERO)

    @property
    def remaining(self) -> Decimal | None:
        return None if self.paid is None else self.net_due - self.paid

    @property
    def mentions(self) -> list[str]:
        """The legal mentions that apply, in print order."""
        statuses = {line.vat for line in self.lines}
        conventions = {line.convention for line in self.lines}
        found = []
        if FRANCHISE in statuses:
            found.append(MENTION_FRANCHISE)
        if EXONEREE in statuses:
            found.append(MENTION_EXONEREE)
        if NON_CONVENTIONNE in conventions:
            found.append(MENTION_HN)
        if DEPASSEMENT in conventions:
            found.append(MENTION_DE)
        if self.kind == DEVIS and NON_CONVENTIONNE in conventions:
            found.append(MENTION_DEVIS_HN)
        if self.kind == DEVIS and DEPASSEMENT in conventions:
            found.append(MENTION_DEVIS_DE)
        if self.is_company and self.kind == NOTE:
            found.extend(text for _, text in MENTIONS_B2B)
        return found


# --- building from the ledger ------------------------------------------------------------


def _meta(posting: data.Posting | None, txn_meta: dict, key: str, single: bool = True):
    """A posting's metadata, else the transaction's (only when it speaks for every line)."""
    if posting is not None and posting.meta and key in posting.meta:
        return posting.meta[key]
    return txn_meta.get(key) if single else None


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _duration(value: object) -> str | None:
    return frtypo.duration(value) if value is not None and str(value).strip() else None


def _reading(index: LedgerIndex) -> tuple[frozenset[str], str]:
    """What reads the ledger's ``acte:`` values: its ``ngap-letter`` letters and its profession."""
    return frozenset(index.config.values("ngap-letter")), ledger_profession(index.config)


def _act_label(code: str | None, index: LedgerIndex) -> str | None:
    """The NGAP table's label of an act code (``"HN"`` -> its wording), for lines without a description."""
    if not code:
        return None
    try:
        acts = parse_acts(code, *_reading(index))
    except ActError:
        return None
    return " + ".join(act.letter.label for act in acts)


def _quantity(value: object, where_: str) -> Decimal:
    if value is None:
        return Decimal(1)
    try:
        quantity = Decimal(str(value).replace(",", "."))
    except ArithmeticError as exc:
        raise DocumentError(f"{where_} : quantite: {as_written(value)} n'est pas un nombre ; écrivez p. ex. quantite: 4") from exc
    if quantity <= 0:
        raise DocumentError(f"{where_} : quantite: doit être positive, pas {value}")
    return quantity


def _rate(value: object, where_: str) -> Decimal:
    """A ``taux-tva:`` as the VAT check of the ledger reads it (beancount_hn.tax.vat)."""
    try:
        return vat_rate(value)
    except VatBookingError as exc:
        raise DocumentError(f"{where_} : {exc}") from exc


def _client(txn: data.Transaction, number: str) -> Client:
    meta = txn.meta or {}
    here = where(meta)
    name = _text(txn.payee)
    if name is None:
        raise DocumentError(f"{here} : la facture {number} n'a pas de tiers ; écrivez le nom du patient ou du "
                            'client comme tiers (payee) de la transaction, p. ex. 2025-03-04 * "Mme Dupont" "…"')
    siren = _text(meta.get("client-siren"))
    vat_number = _text(meta.get("client-tva"))
    is_company = is_company_client(meta)
    address = _text(meta.get("client-adresse"))
    if is_company:
        if siren is None:
            raise DocumentError(f"{here} : la facture {number} est adressée à une entreprise ({name}) sans son "
                                'SIREN ; ajoutez client-siren: "123456789" (les 9 chiffres de son Kbis ou de son '
                                "avis de situation INSEE) : une facture entre entreprises porte les deux SIREN")
        siren = siren.replace(" ", "")
        problem = siren_problem(siren)
        if problem:
            raise DocumentError(f"{here} : facture {number} : client-siren: {problem}")
        if address is None:
            raise DocumentError(f"{here} : la facture {number} est adressée à une entreprise ({name}) sans son "
                                'adresse ; ajoutez client-adresse: "5 avenue Jean Jaurès, 69007 Lyon"')
    country = (_text(meta.get("client-pays")) or "FR").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise DocumentError(f"{here} : client-pays: {as_written(country)} n'est pas un code pays à deux lettres (p. ex. FR)")
    return Client(name, address, siren, vat_number, country, is_company)


def _identity(book: InvoiceBook, on: datetime.date, purpose: str) -> Identity:
    try:
        return require_identity(book.index.config, on, purpose=purpose)
    except IdentityError as exc:
        raise DocumentError(str(exc)) from exc


def _check_vat_postings(index: LedgerIndex, txn: data.Transaction, lines: list[DocLine], sign: int,
                        number: str) -> None:
    """The VAT the transaction books must be the VAT printed: the ledger's own check (the plugin
    chain's VAT step makes it at every ``bean-check``), so a note never prints VAT, or a payment
    VAT included, that the ledger does not hold."""
    collected = [(line.amount, line.vat_rate) for line in lines if line.vat == COLLECTEE]
    problem = collected_vat_problem(index, txn, collected, f"la facture {number}", sign)
    if problem is not None:
        raise DocumentError(f"{where(txn.meta)} : {problem}")


def _invoice_lines(index: LedgerIndex, invoice: Invoice, sign: int) -> list[DocLine]:
    """One line per income posting of the invoice, in posting order."""
    txn = invoice.txn
    tmeta = txn.meta or {}
    here = where(tmeta)
    receipts = {r.index: r for r in invoice.receipts}
    income = [(i, p) for i, p in enumerate(txn.postings)
              if i in receipts or index.root_type(p.account) == "income"]
    single = len(income) == 1
    receipt_vats = {r.vat for r in invoice.receipts}
    lines = []
    for i, posting in income:
        receipt = receipts.get(i)
        code = _text(_meta(posting, tmeta, "acte"))
        if receipt is not None:
            convention, vat = receipt.convention, receipt.vat
        else:
            convention = None
            raw = _meta(posting, tmeta, "tva")
            if raw is not None:
                try:
                    vat = parse_vat_status(raw, "tva:")
                except StatusError as exc:
                    raise DocumentError(f"{here} : facture {invoice.number} : {exc}") from exc
            elif len(receipt_vats) == 1:
                vat = next(iter(receipt_vats))
            else:
                raise DocumentError(f"{here} : facture {invoice.number} : l'écriture sur {posting.account} n'a "
                                    'pas de statut de TVA ; ajoutez-lui tva: "exoneree", "franchise" ou "collectee"')
        designation = (_text(_meta(posting, tmeta, "description", single))
                       or (_text(txn.narration) if single else None)
                       or _act_label(code, index) or _text(txn.narration) or posting.account.split(":")[-1])
        service = _meta(posting, tmeta, CARE_DATE_KEY)
        if service is None:
            service = txn.date
        if not isinstance(service, datetime.date):
            raise DocumentError(f"{here} : date-soin: {as_written(service)} n'est pas une date ; écrivez-la sans guillemets, "
                                f"p. ex. {txn.date}")
        rate = _rate(_meta(posting, tmeta, "taux-tva"), here) if vat == COLLECTEE else ZERO
        amount = sign * -posting.units.number
        lines.append(DocLine(service, designation, code, convention, vat,
                             _duration(_meta(posting, tmeta, "duree")),
                             _quantity(_meta(posting, tmeta, QUANTITY_KEY, single), here), amount, rate))
    _check_vat_postings(index, txn, lines, sign, invoice.number)
    return lines


def _payment(index: LedgerIndex, settlement: Settlement) -> tuple[datetime.date, str | None]:
    """When and how a settlement's money came (no mode for money outside the treasury)."""
    if settlement.funded_by_equity:
        return settlement.date, None
    try:
        mode = payment_mode(index, settlement.txn, settlement.treasury_account)
    except PaymentModeError as exc:
        raise DocumentError(str(exc)) from exc
    return settlement.date, mode if mode in PAYMENT_WORDS else None


def _payments(index: LedgerIndex, received: list[Received]) -> list[Payment]:
    """One payment per date and mode: the money the payments brought, VAT included, as
    they say it (:class:`~beancount_hn.invoicing.invoice_report.DocumentReceipts`), never rounded."""
    grouped: dict[tuple[datetime.date, str | None], Decimal] = {}
    for item in received:
        key = _payment(index, item.settlement)
        grouped[key] = grouped.get(key, ZERO) + item.amount
    return [Payment(day, amount, mode)
            for (day, mode), amount in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
            if amount]


def _check_currency(invoice: Invoice, receipts: DocumentReceipts, received: list[Received], here: str) -> None:
    """A note states what was paid in its own currency: fees written in another currency than
    the one its payments are counted in (the operating currency, the receivable's) cannot be
    netted against them exactly (the rate of the day is not the invoice's price)."""
    if invoice.currency == receipts.currency or not received:
        return
    first = min(received, key=lambda r: r.date)
    posting = next(p for p in invoice.txn.postings if p.units.currency == invoice.currency)
    weight = receipts.euros(posting)
    example = (f" (p. ex. {posting.account}  {weight} {receipts.currency} au lieu de {posting.units.number} "
               f"{invoice.currency} @ …)" if posting.units.currency != receipts.currency else "")
    raise DocumentError(
        f"{here} : la note {invoice.number} facture ses honoraires en {invoice.currency} mais ses règlements "
        f"se comptent en {receipts.currency} (le règlement du {frtypo.date(first.date)}, {where(first.txn.meta)}) : "
        "la note ne peut pas dire au centime ce qui est réglé et ce qui reste dû ; écrivez les honoraires en "
        f"{receipts.currency}{example}, ou donnez la situation à une date antérieure au premier règlement (--au)")


def invoice_document(book: InvoiceBook, invoice: Invoice, cashbook: Cashbook | DocumentReceipts | None = None,
                     as_of: datetime.date | None = None) -> Document:
    """The note d'honoraires (or the avoir) of ``invoice``.

    ``cashbook`` (of the same entries; a :class:`DocumentReceipts` of it when several
    documents are made) gives what was paid and what remains on ``as_of`` (default: the
    date of issue), with the credit notes issued by then; without it the document leaves
    paid/remaining out. The caller refuses a ledger whose cash walk has problems
    (:func:`~beancount_hn.core.cashbook.problem_errors`): a payment that settled nothing
    is not on the note, which would print it wrong.
    """
    txn = invoice.txn
    here = where(txn.meta)
    if invoice.currency is None:
        raise DocumentError(f"{here} : la facture {invoice.number} n'a aucune écriture de recette à imprimer")
    kind = AVOIR if invoice.is_credit_note else NOTE
    sign = -1 if kind == AVOIR else 1
    seller = _identity(book, invoice.date, f"{TITLES[kind]} {invoice.number}")
    client = _client(txn, invoice.number)
    lines = _invoice_lines(book.index, invoice, sign)
    tmeta = txn.meta or {}
    place = _text(tmeta.get("lieu"))
    document = Document(kind, invoice.number, invoice.date, seller, client, lines, invoice.currency,
                        here, place=place, narration=_text(txn.narration))
    if kind == AVOIR:
        target = book.by_number.get(invoice.credit_of or "")
        if target is None or target.is_credit_note:
            raise DocumentError(f"{here} : l'avoir {invoice.number} ne nomme aucune facture du livre "
                                f"(avoir-de: « {invoice.credit_of} ») ; écrivez le numéro de la facture qu'il annule")
        document.credits = DocRef(target.number, target.date, target.amount)
    else:
        as_of = as_of or invoice.date
        if as_of < invoice.date:
            raise DocumentError(f"{here} : la note {invoice.number} est émise le {frtypo.date(invoice.date)} : sa "
                                f"situation ne peut pas être donnée au {frtypo.date(as_of)}, avant son émission")
        document.as_of = as_of
        if invoice.devis:
            quote = book.quotes.get(invoice.devis)
            if quote is None:
                raise DocumentError(f"{here} : facture {invoice.number} : devis: « {invoice.devis} » ne nomme "
                                    'aucun devis du livre ; déclarez-le avec custom "hn-devis"')
            if quote.date > invoice.date:
                raise DocumentError(f"{here} : la facture {invoice.number} nomme le devis {quote.number} daté du "
                                    f"{frtypo.date(quote.date)}, après la facture ; corrigez l'une des deux dates")
            document.quote = DocRef(quote.number, quote.date, quote.amount.number)
        credit_notes = [c for c in invoice.credit_notes if c.date <= as_of]
        # What each credit note takes back, VAT included: it nets the note's total TTC.
        document.credit_notes = [DocRef(c.number, c.date, -billed(book.index, c.txn)) for c in credit_notes]
        if cashbook is not None:
            receipts = cashbook if isinstance(cashbook, DocumentReceipts) else DocumentReceipts(cashbook, book.index)
            try:
                received = receipts.received([txn, *(c.txn for c in credit_notes)], upto=as_of)
            except UnsureReceipt as exc:
                raise DocumentError(f"{exc} ; la note {invoice.number} n'est pas faite") from exc
            _check_currency(invoice, receipts, received, here)
            document.payments = _payments(book.index, received)
        due = tmeta.get("echeance")
        if due is not None and not isinstance(due, datetime.date):
            raise DocumentError(f"{here} : echeance: {as_written(due)} n'est pas une date ; écrivez-la sans guillemets, "
                                f"p. ex. {invoice.date}")
        document.due_date = due if due is not None else (invoice.date if client.is_company else None)
    if document.facturx:
        exemptions = {line.vat for line in lines if line.vat in VAT_EXEMPTIONS}
        if len(exemptions) > 1:
            raise DocumentError(f"{here} : la facture {invoice.number} à une entreprise mêle des lignes en franchise "
                                "(293 B) et des soins exonérés (261-4-1°) ; une facture électronique n'a qu'un motif "
                                "d'exonération : facturez-les séparément")
        if document.credit_notes:
            raise DocumentError(f"{here} : la facture Factur-X {invoice.number} ne peut pas imputer l'avoir "
                                f"{document.credit_notes[0].number} : l'avoir est une facture électronique à part "
                                "(type 381) ; donnez la situation à une date antérieure à l'avoir")
    return document


def _quote_lines(book: InvoiceBook, quote: Quote, convention: str | None, vat: str, rate: Decimal,
                 here: str) -> list[DocLine]:
    """The act's line, and for a dépassement the act's tariff then the dépassement (CSP L.1111-3)."""
    meta = quote.entry.meta or {}
    designation = quote.description or _act_label(quote.acte, book.index) or "Soins"
    duration, quantity = _duration(meta.get("duree")), _quantity(meta.get(QUANTITY_KEY), here)
    if quote.depassement is None:
        if convention == DEPASSEMENT:
            raise DocumentError(f"{here} : le devis {quote.number} porte sur un dépassement : il indique le tarif de "
                                "l'acte et la nature et le montant du dépassement (art. L.1111-3 du CSP) ; écrivez "
                                'acte: « RAB 8 » (l\'acte NGAP), depassement: 12.00 EUR et motif-depassement: « … »')
        return [DocLine(quote.date, designation, quote.acte, convention, vat, duration, quantity,
                        quote.amount.number, rate)]
    if convention != CONVENTIONNE:
        raise DocumentError(f"{here} : le devis {quote.number} a un dépassement (depassement:) : son acte: nomme "
                            "l'acte NGAP conventionné dont il dépasse le tarif, p. ex. acte: « RAB 8 »")
    act_tariff = quote.amount.number - quote.depassement.number
    acts = parse_acts(quote.acte or "", *_reading(book.index))
    expected = {tariff(acts, quote.date), tariff(acts, quote.date, dom=True)} - {None}
    if expected and act_tariff not in expected:
        shown = " ou ".join(frtypo.money(value) for value in sorted(expected))
        raise DocumentError(f"{here} : devis {quote.number} : {frtypo.money(quote.amount.number)} moins le dépassement "
                            f"{frtypo.money(quote.depassement.number)} donnent {frtypo.money(act_tariff)} pour "
                            f"« {quote.acte} », dont le tarif le {frtypo.date(quote.date)} est {shown} ; corrigez le montant "
                            "du devis ou le dépassement")
    return [DocLine(quote.date, f"{designation} (tarif conventionnel)", quote.acte, CONVENTIONNE, vat, duration,
                    quantity, act_tariff, rate),
            DocLine(quote.date, f"Dépassement d'honoraires : {quote.motif_depassement}", "DE", DEPASSEMENT, vat,
                    None, Decimal(1), quote.depassement.number, rate)]


def quote_document(book: InvoiceBook, quote: Quote) -> Document:
    """The devis of an ``hn-devis`` entry: its lines, its validity, a signature block."""
    meta = quote.entry.meta or {}
    here = where(meta)
    seller = _identity(book, quote.date, f"devis {quote.number}")
    convention = None
    if quote.acte:
        try:
            convention = act_status(quote.acte, quote.date, *_reading(book.index))
        except ActError as exc:
            raise DocumentError(f"{here} : devis {quote.number} : {exc}") from exc
    raw = meta.get("tva")
    if raw is not None:
        try:
            vat = parse_vat_status(raw, "tva:")
        except StatusError as exc:
            raise DocumentError(f"{here} : devis {quote.number} : {exc}") from exc
    else:
        vat = default_vat_status(convention, book.index, quote.date)
    rate = _rate(meta.get("taux-tva"), here) if vat == COLLECTEE else ZERO
    lines = _quote_lines(book, quote, convention, vat, rate, here)
    client = Client(quote.client, _text(meta.get("client-adresse")))
    return Document(DEVIS, quote.number, quote.date, seller, client, lines, quote.amount.currency, here,
                    place=_text(meta.get("lieu")), valid_until=quote.validite)


def find_invoice(book: InvoiceBook, number: str) -> Invoice:
    """The invoice or credit note numbered ``number`` (any spelling its series accepts)."""
    canonical = book.series.canonical(number)
    invoice = book.by_number.get(number.strip()) or book.by_number.get(canonical)
    if invoice is None:
        voided = book.voided_by_number.get(canonical)
        if voided is not None:
            raise DocumentError(f"{where(voided.meta)} : le numéro {canonical} est déclaré annulé "
                                f"(« {voided.reason} ») ; il n'a pas de document")
        raise DocumentError(_unknown("aucune facture", number, list(book.by_number)))
    return invoice


def find_quote(book: InvoiceBook, number: str) -> Quote:
    quote = book.quotes.get(number.strip())
    if quote is None:
        raise DocumentError(_unknown('aucun devis (custom "hn-devis")', number, list(book.quotes)))
    return quote


def _unknown(what: str, number: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(number.strip(), known, n=3, cutoff=0.6)
    hint = f" ; vouliez-vous dire {', '.join(close)} ?" if close else (
        f" ; le livre en a {len(known)} ({', '.join(sorted(known)[:3])}{', …' if len(known) > 3 else ''})"
        if known else " ; le livre n'en a aucun")
    return f"{what} ne porte le numéro « {number} » dans le livre{hint}"
