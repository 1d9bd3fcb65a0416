"""Receipt classification and the convention plugin (DESIGN.md §3)."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

import pytest
from beancount.core import data
from hypothesis import given, settings
from hypothesis import strategies as st

from beancount_hn.core.acts import ActError, act_status, key_letters
from beancount_hn.core.classify import ClassificationError, classify_entries
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.plugins import convention as convention_plugin
from tests.ledgers import errors_of, ledger_text, line_of, load, only_error, run_hn, write_ledger

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Creances:CPAM
2024-01-01 open Income:Honoraires
2024-01-01 open Income:Honoraires:Depassements
  convention: "dépassement"
2024-01-01 open Income:Honoraires:HN
  convention: "Non conventionné"
2024-01-01 open Income:Honoraires:Bilans
  convention: "non-conventionne"
  tva: "exoneree"
2024-01-01 open Income:Interets
  ligne-2035: "AE"
"""


def run(text: str):
    ledger = ACCOUNTS + textwrap.dedent(text)
    entries, errors, options = load(ledger)
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    return txns, errors, ledger


def hn_tags(txn: data.Transaction) -> set[str]:
    return set(txn.tags) & {"conventionne", "depassement", "non-conventionne"}


# --- NGAP codes ------------------------------------------------------------------


@pytest.mark.parametrize("code, day, status", [
    ("RAB 8", "2025-03-04", "conventionne"),
    ("AMK 8.1", "2025-03-04", "conventionne"),
    ("amk 8,1", "2025-03-04", "conventionne"),
    ("DRA 7.5 + IFD", "2025-03-04", "conventionne"),
    ("IK 12", "2025-03-04", "conventionne"),
    ("TMK 8", "2024-02-22", "conventionne"),
    ("AMS 7.5", "2024-02-21", "conventionne"),
    ("DE", "2025-03-04", "depassement"),
    ("HN", "2025-03-04", "non-conventionne"),
])
def test_act_codes_resolve(code, day, status):
    assert act_status(code, datetime.date.fromisoformat(day)) == status


@pytest.mark.parametrize("code, day, message", [
    ("AMS 7.5", "2024-02-22", "« AMS » n'est pas en vigueur le 22 février 2024 : elle l'est jusqu'au 21 février 2024"),
    ("RAB 8", "2024-02-21", "« RAB » n'est pas en vigueur le 21 février 2024 : elle l'est à partir du 22 février 2024"),
    ("XYZ 3", "2025-01-01", "lettre clé NGAP « XYZ » inconnue"),
    ("RAB 8 + DE", "2025-01-01", "mêle des statuts différents"),
    ("8 RAB", "2025-01-01", "attendu une lettre clé suivie d'un coefficient"),
    ("RAB 8 +", "2025-01-01", "vide ou mal formé"),
])
def test_bad_act_codes(code, day, message):
    with pytest.raises(ActError, match=message):
        act_status(code, datetime.date.fromisoformat(day))


def test_ngap_table_carries_sources_and_dates():
    letters = key_letters()
    assert letters["AMS"].valid_to == datetime.date(2024, 2, 21)
    assert letters["RAB"].valid_from == datetime.date(2024, 2, 22)
    assert letters["RAB"].value(datetime.date(2024, 2, 22)).mainland == Decimal("2.21")
    assert all(letter.source for letter in letters.values())


# --- resolution order ----------------------------------------------------------------


def test_each_resolution_rule():
    txns, errors, _ = run("""
    2025-03-01 * "1: posting convention beats posting acte"
      acte: "HN"
      Assets:Banque    10 EUR
      Income:Honoraires  -10 EUR
        convention: "depassement"
        acte: "RAB 8"
    2025-03-02 * "2: posting acte beats the account"
      Assets:Banque    10 EUR
      Income:Honoraires:HN  -10 EUR
        acte: "DE"
    2025-03-03 * "3: the account beats the transaction"
      acte: "AMK 8.1"
      Assets:Banque    10 EUR
      Income:Honoraires:Depassements  -10 EUR
    2025-03-04 * "4: transaction convention beats transaction acte"
      convention: "non-conventionne"
      acte: "RAB 8"
      Assets:Banque    10 EUR
      Income:Honoraires  -10 EUR
    2025-03-05 * "5: transaction acte"
      acte: "RAB 8"
      Assets:Banque    10 EUR
      Income:Honoraires  -10 EUR
    """)
    assert errors == []
    assert [hn_tags(t) for t in txns] == [
        {"depassement"}, {"depassement"}, {"depassement"}, {"non-conventionne"}, {"conventionne"},
    ]


def test_vat_status_defaults_and_overrides():
    entries, errors, options = load(ACCOUNTS + textwrap.dedent("""
    2025-03-01 * "Séance" #x
      acte: "RAB 8"
      Assets:Banque    10 EUR
      Income:Honoraires  -10 EUR
    2025-03-02 * "Pilates"
      Assets:Banque    10 EUR
      Income:Honoraires:HN  -10 EUR
    2025-03-03 * "Bilan prévention des chutes"
      Assets:Banque    10 EUR
      Income:Honoraires:Bilans  -10 EUR
    2024-01-01 open Liabilities:TVA:Collectee
    2025-03-04 * "Massage, TVA posting"
      tva: "exoneree"
      Assets:Banque    12 EUR
      Liabilities:TVA:Collectee  -2 EUR
      Income:Honoraires:HN  -10 EUR
        tva: "collectée"
    2025-03-05 * "Massage, TVA transaction"
      tva: "exonérée"
      Assets:Banque    10 EUR
      Income:Honoraires:HN  -10 EUR
    2026-01-01 custom "hn-option" "vat-regime" "reel"
    2026-01-02 * "Pilates after the switch"
      Assets:Banque    12 EUR
      Liabilities:TVA:Collectee  -2 EUR
      Income:Honoraires:HN  -10 EUR
    """))
    assert errors == []
    receipts, errors = classify_entries(entries, LedgerIndex.build(entries, options))
    assert [(r.vat, r.vat_is_default) for r in receipts] == [
        ("exoneree", True), ("franchise", True), ("exoneree", False),
        ("collectee", False), ("exoneree", False), ("collectee", True),
    ]


def test_only_fee_accounts_are_receipts():
    txns, errors, _ = run("""
    2025-12-31 * "Intérêts du livret"
      Assets:Banque    3.12 EUR
      Income:Interets  -3.12 EUR
    """)
    assert errors == [] and hn_tags(txns[0]) == set()


def test_mixed_transaction_gets_every_tag():
    txns, errors, _ = run("""
    2025-03-05 * "M. Roux" "Séance à domicile à 20 h + DE"
      Assets:Banque    29.68 EUR
      Income:Honoraires  -17.68 EUR
        acte: "RAB 8"
      Income:Honoraires:Depassements  -12.00 EUR
    """)
    assert errors == [] and hn_tags(txns[0]) == {"conventionne", "depassement"}


# --- errors at the transaction's line --------------------------------------------------

ERRORS = """
2025-03-01 * "unclassified"
  Assets:Banque    10 EUR
  Income:Honoraires  -10 EUR
2025-03-02 * "unknown status"
  convention: "secteur 2"
  Assets:Banque    10 EUR
  Income:Honoraires  -10 EUR
2025-03-03 * "unknown act"
  Assets:Banque    10 EUR
  Income:Honoraires  -10 EUR
    acte: "ZZZ 4"
2025-03-04 * "contradicting tag" #depassement
  acte: "HN"
  Assets:Banque    10 EUR
  Income:Honoraires  -10 EUR
2025-03-05 * "tag without receipt" #conventionne
  Assets:Banque    10 EUR
  Assets:Creances:CPAM  -10 EUR
2025-03-06 * "unknown vat"
  acte: "HN"
  tva: "zero"
  Assets:Banque    10 EUR
  Income:Honoraires  -10 EUR
"""


def test_errors_name_the_transaction_line_and_what_to_do():
    txns, errors, ledger = run(ERRORS)
    assert all(isinstance(e, ClassificationError) for e in errors)
    got = [(e.source["lineno"], e.message) for e in errors]
    expected = [
        ('"unclassified"', "recette non classée sur Income:Honoraires : ajoutez acte:"),
        ('"unknown status"', 'statut de convention "secteur 2" inconnu (convention: de la transaction) ; '
                             "valeurs admises :"),
        ('"unknown act"', "lettre clé NGAP « ZZZ » inconnue (acte « ZZZ 4 »)"),
        ('"contradicting tag"', "tag #depassement contredit le statut des recettes (non-conventionne)"),
        ('"unknown vat"', 'statut de TVA "zero" inconnu'),
        ('"tag without receipt"', "tag #conventionne sur une transaction sans recette"),
    ]
    for needle, message in expected:
        lineno = line_of(ledger, needle)
        assert any(line == lineno and message in text for line, text in got), (needle, got)
    assert len(errors) == len(expected)
    assert all(e.source["filename"] == "<string>" for e in errors)


def test_bean_check_prints_no_traceback_on_bad_ledgers(tmp_path):
    path = write_ledger(tmp_path, ledger_text(ACCOUNTS + ERRORS, header=False), "bad.beancount")
    result = run_hn("check", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{path}:" in result.output and "recette non classée" in result.output


# --- idempotence ---------------------------------------------------------------------------


def test_running_the_plugin_twice_adds_nothing():
    entries, errors, options = load(ACCOUNTS + textwrap.dedent("""
    2025-03-05 * "mixed"
      Assets:Banque    29.68 EUR
      Income:Honoraires  -17.68 EUR
        acte: "RAB 8"
      Income:Honoraires:Depassements  -12.00 EUR
    """))
    assert errors == []
    again, errors = convention_plugin.convention(entries, options)
    assert errors == [] and again == entries


# --- property: exactly one status or exactly one error per receipt -----------------------

SOURCES = st.sampled_from([
    None, ("convention", "conventionne"), ("convention", "dépassement"), ("convention", "hn"),
    ("convention", "bogus"), ("acte", "RAB 8"), ("acte", "DE"), ("acte", "HN"), ("acte", "QQQ 1"),
    ("acte", "AMS 7.5"),
])


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(SOURCES, SOURCES, st.sampled_from(["Income:Honoraires", "Income:Honoraires:HN"])),
                min_size=1, max_size=6), SOURCES)
def test_every_receipt_gets_exactly_one_status_or_one_error(postings, txn_source):
    lines = ['2025-03-01 * "random"']
    if txn_source:
        lines.append(f'  {txn_source[0]}: "{txn_source[1]}"')
    for n, (first, second, account) in enumerate(postings):
        lines.append(f"  {account}  -{n + 1} EUR")
        for source in (first, second):
            if source and f"    {source[0]}:" not in "\n".join(lines[-2:]):
                lines.append(f'    {source[0]}: "{source[1]}"')
    lines.append("  Assets:Banque")
    entries, errors, options = load(ACCOUNTS + "\n".join(lines) + "\n")
    index = LedgerIndex.build(entries, options)
    receipts, classification_errors = classify_entries(entries, index)
    assert len(receipts) + len(classification_errors) == len(postings)
    assert len({(r.index) for r in receipts}) == len(receipts)
    assert all(r.convention in ("conventionne", "depassement", "non-conventionne") for r in receipts)
    [txn] = [e for e in entries if isinstance(e, data.Transaction)]
    assert hn_tags(txn) == {r.convention for r in receipts}


def test_one_classifier_resolves_repeated_fse_lines_as_a_fresh_one():
    """A code seen once is reused only inside its validity window and when its VAT has no dates."""
    from beancount_hn.core.classify import Classifier

    entries, _, options = load(ACCOUNTS + textwrap.dedent("""
    2024-02-01 custom "hn-option" "vat-regime" "franchise"
    2024-02-21 custom "hn-option" "vat-regime" "reel"
    """) + "".join(textwrap.dedent(f"""
    {day} * "Lot FSE"
      Assets:Creances:CPAM
      Income:Honoraires  -16.13 EUR
        acte: "AMS 7.5"
      Income:Honoraires  -10.00 EUR
        acte: "HN"
      Income:Honoraires:Bilans  -50.00 EUR
        acte: "HN"
    """) for day in ("2024-02-20", "2024-02-21", "2024-02-22", "2024-02-23")))
    index = LedgerIndex.build(entries, options)
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    shared = Classifier(index)
    for txn in txns:
        receipts, errors = shared.receipts(txn)
        fresh_receipts, fresh_errors = Classifier(index).receipts(txn)
        assert receipts == fresh_receipts
        assert [e.message for e in errors] == [e.message for e in fresh_errors]
    receipts, errors = shared.receipts(txns[-1])  # AMS ended on 2024-02-21; HN is now under VAT
    assert [r.vat for r in receipts] == ["collectee", "exoneree"]
    assert len(errors) == 1 and "pas en vigueur le 23 février 2024" in errors[0].message


def test_status_aliases_are_normalized_words():
    """A status written exactly as an alias key skips normalize_word: each key must be its own normal form."""
    from beancount_hn.core.classify import _CONVENTION_ALIASES, _VAT_ALIASES, parse_convention_status, parse_vat_status
    from beancount_hn.core.config import normalize_word

    for aliases in (_CONVENTION_ALIASES, _VAT_ALIASES):
        assert all(normalize_word(key) == key for key in aliases)
    assert parse_convention_status("Hors nomenclature", "here") == parse_convention_status("hn", "here")
    assert parse_vat_status("Exonéré", "here") == parse_vat_status("exoneree", "here") == "exoneree"


# --- pad entries ------------------------------------------------------------------------------
# Beancount writes a pad's transaction after the plugins: the chain classifies the receipts it
# will make from the pad itself, so bean-check refuses what hn check would.

PAD = """
2024-01-01 open Assets:Caisse EUR
2024-01-01 open Income:Honoraires EUR
2024-01-01 open Expenses:Divers EUR
2024-12-01 pad Assets:Caisse {source}
{meta}2024-12-31 balance Assets:Caisse 35.00 EUR
"""


@pytest.mark.parametrize("meta, message", [
    ("", "recette non classée sur Income:Honoraires"),
    ('  acte: "HN"\n', "pad depuis Income:Honoraires : il créerait des recettes imposables"),
])
def test_a_pad_from_fees_is_classified_at_its_line(meta, message):
    text = PAD.format(source="Income:Honoraires", meta=meta)
    error = only_error(errors_of(text))
    assert message in error.message
    assert error.source["lineno"] == line_of(text, "pad Assets:Caisse")
    assert isinstance(error.entry, data.Pad)  # bean-check prints the pad, not a made-up transaction


@pytest.mark.parametrize("source, meta", [
    ("Income:Honoraires", '  acte: "RAB 8"\n'),
    ("Income:Honoraires", '  acte: "HN"\n  tva: "exoneree"\n'),
    ("Expenses:Divers", ""),
])
def test_a_pad_of_exempt_fees_or_of_an_expense_passes(source, meta):
    assert not errors_of(PAD.format(source=source, meta=meta))
