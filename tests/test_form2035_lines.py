"""The 2035 lines as data, the default account → line table, ``ligne-2035:`` validation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.mapping import default_rules
from beancount_hn.tax import lines2035
from beancount_hn.tax.lines2035 import account_line, normalize_value, validate_line_values
from tests.ledgers import line_of, load, loaded

EVERY_CODE = (
    "AA AB AC AD AE AF AG BA BB BC BD JY BS BV BF BG BW BH BJ BK BT BZ BU BM BY BN BP BR "
    "CA CB CC CD CE CF CG CH CK CL CM CN CP CR DE DB DD DC"
).split()


def test_every_line_of_the_issue_is_in_the_table_with_label_and_source():
    table = lines2035.by_code()
    for code in EVERY_CODE + [str(n) for n in (*range(17, 25), *range(26, 31))]:
        row = table[code]
        assert row.label and row.source and row.confidence, code
    assert table["AA"].line == "1" and table["BR"].line == "33" and table["CR"].line == "47"


def test_parents_and_groups():
    assert lines2035.chain("17") == ["17", "BH"]
    assert lines2035.chain("23") == ["23", "BJ"]
    assert lines2035.chain("29") == ["29", "BY", "BM"]
    assert lines2035.top_box("BT") == "BK"
    assert lines2035.top_box("BW") == "BG"
    for row in lines2035.lines():
        if row.parent:
            assert row.parent in lines2035.by_code()


def test_uncertain_rows_are_flagged():
    table = lines2035.by_code()
    assert table["BY"].uncertain and table["BE"].uncertain
    assert not table["AA"].uncertain and not table["CP"].uncertain
    assert not table["DD"].uncertain  # cadre 8: two implementations of the notice agree
    assert table["DD"].applies_to(2025) and not table["DD"].applies_to(2024)


@pytest.mark.parametrize("raw, expected", [
    ("bf", "BF"), ("BT", "BT"), (Decimal("17"), "17"), ("23", "23"), ("Non déductible", "non-deductible"),
    ("neutral", "neutre"), ("BR", None), ("CH", None), ("ZZ", None), (Decimal("17.5"), None), ("25", None),
])
def test_normalize_value(raw, expected):
    assert normalize_value(raw) == expected


def test_every_default_rule_names_a_valid_line():
    for rule in default_rules():
        assert normalize_value(rule.line) is not None, rule


LEDGER = """
2024-01-01 open Assets:Banque
2024-01-01 open Expenses:Loyer
2024-01-01 open Expenses:Rent
2024-01-01 open Expenses:Assurances
2024-01-01 open Expenses:Insurance
2024-01-01 open Expenses:Vehicule:Carburant
2024-01-01 open Expenses:Car:Fuel
2024-01-01 open Expenses:Telephone
2024-01-01 open Expenses:Cotisations:URSSAF
2024-01-01 open Expenses:Cotisations:CARPIMKO
2024-01-01 open Expenses:Cotisations:Madelin
2024-01-01 open Expenses:Cotisations:Ordre
2024-01-01 open Expenses:CSG:Deductible
2024-01-01 open Expenses:CSG:NonDeductible
2024-01-01 open Expenses:Impots:CFE
2024-01-01 open Expenses:Impots:Revenu
2024-01-01 open Expenses:Redevances-Collaboration
2024-01-01 open Expenses:Retrocessions
2024-01-01 open Expenses:Comptabilite
2024-01-01 open Expenses:Frais-Bancaires
2024-01-01 open Expenses:Formation
2024-01-01 open Expenses:Bizarre
2024-01-01 open Income:Interets
2024-01-01 open Income:Honoraires
"""


@pytest.mark.parametrize("account, line", [
    ("Expenses:Loyer", "BF"), ("Expenses:Rent", "BF"), ("Expenses:Assurances", "22"),
    ("Expenses:Insurance", "22"), ("Expenses:Vehicule:Carburant", "23"), ("Expenses:Car:Fuel", "23"),
    ("Expenses:Telephone", "27"), ("Expenses:Cotisations:URSSAF", "BT"),
    ("Expenses:Cotisations:CARPIMKO", "BT"), ("Expenses:Cotisations:Madelin", "BZ"),
    ("Expenses:Cotisations:Ordre", "29"), ("Expenses:CSG:Deductible", "BV"),
    ("Expenses:CSG:NonDeductible", "non-deductible"), ("Expenses:Impots:CFE", "JY"),
    ("Expenses:Impots:Revenu", "non-deductible"), ("Expenses:Redevances-Collaboration", "BW"),
    ("Expenses:Retrocessions", "AC"), ("Expenses:Comptabilite", "21"), ("Expenses:Frais-Bancaires", "BN"),
    ("Expenses:Formation", "30"), ("Expenses:Bizarre", None), ("Income:Interets", "AE"),
    ("Income:Honoraires", "AA"),
])
def test_default_table_by_account_name(account, line):
    _, index = loaded(LEDGER)
    assert account_line(index, account) == line


def test_open_metadata_beats_the_default_table():
    entries, _, options = load("""
    2024-01-01 open Expenses:Loyer
      ligne-2035: "bg"
    2024-01-01 open Expenses:Telephone
      ligne-2035: 27
    """)
    index = LedgerIndex.build(entries, options)
    assert account_line(index, "Expenses:Loyer") == "BG"
    assert account_line(index, "Expenses:Telephone") == "27"


BAD = """
2024-01-01 open Expenses:Loyer
  ligne-2035: "ZZ"
2024-01-01 open Expenses:Telephone
  ligne-2035: "BR"
2024-01-01 open Expenses:Internet
  ligne-2035: "27"
  part-privee: 1.5
"""


def test_validate_line_values_errors_at_the_open_line():
    entries, _, options = load(BAD, plugin=None)
    errors = validate_line_values(LedgerIndex.build(entries, options))
    by_line = {e.source["lineno"]: e.message for e in errors}
    assert 'valeur de ligne-2035: inconnue "ZZ"' in by_line[line_of(BAD, "open Expenses:Loyer", plugin=None)]
    assert "est un total" in by_line[line_of(BAD, "open Expenses:Telephone", plugin=None)]
    assert "part-privee" in by_line[line_of(BAD, "open Expenses:Internet", plugin=None)]
    assert len(errors) == 3


def test_the_plugin_chain_reports_them():
    _, errors, _ = load(BAD)
    lines = sorted(e.source["lineno"] for e in errors if type(e).__name__ == "LineValueError")
    assert lines == sorted(line_of(BAD, f"open Expenses:{a}") for a in ("Loyer", "Telephone", "Internet"))
