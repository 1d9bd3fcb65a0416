"""``Cashbook.build_for`` follows apart, by their balance, the numbers its transactions do not share.

On a receivable shared by the notes a caller reads (the VAT step: the taxable ones) and
thousands of others, the notes and payments of a number no focused transaction names are
followed by that number's balance alone (``_Builder.shadow``): a payment naming a number
settles its items only. Where a posting names no number an item carries yet, it takes the
oldest items of the other sign, whichever number they have: the walk then refuses and walks
them in full. Either way the settlements of the focused transactions are the full walk's.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount.core import data

from beancount_hn.core.cashbook import (Cashbook, _Builder, _item_keys, _NeedsDetail, _one_number, _settled_keys,
                                         _transactions)
from tests.ledgers import loaded
from tests.test_cashbook_detail import _key

ACCOUNTS = """
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Income:Honoraires:HN
2024-01-01 open Income:Honoraires:Conventionnes
"""

_book = partial(loaded, plugin=None)


def _of(cashbook: Cashbook, ids: set[int]) -> list[tuple]:
    return sorted((_key(s) for s in cashbook.settlements if id(s.target.txn) in ids), key=repr)


def _as_full_walk(entries: list, index, chosen: list) -> Cashbook:
    """``build_for(chosen)``, once its settlements of ``chosen`` are checked against the full walk's."""
    ids = {id(txn) for txn in chosen}
    cashbook = Cashbook.build_for(entries, index, chosen)
    assert _of(cashbook, ids) == _of(Cashbook.build(entries, index), ids)
    return cashbook


def _builder(entries: list, index, chosen: list) -> _Builder:
    focus = {id(txn) for txn in chosen}
    return _Builder(index, _transactions(entries), lambda txn: id(txn) in focus, focus, shadow=True)


def _money(cents: int, odd: bool = False) -> str:
    """``cents`` as euros, with a half cent more when ``odd``."""
    return f"{Decimal(cents) / 100 + Decimal('0.005'):.3f}" if odd else f"{Decimal(cents) / 100:.2f}"


def _down(draw, owed: dict[str, int], number: str, cents: int) -> int:
    """What a payment or credit note of ``number`` takes: ``cents``, or what is left of its note
    (then less by as much: so numbers are often paid down to zero, or in two halves)."""
    left = owed.get(number)
    if not left:
        return cents
    taken = draw(st.sampled_from([cents, left, left, (left + 1) // 2]))
    owed[number] = max(left - taken, 0)
    return taken


@st.composite
def numbered_ledgers(draw) -> tuple[str, list[bool]]:
    """Numbered notes on one receivable, their credit notes (some under a number of their own,
    whose balance may be paid back), payments naming one number (in full, down to zero, in part,
    beyond it, before the note), naming two, or none, on one or two treasury accounts, sometimes
    in dollars or with half cents; in date order."""
    lines = [ACCOUNTS]
    day = datetime.date(2024, 1, 2)
    numbers: list[str] = []
    owed: dict[str, int] = {}  # a note's cents: a payment or credit note often takes it down to zero
    # Half the ledgers have remittances naming nothing (the walk then keeps every number in it).
    kinds = ["note", "note", "note", "payment", "payment", "payment", "credit", "two", "split", "dollars",
             *(["unlinked"] if draw(st.booleans()) else [])]
    for n in range(draw(st.integers(4, 22))):
        day += datetime.timedelta(days=draw(st.sampled_from([0, 0, 1, 2, 5, 40])))
        kind = draw(st.sampled_from(kinds))
        if kind == "two" and len(numbers) < 2:
            kind = "payment"
        cents = draw(st.integers(1, 9000))
        odd = draw(st.integers(0, 9)) == 0
        if kind == "note":
            number = f"N-{n}"
            numbers.append(number)
            owed[number] = cents
            account = draw(st.sampled_from(["HN", "HN", "Conventionnes"]))
            meta = f'\n  facture: "{number}"' if draw(st.booleans()) else ""
            lines += [f'{day} * "Patient {n % 3}" "Séance" ^{number}{meta}',
                      f"  Assets:Creances:Patients  {_money(cents, odd)} EUR",
                      f"  Income:Honoraires:{account}  -{_money(cents, odd)} EUR",
                      f'    acte: "{"HN" if account == "HN" else "AMS 7.5"}"']
        elif kind == "credit" and numbers:
            number = draw(st.sampled_from(numbers))
            cents = _down(draw, owed, number, cents)
            avoir = f'\n  avoir-de: "{number}"' if draw(st.booleans()) else ""
            if draw(st.booleans()):  # under a number of its own: it takes its invoice down, or is walked
                avoir += f'\n  facture: "AV-{n}"'
                numbers.append(f"AV-{n}")  # what it leaves may be paid back under that number
            lines += [f'{day} * "Patient" "Avoir" ^{number}{avoir}',
                      f"  Assets:Creances:Patients  -{_money(cents)} EUR",
                      "  Income:Honoraires:HN  " + _money(cents) + " EUR", '    acte: "HN"']
        elif kind in ("payment", "split", "dollars") or (kind == "credit" and not numbers):
            # Mostly a number already billed; sometimes the next one (paid before its note).
            number = draw(st.sampled_from(numbers)) if numbers and draw(st.integers(0, 5)) else f"N-{n + 1}"
            cents = _down(draw, owed, number, cents)
            back = number.startswith("AV-")  # a credit note's balance paid back
            if kind == "dollars":
                lines += [f'{day} * "Patient" "Règlement" ^{number}',
                          f"  Assets:Banque  {'-' if back else ''}{_money(cents)} EUR",
                          f"  Assets:Creances:Patients  {'' if back else '-'}{_money(cents)} USD @@ {_money(cents)} EUR"]
            elif kind == "split":
                half = cents // 2
                lines += [f'{day} * "Patient" "Règlement" ^{number}',
                          f"  Assets:Banque  {_money(half)} EUR", f"  Assets:Caisse  {_money(cents - half)} EUR",
                          f"  Assets:Creances:Patients  -{_money(cents)} EUR"]
            else:
                named = draw(st.sampled_from(["link", "link", "reglement"]))
                link, meta = (f" ^{number}", "") if named == "link" else ("", f'\n    reglement-de: "{number}"')
                lines += [f'{day} * "Patient" "Règlement"{link}',
                          f"  Assets:Banque  {'-' if back else ''}{_money(cents, odd)} EUR",
                          f"  Assets:Creances:Patients  {'' if back else '-'}{_money(cents, odd)} EUR{meta}"]
        elif kind == "two" and len(numbers) > 1:
            first, second = draw(st.sampled_from(numbers)), draw(st.sampled_from(numbers))
            lines += [f'{day} * "Patient" "Règlement groupé" ^{first} ^{second}',
                      f"  Assets:Banque  {_money(cents)} EUR", f"  Assets:Creances:Patients  -{_money(cents)} EUR"]
        else:  # no number: the oldest items
            lines += [f'{day} * "Patient" "Règlement"', f"  Assets:Banque  {_money(cents)} EUR",
                      f"  Assets:Creances:Patients  -{_money(cents)} EUR"]
        lines.append("")
    choices = draw(st.lists(st.booleans(), min_size=25, max_size=25))
    return "\n".join(lines), choices


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(numbered_ledgers())
def test_the_focused_settlements_are_the_full_walks(case: tuple[str, list[bool]]) -> None:
    text, choices = case
    entries, index = _book(text)
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    chosen = [t for t, keep in zip(transactions, choices, strict=False) if keep]
    ids = {id(t) for t in chosen}
    _as_full_walk(entries, index, chosen)
    # The money that settled nothing is what the walk without numbers apart finds.
    try:
        apart = Cashbook._walk(entries, index, lambda txn: id(txn) in ids, ids, True)
        together = Cashbook._walk(entries, index, lambda txn: id(txn) in ids, ids, False)
    except _NeedsDetail:
        return
    assert [(id(t), a, v) for t, a, v in apart.problems] == [(id(t), a, v) for t, a, v in together.problems]


def test_numbers_no_focused_transaction_names_are_followed_apart() -> None:
    entries, index = _book(ACCOUNTS + """
2024-02-01 * "Mme Roux" "Massage bien-être" ^F-1
  Assets:Creances:Patients   60.00 EUR
  Income:Honoraires:HN      -60.00 EUR
    acte: "HN"

2024-02-01 * "M. Roy" "Bilan" ^F-2
  Assets:Creances:Patients   80.00 EUR
  Income:Honoraires:HN      -80.00 EUR
    acte: "HN"

2024-02-10 * "M. Roy" "Règlement" ^F-2
  Assets:Banque              50.00 EUR
  Assets:Creances:Patients  -50.00 EUR

2024-02-11 * "Mme Roux" "Règlement" ^F-1
  Assets:Banque              70.00 EUR
  Assets:Creances:Patients  -70.00 EUR
""")
    roux, roy, roy_paid, roux_paid = _transactions(entries)
    builder = _builder(entries, index, [roux])
    # M. Roy's note and payment name F-2 only, and the payment only takes it down: F-2 is
    # open from its note to the end, and neither is walked.
    assert builder.shadowed == {} and builder.walked == [0, 3]
    assert builder.paid_down == {("Assets:Creances:Patients", 1): ([1], [4])}
    cashbook = _as_full_walk(entries, index, [roux])
    assert [(s.date, s.amount) for s in cashbook.for_target_txn(roux)] == [(datetime.date(2024, 2, 11), Decimal("60.00"))]
    # What Mme Roux paid beyond her note settled nothing, as in the full walk.
    assert [(t.payee, v) for t, _, v in cashbook.problems] == [("Mme Roux", Decimal("10.00"))]


def test_a_number_paid_beyond_its_note_is_followed_by_its_balance() -> None:
    # M. Roy pays 90 on a note of 80: F-2 is walked by its balance, and the 10 beyond settle nothing.
    entries, index = _book(ACCOUNTS + """
2024-02-01 * "Mme Roux" "Massage bien-être" ^F-1
  Assets:Creances:Patients   60.00 EUR
  Income:Honoraires:HN      -60.00 EUR
    acte: "HN"

2024-02-01 * "M. Roy" "Bilan" ^F-2
  Assets:Creances:Patients   80.00 EUR
  Income:Honoraires:HN      -80.00 EUR
    acte: "HN"

2024-02-10 * "M. Roy" "Règlement" ^F-2
  Assets:Banque              90.00 EUR
  Assets:Creances:Patients  -90.00 EUR
""")
    roux = _transactions(entries)[0]
    builder = _builder(entries, index, [roux])
    assert sorted(builder.shadowed) == [1, 2] and builder.paid_down == {}
    cashbook = _as_full_walk(entries, index, [roux])
    assert [(t.payee, v) for t, _, v in cashbook.problems] == [("M. Roy", Decimal("10.00"))]


def test_a_credit_note_under_its_own_number_takes_its_invoice_down_apart() -> None:
    # AV-1 takes 30 off F-2, then M. Roy pays the 50 left: F-2 is paid down, walked by nobody.
    text = ACCOUNTS + """
2024-02-01 * "Mme Roux" "Massage bien-être" ^F-1
  Assets:Creances:Patients   60.00 EUR
  Income:Honoraires:HN      -60.00 EUR
    acte: "HN"

2024-02-01 * "M. Roy" "Bilan" ^F-2
  Assets:Creances:Patients   80.00 EUR
  Income:Honoraires:HN      -80.00 EUR
    acte: "HN"

2024-02-03 * "M. Roy" "Avoir" ^F-2
  facture: "AV-1"
  avoir-de: "F-2"
  Assets:Creances:Patients  -CREDIT EUR
  Income:Honoraires:HN       CREDIT EUR
    acte: "HN"

2024-02-10 * "M. Roy" "Règlement" ^F-2
  Assets:Banque              50.00 EUR
  Assets:Creances:Patients  -50.00 EUR

2024-02-12 * "Mme Roux" "Règlement" ^F-1
  Assets:Banque              60.00 EUR
  Assets:Creances:Patients  -60.00 EUR
"""
    entries, index = _book(text.replace("CREDIT", "30.00"))
    roux = _transactions(entries)[0]
    builder = _builder(entries, index, [roux])
    assert builder.walked == [0, 4] and builder.paid_down == {("Assets:Creances:Patients", 1): ([1], [3])}
    _as_full_walk(entries, index, [roux])
    # Beyond its invoice, what the credit note leaves would be an item of AV-1 too: walked in full.
    entries, index = _book(text.replace("CREDIT", "100.00"))
    roux = _transactions(entries)[0]
    assert sorted(_builder(entries, index, [roux]).shadowed) == [1, 2, 3]
    with pytest.raises(_NeedsDetail):
        Cashbook._walk(entries, index, lambda txn: txn is roux, {id(roux)}, True)
    _as_full_walk(entries, index, [roux])


def test_a_note_paid_down_apart_meeting_an_item_of_the_other_sign_is_walked_in_full() -> None:
    # The focused credit note AV-5 names nothing an item carries: it stays open, negative. M. Roy's
    # note, the first of F-2, takes it in the full walk, and his payment settles it; followed apart,
    # the credit note would have stayed open.
    entries, index = _book(ACCOUNTS + """
2024-02-01 * "M. Blanc" "Avoir" ^AV-5
  Assets:Creances:Patients  -20.00 EUR
  Income:Honoraires:HN       20.00 EUR
    acte: "HN"

2024-02-02 * "M. Roy" "Bilan" ^F-2
  Assets:Creances:Patients   80.00 EUR
  Income:Honoraires:HN      -80.00 EUR
    acte: "HN"

2024-02-10 * "M. Roy" "Règlement" ^F-2
  Assets:Banque              60.00 EUR
  Assets:Creances:Patients  -60.00 EUR
""")
    blanc = _transactions(entries)[0]
    assert _builder(entries, index, [blanc]).paid_down == {("Assets:Creances:Patients", 1): ([1], [3])}
    with pytest.raises(_NeedsDetail):
        Cashbook._walk(entries, index, lambda txn: txn is blanc, {id(blanc)}, True)
    cashbook = _as_full_walk(entries, index, [blanc])
    assert [(s.date, s.amount) for s in cashbook.for_target_txn(blanc)] == [(datetime.date(2024, 2, 10),
                                                                              Decimal("-20.00"))]


def test_a_payment_before_its_note_takes_the_oldest_items_and_is_walked_in_full() -> None:
    # The payment names F-3, which no item carries yet: the full walk gives its money to the
    # oldest open item, Mme Roux's taxable note. Followed apart it would have settled nothing.
    entries, index = _book(ACCOUNTS + """
2024-02-01 * "Mme Roux" "Massage bien-être" ^F-1
  Assets:Creances:Patients   60.00 EUR
  Income:Honoraires:HN      -60.00 EUR
    acte: "HN"

2024-02-05 * "M. Roy" "Acompte" ^F-3
  Assets:Banque              40.00 EUR
  Assets:Creances:Patients  -40.00 EUR

2024-02-06 * "M. Roy" "Bilan" ^F-3
  Assets:Creances:Patients   40.00 EUR
  Income:Honoraires:HN      -40.00 EUR
    acte: "HN"
""")
    roux = _transactions(entries)[0]
    assert sorted(_builder(entries, index, [roux]).shadowed) == [1, 2]
    with pytest.raises(_NeedsDetail):  # followed apart, the payment would have settled nothing
        Cashbook._walk(entries, index, lambda txn: txn is roux, {id(roux)}, True)
    cashbook = _as_full_walk(entries, index, [roux])
    assert [(s.date, s.amount) for s in cashbook.for_target_txn(roux)] == [(datetime.date(2024, 2, 5), Decimal("40.00"))]


def test_a_number_a_focused_transaction_names_is_walked_in_full() -> None:
    # The credit note (focused) names F-2: M. Roy's note and payment are walked with it.
    entries, index = _book(ACCOUNTS + """
2024-02-01 * "M. Roy" "Bilan" ^F-2
  Assets:Creances:Patients   80.00 EUR
  Income:Honoraires:HN      -80.00 EUR
    acte: "HN"

2024-02-03 * "M. Roy" "Avoir" ^F-2 ^AV-1
  avoir-de: "F-2"
  Assets:Creances:Patients  -30.00 EUR
  Income:Honoraires:HN       30.00 EUR
    acte: "HN"

2024-02-10 * "M. Roy" "Règlement" ^F-2
  Assets:Banque              50.00 EUR
  Assets:Creances:Patients  -50.00 EUR
""")
    note, credit, _ = _transactions(entries)
    assert _builder(entries, index, [credit]).shadowed == {}
    _as_full_walk(entries, index, [note, credit])


def test_a_payment_naming_nothing_on_the_account_keeps_the_walk_whole() -> None:
    # A remittance without link takes the oldest items, M. Roy's among them: nothing is
    # followed apart (the walk would refuse at it), and the figures are the full walk's.
    entries, index = _book(ACCOUNTS + """
2024-02-01 * "Mme Roux" "Massage bien-être" ^F-1
  Assets:Creances:Patients   60.00 EUR
  Income:Honoraires:HN      -60.00 EUR
    acte: "HN"

2024-02-01 * "M. Roy" "Bilan" ^F-2
  Assets:Creances:Patients   80.00 EUR
  Income:Honoraires:HN      -80.00 EUR
    acte: "HN"

2024-02-10 * "Remise de chèques" "Sans référence"
  Assets:Banque             100.00 EUR
  Assets:Creances:Patients -100.00 EUR
""")
    roux = _transactions(entries)[0]
    assert _builder(entries, index, [roux]).shadowed == {}
    cashbook = _as_full_walk(entries, index, [roux])
    assert [(s.date, s.amount) for s in cashbook.for_target_txn(roux)] == [(datetime.date(2024, 2, 10), Decimal("60.00"))]


def test_a_walked_payment_naming_an_unknown_number_refuses_when_it_could_take_items_apart() -> None:
    # The payment in dollars (walked in full) names F-7, which no item carries: the full walk
    # gives it the oldest item, M. Roy's exempt note, followed apart. Mme Roux's taxable note
    # stays unpaid; a walk that did not refuse would have settled it.
    entries, index = _book(ACCOUNTS + """
2024-02-01 * "M. Roy" "Bilan" ^F-1
  Assets:Creances:Patients   80.00 EUR
  Income:Honoraires:HN      -80.00 EUR
    acte: "HN"

2024-02-02 * "Mme Roux" "Massage bien-être" ^F-9
  Assets:Creances:Patients   50.00 EUR
  Income:Honoraires:HN      -50.00 EUR
    acte: "HN"

2024-02-05 * "Patient" "Règlement" ^F-7
  Assets:Banque              50.00 EUR
  Assets:Creances:Patients  -50.00 USD @@ 50.00 EUR
""")
    _, roux, _ = _transactions(entries)
    assert _builder(entries, index, [roux]).paid_down == {("Assets:Creances:Patients", 1): ([0], [3])}
    with pytest.raises(_NeedsDetail):
        Cashbook._walk(entries, index, lambda txn: txn is roux, {id(roux)}, True)
    cashbook = _as_full_walk(entries, index, [roux])
    assert cashbook.for_target_txn(roux) == []


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({}, optional={"facture": st.sampled_from(["F-1", "F-2"]),
                                           "lot": st.sampled_from(["F-1", "L-9"]),
                                           "avoir-de": st.sampled_from(["F-1", "F-2"])}),
       st.fixed_dictionaries({}, optional={"reglement-de": st.sampled_from(["F-1", "F-3"]),
                                           "lot": st.sampled_from(["F-1", "L-9"])}),
       st.frozensets(st.sampled_from(["F-1", "F-2", "AV-1"]), max_size=2), st.booleans())
def test_one_number_is_what_the_walk_reads_or_nothing(meta: dict, posting_meta: dict, links: frozenset,
                                                      carried: bool) -> None:
    # The walk's own reading: the posting names one number and, for a note, its items carry it alone.
    posting = data.Posting("Assets:Creances:Patients", None, None, None, None, {"lineno": 2, **posting_meta})
    txn = data.Transaction({"lineno": 1, **meta}, datetime.date(2024, 1, 2), "*", None, "", frozenset(),
                           links, [posting])
    keys = _settled_keys(txn, posting)
    walk = keys[0] if len(keys) == 1 and (not carried or _item_keys(txn) == tuple(keys)) else None
    found = _one_number(txn, posting, carried)
    assert found in (None, walk)
    if "lot" not in meta:  # only a lot equal to the number is left to the full walk
        assert found == walk
