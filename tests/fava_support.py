"""Helpers for the Fava extension tests: the app on a ledger, the page's figures, the CLI's JSON."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from typing import Any

from click.testing import CliRunner
from fava.application import create_app

from beancount_hn.cli import main

EXAMPLE = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir, "ledger_example",
                                       "main.beancount"))


def fava_app(path: str):
    """A Fava Flask app on ``path`` (loaded now), in testing mode."""
    os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    app = create_app([os.path.abspath(path)], load=True)
    app.testing = True
    return app


def slug_of(app) -> str:
    (slug,) = list(app.config["LEDGERS"].items())[:1]
    return slug[0]


def ledger_of(app):
    return app.config["LEDGERS"][slug_of(app)]


class PageFigures(HTMLParser):
    """Collects ``data-hn``/``data-value`` attributes, links and text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.attrs: dict[str, dict[str, str]] = {}
        self.links: dict[str, str] = {}  # data-hn of the cell -> href of the link inside it
        self.hrefs: list[str] = []
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if "data-hn" in found:
            key = found["data-hn"]
            self.values[key] = found.get("data-value", "")
            self.attrs[key] = found
            self._cell = key
        if tag == "a" and "href" in found:
            self.hrefs.append(found["href"])
            if self._cell is not None:
                self.links[self._cell] = found["href"]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "span"):
            self._cell = None


def page_figures(html: str) -> PageFigures:
    parser = PageFigures()
    parser.feed(html)
    return parser


def cli_json(*args: str) -> Any:
    """Run ``hn ARGS --format json`` and parse its standard output."""
    result = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cli_bytes(*args: str) -> bytes:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes
