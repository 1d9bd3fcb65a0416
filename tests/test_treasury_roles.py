"""Treasury accounts and the roles of balance-sheet accounts: every receipt counted when its
money arrives, or an error at file:line (``beancount_hn.core.roles``, ``beancount_hn.core.cashbook``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.tax.form2035 import compute_2035
from tests.ledgers import line_of, load, messages, only_error

OPENS = """
2024-01-01 open Assets:Banque:Courant
2024-01-01 open Assets:Banque:Livret
2024-01-01 open Assets:Creances:Clients
2024-01-01 open Assets:Creances:CPAM
2024-01-01 open Liabilities:Fournisseurs
2024-01-01 open Equity:Exploitant
2024-01-01 open Equity:Ouverture
2024-01-01 open Income:Honoraires
2024-01-01 open Expenses:Achats
"""
TREASURY = '2024-01-01 custom "hn-option" "treasury" Assets:Banque\n'


def ledger(body: str, *, treasury: str = TREASURY):
    text = treasury + OPENS + body
    entries, errors, options = load(text, header=False)
    return text, entries, errors, LedgerIndex.build(entries, options)


def form(body: str, year: int = 2025, **kwargs):
    text, entries, errors, index = ledger(body, **kwargs)
    return errors, compute_2035(entries, index, year)


# --- receivables and payables by role ----------------------------------------------------------

def test_an_acompte_counts_now_and_the_rest_when_paid():
    errors, result = form("""
2025-03-01 * "Client" "Devis signé, acompte" ^F-1
  convention: "non-conventionne"
  Assets:Banque:Courant   500.00 EUR
  Assets:Creances:Clients 1500.00 EUR
  Income:Honoraires     -2000.00 EUR
2026-01-10 * "Client" "Solde" ^F-1
  Assets:Banque:Courant   1500.00 EUR
  Assets:Creances:Clients -1500.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values["AA"] == Decimal("500.00")
    assert result.reconciliation.closed


def test_a_supplier_bill_partly_paid_counts_what_was_paid():
    errors, result = form("""
2025-04-01 * "Fournisseur" "Facture, payée en partie"
  Expenses:Achats            300.00 EUR
  Assets:Banque:Courant     -100.00 EUR
  Liabilities:Fournisseurs  -200.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values["BA"] == Decimal("100.00")
    assert result.reconciliation.closed


def test_an_fse_lot_whose_patients_part_is_paid_by_card():
    body = """
2025-05-02 * "Lot FSE" ^L1
  acte: "AMK 8"
  Assets:Banque:Courant     20.00 EUR
  Assets:Creances:CPAM      30.00 EUR
  Income:Honoraires        -50.00 EUR
"""
    errors, result = form(body)
    assert not errors, messages(errors)
    assert result.values["AA"] == Decimal("20.00")
    errors, result = form(body + """
2025-05-20 * "CPAM" ^L1
  Assets:Banque:Courant     30.00 EUR
  Assets:Creances:CPAM     -30.00 EUR
""")
    assert result.values["AA"] == Decimal("50.00") and result.social.conventionne == Decimal("50.00")


def test_an_opening_receivable_against_equity_is_a_receipt_of_the_year_it_is_paid():
    body = """
2024-12-31 * "Reprise"
  Assets:Creances:CPAM       300.00 EUR
    acte: "AMK 8"
  Equity:Ouverture
2025-01-15 * "CPAM"
  Assets:Banque:Courant      300.00 EUR
  Assets:Creances:CPAM      -300.00 EUR
"""
    errors, result = form(body)
    assert not errors, messages(errors)
    assert result.values["AA"] == Decimal("300.00") and result.social.conventionne == Decimal("300.00")
    assert result.reconciliation.closed


def test_an_unclassified_opening_receivable_is_an_error_at_its_posting():
    text, _, errors, _ = ledger("""
2024-12-31 * "Reprise"
  Assets:Creances:Clients    95.00 EUR
  Equity:Ouverture
""")
    unclassified = [e for e in errors if "recette non classée" in e.message]
    assert len(unclassified) == 1
    assert unclassified[0].source["lineno"] == line_of(text, "Assets:Creances:Clients    95.00", header=False)


def test_an_opening_payable_needs_its_2035_line():
    body = """
2024-12-31 * "Reprise"
  Equity:Ouverture           120.00 EUR
  Liabilities:Fournisseurs  -120.00 EUR{meta}
2025-01-20 * "Fournisseur"
  Liabilities:Fournisseurs   120.00 EUR
  Assets:Banque:Courant     -120.00 EUR
"""
    _, result = form(body.format(meta=""))
    assert any("ligne-2035" in m and "Liabilities:Fournisseurs" in m for m in messages(result.errors))
    assert not result.reconciliation.closed
    errors, result = form(body.format(meta='\n    ligne-2035: "BA"'))
    assert not result.errors and result.values["BA"] == Decimal("120.00")


def test_an_account_of_unknown_role_opposite_a_receipt_is_an_error_naming_it():
    text, _, errors, _ = ledger("""
2024-01-01 open Assets:Stripe
2025-02-01 * "Patient" "Paiement en ligne"
  convention: "non-conventionne"
  Assets:Stripe         60.00 EUR
  Income:Honoraires    -60.00 EUR
""")
    found = [e for e in errors if "Assets:Stripe" in e.message]
    assert len(found) == 1 and "treasury" in found[0].message and 'role: "tiers"' in found[0].message
    assert found[0].source["lineno"] == line_of(text, '2025-02-01 * "Patient"', header=False)


@pytest.mark.parametrize("role, day", [("tiers", "2025-02-03"), ("neutre", "2025-02-01")])
def test_a_declared_role_is_obeyed(role, day):
    """A receivable counts when the money reaches the bank; a receipt opposite a neutral
    account counts on its own date, received outside the treasury."""
    errors, result = form(f"""
2024-01-01 open Assets:Stripe
  role: "{role}"
2025-02-01 * "Patient" "Paiement en ligne"
  convention: "non-conventionne"
  Assets:Stripe         60.00 EUR
  Income:Honoraires    -60.00 EUR
2025-02-03 * "Stripe" "Virement"
  Assets:Banque:Courant  60.00 EUR
  Assets:Stripe         -60.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values["AA"] == Decimal("60.00") and result.reconciliation.closed
    assert [c.date.isoformat() for c in result.explain("AA")] == [day]


def test_an_unknown_role_value_is_an_error_at_the_open():
    text, _, errors, _ = ledger("""
2024-01-01 open Assets:Stripe
  role: "banque"
""")
    found = [e for e in errors if 'role: "banque"' in e.message]
    assert found and found[0].source["lineno"] == line_of(text, "open Assets:Stripe", header=False)


def test_neutral_accounts_stay_neutral():
    errors, result = form("""
2024-01-01 open Assets:Immobilisations:Table
2024-01-01 open Liabilities:Emprunt
2025-02-01 * "Prêt"
  Assets:Banque:Courant    5000.00 EUR
  Liabilities:Emprunt     -5000.00 EUR
2025-02-02 * "Virement vers le livret"
  Assets:Banque:Courant    -100.00 EUR
  Assets:Banque:Livret      100.00 EUR
2025-02-03 * "Prélèvement"
  Assets:Banque:Courant    -200.00 EUR
  Equity:Exploitant         200.00 EUR
""")
    assert not errors, messages(errors)
    assert result.reconciliation.closed and result.values["AA"] == 0
    assert result.reconciliation.neutral["Liabilities:Emprunt"] == Decimal("5000.00")


# --- treasury accounts ---------------------------------------------------------------------

def test_a_parent_treasury_account_covers_the_accounts_below_it():
    errors, result = form("""
2025-02-01 * "Patient"
  convention: "non-conventionne"
  Assets:Banque:Courant   80.00 EUR
  Income:Honoraires      -80.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values["AA"] == Decimal("80.00")
    assert result.reconciliation.treasury == Decimal("80.00") and result.reconciliation.closed


@pytest.mark.parametrize("account, words", [
    ("Assets:Bank", "aucun compte ouvert"), ("Income:Honoraires", "actif ou de passif"),
    ("Equity:Exploitant", "actif ou de passif"),
])
def test_a_treasury_option_must_name_an_opened_asset_or_liability(account, words):
    option = f'2024-01-01 custom "hn-option" "treasury" {account}\n'
    text, _, errors, _ = ledger("", treasury=TREASURY + option)
    found = [e for e in errors if words in e.message]
    assert len(found) == 1 and found[0].source["lineno"] == line_of(text, option.strip(), header=False)


def test_receipts_without_any_treasury_option_are_an_error_at_the_first():
    text, _, errors, _ = ledger("""
2025-02-01 * "Patient"
  convention: "non-conventionne"
  Assets:Banque:Courant   80.00 EUR
  Income:Honoraires      -80.00 EUR
""", treasury="")
    found = [e for e in errors if "aucun compte de trésorerie" in e.message]
    assert len(found) == 1
    assert found[0].source["lineno"] == line_of(text, '2025-02-01 * "Patient"', header=False)


def test_a_treasury_option_dated_after_a_receipt_on_it_is_an_error():
    text, _, errors, _ = ledger("""
2025-02-01 * "Patient"
  convention: "non-conventionne"
  Assets:Banque:Courant   80.00 EUR
  Income:Honoraires      -80.00 EUR
""", treasury='2025-03-01 custom "hn-option" "treasury" Assets:Banque\n')
    found = [e for e in errors if "qu'à partir du 01/03/2025" in e.message]
    assert len(found) == 1 and "Assets:Banque:Courant" in found[0].message


def test_a_year_that_counted_nothing_says_so():
    errors, result = form("""
2025-12-30 * "Lot FSE"
  acte: "AMK 8"
  Assets:Creances:CPAM      30.00 EUR
  Income:Honoraires        -30.00 EUR
""")
    assert not errors
    assert any("rien n'est compté" in hint.message for hint in result.hints)


# --- money in other currencies, payments beyond their items --------------------------------------

def test_an_amount_in_another_currency_counts_through_its_price_or_is_an_error():
    body = """
2024-01-01 commodity CHF
2025-02-01 * "Patient suisse"
  convention: "non-conventionne"
  Assets:Banque:Courant   92.00 EUR
  Income:Honoraires      -100.00 CHF{price}
"""
    errors, result = form(body.format(price=" @@ 92.00 EUR"))
    assert not errors, messages(errors)
    assert result.values["AA"] == Decimal("92.00") and result.reconciliation.closed
    body = """
2024-01-01 commodity CHF
2025-02-01 * "Patient suisse"
  convention: "non-conventionne"
  Assets:Banque:Livret    100.00 CHF
  Income:Honoraires      -100.00 CHF
"""
    text, entries, errors, index = ledger(body)
    _, result = form(body)
    found = [e for e in result.errors if "CHF sans valeur en EUR" in e.message]
    assert [e.source["lineno"] for e in found] == [line_of(text, "Income:Honoraires      -100.00 CHF", header=False)]
    from beancount_hn.tax.vat import analyze
    assert any("CHF sans valeur en EUR" in e.message for e in analyze(entries, index).errors)


def test_a_payment_beyond_its_linked_invoice_does_not_settle_another_one():
    errors, result = form("""
2025-02-01 * "A" ^F-1
  convention: "non-conventionne"
  Assets:Creances:Clients  100.00 EUR
  Income:Honoraires       -100.00 EUR
2025-02-02 * "B"
  convention: "non-conventionne"
  Assets:Creances:Clients   50.00 EUR
  Income:Honoraires        -50.00 EUR
2025-02-10 * "A paie trop" ^F-1
  Assets:Banque:Courant    150.00 EUR
  Assets:Creances:Clients -150.00 EUR
""")
    assert result.values["AA"] == Decimal("100.00")
    assert result.reconciliation.unexplained["Assets:Creances:Clients"] == Decimal("50.00")
    assert not result.reconciliation.closed
    assert any("ne règle rien d'ouvert" in m for m in messages(result.errors))


# --- money paid or received outside the treasury, found by trying hostile ledgers ----------------

@pytest.mark.parametrize("funding, line, posting", [
    ("Liabilities:Emprunt", "BA", "Expenses:Achats"),   # the lender pays the supplier directly
    ("Assets:Depots:Garantie", "BF", "Expenses:Loyer"),  # a month's rent taken from the deposit
])
def test_an_expense_paid_from_a_neutral_account_counts_on_its_date(funding, line, posting):
    errors, result = form(f"""
2024-01-01 open Liabilities:Emprunt
2024-01-01 open Assets:Depots:Garantie
2024-01-01 open Expenses:Loyer
2025-06-01 * "Payé hors trésorerie"
  {posting}        500.00 EUR
  {funding}       -500.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values[line] == Decimal("500.00") and result.reconciliation.closed


def test_items_paid_from_personal_funds_count_when_paid():
    errors, result = form("""
2025-02-01 * "Fournisseur"
  Expenses:Achats            100.00 EUR
  Liabilities:Fournisseurs  -100.00 EUR
2025-02-10 * "Payé avec la carte personnelle"
  Liabilities:Fournisseurs   100.00 EUR
  Equity:Exploitant         -100.00 EUR
2025-03-01 * "Patient" ^F-1
  convention: "non-conventionne"
  Assets:Creances:Clients     60.00 EUR
  Income:Honoraires          -60.00 EUR
2025-03-05 * "Chèque encaissé sur le compte personnel" ^F-1
  Equity:Exploitant           60.00 EUR
  Assets:Creances:Clients    -60.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values["BA"] == Decimal("100.00") and result.values["AA"] == Decimal("60.00")
    assert result.reconciliation.closed


def test_a_supplier_bill_paid_by_the_lender_counts_when_paid():
    errors, result = form("""
2024-01-01 open Liabilities:Emprunt
2025-02-01 * "Fournisseur"
  Expenses:Achats            800.00 EUR
  Liabilities:Fournisseurs  -800.00 EUR
2025-02-10 * "Débloqué par la banque au fournisseur"
  Liabilities:Fournisseurs   800.00 EUR
  Liabilities:Emprunt       -800.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values["BA"] == Decimal("800.00") and result.reconciliation.closed


def test_a_receivable_paid_into_an_undeclared_cash_box_is_an_error():
    text, _, errors, _ = ledger("""
2024-01-01 open Assets:Caisse
2024-12-25 * "Patient"
  convention: "non-conventionne"
  Assets:Creances:Clients   60.00 EUR
  Income:Honoraires        -60.00 EUR
2025-01-10 * "Espèces"
  Assets:Caisse             60.00 EUR
  Assets:Creances:Clients  -60.00 EUR
""")
    found = [e for e in errors if "Assets:Caisse" in e.message and "rôle est inconnu" in e.message]
    assert len(found) == 1 and found[0].source["lineno"] == line_of(text, '2025-01-10 * "Espèces"', header=False)


def test_a_receivable_paid_before_its_treasury_option_is_an_error():
    _, _, errors, _ = ledger("""
2024-12-25 * "Patient"
  convention: "non-conventionne"
  Assets:Creances:Clients   60.00 EUR
  Income:Honoraires        -60.00 EUR
2025-01-10 * "Virement"
  Assets:Banque:Courant     60.00 EUR
  Assets:Creances:Clients  -60.00 EUR
""", treasury='2025-03-01 custom "hn-option" "treasury" Assets:Banque\n')
    assert any("qu'à partir du 01/03/2025" in m for m in messages(errors))


def test_an_opening_entry_with_a_loan_and_payables():
    errors, result = form("""
2024-01-01 open Liabilities:Emprunt
2024-12-31 * "Ouverture"
  Assets:Banque:Courant      5000.00 EUR
  Assets:Creances:CPAM        300.00 EUR
    acte: "AMK 8"
  Liabilities:Fournisseurs   -120.00 EUR
    ligne-2035: "BA"
  Liabilities:Emprunt       -6000.00 EUR
  Equity:Ouverture
2025-01-10 * "CPAM"
  Assets:Banque:Courant       300.00 EUR
  Assets:Creances:CPAM       -300.00 EUR
2025-01-11 * "Fournisseur"
  Liabilities:Fournisseurs    120.00 EUR
  Assets:Banque:Courant      -120.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values["AA"] == Decimal("300.00") and result.values["BA"] == Decimal("120.00")
    assert result.reconciliation.closed


def test_an_earlier_years_unexplained_payment_makes_this_year_not_final():
    errors, result = form("""
2024-11-02 * "Durand"
  convention: "depassement"
  Assets:Creances:Clients    40.00 EUR
  Income:Honoraires         -40.00 EUR
2024-12-10 * "Paiement sans facture"
  Assets:Banque:Courant     100.00 EUR
  Assets:Creances:Clients  -100.00 EUR
""")
    assert any("cette erreur de 2024 peut changer les chiffres de 2025" in m for m in messages(result.errors))


def test_foreign_money_held_at_cost_and_converted_at_another_price():
    errors, result = form("""
2024-01-01 commodity USD
2024-01-01 open Income:Gains-Change
  ligne-2035: "AF"
2025-02-01 * "Patient américain"
  convention: "non-conventionne"
  Assets:Banque:USD          100 USD {0.90 EUR}
  Income:Honoraires          -90.00 EUR
2025-03-01 * "Conversion"
  Assets:Banque:USD         -100 USD {0.90 EUR} @ 0.95 EUR
  Assets:Banque:Courant       95.00 EUR
  Income:Gains-Change         -5.00 EUR
2024-01-01 open Assets:Banque:USD
""")
    assert not errors, messages(errors)
    assert result.values["AA"] == Decimal("90.00") and result.values["AF"] == Decimal("5.00")
    assert result.reconciliation.closed


@pytest.mark.parametrize("account", ["Liabilities:Etat:TVA-Collectee", "Assets:TVA-Deductible"])
def test_vat_accounts_are_neutral_by_name(account):
    from beancount_hn.core.roles import NEUTRAL, roles_of
    _, _, _, index = ledger(f"2024-01-01 open {account}\n")
    assert roles_of(index).role(account) == NEUTRAL


# --- second round of hostile ledgers ----------------------------------------------------------

def test_a_reclassification_between_two_expense_lines_moves_the_amount():
    errors, result = form("""
2024-01-01 open Expenses:Loyer
2025-02-01 * "Fournisseur"
  Expenses:Achats            100.00 EUR
  Assets:Banque:Courant     -100.00 EUR
2025-12-31 * "Reclassement : c'était le loyer"
  Expenses:Loyer             100.00 EUR
  Expenses:Achats           -100.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values["BA"] == 0 and result.values["BF"] == Decimal("100.00")
    assert result.reconciliation.closed


def test_a_service_paid_with_a_service_counts_both():
    errors, result = form("""
2024-01-01 open Expenses:Loyer
2025-03-01 * "Loyer payé en séances"
  convention: "non-conventionne"
  Expenses:Loyer             100.00 EUR
  Income:Honoraires         -100.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values["AA"] == Decimal("100.00") and result.values["BF"] == Decimal("100.00")


def test_a_supplier_paid_partly_with_a_service():
    errors, result = form("""
2025-02-01 * "Fournisseur"
  Expenses:Achats            300.00 EUR
  Liabilities:Fournisseurs  -300.00 EUR
2025-02-05 * "Compensation : séances au fournisseur"
  convention: "non-conventionne"
  Liabilities:Fournisseurs   100.00 EUR
  Income:Honoraires         -100.00 EUR
2025-02-10 * "Solde"
  Liabilities:Fournisseurs   200.00 EUR
  Assets:Banque:Courant     -200.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values["AA"] == Decimal("100.00") and result.values["BA"] == Decimal("300.00")
    assert result.reconciliation.closed


def test_a_write_off_and_a_credit_note_count_nothing():
    errors, result = form("""
2024-01-01 open Expenses:Pertes
2025-02-01 * "Patient" ^F-1
  convention: "non-conventionne"
  Assets:Creances:Clients    100.00 EUR
  Income:Honoraires         -100.00 EUR
2025-03-01 * "Avoir" ^F-1
  convention: "non-conventionne"
  Assets:Creances:Clients    -30.00 EUR
  Income:Honoraires           30.00 EUR
2025-12-31 * "Créance irrécouvrable" ^F-1
  Expenses:Pertes             70.00 EUR
  Assets:Creances:Clients    -70.00 EUR
""")
    assert not errors, messages(errors)
    assert result.values["AA"] == 0 and result.values["BP"] == 0 and result.reconciliation.closed


def test_a_role_under_a_treasury_option_is_an_error():
    text, _, errors, _ = ledger("""
2024-01-01 open Assets:Banque:Creances-Clients
  role: "tiers"
""")
    found = [e for e in errors if "contredit l'option treasury" in e.message]
    assert len(found) == 1
    assert found[0].source["lineno"] == line_of(text, "open Assets:Banque:Creances-Clients", header=False)


def test_an_unclassified_receipt_makes_the_form_not_final():
    """A receipt Beancount itself makes (``pad``) is classified like any other."""
    _, result = form("""
2025-01-01 pad Assets:Banque:Courant Income:Honoraires
2025-02-01 balance Assets:Banque:Courant  50.00 EUR
""")
    assert any("recette non classée" in m for m in messages(result.errors))


def test_items_born_of_other_items_only_are_an_error_when_paid():
    _, result = form("""
2024-12-31 * "Ouverture sans Equity"
  Assets:Creances:CPAM       300.00 EUR
  Liabilities:Fournisseurs  -300.00 EUR
2025-01-10 * "CPAM"
  Assets:Banque:Courant      300.00 EUR
  Assets:Creances:CPAM      -300.00 EUR
""")
    assert any("née sans recette ni dépense" in m for m in messages(result.errors))


def test_an_unexplained_payment_makes_the_invoice_report_not_final():
    from beancount_hn.invoicing.invoice_report import invoices_view
    import datetime
    text, entries, errors, index = ledger("""
2024-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2025-02-01 * "Patient" ^F-2025-0001
  facture: "F-2025-0001"
  convention: "non-conventionne"
  Assets:Creances:Clients     40.00 EUR
  Income:Honoraires          -40.00 EUR
2025-02-10 * "Paiement de trop" ^F-2025-0001
  Assets:Banque:Courant       90.00 EUR
  Assets:Creances:Clients    -90.00 EUR
""")
    _, report = invoices_view(entries, index, datetime.date(2025, 12, 31), 2025)
    assert len(report.problems) == 1 and "ne règle rien d'ouvert" in report.problems[0].message


def test_hn_vat_is_not_final_while_money_settled_nothing_or_a_receipt_is_unclassified():
    from beancount_hn.tax.vat import analyze
    _, entries, _, index = ledger("""
2025-02-01 * "Patient" ^F-1
  convention: "non-conventionne"
  Assets:Creances:Clients     40.00 EUR
  Income:Honoraires          -40.00 EUR
2025-02-10 * "Paiement de trop" ^F-1
  Assets:Banque:Courant       90.00 EUR
  Assets:Creances:Clients    -90.00 EUR
2025-03-01 pad Assets:Banque:Courant Income:Honoraires
2025-04-01 balance Assets:Banque:Courant  190.00 EUR
""")
    messages_ = messages(analyze(entries, index).errors)
    assert any("ne règle rien d'ouvert" in m for m in messages_)
    assert any("recette non classée" in m for m in messages_)


# --- pad into a treasury account --------------------------------------------------------------

PADS = """
{treasury} custom "hn-option" "treasury" Assets:Banque
2023-12-01 open Assets:Banque EUR
2023-12-01 open Equity:Ouverture EUR
2023-12-01 open Income:HN EUR
  convention: "non-conventionne"
  tva: "exoneree"
{pad}
2024-06-10 * "Mme X" "Massage"
  Assets:Banque  2000.00 EUR
  Income:HN  -2000.00 EUR
{balance}
"""


def test_a_pad_from_equity_after_the_first_day_is_an_error():
    text = PADS.format(treasury="2024-01-01", pad="", balance="2025-01-01 pad Assets:Banque Equity:Ouverture\n"
                                       "2025-01-02 balance Assets:Banque 3500.00 EUR")
    entries, errors, _ = load(text, header=False)
    error = only_error(errors)
    assert error.source["lineno"] == line_of(text, "pad Assets:Banque", header=False)
    assert "après le premier jour du livre (1er janvier 2024)" in error.message


@pytest.mark.parametrize("treasury, pad", [
    ("2024-01-01", "2024-01-01 pad Assets:Banque Equity:Ouverture\n2024-01-02 balance Assets:Banque 500.00 EUR"),
    ("2023-12-31", "2023-12-31 pad Assets:Banque Equity:Ouverture\n2024-01-01 balance Assets:Banque 500.00 EUR"),
])
def test_an_opening_pad_passes(treasury, pad):
    """On the books' first day, as the guide writes it (docs/demarrer.md): the opening balance."""
    assert not messages(load(PADS.format(treasury=treasury, pad=pad, balance=""), header=False)[1])
