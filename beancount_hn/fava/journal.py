"""Fava journal filters that list exactly the entries behind a figure.

A 2035 line is explained by :meth:`beancount_hn.form2035.Form2035.explain`:
contributions pointing at the posting (or directive) they come from. This
module turns such a list into a filter for Fava's journal (its ``filter=``
URL parameter) and checks, with Fava's own filter code, that the journal
shows those entries and nothing else:

* first a readable filter, when it is exact:
  ``any(account:"^Expenses:Loyer$") date:"^2025-"``;
* otherwise one that names each entry by file and line:
  ``(filename:"/2024\\.beancount$" lineno:"^(782|801)$"), (…)`` — what an
  accrual-style line needs (a December invoice paid in January counts in
  January's year), and what the computed lines need (depreciation, barème).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from beancount.core import data
from fava.core.filters import AdvancedFilter


@dataclass(frozen=True)
class JournalFilter:
    """A Fava journal filter, how many entries it shows and whether they are exactly the wanted ones."""

    filter: str
    count: int
    exact: bool


def _location(meta: dict[str, Any] | None) -> tuple[str, int] | None:
    if not meta or "filename" not in meta:
        return None
    return str(meta["filename"]), int(meta.get("lineno", 0) or 0)


class EntryLocator:
    """The entries of a ledger by file and line, and the journal filters that list them.

    A posting's line leads to its transaction; a directive's own line to the
    directive. Plugin-made entries reuse the line of the entry they come from
    (an ``hn-alert`` points at its transaction), so transactions win.

    What a filter will show is worked out here from the ledger (which entries
    sit at a file and line, which transactions of a year post to an account),
    the way Fava's filter reads it; :func:`journal_entries` runs Fava's own
    filter, and the tests check that both agree.
    """

    def __init__(self, entries: Sequence[data.Directive]) -> None:
        self.entries = entries
        at: dict[tuple[str, int], data.Directive] = {}
        own: dict[tuple[str, int], list[data.Directive]] = defaultdict(list)
        others: list[tuple[tuple[str, int], data.Directive]] = []
        by_account: dict[str, list[data.Transaction]] = defaultdict(list)
        for entry in entries:
            where = _location(entry.meta)
            if where is not None:
                own[where].append(entry)
            if isinstance(entry, data.Transaction):
                if where is not None:
                    at[where] = entry
                for posting in entry.postings:
                    posting_at = _location(posting.meta)
                    if posting_at is not None:
                        at.setdefault(posting_at, entry)
                    accounts = by_account[posting.account]
                    if not accounts or accounts[-1] is not entry:
                        accounts.append(entry)
            elif where is not None:
                others.append((where, entry))
        for where, entry in others:
            at.setdefault(where, entry)
        self._at = at
        self._own = own
        self._by_account = by_account
        self._suffix = _unique_suffixes({where[0] for where in own})

    def entry_at(self, meta: dict[str, Any] | None) -> data.Directive | None:
        """The entry written at ``meta``'s file and line (a posting's line: its transaction)."""
        where = _location(meta)
        return self._at.get(where) if where is not None else None

    def file_pattern(self, filename: str) -> str:
        """A regular expression that matches ``filename`` and no other file of the ledger."""
        return _rx(self._suffix.get(filename, filename)) + "$"

    # --- filters ---------------------------------------------------------------------

    def filter_for(self, wanted: Iterable[data.Directive], *, accounts: Iterable[str] = (),
                   year: int | None = None) -> JournalFilter | None:
        """The filter that shows exactly ``wanted`` in Fava's journal (None when nothing is wanted).

        ``accounts`` and ``year`` propose the readable form (the wanted
        transactions are those of the year with a posting to these accounts);
        it is used only when it shows exactly the wanted entries.
        """
        chosen: dict[int, data.Directive] = {id(entry): entry for entry in wanted}
        if not chosen:
            return None
        expected = set(chosen)
        accounts = set(accounts)
        readable = _readable(accounts, year)
        if readable is not None and year is not None and self._shown_by_accounts(accounts, year) == expected:
            return JournalFilter(readable, len(expected), True)
        locations = {where for where in (_location(e.meta) for e in chosen.values()) if where is not None}
        text = self._by_line(locations)
        shown = [e for where in locations for e in self._own.get(where, ())]
        extra = [e for e in shown if id(e) not in expected]
        if extra and all(isinstance(e, data.Custom) for e in extra):
            # A plugin-made custom entry sharing a transaction's line (hn-alert): leave it out.
            types = sorted({e.type for e in extra})
            text = f'({text}) -type:"^({"|".join(_rx(t) for t in types)})$"'
            shown = [e for e in shown if not (isinstance(e, data.Custom) and e.type in types)]
        exact = {id(e) for e in shown} == expected and all('"' not in where[0] for where in locations)
        return JournalFilter(text, len(expected), exact)

    def _shown_by_accounts(self, accounts: set[str], year: int) -> set[int]:
        return {id(txn) for account in accounts for txn in self._by_account.get(account, ())
                if txn.date.year == year}

    def _by_line(self, locations: set[tuple[str, int]]) -> str:
        lines: dict[str, set[int]] = defaultdict(set)
        for filename, lineno in locations:
            lines[filename].add(lineno)
        groups = [
            f'(filename:"{self.file_pattern(name)}" lineno:"^({"|".join(str(n) for n in sorted(numbers))})$")'
            for name, numbers in sorted(lines.items())
        ]
        return groups[0][1:-1] if len(groups) == 1 else ", ".join(groups)


def journal_entries(filter_text: str, entries: Sequence[data.Directive]) -> list[data.Directive]:
    """The entries Fava's journal shows for ``filter=filter_text`` (Fava's own filter code)."""
    return list(AdvancedFilter(filter_text).apply(entries))


def _readable(accounts: set[str], year: int | None) -> str | None:
    """``any(account:"^(A|B)$") date:"^YYYY-"``: the year's transactions posting to ``accounts``.

    Only a candidate: the caller keeps it when Fava's filter shows exactly the
    wanted entries with it.
    """
    if year is None or not accounts or len(accounts) > 6:
        return None
    names = "|".join(_rx(a) for a in sorted(accounts))
    pattern = f"^({names})$" if len(accounts) > 1 else f"^{names}$"
    return f'any(account:"{pattern}") date:"^{year}-"'


def _rx(text: str) -> str:
    """``re.escape`` without escaping ``-`` (a literal outside brackets): readable account names."""
    return re.escape(text).replace("\\-", "-")


def _unique_suffixes(paths: set[str]) -> dict[str, str]:
    """For each path, its shortest ``/``-prefixed tail that no other path ends with."""
    result: dict[str, str] = {}
    for path in paths:
        parts = path.replace(os.sep, "/").split("/")
        for size in range(1, len(parts) + 1):
            tail = "/".join(parts[-size:])
            candidate = ("/" + tail) if size < len(parts) else tail
            if not any(other != path and other.replace(os.sep, "/").endswith(candidate) for other in paths):
                result[path] = candidate
                break
        else:
            result[path] = path
    return result
