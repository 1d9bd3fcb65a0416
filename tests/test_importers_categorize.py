"""Categorisation rules, and CPAM/mutuelle grouped transfers settling open FSE."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.importers.bank_csv import BankCSVImporter
from beancount_hn.importers.categorize import (Categorizer, Rule, RuleError, Settlement,
                                               default_settlements, find_combination, load_rules)
from beancount_hn.importers.receivables import OpenItem, open_items

ACCOUNT = "Assets:Banque:Courant"

LEDGER = textwrap.dedent("""\
    2025-01-01 open Assets:Banque:Courant EUR
    2025-01-01 open Assets:Creances:CPAM EUR
    2025-01-01 open Assets:Creances:Mutuelles EUR
    2025-01-01 open Assets:Creances:Patients EUR
    2025-01-01 open Income:Honoraires:Conventionnes EUR

    2025-03-03 * "MARTIN Paul" "FSE" ^FSE-1
      facture: "FSE-1"
      Assets:Creances:CPAM              12.11 EUR
      Assets:Creances:Mutuelles          8.07 EUR
        payeur: "Harmonie Mutuelle"
      Income:Honoraires:Conventionnes

    2025-03-04 * "LEROY Anne" "FSE" ^FSE-2
      facture: "FSE-2"
      Assets:Creances:CPAM              10.61 EUR
      Assets:Creances:Mutuelles          7.07 EUR
        payeur: "MGEN"
      Income:Honoraires:Conventionnes

    2025-03-05 * "DURAND Luc" "FSE" ^FSE-3
      facture: "FSE-3"
      Assets:Creances:CPAM              15.00 EUR
      Income:Honoraires:Conventionnes

    2025-03-06 * "PETIT Léa" "FSE" ^FSE-4
      facture: "FSE-4"
      Assets:Creances:CPAM              20.00 EUR
      Income:Honoraires:Conventionnes

    2025-03-07 * "CPAM" "paid by hand, linked" ^FSE-3
      Assets:Banque:Courant             15.00 EUR
      Assets:Creances:CPAM             -15.00 EUR
    """)


def _ledger() -> list:
    entries, errors, _ = loader.load_string(LEDGER)
    assert not errors
    return entries


def _bank(date: str, label: str, amount: str) -> data.Transaction:
    import datetime
    meta = data.new_metadata("<bank>", 1)
    posting = data.Posting(ACCOUNT, Amount(Decimal(amount), "EUR"), None, None, None, None)
    return data.Transaction(meta, datetime.date.fromisoformat(date), "*", None, label,
                            data.EMPTY_SET, data.EMPTY_SET, [posting])


def test_open_items_follow_links() -> None:
    items = open_items(_ledger(), ["Assets:Creances:CPAM", "Assets:Creances:Mutuelles"])
    assert [(i.invoice, i.account.split(":")[-1], str(i.amount)) for i in items] == [
        ("FSE-1", "CPAM", "12.11"), ("FSE-1", "Mutuelles", "8.07"),
        ("FSE-2", "CPAM", "10.61"), ("FSE-2", "Mutuelles", "7.07"), ("FSE-4", "CPAM", "20.00")]


def test_grouped_cpam_transfer_settles_the_fse_it_pays() -> None:
    [txn] = Categorizer().apply([_bank("2025-03-10", "VIR CPAM DU RHONE", "30.61")], _ledger(), ACCOUNT)
    assert txn.flag == "*"
    assert txn.links == {"FSE-2", "FSE-4"}
    assert [(p.account, str(p.units.number), (p.meta or {}).get("reglement-de"))
            for p in txn.postings] == [
        (ACCOUNT, "30.61", None),
        ("Assets:Creances:CPAM", "-10.61", "FSE-2"),
        ("Assets:Creances:CPAM", "-20.00", "FSE-4")]


def test_mutuelle_transfer_prefers_its_own_invoices() -> None:
    [txn] = Categorizer().apply([_bank("2025-03-12", "VIR HARMONIE MUTUELLE TP", "8.07")],
                                _ledger(), ACCOUNT)
    assert txn.links == {"FSE-1"}
    assert txn.postings[1].account == "Assets:Creances:Mutuelles"


def test_two_transfers_do_not_settle_the_same_invoice_twice() -> None:
    entries = [_bank("2025-03-10", "VIR CPAM", "12.11"), _bank("2025-03-11", "VIR CPAM", "12.11")]
    first, second = Categorizer().apply(entries, _ledger(), ACCOUNT)
    assert first.links == {"FSE-1"} and first.flag == "*"
    assert second.flag == "!" and not second.links
    assert "aucune combinaison" in second.meta["a-verifier"]
    assert second.postings[1].account == "Assets:Creances:CPAM"


def test_unmatched_transfer_outside_the_window_is_flagged() -> None:
    settlements = [Settlement(r"CPAM", "Assets:Creances:CPAM", window_days=2)]
    [txn] = Categorizer(settlements=settlements).apply(
        [_bank("2025-03-20", "VIR CPAM", "20.00")], _ledger(), ACCOUNT)
    assert txn.flag == "!" and "du 18 mars 2025 au 20 mars 2025" in txn.meta["a-verifier"]


def test_rules_add_counter_posting_and_metadata() -> None:
    rules = [Rule(r"pilates", "Income:Honoraires:HN", meta={"convention": "non-conventionne"},
                  payee="Cours Pilates", sign="credit"),
             Rule(r"URSSAF", "Expenses:Cotisations:URSSAF", tags=frozenset({"social"}))]
    entries = [_bank("2025-03-10", "REMISE CB PILATES", "352.00"),
               _bank("2025-03-11", "PRLV URSSAF", "-245.00"),
               _bank("2025-03-12", "PILATES REMBOURSEMENT", "-16.00")]
    hn, urssaf, refund = Categorizer(rules=rules).apply(entries, [], ACCOUNT)
    assert hn.payee == "Cours Pilates" and hn.meta["convention"] == "non-conventionne"
    assert hn.postings[1].account == "Income:Honoraires:HN"
    assert hn.postings[1].units == Amount(Decimal("-352.00"), "EUR")
    assert urssaf.tags == {"social"} and urssaf.postings[1].account == "Expenses:Cotisations:URSSAF"
    assert refund.flag == "!" and len(refund.postings) == 1


def test_rules_ignore_accents_and_case() -> None:
    [txn] = Categorizer(rules=[Rule("prélèvement loyer", "Expenses:Loyer")]).apply(
        [_bank("2025-03-10", "PRELEVEMENT LOYER CABINET", "-650.00")], [], ACCOUNT)
    assert txn.postings[1].account == "Expenses:Loyer"


def test_find_combination_any_subset() -> None:
    import datetime
    items = [OpenItem(f"F{i}", "A", datetime.date(2025, 3, i), Decimal(v), "EUR", "", None)
             for i, v in enumerate(["5.00", "7.25", "3.10", "9.99", "4.40"], 1)]
    assert [i.invoice for i in find_combination(items, Decimal("14.39"))] == ["F4", "F5"]
    assert find_combination(items, Decimal("100")) is None
    assert [i.invoice for i in find_combination(items, Decimal("12.25"))] == ["F1", "F2"]


def test_load_rules(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(textwrap.dedent("""\
        [[rule]]
        pattern = "URSSAF"
        account = "Expenses:Cotisations:URSSAF"
        meta = { ligne = 3, note = "cotisations" }

        [[settlement]]
        pattern = "REMISE CB"
        account = "Assets:Creances:Patients"
        window-days = 7
        """), encoding="utf-8")
    categorizer = load_rules(str(path))
    assert categorizer.rules[0].meta == {"ligne": Decimal("3"), "note": "cotisations"}
    assert categorizer.settlements[0].window_days == 7
    path.write_text('[[rule]]\npattern = "X"\naccount = "pas un compte"\n', encoding="utf-8")
    with pytest.raises(RuleError, match="n'est pas un nom de compte"):
        load_rules(str(path))
    path.write_text('[[rule]]\npattern = "(X"\naccount = "Expenses:X"\n', encoding="utf-8")
    with pytest.raises(RuleError, match="expression régulière"):
        load_rules(str(path))


def test_default_settlement_patterns() -> None:
    cpam, mutuelle = default_settlements()
    assert cpam.matches("VIR CPAM DU RHONE", Decimal(1))
    assert cpam.matches("VIR C.P.A.M. LYON", Decimal(1))
    assert not cpam.matches("VIR CPAM DU RHONE", Decimal(-1))
    assert not cpam.matches("PRLV CAMPAGNE", Decimal(1))
    assert mutuelle.matches("VIR ALMERYS TIERS PAYANT", Decimal(1))
    assert mutuelle.matches("VIR HARMONIE MUTUELLE", Decimal(1))


def test_bank_importer_settles_against_existing(tmp_path: Path) -> None:
    path = tmp_path / "releve.csv"
    path.write_text("Date;Libellé;Montant\n10/03/2025;VIR CPAM DU RHONE;30,61\n", encoding="utf-8")
    [txn] = BankCSVImporter(ACCOUNT, "montant-signe").extract(str(path), _ledger())
    assert txn.links == {"FSE-2", "FSE-4"}
