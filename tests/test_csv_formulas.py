"""CSV cells that are not formulas (``beancount_hn.core.csvcells``), in every CSV the tool writes and the FEC.

Payees, narrations and designations reach the livre-journal, the invoices
report, the registre and the FEC: a text cell starting with ``=``, ``+``,
``-``, ``@`` (or a tab/CR) gets a leading apostrophe; amounts stay numbers,
negative ones included.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.core.csvcells import Number, csv_rows, is_formula, number, text_cell
from beancount_hn.exports.bundle import build_bundle
from beancount_hn.exports.tables import csv_amount, csv_text
from beancount_hn.render.form2035 import comma
from tests.exports_ledger import ACCOUNTS, IDENTITY, TRANSACTIONS
from tests.ledgers import loaded

PAYLOADS = ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "\t=1"]
#: A number cell as the tool writes it: optional minus, digits, optional decimal comma.
NUMBER_CELL = re.compile(r"-?\d+(,\d+)?")


def quoted(text: str) -> str:
    """A Beancount string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hostile_ledger(payee: str, narration: str, designation: str, expense: str) -> str:
    """The shared small practice with a patient, an act, an asset and a bank fee named by the caller."""
    text = (IDENTITY + ACCOUNTS + TRANSACTIONS).replace('"Mme Łucja Nowak"', quoted(payee))
    text = text.replace('"Bilan postural"', quoted(narration))
    text = text.replace('    amortissement: "lineaire 5"\n',
                        f'    amortissement: "lineaire 5"\n    designation: {quoted(designation)}\n')
    return text.replace('"Frais tenue de compte"', quoted(expense))


def bundle_of(text: str) -> dict[str, str]:
    bundle = build_bundle(*loaded(text), 2025)
    return {f.name: f.content.decode("iso8859-15" if "FEC" in f.name else "utf-8-sig") for f in bundle.files}


def table_cells(files: dict[str, str]) -> dict[str, list[list[str]]]:
    """Every CSV of the bundle and the FEC, as rows of cells."""
    tables = {}
    for name, text in files.items():
        if name.endswith(".csv"):
            tables[name] = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        elif "FEC" in name:
            tables[name] = [line.split("\t") for line in text.split("\r\n") if line]
    return tables


def formula_cells(files: dict[str, str]) -> list[tuple[str, str]]:
    """The cells a spreadsheet could run: text starting with a formula sign (numbers excepted)."""
    return [(name, cell) for name, rows in table_cells(files).items() for row in rows for cell in row
            if is_formula(cell) and not NUMBER_CELL.fullmatch(cell)]


# --- the helper ---------------------------------------------------------------------------


def test_text_cells_get_an_apostrophe_numbers_do_not():
    for payload in PAYLOADS + ["\r=1", " =1", "\t", "-"]:
        assert text_cell(payload) == "'" + payload, payload
    for safe in ("", "Dupont", "'=déjà", "1 + 1", "a=b", "2025-03-01"):
        assert text_cell(safe) == safe
    assert number(Decimal("-12.5")) == "-12,50" and isinstance(number(Decimal("-12.5")), Number)
    assert number(-3) == "-3"
    assert csv_rows([["-12,50", number(Decimal("-12.5")), -4, None, "=1;2"]]) == "'-12,50;-12,50;-4;;\"'=1;2\"\r\n"


def test_the_column_type_decides_not_the_content():
    """A payee written like an amount is text; an amount from csv_amount/comma is a number."""
    assert csv_text([["-12,50", csv_amount(Decimal("-12.50")), comma(Decimal("-7"))]]) == "\ufeff'-12,50;-12,50;-7,00\r\n"
    assert csv_amount(None) == ""


# --- the files of the bundle --------------------------------------------------------------


def test_hostile_names_are_neutralised_in_every_file():
    files = bundle_of(hostile_ledger('=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"))
    assert formula_cells(files) == []
    tables = table_cells(files)
    journal = [cell for row in tables["livre-journal-2025.csv"] for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in journal and "'-2+3" in journal
    assert "'@SUM(1)" in [cell for row in tables["registre-immobilisations-2025.csv"] for cell in row]
    unpaid = [row for row in tables["factures-2025.csv"] if row and row[0] == "F-2025-0001"]
    assert unpaid and unpaid[0][2] == "'=HYPERLINK(\"http://x\")"
    [fec] = [name for name in tables if "FEC" in name]
    header = tables[fec][0]
    labels = {row[header.index("EcritureLib")] for row in tables[fec][1:]}
    clients = {row[header.index("IdClient")] for row in tables[fec][1:]}
    assert "'=HYPERLINK(\"http://x\") - +cmd|' /C calc'!A0" in labels  # payee - narration
    assert "'=HYPERLINK(\"http://x\")" in clients


def test_a_tab_before_the_formula_and_a_negative_amount():
    files = bundle_of(hostile_ledger("\t=1", "Bilan postural", "Table", "Frais"))
    assert formula_cells(files) == []
    tables = table_cells(files)
    assert "'=1" in [cell for row in tables["livre-journal-2025.csv"] for cell in row]  # the payee, trimmed
    assert "'\t=1" in [cell for row in tables["factures-2025.csv"] for cell in row]
    [fec] = [name for name in tables if "FEC" in name]
    assert {"'=1", "'=1 - Bilan postural"} <= {cell for row in tables[fec] for cell in row}  # IdClient, EcritureLib
    # the credit notes' series total is a negative number, written as a number
    credit = [row for row in tables["factures-2025.csv"] if row and row[0] == "AV"]
    assert credit and credit[0][6] == "-10,00"


_SIGNS = st.sampled_from(["=", "+", "-", "@", "\t", "\r", " =", " \t+", "", "'"])
_TEXT = st.text(alphabet="abcXYZ019 =+-@|!()'/:;,.*%$&<>[]{}#é\t", min_size=1, max_size=12)
HOSTILE = st.tuples(_SIGNS, _TEXT).map("".join).filter(lambda s: s.strip())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payee=HOSTILE, narration=HOSTILE, designation=HOSTILE, expense=HOSTILE)
def test_no_written_cell_starts_a_formula_unless_it_is_a_number(payee, narration, designation, expense):
    files = bundle_of(hostile_ledger(payee, narration, designation, expense))
    assert formula_cells(files) == []
