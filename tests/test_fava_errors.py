"""The Cabinet page lists the beancount-hn errors with links to their lines, and only those."""

from __future__ import annotations

import textwrap
from functools import partial
from urllib.parse import parse_qs, unquote, urlsplit

from tests import ledgers
from tests.fava_support import fava_app, ledger_of, page_figures, slug_of
from tests.ledgers import write_ledger

LEDGER = """\
option "title" "Cabinet test"
option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"

2025-01-01 custom "fava-extension" "beancount_hn.fava"
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"

2025-01-01 open Assets:Banque
2025-01-01 open Equity:Exploitant
2025-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
  tva: "exoneree"
2025-01-01 open Income:Honoraires:Conventionnes

2025-02-03 * "Mme A" "Séance de Pilates" ^F-2025-0001
  facture: "F-2025-0001"
  Assets:Banque                 50.00 EUR
  Income:Honoraires:HN

2025-03-04 * "M. B" "Séance de Pilates" ^F-2025-0003
  facture: "F-2025-0003"
  Assets:Banque                 40.00 EUR
  Income:Honoraires:HN

2025-03-10 * "CPAM" "Virement sans acte"
  Assets:Banque                 30.00 EUR
  Income:Honoraires:Conventionnes

2025-04-01 balance Assets:Banque  1.00 EUR
"""


line_of = partial(ledgers.line_of, LEDGER, header=False, plugin=None)


def test_hn_errors_are_listed_with_editor_links(tmp_path):
    path = write_ledger(tmp_path, textwrap.dedent(LEDGER), "cabinet.beancount")
    app = fava_app(str(path))
    ledger = ledger_of(app)
    kinds = sorted(type(e).__name__ for e in ledger.errors)
    assert "BalanceError" in kinds and "InvoiceError" in kinds and "ClassificationError" in kinds

    response = app.test_client().get(f"/{slug_of(app)}/extension/Cabinet/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    start = html.index('id="hn-erreurs"')
    section = html[start:html.index("</section>", start)]
    page = page_figures(section)
    assert "Erreurs des plugins beancount-hn (2)" in section
    assert "trou dans la numérotation de la série F avant F-2025-0003" in section
    assert "recette non classée" in section
    assert "Balance failed" not in section  # Beancount's own errors stay on Fava's errors page

    editor = {}
    for href in page.hrefs:
        url = urlsplit(href)
        if unquote(url.path).endswith("/editor/"):
            query = parse_qs(url.query)
            editor[int(query["line"][0])] = query["file_path"][0]
    assert editor == {line_of('"F-2025-0003"') - 1: str(path), line_of('"Virement sans acte"'): str(path)}


EMPTY = ('option "title" "Vide"\nplugin "beancount_hn.plugins.all"\n'
         '2025-01-01 custom "fava-extension" "beancount_hn.fava"\n2025-01-01 open Assets:Banque\n')


def test_a_ledger_without_transactions_renders_and_says_there_is_no_2035(tmp_path):
    """No transaction in the year: the page renders, but as hn 2035 --year it gives no 2035."""
    path = tmp_path / "vide.beancount"
    path.write_text(EMPTY, encoding="utf-8")
    app = fava_app(str(path))
    response = app.test_client().get(f"/{slug_of(app)}/extension/Cabinet/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "indisponible" not in html
    assert "Aucune recette en" in html
    assert "aucune transaction en" in html and "Aucune erreur" not in html


def test_a_ledger_without_the_plugin_line_is_an_error_on_the_page(tmp_path):
    """Fava runs no beancount-hn check without the plugin line: the page says so, as hn does."""
    path = tmp_path / "vide.beancount"
    path.write_text(EMPTY.replace('plugin "beancount_hn.plugins.all"\n', ""), encoding="utf-8")
    app = fava_app(str(path))
    html = app.test_client().get(f"/{slug_of(app)}/extension/Cabinet/").get_data(as_text=True)
    assert "Aucune erreur" not in html
    assert "ne charge pas les vérifications de beancount-hn" in html


def test_errors_banner_on_top_links_each_error_to_the_editor(tmp_path):
    path = write_ledger(tmp_path, textwrap.dedent(LEDGER), "cabinet.beancount")
    app = fava_app(str(path))
    ledger = ledger_of(app)
    html = app.test_client().get(f"/{slug_of(app)}/extension/Cabinet/").get_data(as_text=True)
    start = html.index('id="hn-banner"')
    assert start < html.index('class="headerline"') < html.index('id="hn-synthese"')
    banner = html[start:html.index("</div>", start)]
    count = len(ledger.errors)
    assert f"{count} erreurs dans le livre" in banner
    assert "balance faux sur" in banner  # every error of the ledger, Beancount's included (in French)
    lines = set()
    for href in page_figures(banner).hrefs:
        url = urlsplit(href)
        assert unquote(url.path).endswith("/editor/")
        query = parse_qs(url.query)
        assert query["file_path"] == [str(path)]
        lines.add(int(query["line"][0]))
    assert line_of("balance Assets:Banque") in lines and len(lines) == min(count, 5)
    # The reconciliation is not shown green while the ledger has errors.
    assert 'data-value="closed"' not in html
