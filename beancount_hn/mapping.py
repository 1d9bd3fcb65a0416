"""Which 2035 line an ``Income:`` or ``Expenses:`` account feeds.

``ligne-2035:`` metadata on the account's ``open`` wins; otherwise the default
table ``data/account_lines.csv`` is searched, first match wins, by the account
name *without its root* (so ``Expenses:Loyer`` and a French-rooted
``Depenses:Loyer`` map alike).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class DefaultRule:
    """One row of the default account → line table."""

    root: str
    pattern: re.Pattern[str]
    line: str
    note: str


@functools.cache
def default_rules() -> tuple[DefaultRule, ...]:
    """The default mapping table, in file order."""
    text = resources.files("beancount_hn").joinpath("data/account_lines.csv").read_text("utf-8")
    return tuple(
        DefaultRule(row["root"], re.compile(row["pattern"], re.IGNORECASE), row["line"], row["note"])
        for row in csv.DictReader(text.splitlines())
    )


def default_line(root: str, rest: str) -> DefaultRule | None:
    """The first default rule for an account of root type ``root`` (``income``,
    ``expenses``…) whose name without the root is ``rest``."""
    for rule in default_rules():
        if rule.root == root and rule.pattern.search(rest):
            return rule
    return None
