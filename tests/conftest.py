"""Shared test helpers: load a small inline ledger the way bean-check does."""

from __future__ import annotations

import gc
import re
import os
import textwrap

import pytest
from beancount import loader

os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")


@pytest.fixture(autouse=True)
def _collectable_again():
    """The ``hn`` commands freeze their loaded ledger out of the collector's sight (a
    command's process ends with it); a test process goes on, so thaw it after each test."""
    yield
    gc.unfreeze()


HEADER = """
option "operating_currency" "EUR"
2024-01-01 custom "hn-option" "treasury" Assets:Banque
2024-01-01 custom "hn-option" "treasury" Assets:Caisse
"""


def header_for(body: str) -> str:
    """HEADER, declaring as treasury only the accounts the ledger opens (an option naming
    no opened account is an error, ``beancount_hn.roles``)."""
    return "".join(line + "\n" for line in HEADER.splitlines()
                   if "\"treasury\"" not in line
                   or re.search(rf"open {line.split()[-1]}(:|\s|$)", body))


def load(text: str, *, header: bool = True, plugin: str | None = "beancount_hn.plugins.all"):
    """Load an inline ledger (dedented); returns (entries, errors, options_map).

    The default header declares the treasury accounts; ``plugin`` is prepended
    as a ``plugin`` line when given. The ledger's first line is line 1 of the
    text passed in, after the prepended lines (use ``line_of`` to find lines).
    """
    body = textwrap.dedent(text)
    prefix = (f'plugin "{plugin}"\n' if plugin else "") + (header_for(body) if header else "")
    return loader.load_string(prefix + body)


def line_of(text: str, needle: str, *, header: bool = True, plugin: str | None = "beancount_hn.plugins.all") -> int:
    """The line number, in the string ``load`` parses, of the first line containing ``needle``."""
    body = textwrap.dedent(text)
    prefix = (f'plugin "{plugin}"\n' if plugin else "") + (header_for(body) if header else "")
    for number, line in enumerate((prefix + body).splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in ledger")


def plain(text: str) -> str:
    """``text`` with Babel's narrow and no-break spaces as plain ones (``1 234,50 €``)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture
def example_path() -> str:
    return os.path.join(os.path.dirname(__file__), os.pardir, "ledger_example", "main.beancount")
