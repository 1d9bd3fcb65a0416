"""The quote a note names (``devis:``) must fit it: its client, its validity, its amount
(finding F7: only its date was compared, so any quote satisfied the prior written information)."""

from __future__ import annotations

import pytest

from beancount_hn.invoicing.quotes import clients_differ
from tests.ledgers import INVOICE_ACCOUNTS as ACCOUNTS
from tests.ledgers import errors_of as check
from tests.ledgers import messages, only_error, run_hn, txn, txn_line, write_ledger

DEVIS = ('2025-01-02 custom "hn-devis" "D-2025-0001" "{client}" {amount} EUR\n  acte: "HN"\n'
         "  validite: {validite}\n{extra}")


def _devis(client: str = "Mme Martin", amount: str = "300.00", validite: str = "2025-12-31",
           extra: str = "") -> str:
    return DEVIS.format(client=client, amount=amount, validite=validite, extra=extra)


def _note(date: str, number: str, amount: str, payee: str = "Mme Martin") -> str:
    return txn(date, number, amount, payee=payee, meta=(("devis", '"D-2025-0001"'),))


def test_a_quote_for_another_patient_less_and_expired_is_refused_at_the_note():
    """The finding's ledger: 50 € for M. Paul Autre, expired on 31 January, a 300 € note of 15 February."""
    ledger = ACCOUNTS + _devis("M. Paul Autre", "50.00", "2025-01-31") + "\n" + _note(
        "2025-02-15", "F-2025-0001", "300.00", payee="Mme Alice Durand")
    errors = check(ledger)
    assert {e.source["lineno"] for e in errors} == {txn_line(ledger, "F-2025-0001")}, messages(errors)
    client, expired, amount = errors
    assert "est au nom de « Mme Alice Durand » mais le devis D-2025-0001" in client.message
    assert "au nom de « M. Paul Autre »" in client.message
    assert ("porte des soins du 15/02/2025, après la fin de validité du devis D-2025-0001 (31/01/2025"
            in expired.message)
    assert "porte 300,00\u00a0€ d'honoraires, plus que les 50,00\u00a0€ du devis D-2025-0001" in amount.message
    assert "le patient a été informé d'un montant inférieur" in amount.message


def test_hn_invoices_refuses_it_too(tmp_path):
    ledger = ACCOUNTS + _devis(amount="50.00") + "\n" + _note("2025-02-15", "F-2025-0001", "300.00")
    path = write_ledger(tmp_path, 'plugin "beancount_hn.plugins.all"\noption "operating_currency" "EUR"\n'
                                  '2024-01-01 custom "hn-option" "treasury" Assets:Banque\n' + ledger)
    result = run_hn("invoices", path, "--year", "2025")
    assert result.exit_code == 1, result.output
    assert "plus que les 50,00" in result.output and "CHIFFRES NON DÉFINITIFS" in result.output


@pytest.mark.parametrize("amount", ["300.00", "120.00"])
def test_a_note_within_the_quote_passes(amount):
    assert check(ACCOUNTS + _devis() + "\n" + _note("2025-02-15", "F-2025-0001", amount)) == []


def test_a_credit_note_bringing_the_note_back_to_the_quote_settles_it():
    ledger = ACCOUNTS + _devis(amount="250.00") + "\n" + _note("2025-02-15", "F-2025-0001", "300.00") + """
2025-02-20 * "Mme Martin" "Avoir : séance non faite"
  facture: "AV-2025-001"
  avoir-de: "F-2025-0001"
  Assets:Banque  -50.00 EUR
  Income:Honoraires:HN
"""
    assert check(ledger) == []


def test_each_note_is_compared_with_the_quote_alone():
    """A monthly forfait (the example practice's D-2024-0002) cited by a note each month: every
    note within the amount passes; the note above it is refused."""
    devis = _devis(amount="240.00")
    notes = "".join(_note(f"2025-{month:02d}-12", f"F-2025-{month:04d}", "240.00") for month in (1, 2, 3))
    assert check(ACCOUNTS + devis + "\n" + notes) == []
    ledger = ACCOUNTS + devis + "\n" + notes + _note("2025-03-20", "F-2025-0004", "250.00")
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "F-2025-0004")
    assert "porte 250,00\u00a0€ d'honoraires, plus que les 240,00\u00a0€" in error.message


def test_validity_is_read_on_the_dates_of_care():
    """The care, not the note's issue, must fall within validite: (date-soin: on a line counts)."""
    late_note = ACCOUNTS + _devis(validite="2025-02-28") + """
2025-03-10 * "Mme Martin" "Séances de février"
  facture: "F-2025-0001"
  devis: "D-2025-0001"
  date-soin: 2025-02-24
  Assets:Banque  120.00 EUR
  Income:Honoraires:HN
"""
    assert check(late_note) == []
    late_care = ACCOUNTS + _devis(validite="2025-02-28") + """
2025-02-20 * "Mme Martin" "Séances"
  facture: "F-2025-0001"
  devis: "D-2025-0001"
  Assets:Banque  120.00 EUR
  Income:Honoraires:HN  -60.00 EUR
  Income:Honoraires:HN  -60.00 EUR
    date-soin: 2025-03-03
"""
    error = only_error(check(late_care))
    assert error.source["lineno"] == txn_line(late_care, "F-2025-0001")
    assert "porte des soins du 03/03/2025, après la fin de validité du devis D-2025-0001 (28/02/2025" in error.message


@pytest.mark.parametrize(("quoted", "billed"), [
    ("Mme Hélène Dupont", "DUPONT Helene"),  # case, accents, word order
    ("M. Jean-Paul Durand", "Durand Jean Paul"),  # hyphen
    ("Mme Dupont", "Mme Sophie Dupont"),  # a civility and the family name only
    ("S. Dupont", "Mme Sophie Dupont"),  # an initial
    ("M. Dupont", "Monsieur Dupond"),  # a typing variant
    ("Mme Claire Fontaine-Lebrun", "Mme Claire Lebrun"),  # a double name
    ("Léo Durand, représenté par Mme Sophie Martin", "Mme Sophie Martin"),  # the representative
    ("Łucja Kowalska", "Lucja Kowalska"),
    ("Patient", "M. Paul Autre"),  # no telling word: cannot tell
    ("Rhône Logistique SAS", "Rhone Logistique"),
])
def test_spellings_of_one_client_are_not_refused(quoted, billed):
    assert not clients_differ(quoted, billed)
    assert check(ACCOUNTS + _devis(quoted) + "\n" + _note("2025-02-15", "F-2025-0001", "90.00", billed)) == []


@pytest.mark.parametrize(("quoted", "billed"), [
    ("M. Paul Autre", "Mme Alice Durand"),
    ("Mme Claire Fontaine", "M. Hugo Lefèvre"),
    ("Imprimerie des Canuts SARL", "Mme Sophie Bernard"),
])
def test_clearly_different_clients_are_refused(quoted, billed):
    assert clients_differ(quoted, billed)
    ledger = ACCOUNTS + _devis(quoted) + "\n" + _note("2025-02-15", "F-2025-0001", "90.00", billed)
    error = only_error(check(ledger))
    assert error.source["lineno"] == txn_line(ledger, "F-2025-0001")
    assert f"est au nom de « {billed} » mais le devis D-2025-0001" in error.message
