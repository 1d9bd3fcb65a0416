"""Default account → 2035 line on the whole account name; ambiguous names are errors at the open."""

from __future__ import annotations

import re

import pytest

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.loading import load_ledger
from beancount_hn.exports.accounts_pcg import ChartOfAccounts
from beancount_hn.tax import lines2035
from beancount_hn.tax.form2035 import compute_2035
from beancount_hn.tax.lines2035 import account_line, validate_line_values
from tests.ledgers import line_of, load, run_hn, write_ledger

BANKS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
"""


def index_of(accounts: list[str], extra: str = "") -> LedgerIndex:
    text = BANKS + "".join(f"2024-01-01 open {account}\n" for account in accounts) + extra
    entries, _, options = load(text, plugin=None)
    return LedgerIndex.build(entries, options)


@pytest.mark.parametrize("account, line", [
    # a deeper, more specific word wins over its parent
    ("Expenses:Honoraires:Retrocession", "AC"),
    ("Expenses:Retrocessions:Honoraires", "AC"),  # "Honoraires" is generic (line 21 is a residue)
    ("Expenses:Cotisations:Retraite:PER", "BU"),
    ("Expenses:Telephone:Divers", "27"),
    ("Expenses:Honoraires:Comptable", "21"),
    ("Expenses:Materiel:Petit-Outillage", "19"),
    ("Expenses:Interets-Emprunt", "BN"),
    # fines, private expenses, depreciation: out of the deductible lines whatever the rest says
    ("Expenses:Vehicule:Amendes", "non-deductible"),
    ("Expenses:Amendes:Stationnement", "non-deductible"),
    ("Expenses:Prive:Telephone", "non-deductible"),
    ("Expenses:Telephone:Perso", "non-deductible"),
    ("Expenses:Vehicule:Amortissement", "neutre"),
    # every cost of the car is a car cost (line 23), whatever its nature
    ("Expenses:Vehicule:Assurance", "23"),
    ("Expenses:Vehicule:Entretien", "23"),
    ("Expenses:Entretien:Vehicule", "23"),
    ("Expenses:Assurances:Vehicule", "23"),
    # first-segment rows still read two segments
    ("Expenses:Impots:Revenu", "non-deductible"),
    ("Expenses:Impots:CFE", "JY"),
    ("Expenses:CSG:Non-Deductible", "non-deductible"),
    ("Expenses:Personnel:Charges", "BC"),
    ("Expenses:Personnel:Salaires", "BB"),
    # income: the catch-all AA only when nothing else matches
    ("Income:Interets:Livret", "AE"),
    ("Income:Honoraires:HN", "AA"),
    ("Income:Sous-Location", "AA"),
    ("Expenses:Bizarre:Truc", None),
])
def test_every_segment_of_the_name_counts(account, line):
    assert account_line(index_of([account]), account) == line


# What the default table gives each account name of the example ledger and of the
# bench generator (both write ligne-2035: on every open; the defaults must agree where
# they did): unchanged, except two names the first-segment table could not map.
EXAMPLE_AND_BENCH_DEFAULTS = {
    "Income:Honoraires:Conventionnes": "AA", "Income:Honoraires:Depassements": "AA",
    "Income:Honoraires:HN": "AA", "Income:Produits-Financiers": "AE",
    "Expenses:Retrocessions": "AC", "Expenses:Achats:Consommables": "BA", "Expenses:Loyer": "BF",
    "Expenses:Entretien": "17", "Expenses:Materiel:Petit-Outillage": "19", "Expenses:Energie": "20",
    "Expenses:Honoraires:Comptable": "21", "Expenses:Assurances": "22",
    "Expenses:Vehicule:Carburant": "23", "Expenses:Vehicule:Entretien": "23",
    "Expenses:Vehicule:Assurance": "23", "Expenses:Deplacements": "24",
    "Expenses:Cotisations:URSSAF": "BT", "Expenses:Cotisations:CARPIMKO": "BT",
    "Expenses:CSG:Deductible": "BV", "Expenses:CSG:Non-Deductible": "non-deductible",
    "Expenses:Impots:CFE": "JY", "Expenses:Telephone": "27", "Expenses:Fournitures-Bureau": "27",
    "Expenses:Formation": "30", "Expenses:Cotisations:Syndicat": "29", "Expenses:Cotisations:Ordre": "29",
    "Expenses:Logiciel": "27", "Expenses:Frais-Bancaires": "BN", "Expenses:Interets-Emprunt": "BN",
}


def test_example_and_bench_account_names_keep_their_default_lines(example_path):
    with open(example_path.replace("main.beancount", "accounts.beancount"), encoding="utf-8") as file:
        example = set(re.findall(r"open ((?:Income|Expenses):\S+)", file.read()))
    generator = example_path.replace("ledger_example/main.beancount", "bench/generate.py")
    with open(generator, encoding="utf-8") as file:
        bench = set(re.findall(r'"((?:Income|Expenses):[A-Za-z:-]+)"', file.read()))
    assert example <= set(EXAMPLE_AND_BENCH_DEFAULTS) and bench <= set(EXAMPLE_AND_BENCH_DEFAULTS)
    index = index_of(sorted(EXAMPLE_AND_BENCH_DEFAULTS))
    assert {a: account_line(index, a) for a in EXAMPLE_AND_BENCH_DEFAULTS} == EXAMPLE_AND_BENCH_DEFAULTS


def test_example_ledger_figures_are_unchanged(example_path):
    loaded = load_ledger(example_path, show_errors=False)
    form = compute_2035(loaded.entries, loaded.index, 2025)
    figures = (form.euros["AA"], form.euros["AG"], form.euros["BR"], form.euros["CP"])
    assert figures == (110401, 107671, 25144, 81860)


# --- ambiguous names -------------------------------------------------------------------

AMBIGUOUS = BANKS + """
2024-01-01 open Expenses:Loyer:Domicile-Prive
2024-01-01 open Expenses:Personnel:Telephone
2024-01-01 open Expenses:Telephone:Personnel
2024-01-01 open Expenses:Loyer:DomicilePrivé
2024-01-01 open Expenses:Personnel:Salaires
2024-01-01 open Expenses:Vehicule:Amendes
2024-01-01 open Expenses:Telephone:Perso
2024-01-01 open Expenses:Deplacements:Domicile-Cabinet
  ligne-2035: "24"
"""


def test_ambiguous_names_are_errors_at_their_open():
    entries, _, options = load(AMBIGUOUS, plugin=None)
    errors = validate_line_values(LedgerIndex.build(entries, options))
    by_line = {e.source["lineno"]: e.message for e in errors}
    rent = by_line.pop(line_of(AMBIGUOUS, "open Expenses:Loyer:Domicile-Prive", plugin=None))
    assert rent.startswith("Expenses:Loyer:Domicile-Prive : nom ambigu (« Domicile », « Prive »)")
    assert "indiquez ligne-2035: sur son open" in rent and "case BF" in rent
    phone = by_line.pop(line_of(AMBIGUOUS, "open Expenses:Personnel:Telephone", plugin=None))
    assert "(« Personnel »)" in phone and "ligne 27" in phone
    staff = by_line.pop(line_of(AMBIGUOUS, "open Expenses:Telephone:Personnel", plugin=None))
    assert "(« Personnel »)" in staff  # a staff line (BB) for a personal phone? ask
    accents = by_line.pop(line_of(AMBIGUOUS, "open Expenses:Loyer:DomicilePrivé", plugin=None))
    assert "(« Domicile », « Privé »)" in accents
    # Personnel as the first segment is staff (BB); fines and private words are non-deductible;
    # ligne-2035: on the open silences the check.
    assert by_line == {}


def test_bean_check_reports_them_through_the_plugin():
    _, errors, _ = load(AMBIGUOUS)
    ambiguous = [e for e in errors if "nom ambigu" in e.message]
    assert sorted(e.source["lineno"] for e in ambiguous) == sorted(
        line_of(AMBIGUOUS, f"open {account}") for account in (
            "Expenses:Loyer:Domicile-Prive", "Expenses:Personnel:Telephone",
            "Expenses:Telephone:Personnel", "Expenses:Loyer:DomicilePrivé"))


def test_hn_2035_reports_the_error_once_and_fails(tmp_path):
    path = write_ledger(tmp_path, 'plugin "beancount_hn.plugins.all"\noption "operating_currency" "EUR"\n'
                        '2024-01-01 custom "hn-option" "treasury" Assets:Banque\n'
                        "2024-01-01 open Assets:Banque\n"
                        "2024-01-01 open Expenses:Loyer:Domicile-Prive\n"
                        '2025-01-05 * "SCI" "Loyer"\n  Expenses:Loyer:Domicile-Prive  700.00 EUR\n  Assets:Banque\n',
                        "livre.beancount")
    result = run_hn("2035", path, "--year", "2025")
    assert result.exit_code == 1
    assert result.stderr.count(f"{path}:5: Expenses:Loyer:Domicile-Prive : nom ambigu") == 1
    assert "Traceback" not in result.output


def test_fec_account_numbers_follow_the_resolved_line():
    index = index_of(["Expenses:Honoraires:Retrocession", "Expenses:Vehicule:Amendes",
                      "Expenses:Vehicule:Assurance"])
    chart = ChartOfAccounts(index, [])
    assert chart.lookup("Expenses:Honoraires:Retrocession").number == "62282"  # AC, not 6226 (21)
    assert chart.lookup("Expenses:Vehicule:Amendes").number == "1081"  # non-deductible
    assert chart.lookup("Expenses:Vehicule:Assurance").number == "6251"  # 23, not 616 (22)


@pytest.mark.parametrize("account", ["Income:Gains-Change", "Income:Gains-de-Change", "Income:Change"])
def test_an_exchange_gain_is_a_gain_divers_not_fees(account):
    entries, errors, options = load(f"2024-01-01 open {account}\n")
    assert account_line(LedgerIndex.build(entries, options), account) == "AF"


def test_an_unknown_value_lists_every_dont_box_it_could_be():
    message = lines2035.describe_value_error("ZZ")
    for code in ("BW", "BT", "BZ", "BU", "BY", "CS", "DF"):
        assert code in message and lines2035.normalize_value(code) == code
