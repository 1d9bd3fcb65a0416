"""The registre des immobilisations et amortissements of a year (art. 99 CGI).

A view of ``assets.build_registre`` — the depreciation schedule is computed
there, never here: for each asset held during the year, its cost, plan,
depreciation before the year, the year's dotation, the cumulated depreciation
and the net book value at the end of the year (or at its disposal), and the
disposal's price and short/long-term result. CSV for French spreadsheets and
printable HTML.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from beancount_hn.core.frtypo import date as french_date
from beancount_hn.core.frtypo import money
from beancount_hn.core.identity import Identity, read_identity
from beancount_hn.core.ledger import LedgerIndex
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
from beancount_hn.tax.assets import NOT_DEPRECIABLE, Asset, Registre, build_registre
from beancount_hn.tax.vehicle import forfait

ZERO = Decimal(0)

HEADERS = ("Désignation", "Compte", "Date d'acquisition", "Mise en service", "Valeur d'origine",
           "Mode et durée", "Amortissements antérieurs", "Dotation de l'exercice",
           "Amortissements cumulés", "Valeur nette comptable", "Date de cession", "Prix de cession",
           "Plus ou moins-value", "dont court terme", "dont long terme", "Observations")
NUMERIC = {4, 6, 7, 8, 9, 11, 12, 13, 14}


@dataclass(frozen=True)
class RegistreRow:
    """One asset in the registre of a year."""

    asset: Asset
    before: Decimal  # depreciation deducted before the year
    dotation: Decimal
    cumulated: Decimal
    net_book_value: Decimal
    disposal_date: datetime.date | None
    price: Decimal | None
    result: Decimal | None
    short_term: Decimal | None
    long_term: Decimal | None
    note: str


@dataclass
class RegistreView:
    year: int
    rows: list[RegistreRow]
    identity: Identity | None = None

    def total(self, attribute: str) -> Decimal:
        return sum((getattr(row, attribute) or ZERO for row in self.rows), ZERO)

    @property
    def total_cost(self) -> Decimal:
        return sum((row.asset.cost for row in self.rows), ZERO)


def build_registre_view(entries: Sequence[data.Directive], index: LedgerIndex, year: int, *,
                        registre: Registre | None = None) -> RegistreView:
    """The assets held in ``year`` with the figures of ``assets``' schedule."""
    registre = registre or build_registre(entries, index)
    bareme = forfait(index, year) is not None
    rows = []
    for asset in registre.held_in(year):
        row = asset.depreciation(year)
        before = asset.cumulated_at(year - 1)
        cumulated = asset.cumulated_at(year)
        result = asset.disposal_result() if asset.disposal and asset.disposal.date.year == year else None
        notes = []
        if asset.plan.method == NOT_DEPRECIABLE:
            notes.append("non amortissable")
        for reduction in asset.reductions:
            notes.append(f"valeur d'origine nette d'une réduction de prix de {money(reduction.amount)} "
                         f"le {french_date(reduction.date)}")
        if asset.vehicle and bareme and row is not None and row.dotation:
            notes.append(f"véhicule : dotation couverte par le barème kilométrique en {year}, "
                         "non déduite sur la 2035")
        rows.append(RegistreRow(
            asset=asset,
            before=before,
            dotation=row.dotation if row is not None else ZERO,
            cumulated=cumulated,
            net_book_value=asset.cost - cumulated,
            disposal_date=result.date if result else None,
            price=result.price if result else None,
            result=result.result if result else None,
            short_term=result.short_term if result else None,
            long_term=result.long_term if result else None,
            note="; ".join(notes),
        ))
    return RegistreView(year, rows, read_identity(index.config))


def render_csv(view: RegistreView) -> str:
    rows: list[list[str]] = [list(HEADERS)]
    for r in view.rows:
        a = r.asset
        rows.append([a.designation, a.account, csv_date(a.acquired), csv_date(a.start), csv_amount(a.cost),
                     str(a.plan), csv_amount(r.before), csv_amount(r.dotation), csv_amount(r.cumulated),
                     csv_amount(r.net_book_value), csv_date(r.disposal_date), csv_amount(r.price),
                     csv_amount(r.result), csv_amount(r.short_term), csv_amount(r.long_term), r.note])
    rows.append([f"Total {view.year}", "", "", "", csv_amount(view.total_cost), "",
                 csv_amount(view.total("before")), csv_amount(view.total("dotation")),
                 csv_amount(view.total("cumulated")), csv_amount(view.total("net_book_value")),
                 "", "", "", "", "", ""])
    return csv_text(rows)


def render_html(view: RegistreView) -> str:
    body = [f"<p>Exercice {view.year}. Amortissement linéaire, prorata temporis sur 360 jours ; "
            "montants en euros.</p>\n"]
    if view.rows:
        rows = []
        for r in view.rows:
            a = r.asset
            rows.append([esc(a.designation), esc(a.account), html_date(a.acquired), html_date(a.start),
                         html_amount(a.cost), esc(a.plan), html_amount(r.before), html_amount(r.dotation),
                         html_amount(r.cumulated), html_amount(r.net_book_value),
                         html_date(r.disposal_date), html_amount(r.price), html_amount(r.result),
                         html_amount(r.short_term), html_amount(r.long_term), esc(r.note)])
        total = [esc(f"Total {view.year}"), "", "", "", html_amount(view.total_cost), "",
                 html_amount(view.total("before")), html_amount(view.total("dotation")),
                 html_amount(view.total("cumulated")), html_amount(view.total("net_book_value")),
                 "", "", "", "", "", ""]
        body.append(html_table(HEADERS, rows, NUMERIC, total))
    else:
        body.append(f"<p>Aucune immobilisation détenue en {view.year}.</p>\n")
    return html_page(f"Registre des immobilisations et amortissements {view.year}", view.identity,
                     "".join(body))
