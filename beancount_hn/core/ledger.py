"""One pass over a ledger's entries, shared by every core computation.

``LedgerIndex.build(entries, options_map)`` reads the configuration and the
``open`` directives once; plugins, the CLI and Fava all start from it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from beancount.core import data
from beancount.parser import options as options_lib

from beancount_hn.core.config import HnConfig, load_config
from beancount_hn.core.mapping import default_line

LINE_KEY = "ligne-2035"
#: What ``hn extract`` writes, with the ``!`` flag, on an entry it leaves for review (the reason).
REVIEW_KEY = "a-verifier"
#: The id of the statement line an imported transaction comes from (one per line: ``importers.dedup``).
IMPORT_KEY = "import-id"

# Root types in the order of beancount's options ("name_assets", …).
_ROOT_TYPES = ("assets", "liabilities", "equity", "income", "expenses")


@dataclass
class AccountSets:
    """The accounts of each transaction of a ledger, read once for every step after the sweep
    that read them: by position among the transactions, the id of its tuple of posting
    accounts (one id per distinct tuple) and the postings it was read from.

    A later step sees the chain's copies of the transactions (a tag added), which keep their
    postings: a reader takes the id of a transaction whose postings are those read at its
    position, and reads any other one itself.
    """

    postings: list[list[data.Posting]] = field(default_factory=list)  # by position
    ids: list[int] = field(default_factory=list)  # by position
    accounts: list[tuple[str, ...]] = field(default_factory=list)  # by id


@dataclass
class LedgerIndex:
    """The configuration, the accounts and their ``open`` metadata of a ledger."""

    config: HnConfig
    config_errors: list
    opens: dict[str, data.Open]
    root_names: dict[str, str]  # "income" -> "Income" (or "Recettes" with name_income)
    _root_of: dict[str, str] = field(default_factory=dict, repr=False)
    _lines: dict[str, str | None] = field(default_factory=dict, repr=False)
    # Each account that counts as treasury, and from when (see ``treasury_from``).
    _treasury: dict[str, datetime.date] | None = field(default=None, repr=False)
    currency: str = "EUR"  # the operating currency: every figure is in it
    files: tuple[str, ...] = ()  # the files Beancount loaded (``options_map["include"]``), as it named them
    roles: Any = field(default=None, repr=False)  # ``roles.Roles``, made on first use (``roles_of``)
    # What the plugin chain's convention step leaves for the steps after it: one classification
    # per chain (``beancount_hn.core.classify.TaxableReceipts`` for the VAT step,
    # ``beancount_hn.core.classify.ClassifiedReceipts`` for the invoice book).
    taxable_receipts: Any = field(default=None, repr=False)
    classified_receipts: Any = field(default=None, repr=False)
    # What the invoice step leaves for the VAT step: the ``id`` of each credit note's transaction
    # reported as taking back fees of a status its invoice has not billed
    # (``beancount_hn.invoicing.invoices.credit_notes_off_status``); None when no invoice step ran.
    credit_notes_off_status: Any = field(default=None, repr=False)
    # The accounts of each transaction, as the chain's first sweep of them read them (``roles.check``),
    # for the steps after it (:class:`AccountSets`); None until then.
    account_sets: AccountSets | None = field(default=None, repr=False)

    @classmethod
    def build(cls, entries: Sequence[data.Directive], options_map: dict[str, Any] | None) -> LedgerIndex:
        """Index ``entries`` (one pass) with the account roots of ``options_map``."""
        config, errors = load_config(entries)
        opens = {e.account: e for e in entries if isinstance(e, data.Open)}
        types = options_lib.get_account_types(options_map or options_lib.OPTIONS_DEFAULTS)
        root_names = dict(zip(_ROOT_TYPES, types, strict=True))
        operating = (options_map or {}).get("operating_currency") or ["EUR"]
        return cls(config, errors, opens, root_names, {v: k for k, v in root_names.items()},
                   currency=operating[0], files=tuple((options_map or {}).get("include") or ()))

    def root_type(self, account: str) -> str | None:
        """``"income"``, ``"expenses"``… for an account, from its first component."""
        return self._root_of.get(account.split(":", 1)[0])

    def open_meta(self, account: str, key: str, default: Any = None) -> Any:
        """A metadata value of the account's ``open`` directive."""
        entry = self.opens.get(account)
        if entry is None or not entry.meta:
            return default
        return entry.meta.get(key, default)

    def line_of(self, account: str) -> str | None:
        """The 2035 line an income or expense account feeds, or None if unmapped.

        ``ligne-2035:`` on the account's ``open`` wins over the default table.
        """
        cache = self._lines
        if account in cache:
            return cache[account]
        line = self.open_meta(account, LINE_KEY)
        if line is not None:
            line = str(line).strip()
        else:
            root = self.root_type(account)
            rest = account.split(":", 1)[1] if ":" in account else ""
            rule = default_line(root, rest) if root else None
            line = rule.line if rule else None
        cache[account] = line
        return line

    def is_receipt_account(self, account: str) -> bool:
        """True for income accounts of fees (line AA): their postings are receipts."""
        return self.root_type(account) == "income" and self.line_of(account) == "AA"

    @property
    def treasury_from(self) -> dict[str, datetime.date]:
        """Every opened account that counts as treasury, with the first day it does.

        ``hn-option "treasury" Assets:Banque`` covers ``Assets:Banque`` and every
        account below it, from the option's date; an account covered by several
        options counts from the earliest.
        """
        if self._treasury is None:
            declared: dict[str, datetime.date] = {}
            for option in self.config.entries("treasury"):
                declared.setdefault(option.value, option.date)
            covered: dict[str, datetime.date] = {}
            for account in sorted({*self.opens, *declared}):
                dates = [day for parent in parents(account) if (day := declared.get(parent)) is not None]
                if dates:
                    covered[account] = min(dates)
            self._treasury = covered
        return self._treasury

    def treasury_since(self, account: str) -> datetime.date | None:
        """The first day ``account`` counts as treasury (None: never)."""
        known = self.treasury_from
        if account in known:
            return known[account]
        dates = [known[parent] for parent in parents(account) if parent in known]  # not opened
        return min(dates) if dates else None

    def treasury_accounts(self, on: datetime.date | None = None) -> list[str]:
        """The treasury accounts (declared ones and the opened accounts below them) on ``on``."""
        return sorted(a for a, day in self.treasury_from.items() if on is None or day <= on)


def parents(account: str) -> list[str]:
    """``account`` and each account above it: ``A:B:C``, ``A:B``, ``A``."""
    parts = account.split(":")
    return [":".join(parts[:n]) for n in range(len(parts), 0, -1)]
