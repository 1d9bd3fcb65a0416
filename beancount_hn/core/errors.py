"""Error values in Beancount's protocol: ``(source, message, entry)``.

``bean-check`` prints them as ``file:line: message``; each module defines its own
type so tests (and users reading ``bean-check --json``) can tell them apart.
"""

from __future__ import annotations

import collections
import datetime
import errno
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

#: Every beancount-hn error type is a namedtuple of these three fields.
ERROR_FIELDS = "source message entry"


def error_type(name: str) -> type:
    """Return a new namedtuple error type called ``name``."""
    return collections.namedtuple(name, ERROR_FIELDS)


def source_of(entry: Any, fallback: str = "<beancount_hn>") -> dict[str, Any]:
    """The metadata pointing at ``entry``'s file and line (or a synthetic one)."""
    meta = getattr(entry, "meta", None)
    if meta and "filename" in meta:
        return {"filename": meta["filename"], "lineno": meta.get("lineno", 0)}
    return data.new_metadata(fallback, 0)


def posting_source(posting: Any, entry: Any) -> dict[str, Any]:
    """The file and line of ``posting``, else of the transaction ``entry`` holding it."""
    meta = getattr(posting, "meta", None)
    return source_of(posting) if meta and "filename" in meta else source_of(entry)


def where(meta: dict[str, Any] | None) -> str:
    """``file:line`` of a metadata dict, for messages that name another entry."""
    if not meta:
        return "<inconnu>"
    return f"{meta.get('filename', '<inconnu>')}:{meta.get('lineno', 0)}"


def dedupe(errors: list) -> list:
    """Drop repeated errors (same file, line and message), keeping the first."""
    seen: set[tuple] = set()
    unique = []
    for error in errors:
        source = error.source or {}
        key = (source.get("filename"), source.get("lineno"), error.message)
        if key not in seen:
            seen.add(key)
            unique.append(error)
    return unique


def in_file_order(errors: Iterable) -> list:
    """``errors`` by file, line and message: the order a reader fixes them in, and the same on
    every run (the loader's own order of two errors may follow Python's hash seed)."""
    def key(error: Any) -> tuple[str, int, str]:
        source = error.source or {}
        line = source.get("lineno")
        return str(source.get("filename") or ""), line if isinstance(line, int) else 0, str(error.message)
    return sorted(errors, key=key)


def as_written(value: Any) -> str:
    """``value`` as a ledger writes it, for a message quoting what it read: ``"F 12"``, ``3``,
    ``TRUE``, ``2025-03-04``, ``12.50 EUR`` — never Python's ``Decimal('3')`` or ``'F 12'``."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Amount):
        return f"{as_written(value.number)} {value.currency}"
    if isinstance(value, (list, tuple)):
        return " ".join(as_written(item) for item in value)
    if value is None:
        return "(rien)"
    return str(value)


#: What the system says of a file, in French (``OSError.errno``); others keep the system's words.
_OS_ERRORS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "accès refusé (droits du fichier ou du dossier)",
    errno.EPERM: "opération non permise",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENOSPC: "plus d'espace sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EEXIST: "le fichier existe déjà",
    errno.ENAMETOOLONG: "nom de fichier trop long",
}


def os_error_text(exc: OSError) -> str:
    """Why a file could not be read or written, in French (the system's own words are English)."""
    text = _OS_ERRORS.get(exc.errno) if exc.errno is not None else None
    if text is not None:
        return text
    return f"erreur système {exc.errno} ({exc.strerror})" if exc.strerror else f"erreur système ({exc})"
