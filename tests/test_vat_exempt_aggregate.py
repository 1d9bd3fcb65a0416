"""``hn vat``'s exempt totals from a cash book that settles each all-exempt transaction as one
aggregate (an FSE lot: one settlement per payment instead of one per act) are those of the
full cash book, to the cent, with the same turnover, crossings and errors."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.core.cashbook import Cashbook
from beancount_hn.tax.vat import analyze
from tests.ledgers import loaded

START = datetime.date(2024, 1, 1)
HEADER = """\
option "operating_currency" "EUR"
2024-01-01 custom "hn-option" "treasury" Assets:Banque
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Creances:CPAM
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Income:Honoraires:Conventionnes
2024-01-01 open Income:Honoraires:Depassements
  convention: "depassement"
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2024-01-01 open Expenses:Frais-Bancaires
  ligne-2035: "BN"
"""

act = st.fixed_dictionaries({
    "account": st.sampled_from(["Conventionnes", "Conventionnes", "Depassements", "HN"]),
    "cents": st.integers(min_value=-500, max_value=20_000).filter(bool),
    "tva": st.sampled_from([None, None, "exoneree", "franchise"]),
})
lot = st.fixed_dictionaries({
    "day": st.integers(min_value=0, max_value=700),
    "acts": st.lists(act, min_size=1, max_size=5),
    "fee": st.booleans(),  # a bank fee posting in the lot: not a receipt
    "cash": st.booleans(),  # paid on the spot, or to the CPAM receivable
    "payments": st.lists(st.tuples(st.integers(0, 90), st.integers(1, 120)), max_size=3),  # (days, % of due)
})


def ledger(lots: list[dict]) -> str:
    blocks = []
    for number, item in enumerate(lots):
        day = START + datetime.timedelta(days=item["day"])
        lines = [f'{day} * "Lot {number}" "Télétransmission"']
        total = 0
        for entry in item["acts"]:
            total += entry["cents"]
            lines.append(f"  Income:Honoraires:{entry['account']}  {-entry['cents'] / 100:.2f} EUR")
            code = {"Conventionnes": "RAB 8", "Depassements": "DE", "HN": "HN"}[entry["account"]]
            lines.append(f'    acte: "{code}"')
            if entry["tva"]:
                lines.append(f'    tva: "{entry["tva"]}"')
        if item["fee"]:
            lines.append("  Expenses:Frais-Bancaires  1.00 EUR")
            total -= 100
        lines.append(f"  {'Assets:Banque' if item['cash'] else 'Assets:Creances:CPAM'}  {total / 100:.2f} EUR")
        blocks.append("\n".join(lines) + "\n")
        for delay, share in ([] if item["cash"] else item["payments"]):
            paid = total * share // 100
            if paid:
                blocks.append(f'{day + datetime.timedelta(days=delay)} * "CPAM" "Virement"\n'
                              f"  Assets:Banque  {paid / 100:.2f} EUR\n  Assets:Creances:CPAM\n")
    return HEADER + "\n".join(blocks)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lot, min_size=1, max_size=12))
def test_exempt_aggregates_give_the_full_cash_books_analysis(lots: list[dict]) -> None:
    entries, index = loaded(ledger(lots), header=False, plugin=None)
    cheap = analyze(entries, index)
    full = analyze(entries, index, cashbook=Cashbook.build(entries, index))
    assert {year: report.to_json() for year, report in cheap.years.items()} == \
        {year: report.to_json() for year, report in full.years.items()}
    assert [(e.source, e.message) for e in cheap.errors] == [(e.source, e.message) for e in full.errors]
    assert [(a.date, a.code, a.message) for a in cheap.alerts] == [(a.date, a.code, a.message) for a in full.alerts]
