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

import os
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from beancount_hn.form2035 import compute_2035
from beancount_hn.ledger import LedgerIndex
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


@pytest.fixture(scope="module")
def live_fava() -> Iterator[tuple[str, object]]:
    """Fava on the example ledger, served on 127.0.0.1 by a thread; stopped at the end."""
    app = fava_app(EXAMPLE)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="fava-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{slug_of(app)}", app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


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
