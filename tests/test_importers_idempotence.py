"""Importing twice adds nothing; overlapping periods and other formats neither."""

from __future__ import annotations

import textwrap
from pathlib import Path

from beancount import loader
from beancount.parser import printer

from beancount_hn.importers.bank_csv import BankCSVImporter
from beancount_hn.importers.camt import CamtImporter
from beancount_hn.importers.dedup import drop_duplicates, mark_duplicates
from beancount_hn.importers.journal import JournalImporter
from beancount_hn.importers.ofx import OFXImporter
from tests.ledgers import write_ledger

DATA = Path(__file__).parent / "data" / "importers"
ACCOUNT = "Assets:Banque:Courant"
OPENS = textwrap.dedent("""\
    2025-01-01 open Assets:Banque:Courant EUR
    2025-01-01 open Assets:Creances:CPAM EUR
    2025-01-01 open Assets:Creances:Mutuelles EUR
    2025-01-01 open Assets:Creances:Patients EUR
    2025-01-01 open Income:Honoraires:Conventionnes EUR
    2025-01-01 open Income:Honoraires:Depassements EUR
    2025-01-01 open Income:Honoraires:HN EUR
    2025-01-01 open Equity:Ouverture EUR
    """)


def _import(importer, document: Path, existing: list) -> list:
    entries = importer.extract(str(document), existing)
    importer.sort(entries)
    importer.deduplicate(entries, existing)
    return drop_duplicates(entries)


def _ledger(tmp_path: Path, *batches: list, opening: str = "") -> list:
    """Write the extracted entries into a ledger file and load it, as a user would."""
    text = OPENS + opening + "".join(printer.format_entry(e) + "\n" for batch in batches for e in batch)
    entries, errors, _ = loader.load_file(write_ledger(tmp_path, text))
    return entries


def test_second_import_adds_nothing(tmp_path: Path) -> None:
    cases = [
        (BankCSVImporter(ACCOUNT, "banque-traditionnelle"), DATA / "banque-traditionnelle.csv"),
        (BankCSVImporter(ACCOUNT, "qonto"), DATA / "qonto.csv"),
        (OFXImporter(ACCOUNT), DATA / "releve.ofx"),
        (CamtImporter(ACCOUNT), DATA / "releve.camt053.xml"),
        (JournalImporter(), DATA / "journal.csv"),
    ]
    for importer, document in cases:
        first = _import(importer, document, [])
        assert first
        existing = _ledger(tmp_path, first)
        assert _import(importer, document, existing) == [], document.name


def test_identical_lines_stay_distinct(tmp_path: Path) -> None:
    importer = BankCSVImporter(ACCOUNT, "banque-traditionnelle")
    entries = _import(importer, DATA / "banque-traditionnelle.csv", [])
    boulangerie = [e for e in entries if "BOULANGERIE" in getattr(e, "narration", "")]
    assert len(boulangerie) == 2
    assert boulangerie[0].meta["import-id"] != boulangerie[1].meta["import-id"]
    # Only one of the two in the ledger: the other one is still new.
    existing = _ledger(tmp_path, [boulangerie[0]])
    again = _import(importer, DATA / "banque-traditionnelle.csv", existing)
    assert [e.meta["import-id"] for e in again if "BOULANGERIE" in getattr(e, "narration", "")] \
        == [boulangerie[1].meta["import-id"]]


def test_overlapping_export_adds_only_new_lines(tmp_path: Path) -> None:
    importer = BankCSVImporter(ACCOUNT, "montant-signe")
    march = tmp_path / "mars.csv"
    march.write_text("Date;Libellé;Montant\n03/03/2025;PRLV URSSAF;-245,00\n10/03/2025;CB CAFE;-2,00\n",
                     encoding="utf-8")
    existing = _ledger(tmp_path, _import(importer, march, []))
    overlap = tmp_path / "mars-avril.csv"
    overlap.write_text("Date;Libellé;Montant\n10/03/2025;CB CAFE;-2,00\n02/04/2025;CB CAFE;-2,00\n",
                       encoding="utf-8")
    new = _import(importer, overlap, existing)
    assert [(str(e.date), e.narration) for e in new] == [("2025-04-02", "CB CAFE")]


def test_same_month_in_another_format_adds_nothing(tmp_path: Path) -> None:
    """The CSV then the OFX of the same month: the OFX lines have other ids but match by amount."""
    csv_entries = _import(BankCSVImporter(ACCOUNT, "banque-traditionnelle"),
                          DATA / "banque-traditionnelle.csv", [])
    existing = _ledger(tmp_path, csv_entries)
    assert _import(OFXImporter(ACCOUNT), DATA / "releve.ofx", existing) == []


def test_hand_written_entries_are_recognised(tmp_path: Path) -> None:
    existing = _ledger(tmp_path, [], opening=textwrap.dedent("""\
        2025-03-04 * "Orange" "Abonnement"
          Assets:Banque:Courant   -89.99 EUR
          Equity:Ouverture
        2025-03-18 * "CPAM" "Lot 12"
          Assets:Banque:Courant   975.20 EUR
          Assets:Creances:CPAM
        2025-03-31 * "Banque" "Frais"
          Assets:Banque:Courant   -12.90 EUR
          Equity:Ouverture
        """))
    new = _import(BankCSVImporter(ACCOUNT, "credit-mutuel"), DATA / "credit-mutuel.csv", existing)
    # The three lines are known (the CPAM one a day apart); the balance is new information.
    assert [type(e).__name__ for e in new] == ["Balance"]


def test_balance_already_holding_is_not_added(tmp_path: Path) -> None:
    existing = _ledger(tmp_path, [], opening=textwrap.dedent("""\
        2025-03-01 * "Ouverture"
          Assets:Banque:Courant   3000.00 EUR
          Equity:Ouverture
        """))
    importer = BankCSVImporter(ACCOUNT, "credit-mutuel")
    first = _import(importer, DATA / "credit-mutuel.csv", existing)
    assert any(type(e).__name__ == "Balance" for e in first)
    # The same lines booked by hand with the right opening: the balance already holds.
    lines = [e for e in first if type(e).__name__ == "Transaction"]
    later = _ledger(tmp_path, lines, opening=textwrap.dedent("""\
        2025-03-01 * "Ouverture"
          Assets:Banque:Courant   3139.31 EUR
          Equity:Ouverture
        """))
    assert _import(importer, DATA / "credit-mutuel.csv", later) == []


def test_mark_duplicates_counts() -> None:
    importer = JournalImporter()
    entries = importer.extract(str(DATA / "journal.csv"), [])
    assert mark_duplicates(entries, entries[:1]) == 1
