"""Parse untrusted XML (bank statements) without entities, DTDs or network.

A bank statement never needs a DTD: any ``<!DOCTYPE`` or ``<!ENTITY`` is
refused before parsing (this stops external entities — XXE — and entity
bombs such as « billion laughs »), and the lxml parser itself is hardened
(no entity resolution, no DTD loading or validation, no network, default
size limits kept).
"""

from __future__ import annotations

import re

from lxml import etree

from beancount_hn.importers.textfile import ImportFileError, line_of_offset

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def hardened_parser() -> etree.XMLParser:
    """An lxml parser that resolves nothing and fetches nothing."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, dtd_validation=False, remove_comments=True,
                           remove_pis=True)


def reject_markup_declarations(raw: bytes, path: str) -> None:
    """Refuse any DTD or entity declaration, naming its line."""
    match = _DECLARATION.search(raw)
    if match is not None:
        kind = match.group(1).decode("ascii").upper()
        raise ImportFileError(
            path, f"unsafe XML: <!{kind}> declarations are refused (they allow external "
                  "entities and entity bombs); bank statements never need one",
            line_of_offset(raw, match.start()))


def parse_xml(raw: bytes, path: str) -> etree._Element:
    """The root element of ``raw``, parsed safely.

    Raises:
      ImportFileError: a DTD/entity declaration, or malformed/truncated XML,
        with its line.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(path, "UTF-16 XML: export the statement as UTF-8")
    reject_markup_declarations(raw, path)
    try:
        root = etree.fromstring(raw, hardened_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        message = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc)
        hint = ": the file is truncated" if "end of data" in message.lower() \
            or "premature end" in message.lower() else ""
        raise ImportFileError(path, f"malformed XML ({message}){hint}", line) from exc
    if root is None:
        raise ImportFileError(path, "no XML document in the file")
    return root
