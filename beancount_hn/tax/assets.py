"""Fixed assets: the registre des immobilisations, linear depreciation, disposals.

A purchase is a posting that debits an account under ``Assets:Immobilisations``
(or ``Assets:FixedAssets``), with the depreciation plan on the posting, or on
the transaction when it buys one asset::

    2025-03-15 * "Kiné-Matériel" "Table de massage électrique"
      Assets:Immobilisations:Table      2400.00 EUR
        amortissement: "lineaire 5"
      Assets:Banque:Courant

Accepted plans: ``"lineaire N"`` (N years, decimals allowed) and
``"non-amortissable"`` (patientèle / droit de présentation, land). Optional
posting metadata: ``designation:`` (default: the narration) and
``mise-en-service:`` (a date, when depreciation starts later than the purchase).
Keep one account per asset: a disposal names its asset by its account.

**Depreciation** is straight-line, *prorata temporis* on the **360-day basis**
(each month counts 30 days, the day of acquisition included): the usual French
practice, which gives whole months and the same figures as most accounting
software. The first year gets ``cost / N × days / 360``; each full year
``cost / N``; the last year takes what is left, so the dotations add up to the
cost to the cent. Each year's dotation is rounded to the cent.

A **disposal** is a posting that credits the asset's account with the sale
price received (``-300.00 EUR``; a zero posting with ``cession:`` metadata for
an asset scrapped without price). The year's dotation runs up to the disposal
date; the result is ``price − net book value``, split by the two-year rule of
art. 39 duodecies CGI (applied to BNC by art. 93 quater): held < 2 years, all
short term; held >= 2 years, a gain is short term up to the depreciation
deducted and long term beyond, a loss on a depreciable asset stays short term,
a gain or loss on a non-depreciable asset is long term. The year's net
short-term result goes to line CB (gain) or CK (loss); long-term results are
listed apart (taxed outside the 2035 result).

Small equipment (≤ 500 EUR HT, BOI-BIC-CHG-20-30-10 §20) may be expensed: an
asset whose price excluding VAT may be under that limit gets a *hint* (not an
error). Under the VAT franchise the booked cost includes VAT, so the hint fires
up to 600 EUR (500 EUR HT at 20 %); under ``vat-regime "reel"`` up to 500 EUR.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from beancount.core import data

from beancount_hn.core.config import normalize_word
from beancount_hn.core.errors import as_written, error_type, source_of
from beancount_hn.core.frtypo import money
from beancount_hn.core.ledger import LedgerIndex

AssetError = error_type("AssetError")
AssetHint = error_type("AssetHint")

CENT = Decimal("0.01")
LINEAR, NOT_DEPRECIABLE = "lineaire", "non-amortissable"
SMALL_EQUIPMENT_HT = Decimal("500")
#: The booked cost of a practice that does not recover VAT includes it (20 %).
SMALL_EQUIPMENT_TTC = Decimal("600")

#: Second component of a fixed-asset account (after the assets root).
ASSET_GROUPS = frozenset({"immobilisations", "immobilisation", "fixedassets", "fixed-assets"})
#: Accounts of accumulated depreciation, if a user books it: never an asset.
_DEPRECIATION_PARTS = frozenset({"amortissements", "amortissement", "depreciation", "dotations"})
_VEHICLE_RE = re.compile(r"^(vehicules?|voitures?|automobiles?|cars?|vehicles?)$", re.IGNORECASE)
_INTANGIBLE_RE = re.compile(r"^(incorporel(le)?s?|intangibles?|patientele|clientele)$", re.IGNORECASE)
_PLAN_RE = re.compile(r"^lineaire\s+(\d+(?:[.,]\d+)?)(?:\s*ans?)?$")


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def days360(start: datetime.date, end: datetime.date) -> int:
    """Days from ``start`` to ``end`` included, every month counting 30 days (30E/360)."""
    d1, d2 = min(start.day, 30), min(end.day, 30)
    return (end.year - start.year) * 360 + (end.month - start.month) * 30 + (d2 - d1) + 1


def is_asset_account(index: LedgerIndex, account: str) -> bool:
    """True for ``Assets:Immobilisations:…`` (not an accumulated-depreciation account)."""
    parts = account.split(":")
    return (
        len(parts) >= 2
        and index.root_type(account) == "assets"
        and parts[1].lower() in ASSET_GROUPS
        and not any(p.lower() in _DEPRECIATION_PARTS for p in parts[2:])
    )


@dataclass(frozen=True)
class Plan:
    """A depreciation plan: ``lineaire`` over ``years``, or not depreciable."""

    method: str
    years: Decimal | None

    def __str__(self) -> str:
        return NOT_DEPRECIABLE if self.method == NOT_DEPRECIABLE else f"linéaire {self.years} ans"


def parse_plan(value: Any) -> Plan | None:
    """``"lineaire 5"`` / ``"linéaire 3.5 ans"`` / ``"non-amortissable"``, or None."""
    if not isinstance(value, str):
        return None
    text = " ".join(normalize_word(value).replace("-", " ").split())
    if text in ("non amortissable", "non depreciable"):
        return Plan(NOT_DEPRECIABLE, None)
    match = _PLAN_RE.match(text)
    if not match:
        return None
    try:
        years = Decimal(match.group(1).replace(",", "."))
    except InvalidOperation:
        return None
    return Plan(LINEAR, years) if 0 < years <= 50 else None


@dataclass(frozen=True)
class Disposal:
    """The sale (or scrapping) of an asset."""

    date: datetime.date
    price: Decimal
    txn: data.Transaction
    posting_index: int


@dataclass(frozen=True)
class YearDepreciation:
    """One year of an asset's depreciation schedule."""

    year: int
    opening_value: Decimal  # net book value on 1 January (or at acquisition)
    dotation: Decimal
    cumulated: Decimal  # depreciation at the end of the year (or at disposal)
    net_book_value: Decimal


@dataclass(frozen=True)
class DisposalResult:
    """The result of a disposal, split into short and long term."""

    date: datetime.date
    price: Decimal
    net_book_value: Decimal
    cumulated: Decimal
    result: Decimal  # price − net book value
    short_term: Decimal
    long_term: Decimal
    held_two_years: bool


@dataclass(frozen=True)
class Asset:
    """One fixed asset of the registre."""

    account: str
    designation: str
    acquired: datetime.date
    start: datetime.date  # start of depreciation (mise en service)
    cost: Decimal
    currency: str
    plan: Plan
    vehicle: bool
    intangible: bool
    txn: data.Transaction
    posting_index: int
    disposal: Disposal | None = None

    @property
    def meta(self) -> dict[str, Any]:
        """Where the purchase is written (for ``--explain``)."""
        posting = self.txn.postings[self.posting_index]
        return posting.meta if posting.meta and "filename" in posting.meta else self.txn.meta

    def schedule(self) -> list[YearDepreciation]:
        """The depreciation, year by year, until fully depreciated or disposed of.

        The plan lasts ``N × 360`` days from :attr:`start`; the year it ends
        takes the remainder, so a complete schedule adds up to the cost.
        """
        if self.plan.method == NOT_DEPRECIABLE:
            return []
        annual = self.cost / self.plan.years
        plan_days = self.plan.years * 360
        end = self.disposal.date if self.disposal else None
        rows: list[YearDepreciation] = []
        cumulated = Decimal(0)
        used = 0
        year = self.start.year
        while cumulated < self.cost:
            first = self.start if year == self.start.year else datetime.date(year, 1, 1)
            last = datetime.date(year, 12, 31) if end is None else min(datetime.date(year, 12, 31), end)
            if last < first:
                break
            days = days360(first, last)
            if used + days >= plan_days:
                dotation = self.cost - cumulated
            else:
                dotation = min(_cents(annual * days / 360), self.cost - cumulated)
            used += days
            opening = self.cost - cumulated
            cumulated += dotation
            rows.append(YearDepreciation(year, opening, dotation, cumulated, self.cost - cumulated))
            if last == end:
                break
            year += 1
        return rows

    def depreciation(self, year: int) -> YearDepreciation | None:
        """The schedule's row of ``year`` (None outside the depreciation years)."""
        return next((row for row in self.schedule() if row.year == year), None)

    def cumulated_at(self, year: int) -> Decimal:
        """Depreciation deducted up to the end of ``year`` (or the disposal)."""
        rows = [row for row in self.schedule() if row.year <= year]
        return rows[-1].cumulated if rows else Decimal(0)

    def disposal_result(self) -> DisposalResult | None:
        """The gain or loss of the disposal, short and long term (None if still held)."""
        if self.disposal is None:
            return None
        sold = self.disposal.date
        cumulated = self.cumulated_at(sold.year)
        nbv = self.cost - cumulated
        result = self.disposal.price - nbv
        held_two_years = sold >= _add_years(self.acquired, 2)
        if not held_two_years:
            short, long_ = result, Decimal(0)
        elif self.plan.method == NOT_DEPRECIABLE:
            short, long_ = Decimal(0), result
        elif result > 0:
            short = min(result, cumulated)
            long_ = result - short
        else:
            short, long_ = result, Decimal(0)
        return DisposalResult(sold, self.disposal.price, nbv, cumulated, result, short, long_,
                              held_two_years)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Registre:
    """The registre des immobilisations of a ledger, with its errors and hints."""

    assets: list[Asset] = field(default_factory=list)
    errors: list = field(default_factory=list)
    hints: list = field(default_factory=list)

    def held_in(self, year: int) -> list[Asset]:
        """Assets acquired by the end of ``year`` and not disposed of before it."""
        return [a for a in self.assets
                if a.acquired.year <= year and (a.disposal is None or a.disposal.date.year >= year)]

    def dotations(self, year: int) -> list[tuple[Asset, YearDepreciation]]:
        """Each asset's row of the schedule for ``year`` (only assets depreciated that year)."""
        rows = []
        for asset in self.assets:
            row = asset.depreciation(year)
            if row is not None:
                rows.append((asset, row))
        return rows

    def dotation(self, year: int) -> Decimal:
        """The year's total depreciation (line CH before any barème exclusion)."""
        return sum((row.dotation for _, row in self.dotations(year)), Decimal(0))

    def disposals(self, year: int) -> list[tuple[Asset, DisposalResult]]:
        """The disposals of ``year`` with their results."""
        return [(a, a.disposal_result()) for a in self.assets
                if a.disposal is not None and a.disposal.date.year == year]

    def short_term_net(self, year: int) -> Decimal:
        """Net short-term result of the year's disposals: > 0 to CB, < 0 to CK."""
        return sum((r.short_term for _, r in self.disposals(year)), Decimal(0))

    def long_term_net(self, year: int) -> Decimal:
        """Net long-term result of the year's disposals (outside the 2035 result)."""
        return sum((r.long_term for _, r in self.disposals(year)), Decimal(0))


#: Where ``amortissement:`` was read, as the user reads it.
_WHERE_PLAN = {"posting": "sur le posting", "transaction": "sur la transaction"}


def _plan_value(txn: data.Transaction, posting: data.Posting) -> tuple[Any, str] | None:
    if posting.meta and "amortissement" in posting.meta:
        return posting.meta["amortissement"], "posting"
    if txn.meta and "amortissement" in txn.meta:
        return txn.meta["amortissement"], "transaction"
    return None


def _start_date(posting: data.Posting, txn: data.Transaction) -> datetime.date | str:
    value = (posting.meta or {}).get("mise-en-service", (txn.meta or {}).get("mise-en-service"))
    if value is None:
        return txn.date
    if isinstance(value, datetime.date):
        return max(value, txn.date)
    return f"mise-en-service: {as_written(value)} n'est pas une date ; écrivez-la sans guillemets, p. ex. 2025-04-01"


def build_registre(entries: Sequence[data.Directive], index: LedgerIndex) -> Registre:
    """Read every purchase and disposal of fixed assets, in date order."""
    registre = Registre()
    live: dict[str, list[Asset]] = {}  # account -> assets not yet disposed of
    asset_accounts: dict[str, bool] = {}  # is_asset_account, once per account

    def is_asset(account: str) -> bool:
        known = asset_accounts.get(account)
        if known is None:
            known = asset_accounts[account] = is_asset_account(index, account)
        return known

    for entry in entries:
        if type(entry) is not data.Transaction:
            continue
        # Most transactions touch no fixed asset: a quick look at the cache first.
        for posting in entry.postings:
            known = asset_accounts.get(posting.account)
            if known or (known is None and is_asset(posting.account)):
                break
        else:
            continue
        for i, posting in enumerate(entry.postings):
            if posting.units is None or not is_asset(posting.account):
                continue
            number = posting.units.number
            is_disposal = number < 0 or (number == 0 and posting.meta and "cession" in posting.meta)
            if is_disposal:
                _dispose(registre, live, entry, i, posting)
            elif number > 0:
                asset = _purchase(registre, index, entry, i, posting)
                if asset is not None:
                    registre.assets.append(asset)
                    live.setdefault(asset.account, []).append(asset)
    return registre


def _purchase(registre: Registre, index: LedgerIndex, txn: data.Transaction, i: int,
              posting: data.Posting) -> Asset | None:
    account = posting.account
    found = _plan_value(txn, posting)
    if found is None:
        registre.errors.append(AssetError(
            source_of(txn),
            f"achat d'une immobilisation sur {account} sans amortissement: ; ajoutez "
            'amortissement: "lineaire N" (N années) au posting ou à la transaction, '
            'ou "non-amortissable" (patientèle, terrain)',
            txn,
        ))
        return None
    plan = parse_plan(found[0])
    if plan is None:
        registre.errors.append(AssetError(
            source_of(txn),
            f"amortissement: {as_written(found[0])} ({_WHERE_PLAN[found[1]]}) sur {account} n'est pas un plan "
            'd\'amortissement ; écrivez "lineaire N" avec N le nombre d\'années (p. ex. "lineaire 5"), '
            'ou "non-amortissable"',
            txn,
        ))
        return None
    start = _start_date(posting, txn)
    if isinstance(start, str):
        registre.errors.append(AssetError(source_of(txn), f"{account} : {start}", txn))
        return None
    parts = account.split(":")[2:]
    designation = str((posting.meta or {}).get("designation") or txn.narration or account)
    asset = Asset(
        account=account,
        designation=designation,
        acquired=txn.date,
        start=start,
        cost=posting.units.number,
        currency=posting.units.currency,
        plan=plan,
        vehicle=bool(index.open_meta(account, "vehicule")) or any(_VEHICLE_RE.match(p) for p in parts),
        intangible=any(_INTANGIBLE_RE.match(p) for p in parts),
        txn=txn,
        posting_index=i,
    )
    regime = index.config.value("vat-regime", txn.date, "franchise")
    limit = SMALL_EQUIPMENT_HT if regime == "reel" else SMALL_EQUIPMENT_TTC
    if plan.method == LINEAR and asset.cost <= limit:
        registre.hints.append(AssetHint(
            source_of(txn),
            f"{account} : {money(asset.cost, asset.currency)} — si son prix unitaire hors taxes ne "
            "dépasse pas 500 € HT, ce petit matériel peut être passé en charges d'un coup (ligne 19, "
            "petit outillage) au lieu d'être amorti (BOI-BIC-CHG-20-30-10 § 20)",
            txn,
        ))
    return asset


def _dispose(registre: Registre, live: dict[str, list[Asset]], txn: data.Transaction, i: int,
             posting: data.Posting) -> None:
    account = posting.account
    held = live.get(account, [])
    if len(held) != 1:
        why = ("aucune immobilisation n'est inscrite sur ce compte" if not held
               else f"{len(held)} immobilisations y sont inscrites ; gardez un compte par immobilisation")
        registre.errors.append(AssetError(
            source_of(txn),
            f"cession sur {account} sans immobilisation correspondante : {why}. Une cession crédite "
            "le compte de l'immobilisation du prix de vente reçu",
            txn,
        ))
        return
    asset = held.pop()
    disposed = Disposal(txn.date, -posting.units.number, txn, i)
    position = next(k for k, known in enumerate(registre.assets) if known is asset)
    registre.assets[position] = replace(asset, disposal=disposed)
