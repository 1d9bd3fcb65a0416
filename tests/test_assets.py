"""Registre des immobilisations: linear depreciation on a 360-day basis, disposals, errors."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.tax.assets import build_registre, days360, parse_plan
from tests.ledgers import line_of, load

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Immobilisations:Table
2024-01-01 open Assets:Immobilisations:Ordinateur
2024-01-01 open Assets:Immobilisations:Patientele
2024-01-01 open Assets:Immobilisations:Divers
"""


def registre(text: str, *, plugin: str | None = None):
    entries, errors, options = load(ACCOUNTS + textwrap.dedent(text), plugin=plugin)
    return build_registre(entries, LedgerIndex.build(entries, options)), errors


def test_days360():
    assert days360(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)) == 360
    assert days360(datetime.date(2025, 3, 15), datetime.date(2025, 12, 31)) == 286
    assert days360(datetime.date(2025, 2, 28), datetime.date(2025, 12, 31)) == 303


@pytest.mark.parametrize("text, years", [
    ("lineaire 5", Decimal(5)), ("linéaire 3", Decimal(3)), ("Lineaire 2,5 ans", Decimal("2.5")),
    ("non-amortissable", None),
])
def test_parse_plan(text, years):
    assert parse_plan(text).years == years


@pytest.mark.parametrize("text", ["degressif 5", "lineaire", "lineaire 0", "5", 5])
def test_parse_plan_rejects(text):
    assert parse_plan(text) is None


TABLE = """
2025-03-15 * "Kiné-Matériel" "Table de massage électrique"
  Assets:Immobilisations:Table   2400.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque
"""


def test_depreciation_across_years_prorata_360():
    reg, errors = registre(TABLE)
    assert not errors and not reg.errors
    [asset] = reg.assets
    schedule = [(r.year, r.dotation, r.net_book_value) for r in asset.schedule()]
    # 2025: 2400 / 5 × 286 / 360 = 381.33; 2026–2029 full years; 2030 the remaining 74 days.
    assert schedule == [
        (2025, Decimal("381.33"), Decimal("2018.67")),
        (2026, Decimal("480.00"), Decimal("1538.67")),
        (2027, Decimal("480.00"), Decimal("1058.67")),
        (2028, Decimal("480.00"), Decimal("578.67")),
        (2029, Decimal("480.00"), Decimal("98.67")),
        (2030, Decimal("98.67"), Decimal("0.00")),
    ]
    assert reg.dotation(2025) == Decimal("381.33")
    assert reg.dotation(2031) == 0
    assert asset.designation == "Table de massage électrique"


def test_rounding_dust_goes_to_the_last_year():
    reg, _ = registre("""
    2025-01-01 * "Ordinateur"
      Assets:Immobilisations:Ordinateur   1000.00 EUR
        amortissement: "lineaire 3"
      Assets:Banque
    """)
    rows = reg.assets[0].schedule()
    assert [r.dotation for r in rows] == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]


def test_mise_en_service_delays_the_start():
    reg, _ = registre("""
    2025-11-20 * "Ordinateur"
      Assets:Immobilisations:Ordinateur   1800.00 EUR
        amortissement: "lineaire 3"
        mise-en-service: 2026-01-01
      Assets:Banque
    """)
    assert reg.dotation(2025) == 0
    assert reg.dotation(2026) == Decimal("600.00")


def test_disposal_after_two_years_short_and_long_term():
    reg, _ = registre(TABLE + textwrap.dedent("""
    2028-06-30 * "Vente de la table"
      Assets:Banque                    2300.00 EUR
      Assets:Immobilisations:Table    -2300.00 EUR
        cession: TRUE
    """))
    [asset] = reg.assets
    # 2028: 180 days (1/1 → 30/6) × 480 / 360 = 240.00; cumulated 381.33 + 480 + 480 + 240.
    assert reg.dotation(2028) == Decimal("240.00")
    [(_, result)] = reg.disposals(2028)
    assert result.cumulated == Decimal("1581.33")
    assert result.net_book_value == Decimal("818.67")
    assert result.result == Decimal("1481.33")
    # Held more than two years, but the gain does not exceed the depreciation deducted: short term.
    assert result.short_term == Decimal("1481.33") and result.long_term == 0
    assert reg.short_term_net(2028) == Decimal("1481.33")
    assert reg.dotation(2029) == 0
    assert asset.disposal.date == datetime.date(2028, 6, 30)


def test_disposal_gain_beyond_depreciation_is_long_term():
    reg, _ = registre("""
    2025-01-01 * "Ordinateur"
      Assets:Immobilisations:Ordinateur   1000.00 EUR
        amortissement: "lineaire 5"
      Assets:Banque
    2027-12-31 * "Vente"
      Assets:Banque                          1100.00 EUR
      Assets:Immobilisations:Ordinateur     -1100.00 EUR
        cession: TRUE
    """)
    [(_, result)] = reg.disposals(2027)
    assert result.cumulated == Decimal("600.00")  # three full years
    assert result.result == Decimal("700.00")  # 1100 − 400
    assert (result.short_term, result.long_term) == (Decimal("600.00"), Decimal("100.00"))
    assert result.held_two_years


def test_disposal_within_two_years_is_all_short_term_and_a_loss_goes_to_ck_side():
    reg, _ = registre("""
    2025-01-01 * "Ordinateur"
      Assets:Immobilisations:Ordinateur   1000.00 EUR
        amortissement: "lineaire 5"
      Assets:Banque
    2026-06-30 * "Vente"
      Assets:Banque                          300.00 EUR
      Assets:Immobilisations:Ordinateur     -300.00 EUR
        cession: TRUE
    """)
    [(_, result)] = reg.disposals(2026)
    # cumulated 200 + 100 = 300, VNC 700, loss 400 short term.
    assert result.result == Decimal("-400.00") and not result.held_two_years
    assert reg.short_term_net(2026) == Decimal("-400.00")


def test_non_depreciable_asset_long_term_result():
    reg, _ = registre("""
    2025-01-01 * "Droit de présentation à la patientèle"
      Assets:Immobilisations:Patientele   30000.00 EUR
        amortissement: "non-amortissable"
      Assets:Banque
    2028-01-01 * "Cession de la patientèle"
      Assets:Banque                          35000.00 EUR
      Assets:Immobilisations:Patientele     -35000.00 EUR
        cession: TRUE
    """)
    assert reg.dotation(2025) == 0
    [(_, result)] = reg.disposals(2028)
    assert (result.short_term, result.long_term) == (Decimal(0), Decimal("5000.00"))
    assert reg.long_term_net(2028) == Decimal("5000.00")


def test_purchase_without_or_with_malformed_plan_is_an_error_at_its_line():
    text = """
    2025-02-01 * "Table sans plan"
      Assets:Immobilisations:Table   2400.00 EUR
      Assets:Banque
    2025-03-01 * "Ordinateur" "plan mal écrit"
      amortissement: "degressif 3"
      Assets:Immobilisations:Ordinateur   1200.00 EUR
      Assets:Banque
    """
    reg, _ = registre(text)
    full = ACCOUNTS + textwrap.dedent(text)
    by_line = {e.source["lineno"]: e.message for e in reg.errors}
    assert "sans amortissement:" in by_line[line_of(full, "Table sans plan", plugin=None)]
    assert '"degressif 3" (sur la transaction)' in by_line[line_of(full, "plan mal écrit", plugin=None)]
    assert reg.assets == []


def test_plugin_reports_asset_errors_and_hints_only_on_request():
    text = """
    2025-02-01 * "Table sans plan"
      Assets:Immobilisations:Table   2400.00 EUR
      Assets:Banque
    2025-03-01 * "Chaise"
      Assets:Immobilisations:Divers   350.00 EUR
        amortissement: "lineaire 5"
      Assets:Banque
    """
    _, errors = registre(text, plugin="beancount_hn.plugins.all")
    assert [type(e).__name__ for e in errors] == ["AssetError"]
    _, errors = registre('2024-01-01 custom "hn-option" "warnings-as-errors" TRUE\n' + textwrap.dedent(text),
                         plugin="beancount_hn.plugins.all")
    assert sorted(type(e).__name__ for e in errors) == ["AssetError", "AssetHint"]


def test_small_equipment_hint_depends_on_the_vat_regime():
    small = """
    2025-03-01 * "Chaise"
      Assets:Immobilisations:Divers   550.00 EUR
        amortissement: "lineaire 5"
      Assets:Banque
    """
    reg, _ = registre(small)
    [hint] = reg.hints
    assert "500 € HT" in hint.message and reg.assets  # franchise: 550 TTC may be ≤ 500 HT
    reg, _ = registre('2024-01-01 custom "hn-option" "vat-regime" "reel"\n' + textwrap.dedent(small))
    assert reg.hints == []  # booked HT under the réel regime: 550 > 500


def test_disposal_without_asset_is_an_error():
    reg, _ = registre("""
    2025-03-01 * "Vente de rien"
      Assets:Banque                      100.00 EUR
      Assets:Immobilisations:Table      -100.00 EUR
        cession: TRUE
    """)
    [error] = reg.errors
    assert "sans immobilisation correspondante" in error.message


@given(
    cost=st.decimals(min_value=Decimal("1.00"), max_value=Decimal("100000"), places=2),
    years=st.integers(min_value=1, max_value=10),
    day=st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31)),
)
def test_complete_schedules_add_up_to_the_cost(cost, years, day):
    entries, _, options = load(ACCOUNTS + f"""
{day} * "Bien"
  Assets:Immobilisations:Table   {cost} EUR
    amortissement: "lineaire {years}"
  Assets:Banque
""", plugin=None)
    [asset] = build_registre(entries, LedgerIndex.build(entries, options)).assets
    rows = asset.schedule()
    assert sum(r.dotation for r in rows) == cost
    assert all(r.dotation >= 0 for r in rows)
    assert len(rows) in (years, years + 1)
