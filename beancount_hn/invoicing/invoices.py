"""Invoices (notes d'honoraires), credit notes (avoirs) and voided numbers of a ledger.

Every transaction with ``facture:`` metadata is an invoice, dated on the
transaction date or on ``date-facture:``; with ``avoir-de:`` as well it is a
credit note of the invoice it names. Numbers belong to the series declared by
``custom "hn-option" "invoice-series"`` (``beancount_hn.invoicing.series``); a number
voided outside the ledger is declared with
``custom "hn-facture-annulee" NUMBER REASON``.

Amounts: ``Invoice.amount`` is the sum of the transaction's income postings
with the sign flipped, so it is **positive for an invoice** (fees earned) and
**negative for a credit note** (fees taken back). ``Invoice.credited()`` is
the positive total of the credit notes applied to an invoice.

:func:`build_invoice_book` reads everything in one pass plus a sort;
:func:`check_invoices` returns the numbering and invoice-rule errors (used by
the ``invoice_numbering`` plugin, the ``hn invoices`` report and Fava alike),
among them an invoice of zero or negative amount that is not a credit note,
a payment naming a number no ``facture:`` nor ``lot:`` carries
(:func:`reference_errors` says which links and metadata are checked), and an
FSE lot booked twice (a transaction with ``lot:`` and an income posting that
copies an earlier one: same lot, same date, same postings; it would count its
fees twice). Other transactions with the same ``lot:`` are not copies: the
cancellation of a rejected FSE, a lot written as one entry per payer, a lot
number the practice software reuses another year.
"""

from __future__ import annotations

import datetime
import itertools
import operator
from collections.abc import Iterator
from collections.abc import Sequence as Seq
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_hn.core import frtypo
from beancount_hn.core.classify import (CARE_DATE_KEY, DEPASSEMENT, NON_CONVENTIONNE, Classifier, Fields, Receipt,
                                        make_receipts)
from beancount_hn.core.errors import as_written, error_type, source_of, where
from beancount_hn.core.gcpause import gc_paused
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.roles import roles_of
from beancount_hn.invoicing.quotes import (QUOTE_DIRECTIVE, Quote, clients_differ, is_company_client,
                                          names_a_company, read_quotes)
from beancount_hn.invoicing.series import NumberRef, SeriesPattern, SeriesSet, read_series

InvoiceError = error_type("InvoiceError")

INVOICE_KEY = "facture"
CREDIT_KEY = "avoir-de"
DATE_KEY = "date-facture"
LOT_KEY = "lot"  # an FSE lot on a transaction; the lot a payment posting settles on a posting
SETTLES_KEY = "reglement-de"  # on a payment posting: the invoice (or lot) it settles
_NO_META: dict[str, Any] = {}
_NO_CURRENCY: Any = object()  # no income posting read yet (_Reader.invoice)
_ZERO = Decimal(0)
_INCOME, _EQUITY, _ITEM, _OTHER = range(4)  # what an account is to invoices and payments (_Reader.kind)
QUOTE_KEY = "devis"
SIREN_KEY = "client-siren"
VOID_DIRECTIVE = "hn-facture-annulee"

#: Fees (with a dépassement or HN acts) from which prior written information is due.
QUOTE_THRESHOLD = Decimal("70")
_QUOTED = frozenset((DEPASSEMENT, NON_CONVENTIONNE))  # the statuses that call for a quote
_LINE_CONVENTION = operator.itemgetter(Receipt._fields.index("convention") - 2)  # of a receipt's classify.Fields
_NUMBER = operator.itemgetter(0)  # of a Reference
_SEQUENCE_NUMBER = operator.attrgetter("ref.seq")  # of a member of a sequence (it has a ref)
_SEQUENCE_KEY = operator.attrgetter("ref.pattern", "ref.year")  # likewise: the sequence it belongs to
_DATE = operator.attrgetter("date")  # of a member of a sequence
_NUMBER_OF, _CREDIT_OF, _REF, _CREDIT_NOTES = map(operator.attrgetter,
                                                   ("number", "credit_of", "ref", "credit_notes"))  # of an Invoice
_OPENING = Receipt._fields.index("opening") - 2  # in a receipt's classify.Fields
_CONVENTION, _VAT = (Receipt._fields.index(name) - 2 for name in ("convention", "vat"))  # likewise
#: Amount from which a note d'honoraires is due (arrêté n° 83-50/A).
NOTE_THRESHOLD = Decimal("25")
QUOTE_CURRENCY = "EUR"
_MAX_LISTED = 10  # missing numbers named in one gap message


class _Numbered:
    """The parts of a document's number, for :class:`Invoice` and :class:`VoidedNumber`."""

    __slots__ = ()
    ref: NumberRef | None
    date: datetime.date

    @property
    def series(self) -> str | None:
        return self.ref.series if self.ref else None

    @property
    def seq(self) -> int | None:
        return self.ref.seq if self.ref else None

    @property
    def year(self) -> int:
        """The year of the number's sequence (the document date's year without ``{year}``)."""
        return self.ref.year if self.ref and self.ref.year is not None else self.date.year


@dataclass(eq=False, slots=True)
class Invoice(_Numbered):
    """One numbered document: an invoice, or a credit note when ``credit_of`` is set."""

    number: str  # canonical spelling (the written text, stripped, if no series fits)
    date: datetime.date
    txn: data.Transaction
    amount: Decimal  # positive for an invoice, negative for a credit note
    currency: str | None
    lines: tuple[Seq[int], Seq[Fields], Seq]  # Classifier.lines: its receipts' postings, classification
    fees_eur: Decimal  # the amount of its receipts in EUR (what the quote threshold reads)
    ref: NumberRef | None
    credit_of: str | None = None  # avoir-de:, canonical
    devis: str | None = None
    client_siren: str | None = None
    credit_notes: list[Invoice] = field(default_factory=list)  # applied to this invoice, date order

    @property
    def receipts(self) -> list[Receipt]:
        """The invoice's receipts, made from its :attr:`lines` at each call."""
        return make_receipts(self.txn, self.lines[0], self.lines[1])

    @property
    def payee(self) -> str | None:
        return self.txn.payee

    @property
    def is_credit_note(self) -> bool:
        return self.credit_of is not None

    @property
    def meta(self) -> dict[str, Any]:
        return self.txn.meta

    def credited(self, upto: datetime.date | None = None) -> Decimal:
        """Positive total of the credit notes applied to this invoice up to ``upto``."""
        return -sum((c.amount for c in self.credit_notes if upto is None or c.date <= upto), Decimal(0))

    def net_amount(self, upto: datetime.date | None = None) -> Decimal:
        """The amount left after the credit notes dated up to ``upto``."""
        return self.amount - self.credited(upto)


@dataclass(eq=False, slots=True)
class VoidedNumber(_Numbered):
    """A number declared voided by ``custom "hn-facture-annulee" NUMBER REASON``."""

    number: str
    date: datetime.date
    reason: str
    ref: NumberRef | None
    entry: data.Custom

    @property
    def meta(self) -> dict[str, Any]:
        return self.entry.meta


Member = Invoice | VoidedNumber


@dataclass(frozen=True, slots=True)
class Gap:
    """Missing sequence numbers ``start``..``end`` (inclusive), just before ``after``."""

    start: int
    end: int
    after: Member

    @property
    def size(self) -> int:
        return self.end - self.start + 1


@dataclass(eq=False)
class Sequence:
    """The numbers of one series pattern (and one year, when the pattern has ``{year}``)."""

    pattern: SeriesPattern
    year: int | None
    members: list[Member] = field(default_factory=list)  # by sequence number
    gaps: list[Gap] = field(default_factory=list)

    @property
    def series(self) -> str:
        return self.pattern.name

    def number(self, seq: int) -> str:
        return self.pattern.format(seq, self.year)

    def describe_gap(self, gap: Gap) -> str:
        """The missing numbers of ``gap``, listed (abridged when long)."""
        if gap.size <= _MAX_LISTED:
            return ", ".join(self.number(seq) for seq in range(gap.start, gap.end + 1))
        return (", ".join(self.number(seq) for seq in range(gap.start, gap.start + 3))
                + f", … {self.number(gap.end)} ({frtypo.number(Decimal(gap.size), 0)} numéros)")


#: A number a payment names, and how: ``(number, how)``, ``how`` being ``link``,
#: ``reglement-de`` or ``lot`` (plain tuples).
Reference = tuple[str, str]
#: The references of one transaction that is not itself an invoice or a lot: ``(txn, references)``.
PaymentReferences = tuple[data.Transaction, tuple[Reference, ...]]


def _references(txn: data.Transaction, settled: tuple[Reference, ...]) -> tuple[Reference, ...]:
    """What ``txn`` names: ``settled`` (its ``reglement-de:`` and ``lot:`` values, see
    ``_Reader.settled_numbers``), then its links by name."""
    return (*settled, *zip(sorted(txn.links), itertools.repeat("link")))


@dataclass
class InvoiceBook:
    """Every invoice, credit note, voided number, series and quote of a ledger."""

    index: LedgerIndex
    series: SeriesSet
    invoices: list[Invoice]  # invoices and credit notes, by (date, file, line)
    by_number: dict[str, Invoice]  # canonical number -> its first holder
    duplicates: list[tuple[Invoice, Invoice]]  # (later holder, first holder)
    voided: list[VoidedNumber]
    voided_by_number: dict[str, VoidedNumber]
    sequences: list[Sequence]
    quotes: dict[str, Quote]
    unbilled: list[tuple[data.Transaction, list[Receipt]]]  # receipts without facture: (require-invoice)
    errors: list  # problems found while reading (malformed values, unknown series…)
    # What payments may name (facture: and lot: values, links of documents and opening
    # entries), and the references to check against it (see :func:`reference_errors`).
    reference_keys: set[str] = field(default_factory=set)
    #: Each transaction naming numbers, with the references of its ``reglement-de:`` and ``lot:``
    #: (its links name the others): :attr:`references` makes them whole when asked, the plugin
    #: reading only :attr:`unresolved` (there is one per payment of the ledger).
    payments: list[tuple[data.Transaction, tuple[Reference, ...]]] = field(default_factory=list)
    #: The references naming a number no entry before them carried (what :func:`reference_errors`
    #: checks: the rest name known numbers, and numbers once known stay known).
    unresolved: list[PaymentReferences] = field(default_factory=list)
    #: FSE lots booked twice: (later lot transaction, the earlier one it copies: same ``lot:``,
    #: date and postings, see :func:`_lot_copy_key`).
    lot_duplicates: list[tuple[data.Transaction, data.Transaction]] = field(default_factory=list)
    #: What :func:`_taken_back_errors` found, kept for its second reader (read once per book).
    _taken_back: list[tuple[Invoice, Any, bool]] | None = field(default=None, repr=False)

    @property
    def credit_notes(self) -> list[Invoice]:
        return [inv for inv in self.invoices if inv.is_credit_note]

    @property
    def references(self) -> list[PaymentReferences]:
        """Each transaction naming numbers and what it names, in ledger order (made at each call)."""
        return [(txn, _references(txn, settled)) for txn, settled in self.payments]


def _order(item: Member) -> tuple:
    meta = item.meta or {}
    return (item.date, str(meta.get("filename", "")), meta.get("lineno", 0))


def _lot_copy_key(lot: str, txn: data.Transaction) -> tuple:
    """What makes two FSE lot entries one entry booked twice (a journal line imported twice, an
    entry pasted twice): the same lot number, date and postings (accounts and amounts, in any
    order). A reversal, a lot split by payer or another year's lot with the same number differ."""
    postings = sorted(((p.account, p.units.number, p.units.currency) if p.units else (p.account,)
                       for p in txn.postings), key=str)
    return (lot, txn.date, tuple(postings))


class _AccountKinds(dict):
    """What each account is to invoices and payments (``kinds[account]``): income, equity, a
    receivable or payable (by role, outside the treasury), or other; read once per account."""

    def __init__(self, index: LedgerIndex) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, account: str) -> int:
        root = self.index.root_type(account)
        kind = self[account] = (_INCOME if root == "income" else _EQUITY if root == "equity"
                                else _ITEM if roles_of(self.index).items((account,)) else _OTHER)
        return kind


def _names_what_it_settles(postings: Seq[data.Posting]) -> bool:
    """Does one of ``postings`` carry ``reglement-de:`` or ``lot:`` (most payments name their
    invoice by a link)?"""
    for posting in postings:
        pmeta = posting.meta
        if pmeta and (SETTLES_KEY in pmeta or LOT_KEY in pmeta):
            return True
    return False


class _Reader:
    """Reads the invoice metadata of transactions and the voided-number directives."""

    def __init__(self, index: LedgerIndex, series: SeriesSet, errors: list) -> None:
        self.index = index
        self.series = series
        self.read = series.read
        self.errors = errors
        self.classifier = Classifier(index)
        self.kinds = _AccountKinds(index)  # account -> _INCOME, _EQUITY, _ITEM or _OTHER

    def error(self, entry: data.Directive, message: str) -> None:
        self.errors.append(InvoiceError(source_of(entry), message, entry))

    def bills(self, txn: data.Transaction) -> bool:
        """Does ``txn`` earn fees (an income posting)? A transaction with ``lot:`` that does is
        the FSE lot itself; without one it only carries the lot over (an opening entry)."""
        kinds = self.kinds
        return any(kinds[posting.account] is _INCOME for posting in txn.postings)

    def number(self, entry: data.Directive, written: str, on: datetime.date | None,
               what: str) -> tuple[str, NumberRef | None]:
        """The canonical number and series of ``written``; reports what does not fit (the usual
        number of an invoice is read by ``SeriesSet.read`` first)."""
        text = written.strip()
        ref, problem = self.series.match(text, on)
        if problem:
            self.error(entry, f'{what} "{written}" {problem}')
        if ref is None:
            return text, None
        canonical = ref.canonical
        if written != canonical:
            self.error(entry, f'{what} "{written}" n\'est pas écrit comme l\'écrit sa série {ref.series} '
                              f'("{ref.pattern.pattern}" : espaces en trop, majuscules ou zéros de '
                              f'remplissage) ; écrivez "{canonical}"')
        if on is not None and ref.year is not None and ref.year != on.year and not problem:
            self.error(entry, f"{what} {canonical} porte l'année {ref.year} mais est daté du "
                              f"{frtypo.short_date(on)} ; la série {ref.series} repart à 1 chaque année : "
                              f"numérotez-le dans la suite de {on.year} ou corrigez la date ({DATE_KEY}: "
                              "ou la date de la transaction)")
        return canonical, ref

    def lines(self, txn: data.Transaction, lines: tuple | None) -> tuple[Seq[int], Seq[Fields], Seq]:
        """The receipts of ``txn`` as ``Classifier.lines`` gives them (the indices of their
        postings, their classification, errors): ``lines`` when the convention step left them
        (``classify.ClassifiedReceipts``); their errors are the convention plugin's to report."""
        if lines is not None:
            return lines
        return self.classifier.lines(txn)

    def invoice(self, txn: data.Transaction, lines: tuple | None = None) -> Invoice | None:
        meta = txn.meta
        written = meta.get(INVOICE_KEY)
        if written is None:
            self.error(txn, f'{CREDIT_KEY}: sans {INVOICE_KEY}: — un avoir porte son propre numéro : '
                            f'ajoutez {INVOICE_KEY}: "AV-…" dans la série des avoirs')
            return None
        if not isinstance(written, str) or not written.strip():
            self.error(txn, f"{INVOICE_KEY}: {as_written(written)} n'est pas un numéro de facture ; écrivez-le "
                            'entre guillemets, p. ex. facture: "F-2025-0001"')
            return None
        date = meta.get(DATE_KEY, txn.date)
        if not isinstance(date, datetime.date):
            self.error(txn, f"{DATE_KEY}: {as_written(date)} n'est pas une date ; écrivez-la sans guillemets, "
                            f"p. ex. {txn.date}")
            date = txn.date
        ref = self.read(written, date)
        if ref is not None:
            number = written  # the usual number: nothing to report
        else:
            number, ref = self.number(txn, written, date, "le numéro de facture")
        # The income postings' total, count and currency (a set only when they mix currencies).
        amount, counted, currency, mixed = _ZERO, 0, _NO_CURRENCY, None
        kinds = self.kinds
        for posting in txn.postings:
            if kinds[posting.account] is _INCOME:
                units = posting.units
                if units is not None:
                    amount -= units.number
                    counted += 1
                    if currency is _NO_CURRENCY:
                        currency = units.currency
                    elif units.currency != currency:
                        mixed = mixed or {currency}
                        mixed.add(units.currency)
        credit_of = meta.get(CREDIT_KEY)
        if currency is _NO_CURRENCY:
            currency = None
            self.error(txn, f"{INVOICE_KEY}: {number} est sur une transaction sans ligne de recette ; une "
                            "facture enregistre les honoraires qu'elle facture (une ligne Income:) — pour "
                            f"un règlement, retirez {INVOICE_KEY}: et liez-le à la facture par ^{number}")
        elif mixed is not None:
            currency = min(mixed)
            self.error(txn, f"la facture {number} mélange des devises ({', '.join(sorted(mixed))}) ; "
                            "facturez dans une seule devise")
        elif amount <= 0 and credit_of is None:
            self.error(txn, f"la facture {number} totalise {frtypo.money(amount, currency)} d'honoraires (≤ 0) : "
                            "une facture porte un montant positif (le compte Income: au crédit, p. ex. "
                            "Income:Honoraires:HN -80.00 EUR) ; pour annuler ou réduire une facture, "
                            f'émettez un avoir : facture: "AV-…" et {CREDIT_KEY}: "<numéro de la facture>"')
        lines = self.lines(txn, lines)
        indices = lines[0]
        if len(indices) == counted and currency == QUOTE_CURRENCY and mixed is None:
            fees = amount  # its receipts are its income postings (a receipt is one), all in EUR
        else:  # Receipt.amount of those in EUR, its properties inlined
            fees = _ZERO
            fields = lines[1]
            for n in range(len(indices)):
                units = txn.postings[indices[n]].units
                if units.currency == QUOTE_CURRENCY:
                    fees += units.number if fields[n][_OPENING] else -units.number
        if credit_of is not None:
            if isinstance(credit_of, str) and credit_of.strip():
                credit_of = self.series.canonical(credit_of)
            else:
                self.error(txn, f"{CREDIT_KEY}: {as_written(credit_of)} n'est pas un numéro de facture ; écrivez "
                                "entre guillemets le numéro de la facture que l'avoir corrige, "
                                'p. ex. avoir-de: "F-2025-0042"')
                credit_of = None
        devis = meta.get(QUOTE_KEY)
        if devis is not None:
            if isinstance(devis, str) and devis.strip():
                devis = devis.strip()
            else:
                self.error(txn, f"{QUOTE_KEY}: {as_written(devis)} n'est pas un numéro de devis ; écrivez-le "
                                'entre guillemets, p. ex. devis: "D-2025-0001"')
                devis = None
        siren = meta.get(SIREN_KEY)
        if siren is not None:
            siren = str(siren).replace(" ", "")
            if len(siren) != 9 or not siren.isdigit():
                self.error(txn, f"{SIREN_KEY}: {as_written(meta[SIREN_KEY])} n'est pas un SIREN ; écrivez les 9 "
                                'chiffres du client, entre guillemets, p. ex. client-siren: "123456789"')
                siren = None
        return Invoice(number, date, txn, amount, currency, lines, fees, ref, credit_of, devis, siren)

    def note_payment(self, txn: data.Transaction, keys: set[str],
                     payments: list[tuple[data.Transaction, tuple[Reference, ...]]],
                     unresolved: list[PaymentReferences]) -> None:
        """Record ``txn``, neither an invoice nor a lot, in ``payments`` when it names numbers (and
        its links as ``keys`` when it is an opening entry: a posting to an ``Equity:`` account);
        also in ``unresolved`` when one of them is not in ``keys`` yet (:func:`reference_errors`).

        Checked references: every ``reglement-de:`` and ``lot:`` on a posting of a
        receivable or payable, unless the transaction earns fees (it bills: an FSE
        lot, an invoice paid in part), and every link that fits a declared
        invoice-series pattern.
        """
        links = txn.links
        tmeta = txn.meta
        if _names_what_it_settles(txn.postings) or (tmeta and SETTLES_KEY in tmeta):
            settled = self.settled_numbers(txn)
            if settled is None:
                return  # it bills: its postings name nothing, and it has no link
        elif links:
            settled = ()  # the usual payment: it names its invoice by a link
        else:
            return  # the usual expense or transfer: it names nothing
        known = keys.issuperset(links)
        if not known and self.carries_over(txn):
            keys.update(links)  # an opening entry: receivables of invoices issued before the books
            known = True
        if settled or links:
            payments.append((txn, settled))
            # Which links fit a series is asked of the few that name no document (reference_errors).
            if not (known and keys.issuperset(map(_NUMBER, settled))):
                unresolved.append((txn, _references(txn, settled)))

    def settled_numbers(self, txn: data.Transaction) -> tuple[Reference, ...] | None:
        """The ``reglement-de:`` and ``lot:`` values on the receivable and payable postings of
        ``txn`` (none when it earns fees), reporting those where the cash book reads nothing;
        None when it earns fees and has no link (it names nothing: the postings after the
        first income posting and the transaction are not read)."""
        links = txn.links
        earns = False
        named: list[data.Posting] = []  # postings of receivables and payables naming what they settle
        kinds = self.kinds
        for posting in txn.postings:
            kind = kinds[posting.account]
            if kind is _INCOME:
                if not links:
                    return None
                earns = True
            elif kind is _ITEM:
                pmeta = posting.meta
                if pmeta and (SETTLES_KEY in pmeta or LOT_KEY in pmeta):
                    named.append(posting)
            elif kind is _OTHER and posting.meta and (SETTLES_KEY in posting.meta or LOT_KEY in posting.meta):
                self.misplaced(txn, posting.meta, posting.account)  # on the bank line: nothing read there
        tmeta = txn.meta
        if tmeta and SETTLES_KEY in tmeta:  # (lot: on the transaction: build_invoice_book)
            self.misplaced(txn, tmeta, None)
        found: list[Reference] = []
        for posting in () if earns else named:
            pmeta = posting.meta
            for key in (SETTLES_KEY, LOT_KEY):
                value = pmeta.get(key)
                if value is not None:
                    found.append((str(value), key))
        return tuple(found)

    def carries_over(self, txn: data.Transaction) -> bool:
        """An opening entry: a posting to an ``Equity:`` account (receivables carried over)."""
        kinds = self.kinds
        return any(kinds[posting.account] is _EQUITY for posting in txn.postings)

    def misplaced(self, txn: data.Transaction, meta: dict[str, Any], account: str | None) -> None:
        """``reglement-de:`` or ``lot:`` (in ``meta``, the first of them) where the cash book reads
        nothing — the transaction of a payment (``account`` None), its bank line: it would settle
        the oldest item instead of the one it names."""
        key = SETTLES_KEY if SETTLES_KEY in meta else LOT_KEY
        place = "sur la transaction" if account is None else f"sur la ligne {account}"
        self.error(txn, (f"{key}: {place} n'est pas lu : un règlement nomme la pièce qu'il solde sur sa ligne "
                         "de créance ou de dette (Assets:Creances:…, Liabilities:…), ou par un lien ^numéro ; "
                         "ailleurs, il solderait la plus ancienne pièce à la place : déplacez-le sur cette ligne"))

    def voided(self, entry: data.Custom) -> VoidedNumber | None:
        values = [v.value for v in entry.values]
        if len(values) != 2 or not all(isinstance(v, str) and v.strip() for v in values):
            self.error(entry, f"{VOID_DIRECTIVE} attend le numéro annulé et le motif, tous deux entre "
                              f'guillemets (p. ex. custom "{VOID_DIRECTIVE}" "F-2025-0051" "erreur de saisie, '
                              'note détruite")')
            return None
        number, ref = self.number(entry, values[0], None, "le numéro annulé")
        return VoidedNumber(number, entry.date, values[1].strip(), ref, entry)


@gc_paused()
def build_invoice_book(entries: Seq[data.Directive], index: LedgerIndex) -> InvoiceBook:
    """Read every invoice, credit note, voided number, series and quote (one pass plus a sort)."""
    series, series_errors = read_series(index.config)
    errors: list = []  # the reader's, after those of the series and of the quotes
    reader = _Reader(index, series, errors)
    need_unbilled = bool(index.config.entries("require-invoice"))
    invoices: list[Invoice] = []
    in_order, last = True, (datetime.date.min, "", 0)  # whether they come in _order (ledger order mostly is)
    voided: list[VoidedNumber] = []
    quote_entries: list[data.Custom] = []
    unbilled: list[tuple[data.Transaction, list[Receipt]]] = []
    keys: set[str] = set()
    payments: list[tuple[data.Transaction, tuple[Reference, ...]]] = []
    unresolved: list[PaymentReferences] = []
    lots: dict[tuple, data.Transaction] = {}  # each FSE lot entry (_lot_copy_key) -> its first transaction
    lot_duplicates: list[tuple[data.Transaction, data.Transaction]] = []
    # In the plugin chain, the receipts the convention step found, read along with the entries.
    classified = index.classified_receipts
    shared_txns, shared = classified.of(entries) if classified is not None else ((), ())
    position, upcoming = 0, shared_txns[0] if shared_txns else None  # the next one with receipts
    last_shared = len(shared_txns) - 1
    read_invoice, note_payment, add_invoice = reader.invoice, reader.note_payment, invoices.append
    transaction, custom = data.Transaction, data.Custom
    for entry in entries:
        kind = type(entry)
        if kind is transaction:
            lines = None
            if entry is upcoming:
                lines = shared[position]
                position += 1
                upcoming = shared_txns[position] if position <= last_shared else None
            meta = entry.meta or _NO_META
            numbered = INVOICE_KEY in meta or CREDIT_KEY in meta
            if numbered:
                invoice = read_invoice(entry, lines)
                if invoice is not None:
                    add_invoice(invoice)
                    if in_order:  # (checked while its entry is at hand: a sort would read them all again)
                        order = _order(invoice)
                        in_order, last = order >= last, order
            elif need_unbilled and any(reader.classifier.is_receipt_account(p.account)
                                       for p in entry.postings):
                indices, fields, _ = reader.lines(entry, lines)
                receipts = make_receipts(entry, indices, fields)
                if receipts:
                    unbilled.append((entry, receipts))
            # What payments may name: the numbers and links of documents. A payment names its
            # invoice on a posting of a receivable or payable (the cash book reads it there), or
            # by a link.
            if numbered or LOT_KEY in meta:
                number = meta.get(INVOICE_KEY)
                if number is not None:
                    keys.add(str(number))
                if entry.links:
                    keys.update(entry.links)
                lot = meta.get(LOT_KEY)
                if lot is not None:
                    keys.add(str(lot))
                    if reader.bills(entry):  # the lot itself, not a lot carried over
                        first_lot = lots.setdefault(_lot_copy_key(str(lot), entry), entry)
                        if first_lot is not entry:
                            lot_duplicates.append((entry, first_lot))
                    elif not numbered and not reader.carries_over(entry):
                        reader.misplaced(entry, meta, None)  # a payment naming its lot on the transaction
            elif entry.links or lines is None or lines[1][0][_OPENING]:
                note_payment(entry, keys, payments, unresolved)
            # else: it earns fees (a receipt not carried over: an income posting) and has no link,
            # so it names nothing (note_payment)
        elif kind is custom:
            if entry.type == VOID_DIRECTIVE:
                number = reader.voided(entry)
                if number is not None:
                    voided.append(number)
            elif entry.type == QUOTE_DIRECTIVE:
                quote_entries.append(entry)
    quotes, quote_errors = read_quotes(quote_entries)

    if not in_order:
        invoices.sort(key=_order)
    by_number = dict(zip(map(_NUMBER_OF, invoices), invoices))  # each number's last holder
    duplicates: list[tuple[Invoice, Invoice]] = []
    if len(by_number) < len(invoices):  # a number held twice: its first holder is the one
        by_number = {}
        for invoice in invoices:
            first = by_number.setdefault(invoice.number, invoice)
            if first is not invoice:
                duplicates.append((invoice, first))
    for invoice in filter(_CREDIT_OF, invoices):
        target = by_number.get(invoice.credit_of)
        if (target is not None and not target.is_credit_note and by_number[invoice.number] is invoice
                and invoice.amount < 0 and invoice.currency == target.currency):
            target.credit_notes.append(invoice)  # only well-formed notes: credited() stays meaningful

    voided.sort(key=_order)
    voided_by_number: dict[str, VoidedNumber] = {}
    for number in voided:
        first = voided_by_number.setdefault(number.number, number)
        if first is not number:
            reader.error(number.entry, f"le numéro {number.number} est déjà déclaré annulé en "
                                       f"{where(first.entry.meta)} ; retirez cette déclaration répétée")

    members: list[Member] = list(filter(_REF, by_number.values()))
    members += [v for v in voided_by_number.values() if v.ref is not None and v.number not in by_number]
    sequences = _sequences(members)
    return InvoiceBook(index, series, invoices, by_number, duplicates, voided, voided_by_number,
                       sequences, quotes, unbilled, series_errors + quote_errors + errors, keys, payments,
                       unresolved, lot_duplicates)


def _before_numbering(ref: NumberRef) -> bool:
    """Is ``ref`` a number its series issued before the ledger's numbering of it starts?

    That is a year before the pattern's declaration (``{year}`` patterns) or a
    sequence number below its ``premier-numero:``: an invoice of the books kept
    before this ledger, which the ledger does not hold.
    """
    pattern = ref.pattern
    if pattern.has_year and ref.year is not None:
        if ref.year < pattern.valid_from.year:
            return True
        return ref.year == pattern.first_year and ref.seq < pattern.first_seq
    return ref.seq < pattern.first_seq


def _sequences(members: list[Member]) -> list[Sequence]:
    """Group numbers by series pattern and year, sort them, find the gaps."""
    groups: dict[tuple[SeriesPattern, int | None], Sequence] = {}
    # Members come in date order, mostly in long runs of one sequence.
    for key, run in itertools.groupby(members, key=_SEQUENCE_KEY):
        sequence = groups.get(key)
        if sequence is None:
            sequence = groups[key] = Sequence(*key)
        sequence.members.extend(run)
    for sequence in groups.values():
        # Numbers are canonical and unique: a sequence number appears once in its sequence.
        held = sequence.members
        numbers = list(map(_SEQUENCE_NUMBER, held))
        if not all(map(operator.lt, numbers, numbers[1:])):
            held.sort(key=_SEQUENCE_NUMBER)
            numbers = list(map(_SEQUENCE_NUMBER, held))
        expected = sequence.pattern.start_of(sequence.year)
        if numbers[0] == expected and numbers[-1] - expected == len(numbers) - 1:
            continue  # expected, expected + 1, … without a gap
        for member, seq in zip(held, numbers):
            if seq > expected:
                sequence.gaps.append(Gap(expected, seq - 1, member))
            if seq >= expected:
                expected = seq + 1
    return sorted(groups.values(), key=lambda s: (s.series, s.year or 0, s.pattern.valid_from))


# --- checks ----------------------------------------------------------------------------


def _error(item: Member, message: str) -> Any:
    entry = item.txn if isinstance(item, Invoice) else item.entry
    return InvoiceError(source_of(entry), message, entry)


def numbering_errors(book: InvoiceBook) -> list:
    """Duplicates (invoice and FSE lot numbers), voided numbers in use, gaps and dates out of order."""
    errors = []
    for later, first in book.duplicates:
        errors.append(_error(later, f"le numéro de facture {later.number} est déjà utilisé en "
                                    f"{where(first.meta)} ; un numéro ne sert qu'une fois, pour toujours : "
                                    "donnez à ce document le prochain numéro libre de sa série"))
    for txn, first_txn in book.lot_duplicates:
        lot = txn.meta[LOT_KEY]
        errors.append(InvoiceError(source_of(txn), (
            f"le lot FSE {lot} est enregistré deux fois à l'identique : cette écriture a la date, les "
            f"comptes et les montants de celle de {where(first_txn.meta)}, et ses honoraires compteraient "
            "deux fois ; vérifiez d'abord dans le journal des lots de votre logiciel de facturation que ce "
            "lot n'y figure qu'une fois, puis supprimez cette copie ; si ce sont vraiment deux lots, "
            f"donnez à celui-ci son propre numéro ({LOT_KEY}: et les {LOT_KEY}: des règlements qui le "
            "soldent)"), txn))
    for number, voided in book.voided_by_number.items():
        holder = book.by_number.get(number)
        if holder is not None:
            errors.append(_error(holder, f"le numéro de facture {number} est déclaré annulé "
                                         f'("{voided.reason}", {where(voided.meta)}) mais cette '
                                         f"transaction l'utilise ; retirez le {VOID_DIRECTIVE} "
                                         "ou donnez un autre numéro à cette facture"))
    for sequence in book.sequences:
        for gap in sequence.gaps:
            errors.append(_error(gap.after, (
                f"trou dans la numérotation de la série {sequence.series} avant "
                f"{sequence.number(gap.after.seq)} : il manque {sequence.describe_gap(gap)} ; "
                "enregistrez la ou les factures manquantes, ou déclarez chaque numéro annulé hors du "
                f'grand livre par custom "{VOID_DIRECTIVE}" "{sequence.number(gap.start)}" "motif"')))
        dates = list(map(_DATE, sequence.members))
        if all(map(operator.le, dates, dates[1:])):
            continue  # the usual sequence: its numbers follow its dates (and so do its invoices')
        previous: Invoice | None = None
        for member in sequence.members:
            if not isinstance(member, Invoice):
                continue
            if previous is not None and member.date < previous.date:
                errors.append(_error(member, (
                    f"la facture {member.number} est datée du {frtypo.short_date(member.date)}, avant "
                    f"la facture de numéro inférieur {previous.number}, datée du "
                    f"{frtypo.short_date(previous.date)} ({where(previous.meta)}) ; les numéros suivent "
                    f"les dates : corrigez la date ({DATE_KEY}: ou la date de la transaction) ou le numéro")))
            previous = member
    return errors


def credit_note_errors(book: InvoiceBook) -> list:
    """Credit notes naming an unknown invoice, or taking back more than remains of it, or fees
    of a VAT or convention status the invoice has not billed (:func:`_status_error`)."""
    errors = []
    for note in filter(_CREDIT_OF, book.invoices):
        if book.by_number.get(note.number) is not note:  # a number held twice: reported as such
            continue
        target = book.by_number.get(note.credit_of or "")
        if target is None:
            hint = " (ce numéro est déclaré annulé)" if note.credit_of in book.voided_by_number else ""
            errors.append(_error(note, f'l\'avoir {note.number} : {CREDIT_KEY}: "{note.credit_of}" ne '
                                       f"désigne aucune facture du grand livre{hint} ; écrivez le numéro "
                                       "de la facture que cet avoir corrige"))
        elif target.is_credit_note:
            errors.append(_error(note, f"l'avoir {note.number} porte sur {target.number}, lui-même un "
                                       "avoir ; indiquez la facture d'origine"))
        elif note.amount >= 0:
            errors.append(_error(note, f"l'avoir {note.number} ne reprend pas d'honoraires (ses lignes de "
                                       "recette totalisent un crédit) ; un avoir débite le compte de "
                                       "recettes, p. ex. Income:Honoraires:HN 20.00 EUR"))
        elif note.currency != target.currency:
            errors.append(_error(note, f"l'avoir {note.number} est en {note.currency} mais la facture "
                                       f"{target.number} est en {target.currency} ; utilisez la devise "
                                       "de la facture"))
        elif note.date < target.date:
            errors.append(_error(note, f"l'avoir {note.number} est daté du {frtypo.short_date(note.date)}, "
                                       f"avant la facture {target.number} ({frtypo.short_date(target.date)}, "
                                       f"{where(target.meta)}) ; un avoir suit la facture qu'il corrige"))
    errors.extend(error for _, error, _ in _taken_back_errors(book))
    return errors


def _taken_back_errors(book: InvoiceBook) -> list[tuple[Invoice, Any, bool]]:
    """``(credit note, error, of status)`` for each credit note taking back more than remains of
    its invoice, or fees of a status the invoice has not billed (``of status``: :func:`_status_error`);
    computed once per book (:func:`credit_note_errors` and :func:`credit_notes_off_status` read it)."""
    if book._taken_back is None:
        book._taken_back = list(_find_taken_back(book))
    return book._taken_back


def _find_taken_back(book: InvoiceBook) -> Iterator[tuple[Invoice, Any, bool]]:
    for invoice in filter(_CREDIT_NOTES, book.by_number.values()):  # (most have none)
        credited = Decimal(0)
        billed: dict[tuple[str, str], Decimal] | None = None  # the invoice's fees by status, when needed
        taken_back: dict[tuple[str, str], Decimal] = {}  # by status, by the earlier notes
        for note in invoice.credit_notes:
            taken = -note.amount
            if credited + taken > invoice.amount:
                yield note, _error(note, (
                    f"l'avoir {note.number} ({frtypo.money(taken, note.currency)}) dépasse ce qui reste "
                    f"de la facture {invoice.number} : {frtypo.money(invoice.amount, note.currency)} "
                    f"facturés, {frtypo.money(credited, note.currency)} déjà repris par avoir, "
                    f"{frtypo.money(invoice.amount - credited, note.currency)} restants ; réduisez l'avoir")), False
                continue  # report each excessive note on its own
            credited += taken
            if billed is None:
                billed = _fees_by_status(invoice)
            moved = _status_error(note, invoice, billed, taken_back)
            if moved is not None:
                yield note, moved, True


def credit_notes_off_status(book: InvoiceBook) -> set[int]:
    """The ``id`` of each credit note's transaction that :func:`credit_note_errors` reports as taking
    back fees of a VAT or convention status its invoice has not billed. The VAT step leaves their
    collected VAT unchecked (``LedgerIndex.credit_notes_off_status``): the status is what is wrong,
    and a VAT computed from it would be too."""
    return {id(note.txn) for note, _, of_status in _taken_back_errors(book) if of_status}


def _fees_by_status(invoice: Invoice) -> dict[tuple[str, str], Decimal]:
    """The fees of ``invoice``'s receipts in its currency by (convention, VAT) status: positive for
    an invoice, negative for a credit note (read only for credit notes and the invoices they name)."""
    indices, fields, _ = invoice.lines
    postings = invoice.txn.postings
    fees: dict[tuple[str, str], Decimal] = {}
    for position, line in zip(indices, fields):
        units = postings[position].units
        if units.currency == invoice.currency:
            status = (line[_CONVENTION], line[_VAT])
            fees[status] = fees.get(status, _ZERO) + (units.number if line[_OPENING] else -units.number)
    return fees


def _status_words(status: tuple[str, str]) -> str:
    return f'tva: "{status[1]}", convention: "{status[0]}"'


def _status_error(note: Invoice, invoice: Invoice, billed: dict[tuple[str, str], Decimal],
                  taken_back: dict[tuple[str, str], Decimal]) -> Any:
    """An error when ``note`` takes back fees of a VAT or convention status ``invoice`` has not
    billed, or more of one than the invoice billed of it after the earlier notes (``taken_back``,
    updated): the credit note would move turnover from one status to another (the 293 B
    franchise, the 2035's social split), when it keeps the status of what it corrects."""
    for status, amount in sorted(_fees_by_status(note).items()):
        taken = -amount
        if taken <= 0:
            continue  # a line adding fees back: the note's total is checked elsewhere
        before = taken_back.get(status, _ZERO)
        if taken <= billed.get(status, _ZERO) - before:
            taken_back[status] = before + taken
            continue
        indices, fields, _ = invoice.lines
        accounts = sorted({invoice.txn.postings[i].account for i in indices})
        on_invoice = " ; ".join(f"{_status_words(s)} : {frtypo.money(v, invoice.currency)}"
                                for s, v in sorted(billed.items()) if v > 0) or "aucune recette classée"
        if status in billed:
            problem = (f"mais la facture {invoice.number} ({where(invoice.meta)}) n'en porte que "
                       f"{frtypo.money(billed[status], invoice.currency)}, dont "
                       f"{frtypo.money(before, invoice.currency)} déjà repris par avoir")
        else:
            problem = (f"alors que la facture {invoice.number} ({where(invoice.meta)}) n'a aucune "
                       f"recette de ce statut (elle porte {on_invoice})")
        on_account = {note.txn.postings[i].account for i in note.lines[0]}
        move = ("" if on_account.issubset(accounts)  # the invoice's own account (whose status changed since)
                else f"passez l'avoir sur le compte de la facture ({', '.join(accounts)}) ou ")
        return _error(note, (
            f"l'avoir {note.number} reprend {frtypo.money(taken, note.currency)} d'honoraires au statut "
            f"{_status_words(status)} {problem} : un avoir garde le statut de TVA et de convention de "
            "ce qu'il corrige, sinon il fait passer du chiffre d'affaires d'un statut à l'autre "
            f"(franchise de TVA, répartition sociale de la 2035) ; {move}donnez à ses lignes de recette "
            "les tva: et convention: de la facture"))
    return None


def quote_errors(book: InvoiceBook) -> list:
    """``devis:`` required from 70 € of fees with a dépassement or HN acts, and naming a prior quote
    that fits the note: its client, its validity, its amount (:func:`_quote_fit_errors`; read
    only for the notes that name a quote)."""
    errors = []
    for invoice in itertools.filterfalse(_CREDIT_OF, book.by_number.values()):  # (credit notes aside)
        if invoice.devis is None:
            fees = invoice.fees_eur
            if fees >= QUOTE_THRESHOLD and not _QUOTED.isdisjoint(map(_LINE_CONVENTION, invoice.lines[1])):
                statuses = set(map(_LINE_CONVENTION, invoice.lines[1]))
                kinds = " et ".join(k for k, s in (("un dépassement", DEPASSEMENT),
                                                    ("des actes HN", NON_CONVENTIONNE)) if s in statuses)
                errors.append(_error(invoice, (
                    f"la facture {invoice.number} porte {frtypo.money(fees, QUOTE_CURRENCY)} d'honoraires "
                    f"dont {kinds} (≥ {frtypo.money(QUOTE_THRESHOLD, QUOTE_CURRENCY, 0)}) : une information "
                    f'écrite préalable est obligatoire ; ajoutez {QUOTE_KEY}: "D-…" désignant un custom '
                    '"hn-devis" remis avant les soins')))
            continue
        quote = book.quotes.get(invoice.devis)
        if quote is None:
            errors.append(_error(invoice, f'la facture {invoice.number} : {QUOTE_KEY}: "{invoice.devis}" ne '
                                          'désigne aucun devis du grand livre ; déclarez-le par custom '
                                          f'"hn-devis" "{invoice.devis}" CLIENT MONTANT, daté du jour où il '
                                          "a été remis"))
            continue
        if quote.date > invoice.date:
            errors.append(_error(invoice, f"la facture {invoice.number} ({frtypo.short_date(invoice.date)}) "
                                          f"désigne le devis {quote.number} daté du "
                                          f"{frtypo.short_date(quote.date)} ({where(quote.entry.meta)}), "
                                          "postérieur à la facture ; le devis précède les soins : "
                                          "corrigez l'une des deux dates"))
        errors += _quote_fit_errors(invoice, quote)
    return errors


def _last_care(invoice: Invoice) -> datetime.date:
    """The last day of care a note bills: each receipt line's ``date-soin:``, else the
    transaction's, else the transaction date (as the note prints them); a value that is not a
    date is the document's to refuse, and counts as the transaction date here."""
    txn = invoice.txn
    default = txn.meta.get(CARE_DATE_KEY)
    if not isinstance(default, datetime.date):
        default = txn.date
    last = None
    postings = txn.postings
    for position in invoice.lines[0]:
        pmeta = postings[position].meta
        care = pmeta.get(CARE_DATE_KEY, default) if pmeta else default
        if not isinstance(care, datetime.date):
            care = txn.date
        if last is None or care > last:
            last = care
    return default if last is None else last


def _beyond_tariff(invoice: Invoice) -> Decimal:
    """What ``invoice`` bills beyond the conventional tariff (its dépassement and HN lines, the
    statuses that call for a quote), after its credit notes, in its currency."""
    fees = _ZERO
    for note in (invoice, *invoice.credit_notes):
        fees += sum((amount for (convention, _), amount in _fees_by_status(note).items()
                     if convention in _QUOTED), _ZERO)
    return fees


def _client_error(invoice: Invoice, quote: Quote, here: str) -> Any:
    """The quote is clearly made out to someone else than the note. A note to a company
    (:func:`is_company_client`) is compared only with a quote that names a company: a quote
    made out to its contact person (« Mme Claire Roux, DRH ») names someone who does not pay."""
    client = invoice.payee
    if not client or not clients_differ(quote.client, client):
        return None
    if is_company_client(invoice.meta) and not names_a_company(quote):
        return None
    return _error(invoice, (
        f"la facture {invoice.number} est au nom de « {client.strip()} » mais le devis {quote.number} "
        f"({here}) est au nom de « {quote.client} » : le devis est remis au patient soigné, à son "
        "représentant ou au client qui paie les soins ; si c'est bien le devis de ces soins, nommez aussi "
        'sur le devis le tiers de la note (p. ex. "Léo Durand, représenté par Mme Sophie Martin" pour un '
        'enfant, "Transports Girard SA, à l\'attention de Mme Claire Roux" pour une entreprise ; une note '
        f"à une entreprise porte {SIREN_KEY}: et n'est comparée qu'à un devis qui nomme une entreprise) ; "
        "sinon, désignez le devis de ce client ou corrigez le tiers de la note"))


def _quote_fit_errors(invoice: Invoice, quote: Quote) -> list:
    """The quote a note names is for another client, or expired before the care, or in
    another currency, or for less than the note bills (after its credit notes). Each note
    is compared with the quote alone: a quote may be a session price or a monthly forfait
    that a note cites each month, and nothing in it says which. A quote for a dépassement
    (``depassement:``) is compared by its dépassement only: the information L.1111-3 CSP
    requires is the dépassement, and the tariff beside it follows the NGAP (a new value
    between the quote and the care changes the total, not what the patient was told)."""
    errors = []
    here = where(quote.entry.meta)
    client = _client_error(invoice, quote, here)
    if client is not None:
        errors.append(client)
    if quote.validite is not None:
        care = _last_care(invoice)
        if care > quote.validite:
            errors.append(_error(invoice, (
                f"la facture {invoice.number} porte des soins du {frtypo.short_date(care)}, après la fin de "
                f"validité du devis {quote.number} ({frtypo.short_date(quote.validite)}, {here}) : le "
                "patient n'a pas été informé du prix de ces soins ; remettez un nouveau devis avant les "
                "soins, ou corrigez validite: si le devis couvrait ces dates")))
    if invoice.currency is not None and invoice.currency != quote.amount.currency:
        errors.append(_error(invoice, (
            f"la facture {invoice.number} est en {invoice.currency} mais le devis {quote.number} ({here}) "
            f"en {quote.amount.currency} : les montants ne se comparent pas ; écrivez le devis dans la "
            "devise de la facture")))
    elif invoice.currency is not None and quote.depassement is not None:
        beyond = _beyond_tariff(invoice)
        if beyond > quote.depassement.number:
            after = " après ses avoirs" if invoice.credit_notes else ""
            errors.append(_error(invoice, (
                f"la facture {invoice.number} porte {frtypo.money(beyond, invoice.currency)} au-delà du tarif "
                f"conventionnel (lignes de dépassement et HN{after}), plus que le dépassement de "
                f"{frtypo.money(quote.depassement.number, quote.amount.currency)} annoncé par le devis "
                f"{quote.number} ({here}) : le patient a été informé d'un dépassement inférieur à celui qui est "
                "facturé ; corrigez depassement: du devis s'il est mal saisi, remettez un nouveau devis avant "
                "les soins, ou remboursez l'excédent par un avoir sur la ligne de dépassement")))
    elif invoice.currency is not None:
        amount = invoice.net_amount()
        if amount > quote.amount.number:
            fees = frtypo.money(amount, invoice.currency) + (" après ses avoirs" if invoice.credit_notes else "")
            hint = ("" if DEPASSEMENT not in map(_LINE_CONVENTION, invoice.lines[1]) else
                    " (si le devis annonce un dépassement sur un acte NGAP, écrivez-le sur le devis, "
                    "depassement: et motif-depassement: : seul le dépassement est alors comparé, le tarif "
                    "de l'acte suivant la NGAP)")
            errors.append(_error(invoice, (
                f"la facture {invoice.number} porte {fees} d'honoraires, plus que les "
                f"{frtypo.money(quote.amount.number, quote.amount.currency)} du devis {quote.number} ({here}) : "
                "le patient a été informé d'un montant inférieur à celui qui est facturé ; corrigez le montant "
                f"du devis s'il est mal saisi{hint}, remettez un nouveau devis, ou ramenez la note au montant "
                "annoncé par un avoir")))
    return errors



#: The number of services a receipt line bills (as the notes print it: unit price = amount ÷ quantity).
QUANTITY_KEY = "quantite"


def stated_quantity(posting: data.Posting, txn: data.Transaction, single: bool) -> Decimal | None:
    """The positive ``quantite:`` of an income line, else of its transaction when it has one income
    line (as :mod:`beancount_hn.invoicing.notes` prints it); None when absent or unreadable."""
    if posting.meta and QUANTITY_KEY in posting.meta:
        value = posting.meta[QUANTITY_KEY]
    elif single and txn.meta:
        value = txn.meta.get(QUANTITY_KEY)
    else:
        return None
    if value is None or isinstance(value, bool):
        return None
    try:
        quantity = Decimal(str(value).replace(",", ".").strip())
    except ArithmeticError:
        return None
    return quantity if quantity.is_finite() and quantity > 0 else None


def require_invoice_errors(book: InvoiceBook) -> list:
    """Receipts of a status listed by ``hn-option "require-invoice"`` that carry no ``facture:``.

    The threshold is judged per service: a line stating ``quantite:`` (12 participants to a
    group class) bills that many services of amount ÷ quantity each, and counts only when that
    unit price reaches the threshold. An unreadable quantity counts the whole line (fail closed).
    """
    errors = []
    config = book.index.config
    root_type = book.index.root_type
    for txn, receipts in book.unbilled:
        required = config.values("require-invoice", txn.date)
        if not required:
            continue
        income = {r.index for r in receipts}
        income.update(i for i, p in enumerate(txn.postings) if root_type(p.account) == "income")
        single = len(income) == 1
        totals: dict[str, Decimal] = {}
        for receipt in receipts:
            if receipt.convention in required and receipt.currency == QUOTE_CURRENCY:
                quantity = stated_quantity(receipt.posting, txn, single)
                if quantity is not None and abs(receipt.amount) / quantity < NOTE_THRESHOLD:
                    continue  # each service is under the threshold: no note is due for it
                totals[receipt.convention] = totals.get(receipt.convention, Decimal(0)) + receipt.amount
        due = {status: total for status, total in totals.items() if total >= NOTE_THRESHOLD}
        if due:
            listed = ", ".join(f"{status} {frtypo.money(total, QUOTE_CURRENCY)}"
                               for status, total in sorted(due.items()))
            errors.append(InvoiceError(source_of(txn), (
                f"recette sans {INVOICE_KEY}: ({listed}) ; l'option require-invoice rend obligatoire "
                "une note d'honoraires numérotée pour ces recettes à partir de "
                f"{frtypo.money(NOTE_THRESHOLD, QUOTE_CURRENCY, 0)} par prestation : ajoutez {INVOICE_KEY}: "
                "\"…\" avec le prochain numéro de sa série ; si la recette regroupe plusieurs prestations "
                f"(un cours collectif), indiquez leur nombre par {QUANTITY_KEY}: sur sa ligne de recette"), txn))
    return errors


_HOW = {
    "link": "lien ^{}",
    SETTLES_KEY: SETTLES_KEY + ': "{}"',
    LOT_KEY: LOT_KEY + ': "{}" sur une ligne du règlement',
}


def _touches_treasury(book: InvoiceBook, txn: data.Transaction) -> bool:
    """Does ``txn`` move a treasury account (a payment), rather than only receivables?"""
    for posting in txn.postings:
        since = book.index.treasury_since(posting.account)
        if since is not None and since <= txn.date:
            return True
    return False


def reference_errors(book: InvoiceBook) -> list:
    """Payments naming an invoice or FSE lot that no transaction of the ledger carries.

    A transaction that carries neither ``facture:``, ``avoir-de:`` nor ``lot:``
    names a number through ``reglement-de:`` or ``lot:`` on a posting (always
    checked) or through a link that fits a declared invoice-series pattern
    (other links, such as ``^vacances-2025``, are not checked). The number must
    be, to the letter, a ``facture:`` or ``lot:`` value, or a link of a
    transaction carrying one or of an opening entry (a posting to ``Equity:``).
    A number of a series from before the ledger's numbering of it (a year before
    its declaration, or below its ``premier-numero:``) is an invoice of earlier
    books and is not checked. One error per transaction and number.
    """
    errors = []
    keys = book.reference_keys
    spelled: dict[str, str] | None = None  # canonical spelling -> a key as written
    for txn, named in book.unresolved:
        # Mostly a payment booked before its invoice: everything it names is known by now.
        if named[0][0] in keys if len(named) == 1 else keys.issuperset(map(_NUMBER, named)):
            continue
        reported: set[str] = set()
        for number, by in named:  # by: "link", "reglement-de" or "lot"
            if number in keys or number in reported:
                continue
            fits = book.series.candidates(number.strip())
            if (by == "link" and not fits) or (fits and all(map(_before_numbering, fits))):
                continue  # an ordinary link, or a number of the books kept before this ledger
            reported.add(number)
            if spelled is None:
                spelled = {}
                for key in sorted(keys):
                    spelled.setdefault(book.series.canonical(key), key)
            who = "Le règlement" if _touches_treasury(book, txn) else "L'écriture"
            how = _HOW[by].format(number)
            canonical = book.series.canonical(number)
            written = spelled.get(canonical)
            voided = book.voided_by_number.get(canonical)
            if written is not None:
                fix = f"^{written}" if by == "link" else f'"{written}"'
                message = (f"{who} renvoie à {number} ({how}), qui ne s'écrit pas comme {written} au "
                           f"grand livre : le rapprochement compare le texte exact, écrivez {fix}")
            elif voided is not None:
                message = (f"{who} renvoie à {number}, qu'aucune facture ni aucun lot ne porte ({how}) : "
                           f"ce numéro est déclaré annulé ({where(voided.meta)}) ; corrigez le numéro "
                           "de la facture réglée")
            else:
                message = (f"{who} renvoie à {number}, qu'aucune facture ni aucun lot ne porte ({how}) ; "
                           f'corrigez le numéro, ou enregistrez la facture ({INVOICE_KEY}: "{number}") '
                           f'ou le lot FSE ({LOT_KEY}: "{number}") que ce règlement solde')
            errors.append(InvoiceError(source_of(txn), message, txn))
    return errors


def check_invoices(book: InvoiceBook) -> list:
    """Every invoice error of the ledger: reading, numbering, credit notes, quotes, required
    notes, payments naming unknown numbers."""
    return (book.errors + numbering_errors(book) + credit_note_errors(book)
            + quote_errors(book) + require_invoice_errors(book) + reference_errors(book))
