"""CFONB 120 « relevé de compte » files, what French banks give professionals and
their accounting software (EBICS, « télétransmission »).

Fixed records of 120 characters (layout of the CFONB « Relevé de compte sur
support informatique », 2004, positions counted from 1):

* ``01`` old balance and ``07`` new balance: bank (3–7), branch (12–16),
  currency (17–19), number of decimals (20), account number (22–32), date
  ``jjmmaa`` (35–40), amount (91–104);
* ``04`` one operation: the same, plus booking date (35–40), value date
  (43–48), label (49–79), amount (91–104), reference (105–120);
* ``05`` a complement of the ``04`` before it: qualifier (46–48) and text
  (49–118), e.g. ``LIB`` free text, ``NPY`` payer's name, ``NBE`` beneficiary's.

An amount is 14 characters whose last one carries both the last digit and the
sign (``{`` and ``A``–``I`` positive 0–9, ``}`` and ``J``–``R`` negative 0–9);
the record says how many of its digits are decimals.

Each ``04`` becomes a transaction (booking date; the counterparty of the
``05 NPY``/``NBE`` as payee; the label with the complements after it as
narration; ``import-id`` a fingerprint of account, date, amount, label and
rank, so two identical operations stay two). Each ``07`` becomes a ``balance``
the day after its date, once its statement adds up (old balance plus the
operations). A file may hold several accounts and several daily statements;
blank lines, CRLF/LF and records without line breaks are read. A « PAS DE
MOUVEMENT » line of zero is no operation.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.core import frtypo
from beancount_hn.importers.base import HnImporter, file_head, one_balance_per_day
from beancount_hn.importers.dedup import IdMaker
from beancount_hn.importers.textfile import ImportFileError, decode, read_bytes

WIDTH = 120
OLD_BALANCE, OPERATION, COMPLEMENT, NEW_BALANCE = "01", "04", "05", "07"
#: The characters a record cannot do without (trailing spaces may be trimmed): the amount
#: (positions 91-104) of 01, 04 and 07, the account number (positions 22-32) of a 05.
_MIN_LENGTH = {OLD_BALANCE: 104, OPERATION: 104, NEW_BALANCE: 104, COMPLEMENT: 32}

#: Overpunched last character of an amount -> (sign, last digit).
_OVERPUNCH = {char: (1, str(digit)) for digit, char in enumerate("{ABCDEFGHI")}
_OVERPUNCH.update({char: (-1, str(digit)) for digit, char in enumerate("}JKLMNOPQR")})

_AMOUNT = re.compile(r"^\d{13}[{}A-R]$")
_FIRST_RECORD = re.compile(rb"^01\d{5}.{4}[0-9 ]{5}[A-Z ]{3}[0-9 ] .{11}.{2}[0-9 ]{6}.{50}\d{13}[{}A-R]")
_NO_MOVEMENT = re.compile(r"PAS\s+DE\s+MOUVEMENT", re.IGNORECASE)

#: Complements that identify rather than describe (SEPA creditor id, mandate reference).
_TECHNICAL = {"IBE", "RUM"}
PAYER, BENEFICIARY = "NPY", "NBE"


def looks_like_cfonb(head: bytes) -> bool:
    """True when the first record of ``head`` is a CFONB 120 old balance (``01``)."""
    return bool(_FIRST_RECORD.match(head.lstrip(b"\xef\xbb\xbf \t\r\n")))


@dataclass
class Operation:
    """One ``04`` record and its ``05`` complements."""

    line: int
    date: datetime.date
    amount: Decimal
    currency: str
    label: str
    complements: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Statement:
    """An old balance (``01``), its operations and the new balance (``07``)."""

    account: str
    currency: str
    line: int
    opening: Decimal
    operations: list[Operation] = field(default_factory=list)
    closing: Decimal | None = None
    closing_date: datetime.date | None = None
    closing_line: int = 0


def records(path: str, text: str) -> Iterator[tuple[int, str]]:
    """(physical line, 120-character record), blank lines left out.

    A line holding several records without line breaks is cut every 120
    characters; trailing spaces a tool removed are put back.
    """
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if len(line) > WIDTH and len(line.rstrip()) > WIDTH:
            if len(line) % WIDTH:
                raise ImportFileError(path, f"enregistrement de {len(line)} caractères au lieu de "
                                            f"{WIDTH} : ce n'est pas un relevé CFONB 120 intact", number)
            for start in range(0, len(line), WIDTH):
                yield number, line[start:start + WIDTH]
            continue
        yield number, line.rstrip().ljust(WIDTH)


def _date(path: str, line: int, text: str, what: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%d%m%y").date()
    except ValueError as exc:
        raise ImportFileError(path, f"{what} « {text} » n'est pas une date jjmmaa", line) from exc


def _amount(path: str, line: int, record: str) -> Decimal:
    text = record[90:104]
    if not _AMOUNT.match(text):
        raise ImportFileError(path, f"montant « {text.strip()} » illisible (positions 91 à 104 : "
                                    "13 chiffres puis un caractère {, A à I, } ou J à R)", line)
    decimals = record[19]
    if decimals == " ":
        decimals = "2"  # some banks leave it blank on 01/07; the records of 04 say 2 for EUR
    if not decimals.isdigit():
        raise ImportFileError(path, f"nombre de décimales « {decimals} » (position 20) illisible",
                              line)
    sign, digit = _OVERPUNCH[text[-1]]
    return Decimal(sign * int(text[:-1] + digit)).scaleb(-int(decimals))


def _account(record: str) -> str:
    return record[21:32].strip()


def _currency(path: str, line: int, record: str, default: str) -> str:
    code = record[16:19].strip()
    if not code:
        return default
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ImportFileError(path, f"code devise « {code} » (positions 17 à 19) illisible", line)
    return code


def parse_statements(path: str, text: str, currency: str = "EUR") -> list[Statement]:
    """Every statement of a CFONB 120 text, checked for completeness.

    Raises:
      ImportFileError: an unknown or truncated record, an operation outside a
        statement, a statement without its new balance, or one whose
        operations do not add up to its new balance — with the line.
    """
    statements: list[Statement] = []
    current: Statement | None = None
    last_line = 0
    for line, record in records(path, text):
        last_line = line
        code = record[:2]
        length = len(record.rstrip())
        if length < _MIN_LENGTH.get(code, 0):
            raise ImportFileError(path, f"enregistrement {code} tronqué : {length} caractères, là "
                                        f"où il lui en faut au moins {_MIN_LENGTH[code]} (un "
                                        f"enregistrement CFONB en a {WIDTH}) ; le fichier est "
                                        "tronqué ou abîmé : exportez-le à nouveau", line)
        if code == OLD_BALANCE:
            if current is not None:
                raise ImportFileError(path, f"nouveau relevé (01) alors que celui de la ligne "
                                            f"{current.line} n'a pas de nouveau solde (07) : "
                                            "fichier tronqué", line)
            _date(path, line, record[34:40], "la date de l'ancien solde")
            current = Statement(_account(record), _currency(path, line, record, currency), line,
                                _amount(path, line, record))
        elif code in (OPERATION, COMPLEMENT, NEW_BALANCE):
            if current is None:
                raise ImportFileError(path, f"enregistrement {code} hors d'un relevé : pas "
                                            "d'ancien solde (01) avant lui", line)
            if _account(record) and _account(record) != current.account:
                raise ImportFileError(path, f"enregistrement {code} du compte {_account(record)} "
                                            f"dans le relevé du compte {current.account} commencé "
                                            f"ligne {current.line}", line)
            if code == OPERATION:
                current.operations.append(Operation(
                    line, _date(path, line, record[34:40], "la date de comptabilisation"),
                    _amount(path, line, record), _currency(path, line, record, current.currency),
                    " ".join(record[48:79].split())))
            elif code == COMPLEMENT:
                _complement(path, line, record, current)
            else:
                _close(path, line, record, current)
                statements.append(current)
                current = None
        else:
            raise ImportFileError(path, f"enregistrement de type « {code} » : un relevé CFONB 120 "
                                        "n'a que des lignes 01, 04, 05 et 07", line)
    if current is not None:
        raise ImportFileError(path, f"le relevé commencé ligne {current.line} n'a pas de nouveau "
                                    "solde (07) : fichier tronqué", last_line or None)
    if not statements:
        raise ImportFileError(path, "aucun relevé CFONB 120 dans le fichier")
    return statements


def _complement(path: str, line: int, record: str, statement: Statement) -> None:
    qualifier, text = record[45:48].strip(), " ".join(record[48:118].split())
    if statement.operations:
        statement.operations[-1].complements.append((qualifier, text))
    elif not _NO_MOVEMENT.search(text) and text:
        raise ImportFileError(path, "complément (05) sans opération (04) avant lui", line)


def _close(path: str, line: int, record: str, statement: Statement) -> None:
    statement.closing = _amount(path, line, record)
    statement.closing_date = _date(path, line, record[34:40], "la date du nouveau solde")
    statement.closing_line = line
    moved = sum((o.amount for o in statement.operations), Decimal(0))
    if statement.opening + moved != statement.closing:
        raise ImportFileError(
            path, f"le nouveau solde ({frtypo.money(statement.closing, statement.currency)}) "
                  f"n'est pas l'ancien solde de la ligne {statement.line} "
                  f"({frtypo.money(statement.opening, statement.currency)}) plus les opérations "
                  f"({frtypo.money(moved, statement.currency)}) : relevé incomplet ou altéré", line)


class CFONBImporter(HnImporter):
    """CFONB 120 statements of one account."""

    scheme = "cfonb"

    def identify(self, filepath: str) -> bool:
        head = file_head(filepath, None, 4096, sniff=True)
        if head is None or not looks_like_cfonb(head):
            return False
        text = head.decode("latin-1")
        try:
            found = {_account(r) for _, r in records(filepath, text) if r.startswith(OLD_BALANCE)}
        except ImportFileError:  # the sample ends inside a record: its first one will do
            found = {_account(text.lstrip("\ufeff \t\r\n"))}
        return self.holds_own_account(found)

    def _statements(self, filepath: str) -> list[Statement]:
        text, _ = decode(read_bytes(filepath), filepath)
        return parse_statements(filepath, text, self.currency)

    def account_ids(self, filepath: str) -> list[str]:
        return list(dict.fromkeys(s.account for s in self._statements(filepath)))

    def read_entries(self, filepath: str) -> list[data.Directive]:
        """Transactions and balances of the file, not yet categorised."""
        statements = self._statements(filepath)
        chosen = self.chosen_ids(filepath, [s.account for s in statements], statements[0].line)
        ids = IdMaker(self.scheme, self.importer_account)
        entries: list[data.Directive] = []
        balances: list[data.Balance] = []
        for statement in statements:
            if chosen and statement.account not in chosen:
                continue
            for operation in statement.operations:
                if operation.amount == 0 and _NO_MOVEMENT.search(operation.label):
                    continue
                entries.append(self._transaction(filepath, statement, operation, ids))
            assert statement.closing is not None and statement.closing_date is not None
            balances.append(self.balance(
                data.new_metadata(filepath, statement.closing_line),
                statement.closing_date + datetime.timedelta(days=1),
                Amount(statement.closing, statement.currency)))
        return entries + one_balance_per_day(filepath, balances)

    def _transaction(self, path: str, statement: Statement, operation: Operation,
                     ids: IdMaker) -> data.Transaction:
        counterparty = PAYER if operation.amount > 0 else BENEFICIARY
        holder = BENEFICIARY if operation.amount > 0 else PAYER
        payee = next((text for qualifier, text in operation.complements
                      if qualifier == counterparty and text), "")
        words = [operation.label]
        for qualifier, text in operation.complements:
            if (text and qualifier not in _TECHNICAL and qualifier not in (counterparty, holder)
                    and text not in words):
                words.append(text)
        narration = " ".join(" ".join(words).split())
        import_id = ids(operation.date, operation.amount,
                        f"{statement.account} {payee} {narration}")
        return self.transaction(data.new_metadata(path, operation.line), operation.date,
                                Amount(operation.amount, operation.currency), payee or None,
                                narration, import_id)


__all__ = ["CFONBImporter", "looks_like_cfonb", "parse_statements"]
