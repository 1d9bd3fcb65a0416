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

A ``date-soin:`` that is not a date (``"2024-12-20"`` in quotes, ``"décembre
2024"``) on a receipt the check reads is an error at its line (:attr:`SnirCheck.errors`),
never a value silently skipped.

:func:`social_warnings` says when the social boxes cannot be typed as they are
(fr-rules §10.1: DSAV is a part of DSCS, DSAU a number between 0,00 and 1,00, and a
box holds no negative amount): refunds of the year larger than its receipts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from beancount.core import data

from beancount_hn.core.classify import CARE_DATE_KEY, CONVENTIONNE, DEPASSEMENT
from beancount_hn.core.config import SNIR_OPTION
from beancount_hn.core.errors import as_written, dedupe, error_type, posting_source, source_of, where
from beancount_hn.core.frtypo import money
from beancount_hn.core.ledger import LedgerIndex

if TYPE_CHECKING:
    from beancount_hn.tax.form2035 import Social, SocialItem

ZERO = Decimal(0)

CareDateError = error_type("CareDateError")


@dataclass(frozen=True)
class SnirCheck:
    """The relevé SNIR of a year against the ledger's DSAV."""

    year: int
    declared: Decimal  # the SNIR amount recorded
    entry: data.Custom  # its directive
    ledger: Decimal  # DSAV: conventionné acts and dépassements received in the year
    retrocessions: Decimal  # AC of the year
    earlier_care: Decimal  # of DSAV, what pays care dated in an earlier year
    #: A ``date-soin:`` of a receipt of DSAV that is not a date, at its line (:func:`care_date_error`).
    errors: list = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        """SNIR − DSAV."""
        return self.declared - self.ledger

    def lines(self) -> list[str]:
        """The cross-check in French, one line each."""
        out = [f"Relevé SNIR {self.year} ({where(source_of(self.entry))}) : {money(self.declared)}"]
        out += [f"! {where(error.source)}: {error.message}" for error in self.errors]
        out += [
               f"DSAV du livre (actes conventionnés et dépassements encaissés en {self.year}) : "
               f"{money(self.ledger)}",
               f"Écart SNIR − DSAV : {money(self.difference)}"]
        if not self.difference and not self.errors:
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


def _care_meta(item: SocialItem) -> tuple[Any, dict[str, Any]] | None:
    """The ``date-soin:`` value a receipt reads and the source of the line holding it: the
    posting paid's, else its transaction's; None when neither has one."""
    target = item.settlement.target
    txn = target.txn
    if txn is None:
        return None
    posting = txn.postings[target.index] if target.index >= 0 else None
    if posting is not None and posting.meta and CARE_DATE_KEY in posting.meta:
        return posting.meta[CARE_DATE_KEY], posting_source(posting, txn)
    if txn.meta and CARE_DATE_KEY in txn.meta:
        return txn.meta[CARE_DATE_KEY], source_of(txn)
    return None


def care_date_error(item: SocialItem) -> Any:
    """The error of a ``date-soin:`` that is not a date on the receipt ``item`` pays, at the
    line holding it; None when it is a date or absent."""
    found = _care_meta(item)
    if found is None or isinstance(found[0], datetime.date):
        return None
    value, source = found
    example = value.strip() if isinstance(value, str) and _iso_date(value) else "2024-12-20"
    return CareDateError(
        source, f"date-soin: {as_written(value)} n'est pas une date : le rapprochement SNIR ne sait pas "
                f"de quelle année sont ces soins ; écrivez la date sans guillemets, p. ex. date-soin: {example}",
        item.settlement.target.txn)


def _iso_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


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

    A ``date-soin:`` that is not a date is :func:`care_date_error`'s to report; the
    receipt then counts as if it had none.
    """
    found = _care_meta(item)
    if found is not None and isinstance(found[0], datetime.date):
        return found[0]
    target = item.settlement.target
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
    acts = [item for item in social.items if item.convention in (CONVENTIONNE, DEPASSEMENT)]
    earlier = sum((item.contribution.amount for item in acts
                   if care_date(item, index, books_start) < first_day), ZERO)
    errors = dedupe([error for error in map(care_date_error, acts) if error is not None])
    return SnirCheck(year, option.value[1], option.entry, social.acts, retrocessions, earlier, errors)


def social_warnings(social: Social) -> list[str]:
    """Why the social boxes of the year cannot be typed as they are, in French (none: they can).

    fr-rules §10.1: DSAV (conventionné acts, dépassements included) is a part of DSCS (all
    receipts), DSAW a part of DSAV, and DSAU the ratio DSAV ÷ DSCS, a number between 0,00 and
    1,00; no box holds a negative amount. Refunds of the year larger than its receipts of one
    status (a 2024 course refunded in 2025) break that: DSAV then exceeds DSCS and DSAU,
    printed within 0,00–1,00, is not the ratio. The tool says so rather than clamp in silence.
    """
    out = []
    boxes = {"DSCS": social.total, "DSAV": social.acts, "DSAW": social.depassement}
    negative = [f"{code} {money(amount)}" for code, amount in boxes.items() if amount < 0]
    if negative:
        out.append(f"case(s) négative(s) : {', '.join(negative)} ; une case de la 2042-C-PRO ne reçoit pas de "
                   "montant négatif (les remboursements de l'année dépassent ses recettes)")
    if social.acts > social.total:
        lowered = [f"{label} {money(amount)}" for label, amount in
                   (("non conventionné (HN)", social.non_conventionne), ("non classé", social.unclassified))
                   if amount < 0]
        out.append(f"DSAV ({money(social.acts)}) dépasse DSCS ({money(social.total)}), dont il est une part"
                   + (f" : les remboursements de l'année dépassent ses recettes ({', '.join(lowered)})"
                      if lowered else "")
                   + " ; DSAU (DSAV ÷ DSCS, entre 0,00 et 1,00) n'est pas le rapport et a été borné")
    if out:
        out.append("ces cases ne se déclarent pas telles quelles : voyez avec votre expert-comptable ou "
                   "votre AGA comment porter ces remboursements")
    return out
