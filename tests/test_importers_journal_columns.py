"""The practice software's journal: the Dépassement column is booked (split from the conventionné
part, as ``RAB 8 + DE`` is) or, when the acts contradict it, the row is refused at its line;
an NGAP coefficient with a decimal comma (``AMK 7,5``) is a coefficient, not two acts."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount.core import data
from beancount.parser import printer

from beancount_hn.importers.journal import JournalImporter
from beancount_hn.importers.textfile import ImportFileError
from tests.ledgers import form_for, write_file

HEADER = ("Date;N° facture;Patient;Actes;Montant;Part AMO;Part AMC;Part patient;Caisse;Mutuelle;"
          "Dépassement;Devis\n")


def _extract(tmp_path: Path, *rows: str) -> list[data.Transaction]:
    return JournalImporter().extract(write_file(tmp_path, "journal.csv", HEADER + "".join(rows)), [])


def _error(tmp_path: Path, *rows: str) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        _extract(tmp_path, *rows)
    return caught.value


def _income(txn: data.Transaction) -> list[tuple[str, str, str | None]]:
    return [(p.account, str(p.units.number), (p.meta or {}).get("acte")) for p in txn.postings
            if p.account.startswith("Income:")]


def test_the_depassement_column_is_booked_without_a_de_in_the_acts(tmp_path: Path) -> None:
    written, stated = _extract(
        tmp_path,
        "04/03/2025;FSE-000123;M. Paul Martin;RAB 8 + DE;29,68;10,61;7,07;12,00;CPAM 69;Harmonie Mutuelle;12,00;\n",
        "04/03/2025;FSE-000124;M. Paul Martin;RAB 8;29,68;10,61;7,07;12,00;CPAM 69;Harmonie Mutuelle;12,00;\n")
    assert _income(stated) == [("Income:Honoraires:Conventionnes", "-17.68", "RAB 8"),
                               ("Income:Honoraires:Depassements", "-12.00", "DE")]
    assert _income(stated) == _income(written)  # the README's "RAB 8 + DE" example
    assert stated.narration == "FSE RAB 8 + DE" and "acte" not in stated.meta


def test_a_stated_depassement_reaches_dsaw(tmp_path: Path) -> None:
    [invoice] = _extract(tmp_path, "04/03/2025;FSE-000123;M. Paul Martin;RAB 8;29,68;10,61;7,07;12,00;"
                                   "CPAM 69;Harmonie Mutuelle;12,00;\n")
    ledger = """
        2025-01-01 open Assets:Banque EUR
        2025-01-01 open Assets:Creances:CPAM EUR
        2025-01-01 open Assets:Creances:Mutuelles EUR
        2025-01-01 open Assets:Creances:Patients EUR
        2025-01-01 open Income:Honoraires:Conventionnes EUR
        2025-01-01 open Income:Honoraires:Depassements EUR
        2025-01-01 custom "hn-option" "invoice-series" "FSE" "FSE-{seq:06d}"
          premier-numero: "FSE-000123"
        """
    payment = """
        2025-03-20 * "CPAM, mutuelle et patient" ^FSE-000123
          Assets:Banque                29.68 EUR
          Assets:Creances:CPAM        -10.61 EUR
          Assets:Creances:Mutuelles    -7.07 EUR
          Assets:Creances:Patients    -12.00 EUR
        """
    form = form_for(ledger + printer.format_entry(invoice).replace("\n", "\n        ") + payment, 2025)
    assert form.social.boxes()["DSAW"] == Decimal("12.00")


@pytest.mark.parametrize(("acts", "amount", "parts", "column", "message"), [
    ("RAB 8", "29,68", "10,61;7,07;12,00", "29,68", "n'est pas inférieure au montant (29.68)"),
    ("RAB 8", "29,68", "10,61;7,07;12,00", "30,00", "n'est pas inférieure au montant (29.68)"),
    ("HN", "40,00", ";;40,00", "5,00", "contredit les actes HN"),
    ("DE", "20,00", ";;20,00", "5,00", "un DE seul : il devrait faire tout le montant (20.00)"),
    ("RAB 8 + DE 10", "27,68", "10,61;7,07;10,00", "12,00", "contredit le DE des actes (10.00)"),
])
def test_a_column_the_acts_contradict_refuses_the_row(tmp_path: Path, acts: str, amount: str, parts: str,
                                                      column: str, message: str) -> None:
    error = _error(tmp_path, "03/03/2025;F-0;Y;HN;10,00;;;10,00;;;;\n",
                   f"04/03/2025;F-1;X;{acts};{amount};{parts};CPAM 69;MGEN;{column};\n")
    assert error.line == 3
    assert "la colonne Dépassement" in error.message and message in error.message, error.message
    assert str(error).startswith(str(tmp_path / "journal.csv") + ":3: facture F-1 : ")


def test_a_column_the_acts_agree_with_is_booked(tmp_path: Path) -> None:
    coefficient, alone = _extract(
        tmp_path, "04/03/2025;F-1;X;RAB 8 + DE 10;27,68;10,61;7,07;10,00;CPAM 69;MGEN;10,00;\n",
        "05/03/2025;F-2;X;DE;20,00;;;20,00;;;20,00;\n")
    assert _income(coefficient) == [("Income:Honoraires:Conventionnes", "-17.68", "RAB 8"),
                                    ("Income:Honoraires:Depassements", "-10.00", "DE")]
    assert _income(alone) == [("Income:Honoraires:Depassements", "-20.00", None)]


@pytest.mark.parametrize(("acts", "written"), [
    ("AMK 7,5", "AMK 7.5"), ("AMK 9,5 + IFD", "AMK 9.5 + IFD"), ('"AMK 9,5, IFD"', "AMK 9.5 + IFD"),
    ("AMK 7.5", "AMK 7.5")])
def test_a_decimal_comma_in_a_coefficient_is_accepted(tmp_path: Path, acts: str, written: str) -> None:
    [txn] = _extract(tmp_path, f"03/06/2025;FSE-000202;P2;{acts};16,13;9,68;6,45;;CPAM 69;MGEN;;\n")
    assert txn.meta["acte"] == written
    assert txn.narration == f"FSE {written}"
    assert _income(txn) == [("Income:Honoraires:Conventionnes", "-16.13", None)]


@pytest.mark.parametrize(("acts", "message"), [
    ('"AMK 7, 5"', "« 5 » seul n'est pas un acte"),
    ('"AMK 7 ,5"', "« 5 » seul n'est pas un acte"),
    ("AMK 7,5,5", "acte « AMK 7,5,5 » : attendu une lettre clé"),
])
def test_an_ambiguous_comma_is_still_refused(tmp_path: Path, acts: str, message: str) -> None:
    error = _error(tmp_path, f"03/06/2025;FSE-000202;P2;{acts};16,13;9,68;6,45;;CPAM 69;MGEN;;\n")
    assert error.line == 2 and message in error.message, error.message
