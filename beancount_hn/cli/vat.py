"""``hn vat LEDGER [--year Y] [--format table|json]``: the 293 B franchise, year by year.

For each year: the counted turnover (franchise + collectée receipts, cash
basis), the exempt receipts beside it and what was counted as taxable only by
default, the thresholds (prorated on the first year), whether the franchise
applied on 1 January and why, the crossings, the status, the projection, and
the warnings and errors of the year. A thin face over ``beancount_hn.tax.vat.analyze``.
``--as-of`` shows the ledger as it stood that day: only what was received by then is
counted and projected (an ``--as-of`` before ``--year`` is refused).

Only the years the books cover (``form2035.covered_years``): those before the first
``treasury`` option are named in one line with their declared ``vat-turnover`` (still used
for the next years' decisions); ``--year`` of such a year is refused with its
``form2035.coverage_errors`` (« le livre ne couvre pas 2024 … »), as by ``hn 2035``.

JSON: ``{"final": bool, "errors": [{"fichier", "ligne", "where", "message"}], "years": [...]}``;
``final`` is false (and the exit status 1) when the ledger or a shown year has an error.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence

import click
from beancount.core import data

from beancount_hn.cli.french import FrenchCommand
from beancount_hn.cli.years import first_day_named, require_covered_year
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.loading import (HnError, check_year_range, errors_json, format_error, load_ledger,
                                       merge_errors, not_final_banner, year_ranges)
from beancount_hn.render.vat import declared_note, render_year
from beancount_hn.tax.form2035 import covered_years
from beancount_hn.tax.vat import VatAnalysis, analyze


@click.command(cls=FrenchCommand, short_help="La franchise en base de TVA (art. 293 B du CGI) et ses seuils.")
@click.argument("ledger", metavar="LIVRE", type=click.Path(dir_okay=False))
@click.option("--year", type=int, metavar="ANNÉE", help="Seulement cette année civile.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Un tableau à lire, ou du JSON pour un autre programme.")
@click.option("--as-of", "as_of", metavar="AAAA-MM-JJ", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Le livre tel qu'il était ce jour-là : ne compter que ce qui est encaissé jusqu'à ce jour, "
                   "et projeter à partir de lui (par défaut : la dernière transaction du livre).")
def vat(ledger: str, year: int | None, fmt: str, as_of: datetime.datetime | None) -> None:
    """La franchise en base de TVA (art. 293 B du CGI) de LIVRE : CA, seuils, statut, projection.

    Code de sortie 1, chiffres précédés de « CHIFFRES NON DÉFINITIFS » (``"final": false``
    en JSON), quand le livre ou l'analyse des années affichées comporte une erreur.
    """
    if year is not None:
        check_year_range(year)
        if as_of is not None and as_of.year < year:
            raise HnError(f"--as-of {as_of.date().isoformat()} précède l'année {year} (--year) : rien de {year} "
                          "n'était encore encaissé ce jour-là ; donnez un jour de l'année, ou après")
    loaded = load_ledger(ledger)
    index = loaded.index
    if year is not None:
        # A year before the books is refused: the books hold none of its receipts.
        require_covered_year(loaded, year, before_books_refused=True)
    analysis = analyze(loaded.entries, index, as_of=as_of.date() if as_of else None)
    # The years before the books are not shown (``form2035.covered_years``); their declared
    # vat-turnover still decides the franchise of the years after them.
    years = covered_years(index, sorted(analysis.years), loaded.entries)
    before = [y for y in sorted(analysis.years) if y not in years]
    if year is not None:
        if year not in analysis.years:
            shown = f"{years[0]}–{years[-1]}" if years else "aucune"
            raise HnError(f"{ledger} : aucune recette en {year} (années avec des recettes : {shown})")
        years, before = [year], []
    errors = merge_errors(loaded, [*analysis.errors, *(e for y in years for e in analysis.years[y].errors)])
    final = not errors
    if fmt == "json":
        click.echo(json.dumps({"final": final, "errors": errors_json(errors),
                               "years": [analysis.years[y].to_json() for y in years]},
                              ensure_ascii=False, indent=2))
    elif not years:
        if not final:
            click.echo(not_final_banner(len(errors)))
        for line in _before_books(analysis, before, index, loaded.entries):
            click.echo(line)
        click.echo(f"{ledger} : aucune recette, rien à compter pour la franchise 293 B")
    else:
        if not final:
            click.echo(not_final_banner(len(errors)))
        click.echo(f"Franchise en base de TVA (art. 293 B du CGI) — {ledger}")
        for line in _before_books(analysis, before, index, loaded.entries):
            click.echo(line)
        for y in years:
            click.echo("")
            for line in render_year(analysis.years[y]):
                click.echo(line)
    if not final:
        raise SystemExit(1)


def _before_books(analysis: VatAnalysis, before: list[int], index: LedgerIndex,
                  entries: Sequence[data.Directive]) -> list[str]:
    """The one line on the years before the books (as ``hn check`` says it), their declared
    turnover, and the errors found in them (they count: the figures are not final)."""
    if not before:
        return []
    # The years of unknown turnover a decision of a year after them rests on (``Decision.unknown``).
    needed = {y for report in analysis.years.values() if report.year not in before
              for decision in (report.franchise_at_start, report.next_year) if decision is not None
              for y in decision.unknown}
    lines = [f"{year_ranges(before)} : avant le premier jour du livre ({first_day_named(index, entries)}) : non "
             "couvertes, rien n'y est compté"]
    for y in before:
        report = analysis.years[y]
        if report.declared_turnover is not None:
            lines.append(f"  {declared_note(report)}")
        elif y in needed:
            lines.append(f"  CA {y} inconnu — {analysis.unknown_turnover[y]()} : déclarez-le "
                         f'(hn-option "vat-turnover" {y})')
        elif y + 1 in analysis.years and y + 1 not in before:
            lines.append(f'  CA {y} : ni dans le livre ni déclaré (hn-option "vat-turnover" {y}) : supposé nul '
                         f"pour la franchise de {y + 1} (rien ne dit que le cabinet exerçait)")
        for error in report.errors:
            lines.append(f"  ✗ erreur {format_error(error)}")
    return lines
