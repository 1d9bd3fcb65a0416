"""Convention status and VAT status of every receipt (income posting of fees).

A *receipt* is a posting to an income account whose 2035 line is AA (the
default for ``Income:``). Its **convention** status is the first hit of
(DESIGN.md §3):

1. posting metadata ``convention:``;
2. posting metadata ``acte:`` (an NGAP code, ``DE`` or ``HN``);
3. the income account's ``open`` metadata ``convention:``;
4. transaction metadata ``convention:``;
5. transaction metadata ``acte:``;
6. otherwise an error, « recette non classée ».

Its **VAT** status is the first ``tva:`` found on the posting, the account's
``open`` or the transaction; otherwise the default of its convention status:
``exoneree`` (art. 261-4-1° CGI) for conventionné and dépassement,
``franchise`` (art. 293 B CGI) for non conventionné — ``collectee`` instead
while ``vat-regime`` is ``reel``. ``Receipt.vat_is_default`` records that the
VAT status was not written, so ``hn vat`` can show it apart.

**Income that is not fees** has no convention status and never enters the social
split; the 293 B franchise still counts what of it is taxable (fr-rules §3):

* **débours remboursés** (an AA account whose name says ``Debours``,
  ``Disbursements``) are not receipts at all: money spent for the patient and
  paid back, outside the VAT base (art. 267 II-2° CGI) and outside the
  convention split (:func:`is_disbursement_account`);
* an income account on another line (AF gains divers…) is a **non-fee
  receipt** (:meth:`Classifier.non_fee_receipts`): its ``tva:`` (posting, then
  the account's ``open``) says whether the 293 B counts it; without one, its
  name does (:func:`non_fee_kind`): redevances de collaboration or d'assistanat
  received and (sous-)location are taxable (AN QE 4764; fr-rules §3), so
  ``franchise`` (``collectee`` under ``vat-regime "reel"``); daily allowances,
  maternity allowances, indemnities, exchange gains, generic gains divers and
  interest are no supply of services and are not counted. An AF account the
  name does not place is an error at its ``open`` asking for ``tva:``: never
  silently left out of the franchise.
"""

from __future__ import annotations

import bisect
import datetime
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any, NamedTuple

from beancount.core import data

from beancount_hn.core.acts import ActError, act_status, ledger_profession, parse_acts
from beancount_hn.core.config import CONVENTION_STATUSES, normalize_word
from beancount_hn.core.errors import error_type, posting_source, source_of
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.mapping import words
from beancount_hn.core.roles import roles_of

ClassificationError = error_type("ClassificationError")

CONVENTIONNE, DEPASSEMENT, NON_CONVENTIONNE = CONVENTION_STATUSES
EXONEREE, FRANCHISE, COLLECTEE = VAT_STATUSES = ("exoneree", "franchise", "collectee")
TAXABLE = (FRANCHISE, COLLECTEE)  # the receipts the 293 B franchise counts
#: The ``convention`` of a non-fee receipt (:meth:`Classifier.non_fee_receipts`): it has no
#: convention status, and only the 293 B reads it.
NON_FEE = "hors-honoraires"
#: What the name of an income account that is not of fees says of its VAT (:func:`non_fee_kind`).
KIND_TAXABLE, KIND_OUTSIDE, KIND_UNKNOWN = "taxable", "outside", "unknown"
#: The lines of the 2035 whose income accounts must be placed for the 293 B (gains divers).
PLACED_LINES = frozenset({"AF"})
#: The date of the care a receipt pays, when not its transaction's (on the posting, else the transaction).
CARE_DATE_KEY = "date-soin"
_NO_META: dict[str, Any] = {}
_UNREAD: Any = object()  # an account whose open was not read yet
_ABSENT: Any = object()  # a metadata key not written (None is a value: ``key:`` left empty)
# What a posting's account is to the classifier: income of fees, equity, other income, the rest.
_RECEIPT, _EQUITY, _NON_FEE, _OTHER = range(4)
_WRITTEN: Any = object()  # heads the span key of a receipt with its own convention: or tva: (Classifier.lines)
_new_tuple = tuple.__new__
_ACCOUNT = attrgetter("account")

_CONVENTION_ALIASES = {
    **{status: status for status in CONVENTION_STATUSES},
    "de": DEPASSEMENT,
    "hn": NON_CONVENTIONNE,
    "hors-nomenclature": NON_CONVENTIONNE,
    "hors-convention": NON_CONVENTIONNE,
    "non-conventionnel": NON_CONVENTIONNE,
}
_VAT_ALIASES = {
    **{status: status for status in VAT_STATUSES},
    "exonere": EXONEREE,
    "exoneration": EXONEREE,
    "293-b": FRANCHISE,
    "collecte": COLLECTEE,
}


#: Words (lower case, without accents) of an account of débours remboursés (art. 267 II-2° CGI).
DISBURSEMENT_WORDS = frozenset({"debours", "disbursement", "disbursements"})
#: Words of income that is a taxable supply other than care (fr-rules §3: redevances de
#: collaboration or d'assistanat received, AN QE 4764; sub-letting or renting premises or equipment).
TAXABLE_WORDS = frozenset({
    "redevance", "redevances", "collaboration", "assistanat", "location", "locations", "souslocation",
    "loyer", "loyers", "rent", "rents", "rental", "sublet", "subletting",
})
#: Words of income that is no supply of services, outside the 293 B count: daily and maternity
#: allowances, indemnities, exchange gains, generic gains divers, interest.
OUTSIDE_WORDS = frozenset({
    "ij", "indemnite", "indemnites", "indemnity", "indemnities", "allowance", "allowances", "allocation",
    "allocations", "maternite", "paternite", "maternity", "paternity", "sick", "change", "exchange", "fx",
    "gain", "gains", "interet", "interets", "interest", "interests", "financiers", "financial",
})
#: Words of a payment of the Assurance Maladie that is no act: FAMI, forfait structure, ROSP.
#: Whether it counts in DSAV is not settled by the rules the tool follows: it is never guessed.
FLAT_RATE_WORDS = frozenset({"forfait", "forfaits", "forfaitaire", "rosp", "fami"})


@functools.lru_cache(maxsize=1024)
def _name_words(account: str) -> frozenset[str]:
    """The words of an account's name after its root, lower case, without accents."""
    return frozenset(normalize_word(word) for segment in account.split(":")[1:] for word in words(segment))


def is_disbursement_account(index: LedgerIndex, account: str) -> bool:
    """An AA income account of débours remboursés: not a receipt (no convention status), not counted
    by the 293 B (art. 267 II-2° CGI: outside the VAT base), not in the social split."""
    return index.root_type(account) == "income" and not DISBURSEMENT_WORDS.isdisjoint(_name_words(account))


def non_fee_kind(account: str) -> str:
    """What the name of an income account that is not of fees says of its VAT: ``KIND_TAXABLE``
    (counted by the 293 B), ``KIND_OUTSIDE`` (not counted) or ``KIND_UNKNOWN`` (both, or neither)."""
    found = _name_words(account)
    if not DISBURSEMENT_WORDS.isdisjoint(found):
        return KIND_OUTSIDE
    taxable = not TAXABLE_WORDS.isdisjoint(found)
    outside = not OUTSIDE_WORDS.isdisjoint(found)
    if taxable == outside or not FLAT_RATE_WORDS.isdisjoint(found):
        return KIND_UNKNOWN
    return KIND_TAXABLE if taxable else KIND_OUTSIDE


class Receipt(NamedTuple):
    """One income posting of fees, classified (a tuple: a ledger has one per act).

    ``amount`` is positive for money earned (the posting is a credit) and
    negative for a refund or a credit note.
    """

    txn: data.Transaction
    index: int
    convention: str
    vat: str
    vat_is_default: bool
    source: str  # where the convention status came from, e.g. "acte: RAB 8 (posting)"
    opening: bool  # a receivable carried over against Equity: (its posting is a debit)

    @property
    def posting(self) -> data.Posting:
        return self.txn.postings[self.index]

    @property
    def account(self) -> str:
        return self.posting.account

    @property
    def amount(self) -> Decimal:
        number = self.posting.units.number
        return number if self.opening else -number

    @property
    def currency(self) -> str:
        return self.posting.units.currency

    @property
    def date(self) -> datetime.date:
        return self.txn.date


#: A :class:`Receipt`'s fields after ``txn`` and ``index``: what classifying its posting found.
Fields = tuple[str, str, bool, str, bool]
_NO_LINES: tuple[tuple, tuple, tuple] = ((), (), ())  # Classifier.lines of a transaction without receipts


def make_receipts(txn: data.Transaction, indices: Sequence[int], fields: Sequence[Fields]) -> list[Receipt]:
    """The receipts of ``txn`` from :meth:`Classifier.lines`."""
    # tuple.__new__ skips NamedTuple's Python-level __new__: one Receipt per act of the ledger.
    if len(fields) == 1:  # the usual transaction, without a comprehension's call
        return [_new_tuple(Receipt, (txn, indices[0]) + fields[0])]
    return [_new_tuple(Receipt, (txn, i) + line) for i, line in zip(indices, fields)]


class StatusError(ValueError):
    """A receipt that cannot be classified; the message is for the user."""


def _alias(aliases: dict[str, str], value: Any) -> str | None:
    """The status ``value`` names: as written when it is already a normalized key (the
    usual case, read once per receipt), else after ``normalize_word``."""
    status = aliases.get(value) if type(value) is str else None
    return status if status is not None else aliases.get(normalize_word(str(value)))


def parse_convention_status(value: Any, where: str) -> str:
    status = _alias(_CONVENTION_ALIASES, value)
    if status is None:
        raise StatusError(
            f'statut de convention "{value}" inconnu ({where}) ; '
            f'valeurs admises : {", ".join(CONVENTION_STATUSES)}'
        )
    return status


def parse_vat_status(value: Any, where: str) -> str:
    status = _alias(_VAT_ALIASES, value)
    if status is None:
        raise StatusError(
            f'statut de TVA "{value}" inconnu ({where}) ; valeurs admises : {", ".join(VAT_STATUSES)}'
        )
    return status


def default_vat_status(convention: str | None, index: LedgerIndex, on: datetime.date) -> str:
    """The VAT status of a receipt without ``tva:``: exempt care, else 293 B or VAT."""
    if convention in (CONVENTIONNE, DEPASSEMENT):
        return EXONEREE
    regime = index.config.value("vat-regime", on, "franchise")
    return COLLECTEE if regime == "reel" else FRANCHISE


def _act_value(value: Any, where: str, on: datetime.date, extra: frozenset[str], profession: str) -> str:
    try:
        return act_status(str(value), on, extra, profession)
    except ActError as exc:
        raise StatusError(f"{exc} ({where})") from exc


def _act_window(text: str, extra: frozenset[str],
                profession: str) -> tuple[datetime.date, datetime.date | None, str | None]:
    """The dates an ``acte:`` value is valid on, and its single status (None: ask act_status)."""
    try:
        acts = parse_acts(text, extra, profession)
    except ActError:
        return datetime.date.max, None, None
    statuses = {act.letter.status for act in acts}
    ends = [act.letter.valid_to for act in acts if act.letter.valid_to]
    start = max(act.letter.valid_from or datetime.date.min for act in acts)
    return start, min(ends) if ends else None, statuses.pop() if len(statuses) == 1 else None


def _inside(day: datetime.date, start: datetime.date, end: datetime.date | None) -> bool:
    return start <= day and (end is None or day <= end)


def unclassified_message(account: str, opening: bool = False) -> str:
    """« recette non classée » on ``account``: how to classify fees, and what to write when they
    are not fees (a receivable carried over against ``Equity:`` is fees: only the first part)."""
    message = (f"recette non classée sur {account} : ajoutez acte: (p. ex. \"RAB 8\", \"DE\", \"HN\") "
               "ou convention: (conventionne, depassement, non-conventionne) au posting, à la "
               "transaction ou à l'open du compte")
    if opening:
        return message
    if not FLAT_RATE_WORDS.isdisjoint(_name_words(account)):
        return (f"{message} ; un forfait ou une ROSP de l'Assurance Maladie n'est pas un acte : rien de "
                "sûr ne dit s'il compte en DSAV (recettes conventionnées) ou en gains divers, beancount-hn "
                "ne le devine pas — faites trancher votre AGA ou votre expert-comptable, puis écrivez "
                "convention: \"conventionne\" ou ligne-2035: \"AF\" sur l'open du compte")
    return (f"{message} ; si ce ne sont pas des honoraires (indemnités journalières, allocation "
            "maternité, redevances de collaboration reçues, sous-location…), écrivez plutôt ligne-2035: "
            "\"AF\" (gains divers) sur l'open du compte : ni volet social, ni convention")


def non_fee_message(account: str, line: str) -> str:
    """An income account on ``line`` (AF) whose VAT the tool cannot tell: say what to write."""
    return (f"{account} (ligne {line} de la 2035) : la franchise en base de TVA (art. 293 B du CGI) doit "
            "savoir si ces recettes sont imposables, et le nom du compte ne le dit pas ; indiquez sur son "
            "open tva: \"franchise\" si elles le sont (redevances de collaboration reçues, sous-location, "
            "ventes, prestations autres que des soins : comptées dans le seuil), ou tva: \"exoneree\" "
            "si elles ne le sont pas (indemnités, allocations, gains hors du champ de la TVA : non comptées)")


class Classifier:
    """Resolves receipts against one ledger's accounts and configuration."""

    def __init__(self, index: LedgerIndex) -> None:
        self.index = index
        self.extra_letters = frozenset(index.config.values("ngap-letter"))
        self.profession = ledger_profession(index.config)
        self._account_convention: dict[str, str | None] = {}
        self._account_vat: dict[str, str | None] = {}
        self._receipt_account: dict[str, bool] = {}
        self._non_fee: dict[str, tuple[str | StatusError | None, bool]] = {}  # account -> non_fee_vat
        self._kinds: dict[str, int] = {}  # account -> _RECEIPT, _EQUITY, _NON_FEE or _OTHER
        #: The accounts seen so far that hold no receipt and are not equity nor income that is
        #: not of fees: a transaction among them only has no :meth:`lines` (``_NO_LINES``), and no
        #: :meth:`non_fee_receipts`: nothing to ask.
        self.plain_accounts: set[str] = set()
        #: The last transaction :meth:`lines` found a posting of income not of fees in (the
        #: convention step keeps those for :meth:`non_fee_receipts`, without a look of its own).
        self.non_fee_txn: data.Transaction | None = None
        # The lines of a transaction with one receipt, shared by those classified alike (most).
        self._alone: dict[tuple[int, Fields], tuple[tuple[int], tuple[Fields], tuple]] = {}
        self._openings: dict[frozenset[str], frozenset[str]] = {}  # set of accounts -> receivables it opens
        # acte: text -> (first day, last day, status): a FSE lot repeats a few codes
        # thousands of times; act_status (and its message) only outside the window.
        self._act_windows: dict[str, tuple[datetime.date, datetime.date | None, str | None]] = {}
        self._act_sources: dict[Any, str] = {}  # posting acte: value -> its source string
        # What a receipt's classification reads: (account, the posting's acte:, convention:
        # and tva:, the transaction's (acte:, convention:, tva:)) -> (first day, last day,
        # the Receipt's fields after txn and index). A ledger repeats a few such lines
        # (an FSE lot's codes, an HN session's account and acte:) thousands of times: each
        # is resolved once, for as long as the dates it depends on allow (:meth:`_remember`).
        self._lines: dict[tuple, tuple[datetime.date, datetime.date | None, Fields]] = {}
        self._regime_days: list[datetime.date] | None = None  # the days vat-regime changes
        # The lines of ``_lines`` that hold on every day from ``_span_from`` to ``_span_to``, by
        # the transaction's (acte:, convention:, tva:), the posting's account, then its acte:, or
        # (_WRITTEN, acte:, convention:, tva:) when it has one of the last two: in a ledger's date
        # order a receipt costs one lookup, without a date check (:meth:`lines`).
        self._span_lines: dict[tuple, dict[str, dict[Any, Fields]]] = {}
        self._span_from, self._span_to = datetime.date.max, datetime.date.min  # empty: reset at first

    def _kind(self, account: str) -> int:
        root = self.index.root_type(account)
        kind = self._kinds[account] = (_RECEIPT if self.is_receipt_account(account) else _EQUITY if root == "equity"
                                       else _NON_FEE if root == "income" else _OTHER)
        if kind is _OTHER:
            self.plain_accounts.add(account)
        return kind

    def is_receipt_account(self, account: str) -> bool:
        """An income account of fees (line AA), débours remboursés aside (:func:`is_disbursement_account`)."""
        known = self._receipt_account.get(account)
        if known is None:
            known = self._receipt_account[account] = (self.index.is_receipt_account(account)
                                                      and not is_disbursement_account(self.index, account))
        return known

    def non_fee_vat(self, account: str) -> tuple[str | None, bool]:
        """For an income account that is not of fees, the VAT status its postings have without a
        ``tva:`` of their own (None: the 293 B does not count them), and whether it was written
        (on the ``open``) rather than read from the name (:func:`non_fee_kind`).

        ``StatusError`` (its message for the account's ``open``) when an AF account says nothing
        the tool can place: a taxable receipt left out would keep a franchise already lost.
        """
        known = self._non_fee.get(account)
        if known is None:
            written = self.index.open_meta(account, "tva")
            if written is not None:
                known = (parse_vat_status(written, f"tva: sur l'open de {account}"), True)
            else:
                kind = non_fee_kind(account)
                line = self.index.line_of(account)
                if kind == KIND_UNKNOWN and line in PLACED_LINES:
                    known = (StatusError(non_fee_message(account, line)), False)
                else:
                    known = (FRANCHISE if kind == KIND_TAXABLE else None, False)
            self._non_fee[account] = known
        status, written = known
        if isinstance(status, StatusError):
            raise status
        return status, written

    def is_non_fee_account(self, account: str) -> bool:
        """An income account whose postings are no receipt of fees (other lines, débours)."""
        return self.index.root_type(account) == "income" and not self.is_receipt_account(account)

    def non_fee_receipts(self, txn: data.Transaction, reported: set[str] | None = None) -> tuple[list[Receipt], list]:
        """The postings of ``txn`` to income accounts that are not of fees and that the 293 B
        counts, as receipts (``convention`` :data:`NON_FEE`, ``vat`` ``franchise`` or ``collectee``),
        and the errors of the accounts it cannot place, at their ``open`` (once per account of
        ``reported``, which it fills).

        The VAT status is the posting's ``tva:``, else the account's (:meth:`non_fee_vat`); a
        taxable default is ``collectee`` while ``vat-regime`` is ``reel`` (:func:`default_vat_status`).
        """
        found: list[Receipt] = []
        errors: list = []
        for i, posting in enumerate(txn.postings):
            account = posting.account
            if not self.is_non_fee_account(account):
                continue
            pmeta = posting.meta or _NO_META
            try:
                if "tva" in pmeta:
                    vat, is_default = parse_vat_status(pmeta["tva"], "tva: du posting"), False
                    source = "tva: (posting)"
                else:
                    vat, written = self.non_fee_vat(account)
                    is_default = not written
                    source = f"tva: (open {account})" if written else f"nom du compte {account}"
                    if vat == FRANCHISE and is_default:
                        vat = default_vat_status(NON_FEE, self.index, txn.date)
            except StatusError as exc:
                if reported is None or account not in reported:
                    if reported is not None:
                        reported.add(account)
                    opened = self.index.opens.get(account)
                    errors.append(ClassificationError(opened.meta if opened is not None else source_of(txn),
                                                      str(exc), opened or txn))
                continue
            if vat in TAXABLE:
                found.append(_new_tuple(Receipt, (txn, i, NON_FEE, vat, is_default, source, False)))
        return found, errors

    def _act(self, value: Any, where: str, on: datetime.date) -> str:
        text = str(value)
        window = self._act_windows.get(text)
        if window is None:
            window = self._act_windows[text] = _act_window(text, self.extra_letters, self.profession)
        start, end, status = window
        if status is not None and _inside(on, start, end):
            return status
        return _act_value(value, where, on, self.extra_letters, self.profession)

    def _from_account(self, cache: dict[str, str | None], account: str, key: str, parse) -> str | None:
        try:
            return cache[account]
        except KeyError:
            value = self.index.open_meta(account, key)
            status = cache[account] = None if value is None else parse(value, f"{key}: sur l'open de {account}")
            return status

    def _receipt(self, txn: data.Transaction, i: int, posting: data.Posting, opening: bool = False) -> Receipt:
        """Classify one receipt posting by the first-hit rules of the module docstring.

        Runs once per act of the ledger (every bean-check), hence one function and
        per-account caches: the usual FSE line (posting ``acte:``, no ``tva:``)
        costs a few dictionary lookups.
        """
        pmeta = posting.meta or _NO_META
        tmeta = txn.meta or _NO_META
        account = posting.account
        # Convention status: posting, account's open, transaction.
        if "convention" in pmeta:
            convention, source = parse_convention_status(pmeta["convention"], "convention: du posting"), \
                "convention: (posting)"
        elif "acte" in pmeta:
            acte = pmeta["acte"]
            convention = self._act(acte, "acte: du posting", txn.date)
            source = self._act_sources.get(acte)
            if source is None:  # one string per code: the receipts of a ledger share them
                source = self._act_sources[acte] = f"acte: {acte} (posting)"
        elif (convention := self._from_account(self._account_convention, account, "convention",
                                               parse_convention_status)) is not None:
            source = f"convention: (open {account})"
        elif "convention" in tmeta:
            convention, source = parse_convention_status(tmeta["convention"], "convention: de la transaction"), \
                "convention: (transaction)"
        elif "acte" in tmeta:
            convention = self._act(tmeta["acte"], "acte: de la transaction", txn.date)
            source = f"acte: {tmeta['acte']} (transaction)"
        else:
            raise StatusError(unclassified_message(account, opening))
        # VAT status: posting, account's open, transaction, else the convention's default.
        is_default = False
        if "tva" in pmeta:
            vat = parse_vat_status(pmeta["tva"], "tva: du posting")
        else:
            vat = self._account_vat.get(account, _UNREAD)
            if vat is _UNREAD:
                vat = self._from_account(self._account_vat, account, "tva", parse_vat_status)
            if vat is None:
                if "tva" in tmeta:
                    vat = parse_vat_status(tmeta["tva"], "tva: de la transaction")
                else:
                    is_default = True
                    vat = (EXONEREE if convention in (CONVENTIONNE, DEPASSEMENT)  # no configuration lookup
                           else default_vat_status(convention, self.index, txn.date))
        # tuple.__new__ skips NamedTuple's Python-level __new__: one Receipt per act of the ledger.
        return _new_tuple(Receipt, (txn, i, convention, vat, is_default, source, opening))

    def receipts(self, txn: data.Transaction) -> tuple[list[Receipt], list]:
        """The receipts of one transaction and the errors of those it cannot classify."""
        indices, fields, errors = self.lines(txn)
        return make_receipts(txn, indices, fields), list(errors)

    def lines(self, txn: data.Transaction) -> tuple[Sequence[int], Sequence[Fields], Sequence]:
        """The receipts of one transaction as the indices of their postings and their
        classification (a :class:`Receipt`'s fields after ``txn`` and ``index``, shared by
        the receipts classified alike), and the errors of those it cannot classify.

        What :meth:`receipts` returns without making the receipts: the plugin chain's
        convention step asks it of every transaction, and only needs their statuses.
        """
        kinds = self._kinds
        span: dict[str, dict[Any, Fields]] | None = None  # the span's lines of the transaction's metadata
        known: dict[Any, Fields] = {}  # the span's lines of ``account_known``: the last receipt's account
        account_known: str | None = None
        first: Fields | None = None  # the first receipt's line (and first_index its posting's)
        indices: list[int] | None = None  # from the second receipt on
        fields: list[Fields] | None = None
        errors: list | None = None
        equity = False
        stray: list[data.Posting] | None = None  # tva: on a line that is no receipt (read nowhere)
        for i, posting in enumerate(txn.postings):
            account = posting.account
            # Another account: its kind and, for receipts, its lines (a lot's receipts share one
            # account: looked up once for them all).
            if account is not account_known:
                kind = kinds.get(account)
                if kind is None:
                    kind = self._kind(account)
                if kind is not _RECEIPT:
                    if kind is _EQUITY:
                        equity = True
                    elif kind is _NON_FEE:
                        self.non_fee_txn = txn
                    elif posting.meta and "tva" in posting.meta:
                        stray = [*(stray or ()), posting]
                    continue
                if span is None:  # the first receipt: the lines of the transaction's metadata
                    day = txn.date
                    if not self._span_from <= day <= self._span_to:  # (the first, or out of date order)
                        self._span_lines = {}
                        self._span_from, self._span_to = datetime.date.min, datetime.date.max
                    tmeta = txn.meta or _NO_META
                    read = (tmeta.get("acte", _ABSENT), tmeta.get("convention", _ABSENT),
                            tmeta.get("tva", _ABSENT))
                    span = self._span_lines.get(read)
                    if span is None:
                        span = self._span_lines[read] = {}
                known = span.get(account)
                if known is None:
                    known = span[account] = {}
                account_known = account
            pmeta = posting.meta or _NO_META
            if "convention" in pmeta or "tva" in pmeta:
                key: Any = (_WRITTEN, pmeta.get("acte", _ABSENT), pmeta.get("convention", _ABSENT),
                            pmeta.get("tva", _ABSENT))
            else:
                key = pmeta.get("acte", _ABSENT)
            line = known.get(key)
            if line is None:
                try:
                    line = self._line(txn, i, read, key, known)
                except StatusError as exc:
                    errors = errors or []
                    errors.append(ClassificationError(source_of(txn), str(exc), txn))
                    continue
            if first is None:
                first, first_index = line, i
            elif indices is None:
                indices, fields = [first_index, i], [first, line]
            else:
                indices.append(i)
                fields.append(line)
        if span is None:
            return self._opening_lines(txn) if equity else _NO_LINES
        if stray and not equity:  # (a receivable carried over reads its own tva:)
            errors = [*(errors or ()), *(ClassificationError(source_of(txn), (
                f'tva: {posting.meta["tva"]} sur la ligne {posting.account} n\'est pas lu : le statut de TVA '
                "d'une recette se lit sur sa ligne de recette (Income:…), sur la transaction ou sur l'open du "
                "compte de recettes ; déplacez-le"), txn) for posting in stray)]
        if indices is not None:
            return indices, fields, errors or ()
        if first is None or errors is not None:
            return ((first_index,), (first,), errors) if first is not None else ((), (), errors)
        alone = self._alone.get((first_index, first))
        if alone is None:
            alone = self._alone[(first_index, first)] = ((first_index,), (first,), ())
        return alone

    def _line(self, txn: data.Transaction, i: int, read: tuple, key: Any, known: dict[Any, Fields]) -> Fields:
        """Classify the posting ``i`` of ``txn`` outside the span's lines (``StatusError``: it cannot be),
        and keep what holds on more days than ``txn``'s for the span (:meth:`lines`)."""
        posting = txn.postings[i]
        pmeta = posting.meta or _NO_META
        full = (posting.account, pmeta.get("acte", _ABSENT), pmeta.get("convention", _ABSENT),
                pmeta.get("tva", _ABSENT), read)
        day = txn.date
        line = self._lines.get(full)
        if line is not None and _inside(day, line[0], line[1]):
            start, end, fields = line
        else:
            receipt = self._receipt(txn, i, posting)
            fields = receipt[2:]
            window = self._remember(full, receipt)
            if window is None:
                return fields
            start, end = window
        known[key] = fields
        self._span_from = max(self._span_from, start)
        if end is not None:
            self._span_to = min(self._span_to, end)
        return fields

    def _opening_lines(self, txn: data.Transaction) -> tuple[list[int], list[Fields], list]:
        """:meth:`lines` of a transaction without receipts that carries receivables over."""
        indices: list[int] = []
        fields: list[Fields] = []
        errors: list = []
        for i in self.opening_receivables(txn):
            try:
                fields.append(self._receipt(txn, i, txn.postings[i], opening=True)[2:])
            except StatusError as exc:
                errors.append(ClassificationError(posting_source(txn.postings[i], txn), str(exc), txn))
                continue
            indices.append(i)
        return indices, fields, errors

    def opening_receivables(self, txn: data.Transaction) -> list[int]:
        """The postings of ``txn`` that carry a receivable over against ``Equity:`` (``cashbook``).

        An opening entry (an Equity posting, no income or expense) debiting a
        receivable: its settlement is a receipt of the year it is paid. Asked of
        every transaction without receipts: sorted out once per set of accounts.
        """
        used = frozenset(map(_ACCOUNT, txn.postings))
        items = self._openings.get(used)
        if items is None:
            roots = {self.index.root_type(account) for account in used}
            items = self._openings[used] = frozenset(
                a for a in roles_of(self.index).items(used) if self.index.root_type(a) == "assets") \
                if "equity" in roots and roots.isdisjoint(("income", "expenses")) else frozenset()
        if not items:
            return []
        return [i for i, p in enumerate(txn.postings) if p.account in items and p.units.number > 0]

    def _remember(self, key: tuple, receipt: Receipt) -> tuple[datetime.date, datetime.date | None] | None:
        """Keep what ``_receipt`` resolved for ``key`` over the days it holds the same.

        The statuses depend on the day through an ``acte:`` code (its validity
        window: inside it ``_act`` answers the code's one status) and, for a default
        VAT status other than exempt care, through ``vat-regime`` (the period between
        two of its changes); on nothing else. Only text values are kept: equal values
        of other types (``1`` and ``True``) would not classify alike. Returns the days
        kept (None: not kept).
        """
        account, p_acte, p_convention, p_tva, (t_acte, t_convention, t_tva) = key
        if not all(value is _ABSENT or type(value) is str
                   for value in (p_acte, p_convention, p_tva, t_acte, t_convention, t_tva)):
            return None
        day = receipt.txn.date
        start, end = datetime.date.min, None
        if p_convention is _ABSENT:  # the first hit of _receipt's order, when it is an acte:
            acte = p_acte if p_acte is not _ABSENT else _ABSENT if (
                self._account_convention.get(account) is not None or t_convention is not _ABSENT) else t_acte
            if acte is not _ABSENT:
                start, end, status = self._act_windows[acte]
                if status is None or not _inside(day, start, end):
                    return None
        if receipt.vat_is_default and receipt.vat != EXONEREE:
            days = self._regime_days
            if days is None:
                days = self._regime_days = [d for d, _ in self.index.config.changes("vat-regime")]
            after = bisect.bisect_right(days, day)
            if after:
                start = max(start, days[after - 1])
            if after < len(days):
                last = days[after] - datetime.timedelta(days=1)
                end = last if end is None else min(end, last)
        self._lines[key] = (start, end, receipt[2:])
        return start, end


def iter_receipts(
    entries: Sequence[data.Directive], index: LedgerIndex
) -> Iterator[tuple[data.Transaction, list[Receipt], list]]:
    """Every transaction with receipt postings, with its receipts and errors."""
    classifier = Classifier(index)
    for entry in entries:
        if type(entry) is data.Transaction:
            receipts, errors = classifier.receipts(entry)
            if receipts or errors:
                yield entry, receipts, errors


@dataclass
class TaxableReceipts:
    """The receipts of ``entries`` a VAT computation needs, from a classification already made.

    The plugin chain's convention step classifies every receipt; it leaves the
    transactions with a taxable receipt (``franchise`` or ``collectee``) here so
    the VAT step does not classify the ledger again. Valid for that very list of
    entries only (:meth:`of`).
    """

    entries: list[data.Directive]
    by_txn: dict[int, tuple[data.Transaction, list[Receipt]]]  # id(transaction) -> it, its receipts
    #: The transactions with a posting to an income account that is not of fees (in ledger
    #: order): where :meth:`Classifier.non_fee_receipts` may find receipts the 293 B counts.
    non_fee: list[data.Transaction] = field(default_factory=list)

    def of(self, entries: Sequence[data.Directive]) -> dict[int, tuple[data.Transaction, list[Receipt]]] | None:
        return self.by_txn if entries is self.entries else None

    def receipts(self, txn: data.Transaction) -> list[Receipt]:
        """The receipts of ``txn`` (made from it: the step's tagged copy, when it tagged one)."""
        return self.by_txn[id(txn)][1]


@dataclass
class ClassifiedReceipts:
    """What the plugin chain's convention step classified, for the steps after it (the invoice
    book): each transaction of ``entries`` with receipts, in ledger order, and its
    :meth:`Classifier.lines` (the indices and the classification of its receipts, and the
    errors: that step reports them). Valid for that very list of entries only (:meth:`of`).
    """

    entries: list[data.Directive] | None = None  # set once the step has made its list
    txns: list[data.Transaction] = field(default_factory=list)
    lines: list[tuple[Sequence[int], Sequence[Fields], Sequence]] = field(default_factory=list)

    def of(self, entries: Sequence[data.Directive]) -> tuple[Sequence[data.Transaction],
                                                             Sequence[tuple[Sequence[int], Sequence[Fields], Sequence]]]:
        """The transactions kept and their lines, if ``entries`` is the list they come from (else
        none): read them along with it, the next one kept being the next one with receipts."""
        return (self.txns, self.lines) if entries is self.entries else ((), ())


def classify_entries(entries: Sequence[data.Directive], index: LedgerIndex) -> tuple[list[Receipt], list]:
    """All receipts of a ledger, and the errors of those that cannot be classified."""
    receipts: list[Receipt] = []
    errors: list = []
    for _, txn_receipts, txn_errors in iter_receipts(entries, index):
        receipts.extend(txn_receipts)
        errors.extend(txn_errors)
    return receipts, errors
