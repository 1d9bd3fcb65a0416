"""Boxes a practitioner fills for the social side: cadre 8 (DE, DB), the PAMC split and the SNIR.

- An ``Income:`` account cannot feed a debit box nor an ``Expenses:`` account a credit box through
  ``ligne-2035:`` (IJ on DB gave DB −500 and a wrong CP/DD): an error at the open's line, saying
  what to write (AF and an ``ajustement-2035 "DB"`` for IJ). The contra accounts of lines 1 and 2
  (débours on ``Income:`` in AB, a refund of fees on ``Expenses:`` in AA) stay accepted.
- A ``date-soin:`` that is not a date is an error at its line in the SNIR cross-check.
- Refunds larger than the year's receipts of a status: DSAV > DSCS is said, never clamped silently.
- The Cabinet page marks DSCS « (?) » like every other output.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from beancount_hn.render.form2035 import status, to_csv, to_json_dict, to_table
from tests.ledgers import form_for, line_of, load, messages, only_error, run_hn, write_ledger

ACCOUNTS = """
2025-01-01 custom "hn-option" "profession" "masseur-kinesitherapeute"
2025-01-01 open Assets:Banque
2025-01-01 open Income:Honoraires:Conventionnes
2025-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
"""

FEE = """
2025-03-01 * "M. B" "séance"
  Assets:Banque  1000.00 EUR
  Income:Honoraires:Conventionnes  -1000.00 EUR
    acte: "RAB 8"
"""


def _on(account: str, box: str, amount: str) -> str:
    """``account`` opened on ``box``, with one payment of ``amount`` from the bank to it."""
    return ACCOUNTS + FEE + f"""
2025-01-01 open {account}
  ligne-2035: "{box}"
2025-05-01 * "X" "mouvement"
  Assets:Banque  {amount} EUR
  {account}
"""


# --- F2: a box of the other side ------------------------------------------------------------------


@pytest.mark.parametrize("account, box, amount, says", [
    ("Income:IJ", "DB", "500.00", 'ligne-2035: "AF" (gains divers), et remplissez DB par une directive'),
    ("Income:Retrocessions-Recues", "AC", "300.00", 'sont des honoraires : ligne-2035: "AA"'),
    ("Income:Divers", "BA", "300.00", "se passe au crédit du compte Expenses:"),
    ("Income:Quote-Part", "CL", "300.00", '"ajustement-2035" "CL" MONTANT EUR'),
    ("Expenses:Depenses-Perso", "CC", "-200.00", 'ligne-2035: "non-deductible" (jamais déduite'),
    ("Expenses:Madelin-Excedent", "DE", "-200.00", '"ajustement-2035" "DE" MONTANT EUR'),
    ("Expenses:Divers", "AF", "-200.00", "une charge financière va en BN"),
])
def test_an_account_on_a_box_of_the_other_side_is_refused_at_its_open(account, box, amount, says):
    text = _on(account, box, amount)
    error = only_error(load(text)[1])
    assert error.source["lineno"] == line_of(text, f"open {account}")
    assert error.message.startswith(f'{account} : ligne-2035: "{box}" porterait chaque ')
    assert "une case de la 2035 ne reçoit jamais de montant négatif" in error.message
    assert says in error.message


def test_the_ij_go_on_af_and_db_takes_an_adjustment():
    """What the error says to write gives the figures by hand: AF 500, CP 1 500, DB 500, DD 1 000."""
    text = ACCOUNTS + FEE + """
2025-01-01 open Income:IJ
  ligne-2035: "AF"
2025-05-01 * "CPAM" "indemnités journalières avril"
  Assets:Banque  500.00 EUR
  Income:IJ  -500.00 EUR
2025-12-31 custom "hn-option" "ajustement-2035" "DB" 500.00 EUR "Indemnités journalières 2025"
"""
    values = form_for(text, 2025).values
    assert (values["AF"], values["CP"], values["DB"], values["DD"]) == (500, 1500, 500, 1000)


@pytest.mark.parametrize("account, box, amount", [
    ("Income:Debours", "AB", "-20.00"),  # débours paid, debited to the income account
    ("Expenses:Remboursements", "AA", "-10.00"),  # a refund of fees to a patient
])
def test_the_contra_accounts_of_lines_1_and_2_stay_accepted(account, box, amount):
    entries, errors, _ = load(_on(account, box, amount))
    assert not errors, messages(errors)


def test_a_box_of_its_own_side_and_the_special_values_are_accepted():
    text = ACCOUNTS + FEE + """
2025-01-01 open Income:Interets
  ligne-2035: "AE"
2025-01-01 open Expenses:Amendes
  ligne-2035: "non-deductible"
2025-01-01 open Expenses:Scm
  ligne-2035: "CM"
"""
    assert not load(text)[1], messages(load(text)[1])


# --- F4: date-soin: that is not a date --------------------------------------------------------------

SNIR = """
2025-01-08 * "M. C" "séances décembre 2024"
  date-soin: "2024-12-20"
  Assets:Banque  100.00 EUR
  Income:Honoraires:Conventionnes  -100.00 EUR
    acte: "RAB 8"
2025-01-09 * "M. D" "séances décembre 2024"
  date-soin: 2024-12-21
  Assets:Banque  50.00 EUR
  Income:Honoraires:Conventionnes  -50.00 EUR
    acte: "RAB 8"
2025-01-10 * "M. E" "séances décembre 2024"
  Assets:Banque  30.00 EUR
  Income:Honoraires:Conventionnes  -30.00 EUR
    acte: "RAB 8"
    date-soin: "décembre 2024"
2026-04-10 custom "hn-option" "snir" 2025 10.00 EUR
"""


def test_a_quoted_care_date_is_an_error_at_its_line():
    text = ACCOUNTS + SNIR
    form = form_for(text, 2025)
    by_line = {error.source["lineno"]: error.message for error in form.snir.errors}
    assert sorted(by_line) == [line_of(text, '* "M. C"'), line_of(text, '-30.00 EUR')]
    assert by_line[line_of(text, '* "M. C"')] == (
        'date-soin: "2024-12-20" n\'est pas une date : le rapprochement SNIR ne sait pas de quelle année '
        "sont ces soins ; écrivez la date sans guillemets, p. ex. date-soin: 2024-12-20")
    assert 'date-soin: "décembre 2024" n\'est pas une date' in by_line[line_of(text, '-30.00 EUR')]
    state = status(form)
    assert not state.final and len(state.errors) == 2
    assert "CHIFFRES NON DÉFINITIFS" in to_table(form) and to_json_dict(form)["final"] is False


def test_the_command_fails_on_a_quoted_care_date(tmp_path):
    path = write_ledger(tmp_path, 'option "operating_currency" "EUR"\nplugin "beancount_hn.plugins.all"\n'
                        '2025-01-01 custom "hn-option" "treasury" Assets:Banque\n' + ACCOUNTS + SNIR)
    result = run_hn("2035", path, "--year", "2025")
    assert result.exit_code == 1
    assert f"{path}:" in result.output and "écrivez la date sans guillemets" in result.output
    # as every error of the 2035, on stderr with its file:line (the banner says they are listed)
    assert any(line.startswith(f"{path}:") and "date-soin:" in line for line in result.stderr.splitlines())


def test_dates_written_as_dates_give_no_error():
    text = ACCOUNTS + SNIR.replace('"2024-12-20"', "2024-12-20").replace('"décembre 2024"', "2024-12-19")
    form = form_for(text, 2025)
    assert form.snir.errors == [] and form.snir.earlier_care == Decimal("180.00")
    assert status(form).final


# --- F6: refunds larger than the year's receipts of a status ----------------------------------------

REFUND = """
2025-03-01 * "M. B" "séance"
  Assets:Banque  100.00 EUR
  Income:Honoraires:Conventionnes  -100.00 EUR
    acte: "RAB 8"
2025-04-01 * "Mme K" "remboursement cours Pilates 2024 annulé"
  Assets:Banque  -60.00 EUR
  Income:Honoraires:HN  60.00 EUR
2025-05-01 * "Mme L" "Pilates"
  Assets:Banque  20.00 EUR
  Income:Honoraires:HN  -20.00 EUR
"""


def test_dsav_above_dscs_is_said_in_every_output():
    form = form_for(ACCOUNTS + REFUND, 2025)
    assert (form.social.total, form.social.acts) == (60, 100)
    warnings = to_json_dict(form)["social"]["warnings"]
    assert warnings[0].startswith("DSAV (100,00\u00a0€) dépasse DSCS (60,00\u00a0€), dont il est une part")
    assert "non conventionné (HN) -40,00\u00a0€" in warnings[0] and "a été borné" in warnings[0]
    assert "ne se déclarent pas telles quelles" in warnings[-1]
    assert "! volet social : DSAV (100,00" in to_table(form)
    assert "volet social : DSAV (100,00" in to_csv(form)


def test_a_negative_box_is_said():
    text = ACCOUNTS + REFUND.replace("100.00 EUR", "10.00 EUR").replace("-20.00 EUR", "-5.00 EUR").replace(
        "20.00 EUR", "5.00 EUR")
    form = form_for(text, 2025)
    assert form.social.total < 0
    warnings = to_json_dict(form)["social"]["warnings"]
    assert warnings[0].startswith("case(s) négative(s) : DSCS -45,00")


def test_an_ordinary_year_has_no_social_warning():
    form = form_for(ACCOUNTS + FEE, 2025)
    assert to_json_dict(form)["social"]["warnings"] == []
    assert "volet social :" not in to_table(form)


# --- F7: « (?) » on DSCS in Fava ----------------------------------------------------------------------


def test_the_cabinet_page_marks_dscs_uncertain(tmp_path):
    from tests.fava_support import fava_app, slug_of

    text = ('option "operating_currency" "EUR"\nplugin "beancount_hn.plugins.all"\n'
            '2025-01-01 custom "hn-option" "treasury" Assets:Banque\n' + ACCOUNTS + FEE
            + '2025-01-01 custom "fava-extension" "beancount_hn.fava"\n')
    app = fava_app(write_ledger(tmp_path, text))
    response = app.test_client().get(f"/{slug_of(app)}/extension/Cabinet/", query_string={"time": "2025"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    row = page[page.index('<td class="hn-code">DSCS</td>'):]
    row = row[:row.index("</tr>")]
    assert '<span class="hn-uncertain"' in row and "(?)" in row
    dsav = page[page.index('<td class="hn-code">DSAV</td>'):]
    assert "(?)" not in dsav[:dsav.index("</tr>")]
