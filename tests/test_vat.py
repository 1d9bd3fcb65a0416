"""The 293 B franchise on a ledger (issue 5): one small ledger per rule and per period."""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import partial

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.plugins.vat_franchise import vat_franchise
from beancount_hn.tax.vat import (STATUS_BEFORE_TABLE, STATUS_FRANCHISE, STATUS_LOST_NEXT_YEAR, STATUS_REEL,
                                  STATUS_TOLERANCE, STATUS_UNKNOWN)
from tests import ledgers
from tests.ledgers import alerts, plain, vat_analysis
from tests.ledgers import hn_receipt as hn
from tests.ledgers import vat_ledger as ledger

D = Decimal

# The ledgers carry their own header (``VAT_HEADER``, treasury from 2017).
load = partial(ledgers.load, header=False)
line_of = partial(ledgers.line_of, header=False)
analysis = partial(vat_analysis, header=False)


def vat_errors(errors):
    return [e for e in errors if type(e).__name__ == "VatError"]


# --- 2025 rules: VAT from the date the majoré threshold is crossed ------------------------


def test_2025_exactly_at_the_majore_threshold_keeps_the_franchise():
    text = ledger(hn("2025-03-01", "41000.00", "A") + hn("2025-11-20", "250.00", "B"))
    result, entries, errors = analysis(text)
    assert vat_errors(errors) == []
    year = result.years[2025]
    assert year.counted_turnover == D("41250.00")
    assert year.majore_crossing is None and year.status == STATUS_LOST_NEXT_YEAR
    assert [a.values[1].value for a in alerts(entries)] == ["vat-share-2025", "vat-base-2025"]


def test_2025_one_cent_over_the_majore_errors_at_that_receipt_and_every_later_franchise_receipt():
    text = ledger(
        hn("2025-03-01", "41000.00", "A")
        + hn("2025-11-03", "40.00", "Before")  # same month, before the crossing: still franchise
        + hn("2025-11-20", "210.01", "Crossing")
        + hn("2025-11-20", "60.00", "Same day after", 'tva: "collectee"')
        + hn("2025-12-02", "45.00", "Later")
    )
    result, _, errors = analysis(text)
    found = vat_errors(errors)
    assert [e.source["lineno"] for e in found] == [line_of(text, '"Crossing"'), line_of(text, '"Later"')]
    crossing, later = (plain(e.message) for e in found)
    assert "perdue le 20 novembre 2025" in crossing and "41 250,01 €" in crossing
    assert "facturez avec TVA à partir du 20 novembre 2025" in crossing
    assert "à compter de la date du dépassement" in crossing
    assert "facturée en franchise le 2 décembre 2025" in later and "depuis le 20 novembre 2025" in later
    year = result.years[2025]
    assert year.status == "TVA due depuis le 20 novembre 2025"
    assert year.vat_due_from == year.majore_crossing.date == datetime.date(2025, 11, 20)
    assert year.counted_turnover == D("41355.01")  # collectée receipts count too


def test_marking_the_receipts_collectee_clears_the_errors():
    text = ledger(
        hn("2025-03-01", "41000.00", "A")
        + hn("2025-11-20", "250.01", "Crossing", 'tva: "collectee"')
        + hn("2025-12-02", "45.00", "Later", 'tva: "collectee"')
    )
    result, _, errors = analysis(text)
    assert vat_errors(errors) == []
    assert result.years[2025].status == "TVA due depuis le 20 novembre 2025"


def test_switching_to_reel_from_the_crossing_date_clears_the_errors():
    text = ledger(
        hn("2025-03-01", "41000.00", "A")
        + '2025-11-20 custom "hn-option" "vat-regime" "reel"\n'
        + hn("2025-11-20", "250.01", "Crossing")
        + hn("2025-12-02", "45.00", "Later")
    )
    result, _, errors = analysis(text)
    assert vat_errors(errors) == []
    assert result.years[2025].regime_changes == [(datetime.date(2025, 11, 20), "reel")]


def test_an_accrual_invoice_whose_payment_crosses_errors_at_the_invoice_naming_the_payment():
    text = ledger(hn("2025-03-01", "41000.00", "A") + """
    2025-09-15 * "Entreprise" "Atelier ergonomie" ^F-2025-0009
      Assets:Creances:Patients   300.00 EUR
      Income:Honoraires:HN
    2025-10-06 * "Entreprise" "Virement F-2025-0009" ^F-2025-0009
      Assets:Banque              300.00 EUR
      Assets:Creances:Patients
    """)
    result, _, errors = analysis(text)
    [error] = vat_errors(errors)
    assert error.source["lineno"] == line_of(text, "Atelier ergonomie")
    assert "règlement du 6 octobre 2025" in error.message
    assert f"<string>:{line_of(text, 'Virement F-2025-0009')}" in error.message
    assert result.years[2025].majore_crossing.date == datetime.date(2025, 10, 6)


def test_2025_franchise_lost_by_2024_turnover_errors_at_each_franchise_receipt():
    text = ledger(
        hn("2024-06-01", "37500.01", "Year before")
        + hn("2025-01-10", "50.00", "First")
        + hn("2025-02-10", "60.00", "Explicit", 'tva: "franchise"')
        + hn("2025-03-10", "70.00", "Collected", 'tva: "collectee"')
        + hn("2025-04-10", "80.00", "Care", 'tva: "exoneree"')
    )
    result, _, errors = analysis(text)
    found = vat_errors(errors)
    assert [e.source["lineno"] for e in found] == [line_of(text, '"First"'), line_of(text, '"Explicit"')]
    assert all("perdue au 1er janvier 2025" in e.message for e in found)
    assert all("CA 2024 = 37 500,01 €" in plain(e.message) for e in found)
    assert all("Facturez avec TVA à partir du 1er janvier 2025" in e.message for e in found)
    assert result.years[2025].status == "TVA due depuis le 1er janvier 2025"
    # 2024 ran under the old rules: its majoré (39 100) was not crossed.
    assert result.years[2024].status == STATUS_LOST_NEXT_YEAR


def test_2025_is_decided_with_the_2025_base_threshold_not_the_2024_one():
    # 37 000 is over the 2024 base (36 800) but under the 2025 one (37 500).
    text = ledger(hn("2024-06-01", "37000.00", "Year before") + hn("2025-01-10", "50.00", "First"))
    result, _, errors = analysis(text)
    assert vat_errors(errors) == []
    assert result.years[2024].base_threshold == D("37500") and result.years[2024].base_threshold_year == 2025
    assert result.years[2025].franchise_at_start.franchise


# --- rules before 2025: VAT from the 1st of the month, two-year tolerance ------------------


def test_2024_crossing_the_majore_makes_vat_due_from_the_first_of_the_month():
    text = ledger(
        hn("2024-02-01", "39000.00", "A")
        + hn("2024-10-28", "30.00", "October")
        + hn("2024-11-03", "40.00", "Early November")
        + hn("2024-11-20", "100.00", "Crossing")
        + hn("2024-12-02", "45.00", "Later")
    )
    result, _, errors = analysis(text)
    found = vat_errors(errors)
    lines = [line_of(text, n) for n in ('"Early November"', '"Crossing"', '"Later"')]
    assert sorted(e.source["lineno"] for e in found) == lines
    crossing = next(e for e in found if e.source["lineno"] == lines[1]).message
    assert "1er novembre 2024" in crossing and "factures rectificatives" in crossing
    assert "facturez avec TVA à partir du 1er novembre 2024" in crossing
    assert result.years[2024].vat_due_from == datetime.date(2024, 11, 1)
    assert result.years[2024].status == "TVA due depuis le 1er novembre 2024"


def test_two_year_tolerance_before_2025():
    # 2023 between base (36 800) and majoré (39 100), 2022 under base: franchise kept in 2024.
    kept = ledger(hn("2022-05-01", "30000.00", "Y2022") + hn("2023-05-01", "38000.00", "Y2023")
                  + hn("2024-01-15", "50.00", "Y2024"))
    result, _, errors = analysis(kept)
    assert vat_errors(errors) == []
    assert result.years[2023].status == STATUS_TOLERANCE
    assert "tolérance de deux ans" in result.years[2024].franchise_at_start.reason
    # Two years in a row over the base (33 200 in 2017-2019): the tolerance is spent in 2019.
    spent = ledger(hn("2017-05-01", "34000.00", "Y2017") + hn("2018-05-01", "34000.00", "Y2018")
                   + hn("2019-01-15", "50.00", "Y2019"))
    result, _, errors = analysis(spent)
    [error] = vat_errors(errors)
    assert error.source["lineno"] == line_of(spent, '"Y2019"')
    assert "tolérance de deux ans est épuisée" in error.message
    assert (result.years[2017].status, result.years[2018].status) == (STATUS_TOLERANCE, STATUS_LOST_NEXT_YEAR)
    assert result.years[2019].status == "TVA due depuis le 1er janvier 2019"


def test_the_base_warning_says_when_the_tolerance_keeps_next_year():
    text = ledger(hn("2023-05-01", "37000.00", "Y2023"))
    _, entries, errors = analysis(text)
    assert vat_errors(errors) == []
    [share, base] = alerts(entries)
    assert "tolérance de deux ans" in base.values[2].value


# --- counting: cash basis, credit notes, exempt receipts -----------------------------------


def test_credit_notes_reduce_the_counted_turnover():
    refund = """
    2025-03-02 * "A" "Avoir: remboursement partiel"
      Assets:Banque             -100.00 EUR
      Income:Honoraires:HN       100.00 EUR
    """
    invoice = """
    2025-04-04 * "Mme Dupont" "Pilates" ^F-1
      Assets:Creances:Patients   300.00 EUR
      Income:Honoraires:HN
    2025-04-10 * "Mme Dupont" "Avoir sur F-1" ^F-1
      Assets:Creances:Patients  -100.00 EUR
      Income:Honoraires:HN       100.00 EUR
    2025-04-20 * "Mme Dupont" "Règlement F-1" ^F-1
      Assets:Banque              200.00 EUR
      Assets:Creances:Patients
    """
    first = hn("2025-03-01", "41100.00", "A")
    result, _, errors = analysis(ledger(first + refund + invoice))
    assert result.years[2025].counted_turnover == D("41200.00")  # 41 100 - 100 + (300 - 100)
    assert vat_errors(errors) == []
    # Without the refund the same receipts cross the majoré threshold (41 300 > 41 250).
    result, _, errors = analysis(ledger(first + invoice))
    assert result.years[2025].counted_turnover == D("41300.00")
    assert len(vat_errors(errors)) == 1


def test_a_december_invoice_paid_in_january_counts_in_january():
    text = ledger("""
    2025-12-15 * "Mme Durand" "Coaching, forfait décembre" ^F-2025-0031
      Assets:Creances:Patients   120.00 EUR
      Income:Honoraires:HN
    2026-01-08 * "Mme Durand" "Règlement F-2025-0031" ^F-2025-0031
      Assets:Banque              120.00 EUR
      Assets:Creances:Patients
    """)
    result, _, _ = analysis(text)
    assert result.years[2025].counted_turnover == 0
    assert result.years[2026].counted_turnover == D("120.00")


def test_exempt_receipts_are_shown_beside_and_default_taxable_hn_apart():
    text = ledger(
        hn("2025-03-01", "1000.00", "Pilates")
        + hn("2025-03-02", "200.00", "Massage", 'tva: "franchise"')
        + hn("2025-03-03", "90.00", "Bilan chutes", 'tva: "exoneree"')
        + """
    2025-03-04 * "Lot FSE" "Séances"
      acte: "RAB 8"
      Assets:Banque   50000.00 EUR
      Income:Honoraires:Conventionnes
    """)
    result, _, errors = analysis(text)
    year = result.years[2025]
    assert (year.counted_turnover, year.taxable_by_default) == (D("1200.00"), D("1000.00"))
    assert (year.exempt_receipts, year.hn_exempt) == (D("50090.00"), D("90.00"))
    assert vat_errors(errors) == [] and year.status == STATUS_FRANCHISE


# --- first year, regime changes, unknown years ---------------------------------------------


def test_the_first_year_thresholds_are_prorated():
    start = '2025-07-01 custom "hn-option" "practice-start" 2025-07-01\n'
    exact = ledger(start + hn("2025-07-10", "20794.52", "A"))  # 41 250 × 184/365 = 20 794.52…
    result, entries, errors = analysis(exact)
    year = result.years[2025]
    assert (year.majore_threshold, year.base_threshold) == (D("20794.52"), D("18904.10"))
    assert vat_errors(errors) == [] and year.to_json()["prorata"] == "184/365"
    over = ledger(start + hn("2025-07-10", "20794.53", "A"))
    _, _, errors = analysis(over)
    [error] = vat_errors(errors)
    assert "20 794,52 €" in plain(error.message) and "proratisé 184/365 jours" in error.message


def test_vat_regime_changing_mid_history():
    text = ledger(
        hn("2024-06-01", "38000.00", "Y2024")
        + '2025-01-01 custom "hn-option" "vat-regime" "reel"\n'
        + hn("2025-02-10", "50.00", "Default")
        + hn("2025-03-10", "60.00", "Explicit", 'tva: "franchise"')
        + '2026-01-01 custom "hn-option" "vat-regime" "franchise"\n'
        + hn("2026-02-10", "70.00", "Back")
    )
    result, _, errors = analysis(text)
    [error] = vat_errors(errors)
    assert error.source["lineno"] == line_of(text, '"Explicit"')
    assert 'régime de TVA est "reel" depuis le 1er janvier 2025' in error.message
    assert "facturez-la avec TVA" in error.message
    assert result.years[2025].status == STATUS_REEL
    assert result.years[2025].counted_turnover == D("110.00")  # collectée by default under reel
    assert result.years[2026].status == STATUS_FRANCHISE


def test_a_year_missing_from_the_table_is_an_error_at_its_first_taxable_receipt():
    text = ledger(hn("2027-02-10", "50.00", "Future") + hn("2027-03-10", "50.00", "Later"))
    result, _, errors = analysis(text)
    [error] = vat_errors(errors)
    assert error.source["lineno"] == line_of(text, '"Future"')
    assert "2027" in error.message and "mettez beancount-hn à jour" in error.message
    assert result.years[2027].status == STATUS_UNKNOWN


def test_years_before_the_table_are_not_checked_and_say_so_without_failing():
    text = ledger(hn("2016-02-10", "50000.00", "Old") + hn("2017-02-10", "50.00", "First checked"))
    text = text.replace("2017-01-01 ", "2015-01-01 ")  # books (and treasury) from 2015
    result, entries, errors = analysis(text)
    # 2016 itself is not checked, but 2017 is decided on 2016's turnover: lost.
    [error] = vat_errors(errors)
    assert error.source["lineno"] == line_of(text, '"First checked"')
    assert "perdue au 1er janvier 2017" in error.message and "CA 2016 = 50 000,00 €" in plain(error.message)
    assert result.years[2016].status == STATUS_BEFORE_TABLE
    [alert] = [a for a in alerts(entries) if a.values[1].value == "vat-unchecked-2016"]
    assert "commence en 2017" in alert.values[2].value
    assert result.years[2017].status == "TVA due depuis le 1er janvier 2017"


# --- warnings: custom "hn-alert", never a bean-check failure by default ---------------------


def test_warnings_are_hn_alert_entries_not_errors():
    text = ledger(hn("2025-03-01", "29000.00", "A") + hn("2025-05-01", "1000.01", "Share")
                  + hn("2025-09-01", "7500.00", "Base"))
    result, entries, errors = analysis(text)
    assert errors == []
    share, base = alerts(entries)
    assert share.date == datetime.date(2025, 5, 1) and share.meta["lineno"] == line_of(text, '"Share"')
    assert [v.value for v in share.values[:2]] == ["warning", "vat-share-2025"]
    assert "30 000,01 €" in plain(share.values[2].value) and "80 %" in plain(share.values[2].value)
    assert base.date == datetime.date(2025, 9, 1)
    assert "franchise perdue au 1er janvier 2026" in base.values[2].value
    assert [a.code for a in result.alerts] == ["vat-share-2025", "vat-base-2025"]


def test_exactly_80_percent_does_not_warn_and_the_share_is_configurable():
    text = ledger(hn("2025-03-01", "30000.00", "A"))
    _, entries, _ = analysis(text)
    assert alerts(entries) == []
    text = ledger('2025-01-01 custom "hn-option" "vat-warning-share" 0.5\n' + hn("2025-03-01", "18750.01", "A"))
    _, entries, errors = analysis(text)
    [alert] = alerts(entries)
    assert "50 %" in plain(alert.values[2].value) and errors == []


def test_warnings_as_errors_turns_them_into_errors_at_the_crossing_receipt():
    text = ledger('2025-01-01 custom "hn-option" "warnings-as-errors" TRUE\n' + hn("2025-03-01", "30000.01", "A"))
    _, entries, errors = analysis(text)
    [error] = errors
    assert type(error).__name__ == "HnWarning" and error.source["lineno"] == line_of(text, '"A"')
    assert "vat-share-2025" in error.message
    assert len(alerts(entries)) == 1


def test_running_the_plugin_twice_adds_each_alert_once():
    entries, errors, options = load(ledger(hn("2025-03-01", "30000.01", "A")))
    again, _ = vat_franchise(entries, options)
    assert len(alerts(again)) == 1 == len(alerts(entries))


# --- projection ------------------------------------------------------------------------------


def test_projection_at_the_pace_of_the_year_so_far():
    text = ledger(hn("2025-03-01", "10000.00", "A") + hn("2025-06-30", "10000.00", "B"))
    result, _, _ = analysis(text)
    year = result.years[2025]
    assert year.as_of == datetime.date(2025, 6, 30)
    pace = D("20000.00") / 181  # 1 January – 30 June
    days = int((D(37500) - D(20000)) / pace) + 1
    assert year.projected_base_crossing == datetime.date(2025, 6, 30) + datetime.timedelta(days=days)
    assert year.projected_base_crossing == datetime.date(2025, 12, 6)
    assert year.projected_majore_crossing is None  # 2026-01-09 at this pace: not this year
    later, _, _ = analysis(text, as_of=datetime.date(2025, 9, 30))
    assert later.years[2025].projected_base_crossing is None


def test_a_crossed_threshold_projects_to_its_crossing_date():
    result, _, _ = analysis(ledger(hn("2025-03-01", "38000.00", "A")))
    assert result.years[2025].projected_base_crossing == datetime.date(2025, 3, 1)


def test_a_tiny_pace_projects_nothing_instead_of_overflowing_dates():
    result, _, errors = analysis(ledger(hn("2025-01-01", "0.01", "A")))
    assert errors == []
    year = result.years[2025]
    assert (year.projected_base_crossing, year.projected_majore_crossing) == (None, None)


def test_the_chain_reuses_the_convention_steps_classification_and_finds_the_same():
    # plugins.all: the VAT step reads the taxable receipts the convention step left on
    # the index; the VAT plugin alone classifies them itself.
    text = ledger(
        hn("2025-03-01", "30000.00", "A")
        + hn("2025-11-20", "11300.00", "Crossing")
        + hn("2025-12-02", "45.00", "Later")
        + '\n2025-12-03 * "Lot FSE" "Séances"\n  Assets:Banque  96.00 EUR\n  Income:Honoraires:Conventionnes\n'
    )
    chain_entries, chain_errors, _ = load(text)
    alone_entries, alone_errors, _ = load(text, plugin="beancount_hn.plugins.vat_franchise")
    found = [(e.source["lineno"], e.message) for e in vat_errors(chain_errors)]
    assert len(found) == 2
    assert found == [(e.source["lineno"], e.message) for e in vat_errors(alone_errors)]
    assert [(a.date, a.values[1].value) for a in alerts(chain_entries)] == \
        [(a.date, a.values[1].value) for a in alerts(alone_entries)]


def test_plugin_path_skips_only_provably_exempt_transactions(example_path):
    """The plugin's shortcut (tags prove a transaction exempt) changes no figure."""
    from beancount import loader

    from beancount_hn.tax.vat import analyze

    entries, errors, options = loader.load_file(example_path)
    assert not errors
    index = LedgerIndex.build(entries, options)
    full = analyze(entries, index, with_exempt=True)
    fast = analyze(entries, index, with_exempt=False)
    assert {y: v.counted_turnover for y, v in fast.years.items()} == \
        {y: v.counted_turnover for y, v in full.years.items()}
    assert [(a.date, a.code) for a in fast.alerts] == [(a.date, a.code) for a in full.alerts]
    assert [(e.source["lineno"], e.message) for e in fast.errors] == \
        [(e.source["lineno"], e.message) for e in full.errors]
