"""The PDF of a document (A4, PDF/A-3B), drawn with fpdf2 from the same text as the HTML.

The font is Source Sans Pro (SIL OFL), shipped by the ``font-source-sans-pro``
package on PyPI: a TrueType font with every character a French document needs,
the narrow no-break space included; nothing is taken from the system.
Company invoices get their Factur-X XML embedded by
:func:`beancount_hn.invoicing.facturx_cii.embed_facturx`. A document is issued once: its
file carries its date of issue, never the clock, so rendering it again later
gives the same bytes.
"""

from __future__ import annotations

import os
import re

import font_source_sans_pro
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from fpdf.output import OutputProducer

from beancount_hn.invoicing import notes_text as text
from beancount_hn.invoicing.facturx_cii import document_moment
from beancount_hn.invoicing.notes import Document

FONT = "SourceSansPro"
MARGIN = 15.0
GREY = (102, 102, 102)


def font_files() -> dict[str, str]:
    """Regular, bold and italic TTF files of the bundled font, by fpdf2 style."""
    folder = font_source_sans_pro.font_directory
    files = {"": "SourceSansPro-Regular.ttf", "B": "SourceSansPro-Bold.ttf", "I": "SourceSansPro-It.ttf"}
    return {style: os.path.join(folder, name) for style, name in files.items()}


class _NotePDF(FPDF):
    """An A4 page with the document's footer and page numbers."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4", enforce_compliance="PDF/A-3B")
        self.footer_text = footer_text
        for style, path in font_files().items():
            self.add_font(FONT, style, path)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=20)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*GREY)
        self.set_draw_color(204, 204, 204)
        self.line(MARGIN, self.get_y() - 1, self.w - MARGIN, self.get_y() - 1)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_x(MARGIN)
        self.cell(0, 4, f"page {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)


class _DatedOutput(OutputProducer):
    """fpdf2 stamps the XMP modification date with the clock: here it is the creation date (the issue date)."""

    def _build_xmp_from_info(self) -> str:
        xmp = super()._build_xmp_from_info()
        created = re.search(r'xmp:CreateDate="([^"]+)"', xmp)
        if created is None:  # pragma: no cover - fpdf2 writes it whenever a creation date is set
            raise RuntimeError("fpdf2 wrote no xmp:CreateDate")
        return re.sub(r'(xmp:(?:ModifyDate|MetadataDate))="[^"]*"', rf'\1="{created.group(1)}"', xmp)


def _block(pdf: FPDF, lines: list[str], width: float, size: float = 9.5, height: float = 4.6) -> None:
    pdf.set_font(FONT, "", size)
    for line in lines:
        pdf.multi_cell(width, height, line, new_x=XPos.LEFT, new_y=YPos.NEXT)


def render_pdf(doc: Document) -> bytes:
    """The document as a PDF/A-3B file (bytes); Factur-X is added by the caller."""
    pdf = _NotePDF(text.footer(doc))
    pdf.set_title(text.heading(doc))
    pdf.set_author(doc.seller.display_name)
    pdf.set_subject(f"{doc.title} — {doc.client.name}")
    pdf.set_creator("beancount-hn")
    pdf.set_lang("fr-FR")
    # Reproducible files: the document is dated by its issue date, not by the clock.
    pdf.set_creation_date(document_moment(doc))
    pdf.alias_nb_pages()
    pdf.add_page()
    usable = pdf.w - 2 * MARGIN

    # Seller (left) and logo (right).
    top = pdf.get_y()
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(110, 6, text.seller_name(doc.seller), new_x=XPos.LEFT, new_y=YPos.NEXT)
    _block(pdf, text.seller_lines(doc.seller), 110)
    seller_bottom = pdf.get_y()
    logo = doc.seller.logo_path
    if logo:
        pdf.image(logo, x=pdf.w - MARGIN - 45, y=top, w=0, h=22, keep_aspect_ratio=True)

    # Client box (right), under the seller block.
    box_x, box_w = MARGIN + usable - 85, 85
    pdf.set_xy(box_x + 3, max(seller_bottom, top + 26) + 4)
    box_top = pdf.get_y() - 2
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*GREY)
    pdf.cell(box_w - 6, 4, text.client_label(doc).upper(), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    _block(pdf, text.client_lines(doc), box_w - 6, size=10, height=4.8)
    box_bottom = pdf.get_y() + 2
    pdf.set_draw_color(153, 153, 153)
    pdf.rect(box_x, box_top, box_w, box_bottom - box_top)

    # Heading and facts.
    pdf.set_xy(MARGIN, box_bottom + 6)
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, text.heading(doc), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    for label, value in text.facts(doc):
        pdf.set_font(FONT, "", 9.5)
        pdf.set_text_color(85, 85, 85)
        pdf.cell(40, 5, text.label(label))
        pdf.set_text_color(0)
        pdf.multi_cell(usable - 40, 5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    # Acts.
    columns = text.columns(doc)
    widths = [28, 74, 12, 30, 16, 30] if doc.has_vat else [28, 90, 12, 30, 30]
    text_rows = text.rows(doc)
    first = text_rows[0].designation if text_rows else 1
    if first == 0:  # no date column: the designation takes its width
        widths = [widths[0] + widths[1], *widths[2:]]
    aligns = tuple("L" if i <= first else "R" for i in range(len(columns)))
    pdf.set_font(FONT, "", 9.5)
    pdf.set_draw_color(204, 204, 204)
    with pdf.table(col_widths=widths, text_align=aligns, borders_layout="HORIZONTAL_LINES",
                   headings_style=FontFace(emphasis="BOLD", fill_color=(238, 238, 238)),
                   line_height=4.8, padding=(1.2, 1.5), v_align="TOP", width=usable) as table:
        table.row(columns)
        for row in text_rows:
            cells = list(row.cells)
            cells[row.designation] = "\n".join([cells[row.designation], *([row.detail] if row.detail else []),
                                                *row.notices])
            table.row(cells)
    pdf.ln(3)

    # Totals, right-aligned.
    for label, value, strong in text.totals(doc):
        pdf.set_font(FONT, "B" if strong else "", 10)
        pdf.set_x(MARGIN + usable - 95)
        pdf.cell(65, 5.5, label)
        pdf.cell(30, 5.5, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # Mentions.
    pdf.ln(6)
    pdf.set_font(FONT, "", 9)
    for mention in text.mentions(doc):
        pdf.multi_cell(usable, 4.4, mention, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.8)

    # Signature boxes of a devis.
    signature = text.signature(doc)
    if signature:
        pdf.ln(6)
        if pdf.get_y() + 35 > pdf.h - 20:
            pdf.add_page()
        y = pdf.get_y()
        width = (usable - 10) / len(signature)
        for i, line in enumerate(signature):
            x = MARGIN + i * (width + 10)
            pdf.rect(x, y, width, 32)
            pdf.set_xy(x + 2, y + 2)
            pdf.multi_cell(width - 4, 4.2, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(y + 34)
    return bytes(pdf.output(output_producer_class=_DatedOutput))
