"""Loading a ledger for the hn commands: a clear error for a bad path, and a load the
cyclic collector neither interrupts nor walks again afterwards."""

from __future__ import annotations

import gc

import click
import pytest

from beancount_hn.core.loading import load_ledger
from tests.ledgers import write_ledger

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
