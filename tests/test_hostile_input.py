"""Hostile or absurd input: a clear French error at file:line, never a traceback (issue 17 §3)."""

from __future__ import annotations

import json
import os
from decimal import Decimal

import pytest
from beancount import loader

from beancount_hn.core.amounts import MAX_AMOUNT, without_out_of_bounds
from beancount_hn.core.config import ConfigError, load_config
from tests.ledgers import run_hn as run
from tests.ledgers import write_ledger as write
from tests.test_fail_closed import CLEAN, line_of

HUGE = "100000000000000000000000000.00"  # 10^26: past the 28 digits of the default decimal context


def no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


# --- custom "hn-option" with no value at all ----------------------------------------------------


def test_an_hn_option_without_any_value_is_an_error_at_its_line(tmp_path):
    text = CLEAN + '2025-01-01 custom "hn-option"\n'
    path = write(tmp_path, text)
    result = run("2035", path, "--year", "2025")
    no_traceback(result)
    assert result.exit_code == 1
    line = line_of(text, '2025-01-01 custom "hn-option"\n')
    assert f"{path}:{line}: hn-option sans nom d'option" in result.stderr


def test_load_config_takes_a_custom_without_values():
    entries, _, _ = loader.load_string('2025-01-01 custom "hn-option"\n')
    (custom,) = entries
    assert custom.values is None  # what Beancount makes of it
    config, errors = load_config(entries)
    assert [type(e) for e in errors] == [ConfigError] and errors[0].source["lineno"] == 1
    assert config.history == {}


# --- amounts out of bounds ----------------------------------------------------------------------

EXPLICIT = f"""\
2025-03-01 * "CPAM" "Lot absurde"
  Assets:Banque                     {HUGE} EUR
  Income:Honoraires:Conventionnes  -{HUGE} EUR
"""

INTERPOLATED = f"""\
2025-03-01 * "CPAM" "Lot absurde"
  Assets:Banque                     {HUGE} EUR
  Income:Honoraires:Conventionnes
"""


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "html"])
def test_an_amount_out_of_bounds_is_an_error_at_its_transaction_in_hn_2035(tmp_path, fmt):
    text = CLEAN + EXPLICIT
    path = write(tmp_path, text)
    result = run("2035", path, "--year", "2025", "--format", fmt)
    no_traceback(result)
    assert result.exit_code == 1
    assert f"{path}:{line_of(text, 'Lot absurde')}: montant hors limites : {HUGE} EUR" in result.stderr
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["final"] is False and data["lines"]["AA"] == "100.00"  # the transaction is left out
        assert "montant hors limites" in data["errors"][0]["message"]


def test_an_amount_that_overflows_beancount_itself_stops_at_its_transaction(tmp_path):
    text = CLEAN + INTERPOLATED
    path = write(tmp_path, text)
    for command in (["2035", path, "--year", "2025"],
                    ["export", path, "--year", "2025", "--out", str(tmp_path / "dossier")]):
        result = run(*command)
        no_traceback(result)
        assert result.exit_code == 1
        assert result.output.startswith("Erreur : Beancount n'a pas pu charger le livre")
        assert f"{path}:{line_of(text, 'Lot absurde')}: montant hors limites" in result.output
    assert os.listdir(tmp_path) == ["main.beancount"]


def test_hn_export_writes_nothing_over_an_amount_out_of_bounds(tmp_path):
    path = write(tmp_path, CLEAN + EXPLICIT)
    result = run("export", path, "--year", "2025", "--out", str(tmp_path / "dossier"))
    no_traceback(result)
    assert result.exit_code == 1 and "montant hors limites" in result.output
    assert os.listdir(tmp_path) == ["main.beancount"]


def test_the_bound_is_ten_to_the_fifteen_per_amount_per_unit_and_in_total():
    entries, errors, _ = loader.load_string(CLEAN + """\
2024-01-01 open Assets:Titres
2025-03-02 * "Juste sous la borne"
  Expenses:Loyer                   999999999999999.99 EUR
  Assets:Banque
2025-03-03 * "A la borne"
  Expenses:Loyer                  1000000000000000.00 EUR
  Assets:Banque
2025-03-04 * "Prix unitaire"
  Assets:Titres                   1 XYZ @ 1000000000000000 EUR
  Assets:Banque
2025-03-05 * "Total"
  Assets:Titres                   100000000 XYZ @ 100000000 EUR
  Assets:Banque
""")
    assert not errors
    kept, bound_errors = without_out_of_bounds(entries)
    left_out = [e.entry.narration for e in bound_errors]
    assert left_out == ["A la borne", "Prix unitaire", "Total"]
    assert len(kept) == len(entries) - 3 and MAX_AMOUNT == Decimal(10) ** 15


def test_fava_figures_json_reports_an_amount_out_of_bounds_instead_of_a_500(tmp_path):
    from tests.fava_support import fava_app, slug_of

    path = write(tmp_path, CLEAN + '2024-01-01 custom "fava-extension" "beancount_hn.fava"\n' + EXPLICIT)
    app = fava_app(path)
    base = f"/{slug_of(app)}/extension/Cabinet/"
    response = app.test_client().get(f"{base}figures_json", query_string={"year": "2025"})
    assert response.status_code == 200
    form = response.json["2035"]
    assert form["final"] is False and form["lines"]["AA"] == "100.00"
    assert "montant hors limites" in form["errors"][0]["message"]
    assert app.test_client().get(base, query_string={"time": "2025"}).status_code == 200


# --- absurd barème values ------------------------------------------------------------------------


@pytest.mark.parametrize("values, message", [
    ("2025 5 99999999999999999999", "distance hors limites : 99999999999999999999 km"),
    ("2025 5 8200.5", "distance hors limites : 8200.5 km"),
    ("2025 5 1000001",
     "distance hors limites : 1000001 km (attendu un nombre entier de kilomètres de 1 à 1 000 000 km)"),
    ("2025 99999999999999999999 8200", "puissance fiscale hors limites : 99999999999999999999 CV"),
    ("2025 0 8200", "puissance fiscale hors limites : 0 CV"),
    ("2025 5.5 8200", "puissance fiscale hors limites"),
    ("99999999999999999999 5 8200", "attendu une année entre 2000 et 2100"),
])
def test_an_absurd_bareme_is_refused_at_the_option_line(tmp_path, values, message):
    option = f'2025-01-01 custom "hn-option" "bareme-km" {values}'
    text = CLEAN + option + "\n"
    path = write(tmp_path, text)
    result = run("2035", path, "--year", "2025")
    no_traceback(result)
    assert result.exit_code == 1
    assert f"{path}:{line_of(text, option)}: hn-option \"bareme-km\" : {message}" in result.stderr


def test_a_sane_bareme_is_kept():
    entries, _, _ = loader.load_string('2025-01-01 custom "hn-option" "bareme-km" 2025 50 1000000\n')
    config, errors = load_config(entries)
    assert errors == [] and config.keyed("bareme-km")[2025].kilometers == Decimal(1000000)


# --- contradictory options on one day ---------------------------------------------------------


@pytest.mark.parametrize("first, second", [
    ('"vat-regime" "franchise"', '"vat-regime" "reel"'),
    ('"practice-start" 2024-09-01', '"practice-start" 2024-10-01'),
    ('"identity" "siret" "73282932000074"', '"identity" "siret" "73282932000082"'),
    ('"bareme-km" 2025 5 8200', '"bareme-km" 2025 6 8200'),
])
def test_two_values_of_one_option_on_one_day_are_an_error_at_the_second(first, second):
    text = f'2025-01-01 custom "hn-option" {first}\n2025-01-01 custom "hn-option" {second}\n'
    entries, _, _ = loader.load_string(text)
    config, errors = load_config(entries)
    assert [e.source["lineno"] for e in errors] == [2], [e.message for e in errors]
    assert "contradictoire" in errors[0].message and "<string>:1" in errors[0].message
    name = first.split('"')[1]
    assert len(config.entries(name)) == 1 and config.entries(name)[0].entry.meta["lineno"] == 1


def test_the_same_value_twice_or_values_on_two_days_are_not_contradictions():
    entries, _, _ = loader.load_string(
        '2025-01-01 custom "hn-option" "vat-regime" "franchise"\n'
        '2025-01-01 custom "hn-option" "vat-regime" "franchise"\n'
        '2025-06-01 custom "hn-option" "vat-regime" "reel"\n'
        '2025-01-01 custom "hn-option" "treasury" Assets:Banque\n'
        '2025-01-01 custom "hn-option" "treasury" Assets:Caisse\n'
        '2025-01-01 custom "hn-option" "identity" "siret" "73282932000074"\n'
        '2025-01-01 custom "hn-option" "identity" "rpps" "10101234567"\n')
    _, errors = load_config(entries)
    assert errors == []


def test_a_contradiction_fails_hn_vat_at_the_second_line(tmp_path):
    second = '2025-01-01 custom "hn-option" "vat-regime" "reel"'
    text = CLEAN + '2025-01-01 custom "hn-option" "vat-regime" "franchise"\n' + second + "\n"
    path = write(tmp_path, text)
    result = run("vat", path, "--format", "json")
    no_traceback(result)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["final"] is False
    assert [(e["ligne"], "contradictoire" in e["message"]) for e in data["errors"]] == [(line_of(text, second), True)]


def test_bareme_km_of_zero_or_negative_kilometres_is_refused_with_a_hint():
    from tests.ledgers import errors_of

    zero = errors_of('2025-01-01 custom "hn-option" "bareme-km" 2025 5 0\n')
    assert any("distance hors limites : 0 km" in e.message for e in zero)
    negative = errors_of('2025-01-01 custom "hn-option" "bareme-km" 2025 5 -100 "Clio"\n')
    assert any("comme une soustraction" in e.message for e in negative)
