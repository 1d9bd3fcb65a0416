"""A key written where beancount-hn reads nothing is read or refused, never silently ignored:
``part-privee:`` on a transaction applies to its expense lines; ``ligne-2035:`` on an income or
expense line and ``tva:`` on the bank line of a receipt are errors at their transaction."""

from __future__ import annotations

from decimal import Decimal

from tests.ledgers import form_for, line_of, load

BASE = """
2025-01-01 open Assets:Banque EUR
2025-01-01 open Income:HN EUR
  convention: "non-conventionne"
  tva: "exoneree"
2025-01-01 open Expenses:Telephone EUR
2025-01-01 open Expenses:Fournitures EUR
2025-01-05 * "Patients" "Séances"
  Assets:Banque  1000.00 EUR
  Income:HN
"""


def test_a_private_share_on_the_transaction_applies_to_its_expense_lines():
    text = BASE + """
2025-02-01 * "Orange" "Forfait mobile"
  part-privee: 0.3
  Expenses:Telephone  136.23 EUR
  Assets:Banque
"""
    form = form_for(text, 2025)
    assert form.values["CC"] == Decimal("40.87")  # 30 % of 136,23, as on the line or the open


def test_a_ligne_2035_on_an_expense_line_is_an_error_at_its_transaction():
    text = BASE + """
2025-02-01 * "Boutique" "Cadeau"
  Expenses:Fournitures  235.00 EUR
    ligne-2035: "non-deductible"
  Assets:Banque
"""
    [error] = [e for e in form_for(text, 2025).errors if "ligne-2035" in e.message]
    assert error.source["lineno"] == line_of(text, '"Boutique" "Cadeau"')
    assert "se lit sur l'open du compte" in error.message


def test_a_tva_on_the_bank_line_of_a_receipt_is_an_error():
    text = BASE.replace('  Assets:Banque  1000.00 EUR\n', '  Assets:Banque  1000.00 EUR\n    tva: "franchise"\n')
    [error] = [e for e in load(text)[1] if "n'est pas lu" in e.message]
    assert error.source["lineno"] == line_of(text, '"Patients" "Séances"')
    assert error.message.startswith("tva: franchise sur la ligne Assets:Banque n'est pas lu")
