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

The **cost** is the posting's weight in euros: an asset bought in another
currency counts through its price (``2000.00 USD @ 0.90 EUR`` costs 1 800 €);
without a price, an error.

A credit on an asset's account says nothing by itself: it may be a sale or a
supplier's rebate, so it must be marked (an unmarked credit is an error at its
line). A **disposal** is a posting marked ``cession:`` (on the posting or the
transaction) that credits the asset's account with the sale price received
(``-300.00 EUR``; a zero posting for an asset scrapped without price). A
**reduction of the purchase price** (remise, rabais, a supplier's credit note)
is a credit marked ``reduction-prix:``: it lowers the asset's cost, hence every
dotation, when it comes before the end of the first year of depreciation (the
dotations already deducted are not recomputed: a later one is an error). The year's dotation runs up to the disposal
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
The other way round, one payment above that limit on line 19 (petit outillage)
gets a hint that a single item of that price is a fixed asset.

Refused at their line, because the 2035 would silently ignore them:
``amortissement:`` on a posting that is not a fixed asset (an expense is
deducted at once), and ``part-privee:``/``part-non-deductible:`` on an asset's
purchase, transaction or ``open`` (the private share of a depreciation is not
added back by hn). A vehicle is an asset whose account has a word such as
``Vehicule``, ``Voiture``, ``Auto``, ``Automobile``, ``Moto``, ``Scooter``
(accents folded), or ``vehicule: TRUE`` on its ``open``; a two-wheeler is not
a *voiture particulière*, so the art. 39-4 ceiling does not apply to it
(``vehicle``).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from operator import attrgetter
from typing import Any

from beancount.core import data

from beancount_hn.core.config import normalize_word
from beancount_hn.core.errors import as_written, error_type, posting_source, source_of
from beancount_hn.core.frtypo import date as french_date
from beancount_hn.core.frtypo import money
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.roles import euros
from beancount_hn.tax.lines2035 import SHARE_KEYS, account_line, parse_share, share_error

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
#: Words of an account (accents folded) that name a vehicle, and among them a two-wheeler.
_VEHICLE_RE = re.compile(r"^(vehicules?|voitures?|autos?|automobiles?|cars?|vehicles?|utilitaires?|"
                         r"motos?|motocyclettes?|scooters?)$")
_TWO_WHEELER_RE = re.compile(r"^(motos?|motocyclettes?|scooters?)$")
_WORD_SPLIT_RE = re.compile(r"[-_ .]+")
#: Metadata keys marking a credit on an asset's account: a sale, or a lower purchase price.
DISPOSAL_KEY = "cession"
REDUCTION_KEY = "reduction-prix"
#: The 2035 sub-line of small equipment expensed at once.
SMALL_TOOLS_LINE = "19"
_INTANGIBLE_RE = re.compile(r"^(incorporel(le)?s?|intangibles?|patientele|clientele)$", re.IGNORECASE)
_PLAN_RE = re.compile(r"^lineaire\s+(\d+(?:[.,]\d+)?)(?:\s*ans?)?$")
_ACCOUNT = attrgetter("account")


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
class Reduction:
    """A reduction of an asset's purchase price (remise, rabais, supplier's credit note)."""

    date: datetime.date
    amount: Decimal  # in euros, positive
    txn: data.Transaction


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
    two_wheeler: bool = False  # a moto or scooter: no art. 39-4 ceiling, no car barème
    reductions: tuple[Reduction, ...] = ()  # already deducted from ``cost``
    #: ``part-privee:``/``part-non-deductible:`` of a mixed-use asset: the share of each
    #: year's deductible dotation added back on CC (``form2035``), with the key that says it.
    private_share: Decimal = Decimal(0)
    share_key: str = ""

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


def _words(account: str) -> list[str]:
    """The words of an account below its group, accents folded (``Véhicule-Clio`` → vehicule, clio)."""
    return [word for part in account.split(":")[2:] for word in _WORD_SPLIT_RE.split(normalize_word(part)) if word]


def _credit_marks(txn: data.Transaction, posting: data.Posting) -> dict[str, bool]:
    """``cession:`` and ``reduction-prix:``, each True when written on the posting, or
    else on the transaction (and not FALSE)."""
    marks = dict.fromkeys((DISPOSAL_KEY, REDUCTION_KEY), False)
    for key in (DISPOSAL_KEY, REDUCTION_KEY):
        for meta in (posting.meta, txn.meta):
            if meta and key in meta:
                marks[key] = meta[key] is not False
                break
    return marks


def _in_euros(txn: data.Transaction, posting: data.Posting) -> Decimal | str:
    """The posting's weight in euros (its price ``@``/``@@`` or cost ``{}`` for another
    currency), or the French error when it has none."""
    if posting.units.number == 0:
        return Decimal(0)  # a scrapping without price, whatever its currency
    value = euros(posting, "EUR")  # as the cash book values it (rounded to the cent)
    if value is not None:
        return value
    return (f"{posting.account} : {as_written(posting.units.number)} {posting.units.currency} sans cours en euros ; "
            "une immobilisation s'inscrit pour ce qu'elle a coûté en euros : écrivez le cours ou le total, "
            f"p. ex. {posting.units.number} {posting.units.currency} @@ 1800.00 EUR (le montant débité)")


#: What each account is to the registre (computed once per account).
_OTHER, _ASSET, _SMALL_TOOLS = 0, 1, 2


def build_registre(entries: Sequence[data.Directive], index: LedgerIndex) -> Registre:
    """Read every purchase, price reduction and disposal of fixed assets, in date order."""
    registre = Registre()
    live: dict[str, list[Asset]] = {}  # account -> assets not yet disposed of
    kinds: dict[str, int] = {}  # account -> _OTHER, _ASSET or _SMALL_TOOLS
    plain: set[str] = set()  # the accounts of kind _OTHER among them

    def kind_of(account: str) -> int:
        known = kinds.get(account)
        if known is None:
            if is_asset_account(index, account):
                known = _ASSET
            elif index.root_type(account) == "expenses" and account_line(index, account) == SMALL_TOOLS_LINE:
                known = _SMALL_TOOLS
            else:
                known = _OTHER
                plain.add(account)
            kinds[account] = known
        return known

    transaction = data.Transaction
    for entry in entries:
        if type(entry) is not transaction:
            continue
        touches_asset = False
        if plain.issuperset(map(_ACCOUNT, entry.postings)):
            # The usual transaction: no fixed asset, nothing on line 19 (its accounts looked up
            # at once, all seen before). Only amortissement: to refuse, on any of its postings.
            for posting in entry.postings:
                meta = posting.meta
                if meta and "amortissement" in meta:
                    _misplaced_plan(registre, index, entry, posting)
        else:
            for posting in entry.postings:
                kind = kind_of(posting.account)
                if kind == _ASSET:
                    touches_asset = True
                elif posting.meta and "amortissement" in posting.meta:
                    _misplaced_plan(registre, index, entry, posting)
                elif kind == _SMALL_TOOLS:
                    _small_tools_hint(registre, index, entry, posting)
        if not touches_asset:
            if entry.meta and "amortissement" in entry.meta:
                registre.errors.append(AssetError(
                    source_of(entry),
                    "amortissement: sur une transaction qui ne débite aucun compte Assets:Immobilisations:… ; "
                    "une immobilisation s'achète sur un compte Assets:Immobilisations:… (p. ex. "
                    "Assets:Immobilisations:Table) : passez-y l'achat, ou retirez amortissement: pour une "
                    "dépense déduite d'un coup",
                    entry))
            continue
        for i, posting in enumerate(entry.postings):
            if posting.units is None or kinds.get(posting.account) != _ASSET:
                continue
            number = posting.units.number
            if number < 0 or (number == 0 and _credit_marks(entry, posting)[DISPOSAL_KEY]):
                _credit(registre, live, entry, i, posting)
            elif number > 0:
                asset = _purchase(registre, index, entry, i, posting)
                if asset is not None:
                    registre.assets.append(asset)
                    live.setdefault(asset.account, []).append(asset)
    registre.errors.extend(_bareme_vehicle_errors(registre, index))
    return registre


def _small_equipment_limit(index: LedgerIndex, day: datetime.date) -> Decimal:
    """What small equipment may cost per unit and still be expensed at once: 500 € HT, read as
    its TTC equivalent while the practice is in the VAT franchise (it pays the VAT)."""
    regime = index.config.value("vat-regime", day, "franchise")
    return SMALL_EQUIPMENT_HT if regime == "reel" else SMALL_EQUIPMENT_TTC


def _misplaced_plan(registre: Registre, index: LedgerIndex, txn: data.Transaction, posting: data.Posting) -> None:
    """``amortissement:`` on a posting the registre does not read: an error at the posting."""
    if index.root_type(posting.account) == "expenses":
        why = ("est un compte de charges : la dépense y serait déduite d'un coup, sans amortissement. "
               "Pour amortir le bien, passez l'achat sur un compte Assets:Immobilisations:… (p. ex. "
               "Assets:Immobilisations:Table, ouvert à part) avec amortissement: ; pour le déduire d'un coup "
               "(petit matériel de 500 € HT au plus), retirez amortissement:")
    else:
        why = ("n'est pas un compte d'immobilisation : amortissement: ne se lit que sur le posting qui débite "
               "un compte Assets:Immobilisations:… (ou sur sa transaction)")
    registre.errors.append(AssetError(
        posting_source(posting, txn),
        f"amortissement: {as_written(posting.meta['amortissement'])} sur {posting.account}, qui {why}", txn))


def _small_tools_hint(registre: Registre, index: LedgerIndex, txn: data.Transaction,
                      posting: data.Posting) -> None:
    """A hint for one payment on line 19 (petit outillage) above the small-equipment limit."""
    if posting.units is None or posting.units.number is None or posting.units.number <= 0:
        return
    amount = _in_euros(txn, posting)
    if isinstance(amount, str):
        return  # the 2035 reports the missing price
    limit = _small_equipment_limit(index, txn.date)
    if amount <= limit:
        return
    registre.hints.append(AssetHint(
        posting_source(posting, txn),
        f"{posting.account} : {money(amount)} en une écriture sur la ligne 19 (petit outillage) ; seul le "
        "matériel de 500 € HT au plus par unité se passe en charges d'un coup (BOI-BIC-CHG-20-30-10 § 20). "
        "S'il s'agit d'un seul bien, inscrivez-le au registre : achat sur Assets:Immobilisations:… avec "
        'amortissement: "lineaire N" ; s\'il s\'agit de plusieurs petits articles, rien à changer',
        txn))


def _bareme_vehicle_errors(registre: Registre, index: LedgerIndex) -> list:
    """Errors at a ``bareme-km`` option whose year holds several vehicles, or a two-wheeler.

    The option takes one power and one distance; the barème of the year covers every
    vehicle (fr-rules §5, BOI-BNC-BASE-40-60-40-20), so a second vehicle's depreciation
    would vanish under the first one's forfait. The table is the cars' one."""
    errors = []
    seen: set[int] = set()
    for option in index.config.entries("bareme-km"):
        year = option.value[0]
        if year in seen:
            continue  # a second line of the year is an error of its own (vehicle.validate_bareme)
        seen.add(year)
        vehicles = [asset for asset in registre.held_in(year) if asset.vehicle]
        names = ", ".join(f"« {asset.designation} » ({asset.account})" for asset in vehicles)
        if len(vehicles) > 1:
            errors.append(AssetError(
                source_of(option.entry),
                f"barème kilométrique {year} : {len(vehicles)} véhicules au registre cette année-là ({names}) ; "
                "le barème couvre tous les véhicules de l'année, chacun avec sa puissance et ses kilomètres, et "
                "hn ne le calcule que pour un seul véhicule : pour plusieurs véhicules la même année, passez en "
                "frais réels (retirez l'option) ou faites établir le barème par votre comptable",
                option.entry))
        elif vehicles and vehicles[0].two_wheeler:
            errors.append(AssetError(
                source_of(option.entry),
                f"barème kilométrique {year} : le véhicule du registre est un deux-roues ({names}) ; hn ne "
                "connaît que le barème des voitures : retirez l'option (frais réels) ou, si c'est une voiture, "
                "renommez son compte",
                option.entry))
    return errors


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
    cost = _in_euros(txn, posting)
    if isinstance(cost, str):
        registre.errors.append(AssetError(posting_source(posting, txn), cost, txn))
        return None
    share_key, share = _private_share(registre, index, txn, posting)
    words = _words(account)
    two_wheeler = any(_TWO_WHEELER_RE.match(word) for word in words)
    designation = str((posting.meta or {}).get("designation") or txn.narration or account)
    asset = Asset(
        account=account,
        designation=designation,
        acquired=txn.date,
        start=start,
        cost=cost,
        currency="EUR",
        plan=plan,
        vehicle=bool(index.open_meta(account, "vehicule")) or any(_VEHICLE_RE.match(word) for word in words),
        intangible=any(_INTANGIBLE_RE.match(p) for p in account.split(":")[2:]),
        txn=txn,
        posting_index=i,
        two_wheeler=two_wheeler,
        private_share=share,
        share_key=share_key,
    )
    limit = _small_equipment_limit(index, txn.date)
    if plan.method == LINEAR and asset.cost <= limit:
        registre.hints.append(AssetHint(
            source_of(txn),
            f"{account} : {money(asset.cost, asset.currency)} — si son prix unitaire hors taxes ne "
            "dépasse pas 500 € HT, ce petit matériel peut être passé en charges d'un coup (ligne 19, "
            "petit outillage) au lieu d'être amorti (BOI-BIC-CHG-20-30-10 § 20)",
            txn,
        ))
    return asset


def _private_share(registre: Registre, index: LedgerIndex, txn: data.Transaction,
                   posting: data.Posting) -> tuple[str, Decimal]:
    """The ``part-privee:`` or ``part-non-deductible:`` of an asset's purchase (its posting,
    else its transaction, else the account's ``open``) and its key; ("", 0) without one.

    The share of each year's deductible dotation is added back on CC (the private use of a
    mixed-use asset, as for an expense: fr-rules.md, line 36). A malformed value, or both
    keys, is an error at its line (0 is then read)."""
    found: list[tuple[str, Any, dict[str, Any], bool]] = []  # key, value, where, on the open
    for key in SHARE_KEYS:
        if posting.meta and key in posting.meta:
            found.append((key, posting.meta[key], posting_source(posting, txn), False))
        elif txn.meta and key in txn.meta:
            found.append((key, txn.meta[key], source_of(txn), False))
        elif index.open_meta(posting.account, key) is not None:
            found.append((key, index.open_meta(posting.account, key), source_of(index.opens.get(posting.account)),
                          True))
    if not found:
        return "", Decimal(0)
    if len(found) > 1:
        registre.errors.append(AssetError(found[1][2], (
            f"{posting.account} : part-privee: et part-non-deductible: sur la même immobilisation ; gardez-en "
            "une seule, la part de la dotation qui n'est pas déductible"), txn))
        return "", Decimal(0)
    key, value, where_, on_open = found[0]
    share = parse_share(value)
    if share is None:
        if not on_open:  # on the open: validate_line_values says it, once
            error = share_error(key, value, where_, txn)
            registre.errors.append(AssetError(where_, f"{posting.account} : {error.message}", txn))
        return "", Decimal(0)
    return key, share


def _credit(registre: Registre, live: dict[str, list[Asset]], txn: data.Transaction, i: int,
            posting: data.Posting) -> None:
    """A credit on an asset's account: a disposal (``cession:``) or a lower price
    (``reduction-prix:``); unmarked, an error (hn cannot tell a sale from a rebate)."""
    account = posting.account
    marks = _credit_marks(txn, posting)
    sale, reduction = marks[DISPOSAL_KEY], marks[REDUCTION_KEY]
    where = posting_source(posting, txn)
    amount = _in_euros(txn, posting)
    if isinstance(amount, str):
        registre.errors.append(AssetError(where, amount, txn))
        return
    amount = -amount
    if sale == reduction:
        what = ("porte à la fois cession: et reduction-prix:" if sale else
                "ne dit pas ce qu'il est")
        registre.errors.append(AssetError(
            where,
            f"crédit de {money(amount)} sur {account} qui {what} : hn ne devine pas une vente. "
            f"Si le bien est vendu (ou mis au rebut), ajoutez {DISPOSAL_KEY}: TRUE au posting (le montant est "
            "le prix de vente reçu, la plus ou moins-value est calculée) ; s'il s'agit d'une remise, d'un "
            f"rabais ou d'un avoir du fournisseur sur le prix d'achat, ajoutez {REDUCTION_KEY}: TRUE (le coût "
            "amorti du bien est diminué d'autant)",
            txn))
        return
    held = live.get(account, [])
    if len(held) != 1:
        why = ("aucune immobilisation n'est inscrite sur ce compte" if not held
               else f"{len(held)} immobilisations y sont inscrites ; gardez un compte par immobilisation")
        what = "cession" if sale else "réduction de prix"
        registre.errors.append(AssetError(
            where,
            f"{what} sur {account} sans immobilisation correspondante : {why}. Une cession crédite "
            "le compte de l'immobilisation du prix de vente reçu, une réduction de prix du montant remboursé",
            txn,
        ))
        return
    asset = held[0]
    if sale:
        held.pop()
        changed = replace(asset, disposal=Disposal(txn.date, amount, txn, i))
        if asset.private_share:  # its dotations were not all deducted: the gain's split is the accountant's
            registre.errors.append(AssetError(where, (
                f"cession de {account}, immobilisation à usage mixte ({asset.share_key}: "
                f"{asset.private_share}) : la plus- ou moins-value d'un bien dont une part des dotations a "
                "été réintégrée ne se calcule pas comme celle d'un bien professionnel ; hn ne la calcule "
                "pas : faites-la établir par votre comptable et portez-la par ajustement-2035"), txn))
    else:
        error = _reduction_error(asset, txn, amount)
        if error is not None:
            registre.errors.append(AssetError(where, f"{account} : {error}", txn))
            return
        changed = replace(asset, cost=asset.cost - amount,
                          reductions=asset.reductions + (Reduction(txn.date, amount, txn),))
        held[0] = changed
    position = next(k for k, known in enumerate(registre.assets) if known is asset)
    registre.assets[position] = changed


def _reduction_error(asset: Asset, txn: data.Transaction, amount: Decimal) -> str | None:
    """Why a reduction of ``amount`` cannot lower ``asset``'s cost, or None."""
    if amount <= 0:
        return f"réduction de prix de {money(amount)} : le montant d'une réduction est un crédit (négatif)"
    if amount >= asset.cost:
        return (f"réduction de prix de {money(amount)} pour un coût de {money(asset.cost)} : c'est l'annulation "
                f"de l'achat ; si le bien est rendu, marquez ce crédit {DISPOSAL_KEY}: TRUE")
    if asset.plan.method == LINEAR and txn.date.year > asset.start.year:
        return (f"réduction de prix du {french_date(txn.date)}, après l'année {asset.start.year} où son "
                "amortissement a commencé : les dotations déjà déduites ne se recalculent pas et hn ne sait pas "
                "répartir la réduction sur les années restantes ; voyez avec votre comptable (le plan "
                "d'amortissement se corrige pour la suite)")
    return None
