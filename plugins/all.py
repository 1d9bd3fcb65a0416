"""Run every beancount-hn plugin, in the right order, from one ``plugin`` line::

    plugin "beancount_hn.plugins.all"

The chain is :data:`CHAIN`: the steps of each plugin module, run on one ledger
index (built once, its option errors reported once).
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from beancount_hn.core.errors import dedupe
from beancount_hn.core.gcpause import gc_paused
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.plugins.convention import tag_receipts
from beancount_hn.plugins.identity import identity_step
from beancount_hn.plugins.invoice_numbering import invoices_step
from beancount_hn.plugins.lines2035 import lines2035_step
from beancount_hn.plugins.review import review_step
from beancount_hn.plugins.treasury import treasury_step
from beancount_hn.plugins.vat_franchise import vat_step

__plugins__ = ("run_all",)

#: The plugin steps, in the order they run (tags first: later ones read them). None
#: of them adds or changes options or ``open`` directives, so one index serves all.
CHAIN = (review_step, treasury_step, tag_receipts, invoices_step, vat_step, lines2035_step, identity_step)


@gc_paused()
def run_all(entries: list[data.Directive], options_map: dict[str, Any],
            config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: every beancount-hn plugin in :data:`CHAIN` order."""
    index = LedgerIndex.build(entries, options_map)
    errors: list = list(index.config_errors)
    for step in CHAIN:
        entries, step_errors = step(entries, index)
        errors.extend(step_errors)
    return entries, dedupe(errors)
