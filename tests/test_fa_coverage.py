"""False alarms of the coverage rule (``roles.books_first_day`` / ``coverage_errors``).

Tester's report: opening balances dated 31 December of the previous year (« bilan au
31/12/2024 », or Beancount's ``pad`` on 31/12 before the ``balance`` of 1 January, which
needs the ``treasury`` option on 31/12) made 2024 a year of the books: ``hn check`` exited 1
for as long as the ledger existed, and its hint asked for a ``practice-start`` on 31/12 that
then cost the VAT franchise. A first year of opening entries only is not a year of the
books: they begin on 1 January, and those entries are its opening balance. And the advice
restores the operations from the practice's start, never from a 1 January before it.
"""

from __future__ import annotations

from decimal import Decimal

from beancount_hn.exports.fec import build_fec
from beancount_hn.core.roles import books_first_day
from beancount_hn.tax.form2035 import coverage_errors, covered_years
from tests.ledgers import form_for, line_of, loaded, plain, run_hn, write_ledger

#: A take-over with the balances at 31 December 2024 (the accountant's « bilan au 31/12/2024 »).
TAKE_OVER = '''
option "operating_currency" "EUR"
2024-12-31 custom "hn-option" "treasury" Assets:Banque
2025-01-01 custom "hn-option" "identity" "siren" "732829320"
2024-12-31 open Assets:Banque:Courant EUR
2024-12-31 open Assets:Creances:CPAM EUR
2024-12-31 open Equity:Ouverture EUR
2025-01-01 open Income:Honoraires:HN EUR
  convention: "non-conventionne"
2025-01-01 open Expenses:Loyer EUR

2024-12-31 * "Soldes au 31/12/2024"
  Assets:Banque:Courant  1000.00 EUR
  Equity:Ouverture

2024-12-31 * "Reprise des créances au 31/12/2024"
  Assets:Creances:CPAM    200.00 EUR
    acte: "RAB 8"
  Equity:Ouverture

2025-01-08 * "CPAM" "VIR CPAM soins de décembre"
  Assets:Banque:Courant   200.00 EUR
  Assets:Creances:CPAM

2025-02-03 * "Loyer"
  Expenses:Loyer  500.00 EUR
  Assets:Banque:Courant

2025-03-10 * "Mme Dupont" "Séance de Pilates"
  Income:Honoraires:HN  -40.00 EUR
  Assets:Banque:Courant  40.00 EUR
'''

#: The same balances by Beancount's idiom: pad on 31/12, balance on 1 January.
PADDED = TAKE_OVER.replace('''2024-12-31 * "Soldes au 31/12/2024"
  Assets:Banque:Courant  1000.00 EUR
  Equity:Ouverture
''', '''2024-12-31 pad Assets:Banque:Courant Equity:Ouverture
2025-01-01 balance Assets:Banque:Courant 1000.00 EUR
''')

TREASURY = '"treasury" Assets:Banque'


def test_balances_of_31_december_are_the_opening_of_the_next_year_not_a_year_of_the_books():
    for text in (TAKE_OVER, PADDED):
        entries, index = loaded(text, header=False)
        assert books_first_day(index, entries).isoformat() == "2025-01-01"
        assert covered_years(index, [2024, 2025], entries) == [2025]
        assert coverage_errors(index, 2025, entries) == []
        form = form_for(text, 2025, header=False)
        assert not form.errors and form.reconciliation.closed
        # 200 received on the receivable carried over + 40 − 500 rent: the year's own movement.
        assert form.reconciliation.treasury == Decimal("-260.00")
        assert form.values["AA"] == Decimal("240.00")


def test_a_31_december_opening_gives_the_fec_and_reconciliation_of_a_1_january_one():
    january = (TAKE_OVER.replace('2024-12-31 custom "hn-option" "treasury"',
                                 '2025-01-01 custom "hn-option" "treasury"')
               .replace('2024-12-31 * "Soldes', '2025-01-01 * "Soldes')
               .replace('2024-12-31 * "Reprise', '2025-01-01 * "Reprise'))
    forms, fecs = [], []
    for text in (TAKE_OVER, january):
        entries, index = loaded(text, header=False)
        forms.append(form_for(text, 2025, header=False))
        fec = build_fec(entries, index, 2025)
        fecs.append([(ln.journal_code, ln.compte_num, ln.debit, ln.credit) for ln in fec.lines])
    assert [(f.reconciliation.treasury, f.values["AA"], f.values.get("BF")) for f in forms][0] == \
        (forms[1].reconciliation.treasury, forms[1].values["AA"], forms[1].values.get("BF"))
    assert fecs[0] == fecs[1]
    an = [line for line in fecs[0] if line[0] == "AN"]
    assert ("AN", "512", Decimal("1000.00"), 0) in an and ("AN", "110", 0, Decimal("1000.00")) in an


def test_hn_check_without_year_passes_and_names_the_years_before_the_books(tmp_path):
    for text in (TAKE_OVER, PADDED):
        path = write_ledger(tmp_path, 'plugin "beancount_hn.plugins.all"\n' + text)
        result = run_hn("check", path)
        assert result.exit_code == 0, result.output
        out = plain(result.stdout)
        assert "Recettes encaissées en 2024" not in out and "CHIFFRES NON DÉFINITIFS" not in out
        assert ("2024 : avant le premier jour du livre (1er janvier 2025 : le 31 décembre 2024 ne porte que des "
                "soldes d'ouverture)") in out
        asked = run_hn("check", path, "--year", "2024")
        assert asked.exit_code == 1 and "le livre ne couvre pas 2024 : il compte l'argent à partir du 1er janvier " \
            "2025" in asked.stderr


# A first year the books cover in part is also an error of the ledger (check=False): the 293 B
# franchise of the next year depends on its whole turnover (tests/test_vat_years_boundaries.py).


def test_a_real_operation_in_the_first_year_keeps_the_error_without_a_practice_start_against_the_facts():
    text = (TAKE_OVER + '''
2024-12-31 * "M. Petit" "Séance du 31 décembre"
  Income:Honoraires:HN  -40.00 EUR
  Assets:Banque:Courant  40.00 EUR
''').replace("2025-01-01 open Income:Honoraires:HN", "2024-12-31 open Income:Honoraires:HN")
    form = form_for(text, 2024, header=False, check=False)
    [error] = form.errors
    assert error.source["lineno"] == line_of(text, TREASURY, header=False)
    message = error.message
    assert message.startswith("le livre commence le 31 décembre 2024 (première option treasury) et rien ne dit")
    assert "reprenez les opérations du 1er janvier au 30 décembre 2024" in message
    assert "les soldes d'ouverture se datent alors du 31 décembre 2023 ou du 1er janvier 2024, au choix" in message
    # Nothing shows the practice older: it may have opened that day.
    assert message.endswith('2024-12-31 custom "hn-option" "practice-start" 2024-12-31')
    # A turnover declared for 2023 shows it existed: no practice-start suggested.
    declared = text.replace('2025-01-01 custom "hn-option" "identity"',
                            '2024-12-31 custom "hn-option" "vat-turnover" 2023 30000.00 EUR\n'
                            '2025-01-01 custom "hn-option" "identity"')
    [error] = form_for(declared, 2024, header=False, check=False).errors
    assert '"practice-start"' not in error.message
    assert "le livre montre qu'il exerçait avant le 31 décembre 2024 : chiffre d'affaires 2023 " \
           "déclaré" in error.message
    # An expense paid in the first year is a real operation too.
    paid = (TAKE_OVER + '''
2024-12-31 * "Loyer de décembre"
  Expenses:Loyer  500.00 EUR
  Assets:Banque:Courant
''').replace("2025-01-01 open Expenses:Loyer", "2024-12-31 open Expenses:Loyer")
    entries, index = loaded(paid, header=False, check=False)
    assert books_first_day(index, entries).isoformat() == "2024-12-31"
    assert [e.message[:40] for e in coverage_errors(index, 2024, entries)] == \
        ["le livre commence le 31 décembre 2024 (p"]


def test_a_receivable_settled_in_the_first_year_is_a_real_operation():
    text = TAKE_OVER + '''
2024-12-31 * "CPAM" "VIR CPAM"
  Assets:Banque:Courant   50.00 EUR
  Assets:Creances:CPAM
'''
    entries, index = loaded(text, header=False, check=False)
    assert books_first_day(index, entries).isoformat() == "2024-12-31"


def test_a_practice_that_opened_that_day_keeps_its_first_year():
    text = TAKE_OVER.replace('2025-01-01 custom "hn-option" "identity"',
                             '2024-12-31 custom "hn-option" "practice-start" 2024-12-31\n'
                             '2025-01-01 custom "hn-option" "identity"')
    entries, index = loaded(text, header=False)
    assert books_first_day(index, entries).isoformat() == "2024-12-31"
    assert covered_years(index, [2024, 2025], entries) == [2024, 2025]
    assert coverage_errors(index, 2024, entries) == []


#: Practice opened on 1 March 2025, its business account declared treasury on 10 March.
OPENED_IN_MARCH = '''
option "operating_currency" "EUR"
2025-03-01 custom "hn-option" "practice-start" 2025-03-01
2025-03-10 custom "hn-option" "treasury" Assets:Banque
2025-03-10 open Assets:Banque:Courant EUR
2025-03-01 open Income:Honoraires:HN EUR
  convention: "non-conventionne"
2025-03-12 * "Mme X" "Séance"
  Income:Honoraires:HN  -50.00 EUR
  Assets:Banque:Courant 50.00 EUR
'''


def test_restore_from_the_practices_start_not_from_1_january():
    [error] = form_for(OPENED_IN_MARCH, 2025, header=False, check=False).errors
    assert error.message.startswith("le livre commence le 10 mars 2025 (première option treasury) mais l'activité "
                                    "a commencé le 1er mars 2025 (practice-start)")
    assert error.message.endswith("Reprenez les opérations du 1er mars au 9 mars 2025 (au moins leurs totaux, une "
                                  "transaction par ligne de la 2035), et datez l'option treasury du 1er mars")
    assert "1er janvier" not in error.message
    # A practice older than the year: from 1 January, its balances on 31/12 or 01/01.
    older = OPENED_IN_MARCH.replace('"practice-start" 2025-03-01', '"practice-start" 2019-09-02')
    [error] = form_for(older, 2025, header=False, check=False).errors
    assert "Reprenez les opérations du 1er janvier au 9 mars 2025" in error.message
    assert "datez l'option treasury du 1er janvier ; les soldes d'ouverture se datent alors du 31 décembre 2024 " \
           "ou du 1er janvier 2025, au choix" in error.message
