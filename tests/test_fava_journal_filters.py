"""The journal behind each 2035 line: a short filter that Fava reads as exactly its entries.

Fava repeats the filter in every account link of the journal it shows, so the
filter of a line backed by a thousand FSE lots must stay short: the readable
``any(account:…) date:"^YYYY-"`` corrected by the few entries it shows too many
(an invoice of the year still unpaid on 31 December) or too few (one of the
previous year paid in January), not a list of every line.

The page does not carry that filter: it links to the extension's short route
``journal?annee=YYYY&ligne=AA``, which redirects to Fava's journal with it.
"""

from __future__ import annotations

import tempfile
import textwrap
from urllib.parse import parse_qs, unquote, urlsplit

from beancount.core import data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.fava.figures import LedgerFigures
from beancount_hn.fava.journal import EntryLocator, journal_entries
from tests.fava_support import fava_app, ledger_of, slug_of
from tests.ledgers import ledger_text, line_of, load, write_ledger

ACCOUNTS = """
2024-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
  tva: "exoneree"
2024-01-01 open Income:Honoraires:Bilans
  convention: "non-conventionne"
  tva: "exoneree"
2024-01-01 open Expenses:Loyer
  ligne-2035: "BF"
"""


def _invoice(day: str, number: str, account: str, cents: int, paid: str | None) -> str:
    text = (f'{day} * "Patient" "Séance" ^{number}\n  facture: "{number}"\n'
            f"  Assets:Creances:Patients  {cents / 100:.2f} EUR\n  {account}  {-cents / 100:.2f} EUR\n\n")
    if paid is not None:
        text += (f'{paid} * "Patient" "Règlement" ^{number}\n  Assets:Banque  {cents / 100:.2f} EUR\n'
                 f"  Assets:Creances:Patients  {-cents / 100:.2f} EUR\n\n")
    return text


def _expected(figures: LedgerFigures, year: int, code: str) -> set[int]:
    form = figures.form(year)
    return {id(figures.locator.entry_at(c.meta)) for c in form.explain(code)}


def test_line_aa_is_the_years_receipts_corrected_by_the_entries_across_the_new_year() -> None:
    invoices = [_invoice(f"2025-{month:02d}-{day:02d}", f"F-2025-{10 * (month - 2) + day:04d}",
                         "Income:Honoraires:HN", 4000 + day, f"2025-{month:02d}-{day + 10:02d}")
                for month in range(2, 12) for day in range(1, 11)]
    invoices.append(_invoice("2024-12-20", "F-2024-0001", "Income:Honoraires:Bilans", 6000, "2025-01-10"))
    invoices.append(_invoice("2025-12-22", "F-2025-0101", "Income:Honoraires:HN", 5000, "2026-01-08"))
    text = ACCOUNTS + "".join(sorted(invoices))
    entries, errors, options = load(text)
    assert errors == []
    figures = LedgerFigures(entries, options)
    aa = figures.line_filters(2025)["AA"]
    shown = journal_entries(aa.filter, entries)
    assert aa.exact and aa.count == 101 and {id(e) for e in shown} == _expected(figures, 2025, "AA")
    # The year's receipts, minus the invoice of December paid in 2026, plus that of 2024 paid in 2025.
    assert aa.filter.startswith('((any(account:"^Income:Honoraires:(Bilans|HN)$") date:"^2025-") -(')
    assert f'lineno:"^({line_of(text, "F-2025-0101")})$"' in aa.filter
    assert f'lineno:"^({line_of(text, "F-2024-0001")})$"' in aa.filter
    listing = EntryLocator(entries).filter_for([e for e in entries if id(e) in {id(s) for s in shown}])
    assert listing is not None and listing.exact and len(aa.filter) < len(listing.filter) / 2


@st.composite
def years_of_invoices(draw) -> str:
    invoices = []
    for n in range(draw(st.integers(1, 25))):
        day = draw(st.dates(min_value=__import__("datetime").date(2024, 11, 1),
                            max_value=__import__("datetime").date(2026, 2, 28)))
        lag = draw(st.sampled_from([None, 0, 5, 40, 90]))
        paid = None if lag is None else str(day + __import__("datetime").timedelta(days=lag))
        account = draw(st.sampled_from(["Income:Honoraires:HN", "Income:Honoraires:Bilans"]))
        invoices.append(_invoice(str(day), f"F-{day.year}-{n + 1:04d}", account, draw(st.integers(1, 6999)), paid))
    rent = draw(st.booleans())
    text = ACCOUNTS + "".join(sorted(invoices))
    if rent:
        text += '2025-06-05 * "SCI" "Loyer"\n  Expenses:Loyer  700.00 EUR\n  Assets:Banque\n'
    return text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(years_of_invoices())
def test_every_exact_line_filter_shows_what_the_line_explains_in_fava(text: str) -> None:
    entries, errors, options = load(text)
    assert [e for e in errors if "F-" not in e.message] == []  # numbering gaps are the test's own
    figures = LedgerFigures(entries, options)
    for year in (2024, 2025, 2026):
        form = figures.form(year)
        for code, journal in figures.line_filters(year).items():
            wanted = [figures.locator.entry_at(c.meta) for c in form.explain(code)]
            assert journal.count == len({id(e) for e in wanted if e is not None})
            if journal.exact:
                shown = journal_entries(journal.filter, entries)
                assert {id(e) for e in shown} == {id(e) for e in wanted}, (code, journal.filter)
                assert all(not isinstance(e, data.Custom) for e in shown)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(years_of_invoices())
def test_the_short_route_of_each_line_lands_on_the_same_entries_as_its_filter(text: str) -> None:
    body = textwrap.dedent(text) + '2024-01-01 custom "fava-extension" "beancount_hn.fava"\n'
    with tempfile.TemporaryDirectory() as folder:
        path = write_ledger(folder, ledger_text(body), "livre.beancount")
        app = fava_app(path)
        client = app.test_client()
        ledger = ledger_of(app)
        figures = ledger.extensions.get_extension("Cabinet").figures
        entries = ledger.all_entries
        base = f"/{slug_of(app)}/extension/Cabinet/"
        for year in (2024, 2025, 2026):
            form = figures.form(year)
            for code, journal in figures.line_filters(year).items():
                route = f"{base}journal?annee={year}&ligne={code}"
                assert len(unquote(route)) <= 120
                response = client.get(route)
                assert response.status_code == 302, (code, response.data[:300])
                location = urlsplit(response.headers["Location"])
                assert unquote(location.path) == f"/{slug_of(app)}/journal/"
                (filter_text,) = parse_qs(location.query)["filter"]
                assert filter_text == journal.filter
                if journal.exact:
                    wanted = {id(figures.locator.entry_at(c.meta)) for c in form.explain(code)}
                    assert {id(e) for e in journal_entries(filter_text, entries)} == wanted, (code, filter_text)
        assert client.get(f"{base}journal?annee=2025&ligne=ZZ").status_code == 404
        assert client.get(f"{base}journal?annee=deux&ligne=AA").status_code == 404
