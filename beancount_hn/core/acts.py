"""NGAP act codes (``acte:`` metadata), the convention status they imply, and their tariffs.

Each profession has its own table of key letters (``data/ngap_codes.csv`` for
masseurs-kinésithérapeutes, ``data/ngap_infirmier.csv``,
``data/ngap_orthophoniste.csv``, ``data/ngap_sage_femme.csv``), with the dates
a letter is in force and its sources; ``data/ngap_common.csv`` holds the codes
every profession writes: ``DE`` (dépassement), ``HN`` and ``HC`` (non
conventionnés). ``data/ngap_values.csv`` gives a letter's value in euros
(mainland and DOM) over the periods a source confirms; a letter without a
confirmed value has none, and nothing is computed from it.

The ``profession`` option decides which table applies; a letter found only in
another profession's table is an error (``AMI`` in a kiné's ledger), and
``custom "hn-option" "ngap-letter" "XYZ"`` declares a letter the tables lack
(conventionné). A code is a letter optionally followed by a coefficient
(``"RAB 8"``, ``"AMK 8.1"``, ``"IK 12"``); several codes may be joined with
``+`` (``"RAB 8 + IFD"``) as long as they share one status. Messages are in
French: they reach the practitioner through ``bean-check`` and ``hn``.
"""

from __future__ import annotations

import csv
import datetime
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import resources

from beancount_hn.core.config import PROFESSIONS, HnConfig
from beancount_hn.core.frtypo import date as french_date

KINE, INFIRMIER, ORTHOPHONISTE, SAGE_FEMME = PROFESSIONS
DEFAULT_PROFESSION = KINE
#: The letter table of each profession, and the codes common to all.
TABLE_FILES = {
    KINE: "data/ngap_codes.csv",
    INFIRMIER: "data/ngap_infirmier.csv",
    ORTHOPHONISTE: "data/ngap_orthophoniste.csv",
    SAGE_FEMME: "data/ngap_sage_femme.csv",
}
COMMON_FILE = "data/ngap_common.csv"
VALUES_FILE = "data/ngap_values.csv"
#: How each table is named in a message.
TABLE_NAMES = {
    KINE: "masseurs-kinésithérapeutes (NGAP titre XIV)",
    INFIRMIER: "infirmiers (NGAP titre XVI)",
    ORTHOPHONISTE: "orthophonistes",
    SAGE_FEMME: "sages-femmes",
}

_CODE_RE = re.compile(r"^([A-Za-z]+)\s*(\d+(?:[.,]\d+)?)?$")
_FIRST, _LAST = datetime.date.min, datetime.date.max


@dataclass(frozen=True)
class LetterValue:
    """A key letter's value in euros over a period (mainland France and the DOM)."""

    valid_from: datetime.date
    valid_to: datetime.date
    mainland: Decimal
    dom: Decimal | None
    source: str


@dataclass(frozen=True)
class KeyLetter:
    """One row of a profession's NGAP table, with the values a source confirms."""

    code: str
    status: str
    valid_from: datetime.date | None  # None: in force before any date the table records
    valid_to: datetime.date | None
    label: str
    source: str
    confidence: str
    values: tuple[LetterValue, ...] = ()

    def in_force(self, on: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def value(self, on: datetime.date) -> LetterValue | None:
        """The value in force on ``on``, or None when no source confirms one."""
        return next((v for v in self.values if v.valid_from <= on <= v.valid_to), None)


@dataclass(frozen=True)
class Act:
    """One parsed act: its key letter and optional coefficient."""

    letter: KeyLetter
    coefficient: Decimal | None


class ActError(ValueError):
    """An act code that cannot be resolved; the message (in French) says why and what to do."""


def _date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _rows(path: str) -> list[dict[str, str]]:
    text = resources.files("beancount_hn").joinpath(path).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@functools.cache
def _values() -> dict[tuple[str, str], tuple[LetterValue, ...]]:
    """The value periods of ``(profession, code)``, in date order; they must not overlap."""
    found: dict[tuple[str, str], list[LetterValue]] = {}
    for row in _rows(VALUES_FILE):
        value = LetterValue(_date(row["valid_from"]) or _FIRST, _date(row["valid_to"]) or _LAST,
                            Decimal(row["value_eur"]), Decimal(row["value_dom_eur"]) if row["value_dom_eur"] else None,
                            row["source"])
        found.setdefault((row["profession"], row["code"]), []).append(value)
    periods = {key: tuple(sorted(values, key=lambda v: v.valid_from)) for key, values in found.items()}
    for (profession, code), values in periods.items():
        for before, after in zip(values, values[1:], strict=False):
            if after.valid_from <= before.valid_to:
                raise ValueError(f"{VALUES_FILE}: {profession} {code}: periods overlap")
    return periods


def _letters(path: str, profession: str | None) -> dict[str, KeyLetter]:
    values = _values()
    return {row["code"]: KeyLetter(row["code"], row["status"], _date(row["valid_from"]), _date(row["valid_to"]),
                                   row["label"], row["source"], row["confidence"],
                                   values.get((profession, row["code"]), ()) if profession else ())
            for row in _rows(path)}


@functools.cache
def key_letters(profession: str = DEFAULT_PROFESSION) -> dict[str, KeyLetter]:
    """The NGAP table of ``profession`` (the common codes included), by code."""
    if profession not in TABLE_FILES:
        raise ActError(f"profession « {profession} » inconnue ; choisissez parmi {', '.join(PROFESSIONS)}")
    return {**_letters(COMMON_FILE, None), **_letters(TABLE_FILES[profession], profession)}


def ledger_profession(config: HnConfig) -> str:
    """The profession whose table reads the ledger's acts: the ``profession`` option, else the kiné's."""
    return config.value("profession", None, DEFAULT_PROFESSION)


def _user_letter(code: str) -> KeyLetter:
    return KeyLetter(code, "conventionne", None, None,
                     "Lettre clé déclarée par l'utilisateur (hn-option ngap-letter)",
                     "hn-option ngap-letter", "user")


def _other_tables(code: str, profession: str) -> list[str]:
    return [TABLE_NAMES[other] for other in PROFESSIONS if other != profession and code in key_letters(other)]


@functools.lru_cache(maxsize=4096)
def parse_acts(text: str, extra_letters: frozenset[str] = frozenset(),
               profession: str = DEFAULT_PROFESSION) -> tuple[Act, ...]:
    """Parse an ``acte:`` value into its acts against the table of ``profession``, without checking dates.

    Raises:
      ActError: on an empty or malformed code, an unknown key letter, or a letter
        of another profession's table.
    """
    parts = [part.strip() for part in str(text).split("+")]
    if not parts or not all(parts):
        raise ActError(f"acte « {text} » vide ou mal formé ; écrivez par exemple « RAB 8 », « DE » ou « HN »")
    table = key_letters(profession)
    acts = []
    for part in parts:
        match = _CODE_RE.match(part)
        if not match:
            raise ActError(f"acte « {part} » : attendu une lettre clé suivie d'un coefficient facultatif, "
                           "p. ex. « RAB 8 »")
        code = match.group(1).upper()
        letter = table.get(code) or (_user_letter(code) if code in extra_letters else None)
        if letter is None:
            elsewhere = _other_tables(code, profession)
            declare = f'ou déclarez-la avec custom "hn-option" "ngap-letter" "{code}"'
            if elsewhere:
                raise ActError(
                    f"la lettre clé « {code} » (acte « {text} ») appartient à la table des {' et des '.join(elsewhere)}, "
                    f"pas à celle des {TABLE_NAMES[profession]} que ce livre applique (hn-option \"profession\" "
                    f"« {profession} ») ; corrigez l'acte ou la profession, {declare}")
            raise ActError(f"lettre clé NGAP « {code} » inconnue (acte « {text} ») de la table des "
                           f"{TABLE_NAMES[profession]} ; écrivez une lettre de cette table, « DE », « HN », {declare}")
        coefficient = None
        if match.group(2):
            try:
                coefficient = Decimal(match.group(2).replace(",", "."))
            except InvalidOperation as exc:  # pragma: no cover - the regex guarantees digits
                raise ActError(f"coefficient illisible dans l'acte « {part} »") from exc
        acts.append(Act(letter, coefficient))
    return tuple(acts)


def _period(letter: KeyLetter) -> str:
    if letter.valid_from and letter.valid_to:
        return f"du {french_date(letter.valid_from)} au {french_date(letter.valid_to)}"
    if letter.valid_from:
        return f"à partir du {french_date(letter.valid_from)}"
    return f"jusqu'au {french_date(letter.valid_to)}" if letter.valid_to else "toujours"


def act_status(text: str, on: datetime.date, extra_letters: frozenset[str] = frozenset(),
               profession: str = DEFAULT_PROFESSION) -> str:
    """The convention status implied by an ``acte:`` value on date ``on``.

    Raises:
      ActError: unknown, malformed or other-profession code, a letter not in
        force on that date, or codes of different statuses joined in one value.
    """
    acts = parse_acts(text, extra_letters, profession)
    for act in acts:
        letter = act.letter
        if not letter.in_force(on):
            hint = (" (AMS et AMC ont été remplacées le 22 février 2024 par AMK et les lettres par région du corps)"
                    if letter.code in ("AMS", "AMC") else "")
            raise ActError(f"la lettre clé « {letter.code} » n'est pas en vigueur le {french_date(on)} : "
                           f"elle l'est {_period(letter)}{hint}")
    statuses = {act.letter.status for act in acts}
    if len(statuses) > 1:
        raise ActError(f"l'acte « {text} » mêle des statuts différents ({', '.join(sorted(statuses))}) ; "
                       "écrivez une écriture par statut")
    return statuses.pop()


def tariff(acts: Iterable[Act], on: datetime.date, dom: bool = False) -> Decimal | None:
    """The conventional tariff of ``acts`` on ``on``: coefficient (1 without) times the
    letter's value, rounded to the cent per act, summed; None when a letter has no
    confirmed value then."""
    total = Decimal(0)
    for act in acts:
        value = act.letter.value(on)
        unit = None if value is None else (value.dom if dom else value.mainland)
        if unit is None:
            return None
        coefficient = act.coefficient if act.coefficient is not None else Decimal(1)
        total += (coefficient * unit).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return total
