"""Cash-basis attribution: each treasury movement split into what it settles."""

from __future__ import annotations

import datetime
import textwrap
from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from beancount.core import data
from beancount_hn.core.cashbook import EXPENSE, INCOME, NEUTRAL, UNEXPLAINED, Cashbook
from tests.ledgers import loaded

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:CPAM
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Assets:Immobilisations
2024-01-01 open Liabilities:Fournisseurs
2024-01-01 open Liabilities:Emprunt
2024-01-01 open Equity:Exploitant
2024-01-01 open Income:Honoraires
  convention: "conventionne"
2024-01-01 open Income:HN
  convention: "non-conventionne"
2024-01-01 open Expenses:Loyer
2024-01-01 open Expenses:Comptable
2024-01-01 open Expenses:Frais-Bancaires
"""


def book(text: str) -> tuple[Cashbook, list]:
    entries, index = loaded(ACCOUNTS + textwrap.dedent(text))
    return Cashbook.build(entries, index), entries


def totals(cashbook: Cashbook, year: int | None = None) -> dict[tuple[str, str], Decimal]:
    result: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for s in cashbook.settlements if year is None else cashbook.for_year(year):
        result[(s.bucket, s.account)] += s.amount
    return dict(result)


def test_cash_style_receipt_is_settled_on_its_date():
    cashbook, _ = book("""
    2025-03-04 * "Mme Dupont" "Pilates individuel"
      Assets:Banque     60.00 EUR
      Income:HN        -60.00 EUR
    """)
    [s] = cashbook.settlements
    assert (s.date, s.bucket, s.account, s.amount) == (datetime.date(2025, 3, 4), INCOME, "Income:HN", Decimal("60.00"))
    assert s.target_txn is s.txn


def test_accrual_invoice_partial_payments_and_credit_note():
    cashbook, entries = book("""
    2025-03-04 * "Mme Dupont" "Pilates" ^F-1
      Assets:Creances:Patients   80.00 EUR
      Income:HN                 -80.00 EUR
    2025-03-10 * "Mme Dupont" "Avoir" ^F-1
      Assets:Creances:Patients  -20.00 EUR
      Income:HN                  20.00 EUR
    2025-03-20 * "Mme Dupont" "Acompte" ^F-1
      Assets:Banque              45.00 EUR
      Assets:Creances:Patients  -45.00 EUR
    2026-01-05 * "Mme Dupont" "Solde" ^F-1
      Assets:Banque              15.00 EUR
      Assets:Creances:Patients  -15.00 EUR
    """)
    invoice = next(e for e in entries if isinstance(e, data.Transaction) and e.narration == "Pilates")
    assert totals(cashbook, 2025) == {(INCOME, "Income:HN"): Decimal("45.00")}
    assert totals(cashbook, 2026) == {(INCOME, "Income:HN"): Decimal("15.00")}
    assert cashbook.settled(invoice) == Decimal("60.00")
    assert cashbook.settled(invoice, upto=datetime.date(2025, 12, 31)) == Decimal("45.00")
    assert cashbook.open_items() == []


def test_payment_in_the_same_transaction_leaves_the_rest_open():
    cashbook, _ = book("""
    2025-03-04 * "M. Petit" "Bilan, acompte en espèces"
      Assets:Caisse              20.00 EUR
      Assets:Creances:Patients   60.00 EUR
      Income:HN                 -80.00 EUR
    2025-04-01 * "M. Petit" "Solde"
      Assets:Banque              60.00 EUR
      Assets:Creances:Patients  -60.00 EUR
    2025-04-02 * "Autre" "Facture"
      Assets:Creances:Patients   10.00 EUR
      Income:HN                 -10.00 EUR
    """)
    assert [(s.date.month, s.amount) for s in cashbook.settlements] == [(3, Decimal("20.00")), (4, Decimal("60.00"))]
    [item] = cashbook.open_items("Assets:Creances:Patients")
    assert item.balance == Decimal("10.00")


def test_grouped_cpam_transfer_settles_several_lots_fifo():
    cashbook, entries = book("""
    2025-01-06 * "Lot FSE 1"
      acte: "RAB 8"
      Assets:Creances:CPAM     106.08 EUR
      Income:Honoraires       -106.08 EUR
    2025-01-13 * "Lot FSE 2"
      acte: "RAB 8"
      Assets:Creances:CPAM      53.04 EUR
      Income:Honoraires        -53.04 EUR
    2025-01-20 * "CPAM" "Virement groupé"
      Assets:Banque            130.00 EUR
      Assets:Creances:CPAM    -130.00 EUR
    """)
    lot1, lot2 = [e for e in entries if isinstance(e, data.Transaction)][:2]
    assert cashbook.settled(lot1) == Decimal("106.08")
    assert cashbook.settled(lot2) == Decimal("23.92")
    [item] = cashbook.open_items()
    assert item.txn is lot2 and item.balance == Decimal("29.12")


def test_unlinked_remittance_leaves_invoices_awaiting_their_linked_payment():
    cashbook, entries = book("""
    2025-01-06 * "A" "Coaching" ^F-1
      Assets:Creances:Patients   200.00 EUR
      Income:HN                 -200.00 EUR
    2025-01-07 * "Lot" "Part patient"
      acte: "RAB 8"
      Assets:Creances:Patients    7.07 EUR
      Income:Honoraires          -7.07 EUR
    2025-01-08 * "Remise CB"
      Assets:Banque               7.07 EUR
      Assets:Creances:Patients   -7.07 EUR
    2025-01-09 * "A" "Virement" ^F-1
      Assets:Banque             200.00 EUR
      Assets:Creances:Patients -200.00 EUR
    """)
    coaching, lot = [e for e in entries if isinstance(e, data.Transaction)][:2]
    assert cashbook.settled(coaching, upto=datetime.date(2025, 1, 8)) == 0
    assert cashbook.settled(lot) == Decimal("7.07")
    assert cashbook.settled(coaching) == Decimal("200.00")


def test_linked_payment_settles_its_own_invoice_first():
    cashbook, entries = book("""
    2025-01-06 * "A" "Facture" ^F-1
      Assets:Creances:Patients   50.00 EUR
      Income:HN                 -50.00 EUR
    2025-01-07 * "B" "Facture" ^F-2
      Assets:Creances:Patients   70.00 EUR
      Income:HN                 -70.00 EUR
    2025-01-20 * "B" "Règlement" ^F-2
      Assets:Banque              70.00 EUR
      Assets:Creances:Patients  -70.00 EUR
    """)
    first, second = [e for e in entries if isinstance(e, data.Transaction)][:2]
    assert cashbook.settled(first) == 0
    assert cashbook.settled(second) == Decimal("70.00")


def test_payable_loan_drawings_transfers_and_fixed_assets():
    cashbook, _ = book("""
    2025-01-02 * "Banque" "Prêt"
      Assets:Banque             6000.00 EUR
      Liabilities:Emprunt      -6000.00 EUR
    2025-01-03 * "Vendeur" "Table de traitement"
      Assets:Immobilisations    2400.00 EUR
        amortissement: "lineaire 5"
      Assets:Banque            -2400.00 EUR
    2025-01-31 * "Cabinet comptable" "Facture"
      Expenses:Comptable        1200.00 EUR
      Liabilities:Fournisseurs -1200.00 EUR
    2025-02-28 * "Cabinet comptable" "Règlement"
      Liabilities:Fournisseurs  1200.00 EUR
      Assets:Banque            -1200.00 EUR
    2025-02-28 * "Banque" "Échéance"
      Liabilities:Emprunt        140.00 EUR
      Expenses:Frais-Bancaires    10.00 EUR
      Assets:Banque             -150.00 EUR
    2025-03-01 * "Prélèvement personnel"
      Equity:Exploitant         2000.00 EUR
      Assets:Banque            -2000.00 EUR
    2025-03-02 * "Dépôt espèces"
      Assets:Banque              100.00 EUR
      Assets:Caisse             -100.00 EUR
    """)
    assert totals(cashbook) == {
        (NEUTRAL, "Liabilities:Emprunt"): Decimal("5860.00"),
        (NEUTRAL, "Assets:Immobilisations"): Decimal("-2400.00"),
        (EXPENSE, "Expenses:Comptable"): Decimal("-1200.00"),
        (EXPENSE, "Expenses:Frais-Bancaires"): Decimal("-10.00"),
        (NEUTRAL, "Equity:Exploitant"): Decimal("-2000.00"),
    }


def test_overpayment_is_unexplained():
    cashbook, _ = book("""
    2025-01-06 * "A" "Facture"
      Assets:Creances:Patients   50.00 EUR
      Income:HN                 -50.00 EUR
    2025-01-20 * "A" "Règlement"
      Assets:Banque              65.00 EUR
      Assets:Creances:Patients  -65.00 EUR
    """)
    assert totals(cashbook) == {(INCOME, "Income:HN"): Decimal("50.00"),
                                (UNEXPLAINED, "Assets:Creances:Patients"): Decimal("15.00")}


def test_expense_paid_from_personal_funds():
    cashbook, _ = book("""
    2025-05-02 * "Librairie" "Livre de rééducation"
      Expenses:Loyer             30.00 EUR
      Equity:Exploitant         -30.00 EUR
    """)
    [s] = cashbook.settlements
    assert s.funded_by_equity and s.amount == Decimal("-30.00") and s.treasury_account == "Equity:Exploitant"


# --- invariant: every treasury transaction's settlements add up to its movement ------

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["invoice", "pay", "cash", "expense"]), amounts,
                          st.integers(0, 3)), min_size=1, max_size=25))
def test_settlements_close_every_treasury_movement(operations):
    lines = []
    day = datetime.date(2025, 1, 1)
    for n, (kind, amount, patient) in enumerate(operations):
        day += datetime.timedelta(days=n % 3)
        account = "Assets:Creances:Patients"
        link = f" ^P{patient}"
        if kind == "invoice":
            lines.append(f'{day} * "P{patient}" "Facture"{link}\n  {account}  {amount} EUR\n  Income:HN  -{amount} EUR\n')
        elif kind == "pay":
            lines.append(f'{day} * "P{patient}" "Règlement"{link}\n  Assets:Banque  {amount} EUR\n  {account}  -{amount} EUR\n')
        elif kind == "cash":
            lines.append(f'{day} * "P{patient}" "Séance"\n  Assets:Caisse  {amount} EUR\n  Income:HN  -{amount} EUR\n')
        else:
            lines.append(f'{day} * "Fournisseur" "Achat"\n  Expenses:Loyer  {amount} EUR\n  Assets:Banque  -{amount} EUR\n')
    cashbook, entries = book("\n".join(lines))
    movement: dict[int, Decimal] = defaultdict(Decimal)
    settled: dict[int, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for p in entry.postings:
                if p.account in ("Assets:Banque", "Assets:Caisse"):
                    movement[id(entry)] += p.units.number
    for s in cashbook.settlements:
        settled[id(s.txn)] += s.amount
    assert {k: v for k, v in movement.items() if v} == {k: v for k, v in settled.items() if v}
    # Receipts never exceed what was invoiced or cashed directly.
    invoiced = sum((a for k, a, _ in operations if k in ("invoice", "cash")), Decimal(0))
    received = sum((s.amount for s in cashbook.settlements if s.bucket == INCOME), Decimal(0))
    assert received <= invoiced


def test_vat_collected_on_a_receivable_is_not_a_receipt():
    cashbook, _ = book("""
    2025-01-01 open Liabilities:TVA
    2025-03-04 * "Entreprise" "Atelier, TVA 20 %" ^F-9
      tva: "collectee"
      Assets:Creances:Patients   120.00 EUR
      Income:HN                 -100.00 EUR
      Liabilities:TVA            -20.00 EUR
    2025-03-20 * "Entreprise" "Règlement" ^F-9
      Assets:Banque              120.00 EUR
      Assets:Creances:Patients  -120.00 EUR
    2025-04-30 * "SIE" "TVA de mars"
      Liabilities:TVA             20.00 EUR
      Assets:Banque              -20.00 EUR
    """)
    assert totals(cashbook) == {(INCOME, "Income:HN"): Decimal("100.00"),
                                (NEUTRAL, "Liabilities:TVA"): Decimal("0.00")}
    assert [(s.date.month, s.account, s.amount) for s in cashbook.settlements if s.bucket == NEUTRAL] == [
        (3, "Liabilities:TVA", Decimal("20.00")), (4, "Liabilities:TVA", Decimal("-20.00"))]


def test_an_asset_bought_part_cash_part_on_credit_stays_neutral_when_the_rest_is_paid():
    """The part left to the seller is a neutral item (it was money that settled nothing)."""
    cashbook, _ = book("""
    2025-03-01 * "Garage" "Clio, 2 000 comptant, le reste au garage"
      Assets:Immobilisations   12000.00 EUR
        amortissement: "lineaire 5"
      Assets:Banque            -2000.00 EUR
      Liabilities:Fournisseurs
    2025-04-01 * "Garage" "Solde de la Clio"
      Liabilities:Fournisseurs  10000.00 EUR
      Assets:Banque
    """)
    assert not cashbook.problems
    assert totals(cashbook) == {(NEUTRAL, "Assets:Immobilisations"): Decimal("-12000.00")}  # money out
    assert [(s.date.month, s.amount) for s in cashbook.settlements] == [(3, Decimal("-2000.00")),
                                                                        (4, Decimal("-10000.00"))]
