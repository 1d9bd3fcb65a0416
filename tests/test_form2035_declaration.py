"""Where the 2035 goes on the 2042-C-PRO, the PAMC split (DSAU a ratio, DSAV with the dépassements),
the relevé SNIR cross-check, the 2035-E and DAS-2 duties, ``--explain`` of social boxes and signs."""

from __future__ import annotations

import json
import textwrap
from decimal import Decimal
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.render.form2035 import to_html, to_json_dict, to_table
from tests.ledgers import EXAMPLE, form_for, ledger_text, line_of, load, plain, run_hn, write_ledger

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Creances:CPAM
2024-01-01 open Income:Honoraires:Conventionnes
  convention: "conventionne"
2024-01-01 open Income:Honoraires:Depassements
  convention: "depassement"
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2024-01-01 open Income:Gains-Divers
2024-01-01 open Expenses:Retrocessions
2024-01-01 open Expenses:Comptabilite
2024-01-01 open Expenses:Redevances-Collaboration
2024-01-01 open Expenses:Loyer
"""
YEAR = """
2024-12-20 * "CPAM" "Lot FSE de décembre 2024" ^FSE-24
  Assets:Creances:CPAM            400.00 EUR
  Income:Honoraires:Conventionnes
2025-01-10 * "CPAM" "Virement du lot de décembre" ^FSE-24
  Assets:Banque                   400.00 EUR
  Assets:Creances:CPAM
2025-02-01 * "CPAM" "Virement"
  Assets:Banque                  6000.00 EUR
  Income:Honoraires:Conventionnes
2025-02-02 * "M. Roux" "DE séance à 20 h"
  Assets:Banque                   100.00 EUR
  Income:Honoraires:Depassements
2025-02-03 * "Mme Petit" "Bilan sportif"
  Assets:Banque                  3500.00 EUR
  Income:Honoraires:HN
2025-03-01 * "M. Julien Roux" "Rétrocession, remplacement de février"
  Expenses:Retrocessions          700.00 EUR
  Assets:Banque
2025-08-01 * "m. julien  roux" "Rétrocession, remplacement d'août"
  Expenses:Retrocessions          600.00 EUR
  Assets:Banque
2025-04-01 * "Fiduciaire" "Honoraires 2035"
  Expenses:Comptabilite          1200.00 EUR
  Assets:Banque
2025-05-01 * "Loyer sans tiers"
  Expenses:Retrocessions           50.00 EUR
  Assets:Banque
"""


def compute(text: str = YEAR, year: int = 2025, accounts: str = ACCOUNTS):
    return form_for(accounts + textwrap.dedent(text), year)


def test_dsav_holds_the_depassements_and_dsau_is_a_ratio():
    form = compute()
    social = form.social
    assert social.boxes()["DSCS"] == Decimal("10000.00")
    assert social.boxes()["DSAV"] == Decimal("6500.00")  # 400 + 6000 + the dépassement 100
    assert social.boxes()["DSAW"] == Decimal("100.00")
    assert social.ratio == Decimal("0.65")
    data = to_json_dict(form)["social"]
    assert (data["DSAV"], data["DSAW"], data["DSAU"], data["conventionne"]) == ("6500.00", "100.00", "0.65",
                                                                                "6400.00")
    assert data["uncertain"] == ["DSCS"]
    assert " 0,65" in to_table(form) and "%" not in to_table(form).split("DSAU")[1].split("\n")[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["Conventionnes", "Depassements", "HN"]),
                          st.integers(-500, 5000)), min_size=1, max_size=6))
def test_dsau_stays_between_zero_and_one(receipts):
    text = "".join(f"""
2025-0{1 + n % 9}-1{n % 9} * "Patient" "Séance"
  Assets:Banque   {amount}.00 EUR
  Income:Honoraires:{status}
""" for n, (status, amount) in enumerate(receipts))
    social = compute(text).social
    assert social.acts == social.conventionne + social.depassement
    ratio = social.ratio
    assert ratio is None or (0 <= ratio <= 1 and ratio == ratio.quantize(Decimal("0.01")))
    assert (ratio is None) == (social.total <= 0)


def test_results_go_to_5qc_and_dsde_for_the_first_declarant_and_5rc_for_the_second():
    form = compute()
    boxes = to_json_dict(form)["declaration"]
    assert set(boxes) == {"5QC", "5QE", "DSDE", "DSDG"}
    assert boxes["5QC"] == int(form.euros["CP"]) and boxes["DSDE"] == int(form.euros["DD"])
    second = compute(YEAR + '2024-01-01 custom "hn-option" "declarant" 2\n')
    data = to_json_dict(second)
    assert data["declarant"] == 2 and set(data["declaration"]) == {"5RC", "5RE", "DSDF", "DSDH"}
    assert data["social"]["boxes"] == {"DSCS": "DSDS", "DSAV": "DSBV", "DSAW": "DSBW", "DSAU": "DSBU"}
    text = to_table(second)
    assert "déclarant 2" in text and " 5RC " in text and " DSBU " in text and " 5QC " not in text
    page = to_html(second)
    assert "<td>5RC</td>" in page and "<td>DSBV</td>" in page
    deficit = compute(YEAR.replace("6000.00 EUR", "10.00 EUR").replace("3500.00 EUR", "10.00 EUR"))
    assert to_json_dict(deficit)["declaration"]["5QE"] == int(deficit.euros["CR"]) > 0


def test_years_before_cadre8_carry_no_revenu_brut_social_box():
    form = compute(YEAR.replace("2025-", "2024-").replace("2024-12-20", "2024-01-20"), 2024)
    assert set(to_json_dict(form)["declaration"]) == {"5QC", "5QE"}


@pytest.mark.parametrize("value", ["3", "0", '"premier"', "1.5"])
def test_declarant_is_one_or_two(value):
    text = ACCOUNTS + f'2024-01-01 custom "hn-option" "declarant" {value}\n'
    _, errors, _ = load(text)
    [error] = errors
    assert "attendu 1 (déclarant 1) ou 2" in error.message


def test_snir_difference_is_shown_with_what_explains_it():
    text = YEAR + '2026-04-10 custom "hn-option" "snir" 2025 6750.00 EUR\n'
    form = compute(text)
    check = form.snir
    assert check.declared == Decimal("6750.00") and check.ledger == Decimal("6500.00")
    assert check.difference == Decimal("250.00")
    assert check.earlier_care == Decimal("400.00")  # the lot of December 2024 paid in January
    assert check.retrocessions == Decimal("1350.00")
    out = plain("\n".join(check.lines()))
    assert "Écart SNIR − DSAV : 250,00" in out and "400,00" in out and "1 350,00" in out
    assert "rejetées" in out
    assert f":{line_of(ACCOUNTS + textwrap.dedent(text), 'snir')}" in out
    data = to_json_dict(form)["snir"]
    assert data["difference"] == "250.00" and data["earlier_care"] == "400.00"
    assert compute().snir is None and "Relevé SNIR 2025 non saisi" in to_table(compute())
    assert compute(YEAR + '2026-04-10 custom "hn-option" "snir" 2024 10.00 EUR\n').snir is None


def test_snir_equal_to_dsav_says_so():
    form = compute(YEAR + '2026-04-10 custom "hn-option" "snir" 2025 6500.00 EUR\n')
    assert form.snir.difference == 0 and "concordent" in form.snir.lines()[-1]


@pytest.mark.parametrize("values, message", [
    ("2025 100.00 EUR 3", "reçu 3 valeur(s)"), ("2025 100.00 USD", "montant en USD"),
    ('"2025" 100.00 EUR', "n'est pas une année"), ("2025", "attendu une année puis un montant"),
])
def test_malformed_snir_is_an_error_at_its_line(values, message):
    text = ACCOUNTS + f'2026-04-10 custom "hn-option" "snir" {values}\n'
    _, errors, _ = load(text)
    [error] = errors
    assert message in error.message and error.source["lineno"] == line_of(text, '"snir"')


def test_das2_lists_each_beneficiary_over_1200_euros():
    form = compute()
    duties = form.duties
    # « M. Julien Roux » and « m. julien  roux » are one beneficiary: 700 + 600
    [roux] = duties.das2
    assert roux.name == "M. Julien Roux" and roux.amount == Decimal("1300.00") and roux.lines == ["AC"]
    assert duties.unnamed.amount == Decimal("50.00")  # a rétrocession without payee
    # the accountant's 1 200.00 exactly is not above the threshold
    assert all(b.name != "Fiduciaire" for b in duties.das2)
    messages = [plain(h.message) for h in form.hints]
    assert any(m.startswith("DAS-2 : M. Julien Roux a reçu 1 300,00") and "art. 240" in m for m in messages)
    assert any("sans bénéficiaire" in m for m in messages)
    data = to_json_dict(form)["duties"]["DAS-2"]
    assert data["beneficiaries"] == [{"name": "M. Julien Roux", "amount": "1300.00", "lines": ["AC"],
                                      "payments": 2}]
    assert data["unnamed"] == "50.00"


def test_form_2035e_is_due_above_152500_euros_of_value_added_base():
    def with_fees(fees: str, collaboration: str = "0.00"):
        return compute(f"""
2025-02-01 * "CPAM" "Virement"
  Assets:Banque   {fees} EUR
  Income:Honoraires:Conventionnes
2025-02-02 * "Collaborateur" "Redevance"
  Expenses:Redevances-Collaboration   {collaboration} EUR
  Assets:Banque
""")
    at = with_fees("152500.00")
    assert at.duties.value_added_base == Decimal("152500.00") and not at.duties.form_2035e_due
    assert not any("2035-E" in h.message for h in at.hints)
    above = with_fees("152500.01")
    assert above.duties.form_2035e_due
    [hint] = [h for h in above.hints if h.message.startswith("2035-E")]
    assert "152 500 € HT" in plain(hint.message) and hint.source is None
    assert to_json_dict(above)["duties"]["2035-E"]["due"] is True
    assert [h["where"] for h in to_json_dict(above)["hints"] if h["message"].startswith("2035-E")] == [None]
    # BW (collaboration fees paid) is taken out of the base
    assert not with_fees("160000.00", "8000.00").duties.form_2035e_due


def test_explain_signs_and_social_boxes():
    form = compute()
    loyer = next(c for c in form.explain("CP") if c.account == "Expenses:Comptabilite")
    assert form.effect("CP", loyer) == Decimal("-1200.00") and form.effect("BR", loyer) == Decimal("1200.00")
    fees = next(c for c in form.explain("CP") if c.code == "AA")
    assert form.effect("CP", fees) == fees.amount and form.effect("AD", fees) == fees.amount
    retro = next(c for c in form.explain("AD") if c.code == "AC")
    assert form.effect("AD", retro) == -retro.amount
    assert sum(c.amount for c in form.explain("DSAV")) == Decimal("6500.00")
    assert [c.amount for c in form.explain("DSAW")] == [Decimal("100.00")]
    assert sum(c.amount for c in form.explain("DSCS")) == Decimal("10000.00")


def test_contributions_inside_bk_do_not_move_the_revenu_brut_social():
    accounts = ACCOUNTS + "2024-01-01 open Expenses:Cotisations:URSSAF\n"
    form = compute(YEAR + """
2025-06-01 * "URSSAF" "Cotisations"
  Expenses:Cotisations:URSSAF   900.00 EUR
  Assets:Banque
""", accounts=accounts)
    [urssaf] = [c for c in form.explain("DD") if c.code == "BT"]
    assert form.effect("DD", urssaf) == 0 and form.effect("CP", urssaf) == Decimal("-900.00")


@pytest.fixture
def ledger(tmp_path) -> str:
    return write_ledger(tmp_path, ledger_text(ACCOUNTS + YEAR))


run = partial(run_hn, "2035")


def test_explain_command_accepts_social_boxes_and_prints_signs(ledger):
    result = run(ledger, "--year", "2025", "--explain", "dsaw")
    assert result.exit_code == 0, result.output
    assert "DSAW (2042-C-PRO, volet social PAMC)" in result.stdout and "+100,00" in result.stdout
    assert "total DSAW : 100,00 €" in plain(result.stdout)
    cp = plain(run(ledger, "--year", "2025", "--explain", "CP").stdout)
    assert "-1 200,00" in cp and "+6 000,00" in cp
    listing = json.loads(run(ledger, "--year", "2025", "--explain", "DSAV", "--format", "json").stdout)
    assert listing["amount"] == "6500.00" and {i["effect"] for i in listing["items"]} >= {"+100.00"}


def test_json_carries_the_declaration_and_the_duties_as_hints(ledger):
    data = json.loads(run(ledger, "--year", "2025", "--format", "json").stdout)
    assert data["declaration"]["5QC"] == data["euros"]["CP"]
    assert data["social"]["DSAU"] == "0.65"
    assert data["duties"]["2035-E"]["due"] is False
    assert any(h["message"].startswith("DAS-2") and h["where"].startswith(ledger) for h in data["hints"])


def test_example_ledger_declaration_snir_and_das2():
    result = run(EXAMPLE, "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["declaration"] == {"5QC": 81860, "5QE": 0, "DSDE": 91373, "DSDG": 0}
    assert (data["social"]["DSAV"], data["social"]["DSAU"]) == ("75840.89", "0.69")
    assert data["snir"]["difference"] == "1580.55" and data["snir"]["earlier_care"] == "1726.02"
    [retro] = data["duties"]["DAS-2"]["beneficiaries"]
    assert retro["name"] == "M. Julien Roux" and Decimal(retro["amount"]) > 1200
