"""Regenerate the sample bank exports and invoice journal of this folder from the example ledger.

They are what the bank and the practice software would have given for entries the
example already holds, so ``hn extract … --existing ledger_example/main.beancount``
adds nothing from them; except ``banque-2026-02.csv``, February 2026's statement,
whose lines (``NEW_LINES``) are not in the ledger yet: it is the one to import
(Fava's import page proposes its entries, all on opened accounts). Run after
changing the example (from the repository root)::

    BEANCOUNT_DISABLE_LOAD_CACHE=1 python ledger_example/documents/make_documents.py
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import data

from beancount_hn.importers.amounts import format_amount

HERE = Path(__file__).resolve().parent
LEDGER = HERE.parent / "main.beancount"
ACCOUNT = "Assets:Banque:Courant"
ACCOUNT_NUMBER = "00012345678"
IBAN = "FR7618206000420001234567858"
JOURNAL_INVOICES = ("F-2025-0002", "F-2025-0004", "F-2025-0007", "F-2025-0012")
#: February 2026 at the bank, not in the ledger: each line has its rule in regles-import.toml,
#: or settles an open receivable (the CPAM's 42.00 EUR still due, see 2026.beancount).
NEW_MONTH = (2026, 2)
NEW_LINES = [
    (datetime.date(2026, 2, 2), Decimal("288.00"),
     "Remise CB cours collectifs Pilates, semaine du 26 au 30 janvier (2 cours, 18 participants à 16 EUR)"),
    (datetime.date(2026, 2, 2), Decimal("-700.00"), "Loyer et charges du cabinet, février 2026"),
    (datetime.date(2026, 2, 4), Decimal("-61.40"), "Carburant (visites à domicile)"),
    (datetime.date(2026, 2, 5), Decimal("-486.00"),
     "Prélèvement URSSAF cotisations personnelles, échéance de février 2026"),
    (datetime.date(2026, 2, 12), Decimal("42.00"),
     "VIR CPAM DU RHONE tiers payant AMO, régularisation d'une FSE rejetée"),
    (datetime.date(2026, 2, 20), Decimal("-412.00"), "Prélèvement CARPIMKO retraite et prévoyance, février 2026"),
    (datetime.date(2026, 2, 27), Decimal("-19.87"), "Frais de tenue de compte et commissions TPE, février 2026"),
]


def bank_lines(entries: list, year: int, month: int) -> list[tuple[datetime.date, Decimal, str]]:
    lines = []
    for entry in entries:
        if isinstance(entry, data.Transaction) and (entry.date.year, entry.date.month) == (year, month):
            for posting in entry.postings:
                if posting.account == ACCOUNT:
                    lines.append((entry.date, posting.units.number, entry.narration))
    return lines


def balance_after(entries: list, day: datetime.date) -> Decimal:
    return sum((p.units.number for e in entries if isinstance(e, data.Transaction) and e.date <= day
                for p in e.postings if p.account == ACCOUNT), Decimal(0))


def month_end(year: int, month: int) -> datetime.date:
    return (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1))


def write_csv(entries: list, year: int, month: int,
              new: list[tuple[datetime.date, Decimal, str]] | None = None) -> None:
    """The month's CSV statement: the ledger's lines, or ``new`` lines that follow the ledger."""
    end = month_end(year, month)
    lines = bank_lines(entries, year, month) if new is None else new
    closing = balance_after(entries, end) + sum((number for _, number, _ in new or ()), Decimal(0))
    nbsp = "\u00a0"
    rows = [f"Compte Courant Professionnel n° {ACCOUNT_NUMBER};;;",
            f"Téléchargement du {end + datetime.timedelta(days=1):%d/%m/%Y};;;",
            f"Solde au {end:%d/%m/%Y};;;{format_amount(closing, ',', nbsp)} €",
            ";;;", "Date;Libellé;Débit euros;Crédit euros;"]
    for date, number, label in lines:
        amount = format_amount(abs(number), ",", nbsp)
        debit, credit = (amount, "") if number < 0 else ("", amount)
        rows.append(f'{date:%d/%m/%Y};"{label.upper()}";{debit};{credit};')
    path = HERE / f"banque-{year}-{month:02d}.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))


def write_ofx(entries: list, year: int, month: int) -> None:
    end = month_end(year, month)
    transactions = []
    for n, (date, number, label) in enumerate(bank_lines(entries, year, month), 1):
        transactions.append(
            f"<STMTTRN>\n<TRNTYPE>{'CREDIT' if number > 0 else 'DEBIT'}\n<DTPOSTED>{date:%Y%m%d}\n"
            f"<TRNAMT>{number}\n<FITID>{date:%Y%m%d}{n:05d}\n<NAME>{label[:32].upper()}\n"
            f"<MEMO>{label.upper()}\n</STMTTRN>")
    body = "\n".join(transactions)
    text = f"""OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1>
<SONRS>
<STATUS>
<CODE>0
<SEVERITY>INFO
</STATUS>
<DTSERVER>{end + datetime.timedelta(days=1):%Y%m%d}080000
<LANGUAGE>FRA
</SONRS>
</SIGNONMSGSRSV1>
<BANKMSGSRSV1>
<STMTTRNRS>
<TRNUID>0
<STATUS>
<CODE>0
<SEVERITY>INFO
</STATUS>
<STMTRS>
<CURDEF>EUR
<BANKACCTFROM>
<BANKID>18206
<BRANCHID>00042
<ACCTID>{ACCOUNT_NUMBER}
<ACCTTYPE>CHECKING
</BANKACCTFROM>
<BANKTRANLIST>
<DTSTART>{year}{month:02d}01
<DTEND>{end:%Y%m%d}
{body}
</BANKTRANLIST>
<LEDGERBAL>
<BALAMT>{balance_after(entries, end)}
<DTASOF>{end:%Y%m%d}
</LEDGERBAL>
</STMTRS>
</STMTTRNRS>
</BANKMSGSRSV1>
</OFX>
"""
    (HERE / f"banque-{year}-{month:02d}.ofx").write_bytes(text.replace("\n", "\r\n").encode("cp1252"))


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_camt(entries: list, year: int, month: int) -> None:
    end = month_end(year, month)
    start = datetime.date(year, month, 1) - datetime.timedelta(days=1)
    items = []
    for n, (date, number, label) in enumerate(bank_lines(entries, year, month), 1):
        indicator = "CRDT" if number > 0 else "DBIT"
        items.append(f"""      <Ntry>
        <Amt Ccy="EUR">{abs(number)}</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>{date.isoformat()}</Dt></BookgDt><ValDt><Dt>{date.isoformat()}</Dt></ValDt>
        <AcctSvcrRef>{date:%Y%m%d}-{n:04d}</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>{_xml(label.upper())}</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>""")

    def balance(code: str, day: datetime.date) -> str:
        amount = balance_after(entries, day)
        return (f'      <Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>'
                f'<Amt Ccy="EUR">{abs(amount)}</Amt><CdtDbtInd>{"CRDT" if amount >= 0 else "DBIT"}'
                f'</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>')

    newline = "\n"
    text = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT-{year}-{month:02d}</MsgId><CreDtTm>{end + datetime.timedelta(days=1)}T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-{year}-{month:02d}</Id>
      <CreDtTm>{end + datetime.timedelta(days=1)}T06:00:00</CreDtTm>
      <Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
{balance("OPBD", start)}
{balance("CLBD", end)}
{newline.join(items)}
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""
    (HERE / f"banque-{year}-{month:02d}.camt053.xml").write_text(text, encoding="utf-8")


def write_journal(entries: list) -> None:
    rows = ["Date;N° facture;Patient;Actes;Montant;Part AMO;Part AMC;Part patient;Caisse;Mutuelle;"
            "Dépassement;Devis"]
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.meta.get("facture") in JOURNAL_INVOICES:
            amount = format_amount(sum(p.units.number for p in entry.postings
                                       if p.account.startswith("Assets:Creances:")), ",", "")
            rows.append(f"{entry.date:%d/%m/%Y};{entry.meta['facture']};{entry.payee};HN;{amount};;;"
                        f"{amount};;;;{entry.meta.get('devis', '')}")
    (HERE / "journal-factures-2025.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))


def main() -> None:
    os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    entries, errors, _ = loader.load_file(str(LEDGER))
    if errors:
        raise SystemExit(f"{LEDGER}: {len(errors)} error(s); fix the example first")
    write_csv(entries, 2025, 3)
    write_ofx(entries, 2025, 4)
    write_camt(entries, 2025, 5)
    write_journal(entries)
    if bank_lines(entries, *NEW_MONTH):
        raise SystemExit(f"{LEDGER} already holds {NEW_MONTH}: choose a later month for NEW_LINES")
    write_csv(entries, *NEW_MONTH, new=NEW_LINES)


if __name__ == "__main__":
    main()
