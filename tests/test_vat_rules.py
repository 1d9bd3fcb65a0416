"""The 293 B law as data: thresholds per year, rules per period, first-year proration."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beancount_hn.tax.vat_rules import (
    CROSSING_DATE,
    MONTH_START,
    UnknownYearError,
    decide_franchise,
    prorata,
    prorate,
    threshold_table,
    thresholds,
)
from tests.ledgers import plain

D = Decimal


def test_table_has_every_year_2017_2026_with_fr_rules_figures():
    table = threshold_table()
    assert sorted(table) == list(range(2017, 2027))
    expected = {2017: (33200, 35200), 2019: (33200, 35200), 2020: (34400, 36500), 2022: (34400, 36500),
                2023: (36800, 39100), 2024: (36800, 39100), 2025: (37500, 41250), 2026: (37500, 41250)}
    for year, (base, majore) in expected.items():
        assert (table[year].base, table[year].majore) == (D(base), D(majore))
    assert all(row.source and row.confidence for row in table.values())
    assert {row.rules.name for y, row in table.items() if y < 2025} == {"avant-2025"}
    assert {row.rules.name for y, row in table.items() if y >= 2025} == {"depuis-2025"}
    assert table[2024].rules.two_year_tolerance and table[2024].rules.vat_due_from == MONTH_START
    assert not table[2025].rules.two_year_tolerance and table[2025].rules.vat_due_from == CROSSING_DATE
    assert table[2025].in_force_from == datetime.date(2025, 1, 1)


def test_a_year_not_in_the_table_is_an_error_never_a_reuse():
    with pytest.raises(UnknownYearError) as raised:
        thresholds(2027)
    assert "2027" in str(raised.value) and not raised.value.before_table
    assert "mettez beancount-hn à jour" in str(raised.value) and "pip install -U beancount-hn" in str(raised.value)
    with pytest.raises(UnknownYearError) as raised:
        thresholds(2016)  # history no update will bring: said, not checked
    assert raised.value.before_table and "commence en 2017" in str(raised.value)


def test_vat_is_due_from_the_first_of_the_month_before_2025_and_from_the_day_since():
    day = datetime.date(2024, 11, 20)
    assert thresholds(2024).rules.vat_due_date(day) == datetime.date(2024, 11, 1)
    assert thresholds(2025).rules.vat_due_date(day.replace(year=2025)) == datetime.date(2025, 11, 20)


def test_prorata_counts_days_from_start_to_31_december_over_days_of_the_year():
    start = datetime.date(2024, 9, 2)
    assert prorata(2024, start) == Fraction(121, 366)  # 2024 is a leap year
    assert prorata(2025, start) == 1
    assert prorata(2025, datetime.date(2025, 7, 1)) == Fraction(184, 365)
    assert prorata(2025, datetime.date(2025, 1, 1)) == 1
    assert prorata(2025, None) == 1
    assert prorate(D(37500), Fraction(121, 366)) == D("12397.54")  # 12 397.540…
    assert prorate(D(39100), Fraction(121, 366)) == D("12926.50")  # 12 926.502…
    assert prorate(D(41250), Fraction(184, 365)) == D("20794.52")  # 20 794.520…
    assert prorate(D(37500), Fraction(1, 3)) == D("12500.00")
    assert prorate(D(10), Fraction(2, 3)) == D("6.66")  # down, never up


@given(
    amount=st.integers(min_value=0, max_value=5_000_000).map(lambda c: D(c) / 100),
    days=st.integers(min_value=1, max_value=365),
    threshold=st.sampled_from([D(33200), D(35200), D(36800), D(37500), D(41250)]),
)
def test_rounding_down_gives_the_exact_comparison_for_amounts_in_cents(amount, days, threshold):
    share = Fraction(days, 365)
    exact = Fraction(threshold) * share
    assert (amount <= prorate(threshold, share)) == (Fraction(amount) <= exact)


def turnover(**years: str) -> dict[int, Decimal]:
    return {int(y[1:]): D(v) for y, v in years.items()}


def test_from_2025_the_base_threshold_alone_decides_at_the_cent():
    row = thresholds(2025)
    assert decide_franchise(2025, row, turnover(y2024="37500.00"), None).franchise
    lost = decide_franchise(2025, row, turnover(y2024="37500.01", y2023="0"), None)
    assert not lost.franchise and "sans tolérance" in lost.reason and "37 500,01 €" in plain(lost.reason)


def test_before_2025_the_two_year_tolerance():
    row = thresholds(2024)  # base 36 800, majoré 39 100
    assert decide_franchise(2024, row, turnover(y2023="36800", y2022="0"), None).franchise
    kept = decide_franchise(2024, row, turnover(y2023="39100", y2022="36800"), None)
    assert kept.franchise and "tolérance de deux ans" in kept.reason
    spent = decide_franchise(2024, row, turnover(y2023="38000", y2022="36800.01"), None)
    assert not spent.franchise and "épuisée" in spent.reason
    over = decide_franchise(2024, row, turnover(y2023="39100.01", y2022="0"), None)
    assert not over.franchise and "seuil majoré" in over.reason


def test_the_first_year_turnover_is_tested_against_prorated_thresholds():
    start = datetime.date(2024, 9, 2)
    row = thresholds(2025)
    assert decide_franchise(2025, row, turnover(y2024="12397.54"), start).franchise
    lost = decide_franchise(2025, row, turnover(y2024="12397.55"), start)
    assert not lost.franchise and "proratisé 121/366 jours" in lost.reason


def test_missing_years_are_nil_and_said_so():
    before = decide_franchise(2025, thresholds(2025), {}, datetime.date(2025, 3, 1))
    assert before.franchise and "avant le début d'activité" in before.reason
    unknown = decide_franchise(2025, thresholds(2025), {}, None)
    assert unknown.franchise and "absent du grand livre" in unknown.reason
