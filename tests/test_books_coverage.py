"""The years the books cover: a 2035 of a year before the first ``treasury`` option, or of a year
they begin after 1 January for a practice nothing says opened that day, is an error at that
option's line (``form2035.coverage_errors``), never a final form of zeros or of half a year."""

from __future__ import annotations

import json

from tests.ledgers import form_for, line_of, run_hn, write_ledger

#: Books begun on 1 January 2025 with December 2024's lot copied in (demarrer.md, « Autre façon »).
COPIED_LOTS = '''
option "operating_currency" "EUR"
2025-01-01 custom "hn-option" "practice-start" 2015-01-01
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2024-12-01 open Assets:Banque:Courant EUR
2024-12-01 open Assets:Creances:CPAM EUR
2024-12-01 open Income:Honoraires:Conventionnes EUR
2024-12-20 * "Lot FSE" "lot de décembre 2024 recopié"
  lot: "2024-099"
  Assets:Creances:CPAM               500.00 EUR
  Income:Honoraires:Conventionnes   -500.00 EUR
    acte: "RAB 8"
2025-01-10 * "CPAM" "VIR CPAM lot 2024-099"
  Assets:Banque:Courant              500.00 EUR
  Assets:Creances:CPAM              -500.00 EUR
'''

#: Books begun on 1 July 2025, with an opening balance and receivables carried over, and no practice-start.
JULY = '''
option "operating_currency" "EUR"
2025-07-01 custom "hn-option" "treasury" Assets:Banque
2025-07-01 open Assets:Banque:Courant EUR
2025-07-01 open Assets:Creances:CPAM EUR
2025-07-01 open Equity:Ouverture EUR
2025-07-01 open Income:Honoraires:Conventionnes EUR
2025-07-01 * "Soldes d'ouverture au 1er juillet 2025"
  Assets:Banque:Courant             8000.00 EUR
  Equity:Ouverture
2025-07-01 * "Reprise des créances au 30/06/2025"
  Assets:Creances:CPAM              1240.50 EUR
    acte: "RAB 8"
  Equity:Ouverture
2025-07-10 * "CPAM" "VIR CPAM"
  Assets:Banque:Courant             1240.50 EUR
  Assets:Creances:CPAM             -1240.50 EUR
2026-02-10 * "CPAM" "VIR CPAM"
  Assets:Banque:Courant              100.00 EUR
  Income:Honoraires:Conventionnes   -100.00 EUR
    acte: "RAB 8"
'''


def coverage(form) -> list[str]:
    return [e.message for e in form.errors if "le livre" in e.message and "treasury" in e.message]


def test_a_year_before_the_first_treasury_day_is_an_error_not_a_form_of_zeros():
    form = form_for(COPIED_LOTS, 2024, header=False)
    [error] = form.errors
    assert error.message.startswith("le livre ne couvre pas 2024 : il compte l'argent à partir du "
                                    "1er janvier 2025 (première option treasury)")
    assert "reprenez les opérations depuis le 1er janvier 2024" in error.message
    assert error.source["lineno"] == line_of(COPIED_LOTS, '"treasury" Assets:Banque', header=False)
    assert not form.hints  # the error says it: no « rien n'est compté » hint beside it
    # The year the books hold: the copied lot counts when paid, a final form.
    whole = form_for(COPIED_LOTS, 2025, header=False)
    assert not whole.errors and whole.values["AA"] == 500


def test_a_year_before_the_practice_opened_has_no_2035():
    text = COPIED_LOTS.replace('"practice-start" 2015-01-01', '"practice-start" 2025-01-01')
    [error] = form_for(text, 2024, header=False).errors
    assert "l'activité a commencé le 1er janvier 2025 (practice-start) : pas de 2035 de 2024" in error.message


def test_books_begun_in_july_without_practice_start_are_not_a_year():
    form = form_for(JULY, 2025, header=False)
    [message] = coverage(form)
    assert message.startswith("le livre commence le 1er juillet 2025 (première option treasury) et rien ne dit "
                              "que le cabinet a ouvert ce jour-là (aucune option practice-start)")
    assert "reprenez les opérations du 1er janvier au 30 juin 2025" in message
    assert '2025-07-01 custom "hn-option" "practice-start" 2025-07-01' in message
    [error] = form.errors
    assert error.source["lineno"] == line_of(JULY, '"treasury" Assets:Banque', header=False)


def test_whole_years_pass():
    # The next year of books begun in July.
    assert not form_for(JULY, 2026, header=False).errors
    # A practice that really opened the day its books begin.
    opened = JULY.replace('2025-07-01 custom "hn-option" "treasury"',
                          '2025-07-01 custom "hn-option" "practice-start" 2025-07-01\n'
                          '2025-07-01 custom "hn-option" "treasury"')
    assert not form_for(opened, 2025, header=False).errors
    # Books begun on 1 January, without practice-start.
    january = JULY.replace("2025-07-01", "2025-01-01").replace("au 1er juillet 2025", "au 1er janvier 2025")
    assert not form_for(january, 2025, header=False).errors


def test_hn_2035_and_hn_check_refuse_the_year_hn_check_skips_it_by_default(tmp_path):
    path = write_ledger(tmp_path, 'plugin "beancount_hn.plugins.all"\n' + COPIED_LOTS)
    line = line_of(COPIED_LOTS, '"treasury" Assets:Banque', header=False, plugin="beancount_hn.plugins.all")
    result = run_hn("2035", path, "--year", "2024", "--format", "json")
    assert result.exit_code == 1
    form = json.loads(result.stdout)
    assert form["final"] is False
    assert [(e["ligne"], e["message"][:27]) for e in form["errors"]] == [(line, "le livre ne couvre pas 2024")]
    assert f"{path}:{line}: le livre ne couvre pas 2024" in result.stderr
    assert run_hn("2035", path, "--year", "2025").exit_code == 0

    checked = run_hn("check", path, "--year", "2024")
    assert checked.exit_code == 1 and "le livre ne couvre pas 2024" in checked.stderr
    assert checked.stdout.startswith("CHIFFRES NON DÉFINITIFS")
    every = run_hn("check", path)
    assert every.exit_code == 0, every.output
    assert "Recettes encaissées en 2024" not in every.stdout and "Recettes encaissées en 2025" in every.stdout
    assert "2024 : avant le premier jour du livre (1er janvier 2025, première option treasury)" in every.stdout


def test_hn_check_refuses_books_begun_in_july(tmp_path):
    path = write_ledger(tmp_path, 'plugin "beancount_hn.plugins.all"\n' + JULY)
    result = run_hn("check", path)
    assert result.exit_code == 1
    line = line_of(JULY, '"treasury" Assets:Banque', header=False)
    assert f"{path}:{line}: le livre commence le 1er juillet 2025" in result.stderr
