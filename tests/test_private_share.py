"""Private and non-deductible shares (line CC): one rounding per year, account, key and rate."""

from __future__ import annotations

import textwrap
from decimal import Decimal

from beancount_hn.tax.form2035 import SHARE
from tests.ledgers import form_for, line_of, plain, run_hn, write_ledger

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Expenses:Telephone
  part-privee: 0.3
2024-01-01 open Expenses:Internet
2024-01-01 open Expenses:Cotisations:URSSAF
"""


def monthly(account: str, amount: str, months: range = range(1, 13), meta: str = "") -> str:
    return "".join(f'2025-{m:02d}-05 * "Opérateur" "Facture {m}"\n  {account}  {amount} EUR\n{meta}'
                   f"  Assets:Banque\n" for m in months)


def form_of(text: str):
    return form_for(ACCOUNTS + textwrap.dedent(text), 2025)


def test_share_is_rounded_once_on_the_year_total():
    form = form_of(monthly("Expenses:Telephone", "35.99"))
    # 30 % of 12 × 35.99 = 431.88 → 129.564 → 129.56 (not 12 × 10.80 = 129.60)
    assert form.values["27"] == Decimal("431.88")
    assert form.values["CC"] == Decimal("129.56")


def test_explain_keeps_one_contribution_per_payment_adding_up_to_the_line():
    text = monthly("Expenses:Telephone", "35.99")
    form = form_of(text)
    items = form.explain("CC")
    assert len(items) == 12 and all(c.kind == SHARE and c.account == "Expenses:Telephone" for c in items)
    assert sum(c.amount for c in items) == form.values["CC"] == Decimal("129.56")
    # each payment within a cent of its exact share 10.797
    assert {c.amount for c in items} <= {Decimal("10.79"), Decimal("10.80")}
    assert all("431,88 € = 129,56 €" in plain(c.description) for c in items)
    body = ACCOUNTS + textwrap.dedent(text)
    first = min(items, key=lambda c: c.date)
    assert first.meta["lineno"] == line_of(body, "Expenses:Telephone  35.99 EUR")


def test_each_rate_and_key_is_rounded_apart():
    form = form_of(
        monthly("Expenses:Telephone", "10.01", range(1, 4))  # open: 30 % of 30.03 = 9.009 → 9.01
        + monthly("Expenses:Telephone", "10.01", range(4, 5), "    part-privee: 0.25\n")  # 2.5025 → 2.50
        + monthly("Expenses:Cotisations:URSSAF", "33.33", range(1, 4),
                  "    part-non-deductible: 0.1\n"))  # 10 % of 99.99 = 9.999 → 10.00
    assert form.values["CC"] == Decimal("9.01") + Decimal("2.50") + Decimal("10.00")
    by_group: dict[str, Decimal] = {}
    for c in form.explain("CC"):
        key = c.description.split(" ; ")[1]
        by_group[key] = by_group.get(key, Decimal(0)) + c.amount
    assert sorted(by_group.values()) == [Decimal("2.50"), Decimal("9.01"), Decimal("10.00")]


def test_a_refund_lowers_the_base_before_the_rounding():
    form = form_of(monthly("Expenses:Telephone", "35.99", range(1, 3)) + """
2025-03-20 * "Opérateur" "Avoir"
  Assets:Banque  35.99 EUR
  Expenses:Telephone
""")
    assert form.values["27"] == Decimal("35.99")
    assert form.values["CC"] == Decimal("10.80")  # 30 % of 35.99 = 10.797
    assert sum(c.amount for c in form.explain("CC")) == Decimal("10.80")


BAD = """
2024-01-01 custom "hn-option" "treasury" Assets:Banque
2024-01-01 open Assets:Banque
2024-01-01 open Liabilities:Fournisseurs
2024-01-01 open Expenses:Internet
2025-02-01 * "Box" "Facture" ^BOX-1
  Expenses:Internet   60.00 EUR
    part-privee: "beaucoup"
  Liabilities:Fournisseurs
2025-02-10 * "Box" "Acompte" ^BOX-1
  Liabilities:Fournisseurs   30.00 EUR
  Assets:Banque
2025-03-10 * "Box" "Solde" ^BOX-1
  Liabilities:Fournisseurs   30.00 EUR
  Assets:Banque
"""


def test_a_malformed_share_on_a_posting_is_one_french_error_at_the_posting():
    """``hn 2035`` reads the posting's share, so it reports it (the plugin chain reads no posting
    metadata it does not need: every ``bean-check`` pays for what it reads)."""
    where = line_of(BAD, "Expenses:Internet   60.00 EUR", header=False)  # the posting's line
    form = form_for(BAD, 2025, header=False)  # paid in two settlements
    assert [(e.source["lineno"], e.message) for e in form.errors] == [
        (where, 'part-privee: "beaucoup" n\'est pas une part entre 0 et 1 ; '
                "écrivez par ex. part-privee: 0.3 (30 %)")]
    assert form.values["CC"] == 0


def test_hn_2035_prints_it_once(tmp_path):
    path = write_ledger(tmp_path, 'plugin "beancount_hn.plugins.all"\noption "operating_currency" "EUR"\n' + BAD,
                        "livre.beancount")
    result = run_hn("2035", path, "--year", "2025")
    assert result.exit_code == 1
    assert result.stderr.count("n'est pas une part entre 0 et 1") == 1
