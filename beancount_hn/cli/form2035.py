"""``hn 2035 LEDGER --year Y``: the 2035-A/2035-B of a year, line by line.

Exit status: 0 when the figures are final: the ledger has no error, the form
none either, and the treasury reconciliation closes to the cent. 1 otherwise:
the figures are still printed for diagnosis, but a banner « CHIFFRES NON
DÉFINITIFS » comes first (``"final": false`` and the ``errors`` in JSON, a first
``AVERTISSEMENT`` row in CSV) and the errors go to stderr as ``file:line:
message``; among them, a year the books do not cover whole (``form2035.coverage_errors``:
before the first ``treasury`` option, or begun after 1 January with no ``practice-start``
that day or later). 1 as well, with no figure at all, for a year outside 1900–2999 or
without any transaction (before the books: their coverage error, « le livre ne couvre pas
2024 … »; else the covered years with transactions are suggested), and for an account
without 2035 line used in the year (its name and first posting are printed: any figure
would be wrong).
"""

from __future__ import annotations

import json
import sys

import click

from beancount_hn.cli.french import FrenchCommand
from beancount_hn.cli.years import require_covered_year
from beancount_hn.core.errors import where
from beancount_hn.core.frtypo import money
from beancount_hn.core.loading import HnError, check_year_range, errors_json, format_error, load_ledger
from beancount_hn.render import form2035 as render
from beancount_hn.tax import lines2035
from beancount_hn.tax.form2035 import SOCIAL_CODES, compute_2035

FORMATS = ("table", "csv", "json", "html")


@click.command(name="2035", cls=FrenchCommand)
@click.argument("ledger", metavar="LIVRE", type=click.Path(dir_okay=False))
@click.option("--year", "-y", type=int, metavar="ANNÉE", required=True, help="Année civile des recettes (p. ex. 2025).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table (euros entiers), csv (tableurs français), json (au centime), html.")
@click.option("--explain", "explain", metavar="CODE",
              help="Les écritures derrière une ligne (p. ex. BA, BT, 23, CP) ou une case sociale "
                   "(DSCS, DSAV, DSAW), avec fichier:ligne et le signe de chacune.")
@click.option("--all-boxes", "all_boxes", is_flag=True,
              help="Affiche aussi les cases « dont » de la ligne 43 nulles (table et HTML).")
def form2035(ledger: str, year: int, fmt: str, explain: str | None, all_boxes: bool) -> None:
    """La 2035 de LIVRE pour l'année ANNÉE (recettes-dépenses), avec son rapprochement de trésorerie."""
    check_year_range(year)
    loaded = load_ledger(ledger)
    require_covered_year(loaded, year)
    form = compute_2035(loaded.entries, loaded.index, year)
    if form.unmapped_errors:
        raise HnError(
            "comptes sans ligne 2035 utilisés dans l'année (aucun chiffre n'est affiché) :\n"
            + "\n".join(f"{where(e.source)}: {e.message}" for e in form.unmapped_errors))
    state = render.status(form, loaded.errors)
    if explain is not None:
        code = explain.strip().upper()
        if code not in form.values and code not in SOCIAL_CODES:
            known = ", ".join([row.code for row in lines2035.lines() if row.applies_to(year)] + list(SOCIAL_CODES))
            raise HnError(f'--explain : ligne « {explain} » inconnue pour {year} ; lignes connues : {known}')
        if fmt == "json":
            listing = json.loads(render.explain_json(form, code))
            listing.update({"final": state.final, "errors": errors_json(state.errors)})
            click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        else:
            if state.banner:
                click.echo(state.banner)
            click.echo(render.explain_text(form, code), nl=False)
        _report_on_stderr(loaded, form)
        if not state.final:
            raise SystemExit(1)
        return
    if fmt == "json":
        click.echo(render.to_json(form, loaded.errors))
    elif fmt == "csv":
        sys.stdout.buffer.write(("\ufeff" + render.to_csv(form, loaded.errors)).encode("utf-8"))
        sys.stdout.flush()
    elif fmt == "html":
        click.echo(render.to_html(form, loaded.errors, all_boxes), nl=False)
    else:
        click.echo(render.to_table(form, loaded.errors, all_boxes), nl=False)
    _report_on_stderr(loaded, form)
    if not state.final:
        if state.banner:
            click.echo(state.banner, err=True)
        raise SystemExit(1)


def _report_on_stderr(loaded, form) -> None:
    """The form's hints and its own errors (the ledger's are already shown), the reconciliation's gap."""
    for hint in form.hints:
        place = render.hint_where(hint)
        click.echo(f"{place + ': ' if place else ''}conseil : {hint.message}", err=True)
    already_shown = {(where(e.source), e.message) for e in loaded.errors}
    for error in form.errors:
        if (where(error.source), error.message) not in already_shown:
            click.echo(format_error(error, loaded.path), err=True)
    rec = form.reconciliation
    if not rec.closed:
        gaps = ([f"écart {money(rec.difference)}"] if rec.difference else []) + [
            f"inexpliqué {account} : {money(amount)}"
            for account, amount in sorted(rec.unexplained.items()) if amount]
        click.echo(f"hn 2035 : le rapprochement {form.year} ne tombe pas juste"
                   + (f" ({' ; '.join(gaps)})" if gaps else ""), err=True)
