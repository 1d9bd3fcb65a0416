"""The Cabinet page in a real browser: Debian's Chromium, driven by Playwright, on a live Fava.

Fava serves the example ledger on 127.0.0.1 (a free port, a thread of this
test); the browser opens the Cabinet page, clicks the amount of a 2035 line
and checks that Fava's journal lists the postings behind it. Screenshots go to
``tests/artifacts/`` (git-ignored).

Playwright drives ``/usr/bin/chromium`` (``apt-get install chromium``); it never
downloads a browser. Locally the test is skipped when that browser is absent;
with ``CI`` set it fails instead (``.ci/run`` installs it).
"""

from __future__ import annotations

import contextlib
import os
import textwrap
import threading
from collections.abc import Iterator
from urllib.parse import urljoin

import pytest
from werkzeug.serving import make_server

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.tax.form2035 import compute_2035
from tests.fava_support import EXAMPLE, fava_app, ledger_of, slug_of

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = os.path.join(os.path.dirname(__file__), "artifacts")
YEAR, LINE = 2025, "BF"  # loyer: one posting per month, paid from the bank


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and the browser test cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright_api():
    if not os.path.exists(CHROMIUM):
        _unavailable(f"{CHROMIUM} is absent (Debian's chromium: apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as api:
        yield api


@contextlib.contextmanager
def serve(path: str) -> Iterator[tuple[str, object]]:
    """Fava on ``path``, served on 127.0.0.1 by a thread; stopped at the end."""
    app = fava_app(path)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="fava-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{slug_of(app)}", app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="module")
def live_fava() -> Iterator[tuple[str, object]]:
    """Fava on the example ledger."""
    with serve(EXAMPLE) as served:
        yield served


@pytest.fixture(scope="module")
def browser(playwright_api):
    launched = playwright_api.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    try:
        yield launched
    finally:
        launched.close()


# The page is wider than the window: what sticks out of the viewport, outside a scrolling table.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('.hn-cabinet *')) {
    if (el.closest('.hn-scroll') || el.closest('svg')) continue;
    const box = el.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1)) out.push(el.tagName + '.' + el.className + ' ' + Math.round(box.right));
  }
  // Fava scrolls its <article>, not the document: both must be as wide as the window.
  const article = document.querySelector('article');
  const scroll = Math.max(document.documentElement.scrollWidth,
                          article ? article.scrollWidth - article.clientWidth + width : 0);
  return {scroll, width, out: out.slice(0, 10)};
}"""


def expected_transactions(app) -> list[tuple[str, str]]:
    """(payee, narration) of the transactions behind LINE in YEAR, from the core."""
    ledger = ledger_of(app)
    entries = ledger.all_entries
    form = compute_2035(entries, LedgerIndex.build(entries, ledger.options), YEAR)
    behind = {(c.meta["filename"], c.meta["lineno"]) for c in form.explain(LINE)}
    return sorted((e.payee or "", e.narration) for e in entries if hasattr(e, "postings") and any(
        p.meta and (p.meta.get("filename"), p.meta.get("lineno")) in behind for p in e.postings))


def test_click_a_2035_line_and_land_on_its_postings(playwright_api, live_fava):
    base, app = live_fava
    expected = expected_transactions(app)
    assert len(expected) == 12
    os.makedirs(ARTIFACTS, exist_ok=True)
    browser = playwright_api.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 4300}, locale="fr-FR")
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base}/extension/Cabinet/?time={YEAR}")
        link = page.locator(f'td[data-hn="2035.lines.{LINE}"] a')
        link.wait_for(state="visible", timeout=20000)
        assert page.locator("h2", has_text=f"Cabinet — exercice {YEAR}").count() == 1
        assert page.locator("svg.hn-chart rect").count() > 12
        assert page.locator("svg.hn-gauge").count() == 1
        page.screenshot(path=os.path.join(ARTIFACTS, "fava-cabinet.png"), full_page=True)
        amount = link.inner_text()

        link.click()
        page.wait_for_url("**/journal/**", timeout=20000)
        rows = page.locator("ol.journal > li.transaction")
        rows.first.wait_for(state="visible", timeout=20000)
        page.set_viewport_size({"width": 1400, "height": 700})
        page.screenshot(path=os.path.join(ARTIFACTS, "fava-cabinet-journal.png"))
        texts = [rows.nth(i).text_content() or "" for i in range(rows.count())]
        assert len(texts) == len(expected), texts
        for payee, narration in expected:
            assert any(payee in text and narration in text for text in texts), narration
        assert all("Expenses:Loyer" in text for text in texts)  # the postings of the line
        assert "Expenses:Loyer" in (page.locator("header input").last.input_value() or "")
        assert amount == "8\u202f400"
        assert not errors, errors
    finally:
        browser.close()


@pytest.mark.parametrize("width", [390, 1024, 1280])
def test_no_horizontal_overflow_and_key_figures_first(browser, live_fava, width):
    base, _ = live_fava
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{base}/extension/Cabinet/?time={YEAR}")
        keys = page.locator("#hn-synthese li a")
        keys.first.wait_for(state="visible", timeout=20000)
        assert keys.count() == 5
        assert page.locator('#hn-synthese [data-hn="key.AA"]').inner_text() == "110\u202f400,89\u00a0€"
        assert keys.first.bounding_box()["y"] < page.locator("#hn-recettes").bounding_box()["y"]
        measured = page.evaluate(OVERFLOW)
        assert measured["scroll"] <= measured["width"], measured
        assert not measured["out"], measured
        # Cents are visible, not cut: each amount of the receipts table fits in its cell.
        cell = page.locator('td[data-hn="split.conventionne"]')
        assert "," in cell.inner_text()
        assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth",
                             cell.element_handle())
        # The chart shrinks with the screen.
        chart = page.locator("svg.hn-chart").bounding_box()
        assert chart["width"] <= width
        if width in (390, 1280):
            os.makedirs(ARTIFACTS, exist_ok=True)
            page.screenshot(path=os.path.join(ARTIFACTS, f"fava-cabinet-{width}.png"), full_page=True)
        keys.nth(4).click()  # the amount owed leads to the unpaid invoices
        page.wait_for_function("location.hash === '#hn-factures'")
        assert not errors, errors
    finally:
        page.close()


def test_error_banner_on_a_ledger_with_an_error(browser, tmp_path):
    path = tmp_path / "erreur.beancount"
    path.write_text(textwrap.dedent("""\
        option "title" "Cabinet en erreur"
        option "operating_currency" "EUR"
        plugin "beancount_hn.plugins.all"
        2025-01-01 custom "fava-extension" "beancount_hn.fava"
        2025-01-01 custom "hn-option" "treasury" Assets:Banque
        2025-01-01 open Assets:Banque
        2025-01-01 open Income:Honoraires:HN
          convention: "non-conventionne"
          tva: "exoneree"
        2025-02-03 * "Mme A" "Séance"
          Assets:Banque                 50.00 EUR
          Income:Honoraires:HN
        2025-04-01 balance Assets:Banque  1.00 EUR
        """), encoding="utf-8")
    with serve(str(path)) as (base, _):
        page = browser.new_page(viewport={"width": 390, "height": 800}, locale="fr-FR")
        try:
            page.goto(f"{base}/extension/Cabinet/?time=2025")
            banner = page.locator("#hn-banner")
            banner.wait_for(state="visible", timeout=20000)
            assert "1 erreur dans le livre" in banner.inner_text()
            assert banner.bounding_box()["y"] < page.locator("h2").bounding_box()["y"]
            link = banner.locator("a").first
            assert "line=13" in (link.get_attribute("href") or "")
            assert page.locator('[data-hn="reconciliation.badge"]').get_attribute("data-value") != "closed"
            measured = page.evaluate(OVERFLOW)
            assert measured["scroll"] <= measured["width"], measured
            os.makedirs(ARTIFACTS, exist_ok=True)
            page.screenshot(path=os.path.join(ARTIFACTS, "fava-cabinet-erreur-390.png"))
            link.click()
            page.wait_for_url("**/editor/**", timeout=20000)
        finally:
            page.close()


@contextlib.contextmanager
def opened(browser, url: str, width: int = 1024) -> Iterator[object]:
    """The page at ``url``, once its title is shown; closed after, with no script error on it."""
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="fr-FR")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(url)
        page.locator("h2", has_text="Cabinet").first.wait_for(state="visible", timeout=20000)
        yield page
        assert not errors, errors
    finally:
        page.close()


def test_a_time_filter_narrower_than_a_year_says_so(browser, live_fava):
    with opened(browser, f"{live_fava[0]}/extension/Cabinet/?time=2025-Q2", width=390) as page:
        notice = page.locator(".hn-notice").first
        notice.wait_for(state="visible", timeout=20000)
        text = notice.inner_text()
        assert "« 2025-Q2 » couvre moins d'une année" in text and "1er avril 2025" in text
        assert "l'exercice 2025 entier" in text
        assert page.locator("h2", has_text="Cabinet — exercice 2025").count() == 1
        measured = page.evaluate(OVERFLOW)
        assert measured["scroll"] <= measured["width"], measured


def test_an_empty_year_says_no_receipt(browser, live_fava):
    with opened(browser, f"{live_fava[0]}/extension/Cabinet/?time=2030") as page:
        receipts = page.locator("#hn-recettes").inner_text()
        assert "aucune recette" in receipts.lower() and "100\u202f%" not in receipts
        assert page.locator("svg.hn-chart").count() == 0
        # No movement: the downloads are greyed out with their reason, not offered.
        assert page.locator(".hn-downloads a.button").count() == 0
        assert page.locator(".hn-downloads .hn-disabled").count() > 0
        assert "aucune écriture en 2030" in page.locator(".hn-unavailable").inner_text()


def test_each_download_has_one_charset(browser, live_fava):
    with opened(browser, f"{live_fava[0]}/extension/Cabinet/?time={YEAR}") as page:
        links = page.locator(".hn-downloads a.button")
        hrefs = [links.nth(i).get_attribute("href") or "" for i in range(links.count())]
        assert len(hrefs) >= 2, hrefs
        types = {}
        for href in hrefs:  # what the browser gets for each button of the page
            response = page.request.get(urljoin(page.url, href))
            assert response.status == 200, (href, response.status)
            assert "attachment" in response.headers.get("content-disposition", ""), href
            types[href] = response.headers["content-type"]
            assert types[href].lower().count("charset") <= 1, (href, types[href])
        assert "text/csv; charset=utf-8" in types.values(), types


def test_a_failed_download_shows_its_message_on_the_page(browser, live_fava):
    with opened(browser, f"{live_fava[0]}/extension/Cabinet/?time={YEAR}") as page:
        link = page.locator(".hn-downloads a.button[href*='/fec?']")
        assert link.count() == 1
        # The FEC of a year without any movement cannot be made: the button, aimed at such a year.
        link.evaluate("(a) => { a.href = a.href.replace('year=2025', 'year=2030'); }")
        link.click()
        page.wait_for_url("**echec=**", timeout=20000)
        notice = page.locator(".hn-notice", has_text="Téléchargement impossible")
        notice.wait_for(state="visible", timeout=20000)
        assert "2030" in notice.inner_text()
