"""False alarms of the FSE lot, credit-note VAT and VAT rounding rules (adv-falsealarms 1, 4, 9).

* A lot number on a second lot entry is an error only when that entry copies the first (same
  date, same postings): a cancelled FSE, a lot split by payer or another year's lot are not.
* A credit note whose status the credit-note check reports gets that one error, not a second
  one asking for VAT its invoice never collected (in the plugin chain and in ``hn check``).
* Collected VAT computed on each rate's total (the invoice's way) is accepted.
"""

from __future__ import annotations

import pytest

from tests.ledgers import errors_of, line_of, messages, run_hn, write_ledger

LOT_ACCOUNTS = """\
2025-01-01 open Assets:Banque
2025-01-01 open Assets:Creances:CPAM
2025-01-01 open Assets:Creances:Mutuelles
2025-01-01 open Income:Honoraires:Conventionnes
"""

LOT = """\
2025-01-10 * "Lot FSE" "Télétransmission : 3 RAB 8"
  lot: "2025-001"
  Assets:Creances:CPAM        37.14 EUR
  Assets:Creances:Mutuelles   15.90 EUR
    payeur: "Almerys"
  Income:Honoraires:Conventionnes  -53.04 EUR
    acte: "RAB 8"
"""


def lot_errors(ledger: str) -> list:
    return [e for e in errors_of(ledger) if "lot FSE" in e.message]


@pytest.mark.parametrize("second", [
    # (a) a rejected FSE cancelled against its lot
    '2025-01-20 * "CPAM" "Rejet FSE 1 RAB 8 : annulation"\n  lot: "2025-001"\n'
    "  Assets:Creances:CPAM  -12.38 EUR\n  Assets:Creances:Mutuelles  -5.30 EUR\n"
    '  Income:Honoraires:Conventionnes  17.68 EUR\n    acte: "RAB 8"\n',
    # (c) the same short number the next year
    '2026-01-09 * "Lot FSE" "Télétransmission : 3 RAB 8"\n  lot: "2025-001"\n'
    "  Assets:Creances:CPAM  53.04 EUR\n  Income:Honoraires:Conventionnes  -53.04 EUR\n    acte: \"RAB 8\"\n",
    # the same day and lot, other amounts: not a copy
    '2025-01-10 * "Lot FSE" "Télétransmission : 1 RAB 8"\n  lot: "2025-001"\n'
    "  Assets:Creances:CPAM  12.38 EUR\n  Income:Honoraires:Conventionnes  -12.38 EUR\n    acte: \"RAB 8\"\n",
])
def test_a_second_entry_of_a_lot_that_is_no_copy_is_no_error(second):
    assert lot_errors(LOT_ACCOUNTS + LOT + second) == []


def test_a_lot_written_as_one_entry_per_payer_is_no_error():
    amo = ('2025-01-10 * "Lot FSE 2025-001" "Part AMO : 3 RAB 8"\n  lot: "2025-001"\n'
           '  Assets:Creances:CPAM  37.14 EUR\n  Income:Honoraires:Conventionnes  -37.14 EUR\n    acte: "RAB 8"\n')
    amc = ('2025-01-10 * "Lot FSE 2025-001" "Part AMC : 3 RAB 8"\n  lot: "2025-001"\n'
           '  Assets:Creances:Mutuelles  15.90 EUR\n    payeur: "Almerys"\n'
           '  Income:Honoraires:Conventionnes  -15.90 EUR\n    acte: "RAB 8"\n')
    assert lot_errors(LOT_ACCOUNTS + amo + amc) == []


def test_a_lot_pasted_twice_is_the_same_entry_twice_and_the_message_says_how_to_tell_first():
    copy = LOT.replace('"Télétransmission : 3 RAB 8"', '"Télétransmission : 3 RAB 8, collée deux fois"')
    # the same postings in another order are the same entry
    copy = copy.replace("  Assets:Creances:CPAM        37.14 EUR\n", "").replace(
        '    acte: "RAB 8"\n', '    acte: "RAB 8"\n  Assets:Creances:CPAM        37.14 EUR\n')
    ledger = LOT_ACCOUNTS + LOT + copy
    [error] = lot_errors(ledger)
    assert error.source["lineno"] == line_of(ledger, "collée deux fois")
    message = error.message
    assert "le lot FSE 2025-001 est enregistré deux fois à l'identique" in message
    first = line_of(ledger, '"Télétransmission : 3 RAB 8"')
    assert f"celle de <string>:{first}" in message
    assert message.index("vérifiez d'abord dans le journal des lots") < message.index("supprimez cette copie")


# --- a credit note after the switch to vat-regime "reel" ---------------------------------------

CREDIT_AFTER_SWITCH = """\
2024-01-01 custom "hn-option" "vat-regime" "franchise"
2025-01-01 custom "hn-option" "vat-regime" "reel"
2024-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2024-01-01 custom "hn-option" "invoice-series" "AV" "AV-{year}-{seq:03d}"
2024-01-01 open Assets:Banque
2024-01-01 open Liabilities:TVA:Collectee
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2024-12-10 * "Mme Durand" "Massage bien-être"
  facture: "F-2024-0001"
  Assets:Banque  60.00 EUR
  Income:Honoraires:HN  -60.00 EUR
2025-01-15 * "Mme Durand" "Avoir : séance non effectuée"
  facture: "AV-2025-001"
  avoir-de: "F-2024-0001"
  Assets:Banque  -60.00 EUR
  Income:Honoraires:HN   60.00 EUR
"""


def test_a_credit_note_of_another_status_gets_the_status_error_only():
    errors = errors_of(CREDIT_AFTER_SWITCH)
    assert len(errors) == 1, messages(errors)
    assert "l'avoir AV-2025-001 reprend 60,00\u00a0€ d'honoraires au statut tva: \"collectee\"" in errors[0].message


def test_hn_check_outside_the_chain_says_the_status_error_only(tmp_path):
    path = write_ledger(tmp_path, 'plugin "beancount_hn.plugins.all"\noption "operating_currency" "EUR"\n'
                        '2024-01-01 custom "hn-option" "treasury" Assets:Banque\n' + CREDIT_AFTER_SWITCH)
    result = run_hn("check", path)
    assert result.exit_code == 1
    assert "l'avoir AV-2025-001 reprend" in result.output
    assert "ne comptabilise aucune TVA" not in result.output


def test_a_credit_note_of_the_invoices_status_still_books_its_vat():
    collected = CREDIT_AFTER_SWITCH.replace("2024-12-10", "2025-01-10").replace("F-2024-0001", "F-2025-0001")
    errors = errors_of(collected.replace("  Assets:Banque  60.00 EUR\n  Income:Honoraires:HN  -60.00 EUR\n",
                                         "  Assets:Banque  72.00 EUR\n  Income:Honoraires:HN  -60.00 EUR\n"
                                         "  Liabilities:TVA:Collectee  -12.00 EUR\n"))
    [error] = errors
    assert type(error).__name__ == "VatPostingError" and "ne comptabilise aucune TVA" in error.message


# --- VAT on each rate's total -------------------------------------------------------------------

VAT_ACCOUNTS = """\
2025-01-01 custom "hn-option" "vat-regime" "reel"
2025-01-01 open Assets:Banque
2025-01-01 open Liabilities:TVA:Collectee
2025-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
"""


def workshops(vat: str, cash: str) -> str:
    return (VAT_ACCOUNTS + '2025-05-02 * "Société Beta" "Ateliers"\n'
            f"  Assets:Banque  {cash} EUR\n" + "  Income:Honoraires:HN  -10.03 EUR\n" * 4
            + f"  Liabilities:TVA:Collectee  -{vat} EUR\n")


@pytest.mark.parametrize("vat, cash", [("8.02", "48.14"), ("8.04", "48.16")])
def test_vat_on_the_total_per_rate_or_per_line_is_accepted(vat, cash):
    errors = errors_of(workshops(vat, cash))
    assert errors == [], messages(errors)


def test_vat_unlike_either_rounding_is_refused_and_the_message_gives_both():
    [error] = errors_of(workshops("7.90", "48.02"))
    assert error.message.startswith("Cette écriture comptabilise 7.90 de TVA mais ses lignes à leurs taux "
                                    "(taux-tva:) en donnent 8.04 (ou 8.02 sur le total hors taxe de chaque taux)")
