"""The files the Cabinet page offers, made by the same renderers as the ``hn`` commands.

* the 2035 figures: ``hn 2035 --format csv`` (UTF-8 with BOM, ``;``, decimal
  comma) and ``--format json``;
* for the accountant, when ``beancount_hn.exports`` is installed: the FEC
  (``exports.fec``), the livre-journal des recettes et dépenses and the
  registre des immobilisations (CSV), and the whole ``hn export`` bundle
  (``exports.bundle``) as a zip, with or without pseudonymised patients: the
  same files, made and name-checked by the same functions as ``hn export``
  (``exports.bundle.out_files``, :func:`beancount_hn.core.outfolder.zip_files`).

The accountant's files are refused as ``hn export`` refuses them (fail closed, DESIGN §8): over
a ledger with errors (:func:`beancount_hn.core.loading.write_refusal`, the CLI's own
decision) or a 2035 that is not final (``render.form2035.status``, which says ``final`` in
the 2035's JSON), nothing is sent and the page says why. The 2035's CSV and JSON stay
offered: like ``hn 2035``, they say their figures are not final.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from beancount_hn.core.loading import format_error, write_refusal
from beancount_hn.core.outfolder import FolderError, zip_files
from beancount_hn.fava.figures import LedgerFigures
from beancount_hn.render import form2035 as render2035

CSV = "text/csv; charset=utf-8"

T = TypeVar("T")


@dataclass(frozen=True)
class Download:
    """A file to send: its name, type and bytes."""

    filename: str
    mimetype: str
    content: bytes


class DownloadError(ValueError):
    """The file cannot be made from this ledger; the message says why and what to do."""


def _module(name: str) -> object | None:
    """An optional module of beancount-hn (None when this installation lacks it)."""
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(name)


def _export_error() -> type[Exception]:
    module = _module("beancount_hn.exports")
    return getattr(module, "ExportError", ValueError) if module else ValueError


def form2035_csv(figures: LedgerFigures, year: int) -> Download:
    text = "\ufeff" + render2035.to_csv(figures.form(year), figures.errors)
    return Download(f"2035-{year}.csv", CSV, text.encode("utf-8"))


def form2035_json(figures: LedgerFigures, year: int) -> Download:
    text = render2035.to_json(figures.form(year), figures.errors) + "\n"
    return Download(f"2035-{year}.json", "application/json", text.encode("utf-8"))


def refused_unless_final(figures: LedgerFigures, year: int) -> None:
    """A :class:`DownloadError` where ``hn export --year`` writes nothing: a ledger with errors
    (decided by :func:`~beancount_hn.core.loading.write_refusal`, as for ``hn export``), or a
    2035 of ``year`` that is not final (its own errors, a reconciliation that does not close)."""
    loaded = figures.loaded
    refusal = write_refusal(loaded, what="aucun fichier")
    if refusal is not None:  # the errors follow the first line: one line of the page for them
        head, errors = refusal
        raise DownloadError(_with_errors(head, [format_error(e, loaded.path) for e in errors]))
    if year not in figures.transaction_years:
        return  # no 2035 to judge: each export says there is nothing to export (the page greys them)
    form = figures.form(year)
    state = render2035.status(form)
    if state.final:
        return
    reasons = [format_error(e, loaded.path) for e in state.errors]
    if not form.reconciliation.closed:
        reasons.append(f"le rapprochement de trésorerie {year} ne tombe pas juste ; la 2035 de cette page "
                       "montre pourquoi")
    raise DownloadError(_with_errors(f"la 2035 de {year} n'est pas définitive ; aucun fichier n'est écrit tant "
                                     "qu'elle ne l'est pas", reasons))


def _with_errors(head: str, reasons: list[str]) -> str:
    """A refusal on one line of the page: what is refused, then its first reason (the page lists
    the ledger's errors, each linked to its line)."""
    if not reasons:
        return head
    if len(reasons) == 1:
        return f"{head} — {reasons[0]}"
    return (f"{head} — la première des {len(reasons)} : {reasons[0]} (toutes sont listées sur cette page "
            "ou dans la page Errors de Fava)")


def _export(figures: LedgerFigures, year: int, name: str, missing: str, make: Callable[[Any], T]) -> T:
    """``make(module)`` with the export module ``beancount_hn.exports.<name>``.

    A missing module, a ledger or a 2035 over which ``hn export`` writes nothing
    (:func:`refused_unless_final`) or an export error (bad input) is a :class:`DownloadError`.
    """
    module = _module(f"beancount_hn.exports.{name}")
    if module is None:
        raise DownloadError(f"cette installation de beancount-hn n'a pas {missing}")
    refused_unless_final(figures, year)
    try:
        return make(module)
    except _export_error() as exc:
        raise DownloadError(str(exc)) from exc


def fec(figures: LedgerFigures, year: int) -> Download:
    rendered = _export(figures, year, "fec", "l'export FEC", lambda module: module.render_fec(
        module.build_fec(figures.entries, figures.index, year, form=figures.form(year))))
    return Download(rendered.filename, f"text/plain; charset={rendered.charset}", rendered.content)


def livre_journal(figures: LedgerFigures, year: int) -> Download:
    text = _export(figures, year, "livre_journal", "l'export du livre-journal", lambda module: module.render_csv(
        module.build_livre_journal(figures.entries, figures.index, year, form=figures.form(year))))
    return Download(f"livre-journal-{year}.csv", CSV, text.encode("utf-8"))


def registre(figures: LedgerFigures, year: int) -> Download:
    text = _export(figures, year, "registre", "l'export du registre", lambda module: module.render_csv(
        module.build_registre_view(figures.entries, figures.index, year, registre=figures.registre)))
    return Download(f"registre-immobilisations-{year}.csv", CSV, text.encode("utf-8"))


def _bundle(figures: LedgerFigures, year: int, *, pseudonymise: bool) -> Download:
    files = _export(figures, year, "bundle", "l'export complet (hn export)", lambda module: module.out_files(
        module.build_bundle(figures.entries, figures.index, year, pseudonymise=pseudonymise,
                            ledger_errors=len(figures.errors), ledger_name=figures.ledger_name)))
    folder = f"export-{year}" + ("-pseudonymise" if pseudonymise else "")
    try:
        content = zip_files(folder, files)
    except FolderError as exc:
        raise DownloadError(str(exc)) from exc
    return Download(f"{folder}.zip", "application/zip", content)


def bundle(figures: LedgerFigures, year: int) -> Download:
    """``hn export --year`` as a zip."""
    return _bundle(figures, year, pseudonymise=False)


def bundle_pseudonymise(figures: LedgerFigures, year: int) -> Download:
    """``hn export --year --pseudonymise`` as a zip: patients' names replaced in every file."""
    return _bundle(figures, year, pseudonymise=True)


#: endpoint name -> (label on the page, maker, module it needs or None).
DOWNLOADS: dict[str, tuple[str, Callable[[LedgerFigures, int], Download], str | None]] = {
    "form2035_csv": ("2035 (CSV)", form2035_csv, None),
    "form2035_json": ("2035 (JSON)", form2035_json, None),
    "fec": ("FEC", fec, "beancount_hn.exports.fec"),
    "livre_journal": ("Livre-journal (CSV)", livre_journal, "beancount_hn.exports.livre_journal"),
    "registre": ("Registre des immobilisations (CSV)", registre, "beancount_hn.exports.registre"),
    "bundle": ("Dossier pour l'expert-comptable (zip)", bundle, "beancount_hn.exports.bundle"),
    "bundle_pseudonymise": ("Dossier pseudonymisé (zip)", bundle_pseudonymise, "beancount_hn.exports.bundle"),
}


def unavailable_reason(figures: LedgerFigures, year: int) -> str:
    """Why no file of ``year`` can be made ("" when they can): a year before the books (its
    ``form2035.coverage_errors``, as ``hn 2035`` refuses it), or a year without any movement."""
    if figures.before_books(year):
        return "; ".join(str(error.message) for error in figures.coverage(year))
    if year not in figures.transaction_years:
        return f"aucune écriture en {year} : rien à exporter pour cet exercice"
    return ""


def available() -> list[str]:
    """The endpoints whose module this installation has."""
    return [name for name, (_, _, needs) in DOWNLOADS.items() if needs is None or _module(needs) is not None]
