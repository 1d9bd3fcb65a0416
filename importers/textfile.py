"""Read a statement file safely: size cap, encoding, and errors naming file and line.

Every importer reads its input through :func:`read_bytes` and :func:`decode`
and reports bad input as :class:`ImportFileError`, whose text is the one-line
``path:line: message`` that ``hn extract``, beangulp and Fava show.
"""

from __future__ import annotations

import codecs
import os

#: Statements are small; a bigger file is refused rather than read into memory.
MAX_BYTES = 64 * 1024 * 1024

AUTO = "auto"


class ImportFileError(Exception):
    """Bad input: the file cannot be read safely or completely.

    ``str(error)`` is ``"path:line: message"`` (``"path: message"`` without a line).
    """

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        super().__init__(path, message, line)
        self.path = path
        self.message = message
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


def read_bytes(path: str, limit: int = MAX_BYTES) -> bytes:
    """The content of ``path``; an empty, missing or oversized file is an error."""
    try:
        size = os.path.getsize(path)
        if size > limit:
            raise ImportFileError(path, f"file of {size} bytes is larger than the {limit} bytes "
                                        "an importer reads; split the export by period")
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise ImportFileError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise ImportFileError(path, "empty file: export the statement again")
    return raw


def line_of_offset(raw: bytes | str, offset: int) -> int:
    """1-based line number of a byte (or character) offset."""
    newline = b"\n" if isinstance(raw, bytes) else "\n"
    return raw.count(newline, 0, offset) + 1  # type: ignore[arg-type]


def decode(raw: bytes, path: str, encoding: str = AUTO) -> tuple[str, str]:
    """Decode ``raw``; return the text and the encoding used.

    ``encoding="auto"`` accepts UTF-8 with or without BOM, UTF-16 with a BOM
    (spreadsheets' "Unicode text"), then cp1252 (Windows exports, a superset of
    latin-1 for letters). An explicit encoding is applied strictly.

    Raises:
      ImportFileError: NUL bytes in a file without a UTF-16 BOM (binary or
        UTF-16 without BOM), or bytes invalid in the encoding, with their line.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(raw, path, "utf-16"), "utf-16"
    if b"\x00" in raw:
        raise ImportFileError(
            path, "NUL bytes: this is a binary file or UTF-16 text without BOM, not a text "
                  "statement; export it again as CSV (UTF-8 or Windows-1252)",
            line_of_offset(raw, raw.index(b"\x00")))
    if encoding.lower() != AUTO:
        name = codecs.lookup(encoding).name
        if name == "utf-8":
            name = "utf-8-sig"  # a BOM is never part of the data
        return _strict(raw, path, name), name
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _strict(raw, path, "cp1252"), "cp1252"


def _strict(raw: bytes, path: str, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        byte = raw[exc.start:exc.start + 1].hex()
        if encoding == "utf-16":
            hint = "the UTF-16 file is truncated or damaged: export it again"
        elif encoding.startswith("utf"):
            hint = 'the file is probably Windows-1252/latin-1: set encoding = "cp1252" (or "auto")'
        else:
            hint = "the file is neither UTF-8 nor Windows-1252: check the export settings"

        raise ImportFileError(path, f"byte 0x{byte} is not valid {encoding}; {hint}",
                              line_of_offset(raw, exc.start)) from exc
