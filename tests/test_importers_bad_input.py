"""Bad input: every refusal names the file and the line (or element), nothing partial comes out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from beancount_hn.importers.bank_csv import BankCSVImporter
from beancount_hn.importers.camt import CamtImporter
from beancount_hn.importers.detect import detect
from beancount_hn.importers.journal import JournalImporter
from beancount_hn.importers.layouts import Layout, LayoutError
from beancount_hn.importers.ofx import OFXImporter
from beancount_hn.importers.textfile import ImportFileError
from tests.ledgers import write_file as _write

DATA = Path(__file__).parent / "data" / "importers"
ACCOUNT = "Assets:Banque:Courant"

XXE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Document [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>FR7618206000420001234567858</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2025-03-03</Dt></BookgDt><AddtlNtryInf>&xxe;</AddtlNtryInf></Ntry>
</Stmt></BkToCstmrStmt></Document>
"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Ntry><AddtlNtryInf>&lol9;</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>
"""


def _error(importer, path: str) -> ImportFileError:
    with pytest.raises(ImportFileError) as info:
        importer.extract(path, [])
    assert str(info.value).startswith(path)
    assert "\n" not in str(info.value)
    return info.value


@pytest.mark.parametrize(("name", "content"), [("xxe.xml", XXE), ("laughs.xml", LAUGHS)])
def test_camt_entity_declarations_are_rejected(tmp_path: Path, name: str, content: str) -> None:
    path = _write(tmp_path, name, content)
    error = _error(CamtImporter(ACCOUNT), path)
    assert error.line == 2
    assert "XML dangereux" in error.message and "DOCTYPE" in error.message


def test_ofx_entity_declarations_are_rejected(tmp_path: Path) -> None:
    ofx = (DATA / "releve.ofx").read_bytes().replace(
        b"<OFX>", b'<!DOCTYPE OFX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\r\n<OFX>')
    path = _write(tmp_path, "xxe.ofx", ofx)
    error = _error(OFXImporter(ACCOUNT), path)
    assert "XML dangereux" in error.message and error.line == 11


def test_undeclared_entity_is_a_syntax_error_not_an_expansion(tmp_path: Path) -> None:
    text = (DATA / "releve.camt053.xml").read_text().replace("COTISATIONS MARS 2025", "&xxe;")
    error = _error(CamtImporter(ACCOUNT), _write(tmp_path, "entity.xml", text))
    assert "XML mal formé" in error.message and error.line == 17


def test_truncated_camt(tmp_path: Path) -> None:
    text = (DATA / "releve.camt053.xml").read_text()
    error = _error(CamtImporter(ACCOUNT), _write(tmp_path, "cut.xml", text[: len(text) // 2]))
    assert "XML mal formé" in error.message and "tronqué" in error.message
    assert error.line is not None


def test_truncated_ofx(tmp_path: Path) -> None:
    raw = (DATA / "releve.ofx").read_bytes()
    cut = raw[: raw.index(b"<FITID>2025031000003")]
    error = _error(OFXImporter(ACCOUNT), _write(tmp_path, "cut.ofx", cut))
    assert "tronqué" in error.message and error.line is not None


def test_truncated_csv_row(tmp_path: Path) -> None:
    text = ("Date;Libellé;Débit;Crédit\n03/03/2025;URSSAF;245,00;\n05/03/2025;VIR CPAM\n"
            "06/03/2025;LOYER;650,00;\n")
    error = _error(BankCSVImporter(ACCOUNT, "banque-traditionnelle"), _write(tmp_path, "r.csv", text))
    assert error.line == 3 and "mal formée" in error.message


def test_truncated_last_csv_row(tmp_path: Path) -> None:
    text = "Date;Libellé;Débit;Crédit\n03/03/2025;URSSAF;245,00;\n05/03/2025;VIR CP"
    error = _error(BankCSVImporter(ACCOUNT, "banque-traditionnelle"), _write(tmp_path, "r.csv", text))
    assert error.line == 3 and "tronquée" in error.message


def test_unclosed_quote(tmp_path: Path) -> None:
    text = 'Date;Libellé;Débit;Crédit\n03/03/2025;URSSAF;245,00;\n05/03/2025;"VIR CPAM;;12,00\n'
    error = _error(BankCSVImporter(ACCOUNT, "banque-traditionnelle"), _write(tmp_path, "q.csv", text))
    assert error.line == 3 and "guillemet" in error.message


def test_amount_that_does_not_parse(tmp_path: Path) -> None:
    text = "Date;Libellé;Débit;Crédit\n03/03/2025;URSSAF;245,00;\n05/03/2025;VIR;;12,0O\n"
    error = _error(BankCSVImporter(ACCOUNT, "banque-traditionnelle"), _write(tmp_path, "a.csv", text))
    assert error.line == 3 and "12,0O" in error.message


def test_date_that_does_not_parse(tmp_path: Path) -> None:
    text = "Date;Libellé;Débit;Crédit\n2025-03-03;URSSAF;245,00;\n"
    error = _error(BankCSVImporter(ACCOUNT, "banque-traditionnelle"), _write(tmp_path, "d.csv", text))
    assert error.line == 2 and "jj/mm/aaaa" in error.message


def test_wrong_declared_encoding(tmp_path: Path) -> None:
    layout = Layout.from_dict("utf8-only", {
        "encoding": "utf-8", "delimiter": ";",
        "columns": {"date": "Date", "narration": "Libelle", "amount": "Montant"}})
    raw = "Date;Libelle;Montant\n03/03/2025;Caf\u00e9;-2,00\n".encode("cp1252")
    error = _error(BankCSVImporter(ACCOUNT, layout), _write(tmp_path, "e.csv", raw))
    assert error.line == 2 and "cp1252" in error.message


def test_utf16_without_bom_and_binary(tmp_path: Path) -> None:
    raw = "Date;Libellé;Montant\n".encode("utf-16-le")
    error = _error(BankCSVImporter(ACCOUNT, "shine"), _write(tmp_path, "u.csv", raw))
    assert "octets NUL" in error.message and error.line == 1


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    text = "Date;Libellé;Montant\n03/03/2025;Café;-2,00\n"
    path = _write(tmp_path, "u.csv", text.encode("utf-16"))
    entries = BankCSVImporter(ACCOUNT, "montant-signe").extract(path, [])
    assert [str(e.postings[0].units) for e in entries] == ["-2.00 EUR"]


def test_a_negative_credit_is_refused_as_ambiguous(tmp_path: Path) -> None:
    """Tester's report: « ;;-12,00 » in the Crédit column became +12,00 (abs())."""
    text = "Date;Libellé;Débit;Crédit\n03/03/2025;ANNULATION VIR;;-12,00\n"
    error = _error(BankCSVImporter(ACCOUNT, "banque-traditionnelle"), _write(tmp_path, "r.csv", text))
    assert error.line == 2 and "montant négatif « -12,00 » dans la colonne « Crédit »" in error.message
    # A layout whose bank signs its credits says so: the credit keeps its sign.
    layout = Layout.from_dict("ma-banque", {"delimiter": ";", "signed-credit": True, "columns": {
        "date": "Date", "narration": "Libellé", "debit": "Débit", "credit": "Crédit"}})
    entries = BankCSVImporter(ACCOUNT, layout).extract(_write(tmp_path, "r.csv", text), [])
    assert [str(e.postings[0].units) for e in entries] == ["-12.00 EUR"]


@pytest.mark.parametrize(("debits", "line"), [(("5,00", "-3,00"), 3), (("-5,00", "3,00"), 3)])
def test_debits_written_both_with_and_without_sign_are_refused(tmp_path: Path, debits: tuple,
                                                               line: int) -> None:
    text = (f"Date;Libellé;Débit;Crédit\n03/03/2025;CB;{debits[0]};\n"
            f"04/03/2025;REMB;{debits[1]};\n")
    error = _error(BankCSVImporter(ACCOUNT, "banque-traditionnelle"), _write(tmp_path, "r.csv", text))
    assert error.line == line and "alors que la ligne 2 écrit ses débits" in error.message


@pytest.mark.parametrize("sign", ["", "-"])
def test_debits_are_money_out_with_or_without_their_sign(tmp_path: Path, sign: str) -> None:
    text = f"Date;Libellé;Débit;Crédit\n03/03/2025;CB;{sign}5,00;\n04/03/2025;REMB;{sign}3,00;\n"
    entries = BankCSVImporter(ACCOUNT, "banque-traditionnelle").extract(_write(tmp_path, "r.csv", text), [])
    assert [str(e.postings[0].units) for e in entries] == ["-5.00 EUR", "-3.00 EUR"]


def test_an_explicit_zero_in_the_other_column_is_empty(tmp_path: Path) -> None:
    """Tester's report: « 0,00;12,00 » was refused as a debit and a credit at once."""
    text = ("Date;Libellé;Débit;Crédit\n03/03/2025;VIR;0,00;12,00\n04/03/2025;CB;5,00;0,00\n"
            "05/03/2025;X;2,00;3,00\n")
    path = _write(tmp_path, "r.csv", text)
    error = _error(BankCSVImporter(ACCOUNT, "banque-traditionnelle"), path)
    assert error.line == 4 and "un débit (2,00) et un crédit (3,00)" in error.message
    path = _write(tmp_path, "r.csv", text.rsplit("05/03", 1)[0])
    entries = BankCSVImporter(ACCOUNT, "banque-traditionnelle").extract(path, [])
    assert [str(e.postings[0].units) for e in entries] == ["12.00 EUR", "-5.00 EUR"]


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    error = _error(BankCSVImporter(ACCOUNT, "montant-signe"), _write(tmp_path, "empty.csv", ""))
    assert "fichier vide" in error.message
    error = _error(BankCSVImporter(ACCOUNT, "montant-signe"),
                   _write(tmp_path, "h.csv", "Date;Libellé;Montant\n"))
    assert "aucune opération" in error.message


def test_layout_matching_no_preset(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.csv", "Jour|Texte|Somme\n03/03/2025|URSSAF|-3,00\n")
    with pytest.raises(ImportFileError, match="format inconnu.*--preset FICHIER.toml"):
        detect(path)


def test_file_of_another_account(tmp_path: Path) -> None:
    path = str(DATA / "banque-traditionnelle.csv")
    error = _error(BankCSVImporter(ACCOUNT, "banque-traditionnelle", account_id="99887766"), path)
    assert "relevé du compte 00012345678" in error.message
    error = _error(OFXImporter(ACCOUNT, account_id="99887766"), str(DATA / "releve.ofx"))
    assert "00012345678" in error.message
    error = _error(CamtImporter(ACCOUNT, account_id="FR7630003000000000000000000"),
                   str(DATA / "releve.camt053.xml"))
    assert "FR7618206000420001234567858" in error.message


def test_journal_errors(tmp_path: Path) -> None:
    header = "Date;N° facture;Patient;Actes;Montant;Part AMO;Part AMC;Part patient\n"
    cases = {
        "03/03/2025;F-1;X;RAB 8;20,00;12,00;6,00;\n": "et non le montant 20.00",
        "03/03/2025;F-1;X;ZZZ 8;20,00;;;20,00\n": "lettre clé NGAP « ZZZ » inconnue",
        "03/03/2025;F-1;X;AMS 7.5;20,00;;;20,00\n": "pas en vigueur",
        "03/03/2025;F-1;X;HN + RAB 8;20,00;;;20,00\n": "mêle du HN",
        "03/03/2025;F-1;X;RAB 8 + DE;20,00;;;20,00\n": "montant du dépassement",
        "03/03/2025;F-1;X;HN;-20,00;;;\n": "les avoirs",
        "03/03/2025;;X;HN;20,00;;;20,00\n": "sans numéro",
    }
    for row, message in cases.items():
        path = _write(tmp_path, "j.csv", header + "01/03/2025;F-0;Y;HN;10,00;;;10,00\n" + row)
        error = _error(JournalImporter(), path)
        assert error.line == 3, (row, error)
        assert message in error.message, (row, error)
    path = _write(tmp_path, "j.csv", header + "01/03/2025;F-0;Y;HN;10,00;;;10,00\n" * 2)
    assert "apparaît deux fois" in _error(JournalImporter(), path).message


def test_layout_errors() -> None:
    with pytest.raises(LayoutError, match="colonne\\(s\\) manquante"):
        Layout.from_dict("x", {"columns": {"date": "Date", "narration": "Libellé"}})
    with pytest.raises(LayoutError, match="rôle de colonne"):
        Layout.from_dict("x", {"columns": {"date": "D", "narration": "L", "amount": "M", "foo": "F"}})
    with pytest.raises(LayoutError, match="groupe\\(s\\) nommé"):
        Layout.from_dict("x", {"balance-line": "Solde", "columns": {
            "date": "D", "narration": "L", "amount": "M"}})


def test_identify_never_raises_on_bad_files(tmp_path: Path) -> None:
    shutil.copy(DATA / "releve.ofx", tmp_path / "statement.csv")
    paths = [_write(tmp_path, "laughs.xml", LAUGHS), _write(tmp_path, "bin.csv", b"\x00\x01\x02"),
             str(tmp_path / "statement.csv")]
    for importer in (BankCSVImporter(ACCOUNT, "shine"), OFXImporter(ACCOUNT), CamtImporter(ACCOUNT),
                     JournalImporter()):
        for path in paths:
            assert importer.identify(path) in (True, False)
