"""The role of each balance-sheet account on the cash basis, and the checks that keep it sure.

Every asset, liability and equity account is, for the cash book, one of:

* **treasury** — money itself (``hn-option "treasury"``, the account and every
  account below it, from the option's date): a receipt or an expense counts
  when money moves on it;
* **tiers** — a receivable or a payable (patients, CPAM, mutuelles, clients,
  suppliers, URSSAF…): what it holds counts when it is paid, even when the
  same transaction also moves cash (an acompte, an FSE lot whose patients' part
  is paid by card, a supplier bill partly paid);
* **neutre** — neither receipt nor expense: fixed assets (their cost reaches the
  2035 through the depreciation), loans, deposits, VAT, and every ``Equity:``
  account (personal drawings and contributions, opening balances).

The role comes from ``role:`` on the account's ``open`` (``"tiers"`` —
``"creance"`` and ``"dette"`` are accepted too — or ``"neutre"``), or on the
``open`` of the nearest account above it, else from its name: a segment of
the name such as ``Creances``, ``Patients``, ``CPAM``, ``Fournisseurs`` makes it
*tiers*; ``Immobilisations``, ``Emprunts``, ``Depots``, ``TVA`` make it
*neutre* (see :data:`DEFAULT_ROLES`). An account with no role that never
stands opposite an income or expense posting (a transfer to a savings
account) is neutral; one that does is an error naming it (:func:`check`): it
may hold money that was never counted.
"""

from __future__ import annotations

import datetime
import re
from operator import attrgetter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_hn.core import frtypo
from beancount_hn.core.config import normalize_word
from beancount_hn.core.errors import error_type, posting_source, source_of, where
from beancount_hn.core.ledger import AccountSets, LedgerIndex, parents

RoleError = error_type("RoleError")

_ACCOUNT = attrgetter("account")

ROLE_KEY = "role"
_PNL_ROOTS = frozenset(("income", "expenses"))
ITEM, NEUTRAL = "tiers", "neutre"
_ROLE_WORDS = {"tiers": ITEM, "creance": ITEM, "creances": ITEM, "dette": ITEM, "dettes": ITEM,
               "neutre": NEUTRAL}

#: Name segments that give a role, tried on every segment of the account's name (after
#: its root), the last segment first, each word alone or before a hyphen (``TVA-Collectee``,
#: ``Creances-Clients``): ``Assets:Creances:CPAM`` and
#: ``Liabilities:Dettes:Fournisseurs`` are tiers, ``Assets:Immobilisations:Table`` is neutral.
DEFAULT_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (NEUTRAL, re.compile(r"^(tva|vat|taxe-?sur-?la-?valeur-?ajoutee)(-|$)")),  # TVA-Collectee, TVA-Deductible
    (ITEM, re.compile(r"^(creances?|receivables?|clients?|patients?|cpam|caisses?-?primaires?|mutuelles?|"
                      r"amo|amc|tiers-?payants?|organismes?|debiteurs?|fournisseurs?|suppliers?|"
                      r"payables?|dettes?|crediteurs?|a-?recevoir|a-?payer|urssaf|"
                      r"carpimko|carcdsf|cipav|carpv|cavp|charges-?a-?payer|factures?-?a-?recevoir)(-|$)")),
    (NEUTRAL, re.compile(r"^(immobilisations?|fixed-?assets?|amortissements?|emprunts?|loans?|prets?|"
                         r"depots?|cautions?|deposits?|garanties?)(-|$)")),
)


def _segments(account: str) -> list[str]:
    return [normalize_word(part) for part in account.split(":")[1:]][::-1]


class Roles:
    """Resolves the role of each account of one ledger (cached)."""

    def __init__(self, index: LedgerIndex) -> None:
        self.index = index
        self._cache: dict[str, str | None] = {}

    def written(self, account: str) -> tuple[str | None, data.Open | None]:
        """The ``role:`` written on the open of ``account`` or the nearest account above it."""
        for parent in parents(account):
            opened = self.index.opens.get(parent)
            if opened is not None and opened.meta and ROLE_KEY in opened.meta:
                return _ROLE_WORDS.get(normalize_word(str(opened.meta[ROLE_KEY]))), opened
        return None, None

    def role(self, account: str) -> str | None:
        """``"tiers"``, ``"neutre"`` or None (a balance-sheet account of unknown role).

        Treasury is not a role here (it has a date: ``LedgerIndex.treasury_since``);
        income and expense accounts have none.
        """
        known = self._cache.get(account, False)
        if known is not False:
            return known
        root = self.index.root_type(account)
        role = None
        if root == "equity":
            role = NEUTRAL
        elif root in ("assets", "liabilities"):
            written, opened = self.written(account)
            if opened is not None:
                role = written
            else:
                role = next((name for segment in _segments(account)
                             for name, pattern in DEFAULT_ROLES if pattern.match(segment)), None)
        self._cache[account] = role
        return role

    def items(self, accounts) -> set[str]:
        """The receivable and payable accounts among ``accounts``."""
        return {a for a in accounts if self.role(a) == ITEM and self.index.treasury_since(a) is None}


def roles_of(index: LedgerIndex) -> Roles:
    """The ledger's :class:`Roles` (one per index)."""
    if index.roles is None:
        index.roles = Roles(index)
    return index.roles


def books_start(index: LedgerIndex) -> data.Custom | None:
    """The first ``treasury`` option: the day the books start counting money (None without one)."""
    options = index.config.entries("treasury")
    return options[0].entry if options else None  # in date order


def books_first_day(index: LedgerIndex, entries: Sequence[data.Directive]) -> datetime.date | None:
    """The first day the books count a year's money (None without a ``treasury`` option).

    The first ``treasury`` option's day, except when the books hold nothing else in that
    first year than opening entries (:func:`_opening_only`: balances taken over on 31
    December, a ``pad`` before the ``balance`` of 1 January): that year is not a year of the
    books and they begin on 1 January of the next, whose opening balance those entries are.
    A practice that declares it opened that year (``practice-start`` on or after the
    option's day) keeps it."""
    first = books_start(index)
    if first is None:
        return None
    day = first.date
    if (day.month, day.day) == (1, 1):
        return day
    start = index.config.value("practice-start")
    if isinstance(start, datetime.date) and start >= day:
        return day
    return datetime.date(day.year + 1, 1, 1) if _opening_only(index, entries, day) else day


def _opening_only(index: LedgerIndex, entries: Sequence[data.Directive], day: datetime.date) -> bool:
    """Whether the transactions from ``day`` to the end of its year are opening entries only:
    no income or expense posting, and no money between a treasury account and anything but
    ``Equity:`` or another treasury account (a receivable or payable settled, a loan, an
    asset bought). Treasury balances against ``Equity:`` (a ``pad`` included) and receivables
    or payables carried over against ``Equity:`` pass."""
    end = datetime.date(day.year, 12, 31)
    starts = index.treasury_from
    for entry in entries:
        if entry.date > end:
            break  # entries are in date order
        if entry.date < day or not isinstance(entry, data.Transaction):
            continue
        treasury = other = False
        for posting in entry.postings:
            root = index.root_type(posting.account)
            since = starts.get(posting.account)
            if root in ("income", "expenses"):
                return False
            if since is not None and since <= entry.date:
                treasury = True
            elif root != "equity":
                other = True
        if treasury and other:
            return False
    return True


# --- checks ------------------------------------------------------------------------------


def check(entries: Sequence[data.Directive], index: LedgerIndex) -> list:
    """Every reason the cash book could count wrong, as errors at file:line.

    * a ``role:`` value that is not one of tiers / neutre, or written on (or
      above) a treasury account;
    * a treasury option naming no opened account (itself or below it), or an
      account outside the asset and liability roots;
    * a ledger with receipts or expenses and no treasury option (at the first);
    * an income or expense posting, or the payment of a receivable or payable
      (outside an opening entry against ``Equity:``), standing opposite an
      account that will be treasury only later (the option is dated after it:
      that money would never count), or opposite a balance-sheet account of no
      known role;
    * a ``pad`` of a treasury account from ``Equity:`` after the books' first day
      (:func:`late_pad_errors`).

    It reads the accounts of each transaction, never its postings one by one
    (every ``bean-check`` pays for it): what a posting holds is checked where it
    is read — an amount in another currency without its value in euros by the
    cash book (:func:`unpriced_error`), an amount out of bounds by ``amounts``.
    """
    errors: list = []
    roles = roles_of(index)
    for opened in index.opens.values():
        if opened.meta and ROLE_KEY in opened.meta and \
                normalize_word(str(opened.meta[ROLE_KEY])) not in _ROLE_WORDS:
            errors.append(RoleError(
                source_of(opened),
                f'{opened.account} : role: "{opened.meta[ROLE_KEY]}" inconnu ; valeurs admises : '
                '"tiers" (créance ou dette, comptée quand elle est payée) ou "neutre" (ni recette ni '
                'dépense : immobilisation, emprunt, dépôt, TVA)', opened))
    errors += _check_options(index)
    conflicting: set[str] = set()
    for account, since in index.treasury_from.items():
        _, opened = roles.written(account)
        if opened is not None and opened.account not in conflicting:
            conflicting.add(opened.account)
            errors.append(RoleError(
                source_of(opened),
                f'{opened.account} : role: "{opened.meta[ROLE_KEY]}" contredit l\'option treasury qui couvre '
                f"{account} depuis le {frtypo.short_date(since)} : un compte de trésorerie détient l'argent ; "
                "retirez le role: ou sortez ce compte de la trésorerie (déclarez les comptes un à un)",
                opened))
    first_pnl: data.Transaction | None = None
    reported: set[str] = set()
    # Per tuple of posting accounts: whether it holds income or expenses, the accounts to watch
    # (_kind) and the first day on which none of them can be reported (None: any day may).
    kinds: dict[tuple[str, ...], tuple[bool, tuple, datetime.date | None, int]] = {}
    pads: list[data.Pad] = []  # judged after the transactions (late_pad_errors)
    transaction, pad = data.Transaction, data.Pad
    # What it reads of each transaction is kept for the steps after it (``LedgerIndex.account_sets``).
    sets = index.account_sets = AccountSets()
    read_postings, read_ids = sets.postings.append, sets.ids.append
    for entry in entries:
        if type(entry) is not transaction:
            if type(entry) is pad:
                pads.append(entry)
            continue
        postings = entry.postings
        used = tuple(map(_ACCOUNT, postings))
        kind = kinds.get(used)
        if kind is None:
            kind = kinds[used] = (*_kind(frozenset(used), index, roles), len(sets.accounts))
            sets.accounts.append(used)
        has_pnl, watched, quiet_from, set_id = kind
        read_postings(postings)
        read_ids(set_id)
        if has_pnl and first_pnl is None:
            first_pnl = entry
        if quiet_from is not None and entry.date >= quiet_from:
            continue  # the usual transaction: its treasury accounts count on its day
        for account, since in watched:
            if account in reported or (since is not None and entry.date >= since):
                continue
            reported.add(account)
            if since is not None:
                errors.append(RoleError(
                    source_of(entry),
                    f"{account} n'est un compte de trésorerie qu'à partir du {frtypo.short_date(since)} "
                    f"(option treasury) mais porte ici, le {frtypo.short_date(entry.date)}, l'argent d'une "
                    "recette, d'une dépense ou d'une créance qui ne serait jamais compté : datez "
                    "l'option treasury au plus tard de ce jour", entry))
            else:
                opened = index.opens.get(account)
                at = f" (ouvert en {where(opened.meta)})" if opened is not None else ""
                errors.append(RoleError(
                    source_of(entry),
                    f"{account}{at} est en face d'une recette, d'une dépense, d'une créance ou d'une dette "
                    "mais son rôle est inconnu : "
                    f"s'il détient de l'argent (banque, caisse, carte), déclarez-le "
                    f'custom "hn-option" "treasury" {account} ; si c\'est une créance ou une dette, '
                    f'écrivez role: "tiers" sur son open ; sinon role: "neutre"', entry))
    if not index.config.entries("treasury") and first_pnl is not None:
        errors.append(RoleError(
            source_of(first_pnl),
            "le livre a des recettes et des dépenses mais aucun compte de trésorerie : déclarez "
            'chaque compte qui détient l\'argent, p. ex. 2025-01-01 custom "hn-option" "treasury" '
            "Assets:Banque (il couvre aussi les comptes en dessous)", first_pnl))
    return errors + late_pad_errors(pads, index)


def late_pad_errors(pads: Sequence[data.Pad], index: LedgerIndex) -> list:
    """A ``pad`` that fills a treasury account from ``Equity:`` after the books' first day.

    On that day (or before) it is the opening balance (``docs/demarrer.md``). Later, the
    gap it fills is money the ledger does not explain — receipts or expenses not entered —
    and Beancount's padding would book it as a neutral equity movement, out of the 2035,
    with a reconciliation that still closes.
    """
    first = books_start(index)
    if first is None:  # no books yet: no first day to judge a pad by
        return []
    errors = []
    for entry in pads:
        if entry.date <= first.date:
            continue
        since = index.treasury_since(entry.account)
        if since is not None and since <= entry.date and index.root_type(entry.source_account) == "equity":
            errors.append(RoleError(source_of(entry), (
                f"pad de {entry.account} depuis {entry.source_account} le {frtypo.date(entry.date)}, après le "
                f"premier jour du livre ({frtypo.date(first.date)}) : l'écart qu'il comble serait un mouvement "
                "neutre, hors de la 2035, alors que c'est de l'argent que le livre n'explique pas ; écrivez "
                "les recettes et les dépenses manquantes (ou l'apport, le prélèvement, s'il en est un), puis "
                "gardez le balance pour le vérifier"), entry))
    return errors


def _kind(used: frozenset[str], index: LedgerIndex, roles: Roles) -> tuple[bool, tuple, datetime.date | None]:
    """For a set of accounts: whether it holds income or expenses, the balance-sheet
    accounts a receipt, an expense or the payment of a receivable or payable (without
    ``Equity:``: an opening entry) must be checked against: the treasury ones (with their
    first day) and those of unknown role (None); and the first day on which none of these is
    to report (None when one of them has no role: it is reported whatever the day)."""
    roots = {account: index.root_type(account) for account in used}
    has_pnl = not _PNL_ROOTS.isdisjoint(roots.values())  # no early exit: the same work in any set order
    settles = ITEM in {roles.role(a) for a in used if roots[a] in ("assets", "liabilities")} \
        and "equity" not in roots.values()
    if not (has_pnl or settles) or not index.config.entries("treasury"):
        return has_pnl, (), datetime.date.min
    watched = []
    for account in sorted(used):
        if roots[account] not in ("assets", "liabilities"):
            continue
        since = index.treasury_since(account)
        if since is not None or roles.role(account) is None:
            watched.append((account, since))
    days = [since for _, since in watched]
    return has_pnl, tuple(watched), None if None in days else max(days, default=datetime.date.min)


def _check_options(index: LedgerIndex) -> list:
    errors = []
    for option in index.config.entries("treasury"):
        account = option.value
        root = index.root_type(account)
        if root not in ("assets", "liabilities"):
            errors.append(RoleError(
                source_of(option.entry),
                f"option treasury {account} : un compte de trésorerie est un compte d'actif ou de "
                "passif (Assets:Banque, Assets:Caisse, Liabilities:Carte…)", option.entry))
        elif not any(a == account or a.startswith(account + ":") for a in index.opens):
            errors.append(RoleError(
                source_of(option.entry),
                f"option treasury {account} : aucun compte ouvert ne porte ce nom ni n'est en dessous ; "
                "ouvrez-le (open) ou corrigez le nom", option.entry))
    return errors


def unpriced_error(txn: data.Transaction, posting: data.Posting, currency: str) -> Any:
    """The error of an amount in another currency than ``currency`` without its value in it."""
    units = posting.units
    return RoleError(
        posting_source(posting, txn),
        f"{posting.account} : {units.number} {units.currency} sans valeur en {currency} ; "
        f"indiquez le prix (@ ou @@ … {currency}) ; d'ici là, les chiffres l'additionnent comme des "
        f"{currency} et ne sont pas définitifs", txn)


def euros(posting: data.Posting, currency: str) -> Decimal | None:
    """The posting's value in the operating currency: its units, or their cost or price
    (its weight, as Beancount balances it: the cost first). None when neither is in it:
    the cash book reports it (:func:`unpriced_error`) rather than sum it as euros."""
    units = posting.units
    if units.currency == currency:
        return units.number
    cost = posting.cost
    if cost is not None and getattr(cost, "currency", None) == currency and cost.number is not None:
        return (units.number * cost.number).quantize(Decimal("0.01"))
    if posting.price is not None and posting.price.currency == currency:
        return (units.number * posting.price.number).quantize(Decimal("0.01"))
    return None
