"""The ``include`` lines of a ledger file, read as Beancount's loader follows them.

For the messages that name an ``include`` line (a file loaded twice: ``loading``, the
review plugin), without the loader's internals.
"""

from __future__ import annotations

import glob as glob_module
import os
import re
from typing import Any

_INCLUDE_RE = re.compile(r'^\s*include\s+"(?P<glob>[^"]*)"')
#: An ``include`` line: where it is (``filename``, ``lineno``), its text as written, and the files it loads.
Include = tuple[dict[str, Any], str, list[str]]


def includes_of(filename: str) -> list[Include]:
    """The ``include`` lines of ``filename`` (none if it cannot be read), each with the files it
    loads as Beancount's loader finds them: the glob taken from the file's folder, each match an
    absolute, normalised path (``os.path.normpath``, symbolic links kept)."""
    try:
        with open(filename, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    found: list[Include] = []
    folder = os.path.dirname(filename)
    for lineno, line in enumerate(lines, start=1):
        match = _INCLUDE_RE.match(line)
        if match:
            written = match.group("glob")
            search = written if os.path.isabs(written) else os.path.join(folder, written)
            loads = [os.path.normpath(path if os.path.isabs(path) else os.path.join(folder, path))
                     for path in glob_module.glob(search, recursive=True)]
            found.append(({"filename": filename, "lineno": lineno}, written, loads))
    return found
