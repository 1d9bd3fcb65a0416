"""ISO 20022 bank-to-customer statements: camt.053 (statement), camt.052
(intraday report) and camt.054 (debit/credit notification), any version.

Parsed with the hardened lxml parser of :mod:`.xmlsafe` (no DTD, no entity,
no network). Each booked entry (``Ntry`` with status ``BOOK``) becomes one
transaction: booking date, signed amount (``CdtDbtInd``), counterparty
(``Dbtr`` of a credit, ``Cdtr`` of a debit) as payee, remittance information
(``Ustrd``, else ``AddtlTxInf``/``AddtlNtryInf``) as narration, and
``import-id: "camt:<AcctSvcrRef>"`` (or a hash when the bank gives no
reference). The closing booked balance (``CLBD``) of each statement becomes
a ``balance`` the day after its date. Several statements per file are read;
with ``account_id`` only the statements of that IBAN/number.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from beancount.core import data
from beancount.core.amount import Amount
from lxml import etree

from beancount_hn.importers.base import HnImporter, file_head
from beancount_hn.importers.dedup import IdMaker
from beancount_hn.importers.textfile import ImportFileError, read_bytes
from beancount_hn.importers.xmlsafe import parse_xml

XML_SUFFIXES = (".xml", ".camt", ".053", ".052", ".054")
_CAMT_NS = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.\d{3}\.\d{2}")

#: message kind -> (document child, statement element)
KINDS = {
    "053": ("BkToCstmrStmt", "Stmt"),
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}


def camt_kind(head: bytes) -> str | None:
    """``"053"``, ``"052"`` or ``"054"`` from the namespace in the first bytes, else None."""
    match = _CAMT_NS.search(head)
    return match.group(1).decode("ascii") if match else None


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _find(element: etree._Element | None, path: str) -> etree._Element | None:
    if element is None:
        return None
    return element.find("/".join(f"{{*}}{part}" for part in path.split("/")))


def _text(element: etree._Element | None, path: str) -> str:
    found = _find(element, path)
    return " ".join((found.text or "").split()) if found is not None else ""


def _all(element: etree._Element, path: str) -> list[etree._Element]:
    return list(element.iterfind("/".join(f"{{*}}{part}" for part in path.split("/"))))


class CamtImporter(HnImporter):
    """camt.053/052/054 files of one account."""

    scheme = "camt"

    def __init__(self, account: str, *, kinds: tuple[str, ...] = ("053", "052", "054"),
                 **options) -> None:
        super().__init__(account, **options)
        self.kinds = kinds

    def identify(self, filepath: str) -> bool:
        head = file_head(filepath, XML_SUFFIXES, 8192)
        if head is None or camt_kind(head) not in self.kinds:
            return False
        ibans = re.findall(rb"<(?:\w+:)?IBAN>\s*([A-Z0-9 ]+?)\s*</", head)
        return not ibans or any(self.is_own_account(i.decode("ascii")) for i in ibans)

    def read_entries(self, filepath: str) -> list[data.Directive]:
        """Transactions and balances of the file, not yet categorised."""
        raw = read_bytes(filepath)
        root = parse_xml(raw, filepath)
        kind = camt_kind(etree.QName(root).namespace.encode() if etree.QName(root).namespace else b"")
        if kind is None or kind not in self.kinds:
            raise ImportFileError(filepath, "not an ISO 20022 camt.053/052/054 document "
                                            f"(root namespace {etree.QName(root).namespace!r})",
                                  root.sourceline)
        group_tag, statement_tag = KINDS[kind]
        statements = _all(root, f"{group_tag}/{statement_tag}")
        if not statements:
            raise ImportFileError(filepath, f"camt.{kind} without any {statement_tag} element",
                                  root.sourceline)
        accounts = [(s, self._account_of(s)) for s in statements]
        own = [(s, a) for s, a in accounts if self.is_own_account(a)]
        if not own:
            found = ", ".join(sorted({a for _, a in accounts if a}))
            self.check_account(filepath, found, statements[0].sourceline)
        if not self.account_id and len({a for _, a in own}) > 1:
            raise ImportFileError(filepath, "statements of several accounts ("
                                  + ", ".join(sorted({a for _, a in own if a}))
                                  + "): give the importer the account_id to import")
        entries: list[data.Directive] = []
        ids = IdMaker(self.scheme, self.importer_account)
        for statement, _ in own:
            entries.extend(self._statement(filepath, statement, ids))
        return entries

    @staticmethod
    def _account_of(statement: etree._Element) -> str:
        return _text(statement, "Acct/Id/IBAN") or _text(statement, "Acct/Id/Othr/Id")

    def _statement(self, path: str, statement: etree._Element, ids: IdMaker) -> list[data.Directive]:
        currency = _text(statement, "Acct/Ccy") or self.currency
        entries: list[data.Directive] = []
        for entry in _all(statement, "Ntry"):
            status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
            if status and status.upper() not in ("BOOK", "BOOKED"):
                continue  # pending or information only: not on the account yet
            entries.append(self._entry(path, entry, currency, ids))
        for balance in _all(statement, "Bal"):
            code = _text(balance, "Tp/CdOrPrtry/Cd") or _text(balance, "Tp/CdOrPrtry/Prtry")
            if code.upper() != "CLBD":
                continue
            amount = self._amount(path, balance)
            day = self._date(path, balance, "Dt")
            entries.append(self.balance(data.new_metadata(path, balance.sourceline or 0),
                                        day + datetime.timedelta(days=1), amount))
        return entries

    def _entry(self, path: str, entry: etree._Element, currency: str,
               ids: IdMaker) -> data.Transaction:
        amount = self._amount(path, entry)
        day = self._date(path, entry, "BookgDt")
        credit = amount.number > 0
        details = _all(entry, "NtryDtls/TxDtls")
        party = "Dbtr" if credit else "Cdtr"
        payee = ""
        remittance: list[str] = []
        for detail in details:
            payee = payee or _text(detail, f"RltdPties/{party}/Nm") \
                or _text(detail, f"RltdPties/{party}/Pty/Nm")
            remittance.extend(" ".join((e.text or "").split()) for e in _all(detail, "RmtInf/Ustrd")
                              if (e.text or "").strip())
            if not remittance and (extra := _text(detail, "AddtlTxInf")):
                remittance.append(extra)
        if not remittance and (extra := _text(entry, "AddtlNtryInf")):
            remittance.append(extra)
        narration = " ".join(" ".join(remittance).split())
        reference = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
        if not reference and len(details) == 1:
            reference = _text(details[0], "Refs/AcctSvcrRef")
        import_id = (f"{self.scheme}:{reference}" if reference
                     else ids(day, amount.number, f"{payee} {narration}"))
        meta = data.new_metadata(path, entry.sourceline or 0)
        return self.transaction(meta, day, amount, payee or None, narration, import_id)

    @staticmethod
    def _amount(path: str, element: etree._Element) -> Amount:
        found = _find(element, "Amt")
        indicator = _text(element, "CdtDbtInd")
        if found is None or not (found.text or "").strip():
            raise ImportFileError(path, f"<{_local(element)}> without <Amt>", element.sourceline)
        try:
            number = Decimal(found.text.strip())
        except InvalidOperation as exc:
            raise ImportFileError(path, f"<Amt> {found.text.strip()!r} is not a number",
                                  found.sourceline) from exc
        if indicator not in ("CRDT", "DBIT"):
            raise ImportFileError(path, f"<{_local(element)}> without CdtDbtInd CRDT or DBIT",
                                  element.sourceline)
        currency = found.get("Ccy") or "EUR"
        return Amount(-number if indicator == "DBIT" else number, currency)

    @staticmethod
    def _date(path: str, element: etree._Element, where: str) -> datetime.date:
        text = _text(element, f"{where}/Dt") or _text(element, f"{where}/DtTm")[:10]
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as exc:
            raise ImportFileError(path, f"<{_local(element)}> without a valid <{where}> date "
                                        f"({text!r})", element.sourceline) from exc
