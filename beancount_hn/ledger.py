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

from beancount_hn.config import HnConfig, load_config
from beancount_hn.mapping import default_line

LINE_KEY = "ligne-2035"

# Root types in the order of beancount's options ("name_assets", …).
_ROOT_TYPES = ("assets", "liabilities", "equity", "income", "expenses")


@dataclass
class LedgerIndex:
    """The configuration, the accounts and their ``open`` metadata of a ledger."""

    config: HnConfig
    config_errors: list
    opens: dict[str, data.Open]
    root_names: dict[str, str]  # "income" -> "Income" (or "Recettes" with name_income)
    _root_of: dict[str, str] = field(default_factory=dict, repr=False)
    _lines: dict[str, str | None] = field(default_factory=dict, repr=False)
    # What the plugin chain's convention step leaves for the steps after it
    # (``beancount_hn.classify.TaxableReceipts``): one classification per chain.
    taxable_receipts: Any = field(default=None, repr=False)

    @classmethod
    def build(cls, entries: Sequence[data.Directive], options_map: dict[str, Any] | None) -> LedgerIndex:
        """Index ``entries`` (one pass) with the account roots of ``options_map``."""
        config, errors = load_config(entries)
        opens = {e.account: e for e in entries if isinstance(e, data.Open)}
        types = options_lib.get_account_types(options_map or options_lib.OPTIONS_DEFAULTS)
        root_names = dict(zip(_ROOT_TYPES, types, strict=True))
        return cls(config, errors, opens, root_names, {v: k for k, v in root_names.items()})

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

    def treasury_accounts(self, on: datetime.date | None = None) -> list[str]:
        """The cash-basis accounts declared by ``hn-option "treasury"`` up to ``on``."""
        return self.config.values("treasury", on)
