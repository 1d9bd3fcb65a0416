"""Complete imported bank lines: label rules, and grouped CPAM/mutuelle transfers.

Two kinds of rules, both regular expressions searched (without case or accents)
in ``payee + " " + narration`` of an imported bank transaction that does not
balance yet (one posting on the statement account, or that posting and a bank
fee): the rules see what is left to explain, ``-(sum of its postings)``.

* :class:`Settlement` rules come first. A credit whose label matches one (the
  built-in ones recognise the CPAM and the usual mutuelles/tiers-payant
  platforms; a rules file's ``[[settlement]]`` come before them, they do not
  replace them) settles **open invoices** (or FSE batches, ``lot:``, or
  items known only by their ``^link``) on the rule's receivable account, and
  only when the match is certain: the open parts dated within ``window_days``
  before the transfer are those the label names (an invoice or lot number, or
  a link, as a word of the label), else those of the payer it names (the
  item's ``payeur:`` names the same organism, or without one its receivable
  account is the rule's — unless the rule's account is ``shared`` by several
  payers, as the mutuelles' is); exactly one combination of them must add up
  to the amount, up to items interchangeable for every figure (same amount,
  account, paying organism and kind, and the same classification of the fees
  they pay: :func:`interchangeable`), of which the oldest are taken. The transaction is
  then linked to each invoice (``^FSE-…``) with one receivable posting per
  item and ``reglement-de:`` (per batch with ``lot:``). Two or more
  combinations that differ otherwise (or more than the search bound can tell
  apart), or none, keep a single receivable posting, flag ``!`` and
  ``a-verifier:`` saying why. A label that says the credit is
  not a payment for acts (forfait, aide, ROSP, indemnité…), or a payer none
  of the open items has, settles nothing: the :class:`Rule` rules apply, else
  the line is left for review with its bank posting only.
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
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import account as account_lib
from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.core import frtypo
from beancount_hn.core.errors import as_written, os_error_text
from beancount_hn.core.ledger import REVIEW_KEY
from beancount_hn.core.words import plain, unaccented
from beancount_hn.importers.receivables import LOT_KEY, SETTLES_KEY, OpenItem, open_items

REVIEW_FLAG = "!"

#: The organisms a label or a ``payeur:`` can name, each with the words that name it:
#: a label settles only the items whose payer names one of the organisms it names.
CPAM_NAMES: dict[str, str] = {
    "CPAM": r"\bC\.?P\.?A\.?M\b|CAISSE PRIMAIRE|ASSURANCE MALADIE|\bAMELI\b",
    "CGSS": r"\bCGSS\b", "MSA": r"\bMSA\b", "CNMSS": r"\bCNMSS\b"}
MUTUELLE_NAMES: dict[str, str] = {
    "HARMONIE": r"HARMONIE", "MGEN": r"\bMGEN\b", "MALAKOFF": r"MALAKOFF", "AG2R": r"AG2R",
    "ALMERYS": r"ALMERYS", "VIAMEDIS": r"VIAMEDIS", "SP SANTE": r"\bSP ?SANTE", "ISANTE": r"\bISANTE",
    "SANTECLAIR": r"SANTECLAIR", "KALIXIA": r"KALIXIA", "SWISS LIFE": r"SWISS ?LIFE",
    "GROUPAMA": r"GROUPAMA", "AXA": r"\bAXA\b", "ALLIANZ": r"ALLIANZ", "APRIL": r"\bAPRIL\b",
    "GENERALI": r"GENERALI", "HUMANIS": r"HUMANIS", "KLESIA": r"KLESIA", "PRO BTP": r"PRO ?BTP",
    "MACIF": r"\bMACIF\b", "MAAF": r"\bMAAF\b", "MATMUT": r"MATMUT", "SMATIS": r"SMATIS"}
#: Words that say a transfer comes from a mutuelle without naming which one.
MUTUELLE_WORDS = r"MUTUEL|MUTUALI|TIERS[ -]?PAYANT|\bAMC\b"
CPAM_PATTERN = "|".join(CPAM_NAMES.values())
MUTUELLE_PATTERN = "|".join([MUTUELLE_WORDS, *MUTUELLE_NAMES.values()])
_PAYER_NAMES = {name: re.compile(pattern) for name, pattern in {**CPAM_NAMES, **MUTUELLE_NAMES}.items()}

#: Credits of the CPAM (or of an insurer) that pay no act, hence settle no FSE: the yearly
#: forfaits (aide à la modernisation et à l'informatisation, aide à la télétransmission,
#: forfait structure), the ROSP, aids, grants, the practitioner's own daily allowances
#: and indemnities, the participation in his social contributions.
NON_ACT_PATTERN = re.compile(
    r"FORFAIT|\bAIDES?\b|\bFAMI\b|MODERNISATION|INFORMATISATION|TELETRANSMISSION|\bROSP\b"
    r"|REMUNERATION|INDEMN|\bIJ(?:SS)?\b|SINISTRE|\bPRIMES?\b|SUBVENTION|DOTATION"
    r"|ALLOCATION|PARTICIPATION|COTISATION")


class RuleError(ValueError):
    """A rule that cannot be used; the message names it."""


def fold(text: str) -> str:
    """Upper case without accents, for matching labels (``core.words.plain``)."""
    return plain(text)


def _compile(pattern: str, what: str) -> re.Pattern[str]:
    try:  # accents stripped but case kept: "\b" must not become "\B"
        return re.compile(unaccented(pattern), re.IGNORECASE)
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
    #: The account holds the items of several payers (the mutuelles'): an item without
    #: ``payeur:`` is then nobody's in particular, and no label settles it unless it names it.
    shared: bool = False

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
            Settlement(MUTUELLE_PATTERN, mutuelles, 90, "mutuelle", shared=True)]


#: Bound of the search for the combinations that make a transfer: open items times the
#: amount's smallest units (cents). Beyond it the items are not told apart: ambiguous.
MAX_SEARCH_CELLS = 60_000_000


@dataclass(frozen=True)
class Combination:
    """What the open items can make of one amount."""

    items: list[OpenItem] | None  # the one combination that makes it (up to interchangeable items), or None
    ambiguous: bool = False  # two or more make it that differ by more than interchangeable items
    cut: bool = False  # too many items for the search bound: ambiguous too


def organisation(item: OpenItem, owner: frozenset[str] = frozenset()) -> tuple:
    """Who pays an open item, as the matcher resolves it (not as its ``payeur:`` is spelt).

    The organisms its ``payeur:`` names (« CPAM 69 », « CPAM du Rhône » and « Caisse
    primaire » are all the CPAM: :func:`payers_named`), else that text itself, folded (a
    payer the matcher does not know); without ``payeur:``, ``owner``, the organisms whose
    receivable account it is (the CPAM's for its account), else the account itself (an
    account shared by several payers, or of no known organism).
    """
    if item.payer:
        own = payers_named(fold(item.payer))
        return ("organisms", own) if own else ("payer", " ".join(fold(item.payer).split()))
    return ("organisms", owner) if owner else ("account", item.account)


def interchangeable(item: OpenItem, owner: frozenset[str] = frozenset()) -> tuple:
    """What every figure sees of an open item: two items with the same key are interchangeable.

    The same amount, currency, receivable account, paying organism
    (:func:`organisation`, with ``owner`` the organisms of the account's items
    without ``payeur:``) and kind (invoice, lot, link), and the same classification
    of what they pay (:attr:`OpenItem.pays`: income account, 2035 line, convention
    and VAT status): taking one rather than the other changes no figure, only which
    invoice is lettered. Not the year of the care: under the cash basis the payment
    counts on its own date whichever item it settles (only the relevé SNIR check's
    explanation follows the lettrage, oldest first, the accountant's convention).
    An item whose classification is unknown is like no other.
    """
    if item.pays is None:
        return ("unique", id(item))
    return (item.amount, item.currency, item.account, organisation(item, owner), item.kind, item.pays)


def search_combination(items: Sequence[OpenItem], target: Decimal,
                       owner: frozenset[str] = frozenset()) -> Combination:
    """The only answer of ``items`` to ``target``: which items (how many of each kind) add up to it.

    The items are grouped by :func:`interchangeable` (``owner``: the organisms of
    the account's items without ``payeur:``); a solution says how many
    items of each group are taken. The solutions are counted (saturating at two:
    two bit sets on the smallest unit of the amounts) rather than taking the first
    one found: two different count vectors change a figure or which kind of item
    is paid, and leave the transfer ambiguous. Exactly one: within each group the
    oldest items are taken (by date, then number), the accountant's usual
    lettrage. The work is bounded by :data:`MAX_SEARCH_CELLS`; past it the answer
    is ambiguous, never a guess.
    """
    pool = [i for i in items if 0 < i.amount <= target]
    if target <= 0 or sum(i.amount for i in pool) < target:
        return Combination(None)
    places = max(-min(0, int(d.as_tuple().exponent)) for d in (target, *(i.amount for i in pool)))
    scale = 10 ** places
    goal = int(target * scale)
    if len(pool) * (goal + 1) > MAX_SEARCH_CELLS:
        return Combination(None, ambiguous=True, cut=True)
    groups: dict[tuple, list[OpenItem]] = {}
    for item in sorted(pool, key=lambda i: (i.date, i.invoice)):
        groups.setdefault(interchangeable(item, owner), []).append(item)
    members = list(groups.values())
    units = [int(group[0].amount * scale) for group in members]
    mask = (1 << (goal + 1)) - 1
    once, twice = 1, 0  # bit s: at least one (two) count vectors of the groups so far sum to s
    prefixes = [once]
    for value, group in zip(units, members):
        # Taking k = 0, 1… len(group) items of the group: each k shifts the sums by k * value;
        # a sum reached by two values of k, or twice for one, is reached twice.
        new_once, new_twice = once, twice
        for _ in group:
            once, twice = (once << value) & mask, (twice << value) & mask
            if not once:
                break  # more items of the group than the amount can take
            new_twice |= twice | (new_once & once)
            new_once |= once
        once, twice = new_once, new_twice
        if twice >> goal & 1:
            return Combination(None, ambiguous=True)
        prefixes.append(once)
    if not once >> goal & 1:
        return Combination(None)
    chosen: list[OpenItem] = []
    remaining = goal
    for g in range(len(members), 0, -1):  # one count vector only: one count per group fits
        value, group = units[g - 1], members[g - 1]
        most = min(len(group), remaining // value)
        count = next(k for k in range(most + 1) if prefixes[g - 1] >> (remaining - k * value) & 1)
        chosen.extend(group[:count])  # the oldest of the interchangeable items
        remaining -= count * value
    return Combination(sorted(chosen, key=lambda i: (i.date, i.invoice)))


def find_combination(items: Sequence[OpenItem], target: Decimal) -> list[OpenItem] | None:
    """The open items whose amounts alone add up exactly to ``target``, or None (none, or
    several answers that differ by more than interchangeable items)."""
    return search_combination(items, target).items


@functools.lru_cache(maxsize=1024)
def payers_named(text: str) -> frozenset[str]:
    """The organisms (CPAM, MSA, MGEN, AXA…) a folded label or ``payeur:`` names."""
    return frozenset(name for name, regex in _PAYER_NAMES.items() if regex.search(text))


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
        settlements = [s for s in self.settlements if s.matches(label, amount)]
        reason = None  # why no settlement applies, when one recognised the label
        if settlements and (word := NON_ACT_PATTERN.search(label)):
            who = settlements[0].payer or settlements[0].account
            said = label[label.rfind(" ", 0, word.start()) + 1:].split()[0].lower()
            reason = (f"virement {who} de {frtypo.money(amount, left.currency)} dont le libellé dit "
                      f"qu'il ne paie pas des actes (« {said} » : forfait, aide, ROSP, "
                      "indemnité…) : il ne solde aucune facture ; ajoutez la contrepartie (le compte "
                      "de ce revenu) ou une règle d'import")
        else:
            for settlement in settlements:
                outcome = _settle(txn, left, settlement, by_account.get(settlement.account, []), label)
                if isinstance(outcome, data.Transaction):
                    return outcome
                reason = reason or outcome
        for rule in self.rules:
            if rule.matches(label, amount):
                meta = dict(txn.meta)
                meta.update(rule.meta)
                counter = data.Posting(rule.account, -left, None, None, None, None)
                return txn._replace(meta=meta, payee=rule.payee or txn.payee,
                                    tags=(txn.tags or data.EMPTY_SET) | rule.tags,
                                    postings=[*txn.postings, counter])
        if reason:
            return flag_for_review(txn, reason)
        if not self.review_unmatched:
            return txn
        return flag_for_review(txn, "aucune règle ne reconnaît ce libellé : ajoutez la contrepartie "
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


def flag_for_review(txn: data.Transaction, reason: str) -> data.Transaction:
    """``txn`` flagged ``!`` with ``a-verifier:`` saying ``reason`` (before any reason it had)."""
    meta = dict(txn.meta)
    earlier = meta.get(REVIEW_KEY)
    meta[REVIEW_KEY] = f"{reason} ; {earlier}" if earlier else reason
    return txn._replace(flag=REVIEW_FLAG, meta=meta)


def _quotes(label: str, text: str) -> bool:
    """True when the folded ``label`` has ``text`` as a word (or words) of its own."""
    return bool(re.search(rf"(?<![\w-]){re.escape(fold(text))}(?![\w-])", label))


def _named_in(label: str, item: OpenItem) -> bool:
    """True when the label names the item: its number, lot or a link, as a word."""
    return any(_quotes(label, ref) for ref in item.refs if len(ref) >= 3)


def _paid_by(label: str, names: frozenset[str], item: OpenItem, settlement: Settlement) -> bool:
    """True when the payer the label names (``names``: its organisms) is surely the item's.

    The item's payer is its ``payeur:``: it must name one of the label's organisms, or,
    naming none the matcher knows, appear as such in the label. Without ``payeur:`` the
    payer is the receivable account, the settlement's own — unless that account is
    ``shared`` by several payers.
    """
    if not item.payer:
        return not settlement.shared
    own = payers_named(fold(item.payer))
    return bool(own & names) if own else _quotes(label, " ".join(item.payer.split()))


def _settle(txn: data.Transaction, left: Amount, settlement: Settlement, items: list[OpenItem],
            label: str) -> data.Transaction | str:
    """The transaction settling the one combination of the payer's open items that makes
    its amount, or flagged for review when none or several do; or, when the label names
    a payer that none of the open items has, why the settlement does not apply."""
    amount, currency = left.number, left.currency
    start = txn.date - datetime.timedelta(days=settlement.window_days)
    candidates = [i for i in items if i.amount > 0 and i.currency == currency
                  and start <= i.date <= txn.date]
    who = settlement.payer or settlement.account
    money = frtypo.money(amount, currency)
    span = f"sur {settlement.account} du {frtypo.date(start)} au {frtypo.date(txn.date)}"
    named = [i for i in candidates if _named_in(label, i)]
    if named:
        pool = named
        cited = ", ".join(sorted({i.invoice for i in named}))
        what = f"des {_open_pieces(pool, cited=True)} que cite le libellé ({cited})"
    else:
        names = payers_named(label)
        pool = [i for i in candidates if _paid_by(label, names, i, settlement)]
        if candidates and not pool:
            return _other_payer(who, money, span, names, candidates, settlement.account)
        what = "des " + _open_pieces(pool)
        if len(pool) < len(candidates):
            what += " de ce payeur"
    # Items without payeur: on a payer's own account are that payer's (the CPAM's on its account).
    owner = frozenset() if settlement.shared else payers_named(fold(settlement.payer))
    found = search_combination(pool, amount, owner)
    if found.items is None:
        counter = data.Posting(settlement.account, -left, None, None, None, None)
        if found.cut:
            why = (f"ambigu : trop de combinaisons possibles {what} {span} pour trouver à coup sûr "
                   "celle qui fait ce montant, aucune n'est soldée")
        elif found.ambiguous:
            why = (f"ambigu : plusieurs combinaisons {what} {span} font ce montant, et elles "
                   "diffèrent par autre chose que des factures interchangeables (même montant, même "
                   "payeur, mêmes recettes payées), aucune n'est soldée")
        else:
            why = f"aucune combinaison {what} {span} ne fait ce montant"
        reason = (f"virement {who} de {money} : {why} ; rapprochez-le du décompte du payeur "
                  "(retour NOEMIE pour la CPAM) et liez-le aux factures réglées")
        return flag_for_review(txn._replace(postings=[*txn.postings, counter]), reason)
    postings = list(txn.postings)
    for item in found.items:
        key = LOT_KEY if item.kind == LOT_KEY else SETTLES_KEY
        postings.append(data.Posting(settlement.account, Amount(-item.amount, currency), None,
                                     None, None, {key: item.invoice}))
        item.amount = Decimal(0)  # settled: a later transfer of the batch cannot take it again
    links = (txn.links or data.EMPTY_SET) | {i.invoice for i in found.items
                                             if i.kind != LOT_KEY}
    return txn._replace(links=frozenset(links), postings=postings)


def _open_pieces(items: Sequence[OpenItem], cited: bool = False) -> str:
    """``items`` named for a message: « 3 facture(s) ouverte(s) », « 2 lot(s) ouvert(s) »,
    « 1 facture(s) et 2 lot(s) ouverts » (``cited``: without « ouvert »)."""
    lots = sum(1 for i in items if i.kind == LOT_KEY)
    invoices = len(items) - lots
    if lots and invoices:
        return f"{invoices} facture(s) et {lots} lot(s)" + ("" if cited else " ouverts")
    if lots:
        return f"{lots} lot(s)" + ("" if cited else " ouvert(s)")
    return f"{invoices} facture(s)" + ("" if cited else " ouverte(s)")


def _other_payer(who: str, money: str, span: str, names: frozenset[str],
                 candidates: Sequence[OpenItem], account: str) -> str:
    """Why a transfer whose label names a payer settles none of the open items, and what to do:
    when the label names an organism and some items say no ``payeur:``, add it to them."""
    lots = any(i.kind == LOT_KEY for i in candidates)
    invoices = any(i.kind != LOT_KEY for i in candidates)
    payers = sorted({i.payer or "payeur: non indiqué" for i in candidates})
    said = f"nomme {', '.join(sorted(names))}" if names else "ne nomme aucun payeur précis"
    none = "aucune des " if invoices and not lots else "aucun des "
    kind = "lot" if lots and not invoices else "facture" if invoices and not lots else "lot ou facture"
    reason = (f"virement {who} de {money} : le libellé {said}, mais {none}{_open_pieces(candidates)} {span} "
              f"n'est de ce payeur ({', '.join(payers)}) : il n'en solde {none.split()[0]}")
    unnamed = sorted({i.invoice for i in candidates if not i.payer})
    if names and unnamed:
        payer = sorted(names)[0] if len(names) == 1 else "…"
        listed = ", ".join(unnamed[:5]) + (" …" if len(unnamed) > 5 else "")
        return (f"{reason} ; si ce virement les règle, ajoutez payeur: \"{payer}\" sur la ligne {account} "
                f"de chaque {kind} de ce payeur ({listed}) et relancez l'import, sinon ajoutez la contrepartie")
    how = {"lot": "des lots, liez-le à eux (lot: sur sa ligne de créance)",
           "facture": "des factures, liez-le à elles (reglement-de:)",
           "lot ou facture": "des lots ou des factures, liez-le à eux (lot: pour un lot, reglement-de: "
                             "pour une facture)"}[kind]
    return f"{reason} ; ajoutez la contrepartie, ou, s'il règle bien {how}"


def load_rules(path: str) -> Categorizer:
    """A :class:`Categorizer` from a TOML file of ``[[rule]]`` and ``[[settlement]]``.

    The file's ``[[settlement]]`` come first, then the built-in CPAM and mutuelle
    ones: a file adds payers, it does not switch the CPAM matching off.
    """
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise RuleError(f"{path} : impossible de lire les règles : {os_error_text(exc)}") from exc
    except tomllib.TOMLDecodeError as exc:
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
