"""Fava extension "Cabinet": the practice's year at a glance, on the same figures as ``hn``.

Enable it with one line in the ledger::

    2024-09-01 custom "fava-extension" "beancount_hn.fava"

The sidebar then has a "Cabinet" page for the year of Fava's time filter
(default: the latest year with receipts) with:

* the receipts received, split conventionné / dépassements / non conventionné,
  with their shares, a monthly chart and the previous year beside;
* the 293 B VAT franchise as a gauge: counted turnover against the warning,
  base and majoré thresholds, crossing dates, projection, status;
* the invoice numbering per series (last number, gaps, duplicates, voided
  numbers, credit notes) and the invoices unpaid on 31 December, with age;
* the 2035-A and 2035-B line by line, each amount a link to Fava's journal
  filtered to the entries behind it, the treasury reconciliation and the
  social split; downloads of the 2035 (CSV/JSON), FEC, livre-journal, registre
  and the whole ``hn export`` bundle (zip, optionally pseudonymised);
* the errors of the beancount-hn plugins, each linked to its line.

Fava's account and advanced (tag, payee…) filters narrow the receipts and the
unpaid invoices; the 2035, the VAT and the numbering always cover the whole
ledger (a partial 2035 means nothing). Figures are computed once per ledger
load (``after_load_file`` drops them) by the same core functions as the CLI.

May import: ``core``, ``tax``, ``invoicing``, ``render`` and ``exports`` (its
downloads are the CLI's files); nothing imports it but Fava.
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from flask import Response, redirect, request, url_for
from fava.context import g
from fava.core.filters import FilterError
from fava.ext import FavaExtensionBase, extension_endpoint

from beancount_hn.core import frtypo, gcpause
from beancount_hn.core.errors import error_type
from beancount_hn.core.loading import (MAX_YEAR, MIN_YEAR, chain_errors, errors_json, in_french,
                                       merge_errors)
from beancount_hn.fava import downloads as _downloads
from beancount_hn.fava import journal as _journal
from beancount_hn.fava.figures import LedgerFigures
from beancount_hn.fava.view import Page, build_page
from beancount_hn.render.form2035 import to_json_dict
from beancount_hn.render.invoices import render_json

if TYPE_CHECKING:  # pragma: no cover
    from fava.core import FavaLedger

#: The error of a year ``hn 2035 --year`` refuses (``LedgerFigures.year_refusal``), shown on the page.
YearError = error_type("YearError")
#: What a date or account filter Fava cannot apply raises when the page reads it (Fava's own pages survive them).
_FILTER_FAILURES = (FilterError, ValueError, OverflowError, re.error)


class _FavaUrls:
    """Links to Fava's own pages, keeping its conversion/interval parameters."""

    def __init__(self, extension: str) -> None:
        self.extension = extension

    def journal(self, filter_text: str) -> str:
        # No time or account filter: an invoice of December settled in January counts in January.
        return url_for("report", report_name="journal", filter=filter_text, time=None, account=None)

    def line(self, year: int, code: str) -> str:
        # A short route of the extension that redirects to ``journal(filter)``: no long filter in the page.
        page = url_for("extension_report", extension_name=self.extension, time=None, account=None,
                       filter=None)
        return f"{page}{_journal.line_route(year, code)}"

    def source(self, filename: str, lineno: int) -> str | None:
        if g.ledger.fava_options.use_external_editor:
            return f"beancount://{filename}?lineno={lineno}"
        return url_for("report", report_name="editor", file_path=filename, line=str(lineno))

    def year(self, year: int) -> str:
        return url_for("extension_report", extension_name=self.extension, time=str(year))

    def download(self, endpoint: str, year: int) -> str:
        # flask.url_for cannot take a route variable called "endpoint": append it to the page's URL.
        page = url_for("extension_report", extension_name=self.extension, time=None, account=None,
                       filter=None)
        return f"{page}{endpoint}?{urlencode({'year': year})}"


class Cabinet(FavaExtensionBase):
    """The "Cabinet" report page of beancount-hn."""

    report_title = "Cabinet"

    def __init__(self, ledger: FavaLedger, config: str | None = None) -> None:
        super().__init__(ledger, config)
        frtypo.load_locale_data()  # with Fava's start, not its first page
        self._lock = threading.Lock()
        self._figures: LedgerFigures | None = None
        #: Why the last downloads failed, by the token of the page that shows it (``?echec=``):
        #: tokens are never reused, and a new load of the ledger forgets them (fixed since, maybe).
        self._download_failures: dict[str, str] = {}
        self._failure_tokens = itertools.count(1)

    def after_load_file(self) -> None:
        with self._lock:
            if self._figures is not None:
                gcpause.thaw()  # the previous load's objects: collectable again
            self._figures = None
            self._download_failures.clear()

    @property
    def figures(self) -> LedgerFigures:
        """The figures of the current ledger load (built on first use)."""
        with self._lock:
            if self._figures is None:
                # The loaded ledger lives until the next load: the collector need not walk it
                # on every full collection of what the pages make (see gcpause.freeze_loaded).
                gcpause.freeze_loaded()
                self._figures = LedgerFigures(
                    self.ledger.all_entries, self.ledger.options,
                    ledger_errors=self._located(self.ledger.load_errors) + self._chain_errors(),
                    ledger_name=self.ledger.beancount_file_path)
            return self._figures

    def _located(self, errors: Sequence[Any]) -> list:
        """``errors`` as ``hn`` gives them (``loading.in_french``): a missing or repeated include at
        its ``include`` line (Beancount says « <load>:0 »), Beancount's common messages in French."""
        return in_french(list(errors), self.ledger.options)

    def _chain_errors(self) -> list:
        """The error of a ledger that does not load the plugin chain (``loading.chain_errors``)."""
        return chain_errors(self.ledger.beancount_file_path, self.ledger.options)

    # --- Fava's filters ----------------------------------------------------------------------

    def _year_and_notices(self) -> tuple[int, list[str]]:
        figures = self.figures
        time = request.args.get("time", "").strip()
        try:
            date_range = g.filtered.date_range
        except _FILTER_FAILURES:
            date_range = None
            if time:
                year = figures.default_year()
                return year, [f"Filtre de dates « {time} » non compris : la page montre l'exercice {year} "
                              "(écrivez une année, par exemple 2025)."]
        if date_range is None:
            return figures.default_year(), []
        first, last = date_range.begin.year, date_range.end_inclusive.year
        if not (MIN_YEAR <= first and last <= MAX_YEAR):  # as hn --year refuses it (9999 overflows dates)
            year = figures.default_year()
            return year, [f"Filtre de dates « {time} » hors des années {MIN_YEAR}–{MAX_YEAR} : la page montre "
                          f"l'exercice {year} (écrivez une année, par exemple {year})."]
        if first == last:
            whole = (date_range.begin == datetime.date(first, 1, 1)
                     and date_range.end_inclusive == datetime.date(first, 12, 31))
            if whole:
                return first, []
            return first, [f"Le filtre de dates « {time} » couvre moins d'une année (du "
                           f"{frtypo.date(date_range.begin)} au {frtypo.date(date_range.end_inclusive)}) : "
                           f"la page montre l'exercice {first} entier, du 1er janvier au 31 décembre."]
        return last, [f"Le filtre de dates couvre {first}–{last} : la page montre l'exercice {last} "
                      "(choisissez une année dans le filtre de dates pour une autre)."]

    def _kept(self) -> tuple[frozenset[int] | None, list[str]]:
        """Ids of the entries Fava's account and advanced filters keep (None: no such filter)."""
        account = request.args.get("account", "")
        advanced = request.args.get("filter", "")
        if not account and not advanced.strip():
            return None, []
        try:
            filtered = self.ledger.get_filtered(account=account, filter=advanced, time="")
        except _FILTER_FAILURES:
            return None, [f"Filtre ignoré : « {advanced or account} » non compris par Fava."]
        return frozenset(id(e) for e in filtered.entries), [
            "Filtre actif : les recettes par statut et les factures impayées ne portent que sur les "
            "écritures retenues par le filtre (la recette ou son règlement). La 2035, la TVA et la "
            "numérotation portent toujours sur tout le livre."]

    def _requested_year(self) -> tuple[int, str]:
        """The ``?year=`` of a download, and why ``hn 2035 --year`` would refuse it ("" if it would not).

        Never another year in its place: a year that is not a number, outside 1900–2999 or
        without any transaction is refused (the year returned is then the page's, to go back to).
        """
        raw = request.args.get("year", "").strip()
        if not raw:
            year = self._year_and_notices()[0]
            return year, self.figures.year_refusal(year)
        try:
            year = int(raw)
        except ValueError:
            return self._year_and_notices()[0], (f"exercice « {raw} » non compris : écrivez une année "
                                                 f"entre {MIN_YEAR} et {MAX_YEAR}, par exemple 2025")
        refusal = self.figures.year_refusal(year)
        if refusal and not MIN_YEAR <= year <= MAX_YEAR:
            return self._year_and_notices()[0], refusal
        return year, refusal

    # --- the page ----------------------------------------------------------------------------

    @gcpause.gc_paused()
    def page(self) -> Page:
        """Everything the template shows, for the current request's filters.

        One pause of the collector for the whole page: its figures make objects by the
        hundred thousand, and those the figures keep (cached until the next load) are set
        apart like the ledger (``gcpause.freeze_loaded``) before the collector runs again.
        """
        try:
            return self._page()
        finally:
            gcpause.freeze_loaded()

    def _page(self) -> Page:
        year, notices = self._year_and_notices()
        kept, filter_notices = self._kept()
        urls = _FavaUrls(self.name)
        why_not = _downloads.unavailable_reason(self.figures, year)
        names = _downloads.available()
        offered = [] if why_not else [(_downloads.DOWNLOADS[name][0], urls.download(name, year))
                                      for name in names]
        unavailable = [(_downloads.DOWNLOADS[name][0], why_not) for name in names] if why_not else []
        failed = self._download_failures.get(request.args.get("echec", ""))
        if failed:
            notices = [f"Téléchargement impossible — {failed}", *notices]
        return build_page(self.figures, year, urls, notices=notices + filter_notices, kept=kept,
                          errors=[*self._chain_errors(), *self._located(self.ledger.errors)], downloads=offered,
                          unavailable=unavailable, refusal=self._refusal(year))

    def _refusal(self, year: int) -> list:
        """The error of a year ``hn 2035 --year`` refuses for want of transactions, as an error of the
        ledger's main file (a year before the books has its ``coverage_errors`` instead)."""
        message = self.figures.year_refusal(year)
        if not message or self.figures.coverage(year):
            return []
        path = self.ledger.beancount_file_path
        message = message.removeprefix(f"{path} : ")
        return [YearError({"filename": path, "lineno": 1}, message, None)]

    # --- downloads ---------------------------------------------------------------------------

    def _download(self, name: str) -> Response | tuple[str, int]:
        label, make, _ = _downloads.DOWNLOADS[name]
        if name not in _downloads.available():
            return f"{label} : indisponible dans cette installation de beancount-hn", 404
        year, refusal = self._requested_year()
        if self.figures.before_books(year):  # greyed out on the page; a link typed or kept says why too
            return self._failed(f"{label} {year} : {_downloads.unavailable_reason(self.figures, year)}", year)
        if refusal:  # as ``hn 2035 --year`` / ``hn export --year``: never a file of zeros or of another year
            asked = request.args.get("year", "").strip() in ("", str(year))
            return self._failed(f"{label}{f' {year}' if asked else ''} : {refusal}", year)
        try:
            made = make(self.figures, year)
        except _downloads.DownloadError as exc:
            return self._failed(f"{label} {year} : {exc}", year)
        # ``content_type`` as is: ``mimetype`` would append a second charset to a typed text.
        return Response(made.content, content_type=made.mimetype,
                        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'})

    def _failed(self, message: str, year: int) -> Response:
        """Back to the page, which shows why the file could not be made (never a silent failed download)."""
        with self._lock:
            token = str(next(self._failure_tokens))
            self._download_failures[token] = message
            if len(self._download_failures) > 64:  # the oldest goes: a page asked for long ago
                del self._download_failures[next(iter(self._download_failures))]
        page = url_for("extension_report", extension_name=self.name, time=str(year), echec=token)
        return redirect(page, code=303)

    @extension_endpoint(_journal.LINE_ENDPOINT)
    def journal(self) -> Response | tuple[str, int]:
        """``?annee=2025&ligne=AA``: Fava's journal of exactly the entries behind that 2035 line."""
        line = _journal.line_from_query(request.args)
        found = self.figures.line_filters(line[0]).get(line[1]) if line is not None else None
        if found is None:
            return "Ligne de la 2035 inconnue ou sans écriture pour cette année", 404
        return redirect(_FavaUrls(self.name).journal(found.filter), code=302)

    @extension_endpoint
    def form2035_csv(self) -> Response | tuple[str, int]:
        """The 2035 of ``?year=`` as ``hn 2035 --format csv`` writes it."""
        return self._download("form2035_csv")

    @extension_endpoint
    def form2035_json(self) -> Response | tuple[str, int]:
        """The 2035 of ``?year=`` as ``hn 2035 --format json`` writes it."""
        return self._download("form2035_json")

    @extension_endpoint
    def fec(self) -> Response | tuple[str, int]:
        """The FEC of ``?year=``."""
        return self._download("fec")

    @extension_endpoint
    def livre_journal(self) -> Response | tuple[str, int]:
        """The livre-journal des recettes et dépenses of ``?year=`` (CSV)."""
        return self._download("livre_journal")

    @extension_endpoint
    def registre(self) -> Response | tuple[str, int]:
        """The registre des immobilisations of ``?year=`` (CSV)."""
        return self._download("registre")

    @extension_endpoint
    def bundle(self) -> Response | tuple[str, int]:
        """The ``hn export`` bundle of ``?year=`` as a zip."""
        return self._download("bundle")

    @extension_endpoint
    def bundle_pseudonymise(self) -> Response | tuple[str, int]:
        """The same with patients pseudonymised (``hn export --pseudonymise``)."""
        return self._download("bundle_pseudonymise")

    @extension_endpoint
    def figures_json(self) -> dict[str, Any]:
        """The year's figures as the CLI prints them: ``hn 2035``, ``hn vat``, ``hn invoices`` (JSON,
        each with ``--year``)."""
        year, refusal = self._requested_year()
        if refusal:
            return {"year": year, "final": False, "erreur": refusal}
        figures = self.figures
        vat = figures.vat.years.get(year)
        # As ``hn vat --year --format json`` judges it: the ledger's errors, the analysis's, the year's.
        vat_errors = [] if vat is None else merge_errors(figures.loaded, [*figures.vat.errors, *vat.errors])
        return {
            "year": year,
            "2035": to_json_dict(figures.form(year), figures.errors),
            "vat": None if vat is None else {"final": not vat_errors, "errors": errors_json(vat_errors),
                                             "years": [vat.to_json()]},
            "invoices": json.loads(render_json(figures.invoices(year), figures.errors)),
        }
