"""A payment without link that settles, oldest first, another payee's item while one of its own
payee's is open: the guess may move an expense or a receipt to another year or line, so the
figures are not final until the payment names its item."""

from __future__ import annotations

import pytest

from beancount_hn.core.cashbook import Cashbook, misattribution_errors, problem_errors
from beancount_hn.tax.form2035 import compute_2035
from tests.ledgers import line_of, load, loaded

SUPPLIERS = """
2024-01-01 open Assets:Banque EUR
2024-01-01 open Liabilities:Fournisseurs EUR
2024-01-01 open Assets:Immobilisations:Ordinateur EUR
2024-01-01 open Expenses:Entretien EUR

2025-06-10 * "Boulanger Pro" "Ordinateur, payable en 2026"
  Assets:Immobilisations:Ordinateur  1200.00 EUR
    amortissement: "lineaire 3"
  Liabilities:Fournisseurs
2025-11-20 * "Plomberie Martin" "Réparation fuite"
  Expenses:Entretien  800.00 EUR
  Liabilities:Fournisseurs
2025-12-01 * "{payee}" "Paiement réparation"{link}
  Liabilities:Fournisseurs  800.00 EUR
  Assets:Banque
2026-01-10 * "Boulanger Pro" "Paiement ordinateur"
  Liabilities:Fournisseurs  1200.00 EUR
  Assets:Banque
"""


def test_a_payment_taking_another_payees_item_while_its_own_is_open_is_an_error():
    text = SUPPLIERS.format(payee="PLOMBERIE  martin", link="")
    entries, index = loaded(text)
    cashbook = Cashbook.build(entries, index)
    (error,) = problem_errors(cashbook)
    assert error.source["lineno"] == line_of(text, '"Paiement réparation"')
    assert "« Boulanger Pro » du 10 juin 2025" in error.message
    assert "« Plomberie Martin » du 20 novembre 2025" in error.message and "reglement-de:" in error.message
    for year in (2025, 2026):  # the guess moves the repair from 2025 to 2026: neither year is sure
        form = compute_2035(entries, index, year)
        assert any("ordre d'ancienneté" in e.message for e in form.errors), year


@pytest.mark.parametrize("payee, link", [
    ("Plomberie Martin", " ^plomb"),  # it names its item: no guess
    ("Boulanger Pro", ""),  # oldest first is its own payee's item
    ("VIR SEPA 1234", ""),  # a bank label names no payee of the ledger: oldest first, as documented
])
def test_no_error_when_the_payment_names_its_item_or_its_payee_has_none_open(payee, link):
    text = SUPPLIERS.format(payee=payee, link=link).replace(
        '"Réparation fuite"', '"Réparation fuite" ^plomb')
    entries, index = loaded(text)
    assert not misattribution_errors(Cashbook.build(entries, index), lambda day: True)


# --- items of the same day: « oldest first » cannot choose -------------------------------------

SAME_DAY = """
2025-01-01 open Assets:Banque EUR
2025-01-01 open Assets:Creances:Patients EUR
2025-01-01 open Income:Honoraires:Conventionnes EUR
2025-01-01 open Income:Honoraires:HN EUR
  convention: "non-conventionne"
{first}
{second}
2025-03-20 * "M. Roux" "Chèque"{link}
  Assets:Banque                     {paid} EUR
  Assets:Creances:Patients         -{paid} EUR
"""
RAB = '''2025-03-05 * "M. Roux" "Séance RAB 8" ^s1
  Assets:Creances:Patients          40.00 EUR
  Income:Honoraires:Conventionnes  -40.00 EUR
    acte: "RAB 8"'''
HN = '''2025-03-05 * "M. Roux" "Massage bien-être" ^m1
  Assets:Creances:Patients          40.00 EUR
  Income:Honoraires:HN             -40.00 EUR'''


@pytest.mark.parametrize("first, second", [(RAB, HN), (HN, RAB)])
def test_a_payment_choosing_between_items_of_one_day_by_line_order_is_an_error(first, second):
    text = SAME_DAY.format(first=first, second=second, link="", paid="40.00")
    entries, index = loaded(text)
    (error,) = misattribution_errors(Cashbook.build(entries, index), lambda day: True)
    assert error.source["lineno"] == line_of(text, '"Chèque"')
    assert "du même jour, le 5 mars 2025, de natures différentes" in error.message
    assert "« Séance RAB 8 »" in error.message and "« Massage bien-être »" in error.message
    assert any("même jour" in e.message for e in compute_2035(entries, index, 2025).errors)


@pytest.mark.parametrize("link, paid, second", [
    (" ^m1", "40.00", HN),  # it names its item
    ("", "80.00", HN),  # it pays both
    ("", "40.00", RAB.replace("^s1", "^s2")),  # two items of one nature: nothing to choose
])
def test_no_error_when_the_day_s_items_are_alike_paid_or_named(link, paid, second):
    text = SAME_DAY.format(first=RAB, second=second, link=link, paid=paid)
    entries, index = loaded(text)
    assert not misattribution_errors(Cashbook.build(entries, index), lambda day: True)


# --- a payment naming its item where nothing reads it -------------------------------------------

LOTS = """
2025-01-01 open Assets:Banque EUR
2025-01-01 open Assets:Creances:CPAM EUR
2025-01-01 open Income:Honoraires EUR
2025-03-01 * "Lot" "lot 1"
  lot: "L1"
  Assets:Creances:CPAM   50.00 EUR
  Income:Honoraires     -50.00 EUR
    acte: "RAB 8"
2025-03-02 * "Lot" "lot 2"
  lot: "L2"
  Assets:Creances:CPAM   50.00 EUR
  Income:Honoraires     -50.00 EUR
    acte: "DE"
2025-03-20 * "CPAM" "VIR"{txn_meta}
  Assets:Banque  50.00 EUR{bank_meta}
  Assets:Creances:CPAM  -50.00 EUR{item_meta}
"""


@pytest.mark.parametrize("txn_meta, bank_meta, key, place", [
    ('\n  lot: "L2"', "", "lot", "sur la transaction"),
    ('\n  reglement-de: "L2"', "", "reglement-de", "sur la transaction"),
    ("", '\n    reglement-de: "L2"', "reglement-de", "sur la ligne Assets:Banque"),
])
def test_a_payment_naming_its_item_where_nothing_reads_it_is_an_error(txn_meta, bank_meta, key, place):
    text = LOTS.format(txn_meta=txn_meta, bank_meta=bank_meta, item_meta="")
    [error] = [e for e in load(text)[1] if "n'est pas lu" in e.message]
    assert error.source["lineno"] == line_of(text, '"CPAM" "VIR"')
    assert error.message.startswith(f"{key}: {place} n'est pas lu")


def test_the_same_key_on_the_receivable_line_is_read():
    text = LOTS.format(txn_meta="", bank_meta="", item_meta='\n    lot: "L2"')
    assert not load(text)[1]


def test_a_linked_payment_sorted_before_its_same_day_note_says_why(tmp_path):
    """Beancount orders a day's entries by line number, even across files: the payment of the
    bank file comes before the note it names; the error says so instead of « liez-le »."""
    from beancount_hn.core.loading import load_ledger
    from tests.ledgers import write_file

    write_file(tmp_path, "notes.beancount", '; notes\n\n2025-04-10 * "Mme Durand" "Massage" ^F-2025-0001\n'
               '  facture: "F-2025-0001"\n  Assets:Creances:Patients   60.00 EUR\n  Income:HN  -60.00 EUR\n')
    write_file(tmp_path, "banque.beancount", '2025-04-10 * "Mme Durand" "CB" ^F-2025-0001\n'
               '  Assets:Banque  60.00 EUR\n  Assets:Creances:Patients  -60.00 EUR\n')
    main = write_file(tmp_path, "main.beancount", 'option "operating_currency" "EUR"\n'
                      'plugin "beancount_hn.plugins.all"\n2025-01-01 custom "hn-option" "treasury" Assets:Banque\n'
                      '2025-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"\n'
                      '2025-01-01 open Assets:Banque EUR\n2025-01-01 open Assets:Creances:Patients EUR\n'
                      '2025-01-01 open Income:HN EUR\n  convention: "non-conventionne"\n'
                      'include "notes.beancount"\ninclude "banque.beancount"\n')
    loaded_ledger = load_ledger(main, show_errors=False)
    form = compute_2035(loaded_ledger.entries, loaded_ledger.index, 2025)
    [error] = [e for e in form.errors if "Beancount le range avant" in e.message]
    assert error.source["filename"].endswith("banque.beancount") and error.source["lineno"] == 1


def test_the_nature_read_from_tags_is_the_classified_one():
    """_check_tie reads a transaction's nature from the convention step's tag when it can: it
    must be exactly what classifying it gives, on a whole practice."""
    from beancount import loader

    from beancount_hn.core.cashbook import _PNL_ROOTS, _Builder, _transactions
    from beancount_hn.core.ledger import LedgerIndex
    from tests.ledgers import EXAMPLE

    entries, errors, options = loader.load_file(EXAMPLE)
    assert not errors
    transactions = _transactions(entries)
    builder = _Builder(LedgerIndex.build(entries, options), transactions)
    read = 0
    for txn in transactions:
        tagged = builder._tagged_nature(txn)
        if tagged is not None:
            read += 1
            assert tagged == frozenset((p.account, builder._statuses(txn).get(i)) for i, p in
                                       enumerate(txn.postings) if builder.root[p.account] in _PNL_ROOTS)
    assert read > 100
