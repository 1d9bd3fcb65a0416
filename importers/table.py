"""Find a layout's table in a CSV text: header row, data rows with line numbers, other lines.

Exports often start with a few lines about the account (number, period,
balance) before the header row, and may end with a total, a balance line or
other sections; :func:`find_header` looks for the header in the first lines
and :class:`Table` gives the rows with their physical line numbers so every
error can name its line. Rows are read one at a time: a big export is never
held twice in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from beancount_hn.importers.layouts import Layout
from beancount_hn.importers.textfile import ImportFileError

#: The header row must appear within the first lines of the file.
MAX_HEADER_LINE = 100


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
        """The more roles matched, the better; on a tie a named bank's header row beats a
        generic layout, and a layout without header row (a guess from one line)."""
        return 2 * len(self.roles) + self.evidence

    @property
    def evidence(self) -> int:
        """1 for a named bank's header row, 0 for a generic layout or a header-less one."""
        return 0 if self.layout.generic or self.layout.positions else 1

    @property
    def width(self) -> int:
        """The cells a data row must have (a trailing empty header cell is not one)."""
        if self.layout.positions:
            return max(self.roles.values()) + 1
        width = len(self.cells)
        while width > 1 and not self.cells[width - 1].strip():
            width -= 1
        return width


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of the table."""

    line: int
    cells: tuple[str, ...]

    def get(self, header: Header, role: str) -> str:
        """The cell of ``role`` (empty when the layout has no such column)."""
        index = header.roles.get(role)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].strip()

    def text(self, header: Header) -> str:
        """The row as one line, for balance and summary lines."""
        return header.delimiter.join(self.cells)


def physical_lines(text: str, start: int = 0) -> Iterator[str]:
    """The lines of ``text`` from offset ``start``, with their line ends, without copying it whole.

    Only ``\\n`` ends a line (``\\r\\n`` too), as for the CSV reader, so line numbers agree.
    """
    end = len(text)
    while start < end:
        stop = text.find("\n", start)
        if stop < 0:
            yield text[start:]
            return
        yield text[start:stop + 1]
        start = stop + 1


def normalize_newlines(text: str) -> str:
    """``text`` with old Mac ``\\r`` line ends turned into ``\\n`` (other texts unchanged)."""
    return text.replace("\r", "\n") if "\r" in text and "\n" not in text else text


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _header_of(layout: Layout, number: int, line: str) -> Header | None:
    if layout.header_line is not None:
        if layout.delimiter is None or not layout.header_line.search(line):
            return None
        cells = _split(line, layout.delimiter)
        return Header(layout, number, layout.delimiter, tuple(cells), dict(layout.positions))
    for delimiter in layout.delimiters:
        if delimiter not in line:
            continue
        cells = _split(line, delimiter)
        roles = layout.match_header(cells)
        if roles is not None:
            return Header(layout, number, delimiter, tuple(cells), roles)
    return None


def find_header(text: str, layouts: Iterable[Layout]) -> list[Header]:
    """The header rows of ``layouts`` found in ``text``, best score first."""
    lines = []
    for number, line in enumerate(physical_lines(normalize_newlines(text)), 1):
        if number > MAX_HEADER_LINE:
            break
        lines.append(line.rstrip("\r\n"))
    found: list[Header] = []
    for layout in layouts:
        for number, line in enumerate(lines, 1):
            header = _header_of(layout, number, line)
            if header is not None:
                found.append(header)
                break
    found.sort(key=lambda h: -h.score)
    return found


class Table:
    """A header, its data rows (read once, by :meth:`rows`) and the other lines.

    ``preamble`` holds the lines before the header (and the header line itself
    for a layout without header row: it holds the account and the balance);
    ``trailer`` the short lines after the last data row, known once
    :meth:`rows` is exhausted. A line matching the layout's ``end-line`` (and
    that is no operation row) ends the table: what follows is not read. The file's
    last line, when no line end follows it, is kept apart (``unterminated_row`` or
    ``unterminated_trailer``): the file may have been cut inside it.
    """

    def __init__(self, path: str, text: str, header: Header) -> None:
        self.path = path
        self.header = header
        text = normalize_newlines(text)
        lines = physical_lines(text)
        last = header.line if header.layout.positions else header.line - 1
        preamble = []
        offset = 0
        for number, line in enumerate(lines, 1):
            offset += len(line)
            if number <= last:
                preamble.append((number, line.rstrip("\r\n")))
            if number == header.line:
                break
        self.preamble: tuple[tuple[int, str], ...] = tuple(preamble)
        self.trailer: list[tuple[int, str]] = []
        #: The last data row when it is the file's last line and no line end follows it:
        #: its last cell may have been cut (known once :meth:`rows` is exhausted).
        self.unterminated_row: Row | None = None
        #: The last line of ``trailer`` when it is the file's last line and no line end
        #: follows it: unless it is a line the layout knows, the file was cut inside a row.
        self.unterminated_trailer: tuple[int, str] | None = None
        self._text = text
        self._offset = offset

    def rows(self) -> Iterator[Row]:
        """The data rows, each with its first physical line (each call reads them again).

        A data row must have the header's cells (extra empty cells are
        tolerated); a shorter row is kept in ``trailer`` only when it is a
        non-data line *after* the last data row — otherwise the file is
        truncated or malformed and this raises.

        Raises:
          ImportFileError: a quote left open (truncated file) or a row of the
            wrong width, with its line number.
        """
        header = self.header
        reader = csv.reader(physical_lines(self._text, self._offset), delimiter=header.delimiter,
                            strict=True)
        width = header.width
        end_line = header.layout.end_line
        date = header.roles.get("date", 0)
        odd: list[tuple[int, str, int]] = []  # (line, text, cells) of rows of the wrong width
        start = header.line + 1
        last: tuple[Row, int] | None = None  # the last data row and its last line
        tail: tuple[int, str] | None = None  # the last line read, when it is an odd one
        try:
            for cells in reader:
                line = start
                start = header.line + reader.line_num + 1
                tail = None
                if not any(cell.strip() for cell in cells):
                    continue
                if (end_line is not None and (len(cells) < width or not cells[date].strip())
                        and end_line.search(header.delimiter.join(cells))):
                    last = None
                    break  # not an operation row: the account's table ends here
                if len(cells) < width or any(c.strip() for c in cells[len(header.cells):]):
                    odd.append((line, header.delimiter.join(cells), len(cells)))
                    tail = odd[-1][:2]
                    continue
                if odd:  # a well-formed row after an odd one: the odd one was data
                    bad_line, _, count = odd[0]
                    raise ImportFileError(
                        self.path, f"{count} cellule(s) là où l'en-tête (ligne {header.line}) en "
                                   f"a {width} : ligne mal formée", bad_line)
                row = Row(line, tuple(cells))
                last = (row, start - 1)
                yield row
        except csv.Error as exc:
            raise ImportFileError(self.path, f"CSV illisible ({exc}) : le fichier est tronqué ou "
                                             "un guillemet n'est pas fermé", start) from exc
        self.trailer = [(line, text_line) for line, text_line, _ in odd]
        open_end = not self._text.endswith(("\n", "\r"))
        if last is not None and not odd and open_end and last[1] == self._text.count("\n") + 1:
            self.unterminated_row = last[0]
        self.unterminated_trailer = tail if open_end else None


def read_table(path: str, text: str, header: Header) -> Table:
    """The table of ``text`` under ``header`` (its rows are read by :meth:`Table.rows`)."""
    return Table(path, text, header)
