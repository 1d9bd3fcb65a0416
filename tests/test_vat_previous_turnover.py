"""Books begun mid-activity (issue 17): the 293 B turnover of a year the ledger does not hold
(``hn-option "vat-turnover" YEAR AMOUNT EUR``), and a ``practice-start`` after receipts."""

from __future__ import annotations

from functools import partial

from tests import ledgers
from tests.ledgers import alerts, plain, vat_analysis
from tests.ledgers import hn_receipt as hn

# A ledger begun on 2025-01-01 by a practice older than it.
HEADER = """\
option "operating_currency" "EUR"
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 open Assets:Banque
2025-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2025-01-01 open Income:Honoraires:Conventionnes
  convention: "conventionne"
"""


def option(text: str, day: str = "2025-01-01") -> str:
    return f'{day} custom "hn-option" {text}\n'


run = partial(vat_analysis, header=False)
line_of = partial(ledgers.line_of, header=False)


def kinds(errors) -> list[str]:
    return [type(e).__name__ for e in errors]


# --- the turnover of a year before the ledger ------------------------------------------------


def test_declared_2024_turnover_over_the_base_threshold_loses_the_2025_franchise():
    declared = option('"vat-turnover" 2024 38500.00 EUR')
    text = HEADER + declared + hn("2025-02-10", "100.00", "A") + hn("2025-03-10", "100.00", "B")
    result, _, errors = run(text)
    assert kinds(errors) == ["VatError", "VatError"]
    assert [e.source["lineno"] for e in errors] == [line_of(text, '"A"'), line_of(text, '"B"')]
    where = f"<string>:{line_of(text, 'vat-turnover')}"
    assert f'CA 2024 = 38 500,00 € (déclaré par hn-option "vat-turnover" 2024, {where})' in plain(errors[0].message)
    year = result.years[2025]
    assert not year.franchise_at_start.franchise and str(year.vat_due_from) == "2025-01-01"
    previous = year.to_json()["previous_turnover"]
    assert previous == {"year": 2024, "amount": "38500.00", "source": "declared"}
    # Without the option the ledger knows nothing of 2024: taken as nil, the franchise holds.
    result, _, errors = run(HEADER + hn("2025-02-10", "100.00", "A"))
    assert errors == [] and result.years[2025].franchise_at_start.franchise
    assert "absent du grand livre, supposé nul" in result.years[2025].franchise_at_start.reason
    assert result.years[2025].to_json()["previous_turnover"]["source"] == "none"


def test_declared_turnover_under_the_base_threshold_keeps_the_franchise():
    text = HEADER + option('"vat-turnover" 2024 37500.00 EUR') + hn("2025-02-10", "100.00", "A")
    result, _, errors = run(text)
    assert errors == []
    assert result.years[2025].franchise_at_start.franchise
    assert result.years[2025].previous_turnover == 37500


def test_a_plain_number_is_read_as_euros_and_the_latest_option_of_a_year_wins():
    text = (HEADER + option('"vat-turnover" 2024 36000') + option('"vat-turnover" 2024 39000.00 EUR', "2025-02-01")
            + hn("2025-03-10", "100.00", "A"))
    result, _, errors = run(text)
    assert kinds(errors) == ["VatError"]
    assert "CA 2024 = 39 000,00 €" in plain(result.years[2025].franchise_at_start.reason)


def test_before_2025_the_tolerance_reads_both_declared_years():
    header = HEADER.replace("2025-01-01", "2024-01-01")
    receipts = hn("2024-02-10", "100.00", "A")
    # 2023 over the base (36 800 €) but under the majoré (39 100 €): the tolerance needs 2022.
    over = header + option('"vat-turnover" 2023 38000.00 EUR', "2024-01-01")
    result, _, errors = run(over + option('"vat-turnover" 2022 37000.00 EUR', "2024-01-01") + receipts)
    assert not result.years[2024].franchise_at_start.franchise and kinds(errors) == ["VatError"]
    assert "la tolérance de deux ans est épuisée" in result.years[2024].franchise_at_start.reason
    result, _, errors = run(over + option('"vat-turnover" 2022 30000.00 EUR', "2024-01-01") + receipts)
    assert result.years[2024].franchise_at_start.franchise and errors == []
    assert "tolérance de deux ans" in result.years[2024].franchise_at_start.reason


# --- the ledger's own receipts of the declared year -----------------------------------------------


def test_a_declared_figure_below_the_ledgers_own_is_an_error_at_the_option():
    header = HEADER.replace("2025-01-01", "2024-01-01")
    text = header + option('"vat-turnover" 2024 4000.00 EUR') + hn("2024-05-10", "5000.00", "A")
    result, _, errors = run(text)
    [error] = errors
    assert type(error).__name__ == "VatError" and error.source["lineno"] == line_of(text, "vat-turnover")
    assert "4 000,00 € déclarés, mais le grand livre compte déjà 5 000,00 €" in plain(error.message)
    assert plain(result.years[2024].next_year.reason).startswith("CA 2024 = 5 000,00 € ≤")  # the ledger's figure stays
    assert result.years[2024].declared_turnover == 4000
    assert result.years[2024].to_json()["declared_turnover"] == "4000.00"


def test_a_declared_figure_above_the_ledgers_own_is_used_with_a_warning_at_the_option():
    header = HEADER.replace("2025-01-01", "2024-07-01")  # books begun during 2024
    text = header + option('"vat-turnover" 2024 40000.00 EUR') + hn("2024-09-10", "5000.00", "A")
    result, entries, errors = run(text + hn("2025-02-10", "100.00", "B"))
    assert kinds(errors) == ["VatError"]  # 2025's franchise receipt: lost by the declared 40 000 €
    assert errors[0].source["lineno"] == line_of(text + hn("2025-02-10", "100.00", "B"), '"B"')
    [alert] = alerts(entries, "vat-turnover-2024")
    assert alert.meta["lineno"] == line_of(text, "vat-turnover")
    assert "le grand livre n'en compte que 5 000,00 €" in plain(alert.values[2].value)
    assert result.years[2025].previous_turnover_source == "declared"


def test_a_declared_figure_equal_to_the_ledgers_own_is_silent():
    header = HEADER.replace("2025-01-01", "2024-01-01")
    text = header + option('"vat-turnover" 2024 5000.00 EUR') + hn("2024-05-10", "5000.00", "A")
    result, entries, errors = run(text + hn("2025-02-10", "100.00", "B"))
    assert errors == [] and alerts(entries, "vat-turnover-2024") == []
    assert result.years[2025].previous_turnover_source == "ledger"


def test_malformed_options_are_errors_at_their_line():
    for value in ('"2024" 38500.00 EUR', "2024 38500.00 USD", "2024", "24.5 100.00 EUR"):
        text = HEADER + option(f'"vat-turnover" {value}') + hn("2025-02-10", "100.00", "A")
        _, _, errors = run(text)
        assert kinds(errors) == ["ConfigError"], value
        assert errors[0].source["lineno"] == line_of(text, "vat-turnover")
        assert "vat-turnover" in plain(errors[0].message) and "attendu" in plain(errors[0].message)


# --- practice-start after receipts ----------------------------------------------------------------


def test_practice_start_after_receipts_warns_at_the_practice_start_line():
    start = option('"practice-start" 2025-03-01')
    text = HEADER + start + hn("2025-02-10", "100.00", "A") + hn("2025-03-10", "100.00", "B")
    result, entries, errors = run(text)
    assert errors == []  # a warning: bean-check passes
    [alert] = alerts(entries, "practice-start-receipts")
    assert alert.meta["lineno"] == line_of(text, "practice-start")
    message = alert.values[2].value
    assert "practice-start (1er mars 2025) est postérieur à des recettes" in message
    first = line_of(text, '"A"')
    assert f"une recette le 10 février 2025 (<string>:{first})" in message
    assert "vat-turnover" in message  # how to give the previous year instead
    assert [a.code for a in result.years[2025].alerts] == ["practice-start-receipts"]
    # A start on or before the first receipt does not warn.
    _, entries, _ = run(HEADER + option('"practice-start" 2025-02-10') + hn("2025-02-10", "100.00", "A"))
    assert alerts(entries, "practice-start-receipts") == []


def test_practice_start_after_receipts_is_an_error_under_warnings_as_errors():
    text = (HEADER + option('"warnings-as-errors" TRUE') + option('"practice-start" 2025-03-01')
            + hn("2025-02-10", "100.00", "A"))
    _, _, errors = run(text)
    [error] = errors
    assert type(error).__name__ == "HnWarning" and error.source["lineno"] == line_of(text, "practice-start")


def test_practice_start_after_a_declared_year_warns_too():
    text = (HEADER + option('"practice-start" 2025-01-01') + option('"vat-turnover" 2024 12000.00 EUR')
            + hn("2025-02-10", "100.00", "A"))
    _, entries, _ = run(text)
    [alert] = alerts(entries, "practice-start-receipts")
    assert "un chiffre d'affaires 2024 déclaré" in alert.values[2].value


def test_practice_start_after_exempt_receipts_only_warns_in_bean_check_too():
    soin = '\n2025-02-10 * "CPAM" "Lot FSE"\n  Assets:Banque  160.00 EUR\n  Income:Honoraires:Conventionnes\n    acte: "AMK 8"\n'
    text = HEADER + option('"practice-start" 2025-03-01') + soin
    result, entries, errors = run(text)
    assert errors == []
    [alert] = alerts(entries, "practice-start-receipts")  # added by the plugin, which skips exempt totals
    assert alert.meta["lineno"] == line_of(text, "practice-start")
    assert [a.code for a in result.alerts] == ["practice-start-receipts"]
