"""The practitioner's identity (hn-option identity) and French typography of documents."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from beancount_hn.core import frtypo
from beancount_hn.core.identity import (IdentityError, has_ei_mention, iban_problem, luhn_valid, read_identity,
                                        require_identity, siren_problem, siret_problem)
from beancount_hn.core.ledger import LedgerIndex
from tests.ledgers import line_of, load, loaded
from tests.notes_helpers import IDENTITY


def _luhn_key(digits: str) -> str:
    """The digit that completes ``digits`` into a Luhn-valid number."""
    return next(str(d) for d in range(10) if luhn_valid(digits + str(d)))


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_any_siren_with_its_luhn_key_is_accepted_and_a_changed_digit_is_not(body):
    siren = body + _luhn_key(body)
    assert siren_problem(siren) is None
    wrong = siren[:-1] + str((int(siren[-1]) + 1) % 10)
    assert "clé de contrôle" in siren_problem(wrong)


def test_siret_checks():
    assert siret_problem("73282932000074") is None
    assert siret_problem("732 829 320 00074") is None  # spaces as printed on an avis de situation
    assert "14 chiffres" in siret_problem("7328293200007")
    assert "clé de contrôle" in siret_problem("73282932000075")
    # La Poste's establishments do not follow Luhn: their digits add up to a multiple of 5.
    assert siret_problem("35600000000001") is None
    assert "clé de contrôle" in siret_problem("35600000000002")


def test_iban_check():
    assert iban_problem("FR76 3000 6000 0112 3456 7890 189") is None
    assert "modulo 97" in iban_problem("FR7630006000011234567890188")


@pytest.mark.parametrize("name, has", [
    ("Camille Martin", False), ("Camille Martin EI", True), ("Camille Martin (E.I.)", True),
    ("Camille Martin, Entrepreneur individuel", True), ("Eileen Martin", False), ("Martin-Ei", False),
    ("Camille Martin ei", False),
])
def test_ei_mention(name, has):
    assert has_ei_mention(name) is has


def test_identity_adds_ei_and_derives_siren():
    _, index = loaded(IDENTITY)
    identity = read_identity(index.config)
    assert identity.display_name == "Camille Martin EI"
    assert identity.siren == "732829320"
    assert identity.profession == "Masseur-kinésithérapeute"
    assert identity.address_lines == ["12 rue des Lilas", "69003 Lyon"]


def test_malformed_identity_values_are_errors_at_their_lines():
    text = IDENTITY + """\
2024-06-01 custom "hn-option" "identity" "siret" "73282932000075"
2024-06-01 custom "hn-option" "identity" "rpps" "1010123456"
"""
    entries, errors, _ = load(text)
    found = {(e.source["lineno"], e.message) for e in errors}
    assert (line_of(text, '"siret" "73282932000075"'),
            'hn-option identity : SIRET "73282932000075" : la clé'
            " de contrôle (Luhn) est fausse ; "
            "recopiez-le de votre avis de situation INSEE") in found
    assert (line_of(text, '"rpps" "1010123456"'), "hn-option identity : RPPS \"1010123456\" : il faut 11 chiffres") in found
    assert len(errors) == 2


def test_a_siren_that_does_not_begin_the_siret_is_an_error():
    text = IDENTITY + '2024-06-01 custom "hn-option" "identity" "siren" "552100554"\n'
    entries, errors, _ = load(text)
    [error] = errors
    assert error.source["lineno"] == line_of(text, '"siren" "552100554"')
    assert error.message == ("hn-option identity : SIRET \"73282932000074\" : ne commence pas par le SIREN "
                             '"552100554" ; l\'un des deux est faux')


def test_missing_identity_fields_name_the_options_to_add():
    text = """\
2024-01-01 custom "hn-option" "identity" "nom" "Camille Martin"
2024-01-01 custom "hn-option" "identity" "ville" "Lyon"
"""
    entries, errors, options = load(text)
    config = LedgerIndex.build(entries, options).config
    with pytest.raises(IdentityError) as raised:
        require_identity(config, datetime.date(2025, 3, 4), purpose="Note d'honoraires F-2025-0001")
    message = str(raised.value)
    assert message.startswith("Note d'honoraires F-2025-0001 demande l'identité du praticien")
    for key in ("adresse", "code-postal", "siret", "rpps"):
        assert f'2025-03-04 custom "hn-option" "identity" "{key}"' in message
    # The profession is the profession option's, the kiné's when none is written (tester's report).
    assert '"nom"' not in message and '"ville"' not in message and '"profession"' not in message
    assert read_identity(config, datetime.date(2025, 3, 4)).profession == "Masseur-kinésithérapeute"


def test_identity_in_force_on_the_document_date():
    text = IDENTITY + '2025-06-01 custom "hn-option" "identity" "adresse" "3 place Bellecour"\n'
    entries, _, options = load(text)
    config = LedgerIndex.build(entries, options).config
    assert require_identity(config, datetime.date(2025, 5, 31)).get("adresse") == "12 rue des Lilas"
    assert require_identity(config, datetime.date(2025, 6, 1)).get("adresse") == "3 place Bellecour"


def test_french_typography():
    nnbsp, nbsp = "\u202f", "\u00a0"
    assert frtypo.money(Decimal("1234.5")) == f"1{nnbsp}234,50{nbsp}€"
    assert frtypo.money(Decimal("-20")) == f"-20,00{nbsp}€"
    assert frtypo.date(datetime.date(2025, 3, 4)) == "4 mars 2025"
    assert frtypo.date(datetime.date(2025, 8, 1)) == "1er août 2025"
    assert frtypo.typo("Total : 80 € ; payé ! Vraiment ?") == f"Total{nnbsp}: 80{nbsp}€{nnbsp}; payé{nnbsp}! Vraiment{nnbsp}?"
    assert frtypo.typo("« lu et approuvé »") == f"«{nnbsp}lu et approuvé{nnbsp}»"
    assert frtypo.typo("RDV à 10:30, http://example.org") == "RDV à 10:30, http://example.org"
    assert frtypo.duration(Decimal(45)) == f"45{nbsp}min"
    assert frtypo.duration(Decimal(90)) == f"1{nbsp}h{nbsp}30"
    assert frtypo.duration(" 1 h  30") == f"1{nbsp}h{nbsp}30"


def test_babel_formatting_rounds_half_up_and_never_prints_minus_zero():
    nnbsp, nbsp = "\u202f", "\u00a0"
    assert frtypo.money(Decimal("2.665")) == f"2,67{nbsp}€"  # Babel alone rounds half to even
    assert frtypo.money(Decimal("-0.004")) == f"0,00{nbsp}€"
    assert frtypo.money(Decimal("110400.89"), places=0) == f"110{nnbsp}401{nbsp}€"
    assert frtypo.number(Decimal("-1234567.005")) == f"-1{nnbsp}234{nnbsp}567,01"
    assert frtypo.percent(Decimal("5.5")) == f"5,5{nbsp}%"
    assert frtypo.percent(Decimal("20")) == frtypo.typo("20 %") == f"20{nbsp}%"
    assert frtypo.short_date(datetime.date(2025, 3, 15)) == "15/03/2025"


@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2))
def test_money_reads_back_to_the_amount(value):
    text = frtypo.money(value)
    assert text.endswith("\u00a0€")
    assert Decimal(text[:-2].replace("\u202f", "").replace(",", ".")) == value
