"""A credit note takes back the line it cancels, not a share of each line of its note.

A mixed note (a conventionné act and an HN massage, or an exempt bilan and a taxable
massage) reduced by an avoir of one line, then paid: the payment pays what is still due,
the lines the avoir left (DSAV, DSAU, the 293 B turnover follow). The line is named by the
avoir's income account and, when the note has several lines on it, by its convention and
VAT status. The cheap walks (``detail=``, ``build_for``, ``build_for_year``) still give
the full walk's figures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from functools import partial

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount.core import data

from beancount_hn.core.cashbook import AGGREGATE, INCOME, Cashbook
from beancount_hn.tax.form2035 import compute_2035
from beancount_hn.tax.vat import analyze
from tests.ledgers import form_for, loaded, vat_analysis

ACCOUNTS = """
2019-01-01 open Assets:Banque
2019-01-01 open Assets:Creances:Patients
2019-01-01 open Liabilities:Fournisseurs
2019-01-01 open Income:Honoraires:Conventionnes
2019-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2019-01-01 open Expenses:Fournitures
  ligne-2035: "BA"
2019-01-01 open Expenses:Petit-materiel
  ligne-2035: "BH"
"""

INVOICES = """
2025-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2025-01-01 custom "hn-option" "invoice-series" "AV" "AV-{year}-{seq:03d}"
2025-12-01 custom "hn-devis" "D-1" "Mme Dupont" 160.00 EUR
"""

# F4 of the VAT-years review: a RAB 8 act and an HN massage; the massage credited, the rest paid.
MIXED = ACCOUNTS + INVOICES + """
2025-12-15 * "Mme Dupont" "Rééducation et massage" ^F-2025-0001
  facture: "F-2025-0001"
  devis: "D-1"
  Assets:Creances:Patients  150.00 EUR
  Income:Honoraires:Conventionnes  -100.00 EUR
    acte: "RAB 8"
  Income:Honoraires:HN  -50.00 EUR

2025-12-17 * "Mme Dupont" "Avoir : massage non réalisé" ^F-2025-0001
  facture: "AV-2025-001"
  avoir-de: "F-2025-0001"
  Assets:Creances:Patients  -50.00 EUR
  Income:Honoraires:HN  50.00 EUR

2025-12-18 * "Mme Dupont" "Chèque" ^F-2025-0001
  Assets:Banque  100.00 EUR
  Assets:Creances:Patients  -100.00 EUR
"""

# Two lines on one account: an exempt bilan and a taxable massage; the massage credited in
# January, the bilan paid the day after.
SAME_ACCOUNT = ACCOUNTS + INVOICES + """
2025-12-15 * "Mme Dupont" "Bilan postural et massage" ^F-2025-0001
  facture: "F-2025-0001"
  devis: "D-1"
  Assets:Creances:Patients  160.00 EUR
  Income:Honoraires:HN  -60.00 EUR
    tva: "exoneree"
  Income:Honoraires:HN  -100.00 EUR

2026-01-05 * "Mme Dupont" "Avoir : massage non réalisé" ^F-2025-0001
  facture: "AV-2026-001"
  avoir-de: "F-2025-0001"
  Assets:Creances:Patients  -100.00 EUR
  Income:Honoraires:HN  100.00 EUR

2026-01-06 * "Mme Dupont" "Règlement du bilan" ^F-2025-0001
  Assets:Banque  60.00 EUR
  Assets:Creances:Patients  -60.00 EUR
"""


def _by_account(cashbook: Cashbook, year: int) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for settlement in cashbook.for_year(year):
        totals[settlement.account] += settlement.amount
    return {account: amount for account, amount in totals.items() if amount}


def test_the_payment_after_an_avoir_pays_the_line_left() -> None:
    form = form_for(MIXED, 2025)
    assert not form.errors
    assert form.values["AA"] == Decimal("100.00")
    assert form.social.boxes() == {"DSCS": Decimal("100.00"), "DSAV": Decimal("100.00"),
                                   "DSAW": Decimal("0"), "DSAU": Decimal("1.00")}
    assert form.social.non_conventionne == 0
    analysis, _, errors = vat_analysis(MIXED, with_exempt=True)
    assert not errors
    assert analysis.years[2025].counted_turnover == 0
    assert analysis.years[2025].exempt_receipts == Decimal("100.00")


def test_the_avoir_takes_back_the_line_of_its_status_on_a_shared_account() -> None:
    analysis, _, errors = vat_analysis(SAME_ACCOUNT, with_exempt=True)
    assert not errors
    assert analysis.years[2026].counted_turnover == 0
    assert analysis.years[2026].exempt_receipts == Decimal("60.00")
    assert analysis.years[2026].hn_exempt == Decimal("60.00")
    assert form_for(SAME_ACCOUNT, 2026).values["AA"] == Decimal("60.00")


def test_a_partial_avoir_then_a_partial_payment() -> None:
    """30 of the 50 € massage taken back (an unnumbered reversal linked to its note, here),
    then 60 of the 120 € left paid: the reversal takes from the massage only; the payment is
    spread over what is left (100 / 20)."""
    text = ACCOUNTS + """
2025-03-01 * "Mme Dupont" "Rééducation et massage" ^F-1
  Assets:Creances:Patients  150.00 EUR
  Income:Honoraires:Conventionnes  -100.00 EUR
    acte: "RAB 8"
  Income:Honoraires:HN  -50.00 EUR

2025-03-02 * "Mme Dupont" "Avoir : massage écourté" ^F-1
  Assets:Creances:Patients  -30.00 EUR
  Income:Honoraires:HN  30.00 EUR

2025-03-03 * "Mme Dupont" "Acompte" ^F-1
  Assets:Banque  60.00 EUR
  Assets:Creances:Patients  -60.00 EUR
"""
    entries, index = loaded(text)
    assert _by_account(Cashbook.build(entries, index), 2025) == {
        "Income:Honoraires:Conventionnes": Decimal("50.00"), "Income:Honoraires:HN": Decimal("10.00")}


def test_a_payment_net_of_an_avoir_in_one_transaction() -> None:
    """The patient pays 60 and the massage is credited in the same entry: 60 of the act."""
    text = ACCOUNTS + """
2025-03-01 * "Mme Dupont" "Rééducation et massage" ^F-1
  Assets:Creances:Patients  150.00 EUR
  Income:Honoraires:Conventionnes  -100.00 EUR
    acte: "RAB 8"
  Income:Honoraires:HN  -50.00 EUR

2025-03-03 * "Mme Dupont" "Règlement, massage déduit" ^F-1
  Assets:Banque  60.00 EUR
  Assets:Creances:Patients  -110.00 EUR
  Income:Honoraires:HN  50.00 EUR
"""
    entries, index = loaded(text)
    cashbook = Cashbook.build(entries, index)
    assert _by_account(cashbook, 2025) == {"Income:Honoraires:Conventionnes": Decimal("60.00")}
    assert [(i.balance, {t.account: v for t, v in i.parts.items()}) for i in cashbook.open_items()] == [
        (Decimal("40.00"), {"Income:Honoraires:Conventionnes": Decimal("40.00")})]


def test_a_supplier_credit_note_takes_back_its_expense_line() -> None:
    text = ACCOUNTS + """
2025-03-01 * "Fournisseur" "Facture" ^FR-7
  Expenses:Fournitures  100.00 EUR
  Expenses:Petit-materiel  50.00 EUR
  Liabilities:Fournisseurs  -150.00 EUR

2025-03-05 * "Fournisseur" "Avoir : tabouret retourné" ^FR-7
  Liabilities:Fournisseurs  50.00 EUR
  Expenses:Petit-materiel  -50.00 EUR

2025-03-10 * "Fournisseur" "Virement" ^FR-7
  Assets:Banque  -100.00 EUR
  Liabilities:Fournisseurs  100.00 EUR
"""
    form = form_for(text, 2025)
    assert form.values["BA"] == Decimal("100.00")
    assert form.values.get("BH", Decimal(0)) == 0


def test_an_avoir_beyond_what_is_left_of_its_line_moves_what_was_counted_on_it() -> None:
    """The massage already half paid (a payment before the avoir is spread over the lines): the
    avoir takes what is left of it, the rest of its amount from the other line, and what the
    payment counted on the massage moves to that line on the avoir's day — the massage was
    cancelled, so nothing was received for it (recettes.md, « Les avoirs et les règlements
    partiels »); the note's own total is unchanged."""
    text = ACCOUNTS + """
2025-03-01 * "Mme Dupont" "Rééducation et massage" ^F-1
  Assets:Creances:Patients  150.00 EUR
  Income:Honoraires:Conventionnes  -100.00 EUR
    acte: "RAB 8"
  Income:Honoraires:HN  -50.00 EUR

2025-03-02 * "Mme Dupont" "Acompte" ^F-1
  Assets:Banque  75.00 EUR
  Assets:Creances:Patients  -75.00 EUR

2025-03-03 * "Mme Dupont" "Avoir : massage non réalisé" ^F-1
  Assets:Creances:Patients  -50.00 EUR
  Income:Honoraires:HN  50.00 EUR

2025-03-04 * "Mme Dupont" "Solde" ^F-1
  Assets:Banque  25.00 EUR
  Assets:Creances:Patients  -25.00 EUR
"""
    entries, index = loaded(text)
    cashbook = Cashbook.build(entries, index)
    assert _by_account(cashbook, 2025) == {"Income:Honoraires:Conventionnes": Decimal("100.00")}
    assert not cashbook.open_items()
    note, avoir = (e for e in entries if isinstance(e, data.Transaction) and e.narration.startswith(("Réé", "Avoir")))
    assert cashbook.settled(note) == Decimal("100.00") and cashbook.settled(avoir) == 0  # no money moved
    moved = [(s.account, s.amount) for s in cashbook.settlements if s.txn is avoir]
    assert sorted(moved) == [("Income:Honoraires:Conventionnes", Decimal("25.00")),
                             ("Income:Honoraires:HN", Decimal("-25.00"))]
    form = compute_2035(entries, index, 2025)
    assert form.values["AA"] == 100 and form.reconciliation.closed
    assert analyze(entries, index).years[2025].counted_turnover == 0  # the massage: cancelled


def test_a_rejected_fse_cancelled_after_the_transfer_leaves_the_depassement_whole() -> None:
    """An FSE lot (RAB 100 € to the CPAM, a 25 € dépassement paid by card that day), the CPAM
    transfer of 60 € (one FSE of 40 € rejected), then the rejected FSE cancelled: everything is
    paid, so 60 € conventionné and the 25 € dépassement, whatever the order (recettes.md)."""
    lot = ACCOUNTS + """
2019-01-01 open Assets:Creances:CPAM
2019-01-01 open Income:Honoraires:Depassements
  convention: "depassement"
2025-02-14 * "Lot FSE" "Lot 2025-003"
  lot: "2025-003"
  Assets:Creances:CPAM  100.00 EUR
  Assets:Banque  25.00 EUR
  Income:Honoraires:Conventionnes  -100.00 EUR
    acte: "RAB 8"
  Income:Honoraires:Depassements  -25.00 EUR
    acte: "DE"
"""
    transfer = """
2025-02-28 * "CPAM" "Virement du lot 2025-003"
  Assets:Banque  60.00 EUR
  Assets:Creances:CPAM  -60.00 EUR
    lot: "2025-003"
"""
    cancel = """
{day} * "Lot FSE" "Annulation de la FSE rejetée du lot 2025-003"
  lot: "2025-003"
  Assets:Creances:CPAM  -40.00 EUR
  Income:Honoraires:Conventionnes  40.00 EUR
    acte: "RAB 8"
"""
    for text in (lot + transfer + cancel.format(day="2025-06-30"), lot + cancel.format(day="2025-02-28") + transfer):
        form = form_for(text, 2025)
        assert not form.errors
        assert (form.social.conventionne, form.social.depassement) == (Decimal("60.00"), Decimal("25.00"))
        assert form.values["AA"] == 85 and form.reconciliation.closed


@st.composite
def _settled_notes(draw) -> str:
    """Notes of two or three lines on credit, each paid in part first, then paid in parts and
    reduced by avoirs of one of its lines (each at most what is left of that line) in any
    order, then paid off."""
    lines = [ACCOUNTS + '2024-01-01 custom "hn-option" "treasury" Assets:Banque\n']
    kinds = {"acte": ("Conventionnes", '    acte: "RAB 8"'), "massage": ("HN", ""),
             "bilan": ("HN", '    tva: "exoneree"')}
    day = datetime.date(2025, 1, 2)
    for n in range(draw(st.integers(1, 4))):
        link = f"F-{n}"
        chosen = draw(st.lists(st.sampled_from(sorted(kinds)), min_size=2, max_size=3, unique=True))
        billed = {name: draw(st.integers(100, 9999)) for name in chosen}
        lines.append(f'{day} * "Patient" "Soins" ^{link}')
        lines.append(f"  Assets:Creances:Patients  {Decimal(sum(billed.values())) / 100:.2f} EUR")
        for name, cents in billed.items():
            account, meta = kinds[name]
            lines += [f"  Income:Honoraires:{account}  {-Decimal(cents) / 100:.2f} EUR", *([meta] if meta else [])]
        owed = sum(billed.values())
        for step in range(draw(st.integers(2, 5))):
            day += datetime.timedelta(days=1)
            if step and draw(st.booleans()):  # an avoir of one line, at most what is left of it
                name = draw(st.sampled_from(sorted(billed)))
                if billed[name] == 0 or owed == 0:
                    continue
                cents = draw(st.integers(1, min(billed[name], owed)))
                billed[name] -= cents
                owed -= cents
                account, meta = kinds[name]
                lines += [f'{day} * "Patient" "Avoir" ^{link}',
                          f"  Assets:Creances:Patients  {-Decimal(cents) / 100:.2f} EUR",
                          f"  Income:Honoraires:{account}  {Decimal(cents) / 100:.2f} EUR", *([meta] if meta else [])]
            elif owed:
                cents = draw(st.integers(1, owed))
                owed -= cents
                lines += [f'{day} * "Patient" "Virement" ^{link}', f"  Assets:Banque  {Decimal(cents) / 100:.2f} EUR",
                          f"  Assets:Creances:Patients  {-Decimal(cents) / 100:.2f} EUR"]
        if owed:
            day += datetime.timedelta(days=1)
            lines += [f'{day} * "Patient" "Solde" ^{link}', f"  Assets:Banque  {Decimal(owed) / 100:.2f} EUR",
                      f"  Assets:Creances:Patients  {-Decimal(owed) / 100:.2f} EUR"]
        lines.append(f"; billed after the avoirs: {billed}")
        day += datetime.timedelta(days=1)
    return "\n".join(lines) + "\n"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_settled_notes())
def test_a_note_paid_off_counts_each_line_at_what_its_avoirs_left(text: str) -> None:
    """Whatever the order of part payments and avoirs, a note paid off has received, line by
    line, exactly its amount less its avoirs: the social split and the 293 B turnover follow."""
    entries, index = _book(text)
    billed: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account.startswith("Income:"):
                    key = (posting.account, (posting.meta or {}).get("tva"))
                    billed[str(key)] -= posting.units.number
    cashbook = Cashbook.build(entries, index)
    assert not cashbook.open_items() and not cashbook.problems
    received: dict[str, Decimal] = defaultdict(Decimal)
    for settlement in cashbook.settlements:
        posting = settlement.posting
        received[str((settlement.account, (posting.meta or {}).get("tva")))] += settlement.amount
    assert {k: v for k, v in received.items() if v} == {k: v for k, v in billed.items() if v}
    for txn in (e for e in entries if isinstance(e, data.Transaction)):
        if txn.narration == "Avoir":
            assert cashbook.settled(txn) == 0  # an avoir set against its note moves no money


# --- the cheap walks ---------------------------------------------------------------------------


def _key(settlement) -> tuple:
    target = settlement.target
    return (settlement.date, id(settlement.txn), settlement.amount, target.bucket, target.account,
            id(target.txn), target.index, settlement.funded_by_equity)


@st.composite
def _ledgers(draw) -> tuple[str, list[bool]]:
    """Mixed notes on credit (an act, a massage, an exempt bilan), avoirs of one or two of their
    lines (whole or part), payments (whole or partial, linked or not), in date order."""
    lines = [ACCOUNTS + '2024-01-01 custom "hn-option" "treasury" Assets:Banque\n']
    day = datetime.date(2024, 1, 2)
    notes: list[tuple[str, dict[tuple[str, str], int]]] = []
    kinds = {"acte": ("Conventionnes", '    acte: "RAB 8"'), "massage": ("HN", ""),
             "bilan": ("HN", '    tva: "exoneree"')}
    for n in range(draw(st.integers(3, 14))):
        day += datetime.timedelta(days=draw(st.sampled_from([0, 1, 3, 40, 200])))
        kind = draw(st.sampled_from(["note", "note", "avoir", "payment", "payment"]))
        if kind == "note" or not notes:
            link = f"F-{n}"
            chosen = draw(st.lists(st.sampled_from(sorted(kinds)), min_size=1, max_size=3, unique=True))
            amounts = {name: draw(st.integers(100, 9999)) for name in chosen}
            notes.append((link, amounts))
            lines.append(f'{day} * "Patient" "Soins" ^{link}')
            lines.append(f"  Assets:Creances:Patients  {Decimal(sum(amounts.values())) / 100:.2f} EUR")
            for name, cents in amounts.items():
                account, meta = kinds[name]
                lines.append(f"  Income:Honoraires:{account}  {-Decimal(cents) / 100:.2f} EUR")
                if meta:
                    lines.append(meta)
        elif kind == "avoir":
            link, amounts = draw(st.sampled_from(notes))
            taken = draw(st.lists(st.sampled_from(sorted(amounts)), min_size=1, max_size=2, unique=True))
            backs = {name: draw(st.integers(1, amounts[name])) for name in taken}
            lines.append(f'{day} * "Patient" "Avoir" ^{link}')
            lines.append(f"  Assets:Creances:Patients  {-Decimal(sum(backs.values())) / 100:.2f} EUR")
            for name, cents in backs.items():
                account, meta = kinds[name]
                lines.append(f"  Income:Honoraires:{account}  {Decimal(cents) / 100:.2f} EUR")
                if meta:
                    lines.append(meta)
        else:
            cents = draw(st.integers(1, 15000))
            link = f" ^{draw(st.sampled_from(notes))[0]}" if draw(st.booleans()) else ""
            lines += [f'{day} * "Patient" "Virement"{link}',
                      f"  Assets:Banque  {Decimal(cents) / 100:.2f} EUR",
                      f"  Assets:Creances:Patients  {-Decimal(cents) / 100:.2f} EUR"]
        lines.append("")
    return "\n".join(lines), draw(st.lists(st.booleans(), min_size=30, max_size=30))


_book = partial(loaded, check=False, header=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ledgers())
def test_the_cheap_walks_give_the_full_walks_figures(case: tuple[str, list[bool]]) -> None:
    text, choices = case
    entries, index = _book(text)
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    chosen = {id(t) for t, keep in zip(transactions, choices, strict=False) if keep}
    full = Cashbook.build(entries, index)
    # detail=: the chosen transactions' settlements, and each aggregate what its postings get.
    cheap = Cashbook.build(entries, index, detail=lambda txn: id(txn) in chosen)
    def of_chosen(cashbook: Cashbook) -> list[tuple]:  # (a cheap walk may have walked in full)
        return sorted((_key(s) for s in cashbook.settlements
                       if s.bucket != AGGREGATE and (s.target.txn is None or id(s.target.txn) in chosen)), key=repr)

    assert of_chosen(cheap) == of_chosen(full)
    together: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for settlement in full.settlements:
        if settlement.target.txn is not None and id(settlement.target.txn) not in chosen:
            together[(id(settlement.txn), id(settlement.target.txn))] += settlement.amount
    aggregated: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for settlement in cheap.settlements:
        if settlement.bucket == AGGREGATE:
            aggregated[(id(settlement.txn), id(settlement.target.txn))] += settlement.amount
    if aggregated:
        assert {k: v for k, v in aggregated.items() if v} == {k: v for k, v in together.items() if v}
    # build_for: the settlements of its transactions.
    focus = [t for t in transactions if id(t) in chosen]
    assert (sorted((_key(s) for s in Cashbook.build_for(entries, index, focus).settlements
                    if id(s.target.txn) in chosen), key=repr)
            == sorted((_key(s) for s in full.settlements if id(s.target.txn) in chosen), key=repr))
    # build_for_year: the year's settlements, in order.
    for year in {s.date.year for s in full.settlements}:
        assert ([_key(s) for s in Cashbook.build_for_year(entries, index, year).for_year(year)]
                == [_key(s) for s in full.for_year(year)])
    # No line of a note ever receives more than it was billed, nor less than nothing.
    received: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for settlement in full.settlements:
        if settlement.bucket == INCOME:
            received[(id(settlement.target.txn), settlement.target.index)] += settlement.amount
    for (txn_id, i), amount in received.items():
        posting = next(t for t in transactions if id(t) == txn_id).postings[i]
        if posting.units.number < 0:
            assert 0 <= amount <= -posting.units.number
