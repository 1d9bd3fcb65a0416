"""The invoice report (``invoice_report``) as text, CSV and JSON: ``hn invoices``, Fava's
page and its downloads, and the accountant's bundle show these very renderings.

Each rendering is not final (banner, ``"final": false``) over the errors it is given and the
report's own :attr:`~InvoiceReport.problems` (payments that settled nothing), whoever calls it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from beancount_hn.core.csvcells import csv_rows, number
from beancount_hn.core.errors import dedupe
from beancount_hn.core.frtypo import money, short_date
from beancount_hn.core.loading import errors_json, not_final_banner
from beancount_hn.invoicing.invoice_report import InvoiceReport, SeriesSummary, UnpaidInvoice

BOM = "\ufeff"


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _money(value: Decimal, currency: str | None) -> str:
    return money(value, currency or "EUR")


def _totals(totals: dict[str, Decimal]) -> str:
    return " + ".join(money(v, c) for c, v in sorted(totals.items())) or money(Decimal(0))


def _series_json(row: SeriesSummary) -> dict[str, Any]:
    return {
        "series": row.series,
        "pattern": row.pattern,
        "year": row.year,
        "first": row.first,
        "last": row.last,
        "count": row.count,
        "totals": {c: _amount(v) for c, v in sorted(row.totals.items())},
        "gaps": row.gaps,
        "missing": row.missing,
        "voided": [{"number": v.number, "date": v.date.isoformat(), "reason": v.reason} for v in row.voided],
        "credit_notes": [{"number": n.number, "date": n.date.isoformat(), "invoice": n.credit_of,
                          "amount": _amount(n.amount)} for n in row.credit_notes],
    }


def _unpaid_json(item: UnpaidInvoice) -> dict[str, Any]:
    invoice = item.invoice
    return {
        "number": invoice.number,
        "date": invoice.date.isoformat(),
        "payee": invoice.payee,
        "currency": item.currency,
        "amount": _amount(item.amount),
        "credited": _amount(item.credited),
        "paid": _amount(item.paid),
        "remaining": _amount(item.remaining),
        "age_days": item.age_days,
    }


def _with_problems(report: InvoiceReport, errors: Sequence) -> list:
    """``errors``, then the report's problems not already among them."""
    return dedupe([*errors, *report.problems]) if report.problems else list(errors)


def render_json(report: InvoiceReport, errors: Sequence = ()) -> str:
    """The report as JSON; ``final`` is false and ``errors`` lists them when ``errors`` or the
    report's problems are not empty."""
    errors = _with_problems(report, errors)
    return json.dumps({
        "as_of": report.as_of.isoformat(),
        "year": report.year,
        "final": not errors,
        "errors": errors_json(errors),
        "series": [_series_json(row) for row in report.series],
        "unpaid": [_unpaid_json(item) for item in report.unpaid],
    }, ensure_ascii=False, indent=2)


def render_csv(report: InvoiceReport, errors: Sequence = ()) -> str:
    """Two blocks (series, then unpaid invoices) separated by an empty line; ``;``, decimal comma, BOM.

    With ``errors``, a first row ``AVERTISSEMENT;<banner>`` says the figures are not final.
    Payees, numbers and patterns are text cells (:mod:`beancount_hn.core.csvcells`): never a formula.
    """
    errors = _with_problems(report, errors)
    rows: list[list[str | int | None]] = []
    if errors:
        rows.append(["AVERTISSEMENT", not_final_banner(len(errors))])
    rows.append(["serie", "annee", "modele", "premier", "dernier", "nombre", "total", "devise",
                 "trous", "numeros_annules", "avoirs"])
    for row in report.series:
        for currency, total in sorted(row.totals.items()) or [("", Decimal(0))]:
            rows.append([row.series, row.year, row.pattern, row.first or "", row.last or "", row.count,
                         number(total), currency, " ; ".join(row.gaps),
                         " ".join(v.number for v in row.voided),
                         " ".join(n.number for n in row.credit_notes)])
    rows.append([])
    rows.append(["numero", "date", "client", "montant", "avoirs", "encaisse", "reste_du", "devise",
                 "age_jours"])
    for item in report.unpaid:
        rows.append([item.invoice.number, item.invoice.date.isoformat(), item.invoice.payee or "",
                     number(item.amount), number(item.credited), number(item.paid), number(item.remaining),
                     item.currency or "", item.age_days])
    return BOM + csv_rows(rows)


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths, strict=True))).rstrip()

    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]


def render_table(report: InvoiceReport, errors: Sequence = ()) -> str:
    """The report for a reader: amounts and dates in French (Babel)."""
    errors = _with_problems(report, errors)
    period = f"année {report.year}" if report.year is not None else "toutes les années"
    lines = ([not_final_banner(len(errors)), ""] if errors else []) + [f"Séries de factures — {period}"]
    if not report.series:
        lines.append("  (aucune facture numérotée)")
    else:
        rows = [[r.series, str(r.year), r.pattern, r.first or "", r.last or "", str(r.count),
                 _totals(r.totals), str(r.missing), str(len(r.voided)), str(len(r.credit_notes))]
                for r in report.series]
        lines += _table(["Série", "Année", "Modèle", "Premier", "Dernier", "Nombre", "Total", "Manquants",
                         "Annulés", "Avoirs"], rows, {5, 6, 7, 8, 9})
        for r in report.series:
            details = [f"  trou : {gap}" for gap in r.gaps]
            details += [f"  numéro annulé : {v.number} (le {short_date(v.date)}, motif : {v.reason})"
                        for v in r.voided]
            details += [f"  avoir : {n.number} (le {short_date(n.date)}) sur {n.credit_of} : "
                        f"{_money(n.amount, n.currency)}" for n in r.credit_notes]
            if details:
                lines += ["", f"{r.series} {r.year} :"] + details
    lines += ["", f"Factures non entièrement réglées au {short_date(report.as_of)}"]
    if not report.unpaid:
        lines.append("  (aucune)")
        return "\n".join(lines)
    rows = [[u.invoice.number, short_date(u.invoice.date), u.invoice.payee or "", _money(u.amount, u.currency),
             _money(u.credited, u.currency), _money(u.paid, u.currency), _money(u.remaining, u.currency),
             str(u.age_days)]
            for u in report.unpaid]
    lines += _table(["Numéro", "Date", "Client", "Montant", "Avoirs", "Encaissé", "Reste dû",
                     "Âge (jours)"], rows, {3, 4, 5, 6, 7})
    totals: dict[str, Decimal] = {}
    for item in report.unpaid:
        totals[item.currency or "EUR"] = totals.get(item.currency or "EUR", Decimal(0)) + item.remaining
    lines.append(f"Reste dû au total : {_totals(totals)} ({len(report.unpaid)} facture(s))")
    return "\n".join(lines)


RENDERERS = {"table": render_table, "csv": render_csv, "json": render_json}
