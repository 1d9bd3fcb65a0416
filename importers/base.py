"""What every beancount-hn bank importer shares, on top of ``beangulp.Importer``.

* the statement account and, optionally, its number or IBAN (``account_id``):
  a file of another account is not identified, and extracting it is an error;
* categorisation of the imported lines (:mod:`.categorize`);
* deduplication by stable id, invoice number and amount/date
  (:mod:`.dedup`), used by beangulp, Fava and ``hn extract`` alike.
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
from beancount_hn.importers.textfile import ImportFileError


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
