"""Open receivables per invoice: what the CPAM, a mutuelle or a patient still owes.

A thin view of :mod:`beancount_hn.core.cashbook`, the one place where payments are
matched to what they settle (links, ``reglement-de:``/``lot:`` posting
metadata, then oldest first): the importers look for combinations of these
items when a grouped transfer arrives. An item is named by its ``facture:``,
else its ``lot:``, else its first ``^link`` (an FSE batch booked with a link
only); each of these is a reference a bank label may quote.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from beancount_hn.core.cashbook import INVOICE_KEYS, Cashbook
from beancount_hn.core.ledger import LedgerIndex

INVOICE_KEY, LOT_KEY = INVOICE_KEYS
LINK_KIND = "link"  # an item known by its link only
SETTLES_KEY = "reglement-de"
PAYER_KEY = "payeur"


@dataclass
class OpenItem:
    """The part of one invoice a receivable account still holds."""

    invoice: str  # the invoice number, the lot number (kind "lot") or a link (kind "link")
    account: str
    date: datetime.date
    amount: Decimal  # still open
    currency: str
    payer: str
    txn: data.Transaction | None
    kind: str = INVOICE_KEY
    refs: frozenset[str] = frozenset()  # numbers and links a bank label may quote


def _describe(item, currency: str) -> OpenItem | None:
    """An importer's view of a cashbook item: its number, kind and payer."""
    meta = item.txn.meta or {}
    if meta.get("avoir-de"):
        return None
    links = sorted(item.txn.links or ())
    kind = next((k for k in (INVOICE_KEY, LOT_KEY) if meta.get(k) is not None), None)
    number = str(meta[kind]) if kind else (links[0] if links else None)
    if number is None:
        return None
    payer = next((str((p.meta or {}).get(PAYER_KEY, "")) for p in item.txn.postings
                  if p.account == item.account), "")
    return OpenItem(number, item.account, item.date, item.balance, currency, payer,
                    item.txn, kind or LINK_KIND, frozenset(item.links))


def open_items(entries: Iterable[data.Directive], accounts: Iterable[str]) -> list[OpenItem]:
    """The invoice and FSE-lot parts still open on ``accounts``, in date order."""
    entries = list(entries)
    wanted = frozenset(accounts)
    cashbook = Cashbook.build(entries, LedgerIndex.build(entries, None))
    currency = {p.account: p.units.currency for e in entries if isinstance(e, data.Transaction)
                for p in e.postings if p.account in wanted and p.units is not None}
    items = (_describe(i, currency.get(i.account, "EUR")) for a in sorted(wanted)
             for i in cashbook.open_items(a) if i.balance > 0)
    return sorted((i for i in items if i is not None), key=lambda i: (i.date, i.invoice))
