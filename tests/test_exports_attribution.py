"""Every file for the accountant books what the 2035 counted, on the line it counted it on.

Invariant (issue « files that agree with the 2035 »): for every 2035 code, the
livre-journal's rows booked to it plus the adjustments without money listed in
the bundle make the 2035's figure, to the cent; the FEC's class 6 and 7 lines,
read by their ``NatOp``, plus the adjustments the FEC does not carry, the same.
Checked on a barème year, a private-share year, non-deductible CSG, exchanges
without money, the example practice and generated ledgers.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.loading import load_ledger
from beancount_hn.exports import ExportError
from beancount_hn.exports.bundle import build_bundle
from beancount_hn.exports.fec import build_fec, render_fec
from beancount_hn.exports.livre_journal import build_livre_journal, render_adjustments_csv
from beancount_hn.tax import lines2035
from beancount_hn.tax.form2035 import BAREME, compute_2035
from tests.exports_ledger import ACCOUNTS, IDENTITY, SMALL
from tests.ledgers import EXAMPLE, load, loaded

ZERO = Decimal(0)


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ".")) if text else ZERO


def fec_by_line(entries, index, year, form) -> dict[str, Decimal]:
    """The FEC's class 6 and 7 lines per 2035 code (from NatOp), in each line's direction.

    Read from the rendered file: every 6/7 line must name a 2035 line."""
    content = render_fec(build_fec(entries, index, year, form=form)).content.decode("iso8859-15")
    records = content.rstrip("\r\n").split("\r\n")
    header = records[0].split("\t")
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for record in records[1:]:
        row = dict(zip(header, record.split("\t"), strict=True))
        if row["CompteNum"][0] not in "67":
            assert not row["NatOp"].startswith(("Recette", "Dépense")), row
            continue
        kind, code = row["NatOp"].split(" ", 1)
        assert kind in ("Recette", "Dépense"), f"class 6/7 line off the 2035: {row}"
        signed = _amount(row["Credit"]) - _amount(row["Debit"])
        sums[code] += signed if lines2035.line(code).sign == "credit" else -signed
    return sums


def assert_exports_agree(entries, index, year):
    """The invariant, from the files' own figures (the rendered CSVs), for ``year``."""
    form = compute_2035(entries, index, year)
    direct = {code: amount for code, amount in form.direct().items() if amount}
    book = build_livre_journal(entries, index, year, form=form)
    adjustments: dict[str, Decimal] = defaultdict(Decimal)
    outside_fec: dict[str, Decimal] = defaultdict(Decimal)
    reader = csv.reader(io.StringIO(render_adjustments_csv(book).lstrip("\ufeff")), delimiter=";")
    next(reader)
    for _, code, _, _, _, amount, in_fec in reader:
        adjustments[code] += _amount(amount)
        if in_fec == "non":
            outside_fec[code] += _amount(amount)
    journal: dict[str, Decimal] = defaultdict(Decimal)
    for row in book.rows:
        line = lines2035.by_code().get(row.line)
        if line is not None:
            journal[row.line] += (row.receipt - row.expense) if line.sign == "credit" else (row.expense - row.receipt)
    codes = set(direct) | set(journal) | set(adjustments)
    for code in codes:
        assert journal[code] + adjustments[code] == direct.get(code, ZERO), (code, journal[code], adjustments[code])
    fec = fec_by_line(entries, index, year, form)
    for code in set(fec) | codes:
        assert fec[code] + outside_fec[code] == direct.get(code, ZERO), (code, fec[code], outside_fec[code])
    return form, book, fec


CAR = IDENTITY + """
2024-01-01 open Assets:Banque
2024-01-01 open Equity:Exploitant
2024-01-01 open Income:Honoraires
  convention: "conventionne"
2024-01-01 open Expenses:Vehicule:Carburant
2024-01-01 open Expenses:Vehicule:Assurance
2024-01-01 open Expenses:Vehicule:Peage
2024-01-01 open Expenses:Vehicule:Lavage
  hors-forfait: TRUE
2024-01-01 open Expenses:Deplacements:Train
2025-01-15 custom "hn-option" "bareme-km" 2025 5 8200
2025-02-01 * "CPAM" "Virement"
  Assets:Banque    10000.00 EUR
  Income:Honoraires
2025-03-01 * "Total" "Carburant"
  Expenses:Vehicule:Carburant   900.00 EUR
  Assets:Banque
2025-03-02 * "MAAF" "Assurance auto"
  Expenses:Vehicule:Assurance   600.00 EUR
  Assets:Banque
2025-03-03 * "Vinci" "Péage"
  Expenses:Vehicule:Peage        42.90 EUR
  Assets:Banque
2025-03-04 * "Station" "Lavage"
  Expenses:Vehicule:Lavage       15.00 EUR
  Assets:Banque
2025-03-05 * "SNCF" "Congrès"
  Expenses:Deplacements:Train    80.00 EUR
  Assets:Banque
"""


def test_a_bareme_year_books_covered_car_costs_as_drawings_and_the_bareme_at_year_end():
    entries, index = loaded(CAR)
    form, book, fec = assert_exports_agree(entries, index, 2025)
    assert form.forfait is not None and not form.errors
    bareme = form.forfait.amount
    # Line 23 = the barème + the costs it does not cover (tolls, a cost marked hors-forfait).
    assert form.values["23"] == bareme + Decimal("42.90") + Decimal("15.00")
    rows = {row.account: row.line for row in book.rows if row.expense}
    assert rows["Expenses:Vehicule:Carburant"] == rows["Expenses:Vehicule:Assurance"] == lines2035.COVERED_BY_BAREME
    assert rows["Expenses:Vehicule:Peage"] == "23"
    totals = {t.code: t for t in book.line_totals}
    assert (totals["23"].cash, totals["23"].adjustments) == (Decimal("57.90"), bareme)
    assert [a.kind for a in book.adjustments] == [BAREME]
    lines = build_fec(entries, index, 2025, form=form).lines
    covered = [ln for ln in lines if ln.account in ("Expenses:Vehicule:Carburant", "Expenses:Vehicule:Assurance")]
    assert {ln.compte_num for ln in covered} == {"108"} and {ln.debit for ln in covered} == {Decimal("900.00"), Decimal("600.00")}
    od = [ln for ln in lines if ln.journal_code == "OD"]
    assert [(ln.date, ln.debit, ln.credit, ln.compte_num[0]) for ln in od] == [
        (datetime.date(2025, 12, 31), bareme, ZERO, "6"), (datetime.date(2025, 12, 31), ZERO, bareme, "1")]
    assert fec["23"] == form.values["23"]


def test_private_shares_and_non_deductible_csg_agree_with_the_2035():
    text = CAR.replace('2025-01-15 custom "hn-option" "bareme-km" 2025 5 8200\n', "") + """
2024-01-01 open Expenses:Telephone
  part-privee: 0.3
2024-01-01 open Expenses:Cotisations:CSG-non-deductible
  ligne-2035: "non-deductible"
2024-01-01 open Expenses:Divers-Perso
  ligne-2035: "neutre"
2025-01-10 * "Orange" "Forfait"
  Expenses:Telephone   35.99 EUR
  Assets:Banque
2025-02-10 * "Orange" "Forfait"
  Expenses:Telephone   35.99 EUR
  Assets:Banque
2025-04-15 * "URSSAF" "CSG-CRDS"
  Expenses:Cotisations:CSG-non-deductible   312.00 EUR
  Assets:Banque
2025-05-15 * "Boulangerie" "Personnel"
  Expenses:Divers-Perso   12.00 EUR
  Assets:Banque
"""
    entries, index = loaded(text)
    form, book, fec = assert_exports_agree(entries, index, 2025)
    assert form.values["CC"] == Decimal("21.59")  # 30 % of 71.98, rounded once
    assert fec["CC"] == ZERO  # the share is an adjustment: not in the FEC
    lines = build_fec(entries, index, 2025, form=form).lines
    natures = {ln.account: (ln.compte_num, ln.nature) for ln in lines}
    assert natures["Expenses:Cotisations:CSG-non-deductible"] == ("1081", "Non déductible (exploitant)")  # its own number, off the P&L
    assert natures["Expenses:Divers-Perso"] == ("108", "Hors 2035 (exploitant)")


def test_an_exchange_without_money_counts_in_every_file():
    """A supplier paid partly in sessions: the 2035 counts the receipt and the expense of the
    exchange; the livre-journal and the FEC show it too, or the invariant fails."""
    text = SMALL + """
2024-01-01 open Liabilities:Fournisseurs
2025-06-01 * "Menuisier" "Étagères"
  Expenses:Fournitures       300.00 EUR
  Liabilities:Fournisseurs  -300.00 EUR
2025-06-10 * "Menuisier" "Séances en paiement de la facture"
  Liabilities:Fournisseurs   120.00 EUR
  Income:HN                 -120.00 EUR
2025-06-20 * "Menuisier" "Solde"
  Liabilities:Fournisseurs   180.00 EUR
  Assets:Banque             -180.00 EUR
"""
    entries, index = loaded(text)
    assert_exports_agree(entries, index, 2025)


def test_an_unmapped_payment_stops_the_files_instead_of_booking_it_somewhere():
    text = SMALL + """
2024-01-01 open Expenses:Truc
  ligne-2035: "ZZ"
  compte: "628"
2025-06-01 * "Quelqu'un" "Quelque chose"
  Expenses:Truc   10.00 EUR
  Assets:Banque
"""
    entries, index = loaded(text, check=False)
    with pytest.raises(ExportError, match="aucune ligne de la 2035"):
        build_livre_journal(entries, index, 2025)
    with pytest.raises(ExportError, match="aucune ligne de la 2035"):
        build_fec(entries, index, 2025)


def test_the_example_practice_agrees_to_the_cent_in_every_year():
    ledger = load_ledger(EXAMPLE)
    for year in (2024, 2025):
        form, _, _ = assert_exports_agree(ledger.entries, ledger.index, year)
        assert form.reconciliation.closed


def test_the_bundle_lists_the_adjustments_and_its_fec_books_the_bareme():
    entries, index = loaded(CAR)
    bundle = build_bundle(entries, index, 2025)
    names = bundle.names()
    assert "ajustements-2035-2025.csv" in names
    content = {f.name: f.content for f in bundle.files}
    assert "barème kilométrique" in content["ajustements-2035-2025.csv"].decode("utf-8")
    assert "108" in content["LISEZMOI.txt"].decode("utf-8")


# --- generated ledgers ----------------------------------------------------------------------

_KINDS = ("fee", "invoice", "car", "phone", "csg", "transfer", "drawing", "exchange", "opening")


@st.composite
def practices(draw) -> str:
    """A year of payments of every kind the attribution distinguishes."""
    lines = []
    for number in range(draw(st.integers(1, 14))):
        kind = draw(st.sampled_from(_KINDS))
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=draw(st.integers(-20, 380)))
        amount = f"{Decimal(draw(st.integers(1, 3000_00))) / 100:.2f}"
        if kind == "fee":
            lines.append(f'{day} * "Patient" "Séance"\n  Assets:Caisse  {amount} EUR\n  Income:HN  -{amount} EUR\n')
        elif kind == "invoice":
            paid = f"{Decimal(draw(st.integers(1, int(Decimal(amount) * 100)))) / 100:.2f}"
            later = day + datetime.timedelta(days=draw(st.integers(0, 60)))
            lines.append(f'{day} * "Patient" "Facture" ^G{number}\n  Assets:Creances:Patients  {amount} EUR\n'
                         f'  Income:Honoraires  -{amount} EUR\n')
            lines.append(f'{later} * "Patient" "Paiement" ^G{number}\n  Assets:Banque  {paid} EUR\n'
                         f'  Assets:Creances:Patients  -{paid} EUR\n')
        elif kind == "car":
            account = draw(st.sampled_from(("Carburant", "Assurance", "Peage", "Lavage")))
            lines.append(f'{day} * "Garage" "Voiture"\n  Expenses:Vehicule:{account}  {amount} EUR\n  Assets:Banque\n')
        elif kind == "phone":
            lines.append(f'{day} * "Orange" "Forfait"\n  Expenses:Telephone  {amount} EUR\n  Assets:Banque\n')
        elif kind == "csg":
            lines.append(f'{day} * "URSSAF" "CSG"\n  Expenses:CSG-ND  {amount} EUR\n  Assets:Banque\n')
        elif kind == "transfer":
            lines.append(f'{day} * "Dépôt"\n  Assets:Banque  {amount} EUR\n  Assets:Caisse  -{amount} EUR\n')
        elif kind == "drawing":
            lines.append(f'{day} * "Prélèvement"\n  Assets:Banque  -{amount} EUR\n  Equity:Exploitant  {amount} EUR\n')
        elif kind == "exchange":
            lines.append(f'{day} * "Menuisier" "Étagères payées en séances"\n  Expenses:Fournitures  {amount} EUR\n'
                         f'  Income:HN  -{amount} EUR\n')
        else:
            lines.append(f'2024-12-31 * "Reprise" "Créance"\n  Assets:Creances:Patients  {amount} EUR\n'
                         f'    acte: "AMK 8"\n  Equity:Opening-Balances\n')
            lines.append(f'{day} * "Patient" "Règlement"\n  Assets:Banque  {amount} EUR\n'
                         f'  Assets:Creances:Patients  -{amount} EUR\n')
    bareme = '2025-01-15 custom "hn-option" "bareme-km" 2025 5 8200\n' if draw(st.booleans()) else ""
    return (IDENTITY + ACCOUNTS + bareme + """
2024-01-01 open Expenses:Vehicule:Carburant
2024-01-01 open Expenses:Vehicule:Assurance
2024-01-01 open Expenses:Vehicule:Peage
2024-01-01 open Expenses:Vehicule:Lavage
  hors-forfait: TRUE
2024-01-01 open Expenses:Telephone
  part-privee: 0.25
2024-01-01 open Expenses:CSG-ND
  ligne-2035: "non-deductible"
2024-01-02 * "Ouverture"
  Assets:Banque    1500.00 EUR
  Equity:Opening-Balances
""" + "\n".join(sorted(lines)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=practices())
def test_any_practice_exports_agree_with_its_2035(text):
    entries, errors, options = load(text)
    assert not [e for e in errors if "Balance" in type(e).__name__], errors
    index = LedgerIndex.build(entries, options)
    try:
        assert_exports_agree(entries, index, 2025)
    except ExportError as error:  # a year that moved no money: no file, and nothing paid on the 2035
        assert "aucun mouvement de trésorerie en 2025" in str(error)
        assert not [c for c in compute_2035(entries, index, 2025).contributions if c.kind == "cash"]


# --- what a tester found --------------------------------------------------------------------


def test_a_payable_paid_by_the_lender_or_a_receivable_by_a_neutral_account_is_exported():
    """Items settled outside the treasury by a neutral account: the 2035 counts them on the
    day, and so does every file (it used to refuse with an internal error)."""
    text = SMALL + """
2024-01-01 open Liabilities:Fournisseurs
2024-01-01 open Assets:Cheques-A-Remettre
  role: "neutre"
  compte: "5112"
2025-03-01 * "Fournisseur" "Facture" ^P1
  Liabilities:Fournisseurs  -140.96 EUR
  Expenses:Fournitures       140.96 EUR
2025-03-05 * "Banque" "Le prêteur paie le fournisseur" ^P1
  Liabilities:Fournisseurs   140.96 EUR
  Liabilities:Emprunt       -140.96 EUR
2025-04-01 * "Mme Durand" "Séances" ^F-X1
  Assets:Creances:Patients   90.00 EUR
  Income:HN                 -90.00 EUR
2025-04-02 * "Mme Durand" "Chèque à remettre" ^F-X1
  Assets:Cheques-A-Remettre  90.00 EUR
  Assets:Creances:Patients  -90.00 EUR
"""
    entries, index = loaded(text)
    form, book, _ = assert_exports_agree(entries, index, 2025)
    assert not form.errors
    lines = build_fec(entries, index, 2025, form=form).lines
    number = next(ln.number for ln in lines if "prêteur" in ln.label)
    lender = [ln for ln in lines if ln.number == number]
    assert {ln.compte_num[:3] for ln in lender} == {"164", "626"} and {ln.mode for ln in lender} == {"Virement"}


def test_a_number_of_the_wrong_class_is_refused_not_booked_off_the_2035():
    text = SMALL.replace("2024-01-01 open Expenses:Loyer\n", '2024-01-01 open Expenses:Loyer\n  compte: "401100"\n')
    entries, index = loaded(text)
    with pytest.raises(ExportError, match="Expenses:Loyer : le numéro de compte 401100 .* n'est pas de la classe 6 ou 7"):
        build_fec(entries, index, 2025)
    text = SMALL.replace("2024-01-01 open Assets:Banque\n", '2024-01-01 open Assets:Banque\n  compte: "6061"\n')
    entries, index = loaded(text)
    with pytest.raises(ExportError, match="Assets:Banque : le numéro de compte 6061 .* est de la classe 6 ou 7"):
        build_fec(entries, index, 2025)


def test_a_receivable_set_against_a_payable_not_yet_billed_is_an_error_not_dropped():
    text = SMALL + """
2024-01-01 open Liabilities:Fournisseurs
2025-04-01 * "Martin" "Séances" ^F-C2
  Assets:Creances:Patients   300.00 EUR
  Income:HN                 -300.00 EUR
2025-04-03 * "Martin" "Compensé avec sa facture" ^F-C2
  Assets:Creances:Patients  -300.00 EUR
  Liabilities:Fournisseurs   300.00 EUR
2025-04-06 * "Martin" "Facture du fournisseur"
  Expenses:Fournitures       300.00 EUR
  Liabilities:Fournisseurs  -300.00 EUR
"""
    entries, index = loaded(text)
    form = compute_2035(entries, index, 2025)
    assert any("Liabilities:Fournisseurs ne règle rien d'ouvert" in e.message for e in form.errors)
    assert not form.reconciliation.closed
    # Billed first, it is an exchange: the receipt and the expense both count.
    billed_first = text.replace("2025-04-06 * \"Martin\" \"Facture", "2025-04-02 * \"Martin\" \"Facture")
    entries, index = loaded(billed_first)
    form, _, _ = assert_exports_agree(entries, index, 2025)
    assert not form.errors and form.reconciliation.closed
