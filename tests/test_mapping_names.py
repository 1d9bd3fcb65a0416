"""The default account-name table on the names practitioners write: accents, broad parents
(``Impots``, ``URSSAF``, ``Banque``, ``Assurances``, ``Honoraires``) over children the table does
not know, non-deductible segments, loan capital, personal cover, the car under other words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beancount_hn.core import mapping
from tests.ledgers import form_for, line_of, load


def line(name: str) -> str | None:
    """The default line of ``Expenses:<name>``; None when no row matches or the name is refused."""
    rule = mapping.default_line("expenses", name)
    return rule.line if rule is not None else None


@pytest.mark.parametrize("name, expected", [
    # income tax is never a BNC expense, whatever the spelling
    ("Impots:Prelevement-Source", "non-deductible"), ("Impots:Impot-Revenu", "non-deductible"),
    ("Impôts:Prélèvement-à-la-Source", "non-deductible"), ("Prelevement-Source", "non-deductible"),
    ("IR", "non-deductible"), ("Impots:Revenu", "non-deductible"),
    # a segment that says non-deductible is never deducted
    ("URSSAF:CSG-Non-Deductible", "non-deductible"), ("URSSAF:CSG-ND", "non-deductible"),
    ("Cotisations:URSSAF:CSG-Non-Deductible", "non-deductible"),
    ("Cotisations-Sociales:CSG-Non-Deductible", "non-deductible"), ("CSG-Non-Deductible", "non-deductible"),
    ("Telephone:Part-Non-Deductible", "non-deductible"), ("Telephone-ND", "non-deductible"),
    ("CSGNonDeductible", "non-deductible"), ("URSSAF:CRDS", "non-deductible"),
    # deductible CSG has its own line, BV
    ("URSSAF:CSG-Deductible", "BV"), ("CSG-Deductible", "BV"), ("CSG:Deductible", "BV"),
    # rétrocessions are AC, under Honoraires too
    ("Honoraires:Retrocedes", "AC"), ("Honoraires:Remplacant", "AC"), ("Honoraires:Retrocession", "AC"),
    ("Retrocession:Remplacant", "AC"), ("Honoraires:Comptable", "21"), ("Honoraires", "21"),
    # the car, accented or under other words, is the object: line 23
    ("Véhicule:Assurance", "23"), ("Véhicule:Entretien", "23"), ("Auto:Assurance", "23"),
    ("Moto:Assurance", "23"), ("Assurances:Auto", "23"), ("Vehicule:Assurance:MAAF", "23"),
    ("Vehicule:Credit-Bail", "23"), ("Vehicule:Emprunt:Interets", "23"),
    # accents are folded everywhere
    ("Téléphone", "27"),
    # ordinary refinements keep working
    ("Loyer:Cabinet", "BF"), ("Fournitures:Bureau", "27"), ("Assurance:RCP", "22"),
    ("Assurance:RCP:MACSF", "22"), ("Assurances", "22"), ("Impots:Taxe-Fonciere", "BS"), ("Impots", "BS"),
    ("URSSAF", "BT"), ("URSSAF:Cotisations", "BT"), ("CARPIMKO:Retraite", "BT"),
    # the sages-femmes' compulsory fund, as the kinés' (onssf.org, « La caisse de retraite des sages-femmes libérales »)
    ("Cotisations:CARCDSF", "BT"), ("CARCDSF", "BT"), ("CARCDSF:Retraite-Complementaire", "BT"),
    ("Cotisations:Retraite-Complementaire", "BT"), ("Banque", "BN"), ("Banque:Frais", "BN"),
    ("Banque:Interets", "BN"), ("Emprunt:Interets", "BN"), ("Interets-Emprunt", "BN"),
    ("Assurances:Prevoyance-Madelin", "BZ"), ("Madelin:Mutuelle", "BZ"),
    ("Prive:Assurance:Mutuelle", "non-deductible"),
])
def test_default_line_of_practitioner_names(name, expected):
    assert line(name) == expected


@pytest.mark.parametrize("name, word", [
    # a broad parent over a child it cannot place: the parent's line could be wrong
    ("Banque:Remboursement-Emprunt", "« Remboursement-Emprunt » n'est pas un sous-compte de « Banque »"),
    ("Banque:Emprunt", "« Emprunt » n'est pas un sous-compte de « Banque »"),
    ("Banque:Pret-Capital", "« Pret-Capital » n'est pas un sous-compte de « Banque »"),
    ("Honoraires:Julien-Roux", "« Julien-Roux » n'est pas un sous-compte de « Honoraires »"),
    ("Honoraires:Divers", "« Divers » n'est pas un sous-compte de « Honoraires »"),
    ("Impots:Taxe-Habitation", "« Taxe-Habitation » n'est pas un sous-compte de « Impots »"),
    ("URSSAF:CSG", "« CSG » n'est pas un sous-compte de « URSSAF »"),
    ("URSSAF:CSG-CRDS", "« CSG-CRDS » n'est pas un sous-compte de « URSSAF »"),
    ("Cotisations:URSSAF:Divers", "« Divers » n'est pas un sous-compte de « URSSAF »"),
    # personal health or prévoyance cover: BZ if Madelin, else not deductible
    ("Assurance:Mutuelle", "« Mutuelle » : une mutuelle ou une prévoyance"),
    ("Assurances:Prevoyance", "« Prevoyance » : une mutuelle ou une prévoyance"),
    ("Divers:Mutuelle", "« Mutuelle » : une mutuelle ou une prévoyance"),
    # the capital of a loan is not an expense, on line 23 neither
    ("Vehicule:Credit", "« Credit » : le remboursement du capital d'un emprunt"),
    ("Vehicule:Emprunt", "« Emprunt » : le remboursement du capital d'un emprunt"),
])
def test_names_the_table_cannot_place_are_refused(name, word):
    resolution = mapping.resolve("expenses", name)
    assert resolution is not None and resolution.line is None and line(name) is None
    assert resolution.refusal.startswith(word) and "ligne-2035:" in resolution.refusal


NAMES = """
2024-01-01 open Assets:Banque:Courant EUR
2024-01-01 open Equity:Exploitant:Apports EUR
2024-01-01 open Income:Honoraires EUR
  convention: "non-conventionne"
2024-01-01 open Expenses:Impots:Prelevement-Source EUR
2024-01-01 open Expenses:URSSAF:Cotisations EUR
2024-01-01 open Expenses:URSSAF:CSG-Deductible EUR
2024-01-01 open Expenses:URSSAF:CSG-Non-Deductible EUR
2024-01-01 open Expenses:Banque:Remboursement-Emprunt EUR
  ligne-2035: "non-deductible"
2024-01-01 open Expenses:Assurance:Mutuelle EUR
  ligne-2035: "non-deductible"
2024-01-01 open Expenses:Honoraires:Retrocedes EUR

2025-01-31 * "Patients" "Séances"
  Assets:Banque:Courant  10000.00 EUR
  Income:Honoraires
2025-02-15 * "DGFIP" "Prélèvement à la source"
  Expenses:Impots:Prelevement-Source  400.00 EUR
  Assets:Banque:Courant
2025-05-15 * "URSSAF" "Échéance mai"
  Expenses:URSSAF:Cotisations        500.00 EUR
  Expenses:URSSAF:CSG-Deductible     680.00 EUR
  Expenses:URSSAF:CSG-Non-Deductible 290.00 EUR
  Assets:Banque:Courant
2025-03-05 * "Banque" "Échéance prêt (capital)"
  Expenses:Banque:Remboursement-Emprunt  500.00 EUR
  Assets:Banque:Courant
2025-04-01 * "Mutuelle" "Mutuelle santé famille"
  Expenses:Assurance:Mutuelle  120.00 EUR
  Assets:Banque:Courant
2025-08-31 * "Julien Roux" "Rétrocession remplacement août"
  Expenses:Honoraires:Retrocedes  1500.00 EUR
  Assets:Banque:Courant
"""


def test_the_testers_names_give_the_right_2035():
    form = form_for(NAMES, 2025)
    assert not form.errors, [e.message for e in form.errors]
    expected = {"AC": "1500", "AD": "8500", "BS": "0", "BT": "500", "BK": "500", "BV": "680", "21": "0",
                "22": "0", "BN": "0", "BR": "1180", "CP": "7320", "DD": "8500"}
    assert {code: form.values[code] for code in expected} == {k: Decimal(v) for k, v in expected.items()}


def test_a_refused_name_is_an_error_at_its_open_and_stops_the_2035_at_its_first_use():
    text = NAMES.replace('Remboursement-Emprunt EUR\n  ligne-2035: "non-deductible"', "Remboursement-Emprunt EUR")
    [at_open] = [e for e in load(text)[1] if "Remboursement-Emprunt" in e.message]  # bean-check says it
    assert at_open.source["lineno"] == line_of(text, "open Expenses:Banque:Remboursement-Emprunt")
    assert "indiquez ligne-2035: sur son open" in at_open.message
    form = form_for(text, 2025, check=False)
    (error,) = form.unmapped_errors
    assert "Expenses:Banque:Remboursement-Emprunt n'a pas de ligne de la 2035" in error.message
    assert error.source["lineno"] == line_of(text, "Expenses:Banque:Remboursement-Emprunt  500.00 EUR")


ACCENTED_CAR = """
2024-01-01 open Assets:Banque:Courant EUR
2024-01-01 open Income:Honoraires EUR
  convention: "non-conventionne"
2024-01-01 open Expenses:Véhicule:Assurance EUR
2024-01-01 open Expenses:Véhicule:Entretien EUR
2024-01-01 open Expenses:Auto:Assurance EUR

2025-01-31 * "Patients" "Séances"
  Assets:Banque:Courant  10000.00 EUR
  Income:Honoraires
2025-02-01 * "MAAF" "Assurance voiture 2025"
  Expenses:Véhicule:Assurance   600.00 EUR
  Assets:Banque:Courant
2025-03-01 * "Norauto" "Vidange"
  Expenses:Véhicule:Entretien   200.00 EUR
  Assets:Banque:Courant
2025-03-02 * "MAAF" "Assurance moto"
  Expenses:Auto:Assurance   100.00 EUR
  Assets:Banque:Courant
2026-01-10 custom "hn-option" "bareme-km" 2025 5 8000
"""


def test_accented_and_everyday_car_names_are_covered_by_the_bareme():
    form = form_for(ACCENTED_CAR, 2025)
    assert form.values["BH"] == 0
    assert form.values["BJ"] == Decimal("4251")  # 8 000 km × 0,357 + 1 395, nothing on top
    assert form.values["BR"] == Decimal("4251")
