"""A monthly file loaded twice (``plugins.review``): a byte-for-byte copy under another name
(a sync-conflict copy) or a hard link counts every entry twice and is an error at the
include line, naming both files; through an ``include`` glob, the advice is to delete the
link or the copy, never the line that loads every month."""

from __future__ import annotations

import json
import os

import pytest
from beancount import loader

from tests.ledgers import messages, run_hn, write_file, write_ledger

MAIN = """\
option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 open Assets:Banque:Courant EUR
2025-01-01 open Income:Honoraires:HN EUR
  convention: "non-conventionne"
2025-01-01 open Expenses:Fournitures EUR
include "2025/*.beancount"
"""

MARCH = """\
2025-03-05 * "Fournitures" "Huile de massage"
  Expenses:Fournitures  35.00 EUR
  Assets:Banque:Courant
2025-03-06 * "Mme X" "Séance HN"
  Income:Honoraires:HN  -50.00 EUR
  Assets:Banque:Courant  50.00 EUR
"""

APRIL = MARCH.replace("2025-03-", "2025-04-")
CONFLICT = "03 (copie en conflit de PC-cabinet).beancount"
INCLUDE_LINE = MAIN.splitlines().index('include "2025/*.beancount"') + 1


@pytest.fixture
def months(tmp_path) -> str:
    """``main.beancount`` including ``2025/*.beancount``: ``03.beancount`` and ``04.beancount``."""
    os.mkdir(tmp_path / "2025")
    write_file(tmp_path / "2025", "03.beancount", MARCH)
    write_file(tmp_path / "2025", "04.beancount", APRIL)
    return write_ledger(tmp_path, MAIN)


def folder(main: str) -> str:
    return os.path.join(os.path.dirname(main), "2025")


def errors_loading(main: str) -> list:
    _, errors, _ = loader.load_file(main)
    return errors


def only_include_error(main: str):
    errors = errors_loading(main)
    assert len(errors) == 1, messages(errors)
    error = errors[0]
    assert error.source == {"filename": main, "lineno": INCLUDE_LINE}, messages(errors)
    return error


def test_a_sync_conflict_copy_is_an_error_at_the_glob_naming_both_files(months):
    write_file(folder(months), CONFLICT, MARCH)
    error = only_include_error(months)
    copy, original = os.path.join(folder(months), CONFLICT), os.path.join(folder(months), "03.beancount")
    assert f"{copy} a exactement le même contenu que {original}" in error.message
    assert f"supprimez la copie {copy}" in error.message
    assert "ne retirez pas cette ligne" in error.message and "; retirez cette ligne" not in error.message


def test_the_2035_over_a_copied_month_is_not_final(months):
    write_file(folder(months), CONFLICT, MARCH)
    result = run_hn("2035", months, "--year", "2025", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["final"] is False
    assert "a exactement le même contenu que" in result.stderr


def test_a_hard_link_is_an_error_at_the_glob(months):
    os.link(os.path.join(folder(months), "03.beancount"), os.path.join(folder(months), "03-bis.beancount"))
    error = only_include_error(months)
    assert "03-bis.beancount est le même fichier que" in error.message
    assert "lien physique" in error.message
    assert f"supprimez le nom en double {folder(months)}/03-bis.beancount" in error.message


def test_a_symbolic_link_matched_by_the_glob_is_named_not_the_line(months):
    """The finding: « retirez cette ligne » about ``include "2025/*.beancount"`` would unload
    every month; the advice deletes the link, whichever of the two Beancount met first."""
    os.symlink("03.beancount", os.path.join(folder(months), "mars.beancount"))
    error = only_include_error(months)
    link = os.path.join(folder(months), "mars.beancount")
    assert f"{link} est le même fichier que {folder(months)}/03.beancount" in error.message
    assert f"ne retirez pas cette ligne, qui charge aussi les autres fichiers : supprimez le lien symbolique {link}" \
        in error.message


def test_a_copy_included_by_its_own_line_is_removed_by_that_line(tmp_path):
    os.mkdir(tmp_path / "2025")
    write_file(tmp_path / "2025", "03.beancount", MARCH)
    write_file(tmp_path, "mars-copie.beancount", MARCH)
    text = MAIN.replace('include "2025/*.beancount"', 'include "2025/03.beancount"\ninclude "mars-copie.beancount"')
    main = write_ledger(tmp_path, text)
    errors = errors_loading(main)
    assert len(errors) == 1, messages(errors)
    line = text.splitlines().index('include "mars-copie.beancount"') + 1
    assert errors[0].source == {"filename": main, "lineno": line}
    assert "retirez cette ligne" in errors[0].message


@pytest.mark.parametrize("content", ["", "; mars : rien encore\n", 'option "title" "Cabinet"\n'],
                         ids=["empty", "comments only", "options only"])
def test_files_alike_without_entries_are_no_error(months, content):
    write_file(folder(months), "05.beancount", content)
    write_file(folder(months), "06.beancount", content)
    assert errors_loading(months) == []


def test_two_months_of_equal_size_but_other_content_are_no_error(months):
    """03 and 04 have the same size (only the month differs): their content is compared."""
    assert os.path.getsize(os.path.join(folder(months), "03.beancount")) == len(APRIL.encode())
    assert errors_loading(months) == []
