"""Refuse what would be counted unread or twice: entries an import left for review
(``a-verifier:``), a bank line booked twice (``import-id:``), a file loaded twice.

Load it alone or through ``beancount_hn.plugins.all``::

    plugin "beancount_hn.plugins.review"

``hn extract`` writes ``a-verifier:`` (and the ``!`` flag) on a line it could not
explain: a bank line no rule recognises, a CPAM transfer no open FSE accounts
for. Some of them balance (the transfer keeps its receivable posting), so
Beancount alone would accept them and the 2035 would count them as they stand.
Error, at the transaction: every transaction carrying ``a-verifier:``. Remove the
key once the entry is completed (and set its flag to ``*``).

The importers write one ``import-id:`` per statement line (``importers.dedup``).
Two transactions with the same id that are the same movement (a posting on the
first one's statement account — the later one's first posting — with the same
amount, at most :data:`SAME_MOVEMENT_DAYS` days apart, as ``hn extract
--existing`` judges it) are one bank line booked twice: an error at the later
one, naming the first. The same id on another movement is no duplicate (a bank
that numbers its lines per statement; the import leaves it for review).

Beancount loads a file once per path: the same file reached by two paths (a
symbolic link, or two relative paths to it) is loaded twice and every entry of it
counts twice. Error at the ``include`` line that loads it the second time, else at
the first entry of that second copy.
Entries are returned unchanged.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

from beancount.core import data

from beancount_hn.core.errors import as_written, error_type, source_of, where
from beancount_hn.core.ledger import IMPORT_KEY, REVIEW_KEY, LedgerIndex
from beancount_hn.core.includes import includes_of
from beancount_hn.plugins import run_step

__plugins__ = ("review",)

ReviewError = error_type("ReviewError")

#: How far apart two entries with one id may be and still be the same movement (the
#: ``window_days`` of ``importers.dedup.mark_duplicates``: a bank may redate an operation).
SAME_MOVEMENT_DAYS = datetime.timedelta(days=3)


def review_step(entries: list[data.Directive], index: LedgerIndex) -> tuple[list[data.Directive], list]:
    """An error at each transaction still marked ``a-verifier:``, at each bank line booked
    twice (``import-id:``), and at each file loaded twice under two paths (one pass)."""
    errors = []
    by_id: dict[Any, list[data.Transaction]] = {}  # import-id -> its transactions, in order
    transaction = data.Transaction
    for entry in entries:
        meta = entry.meta
        if type(entry) is not transaction or not meta:
            continue
        if REVIEW_KEY in meta:
            errors.append(ReviewError(
                source_of(entry),
                f"écriture à vérifier ({REVIEW_KEY}: {as_written(meta[REVIEW_KEY])}) : complétez-la "
                f"selon ce motif, puis retirez {REVIEW_KEY}: et passez le drapeau ! à * ; tant qu'elle "
                "attend, ses montants ne sont pas sûrs et les chiffres ne sont pas définitifs",
                entry))
        import_id = meta.get(IMPORT_KEY)
        if import_id is not None:
            held = by_id.setdefault(import_id, [])
            first = next((other for other in held if _same_movement(other, entry)), None)
            if first is not None:
                errors.append(ReviewError(source_of(entry), (
                    f"la ligne de relevé {IMPORT_KEY}: {as_written(import_id)} est déjà enregistrée en "
                    f"{where(first.meta)} (même compte, même montant) : importée deux fois, elle compte "
                    "deux fois ; supprimez cette écriture en double (si ce sont vraiment deux opérations, "
                    f"retirez {IMPORT_KEY}: de celle-ci)"), entry))
            held.append(entry)
    return entries, errors + _same_file_errors(index.files, entries)


def _same_movement(first: data.Transaction, later: data.Transaction) -> bool:
    """Is ``later`` the movement ``first`` records: ``later``'s statement posting (its first)
    on ``first`` too, same account and amount, within :data:`SAME_MOVEMENT_DAYS`?"""
    if not later.postings or abs(later.date - first.date) > SAME_MOVEMENT_DAYS:
        return False
    statement = later.postings[0]
    return any(posting.account == statement.account and posting.units == statement.units
               for posting in first.postings)


def _same_file_errors(files: tuple[str, ...], entries: list[data.Directive]) -> list:
    """An error for each file Beancount loaded under a second path (``os.path.realpath`` of the
    files it loaded). Of two paths, the second copy is the one whose entries come later: the
    entries of both copies are the same, at the same lines, and sorting keeps their load order."""
    by_real: dict[str, list[str]] = {}
    for filename in files:
        by_real.setdefault(os.path.realpath(filename), []).append(filename)
    copies = [paths for paths in by_real.values() if len(paths) > 1]
    if not copies:
        return []
    rank: dict[str, int] = {}  # each copy's path -> the position of its first entry
    wanted = {path for paths in copies for path in paths}
    for position, entry in enumerate(entries):
        filename = entry.meta.get("filename") if entry.meta else None
        if filename in wanted and filename not in rank:
            rank[filename] = position
    twice: list[tuple[str, str]] = []  # (later path, first path)
    for paths in copies:
        first, *later = sorted(paths, key=lambda path: rank.get(path, len(entries)))
        twice += [(path, first) for path in later]
    errors = []
    for later, first in twice:
        found = next(((source, written) for filename in files
                      for source, written, loads in includes_of(filename) if later in loads), None)
        same = (f"{later} est le même fichier que {first}, déjà chargé sous ce chemin (lien symbolique "
                "ou autre chemin) : Beancount le charge deux fois et chacune de ses écritures compte deux fois")
        if found is not None:
            source, written = found
            errors.append(ReviewError(source, f'include "{written}" : {same} ; retirez cette ligne', None))
            continue
        entry = next((e for e in entries if e.meta and e.meta.get("filename") == later), None)
        errors.append(ReviewError(source_of(entry) if entry is not None else {"filename": later, "lineno": 1},
                                  f"{same} ; retirez l'include qui le charge sous le chemin {later}", entry))
    return errors


def review(entries: list[data.Directive], options_map: dict[str, Any],
           config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: refuse what is left for review, booked twice or loaded twice."""
    return run_step(review_step, entries, options_map)
