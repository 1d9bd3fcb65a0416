"""Barème kilométrique: the table, the forfait on line 23, covered costs non-deductible."""

from __future__ import annotations

import textwrap
from decimal import ROUND_HALF_UP, Decimal

import pytest

from beancount_hn.core import frtypo
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.render.form2035 import to_json_dict, to_table
from beancount_hn.tax.vehicle import bareme_row, bareme_table, forfait
from tests.ledgers import form_for, line_of, load, plain


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
    assert not bareme_row(2025, 5).uncertain  # the 2025 barème is the 2024 one, not revalued
    assert bareme_row(2025, 5).amount(Decimal(8200)) == bareme_row(2024, 5).amount(Decimal(8200))


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
    return form_for(textwrap.dedent(LEDGER) + textwrap.dedent(extra), year)


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
    assert bareme[0].amount == Decimal("4322.40") and "8\u202f200 km × 0,357 + 1\u202f395" in bareme[0].description


def test_option_is_per_year():
    result = form('2025-01-15 custom "hn-option" "bareme-km" 2023 5 8200\n')
    assert result.forfait is None and result.values["23"] == Decimal("1560.00")


def test_option_for_a_year_without_bareme_is_an_error_at_its_line():
    extra = '2024-01-01 custom "hn-option" "bareme-km" 2012 5 8200\n'
    text = textwrap.dedent(LEDGER) + extra
    entries, errors, options = load(text)
    [error] = [e for e in errors if type(e).__name__ == "BaremeError"]
    assert error.source["lineno"] == line_of(text, '"bareme-km" 2012')
    assert "pas de barème kilométrique pour 2012" in error.message
    assert forfait(LedgerIndex.build(entries, options), 2012) is None


# --- electric vehicles, cadre 7 ---------------------------------------------------------------

def test_electric_table_is_the_thermal_one_plus_20_percent():
    """Every row of the electric barème is its year's thermal row × 1.2, rounded as published
    (rates to 3 decimals, the fixed part to the euro)."""
    electric = [row for row in bareme_table().values() if row.electric]
    assert {row.year for row in electric} == {2022, 2023, 2024, 2025}
    for row in electric:
        thermal = bareme_row(row.year, row.cv)
        for field, places in (("rate_upto_5000", "0.001"), ("rate_5001_20000", "0.001"),
                              ("fixed_5001_20000", "1"), ("rate_over_20000", "0.001")):
            expected = (getattr(thermal, field) * Decimal("1.2")).quantize(Decimal(places), ROUND_HALF_UP)
            assert getattr(row, field) == expected, (row.year, row.cv, field)
    assert bareme_row(2025, 5, electric=True).amount(Decimal(8200))[0] == Decimal("5183.60")  # 8200 × 0.428 + 1674


def test_electric_option_and_cadre_7():
    result = form('2025-01-15 custom "hn-option" "bareme-km" 2024 5 8200 "Renault Zoé GA-123-BC" "electrique"\n')
    assert result.forfait.amount == Decimal("5183.60")
    assert result.values["23"] == Decimal("5183.60") + Decimal("60.00")  # + péage and lavage kept
    text = to_table(result)
    assert "Cadre 7 : barème kilométrique 2024" in text
    assert "Renault Zoé GA-123-BC (électrique, +20 %)" in text and "8 200" in plain(text) and "5 183,60" in plain(text)
    data = to_json_dict(result)["bareme_km"]
    assert data["vehicle"] == "Renault Zoé GA-123-BC" and data["electric"] is True


def test_cadre_7_names_the_registre_vehicle_when_the_option_does_not():
    result = form('2025-01-15 custom "hn-option" "bareme-km" 2024 5 8200\n')
    assert result.forfait.vehicle == "Voiture d'occasion" and "Voiture d'occasion" in to_table(result)
    [bareme] = [c for c in result.explain("23") if c.kind == "bareme"]
    assert bareme.description.startswith("barème kilométrique 2024 : Voiture d'occasion, 5 CV")


def test_electric_barème_of_a_year_without_its_table_is_an_error():
    extra = '2022-01-01 custom "hn-option" "bareme-km" 2021 5 8200 "electrique"\n'
    text = textwrap.dedent(LEDGER) + extra
    entries, errors, options = load(text)
    [error] = [e for e in errors if type(e).__name__ == "BaremeError"]
    assert "pas de barème kilométrique des véhicules électriques pour 2021" in error.message
    assert error.source["lineno"] == line_of(text, '"bareme-km" 2021')


@pytest.mark.parametrize("values, message", [
    ('2024 5 8200 "A" "B"', "véhicule donné deux fois"),
    ('2024 5 8200 "electrique" "thermique"', "énergie donnée deux fois"),
    ("2024 5 8200 12", "attendu le véhicule entre guillemets"),
    ('2024 5 8200 "A" "electrique" "B"', "reçu 6 valeur(s)"),
])
def test_malformed_bareme_extras_are_errors(values, message):
    text = textwrap.dedent(LEDGER) + f'2025-01-15 custom "hn-option" "bareme-km" {values}\n'
    _, errors, _ = load(text)
    [error] = [e for e in errors if type(e).__name__ == "ConfigError"]
    assert message in error.message


# --- property costs and the art. 39-4 ceiling ------------------------------------------------

NO_CAR = LEDGER.replace('''2024-01-06 * "Garage" "Voiture d'occasion"
  Assets:Immobilisations:Voiture   9000.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque
''', "")


def test_car_property_costs_without_the_car_in_the_registre_warn():
    result = form_for(textwrap.dedent(NO_CAR), 2024)
    [hint] = [h for h in result.hints if "registre" in h.message]
    assert plain(hint.message).startswith("avertissement : Expenses:Vehicule:Assurance : 600,00 €")
    assert hint.source["lineno"] == line_of(textwrap.dedent(NO_CAR), "Expenses:Vehicule:Assurance   600.00")
    assert result.values["23"] == Decimal("1560.00")  # a warning: the figures are the ledger's
    assert not [h for h in form().hints if "registre" in h.message]  # the car is in the registre


def test_no_property_warning_in_a_barème_year():
    text = textwrap.dedent(NO_CAR) + '2025-01-15 custom "hn-option" "bareme-km" 2024 5 8200\n'
    result = form_for(text, 2024, check=False)
    assert not [h for h in result.hints if "registre" in h.message]  # insurance is covered, not counted


CAR = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Immobilisations:Voiture
2024-01-01 open Income:Honoraires
  convention: "conventionne"
2024-02-01 * "CPAM"
  Assets:Banque    40000.00 EUR
  Income:Honoraires
2025-01-01 * "Garage" "Voiture neuve"
  Assets:Immobilisations:Voiture   30000.00 EUR
    amortissement: "lineaire 5"
{meta}
  Assets:Banque
"""


def car_form(meta: str, year: int = 2025):
    return form_for(CAR.replace("{meta}", meta), year)


@pytest.mark.parametrize("co2, cap, excess", [
    ("120", 18300, "2340.00"),  # 6000 × (30000 − 18300) / 30000
    ("19", 30000, "0"), ("20", 20300, "1940.00"), ("49", 20300, "1940.00"), ("50", 18300, "2340.00"),
    ("160", 18300, "2340.00"), ("161", 9900, "4020.00"),
])
def test_car_depreciation_is_capped_by_its_co2_class(co2, cap, excess):
    result = car_form(f"    co2: {co2}")
    assert result.values["CH"] == Decimal("6000.00")
    assert result.values["CC"] == Decimal(excess)
    if Decimal(excess):
        [added] = result.explain("CC")
        assert "art. 39-4" in added.description and frtypo.money(Decimal(cap)) in added.description
    assert not result.errors


def test_car_ceiling_needs_co2_or_an_explicit_ceiling():
    [error] = car_form("    designation: \"Voiture\"").errors
    assert "co2:" in error.message and "art. 39-4" in error.message
    assert car_form('    plafond-amortissement: "aucun"').values["CC"] == 0
    assert car_form("    plafond-amortissement: 18300").values["CC"] == Decimal("2340.00")
    [bad] = car_form("    co2: 12.5").errors
    assert "nombre entier" in bad.message


def test_car_bought_before_2021_needs_its_ceiling():
    text = CAR.replace("2025-01-01 * \"Garage\"", "2020-06-01 * \"Garage\"").replace("{meta}", "    co2: 120")
    result = form_for(text, 2021, check=False)
    [error] = [e for e in result.errors if "plafond-amortissement:" in e.message]
    assert "acquis le 1er juin 2020" in error.message and "plafond-amortissement:" in error.message
