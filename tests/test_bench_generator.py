"""The benchmark ledger generator: deterministic, and clean under every hn plugin."""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal

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


# --- shapes of practice ---------------------------------------------------------------------


@pytest.fixture(scope="module", params=sorted(bench_module("generate").SHAPES))
def shaped(request, generate, tmp_path_factory):
    """Each named shape over two years at a small size."""
    out = tmp_path_factory.mktemp(f"shape-{request.param}")
    params = generate.shaped(request.param, years=2, start_year=2025, seed=5, acts_per_year=1200)
    return request.param, params, generate.generate(str(out), params)


def test_every_shape_is_clean_with_every_plugin_and_hn_2035_closes(shaped) -> None:
    from click.testing import CliRunner

    from beancount_hn.cli import main

    name, params, ledger = shaped
    entries, errors, _ = loader.load_file(ledger.with_plugins)
    assert [f"{e.source.get('lineno')}: {e.message}" for e in errors] == [], name
    assert sum(isinstance(e, data.Transaction) for e in entries) == ledger.transactions
    result = CliRunner().invoke(main, ["2035", ledger.with_plugins, "--year", "2026", "--format", "json"])
    assert result.exit_code == 0, result.output
    form = json.loads(result.stdout)
    assert form["final"] and form["reconciliation"]["closed"] and form["errors"] == [], name
    assert Decimal(form["lines"]["AA"]) > 0


def test_shapes_write_what_they_say(generate) -> None:
    def text(**fields):
        return generate.generate_text(generate.Params(years=1, start_year=2025, seed=3, acts_per_year=800,
                                                      **fields))[0]

    reference = text()
    lots = text(lot_postings="lot", mixed=True, treasury="parent")
    # One income posting per lot, on an account whose open says conventionné; the
    # patients' part paid by card in the lot, and no card remittance for it.
    assert re.search(r'open Income:Honoraires:Conventionnes EUR\n  convention: "conventionne"', lots)
    assert not re.search(r"Lot FSE.*\n(  .*\n)*    acte:", lots)
    assert re.search(r"Lot FSE.*\n(  Assets:Creances:.*\n)*  Assets:Banque:Courant ", lots)
    assert "Remise carte bancaire" in reference and "Remise carte bancaire" not in lots
    assert 'custom "hn-option" "treasury" Assets:Banque\n' in lots
    assert 'custom "hn-option" "treasury" Assets:Banque:Courant\n' in reference
    # Accrual style: every note to the receivable, then paid; cash style: none is.
    accrual, cash = text(style="accrual", hn=3.0), text(style="cash", hn=3.0, invoiced=0.5)
    def first_accounts(text: str) -> list[str]:  # of each note d'honoraires (no credit note)
        blocks = [b for b in text.split("\n\n") if 'facture: "F-' in b and "avoir-de" not in b]
        return [re.search(r"^  ([A-Z][\w-]*(?::[\w-]+)+)", b, re.MULTILINE).group(1) for b in blocks]

    assert set(first_accounts(accrual)) == {"Assets:Creances:Clients"}
    assert "Avoir sur" in accrual and "Avoir sur" not in cash
    assert first_accounts(cash).count("Assets:Creances:Clients") == 2  # the companies' interventions only
    # Three times the HN sessions, half of them without a numbered note.
    assert len(re.findall(r'facture: "F-', accrual)) > 2.5 * len(re.findall(r'facture: "F-', reference))
    unnumbered = len(re.findall(r'\* "M(?:me|\.) [^"]+" "[^"]+"\n  acte: "HN"', cash))
    assert unnumbered > len(re.findall(r'facture: "F-', reference))


def test_reference_shape_is_the_default_ledger(generate) -> None:
    params = generate.Params(years=1, start_year=2025, scale=1, seed=9)
    assert generate.generate_text(params)[0] == generate.generate_text(generate.shaped("reference", years=1,
                                                                                        start_year=2025,
                                                                                        seed=9))[0]


def test_scale_for_a_number_of_transactions(generate) -> None:
    params = generate.shaped("lots", years=1, start_year=2025, seed=9, acts_per_year=800)
    one = generate.generate_text(params)[1].transactions
    assert generate.scale_for(params, 3 * one) == 3
    assert generate.scale_for(params, 10) == 1
