"""Loading a ledger for the hn commands: a clear error for a bad path or a file included
twice, and a load the cyclic collector neither interrupts nor walks again afterwards."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

import click
import pytest

from beancount_hn.core.loading import load_ledger
from tests.ledgers import only_error, write_file, write_ledger

LEDGER = """\
option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2025-01-01 custom "hn-option" "treasury" Assets:Banque:Courant
2025-01-01 open Assets:Banque:Courant EUR
2025-01-01 open Income:Honoraires EUR
  convention: "non-conventionne"
2025-03-04 * "Patient" "Massage bien-etre"
  Assets:Banque:Courant  60.00 EUR
  Income:Honoraires
"""

RECEIPT = """\
2025-04-02 * "Patient" "Massage bien-etre"
  Assets:Banque:Courant  60.00 EUR
  Income:Honoraires
"""


def test_a_missing_ledger_is_a_clear_error(tmp_path) -> None:
    missing = tmp_path / "absent.beancount"
    with pytest.raises(click.ClickException, match="absent.beancount : fichier de livre introuvable"):
        load_ledger(str(missing))


@pytest.fixture
def ledger_path(tmp_path) -> str:
    return write_ledger(tmp_path, LEDGER)


def test_the_loaded_ledger_is_frozen_out_of_the_collector_and_collection_resumes(ledger_path) -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    loaded = load_ledger(ledger_path)
    assert type(loaded.entries[-1]).__name__ == "Transaction"
    assert loaded.errors == []
    assert gc.isenabled()  # the pause ended with the load
    assert gc.get_freeze_count() > 0
    transaction = loaded.entries[-1]
    assert not any(obj is transaction for obj in gc.get_objects())  # out of every generation


def test_the_collector_stays_off_if_it_was_off(ledger_path) -> None:
    gc.disable()
    try:
        load_ledger(ledger_path)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("plugins, missing", [
    ("", None),
    ('plugin "beancount_hn.plugins.convention"\n', "beancount_hn.plugins.treasury"),
])
def test_a_ledger_without_the_plugin_chain_is_not_final(tmp_path, plugins, missing) -> None:
    """Without the plugin line nothing checks the treasury, the numbering, 293 B…: an error at
    line 1 of the main file, so no command presents its figures as final."""
    text = LEDGER.replace('plugin "beancount_hn.plugins.all"\n', plugins)
    loaded = load_ledger(write_ledger(tmp_path, text), show_errors=False)
    (error,) = [e for e in loaded.errors if type(e).__name__ == "ChainError"]
    assert error.source["lineno"] == 1 and error.source["filename"].endswith("main.beancount")
    assert 'plugin "beancount_hn.plugins.all"' in error.message
    assert (missing in error.message) if missing else "il manque" not in error.message


def test_the_plugin_chain_loaded_module_by_module_is_enough(tmp_path) -> None:
    from beancount_hn.core.loading import CHAIN_MODULES
    from beancount_hn.plugins.all import CHAIN

    assert sorted(CHAIN_MODULES) == sorted(step.__module__ for step in CHAIN)
    lines = "".join(f'plugin "{name}"\n' for name in CHAIN_MODULES)
    text = LEDGER.replace('plugin "beancount_hn.plugins.all"\n', lines)
    assert load_ledger(write_ledger(tmp_path, text), show_errors=False).errors == []


@pytest.mark.parametrize("nested", [False, True], ids=["main file", "included file"])
def test_a_file_included_twice_is_reported_at_the_second_include_line(tmp_path, nested) -> None:
    """Beancount says ``<load>:0: Duplicate filename parsed`` in English: the error goes to the
    ``include`` line Beancount skipped, in French, naming the line that loaded the file."""
    os.mkdir(tmp_path / "sub")
    write_file(tmp_path / "sub", "recettes.beancount", RECEIPT)
    if nested:  # the second include is in another included file
        write_file(tmp_path, "annee.beancount", 'include "sub/recettes.beancount"\n')
        text = LEDGER + 'include "sub/recettes.beancount"\ninclude "annee.beancount"\n'
        second = {"filename": str(tmp_path / "annee.beancount"), "lineno": 1}
    else:
        text = LEDGER + 'include "sub/recettes.beancount"\ninclude "sub/../sub/recettes.beancount"\n'
        second = {"filename": str(tmp_path / "main.beancount"), "lineno": LEDGER.count("\n") + 2}
    loaded = load_ledger(write_ledger(tmp_path, text), show_errors=False)
    error = only_error(loaded.errors)
    assert error.source == second
    written = "sub/recettes.beancount" if nested else "sub/../sub/recettes.beancount"
    assert error.message == (f'include "{written}" : {tmp_path}/sub/recettes.beancount est déjà inclus en '
                             f"{tmp_path}/main.beancount:{LEDGER.count(chr(10)) + 1} (Beancount ne charge un "
                             "fichier qu'une fois) ; retirez cette ligne")


def test_a_ledger_that_includes_itself_names_the_main_file(tmp_path) -> None:
    loaded = load_ledger(write_ledger(tmp_path, LEDGER + 'include "main.beancount"\n'), show_errors=False)
    error = only_error(loaded.errors)
    assert error.source == {"filename": str(tmp_path / "main.beancount"), "lineno": LEDGER.count("\n") + 1}
    assert "est le fichier principal du livre, déjà chargé" in error.message


def test_beancounts_common_errors_are_shown_in_french(tmp_path):
    """hn (and Fava's page) give Beancount's usual messages in French, at the same line."""
    text = """option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 open Assets:Banque EUR
2025-01-01 open Income:HN EUR
  convention: "non-conventionne"
2025-01-01 open Income:HN EUR
2025-01-02 * "a"
  Assets:Banque  10.00 EUR
  Income:Y  -10.00 EUR
2025-01-03 * "b"
  Assets:Banque  10.00 EUR
  Income:HN  -9.00 EUR
2025-01-05 balance Assets:Banque 5.00 EUR
"""
    path = write_ledger(tmp_path, text)
    found: dict[int, list[str]] = {}
    for error in load_ledger(path, show_errors=False).errors:
        found.setdefault(error.source["lineno"], []).append(error.message)
    assert "Income:HN est ouvert deux fois : gardez un seul open" in found[7]
    assert any(m.startswith("compte Income:Y inconnu : aucun open ne l'ouvre") for m in found[8])
    assert "l'écriture n'est pas équilibrée : ses lignes laissent 1,00 EUR" in found[11]
    assert any(m.startswith("balance faux sur Assets:Banque : attendu 5,00 EUR, le livre donne 20,00 EUR "
                            "(15,00 de trop)") for m in found[14])


def test_errors_come_by_file_and_line_whatever_the_hash_seed(tmp_path):
    """Two errors of one line come in one order on every run (the loader's own order may follow
    Python's hash seed), and the ledger's errors by file and line."""
    path = write_ledger(tmp_path, """option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 open Assets:Banque EUR
2025-01-02 * "a"
  Assets:Banque  10.00 EUR
  Income:Y  -10.00 EUR
2025-01-03 * "b"
  Assets:Banque  10.00 EUR
  Income:Z  -10.00 EUR
""")
    script = ("import sys; from beancount_hn.core.loading import load_ledger; "
              "[print(e.source['lineno'], e.message) for e in load_ledger(sys.argv[1], show_errors=False).errors]")
    runs = {subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
            for seed in (0, 1, 2, 3, 4, 5)}
    assert len(runs) == 1
    lines = [int(line.split()[0]) for line in runs.pop().splitlines() if line.split()[0].isdigit()]
    assert lines == sorted(lines) and len(lines) >= 2
