"""The Cabinet page and its downloads refuse and warn exactly where ``hn 2035 --year`` does.

The errors ``hn`` itself finds for the year (an account without a 2035 line, a payment that
settles nothing) are the 2035's own (``render.form2035.status``): the page shows them in its
banner with the « CHIFFRES NON DÉFINITIFS » line. A year without any transaction, or outside
1900–2999, or not a number, is refused as the CLI refuses it, never a file of zeros or of
another year.
"""

from __future__ import annotations

from html import unescape

import pytest

from tests.fava_support import fava_app, ledger_of, slug_of

BASE = """\
option "title" "Cabinet Test"
option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2025-01-01 custom "fava-extension" "beancount_hn.fava"

2025-01-01 custom "hn-option" "profession" "masseur-kinesitherapeute"
2025-01-01 custom "hn-option" "practice-start" 2025-01-01
2025-01-01 custom "hn-option" "vat-regime" "franchise"
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 custom "hn-option" "identity" "nom" "Jean Test EI"
2025-01-01 custom "hn-option" "identity" "siren" "935919142"

2025-01-01 open Assets:Banque EUR
2025-01-01 open Assets:Creances:Patients EUR
2025-01-01 open Equity:Apports EUR
2025-01-01 open Income:Honoraires:Conventionnes EUR
2025-01-01 open Expenses:Loyer EUR
  ligne-2035: "BF"

2025-01-02 * "Apport" "Apport initial"
  Assets:Banque  1000.00 EUR
  Equity:Apports

2025-02-03 * "Patient Dupont" "Séances AMK 8"
  acte: "AMK 8"
  Assets:Banque  200.00 EUR
  Income:Honoraires:Conventionnes

2025-03-05 * "Loyer mars"
  Assets:Banque  -500.00 EUR
  Expenses:Loyer
"""

NO_LINE = BASE + """
2025-01-01 open Expenses:Bidule EUR
2025-06-01 * "Achat bidule"
  Assets:Banque  -35.00 EUR
  Expenses:Bidule
"""

ORPHAN = BASE + """
2025-06-01 * "Entreprise Z" "Règlement F-2025-0009"
  reglement-de: "F-2025-0009"
  Assets:Banque  70.00 EUR
  Assets:Creances:Patients
"""


def _client(tmp_path, text: str):
    path = tmp_path / "livre.beancount"
    path.write_text(text, encoding="utf-8")
    app = fava_app(str(path))
    return app.test_client(), f"/{slug_of(app)}/extension/Cabinet/", path


def _banner(html: str) -> str:
    start = html.index('id="hn-banner"')
    return html[start:html.index("</div>", start)]


@pytest.mark.parametrize("ledger, message", [
    (NO_LINE, "n&#39;a pas de ligne de la 2035"),
    (ORPHAN, "ne règle rien d&#39;ouvert"),
], ids=["sans-ligne-2035", "reglement-orphelin"])
def test_the_year_s_own_errors_make_the_banner(tmp_path, ledger, message):
    client, base, path = _client(tmp_path, ledger)
    html = client.get(base, query_string={"time": "2025"}).get_data(as_text=True)
    assert 'id="hn-banner"' in html
    banner = _banner(html)
    assert "CHIFFRES NON DÉFINITIFS" in banner
    assert message in banner
    assert "livre.beancount:" in banner  # linked to its line, as the CLI names it
    assert "Erreurs (0)" not in html
    assert "Aucune erreur" not in html


def test_a_clean_year_has_no_banner(tmp_path):
    client, base, _ = _client(tmp_path, BASE)
    html = client.get(base, query_string={"time": "2025"}).get_data(as_text=True)
    assert 'id="hn-banner"' not in html
    assert client.get(f"{base}form2035_json", query_string={"year": "2025"}).json["final"] is True


def test_a_year_without_transactions_is_refused(tmp_path):
    client, base, _ = _client(tmp_path, BASE)
    html = client.get(base, query_string={"time": "2030"}).get_data(as_text=True)
    banner = _banner(html)
    assert "aucune transaction en 2030" in banner
    assert 'data-value="closed"' not in html  # no green « équilibré »
    for name in ("form2035_json", "form2035_csv", "livre_journal", "registre", "fec"):
        response = client.get(f"{base}{name}", query_string={"year": "2030"})
        assert response.status_code == 303, name
        back = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Téléchargement impossible" in back and "aucune transaction en 2030" in back


@pytest.mark.parametrize("year, said", [
    ("3000", "année hors limites"), ("0", "année hors limites"), ("99999", "année hors limites"),
    ("-5", "année hors limites"), ("abc", "« abc » non compris"),
])
def test_a_download_never_answers_another_year(tmp_path, year, said):
    client, base, _ = _client(tmp_path, BASE)
    for name in ("form2035_csv", "form2035_json", "fec"):
        response = client.get(f"{base}{name}", query_string={"year": year})
        assert response.status_code == 303, (name, year)
        back = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Téléchargement impossible" in back and said in back
    assert "erreur" in client.get(f"{base}figures_json", query_string={"year": year}).json


@pytest.mark.parametrize("query", [{"time": "0001"}, {"time": "2025-13"}, {"account": "["}])
def test_filters_fava_survives_do_not_take_the_page_down(tmp_path, query):
    client, base, _ = _client(tmp_path, BASE)
    response = client.get(base, query_string=query)
    assert response.status_code == 200
    assert "non compris" in response.get_data(as_text=True)


def test_the_vat_section_says_an_unknown_franchise_and_the_prorata_in_days(tmp_path):
    """Books begun on 1 July 2025 by a practice open since 2020: the 2026 franchise is unknown
    (as hn vat says « INCONNUE »); a practice opened on 1 July: thresholds in days, 184/365."""
    HN = '2025-01-01 open Income:Honoraires:HN EUR\n  convention: "non-conventionne"\n' \
         '2025-07-10 * "Mme X" "Massage bien-être"\n  Assets:Banque  500.00 EUR\n  Income:Honoraires:HN\n'
    late = (BASE.replace('"practice-start" 2025-01-01', '"practice-start" 2020-01-01')
            .replace('2025-01-01 custom "hn-option" "treasury"', '2025-07-01 custom "hn-option" "treasury"')
            .split("2025-01-02 *")[0]) + HN
    client, base, _ = _client(tmp_path, late)
    html = client.get(base, query_string={"time": "2025"}).get_data(as_text=True)
    assert "Franchise en 2026" in html and ">inconnue<" in html.replace(" ", "")
    opened = (BASE.replace('"practice-start" 2025-01-01', '"practice-start" 2025-07-01')
              .replace('2025-01-01 custom "hn-option" "treasury"', '2025-07-01 custom "hn-option" "treasury"')
              .split("2025-01-02 *")[0]) + HN
    (tmp_path / "b").mkdir()
    client, base, _ = _client(tmp_path / "b", opened)
    html = client.get(base, query_string={"time": "2025"}).get_data(as_text=True)
    assert "proratisé 184/365 jours" in html


def test_a_missing_include_is_named_at_its_line_in_french(tmp_path):
    """As hn 2035 names it (core.loading.locate_includes), not Beancount's English « <load>:0 »."""
    text = BASE.replace('option "operating_currency" "EUR"\n',
                        'option "operating_currency" "EUR"\ninclude "2024.beancount"\n')
    client, base, path = _client(tmp_path, text)
    html = unescape(_banner(client.get(base, query_string={"time": "2025"}).get_data(as_text=True)))
    assert 'livre.beancount:3</a> : include "2024.beancount" : aucun fichier ne correspond' in html
    assert "does not match" not in html
    assert client.get(f"{base}form2035_json", query_string={"year": "2025"}).json["final"] is False


def test_a_refusal_is_forgotten_once_the_ledger_is_loaded_again(tmp_path):
    """Fixed since: the page the refusal sent you to no longer shows it after Fava reloads."""
    text = BASE.replace('2025-01-01 custom "hn-option" "identity" "siren" "935919142"\n', "")
    client, base, path = _client(tmp_path, text)
    refused = client.get(f"{base}fec", query_string={"year": "2025"})
    assert refused.status_code == 303
    page = refused.headers["Location"]
    assert "Téléchargement impossible" in client.get(page).get_data(as_text=True)
    again = client.get(f"{base}fec", query_string={"year": "2025"}).headers["Location"]
    assert again != page  # a token is never given twice
    path.write_text(BASE, encoding="utf-8")
    ledger = ledger_of(client.application)
    ledger.load_file()
    assert client.get(f"{base}fec", query_string={"year": "2025"}).status_code == 200
    assert "Téléchargement impossible" not in client.get(page).get_data(as_text=True)


def test_the_vat_figures_say_when_they_are_not_final(tmp_path):
    """figures_json's VAT block judges finality as hn vat --year --format json does."""
    client, base, _ = _client(tmp_path, NO_LINE)
    vat = client.get(f"{base}figures_json", query_string={"year": "2025"}).json["vat"]
    assert vat["final"] is True  # an account without a 2035 line is no error of the VAT
    broken = BASE + '2025-06-01 * "Mme Y" "Séance"\n  Assets:Banque  30.00 EUR\n  Income:Honoraires:Conventionnes\n'
    (tmp_path / "b").mkdir()
    client, base, _ = _client(tmp_path / "b", broken)
    vat = client.get(f"{base}figures_json", query_string={"year": "2025"}).json["vat"]
    assert vat["final"] is False and any("recette non classée" in e["message"] for e in vat["errors"])


@pytest.mark.parametrize("time", ["9999", "1000-9999", "1850"])
def test_a_year_filter_out_of_range_shows_the_default_year_in_french(tmp_path, time):
    client, base, _ = _client(tmp_path, BASE)
    html = unescape(client.get(base, query_string={"time": time}).get_data(as_text=True))
    assert f"Filtre de dates « {time} » hors des années 1900–2999 : la page montre l'exercice 2025" in html
    assert "OverflowError" not in html and "indisponible" not in html
