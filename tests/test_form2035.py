"""The 2035 of a year from a hand-computed ledger: every line, totals, social split, reconciliation."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from beancount_hn.tax.form2035 import totals
from tests.ledgers import form_for, line_of

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:CPAM
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Assets:Immobilisations:Table
2024-01-01 open Liabilities:Fournisseurs
2024-01-01 open Liabilities:Emprunt
2024-01-01 open Equity:Exploitant
2024-01-01 open Income:Honoraires:Conventionnes
  convention: "conventionne"
2024-01-01 open Income:Honoraires:Depassements
  convention: "depassement"
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2024-01-01 open Income:Interets
2024-01-01 open Income:Gains-Divers
2024-01-01 open Expenses:Retrocessions
2024-01-01 open Expenses:Debours
2024-01-01 open Expenses:Achats
2024-01-01 open Expenses:Impots:CFE
2024-01-01 open Expenses:CSG:Deductible
2024-01-01 open Expenses:CSG:NonDeductible
2024-01-01 open Expenses:Loyer
2024-01-01 open Expenses:Redevances-Collaboration
2024-01-01 open Expenses:Entretien
2024-01-01 open Expenses:Assurances
2024-01-01 open Expenses:Deplacements
2024-01-01 open Expenses:Cotisations:URSSAF
2024-01-01 open Expenses:Cotisations:Madelin
2024-01-01 open Expenses:Telephone
  part-privee: 0.4
2024-01-01 open Expenses:Cotisations:Ordre
2024-01-01 open Expenses:Frais-Bancaires
2024-01-01 open Expenses:Frais-Financiers
"""

YEAR = """
2024-12-15 * "M. Martin" "Bilan postural" ^F-2024-0050
  Assets:Creances:Patients              50.00 EUR
  Income:Honoraires:HN
2025-01-08 * "M. Martin" "Règlement F-2024-0050" ^F-2024-0050
  Assets:Banque                         50.00 EUR
  Assets:Creances:Patients
2025-01-10 * "CPAM" "Lot FSE 1" ^FSE-1
  Assets:Creances:CPAM                5000.00 EUR
  Income:Honoraires:Conventionnes
2025-01-12 * "CPAM" "Lot FSE 2" ^FSE-2
  Assets:Creances:CPAM                3000.00 EUR
  Income:Honoraires:Conventionnes
2025-01-31 * "CPAM" "Virement groupé" ^FSE-1 ^FSE-2
  Assets:Banque                       8000.00 EUR
  Assets:Creances:CPAM
2025-02-03 * "Mme Dupont" "Pilates individuel"
  Assets:Banque                         80.00 EUR
  Income:Honoraires:HN
2025-02-04 * "M. Durand" "DE séance à domicile le dimanche"
  Assets:Caisse                         20.00 EUR
  Income:Honoraires:Depassements
2025-03-01 * "Mme Petit" "Forfait 5 séances de préparation physique" ^F-2025-0010
  Assets:Creances:Patients             100.00 EUR
  Income:Honoraires:HN
2025-03-10 * "Mme Petit" "Acompte F-2025-0010" ^F-2025-0010
  Assets:Banque                         40.00 EUR
  Assets:Creances:Patients
2025-03-15 * "Kiné-Matériel" "Table de massage électrique"
  Assets:Immobilisations:Table        2400.00 EUR
    amortissement: "lineaire 5"
  Assets:Banque
2025-03-31 * "Banque" "Intérêts"
  Assets:Banque                         12.34 EUR
  Income:Interets
2025-04-01 * "Assureur" "Indemnité sinistre"
  Assets:Banque                         45.00 EUR
  Income:Gains-Divers
2025-04-01 * "Fournisseur" "Consommables"
  Expenses:Achats                      120.00 EUR
  Liabilities:Fournisseurs
2025-04-15 * "Fournisseur" "Règlement consommables"
  Liabilities:Fournisseurs             120.00 EUR
  Assets:Banque
2025-04-20 * "Remplaçant" "Rétrocession"
  Expenses:Retrocessions               200.00 EUR
  Assets:Banque
2025-04-21 * "Pharmacie" "Débours"
  Expenses:Debours                      25.00 EUR
  Assets:Banque
2025-05-01 * "SCI" "Loyer mai"
  Expenses:Loyer                       700.00 EUR
  Assets:Banque
2025-05-02 * "Titulaire" "Redevance de collaboration"
  Expenses:Redevances-Collaboration    300.00 EUR
  Assets:Banque
2025-05-03 * "Réparateur" "Entretien"
  Expenses:Entretien                    90.00 EUR
  Assets:Banque
2025-05-04 * "MACSF" "RCP"
  Expenses:Assurances                  250.00 EUR
  Assets:Banque
2025-05-05 * "URSSAF" "Cotisations"
  Expenses:Cotisations:URSSAF         1000.00 EUR
    part-non-deductible: 0.1
  Assets:Banque
2025-05-06 * "Assureur" "Madelin"
  Expenses:Cotisations:Madelin         400.00 EUR
  Assets:Banque
2025-05-07 * "Orange" "Téléphone"
  Expenses:Telephone                    50.00 EUR
  Assets:Banque
2025-05-08 * "Ordre MK" "Cotisation"
  Expenses:Cotisations:Ordre           300.00 EUR
  Assets:Banque
2025-05-09 * "Banque" "Frais"
  Expenses:Frais-Bancaires              15.66 EUR
  Assets:Banque
2025-05-10 * "URSSAF" "CSG-CRDS"
  Expenses:CSG:Deductible              680.00 EUR
  Expenses:CSG:NonDeductible           290.00 EUR
  Assets:Banque
2025-05-11 * "Banque" "Échéance d'emprunt"
  Liabilities:Emprunt                  400.00 EUR
  Expenses:Frais-Financiers             25.00 EUR
  Assets:Banque
2025-05-12 * "Trésor public" "CFE"
  Expenses:Impots:CFE                  310.00 EUR
  Assets:Banque
2025-06-01 * "Prélèvement personnel"
  Equity:Exploitant                   1500.00 EUR
  Assets:Banque
2025-06-02 * "Retrait pour la caisse"
  Assets:Caisse                        100.00 EUR
  Assets:Banque
2025-06-03 * "SNCF" "Train payé avec la carte personnelle"
  Expenses:Deplacements                 30.00 EUR
  Equity:Exploitant
2025-12-20 * "Mme Leroy" "Bilan sportif" ^F-2025-0100
  Assets:Creances:Patients              60.00 EUR
  Income:Honoraires:HN
2026-01-05 * "Mme Leroy" "Règlement F-2025-0100" ^F-2025-0100
  Assets:Banque                         60.00 EUR
  Assets:Creances:Patients
"""


def compute(text: str, year: int = 2025, accounts: str = ACCOUNTS):
    return form_for(accounts + textwrap.dedent(text), year)


@pytest.fixture(scope="module")
def form():
    return compute(YEAR)


EXPECTED = {
    # recettes: CPAM 8000 (grouped transfer of two FSE lots) + HN 80 + DE 20 + invoice of
    # December 2024 paid in January 50 + partial payment 40 (the December 2025 invoice is paid in 2026)
    "AA": "8190.00", "AB": "25.00", "AC": "200.00", "AD": "7965.00", "AE": "12.34", "AF": "45.00",
    "AG": "8022.34",
    "BA": "120.00", "BB": "0", "BC": "0", "BD": "0", "JY": "310.00", "BS": "0", "BV": "680.00",
    "BF": "700.00", "BG": "300.00", "BW": "300.00", "BH": "340.00", "17": "90.00", "22": "250.00",
    "BJ": "30.00", "24": "30.00", "BK": "1400.00", "BT": "1000.00", "BZ": "400.00", "BU": "0",
    "BM": "350.00", "27": "50.00", "29": "300.00", "BY": "300.00", "BN": "40.66", "BP": "0",
    "BR": "4270.66",
    "CA": "3751.68", "CB": "0", "CC": "120.00", "CD": "0", "CE": "3871.68", "CF": "0", "CG": "0",
    "CH": "381.33", "CK": "0", "CL": "0", "CM": "0", "CN": "381.33", "CP": "3490.35", "CR": "0",
    # revenu brut social = CE − CN + BK + BV − DB = 3871.68 − 381.33 + 1400 + 680 − 100: the
    # non-deductible 10 % of the URSSAF payment, added back on CC, is in BK too: DB takes it out once
    "DE": "0", "DB": "100.00", "DD": "5470.35", "DC": "0",
}


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_every_line(form, code):
    assert form.values[code] == Decimal(EXPECTED[code])


def test_whole_euros_totals_are_sums_of_rounded_boxes(form):
    assert form.euros["BN"] == 41 and form.euros["AE"] == 12
    assert form.euros["BR"] == 120 + 310 + 680 + 700 + 300 + 340 + 30 + 1400 + 350 + 41 == 4271
    assert form.euros["AG"] == 8022 and form.euros["CA"] == 8022 - 4271
    assert form.euros["CP"] == 3751 + 120 - 381 == 3490


def test_social_split(form):
    social = form.social
    assert social.total == Decimal("8190.00")
    assert social.conventionne == Decimal("8000.00")
    assert social.depassement == Decimal("20.00")
    assert social.non_conventionne == Decimal("170.00")
    assert social.ratio == Decimal("0.98")  # DSAV ÷ DSCS = 8020 ÷ 8190, a ratio with two decimals
    assert social.boxes()["DSAV"] == Decimal("8020.00")  # dépassements included


def test_reconciliation_closes_to_the_cent(form):
    rec = form.reconciliation
    assert rec.closed and rec.difference == 0
    assert rec.receipts == Decimal("8190.00") + Decimal("12.34") + Decimal("45.00")
    assert rec.neutral["Assets:Immobilisations:Table"] == Decimal("-2400.00")
    assert rec.neutral["Equity:Exploitant"] == Decimal("-1500.00")
    assert rec.neutral["Liabilities:Emprunt"] == Decimal("-400.00")
    assert rec.non_deductible["Expenses:CSG:NonDeductible"] == Decimal("-290.00")
    assert rec.personal_funds == Decimal("30.00")  # the train ticket paid with personal money
    assert rec.treasury == rec.explained


def test_explain_lists_postings_with_file_and_line(form):
    items = form.explain("CC")
    assert sorted(c.amount for c in items) == [Decimal("20.00"), Decimal("100.00")]
    phone = next(c for c in items if c.account == "Expenses:Telephone")
    text = ACCOUNTS + textwrap.dedent(YEAR)
    assert phone.meta["lineno"] == line_of(text, "Expenses:Telephone                    50.00 EUR")
    cpam = form.explain("AA")
    lots = [c for c in cpam if c.account == "Income:Honoraires:Conventionnes"]
    assert sorted(c.amount for c in lots) == [Decimal("3000.00"), Decimal("5000.00")]
    assert all(c.paid_by["lineno"] == line_of(text, "Virement groupé") for c in lots)
    assert {c.code for c in form.explain("BM")} == {"27", "29"}
    assert sum(c.amount for c in form.explain("BR")) == Decimal("4270.66")


def test_following_year_gets_the_december_invoice(form):
    next_year = compute(YEAR, 2026)
    assert next_year.values["AA"] == Decimal("60.00")
    assert next_year.values["CH"] == Decimal("480.00")
    assert next_year.reconciliation.closed


CASH = """
2025-01-31 * "CPAM" "Virement"
  Assets:Banque                     800.00 EUR
  Income:Honoraires:Conventionnes
2025-03-10 * "Mme Petit" "Acompte"
  Assets:Banque                      40.00 EUR
  Income:Honoraires:HN
2025-04-15 * "Fournisseur" "Consommables"
  Expenses:Achats                   120.00 EUR
  Assets:Banque
"""
ACCRUAL = """
2025-01-10 * "CPAM" "Lot FSE 1" ^FSE-1
  Assets:Creances:CPAM              500.00 EUR
  Income:Honoraires:Conventionnes
2025-01-12 * "CPAM" "Lot FSE 2" ^FSE-2
  Assets:Creances:CPAM              300.00 EUR
  Income:Honoraires:Conventionnes
2025-01-31 * "CPAM" "Virement groupé"
  Assets:Banque                     800.00 EUR
  Assets:Creances:CPAM
2025-03-01 * "Mme Petit" "Forfait" ^F-2025-0010
  Assets:Creances:Patients          100.00 EUR
  Income:Honoraires:HN
2025-03-10 * "Mme Petit" "Acompte" ^F-2025-0010
  Assets:Banque                      40.00 EUR
  Assets:Creances:Patients
2025-04-01 * "Fournisseur" "Facture consommables"
  Expenses:Achats                   120.00 EUR
  Liabilities:Fournisseurs
2025-04-15 * "Fournisseur" "Règlement"
  Liabilities:Fournisseurs          120.00 EUR
  Assets:Banque
"""


def test_cash_and_accrual_styles_give_the_same_form():
    cash, accrual = compute(CASH), compute(ACCRUAL)
    assert cash.values == accrual.values
    assert cash.values["AA"] == Decimal("840.00") and cash.values["BA"] == Decimal("120.00")
    assert cash.social.boxes() == accrual.social.boxes()
    assert cash.reconciliation.closed and accrual.reconciliation.closed


def test_payment_settling_nothing_is_unexplained_and_opens_the_reconciliation():
    result = compute("""
    2025-02-01 * "Inconnu" "Virement sans facture"
      Assets:Banque                 75.00 EUR
      Assets:Creances:Patients
    2025-02-02 * "Mme A" "Facture sans paiement"
      Assets:Creances:Patients       1.00 EUR
      Income:Honoraires:HN
    """)
    rec = result.reconciliation
    assert not rec.closed
    assert sum(rec.unexplained.values()) != 0
    assert any("ne règle rien d'ouvert" in e.message for e in result.errors)


def test_unmapped_account_is_an_error_naming_it_and_its_first_posting():
    accounts = ACCOUNTS + "2024-01-01 open Expenses:Bizarre\n"
    text = """
    2025-02-01 * "Quelque chose"
      Expenses:Bizarre    10.00 EUR
      Assets:Banque
    2025-03-01 * "Encore"
      Expenses:Bizarre    15.00 EUR
      Assets:Banque
    """
    result = compute(text, accounts=accounts)
    [error] = [e for e in result.errors if "n'a pas de ligne de la 2035" in e.message]
    full = accounts + textwrap.dedent(text)
    assert "Expenses:Bizarre" in error.message
    assert error.source["lineno"] == line_of(full, "Bizarre    10.00")
    assert not result.reconciliation.closed
    assert result.reconciliation.unmapped["Expenses:Bizarre"] == Decimal("-25.00")


def test_unmapped_account_unused_in_the_year_is_fine():
    accounts = ACCOUNTS + "2024-01-01 open Expenses:Bizarre\n"
    result = compute("""
    2024-02-01 * "Quelque chose"
      Expenses:Bizarre    10.00 EUR
      Assets:Banque
    """, accounts=accounts)
    assert result.reconciliation.closed and not result.errors


def test_private_share_on_the_posting_beats_the_account():
    result = compute("""
    2025-05-07 * "Orange" "Téléphone"
      Expenses:Telephone   100.00 EUR
        part-privee: 0.25
      Assets:Banque
    """)
    assert result.values["27"] == Decimal("100.00")
    assert result.values["CC"] == Decimal("25.00")


def test_disposal_feeds_cb_or_ck():
    table = """
    2025-01-01 * "Table"
      Assets:Immobilisations:Table   1000.00 EUR
        amortissement: "lineaire 5"
      Assets:Banque
    """
    gain = compute(table + """
    2026-06-30 * "Vente"
      Assets:Banque                  950.00 EUR
      Assets:Immobilisations:Table  -950.00 EUR
        cession: TRUE
    """, 2026)
    # 2026 dotation 100 (180 days); cumulated 300; VNC 700; gain 250, short term (< 2 years).
    assert gain.values["CH"] == Decimal("100.00")
    assert (gain.values["CB"], gain.values["CK"]) == (Decimal("250.00"), Decimal(0))
    assert gain.reconciliation.neutral["Assets:Immobilisations:Table"] == Decimal("950.00")
    assert gain.reconciliation.closed
    loss = compute(table + """
    2026-06-30 * "Vente"
      Assets:Banque                  500.00 EUR
      Assets:Immobilisations:Table  -500.00 EUR
        cession: TRUE
    """, 2026)
    assert (loss.values["CB"], loss.values["CK"]) == (Decimal(0), Decimal("200.00"))
    assert [c.kind for c in loss.explain("CK")] == ["disposal"]


def test_cadre8_only_from_2025_revenue():
    old = compute(YEAR, 2024)
    assert "DD" not in old.values and "DD" in compute(YEAR, 2025).values


def test_totals_formulas_deficit():
    boxes = {"AA": Decimal(100), "BA": Decimal(300), "CH": Decimal(50), "BK": Decimal(40)}
    result = totals(boxes, 2025)
    assert result["BR"] == 340  # BA + BK
    assert result["CF"] == 240 and result["CA"] == 0
    assert result["CN"] == 290 and result["CR"] == 290 and result["CP"] == 0
    assert result["DC"] == 250 and result["DD"] == 0  # CE − CN + BK = −290 + 40


def test_books_begun_in_july_for_an_older_practice_are_not_a_year(tmp_path):
    """Tester's report: a ledger begun on 1 July for a practice open since 2019 filed July to
    December as the year's 2035, exit 0."""
    text = '''
2019-03-01 custom "hn-option" "practice-start" 2019-03-01
2025-07-01 custom "hn-option" "treasury" Assets:Banque
2025-07-01 open Assets:Banque
2025-07-01 open Income:Honoraires:HN
  convention: "non-conventionne"
  tva: "exoneree"
2025-09-02 * "Séance"
  Assets:Banque  60.00 EUR
  Income:Honoraires:HN  -60.00 EUR
'''
    form = form_for(text, 2025, check=False, header=False)
    assert [e.message for e in form.errors if "le livre commence le 1er juillet 2025" in e.message]
    assert "Reprenez les opérations du 1er janvier au 30 juin 2025" in form.errors[0].message
    # The next year, and a practice that opens with its books, are whole years.
    assert not form_for(text, 2026, check=False, header=False).errors
    opening = text.replace("2019-03-01 custom", "2025-07-01 custom").replace(
        '"practice-start" 2019-03-01', '"practice-start" 2025-07-01')
    assert not form_for(opening, 2025, check=False, header=False).errors
