"""``hn check LEDGER``: load the ledger with its plugins, list every error, sum the receipts."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import click

from beancount_hn.classify import classify_entries
from beancount_hn.loading import load_ledger


@click.command()
@click.argument("ledger", type=click.Path(dir_okay=False))
def check(ledger: str) -> None:
    """Check LEDGER like bean-check, then total its receipts by convention and VAT status."""
    loaded = load_ledger(ledger)
    receipts, _ = classify_entries(loaded.entries, loaded.index)
    totals: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for receipt in receipts:
        totals[(receipt.convention, receipt.vat, receipt.currency)] += receipt.amount
    for (convention, vat, currency), total in sorted(totals.items()):
        click.echo(f"{convention:<17} {vat:<10} {total:>12,.2f} {currency}")
    if loaded.errors:
        raise SystemExit(1)
    click.echo(f"{ledger}: no error")
