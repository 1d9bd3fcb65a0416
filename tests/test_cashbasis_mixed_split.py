"""The same practice written "mixed" (cash and credit in one transaction) and "split"
(the invoice, then its payments) gives the same figures: 2035 lines, social split,
293 B counted turnover and unpaid invoices (issue: a cash basis that cannot be fooled).

Each generated practice has FSE lots whose patients' part is paid by card at once while
the CPAM part is owed, HN invoices with an acompte paid at the order, supplier bills
partly paid, and receivables carried over against ``Equity:``; the treasury option names
the parent ``Assets:Banque`` and the money moves on ``Assets:Banque:Courant``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.invoicing.invoice_report import documents_cashbook, unpaid_invoices
from beancount_hn.invoicing.invoices import build_invoice_book
from beancount_hn.tax.form2035 import compute_2035
from beancount_hn.tax.vat import analyze
from tests.ledgers import loaded

ACCOUNTS = """
2023-12-31 custom "hn-option" "treasury" Assets:Banque
2023-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2023-01-01 open Assets:Banque:Courant
2023-01-01 open Assets:Creances:CPAM
2023-01-01 open Assets:Creances:Patients
2023-01-01 open Assets:Creances:Clients
2023-01-01 open Liabilities:Fournisseurs
2023-01-01 open Equity:Ouverture
2023-01-01 open Income:Honoraires:Conventionnes
2023-01-01 open Income:Honoraires:HN
2023-01-01 open Expenses:Achats
2023-01-01 open Expenses:Loyer
2023-12-31 * "Reprise des créances au 31/12/2023"
  Assets:Creances:CPAM    310.40 EUR
    acte: "AMK 8"
  Assets:Creances:Clients   95.00 EUR
    convention: "non-conventionne"
  Equity:Ouverture
"""
START = datetime.date(2024, 1, 1)
YEARS = (2024, 2025, 2026)
STATUS_ACTS = {"conventionne": "AMK 8", "depassement": "DE", "non-conventionne": "HN"}

cents = st.integers(min_value=1, max_value=90_000).map(lambda c: Decimal(c).scaleb(-2))
days = st.integers(min_value=0, max_value=2 * 365)


@dataclass(frozen=True)
class Lot:
    """An FSE lot: its acts, the patients' part paid by card that day, the CPAM part paid later."""

    day: int
    acts: tuple[tuple[str, Decimal], ...]  # (status, amount)
    patient_share: int  # percent of the lot paid by the patients at once
    cpam_payments: tuple[tuple[int, int], ...]  # (days after, percent of the CPAM part)


@dataclass(frozen=True)
class Invoice:
    """An HN invoice with an acompte paid at the order and the rest paid later (or not)."""

    day: int
    amounts: tuple[Decimal, ...]  # its income postings
    deposit: int  # percent of the total paid at the order
    later: tuple[tuple[int, int], ...]  # (days after, percent of the rest)


@dataclass(frozen=True)
class Bill:
    """A supplier bill partly paid when received, the rest later."""

    day: int
    account: str
    amount: Decimal
    paid_now: int  # percent
    later_days: int | None


lots = st.builds(Lot, day=days,
                 acts=st.lists(st.tuples(st.sampled_from(tuple(STATUS_ACTS)), cents), min_size=1, max_size=4)
                 .map(tuple),
                 patient_share=st.integers(1, 99),
                 cpam_payments=st.lists(st.tuples(st.integers(0, 200), st.integers(1, 100)), max_size=2)
                 .map(tuple))
small = st.integers(min_value=1, max_value=2_300).map(lambda c: Decimal(c).scaleb(-2))  # under 70 EUR: no devis
invoices = st.builds(Invoice, day=days, amounts=st.lists(small, min_size=1, max_size=3).map(tuple),
                     deposit=st.integers(1, 99),
                     later=st.lists(st.tuples(st.integers(0, 300), st.integers(1, 100)), max_size=2).map(tuple))
bills = st.builds(Bill, day=days, account=st.sampled_from(("Expenses:Achats", "Expenses:Loyer")), amount=cents,
                  paid_now=st.integers(1, 99), later_days=st.one_of(st.none(), st.integers(0, 200)))


def _date(day: int) -> datetime.date:
    return START + datetime.timedelta(days=day)


def _part(total: Decimal, percent: int) -> Decimal:
    return (total * percent / 100).quantize(Decimal("0.01"))


def _parts(total: Decimal, percents: tuple[tuple[int, int], ...]) -> list[tuple[int, Decimal]]:
    """Payments of ``percent`` of what is left, never beyond it."""
    out, left = [], total
    for delay, percent in percents:
        amount = min(_part(total, percent), left)
        if amount > 0:
            out.append((delay, amount))
            left -= amount
    return out


def render(items: list, style: str) -> str:
    out = [ACCOUNTS]
    billed = sorted((item.day, n) for n, item in enumerate(items) if isinstance(item, Invoice)
                    and 0 < _part(sum(item.amounts, Decimal(0)), item.deposit) < sum(item.amounts, Decimal(0)))
    numbers, per_year = {}, {}  # continuous and chronological in each year
    for day, n in billed:
        year = _date(day).year
        per_year[year] = per_year.get(year, 0) + 1
        numbers[n] = f"F-{year}-{per_year[year]:04d}"
    for n, item in enumerate(items):
        if isinstance(item, Lot):
            total = sum((a for _, a in item.acts), Decimal(0))
            patient = _part(total, item.patient_share)
            cpam = total - patient
            if not patient or not cpam:
                continue
            acts = "".join(f'  Income:Honoraires:Conventionnes  {-a} EUR\n    acte: "{STATUS_ACTS[s]}"\n'
                           for s, a in item.acts)
            day = _date(item.day)
            if style == "mixed":
                out.append(f'{day} * "Lot {n}" ^L{n}\n  Assets:Banque:Courant  {patient} EUR\n'
                           f"  Assets:Creances:CPAM  {cpam} EUR\n{acts}")
            else:
                out.append(f'{day} * "Lot {n}" ^L{n}\n  Assets:Creances:CPAM  {cpam} EUR\n'
                           f"  Assets:Creances:Patients  {patient} EUR\n{acts}")
                out.append(f'{day} * "CB patients lot {n}" ^L{n}\n  Assets:Banque:Courant  {patient} EUR\n'
                           f"  Assets:Creances:Patients  {-patient} EUR\n")
            for k, (delay, amount) in enumerate(_parts(cpam, item.cpam_payments)):
                out.append(f'{_date(item.day + delay)} * "CPAM lot {n}.{k}" ^L{n}\n'
                           f"  Assets:Banque:Courant  {amount} EUR\n  Assets:Creances:CPAM  {-amount} EUR\n")
        elif isinstance(item, Invoice):
            if n not in numbers:
                continue
            day, number = _date(item.day), numbers[n]
            total = sum(item.amounts, Decimal(0))
            deposit = _part(total, item.deposit)
            rest = total - deposit
            fees = "".join(f"  Income:Honoraires:HN  {-a} EUR\n" for a in item.amounts)
            head = f'{day} * "Client {n}" "Séances" ^{number}\n  facture: "{number}"\n  acte: "HN"\n'
            if style == "mixed":
                out.append(f"{head}  Assets:Banque:Courant  {deposit} EUR\n  Assets:Creances:Clients  {rest} EUR\n"
                           f"{fees}")
            else:
                out.append(f"{head}  Assets:Creances:Clients  {total} EUR\n{fees}")
                out.append(f'{day} * "Acompte {n}" ^{number}\n  Assets:Banque:Courant  {deposit} EUR\n'
                           f"  Assets:Creances:Clients  {-deposit} EUR\n")
            for k, (delay, amount) in enumerate(_parts(rest, item.later)):
                out.append(f'{_date(item.day + delay)} * "Solde {n}.{k}" ^{number}\n'
                           f"  Assets:Banque:Courant  {amount} EUR\n  Assets:Creances:Clients  {-amount} EUR\n")
        else:
            day = _date(item.day)
            now = _part(item.amount, item.paid_now)
            rest = item.amount - now
            if not now or not rest:
                continue
            if style == "mixed":
                out.append(f'{day} * "Facture fournisseur {n}" ^B{n}\n  {item.account}  {item.amount} EUR\n'
                           f"  Assets:Banque:Courant  {-now} EUR\n  Liabilities:Fournisseurs  {-rest} EUR\n")
            else:
                out.append(f'{day} * "Facture fournisseur {n}" ^B{n}\n  {item.account}  {item.amount} EUR\n'
                           f"  Liabilities:Fournisseurs  {-item.amount} EUR\n")
                out.append(f'{day} * "Paiement partiel {n}" ^B{n}\n  Liabilities:Fournisseurs  {now} EUR\n'
                           f"  Assets:Banque:Courant  {-now} EUR\n")
            if item.later_days is not None:
                out.append(f'{_date(item.day + item.later_days)} * "Solde fournisseur {n}" ^B{n}\n'
                           f"  Liabilities:Fournisseurs  {rest} EUR\n  Assets:Banque:Courant  {-rest} EUR\n")
    return "\n".join(out)


def figures(text: str) -> dict:
    entries, index = loaded(text)
    vat = analyze(entries, index)
    book = build_invoice_book(entries, index)
    cashbook = documents_cashbook(entries, index, book)
    result = {}
    for year in YEARS:
        form = compute_2035(entries, index, year)
        assert form.reconciliation.closed, (year, form.reconciliation)
        assert not form.errors, [e.message for e in form.errors]
        unpaid = unpaid_invoices(book, cashbook, datetime.date(year, 12, 31))
        result[year] = (form.values, form.social.boxes(),
                        vat.years[year].counted_turnover if year in vat.years else Decimal(0),
                        [(u.invoice.number, u.remaining) for u in unpaid])
    return result


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.one_of(lots, invoices, bills), min_size=1, max_size=6))
def test_mixed_and_split_give_the_same_figures(items):
    mixed, split = figures(render(items, "mixed")), figures(render(items, "split"))
    for year in YEARS:
        assert mixed[year] == split[year], year


def test_the_opening_receivables_count_when_paid_and_by_their_status():
    text = ACCOUNTS + """
2024-02-01 * "CPAM, reprise"
  Assets:Banque:Courant  310.40 EUR
  Assets:Creances:CPAM  -310.40 EUR
2025-03-01 * "Client, reprise"
  Assets:Banque:Courant  95.00 EUR
  Assets:Creances:Clients  -95.00 EUR
"""
    years = figures(text)
    values, social, counted, _ = years[2024]
    assert values["AA"] == Decimal("310.40") and social["DSAV"] == Decimal("310.40")
    values, social, counted, _ = years[2025]
    assert values["AA"] == Decimal("95.00") and social["DSAV"] == 0 and counted == Decimal("95.00")
