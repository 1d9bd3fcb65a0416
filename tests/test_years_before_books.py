"""The years before the books (before their first ``treasury`` option) on every face: ``hn 2035``,
``hn vat`` and Fava's Cabinet page agree through ``form2035.covered_years`` and
``form2035.coverage_errors``: never offered as a year, never a report that looks final.

Tester's report: a practice opened in 2019 whose books begin on 1 January 2025 (an asset of
2022 carried over, the turnover of 2024 declared) got in Fava's year selector 2022–2024, each
with a normal-looking 2035 (« Déficit 480 € », « Erreurs (0) »); ``hn vat`` printed confident
zero reports for 2019–2024; ``hn 2035 --year 2024`` suggested 2022, a year as uncovered.
"""

from __future__ import annotations

import json
import re

import pytest
from beancount import loader

from beancount_hn.fava import downloads
from beancount_hn.fava.figures import LedgerFigures
from tests.fava_support import fava_app, slug_of
from tests.ledgers import line_of, plain, run_hn, write_ledger

#: Books begun on 1 January 2025 for a practice opened in 2019, a register carried over from 2022.
MID_CAREER = '''\
option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2025-01-01 custom "fava-extension" "beancount_hn.fava"
2025-01-01 custom "hn-option" "practice-start" 2019-09-02
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 custom "hn-option" "vat-turnover" 2024 9800.00 EUR
2022-03-01 open Equity:Ouverture EUR
2022-03-01 open Assets:Immobilisations:Table EUR
2025-01-01 open Assets:Banque EUR
2025-01-01 open Income:Honoraires:HN EUR
  convention: "non-conventionne"

2022-03-01 * "Reprise du registre : table de traitement achetée le 1er mars 2022"
  Assets:Immobilisations:Table   2400.00 EUR
    amortissement: "lineaire 5"
  Equity:Ouverture

2025-01-01 * "Soldes d'ouverture au 1er janvier 2025"
  Assets:Banque   1000.00 EUR
  Equity:Ouverture

2025-02-10 * "Mme Durand" "Séance de Pilates"
  tva: "franchise"
  Assets:Banque             60.00 EUR
  Income:Honoraires:HN     -60.00 EUR
'''
TREASURY_LINE = line_of(MID_CAREER, '"treasury" Assets:Banque', header=False, plugin=None)


@pytest.fixture
def path(tmp_path) -> str:
    return write_ledger(tmp_path, MID_CAREER)


# --- hn 2035 (F12) ------------------------------------------------------------------------------


def test_hn_2035_of_a_year_before_the_books_without_transaction_gives_the_coverage_error(path):
    result = run_hn("2035", path, "--year", "2024")
    assert result.exit_code == 1 and not result.stdout
    assert f"{path}:{TREASURY_LINE}: le livre ne couvre pas 2024 : il compte l'argent à partir du 1er janvier " \
           "2025" in result.stderr
    assert "aucune transaction" not in result.stderr and "2022" not in result.stderr


def test_hn_2035_suggests_only_the_covered_years(path):
    result = run_hn("2035", path, "--year", "2026")
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("aucune transaction en 2026 (--year 2026) ; années avec des transactions : "
                                          "2025 (sans 2022, avant le premier jour du livre)")


def test_hn_2035_of_a_year_before_the_books_with_transactions_stays_not_final(path):
    result = run_hn("2035", path, "--year", "2022", "--format", "json")
    assert result.exit_code == 1
    form = json.loads(result.stdout)
    assert form["final"] is False
    assert [e["message"][:27] for e in form["errors"]] == ["le livre ne couvre pas 2022"]


# --- hn vat (F5) --------------------------------------------------------------------------------


def test_hn_vat_skips_the_years_before_the_books_in_one_line_with_their_declared_turnover(path):
    result = run_hn("vat", path)
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    assert "2019–2024 : avant le premier jour du livre (1er janvier 2025, première option treasury) : " \
           "non couvertes, rien n'y est compté" in out
    assert 'CA 2024 déclaré par hn-option "vat-turnover" 2024 : 9 800,00 € (l\'année entière), retenu pour ' \
           "la franchise de 2025" in out
    blocks = re.findall(r"^(\d{4}) · ", out, re.MULTILINE)
    assert blocks == ["2025"]
    # The declared turnover of 2024 still decides 2025.
    assert 'Franchise au 1er janvier 2025 : oui — CA 2024 = 9 800,00 € (déclaré par hn-option "vat-turnover" ' \
           "2024" in out
    report = json.loads(run_hn("vat", path, "--format", "json").stdout)
    assert [y["year"] for y in report["years"]] == [2025]
    assert report["years"][0]["previous_turnover"]["source"] == "declared"


def test_hn_vat_says_when_the_year_before_the_books_is_neither_counted_nor_declared(tmp_path):
    # practice-start (2019) says the practice was open in 2024: its turnover is unknown, an
    # error (findings2-vatyears F5; it was « supposé nul » before, with exit 0).
    undeclared = MID_CAREER.replace('2025-01-01 custom "hn-option" "vat-turnover" 2024 9800.00 EUR\n', "")
    result = run_hn("vat", write_ledger(tmp_path, undeclared))
    out = plain(result.stdout)
    assert result.exit_code == 1 and out.startswith("CHIFFRES NON DÉFINITIFS")
    assert "CA 2024 inconnu — le cabinet exerce depuis le 2 septembre 2019 (practice-start) et le livre ne " \
           'commence que le 1er janvier 2025 : déclarez-le (hn-option "vat-turnover" 2024)' in out
    assert f":{TREASURY_LINE}: Franchise TVA 293 B : chiffre d'affaires 2024 inconnu" in out
    # Nothing says the practice was open in 2024: taken as nil, and the decision says so.
    folder = tmp_path / "sans-practice-start"
    folder.mkdir()
    result = run_hn("vat", write_ledger(folder, undeclared.replace(
        '2025-01-01 custom "hn-option" "practice-start" 2019-09-02\n', "")))
    assert result.exit_code == 0, result.output
    assert "Franchise au 1er janvier 2025 : oui — CA 2024 = 0,00 €" in plain(result.stdout)


@pytest.mark.parametrize("year", ["2024", "2022"])
def test_hn_vat_of_a_year_before_the_books_is_refused_like_hn_2035(path, year):
    result = run_hn("vat", path, "--year", year)
    assert result.exit_code == 1 and not result.stdout
    assert f"{path}:{TREASURY_LINE}: le livre ne couvre pas {year}" in result.stderr


def test_the_block_of_a_covered_year_whose_turnover_is_declared_says_so_beside_the_counted_one(tmp_path):
    # Books begun on 1 July 2025, the whole year's turnover declared.
    text = (MID_CAREER.replace("2025-01-01 ", "2025-07-01 ").replace("2025-02-10", "2025-08-10")
            .replace('"vat-turnover" 2024 9800.00 EUR', '"vat-turnover" 2025 9800.00 EUR'))
    path = write_ledger(tmp_path, text)
    out = plain(run_hn("vat", path).stdout)
    [counted] = [line for line in out.splitlines() if "CA compté" in line]
    assert "60,00 €" in counted
    assert 'CA 2025 déclaré par hn-option "vat-turnover" 2025 : 9 800,00 € (l\'année entière), retenu pour la ' \
           "franchise de 2026" in counted


# --- Fava (F2) ----------------------------------------------------------------------------------


def figures_of(path: str) -> LedgerFigures:
    entries, errors, options = loader.load_file(path)
    return LedgerFigures(entries, options, ledger_errors=errors, ledger_name=path)


def test_fava_offers_only_the_covered_years(path):
    figures = figures_of(path)
    assert figures.transaction_years == {2022, 2025}
    assert figures.years == [2025]
    assert figures.default_year() == 2025
    assert downloads.unavailable_reason(figures, 2025) == ""
    reason = downloads.unavailable_reason(figures, 2024)
    assert reason.startswith("le livre ne couvre pas 2024 : il compte l'argent à partir du 1er janvier 2025")
    assert downloads.unavailable_reason(figures, 2022).startswith("le livre ne couvre pas 2022")


def test_fava_page_of_a_year_before_the_books_is_marked_not_final_with_its_coverage_error(path):
    app = fava_app(path)
    client = app.test_client()
    base = f"/{slug_of(app)}/extension/Cabinet/"
    page = client.get(base).get_data(as_text=True)
    assert "Cabinet — exercice 2025" in page and 'id="hn-banner"' not in page
    selector = re.search(r'<p class="hn-years">(.*?)</p>', page, re.S).group(1)
    assert re.findall(r">(\d{4})</a>", selector) == ["2025"]

    asked = client.get(base, query_string={"time": "2024"}).get_data(as_text=True)
    banner = re.search(r'<div class="hn-banner"[^>]*>(.*?)</div>', asked, re.S).group(1)
    assert "les montants ci-dessous ne sont pas définitifs" in banner
    assert "le livre ne couvre pas 2024" in banner
    assert "Erreurs (1)" in asked and "Erreurs (0)" not in asked
    assert 'data-value="closed"' not in asked  # the reconciliation badge is not a green « équilibré »
    assert "form2035_csv?" not in asked  # the downloads are greyed out, with the reason
    assert "Aucun fichier à télécharger : le livre ne couvre pas 2024" in asked.replace("&#39;", "'")
    # A download link kept from before: back to the page, which says why.
    refused = client.get(f"{base}fec", query_string={"year": "2024"})
    assert refused.status_code == 303
