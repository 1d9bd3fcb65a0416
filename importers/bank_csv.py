"""One configurable importer for French bank CSV exports, driven by a :class:`Layout`.

::

    from beancount_hn.importers.bank_csv import BankCSVImporter
    CONFIG = [BankCSVImporter("Assets:Banque:Courant", "credit-agricole",
                              account_id="12345678901")]

The layout is a preset name (``presets.toml``: one per bank), a :class:`Layout`,
or a ``Layout.from_dict(...)`` written in a few lines. ``identify()`` looks for
the layout's header row in the first lines of a ``.csv``/``.txt`` file (and,
when ``account_id`` is set, for the same account number); ``extract()`` gives
one transaction per row, categorised, with ``import-id:``, plus a ``balance``
assertion from a « Solde au … » line or from the running-balance column.

A file holding several accounts (BoursoBank's ``accountNum``, Qonto's « IBAN du
compte », N26's spaces) is imported one account at a time: ``account_ids()``
lists them and ``account_id`` picks one (:meth:`HnImporter.chosen_ids`).

``beangulp.importers.csvbase`` is not used: its fixed ``skiplines`` cannot
find a header after a variable preamble, and its errors carry no line.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.core.errors import as_written
from beancount_hn.importers.amounts import AmountError, format_amount, parse_amount, parse_date
from beancount_hn.importers.base import (HnImporter, file_head, head_text, one_balance_per_day,
                                         read_layout_table, same_account, shown)
from beancount_hn.importers.dedup import IdMaker
from beancount_hn.importers.layouts import BANK, Layout, LayoutError, preset, presets
from beancount_hn.importers.table import Header, Row, Table, find_header
from beancount_hn.importers.textfile import ImportFileError

CSV_SUFFIXES = (".csv", ".txt", ".tsv")

#: Where bank fees charged on top of an operation (Revolut's ``Fee``) go by default.
FEE_ACCOUNT = "Expenses:Frais-Bancaires"

#: A total or balance row of the table: not an operation.
_SUMMARY = re.compile(r"^\W*(?:sous[- ]?)?tota(?:l|ux)\b|^\W*solde\b|^\W*nombre d|^\W*montant total",
                      re.IGNORECASE)


#: Roles whose cells are amounts: a file cut inside its last one is caught by its decimals.
_AMOUNT_ROLES = ("amount", "debit", "credit", "balance", "fee")

#: A summary line stating totals of the operations above it, or their number.
_TOTAL = re.compile(r"^\W*(?:(?:sous[- ]?)?tota(?:l|ux)|montant total)\b", re.IGNORECASE)
_COUNT = re.compile(r"^\W*nombre\s+d\W*op[ée]rations?\b\D*?(\d+)\D*$", re.IGNORECASE)
_DEBIT_WORD = re.compile(r"d[ée]bit", re.IGNORECASE)
_CREDIT_WORD = re.compile(r"cr[ée]dit", re.IGNORECASE)


@dataclass
class _Sums:
    """What the operations of a stretch of the table add up to, per column."""

    debit: Decimal = Decimal(0)   # the debit column, without sign
    credit: Decimal = Decimal(0)  # the credit column, as read
    out: Decimal = Decimal(0)     # the amounts below zero
    into: Decimal = Decimal(0)    # the amounts above zero
    count: int = 0

    def add(self, number: Decimal, role: str) -> None:
        if role == "debit":
            self.debit += abs(number)
        elif role == "credit":
            self.credit += number
        if number < 0:
            self.out += number
        else:
            self.into += number
        self.count += 1

    def expected(self, role: str, label: str) -> tuple[Decimal, bool]:
        """The total a summary line labelled ``label`` should state in the ``role`` column,
        and whether it may be written without its sign (a total of debits)."""
        if role == "debit":
            return self.debit, True
        if role == "credit":
            return self.credit, False
        debit, credit = _DEBIT_WORD.search(label), _CREDIT_WORD.search(label)
        if debit and not credit:
            return self.out, True
        if credit and not debit:
            return self.into, False
        return self.out + self.into, False


class _Totals:
    """The sums of the operations read so far, to check the totals a file states.

    A total covers the operations since the start of the table or since the previous
    total (a subtotal per page or per month). When some rows were left out (another
    account's, a pending one), the stated totals cannot be checked.
    """

    def __init__(self) -> None:
        self.whole = _Sums()
        self.stretch = _Sums()
        self.partial = False

    def add(self, number: Decimal, role: str) -> None:
        self.whole.add(number, role)
        self.stretch.add(number, role)

    def check(self, path: str, header: Header, line: int, cells: Sequence[str], decimal: str
              ) -> None:
        """Refuse a total or count line whose figures are not those of the operations above it.

        Each stated figure is compared with the operations since the previous total line,
        then with all of them; a line not laid out as the table, or whose cells are words,
        states nothing that can be read, and is left alone.
        """
        label_index = next(i for i, c in enumerate(cells) if c.strip())
        label = cells[label_index].strip()
        count = _COUNT.match(" ".join(c.strip() for c in cells).strip())
        stated = [] if count else self._stated(header, cells, label_index, decimal)
        windows = (self.stretch, self.whole)
        if not self.partial and count is not None:
            number = int(count.group(1))
            if all(number != sums.count for sums in windows):
                raise ImportFileError(
                    path, f"la ligne « {shown(' '.join(cells))} » annonce {number} opération(s), "
                          f"mais le tableau en a {self.whole.count} au-dessus d'elle : une "
                          "opération manque ou une ligne est mal lue ; rien n'est importé", line)
        elif not self.partial and stated:
            wrong = [_mismatch(sums, stated, label) for sums in windows]
            if all(wrong):
                role, cell, expected = wrong[-1]  # type: ignore[misc]
                column = header.cells[header.roles[role]].strip() or role
                raise ImportFileError(
                    path, f"la ligne « {shown(label)} » annonce {cell} dans la colonne "
                          f"« {column} », mais les opérations au-dessus d'elle font "
                          f"{format_amount(expected)} : une opération manque, ou une colonne ou "
                          "un signe est mal lu ; rien n'est importé", line)
        if count is not None or stated:
            self.stretch = _Sums()

    @staticmethod
    def _stated(header: Header, cells: Sequence[str], label_index: int, decimal: str
                ) -> list[tuple[str, str, Decimal]]:
        """(role, cell, value) of the figures a total line writes in the amount columns."""
        if not _TOTAL.match(cells[label_index].strip()):
            return []
        if any(c.strip() for c in cells[len(header.cells):]):
            return []  # not laid out as the table: not read
        stated = []
        for role in ("debit", "credit", "amount"):
            index = header.roles.get(role)
            if index is None or index == label_index or index >= len(cells) or not cells[index].strip():
                continue
            try:
                stated.append((role, cells[index].strip(), parse_amount(cells[index], decimal)))
            except AmountError:
                return []  # words, not a figure
        return stated


def _mismatch(sums: _Sums, stated: Sequence[tuple[str, str, Decimal]], label: str
              ) -> tuple[str, str, Decimal] | None:
    """The first stated figure that ``sums`` contradicts: (role, cell, expected)."""
    for role, cell, value in stated:
        expected, signless = sums.expected(role, label)
        if (abs(value) != abs(expected)) if signless else (value != expected):
            return role, cell, expected
    return None


def _decimals(text: str) -> int:
    """The digits after an amount's decimal separator (``70,93`` 2, ``70,9`` 1, ``70`` and
    ``1.234`` 0: three digits after the last separator are thousands)."""
    digits = re.search(r"[.,](\d*)\D*$", text.strip())
    count = len(digits.group(1)) if digits else 0
    return 0 if count == 3 else count


class BankCSVImporter(HnImporter):
    """A bank statement in CSV, for one account and one layout."""

    def __init__(self, account: str, layout: Layout | str, *, fee_account: str = FEE_ACCOUNT,
                 **options) -> None:
        layout = preset(layout) if isinstance(layout, str) else layout
        if layout.kind != BANK:
            raise LayoutError(f"la présélection {as_written(layout.name)} décrit un journal de factures, "
                              "pas un relevé bancaire")
        super().__init__(account, currency=layout.currency, **options)
        self.layout = layout
        self.fee_account = fee_account
        self.scheme = f"csv-{layout.name}"

    @property
    def name(self) -> str:
        return f"beancount_hn.csv.{self.layout.name}:{self.importer_account}"

    # -- beangulp API ------------------------------------------------------------------

    def identify(self, filepath: str) -> bool:
        raw = file_head(filepath, CSV_SUFFIXES)
        if raw is None:
            return False
        text = head_text(raw, filepath, self.layout.encoding)
        headers = find_header(text, [self.layout])
        if not headers:
            return False
        header = headers[0]
        if self._better_preset(text, header):
            return False
        try:
            ids = self._ids(Table(filepath, text, header), sub_accounts=False)
        except ImportFileError:  # the sample ends inside a row: judge what was read
            ids = []
        return self.holds_own_account(ids)

    def _better_preset(self, text: str, header: Header) -> bool:
        """True when another preset names more of the header's columns (a preset's header
        may be a subset of another's: « Date;Libellé;Débit;Crédit » and the same plus
        « Solde »), or as many from a real header row where this one has none. On an equal
        count both identify the file: the one configured in ``import.py`` is the user's
        choice (``hn extract`` prefers the named bank)."""
        table = presets()
        if table.get(self.layout.name) != self.layout:
            return False  # the user's own layout: their choice
        others = [l for n, l in table.items() if n != self.layout.name and l.kind == BANK]
        mine = (len(header.roles), not header.layout.positions)
        return any((len(h.roles), not h.layout.positions) > mine for h in find_header(text, others))

    def filename(self, filepath: str) -> str | None:
        return f"{self.layout.name}.{os.path.basename(filepath)}"

    def account_ids(self, filepath: str) -> list[str]:
        """The account numbers (and spaces) the file states, in order of first appearance."""
        return self._ids(self.read_table(filepath))

    # -- reading ---------------------------------------------------------------------

    def read_table(self, filepath: str) -> Table:
        """The file's table, or an error naming the file (and line)."""
        return read_layout_table(filepath, self.layout)

    def read_entries(self, filepath: str) -> list[data.Directive]:
        """Transactions and balances of the file, not yet categorised."""
        table = self.read_table(filepath)
        header = table.header
        accounts, spaces = self._accounts_and_spaces(table)
        if len(spaces) < 2:
            spaces = []
        chosen = self.chosen_ids(filepath, accounts + spaces, header.line)
        keep = self._row_filter(header, spaces, chosen)
        ids = IdMaker(self.scheme, self.importer_account)
        entries: list[data.Directive] = []
        running: list[tuple[int, datetime.date, Amount]] = []  # the first and the last
        balances: list[data.Balance] = []
        decimals: dict[int, int] = {}  # amount column -> fewest decimals its rows write
        totals = _Totals()
        debit_signs: dict[bool, int] = {}  # whether a debit is written negative -> first line
        previous: Row | None = None
        for row in table.rows():
            if previous is not None:
                self._fold_decimals(header, previous, decimals)
            previous = row
            if not keep(row):
                totals.partial = True
                continue
            parsed = self._row(filepath, header, row, ids, totals, debit_signs)
            if parsed is None:
                continue
            if isinstance(parsed, data.Balance):
                balances.append(parsed)
                continue
            txn, balance = parsed
            entries.append(txn)
            if balance is not None:
                running[1 if running else 0:] = [(row.line, txn.date, balance)]
        self._check_cut(filepath, table, decimals)
        balances.extend(self._preamble_balances(filepath, table.preamble))
        for line, text in table.trailer:
            balance = self._trailer_line(filepath, table, line, text, totals, decimals)
            if balance is not None:
                balances.append(balance)
        if running:
            balances.append(self._last_running(filepath, running))
        if not entries and not balances:
            raise ImportFileError(filepath, f"aucune opération sous l'en-tête (ligne {header.line}) : "
                                            "l'export est vide ou tronqué")
        entries.sort(key=lambda e: e.date)
        return entries + one_balance_per_day(filepath, balances)

    def _row(self, path: str, header: Header, row: Row, ids: IdMaker, totals: _Totals,
             debit_signs: dict[bool, int]):
        layout = self.layout
        if layout.skip_status is not None and layout.skip_status.search(row.get(header, "status")):
            totals.partial = True
            return None  # pending, declined…: not on the account, whatever its dates say
        date_text = row.get(header, "date")
        if not date_text or _SUMMARY.match(date_text):
            balance_line = self._late_balance(path, row.line, row.text(header))
            if balance_line is not None:
                return balance_line
            if self._summary(path, header, row.line, row.cells, totals):
                return None  # a total, checked against the rows above it
            if not any(row.get(header, r) for r in ("amount", "debit", "credit")):
                return None  # a separator or comment line inside the table
            raise ImportFileError(path, "opération sans date", row.line)
        try:
            date = parse_date(date_text, layout.date_formats)
            number, role = self._amount(header, row, debit_signs)
            fee = self._fee(header, row)
            running = row.get(header, "balance")
            balance_number = (parse_amount(running, layout.balance_decimal or layout.decimal)
                              if running else None)
        except AmountError as exc:
            raise ImportFileError(path, str(exc), row.line) from exc
        currency = (row.get(header, "currency") or self.currency).upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise ImportFileError(path, f"devise « {shown(currency)} » : ce n'est pas un code ISO "
                                        "4217 (EUR, USD…) ; le fichier est-il tronqué ?", row.line)
        narration = " ".join(" ".join(filter(None, (row.get(header, "narration"),
                                                    row.get(header, "memo")))).split())
        payee = " ".join(row.get(header, "payee").split()) or None
        bank_id = row.get(header, "id")
        total = number - fee
        import_id = f"{self.scheme}:{bank_id}" if bank_id else ids(date, total, f"{payee} {narration}")
        meta = data.new_metadata(path, row.line)
        txn = self.transaction(meta, date, Amount(total, currency), payee, narration, import_id)
        totals.add(number, role)
        if fee:
            txn.postings.append(data.Posting(self.fee_account, Amount(fee, currency),
                                             None, None, None, None))
        balance = Amount(balance_number, currency) if balance_number is not None else None
        return txn, balance

    def _amount(self, header: Header, row: Row, debit_signs: dict[bool, int]
                ) -> tuple[Decimal, str]:
        """The row's signed amount and the role of the column it was read from.

        A debit is money out, written with or without ``-`` (Crédit Agricole without,
        Fortuneo, BPCE and Crédit Mutuel with), but one file writes all its debits the same
        way (``debit_signs``: whether negative -> first line). A negative credit is
        ambiguous (a reversal? a debit in the wrong column?) and refused, unless the
        layout says its credits carry their sign. An explicit zero in the other column
        (``0,00;12,00``) is an empty cell.
        """
        decimal = self.layout.decimal
        if "amount" in header.roles:
            text = row.get(header, "amount")
            if not text:
                raise AmountError("opération sans montant")
            return parse_amount(text, decimal), "amount"
        debit, credit = row.get(header, "debit"), row.get(header, "credit")
        if not debit and not credit:
            raise AmountError("opération sans débit ni crédit")
        debit_value = parse_amount(debit, decimal) if debit else None
        credit_value = parse_amount(credit, decimal) if credit else None
        if debit_value is not None and credit_value is not None:
            if not credit_value:
                credit_value = None
            elif not debit_value:
                debit_value = None
            else:
                raise AmountError(f"un débit ({debit}) et un crédit ({credit}) sur la même opération")
        if credit_value is None:
            assert debit_value is not None
            if debit_value:
                negative = debit_value < 0
                debit_signs.setdefault(negative, row.line)
                if (not negative) in debit_signs:
                    other = debit_signs[not negative]
                    raise AmountError(
                        f"débit « {debit} » écrit {'avec' if negative else 'sans'} signe moins, "
                        f"alors que la ligne {other} écrit ses débits "
                        f"{'sans' if negative else 'avec'} : le sens de l'une des deux opérations "
                        "est ambigu (une annulation ?) ; vérifiez le relevé auprès de la banque")
            return -abs(debit_value), "debit"
        if credit_value < 0 and not self.layout.signed_credit:
            column = header.cells[header.roles["credit"]].strip()
            raise AmountError(
                f"montant négatif « {credit} » dans la colonne « {column} » : argent reçu ou "
                "sorti (annulation d'un crédit, débit mal placé) ? Le sens est ambigu, rien "
                "n'est importé ; vérifiez l'opération auprès de la banque (une mise en page "
                "personnelle dont la banque signe ses crédits déclare signed-credit = true)")
        return credit_value, "credit"

    def _fee(self, header: Header, row: Row) -> Decimal:
        """The fee charged on top of the amount (written with or without a sign)."""
        text = row.get(header, "fee")
        return abs(parse_amount(text, self.layout.decimal)) if text else Decimal(0)

    def _balance_line(self, path: str, line: int, text: str) -> data.Balance | None:
        pattern = self.layout.balance_line
        match = pattern.search(text) if pattern is not None else None
        return self._balance_of(path, line, text, match) if match is not None else None

    def _balance_of(self, path: str, line: int, text: str, match: re.Match[str]) -> data.Balance:
        """The balance a match of the layout's ``balance-line`` in ``text`` (from ``line``) states."""
        line += text.count("\n", 0, match.start())
        try:
            date = parse_date(match.group("date"), ("%d/%m/%Y", "%d/%m/%y") + self.layout.date_formats)
            number = parse_amount(match.group("amount"), self.layout.balance_decimal or self.layout.decimal)
        except AmountError as exc:
            raise ImportFileError(path, f"ligne de solde : {exc}", line) from exc
        # « Solde au 31/03 » is the balance at the end of that day: Beancount's
        # balance applies at the start of the day, hence the day after.
        return self.balance(data.new_metadata(path, line), date + datetime.timedelta(days=1),
                            Amount(number, self.currency))

    def _late_balance(self, path: str, line: int, text: str) -> data.Balance | None:
        """A balance line among or after the operations: only where the layout expects one."""
        balance = self._balance_line(path, line, text)
        if balance is not None and not self.layout.balance_after:
            raise ImportFileError(
                path, f"ligne de solde « {shown(text)} » parmi ou après les opérations, alors que "
                      f"la mise en page {as_written(self.layout.name)} n'en attend qu'au-dessus du tableau : "
                      "un second relevé collé à la suite ? Exportez chaque relevé séparément "
                      "(ou, pour une mise en page personnelle, balance-after = true)", line)
        return balance

    def _preamble_balances(self, path: str, preamble: Sequence[tuple[int, str]]) -> list[data.Balance]:
        """Every balance the lines above the table state (the pattern may span several lines):
        each becomes an assertion, none is left unchecked."""
        pattern = self.layout.balance_line
        if not preamble or pattern is None:
            return []
        text = "\n".join(line for _, line in preamble)
        return [self._balance_of(path, preamble[0][0], text, m) for m in pattern.finditer(text)]

    def _summary(self, path: str, header: Header, line: int, cells: Sequence[str],
                 totals: _Totals) -> bool:
        """True for a total, count or balance line (checked when it states totals)."""
        first = next((c.strip() for c in cells if c.strip()), "")
        if not _SUMMARY.match(first):
            return False
        totals.check(path, header, line, cells, self.layout.decimal)
        return True

    def _trailer_line(self, path: str, table: Table, line: int, text: str, totals: _Totals,
                      decimals: dict[int, int]) -> data.Balance | None:
        """A line shorter than the header after the last row: a balance, a total, a note —
        or a row cut short, refused. The file's last line, without a line end after it,
        must be a balance or summary line whole: anything else is a row cut by a truncation
        (``14/0``), and so is a balance amount with fewer decimals than the file's amounts."""
        header = table.header
        balance = self._late_balance(path, line, text)
        unterminated = table.unterminated_trailer == (line, text)
        if balance is not None:
            usual = min(decimals.values(), default=None)
            if unterminated and usual is not None and _decimals(text) < usual:
                raise ImportFileError(path, f"fichier tronqué : la dernière ligne « {shown(text)} » "
                                            "s'arrête sans fin de ligne au milieu d'un montant : "
                                            "exportez le relevé à nouveau", line)
            return balance
        cells = text.split(header.delimiter)
        if self._summary(path, header, line, cells, totals):
            return None
        index = header.roles["date"]
        if index < len(cells):
            try:
                parse_date(cells[index], self.layout.date_formats)
            except AmountError:
                pass
            else:
                raise ImportFileError(path, f"{len(cells)} cellule(s) là où l'en-tête (ligne "
                                            f"{header.line}) en a {header.width} : ligne tronquée", line)
        if unterminated:
            raise ImportFileError(
                path, f"fichier tronqué ? La dernière ligne « {shown(text)} » s'arrête sans fin de "
                      "ligne et n'est ni une opération complète ni une ligne de total ou de solde : "
                      "exportez le relevé à nouveau", line)
        return None  # a note after the table

    @staticmethod
    def _amount_columns(header: Header) -> set[int]:
        return {header.roles[r] for r in _AMOUNT_ROLES if r in header.roles}

    def _fold_decimals(self, header: Header, row: Row, decimals: dict[int, int]) -> None:
        for index in self._amount_columns(header):
            if index < len(row.cells) and row.cells[index].strip():
                count = _decimals(row.cells[index])
                decimals[index] = min(decimals.get(index, count), count)

    def _check_cut(self, path: str, table: Table, decimals: dict[int, int]) -> None:
        """Refuse a file cut inside the amount ending its last line (``70,93`` -> ``70,9``).

        Only the file's last line, without a line end after it, whose last cell is an
        amount column: it is cut when it writes fewer decimals than every other row of
        that column (banks write ``70,90``, never ``70,9``; a bank writing ``6,4`` in
        its other rows cannot be judged this way and is accepted). A lone row is compared
        with the balance the lines above the table state, if any.
        """
        row = table.unterminated_row
        if row is None:
            return
        index = len(row.cells) - 1
        cell = row.cells[index].strip()
        usual = decimals.get(index)
        pattern = self.layout.balance_line
        if usual is None and pattern is not None and table.preamble:
            match = pattern.search("\n".join(text for _, text in table.preamble))
            usual = _decimals(match.group("amount")) if match else None
        if not cell or usual is None or index not in self._amount_columns(table.header):
            return
        if _decimals(cell) < usual:
            raise ImportFileError(
                path, f"fichier tronqué : la dernière ligne s'arrête sans fin de ligne sur le "
                      f"montant « {cell} », qui a {_decimals(cell)} décimale(s) là où les autres "
                      f"montants du fichier en ont {usual} : exportez le relevé à nouveau", row.line)

    def _last_running(self, path: str, running: Sequence[tuple[int, datetime.date, Amount]]
                      ) -> data.Balance:
        """The running balance after the chronologically last row, given the first and the
        last row's (files may be newest first)."""
        ascending = running[0][1] <= running[-1][1]
        line, date, amount = running[-1] if ascending else running[0]
        return self.balance(data.new_metadata(path, line), date + datetime.timedelta(days=1), amount)

    # -- accounts --------------------------------------------------------------------

    def _ids(self, table: Table, sub_accounts: bool = True) -> list[str]:
        """The account numbers, then the spaces when there are several (reads the rows)."""
        accounts, spaces = self._accounts_and_spaces(table)
        return accounts + (spaces if sub_accounts and len(spaces) > 1 else [])

    def _accounts_and_spaces(self, table: Table) -> tuple[list[str], list[str]]:
        """The account-line number and the account column's values; the sub-account
        column's values (spaces, pockets), each in order of first appearance."""
        accounts: dict[str, None] = {}
        pattern = self.layout.account_line
        if pattern is not None:
            for _, text in table.preamble:
                if match := pattern.search(text):
                    accounts.setdefault(match.group("id").strip())
                    break
        spaces: dict[str, None] = {}
        roles = table.header.roles
        if "account" in roles or "sub-account" in roles:
            for row in table.rows():
                if account := row.get(table.header, "account"):
                    accounts.setdefault(account)
                if space := row.get(table.header, "sub-account"):
                    spaces.setdefault(space)
        return list(accounts), list(spaces)

    def _row_filter(self, header: Header, spaces: Sequence[str], chosen: Sequence[str]):
        """Which rows belong to the ``chosen`` accounts and spaces (all when the file names none)."""
        chosen_spaces = {c.casefold() for c in chosen if c in spaces}
        chosen_accounts = [c for c in chosen if c not in spaces]

        def keep(row: Row) -> bool:
            account = row.get(header, "account")
            if chosen_accounts and account and not any(same_account(account, c) for c in chosen_accounts):
                return False
            return not chosen_spaces or row.get(header, "sub-account").casefold() in chosen_spaces
        return keep
