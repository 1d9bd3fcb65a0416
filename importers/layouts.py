"""CSV layouts as data: which column holds what, how dates and amounts are written.

A layout is a few lines of TOML (the built-in presets are in ``presets.toml``
next to this module)::

    [bank.ma-banque]
    description = "Ma Banque, export CSV du compte courant"
    delimiter = ";"                 # omit to try ";", "," and tab
    encoding = "auto"               # UTF-8 (with or without BOM), else cp1252 / ISO-8859-15
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
``currency``, ``status`` (rows matching ``skip-status`` are left out, before
their date is read), ``fee`` (a fee charged on top of the amount: a posting on
the importer's fee account), ``account`` (the account number or IBAN: a file of
several accounts is imported one account at a time) and ``sub-account`` (a
space or pocket name, such as N26's *Account Name*: several of them in one file
are as many accounts). An invoice journal (``[journal.NAME]``) has its own
roles, see :mod:`beancount_hn.importers.journal`.

Other keys: ``balance-line`` is searched in the lines before the table
(several lines when the pattern spans them: La Banque Postale writes the
date and the balance on two lines), and among and after its rows only with
``balance-after = true`` (elsewhere such a line is refused; every balance line above
the table is read), ``account-line`` (group ``id``) in the lines before it;
``signed-credit = true`` when the bank writes a reversed credit as a negative amount in
its credit column (otherwise such a cell is ambiguous and refused; a debit is money out,
written with or without ``-``); ``end-line`` ends the account's table (Crédit Agricole
appends one section per deferred-debit card, whose payments reach the account later as one
line); ``decimal = "auto"`` when the bank writes ``1584.00`` in one export
and ``1584,00`` in another (the separator before the last one or two digits
is the decimal one); ``balance-decimal`` when the balance column writes its
decimals otherwise than the amounts; ``generic = true`` for the
fall-back layouts that named banks' presets win over. A layout without a header
row gives ``header-line``, the pattern of the line standing in its place, and
1-based column numbers instead of names. ``require`` lists optional roles the
header must have as well, so that a short generic header (« Date;Libellé;Montant »)
is not taken for a bank's export.

Header names are compared after :func:`header_key`: lower case, no accents, no
punctuation, so ``"Montant (€)"`` matches ``"montant"``; a letter that an
earlier wrong decoding turned into ``\\ufffd`` (``"D\\ufffdbit"``) matches any
letter.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from beancount_hn.core.errors import as_written, os_error_text
from beancount_hn.core.words import unaccented

BANK, JOURNAL = "bank", "journal"

#: Roles a layout of each kind may name; the first tuple is required.
ROLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    BANK: (("date", "narration"),
           ("amount", "debit", "credit", "payee", "memo", "balance", "id", "currency",
            "status", "account", "sub-account", "value-date", "fee")),
    JOURNAL: (("date", "number", "acts", "amount"),
              ("patient", "amo", "amc", "patient-part", "payer-amo", "payer-amc",
               "depassement", "devis")),
}

_KEYS = {"description", "delimiter", "encoding", "decimal", "balance-decimal", "date-formats",
         "balance-line", "account-line", "header-line", "end-line", "skip-status", "currency",
         "generic", "require", "columns", "balance-after", "signed-credit"}

#: Stands for a letter lost to a wrong decoding (U+FFFD) inside a header key.
_LOST = "\x01"


class LayoutError(ValueError):
    """A layout description that cannot be used; the message names the layout."""


def header_key(text: str) -> str:
    """A header cell reduced to lower-case ASCII words joined by ``-``.

    A U+FFFD replacement character is kept as a wildcard letter (see :func:`key_matches`).
    """
    ascii_text = unaccented(text.strip().lower().replace("\ufffd", _LOST))
    return "-".join(re.findall(f"[a-z0-9{_LOST}]+", ascii_text))


def key_matches(key: str, names: frozenset[str]) -> bool:
    """True when the header ``key`` is one of ``names`` (a lost letter matching any letter)."""
    if _LOST not in key:
        return key in names
    pattern = re.compile("".join("[a-z]" if c == _LOST else re.escape(c) for c in key))
    return any(pattern.fullmatch(name) for name in names)


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
    balance_decimal: str | None = None
    date_formats: tuple[str, ...] = ("%d/%m/%Y",)
    balance_line: re.Pattern[str] | None = None
    #: Whether a balance line may follow the operations (else it is refused there).
    balance_after: bool = False
    #: Whether the credit column carries the movement's sign (a negative credit is money
    #: leaving the account); otherwise a negative credit is ambiguous and refused.
    signed_credit: bool = False
    account_line: re.Pattern[str] | None = None
    header_line: re.Pattern[str] | None = None
    end_line: re.Pattern[str] | None = None
    skip_status: re.Pattern[str] | None = None
    currency: str = "EUR"
    generic: bool = False
    #: Optional roles the header must have too (what tells this bank's export apart).
    require: tuple[str, ...] = ()
    #: Role -> 0-based column of a layout without header row (``header_line``).
    positions: Mapping[str, int] = field(default_factory=dict)
    _keys: Mapping[str, frozenset[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = {role: frozenset(header_key(n) for n in names) for role, names in self.columns.items()}
        object.__setattr__(self, "_keys", keys)

    @classmethod
    def from_dict(cls, name: str, spec: Mapping[str, Any], kind: str = BANK) -> Layout:
        """Build and validate a layout from its TOML/dict description."""
        if kind not in ROLES:
            raise LayoutError(f"présélection {as_written(name)} : le type doit être {as_written(BANK)} ou {as_written(JOURNAL)}")
        unknown = set(spec) - _KEYS
        if unknown:
            raise LayoutError(f"présélection {as_written(name)} : clé(s) inconnue(s) {', '.join(sorted(unknown))} ; "
                              f"clés connues : {', '.join(sorted(_KEYS))}")
        header_line = _regex(name, "header-line", spec.get("header-line"), ())
        columns, positions = _columns(name, spec.get("columns"), kind, positional=header_line is not None)
        decimal = spec.get("decimal", ",")
        if decimal not in (",", ".", "auto"):
            raise LayoutError(f"présélection {as_written(name)} : decimal doit valoir ',', '.' ou 'auto'")
        balance_decimal = spec.get("balance-decimal")
        if balance_decimal not in (None, ",", ".", "auto"):
            raise LayoutError(f"présélection {as_written(name)} : balance-decimal doit valoir ',', '.' ou 'auto'")
        delimiter = spec.get("delimiter")
        if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
            raise LayoutError(f"présélection {as_written(name)} : delimiter doit être un seul caractère")
        if header_line is not None and delimiter is None:
            raise LayoutError(f"présélection {as_written(name)} : une présélection sans ligne d'en-tête "
                              "(header-line) doit donner son delimiter")
        require = spec.get("require", [])
        require = (require,) if isinstance(require, str) else tuple(require)
        if any(role not in (columns or positions) for role in require):
            raise LayoutError(f"présélection {as_written(name)} : require ne peut nommer que des rôles de "
                              "ses colonnes")
        formats = spec.get("date-formats", ["%d/%m/%Y"])
        formats = (formats,) if isinstance(formats, str) else tuple(formats)
        if not formats or not all(isinstance(f, str) and "%" in f for f in formats):
            raise LayoutError(f"présélection {as_written(name)} : date-formats attend des formats "
                              'comme "%d/%m/%Y"')
        return cls(
            name=name, kind=kind, columns=columns, positions=positions,
            description=str(spec.get("description", "")),
            delimiter=delimiter,
            encoding=str(spec.get("encoding", "auto")),
            decimal=decimal,
            balance_decimal=balance_decimal,
            date_formats=formats,
            balance_line=_regex(name, "balance-line", spec.get("balance-line"), ("date", "amount")),
            balance_after=bool(spec.get("balance-after", False)),
            signed_credit=bool(spec.get("signed-credit", False)),
            account_line=_regex(name, "account-line", spec.get("account-line"), ("id",)),
            header_line=header_line,
            end_line=_regex(name, "end-line", spec.get("end-line"), ()),
            skip_status=_regex(name, "skip-status", spec.get("skip-status"), ()),
            currency=str(spec.get("currency", "EUR")),
            generic=bool(spec.get("generic", False)),
            require=require,
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
                if index not in found.values() and key_matches(key, names):
                    found[role] = index
                    break
        required, _ = ROLES[self.kind]
        if not all(role in found for role in required + self.require):
            return None
        if self.kind == BANK and "amount" not in found and not {"debit", "credit"} <= set(found):
            return None
        return found


def _columns(name: str, raw: Any, kind: str, positional: bool
             ) -> tuple[dict[str, tuple[str, ...]], dict[str, int]]:
    """The ``[columns]`` table: header names by role, or 0-based positions."""
    if not isinstance(raw, Mapping) or not raw:
        raise LayoutError(f"présélection {as_written(name)} : une table [columns] est requise")
    required, optional = ROLES[kind]
    columns: dict[str, tuple[str, ...]] = {}
    positions: dict[str, int] = {}
    for role, names in raw.items():
        if role not in required + optional:
            raise LayoutError(f"présélection {as_written(name)} : rôle de colonne {as_written(role)} inconnu ; rôles "
                              f"possibles : {', '.join(required + optional)}")
        if positional:
            if isinstance(names, bool) or not isinstance(names, int) or names < 1:
                raise LayoutError(f"présélection {as_written(name)} : sans ligne d'en-tête, la colonne "
                                  f"{as_written(role)} se donne par son numéro (1 pour la première)")
            positions[role] = names - 1
            continue
        names = (names,) if isinstance(names, str) else tuple(names)
        if not names or not all(isinstance(n, str) and header_key(n) for n in names):
            raise LayoutError(f"présélection {as_written(name)} : la colonne {as_written(role)} attend un ou des "
                              "noms d'en-tête")
        columns[role] = names
    present = set(positions or columns)
    missing = [role for role in required if role not in present]
    if kind == BANK and "amount" not in present and not {"debit", "credit"} <= present:
        missing.append("amount (ou debit et credit)")
    if missing:
        raise LayoutError(f"présélection {as_written(name)} : colonne(s) manquante(s) {', '.join(missing)}")
    return columns, positions


def _regex(name: str, key: str, value: Any, groups: tuple[str, ...]) -> re.Pattern[str] | None:
    if value is None:
        return None
    try:
        pattern = re.compile(str(value), re.IGNORECASE | re.MULTILINE)
    except re.error as exc:
        raise LayoutError(f"présélection {as_written(name)} : {key} n'est pas une expression "
                          f"régulière valide : {exc}") from exc
    missing = [g for g in groups if g not in pattern.groupindex]
    if missing:
        raise LayoutError(f"présélection {as_written(name)} : {key} doit avoir le(s) groupe(s) nommé(s) "
                          + ", ".join(f"(?P<{g}>…)" for g in missing))
    return pattern


def layouts_from_toml(text: str, source: str) -> dict[str, Layout]:
    """Every ``[bank.NAME]`` and ``[journal.NAME]`` layout of a TOML document."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(f"{source} : TOML invalide : {exc}") from exc
    unknown = set(document) - {BANK, JOURNAL}
    if unknown:
        raise LayoutError(f"{source} : table(s) inconnue(s) {', '.join(sorted(unknown))} ; "
                          "écrivez [bank.NOM] ou [journal.NOM]")
    layouts: dict[str, Layout] = {}
    for kind in (BANK, JOURNAL):
        for name, spec in document.get(kind, {}).items():
            if name in layouts:
                raise LayoutError(f"{source} : la présélection {as_written(name)} est définie deux fois")
            if not isinstance(spec, Mapping):
                raise LayoutError(f"{source} : [{kind}.{name}] doit être une table")
            layouts[name] = Layout.from_dict(name, spec, kind)
    return layouts


def load_layout_file(path: str) -> dict[str, Layout]:
    """The layouts of a user's TOML file."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as exc:
        raise LayoutError(f"{path} : lecture du fichier de présélections impossible : {os_error_text(exc)}") from exc
    except UnicodeDecodeError as exc:
        raise LayoutError(f"{path} : lecture du fichier de présélections impossible : il n'est pas en UTF-8 "
                          f"({exc.reason})") from exc
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
        raise LayoutError(f"présélection {as_written(name)} inconnue ; présélections : {', '.join(sorted(table))}")
    return table[name]
