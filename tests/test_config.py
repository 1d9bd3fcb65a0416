"""hn-option directives: typed, dated, errors at their line."""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount_hn.core.config import BaremeKm, ConfigError, load_config
from tests.ledgers import line_of, load

LEDGER = """
2024-09-01 custom "hn-option" "vat-regime" "franchise"
2024-09-01 custom "hn-option" "treasury" Assets:Banque:Courant
2024-09-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2024-09-01 custom "hn-option" "identity" "siret" "73282932000074"
2024-09-01 custom "hn-option" "practice-start" 2024-09-02
2025-01-01 custom "hn-option" "bareme-km" 2025 5 8200
2025-06-01 custom "hn-option" "treasury" Assets:Caisse
2026-01-01 custom "hn-option" "vat-regime" "Réel"
2026-01-01 custom "hn-option" "identity" "SIRET" "73282932000082"
"""


def config_of(text: str):
    entries, errors, _ = load(text, header=False, plugin=None)
    assert not errors
    return load_config(entries)


def test_later_options_override_from_their_date_on():
    config, errors = config_of(LEDGER)
    assert errors == []
    assert config.value("vat-regime", datetime.date(2025, 12, 31)) == "franchise"
    assert config.value("vat-regime", datetime.date(2026, 1, 1)) == "reel"
    assert config.value("vat-regime") == "reel"
    assert config.value("vat-regime", datetime.date(2024, 1, 1), "none") == "none"
    assert config.changes("vat-regime") == [(datetime.date(2024, 9, 1), "franchise"),
                                            (datetime.date(2026, 1, 1), "reel")]


def test_repeatable_and_keyed_options():
    config, _ = config_of(LEDGER)
    assert config.values("treasury", datetime.date(2025, 1, 1)) == ["Assets:Banque:Courant"]
    assert config.values("treasury") == ["Assets:Banque:Courant", "Assets:Caisse"]
    assert config.keyed("identity", datetime.date(2025, 1, 1)) == {"siret": "73282932000074"}
    assert config.keyed("identity") == {"siret": "73282932000082"}
    assert config.keyed("invoice-series") == {"F": "F-{year}-{seq:04d}"}
    assert config.keyed("bareme-km") == {2025: BaremeKm(2025, 5, Decimal("8200"))}
    assert config.value("practice-start") == datetime.date(2024, 9, 2)


BAD = """
2024-09-01 custom "hn-option" "vat-regim" "franchise"
2024-09-01 custom "hn-option" "vat-regime" "forfait"
2024-09-01 custom "hn-option" "treasury" "not an account"
2024-09-01 custom "hn-option" "practice-start" "2024-09-02"
2024-09-01 custom "hn-option" "invoice-series" "F" "F-{year}"
2024-09-01 custom "hn-option" "identity" "shoe-size" "42"
2024-09-01 custom "hn-option" "vat-warning-share" 1.5
2024-09-01 custom "hn-option" "warnings-as-errors" "yes"
2024-09-01 custom "hn-option" "bareme-km" 2025 5
2024-09-01 custom "hn-option" 42
"""


def test_unknown_names_and_malformed_values_are_errors_at_their_line():
    entries, errors, _ = load(BAD, header=False)
    assert all(isinstance(e, ConfigError) for e in errors)
    found = {e.source["lineno"]: e.message for e in errors}
    expect = {
        "vat-regim": 'hn-option inconnue "vat-regim"',
        '"forfait"': '"forfait" n\'est pas l\'une des valeurs franchise, reel',
        "not an account": "attendu un nom de compte",
        '"2024-09-02"': "attendu une date",
        '"F-{year}"': "modèle contenant {seq:0Nd}",
        "shoe-size": 'clé inconnue "shoe-size"',
        "1.5": "part entre 0 et 1",
        '"yes"': "attendu TRUE ou FALSE",
        "2025 5\n": "attendu une année, la puissance fiscale",
        '" 42': "sans nom d'option",
    }
    for needle, message in expect.items():
        needle = needle.rstrip("\n")
        lineno = line_of(BAD, needle, header=False)
        assert message in found.get(lineno, ""), (needle, found)
    assert len(errors) == len(expect)


def test_config_errors_are_reported_once_through_the_all_plugin():
    _, errors, _ = load('2024-09-01 custom "hn-option" "nope" "x"\n', header=False)
    assert [e.message.split(" ;")[0] for e in errors] == ['hn-option inconnue "nope"']
