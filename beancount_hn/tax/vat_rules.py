"""The law of the VAT franchise (art. 293 B CGI) as data: thresholds, rules, proration.

Two tables in ``data/`` hold what changes with the law:

* ``vat_thresholds.csv``: one row per calendar year — base threshold, majoré
  threshold, the date those figures came into force, the rules of the period
  and the source. A year missing from the table is an error
  (:class:`UnknownYearError`) telling the user to update beancount-hn: the
  figures of another year are never reused silently.
* ``vat_rules.csv``: the rules of each period. ``avant-2025``: franchise in N
  if CA(N-1) ≤ base, or CA(N-1) ≤ majoré and CA(N-2) ≤ base (two-year
  tolerance); past the majoré in N, VAT is due from the first day of the month
  of crossing. ``depuis-2025`` (LF 2024, kept by loi n° 2025-1044): franchise in
  N only if CA(N-1) ≤ base and CA(N) ≤ majoré; VAT is due from the date of
  crossing.

The franchise of year N is decided with the row of year N (the thresholds in
force when it is assessed): its base threshold applies to the turnover of
N-1 (and N-2 for the tolerance), its majoré threshold to the turnover of N.

For the year the practice starts (``hn-option "practice-start"``) every
threshold applied to that year's turnover is prorated: days from the start to
31 December (both included) over the days of the year, rounded *down* to the
cent. Turnover is counted in cents, so comparing it with the rounded-down
figure gives exactly the answer the unrounded one would.
"""

from __future__ import annotations

import csv
import datetime
import functools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from importlib import resources

from beancount_hn.core.frtypo import money as eur

CENT = Decimal("0.01")
ZERO = Decimal(0)
MONTH_START, CROSSING_DATE = "month-start", "crossing-date"



@dataclass(frozen=True)
class Rules:
    """The rules of one period (a row of ``vat_rules.csv``)."""

    name: str
    two_year_tolerance: bool
    vat_due_from: str  # MONTH_START or CROSSING_DATE
    summary: str
    source: str

    def vat_due_date(self, crossing: datetime.date) -> datetime.date:
        """The first day VAT is due once the majoré threshold is crossed on ``crossing``."""
        return crossing.replace(day=1) if self.vat_due_from == MONTH_START else crossing


@dataclass(frozen=True)
class Thresholds:
    """The 293 B thresholds of one calendar year (a row of ``vat_thresholds.csv``)."""

    year: int
    base: Decimal
    majore: Decimal
    in_force_from: datetime.date
    rules: Rules
    source: str
    confidence: str


class UnknownYearError(LookupError):
    """A year the thresholds table does not cover; the message says what to do."""

    def __init__(self, year: int) -> None:
        table = threshold_table()
        self.year = year
        #: Years before the table are history no update will bring: reports say so and go on.
        self.before_table = year < min(table)
        if self.before_table:
            message = (f"la table des seuils 293 B de beancount-hn commence en {min(table)} : "
                       f"la franchise de {year} n'est pas vérifiée")
        else:
            message = (f"beancount-hn ne connaît pas les seuils de la franchise 293 B pour {year} "
                       f"(table {min(table)}–{max(table)}) : mettez beancount-hn à jour "
                       "(pip install -U beancount-hn)")
        super().__init__(message)


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("beancount_hn").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@functools.cache
def rules_table() -> dict[str, Rules]:
    """The rules of each period, by name."""
    table = {}
    for row in _read_csv("vat_rules.csv"):
        if row["vat_due_from"] not in (MONTH_START, CROSSING_DATE):
            raise ValueError(f"vat_rules.csv : vat_due_from inconnu « {row['vat_due_from']} »")
        table[row["rules"]] = Rules(
            row["rules"], row["two_year_tolerance"].upper() == "TRUE", row["vat_due_from"],
            row["summary"], row["source"],
        )
    return table


@functools.cache
def threshold_table() -> dict[int, Thresholds]:
    """The thresholds of each year, by year."""
    rules = rules_table()
    table = {}
    for row in _read_csv("vat_thresholds.csv"):
        table[int(row["year"])] = Thresholds(
            int(row["year"]), Decimal(row["base"]), Decimal(row["majore"]),
            datetime.date.fromisoformat(row["in_force_from"]), rules[row["rules"]],
            row["source"], row["confidence"],
        )
    return table


def thresholds(year: int) -> Thresholds:
    """The row of ``year``, or :class:`UnknownYearError`."""
    row = threshold_table().get(year)
    if row is None:
        raise UnknownYearError(year)
    return row


def prorata(year: int, practice_start: datetime.date | None) -> Fraction:
    """The share of ``year`` the practice was open, when it started that year; else 1."""
    if practice_start is None or practice_start.year != year:
        return Fraction(1)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Fraction((last - practice_start).days + 1, (last - first).days + 1)


def prorate(amount: Decimal, share: Fraction) -> Decimal:
    """``amount × share``, rounded down to the cent (exact for comparisons in cents)."""
    if share == 1:
        return amount
    return (amount * share.numerator / share.denominator).quantize(CENT, ROUND_DOWN)


def prorata_days(share: Fraction, year: int) -> str:
    """The share of ``year`` as days open over the days of the year: ``184/366``, never the
    reduced fraction (92/183 is no number of days)."""
    days = (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1
    return f"{share * days}/{days}"


def prorata_note(share: Fraction, year: int) -> str:
    """``, proratisé 121/366 jours`` for a first year (inside parentheses), else ``""``."""
    return "" if share == 1 else f", proratisé {prorata_days(share, year)} jours"


@dataclass(frozen=True)
class Decision:
    """Whether the franchise applies on 1 January of ``year``, and why.

    ``reason`` (plain French, with the figures compared) is written when first
    read: a clean ``bean-check`` shows none, and its amounts are formatted by
    Babel, whose import alone costs more than the VAT step. ``explain`` builds
    it (a function of no argument); a string may be given instead.
    """

    year: int
    franchise: bool
    explain: Callable[[], str] | str = field(repr=False, compare=False)
    thresholds: Thresholds
    provisional: bool = False  # decided with an earlier year's row (``year`` not in the table yet)
    #: The years of unknown turnover the answer rests on: a franchise granted over them is no
    #: decision (``franchise`` stays True so that no receipt is flagged on a guess; the faces
    #: say « inconnue », and ``vat.analyze`` reports the missing ``vat-turnover`` as an error).
    unknown: tuple[int, ...] = ()

    @functools.cached_property
    def reason(self) -> str:
        """Why, in plain French, with the figures compared (built on first use)."""
        return self.explain if isinstance(self.explain, str) else self.explain()


def _turnover(turnover: Mapping[int, Decimal], year: int, practice_start: datetime.date | None,
              notes: Mapping[int, str], unknown: Collection[int]) -> tuple[Decimal, Callable[[], str]]:
    """A year's counted turnover and what to say beside it (a function: written when read):
    where it comes from when it is not the ledger's own (a ``vat-turnover`` option, e.g.
    `` (déclaré: hn-option vat-turnover, main.beancount:12)``), or why it is taken as nil.
    A year of ``unknown`` turnover gives what the ledger counts of it: a lower bound.
    """
    if year in unknown:
        return turnover.get(year, ZERO), lambda: " (compté par le livre, qui n'a pas toute l'année : un minimum)"
    if year in turnover:
        return turnover[year], lambda: notes.get(year, "")
    if practice_start is not None and practice_start.year > year:
        return ZERO, lambda: " (avant le début d'activité)"
    return ZERO, lambda: " (absent du grand livre, supposé nul)"


def decide_franchise(year: int, row: Thresholds, turnover: Mapping[int, Decimal],
                     practice_start: datetime.date | None, *, provisional: bool = False,
                     notes: Mapping[int, str] | None = None,
                     unknown: Collection[int] = ()) -> Decision:
    """Does the franchise apply on 1 January of ``year``, given the previous years' turnover?

    ``row`` is the thresholds row in force in ``year`` (``provisional`` when
    another year's row stands in for a year not in the table yet). ``notes``
    names the source of figures that are not the ledger's own (see ``_turnover``).
    ``unknown`` are the years whose whole turnover the ledger does not know (books begun
    during or after them, a year without any transaction): their ledger figure is only a
    lower bound. The answer grows no kinder with more turnover, so a loss over a lower
    bound is sure; a franchise granted over an unknown year is not, and is returned with
    that year in ``Decision.unknown`` (fail closed).
    The decision's ``reason`` is written only when read (see :class:`Decision`).
    """
    notes = notes or {}
    previous, note1 = _turnover(turnover, year - 1, practice_start, notes, unknown)
    share1 = prorata(year - 1, practice_start)
    base1 = prorate(row.base, share1)
    majore1 = prorate(row.majore, share1)
    older, note2 = _turnover(turnover, year - 2, practice_start, notes, unknown)
    share2 = prorata(year - 2, practice_start)
    base2 = prorate(row.base, share2)

    def label() -> str:
        return f"seuil de base {row.year}{prorata_note(share1, year - 1)}"

    def said() -> str:
        return f"CA {year - 1} = {eur(previous)}{note1()}"

    def said2() -> str:
        return f"CA {year - 2} = {eur(older)}{note2()}"

    def granted(used: tuple[int, ...], explain: Callable[[], str]) -> Decision:
        missing = tuple(y for y in used if y in unknown)
        if not missing:
            return Decision(year, True, explain, row, provisional)

        def unsure() -> str:
            years = " et ".join(str(y) for y in missing)
            return (f"{explain()} ; or ce n'est qu'un minimum : déclarez le CA {years} de l'année entière "
                    f'(hn-option "vat-turnover" {missing[0]} MONTANT EUR)')
        return Decision(year, True, unsure, row, provisional, missing)

    if previous <= base1:
        return granted((year - 1,), lambda: f"{said()} ≤ {eur(base1)} ({label()})")
    if not row.rules.two_year_tolerance:
        return Decision(year, False, lambda: f"{said()} > {eur(base1)} ({label()}), sans tolérance depuis 2025",
                        row, provisional)
    if previous > majore1:
        return Decision(year, False, lambda: f"{said()} > {eur(majore1)} (seuil majoré {row.year}"
                        f"{prorata_note(share1, year - 1)})", row, provisional)
    if older <= base2:
        return granted((year - 1, year - 2), lambda: f"{said()} > {eur(base1)} ({label()}) mais ≤ {eur(majore1)} "
                       f"(seuil majoré) et {said2()} ≤ {eur(base2)} : tolérance de deux ans")
    return Decision(year, False, lambda: f"{said()} > {eur(base1)} ({label()}) et {said2()} > {eur(base2)} : "
                    "la tolérance de deux ans est épuisée", row, provisional)
