"""Fail closed (DESIGN §8, issue 17 §3): no final figure over a broken ledger, no year without data.

Each broken ledger is the clean one plus one defect; the clean one is checked too, so a
test cannot pass because the ledger was broken anyway.
"""

from __future__ import annotations

import json
import os
from functools import partial

import pytest

from beancount_hn.core.loading import require_year
from tests import ledgers
from tests.ledgers import run_hn as run
from tests.ledgers import write_ledger as write
from tests.notes_helpers import IDENTITY

CLEAN = """\
plugin "beancount_hn.plugins.all"
option "operating_currency" "EUR"
2024-01-01 custom "hn-option" "treasury" Assets:Banque
2024-01-01 custom "hn-option" "vat-regime" "franchise"
2024-01-01 custom "hn-option" "identity" "siret" "73282932000074"
2024-01-01 open Assets:Banque
2024-01-01 open Income:Honoraires:Conventionnes
  convention: "conventionne"
2024-01-01 open Income:Honoraires:Divers
2024-01-01 open Expenses:Loyer
2025-01-10 * "CPAM" "Lot FSE"
  Assets:Banque  100.00 EUR
  Income:Honoraires:Conventionnes
2025-02-01 * "Bailleur" "Loyer"
  Expenses:Loyer  40.00 EUR
  Assets:Banque
"""

#: name -> (text appended to CLEAN, the text of the line the error is at, a word of its message)
DEFECTS = {
    "missing include": ('include "absent.beancount"\n', 'include "absent.beancount"', "aucun fichier ne correspond"),
    "unparsable line": ("2025-03-01 * \"X\" \"Y\"\n  Assets:Banque  12,5O EUR\n  Income:Honoraires:Divers\n",
                        "12,5O EUR", ""),
    "unclassified receipt": ('2025-03-01 * "X" "Séance"\n  Assets:Banque  30.00 EUR\n  Income:Honoraires:Divers\n',
                             '"X" "Séance"', "recette non classée"),
    "hn plugin error": ('2024-01-01 custom "hn-option" "vat-regim" "franchise"\n', '"vat-regim"', "vat-regim"),
}


#: The line of the last ``needle`` in a ledger written as it is (a trailing newline is not part of the line).
line_of = partial(ledgers.line_of, header=False, plugin=None, last=True)


@pytest.fixture
def clean(tmp_path) -> str:
    return write(tmp_path, CLEAN)


def test_the_clean_ledger_is_final_everywhere(clean, tmp_path):
    for command in (["2035", clean, "--year", "2025"], ["vat", clean], ["invoices", clean, "--year", "2025"]):
        table = run(*command)
        assert table.exit_code == 0, table.output
        assert "CHIFFRES NON DÉFINITIFS" not in table.output
        as_json = run(*command, "--format", "json")
        assert as_json.exit_code == 0, as_json.output
        data = json.loads(as_json.stdout)
        assert data["final"] is True and data["errors"] == [], command
    result = run("export", clean, "--year", "2025", "--out", str(tmp_path / "dossier"), "--force")
    assert result.exit_code == 0, result.output


def test_the_example_ledger_stays_final(example_path):
    result = run("2035", example_path, "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["final"] is True


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_hn_2035_says_not_final_first_in_every_format(tmp_path, defect):
    extra, needle, word = DEFECTS[defect]
    text = CLEAN + extra
    path = write(tmp_path, text)
    table = run("2035", path, "--year", "2025")
    assert table.exit_code == 1, table.output
    assert table.stdout.startswith("CHIFFRES NON DÉFINITIFS : le livre comporte ")
    assert "Traceback" not in table.output
    assert f"{path}:{line_of(text, needle)}: " in table.stderr and word in table.stderr

    as_json = run("2035", path, "--year", "2025", "--format", "json")
    assert as_json.exit_code == 1
    data = json.loads(as_json.stdout)
    assert data["final"] is False
    assert {"fichier": path, "ligne": line_of(text, needle)}.items() <= data["errors"][0].items()
    assert word in data["errors"][0]["message"]

    as_csv = run("2035", path, "--year", "2025", "--format", "csv")
    assert as_csv.exit_code == 1
    first_row = as_csv.stdout_bytes.decode("utf-8-sig").splitlines()[0]
    assert first_row.startswith("AVERTISSEMENT;CHIFFRES NON DÉFINITIFS")

    as_html = run("2035", path, "--year", "2025", "--format", "html")
    assert as_html.exit_code == 1
    assert as_html.stdout.index("CHIFFRES NON DÉFINITIFS") < as_html.stdout.index("<h1>")


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_hn_vat_and_invoices_say_not_final(tmp_path, defect):
    extra, needle, _ = DEFECTS[defect]
    path = write(tmp_path, CLEAN + extra)
    table = run("vat", path)
    assert table.exit_code == 1, table.output
    assert table.stdout.startswith("CHIFFRES NON DÉFINITIFS")
    as_json = run("vat", path, "--format", "json")
    assert as_json.exit_code == 1
    data = json.loads(as_json.stdout)
    assert data["final"] is False and data["errors"] and [y["year"] for y in data["years"]] == [2025]
    invoices = run("invoices", path, "--year", "2025", "--format", "json")
    assert invoices.exit_code == 1
    assert json.loads(invoices.stdout)["final"] is False


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_hn_export_writes_nothing_over_a_broken_ledger(tmp_path, defect):
    extra, needle, _ = DEFECTS[defect]
    text = CLEAN + extra
    path = write(tmp_path, text)
    out = tmp_path / "dossier"
    result = run("export", path, "--year", "2025", "--out", str(out))
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Erreur : ") or "Erreur : " in result.stderr
    assert f"{path}:{line_of(text, needle)}: " in result.output
    assert "aucun fichier (ni le dossier) n'est écrit" in result.output
    assert sorted(os.listdir(tmp_path)) == ["main.beancount"]


NOTES = CLEAN + IDENTITY + """\
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2025-03-04 * "Mme Sophie Bernard" "Bilan postural" ^F-2025-0001
  facture: "F-2025-0001"
  Assets:Banque           60.00 EUR
  Income:Honoraires:HN
"""


def test_hn_note_and_notes_write_nothing_over_a_broken_ledger(tmp_path):
    clean = tmp_path / "clean"
    clean.mkdir()
    path = write(clean, NOTES)
    written = run("note", "F-2025-0001", path, "--out", str(clean / "one"), "--format", "html")
    assert written.exit_code == 0, written.output
    assert sorted(os.listdir(clean / "one")) == [".hn-documents", "F-2025-0001.html"]
    archive = run("notes", path, "--year", "2025", "--out", str(clean / "archive"), "--format", "html")
    assert archive.exit_code == 0, archive.output

    broken = tmp_path / "broken"
    broken.mkdir()
    text = NOTES + DEFECTS["unclassified receipt"][0]
    path = write(broken, text)
    for command in (["note", "F-2025-0001", path, "--out", str(broken / "one")],
                    ["notes", path, "--year", "2025", "--out", str(broken / "archive")]):
        result = run(*command, "--format", "html")
        assert result.exit_code == 1, result.output
        assert "le livre comporte 1 erreur(s) ; aucun document" in result.output
        receipt = line_of(text, '"X" "Séance"')
        assert f"{path}:{receipt}: recette non classée" in result.output
        assert "Traceback" not in result.output
    assert os.listdir(broken) == ["main.beancount"]


# --- --year ---------------------------------------------------------------------------------

YEAR_COMMANDS = {
    "2035": lambda path, year, out: ["2035", path, "--year", year],
    "vat": lambda path, year, out: ["vat", path, "--year", year],
    "invoices": lambda path, year, out: ["invoices", path, "--year", year],
    "export": lambda path, year, out: ["export", path, "--year", year, "--out", out],
    "notes": lambda path, year, out: ["notes", path, "--year", year, "--out", out],
}


@pytest.mark.parametrize("command", sorted(YEAR_COMMANDS))
@pytest.mark.parametrize("year, message", [
    ("2030", "aucune transaction en 2030 (--year 2030) ; années avec des transactions : 2025"),
    ("0", "--year 0 : année hors limites (attendu une année entre 1900 et 2999"),
    ("1899", "--year 1899 : année hors limites"),
    ("3000", "--year 3000 : année hors limites"),
    ("99999", "--year 99999 : année hors limites"),
])
def test_a_year_without_data_or_out_of_range_is_a_french_error(tmp_path, command, year, message):
    path = write(tmp_path, CLEAN)
    result = run(*YEAR_COMMANDS[command](path, year, str(tmp_path / "out")))
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Erreur : ") and message in result.output
    assert result.stdout == "" and "Traceback" not in result.output
    assert os.listdir(tmp_path) == ["main.beancount"]


def test_a_year_that_is_not_a_number_is_a_usage_error(clean):
    result = run("2035", clean, "--year", "vingt")
    assert result.exit_code == 2


def test_require_year_names_the_years_of_the_ledger(tmp_path):
    from beancount_hn.core.loading import HnError, load_ledger

    path = write(tmp_path, CLEAN + '2023-05-01 * "Bailleur" "Loyer"\n  Expenses:Loyer  1.00 EUR\n  Assets:Banque\n')
    loaded = load_ledger(path, show_errors=False)
    require_year(loaded, 2025)  # no error
    with pytest.raises(HnError, match="2024 .* années avec des transactions : 2023, 2025"):
        require_year(loaded, 2024)


def test_hn_export_writes_nothing_when_its_2035_is_not_final(tmp_path):
    """A payment that settles nothing: the load is clean, the form is not (reconciliation open)."""
    text = CLEAN + """\
2024-01-01 open Assets:Creances:Patients
2025-02-03 * "Inconnu" "Virement sans facture"
  Assets:Banque                 75.00 EUR
  Assets:Creances:Patients
"""
    path = write(tmp_path, text)
    form = run("2035", path, "--year", "2025", "--format", "json")
    assert form.exit_code == 1 and json.loads(form.stdout)["reconciliation"]["closed"] is False
    result = run("export", path, "--year", "2025", "--out", str(tmp_path / "dossier"))
    assert result.exit_code == 1, result.output
    assert "la 2035 de 2025 n'est pas définitive ; rien n'est écrit" in result.output
    assert "le rapprochement de trésorerie 2025 ne tombe pas juste" in result.output
    assert os.listdir(tmp_path) == ["main.beancount"]


@pytest.mark.parametrize("command", [("export", "--out"), ("notes", "--out")])
def test_a_writing_command_lists_each_error_once(tmp_path, command):
    """Tester's report: hn devis printed the ledger's errors, then the same ones again."""
    path = write(tmp_path, '''
plugin "beancount_hn.plugins.all"
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 open Assets:Banque
2025-01-01 open Income:Honoraires:HN
2025-03-01 * "Séance"
  Assets:Banque  60.00 EUR
  Income:Honoraires:HN  -60.00 EUR
''')
    result = run(command[0], path, "--year", "2025", command[1], str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output.count("recette non classée") == 1 and not (tmp_path / "out").exists()
