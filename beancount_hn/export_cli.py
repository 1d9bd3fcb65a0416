"""``hn export LEDGER --year Y --out DIR``: the year-end bundle for the accountant.

A thin face over ``beancount_hn.exports.bundle``: load, build every file in
memory, write them atomically. Bad input (no SIREN, an account without PCG
number or 2035 line, a year without treasury movement, an existing output
directory) is a message naming the file and line to fix, and nothing is written.
"""

from __future__ import annotations

import os

import click

from beancount_hn.exports.bundle import build_bundle, write_bundle
from beancount_hn.exports.fec import SEPARATORS
from beancount_hn.loading import load_ledger

CHARSETS = {"iso-8859-15": "iso8859-15", "utf-8": "utf-8"}


@click.command(name="export")
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--year", "-y", type=click.IntRange(1900, 2999), required=True,
              help="Calendar year to export (e.g. 2025).")
@click.option("--out", "out", type=click.Path(file_okay=False), required=True,
              help="Directory to create with the files (must not exist, unless --force).")
@click.option("--pseudonymise", "--pseudonymize", "pseudonymise", is_flag=True,
              help="Replace patients' names by stable pseudonyms (Patient 0001…) in every file.")
@click.option("--force", is_flag=True, help="Replace DIR if it exists.")
@click.option("--charset", type=click.Choice(sorted(CHARSETS)), default="iso-8859-15", show_default=True,
              help="Character set of the FEC (the text names ISO 8859-15; UTF-8 gets a warning).")
@click.option("--separator", type=click.Choice(sorted(SEPARATORS)), default="tab", show_default=True,
              help="Field separator of the FEC.")
def export(ledger: str, year: int, out: str, pseudonymise: bool, force: bool, charset: str,
           separator: str) -> None:
    """Write the YEAR bundle of LEDGER to DIR: 2035, FEC, livre-journal, registre, invoices, VAT."""
    if os.path.exists(out) and not force:  # say it before the (long) computation
        raise click.ClickException(f"{out} already exists; use --force to replace it, or choose another --out")
    loaded = load_ledger(ledger)
    try:
        bundle = build_bundle(loaded.entries, loaded.index, year, pseudonymise=pseudonymise,
                              charset=CHARSETS[charset], separator=separator,
                              ledger_errors=len(loaded.errors), ledger_name=ledger)
        path = write_bundle(bundle, out, force=force)
    except (ValueError, OSError) as exc:  # ExportError and the core's own input errors
        raise click.ClickException(str(exc)) from exc
    for warning in bundle.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{path}: {len(bundle.files)} files for {year}"
               + (" (patients pseudonymised)" if pseudonymise else ""))

