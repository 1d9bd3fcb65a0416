"""``hn invoices`` and the report behind it: series rows and the unpaid (lettrage) list."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from functools import partial

import pytest

from beancount_hn.core.cashbook import Cashbook
from beancount_hn.invoicing.invoice_report import invoice_report
from beancount_hn.invoicing.invoices import build_invoice_book
from tests.ledgers import INVOICE_ACCOUNTS as ACCOUNTS
from tests.ledgers import ledger_text, loaded, plain, run_hn, txn, write_ledger
from tests.test_invoices import VALID

PARTIAL = """\
2025-04-01 * "M. Blanc" "Préparation physique, 3 séances" ^F-2025-0005
  facture: "F-2025-0005"
  Assets:Creances:Patients   150.00 EUR
  Income:Honoraires:Conventionnes
2025-04-15 * "M. Blanc" "Acompte" ^F-2025-0005
  Assets:Banque               50.00 EUR
  Assets:Creances:Patients
2026-01-10 * "M. Blanc" "Solde" ^F-2025-0005
  Assets:Banque              100.00 EUR
  Assets:Creances:Patients
"""


def report_of(ledger: str, as_of: datetime.date, year: int | None = None):
    entries, index = loaded(ledger)
    return invoice_report(build_invoice_book(entries, index), Cashbook.build(entries, index), as_of, year)


def test_unpaid_accrual_partial_and_credit_notes():
    report = report_of(VALID + PARTIAL, datetime.date(2025, 12, 31), 2025)
    unpaid = {u.invoice.number: u for u in report.unpaid}
    # F-2025-0001: 80 invoiced, 20 credited, 60 paid; F-2025-0002 paid cash: neither is listed.
    assert sorted(unpaid) == ["F-2025-0004", "F-2025-0005"]
    blanc = unpaid["F-2025-0005"]
    assert (blanc.amount, blanc.credited, blanc.paid, blanc.remaining) == \
        (Decimal("150.00"), Decimal(0), Decimal("50.00"), Decimal("100.00"))
    assert blanc.age_days == (datetime.date(2025, 12, 31) - datetime.date(2025, 4, 1)).days
    assert unpaid["F-2025-0004"].age_days == 292  # from date-facture 2025-03-14
    later = report_of(VALID + PARTIAL, datetime.date(2026, 12, 31))
    assert [u.invoice.number for u in later.unpaid] == ["F-2025-0004"]


def test_cash_refund_on_a_credit_note_settles_nothing_more():
    ledger = (ACCOUNTS + txn("2025-03-01", "F-2025-0001", "50.00")
              + '2025-03-02 * "Mme Martin" "Avoir, remboursement"\n  facture: "AV-2025-001"\n'
                '  avoir-de: "F-2025-0001"\n  Assets:Banque  -20.00 EUR\n  Income:Honoraires:HN  20.00 EUR\n')
    assert report_of(ledger, datetime.date(2025, 12, 31)).unpaid == []


def test_series_rows():
    ledger = VALID + PARTIAL + txn("2026-01-05", "F-2026-0001")
    report = report_of(ledger, datetime.date(2025, 12, 31), 2025)
    rows = {r.series: r for r in report.series}
    assert sorted(rows) == ["AV", "F"]
    f = rows["F"]
    assert (f.first, f.last, f.count, f.totals) == ("F-2025-0001", "F-2025-0005", 4, {"EUR": Decimal("335.00")})
    assert [v.number for v in f.voided] == ["F-2025-0003"] and f.gaps == []
    assert [n.number for n in f.credit_notes] == ["AV-2025-001"]
    assert rows["AV"].totals == {"EUR": Decimal("-20.00")}
    every_year = report_of(ledger, datetime.date(2026, 12, 31))
    assert [(r.series, r.year) for r in every_year.series] == [("AV", 2025), ("F", 2025), ("F", 2026)]


def test_series_row_lists_gaps():
    ledger = ACCOUNTS + txn("2025-03-01", "F-2025-0001") + txn("2025-03-02", "F-2025-0004")
    entries, index = loaded(ledger, check=False)
    report = invoice_report(build_invoice_book(entries, index), Cashbook.build(entries, index),
                            datetime.date(2025, 12, 31), 2025)
    [row] = report.series
    assert row.gaps == ["F-2025-0002, F-2025-0003"] and row.missing == 2


@pytest.fixture
def ledger_file(tmp_path):
    return write_ledger(tmp_path, ledger_text(VALID + PARTIAL))


run = partial(run_hn, "invoices")


def test_cli_table(ledger_file):
    result = run(ledger_file, "--year", "2025")
    assert result.exit_code == 0, result.output
    out = plain(result.stdout)
    assert "Séries de factures — année 2025" in out
    assert "F      2025   F-{year}-{seq:04d}   F-2025-0001  F-2025-0005       4  335,00 €" in out
    assert "numéro annulé : F-2025-0003 (le 12/03/2025, motif : note détruite, erreur de client)" in out
    assert "avoir : AV-2025-001 (le 10/03/2025) sur F-2025-0001 : -20,00 €" in out
    assert "Factures non entièrement réglées au 31/12/2025" in out
    assert "F-2025-0005  01/04/2025  M. Blanc  150,00 €  0,00 €   50,00 €  100,00 €          274" in out
    assert "Reste dû au total : 160,00 € (2 facture(s))" in out


def test_cli_json(ledger_file):
    result = run(ledger_file, "--year", "2025", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {s["series"] for s in report["series"]} == {"F", "AV"}
    assert report["unpaid"][0] == {
        "number": "F-2025-0004", "date": "2025-03-14", "payee": "Mme Roux", "currency": "EUR",
        "amount": "60.00", "credited": "0.00", "paid": "0.00", "remaining": "60.00", "age_days": 292}


def test_cli_csv_for_french_spreadsheets(ledger_file):
    result = run(ledger_file, "--year", "2025", "--format", "csv")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("\ufeffserie;annee;modele;")
    assert "F;2025;F-{year}-{seq:04d};F-2025-0001;F-2025-0005;4;335,00;EUR;;F-2025-0003;AV-2025-001" in out
    assert "F-2025-0005;2025-04-01;M. Blanc;150,00;0,00;50,00;100,00;EUR;274" in out


def test_cli_missing_file_is_a_clear_error(tmp_path):
    result = run(str(tmp_path / "absent.beancount"))
    assert result.exit_code == 1
    assert "fichier de livre introuvable" in result.output and "Traceback" not in result.output


def test_cli_bad_year():
    result = run("x.beancount", "--year", "twenty")
    assert result.exit_code == 2 and "« twenty » n'est pas un nombre entier" in result.output


def test_cli_reports_ledger_errors_on_stderr(tmp_path):
    path = write_ledger(tmp_path, ledger_text(ACCOUNTS + txn("2025-03-01", "F-2025-0002")))
    result = run(path, "--year", "2025")
    assert result.exit_code == 1  # a ledger with errors: the report is shown, not final
    assert result.stdout.startswith("CHIFFRES NON DÉFINITIFS : le livre comporte 1 erreur(s)")
    assert "il manque F-2025-0001" in result.stderr
    assert "trou : F-2025-0001" in result.stdout
