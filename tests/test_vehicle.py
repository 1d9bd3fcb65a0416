"""Barème kilométrique: the table, the forfait on line 23, covered costs non-deductible."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from beancount_hn.form2035 import compute_2035
from beancount_hn.ledger import LedgerIndex
from beancount_hn.vehicle import bareme_row, bareme_table, forfait
from tests.conftest import line_of, load


@pytest.mark.parametrize("year, cv, km, expected", [
    (2024, 5, Decimal(4000), Decimal("2544.00")),  # 4000 × 0.636
    (2024, 5, Decimal(8200), Decimal("4322.40")),  # 8200 × 0.357 + 1395
    (2024, 4, Decimal(25000), Decimal("10175.00")),  # 25000 × 0.407
    (2024, 11, Decimal(1000), Decimal("697.00")),  # capped at 7 CV: 1000 × 0.697
    (2024, 2, Decimal(1000), Decimal("529.00")),  # 3 CV and less
    (2021, 6, Decimal(10000), Decimal("4932.00")),  # 10000 × 0.355 + 1382
    (2025, 5, Decimal(5000), Decimal("3180.00")),  # band edge: 5000 × 0.636
])
def test_bareme_amounts(year, cv, km, expected):
    assert bareme_row(year, cv).amount(km)[0] == expected


def test_table_has_sources_and_flags_2025():
    for row in bareme_table().values():
        assert row.source and row.confidence
    assert bareme_row(2025, 5).uncertain and not bareme_row(2024, 5).uncertain


LEDGER = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Immobilisations:Voiture
2024-01-01 open Income:Honoraires
  convention: "conventionne"
2024-01-01 open Expenses:Vehicule:Carburant
2024-01-01 open Expenses:Vehicule:Assurance
2024-01-01 open Expenses:Vehicule:Peage
2024-01-01 open Expenses:Vehicule:Lavage
  hors-forfait: TRUE
2024-01-01 open Expenses:Deplacements:Train
2024-01-06 * "Garage" "Voiture d'occasion"
  Assets:Immobilisations:Voiture   9000.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque
2024-02-01 * "CPAM"
  Assets:Banque    10000.00 EUR
  Income:Honoraires
2024-03-01 * "Total" "Carburant"
  Expenses:Vehicule:Carburant   900.00 EUR
  Assets:Banque
2024-03-02 * "MAAF" "Assurance auto"
  Expenses:Vehicule:Assurance   600.00 EUR
  Assets:Banque
2024-03-03 * "Vinci" "Péage"
  Expenses:Vehicule:Peage        45.00 EUR
  Assets:Banque
2024-03-04 * "Station" "Lavage"
  Expenses:Vehicule:Lavage       15.00 EUR
  Assets:Banque
2024-03-05 * "SNCF" "Congrès"
  Expenses:Deplacements:Train    80.00 EUR
  Assets:Banque
"""


def form(extra: str = "", year: int = 2024):
    entries, errors, options = load(textwrap.dedent(LEDGER) + textwrap.dedent(extra))
    assert not errors, errors
    return compute_2035(entries, LedgerIndex.build(entries, options), year)


def test_actual_costs_without_the_option():
    result = form()
    assert result.values["23"] == Decimal("1560.00")  # 900 + 600 + 45 + 15
    assert result.values["24"] == Decimal("80.00")
    assert result.values["BJ"] == Decimal("1640.00")
    # The car is depreciated: 9000 / 5 × 355 days (6 January → 31 December) / 360 = 1775.00
    assert result.values["CH"] == Decimal("1775.00")
    assert result.forfait is None and result.reconciliation.closed


def test_bareme_replaces_covered_costs():
    result = form('2025-01-15 custom "hn-option" "bareme-km" 2024 5 8200\n')
    # forfait 4322.40 + péage 45 + lavage marked hors-forfait 15
    assert result.values["23"] == Decimal("4382.40")
    assert result.values["BJ"] == Decimal("4462.40")
    assert result.values["CH"] == 0  # the car's depreciation is covered by the forfait
    rec = result.reconciliation
    assert rec.closed
    covered = {k: v for k, v in rec.non_deductible.items() if "barème" in k}
    assert sum(covered.values()) == Decimal("-1500.00")
    bareme = [c for c in result.explain("23") if c.kind == "bareme"]
    assert bareme[0].amount == Decimal("4322.40") and "8200 km × 0.357 + 1395" in bareme[0].description


def test_option_is_per_year():
    result = form('2025-01-15 custom "hn-option" "bareme-km" 2023 5 8200\n')
    assert result.forfait is None and result.values["23"] == Decimal("1560.00")


def test_option_for_a_year_without_bareme_is_an_error_at_its_line():
    extra = '2024-01-01 custom "hn-option" "bareme-km" 2012 5 8200\n'
    text = textwrap.dedent(LEDGER) + extra
    entries, errors, options = load(text)
    [error] = [e for e in errors if type(e).__name__ == "BaremeError"]
    assert error.source["lineno"] == line_of(text, '"bareme-km" 2012')
    assert "no barème kilométrique for 2012" in error.message
    assert forfait(LedgerIndex.build(entries, options), 2012) is None
