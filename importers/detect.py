"""Tell what a file is — OFX, camt.05x, CFONB 120, QIF, or a CSV of a known layout —
and build its importer.

Used by ``hn extract`` for users without an ``import.py``. Every file is
recognised by its content, never its name: OFX by its header, camt by its XML
namespace, CFONB 120 by its first record (an old balance, ``01``), QIF by its
``!Type:``/``!Account`` line, a CSV by its header row (the layout that names
the most columns wins; a tie is an error asking for ``--preset``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import beangulp

from beancount_hn.core.errors import as_written
from beancount_hn.importers.bank_csv import BankCSVImporter
from beancount_hn.importers.base import HnImporter
from beancount_hn.importers.camt import CamtImporter, camt_kind
from beancount_hn.importers.categorize import Categorizer
from beancount_hn.importers.cfonb import CFONBImporter, looks_like_cfonb
from beancount_hn.importers.journal import JournalImporter
from beancount_hn.importers.layouts import BANK, Layout, presets
from beancount_hn.importers.ofx import OFXImporter, looks_like_ofx
from beancount_hn.importers.qif import QIFImporter, looks_like_qif
from beancount_hn.importers.table import find_header
from beancount_hn.importers.textfile import ImportFileError, decode, read_bytes, sniffable

OFX, CAMT, CFONB, QIF, CSV_BANK, CSV_JOURNAL = "ofx", "camt", "cfonb", "qif", "csv", "journal"
_LABELS = {CAMT: "camt.05x", CFONB: "CFONB 120"}


_FORMATS: dict[str, type[HnImporter]] = {OFX: OFXImporter, CAMT: CamtImporter,
                                          CFONB: CFONBImporter, QIF: QIFImporter}


@dataclass(frozen=True)
class Detected:
    """What a file is: its kind and, for a CSV, its layout."""

    path: str
    kind: str
    layout: Layout | None = None

    @property
    def label(self) -> str:
        if self.kind in _LABELS:
            return _LABELS[self.kind]
        return self.layout.name if self.layout else self.kind


def detect(path: str, layouts: Mapping[str, Layout] | None = None) -> Detected:
    """The kind of ``path`` among OFX, camt, CFONB 120, QIF and the CSV ``layouts``
    (default: the presets).

    Raises:
      ImportFileError: unreadable file, XML that is not camt, a CSV whose
        header matches no layout, or matches two equally well.
    """
    raw = read_bytes(path)
    head = sniffable(raw[:8192])
    if looks_like_ofx(head):
        return Detected(path, OFX)
    if looks_like_cfonb(head):
        return Detected(path, CFONB)
    if looks_like_qif(head):
        return Detected(path, QIF)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        if camt_kind(head) is not None:
            return Detected(path, CAMT)
        raise ImportFileError(path, "fichier XML qui n'est ni un relevé OFX ni un camt.052/053/054 "
                                    "ISO 20022")
    table = dict(presets() if layouts is None else layouts)
    candidates = [layout for layout in table.values()]
    encodings = {layout.encoding for layout in candidates}
    headers = []
    for encoding in sorted(encodings):
        text, _ = decode(raw, path, encoding)
        headers.extend(find_header(text, [l for l in candidates if l.encoding == encoding]))
    if not headers:
        first = next((line for line in decode(raw, path)[0].splitlines() if line.strip()), "")
        raise ImportFileError(
            path, f"format inconnu : ni OFX, ni camt, ni CFONB 120, ni QIF, et les premières lignes "
                  f"(p. ex. {as_written(first[:80])}) n'ont l'en-tête d'aucune présélection CSV "
                  f"({', '.join(sorted(table))}) ; décrivez votre mise en page dans un fichier "
                  "TOML et passez-le avec --preset FICHIER.toml (guide, page « Relevés », « Ajouter sa banque »)")
    headers.sort(key=lambda h: -h.score)
    best = headers[0]
    ties = [h.layout.name for h in headers if h.score == best.score]
    if len(ties) > 1:
        raise ImportFileError(path, f"l'en-tête de la ligne {best.line} convient aussi bien aux "
                                    f"présélections {', '.join(ties)} : choisissez-en une avec "
                                    "--preset", best.line)
    kind = CSV_BANK if best.layout.kind == BANK else CSV_JOURNAL
    return Detected(path, kind, best.layout)


def importer_for(detected: Detected, account: str | None, *, account_id: str | None = None,
                 categorizer: Categorizer | None = None) -> beangulp.Importer:
    """The importer of a detected file (``account`` is required but for a journal)."""
    if detected.kind == CSV_JOURNAL:
        assert detected.layout is not None
        return JournalImporter(detected.layout)
    if account is None:
        raise ImportFileError(detected.path, "un relevé bancaire demande --account, p. ex. "
                                             "--account Assets:Banque:Courant")
    options = {"account_id": account_id, "categorizer": categorizer}
    if detected.kind in _FORMATS:
        return _FORMATS[detected.kind](account, **options)
    assert detected.layout is not None
    return BankCSVImporter(account, detected.layout, **options)
