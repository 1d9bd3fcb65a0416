"""Throughput of the importers (rows per second) on generated statements.

    python bench/bench_importers.py [ROWS]

Generates a bank CSV (banque-traditionnelle preset), an OFX, a camt.053 and an
invoice journal of ROWS lines each (default 20 000) in a temporary folder,
extracts each one against a ledger of open FSE (so the CPAM matching runs),
and prints rows per second. Nothing is asserted: timings depend on the machine.
"""

from __future__ import annotations

import datetime
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.importers.amounts import format_amount
from beancount_hn.importers.bank_csv import BankCSVImporter
from beancount_hn.importers.camt import CamtImporter
from beancount_hn.importers.journal import JournalImporter
from beancount_hn.importers.ofx import OFXImporter

ACCOUNT = "Assets:Banque:Courant"
LABELS = ["CB PHARMACIE", "PRLV URSSAF", "VIR CPAM DU RHONE", "REMISE CB PILATES", "PRLV LOYER",
          "VIR ALMERYS TIERS PAYANT", "CB STATION SERVICE"]


def lines(count: int, seed: int = 7) -> list[tuple[datetime.date, Decimal, str]]:
    rng = random.Random(seed)
    start = datetime.date(2025, 1, 1)
    return [(start + datetime.timedelta(days=i * 365 // count),
             Decimal(rng.randint(-90000, 90000)) / 100 or Decimal("1.00"), rng.choice(LABELS))
            for i in range(count)]


def write_csv(path: Path, rows: list) -> None:
    out = ["Date;Libellé;Débit euros;Crédit euros;"]
    for date, number, label in rows:
        amount = format_amount(abs(number), ",", "\u00a0")
        out.append(f"{date:%d/%m/%Y};{label};{amount if number < 0 else ''};{amount if number > 0 else ''};")
    path.write_bytes("\r\n".join(out).encode("cp1252"))


def write_ofx(path: Path, rows: list) -> None:
    body = "".join(f"<STMTTRN><TRNTYPE>OTHER<DTPOSTED>{d:%Y%m%d}<TRNAMT>{n}<FITID>{i}<NAME>{l}</STMTTRN>\n"
                   for i, (d, n, l) in enumerate(rows))
    path.write_text(
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n"
        "COMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS>"
        "<CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20260101<LANGUAGE>FRA</SONRS></SIGNONMSGSRSV1>"
        "<BANKMSGSRSV1><STMTTRNRS><TRNUID>0<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>EUR"
        "<BANKACCTFROM><BANKID>1<ACCTID>1<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST>"
        f"<DTSTART>20250101<DTEND>20251231\n{body}</BANKTRANLIST><LEDGERBAL><BALAMT>0<DTASOF>20251231"
        "</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n")


def write_camt(path: Path, rows: list) -> None:
    entries = "".join(
        f'<Ntry><Amt Ccy="EUR">{abs(n)}</Amt><CdtDbtInd>{"CRDT" if n > 0 else "DBIT"}</CdtDbtInd>'
        f"<Sts>BOOK</Sts><BookgDt><Dt>{d}</Dt></BookgDt><AcctSvcrRef>R{i}</AcctSvcrRef>"
        f"<AddtlNtryInf>{l}</AddtlNtryInf></Ntry>\n" for i, (d, n, l) in enumerate(rows))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:'
                    'tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>FR76</IBAN></Id>'
                    f"</Acct>\n{entries}</Stmt></BkToCstmrStmt></Document>\n")


def write_journal(path: Path, count: int) -> None:
    out = ["Date;N° facture;Patient;Actes;Montant;Part AMO;Part AMC;Part patient"]
    start = datetime.date(2025, 1, 1)
    for i in range(count):
        day = start + datetime.timedelta(days=i * 365 // count)
        out.append(f"{day:%d/%m/%Y};FSE-{i:07d};Patient {i % 500};RAB 8 + IFD;20,18;12,11;8,07;")
    path.write_bytes("\n".join(out).encode("utf-8"))


def open_fse(count: int) -> list[data.Directive]:
    """A ledger side of ``count`` open FSE, for the grouped-transfer matcher."""
    entries = []
    for i in range(count):
        meta = data.new_metadata("<bench>", i)
        meta["facture"] = f"B-{i}"
        postings = [data.Posting("Assets:Creances:CPAM", Amount(Decimal("12.11"), "EUR"), None, None, None, None),
                    data.Posting("Income:Honoraires:Conventionnes", Amount(Decimal("-12.11"), "EUR"),
                                 None, None, None, None)]
        entries.append(data.Transaction(meta, datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 365),
                                        "*", None, "FSE", data.EMPTY_SET, frozenset({f"B-{i}"}), postings))
    return entries


def measure(name: str, importer, path: Path, rows: int, existing: list) -> None:
    begin = time.perf_counter()
    entries = importer.extract(str(path), existing)
    importer.deduplicate(entries, existing)
    elapsed = time.perf_counter() - begin
    print(f"{name:<10} {rows:>8} rows  {elapsed:7.2f} s  {rows / elapsed:>10,.0f} rows/s")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    rows = lines(count)
    existing = open_fse(2_000)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_csv(root / "b.csv", rows)
        write_ofx(root / "b.ofx", rows)
        write_camt(root / "b.xml", rows)
        write_journal(root / "j.csv", count)
        measure("csv", BankCSVImporter(ACCOUNT, "banque-traditionnelle"), root / "b.csv", count, existing)
        measure("ofx", OFXImporter(ACCOUNT), root / "b.ofx", count, existing)
        measure("camt.053", CamtImporter(ACCOUNT), root / "b.xml", count, existing)
        measure("journal", JournalImporter(), root / "j.csv", count, [])


if __name__ == "__main__":
    main()
