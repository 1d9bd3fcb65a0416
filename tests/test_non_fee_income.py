"""Income that is not fees: débours, redevances, sous-location, IJ and forfaits.

Redevances de collaboration received and sous-location are taxable (fr-rules §3, AN QE 4764):
the 293 B counts them although they are not fees; débours remboursés are outside the VAT base
(art. 267 II-2° CGI) and take no convention status; an AF account whose VAT the name does not
tell is an error at its ``open``; the « recette non classée » error says what to write when the
money is not fees (IJ, allocation maternité) and that a forfait or a ROSP is not guessed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.ledgers import form_for, line_of, load, messages, only_error, run_hn, vat_analysis, write_ledger

ACCOUNTS = """
2025-01-01 custom "hn-option" "profession" "masseur-kinesitherapeute"
2025-01-01 open Assets:Banque
2025-01-01 open Income:Honoraires:Conventionnes
2025-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
"""

FEES = """
2025-03-01 * "CPAM" "virements"
  Assets:Banque  60000.00 EUR
  Income:Honoraires:Conventionnes  -60000.00 EUR
    acte: "RAB 8"
"""

REDEVANCES = """
2025-06-30 * "Mme Collab A" "redevances de collaboration janvier-juin"
  Assets:Banque  21000.00 EUR
  {account}  -21000.00 EUR
2025-12-20 * "M. Collab B" "redevances de collaboration année"
  Assets:Banque  21000.00 EUR
  {account}  -21000.00 EUR
"""


def year_2025(text: str):
    analysis, _, errors = vat_analysis(ACCOUNTS + text)
    return analysis.years[2025], errors


@pytest.mark.parametrize("account, opening", [
    ("Income:Redevances", ""),  # the default table's AF account for redevances received
    ("Income:Redevances", '  tva: "franchise"\n'),
    ("Income:Sous-Location", '  ligne-2035: "AF"\n'),
    ("Income:Gains-Divers", '  tva: "franchise"\n'),  # a tva: written on any non-fee account
])
def test_taxable_income_on_af_counts_in_the_293_b(account: str, opening: str) -> None:
    text = f"2025-01-01 open {account}\n{opening}" + FEES + REDEVANCES.format(account=account)
    year, errors = year_2025(text)
    assert year.counted_turnover == Decimal("42000.00")
    assert year.taxable_by_default == 0  # not HN care: nothing to mark exoneree
    assert year.majore_crossing is not None and year.majore_crossing.date.isoformat() == "2025-12-20"
    assert year.next_year is not None and not year.next_year.franchise
    crossing = [e for e in errors if "Franchise TVA 293 B perdue le 20 décembre 2025" in e.message]
    assert crossing and crossing[0].source["lineno"] == line_of(ACCOUNTS + text, '"M. Collab B"')


def test_redevances_are_counted_by_bean_check_and_hn_vat(tmp_path) -> None:
    path = write_ledger(tmp_path, 'option "operating_currency" "EUR"\nplugin "beancount_hn.plugins.all"\n'
                        '2025-01-01 custom "hn-option" "treasury" Assets:Banque\n' + ACCOUNTS
                        + "2025-01-01 open Income:Redevances\n" + FEES
                        + REDEVANCES.format(account="Income:Redevances"))
    result = run_hn("vat", path, "--year", "2025")
    assert result.exit_code != 0 and "CHIFFRES NON DÉFINITIFS" in result.output
    assert "42 000,00" in result.output.replace("\u202f", " ")
    assert "Franchise en 2026 (CA 2025 à ce jour) : NON" in result.output


def test_redevances_under_vat_regime_reel_are_collected() -> None:
    text = ACCOUNTS + """
2025-01-01 custom "hn-option" "vat-regime" "reel"
2025-01-01 open Income:Redevances
2025-01-01 open Liabilities:TVA:Collectee
2025-06-30 * "Mme Collab A" "redevance de juin"
  Assets:Banque  1200.00 EUR
  Income:Redevances  -1000.00 EUR
  Liabilities:TVA:Collectee  -200.00 EUR
"""
    analysis, _, errors = vat_analysis(text)
    assert not errors, messages(errors)
    [(_, [receipt])] = analysis.taxable
    assert receipt.vat == "collectee" and receipt.amount == Decimal("1000.00")


@pytest.mark.parametrize("account, opening", [
    ("Income:IJ", ""),
    ("Income:Indemnites", '  ligne-2035: "AF"\n'),  # as the « recette non classée » error now says
    ("Income:Allocation-Maternite", '  ligne-2035: "AF"\n'),
    ("Income:Gains-Divers", ""),  # generic gains divers: an insurance indemnity
    ("Income:Forfaits", '  ligne-2035: "AF"\n  tva: "exoneree"\n'),
])
def test_allowances_and_gains_stay_out_of_the_293_b_and_the_social_split(account: str, opening: str) -> None:
    text = ACCOUNTS + f"2025-01-01 open {account}\n{opening}" + """
2025-03-01 * "M. B" "séance"
  Assets:Banque  1000.00 EUR
  Income:Honoraires:Conventionnes  -1000.00 EUR
    acte: "RAB 8"
2025-05-01 * "CPAM" "indemnités avril"
  Assets:Banque  500.00 EUR
""" + f"  {account}  -500.00 EUR\n"
    form = form_for(text, 2025)
    assert form.values["AA"] == Decimal("1000.00") and form.values["AF"] == Decimal("500.00")
    assert form.social.total == Decimal("1000.00") and form.social.non_conventionne == 0
    analysis, _, errors = vat_analysis(text)
    assert not errors, messages(errors)
    assert analysis.years[2025].counted_turnover == 0


def test_an_af_account_the_name_does_not_place_is_an_error_at_its_open() -> None:
    text = ACCOUNTS + """
2025-01-01 open Income:Forfaits
  ligne-2035: "AF"
2025-06-10 * "CPAM" "forfait d'aide à la modernisation"
  Assets:Banque  490.00 EUR
  Income:Forfaits  -490.00 EUR
2025-07-10 * "CPAM" "forfait structure"
  Assets:Banque  490.00 EUR
  Income:Forfaits  -490.00 EUR
"""
    error = only_error(load(text)[1])
    assert error.source["lineno"] == line_of(text, "open Income:Forfaits")
    assert error.message.startswith("Income:Forfaits (ligne AF de la 2035) : la franchise en base de TVA")
    assert 'tva: "franchise"' in error.message and 'tva: "exoneree"' in error.message


def test_debours_take_no_convention_status_and_no_vat() -> None:
    text = ACCOUNTS + """
2025-01-01 open Income:Debours
2025-01-01 open Expenses:Debours
2025-03-01 * "M. B" "séance"
  Assets:Banque  100.00 EUR
  Income:Honoraires:Conventionnes  -100.00 EUR
    acte: "RAB 8"
2025-03-02 * "Pharmacie" "bandes achetées pour M. B"
  Assets:Banque  -15.00 EUR
  Expenses:Debours  15.00 EUR
2025-03-05 * "M. B" "remboursement des bandes"
  Assets:Banque  15.00 EUR
  Income:Debours  -15.00 EUR
"""
    entries, errors, _ = load(text)
    assert not errors, messages(errors)  # no « recette non classée »
    refund = next(e for e in entries if getattr(e, "narration", "") == "remboursement des bandes")
    assert not refund.tags  # no convention tag
    analysis, _, _ = vat_analysis(text)
    assert analysis.years[2025].counted_turnover == 0
    form = form_for(text, 2025)
    assert form.values["AA"] == Decimal("115.00") and form.values["AB"] == Decimal("15.00")
    assert form.social.acts == Decimal("100.00") and form.social.non_conventionne == 0


def test_debours_stay_out_of_dscs() -> None:
    text = ACCOUNTS + """
2025-01-01 open Income:Debours
2025-03-01 * "M. B" "séance"
  Assets:Banque  100.00 EUR
  Income:Honoraires:Conventionnes  -100.00 EUR
    acte: "RAB 8"
2025-03-05 * "M. B" "remboursement des bandes"
  Assets:Banque  15.00 EUR
  Income:Debours  -15.00 EUR
"""
    social = form_for(text, 2025).social
    assert social.total == Decimal("100.00") and social.unclassified == 0


@pytest.mark.parametrize("account, says", [
    ("Income:Indemnites", 'écrivez plutôt ligne-2035: "AF" (gains divers)'),
    ("Income:Forfaits", "rien de sûr ne dit s'il compte en DSAV"),
    ("Income:ROSP", "rien de sûr ne dit s'il compte en DSAV"),
])
def test_the_unclassified_error_says_what_to_write_for_income_that_is_not_fees(account: str, says: str) -> None:
    text = ACCOUNTS + f"2025-01-01 open {account}\n" + f"""
2025-05-01 * "CPAM" "versement"
  Assets:Banque  500.00 EUR
  {account}  -500.00 EUR
"""
    error = only_error(load(text)[1])
    assert error.message.startswith(f"recette non classée sur {account} : ajoutez acte:")
    assert says in error.message
    assert error.source["lineno"] == line_of(text, '"CPAM" "versement"')
