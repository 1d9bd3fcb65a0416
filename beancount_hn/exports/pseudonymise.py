"""Pseudonymous exports: patients' names are health data (RGPD art. 9).

``hn export --pseudonymise`` replaces every patient's name by a stable
pseudonym, ``Patient 0001``, ``Patient 0002``… numbered in order of first
appearance in the whole ledger (so a patient keeps the same pseudonym in the
exports of every year, as long as past entries are not edited).

**Who is a patient.** The payee of a transaction that books fees (an income
posting of line AA) or moves a receivable (``Assets:Creances``…), unless it is
an organisation: the transaction carries ``client-siren:``, or the payee holds
a company or institution word (SARL, SAS, SCM, CPAM, Mutuelle, Association,
Mairie, Clinique, Almerys…, see :data:`ORGANISATION_WORDS`) or describes a
group of receipts (« Lot FSE », « Cours collectifs Pilates », see
:data:`GENERIC_WORDS`). Values of a ``patient:``
metadata key are patients too. Suppliers (payees of expenses only) are kept.

**What is replaced.** The entries are rewritten *before* any export is
computed, so every file of the bundle is made from the same pseudonymous
ledger: payees, narrations and every text metadata value of transactions and
postings, notes and documents. A full name is replaced by its pseudonym; each
significant word of it (three letters or more, civilities and particles
excepted) is replaced too, wherever it appears (``VIR M DUPONT`` →
``VIR M Patient 0001``), matching case and accents loosely. A word shared by
two patients becomes ``[patient]``. Not rewritten: account names, tags and
links — keep patient names out of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from beancount.core import data

from beancount_hn.ledger import LedgerIndex

PATIENT_KEY = "patient"
CLIENT_SIREN_KEY = "client-siren"
AMBIGUOUS = "[patient]"

#: Words that make a payee an organisation, never a patient (accent-free, upper case).
ORGANISATION_WORDS = frozenset("""
    SARL SAS SASU SA EURL SCI SCM SCP SEL SELARL SELAS SELURL SNC GIE GAEC EI EIRL SEM SPL
    ASSOCIATION ASSO ASSOC SOCIETE STE ETS ETABLISSEMENT ETABLISSEMENTS GROUPE GROUP CLUB
    FEDERATION FONDATION INSTITUT ENTREPRISE COMPANY INC LTD LLC GMBH SPA BV
    CPAM CNAM CPAMS AMELI MSA CNMSS MGEN MUTUELLE MUTUELLES MUTUALITE HARMONIE MALAKOFF HUMANIS
    AG2R ALAN SWISSLIFE GENERALI AXA ALLIANZ MAAF MACIF MATMUT MMA GROUPAMA PREVOYANCE
    ASSURANCE ASSURANCES CAISSE URSSAF CARPIMKO DGFIP TRESOR IMPOTS SIE
    BANQUE CREDIT BNP LCL SG CIC
    MAIRIE COMMUNE VILLE DEPARTEMENT REGION CONSEIL PREFECTURE ETAT
    EHPAD CLINIQUE HOPITAL CHU CHR CH CENTRE CABINET MAISON POLE RESEAU
    LYCEE COLLEGE ECOLE UNIVERSITE IFMK ACADEMIE
    ALMERYS VIAMEDIS SANTECLAIR KALIXIA ISANTE ACTIL CEGEDIM
""".split())
#: Words that make a payee a description, not a person (grouped receipts, classes…).
GENERIC_WORDS = frozenset("""
    LOT LOTS FSE NOEMIE PATIENT PATIENTS CLIENT CLIENTS COURS ATELIER ATELIERS SEANCE SEANCES
    COLLECTIF COLLECTIFS COLLECTIVE COLLECTIVES GROUPE DIVERS TIERS PAYANT REMISE REMISES
    CHEQUE CHEQUES ESPECES VIREMENT VIREMENTS RETRAIT DEPOT PILATES YOGA STAGE STAGES FORMATION
    ABONNEMENT ABONNEMENTS MOIS SEMAINE RECETTES HONORAIRES
""".split())
_SKIP_WORDS = frozenset("""
    M MR MME MLLE MRS MS MISS DR PR ME MONSIEUR MADAME MADEMOISELLE DOCTEUR ENFANT BEBE
    DE DU DES LA LE LES D L VAN VON DER DEN DI DA EL AL BEN ET AND Y
""".split())
#: Letters Unicode does not decompose, with their plain form (``Ł`` -> ``L``).
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i",
                               "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"})


_WORD = re.compile(r"[^\W\d_]+")
# What may separate the words of one name in a text: "M. Jean-Pierre  DUPONT".
_JOINER = re.compile(r"[\s.\-'’]*")


def _plain(text: str) -> str:
    """Upper case without accents: ``"Łucja Hélène"`` -> ``"LUCJA HELENE"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def is_organisation(payee: str) -> bool:
    """True when ``payee`` names a company or an institution, or describes a group of
    receipts rather than a person (see :data:`ORGANISATION_WORDS`, :data:`GENERIC_WORDS`)."""
    return any(word in ORGANISATION_WORDS or word in GENERIC_WORDS for word in re.findall(r"[^\W_]+", _plain(payee)))


@dataclass
class Pseudonymiser:
    """Patient names and their pseudonyms, and the rewriting of text and entries."""

    names: dict[str, str]  # patient name (as written) -> pseudonym

    def __post_init__(self) -> None:
        self._table = self._build_table()
        self._longest = max((len(key) for key in self._table), default=0)
        self._done: dict[str, str] = {}  # ledgers repeat the same texts (acte:, narrations)

    def _build_table(self) -> dict[tuple[str, ...], str]:
        """Word sequences (plain upper case) -> pseudonym: full names, then single name words."""
        table: dict[tuple[str, ...], str] = {}

        def put(words: list[str], pseudonym: str) -> None:
            key = tuple(_plain(w) for w in words)
            if key and table.setdefault(key, pseudonym) != pseudonym:
                table[key] = AMBIGUOUS

        for name, pseudonym in self.names.items():
            words = _WORD.findall(name)
            core = [w for w in words if _plain(w) not in _SKIP_WORDS]
            # The name as written, and without civility in both orders ("DUPONT JEAN" on bank labels).
            put(words, pseudonym)
            if len(core) >= 2:
                put(core, pseudonym)
                put(list(reversed(core)), pseudonym)
        singles: dict[tuple[str, ...], set[str]] = {}
        for name, pseudonym in self.names.items():
            for word in _WORD.findall(name):
                if len(_plain(word)) >= 3 and _plain(word) not in _SKIP_WORDS:
                    singles.setdefault((_plain(word),), set()).add(pseudonym)
        for key, pseudonyms in singles.items():
            if key not in table:
                table[key] = next(iter(pseudonyms)) if len(pseudonyms) == 1 else AMBIGUOUS
        return table

    @classmethod
    def from_entries(cls, entries: Sequence[data.Directive], index: LedgerIndex) -> Pseudonymiser:
        """Find the ledger's patients (see the module doc) and number them."""
        names: dict[str, str] = {}

        def add(name: Any) -> None:
            if not isinstance(name, str):
                return
            name = " ".join(name.split())
            if name and name not in names and not is_organisation(name):
                names[name] = f"Patient {len(names) + 1:04d}"

        for entry in entries:
            if not isinstance(entry, data.Transaction):
                continue
            for meta in [entry.meta] + [p.meta for p in entry.postings]:
                if meta and PATIENT_KEY in meta:
                    add(meta[PATIENT_KEY])
            if not entry.payee or (entry.meta and entry.meta.get(CLIENT_SIREN_KEY)):
                continue
            if any(_is_patient_posting(index, p.account) for p in entry.postings):
                add(entry.payee)
        return cls(names)

    def text(self, value: str) -> str:
        """``value`` with every patient name (and name word) replaced.

        Words are compared without case or accents; the longest run of words
        that spells a name (separated by spaces, dots, hyphens or apostrophes)
        is replaced first.
        """
        if not self._table or not value:
            return value
        done = self._done.get(value)
        if done is not None:
            return done
        words = list(_WORD.finditer(value))
        plain = [_plain(m.group(0)) for m in words]
        out: list[str] = []
        position = 0
        i = 0
        while i < len(words):
            for size in range(min(self._longest, len(words) - i), 0, -1):
                pseudonym = self._table.get(tuple(plain[i:i + size]))
                if pseudonym is not None and all(
                        _JOINER.fullmatch(value, words[k].end(), words[k + 1].start())
                        for k in range(i, i + size - 1)):
                    out.append(value[position:words[i].start()])
                    out.append(pseudonym)
                    position = words[i + size - 1].end()
                    i += size
                    break
            else:
                i += 1
        out.append(value[position:])
        result = "".join(out)
        self._done[value] = result
        return result

    def _meta(self, meta: dict[str, Any] | None) -> dict[str, Any] | None:
        if not meta:
            return meta
        return {key: (self.text(value) if isinstance(value, str) and key != "filename" else value)
                for key, value in meta.items()}

    def entry(self, entry: data.Directive) -> data.Directive:
        """A copy of ``entry`` without patient names."""
        if isinstance(entry, data.Transaction):
            return entry._replace(
                meta=self._meta(entry.meta),
                payee=self.text(entry.payee) if entry.payee else entry.payee,
                narration=self.text(entry.narration) if entry.narration else entry.narration,
                postings=[p._replace(meta=self._meta(p.meta)) for p in entry.postings],
            )
        if isinstance(entry, data.Note):
            return entry._replace(meta=self._meta(entry.meta), comment=self.text(entry.comment))
        if isinstance(entry, data.Document):
            return entry._replace(meta=self._meta(entry.meta))
        return entry

    def entries(self, entries: Iterable[data.Directive]) -> list[data.Directive]:
        return [self.entry(e) for e in entries]


def _is_patient_posting(index: LedgerIndex, account: str) -> bool:
    if index.is_receipt_account(account):
        return True
    if index.root_type(account) != "assets":
        return False
    rest = account.split(":", 1)[1] if ":" in account else ""
    return re.match(r"(Creances|Receivables?|Clients?|Patients?)(:|$)", rest, re.IGNORECASE) is not None


def pseudonymise(entries: Sequence[data.Directive], index: LedgerIndex) -> tuple[list[data.Directive],
                                                                                  Pseudonymiser]:
    """The entries with patients pseudonymised, and the pseudonymiser used."""
    pseudonymiser = Pseudonymiser.from_entries(entries, index)
    return pseudonymiser.entries(entries), pseudonymiser
