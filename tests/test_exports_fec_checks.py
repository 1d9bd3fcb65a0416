"""What the FEC refuses or keeps straight: the class of a ``compte:``, one label per number,
continuous entry numbers, the journals it reserves; and the accounts ``--pseudonymise``
takes for a person's name."""

from __future__ import annotations

import pytest

from beancount_hn.exports import ExportError
from beancount_hn.exports.fec import build_fec, render_fec
from beancount_hn.exports.movements import cash_entries
from beancount_hn.exports.pseudonymise import Pseudonymiser
from beancount_hn.tax.form2035 import compute_2035
from tests.fec_checker import check_fec
from tests.ledgers import line_of, loaded, write_file

BASE = """
2024-01-01 custom "hn-option" "identity" "siren" "935919142"
2024-01-01 open Assets:Banque
2024-01-01 open Income:Honoraires
2024-01-01 open Expenses:Fournitures
2024-01-01 open Expenses:Loyer

2025-01-05 * "CPAM" "VIR CPAM"
  acte: "AMK 8"
  Assets:Banque        100.00 EUR
  Income:Honoraires   -100.00 EUR
2025-02-01 * "Papeterie" "Papier"
  Expenses:Fournitures  30.00 EUR
  Assets:Banque        -30.00 EUR
2025-02-02 * "SCI" "Loyer"
  Expenses:Loyer       400.00 EUR
  Assets:Banque       -400.00 EUR
"""


def with_open_meta(account: str, meta: str, text: str = BASE) -> str:
    """``text`` with ``meta`` (one line, indented) under the ``open`` of ``account``."""
    opening = f"2024-01-01 open {account}\n"
    assert opening in text
    return text.replace(opening, f"{opening}  {meta}\n")


# --- E3: the class of a compte: follows the 2035 line -----------------------------------------


@pytest.mark.parametrize("account, number, line", [
    ("Expenses:Fournitures", "706", "27"),  # receipts' number on an expense
    ("Income:Honoraires", "6132", "AA"),  # the rent's number on fees
])
def test_a_number_of_the_other_pnl_class_is_refused_at_the_open(account, number, line):
    text = with_open_meta(account, f'compte: "{number}"')
    entries, index = loaded(text)
    with pytest.raises(ExportError) as error:
        build_fec(entries, index, 2025)
    message = str(error.value)
    assert f"<string>:{line_of(text, f'open {account}')} : {account} : le numéro de compte {number} " in message
    assert f"la ligne {line}, qui demande la classe" in message and "corrigez compte: sur son open" in message


def test_the_tables_exceptions_keep_their_class():
    """Débours on an Income account are class 6 (62281), a refund of fees on an Expenses
    account class 7 (706): the default table says so, and a compte: of that class is kept."""
    text = BASE + """
2024-01-01 open Income:Debours
  ligne-2035: "AB"
  compte: "622810"
2024-01-01 open Expenses:Remboursements
  ligne-2035: "AA"
  compte: "7061"
2025-03-01 * "Laboratoire" "Débours refacturés"
  Assets:Banque      20.00 EUR
  Income:Debours    -20.00 EUR
2025-03-02 * "Mme Durand" "Remboursement d'une séance"
  Expenses:Remboursements  10.00 EUR
  Assets:Banque           -10.00 EUR
"""
    entries, index = loaded(text)
    numbers = {ln.account: ln.compte_num for ln in build_fec(entries, index, 2025).lines}
    assert numbers["Income:Debours"] == "622810" and numbers["Expenses:Remboursements"] == "7061"


def test_a_written_number_keeps_the_tables_label_for_every_account():
    """One CompteNum, one CompteLib: a compte: taking 6132 (the rent's default) does not rename
    it; a compte-libelle: written with the number names it."""
    text = with_open_meta("Expenses:Fournitures", 'compte: "6132"')
    entries, index = loaded(text)
    labels = {ln.account: (ln.compte_num, ln.compte_lib) for ln in build_fec(entries, index, 2025).lines}
    assert labels["Expenses:Fournitures"] == labels["Expenses:Loyer"] == ("6132", "Loyers et charges locatives")
    text = with_open_meta("Expenses:Fournitures", 'compte-libelle: "Loyer et fournitures"', text)
    entries, index = loaded(text)
    labels = {ln.account: (ln.compte_num, ln.compte_lib) for ln in build_fec(entries, index, 2025).lines}
    assert labels["Expenses:Fournitures"] == labels["Expenses:Loyer"] == ("6132", "Loyer et fournitures")


# --- E5: continuous numbers -------------------------------------------------------------------


@pytest.mark.parametrize("zero", [
    "2025-01-31 * \"Frais de tenue de compte (offerts)\"\n  Expenses:Loyer  0.00 EUR\n  Assets:Banque  0.00 EUR\n",
    "2025-01-31 * \"FSE annulée\"\n  acte: \"AMK 8\"\n  Assets:Banque  0.00 EUR\n  Income:Honoraires  0.00 EUR\n",
])
def test_a_movement_of_zero_takes_no_entry_number(tmp_path, zero):
    entries, index = loaded(BASE + zero)
    fec = build_fec(entries, index, 2025)
    assert sorted({ln.number for ln in fec.lines}) == [1, 2, 3]
    assert [ln.piece_ref for ln in fec.lines if ln.account == "Assets:Banque"] == \
        ["BQ2025-00001", "BQ2025-00002", "BQ2025-00003"]
    rendered = render_fec(fec)
    assert check_fec(write_file(tmp_path, rendered.filename, rendered.content), 2025) == []


# --- E6: the journals the FEC reserves --------------------------------------------------------


@pytest.mark.parametrize("code", ["AN", "od"])
@pytest.mark.parametrize("build", ["fec", "livre-journal"])
def test_a_reserved_journal_on_a_treasury_account_is_refused_at_its_open(code, build):
    """The FEC and the livre-journal read one journal per movement (``movements``): both refuse."""
    text = with_open_meta("Assets:Banque", f'journal: "{code}"')
    entries, index = loaded(text)
    with pytest.raises(ExportError) as error:
        if build == "fec":
            build_fec(entries, index, 2025)
        else:
            cash_entries(entries, index, compute_2035(entries, index, 2025))
    assert f"<string>:{line_of(text, 'open Assets:Banque')}: journal: « {code.upper()} » est réservé" \
        in str(error.value)


def test_a_reserved_journal_on_a_transaction_is_refused_at_its_line():
    text = BASE.replace('2025-02-02 * "SCI" "Loyer"\n', '2025-02-02 * "SCI" "Loyer"\n  journal: "AN"\n')
    entries, index = loaded(text)
    with pytest.raises(ExportError) as error:
        build_fec(entries, index, 2025)
    at = line_of(text, '2025-02-02 * "SCI"')
    assert f"<string>:{at}: journal: « AN » est réservé (les à-nouveaux du 1er janvier)" in str(error.value)


# --- E7: an account of a category is no person's name -----------------------------------------

PAYEE_AS_CATEGORY = """
2024-01-01 custom "hn-option" "identity" "siren" "935919142"
2024-01-01 open Assets:Banque
2024-01-01 open Income:Honoraires
2024-01-01 open Expenses:Loyer
2024-01-01 open Expenses:Logiciel:Doctolib
2025-01-05 * "CPAM" "VIR CPAM"
  acte: "AMK 8"
  Assets:Banque       100.00 EUR
  Income:Honoraires  -100.00 EUR
2025-02-01 * "Loyer" "mars"
  Expenses:Loyer       30.00 EUR
  Assets:Banque       -30.00 EUR
"""
DOCTOLIB = """
2025-02-03 * "Doctolib" "abonnement"
  Expenses:Logiciel:Doctolib  129.00 EUR
  Assets:Banque              -129.00 EUR
"""


def pseudonymised(text: str):
    entries, index = loaded(text)
    return Pseudonymiser.from_entries(entries, index).entries(entries)


def test_a_payee_repeating_its_expense_category_does_not_refuse_the_export():
    masked = pseudonymised(PAYEE_AS_CATEGORY)
    [rent] = [e for e in masked if getattr(e, "narration", None) == "mars"]
    assert rent.payee == "Tiers 0001" and rent.postings[0].account == "Expenses:Loyer"


def test_a_payee_named_like_its_account_is_refused_with_the_organisation_line():
    text = PAYEE_AS_CATEGORY + DOCTOLIB
    with pytest.raises(ExportError) as error:
        pseudonymised(text)
    message = str(error.value)
    assert f"<string>:{line_of(text, 'open Expenses:Logiciel:Doctolib')} : le compte Expenses:Logiciel:Doctolib" \
        in message
    assert '2024-01-01 custom "hn-option" "organisation" "Doctolib"' in message
    declared = PAYEE_AS_CATEGORY + '2024-01-01 custom "hn-option" "organisation" "Doctolib"\n' + DOCTOLIB
    [bill] = [e for e in pseudonymised(declared) if getattr(e, "narration", None) == "abonnement"]
    assert bill.payee == "Doctolib"


def test_a_patients_ordinary_word_name_on_an_income_account_is_still_refused():
    text = PAYEE_AS_CATEGORY + """
2024-01-01 open Income:Honoraires:Blanc
2025-03-01 * "Mme Rose Blanc" "Séance"
  acte: "AMK 8"
  Assets:Banque             40.00 EUR
  Income:Honoraires:Blanc  -40.00 EUR
"""
    with pytest.raises(ExportError) as error:
        pseudonymised(text)
    message = str(error.value)
    assert f"<string>:{line_of(text, 'open Income:Honoraires:Blanc')} : le compte Income:Honoraires:Blanc porte " \
           "le nom d'une personne (« Blanc »)" in message
    assert "organisation" not in message
