"""Find a layout's table in a CSV text: header row, data rows with line numbers, other lines.

Exports often start with a few lines about the account (number, period,
balance) before the header row, and may end with a total or a balance line;
:func:`find_header` looks for the header in the first lines and
:func:`read_table` returns the rows with their physical line numbers so every
error can name its line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from beancount_hn.importers.layouts import Layout
from beancount_hn.importers.textfile import ImportFileError

#: The header row must appear within the first lines of the file.
MAX_HEADER_LINE = 40


@dataclass(frozen=True)
class Header:
    """Where a layout's header row is, and which column holds each role."""

    layout: Layout
    line: int  # 1-based
    delimiter: str
    cells: tuple[str, ...]
    roles: dict[str, int]

    @property
    def score(self) -> int:
        """How many roles matched: the most specific layout wins."""
        return len(self.roles)


@dataclass(frozen=True)
class Row:
    """One data row of the table."""

    line: int
    cells: tuple[str, ...]
    text: str  # the physical line, for error messages and balance lines

    def get(self, header: Header, role: str) -> str:
        """The cell of ``role`` (empty when the layout has no such column)."""
        index = header.roles.get(role)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].strip()


@dataclass(frozen=True)
class Table:
    """A header, its data rows, and the non-table lines before and after."""

    header: Header
    rows: tuple[Row, ...]
    preamble: tuple[tuple[int, str], ...]
    trailer: tuple[tuple[int, str], ...]


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def find_header(text: str, layouts: Iterable[Layout]) -> list[Header]:
    """The header rows of ``layouts`` found in ``text``, best score first."""
    lines = text.splitlines()[:MAX_HEADER_LINE]
    found: list[Header] = []
    for layout in layouts:
        for number, line in enumerate(lines, 1):
            header = None
            for delimiter in layout.delimiters:
                if delimiter not in line:
                    continue
                cells = _split(line, delimiter)
                roles = layout.match_header(cells)
                if roles is not None:
                    header = Header(layout, number, delimiter, tuple(cells), roles)
                    break
            if header is not None:
                found.append(header)
                break
    found.sort(key=lambda h: -h.score)
    return found


def read_table(path: str, text: str, header: Header) -> Table:
    """Split ``text`` around ``header`` into rows and other lines.

    A data row must have as many cells as the header (extra empty cells are
    tolerated); a shorter row is kept in ``trailer`` only when it is a
    non-data line *after* the last data row — otherwise the file is truncated
    or malformed and this raises.

    Raises:
      ImportFileError: a quote left open (truncated file) or a row of the
        wrong width, with its line number.
    """
    lines = text.splitlines(keepends=True)
    preamble = tuple((i + 1, lines[i].rstrip("\r\n")) for i in range(header.line - 1))
    body = "".join(lines[header.line:])
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=header.delimiter, strict=True)
    width = len(header.cells)
    rows: list[Row] = []
    odd: list[tuple[int, str, int]] = []  # (line, text, cells) of rows of the wrong width
    start = header.line + 1
    try:
        for cells in reader:
            line = start
            start = header.line + reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            text_line = header.delimiter.join(cells)
            if len(cells) < width or any(c.strip() for c in cells[width:]):
                odd.append((line, text_line, len(cells)))
                continue
            if odd:  # a well-formed row after an odd one: the odd one was data
                bad_line, _, count = odd[0]
                raise ImportFileError(path, f"{count} cell(s) where the header (line {header.line}) "
                                            f"has {width}: malformed row", bad_line)
            rows.append(Row(line, tuple(cells[:width]), text_line))
    except csv.Error as exc:
        raise ImportFileError(path, f"unreadable CSV ({exc}): the file is truncated or a quote "
                                    "is not closed", start) from exc
    trailer = tuple((line, text_line) for line, text_line, _ in odd)
    return Table(header, tuple(rows), preamble, trailer)
