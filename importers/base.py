"""What every beancount-hn bank importer shares, on top of ``beangulp.Importer``.

* the statement account and, optionally, its number or IBAN (``account_id``):
  a file of another account is not identified, and extracting it is an error;
* categorisation of the imported lines (:mod:`.categorize`);
* deduplication by stable id, invoice number and amount/date
  (:mod:`.dedup`), used by beangulp, Fava and ``hn extract`` alike;
* ``date()`` and ``extract()`` over the subclass's ``read_entries()``.

The module functions serve the invoice-journal importer as well: the first
bytes ``identify()`` looks at, and the table of a CSV layout.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

import beangulp
from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.importers.categorize import Categorizer
from beancount_hn.importers.dedup import IMPORT_ID, mark_duplicates
from beancount_hn.importers.layouts import Layout
from beancount_hn.importers.table import Table, find_header, read_table
from beancount_hn.importers.textfile import ImportFileError, decode, read_bytes

#: identify() reads no more than this of a file by default.
SNIFF_BYTES = 16 * 1024


def file_head(filepath: str, suffixes: tuple[str, ...], size: int = SNIFF_BYTES) -> bytes | None:
    """The first ``size`` bytes of a file named ``*<suffix>`` (any case), for ``identify()``.

    None for another name or a file that cannot be read: not this importer's.
    """
    if not filepath.lower().endswith(suffixes):
        return None
    try:
        with open(filepath, "rb") as handle:
            return handle.read(size)
    except OSError:
        return None


def head_text(raw: bytes, filepath: str, encoding: str) -> str:
    """The text of a file's first bytes, in which ``identify()`` looks for a header."""
    try:
        text, _ = decode(raw, filepath, encoding)
    except ImportFileError:
        # The sample may end inside a character: extract() will judge the whole file.
        text = "" if b"\x00" in raw else raw.decode("utf-8", "ignore")
    return text


def read_layout_table(filepath: str, layout: Layout, what: str = "layout") -> tuple[str, Table]:
    """The file's text and its table of ``layout``, or an error naming the file (and line).

    ``what`` names the layout in the error: ``"layout"``, ``"journal layout"``.
    """
    text, _ = decode(read_bytes(filepath), filepath, layout.encoding)
    headers = find_header(text, [layout])
    if not headers:
        names = ", ".join("/".join(v) for v in layout.columns.values())
        raise ImportFileError(filepath, f"no header row of {what} {layout.name!r} in the first lines "
                                        f"(expected columns: {names})")
    return text, read_table(filepath, text, headers[0])


def account_key(text: str) -> str:
    """An account number or IBAN without spaces or punctuation, upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def same_account(found: str, expected: str) -> bool:
    """True when ``found`` and ``expected`` name one account.

    One may be a part of the other (an account number inside an IBAN, or the
    last digits a bank prints), as long as the shorter has five characters.
    """
    a, b = account_key(found), account_key(expected)
    if not a or not b:
        return True
    short, long = sorted((a, b), key=len)
    return short == long or (len(short) >= 5 and short in long)


class HnImporter(beangulp.Importer):
    """Base of the bank-statement importers (CSV, OFX, camt)."""

    #: Prefix of ``import-id`` values made by hashing (no bank id).
    scheme = "hn"

    def __init__(self, account: str, *, account_id: str | None = None,
                 categorizer: Categorizer | None = None, currency: str = "EUR",
                 flag: str = "*", window_days: int = 3) -> None:
        self.importer_account = account
        self.account_id = account_id
        self.categorizer = categorizer if categorizer is not None else Categorizer()
        self.currency = currency
        self.flag = flag
        self.window_days = window_days

    def account(self, filepath: str) -> str:
        return self.importer_account

    def check_account(self, path: str, found: str | None, line: int | None = None) -> None:
        """Raise when the file names another account than ``account_id``."""
        if found and self.account_id and not same_account(found, self.account_id):
            raise ImportFileError(
                path, f"statement of account {found}, but {self.importer_account} is "
                      f"{self.account_id}: import it with the right account", line)

    def is_own_account(self, found: str | None) -> bool:
        return not (found and self.account_id and not same_account(found, self.account_id))

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        mark_duplicates(entries, existing, self.importer_account, self.window_days)

    def date(self, filepath: str) -> datetime.date | None:
        dates = [e.date for e in self.read_entries(filepath) if isinstance(e, data.Transaction)]
        return max(dates) if dates else None

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        return self.finish(self.read_entries(filepath), existing)

    def read_entries(self, filepath: str) -> list[data.Directive]:
        """Transactions and balances of the file, not yet categorised."""
        raise NotImplementedError

    # -- helpers for subclasses -------------------------------------------------------

    def transaction(self, meta: dict, date: datetime.date, amount: Amount, payee: str | None,
                    narration: str, import_id: str) -> data.Transaction:
        """A one-posting transaction on the statement account."""
        meta = dict(meta)
        meta[IMPORT_ID] = import_id
        posting = data.Posting(self.importer_account, amount, None, None, None, None)
        return data.Transaction(meta, date, self.flag, payee or None, narration,
                                data.EMPTY_SET, data.EMPTY_SET, [posting])

    def balance(self, meta: dict, date: datetime.date, amount: Amount) -> data.Balance:
        """A balance assertion on the statement account."""
        return data.Balance(dict(meta), date, self.importer_account, amount, None, None)

    def finish(self, entries: list[data.Directive],
               existing: Sequence[data.Directive] | None) -> list[data.Directive]:
        """Categorise the extracted lines against the ledger's open invoices."""
        return self.categorizer.apply(entries, existing or [], self.importer_account)
