"""Bank ids (OFX ``FITID``, camt references): a known id counts as a duplicate only on the
same movement; camt ids name their account; an OFX ``TRNTYPE`` that the sign contradicts
stops the import."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from tests.ledgers import run_hn, write_file, write_ledger

pytestmark = pytest.mark.usefixtures("no_load_cache")
_run = partial(run_hn, "extract")

COURANT = "Assets:Banque:Courant"
LIVRET = "Assets:Banque:Livret"
IBAN_COURANT = "FR7618206000420001234567858"
IBAN_LIVRET = "FR7630004000031234567890143"
OPENS = """\
2025-01-01 open Assets:Banque:Courant EUR
2025-01-01 open Assets:Banque:Livret EUR
2025-01-01 open Expenses:Divers EUR
"""
RULES = '[[rule]]\npattern = "^CB "\naccount = "Expenses:Divers"\n'

Line = tuple[str, str, str, str]  # date, signed amount, bank id, label


def _ofx(*lines: Line, kind: str = "OTHER") -> str:
    """An OFX 1 statement of account 00012345678 with ``lines`` of TRNTYPE ``kind``."""
    body = "".join(f"<STMTTRN>\n<TRNTYPE>{kind}\n<DTPOSTED>{date.replace('-', '')}\n"
                   f"<TRNAMT>{amount}\n<FITID>{fitid}\n<NAME>{name}\n</STMTTRN>\n"
                   for date, amount, fitid, name in lines)
    return ("OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX>\n<BANKMSGSRSV1><STMTTRNRS>"
            "<STMTRS><CURDEF>EUR\n<BANKACCTFROM><BANKID>18206<BRANCHID>00042"
            "<ACCTID>00012345678<ACCTTYPE>CHECKING</BANKACCTFROM>\n<BANKTRANLIST>\n"
            f"{body}</BANKTRANLIST>\n</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")


def _camt(iban: str, *lines: Line) -> str:
    """A camt.053 statement of ``iban`` whose entries carry ``NtryRef``."""
    entries = "".join(
        f"<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy=\"EUR\">{amount.lstrip('-')}</Amt>"
        f"<CdtDbtInd>{'DBIT' if amount.startswith('-') else 'CRDT'}</CdtDbtInd><Sts>BOOK</Sts>"
        f"<BookgDt><Dt>{date}</Dt></BookgDt><AddtlNtryInf>{name}</AddtlNtryInf></Ntry>\n"
        for date, amount, ref, name in lines)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
            "<GrpHdr><MsgId>M</MsgId><CreDtTm>2025-04-30T06:00:00</CreDtTm></GrpHdr>\n"
            f"<Stmt><Id>S</Id><Acct><Id><IBAN>{iban}</IBAN></Id></Acct>\n{entries}"
            "</Stmt></BkToCstmrStmt></Document>\n")


MARCH: tuple[Line, ...] = (("2025-03-03", "-50.00", "1", "CB PHARMACIE"),
                           ("2025-03-10", "-20.00", "2", "CB PARKING"))
APRIL: tuple[Line, ...] = (("2025-04-02", "-30.00", "1", "CB ESSENCE"),
                           ("2025-04-15", "-20.00", "2", "CB PARKING"))


class Ledger:
    """A ledger folder: statements are imported onto it one after the other, as a user does."""

    def __init__(self, folder: Path, extra: str = "") -> None:
        self.folder = folder
        self.imports: list[str] = []
        self.extra = extra
        self.rules = write_file(folder, "regles.toml", RULES)
        self._write()

    def _write(self) -> None:
        includes = "".join(f'include "{name}"\n' for name in self.imports)
        self.path = write_ledger(self.folder, OPENS + self.extra + includes)

    def extract(self, name: str, content: str, account: str = COURANT):
        return _run(write_file(self.folder, name, content), "-a", account, "-e", self.path,
                    "-r", self.rules)

    def add(self, name: str, content: str, account: str = COURANT) -> None:
        """Import ``content`` and include what it proposes in the ledger."""
        output = f"import-{len(self.imports)}.beancount"
        result = _run(write_file(self.folder, name, content), "-a", account, "-e", self.path,
                      "-r", self.rules, "-o", str(self.folder / output))
        assert result.exit_code == 0, result.output
        self.imports.append(output)
        self._write()


def test_fitid_reused_by_the_next_statement_is_imported_for_review(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.add("mars.ofx", _ofx(*MARCH))
    result = ledger.extract("avril.ofx", _ofx(*APRIL))
    assert result.exit_code == 0, result.output
    assert "2 nouvelle(s), 0 déjà dans le grand livre" in result.output
    assert '2025-04-02 ! "CB ESSENCE"' in result.output
    assert "l'identifiant ofx:00012345678:1 est déjà dans le grand livre pour une autre " \
           "opération (du 03/03/2025" in result.output
    assert '2025-04-15 ! "CB PARKING"' in result.output
    # Once April is in the ledger, neither statement brings anything again.
    ledger.add("avril.ofx", _ofx(*APRIL))
    for name, lines in (("avril.ofx", APRIL), ("mars.ofx", MARCH)):
        again = ledger.extract(name, _ofx(*lines))
        assert again.exit_code == 0, again.output
        assert "0 nouvelle(s), 2 déjà dans le grand livre" in again.output


def test_same_fitid_redated_by_the_bank_is_the_same_movement(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.add("mars.ofx", _ofx(*MARCH))
    result = ledger.extract("mars-bis.ofx", _ofx(("2025-03-04", "-50.00", "1", "CB PHARMACIE")))
    assert result.exit_code == 0, result.output
    assert "0 nouvelle(s), 1 déjà dans le grand livre" in result.output


def test_same_fitid_with_another_amount_is_never_dropped(tmp_path: Path) -> None:
    """A bank correction, or a reused id: the line comes for review, not silently lost."""
    ledger = Ledger(tmp_path)
    ledger.add("mars.ofx", _ofx(*MARCH))
    result = ledger.extract("mars-bis.ofx", _ofx(("2025-03-03", "-55.00", "1", "CB PHARMACIE")))
    assert result.exit_code == 0, result.output
    assert "1 nouvelle(s), 0 déjà dans le grand livre" in result.output
    assert '2025-03-03 ! "CB PHARMACIE"' in result.output
    assert "ofx:00012345678:1" in result.output and "-50,00" in result.output


def test_camt_reference_reused_by_the_next_statement_is_imported_for_review(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.add("mars.xml", _camt(IBAN_COURANT, *MARCH))
    result = ledger.extract("avril.xml", _camt(IBAN_COURANT, *APRIL))
    assert result.exit_code == 0, result.output
    assert "2 nouvelle(s), 0 déjà dans le grand livre" in result.output
    assert f'import-id: "camt:{IBAN_COURANT}:1"' in result.output
    assert result.output.count("est déjà dans le grand livre pour une autre opération") == 2


def test_camt_ids_name_the_account(tmp_path: Path) -> None:
    """The savings account's statement numbers its entries 1, 2 as the current account's."""
    ledger = Ledger(tmp_path)
    ledger.add("courant.xml", _camt(IBAN_COURANT, *MARCH))
    result = ledger.extract("livret.xml", _camt(IBAN_LIVRET, *MARCH), LIVRET)
    assert result.exit_code == 0, result.output
    assert "2 nouvelle(s), 0 déjà dans le grand livre" in result.output
    assert f'import-id: "camt:{IBAN_LIVRET}:1"' in result.output
    assert "pour une autre opération" not in result.output


OLD_CAMT_IDS = """\
2025-03-03 * "CB PHARMACIE"
  import-id: "camt:1"
  Assets:Banque:Courant  -50.00 EUR
  Expenses:Divers
2025-03-10 * "CB PARKING"
  import-id: "camt:2"
  Assets:Banque:Courant  -20.00 EUR
  Expenses:Divers
"""


def test_old_camt_ids_without_the_account_are_still_recognised(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path, OLD_CAMT_IDS)
    again = ledger.extract("mars.xml", _camt(IBAN_COURANT, *MARCH))
    assert again.exit_code == 0, again.output
    assert "0 nouvelle(s), 2 déjà dans le grand livre" in again.output
    # The old form named no account: another account's entries 1 and 2 are no conflict...
    livret = ledger.extract("livret.xml", _camt(IBAN_LIVRET, *APRIL), LIVRET)
    assert "2 nouvelle(s), 0 déjà dans le grand livre" in livret.output
    assert "pour une autre opération" not in livret.output
    # ... but the same account's next statement reusing them is shown for review.
    april = ledger.extract("avril.xml", _camt(IBAN_COURANT, *APRIL))
    assert "2 nouvelle(s), 0 déjà dans le grand livre" in april.output
    assert "l'identifiant camt:1 est déjà dans le grand livre" in april.output


@pytest.mark.parametrize("kind, amount, what", [
    ("DEBIT", "50.00", "<TRNTYPE>DEBIT annonce un débit, mais <TRNAMT> 50.00 est positif"),
    ("CREDIT", "-50.00", "<TRNTYPE>CREDIT annonce un crédit, mais <TRNAMT> -50.00 est négatif"),
])
def test_ofx_trntype_contradicting_the_sign_is_refused(tmp_path: Path, kind: str, amount: str,
                                                       what: str) -> None:
    path = write_file(tmp_path, "o.ofx", _ofx(("2025-03-03", amount, "Z1", "PRLV URSSAF"), kind=kind))
    result = _run(path, "-a", COURANT)
    assert result.exit_code == 1
    assert f"o.ofx:12: opération FITID « Z1 » : {what}" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("kind, amount", [("DEBIT", "-50.00"), ("CREDIT", "50.00"),
                                          ("OTHER", "50.00"), ("POS", "-50.00")])
def test_ofx_trntype_agreeing_with_the_sign_is_read(tmp_path: Path, kind: str, amount: str) -> None:
    path = write_file(tmp_path, "o.ofx", _ofx(("2025-03-03", amount, "Z1", "PRLV URSSAF"), kind=kind))
    result = _run(path, "-a", COURANT)
    assert result.exit_code == 0, result.output
    assert f"{COURANT}  {amount} EUR" in result.output


def test_known_fitid_across_a_balance_assertion_is_another_movement(tmp_path: Path) -> None:
    """Same id, same amount, two days apart, but March's balance counts the ledger's one."""
    ledger = Ledger(tmp_path, "2025-04-01 balance Assets:Banque:Courant -20.00 EUR\n")
    ledger.add("mars.ofx", _ofx(("2025-03-30", "-20.00", "7", "CB PARKING")))
    result = ledger.extract("avril.ofx", _ofx(("2025-04-01", "-20.00", "7", "CB PARKING")))
    assert result.exit_code == 0, result.output
    assert "1 nouvelle(s), 0 déjà dans le grand livre" in result.output
    assert "l'identifiant ofx:00012345678:7 est déjà dans le grand livre" in result.output
