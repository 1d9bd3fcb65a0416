"""Load a ledger for the command line: a clear message, never a traceback."""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass
from typing import Any

import click
from beancount import loader
from beancount.core import data
from beancount.parser import printer

from beancount_hn.gcpause import gc_paused
from beancount_hn.ledger import LedgerIndex


@dataclass
class LoadedLedger:
    """A ledger loaded with its plugins, and its index."""

    path: str
    entries: list[data.Directive]
    errors: list
    options_map: dict[str, Any]
    index: LedgerIndex


def load_ledger(path: str, *, show_errors: bool = True) -> LoadedLedger:
    """Load ``path`` with Beancount's loader (plugins included).

    Errors of the ledger are printed to stderr as ``file:line: message`` (the
    figures are still computed: a report on a ledger with errors says so);
    a missing or unreadable file is a ``click.ClickException``.

    The cyclic collector waits during the load, and what is alive then (the
    ledger, which lives as long as the command) is frozen out of its sight
    (``gc.freeze``): a load makes millions of objects and almost no garbage
    cycles (a few dozen on a 40 000-transaction ledger, for the same peak
    memory), yet its full collections, each walking everything loaded so far,
    are a sixth of Beancount's load time, and every later one would walk the
    ledger again.
    """
    if not os.path.isfile(path):
        raise click.ClickException(f"{path}: no such ledger file")
    try:
        with gc_paused():
            entries, errors, options_map = loader.load_file(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: cannot read the ledger: {exc}") from exc
    gc.freeze()
    if errors and show_errors:
        for error in errors:
            source = error.source or {}
            click.echo(f"{source.get('filename', path)}:{source.get('lineno', 0)}: {error.message}",
                       err=True)
        click.echo(f"{path}: {len(errors)} error(s) in the ledger (bean-check shows them in full)",
                   err=True)
    return LoadedLedger(path, entries, errors, options_map, LedgerIndex.build(entries, options_map))


def print_errors(errors: list) -> None:
    """Print Beancount-style errors to stderr."""
    printer.print_errors(errors, file=sys.stderr)
