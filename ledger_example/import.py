"""Import configuration of the example practice, for beangulp and Fava.

Import a month (from the repository root)::

    python ledger_example/import.py extract ledger_example/documents -e ledger_example/main.beancount

Entries already in the ledger are printed commented out (« ; duplicate of … »);
the rest is ready to paste, the lines marked ``!`` and ``a-verifier:`` first.
Only ``documents/banque-2026-02.csv`` (February 2026) holds new entries: the other
statements are already booked.
Fava uses the same file through ``custom "fava-option" "import-config" "import.py"``.
"""

from __future__ import annotations

from pathlib import Path

import beangulp

from beancount_hn.importers.bank_csv import BankCSVImporter
from beancount_hn.importers.camt import CamtImporter
from beancount_hn.importers.categorize import load_rules
from beancount_hn.importers.cfonb import CFONBImporter
from beancount_hn.importers.journal import JournalImporter
from beancount_hn.importers.ofx import OFXImporter
from beancount_hn.importers.qif import QIFImporter

HERE = Path(__file__).resolve().parent
RULES = load_rules(str(HERE / "regles-import.toml"))

CONFIG = [
    # Compte courant : export CSV de la banque, OFX (« Money »), camt.053, CFONB 120
    # (relevé « professionnel » par EBICS) ou QIF. Un fichier qui contient plusieurs comptes
    # n'est reconnu que par l'importateur de chacun de ses comptes (account_id).
    BankCSVImporter("Assets:Banque:Courant", "banque-traditionnelle",
                    account_id="00012345678", categorizer=RULES),
    OFXImporter("Assets:Banque:Courant", account_id="00012345678", categorizer=RULES),
    CamtImporter("Assets:Banque:Courant", account_id="FR7618206000420001234567858",
                 categorizer=RULES),
    CFONBImporter("Assets:Banque:Courant", account_id="FR7618206000420001234567858",
                  categorizer=RULES),
    QIFImporter("Assets:Banque:Courant", account_id="00012345678", categorizer=RULES),
    # Journal des factures et FSE du logiciel métier, classé avec les créances des patients
    # (un compte ouvert dans accounts.beancount).
    JournalImporter("logiciel-metier", archive_account="Assets:Creances:Patients"),
]

HOOKS: list = []

if __name__ == "__main__":
    beangulp.Ingest(CONFIG, HOOKS)()
