"""Cash basis: every treasury movement attributed to what it settles.

A BNC in déclaration contrôlée counts *recettes encaissées* and *dépenses
payées* (art. 93 CGI): money that reached or left a treasury account
(``hn-option "treasury"``) during the year. This module walks the ledger once,
in date order, and splits each treasury movement into **settlements**:

* an income or expense posting of the same transaction (cash style), directly;
* the income/expense postings behind a receivable or payable it settles
  (accrual style): invoices booked to ``Assets:Creances:*`` or
  ``Liabilities:*`` become *open items*; a payment settles the items sharing
  one of its ``^links`` first, then the oldest unlinked ones (FIFO), then the
  oldest linked ones (a payment posting may name its invoice or FSE lot with
  ``reglement-de:`` or ``lot:``, as the importers write); a partial payment
  settles each posting behind the item pro rata;
* a neutral bucket, named by its account, for everything that is neither
  receipt nor expense: internal transfers, personal drawings and contributions
  (``Equity:``), loan capital, deposits, fixed assets (their cost reaches the
  2035 through the depreciation, line CH);
* ``unexplained``: a payment to a receivable or payable account that exceeds
  its open items — the 2035 reconciliation lists it so the ledger can be fixed.

Item accounts are the non-treasury balance-sheet accounts that appear in at
least one transaction without treasury (an invoice on credit, a payable…);
other balance-sheet accounts (loans, deposits, fixed assets) are neutral.
Expenses paid from personal funds (an expense against ``Equity:`` with no
treasury posting) are settled on their date with ``funded_by_equity`` set.

Amounts are *cash equivalents*: positive when money comes in (a receipt),
negative when it goes out (an expense). Each treasury transaction's
settlements add up, to the cent, to its treasury movement.

``Cashbook.build(entries, index, detail=predicate)`` keeps the posting-level
detail only for the transactions the predicate selects; the income and expense
postings of the others are settled as one ``AGGREGATE`` target per
transaction. Settlements of the selected transactions are the same, to the
cent, as in the full walk, and an aggregate receives exactly what its postings
receive together; the walk is many times cheaper on a ledger of
many-line FSE lots (the VAT franchise only needs its taxable receipts).
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from beancount.core import data

from beancount_hn.ledger import LedgerIndex

CENT = Decimal("0.01")
ZERO = Decimal(0)

INCOME, EXPENSE, NEUTRAL, UNEXPLAINED = "income", "expense", "neutral", "unexplained"
#: The income and expense postings of a transaction outside ``Cashbook.build(detail=...)``, as one target.
AGGREGATE = "aggregate"
_PNL = (INCOME, EXPENSE, AGGREGATE)


@dataclass(frozen=True, slots=True, eq=False)
class Target:
    """What money is attributed to: a posting (income/expense) or a neutral account."""

    bucket: str  # INCOME, EXPENSE, NEUTRAL or UNEXPLAINED
    account: str
    txn: data.Transaction | None = None  # the transaction holding the posting
    index: int = -1  # the posting's index in txn.postings
    # Transactions are unhashable (lists): identity is enough. Computed once, as
    # targets are dictionary keys in every split of the cash book.
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.bucket, self.account, id(self.txn), self.index)))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, Target)
            and self._hash == other._hash
            and self.bucket == other.bucket
            and self.account == other.account
            and self.txn is other.txn
            and self.index == other.index
        )


@dataclass(frozen=True, slots=True)
class Settlement:
    """A part of a treasury movement attributed to one target."""

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


@dataclass(slots=True)
class OpenItem:
    """An unsettled receivable or payable: its balance and what it is made of."""

    account: str
    date: datetime.date
    txn: data.Transaction
    links: frozenset[str]  # links, ``facture:`` and ``lot:`` numbers payments may name
    parts: dict[Target, Decimal]  # cash equivalents, summing to ``balance``

    @property
    def balance(self) -> Decimal:
        return sum(self.parts.values(), ZERO)


# Metadata naming what a transaction is (invoice number, FSE lot) and what a
# payment posting settles (written by the importers when they match a transfer).
INVOICE_KEYS = ("facture", "lot")
SETTLES_KEYS = ("reglement-de", "lot")


def _item_keys(txn: data.Transaction) -> frozenset[str]:
    """What payments may name to settle an item: its links, invoice and lot numbers."""
    meta = txn.meta or {}
    numbers = {str(meta[key]) for key in INVOICE_KEYS if meta.get(key) is not None}
    return frozenset(txn.links or ()) | numbers


def _settled_keys(txn: data.Transaction, posting: data.Posting) -> frozenset[str]:
    """The items a posting names: its own ``reglement-de:``/``lot:``, else the
    transaction's links and ``avoir-de:``."""
    pmeta = posting.meta or {}
    for key in SETTLES_KEYS:
        if pmeta.get(key) is not None:
            return frozenset({str(pmeta[key])})
    credited = (txn.meta or {}).get("avoir-de")
    return frozenset(txn.links or ()) | ({str(credited)} if credited is not None else set())


def _sign(number: Decimal) -> int:
    return (number > 0) - (number < 0)


def _split(parts: dict[Target, Decimal], total: Decimal) -> dict[Target, Decimal]:
    """Scale ``parts`` so that they sum to ``total`` exactly (cents, largest remainder)."""
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
    _by_target_txn: dict[int, list[Settlement]] | None = field(default=None, repr=False)
    # (date, transaction) of aggregates a treasury movement reached with a zero sum.
    _zero_touches: list[tuple[datetime.date, data.Transaction]] = field(default_factory=list, repr=False)

    # --- queries -------------------------------------------------------------------

    def for_year(self, year: int) -> list[Settlement]:
        """The settlements dated in calendar year ``year``."""
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return [s for s in self.settlements if start <= s.date <= end]

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
    def _walk(cls, entries: Sequence[data.Directive], index: LedgerIndex,
              detail: Callable[[data.Transaction], bool] | None) -> Cashbook:
        builder = _Builder(index, entries, detail)
        for entry in entries:
            if isinstance(entry, data.Transaction):
                builder.transaction(entry)
        return cls(builder.settlements, builder.items_by_account(), _zero_touches=builder.zero_touches)

    @classmethod
    def build_for_year(cls, entries: Sequence[data.Directive], index: LedgerIndex, year: int) -> Cashbook:
        """A cash book whose ``for_year(year)`` is exactly the full walk's (values and order).

        A first cheap walk (every transaction aggregated) finds the transactions
        that money reaches during ``year``; the second keeps those in detail.
        Settlements of other years may be aggregates.
        """
        first = cls.build(entries, index, detail=lambda txn: False)
        reached = {id(s.target.txn) for s in first.for_year(year) if s.target.txn is not None}
        reached.update(id(txn) for day, txn in first._zero_touches if day.year == year)
        return cls.build(entries, index, detail=lambda txn: id(txn) in reached)


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


class _Builder:
    """The single pass behind ``Cashbook.build``."""

    def __init__(self, index: LedgerIndex, entries: Sequence[data.Directive],
                 detail: Callable[[data.Transaction], bool] | None = None) -> None:
        self.index = index
        self.detail = detail
        self.settlements: list[Settlement] = []
        # Treasury accounts, each from the date its option was declared.
        self.treasury_from: dict[str, datetime.date] = {}
        for option in index.config.entries("treasury"):
            self.treasury_from.setdefault(option.value, option.date)
        self.root = _Roots(index)
        self.all_items: dict[str, list[OpenItem]] = defaultdict(list)
        self.unlinked: dict[str, deque[OpenItem]] = defaultdict(deque)
        self.linked: dict[str, deque[OpenItem]] = defaultdict(deque)
        self.by_link: dict[tuple[str, str], list[OpenItem]] = defaultdict(list)
        # Open items by (account, sign of their balance): a payment stops looking as
        # soon as no item of the opposite sign is left, and an invoice (same sign as
        # every open item) does not walk the queue at all.
        self.open_count: dict[tuple[str, int], int] = defaultdict(int)
        self.zero_touches: list[tuple[datetime.date, data.Transaction]] = []
        self.item_accounts = self._item_accounts(entries)

    # --- account kinds ---------------------------------------------------------------

    def _root(self, account: str) -> str | None:
        return self.root[account]

    def _is_treasury(self, account: str, on: datetime.date) -> bool:
        start = self.treasury_from.get(account)
        return start is not None and on >= start

    def _is_pnl(self, account: str) -> bool:
        return self._root(account) in ("income", "expenses")

    def _item_accounts(self, entries: Iterable[data.Directive]) -> set[str]:
        """Balance-sheet accounts used by at least one transaction without treasury."""
        accounts: set[str] = set()
        roots, treasury_from = self.root, self.treasury_from
        for entry in entries:
            if not isinstance(entry, data.Transaction):
                continue
            day = entry.date
            if any((start := treasury_from.get(p.account)) is not None and day >= start
                   for p in entry.postings):
                continue
            for posting in entry.postings:
                if roots[posting.account] in ("assets", "liabilities"):
                    accounts.add(posting.account)
        return accounts

    def items_by_account(self) -> dict[str, list[OpenItem]]:
        """Every item created, by account (settled ones have a zero balance)."""
        return dict(self.all_items)

    # --- open items ------------------------------------------------------------------

    def _consume(self, account: str, amount: Decimal, links: frozenset[str]) -> tuple[dict[Target, Decimal], Decimal]:
        """Settle up to ``amount`` (posting sign) of items of opposite sign on ``account``.

        Order: the items sharing a link with the payment, then the unlinked items
        (oldest first), then the other linked items (oldest first) — so a grouped
        remittance without link never eats an invoice awaiting its own linked payment
        while unlinked items are open. Returns the consumed parts (cash equivalents)
        and the remainder that found no item.
        """
        consumed: dict[Target, Decimal] = defaultdict(Decimal)
        remaining = amount
        unlinked, linked_queue = self.unlinked.get(account), self.linked.get(account)
        if not unlinked and not linked_queue:
            return {}, remaining
        settleable = (account, -_sign(remaining))
        counts = self.open_count
        if not counts[settleable]:
            return {}, remaining
        matching = [i for link in sorted(links) for i in self.by_link.get((account, link), ())]
        for item in itertools.chain(matching, unlinked or (), linked_queue or ()):
            if not remaining or not counts[settleable]:
                break
            balance = item.balance
            if not balance or _sign(balance) == _sign(remaining):
                continue
            take = min(abs(remaining), abs(balance))
            if take == abs(balance):
                # The whole item: its parts are already cents (every item is made by
                # _split), so _split(parts, balance) would return them unchanged.
                portion, item.parts = item.parts, {}
                counts[settleable] -= 1
            else:
                portion = self._split(item.parts, take * _sign(balance))
                item.parts = {t: left for t, v in item.parts.items()
                              if (left := v - portion[t] if t in portion else v)}
            if consumed:
                for target, value in portion.items():
                    consumed[target] += value
            else:
                consumed.update(portion)
            remaining += take * _sign(balance)
        for queue in (unlinked, linked_queue):
            while queue and not queue[0].balance:
                queue.popleft()
        return dict(consumed), remaining

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
        item = OpenItem(account, txn.date, txn, _item_keys(txn), dict(parts))
        self.open_count[(account, _sign(item.balance))] += 1
        self.all_items[account].append(item)
        (self.linked if item.links else self.unlinked)[account].append(item)
        for link in item.links:
            self.by_link[(account, link)].append(item)

    # --- one transaction ---------------------------------------------------------------

    def transaction(self, txn: data.Transaction) -> None:
        roots, treasury_from, day = self.root, self.treasury_from, txn.date
        treasury = [p for p in txn.postings
                    if (start := treasury_from.get(p.account)) is not None and day >= start]
        funded_by_equity = False
        if not treasury:
            has_pnl = any(roots[p.account] in ("income", "expenses") for p in txn.postings)
            equity = [p for p in txn.postings if roots[p.account] == "equity"]
            if has_pnl and equity:
                treasury, funded_by_equity = equity, True  # paid from personal funds
        sources: dict[Target, Decimal] = defaultdict(Decimal)  # cash equivalents
        detailed = self.detail is None or self.detail(txn)
        aggregate: Target | None = None
        aggregated = ZERO
        creating: list[tuple[str, Decimal]] = []
        treasury_ids = {id(p) for p in treasury}
        for i, posting in enumerate(txn.postings):
            if id(posting) in treasury_ids:
                continue
            account, amount = posting.account, posting.units.number
            root = roots[account]
            if not detailed and (root == "income" or root == "expenses"):
                if aggregate is None:  # its place among the sources, its sum below
                    aggregate = Target(AGGREGATE, AGGREGATE, txn)
                    sources[aggregate] = ZERO
                aggregated -= amount
            elif root == "income":
                sources[Target(INCOME, account, txn, i)] -= amount
            elif root == "expenses":
                sources[Target(EXPENSE, account, txn, i)] -= amount
            elif account in self.item_accounts:
                consumed, remainder = self._consume(account, amount, _settled_keys(txn, posting))
                if sources:
                    for target, value in consumed.items():
                        sources[target] += value
                else:  # the usual payment: nothing else yet (a copy keeps the keys' hashes)
                    sources.update(consumed)
                if remainder:
                    creating.append((account, remainder))
            else:
                sources[Target(NEUTRAL, account)] -= amount
        if aggregate is not None:
            sources[aggregate] = aggregated

        cash = sum((p.units.number for p in treasury), ZERO)
        if treasury:
            self._treasury(txn, treasury, cash, sources, creating, funded_by_equity)
        else:
            self._no_treasury(txn, sources, creating)

    def _treasury(self, txn, treasury, cash, sources, creating, funded_by_equity) -> None:
        if creating:
            pnl = {t: v for t, v in sources.items() if t.bucket in _PNL and t.txn is txn}
            pnl_total = sum(pnl.values(), ZERO)
        for account, remainder in creating:
            # Part of this transaction's own fees left on credit (a partial payment
            # at invoicing): the rest becomes an open item; otherwise unexplained.
            if pnl and pnl_total and _sign(remainder) == _sign(pnl_total) and abs(remainder) <= abs(pnl_total):
                share = self._split(pnl, remainder)
                for target, value in share.items():
                    sources[target] -= value
                self._create(txn, account, share)
            else:
                sources[Target(UNEXPLAINED, account)] -= remainder
        main = max(treasury, key=lambda p: abs(p.units.number)).account
        for target, value in sources.items():
            if value:
                self.settlements.append(Settlement(txn.date, txn, main, value, target, funded_by_equity))
            elif target.bucket == AGGREGATE:  # postings settled in the full walk, netting to zero
                self.zero_touches.append((txn.date, target.txn))
        # Internal transfers between treasury accounts net to zero and leave no settlement.

    def _no_treasury(self, txn, sources, creating) -> None:
        if not creating:
            return  # e.g. a credit note netted against its open invoice, a write-off
        total = sum((r for _, r in creating), ZERO)
        source_parts = {t: v for t, v in sources.items() if v}
        whole = sum(source_parts.values(), ZERO)
        if source_parts and whole:
            # An item running against the fees (VAT collected on a receivable, VAT
            # deductible on a payable) is no part of them: it becomes its own neutral
            # item, and the main items carry it beside the fees.
            main = [(a, r) for a, r in creating if _sign(r) == _sign(whole)]
            for account, remainder in creating:
                if _sign(remainder) != _sign(whole) and main:
                    side = Target(NEUTRAL, account)
                    self._create(txn, account, {side: remainder})
                    source_parts[side] = source_parts.get(side, ZERO) - remainder
            for account, remainder in main or creating:
                self._create(txn, account, self._split(source_parts, remainder))
            return
        # Balance-sheet only (a fixed asset bought on credit): each new item is made
        # of the other items' accounts, so paying it later lands in a neutral bucket.
        for account, remainder in creating:
            others = {Target(NEUTRAL, a): -r for a, r in creating if a != account}
            if others and total - remainder:
                self._create(txn, account, _split(others, remainder))
