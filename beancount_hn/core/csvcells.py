"""CSV cells a spreadsheet shows as written, never runs as formulas (CSV injection).

Every CSV the tool writes (2035, livre-journal, ajustements, registre, invoices,
Fava's downloads) goes through :func:`csv_rows`, and the FEC's text fields
through :func:`text_cell`. The rule is OWASP's: a **text** cell whose first
character is ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or whose
first character after leading blanks is one of the four signs) gets a leading
apostrophe, so ``=HYPERLINK("http://x")`` is shown, not evaluated.

A cell is text or a number by the type of its column, never by its content:
amounts are made by :func:`number` (or are ``int``), which marks them as
:class:`Number`, so ``-12,50`` stays a negative number; a payee written
``-12,50`` is text and becomes ``'-12,50``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

#: The first characters a spreadsheet reads as the start of a formula.
FORMULA_SIGNS = "=+-@"
#: Control characters that must not open a cell either (OWASP).
FORMULA_CONTROLS = "\t\r"
APOSTROPHE = "'"


class Number(str):
    """The text of a number (``-1234,50``, ``12``): written as it is, never neutralised."""


def number(value: Decimal | int, places: int = 2) -> Number:
    """``Decimal("-1234.5")`` → ``-1234,50`` (decimal comma, no thousands separator); ``int`` as is."""
    if isinstance(value, int):
        return Number(value)
    return Number(f"{value:.{places}f}".replace(".", ","))


def is_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (or a control opens it)."""
    if not text:
        return False
    if text[0] in FORMULA_CONTROLS or text[0] in FORMULA_SIGNS:
        return True
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in FORMULA_SIGNS


def text_cell(text: str) -> str:
    """``text`` with a leading apostrophe when it could run as a formula, else unchanged."""
    return APOSTROPHE + text if is_formula(text) else text


def cell(value: str | int | None) -> str:
    """The written form of one cell: numbers as they are, text made safe, None empty."""
    if value is None:
        return ""
    if isinstance(value, (Number, int)):
        return str(value)
    return text_cell(value)


def csv_rows(rows: Iterable[Sequence[str | int | None]]) -> str:
    """``;``-separated CSV, CR LF, fields quoted when needed, every cell through :func:`cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue()
