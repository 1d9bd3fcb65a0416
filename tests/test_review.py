"""Entries an import left for review (``a-verifier:``) are refused on every bean-check
(``plugins.review``), so the 2035 is never final over an entry nobody read."""

from __future__ import annotations

from tests.ledgers import errors_of, ledger_text, line_of, messages, run_hn, write_ledger

LEDGER = """
2025-01-01 open Assets:Banque
2025-01-01 open Assets:Creances:CPAM
  role: "tiers"
2025-01-01 open Income:Honoraires:Conventionnes
  convention: "conventionne"
2025-03-02 * "Lot FSE" "Lot 1"
  lot: "L-1"
  Assets:Creances:CPAM             40.00 EUR
  Income:Honoraires:Conventionnes -40.00 EUR
2025-06-10 ! "VIR CPAM DU RHONE FORFAIT AIDE MODERNISATION"
  a-verifier: "aucune facture ouverte ne fait ce montant"
  Assets:Banque                    32.84 EUR
  Assets:Creances:CPAM            -32.84 EUR
"""


def test_an_entry_left_for_review_is_an_error_at_its_line():
    errors = errors_of(LEDGER)
    review = [e for e in errors if type(e).__name__ == "ReviewError"]
    assert len(review) == 1, messages(errors)
    error = review[0]
    assert error.source["lineno"] == line_of(LEDGER, "FORFAIT AIDE")
    assert '"aucune facture ouverte ne fait ce montant"' in error.message
    assert "retirez a-verifier:" in error.message


def test_once_completed_the_entry_passes():
    done = LEDGER.replace('  a-verifier: "aucune facture ouverte ne fait ce montant"\n', "")
    assert not [e for e in errors_of(done) if type(e).__name__ == "ReviewError"]


def test_the_2035_is_not_final_while_an_entry_waits(tmp_path):
    path = write_ledger(tmp_path, ledger_text(LEDGER))
    result = run_hn("2035", path, "--year", "2025")
    assert result.exit_code == 1
    assert "CHIFFRES NON DÉFINITIFS" in result.output
    assert f"main.beancount:{line_of(LEDGER, 'FORFAIT AIDE')}: écriture à vérifier" in result.output
