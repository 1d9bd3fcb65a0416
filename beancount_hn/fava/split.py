"""Receipts of a year by month and convention status, for the Cabinet page's chart.

The year's totals are the social split of the 2035
(:attr:`beancount_hn.tax.form2035.Form2035.social`): money received in the year
(cash-book settlements on line AA), by the convention status of the receipt it
settles (``classify``). This module spreads the form's own items over the
months, so the months add up to the form's figures to the cent, and can keep
only the settlements a Fava filter retains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from beancount_hn.core.cashbook import Settlement
from beancount_hn.core.classify import CONVENTIONNE, DEPASSEMENT, NON_CONVENTIONNE
from beancount_hn.tax.form2035 import Form2035

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


def convention_split(form: Form2035, *, keep: Callable[[Settlement], bool] | None = None) -> ConventionSplit:
    """The year's receipts by month and status: the social split of ``form``, item by item
    (each at the month its money came); ``keep`` retains some settlements only."""
    split = ConventionSplit(form.year)
    for item in form.social.items:
        if keep is None or keep(item.settlement):
            contribution = item.contribution
            split.add(contribution.date.month, item.convention or UNCLASSIFIED, contribution.amount)
    return split
