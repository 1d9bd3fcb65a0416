"""``hn vat``: the 293 B report, as a table and as JSON, on small ledgers and on the example."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from functools import partial

from tests.ledgers import hn_receipt as hn
from tests.ledgers import ledger_text, plain, run_hn, write_ledger
from tests.ledgers import vat_ledger as ledger

JSON_KEYS = {"year", "counted_turnover", "base_threshold", "majore_threshold", "status", "crossing_date",
             "projected_base_crossing", "projected_majore_crossing"}


run = partial(run_hn, "vat")


def write(tmp_path, text: str) -> str:
    return write_ledger(tmp_path, ledger_text(text, header=False))


def test_json_per_year_with_amounts_as_strings_and_iso_dates(tmp_path):
    path = write(tmp_path, ledger(hn("2024-06-01", "1000.00", "A") + hn("2025-03-01", "41000.00", "B")
                                  + hn("2025-11-20", "250.01", "C")))
    result = run(path, "--format", "json")
    assert result.exit_code == 1, result.output  # the VAT error of 2025: not final
    report = json.loads(result.stdout)
    assert report["final"] is False and "TVA à partir du 20 novembre 2025" in report["errors"][0]["message"]
    years = report["years"]
    assert [y["year"] for y in years] == [2024, 2025]
    assert all(JSON_KEYS <= set(y) for y in years)
    y2025 = years[1]
    assert (y2025["counted_turnover"], y2025["majore_threshold"], y2025["base_threshold"]) == (
        "41250.01", "41250.00", "37500.00")
    assert (y2025["status"], y2025["crossing_date"]) == ("TVA due depuis le 20 novembre 2025", "2025-11-20")
    assert y2025["projected_majore_crossing"] == "2025-11-20"
    assert years[0]["status"] == "franchise" and years[0]["crossing_date"] is None
    assert len(y2025["errors"]) == 1 and "TVA à partir du 20 novembre 2025" in y2025["errors"][0]["message"]


def test_table_explains_the_year_and_its_warnings(tmp_path):
    path = write(tmp_path, ledger(hn("2025-03-01", "30000.01", "A")))
    result = run(path, "--year", "2025")
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    assert "2025 · règles depuis 2025 · " in out and "Statut : franchise" in out
    assert "30 000,01 €" in out and "37 500,00 €" in out and "41 250,00 €" in out
    assert "Franchise au 1er janvier 2025 : oui" in out
    assert "[vat-share-2025]" in out and "franchi le 1er mars 2025" in out
    assert "Projection" in out


def test_an_unknown_year_is_a_clear_message_not_a_traceback(tmp_path):
    path = write(tmp_path, ledger(hn("2025-03-01", "100.00", "A")))
    result = run(path, "--year", "2019")
    assert result.exit_code == 1
    assert "aucune transaction en 2019" in result.output and "Traceback" not in result.output
    result = run(str(tmp_path / "missing.beancount"))
    assert result.exit_code == 1 and "fichier de livre introuvable" in result.output


def test_the_example_ledger_warns_in_2025_without_any_vat_error(example_path):
    result = run(example_path, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["final"] is True and report["errors"] == []
    years = {y["year"]: y for y in report["years"]}
    assert set(years) >= {2024, 2025, 2026}
    assert all(JSON_KEYS <= set(y) and y["status"] for y in years.values())
    y2025 = years[2025]
    assert Decimal("31000") <= Decimal(y2025["counted_turnover"]) <= Decimal("36000")
    assert [a["code"] for a in y2025["alerts"]] == ["vat-share-2025"]
    assert all(not y["errors"] for y in years.values())
    assert years[2024]["prorata"] == "121/366"  # practice started 2024-09-02
    table = run(example_path)
    assert table.exit_code == 0 and all(f"\n{year} · règles" in table.stdout for year in years)
    assert os.path.basename(example_path) in table.stdout
