"""PCG account numbers for the FEC, payment modes, and the pseudonymisation of patients."""

from __future__ import annotations

import pytest

from beancount_hn.core.payment_modes import parse_mode
from beancount_hn.exports import ExportError
from beancount_hn.exports.accounts_pcg import ChartOfAccounts, default_rules
from beancount_hn.exports.counterparties import is_known_organisation
from beancount_hn.exports.pseudonymise import AMBIGUOUS, Pseudonymiser
from beancount_hn.tax.lines2035 import mappable_codes
from tests.exports_ledger import SMALL, load_small
from tests.ledgers import line_of

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Assets:Immobilisations:Vehicule
2024-01-01 open Assets:Immobilisations:Table
2024-01-01 open Assets:Depots
2024-01-01 open Liabilities:Emprunt
2024-01-01 open Liabilities:Fournisseurs
2024-01-01 open Liabilities:Dettes:Fournisseurs
2024-01-01 open Liabilities:Dettes:Sociales:URSSAF
2024-01-01 open Equity:Exploitant
2024-01-01 open Equity:Opening-Balances
2024-01-01 open Income:Honoraires
2024-01-01 open Income:Interets
2024-01-01 open Income:Sous-Location
  ligne-2035: "AF"
2024-01-01 open Expenses:Loyer
2024-01-01 open Expenses:Frais-Bancaires
2024-01-01 open Expenses:Interets
2024-01-01 open Expenses:Cotisations:URSSAF
2024-01-01 open Expenses:CSG:Deductible
2024-01-01 open Expenses:CSG:Non-Deductible
2024-01-01 open Expenses:Vehicule:Carburant
2024-01-01 open Expenses:Telephone
2024-01-01 open Expenses:Cabinet
  ligne-2035: "BF"
2024-01-01 open Expenses:Bizarre
  ligne-2035: "BX"
"""


def chart() -> ChartOfAccounts:
    entries, index = load_small(ACCOUNTS, check=False)  # Expenses:Bizarre is an error of the ledger
    return ChartOfAccounts(index, entries)


@pytest.mark.parametrize("account, number", [
    ("Assets:Banque", "512"), ("Assets:Caisse", "531"), ("Assets:Creances:Patients", "411"),
    ("Assets:Immobilisations:Vehicule", "2182"), ("Assets:Immobilisations:Table", "2154"),
    ("Assets:Depots", "275"), ("Liabilities:Emprunt", "164"), ("Liabilities:Fournisseurs", "401"),
    # the example ledger's own names: a debt under the broad « Dettes » parent
    ("Liabilities:Dettes:Fournisseurs", "401"), ("Liabilities:Dettes:Sociales:URSSAF", "431"),
    ("Equity:Exploitant", "108"), ("Equity:Opening-Balances", "101"),
    ("Income:Honoraires", "706"), ("Income:Interets", "768"), ("Income:Sous-Location", "758"),
    ("Expenses:Loyer", "6132"), ("Expenses:Cabinet", "6132"), ("Expenses:Frais-Bancaires", "627"),
    ("Expenses:Interets", "661"), ("Expenses:Cotisations:URSSAF", "6461"),
    ("Expenses:CSG:Deductible", "6468"), ("Expenses:CSG:Non-Deductible", "1081"),
    ("Expenses:Vehicule:Carburant", "6251"), ("Expenses:Telephone", "626"),
])
def test_default_numbers_follow_the_2035_line_and_the_name(account, number):
    assert chart().lookup(account).number == number


def test_every_mappable_2035_line_has_a_default_number():
    for root in ("income", "expenses"):
        for code in sorted(mappable_codes()) + ["non-deductible", "neutre"]:
            assert any(rule.matches(root, code, "Quelconque") for rule in default_rules()), (root, code)
    for rule in default_rules():
        assert rule.number[:3].isdigit(), rule
    labels: dict[str, str] = {}
    for rule in default_rules():  # one label per number across the table
        assert labels.setdefault(rule.number, rule.label) == rule.label, rule


def test_invalid_line_value_gives_no_number_and_a_clear_error():
    text = ACCOUNTS
    entries, index = load_small(text, check=False)
    with pytest.raises(ExportError) as error:
        ChartOfAccounts(index, entries).resolve(["Expenses:Bizarre", "Expenses:Loyer"])
    assert f"<string>:{line_of(text, 'open Expenses:Bizarre')}: Expenses:Bizarre n'a pas de numéro de compte " \
           "du PCG (il n'a pas de ligne de la 2035 valable" in str(error.value)


def test_one_label_per_number():
    numbers = chart().resolve(["Expenses:Loyer", "Expenses:Cabinet", "Income:Honoraires"])
    assert numbers["Expenses:Loyer"].label == numbers["Expenses:Cabinet"].label == "Loyers et charges locatives"


@pytest.mark.parametrize("written, mode", [
    ("CB", "carte"), ("chèque", "cheque"), ("Virement", "virement"), ("espèces", "especes"),
    ("PRLV", "prelevement"), ("bitcoin", None),
])
def test_payment_modes(written, mode):
    assert parse_mode(written) == mode


# --- pseudonyms ---------------------------------------------------------------------------


@pytest.mark.parametrize("payee, organisation", [
    ("CPAM du Rhône", True), ("Harmonie Mutuelle", True), ("Almerys", True),
    # Known by exact name only: a legal form or an organisation's word does not make one.
    ("Cabinet Kiné SCM", False), ("Pilates Studio SARL", False), ("Lot FSE", False), ("Harmonie Durand", False),
    ("Mme Hélène Dupont", False), ("Jean-Pierre Martin", False),
])
def test_known_organisations(payee, organisation):
    assert is_known_organisation(payee) is organisation


def test_patients_are_numbered_in_order_of_appearance_and_companies_kept():
    text = SMALL + """
2025-10-01 * "Kiné Sport Conseil" "Atelier ergonomie"
  client-siren: "552100554"
  Assets:Banque    300.00 EUR
  Income:HN       -300.00 EUR
"""
    entries, index = load_small(text)
    pseudonymiser = Pseudonymiser.from_entries(entries, index)
    assert pseudonymiser.names == {"Mme Hélène Dupont": "Patient 0001", "M. Paul Lefèvre": "Patient 0002",
                                   "Mme Łucja Nowak": "Patient 0003"}
    assert pseudonymiser.text("VIR M DUPONT HELENE séance") == "VIR M Patient 0001 séance"
    assert pseudonymiser.text("Mme Dupont et Paul-Lefevre") == "Mme Patient 0001 et Patient 0002"
    assert pseudonymiser.text("Kiné Sport Conseil, Lucja") == "Kiné Sport Conseil, Patient 0003"
    # The same patients keep their pseudonyms when the ledger grows.
    more = Pseudonymiser.from_entries(load_small(text + """
2026-02-01 * "Mme Zoé Arnaud" "Séance"
  Assets:Banque   40.00 EUR
  Income:HN      -40.00 EUR
""")[0], index)
    assert more.names["Mme Hélène Dupont"] == "Patient 0001"
    assert more.names["Mme Zoé Arnaud"] == "Patient 0004"


def test_shared_surname_is_masked_without_pointing_at_one_patient():
    pseudonymiser = Pseudonymiser.for_names({"Mme Anne Martin": "Patient 0001", "M. Louis Martin": "Patient 0002"})
    assert pseudonymiser.text("Famille Martin") == f"Famille {AMBIGUOUS}"
    assert pseudonymiser.text("Anne Martin") == "Patient 0001"


def test_pseudonymised_entries_keep_amounts_and_structure():
    entries, index = load_small()
    pseudonymiser = Pseudonymiser.from_entries(entries, index)
    masked = pseudonymiser.entries(entries)
    assert len(masked) == len(entries)
    for before, after in zip(entries, masked, strict=True):
        assert type(before) is type(after)
        if hasattr(before, "postings"):
            assert [p.units for p in before.postings] == [p.units for p in after.postings]
            assert after.links == before.links
    payees = {e.payee for e in masked if getattr(e, "payee", None)}
    assert not any("Dupont" in p or "Lefèvre" in p or "Nowak" in p for p in payees)
