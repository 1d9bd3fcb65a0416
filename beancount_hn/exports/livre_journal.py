"""The livre-journal des recettes et dépenses of a year (art. 99 CGI).

Chronological: one row per receipt or expense *paid* in the year, as the
cash book attributes each treasury movement (``cashbook``): date the money
moved, piece (invoice number, else ``piece:``/link), tiers (who paid or was
paid), nature (what it pays for), ledger account, 2035 line
(``ligne-2035:`` or the default table), mode of payment, journal, and the
amount in the *Recettes* or *Dépenses* column. Movements that are neither
(transfers, personal drawings, loan capital, fixed assets) are in the FEC,
not here. A refund shows as a negative amount in its column.

Rendered as CSV for French spreadsheets and as a printable HTML page with the
totals per 2035 line (the cash part of each line: barème kilométrique,
dotations and private shares are 2035 adjustments, not payments).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from beancount_hn import lines2035
from beancount_hn.cashbook import EXPENSE, INCOME, Cashbook
from beancount_hn.exports.movements import (
    cash_entries,
    invoice_of,
    label_of,
    merged_settlements,
    piece_of,
)
from beancount_hn.exports.tables import (
    csv_amount,
    csv_date,
    csv_text,
    esc,
    html_amount,
    html_date,
    html_page,
    html_table,
)
from beancount_hn.identity import Identity, read_identity
from beancount_hn.ledger import LedgerIndex

ZERO = Decimal(0)

HEADERS = ("Date", "Pièce", "Tiers", "Nature", "Compte", "Ligne 2035", "Mode de règlement",
           "Journal", "Recettes", "Dépenses")


@dataclass(frozen=True)
class JournalRow:
    """One receipt or expense of the livre-journal."""

    date: datetime.date
    piece: str
    tiers: str
    nature: str
    account: str
    line: str  # 2035 value ("AA", "BF", "27", "non-deductible"…) or "" if unmapped
    mode: str
    journal: str
    receipt: Decimal  # money in (0 for an expense row)
    expense: Decimal  # money out, positive (0 for a receipt row)


@dataclass
class LivreJournal:
    year: int
    rows: list[JournalRow]
    identity: Identity | None = None

    @property
    def total_receipts(self) -> Decimal:
        return sum((row.receipt for row in self.rows), ZERO)

    @property
    def total_expenses(self) -> Decimal:
        return sum((row.expense for row in self.rows), ZERO)

    def by_line(self) -> dict[str, tuple[Decimal, Decimal]]:
        """(receipts, expenses) per 2035 value, in form order (unmapped last)."""
        sums: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
        for row in self.rows:
            sums[row.line][0] += row.receipt
            sums[row.line][1] += row.expense
        order = {row.code: i for i, row in enumerate(lines2035.lines())}
        return {code: (r, e) for code, (r, e) in
                sorted(sums.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))}


def build_livre_journal(entries: Sequence[data.Directive], index: LedgerIndex, year: int, *,
                        cashbook: Cashbook | None = None) -> LivreJournal:
    """The receipts and expenses paid in ``year``, in date order."""
    cashbook = cashbook or Cashbook.build(entries, index)
    rows: list[JournalRow] = []
    for move in cash_entries(entries, index, cashbook, year):
        txn = move.txn
        for settlement, amount in merged_settlements(move.settlements):
            if settlement.bucket not in (INCOME, EXPENSE):
                continue
            target = settlement.target_txn
            invoice = invoice_of(target)
            piece = invoice[0] if invoice else (piece_of(txn) or "")
            tiers = (txn.payee or "").strip()
            if not tiers and target is not None:
                tiers = (target.payee or "").strip()
            nature = txn.narration or ""
            if target is not None and target is not txn:
                nature = label_of(target) if (target.payee or "").strip() != tiers else (target.narration or "")
            line = lines2035.target_line(index, settlement.account, settlement.posting, amount) or ""
            receipt = amount if settlement.bucket == INCOME else ZERO
            expense = -amount if settlement.bucket == EXPENSE else ZERO
            rows.append(JournalRow(move.date, piece, tiers, nature.strip(), settlement.account,
                                   line, move.mode_label, move.journal.code, receipt, expense))
    return LivreJournal(year, rows, read_identity(index.config))


def _line_label(code: str) -> str:
    if not code:
        return "non rattaché à une ligne"
    if code == lines2035.NON_DEDUCTIBLE:
        return "non déductible (hors 2035)"
    if code == lines2035.NEUTRAL:
        return "neutre (hors 2035)"
    row = lines2035.by_code().get(code)
    if row is None:
        return code
    where = f" (dans {lines2035.top_box(code)})" if row.parent else ""
    return f"ligne {row.line}{where} : {row.label}"


def render_csv(book: LivreJournal) -> str:
    """``;``-separated, decimal comma, UTF-8 with BOM, a total row at the end."""
    rows: list[list[str]] = [list(HEADERS)]
    for r in book.rows:
        rows.append([csv_date(r.date), r.piece, r.tiers, r.nature, r.account, r.line, r.mode, r.journal,
                     csv_amount(r.receipt) if r.receipt else "", csv_amount(r.expense) if r.expense else ""])
    rows.append(["", "", "", f"Total {book.year}", "", "", "", "",
                 csv_amount(book.total_receipts), csv_amount(book.total_expenses)])
    return csv_text(rows)


def render_html(book: LivreJournal) -> str:
    """A printable page: the journal, then the totals per 2035 line."""
    body = [f"<p>Exercice du 01/01/{book.year} au 31/12/{book.year} — comptabilité de trésorerie "
            "(recettes encaissées, dépenses payées). Montants en euros.</p>\n"]
    rows = [[html_date(r.date), esc(r.piece), esc(r.tiers), esc(r.nature), esc(r.account), esc(r.line),
             esc(r.mode), esc(r.journal), html_amount(r.receipt) if r.receipt else "",
             html_amount(r.expense) if r.expense else ""] for r in book.rows]
    total = ["", "", "", esc(f"Total {book.year}"), "", "", "", "",
             html_amount(book.total_receipts), html_amount(book.total_expenses)]
    body.append(html_table(HEADERS, rows, {8, 9}, total))
    body.append("<h2>Totaux par ligne de la 2035</h2>\n")
    summary = [[esc(code or "—"), esc(_line_label(code)), html_amount(r) if r else "",
                html_amount(e) if e else ""] for code, (r, e) in book.by_line().items()]
    body.append(html_table(("Ligne", "Libellé", "Recettes", "Dépenses"), summary, {2, 3}))
    body.append('<p class="note">Part encaissée ou payée de chaque ligne. Le barème kilométrique, '
                "les dotations aux amortissements et les parts privées réintégrées (CC) sont des "
                "ajustements de la 2035, sans mouvement de trésorerie.</p>\n")
    return html_page(f"Livre-journal des recettes et dépenses {book.year}", book.identity, "".join(body))
