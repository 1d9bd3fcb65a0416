"""Who a payee is, for the pseudonymised exports: judged by what is declared, never by a word it contains.

A payee is, in this order:

* **the practitioner** — a name declared with ``custom "hn-option" "identity"
  "nom" "…"`` (any value ever declared, with or without « EI », in either word
  order);
* **an organisation** —

  - declared by name: ``custom "hn-option" "organisation" "SCI Les Tilleuls"``
    (one name per directive, compared without case, accents or punctuation);
  - declared by account: ``organisation: TRUE`` on the ``open`` of an account or
    of an account above it (``FALSE`` below it takes it back). A payee is then an
    organisation when, in *every* transaction it appears in, its counterpart
    postings are all on such accounts: its receivable or payable postings when the
    transaction has some, else its income and expense postings (treasury and
    ``Equity:`` postings are not counterparts). A patient split across
    ``Creances:CPAM`` and ``Creances:Patients`` is therefore never an organisation;
  - ``client-siren:`` on one of its transactions (a company billed with its SIREN);
  - a known organisation of the domain (:data:`KNOWN_PREFIXES`: « CPAM »,
    « URSSAF », « Harmonie Mutuelle »…, alone or followed by a place:
    « CPAM du Rhône »; :data:`KNOWN_EXACT`: only alone). A name is on these lists
    only when no person carries it: « Alan » (an insurer, and a first name) is not.

* **a description** of grouped receipts — its first word describes receipts
  (« Lot FSE », « Patients », « Cours collectifs Pilates », « Atelier équilibre »)
  and each other word does too or is written in lower case, as the ledger's
  narrations write it elsewhere;
* otherwise **a person** — a patient, a remplaçant, a colleague, a supplier
  trading under their own name.

A name that merely *contains* an organisation's word (« Alan Petit »,
« Harmonie Durand », « Alice Maison ») is a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from beancount.core import data

from beancount_hn.core.errors import as_written, where
from beancount_hn.core.ledger import LedgerIndex, parents
from beancount_hn.exports.vocabulary import (CIVILITIES, GENERIC_WORDS, PARTICLES, WORD, is_civility, is_harmless,
                                             name_key, plain)

ORGANISATION_OPTION = "organisation"
ORGANISATION_KEY = "organisation"
CLIENT_SIREN_KEY = "client-siren"

PRACTITIONER, ORGANISATION, DESCRIPTION, PERSON = "practitioner", "organisation", "description", "person"

#: Organisations of the domain that no person is called, alone or followed by a place or a branch.
KNOWN_PREFIXES = tuple(name_key(line) for line in """
    CPAM
    CNAM
    CNAMTS
    Caisse primaire d'assurance maladie
    Assurance maladie
    CAF
    Caisse d'allocations familiales
    MSA
    URSSAF
    CARPIMKO
    CARCDSF
    CIPAV
    CARMF
    CARSAT
    CNAV
    DGFiP
    DDFiP
    DRFiP
    Direction générale des finances publiques
    Trésor public
    Finances publiques
    Centre des finances publiques
    Service des impôts
    SIE de
    SIE du
    SIE des
    SIP de
    SIP du
    impots.gouv
    Pôle emploi
    France Travail
    Agence régionale de santé
    Ordre des masseurs-kinésithérapeutes
    Conseil de l'Ordre
    Conseil national de l'Ordre
    Conseil départemental de l'Ordre
    Conseil régional de l'Ordre
    FFMKR
    SNMKR
    Almerys
    Viamedis
    Santéclair
    Kalixia
    Itelis
    Sévéane
    iSanté
    Cegedim
    SP Santé
    Carte Blanche Partenaires
    Harmonie Mutuelle
    MGEN
    Malakoff Humanis
    AG2R
    Swiss Life
    SwissLife
    Generali
    AXA
    Allianz
    MAAF
    MACIF
    MATMUT
    MMA
    MAIF
    GMF
    Groupama
    MACSF
    Mutuelle générale
    Banque Populaire
    Crédit Agricole
    Crédit Mutuel
    Crédit Lyonnais
    LCL
    CIC
    BNP Paribas
    Société Générale
    La Banque Postale
    Caisse d'Épargne
    Boursorama
    BoursoBank
    Qonto
    HSBC
    Fortuneo
    SumUp
    PayPal
    EDF
    Engie
    TotalEnergies
    SNCF
    La Poste
""".strip().splitlines())
#: Known organisations whose name is also a word: organisations only when the payee is exactly this.
KNOWN_EXACT = frozenset(name_key(line) for line in """
    Orange
    Orange Pro
    Orange Business
    SFR
    Bouygues Telecom
    Free
    Free Pro
""".strip().splitlines())
#: The « EI » mention of the practitioner's name (décret 2022-725), not a word of the name.
_EI_WORDS = (("EI",), ("E", "I"), ("ENTREPRENEUR", "INDIVIDUEL"), ("ENTREPRENEUSE", "INDIVIDUELLE"))


def _known_pattern(name: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"[\W_]*".join(re.escape(word) for word in name))


_KNOWN_PREFIX_RES = tuple(_known_pattern(name) for name in KNOWN_PREFIXES)


def is_known_organisation(name: str, places: frozenset[str] = frozenset()) -> bool:
    """True when ``name`` is a built-in organisation, exactly (:data:`KNOWN_EXACT`) or followed by a
    place or a branch after a space (:data:`KNOWN_PREFIXES`: « CPAM du Rhône », not « Cpam-Lefort »).

    What follows the known name must read as a place or a branch, not as a person's name
    (« Generali Marco » is a person): see :func:`_is_place`.
    """
    if name_key(name) in KNOWN_EXACT:
        return True
    text = plain(name).strip()
    for pattern in _KNOWN_PREFIX_RES:
        match = pattern.match(text)
        if match and (match.end() == len(text) or text[match.end()].isspace()):
            if _is_place(name, text[match.end():], places):
                return True
    return False


def _is_place(name: str, rest: str, places: frozenset[str] = frozenset()) -> bool:
    """True when ``rest`` (plain), after a known organisation's name, is a place or a branch: empty,
    introduced by a particle (« du Rhône », « de Paris »), a number (« 69 »), or words each of which is
    an ordinary or domain word (« Entreprises », « Pro »), an acronym of four capitals at most
    (« AURA »), a hyphenated compound (« Rhône-Alpes ») or a word of ``places`` (the practitioner's
    town and address: « TotalEnergies Villeurbanne »). A name's own word is none of these."""
    words = WORD.findall(rest)
    if not words or plain(words[0]) in PARTICLES or re.match(r"[\s\W_]*\d", rest):
        return True
    written = {plain(w): w for w in WORD.findall(name)}
    for compound in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)+|[^\W\d_]+", rest):
        if "-" in compound:
            continue
        original = written.get(compound, compound)
        if not (is_harmless(compound) or compound in places or (original.isupper() and len(compound) <= 4)):
            return False
    return True


def _without_ei(key: tuple[str, ...]) -> tuple[str, ...]:
    for mention in _EI_WORDS:
        if key[-len(mention):] == mention:
            return key[:-len(mention)]
    return key


class Counterparties:
    """The practitioner's names, the declared organisations, and the judgement of each payee."""

    def __init__(self, entries: Sequence[data.Directive], index: LedgerIndex,
                 common_words: frozenset[str] = frozenset()) -> None:
        self.index = index
        self.common_words = common_words  # plain words the ledger writes in lower case
        self.errors: list[str] = []
        self.practitioner: set[tuple[str, ...]] = set()
        for option in index.config.entries("identity"):
            key, value = option.value
            name = _without_ei(name_key(value)) if key == "nom" else ()
            if name:
                self.practitioner |= {name, name[::-1]}
        self.declared = {name_key(value) for value in index.config.values(ORGANISATION_OPTION)} - {()}
        #: The practitioner's town and address words: places after a known organisation's name.
        self.places = frozenset(plain(w) for option in index.config.entries("identity")
                                if option.value[0] in ("ville", "adresse") for w in WORD.findall(option.value[1]))
        self._account_flags: dict[str, bool | None] = {}
        self._check_declarations()
        self.by_siren: set[tuple[str, ...]] = set()
        self.by_accounts: set[tuple[str, ...]] = set()
        self._judge_by_transactions(entries)
        self._kinds: dict[str, str] = {}

    # --- declarations ----------------------------------------------------------------------

    def _check_declarations(self) -> None:
        """An organisation declared by name holds no civility; every ``organisation:`` is TRUE/FALSE,
        used or not."""
        for option in self.index.config.entries(ORGANISATION_OPTION):
            value = option.value if isinstance(option.value, str) else ""
            if any(is_civility(w) for w in WORD.findall(value)):
                self.errors.append(f"{where(option.entry.meta)} : organisation « {value} » : une civilité "
                                   "désigne une personne, pas un organisme ; retirez cette déclaration "
                                   "(la personne sera pseudonymisée)")
        for account in self.index.opens:
            self._account_flag(account)


    def _account_flag(self, account: str) -> bool | None:
        """``organisation:`` on the open of ``account`` or of the nearest account above it."""
        if account in self._account_flags:
            return self._account_flags[account]
        flag = None
        for parent in parents(account):
            opened = self.index.opens.get(parent)
            if opened is not None and opened.meta and ORGANISATION_KEY in opened.meta:
                value = opened.meta[ORGANISATION_KEY]
                if isinstance(value, bool):
                    flag = value
                else:
                    self.errors.append(f"{where(opened.meta)} : organisation: {as_written(value)} sur le compte "
                                       f"{parent} — écrivez organisation: TRUE (ou FALSE), sans guillemets")
                    flag = False
                break
        self._account_flags[account] = flag
        return flag

    def _counterpart_postings(self, txn: data.Transaction) -> list[str]:
        """The accounts of the postings that name the other party of ``txn``."""
        accounts = [p.account for p in txn.postings
                    if self.index.treasury_since(p.account) is None
                    and self.index.root_type(p.account) not in (None, "equity")]
        items = [a for a in accounts if self.index.root_type(a) in ("assets", "liabilities")]
        return items or accounts

    def _judge_by_transactions(self, entries: Iterable[data.Directive]) -> None:
        qualifies: dict[tuple[str, ...], bool] = {}
        for entry in entries:
            if not isinstance(entry, data.Transaction) or not entry.payee:
                continue
            key = name_key(entry.payee)
            if (entry.meta or {}).get(CLIENT_SIREN_KEY):
                self.by_siren.add(key)
            accounts = self._counterpart_postings(entry)
            flagged = bool(accounts) and all(self._account_flag(a) is True for a in accounts)
            qualifies[key] = qualifies.get(key, True) and flagged
        self.by_accounts = {key for key, ok in qualifies.items() if ok}

    # --- judgement ---------------------------------------------------------------------------

    def organisation_names(self) -> set[tuple[str, ...]]:
        """Word sequences that name an organisation wherever they are written (kept in any text)."""
        return (self.declared | self.by_siren | self.by_accounts | set(KNOWN_EXACT) | set(KNOWN_PREFIXES)) - {()}

    def is_practitioner(self, name: str) -> bool:
        return _without_ei(_civility_free(name_key(name))) in self.practitioner

    def is_organisation(self, name: str) -> bool:
        key = name_key(name)
        return (key in self.declared or key in self.by_siren or key in self.by_accounts
                or is_known_organisation(name, self.places))

    def is_description(self, name: str) -> bool:
        words = WORD.findall(name)
        return bool(words) and plain(words[0]) in GENERIC_WORDS and all(
            plain(w) in GENERIC_WORDS or (w.islower() and (plain(w) in self.common_words or is_harmless(plain(w))))
            for w in words)

    def kind(self, name: str) -> str:
        """:data:`PRACTITIONER`, :data:`ORGANISATION`, :data:`DESCRIPTION` or :data:`PERSON`."""
        kind = self._kinds.get(name)
        if kind is None:
            kind = self._kinds[name] = (PRACTITIONER if self.is_practitioner(name)
                                        else ORGANISATION if self.is_organisation(name)
                                        else DESCRIPTION if self.is_description(name) else PERSON)
        return kind


def _civility_free(key: tuple[str, ...]) -> tuple[str, ...]:
    start = 0
    while start < len(key) and key[start] in CIVILITIES:
        start += 1
    return key[start:]
