"""Run every beancount-hn plugin, in the right order, from one ``plugin`` line::

    plugin "beancount_hn.plugins.all"

The chain is :data:`CHAIN`; each plugin reports the configuration errors it
reads, so repeated errors are removed.
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from beancount_hn.errors import dedupe
from beancount_hn.plugins.convention import convention
from beancount_hn.plugins.identity import identity
from beancount_hn.plugins.invoice_numbering import invoice_numbering
from beancount_hn.plugins.lines2035 import lines2035
from beancount_hn.plugins.vat_franchise import vat_franchise

__plugins__ = ("run_all",)

#: The plugin functions, in the order they run (tags first: later ones read them).
CHAIN = (convention, invoice_numbering, vat_franchise, lines2035, identity)


def run_all(entries: list[data.Directive], options_map: dict[str, Any],
            config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: every beancount-hn plugin in :data:`CHAIN` order."""
    errors: list = []
    for plugin in CHAIN:
        entries, plugin_errors = plugin(entries, options_map)
        errors.extend(plugin_errors)
    return entries, dedupe(errors)
