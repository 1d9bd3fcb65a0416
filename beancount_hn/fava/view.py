"""What the Cabinet page shows, ready for its template: labels, formatted figures, links.

Each figure is taken from the JSON the ``hn`` command prints
(``render.form2035.to_json_dict``, ``YearVat.to_json``, ``render.invoices.render_json``)
and carries it as ``data-value`` in the page, so the tests compare the page
with the CLI. This module formats; it computes nothing.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from markupsafe import Markup

from beancount_hn.core import frtypo
from beancount_hn.core.cashbook import OpenReceivables
from beancount_hn.core.classify import CONVENTIONNE, DEPASSEMENT, NON_CONVENTIONNE
from beancount_hn.core.errors import dedupe
from beancount_hn.fava import svg
from beancount_hn.fava.figures import LedgerFigures
from beancount_hn.fava.split import UNCLASSIFIED, ConventionSplit
from beancount_hn.render.form2035 import SECTIONS, SOCIAL_LABELS, SOCIAL_NOTE, UNCERTAIN_NOTE
from beancount_hn.render.form2035 import status as form_status
from beancount_hn.render.invoices import render_json as invoices_json
from beancount_hn.render.vat import declared_note
from beancount_hn.tax import lines2035
from beancount_hn.tax.vat import STATUS_FRANCHISE, STATUS_LOST_NEXT_YEAR, STATUS_REEL, STATUS_TOLERANCE, YearVat

LOG = logging.getLogger(__name__)

STATUS_LABELS = {
    CONVENTIONNE: "Conventionné (actes NGAP)",
    DEPASSEMENT: "Dépassements (DE)",
    NON_CONVENTIONNE: "Non conventionné (hors nomenclature)",
    UNCLASSIFIED: "Non classé (à corriger)",
}
STATUS_CSS = {CONVENTIONNE: "hn-conv", DEPASSEMENT: "hn-dep", NON_CONVENTIONNE: "hn-hn",
              UNCLASSIFIED: "hn-unclassified"}
#: The social split of the form, by status (``render.form2035.to_json_dict(form)["social"]``).
SOCIAL_KEYS = {CONVENTIONNE: "conventionne", DEPASSEMENT: "DSAW", NON_CONVENTIONNE: "non_conventionne",
               UNCLASSIFIED: "unclassified"}


class Urls(Protocol):
    """The links of the page (Fava's routes)."""

    def journal(self, filter_text: str) -> str: ...

    def line(self, year: int, code: str) -> str: ...

    def source(self, filename: str, lineno: int) -> str | None: ...

    def year(self, year: int) -> str: ...

    def download(self, endpoint: str, year: int) -> str: ...


@dataclass(frozen=True)
class Figure:
    """One figure of the page: what is shown, and the CLI's JSON value behind it."""

    text: str
    key: str = ""
    value: str = ""
    href: str | None = None
    title: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def attrs(self) -> Markup:
        """``data-hn``/``data-value`` attributes (escaped) for the cell holding the figure."""
        if not self.key:
            return Markup("")
        parts = [Markup(' data-hn="{}" data-value="{}"').format(self.key, self.value)]
        parts += [Markup(' data-{}="{}"').format(k, v) for k, v in self.extra.items()]
        return Markup("").join(parts)


def money(value: Any) -> str:
    return frtypo.money(Decimal(value))


def euros(value: Any) -> str:
    return frtypo.number(Decimal(value), 0)


def share(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{frtypo.number(value, 1)}\u202f%"


def day(value: str | datetime.date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return frtypo.date(value)


# --- the page ----------------------------------------------------------------------------


@dataclass
class YearLink:
    year: int
    href: str
    current: bool


@dataclass
class SplitRow:
    label: str
    css: str
    amount: Figure
    share: str
    previous: Figure
    previous_share: str


@dataclass
class SplitView:
    rows: list[SplitRow]
    total: Figure
    previous_total: Figure
    chart: Markup
    month_headers: list[str]  # the statuses of the monthly table
    months: list[tuple[str, list[str], str]]  # month label, amounts by status, total
    filtered: bool
    empty: bool = False  # no receipt in the year (nor the previous one): no chart, no shares
    has_previous: bool = True  # the previous year has receipts: its bars and legend are shown
    previous_label: str = ""  # the previous year, « sur la même période » when the year is in progress


@dataclass
class FactRow:
    label: str
    figure: Figure
    note: str = ""
    numeric: bool = True  # an amount (right-aligned figures) rather than a date or a word


@dataclass
class VatView:
    status: Figure
    level: str
    gauge: Markup | None
    facts: list[FactRow]
    alerts: list[tuple[str, str]]  # date, message
    errors: list[Problem]
    note: str


@dataclass
class SeriesRow:
    series: str
    pattern: str
    first: str
    last: Figure
    count: Figure
    total: str
    gaps: list[str]
    missing: Figure
    voided: list[str]
    credit_notes: list[str]
    duplicates: list[tuple[str, str | None]]  # number, source link


@dataclass
class UnpaidRow:
    number: str
    href: str | None
    date: str
    payee: str
    amount: str
    credited: str
    paid: str
    remaining: Figure
    age: Figure


@dataclass
class InvoicesView:
    as_of: str
    series: list[SeriesRow]
    unpaid: list[UnpaidRow]
    unpaid_total: str
    filtered: bool
    unpaid_value: str = "0.00"  # the same, as in the CLI's JSON (sum of ``remaining``)
    errors: list[Problem] = field(default_factory=list)  # the report's own (a payment that settled nothing)


@dataclass
class LineRow:
    line: str
    code: str
    label: str
    uncertain: bool
    css: str
    figure: Figure


@dataclass
class FormSection:
    key: str  # recettes, depenses, resultat, cadre8
    title: str
    rows: list[LineRow]


@dataclass
class FormView:
    sections: list[FormSection]
    social: list[tuple[str, str, bool, Figure]]  # code, label, uncertain (« (?) »), figure
    social_note: str
    reconciliation: list[tuple[str, Figure]]
    closed: bool
    problems: list[Problem]  # errors and hints of the form
    uncertain_note: str
    downloads: list[tuple[str, str]]


@dataclass
class Problem:
    """An error or hint, with its file and line and the link to that line."""

    where: str  # full path:line
    short: str  # file name:line
    href: str | None
    message: str
    kind: str = ""

    @classmethod
    def of(cls, error: Any, urls: Urls, prefix: str = "") -> Problem:
        source = error.source or {}
        filename = str(source.get("filename", "") or "")
        lineno = int(source.get("lineno", 0) or 0)
        where = f"{filename}:{lineno}" if filename else "—"
        short = f"{os.path.basename(filename)}:{lineno}" if filename else "—"
        href = None if not filename or filename.startswith("<") else urls.source(filename, lineno)
        return cls(where, short, href, prefix + str(error.message), type(error).__name__)


@dataclass
class KeyFigure:
    """One of the key figures at the top of the page, linking to its section."""

    label: str
    figure: Figure
    anchor: str  # id of the section it summarises
    level: str = ""  # ok, warning, danger or neutral (coloured mark), "" for none
    note: str = ""


@dataclass
class ErrorBanner:
    """The ledger's errors (all of them, Beancount's and the plugins'): count and the first ones."""

    count: int
    first: list[Problem]
    #: ``render.form2035.status``'s banner (« CHIFFRES NON DÉFINITIFS … »), the line ``hn 2035`` prints.
    headline: str = ""


@dataclass
class Page:
    year: int
    years: list[YearLink]
    notices: list[str]
    split: SplitView
    vat: VatView | None
    invoices: InvoicesView
    form: FormView
    errors: list[Problem]
    sections: dict[str, str] = field(default_factory=dict)  # section -> why it could not be shown
    key_figures: list[KeyFigure] = field(default_factory=list)
    banner: ErrorBanner | None = None  # None: the ledger has no error
    unavailable: list[tuple[str, str]] = field(default_factory=list)  # download label, why not


# --- receipts by convention status ------------------------------------------------------------


def split_view(figures: LedgerFigures, year: int, urls: Urls, kept: frozenset[int] | None) -> SplitView:
    """The year's receipts by convention status beside the previous year's, and the monthly chart."""
    social = figures.form_json(year)["social"]
    previous_social = figures.form_json(year - 1)["social"]
    current = figures.split(year) if kept is None else figures.filtered_split(year, kept)
    previous = figures.split(year - 1) if kept is None else figures.filtered_split(year - 1, kept)

    so_far = figures.months_so_far(year)
    if so_far is not None:  # a year in progress: the previous year's same months
        previous = figures.split_until(previous, so_far)
        period = "janvier" if so_far == 1 else f"janvier à {frtypo.MONTHS[so_far - 1].lower()}"
        previous_label = f"{year - 1} sur la même période ({period})"
    else:
        previous_label = str(year - 1)

    def amount(split: ConventionSplit, json_social: dict[str, Any] | None, status: str, key: str) -> Figure:
        if json_social is not None:  # the form's own figure (equal to the months' sum, to the cent)
            value = Decimal(json_social[SOCIAL_KEYS[status]])
            return Figure(money(value), key, json_social[SOCIAL_KEYS[status]])
        return Figure(money(split.totals[status]), key, f"{split.totals[status]:.2f}")

    whole = kept is None
    whole_previous = whole and so_far is None
    rows = []
    for status in (CONVENTIONNE, DEPASSEMENT, NON_CONVENTIONNE, UNCLASSIFIED):
        if status == UNCLASSIFIED and not (current.totals[status] or previous.totals[status]):
            continue
        rows.append(SplitRow(
            STATUS_LABELS[status], STATUS_CSS[status],
            amount(current, social if whole else None, status, f"split.{status}"), share(current.share(status)),
            amount(previous, previous_social if whole_previous else None, status, f"split.previous.{status}"),
            share(previous.share(status))))
    total = Figure(money(Decimal(social["DSCS"])), "split.total", social["DSCS"]) if whole else \
        Figure(money(current.total), "split.total", f"{current.total:.2f}")
    previous_total = Figure(money(Decimal(previous_social["DSCS"])), "split.previous.total",
                            previous_social["DSCS"]) if whole_previous else \
        Figure(money(previous.total), "split.previous.total", f"{previous.total:.2f}")
    statuses = [r for r in (CONVENTIONNE, DEPASSEMENT, NON_CONVENTIONNE, UNCLASSIFIED)
                if r != UNCLASSIFIED or current.totals[r]]
    empty = not any(current.totals.values())
    has_previous = any(previous.totals.values())
    chart = "" if empty else svg.monthly_bars(
        [svg.Series(STATUS_LABELS[s], STATUS_CSS[s], [current.months[m][s] for m in range(1, 13)])
         for s in statuses],
        [previous.month_total(m) for m in range(1, 13)] if has_previous else None,
        previous_label=previous_label)
    months = [] if empty else [(frtypo.MONTHS[m - 1], [money(current.months[m][s]) for s in statuses],
                                money(current.month_total(m))) for m in range(1, 13)]
    return SplitView(rows, total, previous_total, Markup(chart), [STATUS_LABELS[s] for s in statuses],
                     months, kept is not None, empty, has_previous, previous_label)


# --- VAT franchise ---------------------------------------------------------------------------


def _vat_status(report: YearVat) -> tuple[str, str]:
    """French label and level (ok, warning, danger, neutral) of a year's franchise status."""
    if report.status == STATUS_FRANCHISE:
        return "Franchise maintenue", "ok"
    if report.status == STATUS_TOLERANCE:
        return (f"Franchise maintenue en {report.year + 1} par la seule tolérance de deux ans "
                "(seuil de base dépassé)"), "warning"
    if report.status == STATUS_LOST_NEXT_YEAR:
        return f"Franchise perdue l'an prochain (TVA à facturer dès le 1er janvier {report.year + 1})", \
            "warning"
    if report.status == STATUS_REEL:
        return "Régime réel : TVA facturée", "neutral"
    if report.vat_due_from is not None:
        return f"Franchise perdue : TVA due depuis le {frtypo.date(report.vat_due_from)}", "danger"
    return "Seuils inconnus pour cette année : mettez beancount-hn à jour", "neutral"


def vat_view(figures: LedgerFigures, year: int, urls: Urls) -> VatView | None:
    """The 293 B gauge and facts of ``year`` (``hn vat --year``), or None without receipts."""
    report = figures.vat.years.get(year)
    if report is None:
        return None
    js = report.to_json()
    status, level = _vat_status(report)
    if level == "ok" and report.warning_crossing is not None:
        level = "warning"
    facts = [
        FactRow("CA compté (franchise + collectée, encaissé)",
                Figure(money(js["counted_turnover"]), "vat.counted_turnover", js["counted_turnover"]),
                declared_note(report)),
        FactRow("dont imposable par défaut (HN sans tva:)",
                Figure(money(js["taxable_by_default"]), "vat.taxable_by_default", js["taxable_by_default"]),
                'des soins thérapeutiques ? marquez-les tva: "exoneree"' if report.taxable_by_default else ""),
        FactRow("Recettes exonérées (art. 261-4-1° CGI)",
                Figure(money(js["exempt_receipts"]), "vat.exempt_receipts", js["exempt_receipts"])),
    ]
    gauge = None
    if report.thresholds is not None:
        assert report.base_threshold is not None and report.majore_threshold is not None
        assert report.warning_threshold is not None
        percent = f"{float(report.warning_share * 100):g}\u202f%"
        base_note = (f"barème {report.base_threshold_year}, indicatif" if report.base_threshold_provisional
                     else f"franchise {year + 1}")
        prorata = "" if report.prorata_days is None else f" (proratisé {report.prorata_days} jours)"

        def crossed(date_value: str | None) -> str:
            return f"franchi le {day(date_value)}" if date_value else "non franchi"

        facts += [
            FactRow(f"Seuil d'alerte ({percent} du seuil de base)",
                    Figure(money(js["warning_threshold"]), "vat.warning_threshold", js["warning_threshold"]),
                    crossed(js["warning_crossing_date"])),
            FactRow(f"Seuil de base ({base_note}){prorata}",
                    Figure(money(js["base_threshold"]), "vat.base_threshold", js["base_threshold"]),
                    crossed(js["base_crossing_date"])),
            FactRow(f"Seuil majoré {year}{prorata}",
                    Figure(money(js["majore_threshold"]), "vat.majore_threshold", js["majore_threshold"]),
                    crossed(js["crossing_date"])),
        ]
        if report.vat_due_from is not None:
            facts.append(FactRow("TVA due à partir du",
                                 Figure(day(js["vat_due_from"]), "vat.vat_due_from", js["vat_due_from"]),
                                 numeric=False))
        if report.next_year is not None:
            facts.append(FactRow(f"Franchise en {year + 1} (CA {year} à ce jour)",
                                 Figure("inconnue" if report.next_year.unknown  # a year the books lack
                                        else "oui" if report.next_year.franchise else "non",
                                        "vat.next_year.franchise", json.dumps(report.next_year.franchise)),
                                 report.next_year.reason, numeric=False))
        as_of = day(js["as_of"])
        for label, key in (("Projection : seuil de base atteint le", "projected_base_crossing"),
                           ("Projection : seuil majoré atteint le", "projected_majore_crossing")):
            value = js[key]
            facts.append(FactRow(label, Figure(day(value) if value else "pas cette année à ce rythme",
                                               f"vat.{key}", value or ""),
                                 f"au rythme de l'année jusqu'au {as_of}", numeric=False))
        markers = [svg.Marker("alerte", report.warning_threshold, report.warning_crossing is not None),
                   svg.Marker("base", report.base_threshold, report.base_crossing is not None),
                   svg.Marker("majoré", report.majore_threshold, report.majore_crossing is not None)]
        gauge = Markup(svg.gauge(report.counted_turnover, markers, level=level))
    errors = [Problem.of(e, urls) for e in report.errors]
    note = (f"Règle appliquée : {report.thresholds.rules.summary.rstrip('. ')}. "
            f"Source des seuils : {report.thresholds.source.rstrip('. ')}.") if report.thresholds else ""
    return VatView(Figure(status, "vat.status", js["status"]), level, gauge, facts,
                   [(day(a.date), a.message) for a in report.alerts], errors, note)


# --- invoices ------------------------------------------------------------------------------------


def invoices_view(figures: LedgerFigures, year: int, urls: Urls, kept: frozenset[int] | None) -> InvoicesView:
    """``hn invoices --year``: numbering per series, duplicates, unpaid invoices on 31 December."""
    report = figures.invoices(year)
    js = json.loads(invoices_json(report))
    book = figures.invoice_book
    rows = []
    for row, data in zip(report.series, js["series"], strict=True):
        key = f"invoices.series.{row.series}.{row.year}"
        duplicates = [(later.number, _source_href(urls, later.meta)) for later, _ in book.duplicates
                      if later.series == row.series and later.year == row.year]
        rows.append(SeriesRow(
            series=row.series, pattern=row.pattern, first=row.first or "—",
            last=Figure(row.last or "—", f"{key}.last", data["last"] or ""),
            count=Figure(str(row.count), f"{key}.count", str(data["count"])),
            total=" + ".join(money(v) if c == "EUR" else f"{frtypo.number(Decimal(v))} {c}"
                             for c, v in data["totals"].items()) or "—",
            gaps=list(row.gaps), missing=Figure(str(row.missing), f"{key}.missing", str(data["missing"])),
            voided=[f"{v.number} ({v.reason})" for v in row.voided],
            credit_notes=[f"{n.number} sur {n.credit_of} : {money(-n.amount)}" for n in row.credit_notes],
            duplicates=duplicates))
    unpaid = []
    total = Decimal(0)
    for item, data in zip(report.unpaid, js["unpaid"], strict=True):
        if kept is not None and id(item.invoice.txn) not in kept:
            continue
        key = f"invoices.unpaid.{item.invoice.number}"
        journal = figures.invoice_filter(item.invoice.txn, item.invoice.number)
        total += item.remaining
        unpaid.append(UnpaidRow(
            number=item.invoice.number, href=urls.journal(journal.filter) if journal else None,
            date=day(item.invoice.date), payee=item.invoice.payee or "",
            amount=money(item.amount), credited=money(item.credited), paid=money(item.paid),
            remaining=Figure(money(item.remaining), f"{key}.remaining", data["remaining"]),
            age=Figure(str(item.age_days), f"{key}.age_days", str(data["age_days"]))))
    return InvoicesView(day(report.as_of), rows, unpaid, money(total), kept is not None, f"{total:.2f}",
                        [Problem.of(error, urls) for error in report.problems])


# --- the 2035 ------------------------------------------------------------------------------------


def _form_order(rows: Sequence[lines2035.Line2035]) -> list[lines2035.Line2035]:
    """The form's lines as the page lists them: a sub-line whose parent is the « dont » box of
    its own line number (line 29 and BY) comes before that box, which reads as « dont » of it."""
    ordered = list(rows)
    for i in range(len(ordered) - 1):
        box, sub = ordered[i], ordered[i + 1]
        if box.kind == lines2035.DONT and sub.parent == box.code and sub.line == box.line:
            ordered[i], ordered[i + 1] = sub, box
    return ordered


def form_view(figures: LedgerFigures, year: int, urls: Urls, downloads: Sequence[tuple[str, str]]) -> FormView:
    """The 2035-A/B line by line (each amount a journal link), the social split, the reconciliation."""
    form = figures.form(year)
    js = figures.form_json(year)
    filters = figures.line_filters(year)
    sections: list[FormSection] = []
    for row in _form_order(form.lines()):
        if not sections or sections[-1].key != row.section:
            sections.append(FormSection(row.section, SECTIONS[row.section], []))
        # A nil line has nothing behind it worth listing (a nil total would list every posting).
        journal = filters.get(row.code) if Decimal(js["lines"][row.code]) else None
        formula = form.formula(row.code)
        title = f"= {formula}" if formula else None
        if journal is not None:
            title = (title + " — " if title else "") + (
                f"{journal.count} écriture(s) dans le journal" if journal.exact
                else "journal approché : certaines écritures n'ont pas pu être désignées")
        css = "hn-total" if row.kind == lines2035.TOTAL else ("hn-detail" if row.parent else "")
        figure = Figure(euros(js["euros"][row.code]), f"2035.lines.{row.code}", js["lines"][row.code],
                        urls.line(year, row.code) if journal else None, title,
                        {"euros": str(js["euros"][row.code])})
        sections[-1].rows.append(LineRow(row.line, row.code if row.is_box else "", row.label,
                                         row.uncertain, css, figure))
    social = []
    uncertain = set(js["social"]["uncertain"])
    for code, label in SOCIAL_LABELS.items():
        value = js["social"][code]
        text = "—" if value is None else (frtypo.number(Decimal(value), 2) if code == "DSAU" else money(value))
        social.append((code, label, code in uncertain, Figure(text, f"2035.social.{code}", value or "")))
    social.append(("", "dont non conventionné (HN)", False,
                   Figure(money(js["social"]["non_conventionne"]), "2035.social.non_conventionne",
                          js["social"]["non_conventionne"])))
    rec = js["reconciliation"]

    def rec_figure(label: str, key: str, value: str) -> tuple[str, Figure]:
        return label, Figure(money(value), f"2035.reconciliation.{key}", value)

    reconciliation = [rec_figure("Mouvement net des comptes de trésorerie", "treasury", rec["treasury"]),
                      rec_figure("+ recettes encaissées (lignes créditrices)", "receipts", rec["receipts"]),
                      rec_figure("− dépenses payées (lignes débitrices)", "expenses", rec["expenses"])]
    for group, label in (("neutral", "± neutre"), ("non_deductible", "± non déductible"),
                         ("unexplained", "! inexpliqué"), ("unmapped", "! compte sans ligne 2035")):
        for account, value in rec[group].items():
            reconciliation.append(rec_figure(f"{label} : {account}", f"{group}.{account}", value))
    if Decimal(rec["personal_funds"]):
        reconciliation.append(rec_figure("+ dépenses payées sur fonds personnels (apport)", "personal_funds",
                                         rec["personal_funds"]))
    reconciliation.append(rec_figure("Écart", "difference", rec["difference"]))
    problems = ([Problem.of(e, urls) for e in form.errors]
                + [Problem("—", "—", None, f"volet social : {warning}", "SocialWarning")
                   for warning in js["social"]["warnings"]]
                + [Problem.of(h, urls, "conseil : ") for h in form.hints])
    return FormView(sections, social, SOCIAL_NOTE, reconciliation, bool(rec["closed"]), problems,
                    UNCERTAIN_NOTE, list(downloads))


# --- errors of the hn plugins ----------------------------------------------------------------------


def is_hn_error(error: Any) -> bool:
    """An error of a beancount-hn plugin (its types come from ``beancount_hn.core.errors``)."""
    if type(error).__module__.startswith("beancount_hn"):
        return True
    message = str(getattr(error, "message", ""))
    return message.startswith(('Error applying plugin "beancount_hn', 'Error importing "beancount_hn',
                               'Importing module "beancount_hn'))


def errors_view(errors: Sequence[Any], urls: Urls) -> list[Problem]:
    """The ledger's beancount-hn errors, in file and line order, each linked to its line."""
    return [Problem.of(e, urls) for e in sorted((e for e in errors if is_hn_error(e)), key=_order)]


def _order(error: Any) -> tuple[str, int]:
    source = error.source or {}
    return str(source.get("filename", "")), int(source.get("lineno", 0) or 0)


def _source_href(urls: Urls, source: dict[str, Any] | None) -> str | None:
    if not source or not source.get("filename") or str(source["filename"]).startswith("<"):
        return None
    return urls.source(str(source["filename"]), int(source.get("lineno", 0) or 0))


# --- the key figures and the error banner ----------------------------------------------------------

BANNER_SIZE = 5  # errors shown in the banner; the rest are on Fava's errors page
#: The type shown for the error of a year the books do not cover whole (``form2035.coverage_errors``).
COVERAGE_KIND = "Exercice non couvert par le livre"


def key_figures(figures: LedgerFigures, year: int, vat: VatView | None) -> list[KeyFigure]:
    """The row at the top: receipts, expenses, profit or loss (the 2035's lines), 293 B, what is owed.

    The amounts are the 2035's (``to_json_dict`` of the same cached form), the VAT status that
    of the section below, the amount owed the receivables open on 31 December (invoices and FSE
    lots: ``invoice_report.open_receivables``). All are the whole ledger's, whatever the filters.
    """
    js = figures.form_json(year)
    lines = js["lines"]

    def line(label: str, code: str, anchor: str) -> KeyFigure:
        return KeyFigure(label, Figure(money(lines[code]), f"key.{code}", lines[code]), anchor,
                         note=f"ligne {code} de la 2035")

    result = [line("Recettes encaissées", "AA", "hn-recettes"), line("Dépenses", "BR", "hn-2035")]
    if Decimal(lines["CR"]) > 0:
        deficit = line("Déficit", "CR", "hn-2035")
        result.append(dataclasses.replace(deficit, level="danger"))
    else:
        result.append(line("Bénéfice", "CP", "hn-2035"))
    if vat is None:
        result.append(KeyFigure("Franchise TVA 293 B", Figure("aucune recette", "key.vat", ""), "hn-tva",
                                "neutral"))
    else:
        result.append(KeyFigure("Franchise TVA 293 B", dataclasses.replace(vat.status, key="key.vat"),
                                "hn-tva", vat.level))
    owed = figures.receivables(year)
    result.append(KeyFigure(
        "Factures et FSE impayées", Figure(money(owed.total), "key.unpaid", f"{owed.total:.2f}"),
        "hn-factures", "warning" if owed.count else "",
        f"au {day(owed.as_of)} : {_owed_note(owed) if owed.count else 'rien'}"))
    return result


def _owed_note(owed: OpenReceivables) -> str:
    def plural(count: int, word: str) -> str:
        return f"{count} {word}{'s' if count > 1 else ''}"
    parts = [plural(owed.invoices, "facture")] if owed.invoices else []
    parts += [f"{owed.lots} lot{'s' if owed.lots > 1 else ''} FSE"] if owed.lots else []
    parts += [plural(owed.others, "autre créance")] if owed.others else []
    return ", ".join(parts)


def error_banner(errors: Sequence[Any], urls: Urls, headline: str = "") -> ErrorBanner | None:
    """Every error of the ledger (Beancount's and the plugins'), the first few linked to their line;
    ``headline`` alone (no error) when the figures are not final for another reason."""
    if not errors and not headline:
        return None
    return ErrorBanner(len(errors), [Problem.of(e, urls) for e in list(errors)[:BANNER_SIZE]], headline)


# --- the whole page ----------------------------------------------------------------------------------


def build_page(figures: LedgerFigures, year: int, urls: Urls, *, notices: Sequence[str] = (),
               kept: frozenset[int] | None = None, errors: Sequence[Any] = (),
               downloads: Sequence[tuple[str, str]] = (),
               unavailable: Sequence[tuple[str, str]] = (), refusal: Sequence[Any] = ()) -> Page:
    """Every section of the page for ``year``; ``kept`` are the entry ids Fava's filters retain.

    A year the books do not cover whole (``form2035.coverage_errors``: before their first
    ``treasury`` day, or begun after 1 January) has its error first in the banner and in the
    page's errors: the figures are said not final, and why, never a 2035 that looks final.
    So has ``refusal``, the error of a year ``hn 2035 --year`` refuses (a year without any
    transaction). The banner carries every error ``hn 2035 --year`` reports, the form's own
    included (``render.form2035.status``), and its « CHIFFRES NON DÉFINITIFS » line.
    """
    problems: dict[str, str] = {}
    coverage = [*refusal, *figures.coverage(year)]
    uncovered = [dataclasses.replace(Problem.of(error, urls), kind=COVERAGE_KIND) for error in coverage]

    def section(name: str, make: Any, fallback: Any) -> Any:
        # One failing section (a ledger the code does not expect) must not take the page down.
        try:
            return make()
        except Exception as exc:  # noqa: BLE001 - shown on the page, logged with its traceback
            LOG.exception("Cabinet: section %s of %s failed", name, year)
            problems[name] = f"{type(exc).__name__}: {exc}"
            return fallback

    empty_split = SplitView([], Figure("—"), Figure("—"), Markup(""), [], [], kept is not None, True, False)
    empty_form = FormView([], [], SOCIAL_NOTE, [], False, [], UNCERTAIN_NOTE, list(downloads))
    years = sorted(set(figures.years) | {year})
    # The errors ``hn 2035 --year`` reports for this year, as the core computed them (the ledger's,
    # then the form's own: an account without a 2035 line, a payment that settles nothing…).
    state = section("2035", lambda: form_status(figures.form(year), [*coverage, *errors]), None)
    all_errors = dedupe([*coverage, *errors]) if state is None else state.errors
    own_errors = [e for e in all_errors if not any(e is c for c in coverage)]
    headline = "" if state is None or state.final else (state.banner or "")
    vat = section("tva", lambda: vat_view(figures, year, urls), None)
    invoices = section("factures", lambda: invoices_view(figures, year, urls, kept),
                       InvoicesView("", [], [], "", kept is not None))
    return Page(
        year=year,
        years=[YearLink(y, urls.year(y), y == year) for y in years],
        notices=list(notices),
        split=section("recettes", lambda: split_view(figures, year, urls, kept), empty_split),
        vat=vat,
        invoices=invoices,
        form=section("2035", lambda: form_view(figures, year, urls, downloads), empty_form),
        errors=[*uncovered, *errors_view(own_errors, urls)],
        sections=problems,
        key_figures=section("synthèse", lambda: key_figures(figures, year, vat), []),
        banner=error_banner(all_errors, urls, headline),
        unavailable=list(unavailable),
    )
