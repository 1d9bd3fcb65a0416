"""The invoice book's fast paths answer as the general ones they skip.

Every ``bean-check`` reads thousands of invoice numbers, so the usual one (written
as its series writes it, one series possible) is read by ``SeriesSet.read``
through each pattern's canonical spelling (``series.canonical_regex``) when no
number can fit two patterns (``series.disjoint``); anything else goes through
``SeriesSet.match``, which says what is wrong. The invoice's fees for the quote
rule are its income total when its receipts are all its income postings, in
euros. The cash-basis check skips the transactions dated after every treasury
option they depend on. Each shortcut is checked here against what it replaces,
on patterns, numbers and ledgers drawn at random.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from unittest import mock

from beancount.core import data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.invoicing.invoices import build_invoice_book, check_invoices
from beancount_hn.invoicing.series import (SeriesSet, canonical_regex, compile_pattern, disjoint,
                                           printf_template, read_series)
from beancount_hn.plugins.convention import tag_receipts
from beancount_hn.plugins.treasury import treasury_step
from tests.ledgers import load, plain
from tests.test_chain_reuse import ledgers

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Literal text (with digits, which fields may swallow, and case variants), then the fields.
LITERAL = st.text(alphabet="FfAV-/0 9", max_size=3)
SEQ = st.sampled_from(["{seq}", "{seq:d}", "{seq:04d}", "{seq:03d}", "{seq:4d}", "{seq:1d}", "{seq:010d}"])
YEAR = st.sampled_from(["", "{year}", "{year:04d}", "{year:4d}", "{year:d}"])


@st.composite
def patterns(draw) -> str:
    head, middle, tail = draw(LITERAL), draw(LITERAL), draw(LITERAL)
    fields = [draw(SEQ), draw(YEAR)]
    if draw(st.booleans()):
        fields.reverse()
    pattern = f"{head}{fields[0]}{middle}{fields[1]}{tail}".strip()
    try:
        compile_pattern(pattern)
    except ValueError:
        return "N{seq}"
    return pattern


def series_of(declared: list[tuple[str, datetime.date]]) -> SeriesSet:
    """The series of ``invoice-series`` options declaring each pattern (its own name) on its day."""
    options = "".join(f'{day} custom "hn-option" "invoice-series" "S{n}" "{pattern}"\n'
                      for n, (pattern, day) in enumerate(declared))
    entries, _, _ = load(options, header=False, plugin=None)
    series, _ = read_series(LedgerIndex.build(entries, {}).config)
    return series


def written_numbers(pattern: str, seq: int, year: int) -> list[str]:
    """``pattern``'s number ``seq`` of ``year``, and what a hurried hand makes of it."""
    text = pattern.format(seq=seq, year=year)
    return [text, text.lower(), text.upper(), f" {text}", text.replace("0", ""), text.replace("0", "00", 1),
            text.replace("1", "\u0661"), text + "0", "0" + text, text.replace(" ", "0")]


DAYS = st.dates(datetime.date(2023, 1, 1), datetime.date(2026, 12, 31))
DECLARED = st.lists(st.tuples(patterns(), st.sampled_from([datetime.date(2023, 1, 1), datetime.date(2025, 7, 1)])),
                    min_size=1, max_size=3)


def _read_by_match(series: SeriesSet, written: str, on: datetime.date):
    """What ``SeriesSet.read`` must answer, from the general path: the number's series when
    nothing is to be reported about it (see ``invoices._Reader.number``), else None."""
    ref, problem = series.match(written.strip(), on)
    fine = (ref is not None and not problem and ref.canonical == written
            and (ref.year is None or ref.year == on.year))
    return ref if fine else None


@SETTINGS
@given(DECLARED, st.integers(0, 10 ** 6), st.integers(0, 9999), DAYS, st.integers(0, 2))
def test_reading_a_number_fast_finds_what_the_general_path_finds(declared, seq, year, on, which):
    series = series_of(declared)
    pattern = declared[which % len(declared)][0]
    kept = [p.pattern for p in series.patterns]  # (a pattern declared twice is kept once)
    fast = all(map(canonical_regex, kept)) and all(disjoint(p, q) for n, p in enumerate(kept) for q in kept[n + 1:])
    for text in written_numbers(pattern, seq, year) + written_numbers(pattern, seq, on.year):
        read = series.read(text, on)
        assert read == _read_by_match(series, text, on) if fast else read is None, text
        found = series.candidates(text.strip())
        assert series.canonical(text) == (found[0].canonical if found else text.strip()), text


def test_the_usual_numbers_are_read_fast():
    series = series_of([("F-{year}-{seq:04d}", datetime.date(2025, 1, 1)),
                        ("AV-{year}-{seq:03d}", datetime.date(2025, 1, 1))])
    day = datetime.date(2025, 3, 4)
    with mock.patch.object(SeriesSet, "match", side_effect=AssertionError("general path")):
        assert series.read("F-2025-0042", day)[1:] == (2025, 42)
        assert series.read("AV-2025-1000", day)[1:] == (2025, 1000)
        assert series.canonical("AV-2025-007") == "AV-2025-007"
    assert series.read("F-2025-42", day) is None  # not written as its series writes it
    assert series.read("F-2024-0042", day) is None  # of another year than its date
    assert series.read("F-2025-0000", day) is None  # no number 0


@SETTINGS
@given(patterns(), patterns(), st.integers(0, 10 ** 5), st.integers(0, 9999))
def test_patterns_said_disjoint_share_no_number(first, second, seq, year):
    if not disjoint(first, second):
        return
    assert disjoint(second, first)
    regexes = [compile_pattern(first)[0], compile_pattern(second)[0]]
    for pattern in (first, second):
        for text in written_numbers(pattern, seq, year):
            assert not all(regex.fullmatch(text) for regex in regexes), (first, second, text)


@SETTINGS
@given(patterns(), st.integers(0, 10 ** 6), st.integers(0, 9999))
def test_canonical_spellings_are_exactly_what_the_pattern_writes(pattern, seq, year):
    canonical = canonical_regex(pattern)
    if canonical is None:
        return
    general, has_year = compile_pattern(pattern)
    template, _ = printf_template(pattern)
    for text in written_numbers(pattern, seq, year):
        match = general.fullmatch(text)
        if match is None:
            assert canonical.fullmatch(text) is None, text
            continue
        fields = {name: int(value) for name, value in match.groupdict().items()}
        values = tuple(fields[name] for name in re.findall(r"\{(seq|year)", pattern))
        writes = template % values == text and fields["seq"] >= 1
        found = canonical.fullmatch(text)
        assert (found is not None) == writes, text
        if found is not None:
            assert {name: int(value) for name, value in found.groupdict().items()} == fields


def test_patterns_that_cannot_be_told_apart_are_never_read_fast():
    day = datetime.date(2025, 3, 4)
    for declared in ([("F-{year}-{seq:04d}", day), ("F-{year}-{seq:05d}", datetime.date(2025, 7, 1))],
                     [("N{seq:4d}", day)], [("{year}{seq:03d}", day)]):
        series = series_of(declared)
        text = declared[0][0].format(seq=42, year=2025)
        assert series.read(text, day) is None  # the general path decides
        assert _read_by_match(series, text, day) is not None or text == "N  42"


def _book(entries: list, index: LedgerIndex) -> tuple:
    book = build_invoice_book(entries, index)
    return ([(inv.number, inv.ref and (inv.series, inv.ref.pattern.pattern, inv.year, inv.seq), inv.amount, inv.fees_eur, inv.currency, inv.receipts, inv.credit_of,
              [note.number for note in inv.credit_notes]) for inv in book.invoices],
            [(s.series, s.year, [m.number for m in s.members], [(g.start, g.end) for g in s.gaps])
             for s in book.sequences],
            [(e.source["lineno"], e.message) for e in check_invoices(book)])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_the_book_read_fast_is_the_book_read_the_general_way(text):
    entries, _, options = load(text, header=False, plugin=None)
    index = LedgerIndex.build(entries, options)
    tagged, _ = tag_receipts(entries, index)
    fast = _book(tagged, index)
    with mock.patch.object(SeriesSet, "read", lambda self, written, on: None):
        assert _book(tagged, LedgerIndex.build(entries, options)) == fast


@st.composite
def billed_ledgers(draw) -> str:
    """Invoices whose income postings are receipts or not, in euros or not, mixed."""
    lines = ["2025-01-01 open Assets:Banque", "2025-01-01 open Income:Honoraires:HN",
             '  convention: "non-conventionne"', "2025-01-01 open Income:Interets", '  ligne-2035: "AE"',
             "2025-01-01 open Equity:Ouverture",
             '2025-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"']
    for seq in range(1, draw(st.integers(1, 6)) + 1):
        lines += [f'2025-03-{seq:02d} * "Patient" "Séance"', f'  facture: "F-2025-{seq:04d}"']
        for _ in range(draw(st.integers(0, 3))):
            account = draw(st.sampled_from(["Income:Honoraires:HN", "Income:Interets", "Equity:Ouverture"]))
            currency = draw(st.sampled_from(["EUR", "EUR", "USD"]))
            lines += [f"  {account}  {-draw(st.integers(-5000, 20000)) / 100:.2f} {currency}",
                      "  Assets:Banque"]
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(ledgers(), billed_ledgers()))
def test_the_fees_the_quote_rule_reads_are_those_of_the_receipts_in_euros(text):
    entries, _, options = load(text, header=False, plugin=None)
    for index in (LedgerIndex.build(entries, options), None):
        if index is None:  # in the chain: the convention step's lines
            index = LedgerIndex.build(entries, options)
            entries, _ = tag_receipts(entries, index)
        for invoice in build_invoice_book(entries, index).invoices:
            expected = sum((r.amount for r in invoice.receipts if r.currency == "EUR"), Decimal(0))
            assert invoice.fees_eur == expected and str(invoice.fees_eur) == str(Decimal(0) + expected)


@st.composite
def treasury_ledgers(draw) -> tuple[str, dict[str, datetime.date]]:
    """Receipts and expenses on two cash accounts whose treasury options start on drawn days."""
    start = datetime.date(2025, 1, 1)
    since = {account: start + datetime.timedelta(days=draw(st.integers(0, 60)))
             for account in ("Assets:Banque", "Assets:Caisse")}
    lines = ["2025-01-01 open Assets:Banque", "2025-01-01 open Assets:Caisse",
             "2025-01-01 open Income:Honoraires", '  convention: "conventionne"',
             "2025-01-01 open Expenses:Fournitures", '  ligne-2035: "BA"']
    lines += [f'{day} custom "hn-option" "treasury" {account}' for account, day in since.items()]
    for offset in sorted(draw(st.lists(st.integers(0, 90), min_size=1, max_size=12))):
        day = start + datetime.timedelta(days=offset)
        account = draw(st.sampled_from(sorted(since)))
        other = draw(st.sampled_from(["Income:Honoraires", "Expenses:Fournitures"]))
        lines += [f'{day} * "Opération"', f"  {account}  10.00 EUR", f"  {other}  -10.00 EUR"]
    return "\n".join(lines) + "\n", since


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(treasury_ledgers())
def test_money_before_its_treasury_option_is_reported_once_at_the_first_transaction(ledger):
    text, since = ledger
    entries, _, options = load(text, header=False, plugin=None)
    _, errors = treasury_step(entries, LedgerIndex.build(entries, options))
    reported = [(e.source["lineno"], plain(e.message).split(" ")[0]) for e in errors]
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    expected = []
    for txn in txns:
        for account in sorted(since):
            if any(p.account == account for p in txn.postings) and txn.date < since[account] \
                    and account not in [a for _, a in expected]:
                expected.append((txn.meta["lineno"], account))
    assert sorted(reported) == sorted(expected)
