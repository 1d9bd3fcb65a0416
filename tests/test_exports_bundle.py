"""``hn export``: the complete bundle, atomic writing, pseudonymisation, the example ledger."""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections import defaultdict
from decimal import Decimal
from functools import partial

import pytest
from beancount import loader

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.outfolder import MARKER
from beancount_hn.exports.accounts_pcg import ChartOfAccounts
from beancount_hn.exports.pseudonymise import Pseudonymiser
from beancount_hn.tax import lines2035
from beancount_hn.tax.form2035 import CASH, compute_2035
from tests.exports_ledger import PATIENTS, SMALL
from tests.fec_checker import check_fec, read_fec
from tests.ledgers import EXAMPLE, ledger_text, run_hn, write_ledger

BUNDLE_FILES = {
    "2035-2025.txt", "2035-2025.csv", "2035-2025.json", "2035-2025.html", "2035-2025-detail.txt",
    "livre-journal-2025.csv", "livre-journal-2025.html", "ajustements-2035-2025.csv", "registre-immobilisations-2025.csv",
    "registre-immobilisations-2025.html", "factures-2025.txt", "factures-2025.csv", "factures-2025.json",
    "tva-2025.txt", "LISEZMOI.txt", "SHA256SUMS",
}


def small_ledger(tmp_path, text: str = SMALL) -> str:
    return write_ledger(tmp_path, ledger_text(text), "cabinet.beancount")


run = partial(run_hn, "export", catch_exceptions=False)


def fec_of(out: str) -> str:
    [name] = [n for n in os.listdir(out) if re.fullmatch(r"\d{9}FEC\d{8}\.txt", n)]
    return os.path.join(out, name)


def check_sums(out: str) -> None:
    with open(os.path.join(out, "SHA256SUMS"), encoding="utf-8") as handle:
        listed = dict(reversed(line.split("  ", 1)) for line in handle.read().splitlines())
    assert set(listed) == set(os.listdir(out)) - {"SHA256SUMS", MARKER}
    for name, digest in listed.items():
        with open(os.path.join(out, name), "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == digest, name


def plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def all_text(out: str) -> str:
    texts = []
    for name in os.listdir(out):
        with open(os.path.join(out, name), "rb") as handle:
            raw = handle.read()
        texts.append(raw.decode("iso8859-15") if "FEC" in name else raw.decode("utf-8"))
    return plain("\n".join(texts))


def name_words(name: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+", name) if len(w) >= 3 and w.lower() not in ("mme", "mlle")]


# --- the small ledger -------------------------------------------------------------------


def test_bundle_is_complete_checked_and_consistent(tmp_path):
    out = os.path.join(tmp_path, "dossier")
    result = run(small_ledger(tmp_path), "--year", "2025", "--out", out)
    assert result.exit_code == 0, result.output
    assert set(os.listdir(out)) == BUNDLE_FILES | {"732829320FEC20251231.txt", "tva-2025.json", MARKER}
    check_sums(out)
    assert check_fec(fec_of(out), 2025) == []
    with open(os.path.join(out, "2035-2025.json"), encoding="utf-8") as handle:
        lines = json.load(handle)["lines"]
    _, records, _ = read_fec(fec_of(out))
    sales = sum((Decimal(r["Credit"].replace(",", ".")) - Decimal(r["Debit"].replace(",", "."))
                 for r in records if r["CompteNum"].startswith("7")), Decimal(0))
    costs = sum((Decimal(r["Debit"].replace(",", ".")) - Decimal(r["Credit"].replace(",", "."))
                 for r in records if r["CompteNum"].startswith("6")), Decimal(0))
    assert (sales, costs) == (Decimal(lines["AG"]), Decimal(lines["BR"])) == (Decimal("480.00"), Decimal("925.30"))
    with open(os.path.join(out, "LISEZMOI.txt"), encoding="utf-8") as handle:
        readme = handle.read()
    assert "732829320FEC20251231.txt" in readme and "Rapprochement de trésorerie : équilibré" in readme
    assert "‘Ł’ (LATIN CAPITAL LETTER L WITH STROKE) → ‘L’ (3 fois)" in readme  # reported, not silent
    assert readme.endswith(")\n")  # a text file ends with a line break
    assert "translittéré" in result.output


def test_existing_directory_is_kept_without_force_and_replaced_with_it(tmp_path):
    ledger = small_ledger(tmp_path)
    out = os.path.join(tmp_path, "dossier")
    assert run(ledger, "--year", "2025", "--out", out).exit_code == 0
    with open(os.path.join(out, MARKER), encoding="utf-8") as handle:
        first = handle.read()
    result = run(ledger, "--year", "2025", "--out", out)
    assert result.exit_code == 1
    assert "existe déjà (écrit par hn export pour ce livre) ; utilisez --force" in result.output
    result = run(ledger, "--year", "2025", "--out", out, "--force")
    assert result.exit_code == 0, result.output
    with open(os.path.join(out, MARKER), encoding="utf-8") as handle:
        assert handle.read() == first  # same files, same marker
    check_sums(out)
    assert sorted(os.listdir(tmp_path)) == ["cabinet.beancount", "dossier"]  # no temporary left


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace('2024-01-01 custom "hn-option" "identity" "siren" "732829320"\n', ""),
     'custom "hn-option" "identity" "siren"'),
    (lambda t: t + '2024-01-01 open Assets:Divers\n2025-07-01 * "Avance"\n  Assets:Banque  -5.00 EUR\n'
                   '  Assets:Divers  5.00 EUR\n', "Assets:Divers n'a pas de numéro de compte du PCG"),
])
def test_bad_input_leaves_nothing_behind(tmp_path, change, message):
    ledger = small_ledger(tmp_path, change(SMALL))
    out = os.path.join(tmp_path, "dossier")
    result = run(ledger, "--year", "2025", "--out", out)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert sorted(os.listdir(tmp_path)) == ["cabinet.beancount"]


def test_year_without_entries(tmp_path):
    result = run(small_ledger(tmp_path), "--year", "2030", "--out", os.path.join(tmp_path, "x"))
    assert result.exit_code == 1
    assert "aucune transaction en 2030" in result.output


def test_year_before_the_books(tmp_path):
    result = run(small_ledger(tmp_path), "--year", "2019", "--out", os.path.join(tmp_path, "x"))
    assert result.exit_code == 1
    assert "le livre ne couvre pas 2019" in result.output and not os.path.exists(os.path.join(tmp_path, "x"))


def test_utf8_and_pipe_options(tmp_path):
    out = os.path.join(tmp_path, "dossier")
    result = run(small_ledger(tmp_path), "--year", "2025", "--out", out, "--charset", "utf-8",
                 "--separator", "pipe")
    assert result.exit_code == 0, result.output
    assert "UTF-8" in result.output
    assert check_fec(fec_of(out), 2025, charset="utf-8") == []
    with open(fec_of(out), encoding="utf-8") as handle:
        assert handle.readline().startswith("JournalCode|JournalLib|EcritureNum|")


def test_pseudonymised_bundle_keeps_no_patient_name(tmp_path):
    ledger = small_ledger(tmp_path)
    clear, hidden = os.path.join(tmp_path, "clair"), os.path.join(tmp_path, "pseudo")
    assert run(ledger, "--year", "2025", "--out", clear).exit_code == 0
    result = run(ledger, "--year", "2025", "--out", hidden, "--pseudonymise")
    assert result.exit_code == 0, result.output
    assert "pseudonymisés" in result.output
    visible, masked = all_text(clear), all_text(hidden)
    for name in PATIENTS:
        for word in name_words(name):
            assert plain(word) in visible  # the check can fail: the names are there without the option
            assert plain(word) not in masked, word
    assert "patient 0001" in masked and "patient 0003" in masked
    for kept in ("cpam du rhone", "sci les lilas", "papeterie du centre", "banque populaire"):
        assert kept in masked
    check_sums(hidden)
    assert check_fec(fec_of(hidden), 2025) == []


# --- the example ledger -------------------------------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = os.path.join(tmp_path_factory.mktemp("export"), "x")
    result = run(EXAMPLE, "--year", "2025", "--out", out)
    assert result.exit_code == 0, result.output
    entries, _, options = loader.load_file(EXAMPLE)
    return out, entries, LedgerIndex.build(entries, options)


def test_example_bundle_is_complete_and_its_fec_passes_the_checker(example):
    out, _, _ = example
    assert BUNDLE_FILES <= set(os.listdir(out))
    check_sums(out)
    assert check_fec(fec_of(out), 2025) == []


def test_example_fec_matches_the_2035(example):
    out, entries, index = example
    chart = ChartOfAccounts(index, entries)
    # PCG number -> 2035 line of the ledger's income and expense accounts (one line per number).
    line_of_number: dict[str, str] = {}
    for account in index.opens:
        if index.root_type(account) in ("income", "expenses"):
            number = chart.lookup(account)
            line = lines2035.account_line(index, account)
            if number is not None and line is not None:
                assert line_of_number.setdefault(number.number, line) == line, number
    _, records, _ = read_fec(fec_of(out))
    from_fec: dict[str, Decimal] = defaultdict(Decimal)
    for r in records:
        line = line_of_number.get(r["CompteNum"])
        if line is None:
            continue
        credit = Decimal(r["Credit"].replace(",", ".")) - Decimal(r["Debit"].replace(",", "."))
        sign = 1 if line not in lines2035.by_code() or lines2035.line(line).sign == "credit" else -1
        from_fec[line] += sign * credit
    form = compute_2035(entries, index, 2025)
    cash: dict[str, Decimal] = defaultdict(Decimal)
    for c in form.contributions:
        if c.kind == CASH:
            cash[c.code] += c.amount
    for code in set(from_fec) | set(cash):
        if code in lines2035.by_code():
            assert from_fec[code] == cash[code], code
    assert from_fec["AA"] == form.values["AA"] > 0
    with open(os.path.join(out, "2035-2025.json"), encoding="utf-8") as handle:
        printed = json.load(handle)["lines"]
    assert Decimal(printed["AA"]) == from_fec["AA"]
    if not any(c.kind != CASH and lines2035.line(c.code).section in ("recettes", "depenses")
               for c in form.contributions):
        receipts = sum((v if lines2035.line(k).sign == "credit" else -v for k, v in from_fec.items()
                        if k in lines2035.by_code() and lines2035.line(k).section == "recettes"), Decimal(0))
        # from_fec holds each account's own line (sub-lines and "dont" boxes included once).
        expenses = sum((v for k, v in from_fec.items() if k in lines2035.by_code()
                        and lines2035.line(k).section == "depenses"), Decimal(0))
        assert (receipts, expenses) == (Decimal(printed["AG"]), Decimal(printed["BR"]))


def test_example_pseudonymised_bundle_has_no_patient_name(example, tmp_path):
    _, entries, index = example
    names = Pseudonymiser.from_entries(entries, index).names
    assert len(names) >= 5
    out = os.path.join(tmp_path, "pseudo")
    result = run(EXAMPLE, "--year", "2025", "--out", out, "--pseudonymise")
    assert result.exit_code == 0, result.output
    masked = all_text(out)
    for name in names:
        assert plain(name) not in masked, name
        for word in name_words(name):
            assert not re.search(rf"(?<![^\W\d_]){re.escape(plain(word))}(?![^\W\d_])", masked), (name, word)
    assert check_fec(fec_of(out), 2025) == []


# --- texts that name a patient outside the entries (testers' reports) -----------------------------

VOIDED_REASON = """\
option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2025-01-01 custom "hn-option" "identity" "nom" "Jeanne Kiné EI"
2025-01-01 custom "hn-option" "identity" "siren" "935919142"
2025-01-01 open Assets:Banque EUR
2025-01-01 open Income:Honoraires:HN EUR
  convention: "non-conventionne"
2025-01-05 custom "hn-facture-annulee" "F-2025-0001" "Note refaite : erreur de patient, c'était Gwendoline Kerhervé"

2025-01-10 * "Gwendoline Kerhervé" "Massage"
  facture: "F-2025-0002"
  Assets:Banque   60.00 EUR
  Income:Honoraires:HN  -60.00 EUR
"""


def test_a_voided_numbers_reason_and_the_main_files_name_are_pseudonymised(tmp_path):
    """The reason of ``hn-facture-annulee`` (printed by factures-*.txt/json) and the main file's
    name (LISEZMOI) are free text like any other: masked with --pseudonymise, kept without."""
    ledger = write_ledger(tmp_path, VOIDED_REASON, "Zebulon-Vanderplaetsen.beancount")
    clear, hidden = os.path.join(tmp_path, "clair"), os.path.join(tmp_path, "pseudo")
    assert run(ledger, "--year", "2025", "--out", clear).exit_code == 0
    result = run(ledger, "--year", "2025", "--out", hidden, "--pseudonymise")
    assert result.exit_code == 0, result.output

    def read(folder: str, name: str) -> str:
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            return handle.read()

    # The check can fail: without the option, the reason and the file name are there.
    assert "motif : Note refaite : erreur de patient, c'était Gwendoline Kerhervé)" in read(clear, "factures-2025.txt")
    assert "à partir de Zebulon-Vanderplaetsen.beancount." in read(clear, "LISEZMOI.txt")
    assert "motif : Note refaite : erreur de patient, c'était Patient 0001)" in read(hidden, "factures-2025.txt")
    [voided] = json.loads(read(hidden, "factures-2025.json"))["series"][0]["voided"]
    assert voided == {"number": "F-2025-0001", "date": "2025-01-05",
                      "reason": "Note refaite : erreur de patient, c'était Patient 0001"}
    readme = read(hidden, "LISEZMOI.txt")
    assert "à partir de fichier-01.beancount." in readme  # as the detail names it
    assert "fichier-01.beancount:" in read(hidden, "2035-2025-detail.txt")
    masked = all_text(hidden)
    for word in ("kerherve", "gwendoline", "zebulon", "vanderplaetsen"):
        assert word not in masked, word
