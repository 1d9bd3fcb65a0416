"""The Cabinet page's receipts by status are the 2035's social split, receivables carried over
from before the books included (they are receipts of the year they are paid)."""

from __future__ import annotations

from decimal import Decimal

from beancount_hn.fava.figures import LedgerFigures
from beancount_hn.fava.split import CONVENTIONNE, NON_CONVENTIONNE
from tests.ledgers import load

OPENING = """
2023-01-01 custom "hn-option" "treasury" Assets:Banque
2023-01-01 open Assets:Banque:Courant
2023-01-01 open Assets:Creances:CPAM
2023-01-01 open Assets:Creances:Clients
2023-01-01 open Equity:Ouverture
2023-01-01 open Income:Honoraires:Conventionnes
2023-12-31 * "Reprise des créances au 31/12/2023"
  Assets:Creances:CPAM    310.40 EUR
    acte: "AMK 8"
  Assets:Creances:Clients   95.00 EUR
    convention: "non-conventionne"
  Equity:Ouverture
2024-02-01 * "CPAM, reprise"
  Assets:Banque:Courant  310.40 EUR
  Assets:Creances:CPAM  -310.40 EUR
2024-03-05 * "Client, reprise"
  Assets:Banque:Courant  95.00 EUR
  Assets:Creances:Clients  -95.00 EUR
2024-04-02 * "Séance" "Carte"
  acte: "AMK 8"
  Assets:Banque:Courant  17.16 EUR
  Income:Honoraires:Conventionnes  -17.16 EUR
"""


def test_carried_over_receivables_are_in_the_months_they_are_paid() -> None:
    entries, errors, options = load(OPENING, header=False)
    assert not errors, [e.message for e in errors]
    figures = LedgerFigures(entries, options)
    social = figures.form(2024).social
    split = figures.split(2024)
    assert social.conventionne == Decimal("327.56") and social.non_conventionne == Decimal("95.00")
    assert split.totals[CONVENTIONNE] == social.conventionne
    assert split.totals[NON_CONVENTIONNE] == social.non_conventionne
    assert (split.months[2][CONVENTIONNE], split.months[3][NON_CONVENTIONNE], split.months[4][CONVENTIONNE]) == (
        Decimal("310.40"), Decimal("95.00"), Decimal("17.16"))
    # Fava's filters keep a receipt by its money or its invoice.
    kept = frozenset(id(e) for e in figures.entries if getattr(e, "narration", "") == "Client, reprise")
    filtered = figures.filtered_split(2024, kept)
    assert filtered.total == Decimal("95.00") and filtered.months[3][NON_CONVENTIONNE] == Decimal("95.00")
