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
2025-01-01 open Assets:Banque:Courant EUR
2025-01-01 open Income:Honoraires EUR
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
    assert [type(e).__name__ for e in loaded.entries] == ["Open", "Open", "Transaction"]
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
