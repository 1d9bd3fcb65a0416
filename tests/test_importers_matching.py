"""Matching imported transfers: a rules file's ``[[settlement]]`` adds to the built-in CPAM and
mutuelle ones, FSE lots known by their ``^link`` or quoted in the label, interchangeable items
(the oldest is settled) against items that differ by what they pay (ambiguous), and bank lines
that already carry a fee posting."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal
from pathlib import Path

from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount
from beancount.parser import printer

from beancount_hn.importers.categorize import Categorizer, Rule, load_rules
from beancount_hn.importers.receivables import open_items

ACCOUNT = "Assets:Banque:Courant"

LEDGER = textwrap.dedent("""\
    2025-01-01 open Assets:Banque:Courant EUR
    2025-01-01 open Assets:Creances:CPAM EUR
    2025-01-01 open Assets:Creances:Patients EUR
    2025-01-01 open Income:Honoraires:Conventionnes EUR
      convention: "conventionne"

    2025-03-03 * "CPAM" "Lot FSE du 3 mars" ^LOT-2025-0303
      Assets:Creances:CPAM              40.00 EUR
      Income:Honoraires:Conventionnes

    2025-03-04 * "CPAM" "Lot FSE du 4 mars" ^LOT-2025-0304
      Assets:Creances:CPAM              40.00 EUR
      Income:Honoraires:Conventionnes

    2025-03-05 * "DUPONT Jean" "Ticket modérateur" ^F-2025-007
      facture: "F-2025-007"
      Assets:Creances:Patients          12.00 EUR
      Income:Honoraires:Conventionnes
    """)


def _ledger() -> list:
    entries, errors, _ = loader.load_string(LEDGER)
    assert not errors, errors
    return entries


def _bank(date: str, label: str, *amounts: tuple[str, str]) -> data.Transaction:
    postings = [data.Posting(account, Amount(Decimal(number), "EUR"), None, None, None, None)
                for account, number in amounts]
    return data.Transaction(data.new_metadata("<bank>", 1), datetime.date.fromisoformat(date), "*",
                            None, label, data.EMPTY_SET, data.EMPTY_SET, postings)


def _settles(txn: data.Transaction) -> list[tuple[str, str]]:
    return [(p.account, next(iter(p.meta.values()))) for p in txn.postings[1:] if p.meta]


def test_a_lot_known_only_by_its_link_is_an_open_item() -> None:
    items = open_items(_ledger(), ["Assets:Creances:CPAM"])
    assert [(i.invoice, i.kind, str(i.amount)) for i in items] == [
        ("LOT-2025-0303", "link", "40.00"), ("LOT-2025-0304", "link", "40.00")]


def test_open_items_say_what_they_pay() -> None:
    """Each item's classification is read from its billing transaction; unknown: None."""
    items = open_items(_ledger(), ["Assets:Creances:CPAM"])
    assert {i.pays for i in items} == {((("Income:Honoraires:Conventionnes", "", "conventionne", "exoneree",
                                          True), Decimal("40.00")),)}
    unclassified = LEDGER.replace('  convention: "conventionne"\n', "")
    entries, errors, _ = loader.load_string(unclassified)
    assert not errors
    assert [i.pays for i in open_items(entries, ["Assets:Creances:CPAM"])] == [None, None]
    [txn] = Categorizer().apply([_bank("2025-03-10", "VIR CPAM DU RHONE", (ACCOUNT, "40.00"))], entries,
                                ACCOUNT)
    assert txn.flag == "!" and "ambigu : plusieurs combinaisons" in txn.meta["a-verifier"]


def test_the_lot_the_label_names_is_settled_rather_than_the_oldest() -> None:
    [txn] = Categorizer().apply([_bank("2025-03-10", "VIR CPAM DU RHONE LOT-2025-0304",
                                       (ACCOUNT, "40.00"))], _ledger(), ACCOUNT)
    assert txn.flag == "*"
    assert _settles(txn) == [("Assets:Creances:CPAM", "LOT-2025-0304")]
    assert "LOT-2025-0304" in txn.links


def test_without_a_reference_the_oldest_lot_is_settled() -> None:
    """Either lot makes 40,00 €, and they are interchangeable (same amount, payer and kind of
    fees): the oldest is settled, then the other by the next transfer."""
    first, second = Categorizer().apply([_bank("2025-03-10", "VIR CPAM DU RHONE", (ACCOUNT, "40.00")),
                                         _bank("2025-03-11", "VIR CPAM DU RHONE", (ACCOUNT, "40.00"))],
                                        _ledger(), ACCOUNT)
    assert first.flag == "*" and "a-verifier" not in first.meta
    assert _settles(first) == [("Assets:Creances:CPAM", "LOT-2025-0303")]
    assert "LOT-2025-0303" in first.links
    assert second.flag == "*" and _settles(second) == [("Assets:Creances:CPAM", "LOT-2025-0304")]


def test_the_settled_link_is_what_the_cashbook_reads(tmp_path: Path) -> None:
    [txn] = Categorizer().apply([_bank("2025-03-10", "VIR CPAM LOT-2025-0304", (ACCOUNT, "40.00"))],
                                _ledger(), ACCOUNT)
    entries, errors, _ = loader.load_string(LEDGER + "\n" + printer.format_entry(txn))
    assert not errors
    assert [i.invoice for i in open_items(entries, ["Assets:Creances:CPAM"])] == ["LOT-2025-0303"]


def test_rules_file_settlements_extend_the_built_in_ones(tmp_path: Path) -> None:
    rules = tmp_path / "regles.toml"
    rules.write_text(textwrap.dedent("""\
        [[settlement]]
        pattern = "REMISE CB"
        account = "Assets:Creances:Patients"
        window-days = 30
        """), encoding="utf-8")
    categorizer = load_rules(str(rules))
    assert [s.payer for s in categorizer.settlements] == ["", "CPAM", "mutuelle"]
    patient, cpam = categorizer.apply([_bank("2025-03-10", "REMISE CB 0310", (ACCOUNT, "12.00")),
                                       _bank("2025-03-11", "VIR CPAM DU RHONE", (ACCOUNT, "40.00"))],
                                      _ledger(), ACCOUNT)
    assert _settles(patient) == [("Assets:Creances:Patients", "F-2025-007")]
    assert _settles(cpam) == [("Assets:Creances:CPAM", "LOT-2025-0303")]


def test_a_line_with_its_fee_is_completed_with_what_is_left() -> None:
    fee = ("Expenses:Frais-Bancaires", "0.50")
    rule = Rule("LIBRAIRIE", "Expenses:Documentation")
    [txn] = Categorizer(rules=[rule]).apply(
        [_bank("2025-03-10", "LIBRAIRIE MEDICALE", (ACCOUNT, "-10.50"), fee)], [], ACCOUNT)
    assert [(p.account, str(p.units.number)) for p in txn.postings] == [
        (ACCOUNT, "-10.50"), ("Expenses:Frais-Bancaires", "0.50"), ("Expenses:Documentation", "10.00")]
    assert txn.flag == "*"


def test_a_balanced_transaction_is_left_alone() -> None:
    entry = _bank("2025-03-10", "VIREMENT INTERNE", (ACCOUNT, "-10.00"), ("Assets:Banque:Livret", "10.00"))
    assert Categorizer().apply([entry], [], ACCOUNT) == [entry]
