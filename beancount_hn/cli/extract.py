"""``hn extract FILE... [--account ACCOUNT] [--existing LEDGER] [--preset NAME]``.

For users without an ``import.py``: each FILE is recognised by its content
(OFX, camt.05x, CFONB 120, QIF, a CSV preset by its header, the practice
software's invoice journal), extracted with the same importers beangulp and
Fava use, and printed as Beancount entries; with ``--existing`` what the
ledger already holds is left out.

Which Beancount account a statement goes to: ``--account``, checked against
the account number ``--account-id`` or the ``numero-compte:``/``iban:`` of its
``open``. A file holding several accounts (CFONB, several OFX/camt statements,
a CSV with an account column) is never merged into one: ``--account-id``
picks one; without it, each account of the file goes to the ledger account
whose ``open`` declares its number (``--existing``); otherwise the command
refuses and lists the accounts found.

Journals are read first, so a CPAM transfer in a statement of the same run can
settle the FSE of the journal. Any unreadable file stops everything with one
line ``file:line: message`` and nothing is printed or written (all or nothing).
"""

from __future__ import annotations

import inspect
import io
import os
from dataclasses import dataclass

import click
from beancount.core import account as account_lib
from beancount.core import data
from beancount.parser import printer

from beancount_hn.cli.french import FrenchCommand
from beancount_hn.core import atomic
from beancount_hn.core.errors import as_written, os_error_text
from beancount_hn.core.loading import LoadedLedger, load_ledger
from beancount_hn.core.outfolder import ledger_paths
from beancount_hn.importers.base import WrongAccountError, same_account
from beancount_hn.importers.categorize import Categorizer, RuleError, load_rules
from beancount_hn.importers.detect import CSV_JOURNAL, Detected, detect, importer_for
from beancount_hn.importers.layouts import LayoutError, load_layout_file, preset, presets
from beancount_hn.importers.textfile import ImportFileError

#: ``open`` metadata holding an account's number or IBAN, checked against the file's.
ACCOUNT_ID_KEYS = ("iban", "numero-compte")

#: The account an importer is built with only to list the accounts of a file.
_PROBE_ACCOUNT = "Assets:Releve"


@dataclass(frozen=True)
class DeclaredId:
    """An account number or IBAN declared on an ``open`` of the ledger."""

    account: str
    number: str
    source: str  # "numero-compte: sur main.beancount:12"


@dataclass(frozen=True)
class Target:
    """Where one account of a file is imported: the ledger account and the number it checks."""

    account: str | None
    number: str | None
    source: str = ""


def _layouts(name: str | None) -> dict | None:
    if name is None:
        return None
    if name.lower().endswith(".toml"):
        return load_layout_file(name)
    return {name: preset(name)}


def declared_ids(ledger: LoadedLedger | None) -> list[DeclaredId]:
    """The ``iban:``/``numero-compte:`` numbers declared on the ledger's ``open`` directives."""
    if ledger is None:
        return []
    found = []
    for account, entry in sorted(ledger.index.opens.items()):
        for key in ACCOUNT_ID_KEYS:
            value = (entry.meta or {}).get(key)
            if value:
                where = f"{entry.meta.get('filename')}:{entry.meta.get('lineno')}"
                found.append(DeclaredId(account, str(value), f"{key}: sur {where}"))
    return found


def targets(item: Detected, account: str | None, account_id: str | None,
            declared: list[DeclaredId]) -> list[Target]:
    """The (account, number) pairs to import ``item`` into, one per account of the file.

    Raises:
      ImportFileError: no account given and none found for the file's numbers,
        or a number of the file that fits no declared account or several.
    """
    if account_id:
        if account is None:
            owners = sorted({d.account for d in declared if same_account(account_id, d.number)})
            if len(owners) != 1:
                raise ImportFileError(item.path, "--account-id sans --account : donnez le compte "
                                                 "Beancount du relevé, p. ex. --account "
                                                 "Assets:Banque:Courant")
            account = owners[0]
        own = [d for d in declared if d.account == account]
        if own and not any(same_account(account_id, d.number) for d in own):
            # The ledger says which account this is: another account's number is a mistake.
            listed = ", ".join(f"{d.number} ({d.source})" for d in own)
            raise ImportFileError(item.path, f"--account-id {account_id} n'est pas le numéro de {account} "
                                             f"dans le grand livre ({listed}) : rien n'est importé ; "
                                             "donnez le compte dont c'est le numéro, ou corrigez son open")
        return [Target(account, account_id, "--account-id")]
    if account is not None and not declared:
        return [Target(account, None)]
    probe = importer_for(item, _PROBE_ACCOUNT)
    found = probe.account_ids(item.path)
    if account is not None and len(set(found)) < 2:
        own = next((d for d in declared if d.account == account), None)
        return [Target(account, own.number if own else None, own.source if own else "")]
    if not found or not declared:
        numbers = f" (comptes du fichier : {', '.join(dict.fromkeys(found))})" if found else ""
        raise ImportFileError(item.path, "un relevé bancaire demande --account, p. ex. --account "
                                         f"Assets:Banque:Courant{numbers}")
    # Several accounts in the file (or no --account): each goes to the account whose open
    # declares its number; one number matching no open stops everything, never a row dropped.
    chosen: list[Target] = []
    problems: list[str] = []
    for number in dict.fromkeys(found):
        owners = sorted({d.account for d in declared if same_account(number, d.number)})
        if len(owners) == 1:
            owner = next(d for d in declared if d.account == owners[0])
            chosen.append(Target(owner.account, number, owner.source))
        else:
            where = f"déclaré sur {' et '.join(owners)}" if owners else "déclaré sur aucun open"
            problems.append(f"{number} {where}")
    if problems:
        known = ", ".join(f"{d.account} ({d.number})" for d in declared)
        raise ImportFileError(
            item.path, f"relevé des comptes {', '.join(dict.fromkeys(found))} : "
                       f"{'; '.join(problems)} (numéros déclarés dans le grand livre : {known}) ; "
                       "rien n'est importé : déclarez le numéro sur l'open de chaque compte "
                       "(numero-compte: ou iban:), ou importez un seul compte avec --account et "
                       "--account-id")
    return chosen


def run_extract(files: tuple[str, ...], account: str | None, ledger: LoadedLedger | None,
                layouts: dict | None, categorizer: Categorizer,
                account_id: str | None) -> tuple[str, list[str]]:
    """Extract every file; return the Beancount text and one summary line per import."""
    existing: list[data.Directive] = list(ledger.entries) if ledger else []
    declared = declared_ids(ledger)
    detected = [detect(path, layouts) for path in files]
    detected.sort(key=lambda d: d.kind != CSV_JOURNAL)  # invoices before the transfers settling them
    out = io.StringIO()
    out.write(";; -*- mode: beancount -*-\n")
    summary: list[str] = []
    for item in detected:
        jobs = [Target(None, None)] if item.kind == CSV_JOURNAL \
            else targets(item, account, account_id, declared)
        for job in jobs:
            importer = importer_for(item, job.account, account_id=job.number,
                                    categorizer=categorizer)
            try:
                entries = importer.extract(item.path, existing)
            except WrongAccountError as exc:
                source = f" ({job.source})" if job.source and job.source not in exc.message else ""
                raise ImportFileError(exc.path, f"{exc.message}{source}", exc.line) from exc
            importer.sort(entries)
            for entry in entries:
                data.sanity_check_types(entry)
            importer.deduplicate(entries, existing)
            new = [e for e in entries if not (e.meta and e.meta.pop("__duplicate__", None))]
            existing.extend(new)
            target = job.account or "factures"
            line = (f"{item.path} ({item.label} -> {target}) : {len(new)} nouvelle(s), "
                    f"{len(entries) - len(new)} déjà dans le grand livre")
            summary.append(line)
            out.write(f"\n;; {line}\n")
            for entry in new:
                out.write("\n" + printer.format_entry(entry))
    return out.getvalue(), summary


@click.command(cls=FrenchCommand)
@click.argument("files", metavar="FICHIERS...", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--account", "-a", metavar="COMPTE",
              help="Compte de trésorerie des relevés, p. ex. Assets:Banque:Courant.")
@click.option("--existing", "-e", metavar="GRAND-LIVRE", type=click.Path(dir_okay=False),
              help="Grand livre dont les écritures ne sont pas extraites à nouveau (et dont les "
                   "factures ouvertes sont soldées par les virements CPAM/mutuelles).")
@click.option("--preset", "-p", metavar="NOM|FICHIER.toml",
              help="Mise en page CSV à utiliser au lieu de la reconnaître : une présélection ou "
                   "un fichier TOML.")
@click.option("--rules", "-r", metavar="FICHIER.toml", type=click.Path(dir_okay=False),
              help="Règles de catégorisation (tables [[rule]] et [[settlement]]).")
@click.option("--account-id", metavar="NUMÉRO|IBAN",
              help="Compte du fichier à importer ; un fichier d'un autre compte est refusé "
                   "(par défaut : iban:/numero-compte: sur l'open du compte).")
@click.option("--output", "-o", metavar="FICHIER", type=click.Path(dir_okay=False),
              help="Écrire les écritures dans FICHIER (de façon atomique) plutôt que sur la "
                   "sortie standard.")
@click.option("--force", is_flag=True,
              help="Remplacer FICHIER s'il existe déjà (jamais un fichier du grand livre ni un relevé lu).")
def extract(files: tuple[str, ...], account: str | None, existing: str | None, preset: str | None,
            rules: str | None, account_id: str | None, output: str | None, force: bool) -> None:
    """Extraire des écritures Beancount des relevés bancaires (CSV, OFX, camt.053/054,
    CFONB 120, QIF) et du journal des factures du logiciel métier ; avec --existing, sans
    ce que le GRAND-LIVRE contient déjà.
    """
    if account is not None and not account_lib.is_valid(account):
        raise click.ClickException(f"--account {as_written(account)} n'est pas un nom de compte Beancount "
                                   "(p. ex. Assets:Banque:Courant)")
    try:
        layouts = _layouts(preset)
        categorizer = load_rules(rules) if rules else Categorizer()
    except (LayoutError, RuleError) as exc:
        raise click.ClickException(str(exc)) from exc
    ledger = load_ledger(existing, show_errors=False) if existing else None
    if ledger is not None and ledger.errors:
        click.echo(f"{existing} : {len(ledger.errors)} erreur(s) dans le grand livre (voir "
                   "bean-check) ; dédoublonnage fait quand même", err=True)
    if ledger is not None and account is not None:
        _check_account(existing, account, ledger)
    try:
        text, summary = run_extract(files, account, ledger, layouts, categorizer, account_id)
    except (ImportFileError, LayoutError, RuleError) as exc:
        raise click.ClickException(str(exc)) from exc
    except Exception as exc:  # a bug or an input nobody foresaw: still one line, no traceback
        raise click.ClickException(f"{', '.join(files)} : import impossible : "
                                   f"{type(exc).__name__} : {exc}") from exc
    if output:
        _check_output(output, force, files, ledger)
        try:
            atomic.write_text(output, text, "utf-8", prefix=".hn-extract-")
        except OSError as exc:
            raise click.ClickException(f"{output} : écriture impossible : {os_error_text(exc)}") from exc
    else:
        click.echo(text, nl=False)
    for line in summary:
        click.echo(line, err=True)


def _check_account(existing: str, account: str, ledger: LoadedLedger) -> None:
    """``--account`` must be opened by the ledger ``--existing`` names (refused otherwise, with
    the opened treasury accounts); an opened account that is not treasury is a warning."""
    index = ledger.index
    treasury = sorted(a for a in index.treasury_from if a in index.opens)
    if account not in index.opens:
        choices = (f"importez vers un compte de trésorerie ouvert ({', '.join(treasury)}), ou "
                   if treasury else "")
        raise click.ClickException(
            f"{existing} : {account} n'est ouvert par aucun open du grand livre ; rien n'est importé : "
            f"{choices}ouvrez d'abord ce compte (AAAA-MM-JJ open {account} EUR, et "
            f'AAAA-MM-JJ custom "hn-option" "treasury" {account} s\'il détient l\'argent du cabinet)')
    if account not in index.treasury_from:
        listed = f" ; comptes de trésorerie du grand livre : {', '.join(treasury)}" if treasury else ""
        click.echo(f"avertissement : {existing} : {account} n'est pas un compte de trésorerie (aucune option "
                   f"treasury ne le couvre{listed}) : ce qui y entre ou en sort n'est ni encaissé ni payé "
                   "pour la 2035", err=True)


def _check_output(output: str, force: bool, files: tuple[str, ...], ledger) -> None:
    """Never overwrite a file of the ledger or a statement being read; another existing
    file only with ``--force``."""
    target = os.path.realpath(output)
    protected = set(ledger_paths(ledger.path, ledger.options_map)) if ledger is not None else set()
    protected.update(os.path.realpath(f) for f in files)
    if target in protected:
        raise click.ClickException(f"{output} : c'est un fichier lu par cette commande (grand livre ou "
                                   "relevé) ; rien n'est écrit : choisissez un autre --output")
    if os.path.exists(target) and not force:
        raise click.ClickException(f"{output} existe déjà ; rien n'est écrit : --force pour le "
                                   "remplacer, ou choisissez un autre --output")


extract.help = inspect.cleandoc(extract.help or "") + "\n\nPrésélections CSV : " \
    + ", ".join(sorted(presets())) + "."

__all__ = ["extract", "run_extract"]
