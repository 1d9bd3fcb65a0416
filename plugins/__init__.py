"""Beancount plugins of beancount-hn (installed as ``beancount_hn.plugins``).

Load them all with one line, in the order they must run::

    plugin "beancount_hn.plugins.all"

Each plugin module holds a *step* ``(entries, index) -> (entries, errors)``;
``plugins.all`` builds the ledger index once for the whole chain, and each
module's own plugin function runs its step alone with :func:`run_step`.

May import: ``core``, ``tax`` and ``invoicing`` (the plugins run the rules on
every ``bean-check``); never a face.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from beancount.core import data

from beancount_hn.core.gcpause import gc_paused
from beancount_hn.core.ledger import LedgerIndex

Step = Callable[[list[data.Directive], LedgerIndex], tuple[list[data.Directive], list]]


@gc_paused()
def run_step(step: Step, entries: list[data.Directive],
             options_map: dict[str, Any]) -> tuple[list[data.Directive], list]:
    """Run one step as a Beancount plugin: index the ledger, report its option errors too."""
    index = LedgerIndex.build(entries, options_map)
    entries, errors = step(entries, index)
    return entries, index.config_errors + errors
