"""Load a ledger for the command line: a clear message, never a traceback.

Fail closed (DESIGN §8): :func:`load_ledger` gathers every error of the ledger
(Beancount's, the plugins', the ``hn-option`` errors even without the plugin
line, amounts out of bounds) in ``LoadedLedger.errors``; a command over a
ledger with errors never presents a figure as final (:func:`merge_errors` adds
its own errors, :func:`not_final_banner` comes first, :func:`errors_json` goes in
its JSON with ``"final": false``), or writes nothing (:func:`refuse_to_write`),
and exits 1. :func:`require_year` is the one check of a ``--year`` value;
:func:`output_folder` the one check of an ``--out`` folder.
"""

from __future__ import annotations

import datetime
import gc
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import click
from beancount import loader
from beancount.core import data

from beancount_hn.core.amounts import amount_errors, without_out_of_bounds
from beancount_hn.core.errors import dedupe, error_type, in_file_order, os_error_text, where
from beancount_hn.core.gcpause import gc_paused
from beancount_hn.core.includes import Include, includes_of
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.outfolder import FolderError, OutputFolder, ledger_paths

#: Years a ``--year`` may name.
MIN_YEAR, MAX_YEAR = 1900, 2999

#: The plugin line that runs every check of beancount-hn (``bean-check``, Fava and ``hn`` alike).
CHAIN_PLUGIN = "beancount_hn.plugins.all"
#: The plugin modules of that chain, which a ledger may load one by one instead (``plugins.all.CHAIN``).
CHAIN_MODULES = ("beancount_hn.plugins.review", "beancount_hn.plugins.treasury",
                 "beancount_hn.plugins.convention", "beancount_hn.plugins.invoice_numbering",
                 "beancount_hn.plugins.vat_franchise", "beancount_hn.plugins.lines2035",
                 "beancount_hn.plugins.identity")

ChainError = error_type("ChainError")



class HnError(click.ClickException):
    """A command's error, shown as ``Erreur : message`` on stderr, exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Erreur : {self.format_message()}", file=file or sys.stderr)


@dataclass
class LoadedLedger:
    """A ledger loaded with its plugins, and its index."""

    path: str
    entries: list[data.Directive]
    errors: list
    options_map: dict[str, Any]
    index: LedgerIndex

    def transaction_years(self) -> list[int]:
        """The calendar years with at least one transaction, in order."""
        return sorted({e.date.year for e in self.entries if isinstance(e, data.Transaction)})


# --- loading -----------------------------------------------------------------------------


def _short(message: str) -> str:
    """A plugin that crashed: Beancount puts its traceback in the message; keep its last line."""
    marker = "Traceback (most recent call last)"
    if marker not in message:
        return message
    head = message.split(marker, 1)[0].rstrip(" :")
    if head.startswith("Error applying plugin "):
        head = f"le plugin {head[len('Error applying plugin '):]} a échoué"
    tail = [line.strip() for line in message.splitlines() if line.strip()]
    return f"{head} : {tail[-1]}" if tail else head


def format_error(error: Any, fallback: str = "<livre>") -> str:
    """``file:line: message`` of an error (a plugin's traceback cut to its last line)."""
    source = error.source or {}
    return f"{source.get('filename', fallback)}:{source.get('lineno', 0)}: {_short(str(error.message))}"


_GLOB_RE = re.compile(r'^File glob "(?P<glob>.*)" does not match any files$')
_DUPLICATE_RE = re.compile(r'^Duplicate filename parsed: "(?P<path>.*)"$')


def _amount(text: str) -> str:
    """``16.00 EUR`` as French writes it (``16,00 EUR``)."""
    return re.sub(r"(\d)\.(\d)", r"\1,\2", text)


#: Beancount's (and Fava's) most common messages, in French: (pattern, French from its groups).
_BEANCOUNT_MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Invalid reference to unknown account '(?P<a>[^']*)'"),
     lambda m: f"compte {m['a']} inconnu : aucun open ne l'ouvre (ajoutez p. ex. 2025-01-01 open {m['a']} EUR)"),
    (re.compile(r"Invalid reference to inactive account '(?P<a>[^']*)'"),
     lambda m: f"compte {m['a']} pas ouvert à cette date (ou déjà fermé) : datez son open plus tôt"),
    (re.compile(r"Balance failed for '(?P<a>[^']*)': expected (?P<e>.+?) != accumulated (?P<g>.+?) "
                r"\((?P<d>.+?) too (?P<w>much|little)\)"),
     lambda m: (f"balance faux sur {m['a']} : attendu {_amount(m['e'])}, le livre donne {_amount(m['g'])} "
                f"({_amount(m['d'])} {'de trop' if m['w'] == 'much' else 'en moins'}) : une écriture manque, est "
                "en double ou a un montant faux avant cette date")),
    (re.compile(r"Transaction does not balance: \((?P<r>.*)\)"),
     lambda m: f"l'écriture n'est pas équilibrée : ses lignes laissent {_amount(m['r'])}"),
    (re.compile(r"Duplicate open directive for (?P<a>\S+)"),
     lambda m: f"{m['a']} est ouvert deux fois : gardez un seul open"),
    (re.compile(r"Invalid currency (?P<c>\S+) for account '(?P<a>[^']*)'"),
     lambda m: f"devise {m['c']} non prévue pour {m['a']} : son open n'admet pas cette devise"),
    (re.compile(r"Unused Pad entry"),
     lambda m: "pad inutilisé : aucun balance ne le suit sur ce compte"),
    (re.compile(r"No operating currency specified\..*"),
     lambda m: 'aucune devise de tenue : ajoutez option "operating_currency" "EUR"'),
    (re.compile(r"syntax error, (?P<d>.*)"),
     lambda m: f"ligne illisible par Beancount (erreur de syntaxe : {m['d']})"),
]


def _in_french(message: str) -> str:
    for pattern, french in _BEANCOUNT_MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            return french(match)
    return message


def in_french(errors: list, options_map: dict[str, Any]) -> list:
    """Beancount's errors as ``hn`` shows them: a missing or repeated ``include`` at its line
    (:func:`locate_includes`), and the most common messages in French (others as they are)."""
    located = locate_includes(errors, options_map)
    return [error if (french := _in_french(str(error.message))) == error.message else error._replace(message=french)
            for error in located]


def locate_includes(errors: list, options_map: dict[str, Any]) -> list:
    """Beancount reports a missing ``include``, and a file included twice, at ``<load>:0`` (in
    English): put each at its ``include`` line, in French."""
    located = []
    repeated: dict[str, list[tuple[Include, dict[str, Any] | None]]] | None = None
    for error in errors:
        if (error.source or {}).get("filename") != "<load>":
            located.append(error)
            continue
        message = str(error.message)
        match = _GLOB_RE.match(message)
        if match:
            glob = match.group("glob")
            source = _include_line(glob, options_map.get("include") or [])
            if source is not None:
                error = error._replace(source=source, message=(
                    f'include "{glob}" : aucun fichier ne correspond (un chemin relatif part du '
                    "dossier du fichier qui l'inclut) ; corrigez le chemin ou retirez la ligne"))
        elif (match := _DUPLICATE_RE.match(message)) and options_map.get("filename"):
            if repeated is None:
                repeated = _repeated_includes(options_map["filename"])
            found = repeated.get(match.group("path"))
            if found:  # Beancount reports them in the order it meets them, as the walk does
                (source, glob, _), first = found.pop(0)
                already = (f"est déjà inclus en {where(first)}" if first is not None
                           else "est le fichier principal du livre, déjà chargé")
                error = error._replace(source=source, message=(
                    f'include "{glob}" : {match.group("path")} {already} (Beancount ne charge un '
                    "fichier qu'une fois) ; retirez cette ligne"))
        located.append(error)
    return located


def _include_line(glob: str, files: list[str]) -> dict[str, Any] | None:
    """The ``include`` line (of the loaded ``files``) that wrote ``glob``: as Beancount reports it,
    or relative to the including file's folder, or ending with its file name."""
    relative = os.path.basename(glob)
    for filename in files:
        folder = os.path.dirname(filename)
        for source, written, _ in includes_of(filename):
            if (written == glob or written.endswith(f"/{relative}")
                    or os.path.normpath(os.path.join(folder, written)) == os.path.normpath(glob)):
                return source
    return None


def _repeated_includes(main: str) -> dict[str, list[tuple[Include, dict[str, Any] | None]]]:
    """The ``include`` lines that name a file already loaded, by that file, in the order
    Beancount's loader meets them (breadth first from ``main``), each with the line that
    loaded the file first (None: the main file itself)."""
    main = os.path.normpath(os.path.abspath(main))
    first: dict[str, dict[str, Any] | None] = {main: None}
    repeated: dict[str, list[tuple[Include, dict[str, Any] | None]]] = {}
    queue = [main]
    for filename in queue:  # grows as new files are met
        for include in includes_of(filename):
            source = include[0]
            for path in include[2]:
                if path in first:
                    repeated.setdefault(path, []).append((include, first[path]))
                else:
                    first[path] = source
                    queue.append(path)
    return repeated


def _arithmetic_failure(path: str, exc: Exception) -> HnError:
    """Beancount's own booking overflowed: name the amounts out of bounds, found by a plain parse."""
    try:
        parsed, _, _ = loader._parse_recursive([(os.path.abspath(path), True)], None)
        found = amount_errors(parsed)
    except Exception:  # noqa: BLE001 - the parse is only a diagnosis
        found = []
    if found:
        return HnError("Beancount n'a pas pu charger le livre :\n"
                       + "\n".join(format_error(e, path) for e in found))
    return HnError(f"{path} : Beancount n'a pas pu charger le livre (erreur de calcul décimal "
                   f"{type(exc).__name__}) ; cherchez un montant démesuré")


def load_ledger(path: str, *, show_errors: bool = True) -> LoadedLedger:
    """Load ``path`` with Beancount's loader (plugins included).

    ``errors`` holds Beancount's errors (parse, includes, balances, plugins), the
    ``hn-option`` errors of the index (deduplicated: the plugin line reports them
    too) and an :data:`AmountError` at each entry with an amount out of bounds;
    those entries are left out of ``entries``. With ``show_errors`` the errors are
    printed to stderr as ``file:line: message``; a missing or unreadable file, or a
    ledger Beancount cannot load at all, is an :class:`HnError`.

    The cyclic collector waits during the load, and what is alive then (the
    ledger, which lives as long as the command) is frozen out of its sight
    (``gc.freeze``): a load makes millions of objects and almost no garbage
    cycles (a few dozen on a 40 000-transaction ledger, for the same peak
    memory), yet its full collections, each walking everything loaded so far,
    are a sixth of Beancount's load time, and every later one would walk the
    ledger again.
    """
    if not os.path.isfile(path):
        raise HnError(f"{path} : fichier de livre introuvable")
    try:
        with gc_paused():
            entries, errors, options_map = loader.load_file(path)
    except OSError as exc:
        raise HnError(f"{path} : impossible de lire le livre : {os_error_text(exc)}") from exc
    except UnicodeDecodeError as exc:
        raise HnError(f"{path} : impossible de lire le livre : il n'est pas en UTF-8 ({exc.reason}, octet "
                      f"{exc.start}) ; enregistrez-le en UTF-8") from exc
    except ArithmeticError as exc:
        raise _arithmetic_failure(path, exc) from exc
    except Exception as exc:  # noqa: BLE001 - Beancount itself failed: one line, no traceback
        raise HnError(f"{path} : Beancount n'a pas pu charger le livre ({type(exc).__name__} : {exc})") from exc
    gc.freeze()
    entries, bound_errors = without_out_of_bounds(entries)
    index = LedgerIndex.build(entries, options_map)
    errors = in_file_order(dedupe(in_french(list(errors), options_map) + list(index.config_errors)
                                  + bound_errors + chain_errors(path, options_map)))
    if errors and show_errors:
        print_errors(errors, path)
    return LoadedLedger(path, entries, errors, options_map, index)


def chain_errors(path: str, options_map: dict[str, Any]) -> list:
    """An error at the main file's first line when the ledger does not run the checks of beancount-hn.

    Without ``plugin "beancount_hn.plugins.all"`` (or each of :data:`CHAIN_MODULES`),
    neither ``bean-check`` nor Fava checks the treasury accounts, the invoice
    numbering, the 293 B franchise, the devis or the entries left for review, and
    ``hn`` would present figures nothing checked: they are not final.
    """
    loaded = {name for name, _ in options_map.get("plugin") or ()}
    missing = [name for name in CHAIN_MODULES if name not in loaded]
    if CHAIN_PLUGIN in loaded or not missing:
        return []
    partly = (f" (il en charge une partie : il manque {', '.join(missing)})"
              if len(missing) < len(CHAIN_MODULES) else "")
    return [ChainError(
        {"filename": os.path.abspath(path), "lineno": 1},
        f"le livre ne charge pas les vérifications de beancount-hn{partly} : sans elles, ni bean-check, "
        "ni Fava, ni hn ne contrôlent les comptes de trésorerie, la numérotation des factures, la "
        "franchise 293 B, les devis ni les écritures à vérifier ; ajoutez en tête du fichier principal "
        f'la ligne plugin "{CHAIN_PLUGIN}"', None)]


def print_errors(errors: list, path: str = "<livre>") -> None:
    """Print errors to stderr, ``file:line: message``, then their count."""
    for error in errors:
        click.echo(format_error(error, path), err=True)
    click.echo(f"{path} : {len(errors)} erreur(s) dans le livre (bean-check les détaille)", err=True)


# --- fail closed ---------------------------------------------------------------------------


def merge_errors(loaded: LoadedLedger, own: Iterable) -> list:
    """The ledger's errors, then the command's own ones not already among them (each by file and line)."""
    return dedupe(list(loaded.errors) + in_file_order(own))


def errors_json(errors: Iterable) -> list[dict[str, Any]]:
    """Errors as JSON objects: ``fichier``, ``ligne``, ``where`` (``file:line``) and ``message``."""
    out = []
    for error in errors:
        source = error.source or {}
        out.append({"fichier": source.get("filename"), "ligne": source.get("lineno"),
                    "where": where(source), "message": _short(str(error.message))})
    return out


def not_final_banner(count: int, extra: str = "") -> str:
    """The first line of a report whose figures are not final."""
    reasons = [f"le livre comporte {count} erreur(s) (listées avec leur fichier:ligne)"] if count else []
    if extra:
        reasons.append(extra)
    return ("CHIFFRES NON DÉFINITIFS : " + " ; ".join(reasons)
            + " — corrigez avant de déclarer ou de transmettre ces chiffres.")


def write_refusal(loaded: LoadedLedger, own: Iterable = (), what: str = "aucun fichier") -> tuple[str, list] | None:
    """Why nothing may be written over ``loaded`` (its errors, then ``own``): the refusal's first
    line and the errors, or None. :func:`refuse_to_write` for a command, Fava's downloads for a page."""
    errors = merge_errors(loaded, own)
    if not errors:
        return None
    return (f"{loaded.path} : le livre comporte {len(errors)} erreur(s) ; {what} n'est écrit tant qu'elles "
            "ne sont pas corrigées", errors)


def refuse_to_write(loaded: LoadedLedger, own: Iterable = (), what: str = "aucun fichier") -> None:
    """Stop a command that writes files (``hn export``, ``hn notes``…) over a ledger with errors."""
    refusal = write_refusal(loaded, own, what)
    if refusal is not None:
        head, errors = refusal
        shown = "\n".join(format_error(e, loaded.path) for e in errors[:20])
        more = f"\n… et {len(errors) - 20} autre(s)" if len(errors) > 20 else ""
        raise HnError(f"{head} :\n{shown}{more}")


def output_folder(loaded: LoadedLedger, out: str, command: str, *, force: bool) -> OutputFolder:
    """The folder ``command`` (``hn export``…) writes for ``loaded``, checked before any long work.

    The rule of :mod:`beancount_hn.core.outfolder` (never over the ledger, never over
    what hn did not write, an own folder only with ``--force``): a refusal is an
    :class:`HnError` naming the folder and what is in the way.
    """
    folder = OutputFolder(out, command, loaded.path, ledger_paths(loaded.path, loaded.options_map), force)
    try:
        folder.check()
    except FolderError as exc:
        raise HnError(f"{exc} ; rien n'est écrit") from exc
    return folder


def report_stale(paths: Iterable[str]) -> None:
    """Say which staging folders of an interrupted run :meth:`OutputFolder.write` removed."""
    for path in paths:
        click.echo(f"dossier temporaire d'une exécution interrompue supprimé : {path}", err=True)


# --- --year ----------------------------------------------------------------------------


def check_year_range(year: int, option: str = "--year") -> None:
    """An :class:`HnError` for a year outside :data:`MIN_YEAR`–:data:`MAX_YEAR` (0 included)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise HnError(f"{option} {year} : année hors limites (attendu une année entre {MIN_YEAR} "
                      f"et {MAX_YEAR}, p. ex. {datetime.date.today().year - 1})")


def require_year(loaded: LoadedLedger, year: int, option: str = "--year", *,
                 covered: Iterable[int] | None = None, not_covered: Iterable[Any] = ()) -> None:
    """The one check of a ``--year``: within 1900–2999 and with at least one transaction.

    A year without data is an error, not a form of zeros (DESIGN §8): :class:`HnError`
    (exit status 1) with the years that have transactions. A face that knows which years
    the books cover (``form2035.covered_years``) gives them as ``covered``: only those are
    suggested, the others named as before the books; and for a year before the books, its
    ``form2035.coverage_errors`` as ``not_covered``: they are the refusal (« le livre ne
    couvre pas 2024 … »).
    """
    check_year_range(year, option)
    years = loaded.transaction_years()
    if year in years:
        return
    refusal = [format_error(error, loaded.path) for error in not_covered]
    if refusal:
        raise HnError("\n".join(refusal))
    wanted = set(years if covered is None else covered)
    kept = [y for y in years if y in wanted]
    left_out = [y for y in years if y not in wanted]
    before = f"{year_ranges(left_out)}, avant le premier jour du livre" if left_out else ""
    if kept:
        suggested = f"années avec des transactions : {year_ranges(kept)}" + (f" (sans {before})" if before else "")
    elif before:
        suggested = f"le livre n'a de transactions qu'en {before}"
    else:
        suggested = "le livre n'a aucune transaction"
    raise HnError(f"{loaded.path} : aucune transaction en {year} ({option} {year}) ; {suggested}")


def year_ranges(years: list[int]) -> str:
    """``[2019, 2020, 2021, 2024]`` → ``"2019–2021, 2024"``."""
    parts: list[str] = []
    start = previous = years[0]
    for year in years[1:] + [None]:  # type: ignore[list-item]
        if year is not None and year == previous + 1:
            previous = year
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if year is not None:
            start = previous = year
    return ", ".join(parts)
