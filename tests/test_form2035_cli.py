"""``hn 2035 LEDGER --year Y``: formats, --explain, exit status."""

from __future__ import annotations

import json
import os
import textwrap
from functools import partial

import pytest

from tests.ledgers import EXAMPLE, ledger_text, plain, run_hn, write_ledger
from tests.test_form2035 import ACCOUNTS, YEAR


def write(tmp_path, body: str) -> str:
    return write_ledger(tmp_path, ledger_text(ACCOUNTS + textwrap.dedent(body)))


run = partial(run_hn, "2035", catch_exceptions=False)


@pytest.fixture
def ledger(tmp_path) -> str:
    return write(tmp_path, YEAR)


def test_table_in_whole_euros_with_reconciliation(ledger):
    result = run(ledger, "--year", "2025")
    assert result.exit_code == 0, result.output
    assert "AA  Recettes encaissées" in result.output
    assert "8 190" in plain(result.output)  # AA in whole euros
    assert "3 490" in plain(result.output)  # CP
    assert "rapprochement équilibré" in result.output
    assert "(?)" in result.output  # uncertain lines are labelled


def test_json_keeps_cents(ledger):
    result = run(ledger, "--year", "2025", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["year"] == 2025
    assert data["lines"]["AA"] == "8190.00" and data["lines"]["BN"] == "40.66"
    assert data["lines"]["CP"] == "3490.35"
    assert data["euros"]["BN"] == 41
    assert data["social"]["DSAV"] == "8020.00" and data["social"]["DSAU"] == "0.98"
    assert data["social"]["conventionne"] == "8000.00" and data["social"]["DSAW"] == "20.00"
    assert data["declarant"] == 1
    assert data["declaration"] == {"5QC": 3490, "5QE": 0, "DSDE": 5470, "DSDG": 0}
    assert data["reconciliation"]["closed"] is True
    assert data["reconciliation"]["difference"] == "0.00"
    assert data["labels"]["BY"]["uncertain"] is True


def test_csv_for_french_spreadsheets(ledger):
    result = run_hn("2035", ledger, "--year", "2025", "--format", "csv")
    raw = result.stdout_bytes
    assert raw.startswith("\ufeff".encode("utf-8"))
    text = raw.decode("utf-8-sig")
    rows = [line.split(";") for line in text.splitlines()]
    bn = next(r for r in rows if r[2] == "BN")
    assert bn[4] == "41" and bn[5] == "40,66"


def test_html_is_a_page(ledger):
    result = run(ledger, "--year", "2025", "--format", "html")
    assert result.output.startswith("<!DOCTYPE html>") and "Frais divers de gestion" in result.output


def test_explain_lists_postings_with_file_line(ledger):
    result = run(ledger, "--year", "2025", "--explain", "bm")
    assert result.exit_code == 0
    assert f"{ledger}:" in result.output
    assert "Expenses:Cotisations:Ordre" in result.output and "total BM : 350,00 €" in plain(result.output)
    as_json = json.loads(run(ledger, "--year", "2025", "--explain", "CC", "--format", "json").output)
    assert sorted(i["amount"] for i in as_json["items"]) == ["100.00", "20.00"]


def test_explain_unknown_code(ledger):
    result = run_hn("2035", ledger, "--year", "2025", "--explain", "ZZ")
    assert result.exit_code != 0 and "inconnue pour 2025" in result.output


def test_reconciliation_not_closed_exits_non_zero(tmp_path):
    path = write(tmp_path, """
    2025-02-01 * "Inconnu" "Virement sans facture"
      Assets:Banque                 75.00 EUR
      Assets:Creances:Patients
    2025-02-02 * "Mme A" "Facture"
      Assets:Creances:Patients       1.00 EUR
      Income:Honoraires:HN
    """)
    result = run_hn("2035", path, "--year", "2025")
    assert result.exit_code == 1
    assert "ne tombe pas juste" in result.stderr and result.stdout.startswith("CHIFFRES NON DÉFINITIFS")
    assert "NON ÉQUILIBRÉ" in result.stdout


def test_unmapped_account_stops_with_its_name_and_first_posting(tmp_path):
    path = write_ledger(tmp_path, ledger_text(ACCOUNTS + textwrap.dedent("""
    2024-01-01 open Expenses:Bizarre
    2025-02-01 * "Quelque chose"
      Expenses:Bizarre    10.00 EUR
      Assets:Banque
    """), plugin=None))
    result = run_hn("2035", path, "--year", "2025")
    assert result.exit_code == 1
    assert "Expenses:Bizarre" in result.output and f"{path}:" in result.output
    assert "Traceback" not in result.output


def test_missing_file_is_a_clean_error(tmp_path):
    result = run_hn("2035", str(tmp_path / "nope.beancount"), "--year", "2025")
    assert result.exit_code != 0 and "fichier de livre introuvable" in result.output


@pytest.mark.skipif(not os.path.exists(EXAMPLE), reason="example ledger not written yet")
def test_example_ledger_2025_closes():
    result = run_hn("2035", EXAMPLE, "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["reconciliation"]["closed"] is True
