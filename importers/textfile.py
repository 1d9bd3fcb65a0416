"""Read a statement file safely: size cap, encoding, and errors naming file and line.

Every importer reads its input through :func:`read_bytes` and :func:`decode`
and reports bad input as :class:`ImportFileError`, whose text is the one-line
``path:line: message`` that ``hn extract``, beangulp and Fava show.
"""

from __future__ import annotations

import codecs
import os
import re

from beancount_hn.core.errors import as_written, os_error_text

#: Statements are small; a bigger file is refused rather than read into memory.
MAX_BYTES = 64 * 1024 * 1024

AUTO = "auto"

#: Bytes 0x80-0x9F: printable in Windows-1252 (€, ’, œ…), control codes in ISO-8859-15.
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
#: Bytes whose letter differs between Windows-1252/latin-1 and ISO-8859-15 (0xA4 is € in
#: the latter, ¤ in the former; 0xBD œ or ½…). Without C1 bytes, one of them means latin-9.
_LATIN9_BYTES = re.compile(rb"[\xa4\xa6\xa8\xb4\xb8\xbc\xbd\xbe]")


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
            raise ImportFileError(path, f"fichier de {size} octets, plus que les {limit} octets "
                                        "qu'un import lit : découpez l'export par période")
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise ImportFileError(path, f"lecture impossible : {os_error_text(exc)}") from exc
    if not raw.strip():
        raise ImportFileError(path, "fichier vide : exportez le relevé à nouveau")
    return raw


def sniffable(head: bytes) -> bytes:
    """The first bytes of a file in which to recognise its format: a UTF-16 text (with its
    BOM, as spreadsheets and some bank tools write) as UTF-8, other bytes unchanged."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", "ignore").encode("utf-8")  # the sample may end mid-character
    return head


def line_of_offset(raw: bytes | str, offset: int) -> int:
    """1-based line number of a byte (or character) offset."""
    newline = b"\n" if isinstance(raw, bytes) else "\n"
    return raw.count(newline, 0, offset) + 1  # type: ignore[arg-type]


def eight_bit_encoding(raw: bytes) -> str:
    """``"cp1252"`` or ``"iso8859-15"`` for a file that is not UTF-8.

    Windows-1252 uses the bytes 0x80-0x9F for letters (``€`` is 0x80); ISO-8859-15
    (Crédit Mutuel, CIC) never does, and writes ``€`` as 0xA4, which Windows-1252
    reads as ``¤``. Both agree on every other French letter.
    """
    if _C1_BYTES.search(raw) is None and _LATIN9_BYTES.search(raw) is not None:
        return "iso8859-15"
    return "cp1252"


def decode(raw: bytes, path: str, encoding: str = AUTO) -> tuple[str, str]:
    """Decode ``raw``; return the text and the encoding used.

    ``encoding="auto"`` accepts UTF-8 with or without BOM, UTF-16 with a BOM
    (spreadsheets' "Unicode text"), then Windows-1252 or ISO-8859-15
    (:func:`eight_bit_encoding`). An explicit encoding is applied strictly.

    Raises:
      ImportFileError: NUL bytes in a file without a UTF-16 BOM (binary or
        UTF-16 without BOM), or bytes invalid in the encoding, with their line.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(raw, path, "utf-16"), "utf-16"
    if b"\x00" in raw:
        raise ImportFileError(
            path, "octets NUL : c'est un fichier binaire ou du texte UTF-16 sans BOM, pas un "
                  "relevé texte ; exportez-le à nouveau en CSV (UTF-8 ou Windows-1252)",
            line_of_offset(raw, raw.index(b"\x00")))
    if encoding.lower() != AUTO:
        try:
            name = codecs.lookup(encoding).name
        except LookupError as exc:
            raise ImportFileError(path, f"encodage {as_written(encoding)} inconnu : écrivez par exemple "
                                        '"utf-8", "cp1252" ou "iso-8859-15"') from exc
        if name == "utf-8":
            name = "utf-8-sig"  # a BOM is never part of the data
        return _strict(raw, path, name), name
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    name = eight_bit_encoding(raw)
    return _strict(raw, path, name), name


def _strict(raw: bytes, path: str, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        byte = raw[exc.start:exc.start + 1].hex()
        if encoding == "utf-16":
            hint = "le fichier UTF-16 est tronqué ou abîmé : exportez-le à nouveau"
        elif encoding.startswith("utf"):
            hint = ('le fichier est sans doute en Windows-1252/latin-1 : indiquez '
                    'encoding = "cp1252" (ou "auto")')
        else:
            hint = "le fichier n'est ni en UTF-8 ni en Windows-1252 : vérifiez les réglages de l'export"
        raise ImportFileError(path, f"l'octet 0x{byte} n'est pas du {encoding} valide ; {hint}",
                              line_of_offset(raw, exc.start)) from exc
