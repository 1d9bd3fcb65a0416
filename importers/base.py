"""What every beancount-hn bank importer shares, on top of ``beangulp.Importer``.

* the statement account and, optionally, its number or IBAN (``account_id``):
  a file of another account is not identified, and extracting it is an error;
* files holding several accounts (CFONB, multi-statement OFX/camt, a CSV with
  an account column): ``account_ids()`` lists them and ``chosen_ids()`` picks
  the one of ``account_id`` — never several merged into one Beancount account;
* one ``balance`` per account and day (:func:`one_balance_per_day`);
* categorisation of the imported lines (:mod:`.categorize`);
* deduplication by stable id, invoice number and amount/date
  (:mod:`.dedup`), used by beangulp, Fava and ``hn extract`` alike;
* ``date()`` and ``extract()`` over the subclass's ``read_entries()``.

The module functions serve the invoice-journal importer as well: the first
bytes ``identify()`` looks at, and the table of a CSV layout.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

import beangulp
from babel.numbers import get_currency_precision
from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.core import frtypo
from beancount_hn.core.amounts import MAX_AMOUNT
from beancount_hn.core.errors import as_written
from beancount_hn.importers.categorize import Categorizer
from beancount_hn.importers.dedup import IMPORT_ID, mark_duplicates
from beancount_hn.importers.layouts import Layout
from beancount_hn.importers.table import Table, find_header, read_table
from beancount_hn.importers.textfile import ImportFileError, decode, read_bytes, sniffable


class WrongAccountError(ImportFileError):
    """The file is not (only) the statement of the account the importer expects."""


#: identify() reads no more than this of a file by default.
SNIFF_BYTES = 16 * 1024


def file_head(filepath: str, suffixes: tuple[str, ...] | None,
              size: int = SNIFF_BYTES, sniff: bool = False) -> bytes | None:
    """The first ``size`` bytes of a file named ``*<suffix>`` (any case), for ``identify()``.

    ``suffixes=None`` accepts any name (formats recognised by their content);
    ``sniff`` gives a UTF-16 text as UTF-8 (:func:`.textfile.sniffable`).
    None for another name or a file that cannot be read: not this importer's.
    """
    if suffixes is not None and not filepath.lower().endswith(suffixes):
        return None
    try:
        with open(filepath, "rb") as handle:
            head = handle.read(size)
            return sniffable(head) if sniff else head
    except OSError:
        return None


def head_text(raw: bytes, filepath: str, encoding: str) -> str:
    """The text of a file's first bytes, in which ``identify()`` looks for a header."""
    try:
        text, _ = decode(raw, filepath, encoding)
    except ImportFileError:
        # The sample may end inside a character: extract() will judge the whole file.
        text = "" if b"\x00" in raw else raw.decode("utf-8", "ignore")
    return text


_LAYOUT_KINDS = {"layout": "mise en page", "journal layout": "mise en page de journal"}


def read_layout_table(filepath: str, layout: Layout, what: str = "layout") -> Table:
    """The file's table of ``layout``, or an error naming the file (and line).

    ``what`` names the layout in the error: ``"layout"``, ``"journal layout"``.
    """
    text, _ = decode(read_bytes(filepath), filepath, layout.encoding)
    headers = find_header(text, [layout])
    if not headers:
        names = ", ".join("/".join(v) for v in layout.columns.values())
        kind = _LAYOUT_KINDS.get(what, what)
        raise ImportFileError(filepath, f"aucune ligne d'en-tête de la {kind} {as_written(layout.name)} dans "
                                        f"les premières lignes (colonnes attendues : {names})")
    return read_table(filepath, text, headers[0])


def shown(text: str, limit: int = 40) -> str:
    """A piece of the file quoted in an error: one line, at most ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def account_key(text: str) -> str:
    """An account number or IBAN without spaces or punctuation, upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


#: Characters banks print in place of the hidden digits of a masked account number.
_MASK = re.compile(r"^[X*•#]{2,}", re.IGNORECASE)


#: A French RIB: bank code, branch code, account number and, optionally, its two-digit key.
_RIB = re.compile(r"^(\d{5})(\d{5})([0-9A-Z]{11})(\d{2})?$")

#: Branch code and account number, as Société Générale prints them (``0234500012345678``).
_BRANCH_ACCOUNT = re.compile(r"^\d{5}([0-9A-Z]{11})$")


def _numbers_in(text: str, printed: bool = False) -> set[str]:
    """The whole numbers naming the account ``text`` names: its key and, for a French IBAN
    or RIB (with or without its key), the RIB without key and the account number.

    An OFX statement named by bank, branch, account and type (``10907 00001 99999999999
    CHECKING``) names the account of bank, branch and account. What a file ``printed``
    also names the numbers among its words (a QIF ``Compte courant 00012345678``), and the
    account number after a branch code (``0234500012345678``).
    """
    keys = {account_key(text)}
    parts = text.split()
    if len(parts) > 1 and parts[-1].isalpha():
        keys.add(account_key(" ".join(parts[:-1])))
    if printed and len(parts) > 1:
        keys |= {key for part in parts if len(key := account_key(part)) >= 8
                 and any(c.isdigit() for c in key)}
    numbers = set(keys)
    for key in keys:
        match = _RIB.match(key[4:] if len(key) == 27 and key.startswith("FR") else key)
        if match:
            numbers |= {"".join(match.group(1, 2, 3)), match.group(3)}
        elif printed and (match := _BRANCH_ACCOUNT.match(key)):
            numbers.add(match.group(1))
    numbers.discard("")
    return numbers


def same_account(found: str, expected: str) -> bool:
    """True when ``found`` and ``expected`` name one account.

    Whole numbers only: the same number, IBAN or RIB, or the account number of
    an IBAN or RIB (which the file may print after its branch code, as Société
    Générale does: ``0234500012345678``) — never any piece of one
    (``10907000019`` or ``00001 99999999999`` name no account); when both
    name bank and branch, these must agree too. A masked number (``XXXXXXX1234``, ``****1234``) names the
    accounts whose number ends with its four or more visible characters (for a
    French IBAN or RIB, its account number, before the two-digit key).
    """
    if not account_key(found) or not account_key(expected):
        return True
    for masked, other in ((found, expected), (expected, found)):
        stripped = masked.strip()
        if _MASK.match(stripped):
            visible = account_key(_MASK.sub("", stripped))
            return len(visible) >= 4 and any(n.endswith(visible) for n in _numbers_in(other))
    mine, theirs = _numbers_in(found, printed=True), _numbers_in(expected)
    banks = [{n for n in numbers if len(n) == 21 and _RIB.match(n)} for numbers in (mine, theirs)]
    if all(banks):  # both name bank and branch: they must agree, not just the account number
        return bool(banks[0] & banks[1])
    return bool(mine & theirs)


def to_precision(path: str, line: int | None, number: Decimal, currency: str) -> Decimal:
    """``number`` with the decimals of ``currency`` (``12.5`` -> ``12.50`` EUR).

    Raises:
      ImportFileError: a number that is not finite, or has more significant
        decimals than the currency (``12.505`` EUR).
    """
    if not number.is_finite() or abs(number) >= MAX_AMOUNT:
        raise ImportFileError(path, f"montant « {number} » hors de toute mesure (au-delà de "
                                    "10^15) : ce n'est pas un montant de relevé", line)
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    rounded = number.quantize(exponent) + 0  # + 0 turns -0.00 into 0.00
    if rounded != number:
        raise ImportFileError(path, f"montant {number} : plus de décimales que n'en compte "
                                    f"la devise {currency}", line)
    return rounded


def _money(amount: Amount) -> str:
    return frtypo.money(amount.number, amount.currency)


def one_balance_per_day(path: str, balances: Sequence[data.Balance]) -> list[data.Balance]:
    """The ``balances`` with one per account, day and currency.

    Identical ones are kept once; two different amounts for one account on one
    day mean two accounts were mixed up (or a statement is wrong): an error
    naming both lines, rather than two contradictory assertions.
    """
    kept: dict[tuple, data.Balance] = {}
    for balance in balances:
        key = (balance.account, balance.date, balance.amount.currency)
        other = kept.get(key)
        if other is None:
            kept[key] = balance
        elif other.amount != balance.amount:
            raise ImportFileError(
                path, f"deux soldes différents pour le même compte le même jour "
                      f"({_money(other.amount)} ligne {other.meta.get('lineno')}, "
                      f"{_money(balance.amount)} ligne {balance.meta.get('lineno')}) : "
                      "le fichier mêle deux comptes ou deux relevés contradictoires",
                balance.meta.get("lineno") or None)
    return list(kept.values())


class HnImporter(beangulp.Importer):
    """Base of the bank-statement importers (CSV, OFX, camt)."""

    #: Prefix of ``import-id`` values made by hashing (no bank id).
    scheme = "hn"

    def __init__(self, account: str, *, account_id: str | None = None,
                 categorizer: Categorizer | None = None, currency: str = "EUR",
                 flag: str = "*", window_days: int = 3) -> None:
        self.importer_account = account
        self.account_id = account_id
        self.categorizer = categorizer if categorizer is not None else Categorizer()
        self.currency = currency
        self.flag = flag
        self.window_days = window_days

    def account(self, filepath: str) -> str:
        return self.importer_account

    def is_own_account(self, found: str | None) -> bool:
        return not (found and self.account_id and not same_account(found, self.account_id))

    def holds_own_account(self, found: Iterable[str]) -> bool:
        """``identify()``'s last check: the accounts a file's first bytes name include this
        importer's (or they name none)."""
        named = [number for number in found if number]
        return not named or any(self.is_own_account(number) for number in named)

    def account_ids(self, filepath: str) -> list[str]:
        """The account numbers/IBANs the file states, in order of first appearance.

        Empty when the file names no account. Subclasses reading files that may
        hold several accounts override it; it raises only :class:`ImportFileError`.
        """
        return []

    def chosen_ids(self, path: str, found: Sequence[str], line: int | None = None) -> list[str]:
        """Which of the file's account ids ``found`` to import.

        With ``account_id``: the ids naming it (an error when none does, or
        when it fits several, e.g. a masked number). Without: every id when the
        file has at most one, else an error listing them — several accounts are
        never merged into one. ``[]`` when the file names no account.
        """
        distinct = list(dict.fromkeys(found))
        if not distinct:
            return []
        listed = ", ".join(distinct)
        if self.account_id:
            own = [i for i in distinct if same_account(i, self.account_id)]
            if not own:
                which = "du compte" if len(distinct) == 1 else "des comptes"
                raise WrongAccountError(
                    path, f"relevé {which} {listed}, mais {self.importer_account} est le compte "
                          f"{self.account_id} : importez-le sur le bon compte", line)
            if len(own) > 1:
                raise WrongAccountError(
                    path, f"le numéro {self.account_id} de {self.importer_account} désigne "
                          f"plusieurs comptes du fichier ({', '.join(own)}) : donnez le numéro "
                          "complet (--account-id)", line)
            return own
        if len(distinct) > 1:
            raise WrongAccountError(
                path, f"le fichier contient les relevés de plusieurs comptes ({listed}) : "
                      "choisissez-en un avec --account-id, ou déclarez chaque numéro sur l'open "
                      "de son compte (numero-compte: ou iban:) et passez le grand livre avec --existing",
                line)
        return distinct

    def deduplicate(self, entries: data.Entries, existing: data.Entries) -> None:
        mark_duplicates(entries, existing, self.importer_account, self.window_days)

    def date(self, filepath: str) -> datetime.date | None:
        dates = [e.date for e in self.read_entries(filepath) if isinstance(e, data.Transaction)]
        return max(dates) if dates else None

    def extract(self, filepath: str, existing: data.Entries) -> data.Entries:
        return self.finish(self.read_entries(filepath), existing)

    def read_entries(self, filepath: str) -> list[data.Directive]:
        """Transactions and balances of the file, not yet categorised."""
        raise NotImplementedError

    # -- helpers for subclasses -------------------------------------------------------

    def transaction(self, meta: dict, date: datetime.date, amount: Amount, payee: str | None,
                    narration: str, import_id: str) -> data.Transaction:
        """A one-posting transaction on the statement account."""
        meta = dict(meta)
        meta[IMPORT_ID] = import_id
        posting = data.Posting(self.importer_account, amount, None, None, None, None)
        return data.Transaction(meta, date, self.flag, payee or None, narration,
                                data.EMPTY_SET, data.EMPTY_SET, [posting])

    def balance(self, meta: dict, date: datetime.date, amount: Amount) -> data.Balance:
        """A balance assertion on the statement account."""
        return data.Balance(dict(meta), date, self.importer_account, amount, None, None)

    def finish(self, entries: list[data.Directive],
               existing: Sequence[data.Directive] | None) -> list[data.Directive]:
        """Categorise the extracted lines against the ledger's open invoices."""
        return self.categorizer.apply(entries, existing or [], self.importer_account)
