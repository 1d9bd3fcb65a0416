"""``hn export LEDGER --year Y --out DIR``: the year-end bundle for the accountant.

A thin face over ``beancount_hn.exports.bundle``: load, then make the files
one at a time, each written to the staging folder as it is made (the bundle
never stands whole in memory), the folder renamed into place at the end. Bad
input (no SIREN, an account without PCG number or 2035 line, a year without
treasury movement) is a message naming the file and line to fix, and nothing
is written; so is a ledger with any error (fail closed, DESIGN §8). The output folder follows :mod:`beancount_hn.core.outfolder`:
created, or replaced only when ``hn export`` wrote it for this ledger and with
``--force``; never a folder of the ledger or one holding what hn did not write.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

import click

from beancount_hn.cli.french import FrenchCommand
from beancount_hn.cli.years import require_covered_year
from beancount_hn.core.loading import (HnError, check_year_range, load_ledger, output_folder, refuse_to_write,
                                       report_stale)
from beancount_hn.exports.bundle import BundleFile, BundleStream, write_bundle
from beancount_hn.exports.fec import SEPARATORS

CHARSETS = {"iso-8859-15": "iso8859-15", "utf-8": "utf-8"}


@click.command(name="export", cls=FrenchCommand)
@click.argument("ledger", metavar="LIVRE", type=click.Path(dir_okay=False))
@click.option("--year", "-y", type=int, metavar="ANNÉE", required=True, help="Année civile à exporter (p. ex. 2025).")
@click.option("--out", "out", metavar="DOSSIER", type=click.Path(), required=True,
              help="Dossier à créer avec les fichiers (nouveau ou vide ; un dossier déjà écrit par "
                   "hn export pour ce livre, seulement avec --force).")
@click.option("--pseudonymise", "--pseudonymize", "pseudonymise", is_flag=True,
              help="Remplacer le nom des patients par des pseudonymes stables (Patient 0001…) dans chaque fichier.")
@click.option("--force", is_flag=True, help="Remplacer DOSSIER s'il a été écrit par hn export pour ce livre "
              "(jamais un dossier qui contient autre chose).")
@click.option("--charset", type=click.Choice(sorted(CHARSETS)), default="iso-8859-15", show_default=True,
              help="Jeu de caractères du FEC (le texte cite l'ISO 8859-15 ; UTF-8 donne un avertissement).")
@click.option("--separator", type=click.Choice(sorted(SEPARATORS)), default="tab", show_default=True,
              help="Séparateur de champs du FEC.")
def export(ledger: str, year: int, out: str, pseudonymise: bool, force: bool, charset: str,
           separator: str) -> None:
    """Écrire le dossier de l'année ANNÉE de LIVRE dans DOSSIER : 2035, FEC, livre-journal, registre, factures, TVA.

    Rien n'est écrit (pas même le dossier) quand le livre comporte une erreur, ou pour une
    année hors 1900–2999 ou sans transaction : code de sortie 1.
    """
    check_year_range(year)
    loaded = load_ledger(ledger, show_errors=False)  # refuse_to_write lists them, once
    require_covered_year(loaded, year)
    refuse_to_write(loaded, what="aucun fichier (ni le dossier)")
    folder = output_folder(loaded, out, "hn export", force=force)  # before the (long) computation
    try:
        bundle = BundleStream(loaded.entries, loaded.index, year, pseudonymise=pseudonymise,
                              charset=CHARSETS[charset], separator=separator,
                              ledger_errors=len(loaded.errors), ledger_name=ledger)
        stale = write_bundle(_refused_unless_final(bundle, year), folder)
    except (ValueError, OSError) as exc:  # ExportError, FolderError and the core's own input errors
        raise HnError(f"{exc} ; rien n'est écrit") from exc
    report_stale(stale)
    for warning in bundle.warnings:
        click.echo(f"avertissement : {warning}", err=True)
    click.echo(f"{folder.target} : {len(bundle.names())} fichiers pour {year}"
               + (" (patients pseudonymisés)" if pseudonymise else ""))


def _refused_unless_final(files: Iterable[BundleFile], year: int) -> Iterator[BundleFile]:
    """``files`` as they are made; once all are made, nothing is written (the staging folder is
    removed) when the bundle's own 2035 is not final (its errors, a reconciliation gap)."""
    name = f"2035-{year}.json"
    form = None
    for item in files:
        if item.name == name:
            form = json.loads(item.content)  # made whole (only the long files come in pieces)
        yield item
    _refuse_unless_final(form, year)


def _refuse_unless_final(form: dict | None, year: int) -> None:
    if form is None or form.get("final", True):
        return
    reasons = [f"{e['where']}: {e['message']}" for e in form.get("errors", [])]
    rec = form.get("reconciliation", {})
    if not rec.get("closed", True):
        reasons.append(f"le rapprochement de trésorerie {year} ne tombe pas juste ; "
                       f"hn 2035 --year {year} montre pourquoi")
    raise HnError(f"la 2035 de {year} n'est pas définitive ; rien n'est écrit :\n" + "\n".join(reasons))
