"""Check the practitioner's identity options (SIREN, SIRET, RPPS, ADELI, IBAN…) at their lines.

Load it alone or through ``beancount_hn.plugins.all``::

    plugin "beancount_hn.plugins.identity"

    2024-09-01 custom "hn-option" "identity" "siret" "73282932000074"

Errors, at the ``hn-option`` line: a SIREN or SIRET of the wrong length or
failing its Luhn check digit, a SIRET not starting with the declared SIREN,
an RPPS that is not 11 digits, an ADELI that is not 9, an IBAN failing its
mod-97 check, a malformed postcode or e-mail (see ``beancount_hn.core.identity``).
Missing fields are not errors here: only issuing a document needs them, and
``hn note`` then lists what to add. Entries are returned unchanged.
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from beancount_hn.core.identity import check_identity
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.plugins import run_step

__plugins__ = ("identity",)


def identity_step(entries: list[data.Directive], index: LedgerIndex) -> tuple[list[data.Directive], list]:
    """Malformed identity values (validation only)."""
    return entries, check_identity(index)


def identity(entries: list[data.Directive], options_map: dict[str, Any],
             config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: malformed identity values (validation only)."""
    return run_step(identity_step, entries, options_map)
