"""OFX/QFX statements (French banks' « Money » export), parsed by ofxtools.

One transaction per ``STMTTRN`` with ``import-id: "ofx:<FITID>"``, categorised;
a ``balance`` from ``LEDGERBAL`` (dated the day after ``DTASOF``, Beancount
balances applying at the start of a day). Bank and credit-card statements
are read; a file with several accounts imports the one of ``account_id``.
"""

from __future__ import annotations

import datetime
import logging
import re
import warnings
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount
from ofxtools.Parser import OFXTree

from beancount_hn.importers.base import HnImporter, file_head, same_account
from beancount_hn.importers.textfile import ImportFileError, read_bytes
from beancount_hn.importers.xmlsafe import reject_markup_declarations

OFX_SUFFIXES = (".ofx", ".qfx")
_OFX_START = re.compile(rb"^\s*(?:OFXHEADER\s*:|<\?xml[^>]*>\s*<\?OFX)", re.IGNORECASE)

# ofxtools logs every over-long NAME; French banks routinely exceed 32 characters.
logging.getLogger("ofxtools").setLevel(logging.ERROR)


def looks_like_ofx(head: bytes) -> bool:
    """True when the first bytes are an OFX v1 header or an OFX v2 declaration."""
    return bool(_OFX_START.match(head)) or b"<OFX>" in head.upper()


class OFXImporter(HnImporter):
    """An OFX/QFX statement of one account."""

    scheme = "ofx"
    _raw_dates: dict[tuple[str, str], datetime.date] = {}

    def identify(self, filepath: str) -> bool:
        head = file_head(filepath, OFX_SUFFIXES, 4096)
        if head is None or not looks_like_ofx(head):
            return False
        found = re.search(rb"<ACCTID>\s*([^<\s]+)", head)
        return self.is_own_account(found.group(1).decode("ascii", "replace") if found else None)

    def _statements(self, filepath: str) -> list[Any]:
        raw = read_bytes(filepath)
        reject_markup_declarations(raw, filepath)
        tree = OFXTree()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with open(filepath, "rb") as handle:
                    tree.parse(handle)
                ofx = tree.convert()
            self._raw_dates = _raw_dates(tree)
        except Exception as exc:  # ofxtools raises many types; all mean "unreadable OFX"
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if isinstance(exc, AssertionError) or "end tag" in message.lower():
                message = "unclosed elements at the end of the file: it is truncated"
            raise ImportFileError(filepath, f"not a complete OFX statement ({message[:200]})") from exc
        statements = list(getattr(ofx, "statements", None) or [])
        if not statements:
            raise ImportFileError(filepath, "OFX file without any bank or card statement")
        return statements

    def read_entries(self, filepath: str) -> list[data.Directive]:
        """Transactions and balance of the file, not yet categorised."""
        statements = self._statements(filepath)
        own = [s for s in statements if self.is_own_account(str(s.account.acctid))]
        if not own:
            found = ", ".join(str(s.account.acctid) for s in statements)
            self.check_account(filepath, found)
        if len(own) > 1 and not self.account_id:
            ids = sorted({str(s.account.acctid) for s in own})
            if len(ids) > 1:
                raise ImportFileError(filepath, f"statements of several accounts ({', '.join(ids)}): "
                                                "give the importer the account_id to import")
        entries: list[data.Directive] = []
        for statement in own:
            entries.extend(self._statement(filepath, statement))
        return entries

    def _statement(self, filepath: str, statement: Any) -> list[data.Directive]:
        currency = str(statement.curdef or self.currency)
        acctid = str(statement.account.acctid)
        entries: list[data.Directive] = []
        for position, trn in enumerate(statement.transactions or [], 1):
            # ofxtools turns times into UTC; the bank's own calendar day is the first 8 digits.
            date = self._raw_dates.get(("STMTTRN", str(trn.fitid))) or trn.dtposted.date()
            number = trn.trnamt
            if number is None:
                raise ImportFileError(filepath, f"STMTTRN {trn.fitid}: no TRNAMT")
            name = " ".join(str(trn.name or "").split())
            memo = " ".join(str(trn.memo or "").split())
            narration = " ".join(filter(None, (name, memo if memo != name else "")))
            meta = data.new_metadata(filepath, position)
            entries.append(self.transaction(meta, date, Amount(number, currency), None,
                                            narration, f"{self.scheme}:{acctid}:{trn.fitid}"))
        balance = statement.balance
        if balance is not None and balance.balamt is not None and balance.dtasof is not None:
            day = self._raw_dates.get(("LEDGERBAL", acctid)) or balance.dtasof.date()
            date = day + datetime.timedelta(days=1)
            entries.append(self.balance(data.new_metadata(filepath, 0), date,
                                        Amount(balance.balamt, currency)))
        return entries


def _day(text: str | None) -> datetime.date | None:
    digits = (text or "").strip()[:8]
    try:
        return datetime.datetime.strptime(digits, "%Y%m%d").date()
    except ValueError:
        return None


def _raw_dates(tree: OFXTree) -> dict[tuple[str, str], datetime.date]:
    """Calendar days as written: ("STMTTRN", fitid) and ("LEDGERBAL", acctid) -> date."""
    days: dict[tuple[str, str], datetime.date] = {}
    root = tree.getroot()
    for statement in root.iter():
        if statement.tag not in ("STMTRS", "CCSTMTRS"):
            continue
        acctid = statement.findtext(".//ACCTID") or ""
        for trn in statement.iter("STMTTRN"):
            day = _day(trn.findtext("DTPOSTED"))
            if day is not None:
                days[("STMTTRN", (trn.findtext("FITID") or "").strip())] = day
        day = _day(statement.findtext("LEDGERBAL/DTASOF"))
        if day is not None:
            days[("LEDGERBAL", acctid.strip())] = day
    return days


__all__ = ["OFXImporter", "looks_like_ofx", "same_account"]
