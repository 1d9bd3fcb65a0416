"""Check that the cash basis can count every receipt and expense (``beancount_hn.core.roles``).

Load it alone or through ``beancount_hn.plugins.all``::

    plugin "beancount_hn.plugins.treasury"

    2025-01-01 custom "hn-option" "treasury" Assets:Banque   ; and every account below it
    2025-01-01 open Assets:Stripe
      role: "tiers"                                          ; or "neutre"

Errors, at the offending line: a treasury option naming no opened account or
an account outside ``Assets:``/``Liabilities:``; receipts or expenses without
any treasury option; an account standing opposite a receipt or an expense
whose role is unknown (neither treasury, nor receivable/payable, nor
neutral), or that becomes treasury only after that day; a year with receipts
or expenses and no treasury movement; an amount in another currency without
its value in euros; an unknown ``role:`` value; a ``pad`` of a treasury account from
``Equity:`` after the books' first day (``roles.late_pad_errors``). Entries are returned
unchanged.
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.roles import check
from beancount_hn.plugins import run_step

__plugins__ = ("treasury",)


def treasury_step(entries: list[data.Directive], index: LedgerIndex) -> tuple[list[data.Directive], list]:
    """Report what would make the cash book count wrong."""
    return entries, check(entries, index)


def treasury(entries: list[data.Directive], options_map: dict[str, Any],
             config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: check the treasury accounts and the roles of balance-sheet accounts."""
    return run_step(treasury_step, entries, options_map)
