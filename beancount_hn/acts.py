"""NGAP act codes (``acte:`` metadata) and the convention status they imply.

The key letters of masseurs-kinésithérapeutes live in ``data/ngap_codes.csv``
with their validity dates and sources: the nomenclature in force since
22 February 2024 (AMK kept, TMK, the body-region letters such as RAB or DRA)
and the older AMS/AMC for past years. ``DE`` is a dépassement, ``HN``/``HC``
are non conventionnés. A code is a letter optionally followed by a coefficient
(``"RAB 8"``, ``"AMK 8.1"``, ``"IK 12"``); several codes may be joined with
``+`` (``"RAB 8 + IFD"``) as long as they share one status.
"""

from __future__ import annotations

import csv
import datetime
import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources

_CODE_RE = re.compile(r"^([A-Za-z]+)\s*(\d+(?:[.,]\d+)?)?$")


@dataclass(frozen=True)
class KeyLetter:
    """One row of the NGAP table."""

    code: str
    status: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    unit_value: Decimal | None
    label: str
    source: str
    confidence: str


@dataclass(frozen=True)
class Act:
    """One parsed act: its key letter and optional coefficient."""

    letter: KeyLetter
    coefficient: Decimal | None


class ActError(ValueError):
    """An act code that cannot be resolved; the message says why and what to do."""


@functools.cache
def key_letters() -> dict[str, KeyLetter]:
    """The NGAP table, by code."""
    table: dict[str, KeyLetter] = {}
    text = resources.files("beancount_hn").joinpath("data/ngap_codes.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        table[row["code"]] = KeyLetter(
            code=row["code"],
            status=row["status"],
            valid_from=datetime.date.fromisoformat(row["valid_from"]),
            valid_to=datetime.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            unit_value=Decimal(row["unit_value_eur"]) if row["unit_value_eur"] else None,
            label=row["label"],
            source=row["source"],
            confidence=row["confidence"],
        )
    return table


def _user_letter(code: str) -> KeyLetter:
    return KeyLetter(code, "conventionne", datetime.date.min, None, None,
                     "Lettre clé déclarée par l'utilisateur (hn-option ngap-letter)",
                     "hn-option ngap-letter", "user")


@functools.lru_cache(maxsize=4096)
def parse_acts(text: str, extra_letters: frozenset[str] = frozenset()) -> tuple[Act, ...]:
    """Parse an ``acte:`` value into its acts, without checking dates.

    Raises:
      ActError: on an empty or malformed code, or an unknown key letter.
    """
    parts = [part.strip() for part in str(text).split("+")]
    if not parts or not all(parts):
        raise ActError(f'acte "{text}" is empty or malformed; write e.g. "RAB 8", "DE" or "HN"')
    table = key_letters()
    acts = []
    for part in parts:
        match = _CODE_RE.match(part)
        if not match:
            raise ActError(f'acte "{part}" is not a key letter with an optional coefficient, e.g. "RAB 8"')
        code = match.group(1).upper()
        letter = table.get(code) or (_user_letter(code) if code in extra_letters else None)
        if letter is None:
            raise ActError(
                f'unknown NGAP key letter "{code}" in acte "{text}"; use a letter of the NGAP '
                f'table, "DE", "HN", or declare it with custom "hn-option" "ngap-letter" "{code}"'
            )
        coefficient = None
        if match.group(2):
            try:
                coefficient = Decimal(match.group(2).replace(",", "."))
            except InvalidOperation as exc:  # pragma: no cover - the regex guarantees digits
                raise ActError(f'bad coefficient in acte "{part}"') from exc
        acts.append(Act(letter, coefficient))
    return tuple(acts)


def act_status(text: str, on: datetime.date, extra_letters: frozenset[str] = frozenset()) -> str:
    """The convention status implied by an ``acte:`` value on date ``on``.

    Raises:
      ActError: unknown or malformed code, a letter not in force on that date,
        or codes of different statuses joined in one value.
    """
    acts = parse_acts(text, extra_letters)
    for act in acts:
        letter = act.letter
        if on < letter.valid_from or (letter.valid_to and on > letter.valid_to):
            period = f"from {letter.valid_from}" + (f" to {letter.valid_to}" if letter.valid_to else "")
            hint = " (AMS/AMC were replaced on 2024-02-22 by AMK and the body-region letters)" \
                if letter.valid_to else ""
            raise ActError(f'key letter "{letter.code}" is not in force on {on}: valid {period}{hint}')
    statuses = {act.letter.status for act in acts}
    if len(statuses) > 1:
        raise ActError(
            f'acte "{text}" mixes statuses ({", ".join(sorted(statuses))}); '
            "split it into one posting per status"
        )
    return statuses.pop()
