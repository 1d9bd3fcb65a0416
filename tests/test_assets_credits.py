"""Fixed assets read the way the user wrote them, or refused at the line: credits on an
asset (sale or price reduction), foreign-currency cost, vehicle words, a misplaced
``amortissement:`` or ``part-privee:``, several vehicles at the barème, large line-19 items."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beancount_hn.core.config import BaremeKm
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.exports.registre import build_registre_view
from beancount_hn.tax.assets import build_registre
from tests.ledgers import form_for, line_of, load, loaded, plain

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Income:Honoraires
  convention: "conventionne"
2024-01-01 open Assets:Immobilisations:Table
2025-01-31 * "CPAM"
  Assets:Banque    10000.00 EUR
  Income:Honoraires
"""

TABLE = ACCOUNTS + """
2025-03-15 * "Kiné Matériel" "Table électrique"
  Assets:Immobilisations:Table   3000.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque
"""


def credit(meta: str = "", day: str = "2025-04-15", amount: str = "300.00") -> str:
    return TABLE + f"""
{day} * "Kiné Matériel" "Avoir sur la table"
  Assets:Banque                  {amount} EUR
  Assets:Immobilisations:Table  -{amount} EUR
{meta}"""


def registre_of(text: str):
    entries, errors, options = load(text)
    return build_registre(entries, LedgerIndex.build(entries, options)), errors


# --- F1: a credit is a sale or a price reduction, never guessed -------------------------------


def test_an_unmarked_credit_is_an_error_at_its_posting_offering_both_readings():
    text = credit()
    registre, errors = registre_of(text)
    [error] = [e for e in errors if "crédit de 300,00" in e.message]
    assert error.source["lineno"] == line_of(text, "Assets:Immobilisations:Table  -300.00 EUR")
    assert "cession: TRUE" in error.message and "reduction-prix: TRUE" in error.message
    [asset] = registre.assets
    assert asset.disposal is None  # no invented sale: the table stays in the registre
    form = form_for(text, 2025, check=False)
    assert form.errors and form.values.get("CK", Decimal(0)) == 0


def test_a_price_reduction_lowers_the_cost_and_every_dotation():
    text = credit("    reduction-prix: TRUE\n")
    form = form_for(text, 2025)
    # 2 700 / 5 × 286 / 360 = 429.00; no moins-value, the table still held.
    assert form.values["CH"] == Decimal("429.00")
    assert form.values.get("CK", Decimal(0)) == 0
    assert form.values["CP"] == Decimal("9571.00")
    [asset] = form.registre.held_in(2026)
    assert asset.cost == Decimal("2700.00") and asset.disposal is None
    assert asset.depreciation(2026).dotation == Decimal("540.00")


def test_a_reduction_after_the_first_year_of_depreciation_is_an_error():
    text = credit("    reduction-prix: TRUE\n", day="2026-02-01")
    registre, errors = registre_of(text)
    [error] = [e for e in errors if "réduction de prix" in e.message]
    assert "2025" in error.message and registre.assets[0].cost == Decimal("3000.00")


def test_a_marked_sale_is_a_disposal():
    form = form_for(credit("    cession: TRUE\n"), 2025)
    [(asset, result)] = form.registre.disposals(2025)
    assert result.price == Decimal("300.00") and form.values["CK"] > 0


def test_a_credit_marked_both_ways_is_an_error():
    _, errors = registre_of(credit("    cession: TRUE\n    reduction-prix: TRUE\n"))
    assert any("à la fois cession: et reduction-prix:" in e.message for e in errors)


# --- F4: the cost is the weight in euros --------------------------------------------------------


def test_an_asset_bought_in_dollars_costs_its_price_in_euros():
    form = form_for(ACCOUNTS + """
2025-04-01 * "Amazon US" "Appareil d'électrothérapie"
  Assets:Immobilisations:Table  2000.00 USD @ 0.90 EUR
    amortissement: "lineaire 5"
  Assets:Banque  -1800.00 EUR
""", 2025)
    [asset] = form.registre.assets
    assert asset.cost == Decimal("1800.00") and asset.currency == "EUR"
    assert form.values["CH"] == Decimal("270.00")  # 360 × 270 / 360


def test_an_asset_in_another_currency_without_price_is_an_error():
    text = ACCOUNTS + """
2024-01-01 open Assets:Banque:Dollars
2025-04-01 * "Amazon US" "Appareil d'électrothérapie"
  Assets:Immobilisations:Table  2000.00 USD
    amortissement: "lineaire 5"
  Assets:Banque:Dollars
"""
    registre, errors = registre_of(text)
    [error] = [e for e in errors if "sans cours en euros" in e.message]
    assert error.source["lineno"] == line_of(text, "Assets:Immobilisations:Table  2000.00 USD")
    assert registre.assets == []


# --- F8: everyday vehicle words --------------------------------------------------------------


@pytest.mark.parametrize("name", ["Auto", "Voiture", "Véhicule", "Automobile", "Voiture-Clio"])
def test_everyday_car_words_are_vehicles_with_their_ceiling(name):
    form = form_for(ACCOUNTS + f"""
2024-01-01 open Assets:Immobilisations:{name}
2025-01-10 * "Garage du Centre" "Renault Clio"
  Assets:Immobilisations:{name}   30000.00 EUR
    amortissement: "lineaire 5"
    co2: 130
  Assets:Banque
""", 2025)
    [asset] = form.registre.assets
    assert asset.vehicle and not asset.two_wheeler
    assert form.values["CC"] == Decimal("2281.50")  # 5 850 × 11 700 / 30 000


def test_a_car_named_auto_without_co2_is_refused():
    form = form_for(ACCOUNTS + """
2024-01-01 open Assets:Immobilisations:Auto
2025-01-10 * "Garage du Centre" "Renault Clio"
  Assets:Immobilisations:Auto   30000.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque
""", 2025)
    assert any("CO₂" in e.message for e in form.errors)


def test_a_moto_is_a_vehicle_without_the_car_ceiling():
    form = form_for(ACCOUNTS + """
2024-01-01 open Assets:Immobilisations:Moto
2025-01-10 * "Moto Shop" "Moto"
  Assets:Immobilisations:Moto   12000.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque
""", 2025)
    [asset] = form.registre.assets
    assert asset.vehicle and asset.two_wheeler and not form.errors
    assert form.values.get("CC", Decimal(0)) == 0


# --- F8b and F2: keys written where they would be ignored ---------------------------------------


def test_amortissement_on_an_expense_is_an_error_at_the_posting():
    text = ACCOUNTS + """
2024-01-01 open Expenses:Achats:Materiel
2025-03-15 * "Kiné Matériel" "Table électrique"
  Expenses:Achats:Materiel   3000.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque
"""
    _, errors = registre_of(text)
    [error] = [e for e in errors if "compte de charges" in e.message]
    assert error.source["lineno"] == line_of(text, "Expenses:Achats:Materiel   3000.00 EUR")
    assert "Assets:Immobilisations" in error.message


def test_amortissement_on_a_transaction_without_asset_is_an_error():
    text = ACCOUNTS + """
2024-01-01 open Expenses:Achats:Materiel
2025-03-15 * "Kiné Matériel" "Table électrique"
  amortissement: "lineaire 5"
  Expenses:Achats:Materiel   3000.00 EUR
  Assets:Banque
"""
    _, errors = registre_of(text)
    [error] = [e for e in errors if "aucun compte Assets:Immobilisations" in e.message]
    assert error.source["lineno"] == line_of(text, '"Table électrique"')


MIXED_CAR = ACCOUNTS + """
2024-01-01 open Assets:Immobilisations:Vehicule
{open_share}
2025-01-10 * "Garage du Centre" "Renault Clio"
  Assets:Immobilisations:Vehicule   30000.00 EUR
    amortissement: "lineaire 5"
    co2: 130
{posting_share}  Assets:Banque
"""


@pytest.mark.parametrize("where", ["posting", "open"])
def test_the_private_share_of_a_mixed_use_car_is_added_back_after_its_ceiling(where):
    """Dotation 6 000 × 351/360 = 5 850,00; art. 39-4 excess 5 850 × 11 700/30 000 = 2 281,50;
    private share 20 % of the rest (3 568,50) = 713,70: CC 2 995,20."""
    share = "part-privee: 0.2\n"
    text = MIXED_CAR.format(open_share="  " + share if where == "open" else "",
                            posting_share="    " + share if where == "posting" else "")
    form = form_for(text, 2025)
    assert form.values["CH"] == Decimal("5850.00") and form.values["CC"] == Decimal("2995.20")
    cc = sorted(c.amount for c in form.contributions if c.code == "CC")
    assert cc == [Decimal("713.70"), Decimal("2281.50")]


def test_a_malformed_share_or_both_keys_on_an_asset_is_an_error_at_its_line():
    text = MIXED_CAR.format(open_share="", posting_share='    part-privee: "beaucoup"\n')
    [error] = [e for e in load(text)[1] if "part-privee" in e.message]
    assert error.source["lineno"] == line_of(text, "Assets:Immobilisations:Vehicule   30000.00 EUR")
    both = MIXED_CAR.format(open_share="  part-non-deductible: 0.1\n", posting_share="    part-privee: 0.2\n")
    assert any("part-privee: et part-non-deductible:" in e.message for e in load(both)[1])


def test_the_sale_of_a_mixed_use_asset_is_refused():
    text = MIXED_CAR.format(open_share="  part-privee: 0.2\n", posting_share="") + """
2026-06-01 * "Garage" "Vente de la Clio"
  Assets:Banque   20000.00 EUR
  Assets:Immobilisations:Vehicule  -20000.00 EUR
    cession: TRUE
"""
    [error] = [e for e in load(text)[1] if "usage mixte" in e.message]
    assert "plus- ou moins-value" in error.message and "ajustement-2035" in error.message


# --- F5: one vehicle at the barème ---------------------------------------------------------------

CARS = ACCOUNTS + """
2024-01-01 open Assets:Immobilisations:Vehicule:Clio
2024-01-01 open Assets:Immobilisations:Vehicule:Zoe
2024-01-01 * "Garage" "Clio"
  Assets:Immobilisations:Vehicule:Clio  9000.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque
2024-06-01 * "Garage" "Zoé"
  Assets:Immobilisations:Vehicule:Zoe  9500.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque
"""


def test_a_barème_year_with_two_vehicles_is_an_error_at_the_option():
    option = '2026-01-10 custom "hn-option" "bareme-km" 2025 5 10000 "Clio"'
    text = CARS + option + "\n"
    _, errors = registre_of(text)
    [error] = [e for e in errors if "2 véhicules au registre" in e.message]
    assert error.source["lineno"] == line_of(text, option)
    assert "Clio" in error.message and "Zoé" in error.message


def test_a_second_barème_line_of_a_year_is_an_error_at_its_line():
    first = '2026-01-10 custom "hn-option" "bareme-km" 2025 5 10000 "Clio"'
    second = '2026-01-11 custom "hn-option" "bareme-km" 2025 4 3000 "Zoe" "electrique"'
    text = ACCOUNTS + first + "\n" + second + "\n"
    form = form_for(text, 2025, check=False)
    [error] = [e for e in form.errors if "deuxième option bareme-km" in e.message]
    assert error.source["lineno"] == line_of(text, second)
    assert "BaremeKm(" not in error.message and "4 CV" in plain(error.message)


def test_a_same_day_clash_of_barème_lines_reads_as_french():
    assert plain(str(BaremeKm(2025, 4, Decimal(3000), "Zoe", True))) == "2025, 4 CV, 3 000 km, « Zoe », électrique"
    _, errors = registre_of(ACCOUNTS + '2026-01-10 custom "hn-option" "bareme-km" 2025 5 10000\n'
                            '2026-01-10 custom "hn-option" "bareme-km" 2025 4 3000\n')
    [clash] = [e for e in errors if "contradictoire" in e.message]
    assert "BaremeKm(" not in clash.message and "4 CV" in plain(clash.message)


def test_one_car_at_the_barème_still_works():
    form = form_for(ACCOUNTS + """
2024-01-01 open Assets:Immobilisations:Voiture
2024-01-01 * "Garage" "Clio"
  Assets:Immobilisations:Voiture  9000.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque
2026-01-10 custom "hn-option" "bareme-km" 2025 5 10000
""", 2025)
    assert not form.errors and form.values["23"] == Decimal("4965.00")
    assert form.values.get("CH", Decimal(0)) == 0


# --- F10: a large payment on line 19 ------------------------------------------------------------


def test_a_large_payment_on_small_tools_gets_a_hint():
    text = ACCOUNTS + """
2024-01-01 open Expenses:Petit-Materiel
  ligne-2035: "19"
2025-05-10 * "Kiné Matériel" "Table électrique Pro 3 plans"
  Expenses:Petit-Materiel   4200.00 EUR
  Assets:Banque
2025-05-11 * "Kiné Matériel" "Rouleaux de massage"
  Expenses:Petit-Materiel    120.00 EUR
  Assets:Banque
"""
    form = form_for(text, 2025)
    [hint] = [h for h in form.hints if "ligne 19" in h.message and "en une écriture" in h.message]
    assert hint.source["lineno"] == line_of(text, "Expenses:Petit-Materiel   4200.00 EUR")
    assert form.values["19"] == Decimal("4320.00")  # a hint, not a change of figure


def test_a_plain_purchase_has_no_error():
    entries, index = loaded(TABLE)
    assert build_registre(entries, index).errors == []


def test_the_registre_export_notes_the_reduction():
    entries, index = loaded(credit("    reduction-prix: TRUE\n"))
    [row] = build_registre_view(entries, index, 2025).rows
    assert row.asset.cost == Decimal("2700.00") and row.dotation == Decimal("429.00")
    assert "réduction de prix de 300,00" in plain(row.note)
