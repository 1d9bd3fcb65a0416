"""A CSV statement cut inside its last row: refused at that line, whatever the cut leaves.

The window the tester found: the cut falls inside the date of the last row, so the last
physical line (no line end after it) is a fragment such as ``14/0`` or ``1`` that looks like
a note after the table. A file whose last line is whole still imports without a final newline.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data

from beancount_hn.importers.bank_csv import BankCSVImporter
from beancount_hn.importers.detect import detect
from tests.ledgers import write_file as _write
from tests.test_importers_bad_input import _error

ACCOUNT = "Assets:Banque:Courant"
DEBIT_CREDIT = ("Date;Libellé;Débit;Crédit\r\n03/03/2025;CB BOULANGERIE;5,00;\r\n"
                "10/03/2025;VIR PATIENT;;40,00\r\n")
SIGNED = "Date;Libellé;Montant\r\n03/03/2025;CB BOULANGERIE;-5,00\r\n10/03/2025;VIR PATIENT;40,00\r\n"


def _amounts(path: str) -> list[Decimal]:
    entries = BankCSVImporter(ACCOUNT, detect(path).layout).extract(path, [])
    return [e.postings[0].units.number for e in entries if isinstance(e, data.Transaction)]


@pytest.mark.parametrize(("head", "fragment"), [
    (DEBIT_CREDIT, "14/0"), (DEBIT_CREDIT, "1"), (DEBIT_CREDIT, "14/03/"),
    (SIGNED, "1"), (SIGNED, "14/0"), (SIGNED, "14"),
])
def test_a_file_cut_inside_the_date_of_its_last_row_is_refused(tmp_path: Path, head: str,
                                                                 fragment: str) -> None:
    path = _write(tmp_path, "releve.csv", (head + fragment).encode("cp1252"))
    error = _error(BankCSVImporter(ACCOUNT, detect(path).layout), path)
    assert error.line == 4 and "fichier tronqué" in error.message
    assert f"« {fragment} »" in error.message


@pytest.mark.parametrize("last", [
    "14/03/2025;CB PARKING;2,50;",            # a whole row
    "Total des opérations;;5,00;40,00",        # a total that adds up
    "Nombre d'opérations : 2",
    "Solde au 31/03/2025;;;1 035,00",          # a balance line
])
def test_a_whole_last_line_without_line_end_is_read(tmp_path: Path, last: str) -> None:
    path = _write(tmp_path, "releve.csv", (DEBIT_CREDIT + last).encode("cp1252"))
    amounts = _amounts(path)
    assert amounts[:2] == [Decimal("-5.00"), Decimal("40.00")]


def test_a_note_after_the_table_still_ends_with_its_line_end(tmp_path: Path) -> None:
    """A line the layout does not know is a note when the file ends after it."""
    path = _write(tmp_path, "releve.csv", DEBIT_CREDIT + "Document sans valeur contractuelle\r\n")
    assert _amounts(path) == [Decimal("-5.00"), Decimal("40.00")]


@pytest.mark.parametrize("last", ["Solde au 31/03/2025;;;1 035,0", "Solde au 31/03/2025 : 1 035,0"])
def test_a_balance_line_cut_inside_its_amount_is_refused(tmp_path: Path, last: str) -> None:
    path = _write(tmp_path, "releve.csv", DEBIT_CREDIT + last)
    error = _error(BankCSVImporter(ACCOUNT, "banque-traditionnelle"), path)
    assert error.line == 4 and "fichier tronqué" in error.message
