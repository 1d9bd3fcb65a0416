"""``hn extract FILE... --account ACCOUNT [--existing LEDGER] [--preset NAME]``.

For users without an ``import.py``: each FILE is recognised (OFX, camt.05x, a
CSV preset by its header, the practice software's invoice journal), extracted
with the same importers beangulp and Fava use, and printed as Beancount
entries; with ``--existing`` what the ledger already holds is left out.
Journals are read first, so a CPAM transfer in a statement of the same run can
settle the FSE of the journal. Any unreadable file stops everything with one
line ``file:line: message`` and nothing is printed or written (all or nothing).
"""

from __future__ import annotations

import inspect
import io

import click
from beancount.core import data
from beancount.parser import printer

from beancount_hn import atomic
from beancount_hn.importers.categorize import Categorizer, RuleError, load_rules
from beancount_hn.importers.detect import CSV_JOURNAL, detect, importer_for
from beancount_hn.importers.layouts import LayoutError, load_layout_file, preset, presets
from beancount_hn.importers.textfile import ImportFileError
from beancount_hn.loading import LoadedLedger, load_ledger

#: ``open`` metadata holding an account's number or IBAN, checked against the file's.
ACCOUNT_ID_KEYS = ("iban", "compte")


def _layouts(name: str | None) -> dict | None:
    if name is None:
        return None
    if name.lower().endswith(".toml"):
        return load_layout_file(name)
    return {name: preset(name)}


def _account_id(ledger: LoadedLedger | None, account: str | None,
                given: str | None) -> tuple[str | None, str]:
    """The expected account number/IBAN and where it comes from."""
    if given or ledger is None or account is None:
        return given, "--account-id"
    entry = ledger.index.opens.get(account)
    for key in ACCOUNT_ID_KEYS:
        value = ledger.index.open_meta(account, key)
        if value:
            meta = entry.meta if entry is not None else {}
            return str(value), f"{key}: on {meta.get('filename')}:{meta.get('lineno')}"
    return None, ""


def run_extract(files: tuple[str, ...], account: str | None, ledger: LoadedLedger | None,
                layouts: dict | None, categorizer: Categorizer, account_id: str | None,
                id_source: str) -> tuple[str, list[str]]:
    """Extract every file; return the Beancount text and one summary line per file."""
    existing: list[data.Directive] = list(ledger.entries) if ledger else []
    detected = [detect(path, layouts) for path in files]
    detected.sort(key=lambda d: d.kind != CSV_JOURNAL)  # invoices before the transfers settling them
    out = io.StringIO()
    out.write(";; -*- mode: beancount -*-\n")
    summary: list[str] = []
    for item in detected:
        importer = importer_for(item, account, account_id=account_id, categorizer=categorizer)
        try:
            entries = importer.extract(item.path, existing)
        except ImportFileError as exc:
            if account_id and "statement of account" in exc.message:
                raise ImportFileError(exc.path, f"{exc.message} ({id_source})", exc.line) from exc
            raise
        importer.sort(entries)
        for entry in entries:
            data.sanity_check_types(entry)
        importer.deduplicate(entries, existing)
        new = [e for e in entries if not (e.meta and e.meta.pop("__duplicate__", None))]
        existing.extend(new)
        target = importer.account(item.path) if item.needs_account else "factures"
        line = (f"{item.path} ({item.label} -> {target}): {len(new)} new, "
                f"{len(entries) - len(new)} already in the ledger")
        summary.append(line)
        out.write(f"\n;; {line}\n")
        for entry in new:
            out.write("\n" + printer.format_entry(entry))
    return out.getvalue(), summary


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--account", "-a", metavar="ACCOUNT",
              help="Treasury account of the bank statements, e.g. Assets:Banque:Courant.")
@click.option("--existing", "-e", metavar="LEDGER", type=click.Path(dir_okay=False),
              help="Ledger whose entries are not extracted again (and whose open invoices "
                   "CPAM/mutuelle transfers settle).")
@click.option("--preset", "-p", metavar="NAME|FILE.toml",
              help="CSV layout to use instead of recognising it: a preset name or a TOML file.")
@click.option("--rules", "-r", metavar="FILE.toml", type=click.Path(dir_okay=False),
              help="Categorisation rules ([[rule]] and [[settlement]] tables).")
@click.option("--account-id", metavar="NUMBER|IBAN",
              help="Refuse a file of another account (default: iban:/compte: on the account's open).")
@click.option("--output", "-o", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write the entries to FILE (atomically) instead of standard output.")
def extract(files: tuple[str, ...], account: str | None, existing: str | None, preset: str | None,
            rules: str | None, account_id: str | None, output: str | None) -> None:
    """Extract Beancount entries from bank statements (CSV, OFX, camt.053/054) and from
    the practice software's invoice journal; with --existing, leave out what LEDGER holds.
    """
    try:
        layouts = _layouts(preset)
        categorizer = load_rules(rules) if rules else Categorizer()
    except (LayoutError, RuleError) as exc:
        raise click.ClickException(str(exc)) from exc
    ledger = load_ledger(existing, show_errors=False) if existing else None
    if ledger is not None and ledger.errors:
        click.echo(f"{existing}: {len(ledger.errors)} error(s) in the ledger (see bean-check); "
                   "deduplicating against it anyway", err=True)
    expected_id, id_source = _account_id(ledger, account, account_id)
    try:
        text, summary = run_extract(files, account, ledger, layouts, categorizer, expected_id,
                                    id_source)
    except (ImportFileError, LayoutError, RuleError) as exc:
        raise click.ClickException(str(exc)) from exc
    except Exception as exc:  # a bug or an input nobody foresaw: still one line, no traceback
        raise click.ClickException(f"{', '.join(files)}: cannot import: "
                                   f"{type(exc).__name__}: {exc}") from exc
    if output:
        try:
            atomic.write_text(output, text, "utf-8", prefix=".hn-extract-")
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write: {exc.strerror or exc}") from exc
    else:
        click.echo(text, nl=False)
    for line in summary:
        click.echo(line, err=True)


extract.help = inspect.cleandoc(extract.help or "") + "\n\nBuilt-in presets: " + ", ".join(sorted(presets())) + "."

__all__ = ["extract", "run_extract"]
