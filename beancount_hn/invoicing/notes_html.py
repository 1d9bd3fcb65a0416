"""Printable HTML (A4) of a document, and the index page of an archive of notes.

The page is self-contained (styles inline, the logo as a data URI) so the file
can be mailed or archived on its own.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass

import jinja2

from beancount_hn.core.frtypo import date, money
from beancount_hn.invoicing import notes_text as text
from beancount_hn.invoicing.notes import DEVIS, Document


@dataclass(frozen=True)
class IndexRow:
    """One document of an archive, as the index lists it."""

    document: Document
    filename: str


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("beancount_hn", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _logo_uri(path: str | None) -> str | None:
    if not path:
        return None
    kind = mimetypes.guess_type(path)[0] or "image/png"
    with open(path, "rb") as handle:
        return f"data:{kind};base64,{base64.b64encode(handle.read()).decode('ascii')}"


def render_html(doc: Document) -> str:
    """The document as a printable HTML page."""
    return _environment().get_template("note.html").render(
        heading=text.heading(doc),
        seller_name=text.seller_name(doc.seller),
        seller_lines=text.seller_lines(doc.seller),
        logo=_logo_uri(doc.seller.logo_path),
        client_label=text.client_label(doc),
        client_lines=text.client_lines(doc),
        facts=[(text.label(label), value) for label, value in text.facts(doc)],
        columns=text.columns(doc),
        rows=text.rows(doc),
        text_columns=0 if doc.kind == DEVIS else 1,  # date and designation are left-aligned
        totals=text.totals(doc),
        mentions=text.mentions(doc),
        signature=text.signature(doc),
        footer=text.footer(doc),
    )


def render_index(title: str, rows: Sequence[IndexRow]) -> str:
    """The index page of an archive: one row per document, with its file."""
    listed = [{
        "number": row.document.number,
        "title": row.document.title,
        "date": date(row.document.issue_date),
        "client": row.document.client.name,
        "amount": money(row.document.total_ttc, row.document.currency),
        "remaining": (money(row.document.remaining, row.document.currency)
                      if row.document.remaining is not None else ""),
        "facturx": row.document.facturx,
        "file": row.filename,
    } for row in rows]
    return _environment().get_template("index.html").render(title=title, rows=listed)
