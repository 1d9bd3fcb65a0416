"""Invoice numbering and invoice rules (issue 4, DESIGN.md §4): one small ledger per rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.invoicing.invoices import build_invoice_book, check_invoices
from tests.ledgers import INVOICE_ACCOUNTS as ACCOUNTS
from tests.ledgers import errors_of as check
from tests.ledgers import line_of, load, only_error, txn, txn_line

VALID = ACCOUNTS + """\
2025-02-20 custom "hn-devis" "D-2025-0001" "Mme Dupont" 80.00 EUR
  acte: "HN"
  description: "Pilates individuel, 1 h"
  validite: 2025-03-31

2025-03-04 * "Mme Dupont" "Pilates individuel, 1 h" ^F-2025-0001
  facture: "F-2025-0001"
  devis: "D-2025-0001"
  client-siren: "123 456 789"
  Assets:Creances:Patients    80.00 EUR
  Income:Honoraires:HN       -80.00 EUR

2025-03-05 * "M. Petit" "Massage sportif"
  facture: "F-2025-0002"
  Assets:Caisse               45.00 EUR
  Income:Honoraires:HN

2025-03-10 * "Mme Dupont" "Avoir sur F-2025-0001 (séance écourtée)" ^F-2025-0001
  facture: "AV-2025-001"
  avoir-de: "F-2025-0001"
  Assets:Creances:Patients   -20.00 EUR
  Income:Honoraires:HN        20.00 EUR

2025-03-12 custom "hn-facture-annulee" "F-2025-0003" "note détruite, erreur de client"

2025-03-15 * "Mme Roux" "Bilan postural" ^F-2025-0004
  facture: "F-2025-0004"
  date-facture: 2025-03-14
  Assets:Creances:Patients    60.00 EUR
  Income:Honoraires:HN

2025-03-20 * "Mme Dupont" "Règlement F-2025-0001" ^F-2025-0001
  Assets:Banque               60.00 EUR
  Assets:Creances:Patients   -60.00 EUR
"""


def book_of(ledger: str):
    entries, errors, options = load(ledger)
    return build_invoice_book(entries, LedgerIndex.build(entries, options)), errors


def test_valid_ledger_is_clean():
    assert check(VALID) == []


def test_model_fields():
    book, _ = book_of(VALID)
    assert check_invoices(book) == []
    assert [i.number for i in book.invoices] == ["F-2025-0001", "F-2025-0002", "AV-2025-001", "F-2025-0004"]
    first = book.by_number["F-2025-0001"]
    assert (first.series, first.seq, first.year, first.amount, first.currency) == \
        ("F", 1, 2025, Decimal("80.00"), "EUR")
    assert first.payee == "Mme Dupont" and first.devis == "D-2025-0001" and first.client_siren == "123456789"
    assert [r.convention for r in first.receipts] == ["non-conventionne"]
    assert [n.number for n in first.credit_notes] == ["AV-2025-001"]
    assert first.credited() == Decimal("20.00") and first.net_amount() == Decimal("60.00")
    note = book.by_number["AV-2025-001"]
    assert note.is_credit_note and note.amount == Decimal("-20.00") and note.credit_of == "F-2025-0001"
    assert [n.number for n in book.credit_notes] == ["AV-2025-001"]
    assert str(book.by_number["F-2025-0004"].date) == "2025-03-14"  # date-facture wins
    assert [v.number for v in book.voided] == ["F-2025-0003"]
    assert book.voided[0].reason == "note détruite, erreur de client"
    assert set(book.series.series) == {"F", "AV"}
    assert book.quotes["D-2025-0001"].amount.number == Decimal("80.00")
    [f_2025] = [s for s in book.sequences if s.series == "F"]
    assert [m.number for m in f_2025.members] == ["F-2025-0001", "F-2025-0002", "F-2025-0003", "F-2025-0004"]
    assert f_2025.gaps == []


def test_plugin_runs_alone():
    plugin = "beancount_hn.plugins.invoice_numbering"
    ledger = ACCOUNTS + txn("2025-03-01", "F-2025-0001") + txn("2025-03-02", "F-2025-0003")
    error = only_error(check(ledger, plugin=plugin))
    assert error.source["lineno"] == line_of(ledger, 'facture: "F-2025-0003"', plugin=plugin) - 1
    assert "il manque F-2025-0002" in error.message


# --- numbering ---------------------------------------------------------------------


def test_number_of_no_series():
    ledger = ACCOUNTS + txn("2025-03-01", "F-2025-0001") + txn("2025-03-02", "G-2025-0002")
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "G-2025-0002")
    assert 'le numéro de facture "G-2025-0002" ne correspond à aucune série de factures déclarée' in error.message
    assert "F : F-{year}-{seq:04d}" in error.message and "invoice-series" in error.message


def test_duplicate_number_reported_on_the_second():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001") + txn("2025-03-02", "F-2025-0002")
              + txn("2025-03-03", "F-2025-0002", payee="M. Autre"))
    error = only_error(check(ledger))
    second = line_of(ledger, 'M. Autre')
    assert error.source["lineno"] == second
    assert f"F-2025-0002 est déjà utilisé en <string>:{txn_line(ledger, 'F-2025-0002')}" in error.message


def test_gap_names_missing_numbers_on_the_invoice_after():
    ledger = ACCOUNTS + "".join(txn(f"2025-03-0{i}", f"F-2025-000{i}") for i in (1, 2, 5, 6))
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "F-2025-0005")
    assert ("trou dans la numérotation de la série F avant F-2025-0005 : il manque F-2025-0003, F-2025-0004"
            in error.message)
    assert 'custom "hn-facture-annulee" "F-2025-0003"' in error.message


def test_first_number_of_a_year_is_one():
    ledger = ACCOUNTS + txn("2025-03-01", "F-2025-0002")
    error = only_error(check(ledger))
    assert "il manque F-2025-0001" in error.message


def test_long_gap_is_abridged():
    ledger = ACCOUNTS + txn("2025-03-01", "F-2025-0001") + txn("2025-03-02", "F-2025-9042")
    error = only_error(check(ledger))
    assert "il manque F-2025-0002, F-2025-0003, F-2025-0004, … F-2025-9041 (9\u202f040 numéros)" in error.message


def test_voided_number_fills_the_gap():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001") + txn("2025-03-03", "F-2025-0003")
              + '2025-05-02 custom "hn-facture-annulee" "F-2025-0002" "saisie en double"\n')
    assert check(ledger) == []


def test_sequences_restart_each_year():
    ledger = (ACCOUNTS + txn("2025-12-30", "F-2025-0001") + txn("2025-12-31", "F-2025-0002")
              + txn("2026-01-02", "F-2026-0001"))
    assert check(ledger) == []


def test_series_without_year_is_continuous_across_years():
    ledger = (ACCOUNTS + '2025-01-01 custom "hn-option" "invoice-series" "N" "N{seq:05d}"\n'
              + txn("2025-12-30", "N00001") + txn("2026-01-02", "N00002") + txn("2026-01-03", "N00004"))
    error = only_error(check(ledger))
    assert "il manque N00003" in error.message and error.source["lineno"] == txn_line(ledger, "N00004")


def test_higher_number_with_earlier_date():
    ledger = (ACCOUNTS + txn("2025-03-10", "F-2025-0001") + txn("2025-03-05", "F-2025-0002")
              + txn("2025-03-11", "F-2025-0003"))
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "F-2025-0002")
    assert (f"la facture F-2025-0002 est datée du 05/03/2025, avant la facture de numéro inférieur "
            f"F-2025-0001, datée du 10/03/2025 (<string>:{txn_line(ledger, 'F-2025-0001')})") in error.message


def test_one_misdated_invoice_gives_one_error():
    # F-0002 typed in December: only F-0003, right after it, is out of order.
    ledger = ACCOUNTS + "".join(txn(d, f"F-2025-000{i}") for i, d in
                                ((1, "2025-03-01"), (2, "2025-12-03"), (3, "2025-03-04"), (4, "2025-03-05")))
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "F-2025-0003")


def test_date_facture_sets_the_invoice_date():
    ledger = (ACCOUNTS + txn("2025-03-05", "F-2025-0001")
              + txn("2025-03-20", "F-2025-0002", meta=(("date-facture", "2025-03-01"),)))
    error = only_error(check(ledger))
    assert "F-2025-0002 est datée du 01/03/2025" in error.message


def test_bad_date_facture():
    ledger = ACCOUNTS + txn("2025-03-05", "F-2025-0001", meta=(("date-facture", '"hier"'),))
    error = only_error(check(ledger))
    assert 'date-facture: "hier" n\'est pas une date' in error.message


def test_number_year_must_match_the_date():
    ledger = ACCOUNTS + txn("2025-01-03", "F-2024-0001")
    errors = check(ledger)
    error = only_error([e for e in errors if "porte l'année" in e.message])
    assert error.source["lineno"] == txn_line(ledger, "F-2024-0001")
    assert "F-2024-0001 porte l'année 2024 mais est daté du 03/01/2025" in error.message


def test_voided_number_that_is_used():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001")
              + '2025-03-02 custom "hn-facture-annulee" "F-2025-0002" "erreur"\n'
              + txn("2025-03-03", "F-2025-0002"))
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "F-2025-0002")
    voided_line = line_of(ledger, "hn-facture-annulee")
    assert f'F-2025-0002 est déclaré annulé ("erreur", <string>:{voided_line})' in error.message


@pytest.mark.parametrize("written", ["f-2025-0002", " F-2025-0002", "F-2025-0002 ", "F-2025-2"])
def test_number_written_loosely_is_one_error(written):
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001") + txn("2025-03-02", written)
              + txn("2025-03-03", "F-2025-0003"))
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, written)
    assert f'le numéro de facture "{written}" n\'est pas écrit comme l\'écrit sa série F' in error.message
    assert 'écrivez "F-2025-0002"' in error.message


def test_number_zero():
    ledger = ACCOUNTS + txn("2025-03-01", "F-2025-0000")
    error = only_error(check(ledger))
    assert "a le numéro d'ordre 0 ; la numérotation commence à 1" in error.message


def test_facture_must_be_a_quoted_number():
    ledger = ACCOUNTS + "2025-03-01 * \"X\" \"Y\"\n  facture: 42\n  Assets:Banque  50 EUR\n  Income:Honoraires:HN\n"
    error = only_error(check(ledger))
    assert "facture: 42 n'est pas un numéro de facture" in error.message
    assert error.source["lineno"] == line_of(ledger, "facture: 42") - 1


def test_facture_without_income_posting():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001")
              + txn("2025-03-02", "F-2025-0002", debit="Assets:Banque", account="Assets:Creances:Patients"))
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "F-2025-0002")
    assert "facture: F-2025-0002 est sur une transaction sans ligne de recette" in error.message
    assert "^F-2025-0002" in error.message


def test_invoice_dated_before_its_series():
    ledger = ACCOUNTS + txn("2024-12-30", "F-2024-0001")
    error = only_error(check(ledger))
    assert "en vigueur à partir du 01/01/2025" in error.message and "pas le 30/12/2024" in error.message


def test_client_siren_must_have_nine_digits():
    ledger = ACCOUNTS + txn("2025-03-01", "F-2025-0001", meta=(("client-siren", '"1234"'),))
    error = only_error(check(ledger))
    assert 'client-siren: "1234" n\'est pas un SIREN' in error.message



# --- FSE lots ------------------------------------------------------------------------------

LOTS = ACCOUNTS + """\
2024-01-01 open Assets:Creances:CPAM
2024-01-01 open Equity:Ouverture
2025-03-01 * "Lot FSE" "Télétransmission du 1er mars"
  lot: "2025-010"
  Assets:Creances:CPAM               100.00 EUR
  Income:Honoraires:Conventionnes
    acte: "RAB 8"
2025-03-10 * "CPAM" "VIR CPAM lot 2025-010, première partie"
  Assets:Banque                       60.00 EUR
  Assets:Creances:CPAM               -60.00 EUR
    lot: "2025-010"
2025-03-17 * "CPAM" "VIR CPAM lot 2025-010, solde"
  Assets:Banque                       40.00 EUR
  Assets:Creances:CPAM               -40.00 EUR
    lot: "2025-010"
"""

LOT_AGAIN = """\
2025-03-01 * "Lot FSE" "Télétransmission du 1er mars, saisie une seconde fois"
  lot: "2025-010"
  Assets:Creances:CPAM               100.00 EUR
  Income:Honoraires:Conventionnes
    acte: "RAB 8"
"""


def test_a_lot_settled_by_several_payments_is_fine():
    assert check(LOTS) == []


def test_a_lot_booked_twice_is_reported_on_the_second():
    """The same lot entry twice (same lot:, date and postings) would count its fees twice."""
    ledger = LOTS + LOT_AGAIN
    error = only_error(check(ledger))
    assert error.source["lineno"] == line_of(ledger, "saisie une seconde fois")
    first = line_of(ledger, '"Télétransmission du 1er mars"')
    assert ("le lot FSE 2025-010 est enregistré deux fois à l'identique : cette écriture a la date, les "
            f"comptes et les montants de celle de <string>:{first}") in error.message
    assert error.message.index("vérifiez d'abord dans le journal des lots") < error.message.index(
        "supprimez cette copie")


def test_a_lot_carried_over_at_the_opening_is_not_a_second_lot():
    """A lot number on an entry without income (a receivable taken over against Equity:) is
    what remains of a lot, not a second one."""
    ledger = LOTS + """\
2025-01-01 * "Reprise des créances" "lot 2024-099 de décembre"
  lot: "2024-099"
  Assets:Creances:CPAM               50.00 EUR
    acte: "RAB 8"
  Equity:Ouverture
2025-01-02 * "Reprise des créances" "lot 2024-099, part mutuelle"
  lot: "2024-099"
  Assets:Creances:CPAM               20.00 EUR
    acte: "RAB 8"
  Equity:Ouverture
"""
    assert check(ledger) == []


# --- credit notes ----------------------------------------------------------------------


def credit(date: str, number: str, of: str, amount: str = "20.00") -> str:
    return (f'{date} * "Mme Martin" "Avoir"\n  facture: "{number}"\n  avoir-de: "{of}"\n'
            f"  Assets:Banque  -{amount} EUR\n  Income:Honoraires:HN  {amount} EUR\n")


def test_credit_note_of_unknown_invoice():
    ledger = ACCOUNTS + txn("2025-03-01", "F-2025-0001") + credit("2025-03-02", "AV-2025-001", "F-2025-0099")
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "AV-2025-001")
    assert ('l\'avoir AV-2025-001 : avoir-de: "F-2025-0099" ne désigne aucune facture du grand livre'
            in error.message)


def test_credit_notes_exceeding_the_invoice():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001", amount="50.00")
              + credit("2025-03-02", "AV-2025-001", "F-2025-0001", "30.00")
              + credit("2025-03-03", "AV-2025-002", "F-2025-0001", "30.00"))
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "AV-2025-002")
    assert ("l'avoir AV-2025-002 (30,00\u00a0€) dépasse ce qui reste de la facture F-2025-0001 : "
            "50,00\u00a0€ facturés, 30,00\u00a0€ déjà repris par avoir, 20,00\u00a0€ restants") in error.message


def test_credit_note_for_the_whole_invoice_is_fine():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001", amount="50.00")
              + credit("2025-03-02", "AV-2025-001", "F-2025-0001", "50.00"))
    assert check(ledger) == []


def test_credit_note_needs_its_own_number():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001")
              + '2025-03-02 * "X" "Avoir"\n  avoir-de: "F-2025-0001"\n'
                "  Assets:Banque  -10 EUR\n  Income:Honoraires:HN  10 EUR\n")
    error = only_error(check(ledger))
    assert "avoir-de: sans facture:" in error.message
    assert error.source["lineno"] == line_of(ledger, 'avoir-de: "F-2025-0001"') - 1


def test_credit_note_that_adds_fees():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001")
              + txn("2025-03-02", "AV-2025-001", meta=(("avoir-de", '"F-2025-0001"'),)))
    error = only_error(check(ledger))
    assert "l'avoir AV-2025-001 ne reprend pas d'honoraires" in error.message


def test_credit_note_before_its_invoice():
    ledger = (ACCOUNTS + credit("2025-03-01", "AV-2025-001", "F-2025-0001")
              + txn("2025-03-02", "F-2025-0001"))
    error = only_error(check(ledger))
    assert "l'avoir AV-2025-001 est daté du 01/03/2025, avant la facture F-2025-0001" in error.message


# --- quotes (devis) ----------------------------------------------------------------------


@pytest.mark.parametrize("amount, account, needed", [
    ("80.00", "Income:Honoraires:HN", True),
    ("70.00", "Income:Honoraires:HN", True),
    ("69.99", "Income:Honoraires:HN", False),
    ("80.00", "Income:Honoraires:Conventionnes", False),
    ("80.00", "Income:Honoraires:Depassements", True),
])
def test_devis_required_from_70_eur(amount, account, needed):
    ledger = ACCOUNTS + txn("2025-03-01", "F-2025-0001", amount=amount, account=account)
    errors = check(ledger)
    if not needed:
        assert errors == []
        return
    error = only_error(errors)
    assert error.source["lineno"] == txn_line(ledger, "F-2025-0001")
    euros = amount.replace(".", ",") + "\u00a0€"
    assert f"la facture F-2025-0001 porte {euros} d'honoraires dont" in error.message
    assert "information écrite préalable est obligatoire" in error.message and 'devis: "D-…"' in error.message
    assert "(≥ 70\u00a0€)" in error.message


def test_devis_counts_every_fee_of_an_invoice_with_a_depassement():
    ledger = ACCOUNTS + """\
2025-03-01 * "M. Martin" "Séance au domicile, DE"
  facture: "F-2025-0001"
  Assets:Banque                      75.00 EUR
  Income:Honoraires:Conventionnes   -60.00 EUR
  Income:Honoraires:Depassements    -15.00 EUR
"""
    error = only_error(check(ledger))
    assert "porte 75,00\u00a0€ d'honoraires dont un dépassement" in error.message


def test_devis_unknown_or_later():
    ledger = (ACCOUNTS + '2025-03-05 custom "hn-devis" "D-2025-0002" "Mme Martin" 80.00 EUR\n'
              + txn("2025-03-01", "F-2025-0001", amount="80.00", meta=(("devis", '"D-2025-0009"'),))
              + txn("2025-03-02", "F-2025-0002", amount="80.00", meta=(("devis", '"D-2025-0002"'),)))
    first, second = sorted(check(ledger), key=lambda e: e.source["lineno"])
    assert first.source["lineno"] == txn_line(ledger, "F-2025-0001")
    assert 'devis: "D-2025-0009" ne désigne aucun devis du grand livre' in first.message
    assert second.source["lineno"] == txn_line(ledger, "F-2025-0002")
    assert "désigne le devis D-2025-0002 daté du 05/03/2025" in second.message
    assert "postérieur à la facture" in second.message


def test_malformed_quotes():
    ledger = (ACCOUNTS + '2025-03-01 custom "hn-devis" "D-1" "Mme Martin"\n'
              '2025-03-01 custom "hn-devis" "D-2" "Mme Martin" 80.00 EUR\n  validite: "demain"\n'
              '2025-03-01 custom "hn-devis" "D-3" "Mme Martin" 80.00 EUR\n'
              '2025-03-02 custom "hn-devis" "D-3" "M. Autre" 80.00 EUR\n')
    errors = sorted(check(ledger), key=lambda e: e.source["lineno"])
    assert [e.source["lineno"] for e in errors] == [
        line_of(ledger, '"D-1"'), line_of(ledger, '"D-2"'), line_of(ledger, '"M. Autre"')]
    assert "attend un numéro, un client et un montant" in errors[0].message
    assert "validite: est une date" in errors[1].message
    assert "le numéro de devis D-3 est déjà pris" in errors[2].message


# --- require-invoice -------------------------------------------------------------------


REQUIRE = ACCOUNTS + '2025-01-01 custom "hn-option" "require-invoice" "non-conventionne"\n'


def test_require_invoice_on_non_conventionne_receipts():
    ledger = (REQUIRE + txn("2025-03-01", None, amount="30.00", payee="Sans facture")
              + txn("2025-03-02", None, amount="24.99", payee="Petit montant")
              + txn("2025-03-03", None, amount="60.00", account="Income:Honoraires:Conventionnes",
                    payee="Conventionne")
              + txn("2025-03-04", "F-2025-0001", amount="30.00"))
    error = only_error(check(ledger))
    assert error.source["lineno"] == line_of(ledger, "Sans facture")
    assert "recette sans facture: (non-conventionne 30,00\u00a0€)" in error.message
    assert "à partir de 25\u00a0€" in error.message


def test_require_invoice_applies_from_its_date():
    ledger = (ACCOUNTS + '2025-06-01 custom "hn-option" "require-invoice" "non-conventionne"\n'
              + txn("2025-03-01", None, amount="30.00"))
    assert check(ledger) == []


def test_debours_are_not_receipts():
    ledger = REQUIRE + txn("2025-03-01", None, amount="30.00", account="Income:Debours")
    assert check(ledger) == []
