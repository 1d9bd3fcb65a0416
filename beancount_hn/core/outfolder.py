"""Folders and files the ``hn`` commands write: never over what they did not write.

One code path for every command that writes a folder (``hn export --out``,
``hn notes --out``) and for the zips Fava offers (:func:`zip_files`):

* the folder is created; an existing one is used only when it is empty, or
  replaced when it carries the marker :data:`MARKER` of the same command over
  the same ledger, only with ``--force``, and only when it holds nothing but
  the files that command wrote there, unchanged (a file added or edited since
  is named and the folder kept);
* never a folder that holds, equals or is an ancestor of a file the ledger
  loads (its ``include`` files, its ``documents`` folders), nor the current
  folder or one above it, nor a symbolic link;
* two files with one name (case ignored, as on macOS and Windows) are an
  error naming both, never one silently over the other;
* the files go to a hidden staging folder beside the target, marker first,
  renamed into place once complete (:func:`beancount_hn.core.atomic.replace_directory`):
  a signal (Ctrl-C, SIGTERM) removes the staging folder; one left by a
  ``kill -9`` is recognised (its name, its marker, a dead process) and removed
  by the next run, once that run's own files are all written.

One document written into a folder that may hold anything (``hn note``,
``hn devis``) follows :class:`OutputDocument`, with the same proof: the folder's
register :data:`REGISTER` (a :class:`Marker`) lists the files hn wrote there for
one ledger with their SHA-256; a file listed, unchanged, for the same ledger is
hn's own and is replaced; any other existing file only with ``--force``; never
(even with ``--force``) a file the ledger loads, nor, inside the ledger's
``documents`` folders or among its ``document`` entries, a file hn cannot prove
it wrote (a signed devis scanned under its number).

Messages are in French (users read them); :class:`FolderError` carries them.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from beancount.core import data

from beancount_hn import __version__
from beancount_hn.core import atomic
from beancount_hn.core.errors import as_written

#: The marker a written folder carries: what wrote it, for which ledger, which files.
MARKER = ".hn-dossier"
#: The register of the documents written one by one into a folder (``hn note``, ``hn devis``).
REGISTER = ".hn-documents"
#: The ``command`` of a register: the commands that write documents one by one.
DOCUMENT_COMMANDS = "hn note, hn devis"
#: How many names an error lists before "… et N autre(s)".
SHOWN = 5


class FolderError(ValueError):
    """The folder cannot be written as asked; the message (French) says why and what to do."""


class FolderInterrupted(FolderError):
    """A signal stopped the write: the staging folder is removed, the target is as it was."""


@dataclass(frozen=True)
class OutFile:
    """One file of a folder or a zip: its name, its bytes, and what it is (for error messages).

    ``content`` may also be the file's pieces in order, read once (a generator: each
    piece made as it is written, never the whole file in memory).
    """

    name: str
    content: bytes | Iterable[bytes]
    label: str = ""

    @property
    def what(self) -> str:
        return self.label or self.name


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(sorted(names)[:SHOWN])
    return shown + (f" (… et {len(names) - SHOWN} autre(s))" if len(names) > SHOWN else "")


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class _NameBook:
    """The names given so far: a second file with one of them (case ignored) is an error."""

    def __init__(self) -> None:
        self._taken: dict[str, OutFile] = {}

    def claim(self, item: OutFile) -> None:
        name = item.name
        if (not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name
                or name in (MARKER, REGISTER)):
            raise FolderError(f"nom de fichier invalide pour {item.what} : {as_written(name)}")
        first = self._taken.get(name.casefold())
        if first is not None:
            raise FolderError(f"{first.what} et {item.what} auraient le même fichier {name} "
                              "(les noms de fichier ne distinguent pas majuscules et minuscules) : "
                              "aucun n'est écrit à la place de l'autre")
        self._taken[name.casefold()] = item


def zip_files(folder: str, files: Iterable[OutFile]) -> bytes:
    """A zip of ``files`` under ``folder/``, with the same name checks as a written folder."""
    book = _NameBook()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            book.claim(item)
            content = item.content
            archive.writestr(f"{folder}/{item.name}", content if isinstance(content, bytes) else b"".join(content))
    return buffer.getvalue()


@dataclass(frozen=True)
class Marker:
    """What :data:`MARKER` says: the command, the ledger, the files (name → SHA-256).

    The ledger is a digest of its real path: the folder goes to the accountant,
    and a path may name people (``/home/…``); the digest only tells "same ledger".
    """

    command: str
    ledger: str  # sha256 of the main ledger file's real path
    files: dict[str, str] = field(default_factory=dict)
    pid: int | None = None  # set while the folder is being written

    def to_json(self, note: str | None = None) -> str:
        return json.dumps({
            "note": note or f"Dossier écrit par {self.command} (beancount-hn) : hn ne le remplace (avec --force) "
                            "que s'il porte ce fichier et rien d'autre que les fichiers listés ici.",
            "command": self.command, "ledger": self.ledger, "version": __version__,
            "pid": self.pid, "files": self.files,
        }, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def read(cls, folder: str, name: str = MARKER) -> Marker | None:
        """The marker ``name`` (:data:`MARKER`, :data:`REGISTER`) of ``folder``, or None when it
        has none (or one hn did not write)."""
        path = os.path.join(folder, name)
        if os.path.islink(path) or not os.path.isfile(path):
            return None
        try:
            with open(path, encoding="utf-8") as handle:
                raw = json.load(handle)
            files = raw["files"]
            if not (isinstance(raw["command"], str) and isinstance(raw["ledger"], str)
                    and isinstance(files, dict) and all(isinstance(v, str) for v in files.values())):
                return None
            pid = raw.get("pid")
            return cls(raw["command"], raw["ledger"], dict(files), pid if isinstance(pid, int) else None)
        except (OSError, ValueError, KeyError, TypeError):
            return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _inside(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or under it (both real, absolute paths)."""
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # different drives
        return False


def _real(paths: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(os.path.realpath(p) for p in paths))


def ledger_files(ledger: str, options_map: dict) -> tuple[str, ...]:
    """The files a ledger loads: the ledger itself and its ``include`` files (real paths)."""
    return _real([os.path.abspath(ledger), *(options_map.get("include") or [])])


def documents_places(ledger: str, options_map: dict, entries: Iterable[data.Directive] = ()) -> tuple[str, ...]:
    """The ledger's ``documents`` folders and the files of its ``document`` entries (real paths)."""
    base = os.path.dirname(os.path.abspath(ledger))
    paths = [os.path.join(base, folder) for folder in options_map.get("documents") or []]
    paths += [entry.filename for entry in entries if isinstance(entry, data.Document)]
    return _real(paths)


def ledger_paths(ledger: str, options_map: dict) -> tuple[str, ...]:
    """The files a ledger loads (``include``, the ledger itself) and its ``documents`` folders."""
    return tuple(dict.fromkeys(ledger_files(ledger, options_map) + documents_places(ledger, options_map)))


def _ledger_digest(ledger: str) -> str:
    """What a marker records of the ledger: the digest of its main file's real path."""
    return _sha256(os.path.realpath(ledger).encode("utf-8"))


@dataclass(frozen=True)
class OutputFolder:
    """Where a command writes its folder, and the rule it must keep.

    ``command`` (``hn export``…) and ``ledger`` (the main file) go in the
    marker; ``protected`` are the ledger's files (:func:`ledger_paths`).
    """

    path: str
    command: str
    ledger: str
    protected: tuple[str, ...]
    force: bool = False

    @property
    def target(self) -> str:
        return os.path.abspath(self.path)

    def _marker(self, files: dict[str, str] | None = None, pid: int | None = None) -> Marker:
        return Marker(self.command, _ledger_digest(self.ledger), files or {}, pid)

    def check(self) -> None:
        """Raise :class:`FolderError` unless the rule lets this command write the folder."""
        target, shown = self.target, self.path
        if os.path.islink(target):
            raise FolderError(f"{shown} est un lien symbolique : donnez le chemin du dossier lui-même")
        real = os.path.realpath(target)
        for path in self.protected:
            if _inside(path, real):
                raise FolderError(f"{shown} contient {path}, un fichier du livre (ou son dossier de "
                                  f"documents) : {self.command} n'écrit jamais là ; choisissez un dossier "
                                  "à part, p. ex. un sous-dossier nouveau")
        if _inside(os.path.realpath(os.getcwd()), real):
            raise FolderError(f"{shown} est le dossier courant ou le contient : choisissez un dossier "
                              "nouveau, p. ex. un sous-dossier")
        if not os.path.lexists(target):
            return
        if not os.path.isdir(target):
            raise FolderError(f"{shown} existe et n'est pas un dossier : choisissez un autre dossier")
        present = os.listdir(target)
        if present:
            self._check_replacing(shown, target, present)

    def _check_replacing(self, shown: str, target: str, present: list[str]) -> None:
        marker = Marker.read(target)
        if marker is None:
            raise FolderError(f"{shown} n'est pas vide et n'a pas été écrit par {self.command} "
                              f"(il contient {_names(present)}) : hn ne remplace jamais un dossier qu'il "
                              "n'a pas écrit, même avec --force ; choisissez un dossier nouveau ou vide")
        mine = self._marker()
        if (marker.command, marker.ledger) != (mine.command, mine.ledger):
            other = "un autre livre" if marker.ledger != mine.ledger else f"ce livre, pas par {self.command}"
            raise FolderError(f"{shown} a été écrit par {marker.command} pour {other} : {self.command} ne le "
                              "remplace pas, même avec --force ; choisissez un autre dossier")
        if not self.force:
            raise FolderError(f"{shown} existe déjà (écrit par {self.command} pour ce livre) ; utilisez "
                              "--force pour le remplacer, ou choisissez un autre dossier")
        added = [n for n in present if n != MARKER and n not in marker.files]
        if added:
            raise FolderError(f"{shown} contient des fichiers que {self.command} n'y a pas écrits : "
                              f"{_names(added)} ; hn ne les supprime pas, même avec --force : "
                              "déplacez-les ou choisissez un autre dossier")
        changed = [n for n in present if n in marker.files and not _unchanged(target, n, marker.files[n])]
        if changed:
            raise FolderError(f"{shown} contient des fichiers modifiés depuis que {self.command} les a "
                              f"écrits : {_names(changed)} ; hn ne les écrase pas, même avec --force : "
                              "déplacez-les ou choisissez un autre dossier")

    def clean_stale(self, keep: str = "") -> list[str]:
        """Remove the staging folders a killed run of this target left (never ``keep``, this
        run's own); returns their paths."""
        removed = []
        for path in atomic.staging_siblings(self.target):
            if path == keep:
                continue
            marker = Marker.read(path)
            empty = not os.listdir(path)
            if empty or (marker is not None and not (marker.pid is not None and _alive(marker.pid))):
                shutil.rmtree(path)
                removed.append(path)
        return removed

    def write(self, files: Iterable[OutFile], *, private: bool = True) -> list[str]:
        """Write ``files`` as the whole folder, atomically; returns the stale folders removed first.

        ``files`` may be a generator (each file made as it is written), and a
        file's content its pieces (:class:`OutFile`). Any error leaves the
        target as it was and no staging folder; a signal raises
        :class:`FolderInterrupted`. The stale folders are removed once every
        file is written: a run that fails leaves everything as it was.
        """
        self.check()
        written: dict[str, str] = {}
        book = _NameBook()
        try:
            with atomic.replace_directory(self.target, overwrite=True, private=private,
                                          before_swap=self.check) as staging:
                _write_file(staging, MARKER, self._marker(pid=os.getpid()).to_json().encode("utf-8"))
                for item in files:
                    book.claim(item)
                    digest = hashlib.sha256()
                    _write_file(staging, item.name, _hashed(item.content, digest))
                    written[item.name] = digest.hexdigest()
                _write_file(staging, MARKER, self._marker(written).to_json().encode("utf-8"))
                removed = self.clean_stale(keep=staging)
        except atomic.Interrupted as exc:
            raise FolderInterrupted(f"interrompu ({exc.name}) : {self.path} est tel qu'il était, le "
                                    "dossier temporaire est supprimé") from None
        return removed


def _unchanged(folder: str, name: str, digest: str) -> bool:
    return _file_digest(os.path.join(folder, name)) == digest


def _file_digest(path: str) -> str | None:
    """The SHA-256 of the regular file ``path``; None when there is none (or a link)."""
    if os.path.islink(path) or not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        return _sha256(handle.read())


def _hashed(content: bytes | Iterable[bytes], digest: hashlib._Hash) -> bytes | Iterator[bytes]:
    """``content`` as it is (its pieces one by one), each byte added to ``digest`` as it is read."""
    if isinstance(content, bytes):
        digest.update(content)
        return content
    return hashed_pieces(content, digest)


def hashed_pieces(pieces: Iterable[bytes], digest: hashlib._Hash) -> Iterator[bytes]:
    """``pieces`` as they come, each added to ``digest`` as it is read."""
    for piece in pieces:
        digest.update(piece)
        yield piece


def _write_file(folder: str, name: str, content: bytes | Iterable[bytes]) -> None:
    """One file of a staging folder (its bytes, or its pieces in order), flushed to disk."""
    with open(os.path.join(folder, name), "wb") as handle:
        handle.writelines((content,) if isinstance(content, bytes) else content)
        handle.flush()
        os.fsync(handle.fileno())


#: What a register says of itself (its ``note``).
_REGISTER_NOTE = ("Documents écrits un à un dans ce dossier par hn note et hn devis (beancount-hn) pour un "
                  "livre : hn remplace sans --force un fichier listé ici s'il est inchangé ; un autre fichier, "
                  "seulement avec --force, et jamais un fichier du livre ni, dans son dossier de documents, "
                  "un fichier qui n'est pas listé ici.")


@dataclass(frozen=True)
class OutputDocument:
    """One file a command (``hn note``, ``hn devis``) writes into a folder that may hold anything.

    The rule, from strictest:

    * never over a file the ledger loads (:func:`ledger_files`), a symbolic link,
      something that is not a regular file, nor into a folder another command
      writes whole (it carries :data:`MARKER`): even with ``--force``;
    * an existing file hn wrote there for this ledger, unchanged since (listed in
      the folder's :data:`REGISTER` with its SHA-256) is replaced: it is hn's own;
    * any other existing file: inside the ledger's ``documents`` folders or among
      its ``document`` entries (:func:`documents_places`), never, even with
      ``--force`` (a signed devis scanned under its number); elsewhere, only with
      ``--force``.

    ``folder`` is the folder as the user gave it (``--out``); ``ledger`` the main
    ledger file; ``loaded`` and ``documents`` as the two functions above give them.
    """

    folder: str
    name: str
    command: str
    ledger: str
    loaded: tuple[str, ...]
    documents: tuple[str, ...]
    force: bool = False

    @classmethod
    def for_ledger(cls, folder: str, name: str, command: str, ledger: str, options_map: dict,
                   entries: Iterable[data.Directive], *, force: bool = False) -> OutputDocument:
        return cls(folder, name, command, ledger, ledger_files(ledger, options_map),
                   documents_places(ledger, options_map, entries), force)

    @property
    def path(self) -> str:
        return os.path.join(self.folder, self.name)

    def _register(self) -> Marker | None:
        """The folder's register when it is this ledger's; None otherwise."""
        register = Marker.read(self.folder, REGISTER)
        if register is None or register.ledger != _ledger_digest(self.ledger):
            return None
        return register

    def check(self) -> str | None:
        """Raise :class:`FolderError` unless the rule lets this command write the file.

        Returns the SHA-256 of the file it may replace (None when there is none):
        :meth:`write` replaces only that very file.
        """
        shown, target = self.path, os.path.abspath(self.path)
        register = None  # the folder's register of the documents hn wrote there
        if os.path.lexists(self.folder):
            if not os.path.isdir(self.folder):
                raise FolderError(f"{self.folder} existe et n'est pas un dossier : choisissez un autre --out")
            owner = Marker.read(self.folder)
            if owner is not None:
                raise FolderError(f"{self.folder} est un dossier écrit d'un bloc par {owner.command} : "
                                  f"{self.command} n'y ajoute rien (il ne se remplacerait plus avec --force) ; "
                                  "choisissez un autre --out")
            register = Marker.read(self.folder, REGISTER)
            if register is None and os.path.lexists(os.path.join(self.folder, REGISTER)):
                raise FolderError(f"{os.path.join(self.folder, REGISTER)} n'est pas un registre de documents "
                                  "écrit par hn : hn ne le remplace pas, même avec --force ; déplacez-le ou "
                                  "choisissez un autre --out")
        real = os.path.realpath(target)
        if real in self.loaded:
            raise FolderError(f"{shown} est un fichier du livre : hn ne le remplace jamais, même avec "
                              "--force ; choisissez un autre --out")
        if not os.path.lexists(target):
            return None
        if os.path.islink(target) or not os.path.isfile(target):
            what = "un lien symbolique" if os.path.islink(target) else "autre chose qu'un fichier"
            raise FolderError(f"{shown} existe et est {what} : hn ne le remplace pas, même avec --force ; "
                              "choisissez un autre --out")
        digest = _file_digest(target)
        if (register is not None and register.ledger == _ledger_digest(self.ledger)
                and register.files.get(self.name) == digest):
            return digest  # a file hn wrote here for this ledger, unchanged since
        place = next((p for p in self.documents if _inside(real, p)), None)
        if place is not None:
            where = "une pièce du livre (directive document)" if place == real \
                else f"dans le dossier de documents du livre ({place})"
            raise FolderError(f"{shown} existe déjà, est {where} et n'a pas été écrit par hn pour ce livre "
                              "(ou a été modifié depuis) : hn ne le remplace jamais, même avec --force ; "
                              "choisissez un autre --out")
        if not self.force:
            raise FolderError(f"{shown} existe déjà et n'a pas été écrit par hn pour ce livre (ou a été "
                              "modifié depuis) : hn ne le remplace pas ; --force pour le remplacer, ou "
                              "choisissez un autre --out")
        return digest

    def write(self, content: bytes) -> str:
        """Write ``content`` as the file, atomically, and record it in the folder's register.

        The register is written first (a failure leaves the file as it was); the
        file then replaces only the very file :meth:`check` judged (one that
        appears or changes meanwhile is kept: :class:`FolderError`). Returns the path.
        """
        judged = self.check()
        target = os.path.abspath(self.path)

        def still_judged() -> None:
            if _file_digest(target) != judged or (judged is None and os.path.lexists(target)):
                raise FolderError(f"{self.path} a changé pendant l'écriture : hn ne le remplace pas ; "
                                  "relancez la commande")

        os.makedirs(self.folder, exist_ok=True)
        self._record(_sha256(content))
        try:
            atomic.write_bytes(target, content, exclusive=judged is None, before_replace=still_judged)
        except FileExistsError:
            still_judged()
            raise
        return self.path

    def _record(self, digest: str) -> None:
        """The folder's register, with this file's digest (the files no longer there dropped;
        a register of another ledger gives way: its files then need --force)."""
        register = self._register()
        files = {n: d for n, d in (register.files if register else {}).items()
                 if n != self.name and os.path.lexists(os.path.join(self.folder, n))}
        files[self.name] = digest
        marker = Marker(DOCUMENT_COMMANDS, _ledger_digest(self.ledger), dict(sorted(files.items())))
        atomic.write_bytes(os.path.join(self.folder, REGISTER), marker.to_json(_REGISTER_NOTE).encode("utf-8"))
