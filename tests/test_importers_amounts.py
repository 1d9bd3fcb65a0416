"""French amounts and dates: fixed cases and hypothesis round trips."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beancount_hn.importers.amounts import (AmountError, format_amount, format_date,
                                            parse_amount, parse_date)


@pytest.mark.parametrize(("text", "decimal", "expected"), [
    ("1 234,56", ",", "1234.56"),
    ("1\u00a0234,56 €", ",", "1234.56"),
    ("1\u202f234\u202f567,8", ",", "1234567.80"),
    ("-12,5", ",", "-12.50"),
    ("\u221248,50", ",", "-48.50"),
    ("12,00-", ",", "-12.00"),
    ("(3,10)", ",", "-3.10"),
    ("+7", ",", "7.00"),
    ("1.234,56", ",", "1234.56"),
    ("EUR 1,250.00", ".", "1250.00"),
    ("-29.00", ".", "-29.00"),
])
def test_parse_amount(text: str, decimal: str, expected: str) -> None:
    assert parse_amount(text, decimal) == Decimal(expected)
    assert str(parse_amount(text, decimal)) == expected


@pytest.mark.parametrize(("text", "decimal"), [
    ("", ","), ("abc", ","), ("12.50", ","), ("1,234", ","), ("1,5,3", ","), ("12,50", "."),
    ("1 2,3,4", ","), ("--3", ","),
])
def test_parse_amount_rejects(text: str, decimal: str) -> None:
    with pytest.raises(AmountError):
        parse_amount(text, decimal)


def test_wrong_decimal_setting_is_explained() -> None:
    with pytest.raises(AmountError, match="séparateur décimal"):
        parse_amount("1,234", ",")


@given(st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2),
       st.sampled_from([(",", "\u00a0"), (",", " "), (",", "\u202f"), (",", "."), (",", ""),
                        (".", ","), (".", "")]))
def test_amount_round_trip(value: Decimal, style: tuple[str, str]) -> None:
    decimal, thousands = style
    text = format_amount(value, decimal, thousands)
    assert parse_amount(text, decimal) == value
    assert parse_amount(text + " €", decimal) == value


@given(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2099, 12, 31)),
       st.sampled_from(["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]))
def test_date_round_trip(value: datetime.date, fmt: str) -> None:
    text = format_date(value, fmt)
    parsed = parse_date(text, [fmt])
    if fmt == "%d/%m/%y":  # two-digit years pivot at 1969/2068 (POSIX)
        assert (parsed.month, parsed.day, parsed.year % 100) == (value.month, value.day, value.year % 100)
    else:
        assert parsed == value


def test_parse_date_with_time_and_errors() -> None:
    assert parse_date("04/03/2025 10:12:00") == datetime.date(2025, 3, 4)
    assert parse_date("2025-03-04T10:12:00", ["%Y-%m-%d"]) == datetime.date(2025, 3, 4)
    with pytest.raises(AmountError, match="jj/mm/aaaa"):
        parse_date("31/02/2025")
    with pytest.raises(AmountError):
        parse_date("2025-03-04", ["%d/%m/%Y"])
