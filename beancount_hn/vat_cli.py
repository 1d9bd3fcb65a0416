"""``hn vat LEDGER [--year Y] [--format table|json]``: the 293 B franchise, year by year.

For each year: the counted turnover (franchise + collectée receipts, cash
basis), the exempt receipts beside it and what was counted as taxable only by
default, the thresholds (prorated on the first year), whether the franchise
applied on 1 January and why, the crossings, the status, the projection, and
the warnings and errors of the year. A thin face over ``beancount_hn.vat.analyze``.

JSON: ``{"final": bool, "errors": [{"fichier", "ligne", "where", "message"}], "years": [...]}``;
``final`` is false (and the exit status 1) when the ledger or a shown year has an error.
"""

from __future__ import annotations

import datetime
import json

import click

from beancount_hn.clifrench import FrenchCommand
from beancount_hn.loading import (HnError, check_year_range, errors_json, load_ledger, merge_errors,
                                  not_final_banner, require_year)
from beancount_hn.vat import Crossing, Decision, YearVat, analyze
from beancount_hn.frtypo import date as french_date
from beancount_hn.frtypo import money as eur
from beancount_hn.frtypo import percent
from beancount_hn.vat_rules import UnknownYearError


#: The level of an alert, as the user reads it.
LEVELS = {"warning": "avertissement"}


def _yes_no(decision: Decision | None) -> str:
    if decision is None:
        return "—"
    answer = "oui" if decision.franchise else "NON"
    provisional = (f" (provisoire : barème {decision.year} absent de la table)"
                   if decision.provisional else "")
    return f"{answer} — {decision.reason}{provisional}"


def _crossed(crossing: Crossing | None) -> str:
    return f"franchi le {french_date(crossing.date)}" if crossing else "non franchi"


def _day(value: datetime.date | None) -> str:
    return f"le {french_date(value)}" if value else "— (pas cette année à ce rythme)"


def _amount(value) -> str:
    return "—" if value is None else eur(value)


def render_year(report: YearVat) -> list[str]:
    """The lines of one year's explanation."""
    rules = report.thresholds.rules.name if report.thresholds else "?"
    lines = [f"{report.year} · règles {rules} · vat-regime au 1er janvier : {report.regime}"]

    def text(label: str, value: str) -> None:
        lines.append(f"  {label} : {value}")

    def amount(label: str, value, note: str = "") -> None:
        lines.append(f"  {label:<46} {_amount(value):>14}" + (f"   {note}" if note else ""))

    for day, regime in report.regime_changes:
        text("vat-regime", f"« {regime} » à partir du {french_date(day)}")
    text("Statut", report.status)
    amount("CA compté (franchise + collectée, encaissé)", report.counted_turnover)
    amount("  dont imposable par défaut (HN sans tva:)", report.taxable_by_default,
           'des soins thérapeutiques ? marquez-les tva: "exoneree"' if report.taxable_by_default else "")
    amount("Recettes exonérées à côté (art. 261-4-1° du CGI)", report.exempt_receipts)
    amount('  dont HN marquées tva: "exoneree"', report.hn_exempt)
    if report.thresholds is None:
        lines.append(f"  Seuils inconnus pour cette année : {UnknownYearError(report.year)}")
    else:
        if report.prorata != 1:
            text("Première année", f"seuils proratisés {report.prorata.numerator}/"
                 f"{report.prorata.denominator} jours (arrondis au centime inférieur)")
        base_label = f"Seuil de base (franchise {report.year + 1})"
        if report.base_threshold_provisional:
            base_label = f"Seuil de base (barème {report.base_threshold_year}, indicatif)"
        text(f"Franchise au 1er janvier {report.year}", _yes_no(report.franchise_at_start))
        amount(f"Seuil d'alerte ({percent(report.warning_share * 100)} du seuil de base)", report.warning_threshold,
               _crossed(report.warning_crossing))
        amount(base_label, report.base_threshold, _crossed(report.base_crossing))
        amount(f"Seuil majoré {report.year}", report.majore_threshold, _crossed(report.majore_crossing))
        if report.vat_due_from:
            text("TVA due à partir du", french_date(report.vat_due_from))
        text(f"Franchise en {report.year + 1} (CA {report.year} à ce jour)", _yes_no(report.next_year))
        as_of = french_date(report.as_of) if report.as_of else "?"
        text(f"Projection au rythme de l'année (au {as_of})",
             f"seuil de base {_day(report.projected_base_crossing)} ; "
             f"seuil majoré {_day(report.projected_majore_crossing)}")
        text("Règles", report.thresholds.rules.summary)
        text("Source des seuils", report.thresholds.source)
    for alert in report.alerts:
        lines.append(f"  ! {LEVELS.get(alert.level, alert.level)} du {french_date(alert.date)} : {alert.message} "
                     f"[{alert.code}]")
    for error in report.errors:
        source = error.source or {}
        lines.append(f"  ✗ erreur {source.get('filename')}:{source.get('lineno')}: {error.message}")
    return lines


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
