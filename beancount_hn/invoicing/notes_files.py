"""Documents as files: one note, one devis, or the archive of a year — never half-written.

A single file is written by ``hn note``/``hn devis`` through
:class:`beancount_hn.core.outfolder.OutputDocument` (atomic, and never over a file hn
cannot prove it wrote). The archive of a year is a folder
written by the folder rule (:mod:`beancount_hn.core.outfolder`): made in a temporary
directory beside the target and renamed into place; an existing archive is
replaced only when ``hn notes`` wrote it for this ledger, with ``--force``.

File names are the document numbers, distinct for distinct numbers: a number
with characters a file name cannot carry (``F 1``, ``F/1``) gets them replaced
and a short digest of the exact number (``F_1~3f0c…``), so it never takes the
name of another number (``F_1``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from beancount.core import data

from beancount_hn.core.cashbook import Cashbook
from beancount_hn.core.errors import as_written
from beancount_hn.core.frtypo import date
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.outfolder import OutFile, OutputFolder
from beancount_hn.invoicing.facturx_cii import embed_facturx
from beancount_hn.invoicing.invoice_report import DocumentReceipts
from beancount_hn.invoicing.invoices import InvoiceBook, build_invoice_book
from beancount_hn.invoicing.notes import Document, invoice_document
from beancount_hn.invoicing.notes_html import IndexRow, render_html, render_index
from beancount_hn.invoicing.notes_pdf import render_pdf

FORMATS = ("pdf", "html")


def render(doc: Document, fmt: str) -> bytes:
    """The file content of ``doc``: PDF (Factur-X for company invoices) or HTML."""
    if fmt == "html":
        return render_html(doc).encode("utf-8")
    if fmt != "pdf":
        raise ValueError(f"format inconnu {as_written(fmt)} ; formats possibles : {', '.join(FORMATS)}")
    pdf = render_pdf(doc)
    return embed_facturx(pdf, doc) if doc.facturx else pdf


def filename(doc: Document, fmt: str) -> str:
    """``F-2025-0042.pdf``: the number; ``F_1~<digest>.pdf`` for ``F 1`` (see the module's text)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", doc.number).strip("._") or "document"
    if safe != doc.number:
        safe += "~" + hashlib.sha256(doc.number.encode("utf-8")).hexdigest()[:8]
    return f"{safe}.{fmt}"


@dataclass(frozen=True)
class Archive:
    """What ``write_year`` wrote."""

    path: str
    documents: list[Document]
    stale: list[str]  # staging folders of an interrupted run, removed first


def year_documents(entries: Sequence[data.Directive], index: LedgerIndex, year: int,
                   book: InvoiceBook | None = None, cashbook: Cashbook | None = None) -> list[Document]:
    """The note or avoir of every invoice number dated in ``year``, in date order (``cashbook``:
    the ledger's, when the caller has walked it)."""
    book = book or build_invoice_book(entries, index)
    receipts = DocumentReceipts(cashbook or Cashbook.build(entries, index), index)  # indexed once for all
    return [invoice_document(book, invoice, receipts) for invoice in book.invoices
            if invoice.date.year == year and book.by_number.get(invoice.number) is invoice]


def archive_files(documents: Sequence[Document], fmt: str, title: str) -> Iterator[OutFile]:
    """Each document's file, rendered as it is taken, then ``index.html``."""
    rows = []
    for doc in documents:
        name = filename(doc, fmt)
        yield OutFile(name, render(doc, fmt), f"le document {doc.number}")
        rows.append(IndexRow(doc, name))
    yield OutFile("index.html", render_index(title, rows).encode("utf-8"), "l'index")


def write_year(documents: Sequence[Document], folder: OutputFolder, fmt: str, title: str) -> Archive:
    """Write every document and an ``index.html`` as ``folder``, atomically as a whole.

    Private (0700) as the archive always was: the notes name patients.
    """
    stale = folder.write(archive_files(documents, fmt, title), private=True)
    return Archive(folder.target, list(documents), stale)


def archive_title(year: int, documents: Sequence[Document]) -> str:
    seller = documents[0].seller.display_name if documents else ""
    span = f" — du {date(documents[0].issue_date)} au {date(documents[-1].issue_date)}" if documents else ""
    return f"Notes d'honoraires {year}" + (f" — {seller}" if seller else "") + span
