"""``hn 2035 LEDGER --year Y``: the 2035-A/2035-B of a year, line by line.

Exit status: 0 when the form is complete and the treasury reconciliation
closes to the cent; 1 when it does not close or the ledger has errors that
change the figures (printed on stderr, ``file:line: message``); an account
without 2035 line used in the year stops the command with its name and first
posting (no figure is printed then: it would be wrong).
"""

from __future__ import annotations

import sys

import click

from beancount_hn import form2035_render as render
from beancount_hn import lines2035
from beancount_hn.errors import where
from beancount_hn.form2035 import compute_2035
from beancount_hn.loading import load_ledger

FORMATS = ("table", "csv", "json", "html")


@click.command(name="2035")
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--year", "-y", type=int, required=True, help="Calendar year of the revenue (e.g. 2025).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table (whole euros), csv (French spreadsheets), json (cents kept), html.")
@click.option("--explain", "explain", metavar="CODE",
              help="List the postings behind one line (e.g. BA, BT, 23, CP) with file:line.")
def form2035(ledger: str, year: int, fmt: str, explain: str | None) -> None:
    """Compute the 2035 of LEDGER for YEAR (cash basis), with its reconciliation."""
    loaded = load_ledger(ledger)
    form = compute_2035(loaded.entries, loaded.index, year)
    if form.unmapped_errors:
        raise click.ClickException(
            "accounts without 2035 line used in the year:\n"
            + "\n".join(f"{where(e.source)}: {e.message}" for e in form.unmapped_errors))
    if explain is not None:
        code = explain.strip().upper()
        if code not in form.values:
            known = ", ".join(row.code for row in lines2035.lines() if row.applies_to(year))
            raise click.ClickException(f'--explain: unknown line "{explain}" for {year}; known: {known}')
        click.echo(render.explain_json(form, code) if fmt == "json" else render.explain_text(form, code),
                   nl=False)
        return
    if fmt == "json":
        click.echo(render.to_json(form))
    elif fmt == "csv":
        sys.stdout.buffer.write(("\ufeff" + render.to_csv(form)).encode("utf-8"))
        sys.stdout.flush()
    elif fmt == "html":
        click.echo(render.to_html(form), nl=False)
    else:
        click.echo(render.to_table(form), nl=False)
    for hint in form.hints:
        click.echo(f"{where(hint.source)}: hint: {hint.message}", err=True)
    already_shown = {(where(e.source), e.message) for e in loaded.errors}
    for error in form.errors:
        if (where(error.source), error.message) not in already_shown:
            click.echo(f"{where(error.source)}: {error.message}", err=True)
    rec = form.reconciliation
    if not rec.closed:
        unexplained = "".join(f"; unexplained {account}: {render.cents(amount)}"
                              for account, amount in sorted(rec.unexplained.items()) if amount)
        click.echo(f"hn 2035: the {year} reconciliation does not close "
                   f"(écart {render.cents(rec.difference)} EUR{unexplained})", err=True)
        raise SystemExit(1)
    if form.errors:
        raise SystemExit(1)
