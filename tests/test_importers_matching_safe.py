"""Grouped transfers settle open FSE only when the match is certain: the payer the label names
is every matched item's, the label is not a CPAM payment that pays no act (forfait, aide, ROSP,
indemnité…), and the payer's open items make the amount in exactly one way, up to items that
are interchangeable for every figure (same amount, account, paying organism and classification
of what they pay, whatever the year of the care: of those, the oldest are settled). Otherwise the
line is left for review (``!``, ``a-verifier:``) and settles nothing."""

from __future__ import annotations

import datetime
import textwrap
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.importers import categorize
from beancount_hn.importers.categorize import (Categorizer, Rule, Settlement, interchangeable,
                                               payers_named, search_combination)
from beancount_hn.importers.receivables import OpenItem
from tests.ledgers import run_hn, write_file, write_ledger

ACCOUNT = "Assets:Banque:Courant"


def _fse(number: str, day: int, cpam: str, mutuelle: str | None = None, caisse: str = "CPAM 69",
         payer: str | None = "MGEN", depassement: str | None = None, month: str = "2025-06") -> str:
    lines = [f'{month}-{day:02d} * "P{number}" "FSE" ^{number}', f'  facture: "{number}"',
             f"  Assets:Creances:CPAM  {cpam} EUR"]
    if caisse:
        lines.append(f'    payeur: "{caisse}"')
    if mutuelle:
        lines.append(f"  Assets:Creances:Mutuelles  {mutuelle} EUR")
        if payer:
            lines.append(f'    payeur: "{payer}"')
    if depassement:
        lines.append(f"  Income:Honoraires:Depassements  -{depassement} EUR")
    lines.append("  Income:Honoraires:Conventionnes")
    return "\n".join(lines) + "\n"


OPEN = textwrap.dedent("""\
    2025-01-01 open Assets:Banque:Courant EUR
    2025-01-01 open Assets:Creances:CPAM EUR
    2025-01-01 open Assets:Creances:Mutuelles EUR
    2025-01-01 open Income:Honoraires:Conventionnes EUR
      convention: "conventionne"
    2025-01-01 open Income:Honoraires:Depassements EUR
      convention: "depassement"
    2025-01-01 open Income:Divers EUR
    """)

# The finding's five FSE: 10,32 + 12,26 + 10,32 = 32,90 and 6,88 + 8,60 = 15,48 can be made.
# FSE-000201 and FSE-000204 are the same act: their parts are interchangeable.
FIVE = (_fse("FSE-000201", 2, "10.32", "6.88") + _fse("FSE-000202", 3, "9.68", "6.45")
        + _fse("FSE-000203", 4, "12.26", "8.17") + _fse("FSE-000204", 5, "10.32", "6.88")
        + _fse("FSE-000205", 6, "12.90", "8.60"))


def _entries(text: str) -> list:
    entries, errors, _ = loader.load_string(OPEN + text)
    assert not errors, errors
    return entries


def _bank(date: str, label: str, amount: str) -> data.Transaction:
    posting = data.Posting(ACCOUNT, Amount(Decimal(amount), "EUR"), None, None, None, None)
    return data.Transaction(data.new_metadata("<bank>", 1), datetime.date.fromisoformat(date), "*",
                            None, label, data.EMPTY_SET, data.EMPTY_SET, [posting])


def _apply(text: str, *lines: tuple[str, str, str], rules: list[Rule] | None = None,
           settlements: list[Settlement] | None = None) -> list[data.Transaction]:
    categorizer = Categorizer(rules=rules or [])
    if settlements is not None:
        categorizer = Categorizer(rules=rules or [], settlements=settlements)
    return categorizer.apply([_bank(*line) for line in lines], _entries(text), ACCOUNT)


def _settled(txn: data.Transaction) -> list[str]:
    return [p.meta["reglement-de"] for p in txn.postings if p.meta and "reglement-de" in p.meta]


def _left_for_review(txn: data.Transaction, *words: str) -> None:
    assert txn.flag == "!" and not txn.links and _settled(txn) == []
    for word in words:
        assert word in txn.meta["a-verifier"], txn.meta["a-verifier"]


@pytest.mark.parametrize("label", [
    "VIR CPAM DU RHONE FORFAIT AIDE MODERNISATION INFORMATISATION 2024",
    "VIR CPAM DU RHONE AIDE TELETRANSMISSION",
    "VIR CPAM DU RHONE ROSP 2024",
    "CPAM DU RHONE INDEMNITES JOURNALIERES",
    "VIR CPAM DU RHONE FORFAIT STRUCTURE"])
def test_a_cpam_payment_that_pays_no_act_settles_nothing(label: str) -> None:
    [txn] = _apply(FIVE, ("2025-06-10", label, "32.90"))
    _left_for_review(txn, "ne paie pas des actes", "ne solde aucune facture")
    assert [p.account for p in txn.postings] == [ACCOUNT]  # bean-check refuses it until completed


def test_a_rule_can_book_a_payment_that_pays_no_act() -> None:
    rule = Rule("FORFAIT AIDE MODERNISATION", "Income:Divers")
    [txn] = _apply(FIVE, ("2025-06-10", "VIR CPAM FORFAIT AIDE MODERNISATION 2024", "32.90"), rules=[rule])
    assert txn.flag == "*" and not txn.links
    assert [(p.account, str(p.units.number)) for p in txn.postings] == [
        (ACCOUNT, "32.90"), ("Income:Divers", "-32.90")]


def test_an_insurer_that_is_not_the_invoices_payer_settles_nothing() -> None:
    # 6,88 + 8,60 = 15,48: two MGEN parts make the amount, but AXA pays none of them.
    [txn] = _apply(FIVE, ("2025-06-12", "VIR AXA FRANCE IARD", "15.48"))
    _left_for_review(txn, "le libellé nomme AXA", "n'est de ce payeur (MGEN)")
    assert [p.account for p in txn.postings] == [ACCOUNT]


def test_the_finding_insurance_indemnity_settles_nothing() -> None:
    [txn] = _apply(FIVE, ("2025-06-12", "VIR AXA FRANCE IARD INDEMNISATION SINISTRE DEGAT DES EAUX "
                                        "CABINET", "15.48"))
    _left_for_review(txn, "« indemnisation »")


def test_two_combinations_of_the_payer_items_are_ambiguous() -> None:
    # 22,58 = 10,32 + 12,26 (FSE-000201 or 204, and 203) or 9,68 + 12,90 (202 and 205).
    [txn] = _apply(FIVE, ("2025-06-10", "VIR CPAM DU RHONE", "22.58"))
    _left_for_review(txn, "ambigu : plusieurs combinaisons", "aucune n'est soldée")
    assert txn.postings[1].account == "Assets:Creances:CPAM" and not txn.postings[1].meta


def test_interchangeable_parts_settle_the_oldest() -> None:
    # 10,32 is FSE-000201's part or FSE-000204's: the same act, payer and classification, so the
    # same figures either way; the oldest is settled (FIFO), then the other.
    first, second = _apply(FIVE, ("2025-06-10", "VIR CPAM DU RHONE", "10.32"),
                           ("2025-06-11", "VIR CPAM DU RHONE", "10.32"))
    assert first.flag == "*" and "a-verifier" not in first.meta
    assert _settled(first) == ["FSE-000201"] and first.links == {"FSE-000201"}
    assert second.flag == "*" and _settled(second) == ["FSE-000204"]
    # 30,32 = 10,32 + 10,32 + 9,68 only: both parts of 10,32 and FSE-000202's.
    [txn] = _apply(FIVE, ("2025-06-10", "VIR CPAM DU RHONE", "30.32"))
    assert txn.flag == "*" and _settled(txn) == ["FSE-000201", "FSE-000202", "FSE-000204"]
    # The MGEN's parts alike: 13,76 = 6,88 + 6,88 only.
    [txn] = _apply(FIVE, ("2025-06-12", "VIR MGEN TIERS PAYANT", "13.76"))
    assert txn.flag == "*" and _settled(txn) == ["FSE-000201", "FSE-000204"]


def test_equal_amounts_that_pay_different_fees_are_ambiguous() -> None:
    # Both CPAM parts are 10,32 €, but FSE-000204 also bills a dépassement: its part pays some
    # of it (pro rata), so which one is paid changes DSAV, the dépassements and the 2042-C-PRO.
    ledger = _fse("FSE-000201", 2, "10.32", "6.88") + _fse("FSE-000204", 5, "10.32", "11.88",
                                                            depassement="5.00")
    [txn] = _apply(ledger, ("2025-06-10", "VIR CPAM DU RHONE", "10.32"))
    _left_for_review(txn, "ambigu : plusieurs combinaisons")
    # The label that names the invoice still settles it.
    [txn] = _apply(ledger, ("2025-06-10", "VIR CPAM DU RHONE FSE-000204", "10.32"))
    assert txn.flag == "*" and _settled(txn) == ["FSE-000204"]


def test_equal_parts_of_care_of_two_years_settle_the_oldest() -> None:
    # Care of December and of January (this test used to expect « ambigu »): under the cash basis
    # the transfer counts on its own date whichever FSE it pays, so no 2035, DSAV, VAT or FEC
    # figure depends on the choice; the December one is settled first (FIFO), as the accountant
    # letters, and only the relevé SNIR check's explanation follows it.
    ledger = (_fse("FSE-000201", 30, "10.32", month="2025-12")
              + _fse("FSE-000202", 2, "10.32", month="2026-01"))
    [txn] = _apply(ledger, ("2026-01-10", "VIR CPAM DU RHONE", "10.32"))
    assert txn.flag == "*" and "a-verifier" not in txn.meta and _settled(txn) == ["FSE-000201"]
    [txn] = _apply(ledger, ("2026-01-10", "VIR CPAM DU RHONE", "20.64"))
    assert txn.flag == "*" and _settled(txn) == ["FSE-000201", "FSE-000202"]


def test_the_one_combination_of_the_payer_items_is_settled() -> None:
    [txn] = _apply(FIVE, ("2025-06-10", "VIR CPAM DU RHONE", "22.22"))  # made by nothing
    _left_for_review(txn, "aucune combinaison des 5 facture(s) ouverte(s) sur Assets:Creances:CPAM")
    [txn] = _apply(FIVE, ("2025-06-10", "VIR CPAM DU RHONE", "21.94"))  # 9,68 + 12,26 only
    assert txn.flag == "*" and "a-verifier" not in txn.meta
    assert _settled(txn) == ["FSE-000202", "FSE-000203"]
    assert txn.links == {"FSE-000202", "FSE-000203"}


def test_only_the_items_of_the_payer_the_label_names_are_counted() -> None:
    ledger = (_fse("FSE-000201", 2, "10.00", "6.88", payer="MGEN")
              + _fse("FSE-000202", 3, "10.00", "6.88", payer="Harmonie Mutuelle"))
    [txn] = _apply(ledger, ("2025-06-10", "VIR MGEN TIERS PAYANT", "6.88"))
    assert txn.flag == "*" and _settled(txn) == ["FSE-000201"]
    [txn] = _apply(ledger, ("2025-06-10", "VIR HARMONIE MUTUELLE", "6.88"))
    assert txn.flag == "*" and _settled(txn) == ["FSE-000202"]
    # A mutuelle the label does not name precisely: nobody's items.
    [txn] = _apply(ledger, ("2025-06-10", "VIR TIERS PAYANT AMC", "6.88"))
    _left_for_review(txn, "ne nomme aucun payeur précis")


def test_a_caisse_is_the_cpam_a_label_names_and_the_msa_is_not() -> None:
    ledger = _fse("FSE-000201", 2, "10.00", caisse="CPAM du Rhône") + _fse("FSE-000202", 3, "7.00",
                                                                          caisse="MSA Ain-Rhône")
    [cpam] = _apply(ledger, ("2025-06-10", "VIR CAISSE PRIMAIRE D'ASSURANCE MALADIE", "10.00"))
    assert cpam.flag == "*" and _settled(cpam) == ["FSE-000201"]
    [msa] = _apply(ledger, ("2025-06-10", "VIR CPAM DU RHONE", "7.00"))
    _left_for_review(msa, "aucune combinaison des 1 facture(s) ouverte(s) de ce payeur")
    [msa] = _apply(ledger, ("2025-06-10", "VIR MSA AIN RHONE", "7.00"))
    assert msa.flag == "*" and _settled(msa) == ["FSE-000202"]


def test_an_item_without_payer_belongs_to_its_account_unless_it_is_shared() -> None:
    ledger = _fse("FSE-000201", 2, "10.00", "6.88", caisse="", payer=None)
    [cpam, mutuelle] = _apply(ledger, ("2025-06-10", "VIR CPAM DU RHONE", "10.00"),
                              ("2025-06-10", "VIR MGEN", "6.88"))
    assert cpam.flag == "*" and _settled(cpam) == ["FSE-000201"]
    _left_for_review(mutuelle, "le libellé nomme MGEN", "payeur: non indiqué")


def test_a_payer_the_matcher_does_not_know_must_be_quoted_in_the_label() -> None:
    ledger = _fse("FSE-000201", 2, "10.00", "6.88", payer="Solimut Mutuelle de France")
    [txn] = _apply(ledger, ("2025-06-10", "VIR SOLIMUT MUTUELLE DE FRANCE TP", "6.88"))
    assert txn.flag == "*" and _settled(txn) == ["FSE-000201"]
    [txn] = _apply(ledger, ("2025-06-10", "VIR MUTUELLE GENERALE", "6.88"))
    assert txn.flag == "!" and _settled(txn) == []


def test_a_label_that_names_the_invoices_settles_exactly_those() -> None:
    # Without the number 10,32 settles the oldest (FSE-000201); the label names FSE-000204.
    [txn] = _apply(FIVE, ("2025-06-10", "VIR CPAM DU RHONE FSE-000204", "10.32"))
    assert txn.flag == "*" and _settled(txn) == ["FSE-000204"]
    # Named invoices that do not make the amount: no other invoice is taken instead.
    [txn] = _apply(FIVE, ("2025-06-10", "VIR CPAM DU RHONE FSE-000202", "10.32"))
    _left_for_review(txn, "que cite le libellé (FSE-000202)")


CONVENTIONNE = ((("Income:Honoraires:Conventionnes", "", "conventionne", "exoneree", True),),)
DEPASSEMENT = ((("Income:Honoraires:Depassements", "", "depassement", "exoneree", True),),)


def _item(number: int, value: str, fees: tuple | None = CONVENTIONNE, day: int | None = None) -> OpenItem:
    """An open CPAM item of ``value`` paying ``fees`` (a class of :attr:`OpenItem.pays`; None: unknown)."""
    amount = Decimal(value)
    pays = None if fees is None else tuple((fee[0], amount) for fee in fees)
    return OpenItem(f"F{number:03d}", "Assets:Creances:CPAM", datetime.date(2025, 3, day or number), amount,
                    "EUR", "CPAM 69", None, pays=pays)


def test_search_combination_counts_the_fitting_combinations() -> None:
    items = [_item(n, v, None) for n, v in enumerate(["5.00", "7.25", "3.10", "9.99", "5.00"], 1)]
    found = search_combination(items, Decimal("20.34"))  # 7,25 + 3,10 + 9,99 only
    assert [i.invoice for i in found.items] == ["F002", "F003", "F004"] and not found.ambiguous
    # F1 or F5, whose classification is unknown: not interchangeable, ambiguous.
    twice = search_combination(items, Decimal("5.00"))
    assert twice.items is None and twice.ambiguous and not twice.cut
    none = search_combination(items, Decimal("1.00"))
    assert none.items is None and not none.ambiguous


def test_interchangeable_items_are_one_answer_and_the_oldest_are_taken() -> None:
    # Three parts of 10,32 (numbered out of date order) and one of 9,68, all conventionné.
    items = [_item(1, "10.32", day=9), _item(2, "10.32", day=3), _item(3, "9.68", day=4),
             _item(4, "10.32", day=3)]
    assert [i.invoice for i in search_combination(items, Decimal("10.32")).items] == ["F002"]
    assert [i.invoice for i in search_combination(items, Decimal("20.64")).items] == ["F002", "F004"]
    assert [i.invoice for i in search_combination(items, Decimal("40.64")).items] == [
        "F002", "F004", "F003", "F001"]
    # A dépassement part of the same amount is another kind of item: two answers.
    other = [*items, _item(5, "10.32", DEPASSEMENT)]
    found = search_combination(other, Decimal("10.32"))
    assert found.items is None and found.ambiguous
    # So is a part of another organism or kind, or one whose classification is unknown.
    for odd in (replace(_item(6, "10.32"), payer="MSA Ain-Rhône"), replace(_item(6, "10.32"), kind="lot"),
                _item(6, "10.32", None)):
        found = search_combination([*items, odd], Decimal("10.32"))
        assert found.items is None and found.ambiguous
    # The same organism spelt otherwise is the same payer (this used to be ambiguous too).
    same = replace(_item(6, "10.32", day=1), payer="CPAM de l'Isère")
    assert [i.invoice for i in search_combination([*items, same], Decimal("10.32")).items] == ["F006"]
    assert interchangeable(items[0]) == interchangeable(items[1]) != interchangeable(other[-1])


# Few distinct amounts and classes, so that equal amounts and collisions are frequent.
_ITEMS = st.lists(st.tuples(st.sampled_from(["5.00", "6.88", "9.68", "10.32", "12.26", "15.00", "16.56"]),
                            st.sampled_from([CONVENTIONNE, DEPASSEMENT, None]),
                            st.integers(min_value=1, max_value=28)),
                  min_size=1, max_size=9)


@settings(max_examples=300, deadline=None)
@given(_ITEMS, st.data())
def test_an_accepted_transfer_is_the_only_count_vector_that_fits(specs: list, draw: st.DataObject) -> None:
    """Whenever the rule accepts, every fitting subset takes as many items of each group of
    interchangeable items; it rejects exactly when none fits or two count vectors do."""
    items = [_item(n, value, fees, day) for n, (value, fees, day) in enumerate(specs, 1)]
    chosen = draw.draw(st.lists(st.sampled_from(items), unique_by=id) | st.just([]))
    target = (sum((i.amount for i in chosen), Decimal(0))
              or draw.draw(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("80"), places=2)))
    vectors = {frozenset(Counter(map(interchangeable, subset)).items())
               for size in range(1, len(items) + 1) for subset in combinations(items, size)
               if sum(i.amount for i in subset) == target}
    found = search_combination(items, target)
    assert not found.cut
    if found.items is None:
        assert len(vectors) >= 2 if found.ambiguous else not vectors
        return
    assert sum(i.amount for i in found.items) == target
    assert vectors == {frozenset(Counter(map(interchangeable, found.items)).items())}
    taken = {id(i) for i in found.items}
    for item in found.items:  # the oldest of its group: none older of the group left out
        older = [i for i in items if interchangeable(i) == interchangeable(item) and id(i) not in taken
                 and (i.date, i.invoice) < (item.date, item.invoice)]
        assert not older


def test_the_search_is_bounded_and_its_bound_is_ambiguity(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [_item(n, str(Decimal(800 + 7 * n) / 100), day=1) for n in range(400)]
    found = search_combination(items, Decimal("4321.01"))  # hundreds of items, a large amount
    assert found.items is None and found.ambiguous and found.cut
    monkeypatch.setattr(categorize, "MAX_SEARCH_CELLS", 10)
    ledger = _fse("FSE-000201", 2, "10.00")
    [txn] = _apply(ledger, ("2025-06-10", "VIR CPAM DU RHONE", "10.00"))
    _left_for_review(txn, "trop de combinaisons possibles")


def test_payers_named() -> None:
    assert payers_named("VIR C.P.A.M. DE LYON") == {"CPAM"}
    assert payers_named("MALAKOFF HUMANIS") == {"MALAKOFF", "HUMANIS"}
    assert payers_named("VIR MUTUELLE TIERS PAYANT") == frozenset()


L8 = """\
option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2025-01-01 custom "hn-option" "profession" "masseur-kinesitherapeute"
2025-01-01 custom "hn-option" "vat-regime" "franchise"
2025-01-01 custom "hn-option" "treasury" Assets:Banque:Courant
2025-01-01 custom "hn-option" "invoice-series" "FSE" "FSE-{seq:06d}"
  premier-numero: "FSE-000201"
2025-01-01 open Assets:Banque:Courant EUR
2025-01-01 open Assets:Creances:CPAM EUR
  role: "tiers"
2025-01-01 open Assets:Creances:Mutuelles EUR
  role: "tiers"
2025-01-01 open Assets:Creances:Patients EUR
  role: "tiers"
2025-01-01 open Income:Honoraires:Conventionnes EUR
2025-01-01 open Income:Honoraires:Depassements EUR
2025-01-01 open Income:Divers EUR
include "journal.beancount"
"""

JOURNAL = """\
Date;N° facture;Patient;Actes;Montant;Part AMO;Part AMC;Part patient;Caisse;Mutuelle;Dépassement;Devis
02/06/2025;FSE-000201;P1;AMK 8;17,20;10,32;6,88;;CPAM 69;MGEN;;
03/06/2025;FSE-000202;P2;AMK 7.5;16,13;9,68;6,45;;CPAM 69;MGEN;;
04/06/2025;FSE-000203;P3;AMK 9.5;20,43;12,26;8,17;;CPAM 69;MGEN;;
05/06/2025;FSE-000204;P4;RAB 8;17,20;10,32;6,88;;CPAM 69;MGEN;;
06/06/2025;FSE-000205;P5;AMK 10;21,50;12,90;8,60;;CPAM 69;MGEN;;
"""


@pytest.mark.usefixtures("no_load_cache")
def test_the_finding_reproducers_through_hn_extract(tmp_path: Path) -> None:
    journal = run_hn("extract", write_file(tmp_path, "j2.csv", JOURNAL), "--output",
                     str(tmp_path / "journal.beancount"))
    assert journal.exit_code == 0, journal.output
    ledger = write_ledger(tmp_path, L8)
    statement = write_file(tmp_path, "s.csv", "Date;Libellé;Débit;Crédit\n"
                           "10/06/2025;VIR CPAM DU RHONE FORFAIT AIDE MODERNISATION INFORMATISATION 2024;;32,90\n"
                           "12/06/2025;VIR AXA FRANCE IARD INDEMNISATION SINISTRE DEGAT DES EAUX CABINET;;15,48\n"
                           "13/06/2025;VIR AXA FRANCE IARD;;15,48\n")
    result = run_hn("extract", statement, "-a", ACCOUNT, "-e", ledger)
    assert result.exit_code == 0, result.output
    assert "reglement-de: \"" not in result.output and "^FSE" not in result.output
    assert result.output.count("a-verifier:") == 3
    assert "Traceback" not in result.output
