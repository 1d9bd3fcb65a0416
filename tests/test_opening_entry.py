"""The opening entry of books begun in mid-career (docs/demarrer.md, « Commencer en cours
d'activité »): the treasury balances booked on the books' first day against ``Equity:`` are
the opening balance, not a movement of the year — for the 2035's reconciliation as for the
FEC, whose ``AN`` journal books them against ``110`` as it books balances dated the day
before the books. Receivables carried over that day against ``Equity:`` still count when paid.
"""

from __future__ import annotations

import json
from decimal import Decimal

from beancount_hn.exports.fec import build_fec
from beancount_hn.tax.form2035 import is_opening_entry, opening_day
from tests.ledgers import form_for, loaded, plain, run_hn, write_ledger

OPTIONS = """
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2025-01-01 custom "hn-option" "treasury" Assets:Caisse
2025-01-01 custom "hn-option" "identity" "siren" "732829320"
"""

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:CPAM
2024-01-01 open Equity:Ouverture
2024-01-01 open Equity:Exploitant
2024-01-01 open Income:Honoraires
  convention: "conventionne"
2024-01-01 open Expenses:Loyer
"""

#: The guide's recipe: balances and receivables in two transactions of the first day.
OPENING = """
2025-01-01 * "Soldes d'ouverture au 1er janvier 2025"
  Assets:Banque      5230.40 EUR
  Assets:Caisse       150.00 EUR
  Equity:Ouverture

2025-01-01 * "Reprise des créances au 31/12/2024"
  Assets:Creances:CPAM   1240.50 EUR
    acte: "RAB 8"
  Equity:Ouverture
"""

YEAR = """
2025-01-08 * "CPAM" "VIR CPAM soins de décembre"
  Assets:Banque          1240.50 EUR
  Assets:Creances:CPAM

2025-02-01 * "Loyer"
  Assets:Banque          -650.00 EUR
  Expenses:Loyer

2025-03-01 * "Prélèvement personnel"
  Assets:Banque          -500.00 EUR
  Equity:Exploitant
"""

STARTED_2019 = '2025-01-01 custom "hn-option" "practice-start" 2019-09-02\n'
GUIDE = STARTED_2019 + OPTIONS + ACCOUNTS + OPENING + YEAR


def test_the_guides_opening_is_the_opening_balance_not_a_movement():
    form = form_for(GUIDE, 2025, header=False)
    rec = form.reconciliation
    assert not form.errors and rec.closed
    # 1 240,50 received − 650 rent − 500 drawn: the year's movement, the opening apart.
    assert rec.treasury == Decimal("90.50")
    assert rec.opening == Decimal("5380.40")
    assert "Equity:Ouverture" not in {k for k, v in rec.neutral.items() if v}
    # The receivable carried over against Equity: is still a receipt of the year it is paid.
    assert form.values["AA"] == rec.receipts == Decimal("1240.50")


def test_hn_2035_shows_the_years_movement(tmp_path):
    path = write_ledger(tmp_path, 'plugin "beancount_hn.plugins.all"\noption "operating_currency" "EUR"\n' + GUIDE)
    result = run_hn("2035", path, "--year", "2025")
    assert result.exit_code == 0, result.output
    out = plain(result.output)
    movement = next(line for line in out.splitlines() if "Mouvement net des comptes de trésorerie" in line)
    assert movement.split()[-1] == "90,50"
    assert "neutre : Equity:Ouverture" not in out
    opening = next(line for line in out.splitlines() if "Soldes d'ouverture" in line)
    assert opening.split()[-1] == "380,40" and "5 380,40" in opening  # shown, apart from the movement
    js = json.loads(run_hn("2035", path, "--year", "2025", "--format", "json").stdout)
    assert js["reconciliation"]["opening"] == "5380.40" and js["reconciliation"]["treasury"] == "90.50"


def test_the_fec_books_the_guides_opening_in_an_against_110_as_the_day_before_form():
    entries, index = loaded(GUIDE, header=False)
    fec = build_fec(entries, index, 2025)
    an = [(ln.journal_code, ln.number, ln.compte_num, ln.debit, ln.credit) for ln in fec.lines if ln.number == 1]
    assert an == [("AN", 1, "512", Decimal("5230.40"), 0), ("AN", 1, "531", Decimal("150.00"), 0),
                  ("AN", 1, "110", 0, Decimal("5380.40"))]
    assert not [ln for ln in fec.lines if ln.compte_num.startswith("101") or "ouverture au 1er" in ln.label]
    # The same balances dated the day before the books give the same AN entry.
    before = GUIDE.replace('2025-01-01 * "Soldes', '2024-12-31 * "Soldes')
    entries, index = loaded(before, header=False)
    same = build_fec(entries, index, 2025)
    assert [(ln.compte_num, ln.debit, ln.credit) for ln in same.lines] == \
        [(ln.compte_num, ln.debit, ln.credit) for ln in fec.lines]


def test_the_next_year_opens_on_the_closing_balances():
    form = form_for(GUIDE + '2026-01-05 * "Loyer"\n  Assets:Banque  -650.00 EUR\n  Expenses:Loyer\n',
                    2026, header=False)
    assert (form.reconciliation.treasury, form.reconciliation.opening) == (Decimal("-650.00"), 0)
    entries, index = loaded(GUIDE + '2026-01-05 * "Loyer"\n  Assets:Banque  -650.00 EUR\n  Expenses:Loyer\n',
                            header=False)
    an = {ln.compte_num: ln.debit - ln.credit for ln in build_fec(entries, index, 2026).lines if ln.journal_code == "AN"}
    assert an == {"512": Decimal("5320.90"), "531": Decimal("150.00"), "110": Decimal("-5470.90")}


def test_a_practice_opening_that_day_brings_money_it_is_a_movement():
    """practice-start on the books' first day: nothing to carry over; the money put in is a
    contribution of the first year (BQ, against the practitioner's account)."""
    ledger = GUIDE.replace(STARTED_2019, '2025-01-01 custom "hn-option" "practice-start" 2025-01-01\n')
    ledger = ledger.replace(OPENING, OPENING.split("\n\n")[0] + "\n")  # a new practice: no receivable
    ledger = ledger.replace("  Assets:Banque          1240.50 EUR\n  Assets:Creances:CPAM\n",
                            "  Assets:Banque          1240.50 EUR\n  Income:Honoraires\n    acte: \"RAB 8\"\n")
    form = form_for(ledger, 2025, header=False)
    assert not form.errors and form.reconciliation.closed
    assert (form.reconciliation.treasury, form.reconciliation.opening) == (Decimal("5470.90"), 0)
    entries, index = loaded(ledger, header=False)
    assert opening_day(index) is None
    assert not [ln for ln in build_fec(entries, index, 2025).lines if ln.journal_code == "AN"]


def test_only_treasury_against_equity_on_the_first_day_is_an_opening_entry():
    entries, index = loaded(GUIDE + """
2025-01-01 * "Séance du 1er janvier"
  Assets:Caisse      30.00 EUR
  Income:Honoraires
    acte: "AMK 8"
""", header=False)
    day = opening_day(index)
    assert day is not None and day.isoformat() == "2025-01-01"
    openings = [e.narration for e in entries if hasattr(e, "postings") and is_opening_entry(index, e, day)]
    assert openings == ["Soldes d'ouverture au 1er janvier 2025"]
    form = form_for(GUIDE + """
2025-01-01 * "Séance du 1er janvier"
  Assets:Caisse      30.00 EUR
  Income:Honoraires
    acte: "AMK 8"
""", 2025, header=False)
    assert form.values["AA"] == Decimal("1270.50") and form.reconciliation.closed
    assert form.reconciliation.treasury == Decimal("120.50")
