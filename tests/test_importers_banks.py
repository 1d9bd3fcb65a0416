"""Every bank's CSV export: detected by its header, extracted as its expected ``.beancount``.

Each file of ``tests/data/importers/banks/`` is a public export of the bank (open-source
importers' test data) or one written from the documented layout; ``SOURCES.md`` says
which. Regenerate the expected files after a deliberate change with
``HN_REGENERATE=1 pytest tests/test_importers_banks.py`` and review the diff.
"""

from __future__ import annotations

import datetime
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
from beancount_hn.importers.layouts import Layout
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
    "boursobank-2026.csv": ("boursobank", "00040555666"),
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


# --- a file cut inside the amount ending its last line ----------------------------------------

CUT = ["bnp-paribas.csv", "la-banque-postale.csv", "credit-mutuel-cic.csv",
       "credit-mutuel-montant.csv"]


def _without_final_newline(name: str) -> bytes:
    return (BANKS / name).read_bytes().rstrip(b"\r\n")


@pytest.mark.parametrize("name", CUT)
def test_file_cut_inside_its_last_amount_is_refused(name: str, tmp_path: Path) -> None:
    """Tester's report: BNP's file cut from « 70,93 » to « 70,9 » imported 70.90 €."""
    raw = _without_final_newline(name)
    cut = tmp_path / name
    cut.write_bytes(raw[:-1])
    with pytest.raises(ImportFileError) as info:
        _importer(name).extract(str(cut), [])
    assert "fichier tronqué" in info.value.message
    assert info.value.line == raw.count(b"\n") + 1


@pytest.mark.parametrize("name", CUT + ["fortuneo.csv", "boursobank-2026.csv",
                                         "societe-generale.csv"])
def test_file_without_final_newline_is_not_truncated(name: str, tmp_path: Path) -> None:
    whole = tmp_path / name
    whole.write_bytes(_without_final_newline(name))

    def printed(path: Path) -> list[str]:
        return [printer.format_entry(e) for e in _importer(name).extract(str(path), [])]
    assert printed(whole) == [e.replace(str(BANKS / name), str(whole)) for e in printed(BANKS / name)]


def test_lone_row_cut_is_compared_with_the_stated_balance(tmp_path: Path) -> None:
    """A BNP file of one row (its account line states « -123 456,78 »)."""
    cut = tmp_path / "bnp.csv"
    cut.write_text('"Cr&eacute;dit immobilier";"Cr&amp;eacute;dit immobilier";****1234;18/03/2022;;'
                   "-123 456,78\n05/01/2022;;; AMORTISSEMENT PRET 1234;70,9", encoding="utf-8")
    with pytest.raises(ImportFileError, match="fichier tronqué.*« 70,9 »") as info:
        BankCSVImporter(ACCOUNT, "bnp-paribas").extract(str(cut), [])
    assert info.value.line == 2


def test_file_cut_inside_its_last_currency_is_refused(tmp_path: Path) -> None:
    cut = tmp_path / "sg.csv"
    cut.write_bytes(_without_final_newline("societe-generale.csv")[:-2])
    with pytest.raises(ImportFileError, match="devise « E »") as info:
        _importer("societe-generale.csv").extract(str(cut), [])
    assert info.value.line == 6


def test_balance_line_after_the_operations_only_where_the_layout_says(tmp_path: Path) -> None:
    """Tester's report: a stray « ;;Solde au 30/11/2024;1234,56 » after Crédit Agricole's rows
    became a balance on 2024-12-01."""
    text = (BANKS / "credit-agricole.csv").read_bytes().decode("cp1252")
    end = text.index("\n", text.index(";;60,00;")) + 1
    stray = text[:end] + ";;Solde au 30/11/2024;1234,56\r\n" + text[end:]
    path = tmp_path / "ca.csv"
    path.write_bytes(stray.encode("cp1252"))
    with pytest.raises(ImportFileError, match="ligne de solde « ;;Solde au 30/11/2024;1234,56 »") \
            as info:
        _importer("credit-agricole.csv").extract(str(path), [])
    assert info.value.line == stray[:end].count("\n") + 1
    # A layout that says its balance follows the table reads it.
    layout = Layout.from_dict("ma-banque", {
        "delimiter": ";", "balance-line": r"^\W*solde\s+au\s+(?P<date>\d\d/\d\d/\d{4})\W*(?P<amount>\d[\d,]*)",
        "balance-after": True, "require": ["debit"],
        "columns": {"date": "Date", "narration": "Libellé", "debit": "Débit euros",
                    "credit": "Crédit euros"}})
    path.write_text("Date;Libellé;Débit euros;Crédit euros\n03/03/2025;CAFE;2,00;\n"
                    ";;Solde au 03/03/2025;98,00\n", encoding="utf-8")
    entries = BankCSVImporter(ACCOUNT, layout).extract(str(path), [])
    assert [(e.date, e.amount.number) for e in entries if isinstance(e, data.Balance)] \
        == [(datetime.date(2025, 3, 4), Decimal("98.00"))]
