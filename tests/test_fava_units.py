"""The pieces behind the Cabinet page: monthly split, journal filters, hn errors, SVG."""

from __future__ import annotations

from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data
from hypothesis import given
from hypothesis import strategies as st

from beancount_hn.core.classify import ClassificationError
from beancount_hn.fava import svg
from beancount_hn.fava.figures import LedgerFigures
from beancount_hn.fava.journal import EntryLocator, _unique_suffixes, journal_entries
from beancount_hn.fava.split import CONVENTIONNE, NON_CONVENTIONNE, UNCLASSIFIED
from beancount_hn.fava.view import is_hn_error
from tests.fava_support import EXAMPLE
from tests.ledgers import line_of, load


@pytest.fixture(scope="module")
def example() -> LedgerFigures:
    entries, errors, options = loader.load_file(EXAMPLE)
    assert not errors
    return LedgerFigures(entries, options)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_monthly_split_adds_up_to_the_social_split_of_the_2035(example, year):
    split = example.split(year)
    social = example.form(year).social
    assert split.totals[CONVENTIONNE] == social.conventionne
    assert split.totals["depassement"] == social.depassement
    assert split.totals[NON_CONVENTIONNE] == social.non_conventionne
    assert split.totals[UNCLASSIFIED] == social.unclassified
    assert split.total == social.total
    for status, total in split.totals.items():
        assert sum((split.months[m][status] for m in range(1, 13)), Decimal(0)) == total


def test_december_invoice_paid_in_january_counts_in_january(example):
    # 2026 has no receipt posting, only payments of 2025 invoices: they are 2026 receipts.
    split = example.split(2026)
    assert split.total > 0
    assert all(not split.month_total(m) for m in range(2, 13))
    assert example.default_year() == 2025


ACCRUAL = """
2024-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
  tva: "exoneree"
2024-01-01 open Expenses:Loyer

2025-12-15 * "Mme Durand" "Coaching, forfait décembre" ^F-2025-0001
  facture: "F-2025-0001"
  Assets:Creances:Patients    60.00 EUR
  Income:Honoraires:HN       -60.00 EUR

2026-01-05 * "SCI" "Loyer janvier"
  Expenses:Loyer             700.00 EUR
  Assets:Banque

2026-01-08 * "Mme Durand" "Règlement F-2025-0001" ^F-2025-0001
  Assets:Banque               60.00 EUR
  Assets:Creances:Patients   -60.00 EUR
"""


def test_journal_filter_of_an_accrual_line_names_the_invoice_of_the_previous_year():
    entries, errors, options = load(ACCRUAL)
    assert not errors
    figures = LedgerFigures(entries, options)
    filters = figures.line_filters(2026)
    aa = filters["AA"]
    assert aa.exact and aa.count == 1
    assert f'lineno:"^({line_of(ACCRUAL, "Coaching")})$"' in aa.filter  # the 2025 invoice
    (shown,) = journal_entries(aa.filter, entries)
    assert shown.narration == "Coaching, forfait décembre"
    bf = filters["BF"]
    assert bf.filter == 'any(account:"^Expenses:Loyer$") date:"^2026-"'
    assert [e.narration for e in journal_entries(bf.filter, entries)] == ["Loyer janvier"]
    assert "BA" not in filters  # nothing behind a nil line


def test_locator_finds_the_transaction_of_a_posting_line():
    entries, _, _ = load(ACCRUAL)
    locator = EntryLocator(entries)
    txn = next(e for e in entries if isinstance(e, data.Transaction) and e.narration == "Loyer janvier")
    posting_meta = txn.postings[0].meta
    assert locator.entry_at(posting_meta) is txn
    assert locator.entry_at(txn.meta) is txn
    assert locator.entry_at({"filename": "nowhere", "lineno": 1}) is None


def test_unique_suffixes_tell_files_apart():
    paths = {"/a/x/main.beancount", "/b/x/main.beancount", "/a/2025.beancount"}
    assert _unique_suffixes(paths) == {
        "/a/x/main.beancount": "/a/x/main.beancount",
        "/b/x/main.beancount": "/b/x/main.beancount",
        "/a/2025.beancount": "/2025.beancount",
    }
    assert _unique_suffixes({"/l/2024.beancount", "/l/x2024.beancount"}) == {
        "/l/2024.beancount": "/2024.beancount", "/l/x2024.beancount": "/x2024.beancount"}


def test_only_beancount_hn_errors_are_hn_errors():
    meta = data.new_metadata("f.beancount", 3)
    assert is_hn_error(ClassificationError(meta, "recette non classée", None))
    assert is_hn_error(loader.LoadError(meta, 'Error applying plugin "beancount_hn.plugins.all": boom'))
    assert not is_hn_error(loader.LoadError(meta, 'Error applying plugin "other.plugin": boom'))
    _, errors, _ = loader.load_string("2025-01-01 open Assets:A\n2025-02-01 balance Assets:A 1 EUR\n")
    assert errors and not any(is_hn_error(e) for e in errors)


amounts = st.decimals(min_value=0, max_value=100000, places=2)


@given(st.lists(amounts, min_size=12, max_size=12), st.lists(amounts, min_size=12, max_size=12))
def test_monthly_bars_stay_inside_the_chart(values, previous):
    chart = svg.monthly_bars([svg.Series("A", "hn-conv", values)], previous, previous_label="2024")
    assert chart.startswith("<svg") and chart.endswith("</svg>")
    assert chart.count('class="hn-conv"') == sum(1 for v in values if v > 0)
    for part in chart.split('height="')[1:]:  # every bar height is within the plot
        assert 0 <= float(part.split('"')[0]) <= 220


def test_gauge_marks_the_crossed_thresholds():
    markers = [svg.Marker("alerte", Decimal(30000), True), svg.Marker("base", Decimal(37500), False),
               svg.Marker("majoré", Decimal(41250), False)]
    gauge = svg.gauge(Decimal("33020.00"), markers, level="warning")
    assert gauge.count("hn-marker hn-crossed") == 1
    assert "alerte 30\u202fk€" in gauge and "majoré 41,25\u202fk€" in gauge
    assert 'class="hn-gauge-fill hn-warning"' in gauge


def test_axis_steps_are_round():
    assert svg.axis_ticks(0) == [0, 1]
    assert svg.axis_ticks(1880) == [0, 500, 1000, 1500, 2000]
    assert svg.axis_ticks(12900) == [0, 5000, 10000, 15000]
    assert svg.axis_ticks(2025) == [0, 1000, 2000, 3000]


@given(st.decimals(min_value=Decimal("0.01"), max_value=10**7, places=2))
def test_axis_labels_never_show_odd_fractions(peak):
    chart = svg.monthly_bars([svg.Series("A", "hn-conv", [peak] + [Decimal(0)] * 11)], None,
                             previous_label="2024")
    labels = [t.split(">")[1].split("<")[0] for t in chart.split('<text class="hn-axis"')[1:]]
    for label in (x for x in labels if "€" in x):
        digits = label.split("\u202f")[0].split("\u00a0")[0]
        assert "," not in digits or len(digits.split(",")[1]) == 1, label  # 1,5 k€, never 1,88 k€
    ticks = svg.axis_ticks(float(peak))
    assert ticks[-1] >= float(peak) and len(ticks) <= 6
