"""Check what the 2035 reads: ``ligne-2035:`` values, fixed assets, the barème option.

Load it alone or through ``beancount_hn.plugins.all``::

    plugin "beancount_hn.plugins.lines2035"

    2024-01-01 open Expenses:Telephone
      ligne-2035: "27"
      part-privee: 0.3
    2025-03-15 * "Kiné-Matériel" "Table de massage"
      Assets:Immobilisations:Table   2400.00 EUR
        amortissement: "lineaire 5"
      Assets:Banque

Errors, at the offending entry's line: an unknown ``ligne-2035:`` value on an
``open`` (with the accepted values), an ambiguous account name without
``ligne-2035:`` (a private-looking word such as ``Prive``, ``Domicile``,
``Amendes`` in a name the default table puts on a deductible line, see
``beancount_hn.core.mapping``), a ``part-privee:``/``part-non-deductible:`` on an
``open`` that is not a share between 0 and 1 (one on a posting is an error of
``hn 2035``, which reads it), a fixed-asset purchase without
``amortissement:`` or with a malformed one, a disposal that matches no asset,
and a ``bareme-km`` option for a year without barème. The small-equipment hint
(≤ 500 EUR HT may be expensed) is reported only with
``hn-option "warnings-as-errors" TRUE``; ``hn 2035`` always prints it.
Entries are returned unchanged.
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.plugins import run_step
from beancount_hn.tax.assets import build_registre
from beancount_hn.tax.lines2035 import validate_line_values
from beancount_hn.tax.vehicle import validate_bareme

__plugins__ = ("lines2035",)


def lines2035_step(entries: list[data.Directive], index: LedgerIndex) -> tuple[list[data.Directive], list]:
    """Validate the data the 2035 is computed from."""
    registre = build_registre(entries, index)
    errors = validate_line_values(index) + validate_bareme(index) + registre.errors
    if index.config.value("warnings-as-errors", None, False):
        errors += registre.hints
    return entries, errors


def lines2035(entries: list[data.Directive], options_map: dict[str, Any],
              config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: validate the data the 2035 is computed from."""
    return run_step(lines2035_step, entries, options_map)
