"""Generate a synthetic, deterministic practice ledger for the benchmarks.

A masseur-kinésithérapeute libéral in the VAT franchise, ``--years`` calendar
years (default 10, from 2017: the 293 B thresholds table covers 2017-2026), at
realistic volume per practitioner:

* about 5 500 conventionné acts a year, transmitted each working day as a
  "Lot FSE" (one income posting per act with ``acte:``; AMS/AMC before
  2024-02-22, the body-region letters after) to ``Assets:Creances:CPAM``,
  ``Assets:Creances:Mutuelles`` and ``Assets:Creances:Patients``, settled by
  weekly grouped CPAM transfers, monthly mutuelle transfers and weekly card
  remittances;
* dépassements (``acte: "DE"``, cash style);
* hors-nomenclature work: group Pilates classes (cash style, no invoice),
  numbered notes d'honoraires ``F-{year}-{seq:04d}`` (cash style and accrual
  style to ``Assets:Creances:Clients`` with ``^links``; a devis ``custom "hn-devis"`` before every HN invoice
  of 70 EUR or more; company invoices with ``client-siren:``), a few credit
  notes ``AV-{year}-{seq:03d}`` with ``avoir-de:`` and one voided number a year;
* expenses on the 2035 lines (explicit ``ligne-2035:`` on every open), an
  accountant's invoice paid through a payable, a fixed asset every five years
  with ``amortissement: "lineaire 5"``, a bank loan, drawings, cash deposits,
  savings transfers and a yearly ``balance`` assertion.

Taxable HN receipts (VAT status ``franchise``) stay under a yearly budget well
below the 293 B thresholds at any scale: beyond it HN care is marked
``tva: "exoneree"``, so the ledger passes ``bean-check`` with every hn plugin.

``--scale K`` multiplies the volume (K practitioners' worth of activity in one
ledger: K lots a day, K times the HN work and the expenses); scale 10 passes the
100 000-transaction and 1 000 000-posting marks; ``--transactions N`` picks the
scale that gives about N transactions.

The shape of the bookkeeping varies with what practices differ on (:class:`Params`,
named sets of them in :data:`SHAPES`, ``--shape``): one income posting per act or
per FSE lot, the HN volume and the share of it billed with a numbered note, notes
paid at the session or booked to a receivable then paid (with credit notes), the
patients' part of a lot paid by card in the lot itself, ``hn-option "treasury"``
on each account or on their parent, and the number of years. The defaults (shape
``reference``) write the ledger described above. Three files are written to
``--out``: ``body.beancount`` (everything), ``plain.beancount`` (includes the
body) and ``hn.beancount`` (``plugin "beancount_hn.plugins.all"`` + the same
include), so that a load with and without the plugins parses the same text.

Usage::

    python bench/generate.py --out /tmp/hn-bench --years 10 --scale 1 --seed 2035
    python bench/generate.py --out /tmp/hn-bench --shape hn-accrual --transactions 30000
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)
DAY = datetime.timedelta(days=1)

PLUGIN = "beancount_hn.plugins.all"
BODY, PLAIN, WITH_PLUGINS = "body.beancount", "plain.beancount", "hn.beancount"

BANQUE, CAISSE = "Assets:Banque", "Assets:Caisse"
COURANT, LIVRET = f"{BANQUE}:Courant", f"{BANQUE}:Livret"
CPAM, MUTUELLES = "Assets:Creances:CPAM", "Assets:Creances:Mutuelles"
PATIENTS, CLIENTS = "Assets:Creances:Patients", "Assets:Creances:Clients"
CONV, DEP, HN = "Income:Honoraires:Conventionnes", "Income:Honoraires:Depassements", "Income:Honoraires:HN"
FOURNISSEURS, EMPRUNT = "Liabilities:Dettes:Fournisseurs", "Liabilities:Emprunt:Banque"
APPORTS, PRELEVEMENTS = "Equity:Exploitant:Apports", "Equity:Exploitant:Prelevements"

#: Expense accounts and their 2035 line (written on each open: the ledger never relies on defaults).
EXPENSES: dict[str, str] = {
    "Expenses:Retrocessions": "AC",
    "Expenses:Achats:Consommables": "BA",
    "Expenses:Loyer": "BF",
    "Expenses:Materiel:Petit-Outillage": "19",
    "Expenses:Entretien": "17",
    "Expenses:Energie": "20",
    "Expenses:Honoraires:Comptable": "21",
    "Expenses:Assurances": "22",
    "Expenses:Vehicule:Carburant": "23",
    "Expenses:Vehicule:Entretien": "23",
    "Expenses:Vehicule:Assurance": "23",
    "Expenses:Deplacements": "24",
    "Expenses:Cotisations:URSSAF": "BT",
    "Expenses:Cotisations:CARPIMKO": "BT",
    "Expenses:CSG:Deductible": "BV",
    "Expenses:CSG:Non-Deductible": "non-deductible",
    "Expenses:Impots:CFE": "JY",
    "Expenses:Telephone": "27",
    "Expenses:Fournitures-Bureau": "27",
    "Expenses:Logiciel": "27",
    "Expenses:Formation": "30",
    "Expenses:Cotisations:Syndicat": "29",
    "Expenses:Frais-Bancaires": "BN",
    "Expenses:Interets-Emprunt": "BN",
}

#: Conventionné acts (key letter + coefficient, weight) before and after the 2024-02-22 NGAP.
ACTS_OLD = (("AMS 7.5", 40), ("AMS 9.5", 15), ("AMC 8", 10), ("AMS 8", 15), ("AMK 8", 8), ("AMS 10.5", 12))
ACTS_NEW = (("DRA 7.5", 20), ("RAB 8", 15), ("NMI 9.5", 15), ("ARL 8", 15), ("AMK 8", 8), ("APM 10.5", 7),
            ("TMK 8", 5), ("DRA 9.5", 15))
NGAP_2024 = datetime.date(2024, 2, 22)
LETTER_VALUE_2024 = datetime.date(2024, 7, 1)

MUTUELLES_NAMES = ("HARMONIE MUTUELLE", "MGEN", "MALAKOFF HUMANIS", "AG2R LA MONDIALE", "ALMERYS TP",
                   "VIAMEDIS", "SP SANTE")
FIRST_NAMES = ("Sophie", "Julien", "Camille", "Nicolas", "Isabelle", "Thomas", "Claire", "Antoine",
               "Nathalie", "Pierre", "Émilie", "Laurent", "Céline", "Mathieu", "Aurélie", "Hugo",
               "Sandrine", "Lucas", "Valérie", "Maxime", "Hélène", "François", "Chloé", "Benoît")
LAST_NAMES = ("Bernard", "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux",
              "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert",
              "Fontaine", "Rousseau", "Vincent", "Muller", "Faure", "André", "Mercier", "Blanc",
              "Guérin", "Boyer", "Garnier", "Chevalier", "Perrin")
COMPANIES = (("Transports Rhodaniens SAS", "552100554", "12 rue de l'Industrie, 69007 Lyon"),
             ("Logistique Saône SARL", "732829320", "4 quai Rambaud, 69002 Lyon"),
             ("Imprimerie des Canuts SA", "542065479", "25 rue d'Austerlitz, 69004 Lyon"))
#: HN sessions billed with a numbered note: (label, lowest and highest price in EUR).
HN_SESSIONS = (("Pilates individuel, 1 h", 55, 65), ("Massage bien-être, 45 min", 45, 55),
               ("Préparation physique, 1 h", 55, 65), ("K-taping", 25, 35),
               ("Conseil en activité physique adaptée", 60, 65))
HN_BIG = (("Bilan postural complet, 1 h 30", 80, 120), ("Coaching course à pied, forfait mensuel", 200, 260),
          ("Bilan sportif", 90, 150))
#: Taxable HN (VAT franchise) receipts a year per ledger: far under the 293 B warning (80 % of 33 200).
TAXABLE_BUDGET = Decimal(19000)


def money(value: Decimal | float | int) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP) if not isinstance(value, Decimal) \
        else value.quantize(CENT, ROUND_HALF_UP)


def fmt(amount: Decimal) -> str:
    return f"{amount:.2f} EUR"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- the model: entries rendered in date order --------------------------------------------------


@dataclass(eq=False)
class Number:
    """An invoice number, allocated once every document of the ledger is known."""

    series: str  # "F" or "AV"
    date: datetime.date
    order: int
    text: str = ""
    taxable: bool = True  # the VAT status its credit notes follow

    def __str__(self) -> str:
        return self.text


#: Metadata values: raw Beancount text (already quoted), or an invoice number (quoted when rendered).
MetaValue = str | Number


@dataclass(eq=False)
class Posting:
    account: str
    amount: Decimal
    meta: dict[str, MetaValue] = field(default_factory=dict)


@dataclass(eq=False)
class Entry:
    """One directive; ``render(state)`` returns its text (numbers and balances known by then)."""

    date: datetime.date
    order: int
    render: Callable[[State], str]
    rank: int = 1  # 0 for directives beancount sorts before transactions (open, balance)


@dataclass
class State:
    """Running balances of the treasury accounts, while rendering in date order."""

    balances: dict[str, Decimal] = field(default_factory=dict)
    taxable: dict[int, Decimal] = field(default_factory=dict)  # HN receipts under the franchise, by year
    transactions: int = 0
    postings: int = 0

    def franchise(self, day: datetime.date, amount: Decimal) -> bool:
        """Whether an HN receipt may stay taxable (franchise) within the year's budget."""
        used = self.taxable.get(day.year, ZERO)
        if used + amount > TAXABLE_BUDGET:
            return False
        self.taxable[day.year] = used + amount
        return True

    def apply(self, postings: list[Posting]) -> None:
        for posting in postings:
            if posting.account in (COURANT, LIVRET, CAISSE):
                self.balances[posting.account] = self.balances.get(posting.account, ZERO) + posting.amount
        self.transactions += 1
        self.postings += len(postings)


def _meta_lines(meta: dict[str, MetaValue], indent: str) -> list[str]:
    return [f"{indent}{key}: {value if isinstance(value, str) else quote(str(value))}"
            for key, value in meta.items()]


def render_txn(state: State, date: datetime.date, payee: str, narration: str, postings: list[Posting],
               meta: dict[str, MetaValue] | None = None, links: tuple[str | Number, ...] = (),
               elide: bool = False,
               flag: str = "*") -> str:
    """A transaction's text; ``elide`` leaves the last posting's amount to Beancount."""
    total = sum((p.amount for p in postings), ZERO)
    if total:
        raise AssertionError(f"unbalanced generated transaction on {date}: {narration} ({total})")
    state.apply(postings)
    head = f"{date} {flag} {quote(payee)} {quote(narration)}"
    if links:
        head += " " + " ".join(f"^{link}" for link in links)
    lines = [head, *_meta_lines(meta or {}, "  ")]
    for i, posting in enumerate(postings):
        if elide and i == len(postings) - 1 and not posting.meta:
            lines.append(f"  {posting.account}")
        else:
            lines.append(f"  {posting.account}  {fmt(posting.amount)}")
        lines.extend(_meta_lines(posting.meta, "    "))
    return "\n".join(lines) + "\n"


class Ledger:
    """Collects entries and invoice numbers, then renders them in date order."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.numbers: list[Number] = []
        self.voided: list[Number] = []
        self._order = 0

    def next_order(self) -> int:
        self._order += 1
        return self._order

    def add(self, date: datetime.date, render: Callable[[State], str], rank: int = 1) -> None:
        self.entries.append(Entry(date, self.next_order(), render, rank))

    def txn(self, date: datetime.date, payee: str, narration: str, postings: list[Posting], **kwargs) -> None:
        self.add(date, lambda state: render_txn(state, date, payee, narration, postings, **kwargs))

    def number(self, series: str, date: datetime.date) -> Number:
        number = Number(series, date, self.next_order())
        self.numbers.append(number)
        return number

    def allocate(self, patterns: dict[str, str]) -> None:
        """Number every document: continuous and chronological per series and year."""
        counters: dict[tuple[str, int], int] = {}
        for number in sorted(self.numbers, key=lambda n: (n.date, n.order)):
            key = (number.series, number.date.year)
            counters[key] = counters.get(key, 0) + 1
            number.text = patterns[number.series].format(year=number.date.year, seq=counters[key])

    def render(self) -> tuple[str, State]:
        state = State()
        ordered = sorted(self.entries, key=lambda e: (e.date, e.rank, e.order))
        return "".join(entry.render(state) + "\n" for entry in ordered), state


# --- calendar -----------------------------------------------------------------------------------


def working_days(year: int) -> list[datetime.date]:
    """Monday to Friday, minus holidays: three weeks in August, one at Christmas, one in spring."""
    days = []
    day = datetime.date(year, 1, 2)
    while day.year == year:
        week = day.isocalendar()[1]
        if day.weekday() < 5 and week not in (16, 32, 33, 34) and not (day.month == 12 and day.day >= 24):
            days.append(day)
        day += DAY
    return days


def next_weekday(day: datetime.date, weekday: int) -> datetime.date:
    """The first ``weekday`` (0 = Monday) strictly after ``day``."""
    ahead = (weekday - day.weekday() - 1) % 7 + 1
    return day + datetime.timedelta(days=ahead)


def month_day(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, min(day, 28))


# --- the generator -------------------------------------------------------------------------------


LOT_POSTINGS = ("act", "lot")
STYLES = ("cash", "mixed", "accrual")
TREASURY = ("accounts", "parent")
#: Share of the numbered notes booked to a receivable, and their credit notes' rate, by style.
ACCRUAL_SHARE = {"cash": 0.0, "mixed": 0.4, "accrual": 1.0}
CREDIT_RATE = {"cash": 0.0, "mixed": 0.04, "accrual": 0.10}


@dataclass(frozen=True)
class Params:
    """The volume of the ledger, and the shape of the practice's bookkeeping."""

    years: int = 10
    start_year: int = 2017
    scale: int = 1
    seed: int = 2035
    acts_per_year: int = 5500
    #: "act": one income posting per act (``acte:`` on it); "lot": one per FSE lot
    #: (the account's ``open`` says ``convention: "conventionne"``).
    lot_postings: str = "act"
    hn: float = 1.0  # individual HN sessions a day, times the reference practice's 0.85
    invoiced: float = 1.0  # share of the individual HN sessions billed with a numbered note
    style: str = "mixed"  # cash: notes paid at the session; accrual: to a receivable, paid later
    mixed: bool = False  # the patients' part of a FSE lot paid by card in the lot's transaction
    treasury: str = "accounts"  # "parent": hn-option treasury on Assets:Banque, not on each account

    def __post_init__(self) -> None:
        if self.lot_postings not in LOT_POSTINGS or self.style not in STYLES or self.treasury not in TREASURY:
            raise ValueError(f"unknown shape: {self}")
        if self.years < 1 or self.scale < 1 or self.acts_per_year < 1 or self.hn < 0 \
                or not 0 <= self.invoiced <= 1:
            raise ValueError(f"out of range: {self}")

    def shape(self) -> str:
        """The shape's parameters, as the command line writes them."""
        return (f"lot-postings={self.lot_postings} hn={self.hn:g} invoiced={self.invoiced:g} "
                f"style={self.style} mixed={'yes' if self.mixed else 'no'} treasury={self.treasury}")


#: Shapes practices differ on (``--shape``), each with the fields it changes from :class:`Params`.
SHAPES: dict[str, dict[str, object]] = {
    "reference": {},
    "lots": {"lot_postings": "lot", "mixed": True, "treasury": "parent"},
    "hn-accrual": {"lot_postings": "lot", "hn": 6.0, "style": "accrual", "treasury": "parent", "years": 3},
    "hn-cash": {"hn": 6.0, "invoiced": 0.5, "style": "cash", "mixed": True},
}


class Generator:
    """Builds one ledger; every random draw comes from ``random.Random`` seeded per stream."""

    def __init__(self, params: Params) -> None:
        self.p = params
        self.ledger = Ledger()
        self.start = datetime.date(params.start_year, 1, 2)
        self.end_year = params.start_year + params.years - 1
        self.devis_counter: dict[int, int] = {}
        self.assets: list[str] = []

    def rng(self, *stream: object) -> random.Random:
        return random.Random("/".join(map(str, (self.p.seed, *stream))))

    # --- header --------------------------------------------------------------------------

    def header(self) -> str:
        d = self.start - DAY
        lines = [
            'option "title" "Cabinet de kinésithérapie (ledger de banc d\'essai)"',
            'option "operating_currency" "EUR"',
            "",
            f'{d} custom "hn-option" "profession" "masseur-kinesitherapeute"',
            f'{d} custom "hn-option" "practice-start" {self.start}',
            f'{d} custom "hn-option" "vat-regime" "franchise"',
            *(f'{d} custom "hn-option" "treasury" {a}' for a in self.treasury_options()),
            f'{d} custom "hn-option" "invoice-series" "F" "F-{{year}}-{{seq:04d}}"',
            f'{d} custom "hn-option" "invoice-series" "AV" "AV-{{year}}-{{seq:03d}}"',
            f'{d} custom "hn-option" "identity" "nom" "Camille Martin EI"',
            f'{d} custom "hn-option" "identity" "adresse" "8 rue de la République"',
            f'{d} custom "hn-option" "identity" "code-postal" "69002"',
            f'{d} custom "hn-option" "identity" "ville" "Lyon"',
            f'{d} custom "hn-option" "identity" "siren" "732829320"',
            f'{d} custom "hn-option" "identity" "siret" "73282932000074"',
            f'{d} custom "hn-option" "identity" "rpps" "10101234567"',
            f'{d} custom "hn-option" "identity" "conventionnement" "conventionné"',
            "",
        ]
        opens = [(COURANT, {}), (LIVRET, {}), (CAISSE, {}), (CPAM, {}), (MUTUELLES, {}), (PATIENTS, {}),
                 (CLIENTS, {}), ("Assets:Depots:Garantie", {}), (EMPRUNT, {}), (FOURNISSEURS, {}),
                 (APPORTS, {}), (PRELEVEMENTS, {}),
                 (CONV, {"convention": '"conventionne"'} if self.p.lot_postings == "lot" else {}),
                 (DEP, {"convention": '"depassement"'}), (HN, {"convention": '"non-conventionne"'}),
                 ("Income:Produits-Financiers", {"ligne-2035": '"AE"'})]
        opens += [(account, {"ligne-2035": quote(line)}) for account, line in EXPENSES.items()]
        for account, meta in opens:
            if account == "Expenses:Telephone":
                meta = {**meta, "part-privee": "0.3"}
            lines.append(f"{d} open {account} EUR")
            lines.extend(_meta_lines(meta, "  "))
        return "\n".join(lines) + "\n\n"

    def treasury_options(self) -> tuple[str, ...]:
        """The accounts ``hn-option "treasury"`` names: each one, or the bank's parent."""
        return (COURANT, LIVRET, CAISSE) if self.p.treasury == "accounts" else (BANQUE, CAISSE)

    # --- one year of one practitioner's activity -------------------------------------------

    def build(self) -> Ledger:
        for k in range(self.p.scale):
            self.capital(k)
            for year in range(self.p.start_year, self.end_year + 1):
                self.conventionne(year, k)
                self.depassements(year, k)
                self.hors_nomenclature(year, k)
                self.expenses(year, k)
                self.treasury_moves(year, k)
        self.balances()
        self.ledger.allocate({"F": "F-{year}-{seq:04d}", "AV": "AV-{year}-{seq:03d}"})
        return self.ledger

    def capital(self, k: int) -> None:
        start = self.start
        self.ledger.txn(start, "Camille Martin", "Apport personnel à l'installation",
                        [Posting(COURANT, Decimal(15000)), Posting(APPORTS, Decimal(-15000))], elide=True)
        self.ledger.txn(start, "SCI du Cabinet", "Dépôt de garantie du local",
                        [Posting("Assets:Depots:Garantie", Decimal(1400)), Posting(COURANT, Decimal(-1400))])

    def act_table(self, day: datetime.date) -> tuple[list[str], list[int]]:
        table = ACTS_NEW if day >= NGAP_2024 else ACTS_OLD
        return [a for a, _ in table], [w for _, w in table]

    @staticmethod
    def act_amount(act: str, day: datetime.date) -> Decimal:
        letter, coefficient = act.split()
        if letter == "TMK":
            unit = Decimal("2.15")
        else:
            unit = Decimal("2.21") if day >= LETTER_VALUE_2024 else Decimal("2.15")
        return money(Decimal(coefficient) * unit)

    def conventionne(self, year: int, k: int) -> None:
        rng = self.rng("conv", year, k)
        days = working_days(year)
        per_day = self.p.acts_per_year / len(days)
        weekly_cpam: dict[datetime.date, Decimal] = {}
        weekly_patients: dict[datetime.date, Decimal] = {}
        monthly_mutuelles: dict[tuple[int, int], Decimal] = {}
        for number, day in enumerate(days, start=1):
            acts, weights = self.act_table(day)
            count = max(1, round(rng.gauss(per_day, per_day * 0.15)))
            cpam = mutuelle = patient = ZERO
            income: list[Posting] = []
            for _ in range(count):
                act = rng.choices(acts, weights)[0]
                amount = self.act_amount(act, day)
                parts = [(act, amount)]
                if rng.random() < 0.22:  # a home visit: travel allowance and kilometres
                    parts.append(("IFD", Decimal("2.50")))
                    km = rng.randint(2, 9)
                    parts.append((f"IK {km}", money(Decimal(km) * Decimal("0.38"))))
                total = sum((a for _, a in parts), ZERO)
                if rng.random() < 0.2:  # ALD: 100 % Assurance Maladie
                    cpam += total
                else:
                    share = money(total * Decimal("0.6"))
                    cpam += share
                    if rng.random() < 0.85:
                        mutuelle += total - share
                    else:
                        patient += total - share
                income.extend(Posting(CONV, -a, {"acte": quote(act)}) for act, a in parts)
            if self.p.lot_postings == "lot":  # the lot's fees in one posting
                income = [Posting(CONV, sum((p.amount for p in income), ZERO))]
            postings = [Posting(CPAM, cpam)]
            if mutuelle:
                postings.append(Posting(MUTUELLES, mutuelle))
            if patient:  # by card at the session (mixed), or a receivable the card remittance pays
                postings.append(Posting(COURANT if self.p.mixed else PATIENTS, patient))
            postings += income
            lot = f"{year % 100:02d}{k:02d}{number:03d}"
            self.ledger.txn(day, "Lot FSE", f"Télétransmission lot {lot} : {count} FSE", postings)
            paid_on = next_weekday(day + 2 * DAY, 1)  # CPAM pays the next Tuesday after 2 days
            weekly_cpam[paid_on] = weekly_cpam.get(paid_on, ZERO) + cpam
            remit = next_weekday(day, 1 if day.weekday() >= 4 or day.weekday() < 1 else 4)  # Tue, Fri
            if not self.p.mixed:
                weekly_patients[remit] = weekly_patients.get(remit, ZERO) + patient
            monthly_mutuelles[(day.year, day.month)] = monthly_mutuelles.get((day.year, day.month), ZERO) + mutuelle
        last = datetime.date(self.end_year, 12, 20)  # the last weeks stay open (unpaid FSE)
        for day, amount in weekly_cpam.items():
            if amount and day <= last:
                self.ledger.txn(day, "CPAM du Rhône", f"VIR CPAM DU RHONE PAIEMENT TIERS PAYANT {day:%d%m%y}",
                                [Posting(COURANT, amount), Posting(CPAM, -amount)], elide=rng.random() < 0.5)
        for day, amount in weekly_patients.items():
            if amount and day <= last:
                self.ledger.txn(day, "Remise CB", "Remise carte bancaire, parts patients",
                                [Posting(COURANT, amount), Posting(PATIENTS, -amount)])
        for (y, m), amount in monthly_mutuelles.items():
            paid = month_day(y + (m == 12), m % 12 + 1, 12)
            if paid > last or not amount:
                continue
            names = rng.sample(MUTUELLES_NAMES, 5)
            cuts = sorted(rng.sample(range(1, 100), 4))
            shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
            remaining = amount
            for i, (name, share) in enumerate(zip(names, shares, strict=True)):
                part = remaining if i == len(names) - 1 else money(amount * share / 100)
                remaining -= part
                self.ledger.txn(paid + i * DAY, name, f"VIR {name} TIERS PAYANT {m:02d}/{y}",
                                [Posting(COURANT, part), Posting(MUTUELLES, -part)])

    def depassements(self, year: int, k: int) -> None:
        rng = self.rng("de", year, k)
        for day in working_days(year):
            if rng.random() < 0.15:
                amount = Decimal(rng.choice((10, 12, 15)))
                payee = f"{rng.choice(('M.', 'Mme'))} {rng.choice(LAST_NAMES)}"
                self.ledger.txn(day, payee, "Séance à domicile à 20 h (exigence du patient)",
                                [Posting(COURANT, amount), Posting(DEP, -amount, {"acte": '"DE"'})])

    def devis(self, day: datetime.date, payee: str, amount: Decimal, description: str) -> str:
        """A quote (``custom "hn-devis"``) given on ``day``; returns its number."""
        year = day.year
        self.devis_counter[year] = self.devis_counter.get(year, 0) + 1
        number = f"D-{year}-{self.devis_counter[year]:04d}"
        text = (f"{day} custom \"hn-devis\" {quote(number)} {quote(payee)} {fmt(amount)}\n"
                f"  acte: \"HN\"\n  description: {quote(description)}\n  validite: {day + 45 * DAY}\n")
        self.ledger.add(day, lambda state: text)
        return number

    def hn_receipt(self, day: datetime.date, payee: str, narration: str, postings: list[Posting],
                   amount: Decimal, meta: dict[str, MetaValue], number: Number | None = None,
                   elide: bool = False) -> None:
        """An HN receipt or invoice: taxable (franchise) while the year's budget allows, else exempt."""

        def render(state: State) -> str:
            extra = dict(meta)
            if not state.franchise(day, amount):
                extra["tva"] = '"exoneree"'
                if number is not None:
                    number.taxable = False
            links = (number,) if number is not None else ()
            return render_txn(state, day, payee, narration, postings, meta=extra, links=links, elide=elide)

        self.ledger.add(day, render)

    def hors_nomenclature(self, year: int, k: int) -> None:
        rng = self.rng("hn", year, k)
        days = working_days(year)
        # Group Pilates classes twice a week, cash style (bank or cash box), no invoice.
        for day in days:
            if day.weekday() in (1, 3):
                people = rng.randint(5, 10)
                amount = Decimal(15 * people)
                account = CAISSE if rng.random() < 0.4 else COURANT
                self.hn_receipt(day, "Cours collectif Pilates", f"Cours collectif Pilates, {people} participants",
                                [Posting(account, amount), Posting(HN, -amount)], amount,
                                {"acte": '"HN"', "duree": '"1 h"'}, elide=True)
        self.voided_number(rng.choice(days[40:200]))
        whole, part = divmod(self.p.hn, 1)
        for day in days:
            draws = int(whole) + (1 if part and rng.random() < part else 0)
            for _ in range(sum(rng.choices((0, 1, 2), (35, 45, 20))[0] for _ in range(draws))):
                self.hn_session(rng, day)
        # A company's ergonomics intervention, twice a year, invoiced to a receivable.
        for day in (rng.choice(days[20:100]), rng.choice(days[120:200])):
            name, siren, address = rng.choice(COMPANIES)
            amount = Decimal(rng.choice((400, 450, 480)))
            devis = self.devis(day - 15 * DAY, name, amount, "Intervention ergonomie et prévention des TMS")
            number = self.ledger.number("F", day)
            meta = {"facture": number, "acte": '"HN"', "devis": quote(devis),
                    "client-siren": quote(siren), "client-adresse": quote(address)}
            self.hn_receipt(day, name, "Intervention ergonomie en entreprise, une demi-journée",
                            [Posting(CLIENTS, amount), Posting(HN, -amount)], amount, meta, number)
            paid = day + rng.randint(20, 45) * DAY
            self.ledger.txn(paid, name, "Virement reçu", [Posting(COURANT, amount), Posting(CLIENTS, -amount)],
                            links=(number,))

    def voided_number(self, day: datetime.date) -> None:
        """A number voided before it was handed over, declared as the law requires."""
        number = self.ledger.number("F", day)
        self.ledger.add(day, lambda state: (
            f"{day} custom \"hn-facture-annulee\" {quote(number.text)} \"Note annulée avant remise\"\n"))

    def hn_session(self, rng: random.Random, day: datetime.date) -> None:
        """An individual HN session: with a numbered note (:meth:`hn_invoice`), or paid without one."""
        payee = f"{rng.choice(('M.', 'Mme'))} {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        label, low, high = rng.choice(HN_BIG if rng.random() < 0.12 else HN_SESSIONS)
        amount = Decimal(rng.randint(low, high))
        if self.p.invoiced < 1 and rng.random() >= self.p.invoiced:
            account = CAISSE if rng.random() < 0.3 else COURANT
            self.hn_receipt(day, payee, label, [Posting(account, amount), Posting(HN, -amount)], amount,
                            {"acte": '"HN"'}, elide=True)
        else:
            self.hn_invoice(rng, day, payee, label, amount)

    def hn_invoice(self, rng: random.Random, day: datetime.date, payee: str, label: str,
                   amount: Decimal) -> None:
        """A numbered note d'honoraires: paid at the session, or to a receivable with a linked payment
        (and now and then a credit note before it), in the proportion of the shape's style."""
        devis = self.devis(day - rng.randint(3, 20) * DAY, payee, amount, label) if amount >= 70 else None
        number = self.ledger.number("F", day)
        meta: dict[str, MetaValue] = {"facture": number, "acte": '"HN"'}
        if devis:
            meta["devis"] = quote(devis)
        if rng.random() < 1 - ACCRUAL_SHARE[self.p.style]:  # cash style: paid at the session
            account = CAISSE if rng.random() < 0.2 else COURANT
            self.hn_receipt(day, payee, label, [Posting(account, amount), Posting(HN, -amount)], amount, meta,
                            number, elide=True)
            return
        self.hn_receipt(day, payee, label, [Posting(CLIENTS, amount), Posting(HN, -amount)], amount, meta, number)
        due = amount
        if rng.random() < CREDIT_RATE[self.p.style]:  # a shortened session: credit note before payment
            credit = money(amount * Decimal("0.25"))
            when = day + 2 * DAY
            note = self.ledger.number("AV", when)

            def render_note(state: State) -> str:
                note_meta: dict[str, MetaValue] = {"facture": note, "avoir-de": number}
                if not number.taxable:
                    note_meta["tva"] = '"exoneree"'
                return render_txn(state, when, payee, f"Avoir sur {number.text} (séance écourtée)",
                                  [Posting(CLIENTS, -credit), Posting(HN, credit)], meta=note_meta,
                                  links=(number,))

            self.ledger.add(when, render_note)
            due -= credit
        self.ledger.txn(day + rng.randint(3, 25) * DAY, payee, "Règlement par virement",
                        [Posting(COURANT, due), Posting(CLIENTS, -due)], links=(number,))

    def expenses(self, year: int, k: int) -> None:
        rng = self.rng("exp", year, k)
        add = self.ledger.txn
        for month in range(1, 13):
            rent = Decimal(850 + 15 * (year - self.p.start_year))
            add(month_day(year, month, 5), "SCI du Cabinet", "Loyer du cabinet",
                [Posting("Expenses:Loyer", rent), Posting(COURANT, -rent)])
            cotisations = money(rng.uniform(900, 1100))
            csg = money(cotisations * Decimal("0.45"))
            deductible = money(csg * Decimal("6.8") / Decimal("9.7"))
            add(month_day(year, month, 15), "URSSAF Rhône-Alpes", "Prélèvement cotisations personnelles",
                [Posting("Expenses:Cotisations:URSSAF", cotisations - csg),
                 Posting("Expenses:CSG:Deductible", deductible),
                 Posting("Expenses:CSG:Non-Deductible", csg - deductible), Posting(COURANT, -cotisations)])
            carpimko = money(rng.uniform(450, 520))
            add(month_day(year, month, 20), "CARPIMKO", "Prélèvement retraite",
                [Posting("Expenses:Cotisations:CARPIMKO", carpimko), Posting(COURANT, -carpimko)], elide=True)
            for label, account, low, high in (("Orange Pro", "Expenses:Telephone", 35, 45),
                                              ("EDF Pro", "Expenses:Energie", 60, 140),
                                              ("Banque Populaire", "Expenses:Frais-Bancaires", 12, 18),
                                              ("Doctolib", "Expenses:Logiciel", 129, 139),
                                              ("Kiné Fournitures", "Expenses:Achats:Consommables", 40, 160)):
                amount = money(rng.uniform(low, high))
                add(month_day(year, month, rng.randint(1, 28)), label, "Prélèvement mensuel",
                    [Posting(account, amount), Posting(COURANT, -amount)])
            for _ in range(2):
                fuel = money(rng.uniform(45, 75))
                add(month_day(year, month, rng.randint(1, 28)), "Total Energies", "Carburant visites à domicile",
                    [Posting("Expenses:Vehicule:Carburant", fuel), Posting(COURANT, -fuel)])
            drawing = Decimal(3000)
            add(month_day(year, month, 28), "Camille Martin", "Prélèvement personnel",
                [Posting(PRELEVEMENTS, drawing), Posting(COURANT, -drawing)])
        yearly = (("MACSF", "Expenses:Assurances", "Responsabilité civile professionnelle", 1, 10, 300, 420),
                  ("MAAF Pro", "Expenses:Vehicule:Assurance", "Assurance du véhicule", 2, 3, 550, 700),
                  ("Garage du Centre", "Expenses:Vehicule:Entretien", "Révision du véhicule", 5, 14, 180, 450),
                  ("FFMKR", "Expenses:Cotisations:Syndicat", "Cotisation syndicale", 1, 25, 250, 300),
                  ("Institut de formation", "Expenses:Formation", "Formation continue, 2 jours", 10, 8, 400, 700),
                  ("Kiné-Matériel", "Expenses:Materiel:Petit-Outillage", "Électrostimulateur", 3, 18, 250, 480),
                  ("SNCF", "Expenses:Deplacements", "Congrès, train aller-retour", 11, 6, 80, 160),
                  ("Nettoyage Pro", "Expenses:Entretien", "Entretien du cabinet, trimestre", 3, 30, 200, 260),
                  ("Nettoyage Pro", "Expenses:Entretien", "Entretien du cabinet, trimestre", 6, 30, 200, 260),
                  ("Nettoyage Pro", "Expenses:Entretien", "Entretien du cabinet, trimestre", 9, 30, 200, 260),
                  ("Bureau Vallée", "Expenses:Fournitures-Bureau", "Fournitures de bureau", 4, 12, 40, 120),
                  ("DGFiP", "Expenses:Impots:CFE", "Cotisation foncière des entreprises", 12, 15, 350, 520))
        for payee, account, narration, month, day, low, high in yearly:
            amount = money(rng.uniform(low, high))
            add(month_day(year, month, day), payee, narration, [Posting(account, amount), Posting(COURANT, -amount)])
        # The accountant's invoice: booked to a payable, paid a month later (accrual style).
        fee = money(rng.uniform(1200, 1500))
        add(month_day(year, 4, 10), "Cabinet Comptable Rhône", "Honoraires tenue et liasse 2035",
            [Posting("Expenses:Honoraires:Comptable", fee), Posting(FOURNISSEURS, -fee)])
        add(month_day(year, 5, 10), "Cabinet Comptable Rhône", "Règlement honoraires comptables",
            [Posting(FOURNISSEURS, fee), Posting(COURANT, -fee)])
        # A remplaçant in August: 80 % of the fees billed under the titulaire's FSE, paid back.
        retro = money(rng.uniform(1800, 2600))
        add(month_day(year, 9, 5), "Alex Remplaçant", "Rétrocession d'honoraires, remplacement d'août",
            [Posting("Expenses:Retrocessions", retro), Posting(COURANT, -retro)])
        # A treatment table every five years, depreciated over five years.
        if (year - self.p.start_year) % 5 == 0:
            account = f"Assets:Immobilisations:Materiel:Table-{year}-{k}"
            opened = month_day(year, 1, 3)
            self.ledger.add(opened, lambda state, a=account, d=opened: f"{d} open {a} EUR\n", rank=0)
            cost = Decimal(2400)
            add(opened, "Kiné-Matériel", "Table de traitement électrique",
                [Posting(account, cost, {"amortissement": '"lineaire 5"'}), Posting(COURANT, -cost)])
            self.loan(year, k)

    def loan(self, year: int, k: int) -> None:
        """A 6 000 EUR loan over 60 months at 3 %: capital to the liability, interest to BN."""
        principal, rate = Decimal(6000), Decimal("0.03") / 12
        day = month_day(year, 1, 3)
        self.ledger.txn(day, "Banque Populaire", "Déblocage du prêt professionnel",
                        [Posting(COURANT, principal), Posting(EMPRUNT, -principal)])
        payment = money(principal * rate / (1 - (1 + rate) ** -60))
        remaining = principal
        for n in range(1, 61):
            month = (day.month - 1 + n) % 12 + 1
            when = month_day(day.year + (day.month - 1 + n) // 12, month, 6)
            if when.year > self.end_year:
                break  # the ledger ends before the loan does
            interest = money(remaining * rate)
            capital = remaining if n == 60 else payment - interest
            remaining -= capital
            self.ledger.txn(when, "Banque Populaire", f"Échéance prêt {n}/60",
                            [Posting(EMPRUNT, capital), Posting("Expenses:Interets-Emprunt", interest),
                             Posting(COURANT, -(capital + interest))])

    def treasury_moves(self, year: int, k: int) -> None:
        """Cash deposits (the whole cash box, monthly), savings and their interest."""
        for month in range(1, 13):
            day = month_day(year, month, 27)
            self.ledger.add(day, lambda state, d=day: _deposit(state, d))
        day = month_day(year, 7, 1)
        saving = Decimal(8000)
        self.ledger.txn(day, "Banque Populaire", "Virement vers le livret",
                        [Posting(LIVRET, saving), Posting(COURANT, -saving)])
        day = datetime.date(year, 12, 31)
        self.ledger.add(day, lambda state, d=day: _interest(state, d))

    def balances(self) -> None:
        for year in range(self.p.start_year + 1, self.end_year + 2):
            day = datetime.date(year, 1, 1)
            self.ledger.add(day, lambda state, d=day: (
                f"{d} balance {COURANT}  {fmt(state.balances.get(COURANT, ZERO))}\n"), rank=0)


def _deposit(state: State, day: datetime.date) -> str:
    cash = state.balances.get(CAISSE, ZERO)
    if cash <= 0:
        return f"; {day}: caisse vide, pas de versement\n"
    return render_txn(state, day, "Banque Populaire", "Versement d'espèces",
                      [Posting(COURANT, cash), Posting(CAISSE, -cash)])


def _interest(state: State, day: datetime.date) -> str:
    interest = money(state.balances.get(LIVRET, ZERO) * Decimal("0.02"))
    if interest <= 0:
        return ""
    return render_txn(state, day, "Banque Populaire", "Intérêts du livret",
                      [Posting(LIVRET, interest), Posting("Income:Produits-Financiers", -interest)])


# --- output ---------------------------------------------------------------------------------------


def write_atomic(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".beancount")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@dataclass(frozen=True)
class Generated:
    body: str
    plain: str
    with_plugins: str
    transactions: int
    postings: int


def generate_text(params: Params) -> tuple[str, State]:
    """The body text of the ledger and its counts (transactions, postings)."""
    generator = Generator(params)
    ledger = generator.build()
    text, state = ledger.render()
    return generator.header() + text, state


def generate(out_dir: str, params: Params) -> Generated:
    """Write the three files into ``out_dir``; return their paths and the volume."""
    os.makedirs(out_dir, exist_ok=True)
    text, state = generate_text(params)
    paths = Generated(os.path.join(out_dir, BODY), os.path.join(out_dir, PLAIN),
                      os.path.join(out_dir, WITH_PLUGINS), state.transactions, state.postings)
    comment = (f"; Generated by bench/generate.py: years={params.years} start={params.start_year} "
               f"scale={params.scale} seed={params.seed} {params.shape()}\n"
               f"; {state.transactions} transactions, {state.postings} postings\n")
    write_atomic(paths.body, comment + text)
    write_atomic(paths.plain, comment + f'include "{BODY}"\n')
    write_atomic(paths.with_plugins, comment + f'plugin "{PLUGIN}"\ninclude "{BODY}"\n')
    return paths


def shaped(shape: str = "reference", **fields: object) -> Params:
    """The :class:`Params` of a named shape (:data:`SHAPES`), with ``fields`` over it (None: the shape's)."""
    given = {name: value for name, value in fields.items() if value is not None}
    return replace(Params(), **{**SHAPES[shape], **given})


def scale_for(params: Params, transactions: int) -> int:
    """The scale at which ``params`` gives about ``transactions`` transactions."""
    one = generate_text(replace(params, scale=1))[1].transactions
    return max(1, round(transactions / one))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "out"),
                        help="output directory (default: bench/out)")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="reference",
                        help="a named shape of practice (default: reference); the options below override it")
    parser.add_argument("--years", type=int, help="number of calendar years (default 10)")
    parser.add_argument("--start-year", type=int, help="first year (default 2017)")
    volume = parser.add_mutually_exclusive_group()
    volume.add_argument("--scale", type=int, help="volume multiplier K (default 1)")
    volume.add_argument("--transactions", type=int, help="the scale that gives about this many transactions")
    parser.add_argument("--seed", type=int, help="random seed (default 2035)")
    parser.add_argument("--acts-per-year", type=int, help="conventionné acts a year per practitioner (default 5500)")
    parser.add_argument("--lot-postings", choices=LOT_POSTINGS, help="one income posting per act or per FSE lot")
    parser.add_argument("--hn", type=float, help="individual HN sessions, times the reference's")
    parser.add_argument("--invoiced", type=float, help="share of HN sessions with a numbered note (0-1)")
    parser.add_argument("--style", choices=STYLES, help="numbered notes paid at once, to a receivable, or both")
    parser.add_argument("--mixed", action=argparse.BooleanOptionalAction, default=None,
                        help="the patients' part of each FSE lot paid by card in the lot's transaction")
    parser.add_argument("--treasury", choices=TREASURY, help="hn-option treasury on each account or the parent")
    args = parser.parse_args(argv)
    try:
        params = shaped(args.shape, years=args.years, start_year=args.start_year, scale=args.scale,
                        seed=args.seed, acts_per_year=args.acts_per_year, lot_postings=args.lot_postings,
                        hn=args.hn, invoiced=args.invoiced, style=args.style, mixed=args.mixed,
                        treasury=args.treasury)
    except ValueError as exc:
        parser.error(str(exc))
    if args.transactions is not None:
        params = replace(params, scale=scale_for(params, args.transactions))
    paths = generate(args.out, params)
    print(f"{paths.with_plugins}: {paths.transactions} transactions, {paths.postings} postings, "
          f"scale {params.scale}, {params.years} years from {params.start_year} (plain: {paths.plain})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
