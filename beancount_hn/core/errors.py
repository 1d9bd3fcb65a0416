"""Error values in Beancount's protocol: ``(source, message, entry)``.

``bean-check`` prints them as ``file:line: message``; each module defines its own
type so tests (and users reading ``bean-check --json``) can tell them apart.
"""

from __future__ import annotations

import collections
from typing import Any

from beancount.core import data

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
