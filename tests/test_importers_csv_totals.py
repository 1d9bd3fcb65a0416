"""What a CSV statement states about its own rows is checked, never ignored.

A « Total des opérations » line must agree with the rows above it (the one figure that
catches a misread column or sign); every « Solde au … » line, above or below the table of a
generic preset, becomes a ``balance`` assertion.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data

from beancount_hn.importers.bank_csv import BankCSVImporter
from beancount_hn.importers.detect import detect
from tests.ledgers import write_file as _write
from tests.test_importers_bad_input import _error

ACCOUNT = "Assets:Banque:Courant"
ROWS = "Date;Libellé;Débit;Crédit\n03/03/2025;CB BOULANGERIE;5,00;\n10/03/2025;VIR PATIENT;;40,00\n"
SIGNED = "Date;Libellé;Montant\n03/03/2025;CB BOULANGERIE;-5,00\n10/03/2025;VIR PATIENT;40,00\n"


def _extract(path: str) -> list[data.Directive]:
    return BankCSVImporter(ACCOUNT, detect(path).layout).extract(path, [])


def _balances(entries: list[data.Directive]) -> list[tuple[datetime.date, Decimal]]:
    return [(e.date, e.amount.number) for e in entries if isinstance(e, data.Balance)]


# --- stated totals -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "said"), [
    (ROWS + "Total des opérations;;50,00;40,00\n", 4, "annonce 50,00 dans la colonne « Débit »"),
    (ROWS + "Total des opérations;;5,00;4,00\n", 4, "annonce 4,00 dans la colonne « Crédit »"),
    (ROWS + "Total des opérations;;-5,00;-40,00\n", 4, "annonce -40,00"),  # a credit's sign
    (ROWS + "Total des débits;;7,00\n", 4, "annonce 7,00"),             # a shorter trailer line
    (ROWS + "Nombre d'opérations : 3\n", 4, "annonce 3 opération(s)"),
    (SIGNED + "Total;;45,00\n", 4, "annonce 45,00 dans la colonne « Montant »"),
    (SIGNED + "Total des crédits;;35,00\n", 4, "mais les opérations au-dessus d'elle font 40,00"),
])
def test_a_total_that_disagrees_with_the_rows_is_refused(tmp_path: Path, text: str, line: int,
                                                          said: str) -> None:
    path = _write(tmp_path, "releve.csv", text)
    error = _error(BankCSVImporter(ACCOUNT, detect(path).layout), path)
    assert error.line == line and said in error.message


@pytest.mark.parametrize("text", [
    ROWS + "Total des opérations;;5,00;40,00\nSous-total;;5,00;40,00\nNombre d'opérations : 2\n",
    ROWS + "Total des opérations;;-5,00;40,00\n",      # debits written with their sign
    ROWS + "Totaux;;;\n",                               # no figure stated
    ROWS + "Total;;cinq euros;\n",                      # words, not figures
    ROWS.replace("10/03", "01/04") .replace("\n01/04", "\nSous-total mars;;5,00;\n01/04")
    + "Sous-total avril;;;40,00\nTotal;;5,00;40,00\n",  # subtotals, then the whole table
    SIGNED + "Total des opérations;;35,00\n",
    SIGNED + "Total des débits;;5,00\nTotal des crédits;;40,00\n",
])
def test_totals_that_add_up_are_accepted(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, "releve.csv", text)
    amounts = [e.postings[0].units.number for e in _extract(path) if isinstance(e, data.Transaction)]
    assert amounts == [Decimal("-5.00"), Decimal("40.00")]


def test_totals_of_a_file_read_in_part_are_not_judged(tmp_path: Path) -> None:
    """Qonto's declined row is left out: the file's total may count it, nothing to compare."""
    text = ("Status,Settlement date (UTC),Total amount (incl. VAT),Currency,Counterparty name,"
            "Reference,Transaction ID\n"
            "settled,2025-03-03,-5.00,EUR,BOULANGERIE,CB,t1\n"
            "declined,2025-03-04,-7.00,EUR,LIBRAIRIE,CB,t2\n"
            "Total,,-12.00,,,,\n")
    path = _write(tmp_path, "qonto.csv", text)
    entries = BankCSVImporter(ACCOUNT, "qonto").extract(path, [])
    assert [e.postings[0].units.number for e in entries] == [Decimal("-5.00")]


# --- « Solde au » lines ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    (ROWS + "Solde au 31/03/2025;;;1 035,00\n", [(datetime.date(2025, 4, 1), Decimal("1035.00"))]),
    (SIGNED + "Solde au 10/03/2025;;1 035,00\n", [(datetime.date(2025, 3, 11), Decimal("1035.00"))]),
    ("Solde au 28/02/2025;;;1 000,00\n" + ROWS + "Total des opérations;;5,00;40,00\n"
     "Solde au 31/03/2025;;;1 035,00\n",
     [(datetime.date(2025, 3, 1), Decimal("1000.00")), (datetime.date(2025, 4, 1), Decimal("1035.00"))]),
    ("Solde au 28/02/2025 : 1 000,00 EUR\n" + SIGNED + "Solde au 31/03/2025 : 1 035,00 EUR",
     [(datetime.date(2025, 3, 1), Decimal("1000.00")), (datetime.date(2025, 4, 1), Decimal("1035.00"))]),
])
def test_a_trailing_balance_line_becomes_an_assertion(tmp_path: Path, text: str,
                                                      expected: list) -> None:
    """Tester's report: « montant-signe » dropped a final « Solde au » line, and
    « banque-traditionnelle » refused it."""
    assert _balances(_extract(_write(tmp_path, "releve.csv", text))) == expected


def test_every_balance_line_above_the_table_is_asserted(tmp_path: Path) -> None:
    """Tester's report: of two « Solde au » lines above the table, the second was ignored."""
    text = ("Solde au 31/03/2025 : 1 035,00 EUR\nSolde au 28/02/2025 : 1 000,00 EUR\n" + ROWS)
    assert sorted(_balances(_extract(_write(tmp_path, "releve.csv", text)))) == [
        (datetime.date(2025, 3, 1), Decimal("1000.00")), (datetime.date(2025, 4, 1), Decimal("1035.00"))]


def test_two_different_balances_for_one_day_are_refused(tmp_path: Path) -> None:
    text = "Solde au 31/03/2025;;;1 035,00\n" + ROWS + "Solde au 31/03/2025;;;1 000,00\n"
    error = _error(BankCSVImporter(ACCOUNT, "banque-traditionnelle"), _write(tmp_path, "r.csv", text))
    assert "deux soldes différents" in error.message


# --- dates with a two-digit year ------------------------------------------------------------

def test_signed_amounts_with_two_digit_years(tmp_path: Path) -> None:
    path = _write(tmp_path, "releve.csv", "Date;Libellé;Montant\n01/03/25;CB;-5,00\n02/03/2025;VIR;40,00\n")
    assert detect(path).label == "montant-signe"
    assert [e.date for e in _extract(path)] == [datetime.date(2025, 3, 1), datetime.date(2025, 3, 2)]
