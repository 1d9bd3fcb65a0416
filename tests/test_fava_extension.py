"""The Fava extension "Cabinet" on the example ledger: page, figures = the CLI's JSON, links, downloads."""

from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from beancount.core import data

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.fava import Cabinet
from beancount_hn.tax.form2035 import compute_2035
from tests.fava_support import EXAMPLE, cli_bytes, cli_json, fava_app, ledger_of, page_figures, slug_of


@pytest.fixture(scope="module")
def app():
    return fava_app(EXAMPLE)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def base(app) -> str:
    return f"/{slug_of(app)}/extension/Cabinet/"


def get_page(client, base: str, **params: str):
    response = client.get(base, query_string=params)
    assert response.status_code == 200, response.data[:2000]
    html = response.get_data(as_text=True)
    return html, page_figures(html)


def test_the_ledger_line_enables_the_extension(app):
    ledger = ledger_of(app)
    details = ledger.extensions.extension_details
    assert [(d.name, d.report_title) for d in details] == [("Cabinet", "Cabinet")]
    assert isinstance(ledger.extensions.get_extension("Cabinet"), Cabinet)
    assert not ledger.errors


def test_default_year_is_the_latest_year_with_receipts(client, base):
    # 2026 only holds January payments of 2025 invoices: no receipt posting, so 2025.
    html, page = get_page(client, base)
    assert "Cabinet — exercice 2025" in html
    assert page.values["2035.lines.AA"] == cli_json("2035", EXAMPLE, "--year", "2025")["lines"]["AA"]


@pytest.mark.parametrize("year", [2024, 2025])
def test_2035_lines_social_split_and_reconciliation_equal_the_cli(client, base, year):
    _, page = get_page(client, base, time=str(year))
    cli = cli_json("2035", EXAMPLE, "--year", str(year))
    for code, value in cli["lines"].items():
        assert page.values[f"2035.lines.{code}"] == value, code
        assert page.attrs[f"2035.lines.{code}"]["data-euros"] == str(cli["euros"][code]), code
    for code in ("DSCS", "DSAV", "DSAW", "non_conventionne"):
        assert page.values[f"2035.social.{code}"] == cli["social"][code]
    assert page.values["2035.social.DSAU"] == (cli["social"]["DSAU"] or "")
    rec = cli["reconciliation"]
    for key in ("treasury", "receipts", "expenses", "difference"):
        assert page.values[f"2035.reconciliation.{key}"] == rec[key]
    for group in ("neutral", "non_deductible"):
        for account, value in rec[group].items():
            assert page.values[f"2035.reconciliation.{group}.{account}"] == value
    assert rec["closed"]


def test_receipts_by_status_are_the_social_split_with_the_previous_year(client, base):
    _, page = get_page(client, base, time="2025")
    current = cli_json("2035", EXAMPLE, "--year", "2025")["social"]
    previous = cli_json("2035", EXAMPLE, "--year", "2024")["social"]
    for prefix, social in (("split", current), ("split.previous", previous)):
        assert page.values[f"{prefix}.conventionne"] == social["conventionne"]
        assert page.values[f"{prefix}.depassement"] == social["DSAW"]
        assert page.values[f"{prefix}.non-conventionne"] == social["non_conventionne"]
        assert page.values[f"{prefix}.total"] == social["DSCS"]
    assert current["DSAV"] != previous["DSAV"]  # the two columns are different years


@pytest.mark.parametrize("year", [2024, 2025])
def test_vat_gauge_figures_equal_the_cli(client, base, year):
    html, page = get_page(client, base, time=str(year))
    (cli,) = [y for y in cli_json("vat", EXAMPLE)["years"] if y["year"] == year]
    for key in ("counted_turnover", "taxable_by_default", "exempt_receipts", "warning_threshold",
                "base_threshold", "majore_threshold", "status"):
        assert page.values[f"vat.{key}"] == cli[key], key
    for key in ("projected_base_crossing", "projected_majore_crossing"):
        assert page.values[f"vat.{key}"] == (cli[key] or ""), key
    assert page.values["vat.next_year.franchise"] == json.dumps(cli["next_year"]["franchise"])
    assert 'class="hn-gauge"' in html
    if cli["warning_crossing_date"]:
        assert "franchi le" in html


def test_invoice_numbering_and_unpaid_equal_the_cli(client, base):
    _, page = get_page(client, base, time="2025")
    cli = cli_json("invoices", EXAMPLE, "--year", "2025")
    assert cli["series"], "the example has numbered invoices"
    for row in cli["series"]:
        key = f"invoices.series.{row['series']}.{row['year']}"
        assert page.values[f"{key}.last"] == row["last"]
        assert page.values[f"{key}.count"] == str(row["count"])
        assert page.values[f"{key}.missing"] == str(row["missing"])
    shown = {k.split(".")[2] for k in page.values if k.startswith("invoices.unpaid.")}
    assert shown == {item["number"] for item in cli["unpaid"]}
    for item in cli["unpaid"]:
        assert page.values[f"invoices.unpaid.{item['number']}.remaining"] == item["remaining"]
        assert page.values[f"invoices.unpaid.{item['number']}.age_days"] == str(item["age_days"])


def _expected_locations(ledger, year: int, code: str) -> set[tuple[str, int]]:
    """File and line of the entries behind a line: the transaction of each posting explained."""
    entries = ledger.all_entries
    form = compute_2035(entries, LedgerIndex.build(entries, ledger.options), year)
    owner: dict[tuple[str, int], tuple[str, int]] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.meta and "filename" in posting.meta:
                    owner[(posting.meta["filename"], posting.meta["lineno"])] = (
                        entry.meta["filename"], entry.meta["lineno"])
    # A contribution points at a posting, or at a directive's own line (barème option, disposal).
    return {owner.get(location, location)
            for location in ((c.meta["filename"], c.meta["lineno"]) for c in form.explain(code))}


@pytest.mark.parametrize("year", [2024, 2025])
def test_each_line_links_to_the_journal_of_exactly_its_entries(app, client, base, year):
    _, page = get_page(client, base, time=str(year))
    ledger = ledger_of(app)
    cli = cli_json("2035", EXAMPLE, "--year", str(year))
    linked = 0
    for code, value in cli["lines"].items():
        href = page.links.get(f"2035.lines.{code}")
        if value == "0.00":
            assert href is None, f"{code} is nil and must not link"
            continue
        assert href is not None, f"{code} ({value}) has no journal link"
        # A short readable link of the extension, redirecting to Fava's journal with the exact filter.
        assert unquote(href) == f"{base}journal?annee={year}&ligne={code}" and len(href) <= 120
        redirected = client.get(href)
        assert redirected.status_code == 302, redirected.data[:500]
        url = urlsplit(redirected.headers["Location"])
        assert unquote(url.path) == f"/{slug_of(app)}/journal/"
        query = parse_qs(url.query)
        assert "time" not in query and "account" not in query
        (filter_text,) = query["filter"]
        response = client.get(f"/{slug_of(app)}/api/journal", query_string={"filter": filter_text})
        assert response.status_code == 200, response.data[:500]
        shown = [(e["meta"]["filename"], e["meta"]["lineno"]) for e in response.json["data"]]
        assert len(shown) == len(set(shown)), f"{code}: an entry shown twice or a stray entry"
        assert set(shown) == _expected_locations(ledger, year, code), code
        linked += 1
    assert linked >= 20


def test_time_filter_chooses_the_year(client, base):
    html, _ = get_page(client, base, time="2024-10")
    assert "Cabinet — exercice 2024" in html
    html, _ = get_page(client, base, time="2024 - 2025")
    assert "Cabinet — exercice 2025" in html
    assert "Le filtre de dates couvre 2024–2025" in html


@pytest.mark.parametrize(("time", "span"), [("2025-Q2", "du 1er avril 2025 au 30 juin 2025"),
                                             ("2025-03", "du 1er mars 2025 au 31 mars 2025")])
def test_a_time_filter_narrower_than_a_year_says_so(client, base, time, span):
    html, page = get_page(client, base, time=time)
    assert "Cabinet — exercice 2025" in html
    assert f"Le filtre de dates « {time} » couvre moins d\'une année ({span})" in html.replace("&#39;", "\'")
    assert page.values["2035.lines.AA"] == cli_json("2035", EXAMPLE, "--year", "2025")["lines"]["AA"]
    html, _ = get_page(client, base, time="2025")
    assert "moins d" not in html


def test_a_meaningless_time_filter_says_so(client, base):
    html, _ = get_page(client, base, time="n\'importe quoi")
    assert "Filtre de dates « n" in html and "non compris" in html
    assert "Cabinet — exercice 2025" in html


def test_key_figures_come_first_and_link_to_their_sections(client, base):
    html, page = get_page(client, base, time="2025")
    cli = cli_json("2035", EXAMPLE, "--year", "2025")
    (vat,) = [y for y in cli_json("vat", EXAMPLE)["years"] if y["year"] == 2025]
    invoices = cli_json("invoices", EXAMPLE, "--year", "2025")
    assert html.index('id="hn-synthese"') < html.index('id="hn-recettes"')
    assert page.values["key.AA"] == cli["lines"]["AA"]
    assert page.values["key.BR"] == cli["lines"]["BR"]
    assert page.values["key.CP"] == cli["lines"]["CP"] and Decimal(cli["lines"]["CR"]) == 0
    assert "key.CR" not in page.values
    assert page.values["key.vat"] == vat["status"]
    invoiced = sum((Decimal(item["remaining"]) for item in invoices["unpaid"]), Decimal(0))
    owed = example_receivables(2025)  # the core's open items on 31 December, on a load of its own
    assert Decimal(page.values["key.unpaid"]) == owed.total > invoiced > 0  # the FSE lots too
    assert owed.lots and "Factures et FSE impayées" in html and f"{owed.lots} lots FSE" in html
    section = html[html.index('id="hn-synthese"'):html.index("</ul>", html.index('id="hn-synthese"'))]
    anchors = [h for h in page_figures(section).hrefs]
    assert anchors == ["#hn-recettes", "#hn-2035", "#hn-2035", "#hn-tva", "#hn-factures"]
    for anchor in set(anchors):
        assert f'id="{anchor[1:]}"' in html
    assert "110\u202f400,89\u00a0€" in section  # cents shown, French digits
    # No error: no banner, and the balanced reconciliation is green.
    assert 'id="hn-banner"' not in html
    assert 'data-hn="reconciliation.badge" data-value="closed"' in html


def example_receivables(year: int):
    import datetime

    from beancount import loader

    from beancount_hn.invoicing.invoice_report import open_receivables, receivables_cashbook
    from beancount_hn.core.ledger import LedgerIndex
    entries, _, options = loader.load_file(EXAMPLE)
    as_of = datetime.date(year, 12, 31)
    return open_receivables(receivables_cashbook(entries, LedgerIndex.build(entries, options), as_of), as_of)


def test_an_empty_year_says_no_receipt_instead_of_an_empty_chart(client, base):
    html, _ = get_page(client, base, time="2019")
    assert "Aucune recette encaissée en 2019." in html
    assert "hn-chart" not in html and "100\u202f%" not in html


def test_tooltips_are_french(client, base):
    html, _ = get_page(client, base, time="2025")
    assert "= AG − BR si positif" in html
    assert "if positive" not in html and "the same" not in html and "depuis-2025" not in html


def test_tag_and_account_filters_narrow_receipts_and_unpaid_invoices(client, base):
    cli = cli_json("2035", EXAMPLE, "--year", "2025")
    html, page = get_page(client, base, time="2025", filter="#non-conventionne")
    assert "Filtre actif" in html
    assert page.values["split.conventionne"] == "0.00"
    assert page.values["split.non-conventionne"] == cli["social"]["non_conventionne"]
    assert page.values["2035.lines.AA"] == cli["lines"]["AA"]  # the form never follows a filter
    assert "invoices.unpaid.F-2025-0052.remaining" in page.values  # an HN invoice

    html, page = get_page(client, base, time="2025", account="Income:Honoraires:Conventionnes")
    assert page.values["split.non-conventionne"] == "0.00"
    assert page.values["split.conventionne"] == cli["social"]["conventionne"]
    assert not any(k.startswith("invoices.unpaid.") for k in page.values)


def test_downloads_are_the_cli_files(client, base):
    html, page = get_page(client, base, time="2025")
    for endpoint in ("form2035_csv", "form2035_json", "fec", "livre_journal", "registre", "bundle",
                     "bundle_pseudonymise"):
        assert f"{base}{endpoint}?year=2025" in {unquote(h) for h in page.hrefs}, endpoint
    csv = client.get(f"{base}form2035_csv", query_string={"year": "2025"})
    assert csv.status_code == 200
    assert csv.headers["Content-Disposition"] == 'attachment; filename="2035-2025.csv"'
    assert csv.data == cli_bytes("2035", EXAMPLE, "--year", "2025", "--format", "csv")
    data = client.get(f"{base}form2035_json", query_string={"year": "2024"})
    assert data.json == cli_json("2035", EXAMPLE, "--year", "2024")
    fec = client.get(f"{base}fec", query_string={"year": "2025"})
    assert fec.status_code == 200
    assert fec.headers["Content-Disposition"] == 'attachment; filename="935919142FEC20251231.txt"'
    assert fec.data.startswith(b"JournalCode\tJournalLib\tEcritureNum")
    bundle = zipfile.ZipFile(io.BytesIO(client.get(f"{base}bundle", query_string={"year": "2025"}).data))
    assert "export-2025/SHA256SUMS" in bundle.namelist()
    assert json.loads(bundle.read("export-2025/2035-2025.json")) == cli_json("2035", EXAMPLE, "--year", "2025")
    # A file that cannot be made: back to the page, which says why (never a silent failed download).
    missing = client.get(f"{base}fec", query_string={"year": "2030"})
    assert missing.status_code == 303
    back = client.get(missing.headers["Location"])
    assert back.status_code == 200
    html = back.get_data(as_text=True)
    assert "Téléchargement impossible — FEC 2030 : " in html  # as hn export --year 2030 refuses it
    assert "aucune transaction en 2030 (exercice 2030)" in html
    assert "Cabinet — exercice 2030" in html
    # A year before the books (a link kept from before): refused with their coverage error.
    before = client.get(f"{base}form2035_csv", query_string={"year": "1999"})
    assert before.status_code == 303
    html = client.get(before.headers["Location"]).get_data(as_text=True)
    assert "Téléchargement impossible — 2035 (CSV) 1999 : le livre ne couvre pas 1999" in html


def test_one_charset_per_download(client, base):
    for endpoint in ("form2035_csv", "form2035_json", "fec", "livre_journal", "registre"):
        response = client.get(f"{base}{endpoint}", query_string={"year": "2025"})
        assert response.status_code == 200, endpoint
        content_type = response.headers["Content-Type"]
        assert content_type.count("charset") <= 1, (endpoint, content_type)
    assert client.get(f"{base}form2035_csv", query_string={"year": "2025"}).headers["Content-Type"] == \
        "text/csv; charset=utf-8"
    assert client.get(f"{base}fec", query_string={"year": "2025"}).headers["Content-Type"] == \
        "text/plain; charset=iso8859-15"


def test_downloads_of_a_year_without_movements_are_greyed_with_their_reason(client, base):
    html, page = get_page(client, base, time="2030")
    assert not any("form2035_csv" in h for h in page.hrefs)
    assert html.count('class="hn-disabled"') >= 2
    assert "aucune écriture en 2030 : rien à exporter pour cet exercice" in html


def test_figures_endpoint_is_the_cli_json(client, base):
    data = client.get(f"{base}figures_json", query_string={"year": "2025"}).json
    assert data["2035"] == cli_json("2035", EXAMPLE, "--year", "2025")
    assert data["invoices"] == cli_json("invoices", EXAMPLE, "--year", "2025")
    assert data["vat"] == cli_json("vat", EXAMPLE, "--year", "2025")


def test_figures_are_cached_until_the_ledger_is_reloaded(app, client, base):
    get_page(client, base)
    ledger = ledger_of(app)
    extension = ledger.extensions.get_extension("Cabinet")
    first = extension.figures
    assert extension.figures is first
    assert first.form(2025) is first.form(2025)
    ledger.load_file()
    assert extension.figures is not first
    get_page(client, base)


def test_line_29_comes_before_its_dont_box_and_one_part_header(client, base):
    html, _ = get_page(client, base, time="2025")
    rows = re.findall(r'<td class="num hn-line">([^<]*)</td><td class="hn-code">([^<]*)</td>', html)
    assert rows.index(("29", "")) + 1 == rows.index(("29", "BY"))
    for table in re.findall(r"<table.*?</table>", html, re.S):
        assert len(re.findall(r"<th[^>]*>Part\b", table)) <= 1


def test_a_year_in_progress_is_compared_with_the_same_months(client, base):
    html, page = get_page(client, base, time="2026")  # the example's last transaction: January 2026
    assert "2025 sur la même période (janvier)" in html
    from beancount import loader

    from beancount_hn.fava.figures import LedgerFigures
    entries, _, options = loader.load_file(EXAMPLE)
    january = LedgerFigures(entries, options).split(2025).month_total(1)
    assert Decimal(page.values["split.previous.total"]) == january > 0


def test_the_page_sets_its_figures_apart_from_the_collector_until_the_next_load(app, client, base):
    import gc

    gc.unfreeze()
    get_page(client, base)
    assert gc.get_freeze_count() > 0 and gc.isenabled()
    ledger = app.config["LEDGERS"][slug_of(app)]
    ledger.extensions.after_load_file()  # a new load: the old figures and ledger are collectable again
    assert gc.get_freeze_count() == 0
