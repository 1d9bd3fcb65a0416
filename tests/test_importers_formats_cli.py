"""``hn extract`` on CFONB, QIF, OFX and camt files: accounts matched to the ledger's ``open``,
several accounts never merged, ``--account`` checked, and a second import that adds nothing."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import pytest

from tests.ledgers import run_hn

DATA = Path(__file__).parent / "data" / "importers"
ACCOUNT = "Assets:Banque:Courant"
OPENS = """\
2019-01-01 open Assets:Banque:Courant EUR
  numero-compte: "98765432100"
2019-01-01 open Assets:Banque:Pro EUR
  iban: "FR76 1870 6000 0000 1234 5678 956"
2019-01-01 open Assets:Creances:CPAM EUR
2019-01-01 open Assets:Creances:Mutuelles EUR
"""


pytestmark = pytest.mark.usefixtures("no_load_cache")
_run = partial(run_hn, "extract")


def test_each_account_of_the_file_goes_to_the_account_declaring_its_number(tmp_path: Path) -> None:
    ledger = tmp_path / "main.beancount"
    ledger.write_text(OPENS, encoding="utf-8")
    result = _run(str(DATA / "cfonb-pennylane.txt"), "--existing", str(ledger))
    assert result.exit_code == 0, result.output
    assert "(CFONB 120 -> Assets:Banque:Courant) : 4 nouvelle(s)" in result.output
    assert "(CFONB 120 -> Assets:Banque:Pro) : 4 nouvelle(s)" in result.output
    assert "2019-05-17 balance Assets:Banque:Courant" in result.output
    assert "2019-05-18 balance Assets:Banque:Pro" in result.output
    assert re.search(r"Assets:Banque:Pro +97\.49 EUR", result.output)
    assert not re.search(r"Assets:Banque:Courant +97\.49 EUR", result.output)


def test_several_accounts_without_a_ledger_are_refused_and_listed() -> None:
    result = _run(str(DATA / "cfonb-pennylane.txt"), "--account", ACCOUNT)
    assert result.exit_code == 1
    assert "plusieurs comptes (98765432100, 00123456789)" in result.output
    result = _run(str(DATA / "cfonb-pennylane.txt"))
    assert result.exit_code == 1
    assert "demande --account" in result.output and "98765432100, 00123456789" in result.output


def test_a_number_no_open_declares_is_named(tmp_path: Path) -> None:
    ledger = tmp_path / "main.beancount"
    ledger.write_text(OPENS.replace('iban: "FR76 1870 6000 0000 1234 5678 956"', 'iban: "FR00"'),
                      encoding="utf-8")
    result = _run(str(DATA / "cfonb-pennylane.txt"), "--existing", str(ledger))
    assert result.exit_code == 1
    assert "00123456789 déclaré sur aucun open" in result.output


def test_account_id_picks_one_account() -> None:
    result = _run(str(DATA / "releve-deux-comptes.camt053.xml"), "--account", "Assets:Banque:Livret",
                  "--account-id", "FR7630004000031234567890143")
    assert result.exit_code == 0, result.output
    assert "INTERETS CREDITEURS" in result.output and "URSSAF" not in result.output


def test_a_qif_bank_and_card_section_are_imported_one_at_a_time(tmp_path: Path) -> None:
    qif = tmp_path / "q.qif"
    qif.write_text("!Type:Bank\nD31/03/2025\nT-38,90\nPPRELEVE CARTE DEBIT DIFFERE\n^\n"
                   "!Type:CCard\nD04/03/2025\nT-38,90\nPLIBRAIRIE MEDICALE\n^\n", encoding="utf-8")
    result = _run(str(qif), "--account", ACCOUNT)
    assert result.exit_code == 1
    assert "--account-id Bank ou --account-id CCard" in result.output
    result = _run(str(qif), "--account", "Liabilities:Carte", "--account-id", "CCard")
    assert result.exit_code == 0, result.output
    assert "LIBRAIRIE MEDICALE" in result.output and "DEBIT DIFFERE" not in result.output


@pytest.mark.parametrize("account", ["banque", "Assets:banque", "Assets:Banque Courant", ""])
def test_account_must_be_a_beancount_account_name(account: str) -> None:
    result = _run(str(DATA / "lbp.ofx"), "--account", account)
    assert result.exit_code == 1
    assert "n'est pas un nom de compte Beancount" in result.output


@pytest.mark.parametrize(("name", "options"), [
    ("releve-cfonb.cfo", ()), ("releve-boursorama.qif", ()), ("lbp.ofx", ()),
    ("banque-populaire.ofx", ("--account-id", "04021234567")),
    ("releve-deux-comptes.camt053.xml", ("--account-id", "FR7618206000420001234567858")),
])
def test_second_import_with_existing_adds_nothing(tmp_path: Path, name: str,
                                                  options: tuple[str, ...]) -> None:
    output = tmp_path / "import.beancount"
    first = _run(str(DATA / name), "--account", ACCOUNT, "--output", str(output), *options)
    assert first.exit_code == 0, first.output
    assert " 0 nouvelle(s)" not in first.output
    ledger = tmp_path / "main.beancount"
    ledger.write_text(OPENS.replace('  numero-compte: "98765432100"\n', "")
                      + 'include "import.beancount"\n', encoding="utf-8")
    second = _run(str(DATA / name), "--account", ACCOUNT, "--existing", str(ledger), *options)
    assert second.exit_code == 0, second.output
    assert " 0 nouvelle(s), " in second.output
    assert "import-id" not in second.output


BOURSO_OPENS = """\
2019-01-01 open Assets:Bourso:Courant EUR
  numero-compte: "00040111222"
2019-01-01 open Assets:Bourso:Livret EUR
  numero-compte: "00040333444"
2019-01-01 open Assets:Banque EUR
"""


@pytest.mark.parametrize("account", ["Assets:Bourso:Courant", "Assets:Banque"])
def test_account_option_never_drops_the_other_accounts_of_the_file(tmp_path: Path,
                                                                    account: str) -> None:
    """Tester's report: with --account and --existing, the rows of the file's second account
    were left out without a word; each account goes to the open declaring its number."""
    ledger = tmp_path / "main.beancount"
    ledger.write_text(BOURSO_OPENS, encoding="utf-8")
    result = _run(str(DATA / "banks" / "boursobank-2019.csv"), "--account", account,
                  "--existing", str(ledger))
    assert result.exit_code == 0, result.output
    assert "(boursobank -> Assets:Bourso:Courant) : 4 nouvelle(s)" in result.output
    assert "(boursobank -> Assets:Bourso:Livret) : 2 nouvelle(s)" in result.output
    assert re.search(r"Assets:Bourso:Livret +500\.00 EUR", result.output)
    assert "balance Assets:Bourso:Livret" in result.output


def test_a_number_of_the_file_no_open_declares_stops_everything(tmp_path: Path) -> None:
    ledger = tmp_path / "main.beancount"
    ledger.write_text(BOURSO_OPENS.replace('  numero-compte: "00040333444"\n', ""), encoding="utf-8")
    result = _run(str(DATA / "banks" / "boursobank-2019.csv"), "--account",
                  "Assets:Bourso:Courant", "--existing", str(ledger))
    assert result.exit_code == 1
    assert "00040333444 déclaré sur aucun open" in result.output
    assert "Assets:Bourso:Courant (00040111222)" in result.output
    assert "balance" not in result.output and "Traceback" not in result.output


def test_empty_savings_statement_without_number_is_zero_new() -> None:
    result = _run(str(DATA / "banque-populaire-livret-vide.ofx"), "--account", "Assets:Banque:Livret")
    assert result.exit_code == 0, result.output
    assert "0 nouvelle(s), 0 déjà dans le grand livre" in result.output


def test_ambiguous_account_id_is_named_once(tmp_path: Path) -> None:
    text = (DATA / "lbp.ofx").read_bytes().decode("cp1252")
    start = text.index("<STMTTRNRS>")
    end = text.index("</STMTTRNRS>") + len("</STMTTRNRS>")
    second = text[start:end].replace("<ACCTTYPE>CHECKING", "<ACCTTYPE>SAVINGS")
    assert second != text[start:end]
    path = tmp_path / "deux.ofx"
    path.write_bytes((text[:end] + second + text[end:]).encode("cp1252"))
    result = _run(str(path), "--account", ACCOUNT, "--account-id", "1234567X020")
    assert result.exit_code == 1
    assert "plusieurs comptes du fichier" in result.output
    assert result.output.count("--account-id") == 1


def test_another_accounts_number_with_account_is_refused(tmp_path: Path) -> None:
    """Tester's report: --account Courant --account-id <the Livret's number> imported the Livret's
    rows and balance into the current account, although the ledger declares Courant's number."""
    ledger = tmp_path / "main.beancount"
    ledger.write_text(BOURSO_OPENS, encoding="utf-8")
    result = _run(str(DATA / "banks" / "boursobank-2019.csv"), "--account", "Assets:Bourso:Courant",
                  "--account-id", "00040333444", "--existing", str(ledger))
    assert result.exit_code == 1
    assert "--account-id 00040333444 n'est pas le numéro de Assets:Bourso:Courant" in result.output
    assert "00040111222" in result.output and "balance" not in result.output
    right = _run(str(DATA / "banks" / "boursobank-2019.csv"), "--account", "Assets:Bourso:Livret",
                 "--account-id", "00040333444", "--existing", str(ledger))
    assert right.exit_code == 0, right.output
    assert "(boursobank -> Assets:Bourso:Livret) : 2 nouvelle(s)" in right.output
