"""``hn invoices LEDGER [--year Y] [--format table|csv|json]``: numbering and lettrage view.

Per series and year: first and last number, count, total, gaps, voided
numbers, credit notes; then the invoices not fully paid on the report date
(31 December of ``--year``, today without it) with their age in days.
"""

from __future__ import annotations

import datetime

import click

from beancount_hn.cli.french import FrenchCommand
from beancount_hn.cli.years import require_covered_year
from beancount_hn.core.loading import check_year_range, format_error, load_ledger, merge_errors
from beancount_hn.invoicing.invoice_report import invoices_view
from beancount_hn.render.invoices import RENDERERS


@click.command(cls=FrenchCommand)
@click.argument("ledger", metavar="LIVRE", type=click.Path(dir_okay=False))
@click.option("--year", type=int, metavar="ANNÉE", default=None,
              help="Séries de cette année ; impayés au 31 décembre (par défaut : toutes les années, "
                   "aujourd'hui).")
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="table", show_default=True,
              help="Un tableau à lire, du CSV pour un tableur français, ou du JSON.")
def invoices(ledger: str, year: int | None, fmt: str) -> None:
    """Numérotation des factures par série (trous, numéros annulés, avoirs) et factures impayées.

    Code de sortie 1, rapport précédé de « CHIFFRES NON DÉFINITIFS » (``"final": false`` en
    JSON), quand le livre ou le carnet de factures comporte une erreur, ou qu'un règlement ne
    règle rien d'ouvert (la même erreur que hn 2035, à sa ligne).
    """
    if year is not None:
        check_year_range(year)
    loaded = load_ledger(ledger)
    if year is not None:
        require_covered_year(loaded, year)
    as_of = datetime.date(year, 12, 31) if year is not None else datetime.date.today()
    book, report = invoices_view(loaded.entries, loaded.index, as_of, year)
    errors = merge_errors(loaded, [*book.errors, *report.problems])
    click.echo(RENDERERS[fmt](report, errors), nl=fmt != "csv")
    shown = {format_error(error, loaded.path) for error in loaded.errors}  # on loading
    for line in (format_error(error, loaded.path) for error in errors):
        if line not in shown:  # its own: payments that settled nothing (problem_errors)
            click.echo(line, err=True)
    if errors:
        raise SystemExit(1)
