"""Vehicle costs: actual costs, or the barème kilométrique of the year.

By default the costs booked on vehicle accounts (``ligne-2035: "23"``, the
default of ``Expenses:Vehicule:*`` and ``Expenses:Car:*``) are deducted on
line 23 (in BJ). A BOFiP tolerance (BOI-BNC-BASE-40-60-40-20) lets a BNC
practitioner use instead the barème kilométrique of salaried employees, for a
whole year and all vehicles::

    2026-01-10 custom "hn-option" "bareme-km" 2025 5 8200   ; YEAR CV KM

For that year the forfait goes to line 23, and the costs it covers
(depreciation, repairs, tyres, fuel, insurance) are no longer deductible: every
posting of a line-23 account becomes non-deductible, except parking, tolls and
loan interest, which stay deductible on top (accounts whose name has
``Peage``/``Toll``, ``Parking``/``Stationnement``, ``Interets``/``Interest``/
``Emprunt``, or any account or posting marked ``hors-forfait: TRUE``). The
depreciation of a vehicle in the registre is covered as well and leaves CH.

The power is capped at 7 CV; the table is ``data/bareme_km.csv`` (year, CV,
three distance bands, source, confidence). Not handled: the +20 % of electric
vehicles, several vehicles in one year (the option takes one CV and one
distance), and the fuel-only barème of leased vehicles.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from typing import Any

from beancount.core import data

from beancount_hn.config import BaremeKm
from beancount_hn.errors import error_type, source_of
from beancount_hn.ledger import LedgerIndex

BaremeError = error_type("BaremeError")

VEHICLE_LINE = "23"
MAX_CV, MIN_CV = 7, 3
_KEPT_RE = re.compile(
    r"^(peages?|tolls?|parking|stationnement|interets?|interests?|emprunts?|loans?)$", re.IGNORECASE)


@dataclass(frozen=True)
class BaremeRow:
    """One row of the barème: a year and a fiscal power, three distance bands."""

    year: int
    cv: int
    rate_upto_5000: Decimal
    rate_5001_20000: Decimal
    fixed_5001_20000: Decimal
    rate_over_20000: Decimal
    source: str
    confidence: str
    uncertain: bool

    def amount(self, km: Decimal) -> tuple[Decimal, str]:
        """The forfait for ``km`` kilometres (to the cent) and its formula."""
        if km <= 5000:
            raw, formula = km * self.rate_upto_5000, f"{km} km × {self.rate_upto_5000}"
        elif km <= 20000:
            raw = km * self.rate_5001_20000 + self.fixed_5001_20000
            formula = f"{km} km × {self.rate_5001_20000} + {self.fixed_5001_20000}"
        else:
            raw, formula = km * self.rate_over_20000, f"{km} km × {self.rate_over_20000}"
        return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), formula


@functools.cache
def bareme_table() -> dict[tuple[int, int], BaremeRow]:
    """The barème by (year, CV)."""
    text = resources.files("beancount_hn").joinpath("data/bareme_km.csv").read_text("utf-8")
    table = {}
    for row in csv.DictReader(text.splitlines()):
        entry = BaremeRow(
            year=int(row["year"]),
            cv=int(row["cv"]),
            rate_upto_5000=Decimal(row["rate_upto_5000"]),
            rate_5001_20000=Decimal(row["rate_5001_20000"]),
            fixed_5001_20000=Decimal(row["fixed_5001_20000"]),
            rate_over_20000=Decimal(row["rate_over_20000"]),
            source=row["source"],
            confidence=row["confidence"],
            uncertain=row["uncertain"].strip().lower() == "yes",
        )
        table[(entry.year, entry.cv)] = entry
    return table


def bareme_row(year: int, horsepower: int) -> BaremeRow | None:
    """The barème row of ``year`` for ``horsepower`` CV (capped to 3…7), or None."""
    return bareme_table().get((year, min(max(horsepower, MIN_CV), MAX_CV)))


@dataclass(frozen=True)
class Forfait:
    """The barème kilométrique of one year, computed."""

    option: BaremeKm
    row: BaremeRow
    amount: Decimal
    formula: str
    entry: data.Custom | None  # the hn-option directive, for --explain

    @property
    def uncertain(self) -> bool:
        return self.row.uncertain


def bareme_option(index: LedgerIndex, year: int) -> tuple[BaremeKm, data.Custom] | None:
    """The ``bareme-km`` option chosen for ``year`` (the last one written), with its directive."""
    found = None
    for option in index.config.entries("bareme-km"):
        key, value = option.value
        if key == year:
            found = (value, option.entry)
    return found


def forfait(index: LedgerIndex, year: int) -> Forfait | None:
    """The year's forfait, or None when the year uses actual costs (or has no barème)."""
    found = bareme_option(index, year)
    if found is None:
        return None
    option, entry = found
    row = bareme_row(year, option.horsepower)
    if row is None:
        return None
    amount, formula = row.amount(option.kilometers)
    return Forfait(option, row, amount, formula, entry)


def validate_bareme(index: LedgerIndex) -> list:
    """Errors for a ``bareme-km`` option of a year the barème table does not cover."""
    errors = []
    years = sorted({year for year, _ in bareme_table()})
    for option in index.config.entries("bareme-km"):
        year, value = option.value
        if bareme_row(year, value.horsepower) is None:
            errors.append(BaremeError(
                source_of(option.entry),
                f"no barème kilométrique for {year} in data/bareme_km.csv (known years: "
                f"{years[0]}–{years[-1]}); remove the option or add the year's barème with its source",
                option.entry,
            ))
    return errors


def is_kept_cost(index: LedgerIndex, account: str, posting: data.Posting | None = None) -> bool:
    """True for parking, tolls and loan interest: deductible on top of the forfait."""
    if posting is not None and posting.meta and _truthy(posting.meta.get("hors-forfait")):
        return True
    if _truthy(index.open_meta(account, "hors-forfait")):
        return True
    return any(_KEPT_RE.match(part) for part in account.split(":")[1:])


def covered_by_forfait(index: LedgerIndex, line: str | None, account: str,
                       posting: data.Posting | None, year: int) -> bool:
    """True when a cost on ``account`` (mapped to ``line``) is replaced by the year's barème."""
    return (line == VEHICLE_LINE and bareme_option(index, year) is not None
            and not is_kept_cost(index, account, posting))


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "oui", "yes", "1")
    return bool(value)
