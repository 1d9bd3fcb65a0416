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
``Equity:`` after the books' first day (:func:`late_pad_errors`). Entries are returned
unchanged.
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from beancount_hn.core import frtypo
from beancount_hn.core.errors import source_of
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.roles import RoleError, check
from beancount_hn.plugins import run_step
from beancount_hn.tax.form2035 import books_start

__plugins__ = ("treasury",)


def treasury_step(entries: list[data.Directive], index: LedgerIndex) -> tuple[list[data.Directive], list]:
    """Report what would make the cash book count wrong."""
    return entries, check(entries, index) + late_pad_errors(entries, index)


def late_pad_errors(entries: list[data.Directive], index: LedgerIndex) -> list:
    """A ``pad`` that fills a treasury account from ``Equity:`` after the books' first day.

    On that day (or before) it is the opening balance (``docs/demarrer.md``). Later, the
    gap it fills is money the ledger does not explain — receipts or expenses not entered —
    and Beancount's padding would book it as a neutral equity movement, out of the 2035,
    with a reconciliation that still closes.
    """
    first = books_start(index)
    if first is None:  # no books yet: no first day to judge a pad by
        return []
    errors = []
    for entry in entries:
        if type(entry) is not data.Pad or entry.date <= first.date:
            continue
        since = index.treasury_since(entry.account)
        if since is not None and since <= entry.date and index.root_type(entry.source_account) == "equity":
            errors.append(RoleError(source_of(entry), (
                f"pad de {entry.account} depuis {entry.source_account} le {frtypo.date(entry.date)}, après le "
                f"premier jour du livre ({frtypo.date(first.date)}) : l'écart qu'il comble serait un mouvement "
                "neutre, hors de la 2035, alors que c'est de l'argent que le livre n'explique pas ; écrivez "
                "les recettes et les dépenses manquantes (ou l'apport, le prélèvement, s'il en est un), puis "
                "gardez le balance pour le vérifier"), entry))
    return errors


def treasury(entries: list[data.Directive], options_map: dict[str, Any],
             config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: check the treasury accounts and the roles of balance-sheet accounts."""
    return run_step(treasury_step, entries, options_map)
