"""Complete imported bank lines: label rules, and grouped CPAM/mutuelle transfers.

Two kinds of rules, both regular expressions searched (without case or accents)
in ``payee + " " + narration`` of an imported bank transaction that does not
balance yet (one posting on the statement account, or that posting and a bank
fee): the rules see what is left to explain, ``-(sum of its postings)``.

* :class:`Settlement` rules come first. A credit whose label matches one (the
  built-in ones recognise the CPAM and the usual mutuelles/tiers-payant
  platforms; a rules file's ``[[settlement]]`` come before them, they do not
  replace them) settles **open invoices** (or FSE batches, ``lot:``, or
  items known only by their ``^link``) on the rule's receivable account: the
  matcher looks for the open parts dated within ``window_days`` before the
  transfer whose amounts add up exactly to it — first among the items the
  label names (an invoice or lot number, or a link, as a word of the label),
  then those of the payer it names, then all (one invoice, then the oldest
  ones in a row, then any combination) —, links the transaction to each
  invoice (``^FSE-…``) and writes one receivable posting per item with
  ``reglement-de:`` (per batch with ``lot:``). A transfer that no combination
  explains keeps a single receivable posting, flag ``!`` and ``a-verifier:``
  saying why.
* :class:`Rule` rules: the first match adds the counter-posting on its account
  and its metadata (e.g. ``convention: "non-conventionne"``), payee and tags.

A line that no rule explains is left with its bank posting only, flag ``!``
and ``a-verifier:``, so ``bean-check`` refuses it until it is completed.
Rules are Python objects in an ``import.py`` or a TOML file
(:func:`load_rules`)::

    [[rule]]
    pattern = "URSSAF"
    account = "Expenses:Cotisations:URSSAF"

    [[rule]]
    pattern = "PILATES"
    account = "Income:Honoraires:HN"
    meta = { convention = "non-conventionne" }

    [[settlement]]
    pattern = "REMISE CB"
    account = "Assets:Creances:Patients"
    window-days = 7
"""

from __future__ import annotations

import datetime
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import account as account_lib
from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.core import frtypo
from beancount_hn.core.errors import as_written
from beancount_hn.importers.receivables import LOT_KEY, SETTLES_KEY, OpenItem, open_items

REVIEW_KEY = "a-verifier"
REVIEW_FLAG = "!"

CPAM_PATTERN = (r"\bC\.?P\.?A\.?M\b|CAISSE PRIMAIRE|ASSURANCE MALADIE|\bCGSS\b|\bMSA\b"
                r"|\bAMELI\b|\bCNMSS\b")
MUTUELLE_PATTERN = (r"MUTUEL|MUTUALI|HARMONIE|\bMGEN\b|MALAKOFF|AG2R|ALMERYS|VIAMEDIS"
                    r"|\bSP ?SANTE|\bISANTE|SANTECLAIR|KALIXIA|SWISS ?LIFE|GROUPAMA|\bAXA\b"
                    r"|ALLIANZ|\bAPRIL\b|GENERALI|HUMANIS|KLESIA|PRO ?BTP|\bMACIF\b|\bMAAF\b"
                    r"|MATMUT|SMATIS|TIERS[ -]?PAYANT|\bAMC\b")


class RuleError(ValueError):
    """A rule that cannot be used; the message names it."""


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Upper case without accents, for matching labels."""
    return _strip_accents(text.upper())


def _compile(pattern: str, what: str) -> re.Pattern[str]:
    try:  # accents stripped but case kept: "\b" must not become "\B"
        return re.compile(_strip_accents(pattern), re.IGNORECASE)
    except re.error as exc:
        raise RuleError(f"{what} : {as_written(pattern)} n'est pas une expression régulière : {exc}") from exc


def _check_account(name: str, what: str) -> str:
    if not account_lib.is_valid(name):
        raise RuleError(f"{what} : {as_written(name)} n'est pas un nom de compte comme Expenses:Loyer")
    return name


@dataclass(frozen=True)
class Rule:
    """Label regex -> counter-account, metadata, payee, tags (first match wins)."""

    pattern: str
    account: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    payee: str | None = None
    tags: frozenset[str] = frozenset()
    sign: str | None = None  # "credit" or "debit": match only money in (or out)

    def __post_init__(self) -> None:
        _check_account(self.account, f"règle {as_written(self.pattern)}")
        if self.sign not in (None, "credit", "debit"):
            raise RuleError(f"règle {as_written(self.pattern)} : sign vaut 'credit' ou 'debit'")
        object.__setattr__(self, "_regex", _compile(self.pattern, "règle"))

    def matches(self, label: str, amount: Decimal) -> bool:
        if self.sign == "credit" and amount <= 0 or self.sign == "debit" and amount >= 0:
            return False
        return bool(self._regex.search(label))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Settlement:
    """Label regex of a payer's grouped transfers -> the receivable they settle."""

    pattern: str
    account: str
    window_days: int = 60
    payer: str = ""  # shown in messages: "CPAM", "mutuelle"…

    def __post_init__(self) -> None:
        _check_account(self.account, f"règlement {as_written(self.pattern)}")
        if self.window_days < 0:
            raise RuleError(f"règlement {as_written(self.pattern)} : window-days doit être positif ou nul")
        object.__setattr__(self, "_regex", _compile(self.pattern, "règlement"))

    def matches(self, label: str, amount: Decimal) -> bool:
        return amount > 0 and bool(self._regex.search(label))  # type: ignore[attr-defined]


def default_settlements(cpam: str = "Assets:Creances:CPAM",
                        mutuelles: str = "Assets:Creances:Mutuelles") -> list[Settlement]:
    """CPAM transfers settle ``cpam``; mutuelles' and tiers-payant platforms' ``mutuelles``."""
    return [Settlement(CPAM_PATTERN, cpam, 60, "CPAM"),
            Settlement(MUTUELLE_PATTERN, mutuelles, 90, "mutuelle")]


#: Most combinations searched for one transfer: beyond, the oldest are tried only.
MAX_COMBINATION_ITEMS = 40


def find_combination(items: Sequence[OpenItem], target: Decimal) -> list[OpenItem] | None:
    """Open items whose amounts add up exactly to ``target``, or None.

    Tries one item (the oldest of equal ones), then the oldest items in a row
    (a whole batch paid at once), then any combination of the
    ``MAX_COMBINATION_ITEMS`` oldest (subset sum on cents, deterministic).
    """
    for item in items:
        if item.amount == target:
            return [item]
    running = Decimal(0)
    for count, item in enumerate(items, 1):
        running += item.amount
        if running == target:
            return list(items[:count])
        if running > target:
            break
    pool = list(items[:MAX_COMBINATION_ITEMS])
    cents = [int(i.amount * 100) for i in pool]
    goal = int(target * 100)
    if goal <= 0 or goal != target * 100:
        return None
    mask = (1 << (goal + 1)) - 1
    reach = [1]  # reach[k]: bit s set when some of the first k items sum to s
    for value in cents:
        reach.append((reach[-1] | (reach[-1] << value)) & mask)
    if not reach[-1] >> goal & 1:
        return None
    chosen: list[OpenItem] = []
    remaining = goal
    for k in range(len(pool), 0, -1):
        if reach[k - 1] >> remaining & 1:
            continue  # reachable without item k: leave it (keeps the oldest)
        chosen.append(pool[k - 1])
        remaining -= cents[k - 1]
    return sorted(chosen, key=lambda i: (i.date, i.invoice))


@dataclass
class Categorizer:
    """Applies :class:`Settlement` then :class:`Rule` rules to imported bank lines."""

    rules: Sequence[Rule] = ()
    settlements: Sequence[Settlement] = field(default_factory=default_settlements)
    review_unmatched: bool = True

    def apply(self, entries: list[data.Directive], existing: Iterable[data.Directive],
              account: str) -> list[data.Directive]:
        """Complete the transactions of ``entries`` that start on ``account`` and do not balance."""
        accounts = {s.account for s in self.settlements}
        items = open_items(existing, accounts) if accounts else []
        by_account: dict[str, list[OpenItem]] = {}
        for item in items:
            by_account.setdefault(item.account, []).append(item)
        result: list[data.Directive] = []
        for entry in sorted(entries, key=lambda e: e.date):
            if isinstance(entry, data.Transaction) and (left := _unexplained(entry, account)):
                entry = self._complete(entry, left, by_account)
            result.append(entry)
        return result

    def _complete(self, txn: data.Transaction, left: Amount,
                  by_account: dict[str, list[OpenItem]]) -> data.Transaction:
        amount = left.number
        label = fold(" ".join(filter(None, (txn.payee, txn.narration))))
        for settlement in self.settlements:
            if settlement.matches(label, amount):
                return _settle(txn, left, settlement, by_account.get(settlement.account, []), label)
        for rule in self.rules:
            if rule.matches(label, amount):
                meta = dict(txn.meta)
                meta.update(rule.meta)
                counter = data.Posting(rule.account, -left, None, None, None, None)
                return txn._replace(meta=meta, payee=rule.payee or txn.payee,
                                    tags=(txn.tags or data.EMPTY_SET) | rule.tags,
                                    postings=[*txn.postings, counter])
        if not self.review_unmatched:
            return txn
        return _review(txn, "aucune règle ne reconnaît ce libellé : ajoutez la contrepartie "
                            "(ou une règle d'import)")


def _unexplained(txn: data.Transaction, account: str) -> Amount | None:
    """What the postings of an imported transaction leave to explain (their sum), or None.

    None unless the first posting is on the statement account and every posting
    has units in its currency that do not add up to zero.
    """
    if not txn.postings or txn.postings[0].account != account or txn.postings[0].units is None:
        return None
    currency = txn.postings[0].units.currency
    total = Decimal(0)
    for posting in txn.postings:
        units = posting.units
        if units is None or units.number is None or units.currency != currency:
            return None
        total += units.number
    return Amount(total, currency) if total else None


def _review(txn: data.Transaction, reason: str) -> data.Transaction:
    meta = dict(txn.meta)
    meta[REVIEW_KEY] = reason
    return txn._replace(flag=REVIEW_FLAG, meta=meta)


def _named_in(label: str, item: OpenItem) -> bool:
    """True when the label names the item: its number, lot or a link, as a word."""
    return any(re.search(rf"(?<![\w-]){re.escape(fold(ref))}(?![\w-])", label)
               for ref in item.refs if len(ref) >= 3)


def _settle(txn: data.Transaction, left: Amount, settlement: Settlement, items: list[OpenItem],
            label: str) -> data.Transaction:
    amount, currency = left.number, left.currency
    start = txn.date - datetime.timedelta(days=settlement.window_days)
    candidates = [i for i in items if i.amount > 0 and i.currency == currency
                  and start <= i.date <= txn.date]
    combination = None
    for preferred in ([i for i in candidates if _named_in(label, i)],
                      [i for i in candidates if i.payer and fold(i.payer) in label],
                      candidates):
        if preferred and (combination := find_combination(preferred, amount)) is not None:
            break
    if combination is None:
        counter = data.Posting(settlement.account, -left, None, None, None, None)
        who = settlement.payer or settlement.account
        reason = (f"virement {who} de {frtypo.money(amount, currency)} : aucune combinaison des "
                  f"{len(candidates)} facture(s) ouverte(s) sur {settlement.account} "
                  f"du {frtypo.date(start)} au {frtypo.date(txn.date)} ne fait ce montant ; rapprochez-le du "
                  f"décompte du payeur (retour NOEMIE pour la CPAM) et liez-le aux factures réglées")
        return _review(txn._replace(postings=[*txn.postings, counter]), reason)
    postings = list(txn.postings)
    for item in combination:
        key = LOT_KEY if item.kind == LOT_KEY else SETTLES_KEY
        postings.append(data.Posting(settlement.account, Amount(-item.amount, currency), None,
                                     None, None, {key: item.invoice}))
        item.amount = Decimal(0)  # settled: a later transfer of the batch cannot take it again
    links = (txn.links or data.EMPTY_SET) | {i.invoice for i in combination
                                             if i.kind != LOT_KEY}
    return txn._replace(links=frozenset(links), postings=postings)


def load_rules(path: str) -> Categorizer:
    """A :class:`Categorizer` from a TOML file of ``[[rule]]`` and ``[[settlement]]``.

    The file's ``[[settlement]]`` come first, then the built-in CPAM and mutuelle
    ones: a file adds payers, it does not switch the CPAM matching off.
    """
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path} : impossible de lire les règles : {exc}") from exc
    unknown = set(document) - {"rule", "settlement"}
    if unknown:
        raise RuleError(f"{path} : table(s) inconnue(s) {', '.join(sorted(unknown))} ; "
                        "écrivez [[rule]] ou [[settlement]]")
    rules = [_rule_from(spec, path, n) for n, spec in enumerate(document.get("rule", []), 1)]
    settlements = [_settlement_from(spec, path, n)
                   for n, spec in enumerate(document.get("settlement", []), 1)]
    return Categorizer(rules=rules, settlements=[*settlements, *default_settlements()])


def _fields(spec: Any, path: str, what: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(spec, dict) or "pattern" not in spec or "account" not in spec:
        raise RuleError(f"{path} : {what} demande un pattern et un account")
    unknown = set(spec) - allowed
    if unknown:
        raise RuleError(f"{path} : {what} : clé(s) inconnue(s) {', '.join(sorted(unknown))}")
    return spec


def _rule_from(spec: Any, path: str, number: int) -> Rule:
    what = f"[[rule]] n° {number}"
    spec = _fields(spec, path, what, {"pattern", "account", "meta", "payee", "tags", "sign"})
    try:
        return Rule(str(spec["pattern"]), str(spec["account"]),
                    meta={str(k): _meta_value(v) for k, v in dict(spec.get("meta", {})).items()},
                    payee=spec.get("payee"), tags=frozenset(spec.get("tags", ())),
                    sign=spec.get("sign"))
    except RuleError as exc:
        raise RuleError(f"{path} : {what} : {exc}") from exc


def _meta_value(value: Any) -> Any:
    """TOML numbers as Decimal, the type Beancount metadata uses."""
    if isinstance(value, bool) or isinstance(value, (str, datetime.date)):
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    return str(value)


def _settlement_from(spec: Any, path: str, number: int) -> Settlement:
    what = f"[[settlement]] n° {number}"
    spec = _fields(spec, path, what, {"pattern", "account", "window-days", "payer"})
    try:
        return Settlement(str(spec["pattern"]), str(spec["account"]),
                          int(spec.get("window-days", 60)), str(spec.get("payer", "")))
    except RuleError as exc:
        raise RuleError(f"{path} : {what} : {exc}") from exc
