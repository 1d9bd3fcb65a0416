"""What would count twice is refused on every bean-check (``plugins.review``): a bank line
booked twice (one ``import-id:`` on two copies of one entry) and a file loaded under two
paths (a symbolic link). Copies and hard links of files: ``tests/test_fa_review.py``."""

from __future__ import annotations

import json
import os

import pytest
from beancount import loader

from beancount_hn.importers.dedup import IMPORT_ID
from beancount_hn.plugins.review import IMPORT_KEY
from tests.ledgers import errors_of, ledger_text, line_of, messages, only_error, run_hn, write_file, write_ledger

PAYMENT = """\
{date} * "SumUp" "Pilates{note}"
  import-id: "{id}"
  Assets:Banque                       {amount} EUR
  Income:Honoraires:HN
"""

ACCOUNTS = """
2024-01-01 custom "hn-option" "practice-start" 2020-01-01
2024-01-01 custom "hn-option" "vat-turnover" 2023 20000.00 EUR
2024-01-01 open Assets:Banque
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
"""


def payment(date: str, amount: str = "40.00", note: str = "", import_id: str = "csv:0001") -> str:
    return PAYMENT.format(date=date, amount=amount, note=note, id=import_id)


def test_the_id_is_the_importers():
    assert IMPORT_KEY == IMPORT_ID


def test_a_bank_line_booked_twice_is_reported_on_the_second():
    ledger = ACCOUNTS + payment("2024-04-02") + payment("2024-04-02")
    error = only_error(errors_of(ledger))
    assert error.source["lineno"] == line_of(ledger, '"Pilates"', last=True)
    first = line_of(ledger, '"Pilates"')
    assert f'import-id: "csv:0001" est déjà enregistrée en <string>:{first}' in error.message
    # the safe advice first: parts of one bank line are kept; only a copy is deleted
    keep, delete = error.message.index("gardez-les"), error.message.index("supprimez cette copie")
    assert keep < delete


@pytest.mark.parametrize("second", [
    payment("2024-04-02", amount="55.00"),  # another amount: the bank corrected it, or reuses ids
    payment("2024-05-02"),  # another statement numbering its lines again
    payment("2024-04-02", import_id="csv:0002"),  # two identical payments: their ids differ
    # before 2 December these three were "imported twice" (same account and amount within 3 days)
    payment("2024-04-03"),  # another day: the bank redated it, or a second line of the deposit
    payment("2024-04-02", note=", M. B"),  # one deposit split into one entry per patient
    payment("2024-04-02").replace("Income:Honoraires:HN", "Income:Honoraires:Autres"),  # other account
], ids=["other amount", "a month later", "other id", "next day", "other narration", "other postings"])
def test_the_same_id_on_another_entry_is_no_duplicate(second):
    ledger = ACCOUNTS + "2024-01-01 open Income:Honoraires:Autres\n  convention: \"non-conventionne\"\n"
    assert errors_of(ledger + payment("2024-04-02") + second) == []


def test_a_cheque_deposit_split_between_two_patients_is_accepted():
    """One bank line of 80 € (two cheques) booked as two entries of 40 €, one per patient,
    both with the line's import-id: two receipts, not one counted twice."""
    ledger = ACCOUNTS + payment("2024-03-04", note=", Mme A") + payment("2024-03-04", note=", M. B")
    assert errors_of(ledger) == []


def test_the_2035_over_a_line_booked_twice_is_not_final(tmp_path):
    ledger = ACCOUNTS + payment("2024-04-02") + payment("2024-04-02")
    result = run_hn("2035", write_ledger(tmp_path, ledger_text(ledger)), "--year", "2024", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["final"] is False


# --- a file loaded under two paths -----------------------------------------------------------

MAIN = """\
option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2024-01-01 custom "hn-option" "practice-start" 2020-01-01
2024-01-01 custom "hn-option" "vat-turnover" 2023 20000.00 EUR
2024-01-01 custom "hn-option" "treasury" Assets:Banque
2024-01-01 open Assets:Banque EUR
2024-01-01 open Income:Honoraires:HN EUR
  convention: "non-conventionne"
include "sub/recettes.beancount"
include "courant.beancount"
"""

RECEIPTS = """\
2024-04-02 * "Mme Girard" "Pilates"
  Assets:Banque            60.00 EUR
  Income:Honoraires:HN
"""


@pytest.fixture
def linked(tmp_path) -> str:
    """``courant.beancount`` is a symbolic link to ``sub/recettes.beancount``, both included."""
    os.mkdir(tmp_path / "sub")
    write_file(tmp_path / "sub", "recettes.beancount", RECEIPTS)
    os.symlink(os.path.join("sub", "recettes.beancount"), tmp_path / "courant.beancount")
    return str(tmp_path)


def test_a_file_included_twice_through_a_link_is_an_error_at_the_second_include(linked):
    path = write_ledger(linked, MAIN)
    result = run_hn("2035", path, "--year", "2024", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["final"] is False
    line = line_of(MAIN, 'include "courant.beancount"', header=False, plugin=None)
    assert (f'main.beancount:{line}: include "courant.beancount" : {linked}/courant.beancount est le même '
            f"fichier que {linked}/sub/recettes.beancount") in result.stderr


def test_a_main_file_of_options_and_includes_only_still_names_its_include_line(linked):
    """The main file has no entry (only options and includes): the files Beancount loaded
    (its ``include`` option) still lead to the line that loads the second copy."""
    head, _, rest = MAIN.partition("2024-01-01")
    write_file(linked, "comptes.beancount", "2024-01-01" + rest.split("include")[0])
    text = head + 'include "comptes.beancount"\ninclude "sub/recettes.beancount"\ninclude "courant.beancount"\n'
    path = write_ledger(linked, text)
    _, errors, _ = loader.load_file(path)
    error = only_error(errors)
    line = text.splitlines().index('include "courant.beancount"') + 1
    assert error.source == {"filename": path, "lineno": line}, messages(errors)
    assert "est le même fichier que" in error.message and "retirez cette ligne" in error.message
