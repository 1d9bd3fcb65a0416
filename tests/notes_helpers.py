"""A small practice for the notes tests: identity, accounts, series and a few invoices."""

from __future__ import annotations

import datetime
import re
import textwrap
from pathlib import Path

from beancount_hn.core.cashbook import Cashbook
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.invoicing.invoices import build_invoice_book
from beancount_hn.invoicing.notes import Document, find_invoice, invoice_document, quote_document
from tests.ledgers import PLUGIN, load, messages, write_ledger

IDENTITY = """\
2024-01-01 custom "hn-option" "profession" "masseur-kinesitherapeute"
2024-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2024-01-01 custom "hn-option" "invoice-series" "AV" "AV-{year}-{seq:03d}"
2024-01-01 custom "hn-option" "identity" "nom" "Camille Martin"
2024-01-01 custom "hn-option" "identity" "adresse" "12 rue des Lilas"
2024-01-01 custom "hn-option" "identity" "code-postal" "69003"
2024-01-01 custom "hn-option" "identity" "ville" "Lyon"
2024-01-01 custom "hn-option" "identity" "siret" "73282932000074"
2024-01-01 custom "hn-option" "identity" "rpps" "10101234567"
2024-01-01 custom "hn-option" "identity" "conventionnement" "conventionné"
2024-01-01 custom "hn-option" "identity" "telephone" "04 78 00 00 00"
2024-01-01 custom "hn-option" "identity" "email" "camille.martin@example.org"
"""

ACCOUNTS = """\
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Caisse
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Assets:Creances:Clients
2024-01-01 open Liabilities:TVA:Collectee
2024-01-01 open Income:Honoraires:Conventionnes
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
"""

#: F-2025-0001 (HN, accrual, devis, credit note, partly paid by cheque after its issue),
#: F-2025-0002 (company, Factur-X, paid by transfer after its issue), F-2025-0003 (exempt
#: therapeutic HN paid cash on the day of care, date-facture later than the care); quotes
#: D-2025-0001 (HN), D-2025-0002 (company) and D-2025-0003 (an NGAP act with a dépassement).
INVOICES = """\
2025-03-01 custom "hn-devis" "D-2025-0001" "Mme Sophie Bernard" 90.00 EUR
  acte: "HN"
  description: "Bilan postural complet, 1 h 30"
  validite: 2025-04-30

2025-03-04 * "Mme Sophie Bernard" "Bilan postural complet" ^F-2025-0001
  facture: "F-2025-0001"
  devis: "D-2025-0001"
  duree: "1 h 30"
  Assets:Creances:Patients   90.00 EUR
  Income:Honoraires:HN      -90.00 EUR

2025-03-10 * "Mme Sophie Bernard" "Avoir sur F-2025-0001 (séance écourtée)" ^F-2025-0001
  facture: "AV-2025-001"
  avoir-de: "F-2025-0001"
  Assets:Creances:Patients  -20.00 EUR
  Income:Honoraires:HN       20.00 EUR

2025-03-20 * "Mme Sophie Bernard" "Règlement F-2025-0001" ^F-2025-0001
  mode-reglement: "cheque"
  Assets:Banque              50.00 EUR
  Assets:Creances:Patients  -50.00 EUR

2025-03-25 custom "hn-devis" "D-2025-0002" "Ergo Industries SAS" 450.00 EUR
  acte: "HN"
  description: "Intervention ergonomie, demi-journée"

2025-04-02 * "Ergo Industries SAS" "Intervention ergonomie et prévention des TMS, demi-journée" ^F-2025-0002
  facture: "F-2025-0002"
  devis: "D-2025-0002"
  client-siren: "552100554"
  client-adresse: "5 avenue Jean Jaurès, 69007 Lyon"
  lieu: "Locaux du client, 5 avenue Jean Jaurès, 69007 Lyon"
  acte: "HN"
  duree: 240
  Assets:Creances:Clients   450.00 EUR
  Income:Honoraires:HN     -450.00 EUR

2025-04-20 * "Ergo Industries SAS" "VIR ERGO INDUSTRIES F-2025-0002" ^F-2025-0002
  Assets:Banque             450.00 EUR
  Assets:Creances:Clients  -450.00 EUR

2025-06-02 custom "hn-devis" "D-2025-0003" "M. Jean Petit" 29.68 EUR
  acte: "RAB 8"
  description: "Rééducation périnéale, séance du soir"
  depassement: 12.00 EUR
  motif-depassement: "séances à 20 h 30, à la demande du patient"
  validite: 2025-06-30

2025-05-05 * "M. Karim Haddad" "Bilan de prévention des chutes"
  facture: "F-2025-0003"
  date-facture: 2025-05-06
  acte: "HN"
  tva: "exoneree"
  duree: 45
  Assets:Caisse              60.00 EUR
  Income:Honoraires:HN      -60.00 EUR
"""

LEDGER = IDENTITY + ACCOUNTS + INVOICES

#: What a ledger file of these tests starts with: the plugins and the treasury accounts.
FILE_HEADER = (f'plugin "{PLUGIN}"\n'
               '2024-01-01 custom "hn-option" "treasury" Assets:Banque\n'
               '2024-01-01 custom "hn-option" "treasury" Assets:Caisse\n')


def ledger_file(folder, text: str = LEDGER, name: str = "main.beancount") -> Path:
    """FILE_HEADER + ``text`` written to ``folder/name``."""
    return Path(write_ledger(folder, FILE_HEADER + text, name))


def build(text: str = LEDGER):
    """(entries, errors, index, book, cashbook) of an inline ledger."""
    entries, errors, options = load(textwrap.dedent(text))
    index = LedgerIndex.build(entries, options)
    return entries, errors, index, build_invoice_book(entries, index), Cashbook.build(entries, index)


def document(number: str, text: str = LEDGER, as_of: datetime.date | None = None) -> Document:
    entries, errors, index, book, cashbook = build(text)
    assert not errors, messages(errors)
    if number in book.quotes:
        return quote_document(book, book.quotes[number])
    return invoice_document(book, find_invoice(book, number), cashbook, as_of)


def plain(text: str) -> str:
    """Extracted text with no-break spaces as spaces and whitespace collapsed."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " ")).strip()
