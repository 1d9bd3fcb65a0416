"""``hn invoices`` fails closed over a payment the cash book cannot match (finding F6).

A payment linked to its note but booked against another receivable account settles nothing
there: ``hn 2035`` refuses it (« … ne règle rien d'ouvert »), and ``hn invoices``, which reads
the same cash book, must not call the note unpaid with exit 0. The problem is the cash book's
(``problem_errors``), reported at the payment's line by every face of the report.
"""

from __future__ import annotations

import datetime
import json
from functools import partial

from beancount_hn.invoicing.invoice_report import invoices_view
from beancount_hn.render.invoices import render_csv, render_json, render_table
from tests.ledgers import INVOICE_ACCOUNTS as ACCOUNTS
from tests.ledgers import ledger_text, line_of, loaded, run_hn, write_ledger

run = partial(run_hn, "invoices")

NOTE = """\
2025-01-01 open Assets:Creances:Clients
2025-01-10 * "Mme Alice Durand" "Massage" ^F-2025-0001
  facture: "F-2025-0001"
  Assets:Creances:Patients   60.00 EUR
  Income:Honoraires:HN
"""
# Linked to its note, but against another receivable account than the note's.
ELSEWHERE = """\
2025-02-10 * "Mme Alice Durand" "VIR règlement F-2025-0001" ^F-2025-0001
  Assets:Banque   60.00 EUR
  Assets:Creances:Clients
"""
PAID = ELSEWHERE.replace("Assets:Creances:Clients", "Assets:Creances:Patients")
PROBLEM = "60,00\u00a0€ sur Assets:Creances:Clients ne règle rien d'ouvert"


def test_a_linked_payment_on_another_receivable_makes_the_report_not_final():
    ledger = ACCOUNTS + NOTE + ELSEWHERE
    entries, index = loaded(ledger)
    _, report = invoices_view(entries, index, datetime.date(2025, 12, 31), 2025)
    assert [e.source["lineno"] for e in report.problems] == [line_of(ledger, '"VIR règlement')]
    assert PROBLEM in report.problems[0].message
    # Every rendering says so, even called without errors (Fava's page and its JSON, the bundle).
    js = json.loads(render_json(report))
    assert js["final"] is False and PROBLEM in js["errors"][0]["message"]
    assert render_table(report).startswith("CHIFFRES NON DÉFINITIFS")
    assert "AVERTISSEMENT" in render_csv(report).splitlines()[0]


def test_hn_invoices_exits_1_and_names_the_payment(tmp_path):
    path = write_ledger(tmp_path, ledger_text(ACCOUNTS + NOTE + ELSEWHERE))
    result = run(path, "--year", "2025")
    assert result.exit_code == 1
    assert result.stdout.startswith("CHIFFRES NON DÉFINITIFS")
    line = line_of(ACCOUNTS + NOTE + ELSEWHERE, '"VIR règlement')
    assert f"{path}:{line}: {PROBLEM}" in result.stderr
    js = json.loads(run(path, "--year", "2025", "--format", "json").stdout)
    assert js["final"] is False and [e["ligne"] for e in js["errors"]] == [line]


def test_the_same_payment_on_the_notes_account_is_final(tmp_path):
    path = write_ledger(tmp_path, ledger_text(ACCOUNTS + NOTE + PAID))
    result = run(path, "--year", "2025")
    assert result.exit_code == 0, result.output
    assert "CHIFFRES NON DÉFINITIFS" not in result.stdout and "(aucune)" in result.stdout


def test_an_overpayment_and_a_deposit_before_its_note_are_not_final_either(tmp_path):
    over = ELSEWHERE.replace("Assets:Creances:Clients", "Assets:Creances:Patients").replace("60.00", "100.00")
    deposit = ('2025-12-20 * "Mme Alice Durand" "VIR acompte" ^F-2026-0001\n'
               "  Assets:Banque   50.00 EUR\n  Assets:Creances:Patients\n"
               '2026-01-05 * "Mme Alice Durand" "Séance" ^F-2026-0001\n  facture: "F-2026-0001"\n'
               "  Assets:Creances:Patients   50.00 EUR\n  Income:Honoraires:HN\n")
    for body, year in ((NOTE + over, "2025"), (deposit, "2026")):
        result = run(write_ledger(tmp_path, ledger_text(ACCOUNTS + body), f"l{year}.beancount"), "--year", year)
        assert result.exit_code == 1 and "ne règle rien d'ouvert" in result.stderr, result.output


def test_the_fava_invoices_section_names_the_payment(tmp_path):
    from tests.fava_support import fava_app, slug_of

    text = ledger_text(ACCOUNTS + NOTE + ELSEWHERE) + '2025-01-01 custom "fava-extension" "beancount_hn.fava"\n'
    app = fava_app(write_ledger(tmp_path, text))
    html = app.test_client().get(f"/{slug_of(app)}/extension/Cabinet/?time=2025").get_data(as_text=True)
    section = html[html.index('id="hn-factures"'):]
    section = section[:section.index("</section>")]
    assert "Chiffres non définitifs : un règlement ne règle rien d'ouvert." in section
    line = line_of(ACCOUNTS + NOTE + ELSEWHERE, '"VIR règlement')
    assert f"main.beancount:{line}</a>" in section  # linked to the payment's line
