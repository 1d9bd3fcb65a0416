"""Files and directories written whole or not at all.

A file is written to a temporary name beside its target, then renamed into
place (``os.replace``): a reader sees the old content or the new one, never
half of it, and an error leaves the target as it was and no temporary behind.

A directory is built in a temporary sibling (:func:`replace_directory`) and
renamed into place once complete; an existing one is renamed aside first,
put back if the swap fails, and removed only once the new one stands.

Interruptions: while a file or a directory is written, SIGINT, SIGTERM and
SIGHUP raise :class:`Interrupted` (the temporary is removed on the way out);
during the swap itself they wait until the new directory stands, and the
write completes. A ``kill -9`` cannot be caught: its temporaries are found by
their name (:func:`staging_siblings`) on the next run.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class TargetExists(FileExistsError):
    """The target directory exists and replacing it was not asked for."""


class TargetNotADirectory(FileExistsError):
    """The target of a directory exists and is something else."""


class Interrupted(BaseException):
    """A signal stopped a write; what it was writing is removed, the target is as it was."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.name = signal.Signals(signum).name


#: The signals a write turns into :class:`Interrupted` (SIGHUP where it exists).
SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)


@contextmanager
def _signals(handler: Callable[[int, object], None] | signal.Handlers) -> Iterator[None]:
    """``handler`` for :data:`SIGNALS` inside the block (main thread only: elsewhere, nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, handler) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _raise(signum: int, frame: object) -> None:
    raise Interrupted(signum)


@contextmanager
def interruptible() -> Iterator[None]:
    """Inside the block, SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` (so cleanup runs)."""
    with _signals(_raise):
        yield


@contextmanager
def _deferred() -> Iterator[None]:
    """Inside the block, the signals are ignored: a swap is never cut in half (the new
    target stands, and the command ends normally)."""
    with _signals(signal.SIG_IGN):
        yield


def _write(path: str, data: str | bytes, mode: str, encoding: str | None, prefix: str,
           suffix: str, exclusive: bool = False, before_replace: Callable[[], None] | None = None) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    with interruptible():
        handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
        try:
            with os.fdopen(handle, mode, encoding=encoding) as stream:
                stream.write(data)
            if before_replace is not None:
                before_replace()
            with _deferred():
                if exclusive:
                    _place_new(temporary, path)
                else:
                    os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise


def _place_new(temporary: str, path: str) -> None:
    """``temporary`` becomes ``path`` only when nothing is there (:class:`FileExistsError` otherwise).

    A hard link is made and the temporary name removed: the new name appears
    whole, and never over a file that appeared meanwhile. Where hard links are
    not supported (FAT, some network shares), a last check, then a rename.
    """
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path) from None
        os.replace(temporary, path)
        return
    os.unlink(temporary)


def write_bytes(path: str, data: bytes, *, prefix: str = ".hn-", suffix: str = ".tmp", exclusive: bool = False,
                before_replace: Callable[[], None] | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place.

    ``exclusive``: never over an existing ``path`` (:class:`FileExistsError`, the
    temporary removed). ``before_replace`` is called once the temporary is
    complete, just before it takes the name (a last check: raise to cancel).
    """
    _write(path, data, "wb", None, prefix, suffix, exclusive, before_replace)


def write_text(path: str, text: str, encoding: str = "utf-8", *, prefix: str = ".hn-",
               suffix: str = ".tmp") -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place."""
    _write(path, text, "w", encoding, prefix, suffix)


def _new_directory(parent: str, prefix: str, suffix: str, private: bool) -> str:
    """A new empty directory with an unused name in ``parent`` (as ``mkdtemp`` makes one)."""
    for _ in range(100):
        candidate = os.path.join(parent, f"{prefix}{secrets.token_hex(4)}{suffix}")
        try:
            os.mkdir(candidate, 0o700 if private else 0o777)
        except FileExistsError:
            continue
        return candidate
    raise FileExistsError(f"{parent} : aucun nom temporaire libre")


def _staging_pattern(base: str) -> re.Pattern[str]:
    return re.compile(r"\." + re.escape(base) + r"\.[0-9a-f]{8}\.(?:tmp|old)")


def staging_siblings(path: str) -> list[str]:
    """The temporaries :func:`replace_directory` makes beside ``path`` (``.<name>.<hex>.tmp``/``.old``).

    Only names of that pattern, and only directories (never a symbolic link):
    what a write of ``path`` killed by ``kill -9`` may have left. Whether one
    is stale is the caller's to decide (another run may be writing it).
    """
    target = os.path.abspath(path)
    parent, base = os.path.split(target)
    pattern = _staging_pattern(base)
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    found = []
    for name in sorted(names):
        candidate = os.path.join(parent, name)
        if pattern.fullmatch(name) and os.path.isdir(candidate) and not os.path.islink(candidate):
            found.append(candidate)
    return found


def _check(path: str, target: str, overwrite: bool) -> None:
    if os.path.exists(target):
        if not os.path.isdir(target):
            raise TargetNotADirectory(f"{path} existe et n'est pas un dossier")
        if not overwrite:
            raise TargetExists(f"{path} existe déjà")


@contextmanager
def replace_directory(path: str, *, overwrite: bool = False, private: bool = False,
                      before_swap: Callable[[], None] | None = None) -> Iterator[str]:
    """Yield an empty staging directory beside ``path``; on a normal exit, it becomes ``path``.

    An existing ``path`` raises :class:`TargetExists` unless ``overwrite``
    (then it is renamed aside, restored if the swap fails, and removed after
    it), and :class:`TargetNotADirectory` if it is not a directory. Missing
    parents are created. ``private`` makes the directory mode 0700 (before
    the umask: nobody else may read it). ``before_swap`` is called once the
    body is done, just before the swap (a last check: raise to cancel). On
    any error or signal (:class:`Interrupted`), in the ``with`` body or before
    the swap, the staging directory is removed and ``path`` is as it was; a
    signal during the swap waits until the new directory stands.
    """
    target = os.path.abspath(path)
    _check(path, target, overwrite)
    parent, base = os.path.split(target)
    os.makedirs(parent, exist_ok=True)
    with interruptible():
        staging = _new_directory(parent, f".{base}.", ".tmp", private)
        try:
            yield staging
            if before_swap is not None:
                before_swap()
            _check(path, target, overwrite)
            with _deferred():
                _swap(staging, target, parent, base)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _swap(staging: str, target: str, parent: str, base: str) -> None:
    """``staging`` becomes ``target``; a previous ``target`` is set aside, then removed."""
    if not os.path.exists(target):
        os.replace(staging, target)
        return
    aside = _new_directory(parent, f".{base}.", ".old", True)
    os.rmdir(aside)
    os.replace(target, aside)
    try:
        os.replace(staging, target)
    except BaseException:
        os.replace(aside, target)  # put the previous directory back
        raise
    shutil.rmtree(aside, ignore_errors=True)


__all__ = ["Interrupted", "TargetExists", "TargetNotADirectory", "interruptible", "replace_directory",
           "staging_siblings", "write_bytes", "write_text"]
