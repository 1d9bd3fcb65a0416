"""One year of the 293 B franchise (``vat.YearVat``) as text: ``hn vat`` and the accountant's
bundle print these very lines."""

from __future__ import annotations

import datetime

from beancount_hn.core.errors import source_of, where
from beancount_hn.core.frtypo import date as french_date
from beancount_hn.core.frtypo import money as eur
from beancount_hn.core.frtypo import percent
from beancount_hn.tax.vat import Crossing, Decision, YearVat
from beancount_hn.tax.vat_rules import UnknownYearError

#: The periods of the 293 B rules (``vat_rules.csv``), as the user reads them.
RULES_LABELS = {"avant-2025": "règles d'avant 2025", "depuis-2025": "règles depuis 2025"}

#: The level of an alert, as the user reads it.
LEVELS = {"warning": "avertissement"}


def _yes_no(decision: Decision | None) -> str:
    if decision is None:
        return "—"
    # A franchise over a year of unknown turnover is no answer (``Decision.unknown``).
    answer = "INCONNUE" if decision.unknown else "oui" if decision.franchise else "NON"
    provisional = (f" (provisoire : barème {decision.year} absent de la table)"
                   if decision.provisional else "")
    return f"{answer} — {decision.reason}{provisional}"


def _crossed(crossing: Crossing | None) -> str:
    return f"franchi le {french_date(crossing.date)}" if crossing else "non franchi"


def _day(value: datetime.date | None) -> str:
    return f"le {french_date(value)}" if value else "— (pas cette année à ce rythme)"


def _amount(value) -> str:
    return "—" if value is None else eur(value)


def declared_note(report: YearVat) -> str:
    """What the ``vat-turnover`` option of the year says beside the counted turnover: the whole
    year's figure, and whether the franchise decisions use it (``vat.analyze`` keeps the ledger's
    own figure when the declared one is lower)."""
    declared = report.declared_turnover
    label = f'hn-option "vat-turnover" {report.year}'
    if declared is None:
        return ""
    if declared == report.counted_turnover:
        return f"égal au CA déclaré par {label}"
    if declared > report.counted_turnover:
        return (f"CA {report.year} déclaré par {label} : {eur(declared)} (l'année entière), retenu pour la "
                f"franchise de {report.year + 1}")
    return (f"CA {report.year} déclaré par {label} : {eur(declared)}, inférieur au compté : le chiffre "
            "du livre est retenu")


def _collected_note(report: YearVat) -> str:
    """Why VAT is due from ``vat_due_from`` when a receipt invoiced with VAT says it (``vat.analyze``)
    rather than the turnover counted past the majoré threshold."""
    collected = report.first_collected
    if collected is None or report.thresholds is None or report.due_from_crossing:
        return ""
    return (f' (recette tva: "collectee" du {french_date(collected.date)}, {where(source_of(collected))}, '
            "facturée avec TVA sous la franchise)")


def render_year(report: YearVat) -> list[str]:
    """The lines of one year's explanation."""
    rules = RULES_LABELS.get(report.thresholds.rules.name, report.thresholds.rules.name) if report.thresholds else "?"
    lines = [f"{report.year} · {rules} · vat-regime au 1er janvier : {report.regime}"]

    def text(label: str, value: str) -> None:
        lines.append(f"  {label} : {value}")

    def amount(label: str, value, note: str = "") -> None:
        lines.append(f"  {label:<46} {_amount(value):>14}" + (f"   {note}" if note else ""))

    for day, regime in report.regime_changes:
        text("vat-regime", f"« {regime} » à partir du {french_date(day)}")
    text("Statut", report.status)
    amount("CA compté (franchise + collectée, encaissé)", report.counted_turnover, declared_note(report))
    amount("  dont imposable par défaut (HN sans tva:)", report.taxable_by_default,
           'des soins thérapeutiques ? marquez-les tva: "exoneree"' if report.taxable_by_default else "")
    amount("Recettes exonérées à côté (art. 261-4-1° du CGI)", report.exempt_receipts)
    amount('  dont HN marquées tva: "exoneree"', report.hn_exempt)
    if report.thresholds is None:
        lines.append(f"  Seuils inconnus pour cette année : {UnknownYearError(report.year)}")
    else:
        if report.prorata_days is not None:
            text("Première année", f"seuils proratisés {report.prorata_days} jours (arrondis au centime inférieur)")
        base_label = f"Seuil de base (franchise {report.year + 1})"
        if report.base_threshold_provisional:
            base_label = f"Seuil de base (barème {report.base_threshold_year}, indicatif)"
        text(f"Franchise au 1er janvier {report.year}", _yes_no(report.franchise_at_start))
        amount(f"Seuil d'alerte ({percent(report.warning_share * 100)} du seuil de base)", report.warning_threshold,
               _crossed(report.warning_crossing))
        amount(base_label, report.base_threshold, _crossed(report.base_crossing))
        amount(f"Seuil majoré {report.year}", report.majore_threshold, _crossed(report.majore_crossing))
        if report.vat_due_from:
            text("TVA due à partir du", french_date(report.vat_due_from) + _collected_note(report))
        text(f"Franchise en {report.year + 1} (CA {report.year} à ce jour)", _yes_no(report.next_year))
        as_of = french_date(report.as_of) if report.as_of else "?"
        text(f"Projection au rythme de l'année (au {as_of})",
             f"seuil de base {_day(report.projected_base_crossing)} ; "
             f"seuil majoré {_day(report.projected_majore_crossing)}")
        text("Règles", report.thresholds.rules.summary)
        text("Source des seuils", report.thresholds.source)
    for alert in report.alerts:
        lines.append(f"  ! {LEVELS.get(alert.level, alert.level)} du {french_date(alert.date)} : {alert.message} "
                     f"[{alert.code}]")
    for error in report.errors:
        source = error.source or {}
        lines.append(f"  ✗ erreur {source.get('filename')}:{source.get('lineno')}: {error.message}")
    return lines
