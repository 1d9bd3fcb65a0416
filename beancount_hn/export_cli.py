"""``hn export LEDGER --year Y --out DIR``: the year-end bundle for the accountant.

A thin face over ``beancount_hn.exports.bundle``: load, build every file in
memory, write them atomically. Bad input (no SIREN, an account without PCG
number or 2035 line, a year without treasury movement, an existing output
directory) is a message naming the file and line to fix, and nothing is written; so is
a ledger with any error (fail closed, DESIGN §8).
"""

from __future__ import annotations

import json
import os

import click

from beancount_hn.exports.bundle import build_bundle, write_bundle
from beancount_hn.exports.fec import SEPARATORS
from beancount_hn.loading import HnError, check_year_range, load_ledger, refuse_to_write, require_year

CHARSETS = {"iso-8859-15": "iso8859-15", "utf-8": "utf-8"}


@click.command(name="export")
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--year", "-y", type=int, required=True, help="Année civile à exporter (p. ex. 2025).")
@click.option("--out", "out", type=click.Path(file_okay=False), required=True,
              help="Dossier à créer avec les fichiers (il ne doit pas exister, sauf avec --force).")
@click.option("--pseudonymise", "--pseudonymize", "pseudonymise", is_flag=True,
              help="Remplacer le nom des patients par des pseudonymes stables (Patient 0001…) dans chaque fichier.")
@click.option("--force", is_flag=True, help="Remplacer DIR s'il existe (un dossier écrit par hn export).")
@click.option("--charset", type=click.Choice(sorted(CHARSETS)), default="iso-8859-15", show_default=True,
              help="Jeu de caractères du FEC (le texte cite l'ISO 8859-15 ; UTF-8 donne un avertissement).")
@click.option("--separator", type=click.Choice(sorted(SEPARATORS)), default="tab", show_default=True,
              help="Séparateur de champs du FEC.")
def export(ledger: str, year: int, out: str, pseudonymise: bool, force: bool, charset: str,
           separator: str) -> None:
    """Écrire le dossier YEAR de LEDGER dans DIR : 2035, FEC, livre-journal, registre, factures, TVA.

    Rien n'est écrit (pas même le dossier) quand le livre comporte une erreur, ou pour une
    année hors 1900–2999 ou sans transaction : code de sortie 1.
    """
    check_year_range(year)
    if os.path.exists(out) and not force:  # say it before the (long) computation
        raise HnError(f"{out} existe déjà ; utilisez --force pour le remplacer, ou choisissez un autre --out")
    loaded = load_ledger(ledger)
    require_year(loaded, year)
    refuse_to_write(loaded, what="aucun fichier (ni le dossier)")
    try:
        bundle = build_bundle(loaded.entries, loaded.index, year, pseudonymise=pseudonymise,
                              charset=CHARSETS[charset], separator=separator,
                              ledger_errors=len(loaded.errors), ledger_name=ledger)
        _refuse_unless_final(bundle, year)
        path = write_bundle(bundle, out, force=force)
    except (ValueError, OSError) as exc:  # ExportError and the core's own input errors
        raise HnError(f"{exc} ; rien n'est écrit") from exc
    for warning in bundle.warnings:
        click.echo(f"avertissement : {warning}", err=True)
    click.echo(f"{path} : {len(bundle.files)} fichiers pour {year}"
               + (" (patients pseudonymisés)" if pseudonymise else ""))


def _refuse_unless_final(bundle, year: int) -> None:
    """Nothing is written when the bundle's own 2035 is not final (its errors, a reconciliation gap)."""
    name = f"2035-{year}.json"
    form = next((json.loads(f.content) for f in bundle.files if f.name == name), None)
    if form is None or form.get("final", True):
        return
    reasons = [f"{e['where']}: {e['message']}" for e in form.get("errors", [])]
    rec = form.get("reconciliation", {})
    if not rec.get("closed", True):
        reasons.append(f"le rapprochement de trésorerie {year} ne tombe pas juste ; "
                       f"hn 2035 --year {year} montre pourquoi")
    raise HnError(f"la 2035 de {year} n'est pas définitive ; rien n'est écrit :\n" + "\n".join(reasons))
