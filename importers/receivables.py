"""Open receivables per invoice: what the CPAM, a mutuelle or a patient still owes.

A thin view of :mod:`beancount_hn.core.cashbook`, the one place where payments are
matched to what they settle (links, ``reglement-de:``/``lot:`` posting
metadata, then oldest first): the importers look for combinations of these
items when a grouped transfer arrives. An item is named by its ``facture:``,
else its ``lot:``, else its first ``^link`` (an FSE batch booked with a link
only); each of these is a reference a bank label may quote.

Each item also says what it pays, as the figures see it (:attr:`OpenItem.pays`):
the income postings behind its open amount, classified by
:mod:`beancount_hn.core.classify` (convention and VAT status) — what tells two
items of the same amount apart for the 2035, the VAT and the exports.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from beancount_hn.core.cashbook import INCOME, INVOICE_KEYS, Cashbook
from beancount_hn.core.cashbook import OpenItem as CashbookItem
from beancount_hn.core.classify import Classifier, Receipt
from beancount_hn.core.ledger import LINE_KEY, LedgerIndex

INVOICE_KEY, LOT_KEY = INVOICE_KEYS
LINK_KIND = "link"  # an item known by its link only
SETTLES_KEY = "reglement-de"
PAYER_KEY = "payeur"

#: What one income posting behind an item is to every figure: its account, the 2035 line
#: written on it (carried-over receivables), its convention status, VAT status and whether
#: that VAT status is the default. Not the year of the care it pays: under the cash basis a
#: payment counts on its own date whichever item it settles (2035, DSAV, VAT, FEC alike);
#: only the relevé SNIR check's explanation follows the item lettered, oldest first.
PaidClass = tuple[str, str, str, str, bool]


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
    #: What its open amount pays: each class of income posting behind it and the amount,
    #: sorted; None when the importer cannot tell (no income posting behind a part, a
    #: receipt not classified): the item is then like no other.
    pays: tuple[tuple[PaidClass, Decimal], ...] | None = None


class _Pays:
    """The classification of what cash-book items pay, one classification per transaction."""

    def __init__(self, index: LedgerIndex) -> None:
        self.index = index
        self.classifier = Classifier(index)
        self.receipts: dict[int, dict[int, Receipt]] = {}  # id(transaction) -> posting index -> receipt

    def of(self, item: CashbookItem) -> tuple[tuple[PaidClass, Decimal], ...] | None:
        """What the parts of a cash-book item pay, by class, or None when one cannot be told."""
        total: dict[PaidClass, Decimal] = {}
        for target, amount in item.parts.items():
            if target.bucket != INCOME or target.txn is None or target.index < 0:
                return None  # an expense, a neutral bucket or an aggregate: not a receipt
            txn = target.txn
            receipts = self.receipts.get(id(txn))
            if receipts is None:
                found, _ = self.classifier.receipts(txn)
                receipts = self.receipts[id(txn)] = {r.index: r for r in found}
            posting = txn.postings[target.index]
            receipt = receipts.get(target.index)
            if receipt is not None:
                status = (receipt.convention, receipt.vat, receipt.vat_is_default)
            elif self.index.root_type(target.account) == "income" and \
                    not self.index.is_receipt_account(target.account):
                status = ("", "", False)  # not a fee: its account's line says it all
            else:
                return None  # a receipt the ledger does not classify
            line = str((posting.meta or {}).get(LINE_KEY, ""))
            key = (target.account, line, *status)
            total[key] = total.get(key, Decimal(0)) + amount
        return tuple(sorted(total.items())) if total else None


def _describe(item: CashbookItem, currency: str, pays: _Pays) -> OpenItem | None:
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
                    item.txn, kind or LINK_KIND, frozenset(item.links), pays.of(item))


def open_items(entries: Iterable[data.Directive], accounts: Iterable[str]) -> list[OpenItem]:
    """The invoice and FSE-lot parts still open on ``accounts``, in date order."""
    entries = list(entries)
    wanted = frozenset(accounts)
    index = LedgerIndex.build(entries, None)
    cashbook = Cashbook.build(entries, index)
    pays = _Pays(index)
    currency = {p.account: p.units.currency for e in entries if isinstance(e, data.Transaction)
                for p in e.postings if p.account in wanted and p.units is not None}
    items = (_describe(i, currency.get(i.account, "EUR"), pays) for a in sorted(wanted)
             for i in cashbook.open_items(a) if i.balance > 0)
    return sorted((i for i in items if i is not None), key=lambda i: (i.date, i.invoice))
