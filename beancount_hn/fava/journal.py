"""Fava journal filters that list exactly the entries behind a figure.

A 2035 line is explained by :meth:`beancount_hn.tax.form2035.Form2035.explain`:
contributions pointing at the posting (or directive) they come from. This
module turns such a list into a filter for Fava's journal (its ``filter=``
URL parameter) and checks, with Fava's own filter code, that the journal
shows those entries and nothing else:

* first a readable filter, when it is exact:
  ``any(account:"^Expenses:Loyer$") date:"^2025-"``;
* otherwise the shorter of: the readable filter corrected by the few entries
  it shows too many or too few, named by file and line,
  ``(any(account:"^Income:…$") date:"^2025-" -(lineno:"^(911)$")), (lineno:"^(42)$")``
  (an accrual-style line: a December invoice paid in January counts in
  January's year); and one that names each entry by file and line,
  ``(filename:"/2024\\.beancount$" lineno:"^(782|801)$"), (…)`` (the computed
  lines: depreciation, barème). Fava repeats the filter in every account link of
  the journal it shows: a short one keeps a journal of a thousand FSE lots light.

The page does not show these filters: a line's amount links to the
extension's own short route, ``journal?annee=2025&ligne=AA``
(:func:`line_route`), which answers with a redirect to Fava's journal with the
line's filter (:func:`line_from_query` reads it back). The link is
``data-remote``: Fava's router would follow the redirect in the background and
leave the short route in the address bar.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

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
                for posting in entry.postings:  # a hundred thousand on a ten-year ledger
                    meta = posting.meta
                    if meta and "filename" in meta:
                        filename, lineno = meta["filename"], meta.get("lineno", 0)
                        at.setdefault((filename, lineno) if type(filename) is str and type(lineno) is int
                                      else _location(meta), entry)  # type: ignore[arg-type]
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
        listed = self._listing(chosen)
        if readable is None or year is None or not self._readable_exact(accounts):
            text, shown = listed
            return JournalFilter(text, len(expected), shown == expected)
        by_accounts = self._shown_by_accounts(accounts, year)
        if set(by_accounts) == expected:
            return JournalFilter(readable, len(expected), True)
        # The readable filter, without what it shows too many, with what it misses.
        text, shown = readable, set(by_accounts)
        too_many = {key: entry for key, entry in by_accounts.items() if key not in expected}
        if too_many:
            removed, _ = self._listing(too_many, keep_customs=True)
            text = f"({text}) -({removed})"
            shown -= {id(other) for entry in too_many.values()
                      for other in self._own.get(_location(entry.meta), ())}  # type: ignore[arg-type]
        missing = {key: entry for key, entry in chosen.items() if key not in by_accounts}
        if missing:
            added, more = self._listing(missing)
            text = f"({text}), ({added})"
            shown |= more
        if shown == expected and (listed[1] != expected or len(text) < len(listed[0])):
            return JournalFilter(text, len(expected), True)
        return JournalFilter(listed[0], len(expected), listed[1] == expected)

    def _listing(self, chosen: dict[int, data.Directive], *, keep_customs: bool = False) -> tuple[str, set[int]]:
        """The filter naming ``chosen`` by file and line, and the ids of what it shows (an
        empty set when a file name cannot be written in a filter). A plugin-made custom entry
        sharing a transaction's line (``hn-alert``) is left out, unless ``keep_customs``."""
        locations = {where for where in (_location(e.meta) for e in chosen.values()) if where is not None}
        text = self._by_line(locations)
        shown = [e for where in locations for e in self._own.get(where, ())]
        extra = [e for e in shown if id(e) not in chosen]
        if extra and not keep_customs and all(isinstance(e, data.Custom) for e in extra):
            types = sorted({e.type for e in extra})
            text = f'({text}) -type:"^({"|".join(_rx(t) for t in types)})$"'
            shown = [e for e in shown if not (isinstance(e, data.Custom) and e.type in types)]
        if any('"' in where[0] for where in locations):
            return text, set()
        return text, {id(e) for e in shown}

    def _readable_exact(self, accounts: set[str]) -> bool:
        """Whether ``account:"^…$"`` names these accounts only: Fava matches regardless of case."""
        folded = {account.casefold() for account in accounts}
        return all(account in accounts for account in self._by_account if account.casefold() in folded)

    def _shown_by_accounts(self, accounts: set[str], year: int) -> dict[int, data.Directive]:
        return {id(txn): txn for account in sorted(accounts) for txn in self._by_account.get(account, ())
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


#: The extension endpoint of a 2035 line's journal (``Cabinet.journal``).
LINE_ENDPOINT = "journal"


def line_route(year: int, code: str) -> str:
    """The short route, relative to the extension's page, of ``code``'s journal for ``year``."""
    return f"{LINE_ENDPOINT}?{urlencode({'annee': year, 'ligne': code})}"


def line_from_query(args: Any) -> tuple[int, str] | None:
    """The (year, 2035 code) a :func:`line_route` names (None when it names none)."""
    year, code = str(args.get("annee", "")).strip(), str(args.get("ligne", "")).strip().upper()
    if not (year.isdigit() and len(year) == 4 and code.isalnum() and len(code) <= 4):
        return None
    return int(year), code


def journal_entries(filter_text: str, entries: Sequence[data.Directive]) -> list[data.Directive]:
    """The entries Fava's journal shows for ``filter=filter_text`` (Fava's own filter code)."""
    return list(AdvancedFilter(filter_text).apply(entries))


def _readable(accounts: set[str], year: int | None) -> str | None:
    """``any(account:"^(A|B)$") date:"^YYYY-"``: the year's transactions posting to ``accounts``.

    Only a candidate: the caller keeps it when Fava's filter shows exactly the
    wanted entries with it.
    """
    if year is None or not accounts:
        return None
    children: dict[str, list[str]] = defaultdict(list)  # parent -> the accounts' last component
    for name in sorted(accounts):
        parent, _, leaf = name.rpartition(":")
        children[parent].append(leaf)
    names = "|".join(_rx(f"{parent}:" if parent else "") + (_rx(leaves[0]) if len(leaves) == 1 else
                                                               f"({'|'.join(_rx(leaf) for leaf in leaves)})")
                     for parent, leaves in children.items())
    pattern = f"^({names})$" if len(children) > 1 else f"^{names}$"
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
