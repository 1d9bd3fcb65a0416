"""Watch the VAT franchise (art. 293 B CGI) on every ``bean-check``.

Counts, per calendar year and on a cash basis, the receipts whose VAT status
is ``franchise`` or ``collectee`` (see ``beancount_hn.tax.vat``), and:

* **errors** (``bean-check`` fails), at the transaction to fix: the receipt
  whose payment takes the year past the majoré threshold; every later
  ``franchise`` receipt of that period; every ``franchise`` receipt of a year
  whose franchise was lost by the previous years' turnover; a ``franchise``
  receipt under ``vat-regime "reel"``; a year missing from the thresholds
  table (update beancount-hn); a ``vat-turnover`` option below the ledger's
  own receipts of its year; a ``collectee`` receipt whose transaction books
  no VAT on ``Liabilities:…:TVA…``, or not the VAT its ``taux-tva:`` gives
  (``beancount_hn.tax.vat.collected_vat_problem``, the check ``hn note`` makes); a
  franchise resting on a year the ledger does not hold whole (books begun after the
  practice, a covered year without any transaction), asking for its ``vat-turnover``;
  a ``franchise`` receipt after one invoiced with VAT (``collectee``) the same year;
* **warnings** (``bean-check`` passes), when the year's turnover passes the
  ``vat-warning-share`` of the base threshold (default 0.8) and the base
  threshold itself, when ``practice-start`` comes after receipts, and when a
  ``vat-turnover`` option exceeds the ledger's own receipts of its year, as
  entries Fava shows in its journal::

    2025-10-14 custom "hn-alert" "warning" "vat-share-2025" "Franchise TVA 293 B: …"

  With ``custom "hn-option" "warnings-as-errors" TRUE`` they are errors too.

Example — the December invoice paid in January counts in January's year::

    2025-12-15 * "Mme Durand" "Coaching, forfait décembre" ^F-2025-0031
      facture: "F-2025-0031"
      acte: "HN"
      Assets:Creances:Patients   120.00 EUR
      Income:Honoraires:HN      -120.00 EUR

    2026-01-08 * "Mme Durand" "Règlement F-2025-0031" ^F-2025-0031
      Assets:Banque:Courant      120.00 EUR
      Assets:Creances:Patients  -120.00 EUR
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from beancount_hn.core.alerts import publish
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.plugins import run_step
from beancount_hn.tax.vat import analyze, collected_vat_errors

__plugins__ = ("vat_franchise",)


def vat_step(entries: list[data.Directive], index: LedgerIndex) -> tuple[list[data.Directive], list]:
    """293 B errors, and warnings as ``custom "hn-alert"`` entries."""
    analysis = analyze(entries, index, with_exempt=False)  # exempt totals are for reports
    entries, warning_errors = publish(entries, analysis.alerts, index.config)
    return entries, analysis.errors + collected_vat_errors(analysis.taxable, index) + warning_errors


def vat_franchise(entries: list[data.Directive], options_map: dict[str, Any],
                  config_str: str | None = None) -> tuple[list[data.Directive], list]:
    """Beancount plugin: 293 B errors, and warnings as ``custom "hn-alert"`` entries."""
    return run_step(vat_step, entries, options_map)
