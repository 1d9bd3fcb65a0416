"""CSV for French spreadsheets and printable HTML pages, shared by the exports.

CSV: ``;`` separator, decimal comma without thousands separator (so the
spreadsheet reads numbers), dates ``JJ/MM/AAAA``, UTF-8 with a BOM (so Excel
detects the encoding), CR LF; text cells never start a formula
(:mod:`beancount_hn.core.csvcells`: amounts are numbers, the rest is text). HTML:
one self-contained page (inline CSS, A4 landscape when printed), every value
escaped.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from beancount_hn.core import frtypo
from beancount_hn.core.csvcells import Number, csv_rows, number
from beancount_hn.core.identity import Identity

BOM = "\ufeff"


def csv_amount(value: Decimal | None) -> Number | str:
    """``Decimal("-1234.5")`` -> ``"-1234,50"`` (a number cell); None -> ``""``."""
    return "" if value is None else number(value)


def csv_date(value: datetime.date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")


def csv_text(rows: Iterable[Sequence[str | int | None]]) -> str:
    """The CSV text of ``rows`` (first row: the header), BOM first, text cells made safe."""
    return BOM + csv_rows(rows)


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def html_amount(value: Decimal | None) -> str:
    return "" if value is None else esc(frtypo.number(value))


def html_date(value: datetime.date | None) -> str:
    return "" if value is None else value.strftime("%d/%m/%Y")


_CSS = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9pt; color: #111; margin: 1.5em; }
h1 { font-size: 14pt; margin: 0 0 .2em 0; }
h2 { font-size: 11pt; margin: 1.2em 0 .4em 0; }
.who { margin: 0 0 1em 0; color: #333; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1em; }
th, td { border: 1px solid #999; padding: 2px 4px; vertical-align: top; }
th { background: #eee; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.n { white-space: nowrap; }
tr.total td { font-weight: bold; background: #f6f6f6; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
.note { color: #444; font-size: 8pt; }
"""


def identity_lines(identity: Identity | None) -> list[str]:
    """The practitioner as a page header shows it (only what the ledger declares)."""
    if identity is None or not identity.values:
        return []
    lines = []
    if identity.nom:
        lines.append(identity.display_name + (f" — {identity.profession}" if identity.profession else ""))
    lines.extend(identity.address_lines)
    numbers = [f"{label} {value}" for label, value in
               (("SIRET", identity.siret), ("SIREN", None if identity.siret else identity.siren),
                ("RPPS", identity.rpps), ("ADELI", identity.adeli)) if value]
    if numbers:
        lines.append(" · ".join(numbers))
    return lines


def html_page(title: str, identity: Identity | None, body: str) -> str:
    """A complete printable page."""
    return "".join(html_page_parts(title, identity, [body]))


def html_page_parts(title: str, identity: Identity | None, body: Iterable[str]) -> Iterator[str]:
    """:func:`html_page` in parts, ``body``'s as they come (a long page is never whole in memory)."""
    who = "<br>".join(esc(line) for line in identity_lines(identity))
    yield ("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
           f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
           f"<h1>{esc(title)}</h1>\n"
           + (f"<p class=\"who\">{who}</p>\n" if who else ""))
    yield from body
    yield "</body>\n</html>\n"


def html_table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int],
               total: Sequence[str] | None = None) -> str:
    """A table; cells are already escaped; ``numeric`` column indexes are right-aligned."""
    return "".join(html_table_parts(headers, rows, numeric, total))


def html_table_parts(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int],
                     total: Sequence[str] | None = None) -> Iterator[str]:
    """:func:`html_table` in parts, a row at a time, ``rows`` read as they come."""
    def cls(i: int) -> str:
        return ' class="n"' if i in numeric else ""

    yield "<table>\n<thead><tr>" + "".join(f"<th{cls(i)}>{esc(h)}</th>" for i, h in enumerate(headers))
    yield "</tr></thead>\n<tbody>\n"
    for row in rows:
        yield "<tr>" + "".join(f"<td{cls(i)}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>\n"
    if total is not None:
        yield ('<tr class="total">' + "".join(f"<td{cls(i)}>{cell}</td>" for i, cell in enumerate(total))
               + "</tr>\n")
    yield "</tbody>\n</table>\n"
