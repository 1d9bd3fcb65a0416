"""A payment without link that settles, oldest first, another payee's item while one of its own
payee's is open: the guess may move an expense or a receipt to another year or line, so the
figures are not final until the payment names its item."""

from __future__ import annotations

import pytest

from beancount_hn.core.cashbook import Cashbook, misattribution_errors, problem_errors
from beancount_hn.tax.form2035 import compute_2035
from tests.ledgers import line_of, loaded

SUPPLIERS = """
2024-01-01 open Assets:Banque EUR
2024-01-01 open Liabilities:Fournisseurs EUR
2024-01-01 open Assets:Immobilisations:Ordinateur EUR
2024-01-01 open Expenses:Entretien EUR

2025-06-10 * "Boulanger Pro" "Ordinateur, payable en 2026"
  Assets:Immobilisations:Ordinateur  1200.00 EUR
    amortissement: "lineaire 3"
  Liabilities:Fournisseurs
2025-11-20 * "Plomberie Martin" "Réparation fuite"
  Expenses:Entretien  800.00 EUR
  Liabilities:Fournisseurs
2025-12-01 * "{payee}" "Paiement réparation"{link}
  Liabilities:Fournisseurs  800.00 EUR
  Assets:Banque
2026-01-10 * "Boulanger Pro" "Paiement ordinateur"
  Liabilities:Fournisseurs  1200.00 EUR
  Assets:Banque
"""


def test_a_payment_taking_another_payees_item_while_its_own_is_open_is_an_error():
    text = SUPPLIERS.format(payee="PLOMBERIE  martin", link="")
    entries, index = loaded(text)
    cashbook = Cashbook.build(entries, index)
    (error,) = problem_errors(cashbook)
    assert error.source["lineno"] == line_of(text, '"Paiement réparation"')
    assert "« Boulanger Pro » du 10 juin 2025" in error.message
    assert "« Plomberie Martin » du 20 novembre 2025" in error.message and "reglement-de:" in error.message
    for year in (2025, 2026):  # the guess moves the repair from 2025 to 2026: neither year is sure
        form = compute_2035(entries, index, year)
        assert any("ordre d'ancienneté" in e.message for e in form.errors), year


@pytest.mark.parametrize("payee, link", [
    ("Plomberie Martin", " ^plomb"),  # it names its item: no guess
    ("Boulanger Pro", ""),  # oldest first is its own payee's item
    ("VIR SEPA 1234", ""),  # a bank label names no payee of the ledger: oldest first, as documented
])
def test_no_error_when_the_payment_names_its_item_or_its_payee_has_none_open(payee, link):
    text = SUPPLIERS.format(payee=payee, link=link).replace(
        '"Réparation fuite"', '"Réparation fuite" ^plomb')
    entries, index = loaded(text)
    assert not misattribution_errors(Cashbook.build(entries, index), lambda day: True)
