"""The SNIR check's « soins d'une année antérieure » for receivables carried over into the books.

``demarrer.md`` § 2 gives two ways to carry December's receivables into a book begun on
1 January: an opening entry against ``Equity:`` (each receivable classified), or the FSE
lots and notes recopied before the books' first day. Both must explain the gap with the
relevé SNIR alike: what is collected on them pays care of the earlier year, the CPAM's and
the mutuelle's parts alike (the relevé states the whole fee of each act, as DSAV counts it).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.ledgers import form_for, plain

BOOKS = """
option "operating_currency" "EUR"
2025-01-01 custom "hn-option" "treasury" Assets:Banque
2024-12-01 open Assets:Banque                     EUR
2024-12-01 open Equity:Ouverture                  EUR
2024-12-01 open Assets:Creances:CPAM              EUR
2024-12-01 open Assets:Creances:Mutuelles         EUR
2024-12-01 open Assets:Creances:Patients          EUR
2024-12-01 open Income:Honoraires:Conventionnes   EUR
2024-12-01 open Income:Honoraires:HN              EUR
  convention: "non-conventionne"
2026-04-10 custom "hn-option" "snir" 2025 1500.00 EUR

2025-01-01 * "Soldes d'ouverture au 1er janvier 2025"
  Assets:Banque                1000.00 EUR
  Equity:Ouverture

2025-01-08 * "CPAM" "VIR CPAM soins de décembre 2024"
  Assets:Banque                 612.40 EUR
  Assets:Creances:CPAM         -612.40 EUR

2025-01-09 * "Almerys" "VIR ALMERYS tiers payant, décembre 2024"
  Assets:Banque                 230.10 EUR
  Assets:Creances:Mutuelles    -230.10 EUR

2025-01-10 * "Mme Benali" "VIR règlement de décembre 2024"
  Assets:Banque                 120.00 EUR
  Assets:Creances:Patients     -120.00 EUR

2025-01-20 * "CPAM" "Séances de janvier 2025, payées comptant"
  Assets:Banque                 500.00 EUR
  Income:Honoraires:Conventionnes  -500.00 EUR
    acte: "RAB 8"
"""

EQUITY = """
{day} * "Reprise des créances au 31/12/2024"
  Assets:Creances:CPAM          612.40 EUR
    acte: "RAB 8"
  Assets:Creances:Mutuelles     230.10 EUR
    convention: "conventionne"
  Assets:Creances:Patients      120.00 EUR
    convention: "non-conventionne"
  Equity:Ouverture
"""

LOTS = """
2024-12-20 * "Lot FSE" "Lot de décembre 2024, recopié"
  lot: "2024-052"
  Assets:Creances:CPAM          612.40 EUR
  Assets:Creances:Mutuelles     230.10 EUR
  Income:Honoraires:Conventionnes  -842.50 EUR
    acte: "RAB 8"

2024-12-20 * "Mme Benali" "Note de décembre 2024, recopiée"
  Assets:Creances:Patients      120.00 EUR
  Income:Honoraires:HN         -120.00 EUR
    acte: "HN"
"""

EARLIER = "encaissé en 2025 pour des soins d'une année antérieure : 842,50 €"


def snir(text: str):
    form = form_for(text, 2025, header=False)
    assert form.snir is not None and form.errors == []
    return form.snir


@pytest.mark.parametrize("carried_over", [EQUITY.format(day="2025-01-01"), EQUITY.format(day="2024-12-31"), LOTS],
                         ids=["equity-first-day", "equity-day-before", "recopied-lots"])
def test_receivables_carried_over_pay_care_of_the_earlier_year_either_way(carried_over):
    check = snir(BOOKS + carried_over)
    assert check.ledger == Decimal("1342.50")  # 612.40 + 230.10 + 500: DSAV counts the payers alike
    assert check.earlier_care == Decimal("842.50")  # the CPAM's and the mutuelle's parts, not the HN note
    assert EARLIER in plain("\n".join(check.lines()))
    assert check.to_json()["earlier_care"] == "842.50"


def test_a_carried_over_receivable_dated_later_is_still_care_before_the_books():
    check = snir(BOOKS + EQUITY.format(day="2025-01-05"))
    assert check.earlier_care == Decimal("842.50")


def test_date_soin_gives_the_care_date():
    lot = """
2025-01-03 * "Lot FSE" "Séances du 30 décembre 2024, télétransmises le 3 janvier"
  Assets:Creances:CPAM          300.00 EUR
  Income:Honoraires:Conventionnes  -300.00 EUR
    acte: "RAB 8"{care}

2025-01-15 * "CPAM" "VIR CPAM"
  Assets:Banque                 300.00 EUR
  Assets:Creances:CPAM         -300.00 EUR
"""
    base = BOOKS + EQUITY.format(day="2025-01-01")
    assert snir(base + lot.format(care="")).earlier_care == Decimal("842.50")
    assert snir(base + lot.format(care="\n    date-soin: 2024-12-30")).earlier_care == Decimal("1142.50")
    on_the_entry = EQUITY.format(day="2025-01-01").replace(
        '    acte: "RAB 8"\n', '    acte: "RAB 8"\n    date-soin: 2025-01-02\n')
    assert snir(BOOKS + on_the_entry).earlier_care == Decimal("230.10")  # its care date, as written
