"""The 293 B franchise across year boundaries (findings2-vatyears): a decision never rests on a
year the ledger does not hold whole, a receipt invoiced with VAT keeps the franchise lost,
``--as-of`` counts what was received by then, and a first year's prorata is said in days.

F1: books begun on 1 July for an older practice decided 2026 on half of 2025 (exit 0).
F2: a year without any transaction between two active years counted as 0 € (exit 0).
F5: ``practice-start`` years before the books, no ``vat-turnover``: « supposé nul » (exit 0).
F7: the crossing receipt rewritten with its VAT (amount before VAT) un-crossed the majoré.
F3: ``hn vat --as-of`` counted receipts after that day and projected from them.
F8: « proratisé 92/183 jours » for 184 days out of 366.
"""

from __future__ import annotations

import json
from functools import partial

from tests import ledgers
from tests.ledgers import only_error, plain, run_hn, write_ledger
from tests.ledgers import vat_analysis as _vat_analysis

run = partial(_vat_analysis, header=False)
line_of = partial(ledgers.line_of, header=False)

ACCOUNTS = """\
option "operating_currency" "EUR"
2019-01-01 open Assets:Banque EUR
2019-01-01 open Liabilities:TVA:Collectee EUR
2019-01-01 open Income:Honoraires:HN EUR
  convention: "non-conventionne"
2019-01-01 open Expenses:Loyer EUR
  ligne-2035: "BF"
"""


def option(day: str, text: str) -> str:
    return f'{day} custom "hn-option" {text}\n'


def hn(day: str, amount: str, payee: str = "Mme X") -> str:
    return (f'{day} * "{payee}" "Massage bien-être"\n  Assets:Banque  {amount} EUR\n'
            f"  Income:Honoraires:HN  -{amount} EUR\n")


def rent(day: str) -> str:
    return f'{day} * "SCI" "Loyer"\n  Expenses:Loyer  500.00 EUR\n  Assets:Banque  -500.00 EUR\n'


def vat_errors(errors) -> list:
    return [e for e in errors if type(e).__name__ == "VatError"]


# --- F1: books begun during a year of an older practice ----------------------------------------

MID_YEAR = (ACCOUNTS + option("2020-01-01", '"practice-start" 2020-01-01')
            + option("2025-07-01", '"treasury" Assets:Banque')
            + option("2025-07-01", '"vat-turnover" 2024 20000.00 EUR')
            + "".join(hn(f"2025-{month:02d}-10", "5000.00") for month in range(7, 13))
            + hn("2026-01-10", "5000.00"))


def test_books_begun_mid_year_do_not_decide_next_year_on_half_a_year():
    result, _, errors = run(MID_YEAR)
    [error] = vat_errors(errors)
    assert error.source["lineno"] == line_of(MID_YEAR, '"treasury" Assets:Banque')
    message = plain(error.message)
    assert "chiffre d'affaires 2025 inconnu — le livre commence le 1er juillet 2025 (première option " \
           "treasury) et le cabinet exerce depuis le 1er janvier 2020 (practice-start)" in message
    assert 'La franchise de 2026 en dépend' in message
    assert '2025-07-01 custom "hn-option" "vat-turnover" 2025 MONTANT EUR' in message
    assert "reprenez les opérations du 1er janvier au 30 juin 2025" in message
    decision = result.years[2025].next_year
    assert decision.unknown == (2025,) and decision.franchise  # no receipt flagged on a guess
    assert result.years[2025].to_json()["next_year"]["franchise"] is None
    assert result.years[2026].to_json()["previous_turnover"]["source"] == "unknown"
    assert result.years[2026].status == "franchise non vérifiée : chiffre d'affaires 2025 inconnu"


def test_the_whole_year_declared_or_a_practice_opening_that_day_decides_again():
    declared = MID_YEAR + option("2025-07-01", '"vat-turnover" 2025 40000.00 EUR')
    result, _, errors = run(declared)
    assert "franchise TVA 293 B perdue au 1er janvier 2026" in plain(only_error(vat_errors(errors)).message)
    assert not result.years[2026].franchise_at_start.franchise
    assert not result.years[2026].franchise_at_start.unknown
    opened = MID_YEAR.replace('"practice-start" 2020-01-01', '"practice-start" 2025-07-01').replace(
        option("2025-07-01", '"vat-turnover" 2024 20000.00 EUR'), "").replace("5000.00", "1000.00")
    result, _, errors = run(opened)  # a first year: its thresholds are prorated (184/365)
    assert vat_errors(errors) == [] and not result.unknown_turnover


def test_without_practice_start_a_mid_year_start_is_unknown_too_as_for_the_2035(tmp_path):
    text = MID_YEAR.replace(option("2020-01-01", '"practice-start" 2020-01-01'), "")
    path = write_ledger(tmp_path, f'plugin "{ledgers.PLUGIN}"\n' + text)
    result = run_hn("vat", path, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["final"] is False
    assert "rien ne dit que le cabinet a ouvert ce jour-là" in report["errors"][0]["message"]
    [year_2025] = [y for y in report["years"] if y["year"] == 2025]
    assert year_2025["next_year"]["franchise"] is None
    assert year_2025["next_year"]["unknown_turnover_years"] == [2025]


def test_what_the_books_already_count_over_the_base_threshold_loses_the_franchise_for_sure():
    # Half a year already past 37 500 €: the whole year is more, the 2026 franchise is lost.
    text = MID_YEAR.replace("5000.00", "6500.00")
    result, _, errors = run(text)
    decision = result.years[2026].franchise_at_start
    assert not decision.franchise and not decision.unknown
    assert "CA 2025 = 39 000,00 € (compté par le livre, qui n'a pas toute l'année : un minimum) > 37 500,00 €" \
        in plain(decision.reason)
    assert not any("inconnu" in e.message for e in errors)


# --- F2: a year without any transaction between active years ----------------------------------

GAP = (ACCOUNTS + option("2020-01-01", '"practice-start" 2020-01-01')
       + option("2023-01-01", '"treasury" Assets:Banque')
       + option("2023-01-01", '"vat-turnover" 2022 30000.00 EUR')
       + "".join(hn(f"2023-{month:02d}-10", "3000.00") for month in range(1, 11))
       + "".join(hn(f"2025-{month:02d}-10", "5000.00") for month in range(1, 5)))


def test_a_covered_year_without_any_transaction_is_not_a_zero():
    result, _, errors = run(GAP)
    [error] = vat_errors(errors)
    assert error.source["lineno"] == line_of(GAP, "2025-01-10")  # the first receipt it decides
    message = plain(error.message)
    assert "chiffre d'affaires 2024 inconnu — le livre n'a aucune transaction en 2024, après des années " \
           "qui en ont (un fichier de 2024 oublié dans les include ?)" in message
    assert "(0 si le cabinet n'a vraiment rien encaissé en 2024)" in message
    assert result.years[2025].franchise_at_start.unknown == (2024,)


def test_a_year_with_only_costs_or_declared_empty_is_known():
    _, _, errors = run(GAP + rent("2024-03-01"))
    assert vat_errors(errors) == []
    result, _, errors = run(GAP + option("2025-01-01", '"vat-turnover" 2024 0 EUR'))
    assert vat_errors(errors) == [] and result.years[2025].franchise_at_start.franchise


# --- F5: the year before the books, when practice-start says the practice was open -------------

BEFORE = (ACCOUNTS + option("2020-01-01", '"practice-start" 2020-01-01')
          + option("2025-01-01", '"treasury" Assets:Banque') + hn("2025-03-10", "37500.00"))


def test_practice_start_before_the_books_asks_for_the_previous_turnover():
    result, _, errors = run(BEFORE)
    [error] = vat_errors(errors)
    assert error.source["lineno"] == line_of(BEFORE, '"treasury" Assets:Banque')
    assert "chiffre d'affaires 2024 inconnu — le cabinet exerce depuis le 1er janvier 2020 (practice-start) " \
           "et le livre ne commence que le 1er janvier 2025" in plain(error.message)
    assert result.years[2025].franchise_at_start.unknown == (2024,)
    _, _, errors = run(BEFORE + option("2025-01-01", '"vat-turnover" 2024 30000.00 EUR'))
    assert vat_errors(errors) == []


def test_without_evidence_of_an_earlier_practice_the_year_before_stays_nil():
    for start in ("", option("2025-01-01", '"practice-start" 2025-01-01')):
        text = BEFORE.replace(option("2020-01-01", '"practice-start" 2020-01-01'), start)
        result, _, errors = run(text)
        assert vat_errors(errors) == [], [e.message for e in errors]
        assert result.years[2025].franchise_at_start.franchise
        assert not result.years[2025].franchise_at_start.unknown


# --- F7: the crossing receipt rewritten with its VAT ----------------------------------------------

CROSSED = (ACCOUNTS + option("2020-01-01", '"practice-start" 2020-01-01')
           + option("2025-01-01", '"treasury" Assets:Banque')
           + option("2025-01-01", '"vat-turnover" 2024 30000 EUR')
           + hn("2025-03-10", "20000.00") + hn("2025-09-10", "20300.00")
           + '2025-10-20 * "Mme Z" "Massage bien-être (TVA due depuis ce jour)"\n'
           + "  Assets:Banque  1000.00 EUR\n  Income:Honoraires:HN  -833.33 EUR\n"
           + '    tva: "collectee"\n  Liabilities:TVA:Collectee  -166.67 EUR\n'
           + hn("2025-11-15", "100.00"))


def test_a_receipt_invoiced_with_vat_under_the_franchise_keeps_vat_due_from_its_day():
    result, _, errors = run(CROSSED)
    year = result.years[2025]
    assert year.majore_crossing is None  # 41 233,33 € before VAT: the recount no longer crosses
    assert str(year.vat_due_from) == "2025-10-20" and year.first_collected is not None
    assert year.status == "TVA due depuis le 20 octobre 2025"
    [error] = vat_errors(errors)
    assert error.source["lineno"] == line_of(CROSSED, "2025-11-15")
    assert f'la recette tva: "collectee" du 20 octobre 2025 (<string>:{line_of(CROSSED, "2025-10-20")})' \
        in plain(error.message)
    assert year.to_json()["first_collected_date"] == "2025-10-20"


def test_receipts_before_the_first_one_invoiced_with_vat_stay_in_the_franchise():
    _, _, errors = run(CROSSED.replace(hn("2025-11-15", "100.00"), ""))
    assert vat_errors(errors) == []
    # Under vat-regime "reel" a collectee receipt is the rule, no evidence of anything.
    result, _, _ = run(CROSSED + option("2025-10-20", '"vat-regime" "reel"'))
    assert result.years[2025].first_collected is None


# --- F3: hn vat --as-of ----------------------------------------------------------------------------


def test_as_of_counts_only_what_was_received_by_then(tmp_path):
    text = (ACCOUNTS + option("2025-01-01", '"treasury" Assets:Banque')
            + "".join(hn(f"2025-{month:02d}-10", "5000.00") for month in range(1, 5)))
    path = write_ledger(tmp_path, f'plugin "{ledgers.PLUGIN}"\n' + text)
    result = run_hn("vat", path, "--year", "2025", "--as-of", "2025-02-15", "--format", "json")
    assert result.exit_code == 0, result.output
    [year] = json.loads(result.stdout)["years"]
    assert year["counted_turnover"] == "10000.00"  # 10 January and 10 February
    # 10 000 € in 46 days: 37 500 € on 22 June, 41 250 € on 9 July (not 28 March and 5 April).
    assert (year["projected_base_crossing"], year["projected_majore_crossing"]) == ("2025-06-22", "2025-07-09")
    result = run_hn("vat", path, "--year", "2025", "--as-of", "2024-06-01")
    assert result.exit_code == 1
    assert "--as-of 2024-06-01 précède l'année 2025 (--year)" in result.stderr


# --- F8: the prorata in days ----------------------------------------------------------------------


def test_the_first_year_prorata_is_said_in_days(tmp_path):
    text = (ACCOUNTS + option("2024-07-01", '"practice-start" 2024-07-01')
            + option("2024-07-01", '"treasury" Assets:Banque')
            + hn("2024-08-10", "10000.00") + hn("2024-10-10", "10000.00"))
    result, _, errors = run(text)
    assert result.years[2024].to_json()["prorata"] == "184/366"
    assert "proratisé 184/366 jours" in errors[0].message
    path = write_ledger(tmp_path, f'plugin "{ledgers.PLUGIN}"\n' + text)
    assert "seuils proratisés 184/366 jours" in run_hn("vat", path).stdout
