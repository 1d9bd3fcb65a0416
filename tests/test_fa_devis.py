"""False alarms of the note-and-quote checks (findings 8 and 11 of the false-alarm review).

8: a quote for a dépassement (``depassement:``) is compared by its dépassement, not its total:
the NGAP tariff beside it may change between the quote and the care (AMK 2,15 € -> 2,21 € on
22 February 2024) and a credit note bringing the total back would bill the act below its tariff.
11: a note to a company (``client-siren:``…) is not compared with a quote made out to its contact
person; the message's example fits a child and a company.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.ledgers import errors_of as check
from tests.ledgers import messages, only_error, txn_line

ACCOUNTS = """\
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Creances:CPAM
2024-01-01 open Income:Honoraires:Conventionnes
  convention: "conventionne"
2024-01-01 open Income:Honoraires:Depassements
  convention: "depassement"
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2024-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2024-01-01 custom "hn-option" "invoice-series" "AV" "AV-{year}-{seq:03d}"
"""

#: Made on 1 February 2024, at AMK 2,15 € (8 × 2,15 = 17,20 € + 12,00 € of dépassement).
DEPASSEMENT_DEVIS = """\
2024-02-01 custom "hn-devis" "D-2024-0001" "Mme Sophie Bernard" 29.20 EUR
  acte: "AMK 8"
  depassement: 12.00 EUR
  motif-depassement: "séance le samedi, à la demande de la patiente"
  validite: 2024-04-30
"""


def _care(de: str = "12.00", hn: str | None = None) -> str:
    """The care of 5 March 2024, billed at the new AMK value (8 × 2,21 = 17,68 €) with its DE."""
    patient = Decimal("17.68") - Decimal("10.61") + Decimal(de) + Decimal(hn or 0)
    lines = [
        '2024-03-05 * "Mme Sophie Bernard" "Séance AMK 8 + DE"',
        '  facture: "F-2024-0001"',
        '  devis: "D-2024-0001"',
        "  Assets:Creances:CPAM  10.61 EUR",
        f"  Assets:Banque  {patient} EUR",
        "  Income:Honoraires:Conventionnes  -17.68 EUR",
        '    acte: "AMK 8"',
        f"  Income:Honoraires:Depassements  -{de} EUR",
        '    acte: "DE"',
    ]
    if hn is not None:
        lines += [f"  Income:Honoraires:HN  -{hn} EUR", '    acte: "HN"']
    return "\n".join(lines) + "\n"


def test_a_new_tariff_between_the_quote_and_the_care_is_not_an_excess():
    """The finding's ledger (d2): 29,68 € billed against a 29,20 € quote, the same 12 € dépassement."""
    errors = check(ACCOUNTS + DEPASSEMENT_DEVIS + _care())
    assert errors == [], messages(errors)


@pytest.mark.parametrize(("de", "hn", "beyond"), [("15.00", None, "15,00"), ("12.00", "5.00", "17,00")])
def test_a_dependent_part_above_the_announced_depassement_is_refused(de, hn, beyond):
    """More dépassement than announced, or HN fees on top of it (what the patient was not told)."""
    ledger = ACCOUNTS + DEPASSEMENT_DEVIS + _care(de, hn)
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "F-2024-0001")
    assert (f"porte {beyond}\u00a0€ au-delà du tarif conventionnel (lignes de dépassement et HN), plus que "
            "le dépassement de 12,00\u00a0€ annoncé par le devis D-2024-0001") in error.message
    # The safe advice first; the credit note is on the dépassement line, never on the act's tariff.
    assert error.message.index("corrigez depassement: du devis") < error.message.index("avoir sur la ligne de dépassement")


def test_a_credit_note_on_the_depassement_brings_it_back():
    ledger = ACCOUNTS + DEPASSEMENT_DEVIS + _care("15.00") + """
2024-03-06 * "Mme Sophie Bernard" "Avoir : dépassement au-delà du devis"
  facture: "AV-2024-001"
  avoir-de: "F-2024-0001"
  Assets:Banque  -3.00 EUR
  Income:Honoraires:Depassements  3.00 EUR
    acte: "DE"
"""
    errors = check(ledger)
    assert errors == [], messages(errors)


def test_a_quote_without_depassement_still_compares_the_total_and_says_how_to_state_one():
    devis = DEPASSEMENT_DEVIS.replace("  depassement: 12.00 EUR\n", "").replace(
        '  motif-depassement: "séance le samedi, à la demande de la patiente"\n', "")
    ledger = ACCOUNTS + devis + _care()
    error = only_error(check(ledger))
    assert "porte 29,68\u00a0€ d'honoraires, plus que les 29,20\u00a0€ du devis D-2024-0001" in error.message
    assert "depassement: et motif-depassement: : seul le dépassement est alors comparé" in error.message


COMPANY_DEVIS = '2025-03-01 custom "hn-devis" "D-2025-0001" "{client}" 400.00 EUR\n  acte: "HN"\n{meta}'


def _company_ledger(quoted: str, note_meta: str, quote_meta: str = "") -> str:
    return ACCOUNTS + COMPANY_DEVIS.format(client=quoted, meta=quote_meta) + f"""
2025-03-20 * "Transports Girard SA" "Atelier prévention TMS"
  facture: "F-2025-0001"
  devis: "D-2025-0001"
{note_meta}  Assets:Banque  400.00 EUR
  Income:Honoraires:HN  -400.00 EUR
"""


@pytest.mark.parametrize("note_meta", [
    '  client-siren: "492952502"\n  client-adresse: "1 rue Garibaldi, 69003 Lyon"\n',
    '  client-type: "entreprise"\n',
    '  client-tva: "FR12492952502"\n',
])
def test_a_company_note_is_not_compared_with_a_quote_to_its_contact_person(note_meta):
    """The finding's ledger (d1): the quote is made out to the company's HR manager."""
    errors = check(_company_ledger("Mme Claire Roux, DRH", note_meta))
    assert errors == [], messages(errors)


@pytest.mark.parametrize(("quoted", "quote_meta"), [
    ("Imprimerie des Canuts SARL", ""),  # a legal form in the name
    ("Les Canuts", '  client-siren: "123456782"\n'),  # the quote's own metadata
])
def test_a_company_note_is_still_compared_with_a_quote_naming_another_company(quoted, quote_meta):
    ledger = _company_ledger(quoted, '  client-siren: "492952502"\n', quote_meta)
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "F-2025-0001")
    assert "est au nom de « Transports Girard SA » mais le devis D-2025-0001" in error.message
    assert f"au nom de « {quoted} »" in error.message


def test_a_company_note_without_its_siren_is_compared_and_the_message_says_why():
    """Without client-siren: the note is a patient's (as the notes renderer reads it): the names
    are compared, and the message tells both the child's and the company's way out."""
    error = only_error(check(_company_ledger("Mme Claire Roux, DRH", "")))
    assert "au client qui paie les soins" in error.message
    assert '"Léo Durand, représenté par Mme Sophie Martin" pour un enfant' in error.message
    assert "\"Transports Girard SA, à l'attention de Mme Claire Roux\" pour une entreprise" in error.message
    assert "une note à une entreprise porte client-siren:" in error.message
    assert "le patient soigné (ou à son représentant)" not in error.message
