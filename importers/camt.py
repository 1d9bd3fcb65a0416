"""ISO 20022 bank-to-customer statements: camt.053 (statement), camt.052
(intraday report) and camt.054 (debit/credit notification), any version.

Read as a stream with the hardened lxml parser of :mod:`.xmlsafe` (no DTD, no
entity, no network; each entry is dropped once read, so a large file is never
held whole). Each booked entry (``Ntry`` with status ``BOOK``) becomes one
transaction: booking date (the day as written, whatever its time-zone suffix:
``2017-04-01+02:00``), the amount signed by ``CdtDbtInd`` whatever the sign of
the ``<Amt>`` text, with the decimals of its currency; the counterparty
(``Dbtr`` of a credit, ``Cdtr`` of a debit) as payee, the remittance
information (``Ustrd``, else ``AddtlTxInf``/``AddtlNtryInf``) as narration,
and ``import-id: "camt:<account>:<reference>"`` — the statement's IBAN (or
other account id) without spaces, and the bank's ``AcctSvcrRef`` (else
``NtryRef``) — or a fingerprint when the bank gives no reference. Ledgers
imported before the ids named the account carry ``camt:<reference>``: that
older form is given to :mod:`.dedup` as ``__legacy_import_id__``, recognised on
the same movement of the same account only. An entry repeated identically
(cumulative intraday reports) is kept once.

The closing booked balance (``CLBD``) becomes a ``balance`` the day after its
date: one per account and day, the one of the latest statement (electronic
sequence number, else creation time, else order in the file) when two
statements of one account close on the same day. Several accounts in one file
are never merged: ``account_id`` picks one.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from beancount.core import data
from beancount.core.amount import Amount
from lxml import etree

from beancount_hn.core.errors import as_written
from beancount_hn.importers.base import HnImporter, account_key, file_head, shown, to_precision
from beancount_hn.importers.dedup import IMPORT_ID, LEGACY_IMPORT_ID, IdMaker
from beancount_hn.importers.textfile import ImportFileError, read_bytes
from beancount_hn.importers.xmlsafe import iterparse_xml

XML_SUFFIXES = (".xml", ".camt", ".053", ".052", ".054")
_CAMT_NS = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.\d{3}\.\d{2}")
_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:$|[T+\-Z ])")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")

#: message kind -> statement element
KINDS = {"053": "Stmt", "052": "Rpt", "054": "Ntfctn"}


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


@dataclass
class _Statement:
    """What a statement gave so far: its account, order, entries and balances."""

    line: int
    position: int
    account: str = ""
    sequence: str = ""
    created: str = ""
    entries: list[data.Transaction] = field(default_factory=list)
    balances: list[data.Balance] = field(default_factory=list)
    references: list[tuple[data.Transaction, str]] = field(default_factory=list)

    def tie_ids(self, scheme: str) -> None:
        """Name the account in the ids made of the bank's references (``camt:<account>:<ref>``),
        keeping the older ``camt:<ref>`` as the legacy id: a reference is unique per account
        at best, and some banks number them afresh in each statement."""
        key = account_key(self.account)
        if not key:
            return  # no account in the statement: the reference alone, as before
        for txn, reference in self.references:
            txn.meta[IMPORT_ID] = f"{scheme}:{key}:{reference}"
            txn.meta[LEGACY_IMPORT_ID] = f"{scheme}:{reference}"

    @property
    def order(self) -> tuple:
        number = int(self.sequence) if self.sequence.isdigit() else -1
        return number, self.created, self.position


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
        return self.holds_own_account(i.decode("ascii") for i in ibans)

    def account_ids(self, filepath: str) -> list[str]:
        return list(dict.fromkeys(s.account for s in self._statements(filepath) if s.account))

    def read_entries(self, filepath: str) -> list[data.Directive]:
        """Transactions and balances of the file, not yet categorised."""
        statements = self._statements(filepath)
        chosen = self.chosen_ids(filepath, [s.account for s in statements if s.account],
                                 statements[0].line)
        own = [s for s in statements if not chosen or s.account in chosen]
        entries: list[data.Directive] = []
        seen: set[tuple] = set()
        for statement in own:
            for txn in statement.entries:
                key = (txn.meta[IMPORT_ID], txn.date, txn.postings[0].units)
                if key not in seen:  # the same booking in two cumulative reports
                    seen.add(key)
                    entries.append(txn)
        latest: dict[tuple, tuple[tuple, data.Balance]] = {}
        for statement in own:
            for balance in statement.balances:
                key = (statement.account, balance.date, balance.amount.currency)
                if key not in latest or latest[key][0] <= statement.order:
                    latest[key] = (statement.order, balance)
        return entries + [balance for _, balance in latest.values()]

    def _statements(self, path: str) -> list[_Statement]:
        """Every statement of the file, read as a stream."""
        raw = read_bytes(path)
        statements: list[_Statement] = []
        current: _Statement | None = None
        statement_tag = ""
        ids = IdMaker(self.scheme, self.importer_account)
        for event, element in iterparse_xml(raw, path):
            if not statement_tag:  # the root element: which message is it?
                namespace = etree.QName(element).namespace or ""
                kind = camt_kind(namespace.encode())
                if kind is None or kind not in self.kinds:
                    raise ImportFileError(path, "ce n'est pas un document ISO 20022 camt.053/052/054 "
                                                f"(espace de noms {as_written(namespace)})", element.sourceline)
                statement_tag = KINDS[kind]
                continue
            name = _local(element)
            if name == statement_tag:
                if event == "start":
                    current = _Statement(element.sourceline or 0, len(statements))
                elif current is not None:
                    current.tie_ids(self.scheme)
                    statements.append(current)
                    current = None
                    element.clear()
                continue
            if event == "start":
                continue
            parent = element.getparent()
            if current is None or parent is None or _local(parent) != statement_tag:
                continue
            if name == "Acct":
                current.account = _text(element, "Id/IBAN") or _text(element, "Id/Othr/Id")
            elif name == "ElctrncSeqNb":
                current.sequence = (element.text or "").strip()
            elif name == "CreDtTm":
                current.created = (element.text or "").strip()
            elif name == "Ntry":
                status = _text(element, "Sts/Cd") or _text(element, "Sts")
                if not status or status.upper() in ("BOOK", "BOOKED"):
                    txn, reference = self._entry(path, element, ids)
                    current.entries.append(txn)
                    if reference:
                        current.references.append((txn, reference))
            elif name == "Bal":
                code = _text(element, "Tp/CdOrPrtry/Cd") or _text(element, "Tp/CdOrPrtry/Prtry")
                if code.upper() == "CLBD":
                    day = self._date(path, element, "Dt")
                    current.balances.append(self.balance(
                        data.new_metadata(path, element.sourceline or 0),
                        day + datetime.timedelta(days=1), self._amount(path, element)))
            if name in ("Acct", "Ntry", "Bal"):
                element.clear()  # read: free it, and what came before it
                while element.getprevious() is not None:
                    del parent[0]
        if not statement_tag:
            raise ImportFileError(path, "aucun document XML dans le fichier")
        if not statements:
            raise ImportFileError(path, f"document camt sans aucun élément <{statement_tag}>")
        return statements

    def _entry(self, path: str, entry: etree._Element,
               ids: IdMaker) -> tuple[data.Transaction, str]:
        """The transaction of a booked entry, and the bank's reference it was given (or "")."""
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
        return self.transaction(meta, day, amount, payee or None, narration, import_id), reference

    def _amount(self, path: str, element: etree._Element) -> Amount:
        found = _find(element, "Amt")
        if found is None or not (found.text or "").strip():
            raise ImportFileError(path, f"<{_local(element)}> sans <Amt>", element.sourceline)
        text = found.text.strip()
        try:
            if not _PLAIN_NUMBER.match(text):
                raise InvalidOperation(text)
            number = abs(Decimal(text))
        except InvalidOperation as exc:
            raise ImportFileError(path, f"<Amt> « {shown(text)} » n'est pas un montant",
                                  found.sourceline) from exc
        indicator = _text(element, "CdtDbtInd")
        if indicator not in ("CRDT", "DBIT"):
            raise ImportFileError(path, f"<{_local(element)}> sans CdtDbtInd CRDT ou DBIT : "
                                        "crédit ou débit ?", element.sourceline)
        currency = found.get("Ccy") or self.currency
        number = to_precision(path, found.sourceline, number, currency)
        return Amount(-number if indicator == "DBIT" else number, currency)

    @staticmethod
    def _date(path: str, element: etree._Element, where: str) -> datetime.date:
        text = _text(element, f"{where}/Dt") or _text(element, f"{where}/DtTm")
        match = _DAY.match(text)
        try:
            if match is None:
                raise ValueError(text)
            return datetime.date.fromisoformat(match.group(1))
        except ValueError as exc:
            raise ImportFileError(path, f"<{_local(element)}> sans date <{where}> valide "
                                        f"(« {text} »)", element.sourceline) from exc
