"""``hn extract``: recognition, dedup against a ledger, one-line errors, all-or-nothing output."""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

import pytest

from tests.ledgers import run_hn

DATA = Path(__file__).parent / "data" / "importers"
EXAMPLE = Path(__file__).parent.parent / "ledger_example"
ACCOUNT = "Assets:Banque:Courant"


pytestmark = pytest.mark.usefixtures("no_load_cache")
_run = partial(run_hn, "extract")


def test_recognises_each_kind() -> None:
    files = [str(DATA / n) for n in ("banque-traditionnelle.csv", "credit-mutuel.csv", "qonto.csv",
                                     "shine.csv", "banque-en-ligne.csv", "releve.ofx",
                                     "releve.camt053.xml", "avis.camt054.xml", "journal.csv")]
    result = _run(*files, "--account", ACCOUNT)
    assert result.exit_code == 0, result.output
    # banque-traditionnelle.csv has Crédit Agricole's header, banque-en-ligne.csv BoursoBank's:
    # the named banks' presets win over the generic ones.
    for label in ("(credit-agricole ->", "(credit-mutuel ->", "(qonto ->", "(shine ->",
                  "(boursobank ->", "(ofx ->", "(camt.05x ->", "(logiciel-metier ->"):
        assert label in result.output
    # The journal comes first: the CPAM transfers of the statements can settle its FSE.
    assert result.output.index("journal.csv") < result.output.index("banque-traditionnelle.csv")


def test_journal_then_transfer_in_one_run(tmp_path: Path) -> None:
    statement = tmp_path / "releve.csv"
    statement.write_text("Date;Libellé;Montant\n07/03/2025;VIR CPAM 69 PAIEMENT;22,72\n", encoding="utf-8")
    result = _run(str(statement), str(DATA / "journal.csv"), "--account", ACCOUNT)
    assert result.exit_code == 0, result.output
    assert "^FSE-000123 ^FSE-000124" in result.output


def test_existing_ledger_makes_it_idempotent(tmp_path: Path) -> None:
    output = tmp_path / "import.beancount"
    first = _run(str(DATA / "releve.ofx"), "--account", ACCOUNT, "--output", str(output))
    assert first.exit_code == 0, first.output
    ledger = tmp_path / "main.beancount"
    ledger.write_text('2025-01-01 open Assets:Banque:Courant EUR\n2025-01-01 open Assets:Creances:CPAM EUR\n'
                      'include "import.beancount"\n', encoding="utf-8")
    second = _run(str(DATA / "releve.ofx"), "--account", ACCOUNT, "--existing", str(ledger))
    assert second.exit_code == 0, second.output
    assert "0 nouvelle(s), 5 déjà dans le grand livre" in second.output
    assert "import-id" not in second.output


def test_one_line_error_and_nothing_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Date;Libellé;Montant\n03/03/2025;X;12,0O\n", encoding="utf-8")
    output = tmp_path / "out.beancount"
    output.write_text("previous content\n", encoding="utf-8")
    result = _run(str(DATA / "releve.ofx"), str(bad), "--account", ACCOUNT, "--output", str(output))
    assert result.exit_code == 1
    assert result.output.strip() == (f"Erreur : {bad}:2: le montant « 12,0O » n'est pas un nombre "
                                     "écrit comme 1 234,56")
    assert "Traceback" not in result.output
    assert output.read_text(encoding="utf-8") == "previous content\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".hn-extract")] == []


def test_unknown_layout_and_unsafe_xml(tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("Jour|Texte|Somme\n", encoding="utf-8")
    result = _run(str(odd), "--account", ACCOUNT)
    assert result.exit_code == 1 and "format inconnu" in result.output
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY a "aaaa">]>\n'
                    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>\n')
    result = _run(str(bomb), "--account", ACCOUNT)
    assert result.exit_code == 1 and f"{bomb}:2: XML dangereux" in result.output


def test_bank_file_needs_an_account() -> None:
    result = _run(str(DATA / "releve.ofx"))
    assert result.exit_code == 1 and "demande --account" in result.output


def test_account_id_from_the_ledger(tmp_path: Path) -> None:
    ledger = tmp_path / "main.beancount"
    ledger.write_text('2025-01-01 open Assets:Banque:Courant EUR\n  numero-compte: "99887766554"\n',
                      encoding="utf-8")
    result = _run(str(DATA / "releve.ofx"), "--account", ACCOUNT, "--existing", str(ledger))
    assert result.exit_code == 1
    assert "relevé du compte 00012345678" in result.output
    assert "numero-compte: sur" in result.output


def test_user_layout_file(tmp_path: Path) -> None:
    layout = tmp_path / "ma-banque.toml"
    layout.write_text('[bank.ma-banque]\ndelimiter = "|"\n[bank.ma-banque.columns]\n'
                      'date = "Jour"\nnarration = "Texte"\namount = "Somme"\n', encoding="utf-8")
    statement = tmp_path / "releve.csv"
    statement.write_text("Jour|Texte|Somme\n03/03/2025|CAFE|-2,00\n", encoding="utf-8")
    result = _run(str(statement), "--account", ACCOUNT, "--preset", str(layout))
    assert result.exit_code == 0, result.output
    assert "Assets:Banque:Courant  -2.00 EUR" in result.output
    result = _run(str(statement), "--account", ACCOUNT, "--preset", "nope")
    assert result.exit_code == 1 and 'présélection "nope" inconnue' in result.output


#: The example's statement still to import (February 2026): the others are already booked.
NEW_STATEMENT = "banque-2026-02.csv"


def test_example_documents_add_nothing() -> None:
    """Done-when of issue 7: every sample imports cleanly, and adds nothing to the example."""
    documents = sorted(str(p) for p in (EXAMPLE / "documents").iterdir()
                       if p.suffix in (".csv", ".ofx", ".xml") and p.name != NEW_STATEMENT)
    assert len(documents) >= 4
    result = _run(*documents, "--account", ACCOUNT, "--existing", str(EXAMPLE / "main.beancount"),
                  "--rules", str(EXAMPLE / "regles-import.toml"))
    assert result.exit_code == 0, result.output
    assert result.output.count(" 0 nouvelle(s), ") == 2 * len(documents)  # stdout comment + stderr summary
    assert "\n20" not in result.output  # no entry printed


def test_example_new_statement_imports_onto_the_ledger(tmp_path: Path) -> None:
    """February 2026 is not booked: 7 lines and the closing balance, on opened accounts, and the
    ledger with them stays clean (the CPAM's transfer settles its open receivable)."""
    from beancount import loader
    from beancount.core import data

    ledger = EXAMPLE / "main.beancount"
    result = _run(str(EXAMPLE / "documents" / NEW_STATEMENT), "--account", ACCOUNT, "--existing", str(ledger),
                  "--rules", str(EXAMPLE / "regles-import.toml"))
    assert result.exit_code == 0, result.output
    assert result.output.count(" 8 nouvelle(s), 0 déjà dans le grand livre") == 2
    assert "!" not in result.stdout  # every line categorised
    copy = tmp_path / "exemple"
    shutil.copytree(EXAMPLE, copy)
    (copy / "fevrier-2026.beancount").write_text(result.stdout, encoding="utf-8")
    with open(copy / "main.beancount", "a", encoding="utf-8") as main_file:
        main_file.write('\ninclude "fevrier-2026.beancount"\n')
    entries, errors, _ = loader.load_file(str(copy / "main.beancount"))
    assert [e.message for e in errors] == []
    imported = [e for e in entries if e.meta.get("filename", "").endswith("fevrier-2026.beancount")]
    assert len(imported) == 8
    opened = {e.account for e in entries if isinstance(e, data.Open)}
    assert {p.account for e in imported if isinstance(e, data.Transaction) for p in e.postings} <= opened


def test_example_import_py_uses_the_same_importers() -> None:
    import runpy
    config = runpy.run_path(str(EXAMPLE / "import.py"))["CONFIG"]
    documents = [p for p in (EXAMPLE / "documents").iterdir() if p.suffix in (".csv", ".ofx", ".xml")]
    for document in documents:
        owners = [imp for imp in config if imp.identify(str(document))]
        assert len(owners) == 1, (document.name, owners)


def test_output_never_overwrites_the_ledger_a_statement_or_an_existing_file(tmp_path: Path) -> None:
    """``--output`` writes a new file; an existing one only with ``--force``; never a file the
    ledger loads or a statement being read, even with ``--force``."""
    ledger_dir = tmp_path / "livre"
    shutil.copytree(EXAMPLE, ledger_dir)
    statement = ledger_dir / "documents" / "banque-2025-03.csv"
    ledger = ledger_dir / "main.beancount"
    before = {p: p.read_bytes() for p in ledger_dir.rglob("*") if p.is_file()}
    for target in (ledger, ledger_dir / "2025-depenses.beancount", statement):
        result = _run(str(statement), "--account", "Assets:Banque:Courant", "--existing", str(ledger),
                      "--output", str(target), "--force")
        assert result.exit_code == 1 and "rien n'est écrit" in result.output, result.output
    other = tmp_path / "notes.txt"
    other.write_text("à garder\n", encoding="utf-8")
    result = _run(str(statement), "--account", "Assets:Banque:Courant", "--output", str(other))
    assert result.exit_code == 1 and "existe déjà" in result.output
    assert other.read_text(encoding="utf-8") == "à garder\n"
    assert {p: p.read_bytes() for p in ledger_dir.rglob("*") if p.is_file()} == before
    result = _run(str(statement), "--account", "Assets:Banque:Courant", "--output", str(other), "--force")
    assert result.exit_code == 0 and other.read_text(encoding="utf-8") != "à garder\n"
