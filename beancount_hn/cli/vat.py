"""``hn vat LEDGER [--year Y] [--format table|json]``: the 293 B franchise, year by year.

For each year: the counted turnover (franchise + collectée receipts, cash
basis), the exempt receipts beside it and what was counted as taxable only by
default, the thresholds (prorated on the first year), whether the franchise
applied on 1 January and why, the crossings, the status, the projection, and
the warnings and errors of the year. A thin face over ``beancount_hn.tax.vat.analyze``.

JSON: ``{"final": bool, "errors": [{"fichier", "ligne", "where", "message"}], "years": [...]}``;
``final`` is false (and the exit status 1) when the ledger or a shown year has an error.
"""

from __future__ import annotations

import datetime
import json

import click

from beancount_hn.cli.french import FrenchCommand
from beancount_hn.core.loading import (HnError, check_year_range, errors_json, load_ledger, merge_errors,
                                       not_final_banner, require_year)
from beancount_hn.render.vat import render_year
from beancount_hn.tax.vat import analyze


@click.command(cls=FrenchCommand, short_help="La franchise en base de TVA (art. 293 B du CGI) et ses seuils.")
@click.argument("ledger", metavar="LIVRE", type=click.Path(dir_okay=False))
@click.option("--year", type=int, metavar="ANNÉE", help="Seulement cette année civile.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Un tableau à lire, ou du JSON pour un autre programme.")
@click.option("--as-of", "as_of", metavar="AAAA-MM-JJ", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Projeter à partir de ce jour (par défaut : la dernière transaction du livre).")
def vat(ledger: str, year: int | None, fmt: str, as_of: datetime.datetime | None) -> None:
    """La franchise en base de TVA (art. 293 B du CGI) de LIVRE : CA, seuils, statut, projection.

    Code de sortie 1, chiffres précédés de « CHIFFRES NON DÉFINITIFS » (``"final": false``
    en JSON), quand le livre ou l'analyse des années affichées comporte une erreur.
    """
    if year is not None:
        check_year_range(year)
    loaded = load_ledger(ledger)
    if year is not None:
        require_year(loaded, year)
    analysis = analyze(loaded.entries, loaded.index, as_of=as_of.date() if as_of else None)
    years = sorted(analysis.years)
    if year is not None:
        if year not in analysis.years:
            covered = f"{years[0]}–{years[-1]}" if years else "aucune"
            raise HnError(f"{ledger} : aucune recette en {year} (années avec des recettes : {covered})")
        years = [year]
    errors = merge_errors(loaded, [*analysis.errors, *(e for y in years for e in analysis.years[y].errors)])
    final = not errors
    if fmt == "json":
        click.echo(json.dumps({"final": final, "errors": errors_json(errors),
                               "years": [analysis.years[y].to_json() for y in years]},
                              ensure_ascii=False, indent=2))
    elif not years:
        if not final:
            click.echo(not_final_banner(len(errors)))
        click.echo(f"{ledger} : aucune recette, rien à compter pour la franchise 293 B")
    else:
        if not final:
            click.echo(not_final_banner(len(errors)))
        click.echo(f"Franchise en base de TVA (art. 293 B du CGI) — {ledger}")
        for y in years:
            click.echo("")
            for line in render_year(analysis.years[y]):
                click.echo(line)
    if not final:
        raise SystemExit(1)
