"""The receivables a full walk records on each 31 December (``Cashbook.year_ends``, which the
Fava page shows) are exactly those of a walk stopped that day (``Cashbook.build_for_year``)."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

import pytest
from beancount import loader

from beancount_hn.core.cashbook import Cashbook, owed_on
from beancount_hn.core.ledger import LedgerIndex
from tests.bench_support import bench_module

EXAMPLE = os.path.join(os.path.dirname(__file__), os.pardir, "ledger_example", "main.beancount")


def _stopped_walk(entries, index, year: int):
    return owed_on(Cashbook.build_for_year(entries, index, year).open_items(), datetime.date(year, 12, 31))


def _check_every_year(entries, options) -> dict:
    index = LedgerIndex.build(entries, options)
    full = Cashbook.build(entries, index)
    aggregated = Cashbook.build(entries, index, detail=lambda txn: False)
    years = sorted({e.date.year for e in entries if hasattr(e, "postings")})
    assert sorted(full.year_ends) == list(range(years[0], years[-1] + 1))
    for year in full.year_ends:
        assert full.year_ends[year] == _stopped_walk(entries, index, year), year
        assert aggregated.year_ends[year] == full.year_ends[year], year
    return full.year_ends


def test_the_example_ledger_every_year() -> None:
    entries, errors, options = loader.load_file(EXAMPLE)
    assert not errors
    ends = _check_every_year(entries, options)
    assert any(end.count for end in ends.values())


@pytest.mark.parametrize("seed,style", [(3, "accrual"), (11, "mixed"), (29, "accrual")])
def test_generated_practices(tmp_path, seed: int, style: str) -> None:
    generate = bench_module("generate")
    made = generate.generate(str(tmp_path), generate.Params(years=3, start_year=2023, scale=1, seed=seed,
                                                            style=style, invoiced=0.6))
    entries, errors, options = loader.load_file(made.with_plugins)
    assert not errors, errors[:3]
    ends = _check_every_year(entries, options)
    assert any(end.others for end in ends.values())
    assert style != "accrual" or any(end.invoices for end in ends.values())


def test_a_year_without_any_transaction_keeps_what_was_owed(tmp_path) -> None:
    """2022 is empty, declared so for the 293 B (an empty year is otherwise an error: tax.vat)."""
    ledger = tmp_path / "gap.beancount"
    ledger.write_text('''option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2021-01-01 custom "hn-option" "treasury" Assets:Banque
2021-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2021-01-01 custom "hn-option" "vat-turnover" 2022 0.00 EUR
2021-01-01 open Assets:Banque
2021-01-01 open Assets:Creances:Patients
2021-01-01 open Income:Honoraires:HN
2021-11-02 * "Client" "Séances" ^F-2021-0001
  facture: "F-2021-0001"
  acte: "HN"
  Assets:Creances:Patients  60.00 EUR
  Income:Honoraires:HN     -60.00 EUR
2021-12-20 * "Client" "Acompte" ^F-2021-0001
  Assets:Banque              20.00 EUR
  Assets:Creances:Patients  -20.00 EUR
2023-02-01 * "Client" "Solde" ^F-2021-0001
  Assets:Banque              40.00 EUR
  Assets:Creances:Patients  -40.00 EUR
''', encoding="utf-8")
    entries, errors, options = loader.load_file(str(ledger))
    assert not errors, errors
    ends = _check_every_year(entries, options)
    assert [(y, e.total, e.invoices) for y, e in sorted(ends.items())] == [
        (2021, Decimal("40.00"), 1), (2022, Decimal("40.00"), 1), (2023, Decimal("0.00"), 0)]
