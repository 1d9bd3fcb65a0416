"""DSAV against the relevé SNIR of the year: the cross-check no paid tool offers.

The relevé SNIR (relevé individuel d'activité, published by the Assurance
Maladie in the spring) states the fees of the practitioner's conventionné acts
of the year, dépassements included: the figure DSAV is to be reconciled with.
The practitioner records it::

    2026-04-10 custom "hn-option" "snir" 2025 75900.00 EUR

and ``hn 2035`` shows the difference with DSAV as the ledger counts it
(money received in the year, cash basis), next to what usually explains it:

* **rétrocessions** to a remplaçant (AC): the remplaçant's acts are billed
  under the titulaire's number and sit in her SNIR (and in DSAV as the ledger
  counts it); a DSAV declared net of them differs by that much;
* **FSE of another year**: the ledger counts a fee the year it is paid; of
  DSAV, the part paying care of an earlier year is shown (:func:`care_date`);
  care of the year paid the next year is not in DSAV. The relevé states the
  whole fee of each act, whoever pays it, as DSAV counts it: the CPAM's,
  the mutuelle's and the patient's parts all count;
* **rejects**: FSE rejected, or still unpaid, which the ledger does not count.

What remains is for the practitioner to read on the relevé: the tool says the
amounts it knows and never calls the difference explained.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from beancount.core import data

from beancount_hn.core.classify import CARE_DATE_KEY, CONVENTIONNE, DEPASSEMENT
from beancount_hn.core.config import SNIR_OPTION
from beancount_hn.core.errors import source_of, where
from beancount_hn.core.frtypo import money
from beancount_hn.core.ledger import LedgerIndex

if TYPE_CHECKING:
    from beancount_hn.tax.form2035 import Social, SocialItem

ZERO = Decimal(0)


@dataclass(frozen=True)
class SnirCheck:
    """The relevé SNIR of a year against the ledger's DSAV."""

    year: int
    declared: Decimal  # the SNIR amount recorded
    entry: data.Custom  # its directive
    ledger: Decimal  # DSAV: conventionné acts and dépassements received in the year
    retrocessions: Decimal  # AC of the year
    earlier_care: Decimal  # of DSAV, what pays care dated in an earlier year

    @property
    def difference(self) -> Decimal:
        """SNIR − DSAV."""
        return self.declared - self.ledger

    def lines(self) -> list[str]:
        """The cross-check in French, one line each."""
        out = [f"Relevé SNIR {self.year} ({where(source_of(self.entry))}) : {money(self.declared)}",
               f"DSAV du livre (actes conventionnés et dépassements encaissés en {self.year}) : "
               f"{money(self.ledger)}",
               f"Écart SNIR − DSAV : {money(self.difference)}"]
        if not self.difference:
            return out + ["Le livre et le relevé SNIR concordent."]
        out.append("Ce qui explique d'habitude un écart :")
        out.append(f"  - rétrocessions versées au remplaçant (AC) en {self.year} : {money(self.retrocessions)} "
                   "(ses actes, facturés sous votre numéro, sont dans le SNIR comme dans DSAV ; un DSAV "
                   "déclaré net des rétrocessions s'en écarte d'autant)")
        out.append(f"  - encaissé en {self.year} pour des soins d'une année antérieure : "
                   f"{money(self.earlier_care)} (dans DSAV, hors SNIR {self.year}) ; les soins de "
                   f"{self.year} payés en {self.year + 1} sont dans le SNIR, pas dans DSAV")
        out.append("  - FSE rejetées ou encore impayées : comptées par le SNIR, jamais par le livre "
                   "(voir les retours NOEMIE)")
        return out

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "declared": f"{self.declared:.2f}", "where": where(source_of(self.entry)),
                "DSAV": f"{self.ledger:.2f}", "difference": f"{self.difference:.2f}",
                "retrocessions": f"{self.retrocessions:.2f}", "earlier_care": f"{self.earlier_care:.2f}"}


def care_date(item: SocialItem, index: LedgerIndex, books_start: datetime.date | None) -> datetime.date:
    """The day of the care a receipt pays, for the SNIR year it belongs to.

    A ``date-soin:`` date on the posting paid, else on its transaction, is the care
    date. Otherwise a fee's is its transaction's date (the FSE lot, the note, or the
    copy of one from before the books). A receivable carried over against
    ``Equity:`` (``cashbook._opening``: an item of its own posting, on a balance
    sheet account) is care from before the books: the opening's date, at the latest
    the day before the books' first day (``books_start``, the first ``treasury``
    option), so that both ways ``demarrer.md`` § 2 gives to carry receivables over
    place the same care in the same year.
    """
    target = item.settlement.target
    txn = target.txn
    if txn is not None:
        posting = txn.postings[target.index] if target.index >= 0 else None
        for meta in (posting.meta if posting is not None else None, txn.meta):
            day = meta.get(CARE_DATE_KEY) if meta else None
            if isinstance(day, datetime.date):
                return day
    if index.root_type(target.account) == "income":
        return item.care_date
    last = (books_start or item.care_date) - datetime.timedelta(days=1)
    return min(item.care_date, last)


def snir_check(index: LedgerIndex, year: int, social: Social, retrocessions: Decimal,
               books_start: datetime.date | None = None) -> SnirCheck | None:
    """The cross-check of ``year``, or None when the ledger records no SNIR amount for it.

    ``books_start``: the books' first day (the first ``treasury`` option), which bounds
    the care date of a receivable carried over against ``Equity:`` (:func:`care_date`).
    """
    found = [option for option in index.config.entries(SNIR_OPTION) if option.value[0] == year]
    if not found:
        return None
    option = found[-1]  # a later directive replaces an earlier one
    first_day = datetime.date(year, 1, 1)
    earlier = sum((item.contribution.amount for item in social.items
                   if item.convention in (CONVENTIONNE, DEPASSEMENT)
                   and care_date(item, index, books_start) < first_day), ZERO)
    return SnirCheck(year, option.value[1], option.entry, social.acts, retrocessions, earlier)
