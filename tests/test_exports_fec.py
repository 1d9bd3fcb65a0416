"""The FEC of a BNC on a cash basis: format, balance, totals = 2035, round trip, bad input."""

from __future__ import annotations

import datetime
import textwrap
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from beancount_hn.exports import ExportError
from beancount_hn.exports.fec import build_fec, render_fec
from beancount_hn.tax import lines2035
from beancount_hn.tax.form2035 import compute_2035
from tests.exports_ledger import (
    ACCOUNTS,
    IDENTITY,
    SMALL,
    TRANSACTIONS,
    golden,
    ledger_balance,
    load_small,
    settled_by_account,
)
from tests.fec_checker import check_fec, read_fec
from tests.ledgers import line_of, loaded, write_file



def write(tmp_path, rendered) -> str:
    return write_file(tmp_path, rendered.filename, rendered.content)


def parse_amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def by_number(records) -> dict[str, Decimal]:
    """Debit − credit per CompteNum, read back from the file."""
    result: dict[str, Decimal] = defaultdict(Decimal)
    for r in records:
        result[r["CompteNum"]] += parse_amount(r["Debit"]) - parse_amount(r["Credit"])
    return dict(result)


# --- the small ledger ---------------------------------------------------------------


def test_small_ledger_fec_passes_the_independent_checker_and_matches_its_golden_file(tmp_path):
    entries, index = load_small()
    rendered = render_fec(build_fec(entries, index, 2025))
    assert rendered.filename == "732829320FEC20251231.txt"
    path = write(tmp_path, rendered)
    assert check_fec(path, 2025) == []
    golden("small-fec-2025.txt", rendered.content)


def test_fec_header_fields_and_the_invoice_paid_in_january():
    entries, index = load_small()
    rendered = render_fec(build_fec(entries, index, 2025))
    text = rendered.content.decode("iso8859-15")
    lines = text.split("\r\n")
    assert lines[0].split("\t")[18:] == ["DateRglt", "ModeRglt", "NatOp", "IdClient"]
    record = next(dict(zip(lines[0].split("\t"), ln.split("\t"), strict=True))
                  for ln in lines[1:] if "Rééducation du dos" in ln)
    # Paid on 6 January 2025 by cheque; the piece is the December 2024 invoice.
    assert (record["EcritureDate"], record["PieceRef"], record["PieceDate"]) == ("20250106", "F-2024-0001", "20241220")
    assert (record["CompteNum"], record["Credit"], record["ModeRglt"], record["NatOp"]) == \
        ("706", "60,00", "Chèque", "Recette AA")
    assert record["IdClient"] == "Mme Hélène Dupont"


def test_partial_payment_and_credit_note_only_the_cash_of_the_year():
    entries, index = load_small()
    fec = build_fec(entries, index, 2025)
    nowak = [ln for ln in fec.lines if ln.piece_ref == "F-2025-0001" and ln.compte_num == "706"]
    # Invoice 60, credit note 10, 30 paid in April 2025 (the last 20 in January 2026).
    assert [(ln.date, ln.credit) for ln in nowak] == [(datetime.date(2025, 4, 2), Decimal("30.00"))]


def test_fec_totals_equal_the_2035_cash_lines():
    entries, index = load_small()
    _, records, _ = read_fec_text(render_fec(build_fec(entries, index, 2025)).content)
    # Hand-written chart of the small ledger: PCG number -> 2035 line.
    line_of_number = {"706": "AA", "6132": "BF", "616": "22", "626": "27", "661": "BN", "627": "BN"}
    fec_lines: dict[str, Decimal] = defaultdict(Decimal)
    for r in records:
        code = line_of_number.get(r["CompteNum"])
        if code is None:
            assert r["CompteNum"][0] not in "67", f"unexpected P&L account {r['CompteNum']}"
            continue
        amount = parse_amount(r["Credit"]) - parse_amount(r["Debit"])
        for outer in lines2035.chain(code):
            fec_lines[outer] += amount if lines2035.line(code).sign == "credit" else -amount
    form = compute_2035(entries, index, 2025)
    for row in form.lines():
        if row.section in ("recettes", "depenses") and row.kind != lines2035.TOTAL:
            assert fec_lines.get(row.code, Decimal(0)) == form.values[row.code], row.code
    assert fec_lines["AA"] == form.values["AG"] == Decimal("480.00")
    expenses = sum((v for k, v in fec_lines.items() if lines2035.line(k).parent is None
                    and lines2035.line(k).section == "depenses"), Decimal(0))
    assert expenses == form.values["BR"] == Decimal("925.30")


def read_fec_text(content: bytes):
    text = content.decode("iso8859-15")
    lines = text.rstrip("\r\n").split("\r\n")
    header = lines[0].split("\t")
    return header, [dict(zip(header, ln.split("\t"), strict=True)) for ln in lines[1:]], "\t"


def test_round_trip_rebuilds_the_years_trial_balance(tmp_path):
    entries, index = load_small()
    path = write(tmp_path, render_fec(build_fec(entries, index, 2025)))
    _, records, _ = read_fec(path)
    balances = by_number(records)
    end = datetime.date(2025, 12, 31)
    # Treasury: opening balance (AN) + the year's movements = the ledger's balance on 31 December.
    assert balances["512"] == ledger_balance(entries, "Assets:Banque", end) == Decimal("-1404.00")
    assert balances["531"] == ledger_balance(entries, "Assets:Caisse", end) == Decimal("40.00")
    # Income, expenses and neutral accounts: what the cash book attributes in 2025.
    settled = settled_by_account(entries, index, 2025)
    assert balances["706"] == -settled["Income:Honoraires"] - settled["Income:HN"] == Decimal("-480.00")
    assert balances["6132"] == -settled["Expenses:Loyer"] == Decimal("650.00")
    assert balances["164"] == -settled["Liabilities:Emprunt"] == Decimal("287.60")
    assert balances["2154"] == Decimal("1800.00")
    # Personal money: 400 drawn, 18.90 put in to pay supplies.
    assert balances["108"] == Decimal("381.10")
    assert balances["110"] == Decimal("-1550.00")
    assert sum(balances.values()) == 0


def test_transliteration_is_counted_and_utf8_is_a_warning(tmp_path):
    entries, index = load_small()
    fec = build_fec(entries, index, 2025)
    latin9 = render_fec(fec)
    assert latin9.warnings == ["3 caractère(s) hors de iso8859-15 translittéré(s) : "
                               "‘Ł’ (LATIN CAPITAL LETTER L WITH STROKE) → ‘L’ (3 fois)"]
    assert b"Mme Lucja Nowak" in latin9.content
    assert "É".encode("iso8859-15") in latin9.content  # é, è, É, € are in ISO 8859-15: kept
    utf8 = render_fec(fec, charset="utf-8")
    assert "Łucja".encode() in utf8.content
    assert len(utf8.warnings) == 1 and "UTF-8" in utf8.warnings[0]
    path = write(tmp_path, utf8)
    assert check_fec(path, 2025, charset="utf-8") == []
    assert check_fec(path, 2025) != []  # read as ISO 8859-15, the UTF-8 bytes are caught


def test_pipe_separator_cleans_pipes_inside_values(tmp_path):
    entries, index = load_small()
    rendered = render_fec(build_fec(entries, index, 2025), separator="pipe")
    assert "séparateur(s) ou saut(s) de ligne" in rendered.warnings[-1]
    path = write(tmp_path, rendered)
    assert check_fec(path, 2025) == []
    _, records, sep = read_fec(path)
    assert sep == "|"
    assert any(r["EcritureLib"] == "MACSF - Assurance RCP   2025" for r in records)


def test_checker_catches_broken_files(tmp_path):
    entries, index = load_small()
    rendered = render_fec(build_fec(entries, index, 2025))
    text = rendered.content.decode("iso8859-15")
    lines = text.split("\r\n")
    broken = {
        "unbalanced": text.replace("\t650,00\t0,00\t", "\t650,01\t0,00\t", 1),
        "dot decimal": text.replace("\t650,00\t", "\t650.00\t", 1),
        "gap in numbering": "\r\n".join(ln for ln in lines if "\t3\t20250205\t" not in ln),
        "outside year": text.replace("\t20251231\t", "\t20260101\t"),
        "21 fields": "\r\n".join(lines[:2] + [lines[2].rsplit("\t", 1)[0]] + lines[3:]),
    }
    for name, content in broken.items():
        path = write_file(tmp_path, rendered.filename, content.encode("iso8859-15"))
        assert check_fec(path, 2025), name
    path = write_file(tmp_path, "FEC2025.txt", rendered.content)
    assert any("file name" in p for p in check_fec(path, 2025))


# --- metadata ------------------------------------------------------------------------


def test_compte_journal_and_mode_metadata_win():
    text = IDENTITY + ACCOUNTS.replace(
        "2024-01-01 open Expenses:Loyer\n",
        '2024-01-01 open Expenses:Loyer\n  compte: "613200"\n  compte-libelle: "Loyer du cabinet"\n').replace(
        "2024-01-01 open Assets:Caisse\n", '2024-01-01 open Assets:Caisse\n  journal: "CAI"\n') + """
2025-03-01 * "SCI Les Lilas" "Loyer mars"
  mode-reglement: "chèque"
  Assets:Banque   -650.00 EUR
  Expenses:Loyer   650.00 EUR
2025-03-02 * "M. Durand" "Séance"
  Assets:Caisse    40.00 EUR
  Income:HN       -40.00 EUR
"""
    entries, index = load_small(text)
    fec = build_fec(entries, index, 2025)
    rent = [ln for ln in fec.lines if ln.account == "Expenses:Loyer"]
    assert [(ln.compte_num, ln.compte_lib, ln.mode, ln.journal_code) for ln in rent] == \
        [("613200", "Loyer du cabinet", "Chèque", "BQ")]
    assert {ln.journal_code for ln in fec.lines if ln.date == datetime.date(2025, 3, 2)} == {"CAI"}


def test_several_bank_accounts_get_distinct_numbers():
    text = IDENTITY + ACCOUNTS + """
2024-01-01 custom "hn-option" "treasury" Assets:Livret
2024-01-01 open Assets:Livret
2025-03-01 * "Placement"
  Assets:Banque   -100.00 EUR
  Assets:Livret    100.00 EUR
"""
    entries, index = load_small(text)
    fec = build_fec(entries, index, 2025)
    assert {ln.account: ln.compte_num for ln in fec.lines if ln.account} == \
        {"Assets:Banque": "5121", "Assets:Livret": "5122"}


# --- bad input -------------------------------------------------------------------------


def test_missing_siren_names_the_option_to_add():
    entries, index = load_small(ACCOUNTS + TRANSACTIONS.split("2024-12-20")[0]
                                + '2025-03-01 * "x"\n  Assets:Banque  -1.00 EUR\n  Expenses:Loyer  1.00 EUR\n')
    with pytest.raises(ExportError, match='custom "hn-option" "identity" "siren"'):
        build_fec(entries, index, 2025)


def test_invalid_siren_points_to_its_line():
    text = SMALL.replace('"siren" "732829320"', '"siren" "732829321"')
    entries, index = load_small(text, check=False)
    with pytest.raises(ExportError) as error:
        build_fec(entries, index, 2025)
    assert f"<string>:{line_of(text, '732829321')}:" in str(error.value)
    assert "Luhn" in str(error.value)


def test_a_year_without_movement_is_an_error():
    entries, index = load_small()
    with pytest.raises(ExportError, match="aucun mouvement de trésorerie en 2023"):
        build_fec(entries, index, 2023)


def test_account_without_number_is_named_with_its_open_line():
    text = SMALL + """
2024-01-01 open Assets:Divers
2025-07-01 * "Avance"
  Assets:Banque   -50.00 EUR
  Assets:Divers    50.00 EUR
"""
    entries, index = load_small(text)
    with pytest.raises(ExportError) as error:
        build_fec(entries, index, 2025)
    message = str(error.value)
    assert f"<string>:{line_of(text, 'open Assets:Divers')}: Assets:Divers n'a pas de numéro de compte du PCG" in message
    assert 'compte: "<numéro>"' in message


def test_malformed_compte_and_unknown_mode_are_errors_at_their_line():
    text = SMALL.replace("2024-01-01 open Expenses:Loyer\n", '2024-01-01 open Expenses:Loyer\n  compte: "LOYER"\n')
    entries, index = load_small(text)
    with pytest.raises(ExportError, match=f"<string>:{line_of(text, 'open Expenses:Loyer')}: .*n'est pas un numéro du PCG"):
        build_fec(entries, index, 2025)
    text = SMALL.replace('mode-reglement: "especes"', 'mode-reglement: "bitcoin"')
    entries, index = load_small(text)
    with pytest.raises(ExportError, match=f"<string>:{line_of(text, 'Massage, 3 séances')}: mode-reglement: \"bitcoin\""):
        build_fec(entries, index, 2025)


def test_foreign_currency_treasury_posting_is_refused():
    text = SMALL + """
2024-01-01 commodity CHF
2025-08-01 * "Séminaire Genève"
  Assets:Banque   -100.00 CHF
  Expenses:Fournitures   100.00 CHF
"""
    entries, index = load_small(text, check=False)  # the ledger says it too (``roles.check``)
    with pytest.raises(ExportError, match="le FEC est tenu en EUR"):
        build_fec(entries, index, 2025)


# --- any ledger ---------------------------------------------------------------------------

_KINDS = ("cash", "invoice", "expense", "drawing", "transfer", "loan")


@st.composite
def ledgers(draw) -> str:
    """Random treasury movements of 2025 (and a few of 2024/2026)."""
    lines = []
    links = 0
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(_KINDS))
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=draw(st.integers(-40, 400)))
        cents = draw(st.integers(1, 500_00))
        amount = f"{Decimal(cents) / 100:.2f}"
        if kind == "cash":
            lines.append(f'{day} * "Patient" "Séance"\n  Assets:Caisse  {amount} EUR\n  Income:HN  -{amount} EUR\n')
        elif kind == "invoice":
            links += 1
            paid = f"{Decimal(draw(st.integers(1, cents))) / 100:.2f}"
            later = day + datetime.timedelta(days=draw(st.integers(0, 90)))
            lines.append(f'{day} * "Patient" "Facture" ^L{links}\n  Assets:Creances:Patients  {amount} EUR\n'
                         f'  Income:Honoraires  -{amount} EUR\n')
            lines.append(f'{later} * "Patient" "Paiement" ^L{links}\n  Assets:Banque  {paid} EUR\n'
                         f'  Assets:Creances:Patients  -{paid} EUR\n')
        elif kind == "expense":
            lines.append(f'{day} * "Fournisseur" "Achat"\n  Assets:Banque  -{amount} EUR\n'
                         f'  Expenses:Fournitures  {amount} EUR\n')
        elif kind == "drawing":
            lines.append(f'{day} * "Prélèvement"\n  Assets:Banque  -{amount} EUR\n  Equity:Exploitant  {amount} EUR\n')
        elif kind == "transfer":
            lines.append(f'{day} * "Dépôt"\n  Assets:Banque  {amount} EUR\n  Assets:Caisse  -{amount} EUR\n')
        else:
            interest = f"{Decimal(cents) / 1000:.2f}"
            lines.append(f'{day} * "Banque" "Échéance"\n  Assets:Banque  -{amount} EUR\n'
                         f'  Expenses:Interets  {interest} EUR\n  Liabilities:Emprunt\n')
    return IDENTITY + ACCOUNTS + "\n".join(sorted(lines))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ledgers())
def test_any_ledger_gives_a_valid_fec_whose_pnl_accounts_match_the_cash_book(tmp_path, text):
    entries, index = load_small(textwrap.dedent(text))
    try:
        fec = build_fec(entries, index, 2025)
    except ExportError as exc:
        assert "aucun mouvement de trésorerie en 2025" in str(exc)
        return
    path = write(tmp_path, render_fec(fec))
    assert check_fec(path, 2025) == []
    balances = by_number(read_fec(path)[1])
    settled = settled_by_account(entries, index, 2025)
    assert balances.get("706", 0) == -settled.get("Income:Honoraires", 0) - settled.get("Income:HN", 0)
    assert balances.get("626", 0) == -settled.get("Expenses:Fournitures", 0)
    assert balances.get("512", 0) == ledger_balance(entries, "Assets:Banque", datetime.date(2025, 12, 31))


def test_an_expense_paid_by_the_lender_is_in_the_fec_as_the_2035_counts_it():
    """Paid outside the treasury (the lender pays the supplier): the FEC books it on the day,
    against the loan, and its class 6 account agrees with the 2035."""
    text = SMALL + """
2025-08-01 * "Fournisseur payé par la banque sur le prêt"
  Expenses:Fournitures     100.00 EUR
  Liabilities:Emprunt     -100.00 EUR
"""
    entries, index = load_small(text)
    fec = build_fec(entries, index, 2025)
    lines = [line for line in fec.lines if "payé par la banque" in line.label]
    assert {line.compte_num[:3] for line in lines} == {"164", "626"}
    assert compute_2035(entries, index, 2025).reconciliation.closed


def test_receivables_carried_over_against_equity_are_booked_on_their_2035_line():
    """An opening receivable paid in the year is a receipt (706, « Recette AA »), an opening
    payable with ligne-2035: "BA" an expense (6068): the FEC and the livre-journal say so,
    as the 2035 counts them."""
    from beancount_hn.exports.livre_journal import build_livre_journal
    text = SMALL + """
2024-01-01 open Liabilities:Fournisseurs
2024-12-31 * "Reprise des créances et dettes"
  Assets:Creances:Patients    300.00 EUR
    acte: "AMK 8"
  Liabilities:Fournisseurs   -120.00 EUR
    ligne-2035: "BA"
  Equity:Opening-Balances
2025-09-01 * "Patient, créance reprise"
  Assets:Banque               300.00 EUR
  Assets:Creances:Patients   -300.00 EUR
2025-09-02 * "Fournisseur, dette reprise"
  Liabilities:Fournisseurs    120.00 EUR
  Assets:Banque              -120.00 EUR
"""
    entries, index = load_small(text)
    fec = build_fec(entries, index, 2025)
    booked = {(line.compte_num, line.nature) for line in fec.lines if "reprise" in line.label.lower()}
    assert ("706", "Recette AA") in booked and ("6068", "Dépense BA") in booked
    journal = build_livre_journal(entries, index, 2025)
    assert {(row.line, row.receipt, row.expense) for row in journal.rows if "reprise" in row.nature.lower()} >= {
        ("AA", Decimal("300.00"), Decimal(0)), ("BA", Decimal(0), Decimal("120.00"))}
    form = compute_2035(entries, index, 2025)
    assert form.reconciliation.closed and not form.errors


def test_the_guides_opening_entry_gives_the_fec_of_balances_carried_from_the_year_before(tmp_path):
    """Books begun on 1 January by a practice older than them, the opening balances booked
    that day against Equity: (docs/demarrer.md): the FEC books them in AN against 110, not as
    a bank movement against 101, and is the very FEC of the same balances dated the year before."""
    opening = '2024-01-02 * "Ouverture"'
    assert opening in SMALL
    guide = ('2025-01-01 custom "hn-option" "treasury" Assets:Banque\n'
             '2025-01-01 custom "hn-option" "treasury" Assets:Caisse\n'
             '2025-01-01 custom "hn-option" "practice-start" 2019-09-02\n'
             + SMALL.replace(opening, '2025-01-01 * "Ouverture"'))
    entries, index = loaded(guide, header=False)
    rendered = render_fec(build_fec(entries, index, 2025))
    assert check_fec(write(tmp_path, rendered), 2025) == []
    _, records, _ = read_fec_text(rendered.content)
    assert [(r["JournalCode"], r["CompteNum"], r["Debit"], r["Credit"]) for r in records[:3]] == [
        ("AN", "512", "1500,00", "0,00"), ("AN", "531", "50,00", "0,00"), ("AN", "110", "0,00", "1550,00")]
    assert not [r for r in records if r["CompteNum"].startswith("101") or r["EcritureLib"] == "Ouverture"]
    assert rendered.content == render_fec(build_fec(*load_small(), 2025)).content
    form = compute_2035(entries, index, 2025)
    assert form.reconciliation.closed and form.reconciliation.opening == Decimal("1550.00")
    assert form.reconciliation.treasury == compute_2035(*load_small(), 2025).reconciliation.treasury


def test_a_bank_account_number_written_as_compte_is_refused_not_used_as_the_fec_number(tmp_path):
    # compte: is the account's number in the chart of accounts; a bank's account number (which
    # hn extract reads from numero-compte: or iban:) starts with no PCG class and is refused.
    from beancount_hn.exports.accounts_pcg import ChartOfAccounts
    entries, index = loaded('''
2024-01-01 custom "hn-option" "treasury" Assets:Banque
2024-01-01 open Assets:Banque:Courant
  compte: "00012345678"
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
  tva: "exoneree"
2024-03-01 * "Séance"
  Assets:Banque:Courant  60.00 EUR
  Income:Honoraires:HN  -60.00 EUR
''', header=False)
    with pytest.raises(ExportError) as raised:
        ChartOfAccounts(index, entries).resolve(["Assets:Banque:Courant"])
    assert "00012345678" in str(raised.value) and "numero-compte:" in str(raised.value)


def test_the_one_bank_account_under_a_parent_treasury_option_is_512():
    """Tester's report: with treasury Assets:Banque, its one account took 5122; the parent takes no
    number, opened or not, since it posts nothing."""
    from beancount_hn.exports.accounts_pcg import ChartOfAccounts
    entries, index = loaded('''
2024-01-01 custom "hn-option" "treasury" Assets:Banque
2024-01-01 open Assets:Banque
2024-01-01 open Assets:Banque:Courant
2024-01-01 open Income:Honoraires:HN
  convention: "non-conventionne"
  tva: "exoneree"
2024-03-01 * "Séance"
  Assets:Banque:Courant  60.00 EUR
  Income:Honoraires:HN  -60.00 EUR
''', header=False)
    assert ChartOfAccounts(index, entries).resolve(["Assets:Banque:Courant"])["Assets:Banque:Courant"].number == "512"
