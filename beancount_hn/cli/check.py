"""``hn check LEDGER [--year Y]``: the errors of a ledger, then its receipts of each year.

Loads the ledger with its plugins (as ``bean-check``) and prints every error
once on stderr (``file:line: message``): the ledger's own, then those of the
year's 2035 and of the 293 B analysis that are not already among them. Then,
for ``--year`` or else for every year with a transaction that the books cover
(``form2035.covered_years``: not the years before the books' first day — the first
``treasury`` option, or 1 January after a year of opening balances only — named in one
line; ``--year`` of such a year is the 2035's error), the receipts
**settled in the year** (cash basis), read from the core and never recomputed
here:

* the social split of the fees received (``form2035.compute_2035(...).social``:
  conventionnés DSAV, dépassements DSAW, non conventionnés, total DSCS);
* the VAT view of the same receipts (``vat.analyze``: turnover counted for the
  293 B franchise, exempt receipts);
* whether the year's treasury reconciliation closes.

Amounts in French (Babel, ``fr_FR``). Exit status 1 when the ledger or a shown
year has an error, or a reconciliation does not close; the figures are then
preceded by « CHIFFRES NON DÉFINITIFS ».
"""

from __future__ import annotations

from decimal import Decimal

import click

from beancount_hn.cli.french import FrenchCommand
from beancount_hn.cli.years import first_day_named, require_covered_year
from beancount_hn.core.cashbook import Cashbook
from beancount_hn.core.frtypo import money
from beancount_hn.core.loading import (check_year_range, format_error, load_ledger, merge_errors,
                                       not_final_banner, year_ranges)
from beancount_hn.tax.form2035 import Form2035, compute_2035, covered_years
from beancount_hn.tax.vat import YearVat, analyze

WIDTH = 58


def _row(label: str, amount: Decimal, currency: str) -> str:
    return f"  {label:<{WIDTH}} {money(amount, currency):>16}"


def year_block(form: Form2035, vat_year: YearVat | None, currency: str) -> list[str]:
    """The lines of one year: receipts settled in the year, by convention and by VAT status."""
    social = form.social
    lines = [f"Recettes encaissées en {form.year} (comptabilité de trésorerie)",
             _row("Honoraires conventionnés (DSAV hors dépassements)", social.conventionne, currency),
             _row("Dépassements d'honoraires (DSAW, compris dans DSAV)", social.depassement, currency),
             _row("Honoraires non conventionnés", social.non_conventionne, currency)]
    if social.unclassified:
        lines.append(_row("Honoraires non classés (voir les erreurs)", social.unclassified, currency))
    lines.append(_row("Total des honoraires encaissés (DSCS, ligne AA)", social.total, currency))
    if vat_year is not None:
        lines += [_row("TVA : chiffre d'affaires compté (franchise + collectée)",
                       vat_year.counted_turnover, currency),
                  _row("  dont imposable par défaut (non conventionné sans tva:)",
                       vat_year.taxable_by_default, currency),
                  _row("TVA : recettes exonérées (art. 261-4-1° du CGI)", vat_year.exempt_receipts, currency),
                  _row("  dont non conventionnées marquées tva: « exoneree »", vat_year.hn_exempt, currency)]
    rec = form.reconciliation
    if rec.closed:
        lines.append("  Rapprochement de trésorerie : juste au centime")
    else:
        reasons = [f"écart {money(rec.difference, currency)}"] if rec.difference else []
        unmapped = sorted(account for account, amount in rec.unmapped.items() if amount)
        if unmapped:
            reasons.append("comptes sans ligne 2035 : " + ", ".join(unmapped))
        unexplained = sorted(account for account, amount in rec.unexplained.items() if amount)
        if unexplained:
            reasons.append("paiements qui ne règlent rien : " + ", ".join(unexplained))
        lines.append(f"  Rapprochement de trésorerie : NE TOMBE PAS JUSTE ({' ; '.join(reasons)}) ; "
                     f"hn 2035 --year {form.year} le détaille")
    return lines


@click.command(cls=FrenchCommand)
@click.argument("ledger", metavar="LIVRE", type=click.Path(dir_okay=False))
@click.option("--year", "-y", type=int, metavar="ANNÉE",
              help="Seulement cette année civile (par défaut : chaque année du livre).")
def check(ledger: str, year: int | None) -> None:
    """Vérifie LIVRE comme bean-check, puis totalise ses recettes encaissées de chaque année.

    Code de sortie 1 quand le livre ou une année affichée comporte une erreur.
    """
    if year is not None:
        check_year_range(year)
    loaded = load_ledger(ledger, show_errors=False)
    if year is not None:
        if loaded.errors:  # the year's refusal must not hide the ledger's own errors
            for error in loaded.errors:
                click.echo(format_error(error, ledger), err=True)
        require_covered_year(loaded, year)
    entries, index = loaded.entries, loaded.index
    ledger_years = loaded.transaction_years()
    years = [year] if year is not None else covered_years(index, ledger_years, entries)
    before = [] if year is not None else [y for y in ledger_years if y not in years]
    currency = getattr(index, "currency", "EUR")
    cashbook = Cashbook.build(entries, index) if years else None
    analysis = analyze(entries, index, cashbook=cashbook) if years else None
    forms = [compute_2035(entries, index, y, cashbook=cashbook) for y in years]
    own = [e for form in forms for e in form.errors]
    if analysis is not None:
        own += [e for y in years if y in analysis.years for e in analysis.years[y].errors]
    errors = merge_errors(loaded, own)
    shown = set(range(len(loaded.errors))) if year is not None and loaded.errors else set()
    for number, error in enumerate(errors):
        if number not in shown:
            click.echo(format_error(error, ledger), err=True)
    unbalanced = [form.year for form in forms if not form.reconciliation.closed]
    final = not errors and not unbalanced
    if not final:
        extra = ("rapprochement de trésorerie faux en " + ", ".join(map(str, unbalanced))) if unbalanced else ""
        click.echo(not_final_banner(len(errors), extra))
    if before:
        click.echo(f"\n{year_ranges(before)} : avant le premier jour du livre "
                   f"({first_day_named(index, entries)}) : pas de 2035, rien n'est totalisé")
    for form in forms:
        click.echo("")
        vat_year = analysis.years.get(form.year) if analysis is not None else None
        for line in year_block(form, vat_year, currency):
            click.echo(line)
    if not years:
        click.echo(f"{ledger} : aucune transaction{' dans les années du livre' if before else ''}, aucune recette "
                   "à totaliser")
    if not final:
        click.echo(f"{ledger} : {len(errors)} erreur(s)" if errors else f"{ledger} : à corriger", err=True)
        raise SystemExit(1)
    click.echo(f"{ledger} : aucune erreur")
