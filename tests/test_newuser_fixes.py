"""What a new user met following the guide: require-invoice judged per service (``quantite:``),
the import's message when lots lack ``payeur:``, the FEC's warning about characters, and
``hn extract --existing`` into an account the ledger never opens."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.exports.charset import Transliterator
from beancount_hn.importers.categorize import Categorizer
from tests.ledgers import INVOICE_ACCOUNTS, errors_of, line_of, only_error, run_hn, write_ledger

# --- F3: require-invoice, the 25 € threshold per service ----------------------------------------

REQUIRE = INVOICE_ACCOUNTS + '2025-01-01 custom "hn-option" "require-invoice" "non-conventionne"\n'


def _group_class(quantity: str = "", where: str = "posting", amount: str = "192.00") -> str:
    txn_meta = f"  quantite: {quantity}\n" if quantity and where == "txn" else ""
    line_meta = f"    quantite: {quantity}\n" if quantity and where == "posting" else ""
    return (f'2025-01-15 * "Cours collectifs Pilates" "Remise CB (12 participants à 16 EUR)"\n{txn_meta}'
            f"  Assets:Banque  {amount} EUR\n  Income:Honoraires:HN  -{amount} EUR\n{line_meta}")


def test_a_grouped_remittance_without_quantity_is_one_service() -> None:
    ledger = REQUIRE + _group_class()
    error = only_error(errors_of(ledger))
    assert error.source["lineno"] == line_of(ledger, "Cours collectifs Pilates")
    assert "(non-conventionne 192,00\u00a0€)" in error.message
    assert "à partir de 25\u00a0€ par prestation" in error.message and "quantite:" in error.message


@pytest.mark.parametrize("where", ["posting", "txn"])
def test_quantity_judges_the_threshold_per_service(where: str) -> None:
    assert errors_of(REQUIRE + _group_class("12", where)) == []  # 12 services of 16 €


@pytest.mark.parametrize("quantity", ["2", '"deux"', "0"])
def test_a_unit_price_at_the_threshold_or_an_unreadable_quantity_still_needs_a_note(quantity: str) -> None:
    # 192 / 2 = 96 € a service; "deux" and 0 are no quantity: the line counts whole (fail closed).
    error = only_error(errors_of(REQUIRE + _group_class(quantity)))
    assert "(non-conventionne 192,00\u00a0€)" in error.message


def test_a_transaction_quantity_does_not_speak_for_several_receipt_lines() -> None:
    ledger = REQUIRE + (
        '2025-01-15 * "Cours" "Pilates et massage"\n  quantite: 12\n  Assets:Banque  252.00 EUR\n'
        "  Income:Honoraires:HN  -192.00 EUR\n    quantite: 12\n  Income:Honoraires:HN  -60.00 EUR\n")
    # The 192 € line is 12 services of 16 €; the 60 € line, without its own quantity, is one.
    assert "(non-conventionne 60,00\u00a0€)" in only_error(errors_of(ledger)).message


# --- F6: the import's message for lots without payeur: -------------------------------------------

_OPEN = """\
2025-01-01 open Assets:Banque:Courant EUR
2025-01-01 open Assets:Creances:CPAM EUR
2025-01-01 open Assets:Creances:Mutuelles EUR
2025-01-01 open Income:Honoraires:Conventionnes EUR
  convention: "conventionne"
"""


def _lot(number: str, day: int, mutuelle: str, payer: str | None) -> str:
    payer_line = f'    payeur: "{payer}"\n' if payer else ""
    return (f'2025-01-{day:02d} * "Lot FSE" "Télétransmission"\n  lot: "{number}"\n'
            f"  Assets:Creances:CPAM  100.00 EUR\n  Assets:Creances:Mutuelles  {mutuelle} EUR\n{payer_line}"
            f"  Income:Honoraires:Conventionnes\n    acte: \"RAB 8\"\n")


def _almerys(ledger: str, amount: str) -> data.Transaction:
    entries, errors, _ = loader.load_string(_OPEN + ledger)
    assert not errors, errors
    posting = data.Posting("Assets:Banque:Courant", Amount(Decimal(amount), "EUR"), None, None, None, None)
    bank = data.Transaction(data.new_metadata("<bank>", 1), datetime.date(2025, 2, 5), "*", None,
                            "VIREMENT EN VOTRE FAVEUR ALMERYS TIERS PAYANT AMC", data.EMPTY_SET,
                            data.EMPTY_SET, [posting])
    [txn] = Categorizer().apply([bank], entries, "Assets:Banque:Courant")
    return txn


def test_lots_without_payer_are_named_lots_and_payeur_is_suggested() -> None:
    txn = _almerys(_lot("2025-001", 10, "90.06", None) + _lot("2025-002", 17, "84.80", None), "174.86")
    reason = txn.meta["a-verifier"]
    assert txn.flag == "!" and "aucun des 2 lot(s) ouvert(s)" in reason, reason
    assert "facture" not in reason and "reglement-de" not in reason
    assert ('ajoutez payeur: "ALMERYS" sur la ligne Assets:Creances:Mutuelles de chaque lot de ce payeur '
            "(2025-001, 2025-002)") in reason


def test_lots_with_their_payer_are_settled() -> None:
    txn = _almerys(_lot("2025-001", 10, "90.06", "Almerys") + _lot("2025-002", 17, "84.80", "Almerys"),
                   "174.86")
    assert txn.flag == "*"
    assert [p.meta["lot"] for p in txn.postings if p.meta and "lot" in p.meta] == ["2025-001", "2025-002"]


def test_lots_of_another_payer_suggest_lot_not_payeur() -> None:
    reason = _almerys(_lot("2025-001", 10, "90.06", "MGEN"), "90.06").meta["a-verifier"]
    assert "aucun des 1 lot(s) ouvert(s)" in reason and "(MGEN)" in reason
    assert "payeur: \"" not in reason and "lot: sur sa ligne de créance" in reason


# --- F7: the FEC's transliteration warning ---------------------------------------------------------


def test_spaces_become_plain_spaces_silently_and_others_are_named() -> None:
    translit = Transliterator("iso8859-15")
    assert translit.field("5\u202fCV, 6\u00a0000\u202fkm") == "5 CV, 6 000 km"
    assert translit.summary() == []
    assert translit.field("a → b") == "a ? b"
    [warning] = translit.summary()
    assert warning == ("1 caractère(s) hors de iso8859-15 translittéré(s) : "
                       "‘→’ (RIGHTWARDS ARROW) → ‘?’ (1 fois)")
    assert "\\u" not in warning


# --- F9: hn extract --existing into an account the ledger never opens -----------------------------

_STATEMENT = "Date;Libellé;Montant\n07/03/2025;VIR CPAM 69 PAIEMENT;22,72\n"
_LEDGER = """\
plugin "beancount_hn.plugins.all"
2025-01-01 custom "hn-option" "treasury" Assets:Banque:Courant
2025-01-01 custom "hn-option" "treasury" Assets:Caisse
2025-01-01 open Assets:Banque:Courant EUR
2025-01-01 open Assets:Caisse EUR
2025-01-01 open Assets:Creances:CPAM EUR
"""


def _extract(tmp_path: Path, account: str):
    statement = tmp_path / "releve.csv"
    statement.write_text(_STATEMENT, encoding="utf-8")
    ledger = write_ledger(tmp_path, _LEDGER)
    return run_hn("extract", str(statement), "--account", account, "--existing", ledger)


@pytest.mark.usefixtures("no_load_cache")
def test_extract_refuses_an_account_the_ledger_never_opens(tmp_path: Path) -> None:
    result = _extract(tmp_path, "Assets:Banque:Livret")
    assert result.exit_code == 1
    assert "Assets:Banque:Livret n'est ouvert par aucun open du grand livre ; rien n'est importé" in result.output
    assert "(Assets:Banque:Courant, Assets:Caisse)" in result.output
    assert "import-id" not in result.output and "Traceback" not in result.output


@pytest.mark.usefixtures("no_load_cache")
def test_extract_warns_about_an_opened_account_that_is_not_treasury(tmp_path: Path) -> None:
    result = _extract(tmp_path, "Assets:Creances:CPAM")
    assert result.exit_code == 0, result.output
    assert "Assets:Creances:CPAM n'est pas un compte de trésorerie" in result.output
    assert "1 nouvelle(s)" in _extract(tmp_path, "Assets:Banque:Courant").output
