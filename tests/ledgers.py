"""Small ledgers for the tests: built, loaded, written, computed and run in one place.

What lives here: the helpers more than one test file needs to turn a ledger written in the
test into something to assert on:

- the text: the standard header (``HEADER``, ``header_for``), ``ledger_text`` (the string
  ``load`` parses: plugin line, header, dedented ledger), ``line_of`` (a line of it) and
  ``plain`` (amounts as Babel prints them, with plain spaces);
- loading: ``load`` (entries, errors, options), ``loaded`` (entries and index of a ledger that
  must load clean), ``errors_of``, ``messages``, ``only_error``, and ``form_for`` (the 2035
  of a year);
- files and the command: ``write_file``/``write_ledger`` (into a test's folder), ``run_hn``
  (the ``hn`` command through click's runner), ``EXAMPLE`` (the example practice);
- what a family of test files shares: the numbered invoices of the invoice tests
  (``INVOICE_ACCOUNTS``, ``txn``, ``txn_line``), the 293 B ledgers of the VAT tests
  (``VAT_HEADER``, ``vat_ledger``, ``hn_receipt``, ``vat_analysis``, ``alerts``).

Every loader takes ``header`` (prepend ``header_for``) and ``plugin`` (a ``plugin`` line, none
with ``None``), and the ones that assert a clean load take ``check``; a file that always passes
the same value binds it once (``functools.partial``) rather than writing a wrapper.

When to add to it: a helper that builds, loads, writes, computes or runs a ledger as soon as a
second test file needs it (a variant is a parameter, not a second function). A helper one file
uses stays in that file. A practice ledger a family of tests shares keeps its own module
(``exports_ledger``, ``notes_helpers``), built on these helpers; checkers with their own job
stay apart (``fec_checker``, ``fava_support``, ``importer_regression``, ``bench_support``).
What pytest must set up or undo (fixtures) goes in ``conftest.py``.
"""

from __future__ import annotations

import os
import re
import textwrap

from beancount import loader
from beancount.core import data
from click.testing import CliRunner, Result

from beancount_hn.cli import main
from beancount_hn.core.alerts import ALERT_DIRECTIVE
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.tax.form2035 import Form2035, compute_2035
from beancount_hn.tax.vat import analyze

PLUGIN = "beancount_hn.plugins.all"
EXAMPLE = os.path.join(os.path.dirname(__file__), os.pardir, "ledger_example", "main.beancount")

HEADER = """
option "operating_currency" "EUR"
2024-01-01 custom "hn-option" "treasury" Assets:Banque
2024-01-01 custom "hn-option" "treasury" Assets:Caisse
"""


# --- the text of a ledger ---------------------------------------------------------------------


def header_for(body: str) -> str:
    """HEADER, declaring as treasury only the accounts the ledger opens (an option naming
    no opened account is an error, ``beancount_hn.core.roles``)."""
    return "".join(line + "\n" for line in HEADER.splitlines()
                   if "\"treasury\"" not in line
                   or re.search(rf"open {line.split()[-1]}(:|\s|$)", body))


def ledger_text(text: str, *, header: bool = True, plugin: str | None = PLUGIN) -> str:
    """The ledger ``load`` parses: a ``plugin`` line when ``plugin`` is given, the header for
    the ledger when ``header`` is true, then ``text`` dedented."""
    body = textwrap.dedent(text)
    return (f'plugin "{plugin}"\n' if plugin else "") + (header_for(body) if header else "") + body


def line_of(text: str, needle: str, *, header: bool = True, plugin: str | None = PLUGIN,
            last: bool = False) -> int:
    """The line number, in ``ledger_text(text, ...)``, of the first ``needle`` (the last one
    with ``last``); a needle running over several lines gives its last line, a trailing
    newline not counted. ``header=False, plugin=None``: the line in ``text`` as written."""
    full = ledger_text(text, header=header, plugin=plugin)
    position = full.rfind(needle) if last else full.find(needle)
    if position < 0:
        raise AssertionError(f"{needle!r} not in ledger")
    return full[:position + len(needle.rstrip("\n"))].count("\n") + 1


def plain(text: str) -> str:
    """``text`` with Babel's narrow and no-break spaces as plain ones (``1 234,50 €``)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


# --- loading ----------------------------------------------------------------------------------


def load(text: str, *, header: bool = True, plugin: str | None = PLUGIN):
    """Load an inline ledger (dedented); returns (entries, errors, options_map).

    The default header declares the treasury accounts; ``plugin`` is prepended
    as a ``plugin`` line when given. The ledger's first line is line 1 of the
    text passed in, after the prepended lines (use ``line_of`` to find lines).
    """
    return loader.load_string(ledger_text(text, header=header, plugin=plugin))


def messages(errors) -> list[str]:
    """The messages of ``errors`` (what an assertion shows when a ledger does not load clean)."""
    return [e.message for e in errors]


def errors_of(text: str, *, header: bool = True, plugin: str | None = PLUGIN) -> list:
    """The errors of an inline ledger loaded with ``plugin``."""
    return load(text, header=header, plugin=plugin)[1]


def only_error(errors: list):
    """The one error of ``errors`` (the test fails on none or several)."""
    assert len(errors) == 1, messages(errors)
    return errors[0]


def loaded(text: str, *, check: bool = True, header: bool = True,
           plugin: str | None = PLUGIN) -> tuple[list[data.Directive], LedgerIndex]:
    """(entries, index) of an inline ledger; asserts that it loads without error unless
    ``check`` is false."""
    entries, errors, options = load(text, header=header, plugin=plugin)
    assert not check or not errors, messages(errors)
    return entries, LedgerIndex.build(entries, options)


def form_for(text: str, year: int, *, check: bool = True, header: bool = True,
             plugin: str | None = PLUGIN) -> Form2035:
    """The 2035 of ``year`` of an inline ledger; asserts that it loads without error unless
    ``check`` is false."""
    return compute_2035(*loaded(text, check=check, header=header, plugin=plugin), year)


# --- files and the command --------------------------------------------------------------------


def write_file(folder, name: str, content: str | bytes) -> str:
    """Write ``content`` as it is (text in UTF-8) to ``folder/name``; returns its path."""
    path = os.path.join(folder, name)
    with open(path, "wb") as handle:
        handle.write(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def write_ledger(folder, text: str, name: str = "main.beancount") -> str:
    """Write the ledger ``text`` as it is to ``folder/name`` (``main.beancount``); returns its path."""
    return write_file(folder, name, text)


def run_hn(*args: str, **invoke_options) -> Result:
    """The ``hn`` command with ``args``, through click's runner (``catch_exceptions=False``
    lets an exception fail the test with its traceback)."""
    return CliRunner().invoke(main, list(args), **invoke_options)


# --- numbered invoices (the invoice tests) ----------------------------------------------------

INVOICE_ACCOUNTS = """\
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Income:Honoraires:Conventionnes
  convention: "conventionne"
2024-01-01 open Income:Honoraires:Depassements
  convention: "depassement"
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2024-01-01 open Income:Debours
  ligne-2035: "AB"
2025-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2025-01-01 custom "hn-option" "invoice-series" "AV" "AV-{year}-{seq:03d}"
"""


def txn(date: str, number: str | None = None, amount: str = "50.00", *,
        account: str = "Income:Honoraires:HN", debit: str = "Assets:Banque",
        payee: str = "Mme Martin", meta: tuple[tuple[str, str], ...] = (), link: str = "") -> str:
    """One transaction; ``facture:`` is its first metadata line (the line after the header)."""
    lines = [f'{date} * "{payee}" "Séance"' + (f" ^{link}" if link else "")]
    if number is not None:
        lines.append(f'  facture: "{number}"')
    lines += [f"  {key}: {value}" for key, value in meta]
    lines += [f"  {debit}  {amount} EUR", f"  {account}"]
    return "\n".join(lines) + "\n"


def txn_line(ledger: str, number: str) -> int:
    """The line of the transaction whose ``facture:`` is ``number`` (its first occurrence)."""
    return line_of(ledger, f'facture: "{number}"') - 1


# --- the 293 B franchise (the VAT tests) --------------------------------------------------------

#: Treasury from 2017 (HEADER starts in 2024), so every period of the franchise can be tested.
VAT_HEADER = """\
option "operating_currency" "EUR"
2017-01-01 custom "hn-option" "treasury" Assets:Banque
2017-01-01 open Assets:Banque
2017-01-01 open Assets:Creances:Patients
2017-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2017-01-01 open Income:Honoraires:Conventionnes
  convention: "conventionne"
"""


def vat_ledger(body: str) -> str:
    """VAT_HEADER + body; blocks written indented by 4 are dedented, ``hn_receipt`` lines kept."""
    lines = (line[4:] if line.startswith("    ") else line for line in body.splitlines())
    return VAT_HEADER + "\n".join(lines) + "\n"


def hn_receipt(day: str, amount: str, payee: str, meta: str = "") -> str:
    """A cash-style HN receipt into ``Assets:Banque`` (taxable by default: franchise), with
    ``meta`` as a metadata line of the transaction."""
    extra = f"\n  {meta}" if meta else ""
    return f'\n{day} * "{payee}" "Séance HN"{extra}\n  Assets:Banque  {amount} EUR\n  Income:Honoraires:HN\n'


def vat_analysis(text: str, *, header: bool = True, plugin: str | None = PLUGIN, **analyze_options):
    """(the 293 B analysis, entries, errors) of an inline ledger; ``analyze_options`` go to
    ``beancount_hn.tax.vat.analyze``."""
    entries, errors, options = load(text, header=header, plugin=plugin)
    return analyze(entries, LedgerIndex.build(entries, options), **analyze_options), entries, errors


def alerts(entries, code: str | None = None) -> list[data.Custom]:
    """The ``hn-alert`` directives among ``entries`` (those of ``code`` when given)."""
    return [e for e in entries if isinstance(e, data.Custom) and e.type == ALERT_DIRECTIVE
            and (code is None or e.values[1].value == code)]
