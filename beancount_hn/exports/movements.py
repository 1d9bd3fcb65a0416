"""The year's treasury transactions, as the FEC and the livre-journal list them.

One :class:`CashEntry` per transaction that moves money on a treasury account
during the year (or pays an expense from personal funds): its treasury
postings, the cash-book settlements it is split into (``cashbook``), its
journal and its mode of payment. The settlements of one entry add up to its
treasury movement (a cash-book invariant), so an FEC entry made of the two is
balanced by construction.

**Journal** (FEC ``JournalCode``): ``journal:`` on the treasury posting, the
transaction or the treasury account's ``open`` (with ``journal-libelle:`` for
its label), else ``CA`` for a cash box (``Caisse``/``Cash``/``Especes`` in its
name) and ``BQ`` for any other treasury account; ``OD`` for expenses paid from
personal funds; ``AN`` for the opening balances.

**Mode of payment** (FEC ``ModeRglt``): ``mode-reglement:`` on the treasury
posting or the transaction; else a bank label word in the narration or payee
(``CB``/``CARTE`` → carte, ``CHQ``/``CHEQUE`` → chèque, ``PRLV`` → prélèvement,
``VIR`` → virement, ``ESPECES`` → espèces); else ``mode-reglement:`` on the
treasury account's ``open``; else espèces for a cash box, virement otherwise.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from beancount_hn.core.cashbook import Settlement, funding_accounts
from beancount_hn.core.errors import as_written, where
from beancount_hn.core.frtypo import money
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.payment_modes import MODES, PaymentModeError, is_cash_box, written_mode
from beancount_hn.core.roles import ITEM, roles_of
from beancount_hn.exports import ExportError
from beancount_hn.tax.form2035 import Form2035, compute_2035

ZERO = Decimal(0)
JOURNAL_KEY = "journal"
JOURNAL_LABEL_KEY = "journal-libelle"

JOURNALS = {
    "BQ": "Banque",
    "CA": "Caisse",
    "OD": "Opérations diverses",
    "AN": "À-nouveaux",
}


#: Journal codes the exports give their own entries, never a treasury account's movements.
RESERVED_JOURNALS = {"AN": "les à-nouveaux du 1er janvier", "OD": "les opérations sans mouvement de trésorerie"}


@dataclass(frozen=True)
class Journal:
    code: str
    label: str


@dataclass(slots=True)
class CashEntry:
    """One treasury transaction of the year and what it settles."""

    txn: data.Transaction
    journal: Journal
    mode: str  # canonical key of MODES
    treasury: list[tuple[str, Decimal]]  # (account, amount) per treasury posting, in order
    settlements: list[Settlement] = field(default_factory=list)
    funded_by_equity: bool = False

    @property
    def date(self) -> datetime.date:
        return self.txn.date

    @property
    def mode_label(self) -> str:
        return MODES[self.mode]


class _Resolver:
    """Journal and mode of payment of treasury transactions, for one ledger."""

    def __init__(self, index: LedgerIndex) -> None:
        self.index = index

    def mode(self, txn: data.Transaction, postings: list[data.Posting], main: str) -> str:
        try:
            written = written_mode(self.index, txn, postings, main)
        except PaymentModeError as exc:
            raise ExportError(str(exc)) from None
        if written is not None:
            return written
        return "especes" if is_cash_box(main) else "virement"

    def journal(self, txn: data.Transaction, postings: list[data.Posting], main: str) -> Journal:
        code, meta = None, txn.meta
        for posting in postings:
            if posting.meta and JOURNAL_KEY in posting.meta:
                code = posting.meta[JOURNAL_KEY]
                break
        if code is None and txn.meta and JOURNAL_KEY in txn.meta:
            code = txn.meta[JOURNAL_KEY]
        if code is None:
            code = self.index.open_meta(main, JOURNAL_KEY)
            opened = self.index.opens.get(main)
            meta = opened.meta if code is not None and opened is not None else meta
        if code is None:
            code = "CA" if is_cash_box(main) else "BQ"
        code = str(code).strip().upper()
        if not re.fullmatch(r"[A-Z0-9]{1,10}", code):
            raise ExportError(f"{where(meta)}: journal {as_written(code)} : de 1 à 10 lettres ou chiffres "
                              "(p. ex. BQ, CA, BQ2)")
        if code in RESERVED_JOURNALS:  # its movements would read as opening balances, or as no money
            raise ExportError(f"{where(meta)}: journal: « {code} » est réservé ({RESERVED_JOURNALS[code]}) et ne "
                              f"peut pas tenir les mouvements de trésorerie de {main} ; écrivez un autre code "
                              "(p. ex. BQ, CA, BQ2)")
        label = self.index.open_meta(main, JOURNAL_LABEL_KEY) or JOURNALS.get(code) or main
        return Journal(code, str(label))


def is_treasury(account: str, on: datetime.date, starts: dict[str, datetime.date]) -> bool:
    """True when ``account`` counts as treasury on ``on`` (its option is declared by then)."""
    since = starts.get(account)
    return since is not None and on >= since


def _check_currency(posting: data.Posting, txn: data.Transaction, currency: str) -> None:
    if posting.units is None or posting.units.currency != currency:
        meta = posting.meta if posting.meta and "filename" in posting.meta else txn.meta
        raise ExportError(f"{where(meta)}: {posting.account} : le FEC est tenu en {currency} ; "
                          f"ce posting est en {posting.units.currency if posting.units else '?'} "
                          "(passez le montant en euros, avec le montant étranger comme prix)")


def year_form(entries: Sequence[data.Directive], index: LedgerIndex, year: int, *,
              form: Form2035 | None = None) -> Form2035:
    """The 2035 of ``year`` whose attribution an export books: ``form`` when given, else
    computed. One attribution for every file."""
    if form is None:
        return compute_2035(entries, index, year)
    if form.year != year or form.cashbook is None:
        raise ValueError(f"the 2035 of {form.year} cannot export {year}")
    return form


def counted_line(form: Form2035, settlement: Settlement) -> str:
    """What ``form`` counted a settlement of fees or costs as (:meth:`Form2035.line_of`);
    an error when it counted it on no line: no file books what the 2035 did not."""
    line = form.line_of(settlement)
    if line is None:
        meta = settlement.posting.meta if settlement.posting is not None else None
        raise ExportError(
            f"{where(meta if meta and 'filename' in meta else settlement.txn.meta)} : "
            f"{settlement.account} : ce paiement du {settlement.date.strftime('%d/%m/%Y')} n'est "
            f"compté sur aucune ligne de la 2035 ({where(settlement.txn.meta)}) ; "
            f"hn 2035 --year {form.year} dit pourquoi : corrigez le grand livre avant d'exporter")
    return line


def cash_entries(entries: Sequence[data.Directive], index: LedgerIndex, form: Form2035,
                 currency: str = "EUR") -> list[CashEntry]:
    """Every treasury transaction of ``form``'s year in ledger (date) order, with the
    settlements of ``form``'s cash book."""
    year, cashbook = form.year, form.cashbook
    starts = index.treasury_from  # the declared accounts and those below them
    resolver = _Resolver(index)
    by_txn: dict[int, list[Settlement]] = defaultdict(list)
    for settlement in cashbook.for_year(year):
        by_txn[id(settlement.txn)].append(settlement)
    result: list[CashEntry] = []
    for entry in entries:
        if not isinstance(entry, data.Transaction) or entry.date.year != year:
            continue
        settlements = by_txn.get(id(entry), [])
        funded = any(s.funded_by_equity for s in settlements)
        if funded:  # paid from outside the treasury, by the accounts the cash book read as such
            funding = funding_accounts(index, {p.account for p in entry.postings})
            postings = [p for p in entry.postings if p.account in funding] or _other_accounts(index, entry)
        else:
            postings = [p for p in entry.postings if is_treasury(p.account, entry.date, starts)]
        if not postings and not funded:
            continue
        for posting in postings:
            _check_currency(posting, entry, currency)
        if funded:  # from personal funds, another account, or an exchange without money
            journal = Journal("OD", JOURNALS["OD"])
            if not postings:
                mode = "compensation"
            elif any(index.root_type(p.account) == "equity" for p in postings):
                mode = "fonds-personnels"
            else:  # a lender, a deposit, a cheque account: as its label or account says
                main = max(postings, key=lambda p: abs(p.units.number)).account
                mode = resolver.mode(entry, postings, main)
        else:
            main = max(postings, key=lambda p: abs(p.units.number)).account
            journal = resolver.journal(entry, postings, main)
            mode = resolver.mode(entry, postings, main)
        treasury = [(p.account, p.units.number) for p in postings]
        moved = sum((amount for _, amount in treasury), ZERO)
        settled = sum((s.amount for s in settlements), ZERO)
        if moved != settled:  # the cash book guarantees it; never write an unbalanced entry
            raise ExportError(f"{where(entry.meta)}: le mouvement de trésorerie ({money(moved)}) diffère de ce "
                              f"que le livre de caisse impute ({money(settled)}) ; signalez ce grand livre")
        result.append(CashEntry(entry, journal, mode, treasury, settlements, funded))
    return result


def _other_accounts(index: LedgerIndex, txn: data.Transaction) -> list[data.Posting]:
    """The postings that paid a receivable or payable outside the treasury (a lender paying
    the supplier's bill, a cheque received on a ``neutre`` account): neither income nor
    expenses nor receivables and payables. None in an exchange without money."""
    roles = roles_of(index)
    return [p for p in txn.postings
            if index.root_type(p.account) not in ("income", "expenses") and roles.role(p.account) != ITEM]


def opening_balances(entries: Sequence[data.Directive], index: LedgerIndex, year: int,
                     currency: str = "EUR") -> dict[str, Decimal]:
    """The balance of each treasury account on 1 January of ``year`` (non-zero only)."""
    treasury = set(index.treasury_accounts())
    start = datetime.date(year, 1, 1)
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        if entry.date >= start:
            break
        for posting in entry.postings:
            if posting.account in treasury and posting.units is not None:
                _check_currency(posting, entry, currency)
                balances[posting.account] += posting.units.number
    return {account: amount for account, amount in sorted(balances.items()) if amount}


# --- what a line says about its transactions --------------------------------------

PIECE_KEY = "piece"
INVOICE_KEY = "facture"
INVOICE_DATE_KEY = "date-facture"
CLIENT_SIREN_KEY = "client-siren"


def label_of(txn: data.Transaction | None) -> str:
    """``"payee - narration"`` (either may be missing)."""
    if txn is None:
        return ""
    return " - ".join(part.strip() for part in (txn.payee, txn.narration) if part and part.strip())


def invoice_of(txn: data.Transaction | None) -> tuple[str, datetime.date] | None:
    """The invoice number (``facture:``) and date (``date-facture:`` or the transaction's) of ``txn``."""
    if txn is None or not txn.meta or not txn.meta.get(INVOICE_KEY):
        return None
    day = txn.meta.get(INVOICE_DATE_KEY)
    return str(txn.meta[INVOICE_KEY]).strip(), day if isinstance(day, datetime.date) else txn.date


def piece_of(txn: data.Transaction) -> str | None:
    """The piece reference written on ``txn``: ``piece:``, ``facture:``, else its first link."""
    meta = txn.meta or {}
    for key in (PIECE_KEY, INVOICE_KEY):
        if meta.get(key):
            return str(meta[key]).strip()
    return sorted(txn.links)[0] if txn.links else None


def merged_settlements(settlements: list[Settlement], form: Form2035) -> list[tuple[Settlement, Decimal]]:
    """Settlements of one entry merged by (bucket, account, settled transaction, what
    ``form`` counted them as), in order."""
    merged: dict[tuple, list] = {}
    line_of = form.line_of
    for settlement in settlements:
        key = (settlement.bucket, settlement.account, id(settlement.target_txn), line_of(settlement))
        if key in merged:
            merged[key][1] += settlement.amount
        else:
            merged[key] = [settlement, settlement.amount]
    return [(s, amount) for s, amount in merged.values() if amount]


def client_of(settlement: Settlement, txn: data.Transaction) -> str:
    """Who paid a receipt: ``client-siren:``, else the payee of the invoice or the payment."""
    for candidate in (settlement.target_txn, txn):
        if candidate is None:
            continue
        if candidate.meta and candidate.meta.get(CLIENT_SIREN_KEY):
            return str(candidate.meta[CLIENT_SIREN_KEY]).strip()
        if candidate.payee and candidate.payee.strip():
            return candidate.payee.strip()
    return ""
