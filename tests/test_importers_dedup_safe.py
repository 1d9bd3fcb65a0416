"""The amount-and-date duplicate rule never drops a movement the ledger does not hold.

A ledger entry matches a statement line of the same amount a few days apart, unless it is
a distinct line of the same statement (same format, same statement account) or a balance
assertion of the account stands between them. The other side of a transfer between two
of one's own accounts, imported from the first account's statement, is the same movement.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from tests.ledgers import run_hn, write_file, write_ledger

pytestmark = pytest.mark.usefixtures("no_load_cache")
_run = partial(run_hn, "extract")

OPENS = """\
2025-01-01 open Assets:Banque:Courant EUR
2025-01-01 open Assets:Banque:Livret EUR
2025-01-01 open Expenses:Divers EUR
2025-01-01 open Equity:Ouverture EUR
2025-01-01 * "Solde d'ouverture"
  Assets:Banque:Courant  1000.00 EUR
  Equity:Ouverture
"""

RULES = """\
[[rule]]
pattern = "VIREMENT VERS LE LIVRET"
account = "Assets:Banque:Livret"
[[rule]]
pattern = "VIREMENT DEPUIS LE COMPTE COURANT"
account = "Assets:Banque:Courant"
"""

COURANT_CSV = "Date;Libellé;Débit;Crédit\n05/03/2025;VIREMENT VERS LE LIVRET;500,00;\n"
LIVRET_CSV = "Date;Libellé;Débit;Crédit\n05/03/2025;VIREMENT DEPUIS LE COMPTE COURANT;;500,00\n"


def _ofx(acctid: str, *lines: tuple[str, str, str, str]) -> str:
    """An OFX 1 statement of ``acctid`` with (date, amount, FITID, name) lines."""
    body = "".join(f"<STMTTRN><TRNTYPE>OTHER<DTPOSTED>{date}<TRNAMT>{amount}<FITID>{fitid}"
                   f"<NAME>{name}</STMTTRN>\n" for date, amount, fitid, name in lines)
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>"
            f"<CURDEF>EUR<BANKACCTFROM><BANKID>18206<BRANCHID>00042<ACCTID>{acctid}"
            f"<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST>\n{body}</BANKTRANLIST>"
            "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")


def _import_both(tmp_path: Path, first: tuple[str, str, str], second: tuple[str, str, str]):
    """Import ``first`` (name, content, account) onto the ledger, then ``second`` against it."""
    rules = write_file(tmp_path, "regles.toml", RULES)
    ledger = write_ledger(tmp_path, OPENS + 'include "premier.beancount"\n')
    name, content, account = first
    result = _run(write_file(tmp_path, name, content), "-a", account, "-r", rules,
                  "-o", str(tmp_path / "premier.beancount"))
    assert result.exit_code == 0, result.output
    assert "1 nouvelle(s)" in result.output
    name, content, account = second
    return _run(write_file(tmp_path, name, content), "-a", account, "-e", ledger, "-r", rules)


@pytest.mark.parametrize("order", ["courant-puis-livret", "livret-puis-courant"])
def test_transfer_between_own_accounts_in_one_csv_format_is_booked_once(
        tmp_path: Path, order: str) -> None:
    courant = ("courant.csv", COURANT_CSV, "Assets:Banque:Courant")
    livret = ("livret.csv", LIVRET_CSV, "Assets:Banque:Livret")
    first, second = (courant, livret) if order == "courant-puis-livret" else (livret, courant)
    result = _import_both(tmp_path, first, second)
    assert result.exit_code == 0, result.output
    assert "0 nouvelle(s), 1 déjà dans le grand livre" in result.output
    assert "500.00 EUR" not in result.output


def test_transfer_between_own_accounts_in_ofx_is_booked_once(tmp_path: Path) -> None:
    courant = ("courant.ofx", _ofx("00012345678", ("20250305", "-500.00", "1", "VIREMENT VERS LE LIVRET")),
               "Assets:Banque:Courant")
    livret = ("livret.ofx", _ofx("00087654321", ("20250305", "500.00", "1",
                                                 "VIREMENT DEPUIS LE COMPTE COURANT")),
              "Assets:Banque:Livret")
    result = _import_both(tmp_path, courant, livret)
    assert result.exit_code == 0, result.output
    assert "0 nouvelle(s), 1 déjà dans le grand livre" in result.output


def test_second_identical_payment_of_the_same_statement_stays_new(tmp_path: Path) -> None:
    """Same format, same account, another id: a distinct line, never the earlier one."""
    ledger = write_ledger(tmp_path, OPENS + 'include "fevrier.beancount"\n')
    first = _run(write_file(tmp_path, "a.csv", "Date;Libellé;Montant\n10/03/2025;CB CAFE;-2,00\n"),
                 "-a", "Assets:Banque:Courant", "-o", str(tmp_path / "fevrier.beancount"))
    assert first.exit_code == 0, first.output
    second = _run(write_file(tmp_path, "b.csv", "Date;Libellé;Montant\n10/03/2025;CB CAFE;-2,00\n"
                                                "11/03/2025;CB CAFE;-2,00\n"),
                  "-a", "Assets:Banque:Courant", "-e", ledger)
    assert second.exit_code == 0, second.output
    assert "1 nouvelle(s), 1 déjà dans le grand livre" in second.output
    assert "2025-03-11" in second.output


HAND_WRITTEN = """\
2025-02-28 * "Parking (saisi à la main, ticket)"
  Assets:Banque:Courant  -2.50 EUR
  Expenses:Divers
"""

MARCH = "Date;Libellé;Montant\n02/03/2025;CB PARKING;-2,50\n15/03/2025;CB PARKING;-2,50\n"


@pytest.mark.parametrize("assertion, new", [
    ("2025-03-01 balance Assets:Banque:Courant 997.50 EUR\n", 2),  # February's statement: done
    ("", 1),  # nothing says the entry belongs to February: it is the bank's 02/03 line
])
def test_entry_covered_by_a_balance_assertion_is_not_matched_again(
        tmp_path: Path, assertion: str, new: int) -> None:
    ledger = write_ledger(tmp_path, OPENS + HAND_WRITTEN + assertion)
    result = _run(write_file(tmp_path, "mars.csv", MARCH), "-a", "Assets:Banque:Courant",
                  "-e", ledger)
    assert result.exit_code == 0, result.output
    assert f"{new} nouvelle(s), {2 - new} déjà dans le grand livre" in result.output
    assert ("2025-03-02" in result.output) == bool(assertion)


def test_assertion_between_a_later_entry_and_an_earlier_line(tmp_path: Path) -> None:
    """The other way round: an entry after the assertion is not a line before it."""
    ledger = write_ledger(tmp_path, OPENS + "2025-03-01 balance Assets:Banque:Courant 1000.00 EUR\n"
                          + HAND_WRITTEN.replace("2025-02-28", "2025-03-02"))
    statement = "Date;Libellé;Montant\n27/02/2025;CB PARKING;-2,50\n"
    result = _run(write_file(tmp_path, "fevrier.csv", statement), "-a", "Assets:Banque:Courant",
                  "-e", ledger)
    assert result.exit_code == 0, result.output
    assert "1 nouvelle(s), 0 déjà dans le grand livre" in result.output
