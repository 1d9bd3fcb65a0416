"""``hn check``: errors once each, then the receipts settled in each year, in French."""

from __future__ import annotations

from tests.ledgers import form_for, run_hn, write_ledger

NNBSP, NBSP = "\u202f", "\u00a0"

LEDGER = """plugin "beancount_hn.plugins.all"
option "operating_currency" "EUR"
2024-01-01 custom "hn-option" "treasury" Assets:Banque
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Creances:Patients
2024-01-01 open Expenses:Loyer
2024-01-01 open Income:Honoraires:Conventionnes
  convention: "conventionne"
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
2024-12-10 * "CPAM" "Séances de décembre"
  Assets:Banque                      1234.50 EUR
  Income:Honoraires:Conventionnes
2024-12-20 * "Mme Petit" "Bilan" ^F-2024-0007
  Assets:Creances:Patients             80.00 EUR
  Income:Honoraires:HN
2025-01-08 * "Mme Petit" "Règlement F-2024-0007" ^F-2024-0007
  Assets:Banque                        80.00 EUR
  Assets:Creances:Patients
2025-02-01 * "CPAM" "Séances de janvier"
  Assets:Banque                      2000.00 EUR
  Income:Honoraires:Conventionnes
2025-02-03 * "SCI" "Loyer"
  Expenses:Loyer                      700.00 EUR
  Assets:Banque
"""


def run(tmp_path, text: str, *args: str):
    path = write_ledger(tmp_path, text, "livre.beancount")
    return path, run_hn("check", path, *args)


def block(output: str, year: int) -> str:
    """The lines of one year's block."""
    start = output.index(f"Recettes encaissées en {year}")
    end = output.find("\nRecettes encaissées en", start + 1)
    return output[start:end if end != -1 else None]


def test_receipts_are_counted_in_the_year_they_are_paid(tmp_path):
    _, result = run(tmp_path, LEDGER)
    assert result.exit_code == 0, result.output
    y2024, y2025 = block(result.stdout, 2024), block(result.stdout, 2025)
    # French amounts through Babel: narrow no-break space between thousands, decimal comma
    assert "Honoraires conventionnés (DSAV hors dépassements)" in y2024 and f"1{NNBSP}234,50{NBSP}€" in y2024
    assert "Total des honoraires encaissés (DSCS, ligne AA)" in y2024
    # the December invoice paid in January counts in 2025, not in 2024
    assert f"80,00{NBSP}€" not in y2024
    hn = next(line for line in y2025.splitlines() if "Honoraires non conventionnés" in line)
    assert hn.endswith(f"80,00{NBSP}€")
    total = next(line for line in y2025.splitlines() if "DSCS" in line)
    assert total.endswith(f"2{NNBSP}080,00{NBSP}€")
    turnover = next(line for line in y2025.splitlines() if "chiffre d'affaires compté" in line)
    assert turnover.endswith(f"80,00{NBSP}€")  # non-conventionné without tva: counts for the 293 B
    assert "juste au centime" in y2025
    assert result.stdout.rstrip().endswith("aucune erreur")


def test_the_figures_are_those_of_the_2035(tmp_path):
    social = form_for(LEDGER, 2025, check=False, header=False, plugin=None).social
    assert (social.conventionne, social.non_conventionne) == (2000, 80)
    _, result = run(tmp_path, LEDGER, "--year", "2025")
    assert result.exit_code == 0
    assert "Recettes encaissées en 2024" not in result.stdout
    assert f"2{NNBSP}000,00{NBSP}€" in block(result.stdout, 2025)


def test_each_error_is_printed_once_and_the_exit_status_is_1(tmp_path):
    # An ambiguous account: reported by the plugin at load and again by the year's 2035.
    text = LEDGER.replace("Expenses:Loyer", "Expenses:Loyer:Domicile-Prive")
    path, result = run(tmp_path, text)
    assert result.exit_code == 1
    message = "Expenses:Loyer:Domicile-Prive : nom ambigu"
    assert result.stderr.count(message) == 1
    assert f"{path}:6: {message}" in result.stderr
    assert result.stdout.startswith("CHIFFRES NON DÉFINITIFS")
    assert "Traceback" not in result.output


def test_a_year_without_transactions_is_an_error(tmp_path):
    _, result = run(tmp_path, LEDGER, "--year", "2030")
    assert result.exit_code == 1
    assert "aucune transaction en 2030" in result.stderr and "2024–2025" in result.stderr
    _, result = run(tmp_path, LEDGER, "--year", "2019")  # before the books: said so, as by hn 2035
    assert result.exit_code == 1 and "le livre ne couvre pas 2019" in result.stderr
    _, result = run(tmp_path, LEDGER, "--year", "3000")
    assert result.exit_code == 1 and "année hors limites" in result.stderr
    assert "Recettes encaissées" not in result.stdout
