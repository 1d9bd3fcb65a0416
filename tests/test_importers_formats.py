"""CFONB 120, QIF, lenient OFX and camt variants: regression files, several accounts per file,
recognition by content, and the refusals that name file and line.

Regenerate the expected files after a deliberate change with
``HN_REGENERATE=1 pytest tests/test_importers_formats.py`` and review the diff.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import beangulp
import pytest
from beancount.core import data

from beancount_hn.importers.base import HnImporter, same_account
from beancount_hn.importers.camt import CamtImporter
from beancount_hn.importers.cfonb import CFONBImporter
from beancount_hn.importers.detect import CAMT, CFONB, OFX, QIF, detect
from beancount_hn.importers.ofx import OFXImporter
from beancount_hn.importers.qif import QIFImporter
from beancount_hn.importers.textfile import ImportFileError
from tests.importer_regression import assert_matches_expected
from tests.ledgers import write_file as _write
from tests.test_importers_bad_input import _error

DATA = Path(__file__).parent / "data" / "importers"
ACCOUNT = "Assets:Banque:Courant"
IBAN = "FR76 1820 6000 4200 0123 4567 858"
LIVRET_IBAN = "FR7630004000031234567890143"

CASES: dict[str, Callable[[], beangulp.Importer]] = {
    "releve-cfonb.cfo": lambda: CFONBImporter(ACCOUNT, account_id=IBAN),
    "cfonb-pennylane.txt": lambda: CFONBImporter(ACCOUNT, account_id="98765432100"),
    "releve-boursorama.qif": lambda: QIFImporter(ACCOUNT),
    "comptes.qif": lambda: QIFImporter(ACCOUNT, account_id="00012345678"),
    "lbp.ofx": lambda: OFXImporter(ACCOUNT, account_id="1234567X020"),
    "banque-populaire.ofx": lambda: OFXImporter(ACCOUNT, account_id="04021234567"),
    "releve-deux-comptes.camt053.xml": lambda: CamtImporter(ACCOUNT, account_id=IBAN),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_extraction_matches_expected(name: str) -> None:
    assert_matches_expected(CASES[name](), str(DATA / name))


@pytest.mark.parametrize("name", sorted(CASES))
def test_no_importer_of_another_format_claims_the_file(name: str) -> None:
    document = str(DATA / name)
    kind = type(CASES[name]())
    others = [n for n, make in CASES.items() if type(make()) is not kind and make().identify(document)]
    assert others == []


@pytest.mark.parametrize(("name", "kind"), [
    ("releve-cfonb.cfo", CFONB), ("cfonb-pennylane.txt", CFONB), ("releve-boursorama.qif", QIF),
    ("comptes.qif", QIF), ("lbp.ofx", OFX), ("banque-populaire.ofx", OFX),
    ("releve-deux-comptes.camt053.xml", CAMT)])
def test_recognised_by_content_whatever_the_name(tmp_path: Path, name: str, kind: str) -> None:
    renamed = tmp_path / "export.dat"
    shutil.copy(DATA / name, renamed)
    assert detect(str(renamed)).kind == kind


# --- several accounts in one file: never merged ----------------------------------------------

MULTI = [
    ("cfonb-pennylane.txt", CFONBImporter, ["98765432100", "00123456789"]),
    ("comptes.qif", QIFImporter, ["Compte courant 00012345678", "Carte Visa 4974XXXXXXXX1234"]),
    ("banque-populaire.ofx", OFXImporter, ["04021234567", "04029876543"]),
    ("releve-deux-comptes.camt053.xml", CamtImporter,
     ["FR7618206000420001234567858", LIVRET_IBAN]),
]


@pytest.mark.parametrize(("name", "kind", "ids"), MULTI)
def test_several_accounts_are_listed_and_refused_without_a_choice(
        name: str, kind: type[HnImporter], ids: list[str]) -> None:
    path = str(DATA / name)
    assert kind(ACCOUNT).account_ids(path) == ids
    with pytest.raises(ImportFileError) as info:
        kind(ACCOUNT).extract(path, [])
    assert "plusieurs comptes" in info.value.message
    assert all(i in info.value.message for i in ids)


@pytest.mark.parametrize(("name", "kind", "ids"), MULTI)
def test_each_account_gets_only_its_own_lines(name: str, kind: type[HnImporter],
                                              ids: list[str]) -> None:
    path = str(DATA / name)
    per_account = [kind(ACCOUNT, account_id=i).extract(path, []) for i in ids]
    lines = [{e.meta["lineno"] for e in entries} for entries in per_account]
    assert not lines[0] & lines[1]  # no line of the file in both imports
    balances = [[e for e in entries if isinstance(e, data.Balance)] for entries in per_account]
    assert not {(b.date, b.amount) for b in balances[0]} & {(b.date, b.amount) for b in balances[1]}


def test_empty_savings_statement_is_zero_lines_not_an_error() -> None:
    entries = OFXImporter(ACCOUNT, account_id="04029876543").extract(
        str(DATA / "banque-populaire.ofx"), [])
    assert entries == []


def test_masked_number_names_the_account_it_ends_with() -> None:
    importer = QIFImporter(ACCOUNT, account_id="XXXX XXXX XXXX 1234")
    narrations = [e.narration for e in importer.extract(str(DATA / "comptes.qif"), [])]
    assert narrations == ["LIBRAIRIE MEDICALE"]


def test_two_ofx_statements_of_one_masked_number_are_refused(tmp_path: Path) -> None:
    text = (DATA / "lbp.ofx").read_bytes().decode("cp1252")
    start = text.index("<STMTTRNRS>")
    end = text.index("</STMTTRNRS>") + len("</STMTTRNRS>")
    twice = text[:end] + text[start:end].replace("2794.14", "150.00") + text[end:]
    error = _error(OFXImporter(ACCOUNT), _write(tmp_path, "deux.ofx", twice.encode("cp1252")))
    assert "deux relevés du compte 1234567X020" in error.message and error.line


def test_ofx_amounts_that_are_not_numbers(tmp_path: Path) -> None:
    text = (DATA / "banque-populaire.ofx").read_text(encoding="ascii")
    error = _error(OFXImporter(ACCOUNT, account_id="04021234567"),
                   _write(tmp_path, "nan.ofx", text.replace("-650,00", "NaN")))
    assert "TRNAMT" in error.message and error.line == 53
    error = _error(OFXImporter(ACCOUNT, account_id="04021234567"),
                   _write(tmp_path, "huge.ofx", text.replace("-650,00", "1e9999")))
    assert error.line == 53


def test_ofx_end_tag_that_closes_nothing(tmp_path: Path) -> None:
    text = (DATA / "banque-populaire.ofx").read_text(encoding="ascii").replace(
        "</BANKTRANLIST>\n<LEDGERBAL>\n<BALAMT>3464", "</STMTRS>\n<LEDGERBAL>\n<BALAMT>3464", 1)
    error = _error(OFXImporter(ACCOUNT), _write(tmp_path, "bad.ofx", text))
    assert "</STMTRS>" in error.message and error.line == 58


# --- CFONB refusals --------------------------------------------------------------------------

def _cfonb_lines() -> list[str]:
    return (DATA / "releve-cfonb.cfo").read_text(encoding="ascii").splitlines()


def test_cfonb_statement_without_its_new_balance(tmp_path: Path) -> None:
    lines = _cfonb_lines()
    error = _error(CFONBImporter(ACCOUNT), _write(tmp_path, "cut.cfo", "\n".join(lines[:9])))
    assert "n'a pas de nouveau solde (07)" in error.message and error.line == 9


def test_cfonb_operations_that_do_not_add_up(tmp_path: Path) -> None:
    lines = _cfonb_lines()
    lines[6] = lines[6].replace("00000000010604D", "00000000010605E")
    error = _error(CFONBImporter(ACCOUNT), _write(tmp_path, "sum.cfo", "\n".join(lines)))
    assert "n'est pas l'ancien solde" in error.message and error.line == 10


def test_cfonb_bad_sign_character_and_unknown_record(tmp_path: Path) -> None:
    lines = _cfonb_lines()
    bad = lines[:]
    bad[1] = bad[1][:103] + "Z" + bad[1][104:]
    error = _error(CFONBImporter(ACCOUNT), _write(tmp_path, "sign.cfo", "\n".join(bad)))
    assert "montant" in error.message and error.line == 2
    bad = lines[:]
    bad[2] = "09" + bad[2][2:]
    error = _error(CFONBImporter(ACCOUNT), _write(tmp_path, "code.cfo", "\n".join(bad)))
    assert "« 09 »" in error.message and error.line == 3


def test_cfonb_operation_before_any_statement(tmp_path: Path) -> None:
    lines = _cfonb_lines()
    error = _error(CFONBImporter(ACCOUNT), _write(tmp_path, "orphan.cfo", "\n".join(lines[1:3])))
    assert "hors d'un relevé" in error.message and error.line == 1


def test_cfonb_without_line_breaks(tmp_path: Path) -> None:
    lines = [line.ljust(120) for line in _cfonb_lines() if line.strip()]
    path = _write(tmp_path, "flat.cfo", "".join(lines))
    flat = CFONBImporter(ACCOUNT).extract(path, [])
    normal = CFONBImporter(ACCOUNT).extract(str(DATA / "releve-cfonb.cfo"), [])
    assert [(e.date, getattr(e, "narration", None)) for e in flat] == \
        [(e.date, getattr(e, "narration", None)) for e in normal]


# --- QIF refusals ----------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "expected", "line"), [
    ("!Type:Invst\nD03/03/2025\nT-1.00\n^\n", "!Type:Bank, Cash, CCard", 1),
    ("!Type:Bank\nD03/03/2025\nT-1.00\nPCAFE\n", "n'a pas de fin (^)", 2),
    ("!Type:Bank\nD31/02/2025\nT-1.00\n^\n", "impossible", 2),
    ("!Type:Bank\nD03/03/2025\nT-1,082.26\n^\nD04/03/2025\nT-2,50\n^\n", "virgule décimale", 5),
    ("!Type:Bank\nD03/03/2025\nPCAFE\n^\n", "sans montant", 2),
    ("!Type:Bank\nD03/03/2025\nTNaN\n^\n", "NaN", 2),
    ("!Type:Bank\nD03/03/2025\nT-1.00\nD04/03/2025\nT-2.00\n^\n", "il manque un ^", 4),
])
def test_qif_refusals(tmp_path: Path, content: str, expected: str, line: int) -> None:
    error = _error(QIFImporter(ACCOUNT), _write(tmp_path, "r.qif", content))
    assert expected in error.message and error.line == line


QIF_BANK_AND_CARD = ("!Type:Bank\nD02/03/2025\nT-650,00\nPPRLV LOYER\n^\n"
                     "D31/03/2025\nT-38,90\nPRELEVE CARTE DEBIT DIFFERE\n^\n"
                     "!Type:CCard\nD04/03/2025\nT-38,90\nPLIBRAIRIE MEDICALE\n^\n")


def test_qif_sections_of_two_types_without_account_are_two_accounts(tmp_path: Path) -> None:
    """Tester's report: a card section merged into the bank one counted its purchases twice
    (one by one, and in the monthly deferred debit)."""
    path = _write(tmp_path, "q.qif", QIF_BANK_AND_CARD)
    error = _error(QIFImporter(ACCOUNT), path)
    assert error.line == 1
    assert "!Type:Bank (ligne 1) et !Type:CCard (ligne 10) sans bloc !Account" in error.message
    assert "--account-id Bank ou --account-id CCard" in error.message
    assert QIFImporter(ACCOUNT).account_ids(path) == ["Bank", "CCard"]
    narrations = {name: [e.narration for e in QIFImporter(ACCOUNT, account_id=name).extract(path, [])]
                  for name in ("bank", "CCard")}
    assert narrations == {"bank": ["PRLV LOYER", "RELEVE CARTE DEBIT DIFFERE"],
                          "CCard": ["LIBRAIRIE MEDICALE"]}
    # Two sections of one type are one account.
    path = _write(tmp_path, "q.qif", QIF_BANK_AND_CARD.replace("CCard", "Bank"))
    assert len(QIFImporter(ACCOUNT).extract(path, [])) == 3


def test_qif_month_first_dates_and_opening_balance(tmp_path: Path) -> None:
    path = _write(tmp_path, "us.qif", "!Type:Bank\nD03/25/2025\nT-1.00\nPCAFE\n^\n"
                                      "D03/01/2025\nT100.00\nPOpening Balance\nL[Courant]\n^\n")
    entries = QIFImporter(ACCOUNT).extract(path, [])
    assert [(type(e).__name__, str(e.date)) for e in entries] == \
        [("Balance", "2025-03-01"), ("Transaction", "2025-03-25")]


def test_identify_refuses_other_files(tmp_path: Path) -> None:
    ledger = tmp_path / "main.beancount"
    ledger.write_text("2025-01-01 open Assets:Banque:Courant\n", encoding="utf-8")
    csv = tmp_path / "releve.csv"
    csv.write_text("Date;Libellé;Montant\n03/03/2025;CAFE;-2,00\n", encoding="utf-8")
    for make in CASES.values():
        importer = make()
        assert not importer.identify(str(ledger))
        assert not importer.identify(str(csv))
        assert not importer.identify(str(tmp_path / "absent.cfo"))


def test_masked_numbers_match_the_account_number_of_an_iban() -> None:
    iban = "FR76 3000 4001 2300 0000 0123 442"
    assert same_account("****1234", iban) and same_account("XXXXXXX1234", "00000001234")
    assert not same_account("****1235", iban)
    assert not same_account("****12", iban)  # too few visible digits to name an account
    assert same_account("04021234567", "FR76 1020 7000 4104 0212 3456 789")


def test_empty_statement_without_account_number_is_zero_lines(tmp_path: Path) -> None:
    """Tester's report: Banque Populaire's empty savings export (empty ACCTID, TRNUID, BALAMT)
    was refused for its missing account number; nothing to import is no error."""
    path = str(DATA / "banque-populaire-livret-vide.ofx")
    assert detect(path).kind == OFX
    assert OFXImporter(ACCOUNT).account_ids(path) == []
    assert OFXImporter(ACCOUNT, account_id="04029876543").extract(path, []) == []
    # With an operation, the missing number is still refused: whose would it be?
    text = (DATA / "banque-populaire-livret-vide.ofx").read_text(encoding="ascii").replace(
        "</BANKTRANLIST>", "<STMTTRN>\n<TRNTYPE>CREDIT\n<DTPOSTED>20250601\n<TRNAMT>10,00\n"
                           "<FITID>1\n<NAME>VIR\n</STMTTRN>\n</BANKTRANLIST>")
    error = _error(OFXImporter(ACCOUNT), _write(tmp_path, "sans-numero.ofx", text))
    assert "sans numéro de compte (ACCTID)" in error.message and error.line == 28


def test_account_ids_match_whole_numbers_only() -> None:
    """Tester's report: any piece of five characters selected an account."""
    checking = "10907 00001 99999999999 CHECKING"  # an OFX statement named by bank, branch, type
    assert not same_account(checking, "10907000019")
    assert not same_account(checking, "00001 99999999999")
    assert not same_account("00012345678", "0001234567")
    assert same_account(checking, "99999999999")
    assert same_account(checking, "10907 00001 99999999999")
    assert same_account(checking, "FR76 1090 7000 0199 9999 9999 978")
    # Bank and branch, when both name them, must agree.
    assert not same_account("00000 00000 99999999999 SAVINGS", "10907 00001 99999999999")
    # Société Générale prints branch and account number: the account number names it.
    assert same_account("0234500012345678", "00012345678")
    assert same_account("0234500012345678", "FR76 3000 3023 4500 0123 4567 890")
    assert same_account("1234567X020", "FR12 2004 1010 0512 3456 7X02 012")
    # A QIF account name: the number among its words.
    assert same_account("Compte courant 00012345678", "00012345678")
    assert not same_account("Compte courant 00012345678", "12345678")


@pytest.mark.parametrize(("keep", "code"), [(24, "05"), (90, "04")])
def test_cfonb_record_cut_short_is_called_truncated(tmp_path: Path, keep: int, code: str) -> None:
    """Tester's report: a file cut inside a 05 said « enregistrement 05 du compte 012 »."""
    lines = _cfonb_lines()
    index = next(i for i, line in enumerate(lines) if line.startswith(code))
    text = "\n".join(lines[:index] + [lines[index][:keep]])
    error = _error(CFONBImporter(ACCOUNT), _write(tmp_path, "cut.cfo", text))
    assert f"enregistrement {code} tronqué" in error.message and error.line == index + 1


@pytest.mark.parametrize(("name", "kind", "encoding"), [
    ("lbp.ofx", OFX, "cp1252"), ("releve-cfonb.cfo", CFONB, "ascii"),
    ("releve-boursorama.qif", QIF, "cp1252"), ("cfonb-pennylane.txt", CFONB, "ascii")])
@pytest.mark.parametrize("bom", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_read_like_the_original(tmp_path: Path, name: str, kind: str,
                                                   encoding: str, bom: str) -> None:
    """Tester's report: OFX and CFONB in UTF-16 were « format inconnu » (CSV worked)."""
    text = (DATA / name).read_bytes().decode(encoding)
    path = tmp_path / name
    path.write_bytes("\ufeff".encode(bom) + text.encode(bom))
    assert detect(str(path)).kind == kind
    importer = CASES[name]()
    assert importer.identify(str(path))
    assert ([(e.date, getattr(e, "narration", None)) for e in importer.extract(str(path), [])]
            == [(e.date, getattr(e, "narration", None))
                for e in importer.extract(str(DATA / name), [])])


def test_utf16_camt_is_recognised_then_refused_clearly(tmp_path: Path) -> None:
    text = (DATA / "releve.camt053.xml").read_text(encoding="utf-8")
    path = tmp_path / "releve.xml"
    path.write_bytes(text.encode("utf-16"))
    assert detect(str(path)).kind == CAMT
    assert "XML en UTF-16" in _error(CamtImporter(ACCOUNT), str(path)).message
