"""Invoice number series declared by ``custom "hn-option" "invoice-series" NAME PATTERN``.

A pattern is literal text with two fields: ``{seq}`` (or ``{seq:0Nd}``, the
sequence number zero-padded to N digits), mandatory and once, and ``{year}``
(four digits), optional and at most once. With ``{year}`` the sequence
restarts at 1 every year::

    2025-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
    2025-01-01 custom "hn-option" "invoice-series" "AV" "AV-{year}-{seq:03d}"

Redeclaring a series:

* the same name twice **on the same day** is an error (the first one is kept);
* the same name **from a later date with another pattern** is a change of
  numbering: the new pattern is in force from that date and starts its own
  sequence (at 1, like a new series); numbers dated before keep the old one;
* the same name from a later date with the **same** pattern changes nothing;
* two names with the same pattern are an error (a number could not tell its series).

``premier-numero:`` metadata on the declaration (e.g. ``"F-2025-0042"``) starts
that pattern's sequence there instead of at 1, for books that begin in the
middle of a sequence kept by another tool.
"""

from __future__ import annotations

import datetime
import re
import string
from dataclasses import dataclass, field
from typing import NamedTuple

from beancount.core import data

from beancount_hn.core import frtypo
from beancount_hn.core.config import HnConfig
from beancount_hn.core.errors import as_written, error_type, source_of, where

SeriesError = error_type("SeriesError")

FIRST_NUMBER_KEY = "premier-numero"
_new_tuple = tuple.__new__
_SEQ_SPEC = re.compile(r"^(?:0?([1-9]\d?))?d?$")  # "", "d", "04d", "4d"
_YEAR_SPECS = ("", "d", "04d", "4d")
_SEQ_ZERO = "a le numéro d'ordre 0 ; la numérotation commence à 1"


class PatternError(ValueError):
    """A malformed series pattern; the message says what to write."""


def compile_pattern(pattern: str) -> tuple[re.Pattern[str], bool]:
    """The regular expression matching the numbers of ``pattern``, and whether it has ``{year}``.

    The expression is case-insensitive and accepts any number of digits for
    ``{seq}``: a number written in lower case or without its zero padding is
    still recognised, then reported against its canonical spelling.
    """
    if not isinstance(pattern, str) or not pattern.strip():
        raise PatternError("le modèle est vide")
    if pattern != pattern.strip():
        raise PatternError(f'le modèle "{pattern}" commence ou finit par des espaces')
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise PatternError(f'modèle "{pattern}" : accolade seule ou mal fermée ; écrivez une accolade '
                           "littérale doublée, {{ ou }}") from exc
    regex = []
    seen: set[str] = set()
    for literal, name, spec, conversion in parts:
        regex.append(re.escape(literal))
        if name is None:
            continue
        if name not in ("seq", "year"):
            raise PatternError(f'modèle "{pattern}" : champ {{{name}}} inconnu ; seuls {{year}} et '
                               "{seq:0Nd} existent")
        if name in seen:
            raise PatternError(f'modèle "{pattern}" : {{{name}}} apparaît deux fois')
        if conversion:
            raise PatternError(f'modèle "{pattern}" : la conversion !{conversion} n\'est pas permise')
        seen.add(name)
        if name == "seq":
            if not _SEQ_SPEC.match(spec or ""):
                raise PatternError(f'modèle "{pattern}" : {{seq:{spec}}} n\'est pas une largeur complétée '
                                   "de zéros comme {seq:04d}")
            regex.append(r"(?P<seq>\d+)")
        else:
            if (spec or "") not in _YEAR_SPECS:
                raise PatternError(f'modèle "{pattern}" : écrivez l\'année {{year}}, pas {{year:{spec}}}')
            regex.append(r"(?P<year>\d{4})")
    if "seq" not in seen:
        raise PatternError(f'le modèle "{pattern}" n\'a pas de champ {{seq}} (numéro d\'ordre, '
                           '{seq:0Nd}) ; p. ex. "F-{year}-{seq:04d}"')
    return re.compile("".join(regex), re.IGNORECASE), "year" in seen


def printf_template(pattern: str) -> tuple[str, bool]:
    """A valid ``pattern`` (:func:`compile_pattern`) as a printf-style template of integers, and
    whether ``{year}`` comes before ``{seq}`` in it: ``("F-%d-%04d", True)`` for
    ``F-{year}-{seq:04d}``. It writes integers as ``str.format`` does with the pattern.
    """
    parts, names = [], []
    for literal, name, spec, _ in string.Formatter().parse(pattern):
        parts.append(literal.replace("%", "%%"))
        if name is not None:
            names.append(name)
            parts.append(f"%{(spec or '').removesuffix('d')}d")
    return "".join(parts), names[:1] == ["year"]


_DIGIT = re.compile(r"\d")  # what {seq} and {year} match, character by character
_ANY_DIGIT: object = object()  # a digit of a field, in a pattern's skeleton (_skeleton)


def canonical_regex(pattern: str) -> re.Pattern[str] | None:
    """The expression matching exactly the numbers a valid ``pattern`` writes (its canonical
    spellings, sequence number 1 or more), case-sensitive and with ASCII digits, which reads
    ``{seq}`` and ``{year}`` as :func:`compile_pattern`'s does. None when that is not sure: a
    digit written next to a field, two fields side by side, or ``{seq}`` padded with spaces.
    """
    regex = []
    after_field = False
    for literal, name, spec, _ in string.Formatter().parse(pattern):
        if literal:
            if after_field and _DIGIT.match(literal[0]):
                return None
            regex.append(re.escape(literal))
        if name is None:
            continue
        if (literal and _DIGIT.match(literal[-1])) or (after_field and not literal):
            return None
        if name == "year":  # printed by "%d", "%4d" or "%04d" from four digits
            regex.append(r"(?P<year>[0-9]{4})" if spec == "04d" else r"(?P<year>[1-9][0-9]{3})")
        else:
            width = (spec or "").removesuffix("d")
            size = int(width) if width else 1
            if size > 1 and not width.startswith("0"):
                return None  # "%4d": padded with spaces
            regex.append(r"(?P<seq>[1-9][0-9]*)" if size == 1
                         else rf"(?P<seq>(?!0{{{size}}})[0-9]{{{size}}}|[1-9][0-9]{{{size},}})")
        after_field = True
    return re.compile("".join(regex))


def _skeleton(pattern: str, from_end: bool) -> list:
    """What every number :func:`compile_pattern`'s expression accepts starts (or ends) with,
    character by character: the pattern's literal characters and :data:`_ANY_DIGIT` for a
    field's digits, up to ``{seq}`` (one digit or more)."""
    parts = list(string.Formatter().parse(pattern))
    skeleton: list = []
    for literal, name, _, _ in reversed(parts) if from_end else parts:
        if not from_end:
            skeleton += literal
        if name == "seq":
            return skeleton + [_ANY_DIGIT]
        if name == "year":
            skeleton += [_ANY_DIGIT] * 4
        if from_end:
            skeleton += reversed(literal)
    return skeleton


def _never_alike(a: object, b: object) -> bool:
    """Can no character of a number be read as both ``a`` and ``b`` (skeleton items, compared
    as the case-insensitive regexes do)? Only sure answers for ASCII characters."""
    if a is _ANY_DIGIT or b is _ANY_DIGIT:
        other = b if a is _ANY_DIGIT else a
        return other is not _ANY_DIGIT and str(other).isascii() and not str(other).isdigit()
    return str(a).isascii() and str(b).isascii() and str(a).lower() != str(b).lower()


def disjoint(first: str, second: str) -> bool:
    """Can no number fit both patterns? (A sure no: their start or end differ where both are
    known; False when it cannot tell.)"""
    return any(any(map(_never_alike, _skeleton(first, end), _skeleton(second, end))) for end in (False, True))


@dataclass(frozen=True, eq=False)
class SeriesPattern:
    """One pattern of a series, in force from ``valid_from`` until ``valid_to`` (excluded)."""

    name: str
    pattern: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    has_year: bool
    regex: re.Pattern[str]
    entry: data.Custom
    first_seq: int = 1
    first_year: int | None = None  # the year premier-numero applies to
    _printf: tuple[str, bool] = field(init=False, repr=False)  # printf_template(pattern)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_printf", printf_template(self.pattern))

    def format(self, seq: int, year: int | None = None) -> str:
        """The number ``seq`` (of ``year``) as the pattern writes it."""
        template, year_first = self._printf  # once per invoice read: no format-spec parsing
        if not self.has_year:
            return template % seq
        if year is None:
            return self.pattern.format(seq=seq, year=year)
        return template % ((year, seq) if year_first else (seq, year))

    def parse(self, text: str) -> tuple[int | None, int] | None:
        """``(year, seq)`` of a number of this pattern (any case, any padding), or None."""
        match = self.regex.fullmatch(text)
        if match is None:
            return None
        year = int(match.group("year")) if self.has_year else None
        return year, int(match.group("seq"))

    def in_force(self, on: datetime.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)

    def start_of(self, year: int | None) -> int:
        """The first sequence number of this pattern's sequence of ``year``."""
        return self.first_seq if year == self.first_year else 1

    def period(self) -> str:
        """``à partir du 01/01/2025, avant le 01/07/2025`` (``valid_to`` excluded), for messages."""
        return (f"à partir du {frtypo.short_date(self.valid_from)}"
                + (f", avant le {frtypo.short_date(self.valid_to)}" if self.valid_to else ""))


@dataclass
class Series:
    """A named series and its patterns in date order."""

    name: str
    patterns: list[SeriesPattern] = field(default_factory=list)

    def pattern_on(self, on: datetime.date) -> SeriesPattern | None:
        for pattern in self.patterns:
            if pattern.in_force(on):
                return pattern
        return None


class NumberRef(NamedTuple):
    """A number recognised as belonging to a series pattern (a tuple: one per invoice read)."""

    pattern: SeriesPattern
    year: int | None
    seq: int

    @property
    def series(self) -> str:
        return self.pattern.name

    @property
    def canonical(self) -> str:
        return self.pattern.format(self.seq, self.year)


class SeriesSet:
    """Every declared series, and the matching of written numbers to them."""

    def __init__(self, series: dict[str, Series]) -> None:
        self.series = series
        self.patterns = [p for s in series.values() for p in s.patterns]
        # What :meth:`candidates` tries on every number read (once per invoice of the ledger).
        self._matchers = [(p, p.regex.fullmatch, p.has_year) for p in self.patterns]
        # What :meth:`read` tries: the canonical spellings of each pattern (canonical_regex), when
        # every pattern has them and no number can fit two patterns; else nothing.
        canonical = [canonical_regex(p.pattern) for p in self.patterns]
        simple = None not in canonical and all(disjoint(p.pattern, q.pattern) for n, p in enumerate(self.patterns)
                                               for q in self.patterns[n + 1:])
        self._readers = [(regex.fullmatch, (p, p._printf[1], p.valid_from, p.valid_to))
                         for p, regex in zip(self.patterns, canonical)] if simple else []
        self._years: dict[str, int] = {}  # a {year} as written -> its value (read)

    def describe(self) -> str:
        """``F: F-{year}-{seq:04d}, AV: …`` for messages."""
        return ", ".join(f"{p.name} : {p.pattern}" for p in self.patterns) or "aucune déclarée"

    def candidates(self, text: str) -> list[NumberRef]:
        """The number ``text`` in each pattern it fits (:meth:`SeriesPattern.parse`), in declaration order."""
        found = []
        for pattern, fullmatch, has_year in self._matchers:
            match = fullmatch(text)
            if match is not None:
                if has_year:
                    year, seq = match.group("year", "seq")
                    found.append(_new_tuple(NumberRef, (pattern, int(year), int(seq))))
                else:
                    found.append(_new_tuple(NumberRef, (pattern, None, int(match.group("seq")))))
        return found

    def canonical(self, text: str) -> str:
        """The canonical spelling of a written number (stripped text if no series matches)."""
        text = text.strip()
        for fullmatch, _ in self._readers:
            if fullmatch(text) is not None:  # already canonical
                return text
        found = self.candidates(text)
        return found[0].canonical if found else text

    def read(self, written: str, on: datetime.date) -> NumberRef | None:
        """The usual number, read cheaply: ``written`` as its pattern writes it (its canonical
        spelling), that pattern in force on ``on`` and, with ``{year}``, of ``on``'s year — what
        :meth:`match` finds without a problem. None for any other number (then :meth:`match`
        says what is wrong with it), and for every number when the patterns are not simple
        enough (see ``__init__``).
        """
        for fullmatch, reader in self._readers:
            match = fullmatch(written)
            if match is not None:  # the one pattern the number fits (they are disjoint)
                pattern, year_first, valid_from, valid_to = reader
                if on < valid_from or (valid_to is not None and on >= valid_to):
                    return None
                fields = match.groups()  # {seq} and {year} as written, in the pattern's order
                if len(fields) == 1:
                    return _new_tuple(NumberRef, (pattern, None, int(fields[0])))
                year, seq = fields if year_first else (fields[1], fields[0])
                year = self._years.get(year) or self._years.setdefault(year, int(year))
                return _new_tuple(NumberRef, (pattern, year, int(seq))) if year == on.year else None
        return None

    def match(self, text: str, on: datetime.date | None) -> tuple[NumberRef | None, str | None]:
        """The series pattern of number ``text`` dated ``on``, and a problem to report if any.

        A number that only fits a pattern not in force on ``on`` is still
        returned (so the sequence checks see it) with the problem; ``on=None``
        (a voided number, declared whenever) accepts any pattern.
        """
        found = self.candidates(text)
        if len(found) == 1:  # the usual number: one pattern fits, in force on its date
            ref = found[0]
            if on is None or ref.pattern.in_force(on):
                return (ref, None) if ref.seq >= 1 else (None, _SEQ_ZERO)
        elif not found:
            return None, (f"ne correspond à aucune série de factures déclarée ({self.describe()}) ; "
                          'corrigez le numéro ou déclarez sa série : custom "hn-option" "invoice-series" '
                          "NOM MODELE")
        current = found if on is None else [ref for ref in found if ref.pattern.in_force(on)]
        ref = current[0] if current else found[-1]
        if ref.seq < 1:
            return None, _SEQ_ZERO
        if len(current) == 1:  # the usual number: one series in force
            return ref, None
        if not current:
            return ref, (f'relève du modèle "{ref.pattern.pattern}" de la série {ref.series}, en vigueur '
                         f"{ref.pattern.period()} (déclaré en {where(ref.pattern.entry.meta)}), pas le "
                         f"{frtypo.short_date(on)} ; numérotez-le dans le modèle en vigueur ce jour-là ou "
                         "corrigez la date de la déclaration")
        names = sorted({other.series for other in current})
        if len(names) > 1:
            return ref, (f"relève de plusieurs séries ({' et '.join(names)}) ; donnez aux modèles des "
                         "séries des préfixes distincts, pour que chaque numéro désigne une seule série")
        return ref, None


def read_series(config: HnConfig) -> tuple[SeriesSet, list]:
    """Build the series from the ``invoice-series`` options; errors at the declarations' lines."""
    errors: list = []
    declared: dict[str, list[tuple[datetime.date, str, re.Pattern[str], bool, data.Custom]]] = {}
    pattern_owner: dict[str, tuple[str, data.Custom]] = {}
    for option in config.entries("invoice-series"):
        name, pattern = option.value
        entry = option.entry
        try:
            regex, has_year = compile_pattern(pattern)
        except PatternError as exc:
            errors.append(SeriesError(source_of(entry), f'invoice-series "{name}" : {exc}', entry))
            continue
        versions = declared.get(name, [])
        same_day = [v for v in versions if v[0] == option.date]
        if same_day:
            errors.append(SeriesError(
                source_of(entry),
                f'la série de factures "{name}" est déclarée deux fois le {frtypo.short_date(option.date)} '
                f"(la première en {where(same_day[0][4].meta)}) ; gardez une seule déclaration — pour "
                "changer de modèle, déclarez-la de nouveau à partir de la date où commence la nouvelle "
                "numérotation",
                entry,
            ))
            continue
        owner = pattern_owner.get(pattern)
        if owner is not None and owner[0] != name:
            errors.append(SeriesError(
                source_of(entry),
                f'la série de factures "{name}" a le même modèle "{pattern}" que la série "{owner[0]}" '
                f"({where(owner[1].meta)}) ; chaque série a besoin de son propre préfixe",
                entry,
            ))
            continue
        pattern_owner[pattern] = (name, entry)
        if versions and versions[-1][1] == pattern:
            continue  # a repeated declaration of the pattern in force changes nothing
        declared.setdefault(name, versions).append((option.date, pattern, regex, has_year, entry))
    series: dict[str, Series] = {}
    for name, versions in declared.items():
        bounds = [v[0] for v in versions[1:]] + [None]
        result = series[name] = Series(name)
        for (valid_from, pattern, regex, has_year, entry), valid_to in zip(versions, bounds, strict=True):
            version = SeriesPattern(name, pattern, valid_from, valid_to, has_year, regex, entry)
            version, error = _with_first_number(version)
            if error:
                errors.append(error)
            result.patterns.append(version)
    return SeriesSet(series), errors


def _with_first_number(version: SeriesPattern) -> tuple[SeriesPattern, object | None]:
    """Apply ``premier-numero:`` of the declaration, if any."""
    entry = version.entry
    first = (entry.meta or {}).get(FIRST_NUMBER_KEY)
    if first is None:
        return version, None
    parsed = version.parse(first.strip()) if isinstance(first, str) else None
    if parsed is None or version.format(parsed[1], parsed[0]) != first.strip() or parsed[1] < 1:
        return version, SeriesError(
            source_of(entry),
            f"{FIRST_NUMBER_KEY}: {as_written(first)} n'est pas un numéro du modèle \"{version.pattern}\" ; "
            f"écrivez-le comme le modèle, p. ex. \"{version.format(1, version.valid_from.year)}\"",
            entry,
        )
    return SeriesPattern(version.name, version.pattern, version.valid_from, version.valid_to,
                         version.has_year, version.regex, entry, parsed[1], parsed[0]), None
