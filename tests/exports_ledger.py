"""A small practice ledger shared by the export tests (golden files are made from it).

2025, cash basis: opening balances from 2024, an invoice of December 2024
paid in January, an invoice paid in part (the rest in 2026), a grouped CPAM
transfer settling two FSE, a credit note, receipts in cash, rent, a loan
instalment (interest + capital), bank fees, a personal drawing, an expense paid
from personal funds, a fixed asset, a transfer bank → cash box, and a payee
whose name ISO 8859-15 cannot carry (``Łucja``).
"""

from __future__ import annotations

import os
from decimal import Decimal

from beancount.core import data

from beancount_hn.core.cashbook import Cashbook
from beancount_hn.core.ledger import LedgerIndex
from tests.ledgers import loaded

IDENTITY = """
2024-01-01 custom "hn-option" "identity" "nom" "Camille Roux"
2024-01-01 custom "hn-option" "identity" "siren" "732829320"
2024-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2024-01-01 custom "hn-option" "invoice-series" "AV" "AV-{year}-{seq:04d}"
2024-01-01 custom "hn-option" "organisation" "SCI Les Lilas"
2024-01-01 custom "hn-option" "organisation" "Papeterie du Centre"
2024-01-01 custom "hn-option" "organisation" "Kiné-Matériel"
"""

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:CPAM
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Assets:Immobilisations:Table
2024-01-01 open Liabilities:Emprunt
2024-01-01 open Equity:Exploitant
2024-01-01 open Equity:Opening-Balances
2024-01-01 open Income:Honoraires
  convention: "conventionne"
2024-01-01 open Income:HN
  convention: "non-conventionne"
  tva: "exoneree"
2024-01-01 open Expenses:Loyer
2024-01-01 open Expenses:Frais-Bancaires
2024-01-01 open Expenses:Interets
2024-01-01 open Expenses:Fournitures
2024-01-01 open Expenses:Assurances
"""

TRANSACTIONS = """
2024-01-02 * "Ouverture"
  Assets:Banque    1500.00 EUR
  Assets:Caisse      50.00 EUR
  Equity:Opening-Balances

2024-12-20 * "Mme Hélène Dupont" "Rééducation du dos" ^F-2024-0001
  facture: "F-2024-0001"
  Assets:Creances:Patients   60.00 EUR
  Income:HN                 -60.00 EUR

2025-01-06 * "Mme Hélène Dupont" "REMISE CHQ 1234567" ^F-2024-0001
  Assets:Banque              60.00 EUR
  Assets:Creances:Patients  -60.00 EUR

2025-01-10 * "CPAM" "FSE lot 17"
  Assets:Creances:CPAM   180.00 EUR
  Income:Honoraires     -180.00 EUR

2025-01-12 * "CPAM" "FSE lot 18"
  Assets:Creances:CPAM   120.00 EUR
  Income:Honoraires     -120.00 EUR

2025-02-05 * "CPAM du Rhône" "VIR CPAM PAIEMENT LOTS 17-18"
  Assets:Banque          300.00 EUR
  Assets:Creances:CPAM  -300.00 EUR

2025-02-10 * "M. Paul Lefèvre" "Massage, 3 séances"
  mode-reglement: "especes"
  Assets:Caisse   90.00 EUR
  Income:HN      -90.00 EUR

2025-03-01 * "SCI Les Lilas" "PRLV Loyer mars"
  Assets:Banque   -650.00 EUR
  Expenses:Loyer   650.00 EUR

2025-03-05 * "Banque Populaire" "Échéance prêt n°12"
  Assets:Banque        -310.00 EUR
  Expenses:Interets      22.40 EUR
  Liabilities:Emprunt   287.60 EUR

2025-03-15 * "Mme Łucja Nowak" "Bilan postural" ^F-2025-0001
  facture: "F-2025-0001"
  Assets:Creances:Patients   60.00 EUR
  Income:HN                 -60.00 EUR

2025-03-20 * "Mme Łucja Nowak" "Avoir: séance écourtée" ^F-2025-0001
  facture: "AV-2025-0001"
  avoir-de: "F-2025-0001"
  Assets:Creances:Patients  -10.00 EUR
  Income:HN                  10.00 EUR

2025-04-02 * "Mme Łucja Nowak" "CB acompte" ^F-2025-0001
  Assets:Banque              30.00 EUR
  Assets:Creances:Patients  -30.00 EUR

2025-04-10 * "Dépôt d'espèces"
  journal: "CA"
  Assets:Banque    100.00 EUR
  Assets:Caisse   -100.00 EUR

2025-05-02 * "Prélèvement personnel"
  Assets:Banque       -400.00 EUR
  Equity:Exploitant    400.00 EUR

2025-05-20 * "Papeterie du Centre" "Fournitures payées sur fonds personnels"
  Expenses:Fournitures   18.90 EUR
  Equity:Exploitant     -18.90 EUR

2025-06-12 * "Kiné-Matériel" "Table de massage électrique"
  Assets:Immobilisations:Table   1800.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque                 -1800.00 EUR

2025-09-30 * "MACSF" "Assurance RCP | 2025"
  Assets:Banque       -210.00 EUR
  Expenses:Assurances  210.00 EUR

2025-12-31 * "Banque Populaire" "Frais tenue de compte"
  Assets:Banque             -24.00 EUR
  Expenses:Frais-Bancaires   24.00 EUR

2026-01-08 * "Mme Łucja Nowak" "Solde" ^F-2025-0001
  Assets:Banque              20.00 EUR
  Assets:Creances:Patients  -20.00 EUR
"""

GOLDEN = os.path.join(os.path.dirname(__file__), "data", "exports")

SMALL = IDENTITY + ACCOUNTS + TRANSACTIONS
PATIENTS = ("Hélène Dupont", "Paul Lefèvre", "Łucja Nowak")


def load_small(text: str = SMALL, *, check: bool = True) -> tuple[list[data.Directive], LedgerIndex]:
    """(entries, index) of a ledger (the small practice by default); asserts that it loads
    without error unless ``check`` is False."""
    return loaded(text, check=check)


def ledger_balance(entries: list[data.Directive], account: str, upto) -> Decimal:
    """Sum of the postings to ``account`` dated up to ``upto``."""
    return sum((p.units.number for e in entries if isinstance(e, data.Transaction) and e.date <= upto
                for p in e.postings if p.account == account), Decimal(0))


def settled_by_account(entries, index, year) -> dict[str, Decimal]:
    """Cash equivalents per attributed account in ``year`` (from the cash book)."""
    result: dict[str, Decimal] = {}
    for s in Cashbook.build(entries, index).for_year(year):
        result[s.account] = result.get(s.account, Decimal(0)) + s.amount
    return result


def golden(name: str, content: bytes) -> None:
    """Compare ``content`` with ``tests/data/exports/<name>`` (``HN_UPDATE_GOLDEN=1`` rewrites it)."""
    path = os.path.join(GOLDEN, name)
    if os.environ.get("HN_UPDATE_GOLDEN"):
        os.makedirs(GOLDEN, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content)
    assert os.path.exists(path), f"no golden file {name}: run with HN_UPDATE_GOLDEN=1 and review it"
    with open(path, "rb") as handle:
        assert content == handle.read(), f"{name} differs from its golden file (HN_UPDATE_GOLDEN=1 to accept)"
