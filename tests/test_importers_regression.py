"""beangulp-style regression tests: each input under tests/data/importers/ has its
expected extraction next to it (``<file>.beancount``).

Regenerate after a deliberate change with ``HN_REGENERATE=1 pytest tests/test_importers_regression.py``
and review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import beangulp
import pytest
from beangulp import testing

from beancount_hn.importers.bank_csv import BankCSVImporter
from beancount_hn.importers.camt import CamtImporter
from beancount_hn.importers.journal import JournalImporter
from beancount_hn.importers.ofx import OFXImporter

DATA = Path(__file__).parent / "data" / "importers"
ACCOUNT = "Assets:Banque:Courant"
IBAN = "FR76 1820 6000 4200 0123 4567 858"

CASES: dict[str, Callable[[], beangulp.Importer]] = {
    "banque-traditionnelle.csv": lambda: BankCSVImporter(ACCOUNT, "banque-traditionnelle",
                                                         account_id="00012345678"),
    "credit-mutuel.csv": lambda: BankCSVImporter(ACCOUNT, "credit-mutuel"),
    # A BoursoBank export: its named preset owns it (the generic one defers to it).
    "banque-en-ligne.csv": lambda: BankCSVImporter(ACCOUNT, "boursobank",
                                                   account_id="00040123456"),
    "qonto.csv": lambda: BankCSVImporter(ACCOUNT, "qonto"),
    "shine.csv": lambda: BankCSVImporter(ACCOUNT, "shine"),
    "releve.ofx": lambda: OFXImporter(ACCOUNT, account_id="00012345678"),
    "releve.camt053.xml": lambda: CamtImporter(ACCOUNT, account_id=IBAN),
    "avis.camt054.xml": lambda: CamtImporter(ACCOUNT, account_id=IBAN),
    "journal.csv": lambda: JournalImporter(),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_extraction_matches_expected(name: str) -> None:
    importer = CASES[name]()
    document = str(DATA / name)
    expected = document + ".beancount"
    assert importer.identify(document)
    result = testing.run_importer(importer, document)
    if os.environ.get("HN_REGENERATE"):
        testing.write_expected_file(expected, *result, force=True)
    diff = testing.compare_expected(expected, *result)
    assert not diff, "".join(diff)


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_other_importer_claims_the_file(name: str) -> None:
    """identify() is false for every other importer: beangulp needs one owner per file."""
    document = str(DATA / name)
    owners = [other for other, make in CASES.items() if make().identify(document)]
    # Both camt files belong to the same camt importer configuration.
    same_kind = {n for n in CASES if n.endswith(".xml")} if name.endswith(".xml") else {name}
    assert set(owners) <= same_kind | {name}, owners


def test_identify_refuses_another_account() -> None:
    assert not BankCSVImporter(ACCOUNT, "banque-traditionnelle", account_id="99999999")\
        .identify(str(DATA / "banque-traditionnelle.csv"))
    assert not OFXImporter(ACCOUNT, account_id="98765432100").identify(str(DATA / "releve.ofx"))
    assert not CamtImporter(ACCOUNT, account_id="FR7630003000000000000000000")\
        .identify(str(DATA / "releve.camt053.xml"))


def test_identify_refuses_other_files(tmp_path: Path) -> None:
    text = tmp_path / "notes.csv"
    text.write_text("Nom;Prénom;Téléphone\nMartin;Paul;0600000000\n", encoding="utf-8")
    ledger = tmp_path / "main.beancount"
    ledger.write_text("2025-01-01 open Assets:Banque:Courant\n", encoding="utf-8")
    for make in CASES.values():
        importer = make()
        assert not importer.identify(str(text))
        assert not importer.identify(str(ledger))
        assert not importer.identify(str(tmp_path / "missing.csv"))
