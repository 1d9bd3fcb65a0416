"""The FEC (fichier des écritures comptables) of a BNC kept on a cash basis.

Format of art. A47 A-1 LPF, II (BNC "recettes-dépenses", fr-rules §6): the 18
standard fields then ``DateRglt``, ``ModeRglt``, ``NatOp``, ``IdClient``; a
header line; one line per posting; tab separator (``|`` as an option); CR LF
line ends; dates ``AAAAMMJJ``; amounts with a decimal comma, no thousands
separator, ``Debit`` and ``Credit`` both written (``0,00`` on the other side);
ISO 8859-15 by default (UTF-8 on request), named ``<SIREN>FEC<AAAAMMJJ>.txt``
after the closing date (31 December: a BNC's year is the calendar year).

**Entries** come from the cash book (``cashbook``), in date order, numbered
1, 2, 3… without a gap (a movement of 0,00 writes no line and takes no number:
art. A47 A-1 LPF, continuous numbering):

* ``AN`` (à-nouveaux) on 1 January when the treasury accounts have opening
  balances: each treasury account against ``110`` (report à nouveau). They are
  the balances of the earlier years, plus the year's opening entries
  (``Form2035.is_opening``: balances booked on the books' first day against
  ``Equity:``, the guide's recipe), which are no movement of the year — the
  entry is then dated that day;
* one entry per treasury transaction of the year: one line per treasury
  posting, then one line per account the money is attributed to — the income
  and expense accounts of the invoices and bills it settles (through
  receivables and ``^links``, pro rata for partial payments), or a neutral
  account (transfers, ``Equity:``, loan capital, fixed assets). The cash book
  guarantees that the attributed amounts add up to the treasury movement, so
  every entry balances;
* an ``OD`` entry for an expense paid from personal funds (``108`` credited),
  and for an exchange without money (its two sides);
* in a barème year, an ``OD`` entry of 31 December: the barème kilométrique on
  line 23's account against ``108``.

``AN`` and ``OD`` are the writer's own: a ``journal:`` naming one for treasury
movements is refused (``movements.RESERVED_JOURNALS``). An account counted on a 2035
line has a number of the class the default table gives that line
(:func:`_check_classes`).

Each settlement is booked as the 2035 counted it (``Form2035.line_of``): what it
counts on no line although an income or expense account paid it (non-deductible
CSG, neutral costs, car costs the barème covers) goes to ``108``, the
practitioner's account. So the ``6``/``7`` accounts of each 2035 line, plus the
adjustments the FEC does not carry (private shares on CC, dotations, disposal
results: ``Form2035.adjustments``), make the line to the cent.

Per line: ``PieceRef`` is the invoice number (``facture:``) of what the line
settles, else ``piece:``/``facture:``/the first link of the transaction, else
``<journal><year>-<number>``; ``PieceDate`` the invoice date; ``DateRglt`` the
date money moved; ``ModeRglt`` the mode of payment (``movements``); ``NatOp``
the nature (``Recette AA``, ``Dépense BF``…); ``IdClient`` the client of a
receipt (``client-siren:``, else the payee).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from beancount.core import data

from beancount_hn.core.cashbook import EXPENSE, INCOME, UNEXPLAINED, Settlement
from beancount_hn.core.csvcells import number as csv_number
from beancount_hn.core.csvcells import text_cell
from beancount_hn.core.errors import as_written, where
from beancount_hn.core.identity import read_identity, siren_problem, siret_problem
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.exports import ExportError
from beancount_hn.exports.accounts_pcg import DEFAULT_SOURCE, AccountNumber, ChartOfAccounts
from beancount_hn.exports.charset import Transliterator
from beancount_hn.exports.movements import (
    CashEntry,
    cash_entries,
    client_of,
    invoice_of,
    label_of,
    counted_line,
    merged_settlements,
    opening_balances,
    piece_of,
    year_form,
)
from beancount_hn.tax import lines2035
from beancount_hn.tax.form2035 import Form2035
from beancount_hn.tax.vehicle import VEHICLE_LINE

ZERO = Decimal(0)
CENT = Decimal("0.01")

FIELDS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
    "DateRglt", "ModeRglt", "NatOp", "IdClient",
)
SEPARATORS = {"tab": "\t", "pipe": "|"}
DEFAULT_CHARSET = "iso8859-15"

OPENING_NUMBER = "110"
OPENING_LABEL = "Report à nouveau (soldes de trésorerie au 1er janvier)"
PERSONAL_FUNDS_NUMBER = "108"


@dataclass(frozen=True, slots=True)
class FecLine:
    """One line of the FEC, before formatting (amounts positive, one side only)."""

    journal_code: str
    journal_lib: str
    number: int
    date: datetime.date
    account: str  # the ledger account ("" for the opening counterpart)
    compte_num: str
    compte_lib: str
    piece_ref: str
    piece_date: datetime.date
    label: str
    debit: Decimal
    credit: Decimal
    payment_date: datetime.date
    mode: str
    nature: str
    client: str = ""

    @property
    def signed(self) -> Decimal:
        """Debit − credit."""
        return self.debit - self.credit


def _date(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


@dataclass
class Fec:
    """The FEC of one year: its lines and the practitioner's SIREN."""

    year: int
    siren: str
    lines: list[FecLine] = field(default_factory=list)

    @property
    def closing(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def filename(self) -> str:
        return fec_filename(self.siren, self.closing)

    @property
    def entry_count(self) -> int:
        return len({line.number for line in self.lines})

    def totals(self) -> tuple[Decimal, Decimal]:
        """Total debit and total credit of the file."""
        return (sum((ln.debit for ln in self.lines), ZERO), sum((ln.credit for ln in self.lines), ZERO))

    def balance_by_account(self) -> dict[str, Decimal]:
        """Debit − credit per ledger account (the opening counterpart under ``""``)."""
        result: dict[str, Decimal] = {}
        for line in self.lines:
            result[line.account] = result.get(line.account, ZERO) + line.signed
        return result

    def rows(self) -> Iterator[list[str]]:
        """The 22 text fields of each line, unformatted for the character set, one line at a time."""
        for ln in self.lines:
            yield [ln.journal_code, ln.journal_lib, str(ln.number), _date(ln.date), ln.compte_num,
                   ln.compte_lib, "", "", ln.piece_ref, _date(ln.piece_date), ln.label,
                   csv_number(ln.debit), csv_number(ln.credit), "", "", _date(ln.date), "", "",
                   _date(ln.payment_date), ln.mode, ln.nature, ln.client]


@dataclass
class RenderedFec:
    """The bytes of a FEC file and the warnings of its character set."""

    filename: str
    content: bytes
    charset: str
    warnings: list[str]


def fec_filename(siren: str, closing: datetime.date) -> str:
    """``<SIREN>FEC<AAAAMMJJ>.txt``."""
    return f"{siren}FEC{_date(closing)}.txt"


def practice_siren(index: LedgerIndex) -> str:
    """The SIREN of the ``identity`` option (or the first 9 digits of the SIRET), checked."""
    identity = read_identity(index.config)
    siren = identity.siren
    if not siren:
        raise ExportError(
            "le fichier FEC porte le SIREN du cabinet, et le grand livre n'en déclare aucun ; ajoutez\n"
            '  2025-01-01 custom "hn-option" "identity" "siren" "123456789"\n'
            '(ou "siret" avec les 14 chiffres) avec votre numéro de l\'avis de situation INSEE')
    key = "siren" if identity.values.get("siren") else "siret"
    problem = siren_problem(siren) if key == "siren" else siret_problem(identity.values["siret"])
    if problem:
        raise ExportError(f"{identity.location(key)}: {problem}")
    return siren


def entry_ref(txn: data.Transaction, journal: str, number: int) -> str:
    """The piece reference of a treasury transaction (``<journal><year>-<number>`` if none is written)."""
    return piece_of(txn) or f"{journal}{txn.date.year}-{number:05d}"


#: What the 2035 counts on no line, although an income or expense account paid it: the
#: practitioner's drawings (108), so that the FEC's classes 6 and 7 are the 2035's lines.
_EXPLOITANT_NATURES = {
    lines2035.NON_DEDUCTIBLE: "Non déductible (exploitant)",
    lines2035.NEUTRAL: "Hors 2035 (exploitant)",
    lines2035.COVERED_BY_BAREME: "Couvert par le barème kilométrique (exploitant)",
}
EXPLOITANT_LABEL = "Compte de l'exploitant"
NO_PAYMENT = "Sans règlement"


def _nature(settlement: Settlement, line: str | None) -> str:
    bucket = settlement.bucket
    if bucket == UNEXPLAINED:
        return "Non rapproché"
    if bucket not in (INCOME, EXPENSE):
        return "Hors 2035 (neutre)"
    return _EXPLOITANT_NATURES.get(line) or f"{'Recette' if bucket == INCOME else 'Dépense'} {line}"


_CLASS_NAMES = {"6": "6 (charges)", "7": "7 (produits)"}


def _check_classes(moves: list[CashEntry], numbers: dict[str, AccountNumber], index: LedgerIndex,
                   form: Form2035, chart: ChartOfAccounts) -> None:
    """Classes 6 and 7 hold what the 2035 counts, and only that: an account counted on a line
    has a number of class 6 or 7, and no other account has one (a ``compte:`` written on its
    ``open`` decides; a wrong one would move a line's amount off the 2035, or onto it).

    An account counted on a line also has the class the default table gives that line
    (:meth:`ChartOfAccounts.default_number`): 7 for receipts, 6 for expenses, with the
    table's exceptions (débours and rétrocessions on ``62281``/``62282``, a refund of fees
    on ``706``). The accountant's software balances the FEC by ``CompteNum``: receipts on
    a class-6 number (or expenses on a class-7 one) would be netted against the other side
    (art. A47 A-1 LPF: the ``CompteNum`` of the PCG)."""
    counted: set[str] = set()
    others: set[str] = {account for move in moves for account, _ in move.treasury}
    for move in moves:
        for settlement in move.settlements:
            if settlement.bucket in (INCOME, EXPENSE):
                if form.line_of(settlement) not in _EXPLOITANT_NATURES and index.root_type(
                        settlement.account) in ("income", "expenses"):  # others: on their line's number
                    counted.add(settlement.account)
            else:
                others.add(settlement.account)
    problems = []
    for account in sorted(counted | others):
        number = numbers.get(account)
        if number is None:  # personal funds: booked on 108
            continue
        on_pnl = number.number[0] in "67"
        if on_pnl != (account in counted) and (account in counted or index.root_type(account) != "equity"):
            opened = index.opens.get(account)
            problems.append(
                f"{where(opened.meta if opened else None)} : {account} : le numéro de compte "
                f"{number.number} ({number.source}) " + (
                    "n'est pas de la classe 6 ou 7, alors que la 2035 compte ce compte sur une ligne"
                    if account in counted else
                    "est de la classe 6 ou 7, alors que la 2035 ne compte ce compte sur aucune ligne")
                + " : corrigez compte: sur son open")
        elif account in counted and (default := chart.default_number(account)) is not None \
                and default.number[0] in _CLASS_NAMES and number.number[0] != default.number[0]:
            opened = index.opens.get(account)
            problems.append(
                f"{where(opened.meta if opened else None)} : {account} : le numéro de compte "
                f"{number.number} ({number.source}) est de la classe "
                f"{_CLASS_NAMES.get(number.number[0], number.number[0])}, "
                f"alors que la 2035 compte ce compte sur la ligne {lines2035.account_line(index, account)}, "
                f"qui demande la classe {_CLASS_NAMES[default.number[0]]} — par défaut {default.number} "
                f"« {default.label} » : corrigez compte: sur son open")
    if problems:
        raise ExportError("numéros de compte incompatibles avec la 2035 :\n  " + "\n  ".join(problems))


def _own_drawing_number(number: AccountNumber) -> bool:
    """Whether an account the 2035 counts on no line keeps its own number rather than ``108``:
    a sub-account of ``108`` (``1081``), or a number off classes 6/7 written on its ``open``."""
    return number.number.startswith(PERSONAL_FUNDS_NUMBER) or (
        number.number[0] not in "67" and not number.source.startswith(DEFAULT_SOURCE))


def _numbered(numbers: dict[str, AccountNumber], wanted: AccountNumber) -> AccountNumber:
    """``wanted`` with the label the ledger's own accounts give its number (one label per number)."""
    label = next((k.label for k in numbers.values() if k.number == wanted.number), wanted.label)
    return replace(wanted, label=label)


def _sides(amount: Decimal) -> tuple[Decimal, Decimal]:
    return (amount, ZERO) if amount > 0 else (ZERO, -amount)


def _check_cents(amount: Decimal, txn: data.Transaction | None) -> Decimal:
    if amount != amount.quantize(CENT):
        raise ExportError(f"{where(txn.meta if txn else None)}: le montant {amount} a plus de deux "
                          "décimales ; le FEC est tenu au centime (arrondissez le posting)")
    return amount


def build_fec(entries: Sequence[data.Directive], index: LedgerIndex, year: int, *,
              form: Form2035 | None = None, siren: str | None = None,
              chart: ChartOfAccounts | None = None) -> Fec:
    """The FEC of ``year``: every treasury movement of the year, booked as the 2035
    (``form``, computed when not given) counted it, and the barème
    kilométrique as a year-end entry."""
    siren = siren or practice_siren(index)
    form = year_form(entries, index, year, form=form)
    chart = chart or ChartOfAccounts(index, entries)
    moves = cash_entries(entries, index, form)
    opening = opening_balances(entries, index, year)
    day = datetime.date(year, 1, 1)
    carried = [move for move in moves if form.is_opening(move.txn)]  # in AN, not movements of the year
    moves = [move for move in moves if not form.is_opening(move.txn)]
    for move in carried:
        day = move.date  # the books' first day (1 January unless the year is not covered)
        for account, amount in move.treasury:
            opening[account] = opening.get(account, ZERO) + _check_cents(amount, move.txn)
    opening = {account: amount for account, amount in sorted(opening.items()) if amount}
    if not moves:
        raise ExportError(f"aucun mouvement de trésorerie en {year} : rien à exporter (vérifiez --year ; "
                          "les comptes de trésorerie se déclarent avec hn-option \"treasury\")")
    used = set(opening)
    for move in moves:
        used.update(account for account, _ in move.treasury
                    if not move.funded_by_equity or index.root_type(account) != "equity")
        used.update(s.account for s in move.settlements)
    numbers = chart.resolve(used)
    _check_classes(moves, numbers, index, form, chart)
    exploitant = _numbered(numbers, AccountNumber("", PERSONAL_FUNDS_NUMBER, EXPLOITANT_LABEL, "exploitant"))
    fec = Fec(year, siren)
    number = 0
    if opening:
        number += 1
        total = ZERO
        for account, amount in opening.items():
            _check_cents(amount, None)
            debit, credit = _sides(amount)
            total += amount
            n = numbers[account]
            fec.lines.append(FecLine("AN", "À-nouveaux", number, day, account, n.number, n.label,
                                     f"AN{year}", day, f"Solde d'ouverture {account}", debit, credit,
                                     day, "À-nouveau", "À-nouveau"))
        if total:
            debit, credit = _sides(-total)
            fec.lines.append(FecLine("AN", "À-nouveaux", number, day, "", OPENING_NUMBER, OPENING_LABEL,
                                     f"AN{year}", day, "Soldes d'ouverture de trésorerie", debit,
                                     credit, day, "À-nouveau", "À-nouveau"))
    for move in moves:
        lines = _entry_lines(move, number + 1, numbers, exploitant, index, chart, form)
        if lines:  # a movement of 0,00 writes no line: it takes no number (continuous, art. A47 A-1 LPF)
            number += 1
            fec.lines.extend(lines)
    if form.forfait is not None:
        fec.lines.extend(_bareme_lines(form, number + 1, numbers, exploitant, chart))
    return fec


def _entry_lines(move: CashEntry, number: int, numbers: dict[str, AccountNumber],
                 exploitant: AccountNumber, index: LedgerIndex, chart: ChartOfAccounts,
                 form: Form2035) -> list[FecLine]:
    txn = move.txn
    ref = entry_ref(txn, move.journal.code, number)
    label = label_of(txn) or "Mouvement de trésorerie"
    base = FecLine(move.journal.code, move.journal.label, number, txn.date, "", "", "", ref,
                   txn.date, label, ZERO, ZERO, txn.date, move.mode_label, "")
    lines: list[FecLine] = []
    for account, amount in move.treasury:
        if not amount:
            continue
        debit, credit = _sides(_check_cents(amount, txn))
        if move.funded_by_equity and index.root_type(account) == "equity":  # the practitioner's own money
            compte, lib, nature = exploitant.number, exploitant.label, "Apport personnel"
        elif move.funded_by_equity:  # paid or received by a neutral account (lender, deposit…)
            compte, lib, nature = numbers[account].number, numbers[account].label, "Hors trésorerie"
        else:
            compte, lib = numbers[account].number, numbers[account].label
            nature = "Virement interne" if not move.settlements else "Trésorerie"
        lines.append(replace(base, account=account, compte_num=compte, compte_lib=lib,
                             debit=debit, credit=credit, nature=nature))
    for settlement, amount in merged_settlements(move.settlements, form):
        n = numbers[settlement.account]
        line = None
        if settlement.bucket in (INCOME, EXPENSE):
            line = counted_line(form, settlement)
            if line in _EXPLOITANT_NATURES and not _own_drawing_number(n):
                n = exploitant
            elif index.root_type(settlement.account) not in ("income", "expenses"):
                # carried over against Equity: booked on its 2035 line's account
                by_line = chart.for_line("income" if settlement.bucket == INCOME else "expenses", line)
                if by_line is not None:
                    n = _numbered(numbers, by_line)
        debit, credit = _sides(-_check_cents(amount, txn))
        target = settlement.target_txn
        invoice = invoice_of(target)  # the livre-journal's piece too
        piece_ref, piece_date = invoice if invoice else (ref, txn.date)
        lines.append(replace(
            base, account=settlement.account, compte_num=n.number, compte_lib=n.label,
            piece_ref=piece_ref, piece_date=piece_date,
            label=(label_of(target) or label) if target is not None else label,
            debit=debit, credit=credit, nature=_nature(settlement, line),
            client=client_of(settlement, txn) if settlement.bucket == INCOME else ""))
    return lines


def _bareme_lines(form: Form2035, number: int, numbers: dict[str, AccountNumber],
                  exploitant: AccountNumber, chart: ChartOfAccounts) -> list[FecLine]:
    """The barème kilométrique as an entry of 31 December: the car costs (line 23) against
    the practitioner's account, where the costs it covers were booked when paid."""
    forfait = form.forfait
    assert forfait is not None
    day = datetime.date(form.year, 12, 31)
    amount = _check_cents(forfait.amount, None)
    cost = chart.for_line("expenses", VEHICLE_LINE)
    if cost is None:
        raise ExportError(f"le barème kilométrique {form.year} n'a pas de compte de charge par défaut "
                          f"pour la ligne {VEHICLE_LINE} (data/pcg_accounts.csv)")
    cost = _numbered(numbers, cost)
    label = (f"Barème kilométrique {form.year} : {forfait.option.horsepower} CV, {forfait.formula}")
    base = FecLine("OD", "Opérations diverses", number, day, "", "", "", f"BAREME{form.year}", day,
                   label, ZERO, ZERO, day, NO_PAYMENT, "")
    return [replace(base, compte_num=cost.number, compte_lib=cost.label, debit=amount,
                    nature=f"Dépense {VEHICLE_LINE}"),
            replace(base, compte_num=exploitant.number, compte_lib=exploitant.label, credit=amount,
                    nature=_EXPLOITANT_NATURES[lines2035.COVERED_BY_BAREME])]


#: The FEC's number fields; every other field is text (codes, labels, dates of digits).
NUMBER_FIELDS = frozenset({"EcritureNum", "Debit", "Credit", "Montantdevise"})


def _fec_cell(name: str, value: str) -> str:
    """A text field never opens with a formula sign (a leading apostrophe, legal in a FEC text field)."""
    return value if name in NUMBER_FIELDS else text_cell(value)


def render_fec(fec: Fec, *, charset: str = DEFAULT_CHARSET, separator: str = "tab") -> RenderedFec:
    """The file's bytes: header, one record per line, CR LF, ``charset``.

    Characters the charset cannot carry are transliterated and counted in the
    warnings; UTF-8 itself is a warning (the text names ISO 8859-15).
    """
    sep = SEPARATORS.get(separator, separator)
    if sep not in SEPARATORS.values():
        raise ExportError(f"séparateur {as_written(separator)} : le FEC admet la tabulation (tab) ou la barre verticale (pipe)")
    try:
        translit = Transliterator(charset)
    except ValueError as exc:
        raise ExportError(f"{exc} ; choisissez iso-8859-15 (par défaut) ou utf-8") from exc
    # Each record encoded as it is made: never the whole file as text and as bytes at once.
    records = [(sep.join(FIELDS) + "\r\n").encode(translit.charset)]
    for row in fec.rows():
        record = sep.join(_fec_cell(name, translit.field(value, sep)) for name, value in zip(FIELDS, row))
        records.append((record + "\r\n").encode(translit.charset))
    content = b"".join(records)
    warnings = translit.summary()
    if translit.charset == "utf-8":
        warnings.insert(0, "FEC écrit en UTF-8 : l'art. A47 A-1 du LPF cite l'ASCII, l'ISO 8859-15 ou "
                           "l'EBCDIC ; vérifiez que le destinataire accepte l'UTF-8 (par défaut : iso-8859-15)")
    return RenderedFec(fec.filename, content, translit.charset, warnings)
