"""CSV layouts as data: which column holds what, how dates and amounts are written.

A layout is a few lines of TOML (the built-in presets are in ``presets.toml``
next to this module)::

    [bank.ma-banque]
    description = "Ma Banque, export CSV du compte courant"
    delimiter = ";"                 # omit to try ";", "," and tab
    encoding = "auto"               # UTF-8 (with or without BOM), else cp1252
    decimal = ","
    date-formats = ["%d/%m/%Y"]
    balance-line = 'Solde au (?P<date>\\d\\d/\\d\\d/\\d{4})\\D*?(?P<amount>-?[\\d .,]+)'
    [bank.ma-banque.columns]
    date = ["Date opération", "Date"]   # alternatives, matched without case/accents
    narration = "Libellé"
    debit = "Débit"
    credit = "Crédit"

Column *roles* of a bank statement: ``date``, ``narration`` (required),
``amount`` (signed) or ``debit`` and ``credit``, and optionally ``payee``,
``memo`` (appended to the narration), ``balance`` (running balance: the last
one becomes a ``balance`` assertion), ``id`` (the bank's transaction id),
``currency``, ``status`` (rows matching ``skip-status`` are left out) and
``account`` (the account number, checked against the importer's).
An invoice journal (``[journal.NAME]``) has its own roles, see
:mod:`beancount_hn.importers.journal`.

Header names are compared after :func:`header_key`: lower case, no accents, no
punctuation, so ``"Montant (€)"`` matches ``"montant"``.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

BANK, JOURNAL = "bank", "journal"

#: Roles a layout of each kind may name; the first tuple is required.
ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    BANK: (("date", "narration"),
           ("amount", "debit", "credit", "payee", "memo", "balance", "id", "currency",
            "status", "account", "value-date")),
    JOURNAL: (("date", "number", "acts", "amount"),
              ("patient", "amo", "amc", "patient-part", "payer-amo", "payer-amc",
               "depassement", "devis")),
}

_KEYS = {"description", "delimiter", "encoding", "decimal", "date-formats", "balance-line",
         "account-line", "skip-status", "currency", "columns"}


class LayoutError(ValueError):
    """A layout description that cannot be used; the message names the layout."""


def header_key(text: str) -> str:
    """A header cell reduced to lower-case ASCII words joined by ``-``."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))


@dataclass(frozen=True)
class Layout:
    """One CSV layout: a bank statement or an invoice journal."""

    name: str
    kind: str
    columns: Mapping[str, tuple[str, ...]]
    description: str = ""
    delimiter: str | None = None
    encoding: str = "auto"
    decimal: str = ","
    date_formats: tuple[str, ...] = ("%d/%m/%Y",)
    balance_line: re.Pattern[str] | None = None
    account_line: re.Pattern[str] | None = None
    skip_status: re.Pattern[str] | None = None
    currency: str = "EUR"
    _keys: Mapping[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = {role: frozenset(header_key(n) for n in names) for role, names in self.columns.items()}
        object.__setattr__(self, "_keys", keys)

    @classmethod
    def from_dict(cls, name: str, spec: Mapping[str, Any], kind: str = BANK) -> Layout:
        """Build and validate a layout from its TOML/dict description."""
        if kind not in ROLES:
            raise LayoutError(f"layout {name!r}: kind must be {BANK!r} or {JOURNAL!r}")
        unknown = set(spec) - _KEYS
        if unknown:
            raise LayoutError(f"layout {name!r}: unknown key(s) {', '.join(sorted(unknown))}; "
                              f"known: {', '.join(sorted(_KEYS))}")
        raw_columns = spec.get("columns")
        if not isinstance(raw_columns, Mapping) or not raw_columns:
            raise LayoutError(f"layout {name!r}: a [columns] table is required")
        required, optional = ROLES[kind]
        columns: dict[str, tuple[str, ...]] = {}
        for role, names in raw_columns.items():
            if role not in required + optional:
                raise LayoutError(f"layout {name!r}: unknown column role {role!r}; roles of a "
                                  f"{kind} layout: {', '.join(required + optional)}")
            names = (names,) if isinstance(names, str) else tuple(names)
            if not names or not all(isinstance(n, str) and header_key(n) for n in names):
                raise LayoutError(f"layout {name!r}: column {role!r} needs header name(s)")
            columns[role] = names
        missing = [role for role in required if role not in columns]
        if kind == BANK and "amount" not in columns and not {"debit", "credit"} <= set(columns):
            missing.append("amount (or debit and credit)")
        if missing:
            raise LayoutError(f"layout {name!r}: missing column(s) {', '.join(missing)}")
        decimal = spec.get("decimal", ",")
        if decimal not in (",", "."):
            raise LayoutError(f"layout {name!r}: decimal must be ',' or '.'")
        delimiter = spec.get("delimiter")
        if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
            raise LayoutError(f"layout {name!r}: delimiter must be one character")
        formats = spec.get("date-formats", ["%d/%m/%Y"])
        formats = (formats,) if isinstance(formats, str) else tuple(formats)
        return cls(
            name=name, kind=kind, columns=columns,
            description=str(spec.get("description", "")),
            delimiter=delimiter,
            encoding=str(spec.get("encoding", "auto")),
            decimal=decimal,
            date_formats=formats,
            balance_line=_regex(name, "balance-line", spec.get("balance-line"), ("date", "amount")),
            account_line=_regex(name, "account-line", spec.get("account-line"), ("id",)),
            skip_status=_regex(name, "skip-status", spec.get("skip-status"), ()),
            currency=str(spec.get("currency", "EUR")),
        )

    @property
    def delimiters(self) -> tuple[str, ...]:
        """The delimiter, or the ones to try."""
        return (self.delimiter,) if self.delimiter else (";", ",", "\t")

    def match_header(self, cells: Sequence[str]) -> dict[str, int] | None:
        """Role -> column index when ``cells`` is this layout's header row, else None."""
        keys = [header_key(cell) for cell in cells]
        found: dict[str, int] = {}
        for role, names in self._keys.items():
            for index, key in enumerate(keys):
                if key in names and index not in found.values():
                    found[role] = index
                    break
        required, _ = ROLES[self.kind]
        if not all(role in found for role in required):
            return None
        if self.kind == BANK and "amount" not in found and not {"debit", "credit"} <= set(found):
            return None
        return found


def _regex(name: str, key: str, value: Any, groups: tuple[str, ...]) -> re.Pattern[str] | None:
    if value is None:
        return None
    try:
        pattern = re.compile(str(value), re.IGNORECASE)
    except re.error as exc:
        raise LayoutError(f"layout {name!r}: {key} is not a regular expression: {exc}") from exc
    missing = [g for g in groups if g not in pattern.groupindex]
    if missing:
        raise LayoutError(f"layout {name!r}: {key} needs the named group(s) "
                          + ", ".join(f"(?P<{g}>…)" for g in missing))
    return pattern


def layouts_from_toml(text: str, source: str) -> dict[str, Layout]:
    """Every ``[bank.NAME]`` and ``[journal.NAME]`` layout of a TOML document."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(f"{source}: {exc}") from exc
    unknown = set(document) - {BANK, JOURNAL}
    if unknown:
        raise LayoutError(f"{source}: unknown table(s) {', '.join(sorted(unknown))}; "
                          "write [bank.NAME] or [journal.NAME]")
    layouts: dict[str, Layout] = {}
    for kind in (BANK, JOURNAL):
        for name, spec in document.get(kind, {}).items():
            if name in layouts:
                raise LayoutError(f"{source}: layout {name!r} is defined twice")
            layouts[name] = Layout.from_dict(name, spec, kind)
    return layouts


def load_layout_file(path: str) -> dict[str, Layout]:
    """The layouts of a user's TOML file."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{path}: cannot read the layout file: {exc}") from exc
    return layouts_from_toml(text, path)


_PRESETS: dict[str, Layout] | None = None


def presets() -> dict[str, Layout]:
    """The built-in layouts of ``presets.toml``, by name."""
    global _PRESETS
    if _PRESETS is None:
        text = resources.files(__package__).joinpath("presets.toml").read_text("utf-8")
        _PRESETS = layouts_from_toml(text, "presets.toml")
    return dict(_PRESETS)


def preset(name: str) -> Layout:
    """A built-in layout by name."""
    table = presets()
    if name not in table:
        raise LayoutError(f"unknown preset {name!r}; presets: {', '.join(sorted(table))}")
    return table[name]
