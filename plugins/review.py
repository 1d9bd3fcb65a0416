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
Two transactions with the same id that are copies of each other (same date, payee
and narration, same postings: accounts and amounts) are one bank line booked twice
(an import pasted twice, an entry copied): an error at the later one, naming the
first. Its first advice is the safe one: entries that share an id but differ (a
cheque deposit split into one entry per patient, a bank that numbers its lines per
statement) are no error, and identical ones may still be parts of one bank line,
so the message says to keep them and take ``import-id:`` off all but one before it
says to delete a copy.

Beancount loads a file once per path, so the same entries are counted twice when
one file is loaded under two paths (a symbolic link, or a folder reached through
one), under two names of one file (a hard link), or as a byte-for-byte copy under
another name (a sync-conflict copy). The files Beancount loaded (its ``include``
option) are compared by ``os.stat`` (device and inode: links of both kinds) and,
for files of equal size only, by content; empty files and files without entries
are left alone. Error at the ``include`` line that loads the second one, else at
its first entry. An ``include`` glob loads the other files too: its advice is to
delete the link or the copy it matches, named, never the line.
Entries are returned unchanged.
"""

from __future__ import annotations

import glob as glob_module
import hashlib
import os
from collections import Counter
from typing import Any

from beancount.core import data

from beancount_hn.core.errors import as_written, error_type, source_of, where
from beancount_hn.core.ledger import IMPORT_KEY, REVIEW_KEY, LedgerIndex
from beancount_hn.core.includes import includes_of
from beancount_hn.plugins import run_step

__plugins__ = ("review",)

ReviewError = error_type("ReviewError")


def review_step(entries: list[data.Directive], index: LedgerIndex) -> tuple[list[data.Directive], list]:
    """An error at each transaction still marked ``a-verifier:``, at each bank line booked
    twice (``import-id:`` on two copies), and at each file loaded twice (under two paths or
    names, or copied)."""
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
            first = next((other for other in held if _copies(other, entry)), None)
            held.append(entry)
            if first is not None:
                errors.append(ReviewError(source_of(entry), (
                    f"la ligne de relevé {IMPORT_KEY}: {as_written(import_id)} est déjà enregistrée en "
                    f"{where(first.meta)} par une écriture identique (même date, mêmes libellés, mêmes "
                    "comptes et montants) : si les deux sont des parts d'une même ligne de relevé (une "
                    "remise de chèques répartie entre patients, par exemple), gardez-les et laissez "
                    f"{IMPORT_KEY}: sur une seule (retirez-le des autres, ou donnez à chacune le sien) ; si "
                    "c'est la même ligne enregistrée deux fois (un import collé deux fois, une écriture "
                    "recopiée), elle compte deux fois : supprimez cette copie"), entry))
    return entries, errors + _same_file_errors(index.files, entries)


def _copies(first: data.Transaction, later: data.Transaction) -> bool:
    """Is ``later`` a copy of ``first``: same date, payee and narration, same postings (accounts
    and amounts, in any order)?"""
    return (first.date == later.date and first.payee == later.payee and first.narration == later.narration
            and Counter((p.account, p.units) for p in first.postings)
            == Counter((p.account, p.units) for p in later.postings))


def _same_file_errors(files: tuple[str, ...], entries: list[data.Directive]) -> list:
    """An error for each file Beancount loaded that repeats another one (:func:`_same_files`) and
    holds entries. Of a group, the one kept is a file itself (not a symbolic link) with the
    shortest name (a copy's name adds to the original's: « 03 (copie en conflit…) »), then the one
    loaded first (its first entry comes first: sorting keeps the load order of equal entries); each
    other one is reported at the ``include`` line that loads it, else at its first entry."""
    groups = _same_files(files)
    if not groups:
        return []
    rank: dict[str, int] = {}  # each path of a group -> the position of its first entry
    wanted = {path for paths in groups for path in paths}
    for position, entry in enumerate(entries):
        filename = entry.meta.get("filename") if entry.meta else None
        if filename in wanted and filename not in rank:
            rank[filename] = position
    errors = []
    for paths in groups:
        held = sorted((path for path in paths if path in rank),  # empty or without entries: nothing counts twice
                      key=lambda path: (os.path.islink(path), len(os.path.basename(path)), rank[path]))
        if len(held) < 2:
            continue
        kept, *repeated = held
        for later in repeated:
            errors.append(_repeated_file_error(later, kept, files, entries))
    return errors


def _same_files(files: tuple[str, ...]) -> list[list[str]]:
    """The loaded files that are one file (same device and inode: a symbolic link, a hard link,
    another path) or have the same bytes (compared for files of equal size only), in groups of
    two or more. A file that cannot be read is left out."""
    by_inode: dict[tuple[int, int], list[str]] = {}
    by_size: dict[int, list[tuple[int, int]]] = {}
    for filename in files:
        try:
            status = os.stat(filename)
        except OSError:
            continue
        inode = (status.st_dev, status.st_ino)
        if inode not in by_inode:
            by_inode[inode] = []
            if status.st_size:
                by_size.setdefault(status.st_size, []).append(inode)
        by_inode[inode].append(filename)
    for inodes in by_size.values():
        if len(inodes) < 2:
            continue
        by_digest: dict[bytes, tuple[int, int]] = {}
        for inode in inodes:
            digest = _digest(by_inode[inode][0])
            if digest is None:
                continue
            first = by_digest.setdefault(digest, inode)
            if first != inode:
                by_inode[first] += by_inode.pop(inode)
    return [paths for paths in by_inode.values() if len(paths) > 1]


def _digest(filename: str) -> bytes | None:
    try:
        with open(filename, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError:
        return None


def _same_inode(one: str, other: str) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


def _repeated_file_error(later: str, kept: str, files: tuple[str, ...], entries: list[data.Directive]) -> Any:
    """The error at the ``include`` line that loads ``later`` again (else at its first entry), its
    advice the one that keeps ``kept``: remove an include line that names ``later`` alone, else
    delete the link or the copy (a glob line also loads the other files)."""
    if os.path.realpath(later) == os.path.realpath(kept):
        same = (f"{later} est le même fichier que {kept}, chargé aussi sous ce chemin (lien symbolique ou "
                "autre chemin) : Beancount le charge deux fois et chacune de ses écritures compte deux fois")
        delete = (f"supprimez le lien symbolique {later} ({kept} reste chargé)" if os.path.islink(later)
                  else f"retirez l'include qui le charge sous le chemin {later}")
    else:
        if _same_inode(later, kept):
            same = f"{later} est le même fichier que {kept} sous un autre nom (lien physique)"
            delete = f"supprimez le nom en double {later} (le fichier reste sous le nom {kept})"
        else:
            same = (f"{later} a exactement le même contenu que {kept} (une copie, p. ex. un conflit de "
                    "synchronisation)")
            delete = f"supprimez la copie {later} ({kept} garde le même contenu)"
        same += " : Beancount charge les deux et chacune de leurs écritures compte deux fois"
    found = next(((source, written) for filename in files
                  for source, written, loads in includes_of(filename) if later in loads), None)
    if found is not None:
        source, written = found
        if glob_module.has_magic(written):
            advice = f"ne retirez pas cette ligne, qui charge aussi les autres fichiers : {delete}"
        else:
            advice = f"retirez cette ligne ({kept} reste chargé)"
        return ReviewError(source, f'include "{written}" : {same} ; {advice}', None)
    entry = next((e for e in entries if e.meta and e.meta.get("filename") == later), None)
    return ReviewError(source_of(entry) if entry is not None else {"filename": later, "lineno": 1},
                       f"{same} ; {delete}", entry)


def review(entries: list[data.Directive], options_map: dict[str, Any],
           config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: refuse what is left for review, booked twice or loaded twice."""
    return run_step(review_step, entries, options_map)
