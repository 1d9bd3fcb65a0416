"""Random ledgers: every euro of treasury lands in one line or bucket; cash = accrual."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.core.cashbook import Cashbook
from beancount_hn.tax.form2035 import compute_2035
from tests.ledgers import loaded

ACCOUNTS = """
2023-01-01 open Assets:Banque
2023-01-01 open Assets:Caisse
2023-01-01 open Assets:Creances:CPAM
2023-01-01 open Assets:Creances:Patients
2023-01-01 open Liabilities:Fournisseurs
2023-01-01 open Equity:Exploitant
2023-01-01 open Income:Honoraires:Conventionnes
  convention: "conventionne"
2023-01-01 open Income:Honoraires:Depassements
  convention: "depassement"
2023-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2023-01-01 open Income:Interets
2023-01-01 open Expenses:Loyer
2023-01-01 open Expenses:Telephone
  part-privee: 0.3
2023-01-01 open Expenses:Cotisations:URSSAF
2023-01-01 open Expenses:Vehicule:Carburant
2023-01-01 open Expenses:CSG:NonDeductible
"""
INCOME = ("Income:Honoraires:Conventionnes", "Income:Honoraires:Depassements", "Income:Honoraires:HN",
          "Income:Interets")
EXPENSES = ("Expenses:Loyer", "Expenses:Telephone", "Expenses:Cotisations:URSSAF",
            "Expenses:Vehicule:Carburant", "Expenses:CSG:NonDeductible")
START = datetime.date(2024, 1, 1)

amounts = st.integers(min_value=1, max_value=500_000).map(lambda c: Decimal(c).scaleb(-2))
days = st.integers(min_value=0, max_value=3 * 365 - 1)


@dataclass(frozen=True)
class Invoice:
    """Income (sign +1) or expense (−1) billed on ``day`` and paid in parts later."""

    sign: int
    account: str
    day: int
    payments: tuple[tuple[int, Decimal], ...]  # (days after the invoice, amount)
    unpaid: Decimal


@dataclass(frozen=True)
class Batch:
    """Several conventionné FSE paid by one grouped CPAM transfer."""

    lots: tuple[tuple[int, Decimal], ...]  # (day, amount)
    delay: int


@dataclass(frozen=True)
class Move:
    """A neutral treasury movement: drawing or internal transfer."""

    kind: str
    day: int
    amount: Decimal


invoices = st.builds(
    Invoice,
    sign=st.sampled_from((1, -1)),
    account=st.integers(0, 4),
    day=days,
    payments=st.lists(st.tuples(st.integers(0, 400), amounts), min_size=0, max_size=3).map(tuple),
    unpaid=st.sampled_from((Decimal(0), Decimal(0), Decimal("12.34"))),
).map(lambda i: Invoice(i.sign, (INCOME if i.sign > 0 else EXPENSES)[i.account % (4 if i.sign > 0 else 5)],
                        i.day, i.payments, i.unpaid))
batches = st.builds(Batch, lots=st.lists(st.tuples(days, amounts), min_size=1, max_size=4).map(tuple),
                    delay=st.integers(0, 60))
moves = st.builds(Move, kind=st.sampled_from(("drawing", "transfer")), day=days, amount=amounts)


def date(day: int) -> datetime.date:
    return START + datetime.timedelta(days=day)


def render(items: list, style: str) -> str:
    """The same facts written cash style (one transaction per payment) or accrual style."""
    out = [ACCOUNTS]
    for n, item in enumerate(items):
        if isinstance(item, Invoice):
            item_account = "Assets:Creances:Patients" if item.sign > 0 else "Liabilities:Fournisseurs"
            total = sum((a for _, a in item.payments), Decimal(0)) + item.unpaid
            if style == "accrual" and total:
                out.append(f'{date(item.day)} * "Facture {n}" ^I{n}\n'
                           f"  {item_account}  {-item.sign * -total} EUR\n  {item.account}\n")
            for k, (delay, amount) in enumerate(item.payments):
                day = date(item.day + delay)
                cash = item.sign * amount
                other = item_account if style == "accrual" else item.account
                out.append(f'{day} * "Paiement {n}.{k}" ^I{n}\n  Assets:Banque  {cash} EUR\n  {other}\n')
        elif isinstance(item, Batch):
            pay_day = date(max(d for d, _ in item.lots) + item.delay)
            total = sum((a for _, a in item.lots), Decimal(0))
            if style == "accrual":
                links = " ".join(f"^B{n}-{k}" for k in range(len(item.lots)))
                for k, (day, amount) in enumerate(item.lots):
                    out.append(f'{date(day)} * "FSE {n}.{k}" ^B{n}-{k}\n'
                               f"  Assets:Creances:CPAM  {amount} EUR\n  Income:Honoraires:Conventionnes\n")
                out.append(f'{pay_day} * "CPAM {n}" {links}\n  Assets:Banque  {total} EUR\n'
                           "  Assets:Creances:CPAM\n")
            else:
                out.append(f'{pay_day} * "CPAM {n}"\n  Assets:Banque  {total} EUR\n'
                           + "".join(f"  Income:Honoraires:Conventionnes  {-a} EUR\n" for _, a in item.lots))
        else:
            other = "Equity:Exploitant" if item.kind == "drawing" else "Assets:Caisse"
            out.append(f'{date(item.day)} * "Mouvement {n}"\n  {other}  {item.amount} EUR\n  Assets:Banque\n')
    return "\n".join(out)


def forms(text: str):
    # Without plugins: this checks the cash book and the form, not the other checks.
    entries, index = loaded(text, plugin=None)
    cashbook = Cashbook.build(entries, index)
    return {year: compute_2035(entries, index, year, cashbook=cashbook) for year in (2024, 2025, 2026)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(st.one_of(invoices, batches, moves), min_size=1, max_size=8))
def test_every_euro_lands_once_and_styles_agree(items):
    cash = forms(render(items, "cash"))
    accrual = forms(render(items, "accrual"))
    for year in (2024, 2025, 2026):
        for result in (cash[year], accrual[year]):
            rec = result.reconciliation
            assert rec.closed, (year, rec)
            assert rec.treasury == rec.explained
            assert not result.errors, [e.message for e in result.errors]
        assert cash[year].values == accrual[year].values, year
        assert cash[year].social.boxes() == accrual[year].social.boxes(), year
