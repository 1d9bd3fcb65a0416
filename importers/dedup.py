"""Idempotent imports: a stable id per imported line, and duplicate marking.

Every imported transaction carries ``import-id:`` metadata: the bank's own
transaction id when the format has one (OFX ``ofx:<ACCTID>:<FITID>``, camt
``camt:<IBAN or account id>:<AcctSvcrRef>``, a CSV id column), else a hash of
account, date, amount, label and the rank of identical lines in the file (so
two identical card payments on one day stay two, and an overlapping export
gives the same ids again). The importers write the statement account's posting
first: that posting is the statement side of an imported transaction
(:func:`statement_account`), the other postings its counterparts.

:func:`mark_duplicates` marks, with beangulp's ``__duplicate__`` metadata, what
the ledger already holds. A ledger transaction is the *same movement* as a
statement line when it has a posting on the statement account with the same
amount, within ``window_days``, and no ``balance`` of that account in the
ledger falls between the two days (the assertion would count one and not the
other: the ledger entry belongs to another statement). In this order:

1. a transaction whose ``import-id`` (or the older form of it an importer
   gives in ``__legacy_import_id__``) is in the ledger on the same movement.
   A known id on another movement (a bank that numbers its ids per file, or
   corrected the operation) is no duplicate: the line goes through the rules
   below and, if it is kept, is flagged ``!`` with ``a-verifier:`` naming the
   id and the ledger entry — never dropped silently. An older-form id on
   another account's transaction is no conflict (it did not name the account);
2. an invoice whose ``facture:`` number is already in the ledger;
3. a ``balance`` the ledger already has, or that already holds in it;
4. a transaction with no such key in common, when a ledger transaction is the
   same movement — hand-written, imported from another format of the same
   statement, or the other side of a transfer imported from the other
   account's statement — unless it was imported from this very statement: an
   ``import-id`` of the same scheme (format) whose statement side is this
   account is a distinct line (the second of two identical payments).

Each ledger entry is claimed at most once, so two identical payments need two
entries.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
from collections import defaultdict
from collections.abc import MutableSequence, Sequence
from decimal import Decimal

from beancount.core import data

from beancount_hn.core import frtypo
from beancount_hn.core.ledger import IMPORT_KEY
from beancount_hn.importers.categorize import flag_for_review

IMPORT_ID = IMPORT_KEY
#: An older form of a line's ``import-id`` that ledgers imported earlier may carry (camt ids
#: before they named the account); hidden metadata, never printed.
LEGACY_IMPORT_ID = "__legacy_import_id__"
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


def statement_account(txn: data.Transaction) -> str | None:
    """The account of the statement an imported transaction came from: its first posting."""
    return txn.postings[0].account if txn.postings else None


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


class _Ledger:
    """What the ledger holds, indexed for :func:`mark_duplicates`."""

    def __init__(self, existing: Sequence[data.Directive], account: str | None,
                 window_days: int) -> None:
        self.existing = existing
        self.window = datetime.timedelta(days=window_days)
        self.ids: dict[object, list[int]] = defaultdict(list)  # import-id -> positions
        self.invoices: set[str] = set()
        self.balances: set[tuple] = set()
        self.checkpoints: list[datetime.date] = []  # dates of the account's balance assertions
        candidates: list[tuple[datetime.date, int, data.Transaction]] = []
        for position, entry in enumerate(existing):
            if _is_marked(entry):
                continue  # beangulp appends the duplicates it found to "existing"
            if isinstance(entry, data.Transaction):
                if (value := _meta(entry, IMPORT_ID)) is not None:
                    self.ids[value].append(position)
                if (value := _meta(entry, INVOICE_KEY)) is not None:
                    self.invoices.add(str(value))
                if account and _posting_on(entry, account):
                    candidates.append((entry.date, position, entry))
            elif isinstance(entry, data.Balance):
                self.balances.add((entry.account, entry.date, entry.amount))
                if entry.account == account:
                    self.checkpoints.append(entry.date)
        candidates.sort(key=lambda item: (item[0], item[1]))
        self.candidates = candidates
        self.dates = [item[0] for item in candidates]
        self.checkpoints.sort()
        self.claimed: set[int] = set()

    def same_movement(self, other: data.Transaction, entry: data.Transaction,
                      posting: data.Posting) -> bool:
        """True when ``other`` moves ``posting``'s amount on its account within the window,
        with no balance assertion of the account between them."""
        mine = _posting_on(other, posting.account)
        return (mine is not None and mine.units == posting.units
                and abs(other.date - entry.date) <= self.window
                and not self.separated(other.date, entry.date))

    def separated(self, first: datetime.date, second: datetime.date) -> bool:
        """True when a balance assertion of the account falls between the two days: it
        counts the movement of the earlier day and not that of the later one."""
        low, high = sorted((first, second))
        between = bisect.bisect_right(self.checkpoints, high)
        return between > bisect.bisect_right(self.checkpoints, low)

    def by_id(self, entry: data.Transaction, posting: data.Posting | None
              ) -> tuple[object, tuple[str, data.Transaction] | None]:
        """Rule 1: the ledger transaction ``entry``'s id names, if it is the same movement;
        else, as second item, the id and a ledger transaction it names on another movement."""
        import_id = _meta(entry, IMPORT_ID)
        exact = self.ids.get(import_id, []) if import_id is not None else []
        legacy_id = _meta(entry, LEGACY_IMPORT_ID)
        legacy = self.ids.get(legacy_id, []) if legacy_id is not None else []
        if posting is None:  # no statement account (the invoice journal): the id alone decides
            return (True if exact else None), None
        conflict: tuple[str, data.Transaction] | None = None
        # The old form named no account: another account's line carrying it is no conflict.
        for known, positions, any_account in ((import_id, exact, True), (legacy_id, legacy, False)):
            for position in positions:
                other = self.existing[position]
                if self.same_movement(other, entry, posting):
                    self.claimed.add(position)
                    return other, None
                if conflict is None and (any_account
                                         or statement_account(other) == posting.account):
                    conflict = (str(known), other)
        return None, conflict

    def claim(self, entry: data.Transaction, posting: data.Posting) -> data.Transaction | None:
        """Rule 4: the nearest unclaimed ledger transaction with the same amount on the account."""
        import_id = _meta(entry, IMPORT_ID)
        scheme = scheme_of(import_id) if import_id is not None else None
        lo = bisect.bisect_left(self.dates, entry.date - self.window)
        hi = bisect.bisect_right(self.dates, entry.date + self.window)
        best: tuple[int, int] | None = None
        for i in range(lo, hi):
            date, position, other = self.candidates[i]
            if position in self.claimed:
                continue
            other_id = _meta(other, IMPORT_ID)
            if (other_id is not None and scheme is not None and scheme_of(other_id) == scheme
                    and statement_account(other) == posting.account):
                continue  # same format, same account, other id: a distinct line of the statement
            if not self.same_movement(other, entry, posting):
                continue  # another amount, too far, or in another statement by a balance
            distance = abs((date - entry.date).days)
            if best is None or distance < best[0]:
                best = (distance, i)
        if best is None:
            return None
        _, i = best
        self.claimed.add(self.candidates[i][1])
        return self.candidates[i][2]


def _flag_known_id(entry: data.Transaction, posting: data.Posting, import_id: str,
                   other: data.Transaction) -> data.Transaction:
    """``entry`` flagged for review: its bank id is already in the ledger on ``other``."""
    units = (_posting_on(other, posting.account) or other.postings[0]).units \
        if other.postings else None
    amount = f", {frtypo.money(units.number, units.currency)}" if units is not None else ""
    where = ""
    if other.meta and other.meta.get("filename"):
        where = f", {other.meta['filename']}:{other.meta.get('lineno')}"
    reason = (f"l'identifiant {import_id} est déjà dans le grand livre pour une autre opération "
              f"(du {frtypo.short_date(other.date)}{amount}{where}) : la banque réutilise "
              "peut-être ses identifiants d'un relevé à l'autre, ou a corrigé cette opération ; "
              "vérifiez qu'elle n'est pas déjà comptée")
    return flag_for_review(entry, reason)


def mark_duplicates(entries: MutableSequence[data.Directive], existing: Sequence[data.Directive],
                    account: str | None = None, window_days: int = 3) -> int:
    """Mark in place the ``entries`` that ``existing`` already holds; return their count.

    ``account`` is the statement account, used by rules 1 and 4. A transaction
    whose bank id the ledger holds on another movement is replaced, in
    ``entries``, by its copy flagged for review.
    """
    ledger = _Ledger(existing, account, window_days)
    count = 0
    for index, entry in enumerate(entries):
        target: object = None
        if isinstance(entry, data.Transaction):
            posting = _posting_on(entry, account) if account else None
            target, conflict = ledger.by_id(entry, posting)
            invoice = _meta(entry, INVOICE_KEY)
            if target is None and invoice is not None and str(invoice) in ledger.invoices:
                target = True
            elif target is None and posting is not None:
                target = ledger.claim(entry, posting)
            if target is None and conflict is not None and posting is not None:
                entries[index] = _flag_known_id(entry, posting, *conflict)
        elif isinstance(entry, data.Balance):
            if (entry.account, entry.date, entry.amount) in ledger.balances or (
                    entry.amount.number == _balance_on(existing, entry.account, entry.date,
                                                       entry.amount.currency)
                    and any(isinstance(e, data.Transaction) for e in existing)):
                target = True
        if target is not None:
            entry.meta[DUPLICATE] = target
            count += 1
    return count


def drop_duplicates(entries: Sequence[data.Directive]) -> list[data.Directive]:
    """The entries not marked as duplicates."""
    return [entry for entry in entries if not (entry.meta and entry.meta.get(DUPLICATE))]
