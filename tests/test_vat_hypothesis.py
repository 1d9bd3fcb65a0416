"""Property: the counted 293 B turnover is the sum of the taxable cash receipts, for any ledger."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.tax.vat import analyze
from tests.ledgers import VAT_HEADER, load

START = datetime.date(2024, 1, 1)
TAXABLE = {"franchise", "collectee"}
VAT_ACCOUNT, VAT_RATE, CENT = "Liabilities:TVA:Collectee", Decimal("0.20"), Decimal("0.01")

operation = st.fixed_dictionaries({
    "kind": st.sampled_from(["cash", "accrual", "refund"]),
    "day": st.integers(min_value=0, max_value=900),
    "delay": st.integers(min_value=0, max_value=60),
    "cents": st.integers(min_value=1, max_value=200_000),
    "account": st.sampled_from(["HN", "Conventionnes"]),
    "tva": st.sampled_from([None, "franchise", "collectee", "exoneree"]),
})


def vat_status(op: dict) -> str:
    if op["tva"]:
        return op["tva"]
    return "franchise" if op["account"] == "HN" else "exoneree"  # the defaults of DESIGN §3


def build(ops: list[dict]) -> tuple[str, dict[int, Decimal], dict[int, Decimal]]:
    """The ledger text, and the taxable and exempt cash receipts per year computed by hand."""
    taxable: dict[int, Decimal] = defaultdict(Decimal)
    exempt: dict[int, Decimal] = defaultdict(Decimal)
    blocks = []
    for number, op in enumerate(ops):
        day = START + datetime.timedelta(days=op["day"])
        amount = Decimal(op["cents"]) / 100
        meta = f'\n  tva: "{op["tva"]}"' if op["tva"] else ""
        income = f"Income:Honoraires:{op['account']}"
        # Collected VAT is booked with the receipt (20 %, the default rate): the fees stay before VAT.
        vat = (amount * VAT_RATE).quantize(CENT) if vat_status(op) == "collectee" else Decimal(0)
        sign = -1 if op["kind"] == "refund" else 1
        vat_line = f"  {VAT_ACCOUNT}  {-sign * vat} EUR\n" if vat else ""
        total = amount + vat
        if op["kind"] == "cash":
            blocks.append(f'{day} * "P{number}" "Séance"{meta}\n  Assets:Banque  {total} EUR\n{vat_line}  {income}\n')
            paid, signed = day, amount
        elif op["kind"] == "refund":
            blocks.append(f'{day} * "P{number}" "Avoir remboursé"{meta}\n  Assets:Banque  -{total} EUR\n'
                          f'{vat_line}  {income}\n')
            paid, signed = day, -amount
        else:
            paid = day + datetime.timedelta(days=op["delay"])
            blocks.append(f'{day} * "P{number}" "Note" ^N-{number}{meta}\n'
                          f'  Assets:Creances:Patients  {total} EUR\n{vat_line}  {income}\n')
            blocks.append(f'{paid} * "P{number}" "Règlement" ^N-{number}\n'
                          f'  Assets:Banque  {total} EUR\n  Assets:Creances:Patients\n')
            signed = amount
        (taxable if vat_status(op) in TAXABLE else exempt)[paid.year] += signed
    return VAT_HEADER + f"2017-01-01 open {VAT_ACCOUNT}\n" + "\n".join(blocks), taxable, exempt


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=25))
def test_counted_turnover_is_the_sum_of_taxable_cash_receipts(ops):
    text, taxable, exempt = build(ops)
    entries, errors, options = load(text, header=False)
    assert not [e for e in errors if type(e).__name__ not in ("VatError", "HnWarning")], errors
    result = analyze(entries, LedgerIndex.build(entries, options))
    for year, report in result.years.items():
        assert report.counted_turnover == taxable.get(year, Decimal(0)), year
        assert report.exempt_receipts == exempt.get(year, Decimal(0)), year
    assert set(result.years) >= {y for y, v in taxable.items() if v} | {y for y, v in exempt.items() if v}
