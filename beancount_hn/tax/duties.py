"""The duties around the 2035: the 2035-E and the DAS-2.

* **2035-E** (détermination de la valeur ajoutée, for the CVAE): due when
  AD − BW + AF exceeds 152 500 € HT (the notice 2035 as jd-precompta quotes it;
  forum-des-professions-liberales). A practice in the VAT franchise or exempt
  books its receipts without VAT: they are HT.
* **DAS-2** (art. 240 CGI): the fees paid to one beneficiary above 1 200 € in
  the year — rétrocessions (AC) and honoraires (line 21) — are declared on the
  DAS-2. The beneficiary is the payee of the transaction that carries the fee
  (the invoice), else of the payment; fees paid without a payee are totalled
  apart, since no one can tell whether they pass the threshold.

Both are said as hints (``hn 2035`` on stderr, ``"hints"`` and ``"duties"`` in
JSON): they do not change the figures of the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from beancount_hn.core.errors import error_type
from beancount_hn.core.frtypo import money

if TYPE_CHECKING:
    from beancount_hn.tax.form2035 import Contribution

DutyHint = error_type("DutyHint")

ZERO = Decimal(0)
#: AD − BW + AF above which the 2035-E is due (euros HT).
VALUE_ADDED_THRESHOLD = Decimal("152500")
#: Fees paid to one beneficiary in a year above which the DAS-2 lists them (art. 240 CGI).
DAS2_THRESHOLD = Decimal("1200")
#: The lines whose payments the DAS-2 covers: rétrocessions, honoraires.
DAS2_LINES = frozenset({"AC", "21"})


@dataclass
class Beneficiary:
    """The fees of the DAS-2 lines paid to one payee in the year."""

    name: str
    amount: Decimal = ZERO
    payments: list[Contribution] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return sorted({payment.code for payment in self.payments})


@dataclass
class Duties:
    """The 2035-E and DAS-2 duties of a year."""

    year: int
    value_added_base: Decimal  # AD − BW + AF
    das2: list[Beneficiary]  # above the threshold, largest first
    unnamed: Beneficiary  # payments of the DAS-2 lines without a payee

    @property
    def form_2035e_due(self) -> bool:
        return self.value_added_base > VALUE_ADDED_THRESHOLD

    def hints(self) -> list:
        """The duties as hints (in French), each at the first payment it names."""
        hints = []
        if self.form_2035e_due:
            hints.append(DutyHint(None, (
                f"2035-E : AD − BW + AF = {money(self.value_added_base)} dépasse "
                f"{_whole(VALUE_ADDED_THRESHOLD)} HT en {self.year} : joignez la 2035-E (valeur ajoutée, "
                "pour la CVAE) à la déclaration 2035"), None))
        for beneficiary in self.das2:
            hints.append(DutyHint(beneficiary.payments[0].meta, (
                f"DAS-2 : {beneficiary.name} a reçu {money(beneficiary.amount)} en {self.year} "
                f"({_lines_text(beneficiary.lines)}), plus de {_whole(DAS2_THRESHOLD)} : déclarez ces sommes "
                "sur la DAS-2 (art. 240 du CGI), avec le nom, l'adresse et le SIRET du bénéficiaire"), None))
        if self.unnamed.amount > 0:
            hints.append(DutyHint(self.unnamed.payments[0].meta, (
                f"DAS-2 : {money(self.unnamed.amount)} de rétrocessions ou d'honoraires payés en "
                f"{self.year} sans bénéficiaire (payee de la transaction, la première ici) : nommez-le "
                f"pour savoir s'il a reçu plus de {_whole(DAS2_THRESHOLD)} (art. 240 du CGI)"), None))
        return hints

    def to_json(self) -> dict[str, Any]:
        return {
            "2035-E": {"due": self.form_2035e_due, "base": f"{self.value_added_base:.2f}",
                       "threshold": f"{VALUE_ADDED_THRESHOLD:.2f}", "formula": "AD − BW + AF"},
            "DAS-2": {"threshold": f"{DAS2_THRESHOLD:.2f}", "unnamed": f"{self.unnamed.amount:.2f}",
                      "beneficiaries": [{"name": b.name, "amount": f"{b.amount:.2f}", "lines": b.lines,
                                         "payments": len(b.payments)} for b in self.das2]},
        }


def _whole(amount: Decimal) -> str:
    """``1 200 €``: a threshold in whole euros."""
    return money(amount, places=0)


def _lines_text(lines: list[str]) -> str:
    names = {"AC": "rétrocessions, ligne AC", "21": "honoraires, ligne 21"}
    return " ; ".join(names[line] for line in lines)


def duties_of(values: dict[str, Decimal], fee_payments: list[tuple[str, Contribution]], year: int) -> Duties:
    """The duties of a year from its form's ``values`` and its payments of the DAS-2 lines."""
    base = values.get("AD", ZERO) - values.get("BW", ZERO) + values.get("AF", ZERO)
    by_name: dict[str, Beneficiary] = {}
    unnamed = Beneficiary("")
    for name, payment in fee_payments:
        key = " ".join(name.casefold().split())
        beneficiary = by_name.setdefault(key, Beneficiary(name)) if key else unnamed
        beneficiary.amount += payment.amount
        beneficiary.payments.append(payment)
    over = sorted((b for b in by_name.values() if b.amount > DAS2_THRESHOLD), key=lambda b: (-b.amount, b.name))
    return Duties(year, base, over, unnamed)
