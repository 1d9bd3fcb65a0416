"""Receipts of a year by month and convention status, for the Cabinet page's chart.

The year's totals are the social split of the 2035
(:attr:`beancount_hn.form2035.Form2035.social`): money received in the year
(cash-book settlements on line AA income accounts), by the convention status
of the receipt it settles (``classify``). This module spreads the same
settlements over the months, with the same rules, so that the months add up
to the form's figures to the cent (the tests check it), and can keep only the
settlements a Fava filter retains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from beancount_hn import lines2035
from beancount_hn.cashbook import INCOME, Cashbook, Settlement
from beancount_hn.classify import CONVENTIONNE, DEPASSEMENT, NON_CONVENTIONNE, Classifier, Receipt
from beancount_hn.ledger import LedgerIndex

UNCLASSIFIED = "non-classe"
STATUSES = (CONVENTIONNE, DEPASSEMENT, NON_CONVENTIONNE, UNCLASSIFIED)
ZERO = Decimal(0)


def _zeros() -> dict[str, Decimal]:
    return dict.fromkeys(STATUSES, ZERO)


@dataclass
class ConventionSplit:
    """Money received in ``year`` by convention status, in total and per month (1–12)."""

    year: int
    totals: dict[str, Decimal] = field(default_factory=_zeros)
    months: dict[int, dict[str, Decimal]] = field(
        default_factory=lambda: {month: _zeros() for month in range(1, 13)})

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)

    def month_total(self, month: int) -> Decimal:
        return sum(self.months[month].values(), ZERO)

    def share(self, status: str) -> Decimal | None:
        """The status' share of the year's receipts, in percent (None without receipts)."""
        total = self.total
        return None if not total else self.totals[status] * 100 / total

    def add(self, month: int, status: str, amount: Decimal) -> None:
        self.totals[status] += amount
        self.months[month][status] += amount


class ReceiptStatuses:
    """The convention status of each receipt posting, classified once per transaction."""

    def __init__(self, index: LedgerIndex) -> None:
        self._classifier = Classifier(index)
        self._by_txn: dict[int, dict[int, Receipt]] = {}

    def status(self, txn: data.Transaction, posting_index: int) -> str:
        known = self._by_txn.get(id(txn))
        if known is None:
            receipts, _ = self._classifier.receipts(txn)  # the convention plugin reports the errors
            known = self._by_txn[id(txn)] = {r.index: r for r in receipts}
        receipt = known.get(posting_index)
        return receipt.convention if receipt is not None else UNCLASSIFIED


def is_fee_receipt(index: LedgerIndex, settlement: Settlement) -> bool:
    """True for money received for fees: what the 2035 counts on line AA and in the social split."""
    return (settlement.bucket == INCOME and settlement.target_txn is not None
            and index.root_type(settlement.account) == "income"
            and lines2035.account_line(index, settlement.account) == "AA")


def convention_split(cashbook: Cashbook, index: LedgerIndex, year: int, *,
                     statuses: ReceiptStatuses | None = None,
                     keep: Callable[[Settlement], bool] | None = None) -> ConventionSplit:
    """The year's receipts by month and status; ``keep`` retains some settlements only."""
    statuses = statuses or ReceiptStatuses(index)
    split = ConventionSplit(year)
    for settlement in cashbook.for_year(year):
        if not is_fee_receipt(index, settlement) or (keep is not None and not keep(settlement)):
            continue
        assert settlement.target_txn is not None
        status = statuses.status(settlement.target_txn, settlement.target_index)
        split.add(settlement.date.month, status, settlement.amount)
    return split
