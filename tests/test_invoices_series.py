"""Invoice series declarations and patterns: malformed input, redeclarations, voided numbers."""

from __future__ import annotations

import pytest

from beancount_hn.invoicing.series import PatternError, compile_pattern
from tests.ledgers import INVOICE_ACCOUNTS as ACCOUNTS
from tests.ledgers import errors_of as check
from tests.ledgers import line_of, only_error, txn, txn_line


@pytest.mark.parametrize("pattern, number, parsed", [
    ("F-{year}-{seq:04d}", "F-2025-0042", (2025, 42)),
    ("F-{year}-{seq:04d}", "f-2025-42", (2025, 42)),  # recognised, then reported as miswritten
    ("{year}{seq:03d}", "2025007", (2025, 7)),
    ("N{seq}", "N12", (None, 12)),
    ("FA {{{year}}} {seq:d}", "FA {2025} 3", (2025, 3)),
])
def test_patterns_parse_numbers(pattern, number, parsed):
    regex, has_year = compile_pattern(pattern)
    match = regex.fullmatch(number)
    assert match is not None
    assert (int(match.group("year")) if has_year else None, int(match.group("seq"))) == parsed


@pytest.mark.parametrize("pattern, message", [
    ("F-{year}", "n'a pas de champ {seq}"),
    ("F-{year}-{seq:04d}-{seq}", "{seq} apparaît deux fois"),
    ("F-{annee}-{seq:04d}", "champ {annee} inconnu"),
    ("F-{year}-{seq:x}", "{seq:x} n'est pas une largeur complétée de zéros"),
    ("F-{year:02d}-{seq}", "écrivez l'année {year}"),
    ("F-{year}-{seq!r}", "la conversion !r n'est pas permise"),
    ("F-{year-{seq}", "accolade littérale doublée"),
    ("F-{seq}}", "accolade littérale doublée"),
    (" F-{seq}", "commence ou finit par des espaces"),
    ("", "le modèle est vide"),
])
def test_malformed_patterns(pattern, message):
    with pytest.raises(PatternError, match=message.replace("{", r"\{").replace("}", r"\}")
                       .replace("!", r"\!").replace("(", r"\(")):
        compile_pattern(pattern)


def test_malformed_pattern_is_an_error_at_its_line():
    ledger = ACCOUNTS + '2025-01-01 custom "hn-option" "invoice-series" "G" "G-{annee}-{seq:03d}"\n'
    error = only_error(check(ledger))
    assert error.source["lineno"] == line_of(ledger, '"G-{annee}')
    assert 'invoice-series "G" : modèle' in error.message and "champ {annee} inconnu" in error.message


def test_pattern_without_seq_is_a_config_error():
    ledger = ACCOUNTS + '2025-01-01 custom "hn-option" "invoice-series" "G" "G-{year}"\n'
    error = only_error(check(ledger))
    assert error.source["lineno"] == line_of(ledger, '"G-{year}"')
    assert "{seq:0Nd}" in error.message


def test_series_declared_twice_the_same_day():
    ledger = (ACCOUNTS + '2025-01-01 custom "hn-option" "invoice-series" "F" "FA-{year}-{seq:04d}"\n'
              + txn("2025-03-01", "F-2025-0001"))
    error = only_error(check(ledger))
    assert error.source["lineno"] == line_of(ledger, '"FA-{year}')
    assert 'la série de factures "F" est déclarée deux fois le 01/01/2025 (la première en <string>:' in error.message
    assert "déclarez-la de nouveau à partir de la date où commence la nouvelle numérotation" in error.message


def test_same_declaration_repeated_later_changes_nothing():
    ledger = (ACCOUNTS + '2025-06-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"\n'
              + txn("2025-03-01", "F-2025-0001") + txn("2025-07-01", "F-2025-0002"))
    assert check(ledger) == []


def test_pattern_change_from_a_later_date():
    ledger = (ACCOUNTS + '2025-07-01 custom "hn-option" "invoice-series" "F" "NH{year}-{seq:03d}"\n'
              + txn("2025-03-01", "F-2025-0001") + txn("2025-06-30", "F-2025-0002")
              + txn("2025-07-01", "NH2025-001") + txn("2025-07-02", "NH2025-002"))
    assert check(ledger) == []
    late = ledger + txn("2025-07-03", "F-2025-0003")
    error = only_error(check(late))
    assert error.source["lineno"] == txn_line(late, "F-2025-0003")
    assert "en vigueur à partir du 01/01/2025, avant le 01/07/2025" in error.message
    assert "pas le 03/07/2025" in error.message


def test_two_series_with_one_pattern():
    ledger = ACCOUNTS + '2025-02-01 custom "hn-option" "invoice-series" "G" "F-{year}-{seq:04d}"\n'
    error = only_error(check(ledger))
    assert 'la série de factures "G" a le même modèle' in error.message and 'série "F"' in error.message


def test_overlapping_series_are_ambiguous():
    ledger = (ACCOUNTS + '2025-01-01 custom "hn-option" "invoice-series" "X" "{seq}"\n'
              '2025-01-01 custom "hn-option" "invoice-series" "Y" "{year}{seq:02d}"\n'
              + txn("2025-03-01", "202501"))
    messages = [e.message for e in check(ledger)]
    assert any("relève de plusieurs séries (X et Y)" in m for m in messages)


def test_premier_numero_starts_a_sequence_mid_way():
    ledger = (ACCOUNTS.replace('"F" "F-{year}-{seq:04d}"\n',
                               '"F" "F-{year}-{seq:04d}"\n  premier-numero: "F-2025-0042"\n')
              + txn("2025-03-01", "F-2025-0042") + txn("2025-03-02", "F-2025-0043")
              + txn("2026-01-02", "F-2026-0002"))
    error = only_error(check(ledger))  # 2026 starts at 1 again
    assert "il manque F-2026-0001" in error.message


def test_bad_premier_numero():
    ledger = ACCOUNTS.replace('"F" "F-{year}-{seq:04d}"\n',
                              '"F" "F-{year}-{seq:04d}"\n  premier-numero: "F-42"\n')
    error = only_error(check(ledger))
    assert 'premier-numero: "F-42" n\'est pas un numéro du modèle' in error.message


def test_malformed_and_repeated_voided_numbers():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001")
              + '2025-03-02 custom "hn-facture-annulee" "F-2025-0002" "erreur"\n'
              + '2025-03-03 custom "hn-facture-annulee" "F-2025-0002" "erreur encore"\n'
              + '2025-03-04 custom "hn-facture-annulee" "F-2025-0003"\n'
              + '2025-03-05 custom "hn-facture-annulee" "Z-12" "inconnu"\n')
    errors = sorted(check(ledger), key=lambda e: e.source["lineno"])
    assert [e.source["lineno"] for e in errors] == [
        line_of(ledger, '"erreur encore"'), line_of(ledger, '"F-2025-0003"'), line_of(ledger, '"Z-12"')]
    assert "F-2025-0002 est déjà déclaré annulé en <string>:" in errors[0].message
    assert "attend le numéro annulé et le motif" in errors[1].message
    assert 'le numéro annulé "Z-12" ne correspond à aucune série de factures déclarée' in errors[2].message


def test_voided_number_in_a_gap_after_the_last_invoice_is_fine():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001")
              + '2025-12-31 custom "hn-facture-annulee" "F-2025-0002" "dernière note annulée"\n')
    assert check(ledger) == []
