"""The classifier resolves each kind of receipt line once and reuses it (``Classifier._remember``):
it must classify every receipt exactly as a fresh classifier does, whatever the metadata, the
acte: code's validity window or the vat-regime in force."""

from __future__ import annotations

import datetime

from beancount.core import data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.core.classify import Classifier
from tests.ledgers import loaded

ACCOUNTS = """
2023-01-01 open Assets:Banque
2023-01-01 open Assets:Creances:Clients
2023-01-01 open Equity:Ouverture
2023-01-01 open Income:Honoraires
2023-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2023-01-01 open Income:Honoraires:Bilans
  tva: "exoneree"
2023-01-01 custom "hn-option" "vat-regime" "franchise"
2024-07-01 custom "hn-option" "vat-regime" "reel"
2025-01-01 custom "hn-option" "vat-regime" "franchise"
"""

# Metadata values a user writes: codes valid on some days only (AMS until 2024-02-21, RAB
# from 2024-02-22), statuses in several spellings, wrong ones, and values that are not text.
ACTE = st.sampled_from([None, '"AMS 7.5"', '"RAB 8"', '"HN"', '"DE"', '"ZZZ 4"', '"RAB 8 + DE"', "1", "TRUE"])
CONVENTION = st.sampled_from([None, '"conventionne"', '"Non conventionné"', '"hn"', '"secteur 2"', "1"])
TVA = st.sampled_from([None, '"exoneree"', '"franchise"', '"collectee"', '"zero"', "TRUE"])
DAYS = st.sampled_from([datetime.date(2024, 2, 20), datetime.date(2024, 2, 22), datetime.date(2024, 6, 30),
                        datetime.date(2024, 7, 1), datetime.date(2024, 12, 31), datetime.date(2025, 1, 1)])
ACCOUNT = st.sampled_from(["Income:Honoraires", "Income:Honoraires:HN", "Income:Honoraires:Bilans"])


def _meta(indent: str, acte: str | None, convention: str | None, tva: str | None) -> list[str]:
    return [f"{indent}{key}: {value}" for key, value in (("acte", acte), ("convention", convention), ("tva", tva))
            if value is not None]


@st.composite
def ledgers(draw) -> str:
    lines = [ACCOUNTS]
    for day in sorted(draw(st.lists(DAYS, min_size=1, max_size=12))):
        lines.append(f'{day} * "Patient" "Séance"')
        lines += _meta("  ", draw(ACTE), draw(CONVENTION), draw(TVA))
        total = 0
        for _ in range(draw(st.integers(1, 3))):
            cents = draw(st.integers(1, 9999))
            total += cents
            lines.append(f"  {draw(ACCOUNT)}  {-cents / 100:.2f} EUR")
            lines += _meta("    ", draw(ACTE), draw(CONVENTION), draw(TVA))
        lines += [f"  Assets:Banque  {total / 100:.2f} EUR", ""]
    if draw(st.booleans()):  # a receivable carried over against Equity: classified on its posting
        lines += ['2024-01-02 * "Reprise" "Créance reprise"', "  Assets:Creances:Clients  50.00 EUR",
                  *_meta("    ", draw(ACTE), draw(CONVENTION), draw(TVA)), "  Equity:Ouverture", ""]
    return "\n".join(lines)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_one_classifier_gives_what_a_fresh_one_gives_for_each_transaction(text: str) -> None:
    entries, index = loaded(text, check=False, plugin=None)
    shared = Classifier(index)
    for txn in (e for e in entries if isinstance(e, data.Transaction)):
        receipts, errors = shared.receipts(txn)
        fresh_receipts, fresh_errors = Classifier(index).receipts(txn)
        assert receipts == fresh_receipts
        assert [(e.source, e.message) for e in errors] == [(e.source, e.message) for e in fresh_errors]
