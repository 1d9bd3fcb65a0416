"""The cheap walks give the full walk's figures, to the cent.

``Cashbook.build(detail=...)``: the transactions a caller details keep exactly
the settlements of the full walk; the others are settled as one aggregate per
transaction whose totals still match; a split that would round an aggregate
together with another target makes the build walk the ledger in full.
``Cashbook.build_for(txns)``: the settlements of ``txns`` are the full walk's,
though only the accounts that can bring them money are walked.
``Cashbook.build_for_year(year)``: the year's settlements are the full walk's.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from functools import partial

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount.core import data

from beancount_hn.core.cashbook import AGGREGATE, Cashbook
from beancount_hn.core.ledger import LedgerIndex
from tests.ledgers import loaded

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:CPAM
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Liabilities:Fournisseurs
2024-01-01 open Equity:Exploitant
2024-01-01 open Income:Honoraires:Conventionnes
2024-01-01 open Income:Honoraires:HN
2024-01-01 open Expenses:Achats
  ligne-2035: "BA"
"""


_book = partial(loaded, plugin=None)


def _key(settlement) -> tuple:
    target = settlement.target
    return (settlement.date, id(settlement.txn), settlement.treasury_account, settlement.amount,
            target.bucket, target.account, id(target.txn), target.index, settlement.funded_by_equity)


def _assert_same(entries: list, index: LedgerIndex, chosen: set[int]) -> Cashbook:
    full = Cashbook.build(entries, index)
    cheap = Cashbook.build(entries, index, detail=lambda txn: id(txn) in chosen)
    detailed = [_key(s) for s in full.settlements if s.target.txn is None or id(s.target.txn) in chosen]
    kept = [_key(s) for s in cheap.settlements
            if s.bucket != AGGREGATE and (s.target.txn is None or id(s.target.txn) in chosen)]
    assert sorted(kept, key=repr) == sorted(detailed, key=repr)
    # Every treasury transaction is attributed in full, aggregated or not.
    totals_full: dict[int, Decimal] = defaultdict(Decimal)
    totals_cheap: dict[int, Decimal] = defaultdict(Decimal)
    for settlement in full.settlements:
        totals_full[id(settlement.txn)] += settlement.amount
    for settlement in cheap.settlements:
        totals_cheap[id(settlement.txn)] += settlement.amount
    assert totals_cheap == totals_full
    # An aggregate receives, from each treasury transaction, what its postings receive together.
    by_txn_full: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for settlement in full.settlements:
        if settlement.target.txn is not None and id(settlement.target.txn) not in chosen:
            by_txn_full[(id(settlement.txn), id(settlement.target.txn))] += settlement.amount
    by_txn_cheap: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for settlement in cheap.settlements:
        if settlement.bucket == AGGREGATE:
            by_txn_cheap[(id(settlement.txn), id(settlement.target.txn))] += settlement.amount
    if any(s.bucket == AGGREGATE for s in cheap.settlements):
        assert {k: v for k, v in by_txn_cheap.items() if v} == {k: v for k, v in by_txn_full.items() if v}
    assert [(i.account, i.balance) for i in cheap.open_items()] == [(i.account, i.balance)
                                                                   for i in full.open_items()]
    return cheap


def test_fse_lots_are_aggregated_and_hn_invoices_kept() -> None:
    entries, index = _book(ACCOUNTS + """
2024-02-05 * "Lot FSE" "3 FSE"
  Assets:Creances:CPAM          30.00 EUR
  Assets:Creances:Patients      20.01 EUR
  Income:Honoraires:Conventionnes  -16.67 EUR
    acte: "AMS 7.5"
  Income:Honoraires:Conventionnes  -16.67 EUR
    acte: "AMS 7.5"
  Income:Honoraires:Conventionnes  -16.67 EUR
    acte: "AMS 7.5"

2024-02-06 * "Mme Roux" "Pilates" ^F-2024-0001
  facture: "F-2024-0001"
  Assets:Creances:Patients      60.00 EUR
  Income:Honoraires:HN         -60.00 EUR
    acte: "HN"

2024-02-12 * "CPAM" "Virement"
  Assets:Banque                 30.00 EUR
  Assets:Creances:CPAM         -30.00 EUR

2024-02-13 * "Mme Roux" "Règlement" ^F-2024-0001
  Assets:Banque                 25.00 EUR
  Assets:Creances:Patients     -25.00 EUR

2024-02-14 * "Patients" "Remise CB"
  Assets:Banque                 20.01 EUR
  Assets:Creances:Patients     -20.01 EUR
""")
    hn = {id(e) for e in entries if isinstance(e, data.Transaction) and "facture" in e.meta}
    cheap = _assert_same(entries, index, hn)
    aggregated = [s for s in cheap.settlements if s.bucket == AGGREGATE]
    assert [s.amount for s in aggregated] == [Decimal("30.00"), Decimal("20.01")]
    [hn_paid] = [s for s in cheap.settlements if s.account == "Income:Honoraires:HN"]
    assert hn_paid.amount == Decimal("25.00")


def test_a_split_mixing_an_aggregate_walks_in_full() -> None:
    # A rejected FSE moved to the patient with an extra fee: the new item mixes the
    # lot's (detailed) postings with the fee's transaction (aggregated).
    entries, index = _book(ACCOUNTS + """
2024-03-01 * "Lot FSE" "2 FSE"
  Assets:Creances:CPAM          33.34 EUR
  Income:Honoraires:Conventionnes  -16.67 EUR
    acte: "AMS 7.5"
  Income:Honoraires:Conventionnes  -16.67 EUR
    acte: "AMS 7.5"

2024-03-08 * "Rejet FSE" "Facturé au patient, frais de dossier"
  Assets:Creances:CPAM         -16.67 EUR
  Assets:Creances:Patients      21.67 EUR
  Income:Honoraires:Conventionnes   -5.00 EUR
    acte: "AMS 7.5"

2024-03-20 * "Patient" "Règlement partiel"
  Assets:Banque                 10.00 EUR
  Assets:Creances:Patients     -10.00 EUR
""")
    lot = next(e for e in entries if isinstance(e, data.Transaction) and e.payee == "Lot FSE")
    cheap = _assert_same(entries, index, {id(lot)})
    assert not any(s.bucket == AGGREGATE for s in cheap.settlements)  # walked in full


@st.composite
def ledgers(draw) -> tuple[str, list[bool]]:
    """Invoices on credit (one to three postings, one or two receivables), cash receipts,
    expenses on credit, payments (whole, partial, linked or not), in date order."""
    lines = [ACCOUNTS]
    day = datetime.date(2024, 1, 2)
    open_links: list[str] = []
    for n in range(draw(st.integers(3, 18))):
        # Mostly days apart, sometimes months: items stay open across 1 January.
        day += datetime.timedelta(days=draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 40, 150])))
        kind = draw(st.sampled_from(["invoice", "invoice", "cash", "expense", "payment", "payment"]))
        if kind == "invoice":
            link = f"F-{n}"
            open_links.append(link)
            amounts = draw(st.lists(st.integers(1, 9999), min_size=1, max_size=3))
            share = draw(st.integers(0, 100))
            total = sum(amounts)
            cpam = total * share // 100
            lines.append(f'{day} * "Client" "Soins" ^{link}')
            if cpam:
                lines.append(f"  Assets:Creances:CPAM  {Decimal(cpam) / 100:.2f} EUR")
            if total - cpam:
                lines.append(f"  Assets:Creances:Patients  {Decimal(total - cpam) / 100:.2f} EUR")
            account = draw(st.sampled_from(["Conventionnes", "HN"]))
            for cents in amounts:
                lines.append(f"  Income:Honoraires:{account}  {-Decimal(cents) / 100:.2f} EUR")
                lines.append(f'    acte: "{"AMS 7.5" if account == "Conventionnes" else "HN"}"')
        elif kind == "cash":
            cents = draw(st.integers(1, 9999))
            lines += [f'{day} * "Patient" "Séance"', f"  Assets:Caisse  {Decimal(cents) / 100:.2f} EUR",
                      f"  Income:Honoraires:HN  {-Decimal(cents) / 100:.2f} EUR", '    acte: "HN"']
        elif kind == "expense":
            cents = draw(st.integers(1, 9999))
            lines += [f'{day} * "Fournisseur" "Consommables"', f"  Expenses:Achats  {Decimal(cents) / 100:.2f} EUR",
                      f"  Liabilities:Fournisseurs  {-Decimal(cents) / 100:.2f} EUR"]
        else:
            account = draw(st.sampled_from(["Assets:Creances:CPAM", "Assets:Creances:Patients",
                                            "Liabilities:Fournisseurs"]))
            cents = draw(st.integers(1, 15000))
            sign = -1 if account.startswith("Assets") else 1
            link = f" ^{draw(st.sampled_from(open_links))}" if open_links and draw(st.booleans()) else ""
            lines += [f'{day} * "Tiers" "Virement"{link}',
                      f"  {account}  {sign * Decimal(cents) / 100:.2f} EUR",
                      f"  Assets:Banque  {-sign * Decimal(cents) / 100:.2f} EUR"]
        lines.append("")
    choices = draw(st.lists(st.booleans(), min_size=40, max_size=40))
    return "\n".join(lines), choices


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_detailed_settlements_match_the_full_walk(case: tuple[str, list[bool]]) -> None:
    text, choices = case
    entries, index = _book(text)
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    chosen = {id(t) for t, keep in zip(transactions, choices, strict=False) if keep}
    _assert_same(entries, index, chosen)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_build_for_year_gives_the_full_walks_year(case: tuple[str, list[bool]]) -> None:
    text, _ = case
    entries, index = _book(text)
    full = Cashbook.build(entries, index)
    for year in {s.date.year for s in full.settlements} or {2024}:
        cheap = Cashbook.build_for_year(entries, index, year)
        assert [_key(s) for s in cheap.for_year(year)] == [_key(s) for s in full.for_year(year)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_build_for_gives_the_full_walks_settlements_of_its_transactions(case: tuple[str, list[bool]]) -> None:
    text, choices = case
    entries, index = _book(text)
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    chosen = [t for t, keep in zip(transactions, choices, strict=False) if keep]
    ids = {id(t) for t in chosen}
    full = Cashbook.build(entries, index)
    cheap = Cashbook.build_for(entries, index, chosen)

    def of_chosen(cashbook: Cashbook) -> list[tuple]:
        return sorted((_key(s) for s in cashbook.settlements if id(s.target.txn) in ids), key=repr)

    assert of_chosen(cheap) == of_chosen(full)


def test_build_for_follows_items_moved_to_another_account_and_skips_the_others() -> None:
    entries, index = _book(ACCOUNTS + """
2024-01-01 open Assets:Creances:Mutuelles

2024-02-01 * "Lot FSE" "Séances"
  Assets:Creances:CPAM          96.00 EUR
  Income:Honoraires:Conventionnes  -96.00 EUR
    acte: "AMS 7.5"

2024-02-02 * "M. Roy" "Bilan postural" ^F-1
  Assets:Creances:Patients      80.00 EUR
  Income:Honoraires:HN         -80.00 EUR
    acte: "HN"

2024-02-10 * "M. Roy" "Pris en charge par sa mutuelle" ^F-1
  Assets:Creances:Patients     -80.00 EUR
  Assets:Creances:Mutuelles     80.00 EUR

2024-02-20 * "CPAM" "Virement"
  Assets:Banque                 96.00 EUR
  Assets:Creances:CPAM         -96.00 EUR

2024-03-05 * "Mutuelle" "Virement" ^F-1
  Assets:Banque                 80.00 EUR
  Assets:Creances:Mutuelles    -80.00 EUR
""")
    invoice = next(e for e in entries if isinstance(e, data.Transaction) and e.payee == "M. Roy")
    cashbook = Cashbook.build_for(entries, index, [invoice])
    assert [(s.date, s.amount) for s in cashbook.for_target_txn(invoice)] == [
        (datetime.date(2024, 3, 5), Decimal("80.00"))]
    # The CPAM account holds nothing of the invoice: its transfer is not walked.
    assert {s.txn.payee for s in cashbook.settlements} == {"Mutuelle"}


def test_build_for_year_resumes_before_an_item_left_open_for_years() -> None:
    entries, index = _book(ACCOUNTS + """
2024-03-01 * "M. Roy" "Bilan postural" ^F-1
  Assets:Creances:Patients      80.00 EUR
  Income:Honoraires:HN         -50.00 EUR
    acte: "HN"
  Income:Honoraires:Conventionnes  -30.00 EUR
    acte: "AMS 7.5"

2025-06-01 * "Patient" "Séance"
  Assets:Banque                 20.00 EUR
  Income:Honoraires:HN         -20.00 EUR
    acte: "HN"

2026-02-01 * "M. Roy" "Règlement"
  Assets:Banque                 40.00 EUR
  Assets:Creances:Patients     -40.00 EUR
""")
    full = Cashbook.build(entries, index)
    cheap = Cashbook.build_for_year(entries, index, 2026)
    assert [_key(s) for s in cheap.for_year(2026)] == [_key(s) for s in full.for_year(2026)]
    assert sorted((s.account, s.amount) for s in cheap.for_year(2026)) == [
        ("Income:Honoraires:Conventionnes", Decimal("15.00")), ("Income:Honoraires:HN", Decimal("25.00"))]


def test_build_for_year_sees_postings_that_net_to_zero() -> None:
    # Fees and a purchase compensated in one bank line of 0.00: the full walk settles
    # both postings that year, the aggregated first walk sees a zero sum.
    entries, index = _book(ACCOUNTS + """
2025-01-10 * "Club" "Cours collectif payé en matériel"
  Assets:Banque                  0.00 EUR
  Income:Honoraires:HN         -50.00 EUR
    acte: "HN"
  Expenses:Achats               50.00 EUR
""")
    full = Cashbook.build(entries, index)
    assert len(full.for_year(2025)) == 2
    cheap = Cashbook.build_for_year(entries, index, 2025)
    assert [_key(s) for s in cheap.for_year(2025)] == [_key(s) for s in full.for_year(2025)]
