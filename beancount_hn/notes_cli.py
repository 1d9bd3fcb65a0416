"""``hn note``, ``hn devis`` and ``hn notes``: the documents of the ledger as PDF or HTML files."""

from __future__ import annotations

from collections.abc import Callable

import click

from beancount_hn.cashbook import Cashbook
from beancount_hn.errors import where
from beancount_hn.invoices import InvoiceBook, build_invoice_book
from beancount_hn.loading import LoadedLedger, load_ledger
from beancount_hn.notes import Document, DocumentError, find_invoice, find_quote, invoice_document, quote_document
from beancount_hn.notes_files import FORMATS, archive_title, write_document, write_year, year_documents

_FORMAT = click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True,
                       help="pdf (Factur-X for company invoices) or a printable html page")


def _refuse_if_broken(loaded: LoadedLedger, entry_meta: dict, what: str) -> None:
    """A document is not issued from an entry the ledger reports errors on."""
    here = (entry_meta.get("filename"), entry_meta.get("lineno"))
    own = [e for e in loaded.errors if e.source and (e.source.get("filename"), e.source.get("lineno")) == here]
    if own:
        listed = "\n".join(f"  {e.message}" for e in own)
        raise click.ClickException(f"{where(entry_meta)}: {what} has errors in the ledger; fix them "
                                   f"before issuing it:\n{listed}")


def _one_document_command(func: Callable) -> click.Command:
    """``hn note`` / ``hn devis``: NUMBER LEDGER [--out DIR] [--format pdf|html]."""
    for decorate in reversed((
            click.command(),
            click.argument("number"),
            click.argument("ledger", type=click.Path(dir_okay=False)),
            click.option("--out", "out_dir", type=click.Path(file_okay=False), default=".", show_default=True,
                         help="directory the file is written to"),
            _FORMAT)):
        func = decorate(func)
    return func


def _write_one(ledger: str, out_dir: str, fmt: str,
               document: Callable[[LoadedLedger, InvoiceBook], Document]) -> tuple[Document, str]:
    """Load LEDGER, make the document ``document`` picks and write it into OUT_DIR.

    Returns the document and its path; any error is one ``click`` line.
    """
    loaded = load_ledger(ledger)
    book = build_invoice_book(loaded.entries, loaded.index)
    try:
        doc = document(loaded, book)
        path = write_document(doc, out_dir, fmt)
    except DocumentError as exc:
        raise click.ClickException(f"{ledger}: {exc}") from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write into {out_dir}: {exc}") from exc
    return doc, path


@_one_document_command
def note(number: str, ledger: str, out_dir: str, fmt: str) -> None:
    """Render the note d'honoraires (or avoir) NUMBER of LEDGER."""
    def document(loaded: LoadedLedger, book: InvoiceBook) -> Document:
        invoice = find_invoice(book, number)
        _refuse_if_broken(loaded, invoice.txn.meta, f"invoice {invoice.number}")
        return invoice_document(book, invoice, Cashbook.build(loaded.entries, loaded.index))

    doc, path = _write_one(ledger, out_dir, fmt, document)
    kind = " (Factur-X)" if doc.facturx and fmt == "pdf" else ""
    click.echo(f"{doc.title} {doc.number}{kind}: {path}")


@_one_document_command
def devis(number: str, ledger: str, out_dir: str, fmt: str) -> None:
    """Render the quote (custom "hn-devis") NUMBER of LEDGER, with its signature block."""
    def document(loaded: LoadedLedger, book: InvoiceBook) -> Document:
        quote = find_quote(book, number)
        _refuse_if_broken(loaded, quote.entry.meta, f"quote {quote.number}")
        return quote_document(book, quote)

    doc, path = _write_one(ledger, out_dir, fmt, document)
    click.echo(f"{doc.title} {doc.number}: {path}")


@click.command()
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--year", type=int, required=True, help="calendar year of the invoices")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True,
              help="archive directory (replaced as a whole once complete)")
@_FORMAT
def notes(ledger: str, year: int, out_dir: str, fmt: str) -> None:
    """Render every note d'honoraires and avoir of YEAR into OUT, with an index.html."""
    loaded = load_ledger(ledger)
    book = build_invoice_book(loaded.entries, loaded.index)
    try:
        for invoice in book.invoices:
            if invoice.date.year == year:
                _refuse_if_broken(loaded, invoice.txn.meta, f"invoice {invoice.number}")
        documents = year_documents(loaded.entries, loaded.index, year, book)
        if not documents:
            raise click.ClickException(f"{ledger}: no invoice dated in {year}; nothing written")
        archive = write_year(documents, out_dir, fmt, archive_title(year, documents))
    except DocumentError as exc:
        raise click.ClickException(f"{ledger}: {exc}; nothing written") from exc
    except OSError as exc:
        raise click.ClickException(f"cannot write {out_dir}: {exc}; nothing written") from exc
    facturx = sum(1 for d in documents if d.facturx)
    extra = f", {facturx} Factur-X" if facturx and fmt == "pdf" else ""
    click.echo(f"{len(documents)} document(s){extra} and index.html written to {archive.path}")
