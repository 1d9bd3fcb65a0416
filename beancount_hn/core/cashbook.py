"""Cash basis: every treasury movement attributed to what it settles.

A BNC in déclaration contrôlée counts *recettes encaissées* and *dépenses
payées* (art. 93 CGI): money that reached or left a treasury account
(``hn-option "treasury"``) during the year. This module walks the ledger once,
in date order, and splits each treasury movement into **settlements**:

* an income or expense posting of the same transaction (cash style), directly;
* the income/expense postings behind a receivable or payable it settles
  (accrual style): postings to the *tiers* accounts (``roles``: receivables
  and payables by role, not by inference) become *open items*, even when the
  same transaction also moves cash (an FSE lot whose patients' part is paid by
  card, an acompte, a bill partly paid: the items take their share of the
  transaction's fees in posting order, the cash the rest); receivables and
  payables carried over against ``Equity:`` are items of their own posting.
  A payment naming items (a shared ``^link``, ``reglement-de:``, ``lot:``,
  ``avoir-de:``) settles those only; any other payment settles the oldest
  unlinked items (FIFO), then the oldest linked ones; a partial payment
  settles each posting behind the item pro rata, except what the transaction's
  own income or expense lines take back (a credit note set against its
  invoice cancels the line of its account and status, ``_Builder._claims``);
* a neutral bucket, named by its account, for everything that is neither
  receipt nor expense: internal transfers, personal drawings and contributions
  (``Equity:``), loan capital, deposits, fixed assets (their cost reaches the
  2035 through the depreciation, line CH);
* ``unexplained``: a payment to a receivable or payable account that exceeds
  its open items (or what the items it names owe) — the 2035 reconciliation
  lists it so the ledger can be fixed, and :attr:`Cashbook.problems` keeps it
  for the later years it may change.

Money paid or received outside the treasury counts on its date, with
``funded_by_equity`` set: an income, expense or item posting against
``Equity:`` (personal funds), or an income or expense posting against
``neutre`` accounts only (a lender paying a supplier, rent taken from the
deposit). Amounts in another currency count at their weight in euros
(``roles.euros``: cost, else price).

Amounts are *cash equivalents*: positive when money comes in (a receipt),
negative when it goes out (an expense). Each treasury transaction's
settlements add up, to the cent, to its treasury movement.

``Cashbook.build(entries, index, detail=predicate)`` keeps the posting-level
detail only for the transactions the predicate selects; the income and expense
postings of the others are settled as one ``AGGREGATE`` target per
transaction. Settlements of the selected transactions are the same, to the
cent, as in the full walk, and an aggregate receives exactly what its postings
receive together; the walk is many times cheaper on a ledger of
many-line FSE lots. Two cheaper walks build on it, each exact for what its
caller reads: ``Cashbook.build_for(entries, index, txns)`` walks only the
accounts that can bring money to ``txns`` (the VAT plugin's taxable receipts,
``hn invoices``' numbered documents), and there follows by their balance alone the
numbers none of ``txns`` shares (``_Builder._shadowed``: a payment naming a
number settles that number's items only), and ``Cashbook.build_for_year`` resumes
from the open items of an earlier 1 January and stops at the year's end
(``hn 2035``).
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import operator
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from beancount.core import data

from beancount_hn.core.classify import CONVENTION_STATUSES, Classifier, default_vat_status
from beancount_hn.core.errors import error_type, source_of, where
from beancount_hn.core.frtypo import date as french_date
from beancount_hn.core.frtypo import money
from beancount_hn.core.gcpause import gc_paused
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.roles import ITEM, euros, roles_of, unpriced_error
from beancount_hn.core.words import WORD, plain

CashbookError = error_type("CashbookError")

CENT = Decimal("0.01")
ZERO = Decimal(0)

INCOME, EXPENSE, NEUTRAL, UNEXPLAINED = "income", "expense", "neutral", "unexplained"
#: The income and expense postings of a transaction outside ``Cashbook.build(detail=...)``, as one target.
AGGREGATE = "aggregate"
_PNL = (INCOME, EXPENSE, AGGREGATE)
_PNL_ROOTS = frozenset(("income", "expenses"))
_new_tuple = tuple.__new__
_ACCOUNT = operator.attrgetter("account")
_STATUS_TAGS = frozenset(CONVENTION_STATUSES)  # the convention step's tags of a transaction's receipts
_NOTHING: dict = {}  # what ``_Builder._consume`` returns when it settles nothing (never changed)
# What a transaction followed apart (``_Builder._shadowed``) does with what its posting leaves:
# settles nothing (a payment), becomes an item of its number (a note), or must leave nothing (a
# credit note under its own number: that item would carry it too).
_PAYMENT, _NOTE, _CREDIT = 0, 1, 2


class Target:
    """What money is attributed to: a posting (income/expense) or a neutral account.

    Targets are compared by identity (C-speed dictionary keys: a walk handles
    millions of them): a walk makes one per posting and one per neutral,
    unexplained or aggregate bucket (``_Builder`` interns those). To compare
    targets of two cash books, compare their :attr:`key`.
    """

    __slots__ = ("bucket", "account", "txn", "index")

    def __init__(self, bucket: str, account: str, txn: data.Transaction | None = None, index: int = -1) -> None:
        self.bucket = bucket  # INCOME, EXPENSE, NEUTRAL, UNEXPLAINED or AGGREGATE
        self.account = account
        self.txn = txn  # the transaction holding the posting
        self.index = index  # the posting's index in txn.postings

    @property
    def key(self) -> tuple[str, str, int, int]:
        return self.bucket, self.account, id(self.txn), self.index

    def __repr__(self) -> str:
        return f"Target({self.bucket!r}, {self.account!r}, index={self.index})"


class Settlement(NamedTuple):
    """A part of a treasury movement attributed to one target (a tuple: cheap to make by the million)."""

    date: datetime.date
    txn: data.Transaction  # the transaction that moves the money
    treasury_account: str  # main treasury (or Equity, if funded_by_equity) account
    amount: Decimal  # cash equivalent: + in, - out
    target: Target
    funded_by_equity: bool = False

    @property
    def bucket(self) -> str:
        return self.target.bucket

    @property
    def account(self) -> str:
        return self.target.account

    @property
    def target_txn(self) -> data.Transaction | None:
        return self.target.txn

    @property
    def target_index(self) -> int:
        return self.target.index

    @property
    def posting(self) -> data.Posting | None:
        """The income, expense or carried-over posting it pays (None for a bucket)."""
        target = self.target
        return target.txn.postings[target.index] if target.txn is not None and target.index >= 0 else None


@dataclass(slots=True)
class OpenItem:
    """An unsettled receivable or payable: its balance and what it is made of."""

    account: str
    date: datetime.date
    txn: data.Transaction
    links: tuple[str, ...]  # links, ``facture:`` and ``lot:`` numbers payments may name (sorted)
    parts: dict[Target, Decimal]  # cash equivalents, summing to ``balance``
    balance: Decimal = field(init=False, default=ZERO)  # kept with ``parts`` by the walk

    def __post_init__(self) -> None:
        self.balance = sum(self.parts.values(), ZERO)


@dataclass(frozen=True)
class OpenReceivables:
    """What is still owed on a date: the receivables open then (invoices, FSE lots, others)."""

    as_of: datetime.date
    total: Decimal
    invoices: int  # open items of a transaction with ``facture:``
    lots: int  # of a transaction with ``lot:`` (FSE lots)
    others: int  # any other receivable (opening balances, unnumbered sales)

    @property
    def count(self) -> int:
        return self.invoices + self.lots + self.others


def owed_on(items: Iterable[OpenItem], as_of: datetime.date) -> OpenReceivables:
    """The receivables among open ``items`` on ``as_of``: every item owed to the practice
    (positive balance) dated up to ``as_of``, counted by what its transaction is."""
    owed = [item for item in items if item.balance > 0 and item.date <= as_of]
    invoices = lots = 0
    for item in owed:
        meta = item.txn.meta or {}
        if meta.get("facture") is not None:
            invoices += 1
        elif meta.get("lot") is not None:
            lots += 1
    total = sum((item.balance for item in owed), ZERO).quantize(CENT)
    return OpenReceivables(as_of, total, invoices, lots, len(owed) - invoices - lots)


# Metadata naming what a transaction is (invoice number, FSE lot) and what a
# payment posting settles (written by the importers when they match a transfer).
INVOICE_KEYS = ("facture", "lot")
SETTLES_KEYS = ("reglement-de", "lot")
_INVOICE, _LOT = INVOICE_KEYS
_SETTLES = SETTLES_KEYS[0]
_CREDITED = "avoir-de"


def _item_keys(txn: data.Transaction) -> tuple[str, ...]:
    """What payments may name to settle an item: its links, invoice and lot numbers (sorted,
    each once; a tuple: one per open item, a fifth of a frozenset's memory)."""
    meta = txn.meta or {}
    invoice, lot = meta.get(INVOICE_KEYS[0]), meta.get(INVOICE_KEYS[1])
    links = txn.links
    if lot is None and (invoice is None or (links and len(links) == 1 and str(invoice) in links)):
        return tuple(links) if links and len(links) == 1 else tuple(sorted(links)) if links else ()
    numbers = {str(value) for value in (invoice, lot) if value is not None}
    return tuple(sorted(numbers.union(links or ())))


def _settled_keys(txn: data.Transaction, posting: data.Posting) -> tuple[str, ...] | list[str]:
    """The items a posting names, sorted: its own ``reglement-de:``/``lot:``, else the
    transaction's links and ``avoir-de:``."""
    pmeta = posting.meta
    if pmeta:
        for key in SETTLES_KEYS:
            value = pmeta.get(key)
            if value is not None:
                return (str(value),)
    meta = txn.meta
    credited = meta.get(_CREDITED) if meta else None
    links = txn.links
    if credited is None:
        return (tuple(links) if len(links) == 1 else sorted(links)) if links else ()
    return sorted({str(credited), *links}) if links else (str(credited),)


def _one_number(txn: data.Transaction, posting: data.Posting, carried: bool) -> str | None:
    """The one number ``posting`` names (:func:`_settled_keys`) when it names exactly one and,
    with ``carried``, the items ``txn`` makes carry that number alone (:func:`_item_keys`); else
    None. The usual posting (a single link, no key of its own) is read without either call."""
    pmeta, meta, links = posting.meta, txn.meta, txn.links
    if (pmeta and (_SETTLES in pmeta or _LOT in pmeta)) or (meta and _CREDITED in meta):
        keys = _settled_keys(txn, posting)
        if len(keys) != 1 or (carried and _item_keys(txn) != tuple(keys)):
            return None
        return keys[0]
    if not links or len(links) != 1:
        return None  # none, or several: _settled_keys gives the links
    (number,) = links
    if carried and meta and (meta.get(_LOT) is not None or
                             ((invoice := meta.get(_INVOICE)) is not None and str(invoice) != number)):
        return None  # _item_keys adds the lot or another invoice number
    return number


def _sign(number: Decimal) -> int:
    return (number > 0) - (number < 0)


def _split(parts: dict[Target, Decimal], total: Decimal) -> dict[Target, Decimal]:
    """Scale ``parts`` so that they sum to ``total`` exactly (cents, largest remainder)."""
    if len(parts) == 1:  # an item of one posting or one aggregate: it takes the whole amount
        for target, value in parts.items():
            rounded = total.quantize(CENT, ROUND_HALF_EVEN)
            return {target: rounded} if value and rounded else {}
    if not parts:
        return {}
    whole = sum(parts.values(), ZERO)
    if whole == 0:
        return {}
    # Settling a whole item is the common case: v * total / whole is then v itself.
    scaled = parts if total == whole else {t: v * total / whole for t, v in parts.items()}
    rounded = {t: v.quantize(CENT, ROUND_HALF_EVEN) for t, v in scaled.items()}
    gap = total.quantize(CENT, ROUND_HALF_EVEN) - sum(rounded.values(), ZERO)
    if gap:
        largest = max(rounded, key=lambda t: abs(scaled[t]))
        rounded[largest] += gap
    return {t: v for t, v in rounded.items() if v}


@dataclass
class Cashbook:
    """All settlements of a ledger, and the items still open at its end."""

    settlements: list[Settlement] = field(default_factory=list)
    items: dict[str, list[OpenItem]] = field(default_factory=dict)
    #: Money that settled nothing (transaction, item account, cash equivalent), every year
    #: walked: a later year's figures may depend on it (an item eaten by the wrong payment).
    problems: list[tuple[data.Transaction, str, Decimal]] = field(default_factory=list)
    #: Payments without a link that settled, oldest first, another payee's item while an item
    #: of their own payee stayed open on the account (payment, account, item taken, own item):
    #: the year of either may be wrong, so the figures are not sure (``misattribution_errors``).
    misattributed: list[tuple[data.Transaction, str, data.Transaction, data.Transaction]] = \
        field(default_factory=list)
    #: Payments without link that settled, oldest first, items of one day while another item of
    #: that day and of another nature stayed open (payment, account, those items' transactions):
    #: the file's line order chose (``misattribution_errors``).
    tied: list[tuple[data.Transaction, str, tuple[data.Transaction, ...]]] = field(default_factory=list)
    #: An error at each posting walked whose amount is in another currency without its
    #: value in euros (counted at its units: the figures are not final).
    unpriced: list = field(default_factory=list)
    #: A full walk's receivables on each 31 December it passed (``owed_on`` the items open
    #: then): what the Fava page shows, without a walk to that date.
    year_ends: dict[int, OpenReceivables] = field(default_factory=dict)
    _by_target_txn: dict[int, list[Settlement]] | None = field(default=None, repr=False)
    _by_year: dict[int, list[Settlement]] | None = field(default=None, repr=False)

    # --- queries -------------------------------------------------------------------

    def for_year(self, year: int) -> list[Settlement]:
        """The settlements dated in calendar year ``year`` (in the order of ``settlements``)."""
        if self._by_year is None:  # one pass for every year: the Fava page asks for several
            by_year: dict[int, list[Settlement]] = {}
            for settlement in self.settlements:
                year_of = settlement.date.year
                found = by_year.get(year_of)
                if found is None:
                    by_year[year_of] = [settlement]
                else:
                    found.append(settlement)
            self._by_year = by_year
        return list(self._by_year.get(year, ()))

    def for_target_txn(self, txn: data.Transaction) -> list[Settlement]:
        """Every settlement of a posting of ``txn`` (an invoice, an expense…)."""
        if self._by_target_txn is None:  # built on first use: most callers never ask
            by_txn: dict[int, list[Settlement]] = {}
            for settlement in self.settlements:
                if settlement.target.txn is not None:
                    by_txn.setdefault(id(settlement.target.txn), []).append(settlement)
            self._by_target_txn = by_txn
        return self._by_target_txn.get(id(txn), [])

    def settled(self, txn: data.Transaction, upto: datetime.date | None = None) -> Decimal:
        """Money received (+) or paid (-) so far for the postings of ``txn``."""
        return sum(
            (s.amount for s in self.for_target_txn(txn) if upto is None or s.date <= upto), ZERO
        )

    def open_items(self, account: str | None = None) -> list[OpenItem]:
        """Receivables and payables not (fully) settled at the end of the ledger."""
        accounts = [account] if account else sorted(self.items)
        return [i for a in accounts for i in self.items.get(a, []) if i.balance]

    # --- construction ----------------------------------------------------------------

    @classmethod
    @gc_paused()
    def build(cls, entries: Sequence[data.Directive], index: LedgerIndex, *,
              detail: Callable[[data.Transaction], bool] | None = None) -> Cashbook:
        """Walk ``entries`` (sorted, as the loader returns them) once.

        ``detail``, when given, names the transactions whose income and expense
        postings a caller needs one by one (the VAT franchise needs only its
        taxable receipts). The postings of the other transactions are settled as
        one ``AGGREGATE`` target per transaction, which makes the walk several
        times cheaper on a ledger of many-line FSE lots. The settlements of the
        detailed transactions are exactly those of the full walk, and each
        aggregate settlement is exactly the sum of the full walk's settlements of
        its transaction's postings by that treasury transaction: when a pro-rata
        split would mix an aggregate with another target (and so could round
        differently), the ledger is walked again in full.
        """
        if detail is not None:
            try:
                return cls._walk(entries, index, detail)
            except _NeedsDetail:
                pass
        return cls._walk(entries, index, None)

    @classmethod
    @gc_paused()
    def build_for(cls, entries: Sequence[data.Directive], index: LedgerIndex,
                  txns: Iterable[data.Transaction]) -> Cashbook:
        """A cash book whose settlements of the postings of ``txns`` are exactly the full walk's.

        Only what can bring money to them is walked: ``txns`` themselves and the
        transactions touching the item accounts their items can reach (their own,
        and those a transaction without treasury moves items to or from). Other
        item accounts count as neutral and other postings are aggregated, so read
        nothing from it but the settlements of ``txns`` and the money that settled
        nothing (``problems``). The VAT plugin needs its taxable receipts only, and a
        ledger keeps those away from the FSE lots; on a receivable its taxable notes
        share with exempt ones, the notes and payments of the numbers none of ``txns``
        names are followed by each number's balance (``_Builder._shadowed``), unless a
        posting there takes the oldest items (the walk is then made again without).
        """
        chosen = {id(txn) for txn in txns}
        for shadow in (True, False):
            try:
                return cls._walk(entries, index, lambda txn: id(txn) in chosen, chosen, shadow)
            except _NeedsDetail:
                pass
        return cls._walk(entries, index, None, chosen)

    @classmethod
    def _walk(cls, entries: Sequence[data.Directive], index: LedgerIndex,
              detail: Callable[[data.Transaction], bool] | None, focus: set[int] | None = None,
              shadow: bool = False) -> Cashbook:
        transactions = _transactions(entries)
        builder = _Builder(index, transactions, detail, focus, shadow=shadow)
        kinds = builder.kind_of
        if builder.walked is not None:
            shadowed, paid_down = builder.shadowed, builder.paid_down
            walked = builder.walked
            last = len(walked) - 1
            for n, position in enumerate(walked):
                builder.position = position
                fact = shadowed.get(position) if shadowed else None
                if fact is None:
                    builder.transaction(transactions[position], kinds[position])
                else:
                    builder.shadow(transactions[position], *fact)
                if paid_down:
                    builder.check_paid_down(position, walked[n + 1] if n < last else len(transactions))
            return builder.cashbook()
        year_ends: dict[int, OpenReceivables] = {}
        year = transactions[0].date.year if transactions else None
        for txn, kind in zip(transactions, kinds, strict=True):
            if txn.date.year != year:  # the state of every 31 December passed (years without a transaction too)
                for passed in range(year, txn.date.year):
                    year_ends[passed] = owed_on(builder.open_items(), datetime.date(passed, 12, 31))
                year = txn.date.year
            builder.transaction(txn, kind)
        if year is not None:
            year_ends[year] = owed_on(builder.open_items(), datetime.date(year, 12, 31))
        cashbook = builder.cashbook()
        cashbook.year_ends = year_ends
        return cashbook

    @classmethod
    @gc_paused()
    def build_for_year(cls, entries: Sequence[data.Directive], index: LedgerIndex, year: int) -> Cashbook:
        """A cash book whose ``for_year(year)`` is exactly the full walk's (values and order).

        Money can reach an earlier transaction during ``year`` only through the
        items open on 1 January. So a first walk, every transaction aggregated,
        stops there and names the transactions behind those items; a second walk
        resumes from the state on the first day of the first of their months,
        keeps them and the year's own transactions in detail, and stops at 31
        December. Only the settlements of ``year`` are complete; its items are
        those open on the second walk's start or created since.
        """
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        transactions = _transactions(entries)
        try:
            first = _Builder(index, transactions, lambda txn: False)
            first.recording = False
            snapshots: dict[tuple[int, int], tuple[int, _State]] = {}  # (year, month) -> position, state
            position = len(transactions)
            items = first.item_accounts
            for rank, (txn, kind) in enumerate(zip(transactions, first.kind_of, strict=True)):
                if txn.date >= start:
                    position = rank
                    break
                month = txn.date.year, txn.date.month
                if month not in snapshots:
                    snapshots[month] = (rank, first.state())
                if not items.isdisjoint(kind.balance_sheet):  # the others change no open item
                    first.transaction(txn, kind)
            reached = {id(target.txn): target.txn for item in first.open_items()
                       for target in item.parts if target.bucket == AGGREGATE}
            resume = min(((txn.date.year, txn.date.month) for txn in reached.values()), default=None)
            position, state = snapshots[resume] if resume else (position, first.state())
            second = _Builder(index, transactions, lambda txn: txn.date >= start or id(txn) in reached,
                              item_accounts=first.item_accounts)
            second.restore(state)
            for txn, kind in zip(transactions[position:], first.kind_of[position:], strict=True):
                if txn.date > end:
                    break
                second.transaction(txn, kind)
            second.problems = [p for p in second.problems if p[0].date >= start]  # the first walk has the rest
            second.misattributed = [m for m in second.misattributed if m[0].date >= start]
            second.tied = [m for m in second.tied if m[0].date >= start]
            return second.cashbook(earlier=first)
        except _NeedsDetail:
            return cls._walk(entries, index, None)


def unexplained_message(amount: Decimal, account: str) -> str:
    """Why money that settles nothing makes the figures unsure, and what to do."""
    text = (f"{money(amount)} sur {account} ne règle rien d'ouvert sur ce compte (aucune facture ni dette "
            "restant due, ou le règlement dépasse ce que doivent les pièces qu'il nomme) : enregistrez "
            "la facture avant son règlement, ou liez le règlement à sa pièce par son ^numéro")
    if amount < 0:  # money out towards a receivable, or in from a payable with nothing owed
        text += (" ; un chèque impayé ou un remboursement se passe en face de la recette (Income:…), "
                 "pas de la créance")
    return text


def problem_errors(cashbook: Cashbook, *, before: datetime.date | None = None) -> list:
    """The cash book's :attr:`~Cashbook.problems` and :attr:`~Cashbook.misattributed` (those
    dated before ``before``) as errors at their line."""
    return [*(CashbookError(source_of(txn), unexplained_reason(cashbook, txn, account, amount), txn)
              for txn, account, amount in cashbook.problems if before is None or txn.date < before),
            *misattribution_errors(cashbook, lambda day: before is None or day < before)]


def unexplained_reason(cashbook: Cashbook | None, txn: data.Transaction, account: str, amount: Decimal) -> str:
    """Why money that settled nothing makes the figures unsure (:func:`unexplained_message`), or
    why a payment naming its document settled nothing when that document is of the same day but
    comes after it in Beancount's order (by line number, even across files)."""
    return (cashbook is not None and _later_same_day(cashbook, txn, account)) or unexplained_message(amount, account)


def _later_same_day(cashbook: Cashbook, txn: data.Transaction, account: str) -> str | None:
    if not txn.links:
        return None
    for item in cashbook.items.get(account, ()):
        if item.date == txn.date and item.txn is not txn and not txn.links.isdisjoint(item.links):
            return (f"ce règlement nomme {', '.join(sorted(txn.links & set(item.links)))}, du même jour "
                    f"({where(item.txn.meta)}), mais Beancount le range avant : le même jour, il range les "
                    "écritures par numéro de ligne, même d'un fichier à l'autre ; écrivez le règlement sous la "
                    "pièce, dans son fichier, ou, payé à la séance, dans l'écriture de la pièce elle-même (la ligne "
                    "de banque à la place de la créance)")
    return None


def misattribution_errors(cashbook: Cashbook, dated: Callable[[datetime.date], bool]) -> list:
    """The :attr:`~Cashbook.misattributed` payments whose date ``dated`` accepts, as errors at their line."""
    errors = []
    for txn, account, taken, own in cashbook.misattributed:
        if dated(txn.date):
            errors.append(CashbookError(source_of(txn), (
                f"le règlement de « {txn.payee} » sur {account} règle, par ordre d'ancienneté, la pièce de "
                f"« {taken.payee} » du {french_date(taken.date)} ({where(taken.meta)}) alors que la pièce de "
                f"« {own.payee} » du {french_date(own.date)} ({where(own.meta)}) reste due : liez le règlement "
                "à la pièce qu'il paie (^numéro, reglement-de:), l'année et la ligne de la dépense ou de la "
                "recette en dépendent"), txn))
    for txn, account, items in cashbook.tied:
        if dated(txn.date):
            listed = ", ".join(f"« {item.narration or item.payee} » ({where(item.meta)})" for item in items)
            errors.append(CashbookError(source_of(txn), (
                f"le règlement de {money(abs(_moved(txn, account)))} sur {account} ne nomme pas sa pièce, et les "
                f"plus anciennes pièces dues sont du même jour, le {french_date(items[0].date)}, de natures "
                f"différentes : {listed} ; laquelle il règle dépend de l'ordre des lignes dans le fichier, et "
                "le statut, la ligne ou l'année de la recette ou de la dépense en dépendent : liez le "
                "règlement à la pièce qu'il paie (^numéro, reglement-de:)"), txn))
    return errors


def _moved(txn: data.Transaction, account: str) -> Decimal:
    """What ``txn`` moves on ``account`` (its postings there, in their own units)."""
    return sum((p.units.number for p in txn.postings if p.account == account and p.units is not None), ZERO)


def funding_accounts(index: LedgerIndex, used: Iterable[str], roots: dict[str, str | None] | None = None
                     ) -> frozenset[str]:
    """The accounts of a transaction that stand for the treasury when none of its accounts is
    treasury that day: money paid or received outside the treasury still counts on its date.

    Its ``Equity:`` accounts (personal funds: an expense paid with the practitioner's own
    card, a patient's cheque cashed on a personal account) when it also moves income,
    expenses or receivables and payables; else, with income or expenses and no receivable or
    payable, its other non-treasury balance-sheet accounts (an expense paid from the deposit
    or directly by the lender, a cheque received on a ``neutre`` "cheques to remit" account).
    ``roots``: each account's root type, when the caller knows them.
    """
    roots = roots if roots is not None else {account: index.root_type(account) for account in used}
    pnl = not _PNL_ROOTS.isdisjoint(roots.values())
    equity = frozenset(a for a, root in roots.items() if root == "equity")
    balance_sheet = frozenset(a for a, root in roots.items()
                              if root in ("assets", "liabilities") and a not in index.treasury_from)
    roles = roles_of(index)
    has_items = ITEM in {roles.role(a) for a in balance_sheet}  # no early exit: the same work in any order
    if equity and (pnl or has_items):
        return equity
    return balance_sheet if pnl and not has_items else frozenset()


def _balanced_one(postings: list[data.Posting], account: str, currency: str) -> data.Posting | None:
    """The one posting on ``account`` of ``postings`` all in ``currency`` and summing to zero exactly;
    None if they are not."""
    moved, total = None, ZERO
    for posting in postings:
        units = posting.units
        if units is None or units.currency != currency:
            return None
        total += units.number
        if posting.account == account:
            if moved is not None:
                return None
            moved = posting
    return None if total else moved


def _shadow_pattern(kind: _Kind, reached: set[str]) -> tuple[str, bool] | None:
    """(item account, whether its remainder becomes an item) for the transactions of ``kind``
    that ``_Builder._shadowed`` may follow apart: one item account and income or expense lines
    without treasury (a note), or one item account and treasury only (a payment); else None."""
    items = kind.balance_sheet & reached
    if len(items) != 1 or kind.has_equity:
        return None
    (account,) = items
    if kind.pnl:
        return (account, True) if not kind.treasury and not kind.funding and len(kind.balance_sheet) == 1 else None
    return (account, False) if kind.treasury and kind.balance_sheet == items | kind.treasury_set else None


def _transactions(entries: Sequence[data.Directive]) -> list[data.Transaction]:
    return [entry for entry in entries if type(entry) is data.Transaction]


class _Roots(dict):
    """Account -> root type (``income``, ``expenses``…), computed once per account."""

    def __init__(self, index: LedgerIndex) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, account: str) -> str | None:
        root = self[account] = self.index.root_type(account)
        return root


class _NeedsDetail(Exception):
    """A pro-rata split would mix an aggregate with another target: walk in full."""


@dataclass
class _State:
    """The open items of a walk at one moment, in queue order (copies: a walk mutates them)."""

    unlinked: dict[str, list[OpenItem]]
    linked: dict[str, list[OpenItem]]
    named: set[tuple[str, str]]  # every (account, number) an item carried so far


class _Kind(NamedTuple):
    """What a transaction's accounts are, shared by the transactions using the same set."""

    treasury: tuple[str, ...]  # its treasury accounts (each from its option's date)
    treasury_since: datetime.date  # the first day one of them is treasury (date.max: none)
    treasury_all: datetime.date  # the first day all of them are (date.max: none)
    treasury_set: frozenset[str]  # ``treasury`` as a set
    balance_sheet: frozenset[str]  # its asset and liability accounts
    pnl: frozenset[str]  # its income and expense accounts
    funding: frozenset[str]  # what pays or receives instead of a treasury account (see _new_kind)
    has_equity: bool  # an Equity account among them (opening balances, drawings)


class _Builder:
    """The single pass behind ``Cashbook.build``."""

    def __init__(self, index: LedgerIndex, transactions: Sequence[data.Transaction],
                 detail: Callable[[data.Transaction], bool] | None = None,
                 focus: set[int] | None = None, item_accounts: set[str] | None = None, *,
                 shadow: bool = False) -> None:
        self.index = index
        self.detail = detail
        self.settlements: list[Settlement] = []
        # Treasury accounts, each from the date its option was declared.
        # (the declared accounts and every account below them: ``LedgerIndex.treasury_from``).
        self.treasury_from: dict[str, datetime.date] = index.treasury_from
        self.currency = index.currency
        self.root = _Roots(index)
        self.all_items: dict[str, list[OpenItem]] = defaultdict(list)
        self.unlinked: dict[str, deque[OpenItem]] = defaultdict(deque)
        self.linked: dict[str, deque[OpenItem]] = defaultdict(deque)
        self.by_link: dict[tuple[str, str], list[OpenItem]] = defaultdict(list)
        # Open items by (account, sign of their balance): a payment stops looking as
        # soon as no item of the opposite sign is left, and an invoice (same sign as
        # every open item) does not walk the queue at all.
        self.open_count: dict[tuple[str, int], int] = defaultdict(int)
        self.buckets: dict[tuple[str, str], Target] = {}
        self._keys: tuple[data.Transaction | None, tuple[str, ...]] = (None, ())  # of the last item made
        self.walked: list[int] | None = None  # with focus: the positions of the transactions to walk
        self.kind_of: list[_Kind] = []  # by position: what each transaction's accounts are
        self.kinds: dict[frozenset[str], _Kind] = {}  # by set of accounts
        self.recording = True  # False: keep the open items only (a walk to a later start)
        self.problems: list[tuple[data.Transaction, str, Decimal]] = []  # unexplained money, recorded or not
        self.misattributed: list[tuple[data.Transaction, str, data.Transaction, data.Transaction]] = []
        self.tied: list[tuple[data.Transaction, str, tuple[data.Transaction, ...]]] = []  # see Cashbook.tied
        self.natures: dict[int, frozenset] = {}  # id(txn) -> _nature
        self.one_nature: dict[tuple[str, datetime.date], bool] = {}  # (account, past day) -> see _check_tie
        self.by_day: dict[tuple[str, datetime.date], list[OpenItem]] = {}  # (account, date) -> its items (made, or open on restore)
        self.pnl_lines: dict[frozenset[str], tuple[tuple[str, bool], ...] | None] = {}  # see _pnl_lines
        self.payee_words: dict[str, tuple[str, ...]] = {}  # a payee -> its words, as compared
        # What the income and expense lines of a transaction that settles items take back
        # (a credit note set against its invoice: ``_claims``), read once per such transaction.
        self.pnl_txn: data.Transaction | None = None  # the transaction walked, if it has such lines
        self.claims_txn: data.Transaction | None = None  # whose lines ``claims`` are
        self.claims: list[list] = []  # [account, status (or its posting's index), amount left (parts' sign)]
        self.claims_unsure = False  # an aggregate was settled under claims: their rest is the full walk's
        self.beyond: list[tuple[dict[Target, Decimal], Decimal]] = []  # see _take_back
        self.moved: dict[Target, Decimal] = {}  # what a credit note moves between its items' lines (_move)
        self.moved_keys: list[tuple[tuple[int, int], Decimal]] = []  # what ``moved`` takes off each line
        # By (id(txn), posting index) of a line: what credit notes took back of it, what they moved off it.
        self.taken_back: dict[tuple[int, int], Decimal] = {}
        self.moved_off: dict[tuple[int, int], Decimal] = {}
        self.classifier: Classifier | None = None  # made on the first credit note
        self.statuses: dict[int, dict[int, tuple[str, str]]] = {}  # id(txn) -> posting index -> status
        # Item account -> payee words -> its items, built on the account's first payee check
        # (``_check_payee``) and kept by ``_create`` from then on.
        self.by_payee: dict[str, dict[tuple[str, ...], list[OpenItem]]] = {}
        self.unpriced: dict[int, tuple[data.Transaction, data.Posting]] = {}  # postings of no known euro value
        # A walk with focus may follow apart, by their balance alone, the items of the numbers no
        # focused transaction shares (``_shadowed``): position -> what its one posting does.
        self.shadowed: dict[int, tuple[tuple[str, str], Decimal, int]] = {}
        self.shadow_balance: dict[tuple[str, str], Decimal] = {}  # (account, number) -> its items' balance
        self.shadow_count: dict[tuple[str, int], int] = {}  # (account, sign) -> numbers of that balance
        # The numbers followed apart without being walked at all (``_shadowed``), by (account, sign of
        # their balance): when they are open, as (their first positions, the running latest of their last).
        self.paid_down: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
        self.position = 0  # the position of the transaction walked (read against ``paid_down``)
        if item_accounts is None:
            item_accounts = self._scan(transactions, focus)
            if shadow and self.walked:
                self.shadowed = self._shadowed(transactions, focus, item_accounts)
        self.item_accounts = item_accounts

    def cashbook(self, earlier: _Builder | None = None) -> Cashbook:
        unpriced = {**earlier.unpriced, **self.unpriced} if earlier else self.unpriced
        return Cashbook(self.settlements, dict(self.all_items),
                        problems=[*(earlier.problems if earlier else ()), *self.problems],
                        misattributed=[*(earlier.misattributed if earlier else ()), *self.misattributed],
                        tied=[*(earlier.tied if earlier else ()), *self.tied],
                        unpriced=[unpriced_error(txn, posting, self.currency) for txn, posting in unpriced.values()])

    # --- account kinds ---------------------------------------------------------------

    def _scan(self, transactions: Sequence[data.Transaction], focus: set[int] | None) -> set[str]:
        """The item accounts: the receivables and payables by role (``roles``).

        With ``focus`` (transaction ids), only those the focused transactions'
        items can reach: their own, and from any of them the other item accounts
        of a transaction without treasury (it moves items between them); and
        ``walked``, the focused transactions and those touching these accounts.
        """
        without_treasury: set[frozenset[str]] = set()  # balance-sheet accounts of those transactions
        start: set[str] = set()
        focused: list[int] = []
        self.kind_of = kind_of = []
        kinds, new_kind = self.kinds, self._new_kind
        account_of = _ACCOUNT
        # The accounts the chain's first sweep read, for the transactions whose postings it read.
        sets = self.index.account_sets
        read_postings, read_ids = (sets.postings, sets.ids) if sets is not None else ((), ())
        read = len(read_ids)
        by_id: list[_Kind | None] = [None] * len(sets.accounts) if sets is not None else []
        for position, txn in enumerate(transactions):
            postings = txn.postings
            if position < read and read_postings[position] is postings:
                set_id = read_ids[position]
                kind = by_id[set_id]
                if kind is None:
                    used = frozenset(sets.accounts[set_id])
                    kind = by_id[set_id] = kinds.get(used) or new_kind(used)
            else:
                used = frozenset(map(account_of, postings))
                kind = kinds.get(used) or new_kind(used)  # _kind, inlined: once per transaction
            kind_of.append(kind)
            if focus is not None and id(txn) in focus:
                focused.append(position)
                start |= kind.balance_sheet
            if txn.date < kind.treasury_since:
                without_treasury.add(kind.balance_sheet)
        roles = roles_of(self.index)
        accounts = roles.items(set().union(*(kind.balance_sheet for kind in kinds.values())))
        if focus is None:
            return accounts
        moves: dict[str, set[str]] = defaultdict(set)  # item account -> those its items move to/from
        for balance_sheet in without_treasury:
            for account in balance_sheet:
                moves[account] |= balance_sheet & accounts
        reached, todo = set(), [a for a in start if a in accounts]
        while todo:
            account = todo.pop()
            if account not in reached:
                reached.add(account)
                todo.extend(moves.get(account, ()))
        # Each kind is one object per set of accounts: known by its id (a NamedTuple's hash reads
        # every field, at each of the ledger's transactions).
        touching = {id(kind) for kind in kinds.values() if not reached.isdisjoint(kind.balance_sheet)}
        chosen = set(focused)
        self.walked = [p for p, kind in enumerate(kind_of) if id(kind) in touching or p in chosen]
        return reached

    def _shadowed(self, transactions: Sequence[data.Transaction], focus: set[int], reached: set[str]
                  ) -> dict[int, tuple[tuple[str, str], Decimal, int]]:
        """The walked transactions whose items can be followed by their balance alone (``shadow``):
        position -> ((item account, number), amount, what its remainder does: ``_PAYMENT``…).

        A transaction qualifies when it is not focused, moves one item account by one posting
        in euros to the cent naming one number there, and is either a note (income or expense
        lines in euros, no treasury, balanced exactly: its remainder becomes an item of that
        number; a credit note under a number of its own must leave none) or a payment (treasury
        only: its remainder settles nothing) — and when no other walked transaction names or
        carries that number on that account (a focused one, or one of another shape). A payment
        naming a number settles that number's items only, so such a number's items meet the
        others only where a posting names a number no item carries yet: it takes the oldest
        items of the other sign, and ``shadow``, ``_consume`` and ``check_paid_down`` refuse
        (``_NeedsDetail``) whenever such items exist on the other side. So the walk is exact.
        None is followed apart on an account where a walked payment names nothing (it would
        take such items as soon as one is open).

        A number that starts with a note and is then only taken down, by payments and credit
        notes, never below zero, is not even walked: its balance keeps the note's sign, it
        leaves no money settling nothing, and it is open from its note to the payment that
        brings it to zero (or to the end). That is all the others see of it (``paid_down``,
        read by ``_covered``); the one check its note makes, that no item of the other sign is
        open then, is ``check_paid_down``'s. ``walked`` loses such numbers' positions.
        """
        patterns: dict[int, tuple[str, bool] | None] = {}  # by id(kind), as in _scan
        events: dict[tuple[str, str], list[tuple[int, Decimal, int]]] = {}  # by number, in ledger order
        qualified: set[int] = set()
        kind_of, currency = self.kind_of, self.currency
        for position in self.walked:
            kind = kind_of[position]
            pattern = patterns.get(id(kind), False)
            if pattern is False:
                pattern = patterns[id(kind)] = _shadow_pattern(kind, reached)
            if pattern is None:
                continue
            txn = transactions[position]
            if id(txn) in focus:
                continue
            account, creates = pattern
            postings = txn.postings
            if not creates:  # a payment: its treasury lines are not read
                if txn.date < kind.treasury_all:
                    continue
                if len(postings) == 2:  # the usual one: its item line and its bank line
                    moved = postings[0] if postings[0].account == account else postings[1]
                else:
                    on_account = [p for p in postings if p.account == account]
                    if len(on_account) != 1:
                        continue
                    moved = on_account[0]
                units = moved.units
                if units is None or units.currency != currency:
                    continue
            else:
                moved = _balanced_one(postings, account, currency)
                if moved is None:
                    continue
            amount = moved.units.number
            if not amount or amount % CENT:
                continue
            number = _one_number(txn, moved, creates)
            if number is not None:
                fact = (position, amount, _NOTE if creates else _PAYMENT)
            elif creates:  # a credit note naming the invoice it takes down, under its own number
                keys = _settled_keys(txn, moved)
                if len(keys) != 1:
                    continue
                number, fact = keys[0], (position, amount, _CREDIT)
            else:
                continue
            qualified.add(position)
            node = (account, number)
            known = events.get(node)
            if known is None:
                events[node] = [fact]
            else:
                known.append(fact)
        if not events:
            return {}
        walked_accounts = {pattern[0] for pattern in patterns.values() if pattern}  # theirs, and maybe more
        # The numbers the other walked transactions name or carry on those accounts are theirs.
        walked: list[int] = []
        taken: set[tuple[str, str]] = set()
        for position in self.walked:
            if position in qualified:
                continue
            walked.append(position)
            kind = kind_of[position]
            accounts = walked_accounts.intersection(kind.balance_sheet)
            if not accounts:
                continue
            txn = transactions[position]
            carried = _item_keys(txn)
            for posting in txn.postings:
                if posting.account in accounts:
                    named = _settled_keys(txn, posting)
                    if not named and kind.treasury:
                        # A payment naming nothing takes the oldest items, those followed apart too
                        # as soon as one is open: the walk would refuse there; walk in full at once.
                        return {}
                    taken.update((posting.account, key) for key in (*carried, *named))
        found: dict[int, tuple[tuple[str, str], Decimal, int]] = {}
        spans = self.paid_down
        end = len(kind_of)  # after the last transaction: still open
        for node, facts in events.items():
            if node in taken:  # walked in full
                walked.extend(fact[0] for fact in facts)
                continue
            # A number only paid down after its note is not walked (see above).
            first, amount, mode = facts[0]
            if mode == _NOTE:
                sign = 1 if amount > ZERO else -1
                left = amount if sign > 0 else -amount
                for _, paid, mode in itertools.islice(facts, 1, None):
                    if mode == _NOTE or (paid > ZERO if sign > 0 else paid < ZERO):
                        break
                    left += paid if sign > 0 else -paid
                    if left < ZERO:
                        break
                else:
                    span = spans.get((node[0], sign))
                    if span is None:
                        span = spans[(node[0], sign)] = ([], [])
                    span[0].append(first)
                    span[1].append(facts[-1][0] if not left else end)
                    continue
            for position, amount, mode in facts:
                found[position] = (node, amount, mode)
                walked.append(position)
        for _, ends in spans.values():  # each the latest of those before it
            ends[:] = itertools.accumulate(ends, max)
        walked.sort()
        self.walked = walked
        return found

    def _covered(self, key: tuple[str, int]) -> bool:
        """Whether a number paid down apart (``_shadowed``) is open on (account, sign) at ``position``."""
        spans = self.paid_down.get(key)
        if spans is None:
            return False
        starts, ends = spans
        before = bisect.bisect_left(starts, self.position)
        return before > 0 and ends[before - 1] > self.position

    def check_paid_down(self, position: int, following: int) -> None:
        """Refuse when the note of a number paid down apart (``_shadowed``) made between ``position`` (just walked) and
        ``following`` (the next walked) would have met an open item of the other sign: it would
        have taken it, as the first posting of any number takes the oldest items."""
        for (account, sign), (starts, _) in self.paid_down.items():
            if self.open_count.get((account, -sign)) or self.shadow_count.get((account, -sign)):
                after = bisect.bisect_right(starts, position)
                if after < len(starts) and starts[after] < following:
                    raise _NeedsDetail

    def shadow(self, txn: data.Transaction, node: tuple[str, str], amount: Decimal, mode: int) -> None:
        """Walk a transaction of ``_shadowed`` on the balance of its number's items: what
        ``transaction`` does to them (their balance has one sign) and to money that settles nothing.
        A credit note (``_CREDIT``) settles its number's items and must leave nothing: what it
        left would be an item of its own numbers."""
        account = node[0]
        balance = self.shadow_balance.get(node)
        counts = self.shadow_count
        sign = 1 if amount > ZERO else -1
        if balance is None:  # no item carries the number yet: the posting takes the oldest of the other sign
            if mode == _CREDIT or self.open_count.get((account, -sign)) or counts.get((account, -sign)) \
                    or (self.paid_down and self._covered((account, -sign))):
                raise _NeedsDetail
            if mode == _NOTE:
                self.shadow_balance[node] = amount
                counts[(account, sign)] = counts.get((account, sign), 0) + 1
            else:
                self.problems.append((txn, account, -amount))
            return
        before = _sign(balance)
        rest = amount
        if before == -sign:  # its number's items of the other sign, as far as they go
            taken = min(abs(amount), abs(balance))
            balance -= taken * before
            rest += taken * before
        if rest:
            if mode == _NOTE:
                balance += rest
            elif mode == _PAYMENT:
                self.problems.append((txn, account, -rest))
            else:
                raise _NeedsDetail
        after = _sign(balance)
        if after != before:
            if before:
                counts[(account, before)] -= 1
            if after:
                counts[(account, after)] = counts.get((account, after), 0) + 1
        self.shadow_balance[node] = balance

    def _kind(self, txn: data.Transaction) -> _Kind:
        """What the accounts of ``txn`` are. A ledger repeats a few sets of accounts
        (every FSE lot has the same): each set is sorted out once."""
        used = frozenset(map(_ACCOUNT, txn.postings))
        return self.kinds.get(used) or self._new_kind(used)

    def _new_kind(self, used: frozenset[str]) -> _Kind:
        """Sort out a set of accounts (its funding accounts: :func:`funding_accounts`)."""
        roots = dict(zip(used, (self.root[a] for a in used), strict=True))
        treasury = tuple(a for a in used if a in self.treasury_from)
        kind = self.kinds[used] = _Kind(
            treasury, min((self.treasury_from[a] for a in treasury), default=datetime.date.max),
            max((self.treasury_from[a] for a in treasury), default=datetime.date.max), frozenset(treasury),
            frozenset(a for a, root in roots.items() if root in ("assets", "liabilities")),
            frozenset(a for a, root in roots.items() if root in _PNL_ROOTS),
            funding_accounts(self.index, used, roots), "equity" in roots.values())
        return kind

    # --- open items ------------------------------------------------------------------

    def open_items(self) -> list[OpenItem]:
        return [item for queues in (self.unlinked, self.linked) for queue in queues.values()
                for item in queue if item.balance]

    def state(self) -> _State:
        """A copy of the open items, to resume a walk from (``restore``)."""
        def copy(queues: dict[str, deque[OpenItem]]) -> dict[str, list[OpenItem]]:
            return {account: [OpenItem(i.account, i.date, i.txn, i.links, dict(i.parts)) for i in queue if i.balance]
                    for account, queue in queues.items()}
        return _State(copy(self.unlinked), copy(self.linked), set(self.by_link))

    def restore(self, state: _State) -> None:
        """Start from ``state``, whose items this walk now owns and settles."""
        for key in state.named:  # numbers already used: a payment naming them settles nothing else
            self.by_link.setdefault(key, [])
        for queues, saved in ((self.unlinked, state.unlinked), (self.linked, state.linked)):
            for items in saved.values():
                for item in items:
                    queues[item.account].append(item)
                    self.all_items[item.account].append(item)
                    self.by_day.setdefault((item.account, item.date), []).append(item)
                    self.open_count[(item.account, _sign(item.balance))] += 1
                    for link in item.links:
                        self.by_link[(item.account, link)].append(item)

    def _bucket(self, bucket: str, account: str) -> Target:
        """The one neutral or unexplained target of ``account`` (targets compare by identity)."""
        target = self.buckets.get((bucket, account))
        if target is None:
            target = self.buckets[(bucket, account)] = Target(bucket, account)
        return target

    def _consume(self, account: str, amount: Decimal, txn: data.Transaction,
                 posting: data.Posting) -> tuple[dict[Target, Decimal], Decimal]:
        """Settle up to ``amount`` (posting sign) of items of opposite sign on ``account``.

        A payment naming items of this account (a shared link, ``reglement-de:``,
        ``lot:``, ``avoir-de:``) settles those only, oldest first. Any other
        payment settles the unlinked items (oldest first), then the linked ones
        (oldest first) — so a grouped remittance without link never eats an invoice
        awaiting its own linked payment while unlinked items are open. Returns the consumed parts (cash equivalents)
        and the remainder that found no item (an invoice, usually: nothing of
        opposite sign is open, and the payment's keys are never read). The parts
        returned are the caller's to read, never to change.
        """
        if not amount:
            return _NOTHING, amount
        # The remainder keeps its sign down to zero: only items of the opposite sign
        # settle it, and ``left`` is its size.
        paying_debits = amount < ZERO
        settleable = (account, 1 if paying_debits else -1)
        counts = self.open_count
        if not counts.get(settleable) and not self.shadow_count.get(settleable) and \
                not (self.paid_down and self._covered(settleable)):
            return _NOTHING, amount
        consumed: dict[Target, Decimal] = {}
        left = -amount if paying_debits else amount
        claims = self._claims(txn) if self.pnl_txn is txn else None
        # A payment naming its invoices or lots settles those only: what it pays beyond
        # them is left over (the reconciliation shows it), never someone else's item.
        named: list[OpenItem] | None = None  # the items of the numbers it names, number by number
        by_link = self.by_link
        for link in _settled_keys(txn, posting):
            items = by_link.get((account, link))
            if items is not None:
                named = items if named is None else [*named, *items]
        if named is None and (self.shadow_count.get(settleable) or (self.paid_down and self._covered(settleable))):
            raise _NeedsDetail  # the oldest items it would take may be among those followed apart
        unlinked, linked_queue = self.unlinked.get(account), self.linked.get(account)
        candidates = named if named is not None else itertools.chain(unlinked or (), linked_queue or ())
        taken: list[OpenItem] | None = None if named is not None else []  # oldest first, by a payment naming none
        for item in candidates:
            if not left or not counts[settleable]:
                break
            size = item.balance if paying_debits else -item.balance
            if size <= ZERO:  # settled already, or of the payment's own sign
                continue
            if left >= size:
                if claims:
                    self._claim_whole(item.parts, claims)
                # The whole item: its parts are already cents (every item is made by
                # _split), so _split(parts, balance) would return them unchanged.
                portion, item.parts, item.balance = item.parts, {}, ZERO
                counts[settleable] -= 1
                left -= size
            else:
                total = left if paying_debits else -left
                portion = self._credited(item.parts, total, claims) if claims else self._split(item.parts, total)
                item.parts = {t: rest for t, v in item.parts.items()
                              if (rest := v - portion[t] if t in portion else v)}
                item.balance = sum(item.parts.values(), ZERO)
                left = ZERO
            if consumed:
                for target, value in portion.items():
                    consumed[target] = consumed.get(target, ZERO) + value
            else:
                consumed.update(portion)
            if taken is not None:
                taken.append(item)
        if taken:  # what « oldest first » chose: checked against the payee, and the last day's items
            if txn.payee:
                self._check_payee(account, txn, taken, paying_debits)
            self._check_tie(account, txn, taken, paying_debits)
        for queue in (unlinked, linked_queue):
            while queue and not queue[0].balance:
                queue.popleft()
        return consumed, -left if paying_debits else left

    # --- credit notes: what their lines take back ------------------------------------------

    def _claims(self, txn: data.Transaction) -> list[list]:
        """What the income and expense postings of ``txn`` take back of the items it settles.

        A credit note (« avoir ») set against its invoice's receivable cancels some of the
        invoice's lines, not a share of each: its income posting names the line by its account
        and, on a note of several lines on that account, by its convention and VAT status (the
        status an avoir keeps, checked by the invoice book). One ``[account, status, amount]``
        per account and status, in posting order (the status as the index of the posting when
        the transaction has one line on the account: read only when needed), the amount with
        the sign of the parts it takes back (an invoice's receipt is a positive part; the
        credit note's income posting is a debit). ``_take_back`` lowers the amounts as the
        items give them.
        """
        if self.claims_txn is not txn:
            self.claims_txn, self.claims_unsure = txn, False
            self.moved, self.moved_keys = {}, []
            roots, currency = self.root, self.currency
            lines: list[tuple[int, str, Decimal]] = []
            for i, posting in enumerate(txn.postings):
                if roots[posting.account] in _PNL_ROOTS:
                    units = posting.units
                    amount = units.number if units.currency == currency else euros(posting, currency)
                    lines.append((i, posting.account, units.number if amount is None else amount))
            if len({account for _, account, _ in lines}) == len(lines):  # one line per account (most)
                # Its status is read only if the item has lines of several statuses on its account.
                self.claims = [[account, i, amount] for i, account, amount in lines if amount]
            else:
                statuses = self._statuses(txn)
                by_status: dict[tuple[str, tuple[str, str] | None], Decimal] = {}
                for i, account, amount in lines:
                    key = (account, statuses.get(i))
                    by_status[key] = by_status.get(key, ZERO) + amount
                self.claims = [[account, status, amount] for (account, status), amount in by_status.items() if amount]
        return self.claims

    def _statuses(self, txn: data.Transaction) -> dict[int, tuple[str, str]]:
        """The (convention, VAT) status of each receipt posting of ``txn``, by posting index
        (``classify``: the statuses the 2035's social split and the 293 B franchise read)."""
        found = self.statuses.get(id(txn))
        if found is None:
            if self.classifier is None:
                self.classifier = Classifier(self.index)
            indices, fields, _ = self.classifier.lines(txn)
            found = self.statuses[id(txn)] = {i: (line[0], line[1]) for i, line in zip(indices, fields)}
        return found

    def _lines_of(self, parts: dict[Target, Decimal], account: str, status: tuple[str, str] | int | None
                  ) -> list[Target]:
        """The parts a credit line on ``account`` of ``status`` (or of the status of the claiming
        transaction's posting of that index) takes back: those of its account and, when the note
        has lines of several statuses on it, of its own (none, when payments took it whole); of a
        status the note does not have on it, all of its account."""
        found = [t for t in parts if t.account == account and t.txn is not None and t.bucket in (INCOME, EXPENSE)]
        if not found:
            return found
        txn = found[0].txn
        if any(t.txn is not txn for t in found):  # parts of several transactions: theirs only
            statuses_of = [self._statuses(t.txn).get(t.index) for t in found]
            if len(set(statuses_of)) > 1:
                if isinstance(status, int):
                    status = self._statuses(self.claims_txn).get(status)
                found = [t for t, of in zip(found, statuses_of, strict=True) if of == status] or found
            return found
        # The statuses of every line of the note on the account, those paid off too.
        statuses = self._statuses(txn)
        written = {statuses.get(i) for i, posting in enumerate(txn.postings) if posting.account == account}
        if len(written) > 1:
            if isinstance(status, int):
                status = self._statuses(self.claims_txn).get(status)
            if status in written:
                return [t for t in found if statuses.get(t.index) == status]
        return found

    def _take_back(self, parts: dict[Target, Decimal], total: Decimal, claims: list[list]
                   ) -> tuple[dict[Target, Decimal], Decimal]:
        """Take up to ``total`` (cents, the parts' sign) of ``parts`` for ``claims``, each line
        from its own parts (pro rata among them, when it has several); returns what is taken
        and what is left of ``total``. A claim beyond what is left of its lines (a partial
        payment already spread over them) keeps its rest, noted in :attr:`beyond`; the caller
        spreads the rest of ``total`` pro rata, as a payment (and :meth:`_move` follows)."""
        sign = _sign(total)
        taken: dict[Target, Decimal] = {}
        left = total
        self.beyond = []  # each claim's lines here when they are exhausted, and what it wanted beyond them
        for claim in claims:
            if not left:
                break
            account, status, amount = claim
            if _sign(amount) != sign:
                continue
            lines = {t: rest for t in self._lines_of(parts, account, status)
                     if _sign(rest := parts[t] - taken.get(t, ZERO)) == sign}
            if not lines:
                self._note_beyond(parts, taken, account, status, amount)  # paid already, if it is here
                continue
            available = sum(lines.values(), ZERO)
            take = (min(abs(amount), abs(available), abs(left)) * sign).quantize(CENT, ROUND_HALF_EVEN)
            share = lines if take == available else _split(lines, take)
            for target, value in share.items():
                taken[target] = taken.get(target, ZERO) + value
                key = (id(target.txn), target.index)
                self.taken_back[key] = self.taken_back.get(key, ZERO) + value
            if take == available and abs(amount) > abs(available):  # its lines here are exhausted
                self._note_beyond(parts, taken, account, status, amount - take)
            claim[2] -= take
            left -= take
        return taken, left

    def _note_beyond(self, parts: dict[Target, Decimal], taken: dict[Target, Decimal], account: str,
                     status: tuple[str, str] | int | None, wanted: Decimal) -> None:
        """Note in :attr:`beyond` what a claim wants beyond what is left of its lines in an item:
        at most what payments brought to those lines (billed, less what is left, what credit
        notes took back or moved off), weighted by it. Its lines are the item's parts, or, paid
        off, the postings of the item's transaction on its account (and status)."""
        found = self._lines_of(parts, account, status)
        if not found:
            txn = next((t.txn for t in parts if t.txn is not None and t.bucket in (INCOME, EXPENSE)), None)
            if txn is None:
                return
            bucket = INCOME if self.root[account] == "income" else EXPENSE
            fresh = {Target(bucket, account, txn, i): ZERO for i, p in enumerate(txn.postings) if p.account == account}
            found = self._lines_of(fresh, account, status) if fresh else []
        sign = _sign(wanted)
        paid: dict[Target, Decimal] = {}
        for target in found:
            units = target.txn.postings[target.index].units
            if units.currency != self.currency:
                return  # its weight in euros moved with the rates: nothing is moved
            key = (id(target.txn), target.index)
            value = (-units.number - (parts.get(target, ZERO) - taken.get(target, ZERO))
                     - self.taken_back.get(key, ZERO) - self.moved_off.get(key, ZERO))
            if _sign(value) == sign:
                paid[target] = value
        eligible = sum(paid.values(), ZERO)
        want = (min(abs(wanted), abs(eligible)) * sign).quantize(CENT, ROUND_HALF_EVEN)
        if want:
            self.beyond.append((paid, want))

    def _credited(self, parts: dict[Target, Decimal], total: Decimal, claims: list[list]) -> dict[Target, Decimal]:
        """The portion of an item's ``parts`` that a transaction with income or expense lines
        settles when it does not take the whole item: first what its lines take back
        (``_take_back``), then the rest pro rata — only the rest, when nothing tells which
        line its money pays (a line on an account the item does not carry)."""
        if self.detail is not None and any(t.bucket == AGGREGATE for t in parts):
            # An aggregate hides its lines: what the claims take of them is the full walk's to
            # say. Alone it takes the whole amount, as its lines take it together.
            if len(parts) > 1:
                raise _NeedsDetail
            self.claims_unsure = True
            return self._split(parts, total)
        if self.claims_unsure and any(claim[2] for claim in claims):
            raise _NeedsDetail
        total = total.quantize(CENT, ROUND_HALF_EVEN)
        if len(parts) == 1:  # one line: it takes the whole amount, whatever the claims take of it
            taken, _ = self._take_back(parts, total, claims)
            portion = self._split(parts, total)
            if self.beyond:
                self._move({t: rest for t, v in portion.items() if (rest := v - taken.get(t, ZERO))})
            return portion
        taken, left = self._take_back(parts, total, claims)
        if not taken and not self.beyond:
            return self._split(parts, total)
        if left:
            rest = {t: rest for t, v in parts.items() if (rest := v - taken.get(t, ZERO))}
            instead = self._split(rest, left)
            for target, value in instead.items():
                taken[target] = taken.get(target, ZERO) + value
            self._move(instead)
        return {t: v for t, v in taken.items() if v}

    def _move(self, instead: dict[Target, Decimal]) -> None:
        """Add to :attr:`moved` what a credit note set against an item (no money) moves between
        the item's lines, ``instead`` being the parts it took beyond its claims.

        An earlier payment was spread over every line of the item (pro rata); the credit note
        then cancels a line of which less is left than it takes back (:attr:`beyond`), and takes
        the rest of its amount from the item's other lines. Nothing was received for the
        cancelled line beyond its new amount: what was counted on it beyond that moves, on the
        credit note's day, to the lines taken instead (they were paid). The item's total is
        unchanged; a line's status, its 2035 line and the 293 B turnover follow."""
        instead = {t: v for t, v in instead.items() if t.bucket == INCOME or t.bucket == EXPENSE}
        wanted = sum((abs(want) for _, want in self.beyond), ZERO)
        whole = sum(instead.values(), ZERO)
        moved = min(abs(whole), wanted)
        if not moved:
            return
        sign = _sign(whole)
        parts = _split(instead, moved * sign)
        left = moved
        for lines, want in self.beyond:
            share = min(left, abs(want))
            for target, value in _split(lines, -share * sign).items():
                parts[target] = parts.get(target, ZERO) + value
                self.moved_keys.append(((id(target.txn), target.index), -value))
            left -= share
            if not left:
                break
        for target, value in parts.items():
            self.moved[target] = self.moved.get(target, ZERO) + value

    def _claim_whole(self, parts: dict[Target, Decimal], claims: list[list]) -> None:
        """Lower ``claims`` by what they take back of an item settled whole (its portion is
        every part, whatever they take), so that the next item of the transaction gives only
        the rest."""
        if self.claims_unsure:
            if self.detail is not None and any(claim[2] for claim in claims):
                raise _NeedsDetail  # what its claims take of this item is the full walk's to say
            return
        if self.detail is not None and any(t.bucket == AGGREGATE for t in parts):
            self.claims_unsure = any(claim[2] for claim in claims)
            return
        taken, left = self._take_back(parts, sum(parts.values(), ZERO), claims)
        if left and self.beyond:  # the rest of the item goes with it, instead of what the claims wanted
            self._move({t: rest for t, v in parts.items() if (rest := v - taken.get(t, ZERO))})

    def _words(self, payee: str | None) -> tuple[str, ...]:
        if not payee:
            return ()
        words = self.payee_words.get(payee)
        if words is None:
            words = self.payee_words[payee] = tuple(WORD.findall(plain(payee)))
        return words

    def _check_tie(self, account: str, txn: data.Transaction, taken: list[OpenItem], paying_debits: bool) -> None:
        """Record a payment without link that settled, oldest first, items of one day while
        another item of that day, of another nature, stays open on ``account``: « oldest
        first » cannot choose between items of the same day, and the file's line order did
        (a comment line added moved money between statuses, lines or years).

        The nature of an item is that of its transaction (its income and expense accounts,
        each receipt's status): the same in every walk, aggregated or not."""
        last = taken[-1]
        day, queue = last.date, (self.linked if last.links else self.unlinked).get(account) or ()
        if day < txn.date:  # every item of that day is made: when they are all of one nature, no tie
            one = self.one_nature.get((account, day))
            if one is None:
                of_day = self.by_day.get((account, day), ())
                one = self.one_nature[(account, day)] = self._of_one_nature(
                    {id(item.txn): item.txn for item in of_day}.values())
            if one:
                return
        tie = list(itertools.takewhile(lambda item: item.date == day, reversed(taken)))  # the last day's run
        left: list[OpenItem] = []
        for item in queue:
            if item.date > day:
                break
            size = item.balance if paying_debits else -item.balance
            if item.date == day and size > ZERO:
                left.append(item)
        if not left:
            return
        txns = {id(item.txn): item.txn for item in (*tie, *left)}  # each once, in queue order
        if len(txns) == 1:
            return  # the items of one transaction: one nature
        if not self._of_one_nature(txns.values()):
            self.tied.append((txn, account, tuple(txns.values())))

    def _of_one_nature(self, txns: Iterable[data.Transaction]) -> bool:
        """Whether ``txns`` are all of one :meth:`_nature` (each read once; the first that
        differs decides)."""
        natures = map(self._nature, txns)
        first = next(natures, None)
        return all(nature == first for nature in natures)

    def _nature(self, txn: data.Transaction) -> frozenset:
        """The income and expense accounts of ``txn``, each receipt with its (convention, VAT) status."""
        found = self.natures.get(id(txn))
        if found is None:
            found = self.natures[id(txn)] = self._tagged_nature(txn) or frozenset(
                (posting.account, statuses.get(i)) for statuses in (self._statuses(txn),)
                for i, posting in enumerate(txn.postings) if self.root[posting.account] in _PNL_ROOTS)
        return found

    def _tagged_nature(self, txn: data.Transaction) -> frozenset | None:
        """:meth:`_nature` without classifying, when the convention step's tag says it: one status
        tag and no ``tva:`` on the transaction, its income and expense lines or their accounts'
        ``open`` (each receipt then has that status and its default VAT); None otherwise."""
        tags = txn.tags & _STATUS_TAGS if txn.tags else frozenset()
        if len(tags) > 1 or "tva" in (txn.meta or {}):
            return None
        pnl = self._kind(txn).pnl
        for posting in txn.postings:
            if posting.meta and "tva" in posting.meta and posting.account in pnl:
                return None
        lines = self._pnl_lines(pnl)
        if lines is None:
            return None  # a ``tva:`` on an account's ``open``
        if not any(receipt for _, receipt in lines):
            return frozenset((account, None) for account, _ in lines)
        if not tags:
            return None  # receipts without a status tag (unclassified, or not through the chain)
        (status,) = tags
        fields = (status, default_vat_status(status, self.index, txn.date))
        return frozenset((account, fields if receipt else None) for account, receipt in lines)

    def _pnl_lines(self, pnl: frozenset[str]) -> tuple[tuple[str, bool], ...] | None:
        """Each income and expense account of a set with whether it is a receipt account, or
        None when one of them has a ``tva:`` on its ``open``: read once per set of accounts (a
        ledger's FSE lots share one), not per posting of every tied transaction."""
        if pnl in self.pnl_lines:
            return self.pnl_lines[pnl]
        if self.classifier is None:
            self.classifier = Classifier(self.index)
        lines = None if any(self.index.open_meta(a, "tva") is not None for a in pnl) else \
            tuple((account, self.classifier.is_receipt_account(account)) for account in pnl)
        self.pnl_lines[pnl] = lines
        return lines

    def _check_payee(self, account: str, txn: data.Transaction, taken: list[OpenItem], paying_debits: bool) -> None:
        """Record a payment without link that settled, oldest first, an item of another payee
        while an item of its own payee is still open on ``account``: which one it pays is a
        guess, and the guess may move an expense or a receipt to another year or line."""
        own = self._words(txn.payee)
        if not own:
            return
        stranger = next((i for i in taken if (words := self._words(i.txn.payee)) and words != own), None)
        if stranger is None:
            return
        by_payee = self.by_payee.get(account)
        if by_payee is None:
            by_payee = self.by_payee[account] = defaultdict(list)
            for queue in (self.unlinked.get(account), self.linked.get(account)):
                for item in queue or ():
                    if item.balance:
                        by_payee[self._words(item.txn.payee)].append(item)
        items = by_payee.get(own)
        if not items:
            return
        items[:] = [item for item in items if item.balance]  # settled items never open again
        for item in items:
            size = item.balance if paying_debits else -item.balance
            if size > ZERO and item.txn is not txn:
                self.misattributed.append((txn, account, stranger.txn, item.txn))
                return

    def _split(self, parts: dict[Target, Decimal], total: Decimal) -> dict[Target, Decimal]:
        """``_split``, refusing to round an aggregate together with any other target.

        An aggregate split alone takes the whole amount, exactly what its postings
        take together in the full walk; shared with another target, the rounding
        could differ by a cent.
        """
        if self.detail is not None and len(parts) > 1 and any(t.bucket == AGGREGATE for t in parts):
            raise _NeedsDetail
        return _split(parts, total)

    def _create(self, txn: data.Transaction, account: str, parts: dict[Target, Decimal]) -> None:
        if not parts:
            return
        keys = self._keys
        if keys[0] is not txn:  # a transaction often opens several items (CPAM, mutuelle, patient)
            keys = self._keys = (txn, _item_keys(txn))
        item = OpenItem(account, txn.date, txn, keys[1], parts)  # parts: a fresh dict from the caller
        self.open_count[(account, _sign(item.balance))] += 1
        if self.recording:
            self.all_items[account].append(item)
        day_items = self.by_day.get((account, item.date))
        if day_items is None:
            self.by_day[(account, item.date)] = [item]
        else:
            day_items.append(item)
        (self.linked if item.links else self.unlinked)[account].append(item)
        for link in item.links:
            self.by_link[(account, link)].append(item)
        by_payee = self.by_payee.get(account)
        if by_payee is not None:
            by_payee[self._words(txn.payee)].append(item)

    # --- one transaction ---------------------------------------------------------------

    def transaction(self, txn: data.Transaction, kind: _Kind | None = None) -> None:
        kind = kind or self._kind(txn)
        self.pnl_txn = txn if kind.pnl else None  # its lines may take back what it settles (_claims)
        postings = txn.postings
        treasury: list[data.Posting] = []
        skipped: frozenset[str] | set[str] = frozenset()  # the accounts of ``treasury``
        if kind.treasury:
            day, treasury_from = txn.date, self.treasury_from
            skipped = kind.treasury_set if day >= kind.treasury_all else \
                {a for a in kind.treasury if day >= treasury_from[a]}
            if skipped:
                treasury = [p for p in postings if p.account in skipped]
        funded_by_equity = False
        if not treasury and kind.funding:
            skipped = kind.funding
            treasury, funded_by_equity = [p for p in postings if p.account in skipped], True
        sources: dict[Target, Decimal] = {}  # cash equivalents
        detailed = self.detail is None or self.detail(txn)
        aggregate: Target | None = None
        aggregated = ZERO
        creating: list[tuple[str, Decimal, int]] = []  # item account, remainder, posting index
        paid: list[str] = []  # the item accounts whose items it settles
        currency = self.currency
        item_accounts, pnl, roots = self.item_accounts, kind.pnl, self.root
        for i, posting in enumerate(postings):
            account = posting.account
            if account in skipped:
                continue
            units = posting.units
            if units.currency == currency:
                amount = units.number
            else:  # its weight in euros; without one, an error (its units keep the walk balanced)
                amount = euros(posting, currency)
                if amount is None:
                    amount = units.number
                    self.unpriced[id(posting)] = (txn, posting)
            if account in pnl:
                if not detailed:
                    if aggregate is None:  # its place among the sources, its sum below
                        aggregate = Target(AGGREGATE, AGGREGATE, txn)
                        sources[aggregate] = ZERO
                    aggregated -= amount
                else:
                    sources[Target(INCOME if roots[account] == "income" else EXPENSE, account, txn, i)] = -amount
                continue
            if account in item_accounts:
                consumed, remainder = self._consume(account, amount, txn, posting)
                if consumed:
                    paid.append(account)
                    if sources:
                        for target, value in consumed.items():
                            sources[target] = sources.get(target, ZERO) + value
                    else:  # the usual payment: nothing else yet
                        sources.update(consumed)
                if remainder:
                    creating.append((account, remainder, i))
            else:
                neutral = self._bucket(NEUTRAL, account)
                sources[neutral] = sources.get(neutral, ZERO) - amount
        if aggregate is not None:
            sources[aggregate] = aggregated
        if creating and not pnl and kind.has_equity:
            self._opening(txn, sources, creating)
            creating = []
            if funded_by_equity and not paid:
                # An opening entry without treasury: receivables, payables and other balances
                # (a loan) taken over against Equity: moves no money, written together or apart.
                return

        if treasury:
            self._treasury(txn, treasury, sources, creating, funded_by_equity)
        else:
            self._no_treasury(txn, sources, creating, kind, paid)

    def _opening(self, txn: data.Transaction, sources: dict[Target, Decimal],
                 creating: list[tuple[str, Decimal, int]]) -> None:
        """Receivables and payables carried over against ``Equity:`` (an opening entry).

        Each becomes an item of its own posting: a receipt (or an expense) of the
        year it is paid, classified by ``convention:``/``acte:`` on that posting
        (``classify``). The equity balances them: its neutral share (when the entry
        also moves treasury) shrinks by as much.
        """
        equity = next((t for t, v in sources.items() if t.bucket == NEUTRAL and self.root[t.account] == "equity"),
                      None)
        for account, remainder, i in creating:
            target = Target(INCOME if remainder > 0 else EXPENSE, account, txn, i)
            self._create(txn, account, {target: remainder})
            if equity is not None:
                sources[equity] -= remainder

    def _treasury(self, txn, treasury, sources, creating, funded_by_equity) -> None:
        if creating:
            pnl = {t: v for t, v in sources.items() if t.bucket in _PNL and t.txn is txn}
            left = sum(pnl.values(), ZERO)
        for account, remainder, _ in creating:
            # Part of this transaction's own fees (or costs) left on credit — an FSE
            # lot whose patients' part is paid now, an acompte, a bill partly paid:
            # the rest becomes an open item, taken from what is left of the fees in
            # posting order (so the same facts written split give the same parts).
            if pnl and left and _sign(remainder) == _sign(left) and abs(remainder) <= abs(left):
                share = self._split(pnl, remainder)
                for target, value in share.items():
                    sources[target] -= value
                    pnl[target] -= value
                left -= remainder
                self._create(txn, account, share)
            elif (neutral := self._neutral_source(sources, remainder)) is not None:
                # Part of a neutral purchase left on credit (an asset paid 2 000 now, the rest to
                # the seller): the item is that neutral part, neutral again when paid.
                sources[neutral] -= remainder
                self._create(txn, account, {neutral: remainder})
            else:
                unexplained = self._bucket(UNEXPLAINED, account)
                sources[unexplained] = sources.get(unexplained, ZERO) - remainder
                self.problems.append((txn, account, -remainder))
        if self.recording:  # a walk to a later start keeps no settlement
            main = treasury[0].account if len(treasury) == 1 else \
                max(treasury, key=lambda p: abs(p.units.number)).account
            self._record(txn, main, sources, funded_by_equity)
        # Internal transfers between treasury accounts net to zero and leave no settlement.

    def _neutral_source(self, sources: dict[Target, Decimal], remainder: Decimal) -> Target | None:
        """The neutral part of a transaction (not ``Equity:``) that can carry ``remainder`` on
        credit: of its sign, at least as large (the first in posting order)."""
        sign = _sign(remainder)
        for target, value in sources.items():
            if target.bucket == NEUTRAL and _sign(value) == sign and abs(remainder) <= abs(value) \
                    and self.root[target.account] != "equity":
                return target
        return None

    def _record(self, txn: data.Transaction, main: str, parts: dict[Target, Decimal], funded: bool) -> None:
        """The settlements of ``txn``'s money, one per target."""
        day = txn.date  # tuple.__new__: NamedTuple's Python-level __new__ skipped (one per act paid)
        self.settlements.extend([_new_tuple(Settlement, (day, txn, main, value, target, funded))
                                 for target, value in parts.items() if value])

    def _exchange(self, kind: _Kind, paid: list[str]) -> bool:
        """Whether fees that net to zero without money were still received and paid.

        Yes for a transaction of income and expense accounts only (a
        reclassification between two lines, a service paid with a service), for
        income set against a payable (a supplier paid with a service), and for a
        receivable set against a payable. No for a credit note (income against its
        receivable) or a write-off (an expense against a receivable): nothing was
        received. Decided on the accounts alone, so every walk decides alike.
        """
        if not kind.balance_sheet and not kind.has_equity:
            return True
        sides = {self.root[account] for account in paid}
        pnl_roots = {self.root[account] for account in kind.pnl}
        return ("liabilities" in sides and "income" in pnl_roots) or (not pnl_roots and len(sides) == 2)

    def _no_treasury(self, txn, sources, creating, kind, paid) -> None:
        if creating and paid and not kind.pnl:
            # A receivable set against a payable the ledger does not owe yet (the supplier's
            # bill comes later), or the reverse: what exceeds settles nothing, as money would not.
            sides = {self.root[account] for account in paid}
            excess = [c for c in creating if self.root[c[0]] not in sides]
            if excess:
                for account, remainder, _ in excess:
                    self.problems.append((txn, account, -remainder))
                    sources[self._bucket(UNEXPLAINED, account)] = -remainder
                if self.recording:
                    self._record(txn, next(iter(paid)), sources, True)
                return
        if not creating:
            # Items paid from outside the treasury (a supplier bill paid by the lender):
            # paid on this date, from the first other account. Fees that net to zero are
            # a credit note set against its invoice or a write-off (nothing was paid),
            # unless the transaction is an exchange (``_exchange``).
            pnl = {t: v for t, v in sources.items() if v and t.bucket in _PNL}
            if pnl and self.recording and (sum(pnl.values(), ZERO) or self._exchange(kind, paid)):
                main = next((t.account for t in sources if t.bucket == NEUTRAL), txn.postings[0].account)
                self._record(txn, main, pnl, True)
            elif self.claims_txn is txn and self.moved:  # a credit note set against its items
                for key, value in self.moved_keys:
                    self.moved_off[key] = self.moved_off.get(key, ZERO) + value
                if self.recording:
                    self._record(txn, txn.postings[0].account, self.moved, False)
            return
        source_parts = {t: v for t, v in sources.items() if v}
        whole = sum(source_parts.values(), ZERO)
        if len(creating) == 1:  # the usual invoice: one item, of every fee (what follows, for one)
            if source_parts and whole:
                account, remainder, _ = creating[0]
                self._create(txn, account, source_parts if remainder == whole else self._split(source_parts, remainder))
            return
        if source_parts and whole:
            # An item running against the fees (VAT collected on a receivable, VAT
            # deductible on a payable) is no part of them: it becomes its own neutral
            # item, and the main items carry it beside the fees.
            sign = _sign(whole)
            main = [(a, r) for a, r, _ in creating if _sign(r) == sign]
            for account, remainder, _ in creating:
                if _sign(remainder) != sign and main:
                    side = self._bucket(NEUTRAL, account)
                    self._create(txn, account, {side: remainder})
                    source_parts[side] = source_parts.get(side, ZERO) - remainder
            # Each item takes its share of what the others left, in posting order:
            # together they take each fee exactly once.
            rest = main or [(a, r) for a, r, _ in creating]
            for n, (account, remainder) in enumerate(rest):
                share = source_parts if n == len(rest) - 1 and remainder == sum(source_parts.values(), ZERO) \
                    else self._split(source_parts, remainder)
                source_parts = {t: v - share.get(t, ZERO) for t, v in source_parts.items()
                                if v - share.get(t, ZERO)}
                self._create(txn, account, dict(share))
            return
        # Balance-sheet only (a fixed asset bought on credit): each new item is made
        # of the other items' accounts, so paying it later lands in a neutral bucket.
        total = sum((r for _, r, _ in creating), ZERO)
        for account, remainder, _ in creating:
            others = {self._bucket(NEUTRAL, a): -r for a, r, _ in creating if a != account}
            if others and total - remainder:
                self._create(txn, account, _split(others, remainder))
