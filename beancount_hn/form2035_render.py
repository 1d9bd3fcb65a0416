"""Formats of a computed 2035 (:class:`beancount_hn.form2035.Form2035`).

Text table, JSON, CSV for French spreadsheets (``;``, decimal comma, UTF-8
with BOM) and a standalone HTML page; ``--explain`` listings. Nothing is
computed here: every figure comes from ``form2035``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from beancount_hn import lines2035
from beancount_hn.errors import dedupe, where
from beancount_hn.form2035 import Contribution, Form2035
from beancount_hn.lines2035 import Line2035
from beancount_hn.loading import errors_json, not_final_banner

SECTIONS = {
    "recettes": "2035-A — Recettes",
    "depenses": "2035-A — Dépenses professionnelles",
    "resultat": "2035-B — Résultat fiscal",
    "cadre8": "2035-B — Cadre 8 : travailleurs indépendants (revenu brut social)",
}
UNCERTAIN_MARK = "(?)"
UNCERTAIN_NOTE = ("(?) = case ou libellé qu'aucune source publique ne confirme : "
                  "à vérifier sur le formulaire officiel avant de déclarer")
SOCIAL_LABELS = {
    "DSCS": "Recettes brutes totales",
    "DSAV": "Recettes tirées d'actes conventionnés",
    "DSAW": "Dépassements d'honoraires",
    "DSAU": "Ratio conventionné (%)",
}
SOCIAL_NOTE = ("volet social PAMC de la 2042-C-PRO ; codes des cases d'une seule source, incertains ; "
               "DSAT (recettes en structures de soins) n'est pas calculé")


def cents(amount: Decimal) -> str:
    """``Decimal("12.5")`` → ``"12.50"`` (JSON amounts)."""
    return f"{amount.quantize(Decimal('0.01')):f}"


def euros_text(amount: Decimal) -> str:
    """Whole euros with a space between thousands: ``12 346``."""
    return f"{int(amount):,}".replace(",", " ")


def comma(amount: Decimal, places: int = 2) -> str:
    """Decimal comma for French spreadsheets: ``1234,50``."""
    return f"{amount.quantize(Decimal(1).scaleb(-places)):f}".replace(".", ",")


def _is_detail(row: Line2035) -> bool:
    return row.parent is not None


def _label(row: Line2035) -> str:
    prefix = "  " * (len(lines2035.chain(row.code)) - 1)
    return prefix + row.label + (f" {UNCERTAIN_MARK}" if row.uncertain else "")


# --- final or not ------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """Whether a form's figures are final, and why not (DESIGN §8, fail closed)."""

    final: bool
    errors: list  # the ledger's errors, then the form's own (deduplicated)
    banner: str | None  # the first line of every output when not final


def status(form: Form2035, ledger_errors: Sequence = ()) -> Status:
    """Final when the ledger (``ledger_errors``) and the form have no error and the reconciliation closes."""
    errors = dedupe(list(ledger_errors) + list(form.errors))
    rec = form.reconciliation
    gaps = ([f"écart {cents(rec.difference)} EUR"] if rec.difference else []) + [
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
        "social": {
            "DSCS": cents(social.total),
            "DSAV": cents(social.conventionne),
            "DSAW": cents(social.depassement),
            "DSAU": None if social.ratio is None else cents(social.ratio),
            "non_conventionne": cents(social.non_conventionne),
            "unclassified": cents(social.unclassified),
            "uncertain": True,
        },
        "reconciliation": {
            "treasury": cents(rec.treasury),
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
            "horsepower": form.forfait.option.horsepower,
            "kilometers": f"{form.forfait.option.kilometers:f}",
            "amount": cents(form.forfait.amount),
            "formula": form.forfait.formula,
            "source": form.forfait.row.source,
            "uncertain": form.forfait.uncertain,
        },
        "errors": errors_json(state.errors),
        "hints": [{"where": where(h.source), "message": h.message} for h in form.hints],
    }
    return data


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


def to_table(form: Form2035, ledger_errors: Sequence = ()) -> str:
    """The form as a terminal table: whole euros, sub-lines indented; the banner first if not final."""
    banner = status(form, ledger_errors).banner
    out = ([banner, ""] if banner else []) + [
        f"2035 — revenus {form.year} — recettes-dépenses (case AK), montants en euros", ""]
    width = 84
    section = None
    for row in form.lines():
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
    out += ["", UNCERTAIN_NOTE]
    out += ["", "Volet social PAMC (2042-C-PRO) — " + SOCIAL_NOTE, "-" * (width + 20)]
    social = form.social
    for code, value in social.boxes().items():
        text = "n/a" if value is None else (f"{value} %" if code == "DSAU" else euros_text(_round(value)))
        out.append(f"      {code:<5} {SOCIAL_LABELS[code] + ' ' + UNCERTAIN_MARK:<{width - 1}} {text:>10}")
    out.append(f"            dont non conventionné (HN): {euros_text(_round(social.non_conventionne))}"
               + (f"; non classé: {euros_text(_round(social.unclassified))}" if social.unclassified else ""))
    out += _registre_text(form, width)
    out += _reconciliation_text(form, width)
    return "\n".join(out) + "\n"


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _registre_text(form: Form2035, width: int) -> list[str]:
    held = form.registre.held_in(form.year)
    out: list[str] = []
    if held:
        out += ["", f"Registre des immobilisations {form.year} (CH = dotations)", "-" * (width + 20)]
        out.append(f"  {'acquis':<10} {'désignation':<28} {'plan':<18} {'coût':>10} {'dotation':>10} "
                   f"{'cumul':>10} {'VNC':>10}")
        for asset in held:
            row = _registre_row(form, asset)
            note = " (véhicule: couvert par le barème)" if asset.vehicle and form.forfait else ""
            out.append(f"  {row['acquired']:<10} {asset.designation[:28]:<28} {row['plan']:<18} "
                       f"{row['cost']:>10} {row['dotation']:>10} {row['cumulated']:>10} "
                       f"{row['net_book_value']:>10}{note}")
    for asset, result in form.registre.disposals(form.year):
        out.append(f"  cession {result.date} {asset.designation}: prix {cents(result.price)}, VNC "
                   f"{cents(result.net_book_value)}, résultat {cents(result.result)} (court terme "
                   f"{cents(result.short_term)}, long terme {cents(result.long_term)})")
    if form.long_term:
        out.append(f"  plus/moins-value nette à long terme {cents(form.long_term)} "
                   "(hors résultat 2035: 2035 cadre II et 2042-C-PRO)")
    if form.forfait is not None:
        f = form.forfait
        out += ["", f"Barème kilométrique {form.year} (ligne 23): {f.option.horsepower} CV, {f.formula} "
                    f"= {cents(f.amount)}" + (f" {UNCERTAIN_MARK} barème not confirmed for this year"
                                              if f.uncertain else ""),
                f"  source: {f.row.source}"]
    return out


def _reconciliation_text(form: Form2035, width: int) -> list[str]:
    rec = form.reconciliation
    out = ["", "Rapprochement de trésorerie (au centime)", "-" * (width + 20)]

    def line(label: str, amount: Decimal) -> None:
        out.append(f"  {label:<{width}} {cents(amount):>14}")

    def by_account(prefix: str, amounts: dict[str, Decimal]) -> None:
        for account, amount in sorted(amounts.items()):
            if amount:
                line(f"{prefix}: {account}", amount)

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
        rows.append([row.section, row.line, row.code, row.label, str(int(form.euros[row.code])),
                     comma(form.values[row.code]), "oui" if row.uncertain else "", row.source])
    for code, value in form.social.boxes().items():
        rows.append(["social", "", code, SOCIAL_LABELS[code],
                     "" if value is None else (comma(value) if code == "DSAU" else str(int(_round(value)))),
                     "" if value is None else comma(value), "oui", "fr-rules §1.4"])
    rec = form.reconciliation
    rows.append(["rapprochement", "", "", "mouvement de trésorerie", "", comma(rec.treasury), "", ""])
    rows.append(["rapprochement", "", "", "écart", "", comma(rec.difference), "",
                 "équilibré" if rec.closed else "NON ÉQUILIBRÉ"])
    return "".join(";".join(_csv_cell(c) for c in r) + "\r\n" for r in rows)


def _csv_cell(text: str) -> str:
    if any(ch in text for ch in ';"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


# --- HTML ---------------------------------------------------------------------------


def to_html(form: Form2035, ledger_errors: Sequence = ()) -> str:
    """A standalone page: the form, the social split, the reconciliation (the banner first if not final)."""
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
        "<p>Recettes-dépenses (case AK). Montants en euros, arrondis ligne par ligne; "
        "les centimes figurent dans l'export JSON.</p>",
    ]
    section = None
    for row in form.lines():
        if row.section != section:
            if section is not None:
                parts.append("</tbody></table>")
            section = row.section
            parts.append(f"<h2>{e(SECTIONS[section])}</h2><table><thead><tr><th>Ligne</th>"
                         "<th>Code</th><th>Libellé</th><th>Montant</th></tr></thead><tbody>")
        css = "total" if row.kind == "total" else ("detail" if _is_detail(row) else "")
        mark = (f' <span class="uncertain" title="{e(row.source)}">{UNCERTAIN_MARK}</span>'
                if row.uncertain else "")
        indent = "&nbsp;" * 4 * (len(lines2035.chain(row.code)) - 1)
        code = row.code if row.is_box else ""
        parts.append(f'<tr class="{css}"><td>{e(row.line)}</td><td>{e(code)}</td>'
                     f"<td>{indent}{e(row.label)}{mark}</td>"
                     f'<td class="n">{euros_text(form.euros[row.code])}</td></tr>')
    parts.append("</tbody></table>")
    parts.append(f'<p class="uncertain">{e(UNCERTAIN_NOTE)}</p>')
    parts.append(f"<h2>Volet social PAMC</h2><p>{e(SOCIAL_NOTE)}</p><table><tbody>")
    for code, value in form.social.boxes().items():
        text = "n/a" if value is None else (f"{value} %" if code == "DSAU" else euros_text(_round(value)))
        parts.append(f'<tr><td>{code}</td><td>{e(SOCIAL_LABELS[code])}</td><td class="n">{e(text)}</td></tr>')
    parts.append("</tbody></table>")
    parts.append("<h2>Rapprochement de trésorerie</h2><pre>"
                 + e("\n".join(_reconciliation_text(form, 60)[3:])) + "</pre>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --- explain ------------------------------------------------------------------------


def explain_text(form: Form2035, code: str) -> str:
    """The postings behind a line, with file:line, and its total."""
    code = code.strip().upper()
    row = lines2035.line(code)
    items = form.explain(code)
    out = [f"{row.line} {code}: {row.label}" + (f" {UNCERTAIN_MARK}" if row.uncertain else "")]
    formula = form.formula(code)
    if formula:
        out.append(f"  = {formula}")
    for item in sorted(items, key=lambda c: (c.date, c.code)):
        paid = f" (payé: {where(item.paid_by)})" if item.paid_by else ""
        out.append(f"  {item.date}  {where(item.meta):<32} {item.code:>3} {cents(item.amount):>12}  "
                   f"{item.account}  {item.description}{paid}")
    out.append(f"  total {code}: {cents(form.values[code])} (formulaire: {euros_text(form.euros[code])})")
    return "\n".join(out) + "\n"


def explain_json(form: Form2035, code: str) -> str:
    code = code.strip().upper()
    return json.dumps({
        "year": form.year,
        "code": code,
        "amount": cents(form.values[code]),
        "formula": form.formula(code),
        "items": [_contribution(c) for c in form.explain(code)],
    }, ensure_ascii=False, indent=2)


def _contribution(c: Contribution) -> dict[str, Any]:
    return {"code": c.code, "amount": cents(c.amount), "kind": c.kind, "date": c.date.isoformat(),
            "account": c.account, "description": c.description, "where": where(c.meta),
            "paid_by": where(c.paid_by) if c.paid_by else None}
