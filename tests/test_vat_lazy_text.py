"""The franchise decision's French text is written only when read: a clean
``bean-check`` never loads Babel (its import alone costs more than the VAT step)."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal

from beancount_hn.tax.vat_rules import decide_franchise, threshold_table

CLEAN = '''option "operating_currency" "EUR"
plugin "beancount_hn.plugins.all"
2024-01-01 open Assets:Banque:Courant EUR
2024-01-01 open Assets:Creances:Patients EUR
2024-01-01 open Income:Honoraires:HN EUR
2024-01-01 custom "hn-option" "treasury" Assets:Banque:Courant
2024-01-01 custom "hn-option" "invoice-series" "F" "F-{year}-{seq:04d}"
2025-03-01 * "Mme X" "Séance" ^F-2025-0001
  facture: "F-2025-0001"
  acte: "HN"
  Income:Honoraires:HN      -60.00 EUR
  Assets:Creances:Patients
2025-03-05 * "Mme X" "Règlement" ^F-2025-0001
  Assets:Creances:Patients  -60.00 EUR
  Assets:Banque:Courant
'''


def test_a_clean_ledger_loads_without_babel(tmp_path) -> None:
    ledger = tmp_path / "main.beancount"
    ledger.write_text(CLEAN, encoding="utf-8")
    code = ("import sys\nfrom beancount import loader\n"
            f"entries, errors, _ = loader.load_file({str(ledger)!r})\n"
            "assert not errors, [e.message for e in errors]\n"
            "print('babel' in sys.modules)\n")
    env = {**os.environ, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"


def test_the_reason_is_the_same_text_when_read() -> None:
    table = threshold_table()
    row = table[2024]
    turnover = {2022: Decimal("30000"), 2023: Decimal("38000")}
    decision = decide_franchise(2024, row, turnover, None)
    assert decision.franchise
    assert decision.reason == decision.reason  # built once, then kept
    assert decision.reason.startswith("CA 2023 = ") and decision.reason.endswith(": tolérance de deux ans")
