"""The accounts of each transaction, read once by the chain's first sweep (``roles.check``) and
kept on the index for the steps after it (``LedgerIndex.account_sets``).

A later step reads them for the transactions whose postings are those read at their position;
any other transaction (its postings changed, or the entries are another list) is read again.
So a cash walk on stale sets gives what a walk on none gives.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount.core import data

from beancount_hn.core.cashbook import Cashbook, _transactions
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.roles import check
from tests.ledgers import load
from tests.test_cashbook_detail import _key

LEDGER = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Income:Honoraires:HN
2024-01-01 open Expenses:Fournitures

2024-02-01 * "Mme Roux" "Massage bien-être" ^F-1
  Assets:Creances:Patients   60.00 EUR
  Income:Honoraires:HN      -60.00 EUR
    acte: "HN"

2024-02-02 * "Papeterie"
  Expenses:Fournitures       12.00 EUR
  Assets:Banque             -12.00 EUR

2024-02-10 * "Mme Roux" "Règlement" ^F-1
  Assets:Banque              60.00 EUR
  Assets:Creances:Patients  -60.00 EUR
"""


def _walked(entries: list, index: LedgerIndex) -> list[tuple]:
    return sorted((_key(s) for s in Cashbook.build(entries, index).settlements), key=repr)


def _swept() -> tuple[list, LedgerIndex, dict]:
    entries, errors, options = load(LEDGER, plugin=None)
    assert not errors
    index = LedgerIndex.build(entries, options)
    check(entries, index)
    return entries, index, options


def test_the_first_sweep_keeps_each_transactions_accounts() -> None:
    entries, index, _ = _swept()
    sets = index.account_sets
    transactions = _transactions(entries)
    assert [sets.accounts[i] for i in sets.ids] == [tuple(p.account for p in t.postings) for t in transactions]
    assert all(read is txn.postings for read, txn in zip(sets.postings, transactions, strict=True))
    # The note and its payment: two sets of the same accounts, in their own order each.
    assert len(sets.accounts) == 3


def test_a_transaction_whose_postings_changed_is_read_again() -> None:
    entries, index, options = _swept()
    # The payment now comes in cash: the sets still say Assets:Banque at its position.
    payment = _transactions(entries)[2]
    cash = payment._replace(postings=[payment.postings[0]._replace(account="Assets:Caisse"), payment.postings[1]])
    changed = [cash if entry is payment else entry for entry in entries]
    assert _walked(changed, index) == _walked(changed, LedgerIndex.build(changed, options))
    assert {s.treasury_account for s in Cashbook.build(changed, index).for_target_txn(_transactions(entries)[0])} == \
        {"Assets:Caisse"}


def test_entries_of_another_length_are_read_again() -> None:
    entries, index, options = _swept()
    fee = data.Amount(Decimal("45.00"), "EUR")
    session = data.Transaction({"filename": "<test>", "lineno": 1}, datetime.date(2024, 1, 15), "*", "M. Roy",
                               "Séance", frozenset(), frozenset(), [
                                   data.Posting("Assets:Caisse", fee, None, None, None, None),
                                   data.Posting("Income:Honoraires:HN", -fee, None, None, None, {"acte": "HN"})])
    first = next(n for n, entry in enumerate(entries) if isinstance(entry, data.Transaction))
    longer = [*entries[:first], session, *entries[first:]]  # every transaction's position shifts by one
    assert _walked(longer, index) == _walked(longer, LedgerIndex.build(longer, options))
