"""Importers on generated statements: rows per second, and whether time and memory stay linear.

    python bench/bench_importers.py [ROWS]           # ROWS for the CSV (default 200 000)
    python bench/bench_importers.py --quick          # 20 000 CSV rows, a 6 MB camt

Each measurement runs in a fresh process (the peak resident memory, ``VmHWM``, is
per process) on a file written beforehand in a temporary folder:

* a bank CSV (``credit-agricole`` export, cp1252, NBSP thousands) of ROWS lines and
  one of half as many, extracted against a ledger of open FSE (the CPAM matching
  runs);
* a camt.053 of about 60 MB for 200 000 rows (entries with their transaction
  details, as banks write them) and one of half the size;
* an OFX and an invoice journal of ROWS / 10 lines, for their rows per second.

For each file: its size, wall-clock and CPU time (the CPU time is what other processes
of a shared machine disturb least), CPU seconds per MB, the peak memory the extraction
added (``VmHWM`` after minus ``VmRSS`` before) and that peak per MB of input. Linear means
that doubling the input at most doubles both (the last lines compare the two sizes;
a ratio near 2.0 is linear). Timings depend on the machine: nothing is asserted.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.importers.amounts import format_amount

ACCOUNT = "Assets:Banque:Courant"
LABELS = ["CB PHARMACIE", "PRLV URSSAF", "VIR CPAM DU RHONE", "REMISE CB PILATES", "PRLV LOYER",
          "VIR ALMERYS TIERS PAYANT", "CB STATION SERVICE"]
CAMT_BYTES = 60 * 1024 * 1024 // 200_000  # per CSV row: a 60 MB camt for 200 000 rows
CAMT_ENTRY_BYTES = 400  # what write_camt writes per entry
MB = 1024 * 1024


def lines(count: int, seed: int = 7) -> list[tuple[datetime.date, Decimal, str]]:
    rng = random.Random(seed)
    start = datetime.date(2025, 1, 1)
    return [(start + datetime.timedelta(days=i * 365 // count),
             Decimal(rng.randint(-90000, 90000)) / 100 or Decimal("1.00"), rng.choice(LABELS))
            for i in range(count)]


def write_csv(path: Path, rows: list) -> None:
    out = ["Téléchargement du 01/01/2026;", "", "CCHQ       no 12345678901;", "",
           "Date;Libellé;Débit Euros;Crédit Euros;"]
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
    """A camt.053 whose entries carry references, a counterparty and remittance text."""
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:'
                  'tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>'
                  "FR7630001007941234567890185</IBAN></Id><Ccy>EUR</Ccy></Acct>\n")
        for i, (d, n, l) in enumerate(rows):
            side, party = ("CRDT", "Dbtr") if n > 0 else ("DBIT", "Cdtr")
            out.write(f'<Ntry><Amt Ccy="EUR">{abs(n)}</Amt><CdtDbtInd>{side}</CdtDbtInd><Sts>BOOK</Sts>'
                      f"<BookgDt><Dt>{d}</Dt></BookgDt><ValDt><Dt>{d}</Dt></ValDt>"
                      f"<AcctSvcrRef>R{i:09d}</AcctSvcrRef><NtryDtls><TxDtls><Refs>"
                      f"<EndToEndId>E2E{i:012d}</EndToEndId></Refs><RltdPties><{party}><Nm>{l}</Nm>"
                      f"</{party}></RltdPties><RmtInf><Ustrd>{l} REF {i:08d}</Ustrd></RmtInf>"
                      "</TxDtls></NtryDtls></Ntry>\n")
        out.write("</Stmt></BkToCstmrStmt></Document>\n")


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


def _status_kb(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(kind: str, path: str) -> None:
    """One extraction in this fresh process; prints a JSON line of its figures."""
    from beancount_hn.importers.bank_csv import BankCSVImporter
    from beancount_hn.importers.camt import CamtImporter
    from beancount_hn.importers.journal import JournalImporter
    from beancount_hn.importers.ofx import OFXImporter

    importer = {"csv": lambda: BankCSVImporter(ACCOUNT, "credit-agricole"),
                "camt.053": lambda: CamtImporter(ACCOUNT),
                "ofx": lambda: OFXImporter(ACCOUNT),
                "journal": JournalImporter}[kind]()
    existing = open_fse(2_000) if kind != "journal" else []
    before = _status_kb("VmRSS")
    begin, cpu = time.perf_counter(), time.process_time()
    entries = importer.extract(path, existing)
    importer.deduplicate(entries, existing)
    print(json.dumps({"seconds": time.perf_counter() - begin, "cpu": time.process_time() - cpu,
                      "peak_kb": _status_kb("VmHWM") - before,
                      "rows": sum(isinstance(e, data.Transaction) for e in entries)}))


def measure(kind: str, path: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], capture_output=True,
                          text=True, env={**os.environ, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"}, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{kind} {path.name}: {proc.stderr.strip()[-800:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["mb"] = path.stat().st_size / MB
    return result


def report(kind: str, result: dict) -> None:
    mb, cpu, peak = result["mb"], result["cpu"], result["peak_kb"] / 1024
    print(f"{kind:<9} {result['rows']:>7} rows {mb:6.1f} MB  {result['seconds']:7.2f} s wall "
          f"{cpu:7.2f} s CPU {cpu / mb:6.2f} s/MB {result['rows'] / cpu:>7,.0f} rows/s  "
          f"peak +{peak:5.0f} MB {peak / mb:5.1f} MB/MB")


def linearity(kind: str, small: dict, big: dict) -> None:
    size = big["mb"] / small["mb"]
    print(f"{kind:<9} input x{size:.2f}: CPU time x{big['cpu'] / small['cpu']:.2f}, "
          f"peak memory x{big['peak_kb'] / max(small['peak_kb'], 1):.2f} (linear: at most x{size:.2f})")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2])
        return
    count = 20_000 if argv[:1] == ["--quick"] else int(argv[0]) if argv else 200_000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        results: dict[str, list[dict]] = {}
        camt_rows = count * CAMT_BYTES // CAMT_ENTRY_BYTES
        for kind, writer, sizes in (("csv", write_csv, (count // 2, count)),
                                    ("camt.053", write_camt, (camt_rows // 2, camt_rows))):
            for rows in sizes:
                path = root / (f"releve-{rows}.csv" if kind == "csv" else f"releve-{rows}.xml")
                writer(path, lines(rows))
                results.setdefault(kind, []).append(measure(kind, path))
                report(kind, results[kind][-1])
        write_ofx(root / "b.ofx", lines(count // 10))
        report("ofx", measure("ofx", root / "b.ofx"))
        write_journal(root / "j.csv", count // 10)
        report("journal", measure("journal", root / "j.csv"))
        for kind, (small, big) in results.items():
            linearity(kind, small, big)


if __name__ == "__main__":
    main(sys.argv[1:])
