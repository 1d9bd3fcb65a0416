"""What the plugin chain's steps share: the convention step classifies every receipt once and
the invoice step reads that classification instead of classifying again. Whatever the
ledger, the invoice step must find what it finds alone (``plugin "…invoice_numbering"``),
and one classifier must answer as a fresh one whatever order it is asked in."""

from __future__ import annotations

import datetime

from beancount.core import data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.core.classify import Classifier, make_receipts
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.invoicing.invoices import build_invoice_book
from beancount_hn.invoicing.series import compile_pattern, read_series
from beancount_hn.plugins.convention import tag_receipts
from beancount_hn.plugins.invoice_numbering import invoices_step
from tests.ledgers import errors_of, load, plain
from tests.test_classify_cache import ACCOUNTS as CLASSIFIED_ACCOUNTS
from tests.test_classify_cache import ACTE, CONVENTION, TVA, _meta

ACCOUNTS = CLASSIFIED_ACCOUNTS + """
2023-01-01 open Income:Interets
  ligne-2035: "AE"
2023-01-01 custom "hn-option" "treasury" Assets:Banque
2023-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2023-01-01 custom "hn-option" "invoice-series" "AV" "AV-{year}-{seq:03d}"
2023-01-01 custom "hn-option" "require-invoice" "non-conventionne"
2024-03-01 custom "hn-devis" "D-2024-0001" "Mme Martin" 90.00 EUR
"""

# The receipts' metadata as the classifier's cache tests write it (codes valid on some days
# only, statuses in several spellings, wrong ones, values that are not text), and invoice
# numbers well written, badly written, repeated or foreign.
NUMBER = st.sampled_from([None, None, '"F-{y}-0001"', '"F-{y}-0002"', '"F-{y}-0004"', '"f-{y}-3"',
                          '"AV-{y}-001"', '"X-1"', "12"])
DAYS = st.sampled_from([datetime.date(2024, 2, 20), datetime.date(2024, 2, 22), datetime.date(2024, 6, 30),
                        datetime.date(2024, 7, 1), datetime.date(2025, 1, 2)])
ACCOUNT = st.sampled_from(["Income:Honoraires", "Income:Honoraires:HN", "Income:Interets"])


@st.composite
def ledgers(draw) -> str:
    """Receipts, invoices (with a quote, a credit note), payments and carried-over receivables."""
    lines = [ACCOUNTS]
    for day in sorted(draw(st.lists(DAYS, min_size=1, max_size=10))):
        number = draw(NUMBER)
        links = draw(st.sampled_from(["", "", f" ^F-{day.year}-0001", f" ^F-{day.year}-0007", " ^vacances"]))
        lines.append(f'{day} * "Patient" "Séance"{links}')
        if number is not None:
            lines.append(f"  facture: {number.format(y=day.year)}")
            lines += draw(st.sampled_from([[], ['  devis: "D-2024-0001"'], [f'  avoir-de: "F-{day.year}-0001"']]))
        lines += _meta("  ", draw(ACTE), draw(CONVENTION), draw(TVA))
        kind = draw(st.sampled_from(["receipts", "receipts", "payment", "opening"]))
        if kind == "receipts":
            total = 0
            for _ in range(draw(st.integers(1, 3))):
                cents = draw(st.integers(-3000, 12000))
                total += cents
                lines.append(f"  {draw(ACCOUNT)}  {-cents / 100:.2f} EUR")
                lines += _meta("    ", draw(ACTE), draw(CONVENTION), draw(TVA))
            lines.append(f"  {draw(st.sampled_from(['Assets:Banque', 'Assets:Creances:Clients']))}  "
                         f"{total / 100:.2f} EUR")
            if draw(st.booleans()):  # what it settles, named by a transaction that bills (not checked)
                lines.append('    reglement-de: "F-2099-0001"')
        elif kind == "payment":
            lines += ["  Assets:Banque  60.00 EUR", "  Assets:Creances:Clients  -60.00 EUR",
                      f'    reglement-de: "F-{day.year}-0002"']
        else:  # a receivable carried over against Equity: classified on its posting
            lines += ["  Assets:Creances:Clients  50.00 EUR", *_meta("    ", draw(ACTE), None, draw(TVA)),
                      *draw(st.sampled_from([[], ['    reglement-de: "F-2022-0002"']])),
                      "  Equity:Ouverture  -50.00 EUR"]
        lines.append("")
    return "\n".join(lines)


def _plain(errors: list) -> list[tuple]:
    return [(type(e).__name__, e.source["filename"], e.source["lineno"], e.message) for e in errors]


def _receipts_of_book(entries: list, index: LedgerIndex) -> tuple[list, list]:
    book = build_invoice_book(entries, index)
    return ([(inv.number, inv.receipts) for inv in book.invoices],
            [(txn.meta["lineno"], receipts) for txn, receipts in book.unbilled])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_the_invoice_step_finds_in_the_chain_what_it_finds_alone(text: str) -> None:
    entries, _, options = load(text, header=False, plugin=None)
    chain = LedgerIndex.build(entries, options)
    tagged, _ = tag_receipts(entries, chain)
    assert chain.classified_receipts.entries is tagged  # the invoice step reads the convention step's work
    alone = LedgerIndex.build(entries, options)  # no convention step ran: it classifies itself
    assert _receipts_of_book(tagged, chain) == _receipts_of_book(tagged, alone)
    assert _plain(invoices_step(tagged, chain)[1]) == _plain(invoices_step(tagged, alone)[1])
    assert chain.classified_receipts is None  # let go once read, before the steps after it


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers(), st.randoms(use_true_random=False))
def test_one_classifier_answers_as_a_fresh_one_in_any_order(text: str, random) -> None:
    """Out of date order the lines it keeps for a span of days must be dropped, not reused."""
    entries, _, options = load(text, header=False, plugin=None)
    index = LedgerIndex.build(entries, options)
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    random.shuffle(txns)
    shared = Classifier(index)
    for txn in txns:
        indices, fields, errors = shared.lines(txn)
        fresh_receipts, fresh_errors = Classifier(index).receipts(txn)
        assert make_receipts(txn, indices, fields) == fresh_receipts
        assert [(e.source, e.message) for e in errors] == [(e.source, e.message) for e in fresh_errors]


INVOICES = """
2025-01-01 open Assets:Banque
2025-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2025-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2025-03-04 * "Mme Martin" "Bilan"
  facture: "F-2025-0001"
  Assets:Banque  90.00 EUR
  Income:Honoraires:HN
2025-03-05 * "M. Roux" "Séance"
  facture: "F-2025-0002"
  Assets:Banque  95.00 EUR
  Income:Honoraires:HN
    acte: "RAB 8"
2025-03-06 * "Mme Petit" "Bilan"
  facture: "F-2025-0004"
  Assets:Banque  80.00 EUR
  Income:Honoraires:HN
"""


def _classified(monkeypatch) -> list[data.Transaction]:
    """The transactions any classifier classifies from now on."""
    asked: list[data.Transaction] = []
    lines = Classifier.lines
    monkeypatch.setattr(Classifier, "lines", lambda self, txn: asked.append(txn) or lines(self, txn))
    return asked


def test_the_invoice_step_does_not_classify_again(monkeypatch) -> None:
    entries, _, options = load(INVOICES, header=False, plugin=None)
    index = LedgerIndex.build(entries, options)
    tagged, _ = tag_receipts(entries, index)
    asked = _classified(monkeypatch)
    assert len(build_invoice_book(tagged, index).invoices) == 3
    assert asked == []


def test_a_transaction_changed_after_the_convention_step_is_classified_again(monkeypatch) -> None:
    entries, _, options = load(INVOICES, header=False, plugin=None)
    index = LedgerIndex.build(entries, options)
    tagged, _ = tag_receipts(entries, index)
    second = next(n for n, e in enumerate(tagged) if isinstance(e, data.Transaction) and e.payee == "M. Roux")
    posting = tagged[second].postings[1]
    tagged[second] = tagged[second]._replace(postings=[tagged[second].postings[0],
                                                       posting._replace(meta={**posting.meta, "acte": "HN"})])
    assert index.classified_receipts.of(list(tagged)) == ((), ())  # another list: nothing shared
    asked = _classified(monkeypatch)
    book = build_invoice_book(tagged, index)
    # Read in ledger order, the convention step's work stops at the changed transaction.
    assert asked == [e for e in tagged[second:] if isinstance(e, data.Transaction)]
    fresh = build_invoice_book(tagged, LedgerIndex.build(entries, options))
    assert [inv.receipts for inv in book.invoices] == [inv.receipts for inv in fresh.invoices]
    assert [r.convention for inv in book.invoices for r in inv.receipts] == ["non-conventionne"] * 3


def test_invoice_errors_alone_and_in_the_chain_are_the_same() -> None:
    """A quote is due from 70 € of HN fees (F-2025-0001 and -0004), RAB 8 is an NGAP act (no quote
    for F-2025-0002), and F-2025-0003 is missing."""
    invoice_errors = [e for e in errors_of(INVOICES, header=False) if type(e).__name__ == "InvoiceError"]
    alone = errors_of(INVOICES, header=False, plugin="beancount_hn.plugins.invoice_numbering")
    assert _plain(invoice_errors) == _plain(alone)
    assert [plain(e.message)[:43] for e in alone] == [
        "trou dans la numérotation de la série F ava",
        "la facture F-2025-0001 porte 90,00 € d'hono", "la facture F-2025-0004 porte 80,00 € d'hono"]



def test_what_entries_that_bill_or_carry_receivables_over_name_is_checked_in_the_chain_too() -> None:
    """The convention step's lines spare the invoice step the entries that earn fees without a link:
    not those with a link, nor a receivable carried over (classified, but no fees earned)."""
    text = INVOICES + """
2025-01-01 open Assets:Creances:Patients
2025-01-01 open Equity:Ouverture
2025-01-02 * "Reprise" "Créance reprise"
  Assets:Creances:Patients  40.00 EUR
    acte: "HN"
    reglement-de: "F-2025-0099"
  Equity:Ouverture
2025-03-07 * "Mme Petit" "Séance" ^F-2025-0098
  Assets:Banque  30.00 EUR
  Income:Honoraires:HN
2025-03-08 * "Mme Petit" "Séance"
  Assets:Creances:Patients  30.00 EUR
    reglement-de: "F-2025-0097"
  Income:Honoraires:HN
"""
    chain = [e for e in errors_of(text, header=False) if type(e).__name__ == "InvoiceError"]
    assert _plain(chain) == _plain(errors_of(text, header=False, plugin="beancount_hn.plugins.invoice_numbering"))
    named = [number for number in ("F-2025-0099", "F-2025-0098", "F-2025-0097")
             if any(f"renvoie à {number}" in e.message for e in chain)]
    assert named == ["F-2025-0099", "F-2025-0098"]  # what an entry that bills names is not checked


# Literal text (with what str.format and printf-style templates treat specially) and the fields.
LITERAL = st.text(alphabet="F-/%{}ab0", max_size=4).map(lambda s: s.replace("{", "{{").replace("}", "}}"))
SEQ = st.sampled_from(["{seq}", "{seq:d}", "{seq:04d}", "{seq:4d}", "{seq:3}", "{seq:012d}"])
YEAR = st.sampled_from(["", "{year}", "{year:04d}", "{year:4d}", "{year:d}"])


@given(LITERAL, SEQ, LITERAL, YEAR, LITERAL, st.booleans(), st.integers(0, 10 ** 7), st.integers(0, 9999))
def test_a_series_writes_its_numbers_as_its_pattern_says(head, seq, middle, year, tail, year_first,
                                                         number, year_value) -> None:
    fields = (year, seq) if year_first else (seq, year)
    pattern = f"{head}{fields[0]}{middle}{fields[1]}{tail}".strip() or "{seq}"
    try:
        compile_pattern(pattern)
    except ValueError:
        return  # the literal text is not a valid pattern (spaces around it)
    options = f'2025-01-01 custom "hn-option" "invoice-series" "F" "{pattern}"\n'
    entries, _, _ = load(options, header=False, plugin=None)
    series, errors = read_series(LedgerIndex.build(entries, {}).config)
    assert not errors
    (written,) = series.patterns
    assert written.format(number, year_value) == pattern.format(seq=number, year=year_value)


def test_a_receipt_that_cannot_be_classified_leaves_the_others_of_its_transaction() -> None:
    entries, _, options = load("""
2025-01-01 open Assets:Banque
2025-01-01 open Income:Honoraires
2025-03-04 * "Lot FSE" "Trois actes"
  Assets:Banque  60.00 EUR
  Income:Honoraires  -20.00 EUR
    acte: "RAB 8"
  Income:Honoraires  -20.00 EUR
    acte: "ZZZ 4"
  Income:Honoraires  -20.00 EUR
    acte: "HN"
""", header=False, plugin=None)
    txn = next(e for e in entries if isinstance(e, data.Transaction))
    classifier = Classifier(LedgerIndex.build(entries, options))
    for _ in range(2):  # classified, then read from what the classifier kept
        indices, fields, errors = classifier.lines(txn)
        assert list(indices) == [1, 3]
        assert [line[0] for line in fields] == ["conventionne", "non-conventionne"]
        assert [plain(e.message)[:32] for e in errors] == ["lettre clé NGAP « ZZZ » inconnue"]
