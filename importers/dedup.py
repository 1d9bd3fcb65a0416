"""Idempotent imports: a stable id per imported line, and duplicate marking.

Every imported transaction carries ``import-id:`` metadata: the bank's own
transaction id when the format has one (OFX ``FITID``, camt ``AcctSvcrRef``,
a CSV id column), else a hash of account, date, amount, label and the rank of
identical lines in the file (so two identical card payments on one day stay
two, and an overlapping export gives the same ids again).

:func:`mark_duplicates` marks, with beangulp's ``__duplicate__`` metadata, what
the ledger already holds, in this order:

1. a transaction whose ``import-id`` is already in the ledger;
2. an invoice whose ``facture:`` number is already in the ledger;
3. a ``balance`` the ledger already has, or that already holds in it;
4. a transaction with no such key in common, when a ledger transaction on the
   same statement account has exactly the same amount within ``window_days``
   and was not imported from the same source (a hand-written entry, or one
   imported from another format of the same statement). Each ledger entry is
   claimed at most once, so two identical payments need two entries.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from beancount.core import data

IMPORT_ID = "import-id"
INVOICE_KEY = "facture"
DUPLICATE = "__duplicate__"  # beangulp.extract.DUPLICATE, without importing its CLI


def normalize_label(text: str | None) -> str:
    """Upper case with single spaces: labels differ in spacing between exports."""
    return " ".join((text or "").upper().split())


def stable_id(scheme: str, *parts: object) -> str:
    """``scheme:`` followed by 16 hex digits of a hash of ``parts``."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{scheme}:{digest[:16]}"


class IdMaker:
    """Stable ids for lines without a bank id: identical lines get their rank."""

    def __init__(self, scheme: str, account: str) -> None:
        self.scheme = scheme
        self.account = account
        self._seen: dict[tuple, int] = defaultdict(int)

    def __call__(self, date: datetime.date, amount: Decimal, label: str | None) -> str:
        key = (date.isoformat(), f"{amount:f}", normalize_label(label))
        rank = self._seen[key]
        self._seen[key] += 1
        return stable_id(self.scheme, self.account, *key, rank)


def scheme_of(import_id: object) -> str:
    """The source part of an import id (``"fitid"`` for ``"fitid:123"``)."""
    return str(import_id).split(":", 1)[0]


def _meta(entry: data.Directive, key: str) -> object:
    return entry.meta.get(key) if entry.meta else None


def _is_marked(entry: data.Directive) -> bool:
    return bool(entry.meta and entry.meta.get(DUPLICATE))


def _posting_on(txn: data.Transaction, account: str) -> data.Posting | None:
    for posting in txn.postings:
        if posting.account == account and posting.units is not None:
            return posting
    return None


def _balance_on(existing: Sequence[data.Directive], account: str, date: datetime.date,
                currency: str) -> Decimal:
    """The balance of ``account`` and its sub-accounts at the start of ``date``."""
    total = Decimal(0)
    prefix = account + ":"
    for entry in existing:
        if not isinstance(entry, data.Transaction) or entry.date >= date or _is_marked(entry):
            continue
        for posting in entry.postings:
            units = posting.units
            if (units is not None and units.currency == currency and units.number is not None
                    and (posting.account == account or posting.account.startswith(prefix))):
                total += units.number
    return total


def mark_duplicates(entries: Iterable[data.Directive], existing: Sequence[data.Directive],
                    account: str | None = None, window_days: int = 3) -> int:
    """Mark in place the ``entries`` that ``existing`` already holds; return their count.

    ``account`` is the statement account, used by the amount-and-date rule (4).
    """
    ids: set[object] = set()
    invoices: set[object] = set()
    balances: set[tuple] = set()
    candidates: list[tuple[datetime.date, int, data.Transaction]] = []
    for position, entry in enumerate(existing):
        if _is_marked(entry):
            continue  # beangulp appends the duplicates it found to "existing"
        if isinstance(entry, data.Transaction):
            if (value := _meta(entry, IMPORT_ID)) is not None:
                ids.add(value)
            if (value := _meta(entry, INVOICE_KEY)) is not None:
                invoices.add(str(value))
            if account and _posting_on(entry, account):
                candidates.append((entry.date, position, entry))
        elif isinstance(entry, data.Balance):
            balances.add((entry.account, entry.date, entry.amount))
    candidates.sort(key=lambda item: (item[0], item[1]))
    dates = [item[0] for item in candidates]
    claimed: set[int] = set()
    window = datetime.timedelta(days=window_days)
    count = 0
    for entry in entries:
        target: object = None
        if isinstance(entry, data.Transaction):
            import_id = _meta(entry, IMPORT_ID)
            invoice = _meta(entry, INVOICE_KEY)
            if import_id is not None and import_id in ids:
                target = True
            elif invoice is not None and str(invoice) in invoices:
                target = True
            elif account and (posting := _posting_on(entry, account)):
                target = _claim(entry, posting, candidates, dates, claimed, window,
                                scheme_of(import_id) if import_id else None)
        elif isinstance(entry, data.Balance):
            if (entry.account, entry.date, entry.amount) in balances or (
                    entry.amount.number == _balance_on(existing, entry.account, entry.date,
                                                       entry.amount.currency)
                    and any(isinstance(e, data.Transaction) for e in existing)):
                target = True
        if target is not None:
            entry.meta[DUPLICATE] = target
            count += 1
    return count


def _claim(entry: data.Transaction, posting: data.Posting,
           candidates: list[tuple[datetime.date, int, data.Transaction]], dates: list,
           claimed: set[int], window: datetime.timedelta, scheme: str | None) -> object:
    """The nearest unclaimed ledger transaction with the same amount on the account."""
    lo = bisect.bisect_left(dates, entry.date - window)
    hi = bisect.bisect_right(dates, entry.date + window)
    best: tuple[int, int] | None = None
    for i in range(lo, hi):
        date, position, other = candidates[i]
        if position in claimed:
            continue
        other_id = _meta(other, IMPORT_ID)
        if other_id is not None and scheme is not None and scheme_of(other_id) == scheme:
            continue  # same source, different id: a distinct line of the statement
        other_posting = _posting_on(other, posting.account)
        if other_posting is None or other_posting.units != posting.units:
            continue
        distance = abs((date - entry.date).days)
        if best is None or distance < best[0]:
            best = (distance, i)
    if best is None:
        return None
    _, i = best
    claimed.add(candidates[i][1])
    return candidates[i][2]


def drop_duplicates(entries: Iterable[data.Directive]) -> list[data.Directive]:
    """The entries not marked as duplicates."""
    return [entry for entry in entries if not (entry.meta and entry.meta.get(DUPLICATE))]
