"""The livre-journal des recettes et dépenses of a year (art. 99 CGI).

Chronological: one row per receipt or expense *paid* in the year, as the
cash book attributes each treasury movement (``cashbook``): date the money
moved, piece (invoice number, else ``piece:``/link), tiers (who paid or was
paid), nature (what it pays for), ledger account, the 2035 line the 2035
counted it on (``Form2035.line_of``: ``non-deductible``, ``neutre`` or
``couvert-bareme`` when none), mode of payment, journal, and the amount in the
*Recettes* or *Dépenses* column. Movements that are neither
(transfers, personal drawings, loan capital, fixed assets) are in the FEC,
not here. A refund shows as a negative amount in its column.

Rendered as CSV for French spreadsheets and as a printable HTML page with the
totals per 2035 line: its rows plus its adjustments without money (barème
kilométrique, private shares, dotations, disposal results; also a CSV of their
own) make the 2035's figure, checked to the cent before anything is written.
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from beancount_hn.core.cashbook import EXPENSE, INCOME
from beancount_hn.core.frtypo import money
from beancount_hn.core.identity import Identity, read_identity
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.exports import ExportError
from beancount_hn.exports.movements import (
    cash_entries,
    counted_line,
    invoice_of,
    label_of,
    merged_settlements,
    piece_of,
    year_form,
)
from beancount_hn.exports.tables import (
    csv_amount,
    csv_date,
    csv_text,
    esc,
    html_amount,
    html_date,
    html_page_parts,
    html_table,
    html_table_parts,
)
from beancount_hn.tax import lines2035
from beancount_hn.tax.form2035 import BAREME, DISPOSAL, DOTATION, ENTERED, SHARE, Contribution, Form2035

ZERO = Decimal(0)

#: How each kind of adjustment is named for the accountant.
ADJUSTMENT_KINDS = {BAREME: "barème kilométrique", SHARE: "part privée ou non déductible réintégrée",
                    DOTATION: "dotation aux amortissements", DISPOSAL: "plus ou moins-value de cession",
                    ENTERED: "montant saisi (hn-option ajustement-2035)"}

HEADERS = ("Date", "Pièce", "Tiers", "Nature", "Compte", "Ligne 2035", "Mode de règlement",
           "Journal", "Recettes", "Dépenses")


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True)
class LineTotal:
    """One line of the 2035 as the bundle shows it: the livre-journal's rows booked to it,
    plus its adjustments without money (barème, private shares, dotations, disposals), make
    the 2035's own figure, to the cent (all in the line's direction: + increases it)."""

    code: str
    cash: Decimal
    adjustments: Decimal
    form: Decimal


@dataclass
class LivreJournal:
    year: int
    rows: list[JournalRow]
    identity: Identity | None = None
    adjustments: list[Contribution] = field(default_factory=list)  # the 2035's, without money
    line_totals: list[LineTotal] = field(default_factory=list)

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
        return {code: (r, e) for code, (r, e) in sorted(sums.items(), key=lambda kv: lines2035.form_order(kv[0]))}


def _line_totals(rows: list[JournalRow], form: Form2035, adjusted: list[Contribution]) -> list[LineTotal]:
    """Per 2035 code: the rows booked to it and its adjustments, checked against the 2035."""
    codes = lines2035.by_code()
    cash: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        line = codes.get(row.line)
        if line is not None:
            cash[row.line] += (row.receipt - row.expense) if line.sign == "credit" else (row.expense - row.receipt)
    adjustments: dict[str, Decimal] = defaultdict(Decimal)
    for contribution in adjusted:
        adjustments[contribution.code] += contribution.amount
    direct = form.direct()
    totals = []
    for code in sorted(set(cash) | set(adjustments) | set(direct), key=lines2035.form_order):
        total = LineTotal(code, cash[code], adjustments[code], direct.get(code, ZERO))
        if total.cash + total.adjustments != total.form:  # one attribution: never hand over two figures
            raise ExportError(f"ligne {code} : le livre-journal ({money(total.cash)}) et ses ajustements "
                              f"({money(total.adjustments)}) ne font pas la 2035 ({money(total.form)}) ; "
                              "signalez ce grand livre")
        totals.append(total)
    return totals


def build_livre_journal(entries: Sequence[data.Directive], index: LedgerIndex, year: int, *,
                        form: Form2035 | None = None) -> LivreJournal:
    """The receipts and expenses paid in ``year``, in date order, each on the line the 2035
    (``form``, computed when not given) counted it on."""
    form = year_form(entries, index, year, form=form)
    rows: list[JournalRow] = []
    for move in cash_entries(entries, index, form):
        txn = move.txn
        for settlement, amount in merged_settlements(move.settlements, form):
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
            receipt = amount if settlement.bucket == INCOME else ZERO
            expense = -amount if settlement.bucket == EXPENSE else ZERO
            rows.append(JournalRow(move.date, piece, tiers, nature.strip(), settlement.account,
                                   counted_line(form, settlement), move.mode_label, move.journal.code,
                                   receipt, expense))
    adjusted = form.adjustments()
    return LivreJournal(year, rows, read_identity(index.config), adjusted, _line_totals(rows, form, adjusted))


def _line_label(code: str) -> str:
    if code == lines2035.NON_DEDUCTIBLE:
        return "non déductible (hors 2035)"
    if code == lines2035.NEUTRAL:
        return "neutre (hors 2035)"
    if code == lines2035.COVERED_BY_BAREME:
        return "frais de voiture couverts par le barème kilométrique (hors 2035)"
    row = lines2035.by_code().get(code)
    if row is None:
        return code
    where = f" (dans {lines2035.top_box(code)})" if row.parent else ""
    return f"ligne {row.line}{where} : {row.label}"


def render_csv(book: LivreJournal) -> str:
    """``;``-separated, decimal comma, UTF-8 with BOM, a total row at the end."""
    rows = ([csv_date(r.date), r.piece, r.tiers, r.nature, r.account, r.line, r.mode, r.journal,
             csv_amount(r.receipt) if r.receipt else "", csv_amount(r.expense) if r.expense else ""]
            for r in book.rows)  # one at a time: never every row's cells at once
    total = ["", "", "", f"Total {book.year}", "", "", "", "",
             csv_amount(book.total_receipts), csv_amount(book.total_expenses)]
    return csv_text(itertools.chain([list(HEADERS)], rows, [total]))


ADJUSTMENT_HEADERS = ("Date", "Ligne 2035", "Nature", "Compte", "Détail", "Montant", "Dans le FEC")


def render_adjustments_csv(book: LivreJournal) -> str:
    """The 2035's adjustments without money, one row each (the barème is also an entry of the FEC)."""
    rows: list[list[str]] = [list(ADJUSTMENT_HEADERS)]
    for a in book.adjustments:
        rows.append([csv_date(a.date), a.code, ADJUSTMENT_KINDS[a.kind], a.account, a.description,
                     csv_amount(a.amount), "oui" if a.kind == BAREME else "non"])
    return csv_text(rows)


def render_html(book: LivreJournal) -> str:
    """A printable page: the journal, then the totals per 2035 line."""
    return "".join(html_parts(book))


def html_parts(book: LivreJournal) -> Iterator[str]:
    """:func:`render_html` in parts, the journal a row at a time (a busy year has thousands)."""
    return html_page_parts(f"Livre-journal des recettes et dépenses {book.year}", book.identity, _html_body(book))


def _html_body(book: LivreJournal) -> Iterator[str]:
    yield (f"<p>Exercice du 01/01/{book.year} au 31/12/{book.year} — comptabilité de trésorerie "
           "(recettes encaissées, dépenses payées). Montants en euros.</p>\n")
    rows = ([html_date(r.date), esc(r.piece), esc(r.tiers), esc(r.nature), esc(r.account), esc(r.line),
             esc(r.mode), esc(r.journal), html_amount(r.receipt) if r.receipt else "",
             html_amount(r.expense) if r.expense else ""] for r in book.rows)
    total = ["", "", "", esc(f"Total {book.year}"), "", "", "", "",
             html_amount(book.total_receipts), html_amount(book.total_expenses)]
    yield from html_table_parts(HEADERS, rows, {8, 9}, total)
    yield "<h2>Totaux par ligne de la 2035</h2>\n"
    totals = [[esc(t.code), esc(_line_label(t.code)), html_amount(t.cash) if t.cash else "",
               html_amount(t.adjustments) if t.adjustments else "", html_amount(t.form)]
              for t in book.line_totals]
    yield html_table(("Ligne", "Libellé", "Livre-journal", "Ajustements sans trésorerie", "2035"),
                     totals, {2, 3, 4})
    outside = [[esc(_line_label(code)), html_amount(r) if r else "", html_amount(e) if e else ""]
               for code, (r, e) in book.by_line().items() if code not in lines2035.by_code()]
    if outside:
        yield "<h3>Hors 2035</h3>\n"
        yield html_table(("Nature", "Recettes", "Dépenses"), outside, {1, 2})
    yield ('<p class="note">Pour chaque ligne, les paiements du livre-journal qui y sont imputés '
           "plus ses ajustements sans mouvement de trésorerie font le montant de la 2035, au centime. "
           "Les frais de voiture couverts par le barème kilométrique, la CSG non déductible et ce qui "
           "est neutre sont payés mais comptés sur aucune ligne : le FEC les passe au compte de "
           "l'exploitant (108).</p>\n")
    if book.adjustments:
        yield "<h2>Ajustements de la 2035 sans mouvement de trésorerie</h2>\n"
        yield html_table(("Date", "Ligne", "Nature", "Compte", "Détail", "Montant"),
                         [[html_date(a.date), esc(a.code), esc(ADJUSTMENT_KINDS[a.kind]), esc(a.account),
                           esc(a.description), html_amount(a.amount)] for a in book.adjustments], {5})
