"""Vehicle costs: actual costs, or the barème kilométrique of the year.

By default the costs booked on vehicle accounts (``ligne-2035: "23"``, the
default of ``Expenses:Vehicule:*`` and ``Expenses:Car:*``) are deducted on
line 23 (in BJ). A BOFiP tolerance (BOI-BNC-BASE-40-60-40-20) lets a BNC
practitioner use instead the barème kilométrique of salaried employees, for a
whole year and all vehicles::

    2026-01-10 custom "hn-option" "bareme-km" 2025 5 8200   ; YEAR CV KM
    2026-01-10 custom "hn-option" "bareme-km" 2025 5 8200 "Peugeot e-208 GA-123-BC" "electrique"

For that year the forfait goes to line 23 and is listed as the 2035-B cadre 7
(vehicle, CV, km, amount carried to line 23); an electric vehicle takes the
barème of electric vehicles (the table +20 %). The costs it covers
(depreciation, repairs, tyres, fuel, insurance) are no longer deductible: every
posting of a line-23 account becomes non-deductible, except parking, tolls and
loan interest, which stay deductible on top (accounts whose name has
``Peage``/``Toll``, ``Parking``/``Stationnement``, ``Interets``/``Interest``/
``Emprunt``, or any account or posting marked ``hors-forfait: TRUE``). The
depreciation of a vehicle in the registre is covered as well and leaves CH.

The power is capped at 7 CV; the table is ``data/bareme_km.csv`` (year, CV,
energy, three distance bands, source, confidence).

**Property costs** of a car (insurance, loan interest, big repairs: accounts
of line 23 named ``Assurance``, ``Interets``, ``Emprunt``, ``Grosses-Reparations``…
or marked ``frais-propriete: TRUE``) are deductible only when the car is in the
registre des immobilisations (BOI-BNC-BASE-40-60-40-20): counted on line 23 in
a year without any vehicle in the registre, they raise a warning.

**Depreciation cap** (art. 39-4 CGI): a car's depreciation is deductible up to
the share of a ceiling set by its CO₂ emissions (``data/vehicle_depreciation_caps.csv``,
WLTP, acquired from 2021: 30 000 / 20 300 / 18 300 / 9 900 €); the excess is
added back on CC. ``co2:`` (g/km, an integer) on the purchase posting or
transaction gives the class; ``plafond-amortissement:`` an explicit ceiling
(``"aucun"`` for a utility vehicle). A car dearer than the lowest ceiling
without either is an error.

Not handled, and refused at the option's line: several vehicles in one year
(the option takes one CV and one distance: a second ``bareme-km`` line of a
year, or a barème year with several vehicles in the registre, see
``assets``), a two-wheeler at the barème (the table is the cars'). Not handled
either: the fuel-only barème of leased vehicles. A moto or scooter has no
art. 39-4 ceiling (it caps the *véhicules de tourisme*).
"""

from __future__ import annotations

import csv
import datetime
import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any

from beancount.core import data

from beancount_hn.core.config import BaremeKm, normalize_word
from beancount_hn.core.errors import as_written, error_type, source_of, where
from beancount_hn.core.frtypo import date as french_date
from beancount_hn.core.frtypo import money, number
from beancount_hn.core.ledger import LedgerIndex

if TYPE_CHECKING:
    from beancount_hn.tax.assets import Asset, Registre

BaremeError = error_type("BaremeError")
VehicleHint = error_type("VehicleHint")
VehicleCapError = error_type("VehicleCapError")

VEHICLE_LINE = "23"
MAX_CV, MIN_CV = 7, 3
_KEPT_RE = re.compile(
    r"^(peages?|tolls?|parking|stationnement|interets?|interests?|emprunts?|loans?)$", re.IGNORECASE)
#: Names of the costs that come with owning the car (deductible only if it is in the registre).
_PROPERTY_RE = re.compile(
    r"^(assurances?|insurances?|interets?|interests?|emprunts?|loans?|credits?|grosses?-?reparations?)$",
    re.IGNORECASE)


@dataclass(frozen=True)
class BaremeRow:
    """One row of the barème: a year and a fiscal power, three distance bands."""

    year: int
    cv: int
    electric: bool
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
            raw, formula = km * self.rate_upto_5000, f"{_figure(km)} km × {_figure(self.rate_upto_5000)}"
        elif km <= 20000:
            raw = km * self.rate_5001_20000 + self.fixed_5001_20000
            formula = (f"{_figure(km)} km × {_figure(self.rate_5001_20000)} + "
                       f"{_figure(self.fixed_5001_20000)}")
        else:
            raw, formula = km * self.rate_over_20000, f"{_figure(km)} km × {_figure(self.rate_over_20000)}"
        return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), formula


def _figure(value: Decimal) -> str:
    """``value`` in French with the decimals it has (``0,357``, ``1 395``, ``8 200``)."""
    return number(value, max(0, -value.normalize().as_tuple().exponent))


@functools.cache
def bareme_table() -> dict[tuple[int, int, bool], BaremeRow]:
    """The barème by (year, CV, electric)."""
    text = resources.files("beancount_hn").joinpath("data/bareme_km.csv").read_text("utf-8")
    table = {}
    for row in csv.DictReader(text.splitlines()):
        entry = BaremeRow(
            year=int(row["year"]),
            cv=int(row["cv"]),
            electric=row["energy"] == "electrique",
            rate_upto_5000=Decimal(row["rate_upto_5000"]),
            rate_5001_20000=Decimal(row["rate_5001_20000"]),
            fixed_5001_20000=Decimal(row["fixed_5001_20000"]),
            rate_over_20000=Decimal(row["rate_over_20000"]),
            source=row["source"],
            confidence=row["confidence"],
            uncertain=row["uncertain"].strip().lower() == "yes",
        )
        table[(entry.year, entry.cv, entry.electric)] = entry
    return table


def bareme_row(year: int, horsepower: int, electric: bool = False) -> BaremeRow | None:
    """The barème row of ``year`` for ``horsepower`` CV (capped to 3…7), or None."""
    return bareme_table().get((year, min(max(horsepower, MIN_CV), MAX_CV), electric))


@dataclass(frozen=True)
class Forfait:
    """The barème kilométrique of one year, computed."""

    option: BaremeKm
    row: BaremeRow
    amount: Decimal
    formula: str
    entry: data.Custom | None  # the hn-option directive, for --explain
    vehicle: str = ""  # its designation (the option's, else the registre's only vehicle)

    @property
    def uncertain(self) -> bool:
        return self.row.uncertain

    @property
    def description(self) -> str:
        """The forfait as a line of the 2035-B cadre 7, in French."""
        energy = " électrique (+20 %)" if self.option.electric else ""
        return (f"barème kilométrique {self.option.year}{energy} : {self.vehicle or 'véhicule non désigné'}, "
                f"{self.option.horsepower} CV, {self.formula}")


def bareme_option(index: LedgerIndex, year: int) -> tuple[BaremeKm, data.Custom] | None:
    """The ``bareme-km`` option chosen for ``year`` (the last one written), with its directive."""
    found = None
    for option in index.config.entries("bareme-km"):
        key, value = option.value
        if key == year:
            found = (value, option.entry)
    return found


def forfait(index: LedgerIndex, year: int, registre: Registre | None = None) -> Forfait | None:
    """The year's forfait, or None when the year uses actual costs (or has no barème).

    Its vehicle is the option's designation, else the only vehicle of ``registre`` held that year.
    """
    found = bareme_option(index, year)
    if found is None:
        return None
    option, entry = found
    row = bareme_row(year, option.horsepower, option.electric)
    if row is None:
        return None
    amount, formula = row.amount(option.kilometers)
    vehicle = option.vehicle
    if not vehicle and registre is not None:
        cars = [asset for asset in registre.held_in(year) if asset.vehicle]
        vehicle = cars[0].designation if len(cars) == 1 else ""
    return Forfait(option, row, amount, formula, entry, vehicle)


def validate_bareme(index: LedgerIndex) -> list:
    """Errors for a ``bareme-km`` option of a year the barème table does not cover, and for
    a second option of one year (several vehicles are not handled; a later line would
    silently replace the first one). The registre's vehicles are checked by ``assets``."""
    errors = []
    first: dict[int, Any] = {}
    for option in index.config.entries("bareme-km"):
        year, value = option.value
        earlier = first.setdefault(year, option)
        if earlier is not option and earlier.value[1] != value:
            errors.append(BaremeError(
                source_of(option.entry),
                f"deuxième option bareme-km pour {year} ({value}), après celle de {where(earlier.entry.meta)} "
                f"({earlier.value[1]}) : hn ne calcule le barème que pour un véhicule par an et ne choisit pas "
                "entre deux lignes ; pour corriger la première, modifiez-la et supprimez celle-ci ; plusieurs "
                "véhicules la même année ne sont pas pris en charge (passez en frais réels ou faites établir "
                "le barème par votre comptable)",
                option.entry))
            continue
        if bareme_row(year, value.horsepower, value.electric) is None:
            kind = "des véhicules électriques " if value.electric else ""
            years = sorted({y for y, _, electric in bareme_table() if electric == value.electric})
            errors.append(BaremeError(
                source_of(option.entry),
                f"pas de barème kilométrique {kind}pour {year} dans data/bareme_km.csv (années connues : "
                f"{years[0]}–{years[-1]}) : retirez l'option ou ajoutez le barème de l'année avec sa source",
                option.entry,
            ))
    return errors


def is_kept_cost(index: LedgerIndex, account: str, posting: data.Posting | None = None) -> bool:
    """True for parking, tolls and loan interest: deductible on top of the forfait.

    ``hors-forfait:`` on the posting decides, else on the account's ``open``; else the
    name: a word of it (``Interets-Emprunt``, ``Parking_Gare``) among the kept costs."""
    if posting is not None and posting.meta and "hors-forfait" in posting.meta:
        return _truthy(posting.meta["hors-forfait"])
    written = index.open_meta(account, "hors-forfait")
    if written is not None:
        return _truthy(written)
    return any(_KEPT_RE.match(word) for part in account.split(":")[1:] for word in re.split(r"[-_]", part))


def covered_by_forfait(index: LedgerIndex, line: str | None, account: str,
                       posting: data.Posting | None, year: int) -> bool:
    """True when a cost on ``account`` (mapped to ``line``) is replaced by the year's barème."""
    return (line == VEHICLE_LINE and bareme_option(index, year) is not None
            and not is_kept_cost(index, account, posting))


def is_property_cost(index: LedgerIndex, account: str, posting: data.Posting | None = None) -> bool:
    """True for a cost of owning the car (insurance, loan interest, big repairs): deductible
    only when the car is in the registre des immobilisations."""
    if posting is not None and posting.meta and "frais-propriete" in posting.meta:
        return _truthy(posting.meta["frais-propriete"])
    marked = index.open_meta(account, "frais-propriete")
    if marked is not None:
        return _truthy(marked)
    return any(_PROPERTY_RE.match(part) for part in account.split(":")[1:])


def property_cost_hint(account: str, amount: Decimal, year: int, source: dict[str, Any]) -> Any:
    """The warning for property costs of a car absent from the registre, counted on line 23."""
    return VehicleHint(
        source,
        f"avertissement : {account} : {money(amount)} comptés en ligne 23 en {year} (assurance, intérêts "
        "d'emprunt ou grosses réparations du véhicule) alors qu'aucun véhicule n'est inscrit au registre "
        "des immobilisations cette année-là : ces frais ne sont déductibles que pour un véhicule inscrit "
        "(BOI-BNC-BASE-40-60-40-20). Inscrivez le véhicule (Assets:Immobilisations:Vehicule) ou "
        'passez ces frais en ligne-2035: "non-deductible"', None)


@dataclass(frozen=True)
class DepreciationCap:
    """The art. 39-4 ceiling of a car: the part of its depreciation above it is added back."""

    cap: Decimal
    why: str  # in French: the CO₂ class and source, or the explicit ceiling


@functools.cache
def _cap_table() -> tuple[tuple[datetime.date, int, int | None, Decimal, str], ...]:
    text = resources.files("beancount_hn").joinpath("data/vehicle_depreciation_caps.csv").read_text("utf-8")
    return tuple((datetime.date.fromisoformat(row["acquired_from"]), int(row["co2_from"]),
                  int(row["co2_below"]) if row["co2_below"] else None, Decimal(row["cap"]), row["source"])
                 for row in csv.DictReader(text.splitlines()))


def lowest_cap() -> Decimal:
    """The lowest ceiling: a car that costs no more is never capped."""
    return min(row[3] for row in _cap_table())


def depreciation_cap(asset: Asset) -> DepreciationCap | None | str:
    """The art. 39-4 ceiling of a vehicle of the registre, None when none applies
    (``plafond-amortissement: "aucun"``, or a cost within every ceiling), or an
    error text (in French) when the ledger does not say enough to know it."""
    if asset.two_wheeler:
        return None  # art. 39-4 caps the véhicules de tourisme (category M1): not a moto or scooter
    posting = asset.txn.postings[asset.posting_index]
    meta = {**(asset.txn.meta or {}), **(posting.meta or {})}
    explicit = meta.get("plafond-amortissement")
    if explicit is not None:
        if isinstance(explicit, str) and normalize_word(explicit) == "aucun":
            return None
        if isinstance(explicit, Decimal) and explicit > 0:
            return DepreciationCap(explicit, f"plafond-amortissement: {explicit}")
        return (f"plafond-amortissement: {as_written(explicit)} n'est ni un montant positif ni \"aucun\" "
                "(véhicule utilitaire)")
    co2 = meta.get("co2")
    if co2 is None:
        if asset.cost <= lowest_cap():
            return None
        return (f"véhicule de {money(asset.cost)} : son amortissement déductible est plafonné selon ses "
                "émissions de CO₂ (art. 39-4 du CGI) ; indiquez co2: (g/km WLTP, case V.7 du certificat "
                "d'immatriculation) sur le posting d'achat, ou plafond-amortissement: (le plafond en euros, "
                '"aucun" pour un véhicule utilitaire)')
    if not isinstance(co2, Decimal) or co2 < 0 or co2 != co2.to_integral_value():
        return f"co2: {as_written(co2)} n'est pas un nombre entier de grammes de CO₂ par km"
    for since, low, below, cap, source in _cap_table():
        if asset.acquired >= since and low <= co2 and (below is None or co2 < below):
            return DepreciationCap(cap, f"{co2} g de CO₂/km : plafond {money(cap)} ({source})")
    return (f"véhicule acquis le {french_date(asset.acquired)} : les plafonds de l'art. 39-4 connus "
            "s'appliquent aux véhicules acquis depuis 2021 (WLTP) ; indiquez plafond-amortissement: "
            "(le plafond de l'année d'acquisition, en euros)")


def capped_excess(asset: Asset, dotation: Decimal, cap: DepreciationCap) -> Decimal:
    """The part of the year's ``dotation`` above the ceiling, to the cent (0 within it)."""
    if asset.cost <= cap.cap:
        return Decimal(0)
    return (dotation * (asset.cost - cap.cap) / asset.cost).quantize(Decimal("0.01"), ROUND_HALF_UP)


def cap_error(asset: Asset, message: str) -> Any:
    return VehicleCapError(asset.meta, f"{asset.account} : {message}", asset.txn)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "oui", "yes", "1")
    return bool(value)
