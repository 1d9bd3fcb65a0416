"""Ledger accounts → plan comptable général (PCG) numbers, for the FEC.

The FEC names accounts by number (``CompteNum``, three leading digits of the
PCG). Resolution, first hit wins:

1. ``compte:`` metadata on the account's ``open`` (``compte: "7061"``), with an
   optional ``compte-libelle:`` for the label;
2. the default table ``data/pcg_accounts.csv``, first matching row in file order:

   * treasury accounts (``hn-option "treasury"``): caisse ``531``, any other ``512``;
     when several treasury accounts share a default number they get a suffix
     in account-name order (``5121``, ``5122``…) so each keeps its own balance;
   * ``Income:``/``Expenses:``: by their 2035 line (``lines2035.account_line``:
     ``ligne-2035:`` or the default line table), refined by name where one line
     covers two PCG accounts (BN: bank fees ``627``, interest ``661``);
     ``non-deductible`` accounts go to ``1081`` (personal: no 2035 line takes
     them, as the 2035 does), ``neutre`` ones to ``4711``;
   * balance-sheet accounts by name (``Assets:Creances`` ``411``,
     ``Liabilities:Emprunt`` ``164``, ``Assets:Immobilisations`` ``2xx``,
     ``Equity:`` ``108``…).

An account the FEC needs that matches nothing is an error naming the account
and its ``open`` line: add ``compte:`` there.

One ``CompteNum``, one ``CompteLib``: the label of a number is a ``compte-libelle:``
written with it, else the default table's label of that number, else the
account's name (a ``compte:`` that takes a number of the table does not rename
it for the accounts the table gives it to).
"""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from beancount.core import data

from beancount_hn.core.errors import as_written, where
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.exports import ExportError
from beancount_hn.tax import lines2035

NUMBER_KEY = "compte"
LABEL_KEY = "compte-libelle"
TREASURY = "treasury"

_NUMBER_RE = re.compile(r"^[1-8]\d{2}[0-9A-Z]*$")  # a class of the PCG (1 to 8), then its digits


#: How the source of a number from the default table begins (``AccountNumber.source``).
DEFAULT_SOURCE = "table par défaut : "


@dataclass(frozen=True)
class PcgRule:
    """One row of the default table."""

    root: str  # treasury, income, expenses, assets, liabilities, equity
    line: str  # a 2035 value for income/expenses rows, "" for any
    pattern: re.Pattern[str] | None  # on the account name without its root
    number: str
    label: str
    note: str

    def matches(self, root: str, line: str | None, rest: str) -> bool:
        if self.root != root:
            return False
        if self.line and self.line != line:
            return False
        return self.pattern is None or self.pattern.search(rest) is not None


@functools.cache
def default_rules() -> tuple[PcgRule, ...]:
    """The default table, in file order."""
    text = resources.files("beancount_hn").joinpath("data/pcg_accounts.csv").read_text("utf-8")
    return tuple(
        PcgRule(row["root"], row["line"],
                re.compile(row["pattern"], re.IGNORECASE) if row["pattern"] else None,
                row["compte"], row["libelle"], row["note"])
        for row in csv.DictReader(text.splitlines())
    )


@dataclass(frozen=True)
class AccountNumber:
    """The PCG number and label of one ledger account, and why."""

    account: str
    number: str
    label: str
    source: str  # "compte: sur l'open" or DEFAULT_SOURCE + "<note>"
    labelled: bool = False  # the label is a compte-libelle: written on the open


@functools.cache
def table_label(number: str) -> str | None:
    """The default table's label of ``number`` (its first row with it), or None."""
    return next((rule.label for rule in default_rules() if rule.number == number), None)


def _written_number(value: object) -> str:
    if isinstance(value, Decimal):
        return str(int(value)) if value == int(value) else str(value)
    return str(value).strip().upper()


class ChartOfAccounts:
    """Resolves ledger accounts to PCG numbers for one ledger."""

    def __init__(self, index: LedgerIndex, entries: Sequence[data.Directive]) -> None:
        self.index = index
        self._treasury = set(index.treasury_accounts())
        self._cache: dict[str, AccountNumber | None] = {}
        self._suffixes = self._treasury_suffixes(entries)

    def _rest(self, account: str) -> str:
        return account.split(":", 1)[1] if ":" in account else ""

    def _default(self, account: str) -> tuple[PcgRule | None, str | None]:
        if account in self._treasury:
            root = TREASURY
            rest = account
            line = None
        else:
            root = self.index.root_type(account) or ""
            rest = self._rest(account)
            line = lines2035.account_line(self.index, account) if root in ("income", "expenses") else None
            if root in ("income", "expenses") and line is None:
                return None, "il n'a pas de ligne de la 2035 valable (ligne-2035: ou la table des lignes par défaut)"
        for rule in default_rules():
            if rule.matches(root, line, rest):
                return rule, None
        return None, "aucune ligne de la table par défaut ne correspond à son nom"

    def _treasury_suffixes(self, entries: Sequence[data.Directive]) -> dict[str, str]:
        """Distinct numbers for the treasury accounts that share a default number.

        Only accounts with a posting somewhere in the ledger take one (the same in every
        year's FEC): ``treasury Assets:Banque`` names the parent of the bank accounts,
        opened or not, which posts nothing (it took 5121, its one account 5122).
        """
        treasury = self._treasury
        posted = {p.account for entry in entries if type(entry) is data.Transaction
                  for p in entry.postings if p.account in treasury}
        groups: dict[str, list[str]] = defaultdict(list)
        for account in sorted(posted):
            if self.index.open_meta(account, NUMBER_KEY) is None:
                rule, _ = self._default(account)
                if rule is not None:
                    groups[rule.number].append(account)
        return {account: f"{number}{i}"
                for number, accounts in groups.items() if len(accounts) > 1
                for i, account in enumerate(accounts, start=1)}

    def for_line(self, root: str, line: str | None) -> AccountNumber | None:
        """The default number of a ``root`` ("income"/"expenses") account on 2035 ``line``
        (what a receivable or payable carried over against ``Equity:`` is booked on when paid)."""
        rule = next((r for r in default_rules() if line and r.matches(root, line, "")), None)
        return None if rule is None else AccountNumber("", rule.number, rule.label, DEFAULT_SOURCE + rule.note)

    def lookup(self, account: str) -> AccountNumber | None:
        """The number of ``account``, or None (see :meth:`resolve` for the error)."""
        if account in self._cache:
            return self._cache[account]
        result = self._lookup(account)
        self._cache[account] = result
        return result

    def _lookup(self, account: str) -> AccountNumber | None:
        written = self.index.open_meta(account, NUMBER_KEY)
        if written is not None:
            number = _written_number(written)
            if not _NUMBER_RE.match(number):
                return None
            written_label = str(self.index.open_meta(account, LABEL_KEY) or "").strip()
            label = written_label or table_label(number) or account
            return AccountNumber(account, number, label, f"{NUMBER_KEY}: sur l'open", bool(written_label))
        rule, _ = self._default(account)
        if rule is None:
            return None
        number = self._suffixes.get(account, rule.number)
        label = rule.label
        if account in self._suffixes:
            label = f"{rule.label} {account.rsplit(':', 1)[-1]}"
        return AccountNumber(account, number, label, DEFAULT_SOURCE + rule.note)

    def default_number(self, account: str) -> AccountNumber | None:
        """The default table's number of an income or expense ``account``, whatever its
        ``compte:`` says: the class its 2035 line has in the PCG — ``7`` for receipts, ``6`` for
        expenses, with the table's own exceptions (débours and rétrocessions ``62281``/``62282``
        on an ``Income:`` account, a refund of fees ``706`` on an ``Expenses:`` account).
        None for other accounts, or without a valid line."""
        if account in self._treasury or self.index.root_type(account) not in ("income", "expenses"):
            return None
        rule, _ = self._default(account)
        return None if rule is None else AccountNumber(account, rule.number, rule.label, DEFAULT_SOURCE + rule.note)

    def _problem(self, account: str) -> str:
        written = self.index.open_meta(account, NUMBER_KEY)
        opened = self.index.opens.get(account)
        at = where(opened.meta) if opened is not None else "<aucun open>"
        if written is not None:
            return (f"{at}: {account} : compte: {as_written(written)} n'est pas un numéro du PCG (trois chiffres dont "
                    f"le premier, la classe, de 1 à 8, puis des chiffres ou des lettres, p. ex. \"6132\") ; "
                    f"le numéro d'un compte bancaire s'écrit numero-compte: (ou iban:), pas compte:")
        _, why = self._default(account)
        return (f"{at}: {account} n'a pas de numéro de compte du PCG ({why}) ; ajoutez "
                f"compte: \"<numéro>\" à son open")

    def resolve(self, accounts: Iterable[str]) -> dict[str, AccountNumber]:
        """Numbers for every account in ``accounts``, or one :class:`ExportError` listing each failure.

        Labels are made consistent per number (an FEC gives one label per
        ``CompteNum``): a ``compte-libelle:`` written with the number wins, else the
        label the number has without one (the table's, else an account's name); among
        equals, the first account in name order.
        """
        wanted = sorted(set(accounts))
        problems = [self._problem(a) for a in wanted if self.lookup(a) is None]
        if problems:
            raise ExportError("comptes sans numéro du PCG pour le FEC :\n  " + "\n  ".join(problems))
        result = {a: self.lookup(a) for a in wanted}
        labels: dict[str, str] = {}
        for account in sorted(wanted, key=lambda a: not result[a].labelled):  # stable: name order kept
            labels.setdefault(result[account].number, result[account].label)
        return {a: AccountNumber(a, n.number, labels[n.number], n.source, n.labelled)
                for a, n in result.items() if n is not None}
