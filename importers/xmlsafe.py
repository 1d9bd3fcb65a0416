"""Parse untrusted XML (bank statements) without entities, DTDs or network.

A bank statement never needs a DTD: any ``<!DOCTYPE`` or ``<!ENTITY`` is
refused before parsing (this stops external entities — XXE — and entity
bombs such as « billion laughs »), and the lxml parser itself is hardened
(no entity resolution, no DTD loading or validation, no network, default
size limits kept).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from lxml import etree

from beancount_hn.importers.textfile import ImportFileError, line_of_offset

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def reject_markup_declarations(raw: bytes, path: str) -> None:
    """Refuse any DTD or entity declaration, naming its line."""
    match = _DECLARATION.search(raw)
    if match is not None:
        kind = match.group(1).decode("ascii").upper()
        raise ImportFileError(
            path, f"XML dangereux : les déclarations <!{kind}> sont refusées (elles permettent "
                  "des entités externes et des « bombes » d'entités) ; un relevé bancaire n'en a "
                  "jamais besoin", line_of_offset(raw, match.start()))


_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                dtd_validation=False, remove_comments=True, remove_pis=True)


def _check_bytes(raw: bytes, path: str) -> None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(path, "XML en UTF-16 : exportez le relevé en UTF-8")
    reject_markup_declarations(raw, path)


#: libxml2's messages that say something the user can act on, in French.
_REASONS = (
    (re.compile(r"premature end of data|end of data|no element found|extra content", re.I),
     lambda m: "le fichier est tronqué ou n'est pas fini"),
    (re.compile(r"entity '([^']*)' not defined", re.I),
     lambda m: f"entité « &{m.group(1)}; » non déclarée"),
    (re.compile(r"opening and ending tag mismatch: (\S+) line (\d+) and (\S+)", re.I),
     lambda m: f"balise <{m.group(1)}> de la ligne {m.group(2)} fermée par </{m.group(3)}>"),
    (re.compile(r"not proper UTF-8|invalid char|char .* out of allowed range|encoding", re.I),
     lambda m: "caractère invalide pour l'encodage déclaré"),
)


def _syntax_error(path: str, exc: etree.XMLSyntaxError) -> ImportFileError:
    """A French, one-line error at the line libxml2 names."""
    line = exc.lineno if exc.lineno else None
    message = str(exc.msg if hasattr(exc, "msg") and exc.msg else exc)
    logged = list(exc.error_log)
    if logged and (line is None or "no element found" in message.lower()):
        line, message = logged[-1].line or None, logged[-1].message  # iterparse says less
    reason = next((explain(m) for pattern, explain in _REASONS
                   if (m := pattern.search(message))), "structure invalide")
    return ImportFileError(path, f"XML mal formé : {reason}", line)


def iterparse_xml(raw: bytes, path: str) -> Iterator[tuple[str, etree._Element]]:
    """``(event, element)`` of ``raw`` as it is read, refusing DTDs and entities.

    The caller clears what it has read, so a large statement is never held whole.

    Raises:
      ImportFileError: a DTD/entity declaration, UTF-16, or malformed/truncated XML
        (with its line, when the bad part is reached).
    """
    _check_bytes(raw, path)
    etree.clear_error_log()
    try:
        yield from etree.iterparse(io.BytesIO(raw), events=("start", "end"), **_OPTIONS)
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(path, exc) from exc
