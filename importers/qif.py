"""QIF (Quicken Interchange Format) statements, as Boursorama and other banks export them.

::

    !Type:Bank
    D25/03/2025
    T-1,082.26
    PPRLV SEPA URSSAF
    MCOTISATIONS MARS
    ^

Bank, cash and card sections (``!Type:Bank``, ``!Type:Cash``, ``!Type:CCard``)
are read; each record ends with ``^``. ``D`` is the date (``jj/mm/aaaa`` or
``jj/mm/aa``; a file whose dates can only be month first, ``03/25/2025``, is
read month first), ``T`` (or ``U``) the amount — decimal point or comma, the
separator written before two final digits in the file decides —, ``P`` the
payee and ``M`` the memo, which make the narration, ``N`` a cheque number.
Categories (``L``) and splits (``S``/``E``/``$``) are a Quicken user's own and
are left out: the import rules categorise. ``!Account`` blocks name the account
of the sections after them (``N``): a file of several accounts imports the one
of ``account_id``. Without ``!Account`` blocks, sections of different types (``!Type:Bank``
and ``!Type:CCard``) are different accounts, named by their type: the file is refused
unless ``account_id`` picks one (``CCard``). An « Opening Balance » record naming its own account
(``L[…]``) is a ``balance`` at the start of its day, not an operation.

QIF has no transaction id: ``import-id`` is a fingerprint of the account,
date, amount, label and rank. Investment sections (``!Type:Invst``) and
anything else are refused with their line.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.importers.amounts import AmountError, parse_amount
from beancount_hn.importers.base import HnImporter, file_head, shown
from beancount_hn.importers.dedup import IdMaker
from beancount_hn.importers.textfile import ImportFileError, decode, read_bytes

_HEADER = re.compile(rb"^(?:\xef\xbb\xbf)?\s*!(?:Type|Account|Option|Clear)\b", re.IGNORECASE)
_MONEY_TYPES = {"bank", "cash", "ccard"}
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})['/.\-] ?(\d{2}|\d{4})$")
_DECIMAL_AT_END = re.compile(r"([.,])\d{1,2}$")
_OPENING = re.compile(r"^opening balance$|^solde (?:initial|d'ouverture)$", re.IGNORECASE)
#: Date, amounts, payee, memo, category; the others (cleared status, address, splits) are
#: the Quicken user's own bookkeeping.
_KEPT_FIELDS = set("DTUPML")


def looks_like_qif(head: bytes) -> bool:
    """True when the first non-blank line is a QIF header (``!Type:``, ``!Account``…)."""
    return bool(_HEADER.match(head))


@dataclass
class Record:
    """One ``^``-terminated QIF record."""

    line: int
    fields: dict[str, str] = field(default_factory=dict)
    number: str = ""


@dataclass
class Section:
    """The records of one ``!Type:`` section, and the ``!Account`` it belongs to."""

    account: str
    line: int
    records: list[Record] = field(default_factory=list)
    #: The section's type as the file writes it (``Bank``, ``CCard``, ``Cash``).
    kind: str = ""


def section_ids(sections: list[Section]) -> list[str]:
    """The account each section belongs to, in the file's terms (one per section).

    Its ``!Account`` name; in a file that names none, sections of different types are
    different accounts (a deferred-debit card's purchases also reach the current account
    as one monthly debit: merged, they would count twice), named by their type
    (``Bank``, ``CCard``). ``""`` for an unnamed section of a file of one type.
    """
    if any(s.account for s in sections):
        return [s.account for s in sections]
    if len({s.kind.casefold() for s in sections}) > 1:
        return [s.kind for s in sections]
    return ["" for _ in sections]


def parse_sections(path: str, text: str) -> list[Section]:
    """The bank/cash/card sections of a QIF text, records with their first line.

    Raises:
      ImportFileError: a record before any ``!Type:``, an investment or other
        section, a field without its record end (``^``) at the end of the file.
    """
    sections: list[Section] = []
    account = ""
    in_account = False
    current: Section | None = None
    record: Record | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("!"):
            if record is not None:
                raise ImportFileError(path, f"enregistrement de la ligne {record.line} sans sa fin "
                                            "(^) avant la ligne d'en-tête", number)
            header = line[1:].strip()
            lowered = header.lower()
            if lowered == "account":
                in_account, current = True, None
                account = ""
            elif lowered.startswith("type:"):
                kind = lowered[5:].strip()
                if kind not in _MONEY_TYPES:
                    raise ImportFileError(path, f"section « {header} » : seuls les comptes bancaires, "
                                                "de caisse et de carte (!Type:Bank, Cash, CCard) "
                                                "sont importés", number)
                in_account = False
                current = Section(account, number, kind=header[5:].strip())
                sections.append(current)
            elif not lowered.startswith(("option:", "clear:")):
                raise ImportFileError(path, f"ligne d'en-tête QIF inconnue « {shown(line)} »", number)
            continue
        if in_account:  # until the next header: an AutoSwitch list names several, one per ^
            if line[0] == "N":
                account = line[1:].strip()
            continue
        if current is None:
            raise ImportFileError(path, "ligne avant toute section !Type: : ce n'est pas un relevé QIF",
                                  number)
        if line == "^":
            if record is not None:
                current.records.append(record)
            record = None
            continue
        if record is None:
            record = Record(number)
        code, value = line[0].upper(), line[1:].strip()
        if code == "N":
            record.number = value
        elif code in _KEPT_FIELDS:
            if code in record.fields and code in "DTU":
                raise ImportFileError(path, f"champ {code} en double dans l'enregistrement de la "
                                            f"ligne {record.line} : il manque un ^ entre deux "
                                            "opérations", number)
            record.fields[code] = f"{record.fields[code]} {value}" if code in record.fields else value
    if record is not None:
        raise ImportFileError(path, f"l'enregistrement de la ligne {record.line} n'a pas de fin (^) : "
                                    "fichier tronqué", record.line)
    if not sections:
        raise ImportFileError(path, "aucune section !Type:Bank, Cash ou CCard dans le fichier")
    return sections


def _date_order(path: str, records: list[Record]) -> bool:
    """True for day first (the French order), False when the dates can only be month first."""
    day_first = month_first = None
    for record in records:
        match = _DATE.match(record.fields.get("D", "").replace(" ", ""))
        if not match:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12:
            day_first = day_first or record.line
        elif second > 12:
            month_first = month_first or record.line
    if day_first and month_first:
        raise ImportFileError(path, f"dates jour d'abord (ligne {day_first}) et mois d'abord "
                                    f"(ligne {month_first}) dans le même fichier", month_first)
    return not month_first


def _decimal_separator(path: str, records: list[Record]) -> str:
    """The decimal separator the file's amounts use (``.`` or ``,``)."""
    seen: dict[str, int] = {}
    for record in records:
        text = record.fields.get("T") or record.fields.get("U") or ""
        match = _DECIMAL_AT_END.search(text.replace(" ", ""))
        if match:
            seen.setdefault(match.group(1), record.line)
    if len(seen) > 1:
        raise ImportFileError(path, f"montants à virgule décimale (ligne {seen[',']}) et à point "
                                    f"décimal (ligne {seen['.']}) dans le même fichier", seen[","])
    return next(iter(seen), ",")


def _parse_date(path: str, record: Record, day_first: bool) -> datetime.date:
    text = record.fields.get("D", "")
    match = _DATE.match(text.replace(" ", ""))
    if not match:
        raise ImportFileError(path, f"date « {text} » illisible (attendu jj/mm/aaaa)", record.line)
    first, second, year = (int(g) for g in match.groups())
    day, month = (first, second) if day_first else (second, first)
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise ImportFileError(path, f"date « {text} » impossible", record.line) from exc


class QIFImporter(HnImporter):
    """QIF statements of one account."""

    scheme = "qif"

    def identify(self, filepath: str) -> bool:
        head = file_head(filepath, None, 4096, sniff=True)
        if head is None or not looks_like_qif(head):
            return False
        names = re.findall(rb"!Account\s*[\r\n]+(?:[^N^\r\n][^\r\n]*[\r\n]+)*N([^\r\n]+)", head,
                           re.IGNORECASE)
        return self.holds_own_account(n.decode("latin-1").strip() for n in names)

    def _sections(self, filepath: str) -> list[Section]:
        text, _ = decode(read_bytes(filepath), filepath)
        return parse_sections(filepath, text)

    def account_ids(self, filepath: str) -> list[str]:
        return list(dict.fromkeys(i for i in section_ids(self._sections(filepath)) if i))

    def read_entries(self, filepath: str) -> list[data.Directive]:
        """Transactions (and opening balances) of the file, not yet categorised."""
        sections = self._sections(filepath)
        names = section_ids(sections)
        if not self.account_id and not any(s.account for s in sections) and len(set(names)) > 1:
            first: dict[str, int] = {}
            for name, section in zip(names, sections):
                first.setdefault(name, section.line)
            listed = " et ".join(f"!Type:{name} (ligne {line})" for name, line in first.items())
            raise ImportFileError(
                filepath, f"sections {listed} sans bloc !Account : ce sont des comptes différents "
                          "(les achats d'une carte à débit différé arrivent aussi sur le compte "
                          "courant en un seul prélèvement), rien n'est fusionné ; importez-en une "
                          "avec --account-id " + " ou --account-id ".join(first),
                sections[0].line)
        chosen = self.chosen_ids(filepath, [name for name in names if name], sections[0].line)
        if chosen and not all(names):
            unnamed = next(s for s, name in zip(sections, names) if not name)
            raise ImportFileError(filepath, "section sans !Account dans un fichier qui nomme ses "
                                            "comptes : à quel compte est-elle ?", unnamed.line)
        own = [s for s, name in zip(sections, names) if not chosen or name in chosen]
        records = [r for s in own for r in s.records]
        day_first = _date_order(filepath, records)
        decimal = _decimal_separator(filepath, records)
        ids = IdMaker(self.scheme, self.importer_account)
        entries: list[data.Directive] = []
        for record in records:
            entries.append(self._entry(filepath, record, day_first, decimal, ids))
        if not entries:
            raise ImportFileError(filepath, "aucune opération dans le fichier QIF")
        return entries

    def _entry(self, path: str, record: Record, day_first: bool, decimal: str,
               ids: IdMaker) -> data.Directive:
        date = _parse_date(path, record, day_first)
        text = record.fields.get("T") or record.fields.get("U")
        if not text:
            raise ImportFileError(path, "opération sans montant (champ T)", record.line)
        try:
            number = parse_amount(text, decimal)
        except AmountError as exc:
            raise ImportFileError(path, str(exc), record.line) from exc
        amount = Amount(number, self.currency)
        meta = data.new_metadata(path, record.line)
        payee = " ".join(record.fields.get("P", "").split())
        memo = " ".join(record.fields.get("M", "").split())
        category = record.fields.get("L", "")
        if _OPENING.match(payee) and category.startswith("["):
            return self.balance(meta, date, amount)
        narration = " ".join(filter(None, (payee, memo if memo != payee else "")))
        return self.transaction(meta, date, amount, None, narration,
                                ids(date, number, f"{narration} {record.number}"))


__all__ = ["QIFImporter", "looks_like_qif", "parse_sections"]
