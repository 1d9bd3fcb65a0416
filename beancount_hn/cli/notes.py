"""``hn note``, ``hn devis`` and ``hn notes``: the documents of the ledger as PDF or HTML files."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import click

from beancount_hn.cli.french import FrenchCommand
from beancount_hn.cli.years import require_covered_year
from beancount_hn.core.cashbook import Cashbook, problem_errors
from beancount_hn.core.errors import os_error_text
from beancount_hn.core.loading import (HnError, LoadedLedger, check_year_range, load_ledger, output_folder,
                                       refuse_to_write, report_stale)
from beancount_hn.core.outfolder import FolderError, OutputDocument
from beancount_hn.invoicing.invoices import InvoiceBook, build_invoice_book
from beancount_hn.invoicing.notes import Document, DocumentError, find_invoice, find_quote, invoice_document, quote_document
from beancount_hn.invoicing.notes_files import FORMATS, archive_title, filename, render, write_year, year_documents

_FORMAT = click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True,
                       help="pdf (Factur-X pour les factures aux entreprises) ou une page html imprimable")


def _one_document_command(func: Callable) -> click.Command:
    """``hn note`` / ``hn devis``: NUMÉRO LIVRE [--out DOSSIER] [--format pdf|html]."""
    for decorate in reversed((
            click.command(cls=FrenchCommand),
            click.argument("number", metavar="NUMÉRO"),
            click.argument("ledger", metavar="LIVRE", type=click.Path(dir_okay=False)),
            click.option("--out", "out_dir", metavar="DOSSIER", type=click.Path(file_okay=False), default=".", show_default=True,
                         help="dossier où le fichier est écrit"),
            click.option("--force", is_flag=True,
                         help="remplacer un fichier du même nom que hn n'a pas écrit (jamais un fichier du "
                              "livre ni, dans son dossier de documents, un fichier que hn n'a pas écrit)"),
            _FORMAT)):
        func = decorate(func)
    return func


def _cashbook(loaded: LoadedLedger, what: str) -> Cashbook:
    """The cash book of the notes, once the ledger is known to have no error: refused, like the
    ledger's own errors, while its walk has problems (a payment that settles nothing, a
    payment taking another payee's note): a note would print them wrong (``hn check`` lists them)."""
    cashbook = Cashbook.build(loaded.entries, loaded.index)
    refuse_to_write(loaded, problem_errors(cashbook), what=what)  # (the book's errors are refused before)
    return cashbook


def _write_one(ledger: str, out_dir: str, fmt: str, force: bool, command: str,
               document: Callable[[LoadedLedger, InvoiceBook], Document]) -> tuple[Document, str]:
    """Load LEDGER, make the document ``document`` picks and write it into OUT_DIR.

    Returns the document and its path; any error is one message, and nothing is
    written (not even OUT_DIR) over a ledger with errors. The file follows the rule
    of :class:`~beancount_hn.core.outfolder.OutputDocument`: never over a file hn
    cannot prove it wrote unless ``force``, never over the ledger's files or documents.
    """
    loaded = load_ledger(ledger, show_errors=False)  # refuse_to_write lists them, once
    book = build_invoice_book(loaded.entries, loaded.index)
    refuse_to_write(loaded, book.errors, what="aucun document")
    try:
        doc = document(loaded, book)
        target = OutputDocument.for_ledger(out_dir, filename(doc, fmt), command, loaded.path,
                                           loaded.options_map, loaded.entries, force=force)
        target.check()  # before rendering: a refusal costs nothing
        path = target.write(render(doc, fmt))
    except DocumentError as exc:
        raise HnError(f"{ledger} : {exc}") from exc
    except FolderError as exc:
        raise HnError(f"{exc} ; rien n'est écrit") from exc
    except OSError as exc:
        raise HnError(f"impossible d'écrire dans {out_dir} : {os_error_text(exc)}") from exc
    return doc, path


@_one_document_command
@click.option("--au", "as_of", metavar="AAAA-MM-JJ", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="situation des règlements à cette date (AAAA-MM-JJ), imprimée sur la note ; "
                   "par défaut la date d'émission")
def note(number: str, ledger: str, out_dir: str, force: bool, fmt: str, as_of: datetime.datetime | None) -> None:
    """La note d'honoraires (ou l'avoir) NUMÉRO de LIVRE, en PDF ou HTML."""
    def document(loaded: LoadedLedger, book: InvoiceBook) -> Document:
        invoice = find_invoice(book, number)
        return invoice_document(book, invoice, _cashbook(loaded, "aucun document"),
                                as_of.date() if as_of else None)

    doc, path = _write_one(ledger, out_dir, fmt, force, "hn note", document)
    kind = " (Factur-X)" if doc.facturx and fmt == "pdf" else ""
    click.echo(f"{doc.title} {doc.number}{kind} : {path}")


@_one_document_command
def devis(number: str, ledger: str, out_dir: str, force: bool, fmt: str) -> None:
    """Le devis (custom "hn-devis") NUMÉRO de LIVRE, avec son bloc « Bon pour accord »."""
    def document(loaded: LoadedLedger, book: InvoiceBook) -> Document:
        return quote_document(book, find_quote(book, number))

    doc, path = _write_one(ledger, out_dir, fmt, force, "hn devis", document)
    click.echo(f"{doc.title} {doc.number} : {path}")


@click.command(cls=FrenchCommand)
@click.argument("ledger", metavar="LIVRE", type=click.Path(dir_okay=False))
@click.option("--year", type=int, metavar="ANNÉE", required=True, help="année civile des factures")
@click.option("--out", "out_dir", metavar="DOSSIER", type=click.Path(), required=True,
              help="dossier d'archive, nouveau ou vide (écrit d'un bloc une fois complet)")
@click.option("--force", is_flag=True, help="remplacer DOSSIER s'il a été écrit par hn notes pour ce livre "
              "(jamais un dossier qui contient autre chose)")
@_FORMAT
def notes(ledger: str, year: int, out_dir: str, force: bool, fmt: str) -> None:
    """Toutes les notes d'honoraires et avoirs de l'année ANNÉE dans DOSSIER, avec un index.html.

    Rien n'est écrit (pas même le dossier) quand le livre comporte une erreur, ou pour une
    année hors 1900–2999 ou sans transaction : code de sortie 1. DOSSIER suit la
    règle des dossiers de sortie (guide, page « Expert-comptable », « Le dossier de sortie et --force »).
    """
    check_year_range(year)
    loaded = load_ledger(ledger, show_errors=False)  # refuse_to_write lists them, once
    require_covered_year(loaded, year)
    book = build_invoice_book(loaded.entries, loaded.index)
    refuse_to_write(loaded, book.errors, what="aucun document (ni le dossier)")
    cashbook = _cashbook(loaded, "aucun document (ni le dossier)")
    folder = output_folder(loaded, out_dir, "hn notes", force=force)
    try:
        documents = year_documents(loaded.entries, loaded.index, year, book, cashbook)
        if not documents:
            raise HnError(f"{ledger} : aucune facture datée de {year} ; rien n'est écrit")
        archive = write_year(documents, folder, fmt, archive_title(year, documents))
    except DocumentError as exc:
        raise HnError(f"{ledger} : {exc} ; rien n'est écrit") from exc
    except FolderError as exc:
        raise HnError(f"{exc} ; rien n'est écrit") from exc
    except OSError as exc:
        raise HnError(f"impossible d'écrire {out_dir} : {os_error_text(exc)} ; rien n'est écrit") from exc
    report_stale(archive.stale)
    facturx = sum(1 for d in documents if d.facturx)
    extra = f", dont {facturx} Factur-X" if facturx and fmt == "pdf" else ""
    click.echo(f"{len(documents)} document(s){extra} et index.html écrits dans {archive.path}")
