"""Balances taken over in one opening entry against ``Equity:`` — receivables, payables and a loan
together — give the figures of the same balances taken over in separate entries: an opening entry
moves no money, and the accountant's files agree with the cash book."""

from __future__ import annotations

import pytest

from beancount_hn.exports.movements import cash_entries
from beancount_hn.tax.form2035 import compute_2035
from tests.ledgers import loaded

ACCOUNTS = """
option "operating_currency" "EUR"
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 open Assets:Banque:Courant
2025-01-01 open Assets:Creances:CPAM
2025-01-01 open Assets:Depots:Caution
2025-01-01 open Liabilities:Fournisseurs
2025-01-01 open Liabilities:Emprunt:Banque
2025-01-01 open Equity:Ouverture
2025-01-01 open Income:Honoraires:Conventionnes
2025-01-01 open Expenses:Loyer
  ligne-2035: "BF"
2025-01-01 open Expenses:Fournitures
"""

BALANCES = {
    "bank": '  Assets:Banque:Courant   1000.00 EUR\n',
    "receivable": '  Assets:Creances:CPAM   600.00 EUR\n    acte: "AMK 8"\n',
    "payable": '  Liabilities:Fournisseurs   -120.00 EUR\n    ligne-2035: "BF"\n',
    "loan": '  Liabilities:Emprunt:Banque   -5000.00 EUR\n',
    "deposit": '  Assets:Depots:Caution   800.00 EUR\n',
}

YEAR = """
2025-01-10 * "CPAM" "Virement décembre 2024"
  Assets:Banque:Courant   600.00 EUR
  Assets:Creances:CPAM   -600.00 EUR
2025-01-20 * "Papeterie" "Facture de décembre 2024"
  Liabilities:Fournisseurs   120.00 EUR
  Assets:Banque:Courant
2025-02-01 * "SCI" "Loyer"
  Expenses:Loyer   500.00 EUR
  Assets:Banque:Courant
2025-06-05 * "Banque" "Échéance d'emprunt (capital)"
  Liabilities:Emprunt:Banque   400.00 EUR
  Assets:Banque:Courant
"""


def _opening(names: tuple[str, ...]) -> str:
    return ('2025-01-01 * "Soldes d\'ouverture"\n' + "".join(BALANCES[name] for name in names)
            + "  Equity:Ouverture\n")


def _figures(groups: list[tuple[str, ...]]):
    text = ACCOUNTS + "".join(_opening(group) for group in groups) + YEAR
    entries, index = loaded(text, header=False)
    form = compute_2035(entries, index, 2025)
    cash_entries(entries, index, form)  # raises when a movement and its settlements disagree
    rec = form.reconciliation
    return ({code: value for code, value in form.values.items() if value}, rec.closed,
            {account: value for account, value in rec.neutral.items() if value}, rec.personal_funds)


@pytest.mark.parametrize("together", [
    ("receivable", "loan"),
    ("receivable", "deposit"),
    ("payable", "loan"),
    ("receivable", "payable", "loan", "deposit"),
])
def test_one_opening_entry_or_several_give_the_same_figures(together):
    """The bank's opening balance stays an entry of its own, as ``docs/demarrer.md`` writes it
    (the reconciliation shows it as the opening balance, not as a movement)."""
    rest = tuple(name for name in BALANCES if name not in together and name != "bank")
    combined = _figures([("bank",), together, *((rest,) if rest else ())])
    separate = _figures([("bank",), *((name,) for name in together), *((rest,) if rest else ())])
    assert combined == separate
    values, closed, neutral, personal = combined
    assert closed and not personal  # no money paid or received outside the treasury
    assert values["AA"] == 600 and values["BF"] == 620  # the receivable and the debt count when paid
    assert neutral == {"Liabilities:Emprunt:Banque": -400}  # only the capital repaid in 2025
