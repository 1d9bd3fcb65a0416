"""One configurable importer for French bank CSV exports, driven by a :class:`Layout`.

::

    from beancount_hn.importers.bank_csv import BankCSVImporter
    CONFIG = [BankCSVImporter("Assets:Banque:Courant", "banque-traditionnelle",
                              account_id="12345678901")]

The layout is a preset name (``presets.toml``), a :class:`Layout`, or a
``Layout.from_dict(...)`` written in a few lines. ``identify()`` looks for the
layout's header row in the first lines of a ``.csv``/``.txt`` file (and, when
``account_id`` is set, for the same account number); ``extract()`` gives one
transaction per row, categorised, with ``import-id:``, plus a ``balance``
assertion from a « Solde au … » line or from the running-balance column.

``beangulp.importers.csvbase`` is not used: its fixed ``skiplines`` cannot
find a header after a variable preamble, and its errors carry no line.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from decimal import Decimal

from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.importers.amounts import AmountError, parse_amount, parse_date
from beancount_hn.importers.base import HnImporter, file_head, head_text, read_layout_table
from beancount_hn.importers.dedup import IdMaker
from beancount_hn.importers.layouts import BANK, Layout, LayoutError, preset, presets
from beancount_hn.importers.table import Header, Row, Table, find_header
from beancount_hn.importers.textfile import ImportFileError

CSV_SUFFIXES = (".csv", ".txt", ".tsv")


class BankCSVImporter(HnImporter):
    """A bank statement in CSV, for one account and one layout."""

    def __init__(self, account: str, layout: Layout | str, **options) -> None:
        layout = preset(layout) if isinstance(layout, str) else layout
        if layout.kind != BANK:
            raise LayoutError(f"layout {layout.name!r} is a {layout.kind} layout, not a bank one")
        super().__init__(account, currency=layout.currency, **options)
        self.layout = layout
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
        if self._better_preset(text, headers[0].score):
            return False
        return self.is_own_account(self._account_number(text, headers[0]))

    def _better_preset(self, text: str, score: int) -> bool:
        """True when another preset fits the header better (a preset's header may be
        a subset of another's: « Date;Libellé;Débit;Crédit » vs the same plus « Solde »)."""
        table = presets()
        if table.get(self.layout.name) != self.layout:
            return False  # the user's own layout: their choice
        others = [l for n, l in table.items() if n != self.layout.name and l.kind == BANK]
        return any(h.score > score for h in find_header(text, others))

    def filename(self, filepath: str) -> str | None:
        return f"{self.layout.name}.{os.path.basename(filepath)}"

    # -- reading ---------------------------------------------------------------------

    def read_table(self, filepath: str) -> Table:
        """The file's table, or an error naming the file (and line)."""
        text, table = read_layout_table(filepath, self.layout)
        number = self._account_number(text, table.header, table)
        self.check_account(filepath, number)
        return table

    def read_entries(self, filepath: str) -> list[data.Directive]:
        """Transactions and balance of the file, not yet categorised."""
        table = self.read_table(filepath)
        header = table.header
        ids = IdMaker(self.scheme, self.importer_account)
        entries: list[data.Directive] = []
        running: list[tuple[Row, datetime.date, Amount]] = []
        balances: list[data.Balance] = []
        for row in table.rows:
            parsed = self._row(filepath, header, row, ids)
            if parsed is None:
                continue
            if isinstance(parsed, data.Balance):
                balances.append(parsed)
                continue
            txn, balance = parsed
            entries.append(txn)
            if balance is not None:
                running.append((row, txn.date, balance))
        for line, text in table.preamble:
            balance = self._balance_line(filepath, line, text)
            if balance is not None:
                balances.append(balance)
        for line, text in table.trailer:
            balance = self._balance_line(filepath, line, text)
            if balance is not None:
                balances.append(balance)
            else:
                self._check_trailer(filepath, header, line, text)
        if running:
            balances.append(self._last_running(filepath, running))
        if not entries and not balances:
            raise ImportFileError(filepath, f"no operation under the header (line {header.line}): "
                                            "the export is empty or truncated")
        entries.sort(key=lambda e: e.date)
        return entries + balances

    def _row(self, path: str, header: Header, row: Row, ids: IdMaker):
        layout = self.layout
        date_text = row.get(header, "date")
        if not date_text:
            balance_line = self._balance_line(path, row.line, row.text)
            if balance_line is not None:
                return balance_line
            if not any(row.get(header, r) for r in ("amount", "debit", "credit")):
                return None  # a separator or a comment line inside the table
            first = row.cells[0].strip().lower() if row.cells else ""
            if first.startswith(("total", "solde", "sous-total")):
                return None
            raise ImportFileError(path, "operation without a date", row.line)
        if layout.skip_status is not None and layout.skip_status.search(row.get(header, "status")):
            return None
        try:
            date = parse_date(date_text, layout.date_formats)
            number = self._amount(header, row)
            running = row.get(header, "balance")
            balance_number = parse_amount(running, layout.decimal) if running else None
        except AmountError as exc:
            raise ImportFileError(path, str(exc), row.line) from exc
        currency = row.get(header, "currency") or self.currency
        narration = " ".join(" ".join(filter(None, (row.get(header, "narration"),
                                                    row.get(header, "memo")))).split())
        payee = " ".join(row.get(header, "payee").split()) or None
        bank_id = row.get(header, "id")
        import_id = f"{self.scheme}:{bank_id}" if bank_id else ids(date, number, f"{payee} {narration}")
        meta = data.new_metadata(path, row.line)
        txn = self.transaction(meta, date, Amount(number, currency), payee, narration, import_id)
        balance = Amount(balance_number, currency) if balance_number is not None else None
        return txn, balance

    def _amount(self, header: Header, row: Row) -> Decimal:
        decimal = self.layout.decimal
        if "amount" in header.roles:
            text = row.get(header, "amount")
            if not text:
                raise AmountError("no amount on this operation")
            return parse_amount(text, decimal)
        debit, credit = row.get(header, "debit"), row.get(header, "credit")
        if not debit and not credit:
            raise AmountError("neither a debit nor a credit on this operation")
        if debit and credit:
            raise AmountError(f"both a debit ({debit}) and a credit ({credit}) on one operation")
        if debit:
            return -abs(parse_amount(debit, decimal))  # banks print debits with or without "-"
        return abs(parse_amount(credit, decimal))

    def _balance_line(self, path: str, line: int, text: str) -> data.Balance | None:
        pattern = self.layout.balance_line
        match = pattern.search(text) if pattern is not None else None
        if match is None:
            return None
        try:
            date = parse_date(match.group("date"), ("%d/%m/%Y", "%d/%m/%y") + self.layout.date_formats)
            number = parse_amount(match.group("amount"), self.layout.decimal)
        except AmountError as exc:
            raise ImportFileError(path, f"balance line: {exc}", line) from exc
        # « Solde au 31/03 » is the balance at the end of that day: Beancount's
        # balance applies at the start of the day, hence the day after.
        return self.balance(data.new_metadata(path, line), date + datetime.timedelta(days=1),
                            Amount(number, self.currency))

    def _check_trailer(self, path: str, header: Header, line: int, text: str) -> None:
        cells = text.split(header.delimiter)
        index = header.roles["date"]
        if index < len(cells):
            try:
                parse_date(cells[index], self.layout.date_formats)
            except AmountError:
                return  # a total or a note after the table
            raise ImportFileError(path, f"{len(cells)} cell(s) where the header (line {header.line}) "
                                        f"has {len(header.cells)}: truncated row", line)

    def _last_running(self, path: str, running: Sequence[tuple[Row, datetime.date, Amount]]
                      ) -> data.Balance:
        """The running balance after the chronologically last row (files may be newest first)."""
        ascending = running[0][1] <= running[-1][1]
        row, date, amount = running[-1] if ascending else running[0]
        return self.balance(data.new_metadata(path, row.line), date + datetime.timedelta(days=1),
                            amount)

    def _account_number(self, text: str, header: Header, table: Table | None = None) -> str | None:
        """The account number the file states (preamble line or account column)."""
        pattern = self.layout.account_line
        if pattern is not None:
            for line in text.splitlines()[:header.line - 1]:
                match = pattern.search(line)
                if match:
                    return match.group("id")
        if "account" in header.roles:
            if table is not None:
                return next((r.get(header, "account") for r in table.rows if r.get(header, "account")), None)
            lines = text.splitlines()
            if len(lines) > header.line:
                cells = lines[header.line].split(header.delimiter)
                index = header.roles["account"]
                return cells[index].strip().strip('"') if index < len(cells) else None
        return None
