"""Every bank's CSV export: detected by its header, extracted as its expected ``.beancount``.

Each file of ``tests/data/importers/banks/`` is a public export of the bank (open-source
importers' test data) or one written from the documented layout; ``SOURCES.md`` says
which. Regenerate the expected files after a deliberate change with
``HN_REGENERATE=1 pytest tests/test_importers_banks.py`` and review the diff.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import printer

from beancount_hn.importers.bank_csv import BankCSVImporter
from beancount_hn.importers.dedup import drop_duplicates
from beancount_hn.importers.detect import detect
from beancount_hn.importers.textfile import ImportFileError
from tests.importer_regression import assert_matches_expected

BANKS = Path(__file__).parent / "data" / "importers" / "banks"
ACCOUNT = "Assets:Banque:Courant"

#: file -> (preset hn extract must recognise, account number given to the importer)
CASES: dict[str, tuple[str, str | None]] = {
    "societe-generale.csv": ("societe-generale", "0234500012345678"),
    "societe-generale-epargne.csv": ("societe-generale-epargne", "00050123456789"),
    "bnp-paribas.csv": ("bnp-paribas", "00000005678"),
    "bnp-paribas-entete.csv": ("bnp-paribas-entete", None),
    "la-banque-postale.csv": ("la-banque-postale", "0123456A020"),
    "la-banque-postale-francs.csv": ("la-banque-postale", None),
    "credit-agricole.csv": ("credit-agricole", "98765432101"),
    "credit-mutuel-cic.csv": ("credit-mutuel", None),
    "credit-mutuel-montant.csv": ("credit-mutuel-montant", None),
    "bpce.csv": ("bpce", None),
    "boursobank-2019.csv": ("boursobank", "00040111222"),
    "boursobank-2022.csv": ("boursobank", None),
    "boursobank-2023.csv": ("boursobank", "FR76 4061 8802 0000 0401 2345 678"),
    "fortuneo.csv": ("fortuneo", None),
    "qonto-en.csv": ("qonto", None),
    "qonto-fr.csv": ("qonto-fr", "FR76 1695 8000 0112 3456 7890 123"),
    "shine.csv": ("shine", None),
    "n26.csv": ("n26", None),
    "revolut.csv": ("revolut", None),
    "revolut-frais.csv": ("revolut", None),
}

OPENS = textwrap.dedent("""\
    2000-01-01 open Assets:Banque:Courant
    2000-01-01 open Assets:Creances:CPAM
    2000-01-01 open Assets:Creances:Mutuelles
    2000-01-01 open Expenses:Frais-Bancaires
    """)


def _importer(name: str) -> BankCSVImporter:
    preset, account_id = CASES[name]
    return BankCSVImporter(ACCOUNT, preset, account_id=account_id)


def test_every_fixture_has_a_case() -> None:
    assert sorted(p.name for p in BANKS.glob("*.csv")) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_detected_by_its_header(name: str) -> None:
    assert detect(str(BANKS / name)).label == CASES[name][0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_extraction_matches_expected(name: str) -> None:
    assert_matches_expected(_importer(name), str(BANKS / name))


def _import(importer: BankCSVImporter, document: Path, existing: list) -> list:
    entries = importer.extract(str(document), existing)
    importer.deduplicate(entries, existing)
    return drop_duplicates(entries)


@pytest.mark.parametrize("name", sorted(CASES))
def test_second_import_adds_nothing(name: str, tmp_path: Path) -> None:
    importer = _importer(name)
    first = _import(importer, BANKS / name, [])
    assert first
    ledger = tmp_path / "main.beancount"
    ledger.write_text(OPENS + "".join(printer.format_entry(e) + "\n" for e in first), encoding="utf-8")
    existing, _, _ = loader.load_file(str(ledger))
    assert _import(importer, BANKS / name, existing) == []


def test_boursobank_accounts_are_never_merged() -> None:
    """The 2019 export holds two accounts: each import takes one, the file alone is refused."""
    document = str(BANKS / "boursobank-2019.csv")
    assert BankCSVImporter(ACCOUNT, "boursobank").account_ids(document) == ["00040111222", "00040333444"]
    with pytest.raises(ImportFileError, match=r"plusieurs comptes \(00040111222, 00040333444\)"):
        BankCSVImporter(ACCOUNT, "boursobank").extract(document, [])
    livret = BankCSVImporter("Assets:Banque:Livret", "boursobank", account_id="00040333444")
    entries = livret.extract(document, [])
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    assert [(t.postings[0].account, t.postings[0].units.number) for t in txns] \
        == [("Assets:Banque:Livret", Decimal("500.00"))]
    balances = [e for e in entries if isinstance(e, data.Balance)]
    assert [(b.date.isoformat(), b.amount.number) for b in balances] == [("2019-03-30", Decimal("4810.00"))]
    assert not BankCSVImporter(ACCOUNT, "boursobank", account_id="99999999").identify(document)


def test_a_masked_bnp_number_names_the_account() -> None:
    document = str(BANKS / "bnp-paribas.csv")
    assert BankCSVImporter(ACCOUNT, "bnp-paribas").account_ids(document) == ["****5678"]
    other = BankCSVImporter(ACCOUNT, "bnp-paribas", account_id="30004 00123 0000000999")
    assert not other.identify(document)
    with pytest.raises(ImportFileError, match=r"\*\*\*\*5678"):
        other.extract(document, [])


def test_the_card_section_ends_the_credit_agricole_table() -> None:
    """After the account's table, « VISA … no 4974… » opens the deferred card's section:
    its lines (here « Pas d'opération ») are not operations of the account."""
    entries = _importer("credit-agricole.csv").extract(str(BANKS / "credit-agricole.csv"), [])
    narrations = [e.narration for e in entries if isinstance(e, data.Transaction)]
    assert len(narrations) == 4 and not any("opération" in n for n in narrations)
    assert "PRELEVEMENT URSSAF ILE DE FRANCE COTISATIONS T1 2025" in narrations


def test_revolut_pending_rows_are_skipped_before_their_date_is_read() -> None:
    entries = _importer("revolut-frais.csv").extract(str(BANKS / "revolut-frais.csv"), [])
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    assert "Librairie Du Parc" not in {t.narration for t in txns}  # PENDING, no completion date
    assert "Cafe De La Gare" not in {t.narration for t in txns}  # REVERTED
    atm = next(t for t in txns if t.narration.startswith("Cash"))
    assert [(p.account, p.units.number) for p in atm.postings[:2]] == [
        (ACCOUNT, Decimal("-61.20")), ("Expenses:Frais-Bancaires", Decimal("1.20"))]
