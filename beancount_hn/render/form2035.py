"""Formats of a computed 2035 (:class:`beancount_hn.tax.form2035.Form2035`).

Text table, JSON, CSV for French spreadsheets (``;``, decimal comma, UTF-8
with BOM) and a standalone HTML page; ``--explain`` listings. Nothing is
computed here: every figure comes from ``form2035``.

Besides the 2035-A and 2035-B, each output says where the results go on the
2042-C-PRO (``declaration``), the PAMC social split with the relevé SNIR
cross-check, the 2035-B cadre 7 of a barème year, the duties around the form
(2035-E, DAS-2) and, per box, the public source of its code and label.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from decimal import Decimal
from typing import Any

from beancount_hn.core.amounts import round_euros
from beancount_hn.core.csvcells import Number, csv_rows
from beancount_hn.core.csvcells import number as csv_number
from beancount_hn.core.errors import dedupe, where
from beancount_hn.core.frtypo import date, money, number, short_date
from beancount_hn.core.loading import errors_json, not_final_banner
from beancount_hn.tax import lines2035
from beancount_hn.tax.declaration import declaration_boxes, result_boxes, whole_euros
from beancount_hn.tax.form2035 import Contribution, Form2035
from beancount_hn.tax.lines2035 import Line2035
from beancount_hn.tax.snir import social_warnings

SECTIONS = {
    "recettes": "2035-A — Recettes",
    "depenses": "2035-A — Dépenses professionnelles",
    "resultat": "2035-B — Résultat fiscal",
    "cadre8": "2035-B — Cadre 8 : travailleurs indépendants (revenu brut social)",
}
UNCERTAIN_MARK = "(?)"
UNCERTAIN_NOTE = ("(?) = case ou libellé qu'une seule source publique donne : "
                  "à vérifier sur le formulaire officiel avant de déclarer")
SOCIAL_LABELS = {code: declaration_boxes()[code].label for code in ("DSCS", "DSAV", "DSAW", "DSAU")}
SOCIAL_NOTE = "DSAT (recettes en structures de soins) n'est pas calculé"
OPTIONAL_NOTE = ("cases « dont » de la ligne 43 nulles non affichées (exonérations, déductions des "
                 "médecins : 0 pour un kiné) ; --all-boxes les affiche")


def cents(amount: Decimal) -> str:
    """``Decimal("12.5")`` → ``"12.50"`` (JSON amounts)."""
    return f"{amount.quantize(Decimal('0.01')):f}"


def euros_text(amount: Decimal) -> str:
    """Whole euros with a narrow space between thousands (Babel): ``12 346``."""
    return number(Decimal(int(amount)), 0)


def comma(amount: Decimal, places: int = 2) -> Number:
    """Decimal comma for French spreadsheets: ``1234,50`` (a number cell of the CSV)."""
    return csv_number(amount, places)


def _is_detail(row: Line2035) -> bool:
    return row.parent is not None


def _label(row: Line2035) -> str:
    prefix = "  " * (len(lines2035.chain(row.code)) - 1)
    return prefix + row.label + (f" {UNCERTAIN_MARK}" if row.uncertain else "")


def _shown(form: Form2035, all_boxes: bool) -> list[Line2035]:
    """The lines a table prints: the optional "dont" boxes of line 43 only when not nil or asked for."""
    return [row for row in form.lines()
            if all_boxes or not row.optional or form.values[row.code]]


def ratio_text(ratio: Decimal | None) -> str:
    """DSAU as printed on the form: ``0,69`` (``—`` without receipts)."""
    return "—" if ratio is None else number(ratio, 2)


def social_rows(form: Form2035) -> list[tuple[str, str, str, bool]]:
    """The PAMC social split as (box of the declarant, label, value as printed, uncertain)."""
    table = declaration_boxes()
    rows = []
    for code, value in form.social.boxes().items():
        text = ratio_text(value) if code == "DSAU" else euros_text(whole_euros(value))
        rows.append((table[code].box(form.declarant), table[code].label, text, table[code].uncertain))
    return rows


def declaration_rows(form: Form2035) -> list[tuple[str, str, str]]:
    """The 2042-C-PRO boxes of the results: (box, label, whole euros)."""
    table = {row.box(form.declarant): row for row in declaration_boxes().values()}
    return [(box, table[box].label, euros_text(Decimal(amount)))
            for box, amount in result_boxes(form.euros, form.declarant).items()]


def cadre7_rows(form: Form2035) -> list[tuple[str, str, str, str]]:
    """The 2035-B cadre 7 of a barème year: (vehicle, CV, km, amount carried to line 23)."""
    f = form.forfait
    if f is None:
        return []
    energy = " (électrique, +20 %)" if f.option.electric else ""
    return [((f.vehicle or "véhicule non désigné") + energy, str(f.option.horsepower),
             euros_text(f.option.kilometers), number(f.amount))]


def duty_lines(form: Form2035) -> list[str]:
    """The duties around the 2035 (2035-E, DAS-2), in French."""
    duties = form.duties
    if duties is None:
        return []
    base = euros_text(whole_euros(duties.value_added_base))
    out = [f"2035-E (valeur ajoutée, CVAE) : AD − BW + AF = {base} € "
           + ("> 152 500 € HT : DUE, à joindre à la 2035" if duties.form_2035e_due
              else "≤ 152 500 € HT : non due")]
    if duties.das2:
        out.append("DAS-2 (art. 240 du CGI) : honoraires et rétrocessions de plus de 1 200 € versés "
                   f"en {form.year} à un même bénéficiaire, à déclarer :")
        out += [f"  - {b.name} : {money(b.amount)} ({', '.join(b.lines)}, {len(b.payments)} paiement(s))"
                for b in duties.das2]
    else:
        out.append(f"DAS-2 (art. 240 du CGI) : aucun bénéficiaire n'a reçu plus de 1 200 € en {form.year}")
    if duties.unnamed.amount:
        out.append(f"  ! {money(duties.unnamed.amount)} payés sans bénéficiaire (payee) : à nommer")
    return out


def social_warning_lines(form: Form2035) -> list[str]:
    """Why the social boxes cannot be typed as they are (``snir.social_warnings``), each line
    marked « ! »; none when they can."""
    return [f"! volet social : {warning}" for warning in social_warnings(form.social)]


def snir_lines(form: Form2035) -> list[str]:
    """The relevé SNIR cross-check, or how to record it."""
    if form.snir is not None:
        return form.snir.lines()
    return [f"Relevé SNIR {form.year} non saisi : notez-le pour rapprocher DSAV, p. ex. "
            f'custom "hn-option" "snir" {form.year} MONTANT EUR']


def source_groups(form: Form2035) -> list[tuple[str, list[str]]]:
    """The public source of each box's code and label, grouped: (source, codes)."""
    groups: dict[str, list[str]] = {}
    for row in form.lines():
        if row.is_box:
            groups.setdefault(row.source, []).append(row.code)
    for row in declaration_boxes().values():
        if row.figure not in lines2035.by_code() or row.figure in form.values:
            groups.setdefault(row.source, []).append(row.box(form.declarant))
    return list(groups.items())


# --- final or not ------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """Whether a form's figures are final, and why not (DESIGN §8, fail closed)."""

    final: bool
    errors: list  # the ledger's errors, then the form's own (deduplicated)
    banner: str | None  # the first line of every output when not final


def status(form: Form2035, ledger_errors: Sequence = ()) -> Status:
    """Final when the ledger (``ledger_errors``) and the form (its SNIR check's included) have no error
    and the reconciliation closes."""
    errors = dedupe(list(ledger_errors) + list(form.errors))
    rec = form.reconciliation
    gaps = ([f"écart {money(rec.difference)}"] if rec.difference else []) + [
        f"inexpliqué {account}" for account, amount in sorted(rec.unexplained.items()) if amount]
    extra = "" if rec.closed else ("le rapprochement de trésorerie ne tombe pas juste"
                                   + (f" ({', '.join(gaps)})" if gaps else ""))
    final = not errors and rec.closed
    return Status(final, errors, None if final else not_final_banner(len(errors), extra))


# --- JSON --------------------------------------------------------------------------


def to_json_dict(form: Form2035, ledger_errors: Sequence = ()) -> dict[str, Any]:
    """The form as plain data: amounts as strings with two decimals.

    ``final`` is false, and ``errors`` lists them (``fichier``, ``ligne``, ``where``,
    ``message``), when ``ledger_errors`` or the form has errors or the
    reconciliation does not close.
    """
    rec = form.reconciliation
    social = form.social
    state = status(form, ledger_errors)
    data: dict[str, Any] = {
        "year": form.year,
        "final": state.final,
        "lines": {row.code: cents(form.values[row.code]) for row in form.lines()},
        "euros": {row.code: int(form.euros[row.code]) for row in form.lines()},
        "labels": {row.code: {"line": row.line, "label": row.label, "parent": row.parent,
                              "kind": row.kind, "uncertain": row.uncertain,
                              "confidence": row.confidence, "source": row.source}
                   for row in form.lines()},
        "declarant": form.declarant,
        "declaration": result_boxes(form.euros, form.declarant),
        "social": {
            "DSCS": cents(social.total),
            "DSAV": cents(social.acts),
            "DSAW": cents(social.depassement),
            "DSAU": None if social.ratio is None else cents(social.ratio),
            "conventionne": cents(social.conventionne),
            "non_conventionne": cents(social.non_conventionne),
            "unclassified": cents(social.unclassified),
            "boxes": {code: declaration_boxes()[code].box(form.declarant) for code in SOCIAL_LABELS},
            "uncertain": [code for code in SOCIAL_LABELS if declaration_boxes()[code].uncertain],
            "warnings": social_warnings(social),
        },
        "snir": None if form.snir is None else form.snir.to_json(),
        "duties": None if form.duties is None else form.duties.to_json(),
        "reconciliation": {
            "treasury": cents(rec.treasury),
            "opening": cents(rec.opening),
            "receipts": cents(rec.receipts),
            "expenses": cents(rec.expenses),
            "neutral": {k: cents(v) for k, v in sorted(rec.neutral.items()) if v},
            "non_deductible": {k: cents(v) for k, v in sorted(rec.non_deductible.items()) if v},
            "personal_funds": cents(rec.personal_funds),
            "unexplained": {k: cents(v) for k, v in sorted(rec.unexplained.items()) if v},
            "unmapped": {k: cents(v) for k, v in sorted(rec.unmapped.items()) if v},
            "difference": cents(rec.difference),
            "closed": rec.closed,
        },
        "registre": [_registre_row(form, asset) for asset in form.registre.held_in(form.year)],
        "disposals": [
            {"account": asset.account, "designation": asset.designation,
             "date": result.date.isoformat(), "price": cents(result.price),
             "net_book_value": cents(result.net_book_value), "result": cents(result.result),
             "short_term": cents(result.short_term), "long_term": cents(result.long_term)}
            for asset, result in form.registre.disposals(form.year)
        ],
        "long_term": cents(form.long_term),
        "bareme_km": None if form.forfait is None else {
            "vehicle": form.forfait.vehicle,
            "electric": form.forfait.option.electric,
            "horsepower": form.forfait.option.horsepower,
            "kilometers": f"{form.forfait.option.kilometers:f}",
            "amount": cents(form.forfait.amount),
            "formula": form.forfait.formula,
            "source": form.forfait.row.source,
            "uncertain": form.forfait.uncertain,
        },
        "errors": errors_json(state.errors),
        "hints": [{"where": hint_where(h), "message": h.message} for h in form.hints],
    }
    return data


def hint_where(hint: Any) -> str | None:
    """``file:line`` of a hint, None for a hint about the whole year (the 2035-E)."""
    return where(hint.source) if hint.source else None


def _registre_row(form: Form2035, asset: Any) -> dict[str, Any]:
    row = asset.depreciation(form.year)
    return {
        "account": asset.account,
        "designation": asset.designation,
        "acquired": asset.acquired.isoformat(),
        "cost": cents(asset.cost),
        "plan": str(asset.plan),
        "dotation": cents(row.dotation if row else Decimal(0)),
        "cumulated": cents(asset.cumulated_at(form.year)),
        "net_book_value": cents(asset.cost - asset.cumulated_at(form.year)),
        "disposed": asset.disposal.date.isoformat() if asset.disposal else None,
    }


def to_json(form: Form2035, ledger_errors: Sequence = ()) -> str:
    return json.dumps(to_json_dict(form, ledger_errors), ensure_ascii=False, indent=2)


# --- text table ---------------------------------------------------------------------


def to_table(form: Form2035, ledger_errors: Sequence = (), all_boxes: bool = False) -> str:
    """The form as a terminal table: whole euros, sub-lines indented; the banner first if not final.

    The "dont" boxes of line 43 are printed when not nil, or all of them with ``all_boxes``.
    """
    banner = status(form, ledger_errors).banner
    out = ([banner, ""] if banner else []) + [
        f"2035 — revenus {form.year} — recettes-dépenses (case AK), montants en euros", ""]
    width = 84
    rule = "-" * (width + 20)
    section = None
    shown = _shown(form, all_boxes)
    for row in shown:
        if row.section != section:
            section = row.section
            out += ["", SECTIONS[section], "-" * (width + 20)]
        amount = form.euros[row.code]
        if _is_detail(row) and not amount and row.kind != "dont":
            continue  # empty sub-lines are noise; empty boxes and "dont" boxes stay
        code = row.code if row.is_box else ""
        label = _label(row)
        if len(label) > width:
            label = label[: width - 1] + "…"
        out.append(f"{row.line:>5} {code:>3}  {label:<{width}} {euros_text(amount):>10}")
    out += ["", UNCERTAIN_NOTE] + ([OPTIONAL_NOTE] if len(shown) < len(form.lines()) else [])
    out += ["", f"Report sur la 2042-C-PRO (déclarant {form.declarant})", rule]
    out += [f"      {box:<5} {label:<{width - 1}} {text:>10}" for box, label, text in declaration_rows(form)]
    out += ["", "Volet social PAMC (2042-C-PRO) — " + SOCIAL_NOTE, rule]
    for box, label, text, uncertain in social_rows(form):
        label += f" {UNCERTAIN_MARK}" if uncertain else ""
        if len(label) > width - 1:
            label = label[: width - 2] + "…"
        out.append(f"      {box:<5} {label:<{width - 1}} {text:>10}")
    social = form.social
    out.append(f"            dont non conventionné (HN) : {euros_text(round_euros(social.non_conventionne))}"
               + (f" ; non classé : {euros_text(round_euros(social.unclassified))}" if social.unclassified else ""))
    out += ["  " + line for line in social_warning_lines(form) + snir_lines(form)]
    cadre7 = cadre7_rows(form)
    if cadre7:
        out += ["", f"2035-B — Cadre 7 : barème kilométrique {form.year} (total reporté ligne 23)", rule,
                f"  {'véhicule':<48} {'CV':>4} {'km':>10} {'montant':>12}"]
        out += [f"  {vehicle[:48]:<48} {cv:>4} {km:>10} {amount:>12}" for vehicle, cv, km, amount in cadre7]
        f = form.forfait
        out.append(f"  {f.formula} ; source : {f.row.source}"
                   + (f" {UNCERTAIN_MARK}" if f.uncertain else ""))
    out += ["", "Obligations autour de la 2035", rule] + ["  " + line for line in duty_lines(form)]
    out += _registre_text(form, width)
    out += _reconciliation_text(form, width)
    out += ["", "Sources des codes et libellés", rule]
    out += [f"  {source} : {', '.join(codes)}" for source, codes in source_groups(form)]
    return "\n".join(out) + "\n"


def _registre_text(form: Form2035, width: int) -> list[str]:
    held = form.registre.held_in(form.year)
    out: list[str] = []
    if held:
        out += ["", f"Registre des immobilisations {form.year} (CH = dotations)", "-" * (width + 20)]
        out.append(f"  {'acquis':<10} {'désignation':<28} {'plan':<18} {'coût':>10} {'dotation':>10} "
                   f"{'cumul':>10} {'VNC':>10}")
        for asset in held:
            cumulated = asset.cumulated_at(form.year)
            row = asset.depreciation(form.year)
            note = " (véhicule : couvert par le barème)" if asset.vehicle and form.forfait else ""
            out.append(f"  {short_date(asset.acquired):<10} {asset.designation[:28]:<28} {str(asset.plan):<18} "
                       f"{number(asset.cost):>10} {number(row.dotation if row else Decimal(0)):>10} "
                       f"{number(cumulated):>10} {number(asset.cost - cumulated):>10}{note}")
    for asset, result in form.registre.disposals(form.year):
        out.append(f"  cession du {date(result.date)} : {asset.designation} : prix {money(result.price)}, "
                   f"VNC {money(result.net_book_value)}, résultat {money(result.result)} (court terme "
                   f"{money(result.short_term)}, long terme {money(result.long_term)})")
    if form.long_term:
        out.append(f"  plus/moins-value nette à long terme {money(form.long_term)} "
                   "(hors résultat 2035 : 2035 cadre II et 2042-C-PRO)")
    return out


def _reconciliation_text(form: Form2035, width: int) -> list[str]:
    rec = form.reconciliation
    out = ["", "Rapprochement de trésorerie (au centime)", "-" * (width + 20)]

    def line(label: str, amount: Decimal) -> None:
        out.append(f"  {label:<{width}} {number(amount):>14}")

    def by_account(prefix: str, amounts: dict[str, Decimal]) -> None:
        for account, amount in sorted(amounts.items()):
            if amount:
                line(f"{prefix} : {account}", amount)

    if rec.opening:
        line("Soldes d'ouverture (écriture du premier jour du livre, hors mouvement)", rec.opening)
    line("Mouvement net des comptes de trésorerie", rec.treasury)
    line("+ recettes encaissées (lignes créditrices)", rec.receipts)
    line("− dépenses payées (lignes débitrices)", rec.expenses)
    by_account("± neutre", rec.neutral)
    by_account("± non déductible", rec.non_deductible)
    if rec.personal_funds:
        line("± payé ou reçu hors trésorerie (fonds personnels, emprunt, dépôt…)", rec.personal_funds)
    by_account("! inexpliqué", rec.unexplained)
    by_account("! compte sans ligne 2035", rec.unmapped)
    line("Écart", rec.difference)
    out.append("  " + (
        "OK : chaque euro est sur une ligne ou dans un poste déclaré (rapprochement équilibré)"
        if rec.closed else "NON ÉQUILIBRÉ : rapprochement non équilibré — voir les lignes marquées !"))
    return out


# --- CSV ----------------------------------------------------------------------------


def to_csv(form: Form2035, ledger_errors: Sequence = ()) -> str:
    """``;``-separated, decimal comma, for French spreadsheets (the caller adds the BOM).

    When the figures are not final, a first row ``AVERTISSEMENT;<banner>`` says so.
    """
    banner = status(form, ledger_errors).banner
    rows = [["AVERTISSEMENT", banner]] if banner else []
    rows.append(["section", "ligne", "code", "libellé", "montant (euros)", "montant exact", "incertain",
                 "source"])
    for row in form.lines():
        rows.append([row.section, row.line, row.code, row.label, int(form.euros[row.code]),
                     comma(form.values[row.code]), "oui" if row.uncertain else "", row.source])
    table = declaration_boxes()
    for code, value in form.social.boxes().items():
        box = table[code]
        rows.append(["social", "", box.box(form.declarant), box.label,
                     "" if value is None else (comma(value) if code == "DSAU" else int(round_euros(value))),
                     "" if value is None else comma(value), "oui" if box.uncertain else "", box.source])
    rows += [["social", "", "", line, "", "", "", ""] for line in social_warning_lines(form)]
    for box_code, amount in result_boxes(form.euros, form.declarant).items():
        box = next(row for row in table.values() if row.box(form.declarant) == box_code)
        rows.append(["2042-C-PRO", "", box_code, box.label, amount, comma(form.values[box.figure]),
                     "oui" if box.uncertain else "", box.source])
    rec = form.reconciliation
    rows.append(["rapprochement", "", "", "mouvement de trésorerie", "", comma(rec.treasury), "", ""])
    rows.append(["rapprochement", "", "", "écart", "", comma(rec.difference), "",
                 "équilibré" if rec.closed else "NON ÉQUILIBRÉ"])
    return csv_rows(rows)


# --- HTML ---------------------------------------------------------------------------


def to_html(form: Form2035, ledger_errors: Sequence = (), all_boxes: bool = False) -> str:
    """A standalone page: the form, the 2042-C-PRO boxes, the social split and the SNIR, the cadre 7,
    the duties, the reconciliation (the banner first if not final); each box with its source."""
    e = html.escape
    banner = status(form, ledger_errors).banner
    parts = [
        "<!DOCTYPE html>", '<html lang="fr"><head><meta charset="utf-8">',
        f"<title>2035 — revenus {form.year}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
        "table{border-collapse:collapse;width:100%}td,th{padding:2px 6px;border-bottom:1px solid #ddd}"
        "td.n{text-align:right;font-variant-numeric:tabular-nums}tr.detail td{color:#555}"
        "tr.total td{font-weight:bold}.uncertain{color:#a60}</style></head><body>",
        *([f'<p class="hn-not-final" role="alert" style="border:2px solid #b00;color:#b00;padding:.5em;'
            f'font-weight:bold">{e(banner)}</p>'] if banner else []),
        f"<h1>2035 — revenus {form.year}</h1>",
        "<p>Recettes-dépenses (case AK). Montants en euros, arrondis ligne par ligne ; "
        "les centimes figurent dans l'export JSON.</p>",
    ]
    section = None
    shown = _shown(form, all_boxes)
    for row in shown:
        if row.section != section:
            if section is not None:
                parts.append("</tbody></table>")
            section = row.section
            parts.append(f"<h2>{e(SECTIONS[section])}</h2><table><thead><tr><th>Ligne</th>"
                         "<th>Code</th><th>Libellé</th><th>Montant</th><th>Source</th></tr></thead><tbody>")
        css = "total" if row.kind == "total" else ("detail" if _is_detail(row) else "")
        mark = (f' <span class="uncertain" title="{e(row.source)}">{UNCERTAIN_MARK}</span>'
                if row.uncertain else "")
        indent = "&nbsp;" * 4 * (len(lines2035.chain(row.code)) - 1)
        code = row.code if row.is_box else ""
        parts.append(f'<tr class="{css}"><td>{e(row.line)}</td><td>{e(code)}</td>'
                     f"<td>{indent}{e(row.label)}{mark}</td>"
                     f'<td class="n">{euros_text(form.euros[row.code])}</td>'
                     f'<td class="source">{e(row.source) if row.is_box else ""}</td></tr>')
    parts.append("</tbody></table>")
    parts.append(f'<p class="uncertain">{e(UNCERTAIN_NOTE)}</p>')
    if len(shown) < len(form.lines()):
        parts.append(f"<p>{e(OPTIONAL_NOTE)}</p>")
    table = declaration_boxes()
    sources = {row.box(form.declarant): row.source for row in table.values()}
    parts.append(f"<h2>Report sur la 2042-C-PRO (déclarant {form.declarant})</h2><table><tbody>")
    parts += [f'<tr><td>{e(box)}</td><td>{e(label)}</td><td class="n">{e(text)}</td>'
              f'<td class="source">{e(sources[box])}</td></tr>' for box, label, text in declaration_rows(form)]
    parts.append(f"</tbody></table><h2>Volet social PAMC</h2><p>{e(SOCIAL_NOTE)}</p><table><tbody>")
    for box, label, text, uncertain in social_rows(form):
        mark = f' <span class="uncertain">{UNCERTAIN_MARK}</span>' if uncertain else ""
        parts.append(f'<tr><td>{e(box)}</td><td>{e(label)}{mark}</td><td class="n">{e(text)}</td>'
                     f'<td class="source">{e(sources[box])}</td></tr>')
    parts.append("</tbody></table>")
    parts += [f'<p class="hn-warning" role="alert" style="color:#b00">{e(line)}</p>'
              for line in social_warning_lines(form)]
    parts.append("<p>" + "<br>".join(e(line) for line in snir_lines(form)) + "</p>")
    cadre7 = cadre7_rows(form)
    if cadre7:
        parts.append(f"<h2>2035-B — Cadre 7 : barème kilométrique {form.year}</h2><table><thead><tr>"
                     "<th>Véhicule</th><th>CV</th><th>km</th><th>Montant (ligne 23)</th></tr></thead><tbody>")
        parts += [f'<tr><td>{e(vehicle)}</td><td class="n">{cv}</td><td class="n">{e(km)}</td>'
                  f'<td class="n">{amount}</td></tr>' for vehicle, cv, km, amount in cadre7]
        parts.append(f"</tbody></table><p>source : {e(form.forfait.row.source)}</p>")
    parts.append("<h2>Obligations autour de la 2035</h2><p>"
                 + "<br>".join(e(line) for line in duty_lines(form)) + "</p>")
    parts.append("<h2>Rapprochement de trésorerie</h2><pre>"
                 + e("\n".join(_reconciliation_text(form, 60)[3:])) + "</pre>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --- explain ------------------------------------------------------------------------


def _explained(form: Form2035, code: str) -> tuple[str, Decimal, Decimal]:
    """The title, exact value and value on the form of a line, or of a social box (DSCS, DSAV, DSAW)."""
    if code in lines2035.by_code():
        row = lines2035.line(code)
        number = f"{row.line} {code}" if row.line != code else code  # a sub-line is its own number
        title = f"{number} : {row.label}" + (f" {UNCERTAIN_MARK}" if row.uncertain else "")
        return title, form.values[code], form.euros[code]
    box = declaration_boxes()[code]
    title = (f"{box.box(form.declarant)} (2042-C-PRO, volet social PAMC) : {box.label}"
             + (f" {UNCERTAIN_MARK}" if box.uncertain else ""))
    value = form.social.boxes()[code]
    return title, value, Decimal(whole_euros(value))


def signed(amount: Decimal) -> str:
    """An effect with its sign: ``+1234.50``, ``-56.00``."""
    return f"{amount.quantize(Decimal('0.01')):+f}"


def explain_text(form: Form2035, code: str) -> str:
    """The postings behind a line (or social box), with file:line, what each adds to it
    (signed: an expense lowers CP) and its total."""
    return "".join(explain_lines(form, code))


def explain_lines(form: Form2035, code: str) -> Iterator[str]:
    """:func:`explain_text` line by line, each ending in a newline, made as they are read
    (line AA of a busy year lists tens of thousands of postings)."""
    code = code.strip().upper()
    title, value, on_form = _explained(form, code)
    yield title + "\n"
    formula = form.formula(code)
    if formula:
        yield f"  = {formula}\n"
    # By date, then code: two stable sorts on the fields themselves make no key tuple per item.
    items = sorted(form.explain(code), key=attrgetter("code"))
    items.sort(key=attrgetter("date"))
    for item in items:
        paid = f" (payé : {where(item.paid_by)})" if item.paid_by else ""
        effect = form.effect(code, item)
        yield (f"  {short_date(item.date)}  {where(item.meta):<32} {item.code:>3} "
               f"{('+' if effect > 0 else '') + number(effect):>12}  {item.account}  {item.description}{paid}\n")
    yield f"  total {code} : {money(value)} (formulaire : {euros_text(on_form)})\n"


def explain_json(form: Form2035, code: str) -> str:
    code = code.strip().upper()
    return json.dumps({
        "year": form.year,
        "code": code,
        "amount": cents(_explained(form, code)[1]),
        "formula": form.formula(code),
        "items": [_contribution(c, form.effect(code, c)) for c in form.explain(code)],
    }, ensure_ascii=False, indent=2)


def _contribution(c: Contribution, effect: Decimal) -> dict[str, Any]:
    return {"code": c.code, "amount": cents(c.amount), "effect": signed(effect), "kind": c.kind,
            "date": c.date.isoformat(), "account": c.account, "description": c.description,
            "where": where(c.meta), "paid_by": where(c.paid_by) if c.paid_by else None}
