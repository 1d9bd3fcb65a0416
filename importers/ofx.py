"""OFX/QFX statements (French banks' « Money » export), read leniently.

French banks' files break the letter of the OFX specification in harmless
places — ``<LANGUAGE>FRE`` (La Banque Postale), an empty ``<TRNUID>`` or
``<BALAMT>`` (Banque Populaire's empty savings statements), blank lines before
the header, odd ``DTSERVER`` suffixes, an empty ``FITID`` — which a validating
parser refuses. This module reads the markup itself (OFX 1 SGML, where data
elements have no end tag, and OFX 2 XML), knowing from ofxtools' models which
tags are aggregates, and checks only what the import uses: the account, each
``STMTTRN``'s date, amount and id, and the ``LEDGERBAL``.

One transaction per ``STMTTRN`` with ``import-id: "ofx:<ACCTID>:<FITID>"``
(a fingerprint of date, amount, label and rank when ``FITID`` is empty);
a ``balance`` from ``LEDGERBAL`` (dated the day after ``DTASOF``, Beancount
balances applying at the start of a day; none when ``BALAMT`` is empty).
The sign of ``TRNAMT`` gives the direction, as the specification says; a
``TRNTYPE`` of ``DEBIT`` with a positive amount, or ``CREDIT`` with a negative
one, contradicts it and the file is refused (some exports write unsigned
amounts, others invert them: which, nothing in the file says).
Bank and credit-card statements are read. A file with several accounts
imports the one of ``account_id``; two statements whose account cannot be
told apart are refused rather than merged.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field
from decimal import Decimal

import ofxtools.models  # every aggregate model, registered as a subclass of Aggregate
from beancount.core import data
from beancount.core.amount import Amount
from ofxtools import Types

from beancount_hn.importers.amounts import AmountError, parse_amount
from beancount_hn.importers.base import (HnImporter, file_head, one_balance_per_day, shown,
                                         to_precision)
from beancount_hn.importers.dedup import IdMaker
from beancount_hn.importers.textfile import (ImportFileError, decode, line_of_offset, read_bytes,
                                             sniffable)
from beancount_hn.importers.xmlsafe import reject_markup_declarations

OFX_SUFFIXES = (".ofx", ".qfx")
_OFX_START = re.compile(rb"^\s*(?:OFXHEADER\s*:|<\?xml[^>]*>\s*<\?OFX)", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9._]*)\s*>")
_BODY = re.compile(r"<OFX\s*>", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


#: OFX aggregate tags (elements holding other elements) and data tags, from ofxtools' models.
_MODELS = _subclasses(ofxtools.models.base.Aggregate)
AGGREGATES = frozenset(c.__name__ for c in _MODELS if c.__name__.isupper())
DATA_TAGS = frozenset(
    name.upper() for c in _MODELS for name, value in vars(c).items()
    if isinstance(value, Types.Element)
    and not isinstance(value, (Types.SubAggregate, Types.ListAggregate, Types.Unsupported)))


def looks_like_ofx(head: bytes) -> bool:
    """True when the first bytes are an OFX v1 header or an OFX v2 declaration."""
    return bool(_OFX_START.match(head.lstrip(b"\xef\xbb\xbf"))) or b"<OFX>" in head.upper()


class _LineCounter:
    """1-based line of increasing offsets in ``text``, in linear time overall."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 1

    def __call__(self, offset: int) -> int:
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


@dataclass(slots=True)
class Node:
    """An OFX element: a data element has ``text``, an aggregate ``children``."""

    tag: str
    line: int
    text: str | None = None
    children: list[Node] = field(default_factory=list)

    def find(self, path: str) -> Node | None:
        node: Node | None = self
        for part in path.split("/"):
            node = next((c for c in node.children if c.tag == part), None) if node else None
        return node

    def value(self, path: str) -> str:
        found = self.find(path)
        return (found.text or "").strip() if found is not None else ""

    def iter(self, tags: tuple[str, ...]):
        for child in self.children:
            if child.tag in tags:
                yield child
            yield from child.iter(tags)


def parse_ofx(path: str, raw: bytes) -> Node:
    """The ``<OFX>`` element of an OFX 1 (SGML) or OFX 2 (XML) file.

    A tag followed by text is a data element (its end tag is optional); a tag
    followed by another tag is an aggregate when ofxtools knows it as one, or
    when the file closes it somewhere — otherwise an empty data element.

    Raises:
      ImportFileError: no ``<OFX>``, an end tag that closes nothing open, text
        outside any data element, or aggregates left open (a truncated file) —
        with the line.
    """
    text, _ = decode(raw, path)
    reject_markup_declarations(sniffable(raw), path)
    text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text)
    start = _BODY.search(text)
    if start is None:
        raise ImportFileError(path, "pas de balise <OFX> : ce n'est pas un relevé OFX complet")
    closed = {m.group(2).upper() for m in _TAG.finditer(text, start.start()) if m.group(1)}
    root = Node("", 0)
    stack = [root]
    position = start.start()
    line_at = _LineCounter(text)
    while (match := _TAG.search(text, position)) is not None:
        gap = text[position:match.start()]
        if gap.strip():
            offset = position + len(gap) - len(gap.lstrip())
            raise ImportFileError(path, f"texte « {shown(gap)} » hors de toute donnée OFX",
                                  line_of_offset(text, offset))
        position = match.end()
        tag, line = match.group(2).upper(), line_at(match.start())
        if match.group(1):
            if len(stack) == 1 or stack[-1].tag != tag:
                opened = f" (ouverte : <{stack[-1].tag}> ligne {stack[-1].line})" \
                    if len(stack) > 1 else ""
                raise ImportFileError(path, f"balise </{tag}> qui ne ferme rien{opened}", line)
            stack.pop()
            continue
        node = Node(tag, line)
        stack[-1].children.append(node)
        following = text.find("<", position)
        value = text[position:following if following >= 0 else len(text)]
        aggregate = tag in AGGREGATES or (tag not in DATA_TAGS and tag in closed)
        if value.strip() or not aggregate:
            node.text = html.unescape(value.strip())
            position += len(value)
            end = _TAG.match(text, position)
            if end is not None and end.group(1) and end.group(2).upper() == tag:
                position = end.end()  # the optional end tag of the data element
            continue
        stack.append(node)
    if text[position:].strip():
        raise ImportFileError(path, f"texte « {shown(text[position:])} » après la fin "
                                    "du relevé OFX", line_of_offset(text, len(text)))
    if len(stack) > 1:
        raise ImportFileError(path, f"<{stack[-1].tag}> ouverte ligne {stack[-1].line} n'est "
                                    "jamais fermée : le fichier est tronqué",
                              line_of_offset(text, len(text.rstrip())))
    ofx = root.find("OFX")
    if ofx is None:
        raise ImportFileError(path, "pas d'élément <OFX> : ce n'est pas un relevé OFX complet")
    return ofx


@dataclass
class Statement:
    """One bank or card statement of the file."""

    node: Node
    key: tuple[str, ...]  # bank, branch, account, type
    account_id: str = ""

    @property
    def acctid(self) -> str:
        return self.key[2]

    @property
    def empty(self) -> bool:
        return not any(True for _ in self.node.iter(("STMTTRN",))) and \
            not self.node.value("LEDGERBAL/BALAMT")


def _statements(path: str, ofx: Node) -> list[Statement]:
    statements = []
    nodes = list(ofx.iter(("STMTRS", "CCSTMTRS")))
    for node in nodes:
        account = node.find("BANKACCTFROM") or node.find("CCACCTFROM")
        acctid = account.value("ACCTID") if account is not None else ""
        statement = Statement(node, (account.value("BANKID"), account.value("BRANCHID"), acctid,
                                     account.value("ACCTTYPE")) if account is not None
                              else ("", "", "", ""))
        if not acctid:
            if statement.empty:
                continue  # Banque Populaire's empty savings statement: nothing to import
            raise ImportFileError(path, f"relevé <{node.tag}> sans numéro de compte (ACCTID), "
                                        "avec des opérations ou un solde : impossible de savoir "
                                        "à quel compte elles appartiennent", node.line)
        statements.append(statement)
    if not nodes:
        raise ImportFileError(path, "fichier OFX sans relevé de compte bancaire ni de carte")
    # Two statements of one key are two accounts the bank numbered alike (masked numbers),
    # or one account twice: which, nothing says. An empty one adds nothing either way.
    seen: dict[tuple[str, ...], Statement] = {}
    kept = []
    for statement in statements:
        other = seen.get(statement.key)
        if other is not None:
            if statement.empty:
                continue
            if not other.empty:
                raise ImportFileError(
                    path, f"deux relevés du compte {statement.acctid} (lignes {other.node.line} et "
                          f"{statement.node.line}) : impossible de savoir s'il s'agit du même "
                          "compte ou de deux comptes au numéro masqué ; exportez chaque compte "
                          "dans son propre fichier", statement.node.line)
            kept.remove(other)
        seen[statement.key] = statement
        kept.append(statement)
    by_acctid: dict[str, set] = {}
    for statement in kept:
        by_acctid.setdefault(statement.acctid, set()).add(statement.key)
    for statement in kept:
        bank, branch, acctid, kind = statement.key
        statement.account_id = acctid if len(by_acctid[acctid]) == 1 else \
            " ".join(filter(None, (bank, branch, acctid, kind)))
    return kept


def _day(path: str, node: Node, tag: str) -> datetime.date:
    """The calendar day as written (the first 8 digits: the bank's own day, whatever its zone)."""
    text = node.value(tag)
    try:
        if not text[:8].isdigit():
            raise ValueError(text)
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as exc:
        where = node.find(tag)
        raise ImportFileError(path, f"<{tag}> « {shown(text)} » n'est pas une date AAAAMMJJ",
                              where.line if where else node.line) from exc


def _number(path: str, node: Node, tag: str, currency: str) -> Decimal:
    text = node.value(tag)
    where = node.find(tag)
    line = where.line if where else node.line
    if not text:
        raise ImportFileError(path, f"<{node.tag}> sans montant <{tag}>", line)
    decimal = "," if "," in text and "." not in text else "."
    if text.lstrip("+-").startswith((".", ",")):
        text = text.replace(".", "0.", 1).replace(",", "0,", 1)
    try:
        number = parse_amount(text, decimal)
    except AmountError as exc:
        raise ImportFileError(path, f"<{tag}> : {exc}", line) from exc
    return to_precision(path, line, number, currency)


#: TRNTYPE values that state a direction: what they announce, and whether the amount is positive.
_DIRECTIONS = {"DEBIT": ("un débit", False), "CREDIT": ("un crédit", True)}


def _check_direction(path: str, trn: Node, number: Decimal, fitid: str) -> None:
    """Refuse a ``TRNTYPE`` of ``DEBIT``/``CREDIT`` that the sign of ``TRNAMT`` contradicts."""
    kind = trn.value("TRNTYPE").upper()
    if kind not in _DIRECTIONS or not number:
        return
    what, positive = _DIRECTIONS[kind]
    if (number > 0) == positive:
        return
    where = trn.find("TRNAMT")
    name = f"FITID « {shown(fitid)} »" if fitid else "sans FITID"
    raise ImportFileError(
        path, f"opération {name} : <TRNTYPE>{kind} annonce {what}, mais <TRNAMT> "
              f"{trn.value('TRNAMT')} est {'positif' if number > 0 else 'négatif'} : le sens de "
              "l'opération est contradictoire (montant non signé ou inversé ?) ; rien n'est "
              "importé : demandez à la banque un export où le signe du montant donne le sens",
        where.line if where else trn.line)


class OFXImporter(HnImporter):
    """An OFX/QFX statement of one account."""

    scheme = "ofx"

    def identify(self, filepath: str) -> bool:
        head = file_head(filepath, OFX_SUFFIXES, 8192, sniff=True)
        if head is None or not looks_like_ofx(head):
            return False
        found = re.findall(rb"<ACCTID>\s*([^<\s]+)", head)
        return self.holds_own_account(i.decode("latin-1") for i in found)

    def _read(self, filepath: str) -> list[Statement]:
        return _statements(filepath, parse_ofx(filepath, read_bytes(filepath)))

    def account_ids(self, filepath: str) -> list[str]:
        return list(dict.fromkeys(s.account_id for s in self._read(filepath)))

    def read_entries(self, filepath: str) -> list[data.Directive]:
        """Transactions and balance of the file, not yet categorised."""
        statements = self._read(filepath)
        if not statements:
            return []  # only empty statements without an account number
        chosen = self.chosen_ids(filepath, [s.account_id for s in statements],
                                 statements[0].node.line)
        entries: list[data.Directive] = []
        balances: list[data.Balance] = []
        for statement in statements:
            if statement.account_id in chosen:
                entries.extend(self._transactions(filepath, statement))
                balances.extend(self._balance(filepath, statement))
        return entries + one_balance_per_day(filepath, balances)

    def _transactions(self, filepath: str, statement: Statement) -> list[data.Transaction]:
        node = statement.node
        currency = node.value("CURDEF") or self.currency
        ids = IdMaker(self.scheme, f"{self.importer_account}:{statement.acctid}")
        entries = []
        for trn in node.iter(("STMTTRN",)):
            date = _day(filepath, trn, "DTPOSTED")
            number = _number(filepath, trn, "TRNAMT", currency)
            name = " ".join((trn.value("NAME") or trn.value("PAYEE/NAME")).split())
            memo = " ".join(trn.value("MEMO").split())
            narration = " ".join(filter(None, (name, memo if memo != name else "")))
            fitid = trn.value("FITID")
            _check_direction(filepath, trn, number, fitid)
            import_id = (f"{self.scheme}:{statement.acctid}:{fitid}" if fitid
                         else ids(date, number, narration))
            entries.append(self.transaction(data.new_metadata(filepath, trn.line), date,
                                            Amount(number, currency), None, narration, import_id))
        return entries

    def _balance(self, filepath: str, statement: Statement) -> list[data.Balance]:
        ledger = statement.node.find("LEDGERBAL")
        if ledger is None or not ledger.value("BALAMT"):
            return []  # Banque Populaire's empty statements: no balance is no error
        currency = statement.node.value("CURDEF") or self.currency
        number = _number(filepath, ledger, "BALAMT", currency)
        day = _day(filepath, ledger, "DTASOF")
        return [self.balance(data.new_metadata(filepath, ledger.line),
                             day + datetime.timedelta(days=1), Amount(number, currency))]


__all__ = ["OFXImporter", "looks_like_ofx", "parse_ofx"]
