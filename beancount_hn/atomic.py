"""Files and directories written whole or not at all.

A file is written to a temporary name beside its target, then renamed into
place (``os.replace``): a reader sees the old content or the new one, never
half of it, and an error leaves the target as it was and no temporary behind.

A directory is built in a temporary sibling (:func:`replace_directory`) and
renamed into place once complete; an existing one is renamed aside first,
put back if the swap fails, and removed only once the new one stands.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


class TargetExists(FileExistsError):
    """The target directory exists and replacing it was not asked for."""


class TargetNotADirectory(FileExistsError):
    """The target of a directory exists and is something else."""


def _write(path: str, data: str | bytes, mode: str, encoding: str | None, prefix: str,
           suffix: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    try:
        with os.fdopen(handle, mode, encoding=encoding) as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_bytes(path: str, data: bytes, *, prefix: str = ".hn-", suffix: str = ".tmp") -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place."""
    _write(path, data, "wb", None, prefix, suffix)


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
    raise FileExistsError(f"no unused temporary name in {parent}")


def _check(path: str, target: str, overwrite: bool) -> None:
    if os.path.exists(target):
        if not os.path.isdir(target):
            raise TargetNotADirectory(f"{path} exists and is not a directory")
        if not overwrite:
            raise TargetExists(f"{path} already exists")


@contextmanager
def replace_directory(path: str, *, overwrite: bool = False, private: bool = False) -> Iterator[str]:
    """Yield an empty staging directory beside ``path``; on a normal exit, it becomes ``path``.

    An existing ``path`` raises :class:`TargetExists` unless ``overwrite``
    (then it is renamed aside, restored if the swap fails, and removed after
    it), and :class:`TargetNotADirectory` if it is not a directory. Missing
    parents are created. ``private`` makes the directory mode 0700 (before
    the umask: nobody else may read it). On any error, in the ``with`` body or
    in the swap, the staging directory is removed and ``path`` is as it was.
    """
    target = os.path.abspath(path)
    _check(path, target, overwrite)
    parent, base = os.path.split(target)
    os.makedirs(parent, exist_ok=True)
    staging = _new_directory(parent, f".{base}.", ".tmp", private)
    try:
        yield staging
        _check(path, target, overwrite)
        if os.path.exists(target):
            aside = _new_directory(parent, f".{base}.", ".old", True)
            os.rmdir(aside)
            os.replace(target, aside)
            try:
                os.replace(staging, target)
            except BaseException:
                os.replace(aside, target)  # put the previous directory back
                raise
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


__all__ = ["TargetExists", "TargetNotADirectory", "replace_directory", "write_bytes", "write_text"]
