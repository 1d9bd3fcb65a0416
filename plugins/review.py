"""Refuse the entries an import left for review (``a-verifier:``), so none is counted unread.

Load it alone or through ``beancount_hn.plugins.all``::

    plugin "beancount_hn.plugins.review"

``hn extract`` writes ``a-verifier:`` (and the ``!`` flag) on a line it could not
explain: a bank line no rule recognises, a CPAM transfer no open FSE accounts
for. Some of them balance (the transfer keeps its receivable posting), so
Beancount alone would accept them and the 2035 would count them as they stand.
Error, at the transaction: every transaction carrying ``a-verifier:``. Remove the
key once the entry is completed (and set its flag to ``*``). Entries are returned
unchanged.
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from beancount_hn.core.errors import as_written, error_type, source_of
from beancount_hn.core.ledger import REVIEW_KEY, LedgerIndex
from beancount_hn.plugins import run_step

__plugins__ = ("review",)

ReviewError = error_type("ReviewError")


def review_step(entries: list[data.Directive], index: LedgerIndex) -> tuple[list[data.Directive], list]:
    """An error at each transaction still marked ``a-verifier:``."""
    errors = []
    for entry in entries:
        if type(entry) is data.Transaction and entry.meta and REVIEW_KEY in entry.meta:
            errors.append(ReviewError(
                source_of(entry),
                f"écriture à vérifier ({REVIEW_KEY}: {as_written(entry.meta[REVIEW_KEY])}) : complétez-la "
                f"selon ce motif, puis retirez {REVIEW_KEY}: et passez le drapeau ! à * ; tant qu'elle "
                "attend, ses montants ne sont pas sûrs et les chiffres ne sont pas définitifs",
                entry))
    return entries, errors


def review(entries: list[data.Directive], options_map: dict[str, Any],
           config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: refuse the entries left for review (``a-verifier:``)."""
    return run_step(review_step, entries, options_map)
