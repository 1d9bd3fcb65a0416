"""Boxes no cash movement carries (``ajustement-2035``), the revenu brut social counted once,
the income defaults (collaboration fees and IJ on AF) and the dont-boxes of line 43."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.render.form2035 import to_table
from beancount_hn.tax import lines2035
from beancount_hn.tax.form2035 import ENTERED, RBS_EXONERATIONS
from tests.exports_ledger import IDENTITY
from tests.ledgers import form_for, ledger_text, line_of, load, loaded, run_hn, write_ledger
from tests.test_exports_attribution import assert_exports_agree

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Equity:Exploitant
2024-01-01 open Income:Honoraires
  convention: "conventionne"
2024-01-01 open Expenses:Loyer
2024-01-01 open Expenses:Cotisations:URSSAF
"""
YEAR = """
    2025-02-01 * "CPAM" "Virement"
      Assets:Banque                   20000.00 EUR
      Income:Honoraires
    2025-03-01 * "SCI" "Loyer"
      Expenses:Loyer                   6000.00 EUR
      Assets:Banque
"""


def compute(text: str, year: int = 2025, accounts: str = ACCOUNTS):
    return form_for(accounts + textwrap.dedent(text), year)


def test_entered_boxes_count_on_their_line_with_their_directive():
    text = YEAR + """
    2025-12-31 custom "hn-option" "ajustement-2035" "CD" 1520.00 EUR "Quote-part du bénéfice de la SCM"
    2025-12-31 custom "hn-option" "ajustement-2035" "cs" 300 EUR "Exonération ZFU-TE"
    2025-12-31 custom "hn-option" "ajustement-2035" "CG" 200.00 EUR "Frais d'établissement"
    2025-12-31 custom "hn-option" "ajustement-2035" "DE" 50.00 EUR "Intéressement"
    2024-12-31 custom "hn-option" "ajustement-2035" "CM" 999.00 EUR "Déficit SCM de 2024 : autre année"
    """
    form = compute(text)
    values = form.values
    assert values["CD"] == Decimal("1520.00") and values["CM"] == 0
    assert values["CS"] == Decimal("300") and values["CL"] == Decimal("300")  # a "dont" counts in CL
    assert values["CE"] == Decimal("14000.00") + Decimal("1520.00")
    assert values["CN"] == Decimal("500.00") and values["CP"] == Decimal("15020.00")
    # CS is deducted on CL and added back in the revenu brut social, DE added to it
    assert values["DD"] == Decimal("15020.00") + Decimal("300") + Decimal("50.00")
    [cd] = form.explain("CD")
    assert cd.kind == ENTERED and "Quote-part du bénéfice de la SCM" in cd.description
    assert cd.meta["lineno"] == line_of(ACCOUNTS + textwrap.dedent(text), '"CD" 1520.00')
    assert form.reconciliation.closed and not form.errors


def test_entered_boxes_are_in_the_exports_adjustments():
    text = IDENTITY + ACCOUNTS + textwrap.dedent(YEAR) + textwrap.dedent("""
    2025-12-31 custom "hn-option" "ajustement-2035" "CD" 1520.00 EUR "Quote-part SCM"
    2025-12-31 custom "hn-option" "ajustement-2035" "DB" 80.00 EUR "IJ"
    """)
    form, book, _ = assert_exports_agree(*loaded(text), 2025)
    assert {(a.code, a.kind) for a in book.adjustments} == {("CD", ENTERED), ("DB", ENTERED)}


@pytest.mark.parametrize("values, message", [
    ('"CC" 10.00 EUR "x"', "n'est pas une case qu'un ajustement peut remplir"),
    ('"BA" 10.00 EUR "x"', "n'est pas une case"),
    ('"CD" -10.00 EUR "x"', "un ajustement est positif"),
    ('"CD" 10.00 USD "x"', "montant en USD"),
    ('"CD" 10.00 EUR', "attendu une case, un montant en euros et son motif"),
    ('"CD" 10.00 EUR ""', "attendu le motif"),
    ('"CD" "dix" "x"', "n'est pas un montant"),
])
def test_malformed_adjustment_is_an_error_at_its_line(values, message):
    text = ACCOUNTS + f'2025-12-31 custom "hn-option" "ajustement-2035" {values}\n'
    _, errors, _ = load(text)
    [error] = [e for e in errors if type(e).__name__ == "ConfigError"]
    assert message in error.message
    assert error.source["lineno"] == line_of(text, "ajustement-2035")


def test_cadre8_box_entered_for_a_year_without_cadre8_is_an_error():
    form = compute(YEAR.replace("2025-", "2024-") + """
    2024-12-31 custom "hn-option" "ajustement-2035" "DB" 80.00 EUR "IJ"
    """, 2024)
    [error] = form.errors
    assert "DB" in error.message and "revenus 2024" in error.message
    assert "DB" not in form.values


# --- the revenu brut social counts the non-deductible CSG/CRDS once -----------------------------

CSG_ACCOUNTS = ACCOUNTS + """
2024-01-01 open Expenses:CSG:Deductible
2024-01-01 open Expenses:CSG:Non-Deductible
2024-01-01 open Expenses:CSG-CRDS
  ligne-2035: "BT"
"""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fees=st.integers(0, 200_000), deductible=st.integers(0, 9_000), non_deductible=st.integers(0, 5_000),
       urssaf=st.integers(0, 20_000))
def test_direct_exclusion_and_add_back_give_the_same_result_and_revenu_brut_social(
        fees, deductible, non_deductible, urssaf):
    """Excluding the CSG non déductible and CRDS (a non-deductible account, the AGA's method) or
    keeping them in BK with ``part-non-deductible:`` added back on CC: same CP, same DD."""
    common = f"""
    2025-02-01 * "CPAM" "Virement"
      Assets:Banque     {fees}.00 EUR
      Income:Honoraires
    2025-03-01 * "URSSAF" "Cotisations"
      Expenses:Cotisations:URSSAF   {urssaf}.00 EUR
      Expenses:CSG:Deductible       {deductible}.00 EUR
      Assets:Banque
    """
    excluded = compute(common + f"""
    2025-04-01 * "URSSAF" "CSG non déductible et CRDS"
      Expenses:CSG:Non-Deductible   {non_deductible}.00 EUR
      Assets:Banque
    """, accounts=CSG_ACCOUNTS)
    share = Decimal(non_deductible) / Decimal(non_deductible + urssaf) if non_deductible + urssaf else 0
    added_back = compute(common.replace(f"Expenses:Cotisations:URSSAF   {urssaf}.00 EUR", (
        f"Expenses:CSG-CRDS   {urssaf + non_deductible}.00 EUR\n        part-non-deductible: {share}")),
        accounts=CSG_ACCOUNTS)
    cc = added_back.values["CC"]
    assert abs(cc - non_deductible) <= Decimal("0.01")  # the share is rounded once
    for code in ("CP", "CR", "DD", "DC"):
        assert abs(excluded.values[code] - added_back.values[code]) <= abs(cc - non_deductible), code
    assert added_back.values["DB"] == cc and excluded.values["DB"] == 0


def test_add_back_on_an_ordinary_line_does_not_touch_db():
    form = compute(YEAR.replace("Expenses:Loyer                   6000.00 EUR",
                                "Expenses:Loyer                   6000.00 EUR\n        part-privee: 0.25"))
    assert form.values["CC"] == Decimal("1500.00") and form.values["DB"] == 0


# --- income defaults --------------------------------------------------------------------------

INCOME = """
2024-01-01 open Assets:Banque
2024-01-01 open Income:Redevances-Collaboration
2024-01-01 open Income:Redevances
2024-01-01 open Income:IJ
2024-01-01 open Income:Indemnites-Journalieres:CPAM
2024-01-01 open Expenses:Redevances-Collaboration
2024-01-01 open Expenses:Redevances:Collaboration
2024-01-01 open Expenses:Redevances
"""


@pytest.mark.parametrize("account, line", [
    ("Income:Redevances-Collaboration", "AF"), ("Income:Redevances", "AF"), ("Income:IJ", "AF"),
    ("Income:Indemnites-Journalieres:CPAM", "AF"),
    ("Expenses:Redevances-Collaboration", "BW"), ("Expenses:Redevances:Collaboration", "BW"),
    ("Expenses:Redevances", None),  # a bare "Redevances" may be anything: no default line
])
def test_collaboration_fees_and_daily_allowances(account, line):
    _, index = loaded(INCOME)
    assert lines2035.account_line(index, account) == line


def test_daily_allowances_hint_at_db_until_db_holds_them():
    accounts = ACCOUNTS + "2024-01-01 open Income:IJ\n2024-01-01 open Income:Redevances\n"
    year = YEAR + """
    2025-05-02 * "CPAM" "Indemnités journalières"
      Assets:Banque   1230.00 EUR
      Income:IJ
    2025-05-03 * "Collaboratrice" "Redevance de mai"
      Assets:Banque    800.00 EUR
      Income:Redevances
    """
    form = compute(year, accounts=accounts)
    assert form.values["AF"] == Decimal("2030.00") and form.values["AA"] == Decimal("20000.00")
    [hint] = [h for h in form.hints if "Income:IJ" in h.message]
    assert "DB" in hint.message and "1230.00 EUR" in hint.message
    # at the Income:IJ posting, the line after the bank's
    assert hint.source["lineno"] == line_of(accounts + textwrap.dedent(year), "Assets:Banque   1230.00") + 1
    assert not any("Income:Redevances" in h.message for h in form.hints)
    entered = compute(year + """
    2025-12-31 custom "hn-option" "ajustement-2035" "DB" 1230.00 EUR "Indemnités journalières 2025"
    """, accounts=accounts)
    assert not any("Income:IJ" in h.message for h in entered.hints)
    assert entered.values["DD"] == form.values["DD"] - Decimal("1230.00")


# --- line 43 --------------------------------------------------------------------------------------

def test_line_43_labels_follow_the_audit():
    table = lines2035.by_code()
    dont = [row for row in lines2035.lines() if row.parent == "CL"]
    assert [row.code for row in dont] == ["CS", "AW", "CU", "CI", "DG", "DH", "CO", "CJ", "DF"]
    assert all(row.uncertain and row.optional and "hippodoc" in row.source for row in dont)
    assert "secteur 1" not in table["CO"].label and "secteur 1" not in table["CJ"].label
    assert "jeunes artistes" in table["CO"].label and "ZFRR" in table["CJ"].label
    assert "forfait de 2 %" in table["DF"].label and "DF" not in RBS_EXONERATIONS
    for row in lines2035.lines():  # each source is a public one, said in French
        assert "fr-rules" not in row.source and row.source, row.code


def test_nil_line_43_boxes_are_printed_only_when_asked_or_not_nil():
    form = compute(YEAR)
    assert " CS  " not in to_table(form) and "--all-boxes" in to_table(form)
    assert " CS  " in to_table(form, all_boxes=True) and " DF  " in to_table(form, all_boxes=True)
    df = compute(YEAR + '    2025-12-31 custom "hn-option" "ajustement-2035" "DF" 40.00 EUR "forfait 2 %"\n')
    text = to_table(df)
    assert " DF  " in text and " CS  " not in text
    # deducted on CL and, unlike the exonérations, not added back in the revenu brut social
    assert df.values["CP"] == form.values["CP"] - 40 and df.values["DD"] == form.values["DD"] - 40


def test_all_boxes_option_of_the_command(tmp_path):
    path = write_ledger(tmp_path, ledger_text(ACCOUNTS + textwrap.dedent(YEAR)))
    short = run_hn("2035", path, "--year", "2025")
    full = run_hn("2035", path, "--year", "2025", "--all-boxes")
    assert short.exit_code == full.exit_code == 0, short.output
    assert "ZFU-TE" not in short.stdout and "ZFU-TE" in full.stdout
