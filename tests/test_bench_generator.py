"""The benchmark ledger generator: deterministic, and clean under every hn plugin."""

from __future__ import annotations

import os
import re

import pytest
from beancount import loader
from beancount.core import data

from tests.bench_support import bench_module

os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")


@pytest.fixture(scope="module")
def generate():
    return bench_module("generate")


@pytest.fixture(scope="module")
def small(generate, tmp_path_factory):
    """One year at scale 2 (two practitioners' volume): about 2 000 transactions."""
    out = tmp_path_factory.mktemp("bench")
    return generate.generate(str(out), generate.Params(years=1, start_year=2025, scale=2, seed=7))


def test_loads_with_every_plugin_and_no_error(small) -> None:
    entries, errors, _ = loader.load_file(small.with_plugins)
    assert [f"{e.source.get('lineno')}: {e.message}" for e in errors] == []
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    assert len(transactions) == small.transactions
    assert sum(len(t.postings) for t in transactions) == small.postings
    # The plugins ran: receipts are tagged.
    assert any("conventionne" in t.tags for t in transactions)
    assert any("non-conventionne" in t.tags for t in transactions)


def test_plain_and_plugin_files_parse_the_same_body(small) -> None:
    plain, plain_errors, _ = loader.load_file(small.plain)
    assert plain_errors == []
    with open(small.with_plugins, encoding="utf-8") as handle:
        hn_text = handle.read()
    with open(small.plain, encoding="utf-8") as handle:
        plain_text = handle.read()
    assert hn_text.replace('plugin "beancount_hn.plugins.all"\n', "") == plain_text
    assert not any("conventionne" in getattr(e, "tags", ()) for e in plain)


def test_volume_scales_with_the_scale_option(generate) -> None:
    one = generate.generate_text(generate.Params(years=1, start_year=2024, scale=1))[1]
    three = generate.generate_text(generate.Params(years=1, start_year=2024, scale=3))[1]
    assert 2.8 * one.transactions <= three.transactions <= 3.2 * one.transactions
    assert 2.8 * one.postings <= three.postings <= 3.2 * one.postings
    # About 5 500 acts a year per practitioner, one posting per act (+ travel allowances).
    assert one.postings > 5500


def test_deterministic_and_seeded(generate) -> None:
    params = generate.Params(years=1, start_year=2025, scale=1, seed=11)
    first, _ = generate.generate_text(params)
    again, _ = generate.generate_text(params)
    other, _ = generate.generate_text(generate.Params(years=1, start_year=2025, scale=1, seed=12))
    assert first == again
    assert first != other


def test_invoice_numbers_are_continuous_per_year(generate) -> None:
    text, _ = generate.generate_text(generate.Params(years=2, start_year=2024, scale=2, seed=3))
    used = re.findall(r'facture: "F-(\d{4})-(\d{4})"', text)
    voided = re.findall(r'hn-facture-annulee" "F-(\d{4})-(\d{4})"', text)
    for year in ("2024", "2025"):
        numbers = sorted(int(seq) for y, seq in used + voided if y == year)
        assert numbers == list(range(1, len(numbers) + 1))
    assert re.search(r'avoir-de: "F-\d{4}-\d{4}"', text)
    assert re.search(r'custom "hn-devis" "D-\d{4}-\d{4}"', text)
