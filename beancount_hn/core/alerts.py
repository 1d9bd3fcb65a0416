"""Warnings that must not fail ``bean-check``: ``custom "hn-alert"`` entries.

``bean-check`` exits with status 1 on *any* error a plugin returns, so a
warning cannot be a plugin error. A plugin publishes it instead as a dated
``custom`` entry, which Fava shows in the journal (and in its list of custom
entries) and ``hn`` reports print::

    2025-10-14 custom "hn-alert" "warning" "vat-share-2025" "Chiffre d'affaires 2025 …"

The entry's metadata points at the transaction that triggered the warning.
With ``custom "hn-option" "warnings-as-errors" TRUE`` (in force on the
warning's date) each warning is *also* returned as an ``HnWarning`` error,
for a strict CI.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from beancount.core import data
from beancount.parser.grammar import ValueType

from beancount_hn.core.config import HnConfig
from beancount_hn.core.errors import error_type, source_of

ALERT_DIRECTIVE = "hn-alert"
WARNING = "warning"

HnWarning = error_type("HnWarning")


@dataclass(frozen=True)
class Alert:
    """One warning: when, how serious, a stable code, the message, and where."""

    date: datetime.date
    level: str
    code: str  # stable and unique per warning, e.g. "vat-share-2025"
    message: str
    entry: data.Directive | None  # the entry that triggered it


def alert_entry(alert: Alert) -> data.Custom:
    """The ``custom "hn-alert" LEVEL CODE MESSAGE`` entry of ``alert``."""
    meta = source_of(alert.entry)
    return data.Custom(meta, alert.date, ALERT_DIRECTIVE, [
        ValueType(alert.level, str),
        ValueType(alert.code, str),
        ValueType(alert.message, str),
    ])


def alert_key(entry: data.Custom) -> tuple[datetime.date, str]:
    """(date, code) of an ``hn-alert`` entry: the plugin never adds the same one twice."""
    values = [v.value for v in entry.values]
    return entry.date, str(values[1]) if len(values) > 1 else ""


def publish(entries: list[data.Directive], alerts: Iterable[Alert],
            config: HnConfig) -> tuple[list[data.Directive], list]:
    """Add the alerts as ``hn-alert`` entries; errors only under ``warnings-as-errors``."""
    alerts = list(alerts)
    if not alerts:
        return entries, []
    existing = {
        alert_key(e) for e in entries if isinstance(e, data.Custom) and e.type == ALERT_DIRECTIVE
    }
    new = [alert_entry(a) for a in alerts if (a.date, a.code) not in existing]
    errors = [
        HnWarning(source_of(a.entry), f"{a.message} [{a.code}; warnings-as-errors]", a.entry)
        for a in alerts
        if config.value("warnings-as-errors", a.date, False)
    ]
    if new:
        # Entries are sorted; timsort merges the appended few in about linear time.
        entries = sorted([*entries, *new], key=data.entry_sortkey)
    return entries, errors
