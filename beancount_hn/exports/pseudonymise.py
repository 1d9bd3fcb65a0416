"""Pseudonymous exports: the names of patients (health data, RGPD art. 9) and of every other person.

``hn export --pseudonymise`` (and Fava's pseudonymised zip) rewrite the entries
once, *before* any file is computed, so every file of the bundle carries the
same pseudonyms.

**Who is named, who is replaced.** Everything that names a person is replaced;
what stays is the practitioner's declared identity and the organisations
(:mod:`beancount_hn.exports.counterparties` says how a payee is judged: by
declaration or an exact known name, never by a word it contains). The persons
are

* every payee judged a person — a patient, a remplaçant, a colleague, a
  supplier trading under their own name;
* every ``patient:`` metadata value;
* every name after a civility in any text (« Espèces Mme Odile Vasseur »,
  « remplacement par M. Julien Roux », ``VIR M DARCY``);
* in the narration of a receipt whose payee is a description or absent
  (« Cours collectifs »), two or more capitalised words in a row that the
  ledger never writes in lower case (« Séance Odile Vasseur »).

A patient (a payee of fees or of a patient's receivable, a ``patient:`` value,
a name found in a receipt) becomes ``Patient 0001``…, another person
``Tiers 0001``…, numbered in order of first appearance in the whole ledger
(stable from one year's export to the next while past entries are unchanged).

**What is rewritten.** A person's payee is replaced whole by its pseudonym.
In every text — payees, narrations, every text metadata value, links, notes,
documents, events — e-mail addresses, phone numbers and IBANs become
``[e-mail]``, ``[téléphone]``, ``[IBAN]``, and every word of a person's name
(two letters or more, particles and civilities excepted; compared without
case or accents; ``D'Arcy`` also as ``DARCY``) is replaced. The replacement
takes the whole name around the word: the other words of that person, the
initials, the hyphenated or unknown capitalised words next to it and the
practitioner's name when it touches it, so no part of a real name is left
beside a pseudonym (« Léa-Rose Martin », « Camille Martin » beside a patient's
name). A name whose words belong to several persons becomes ``[personne]``.
Organisation names (declared, known, ``client-siren:``) and the practitioner's
name stay where they stand alone. An address (``client-adresse:``…) of a
counterparty that is not an organisation becomes ``[adresse]``.

**Free text fails closed.** In narrations, the payee of a non-organisation, metadata text,
links, an ``ajustement-2035``'s reason and the reason of a voided invoice number
(``hn-facture-annulee``: « erreur de patient, c'était Mme X »), a word survives only when it is harmless
(:func:`~beancount_hn.exports.vocabulary.is_harmless`: ordinary French words, the domain's
words), a number, or part of a kept organisation's or the practitioner's name written whole;
any other word becomes ``[...]``. A person's word that is also an ordinary word (« Petit ») is
replaced only where it names (after a civility or « née », beside another name word,
capitalised inside a sentence, alone). Source paths are printed relative to the ledger's
folder, with names not made of harmless words masked (:meth:`Pseudonymiser.path`).

**Refused** (an error naming the line, nothing written): a number that
identifies a document (``facture:``, ``avoir-de:``, ``lot:``…) or an account
named after a person (``Assets:Creances:Dupont``) — they cannot be rewritten
without breaking what they link — and an ``organisation:`` that is not
``TRUE``/``FALSE``. Tags are not rewritten (no file prints them).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from beancount.core import data

from beancount_hn.core.config import ADJUSTMENT_OPTION, load_config
from beancount_hn.core.errors import where
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.exports import ExportError
from beancount_hn.exports.contacts import MARKERS, REDACTED, scrub_contacts
from beancount_hn.exports.counterparties import (DESCRIPTION, ORGANISATION, PERSON, PRACTITIONER,
                                                 Counterparties)
from beancount_hn.exports.vocabulary import (BANK_WORDS, CIVILITIES, NAME_INTRODUCERS, PARTICLES, STOP_WORDS, WORD,
                                             is_capitalised, is_civility, is_harmless, name_key, ordinary_words,
                                             plain)
from beancount_hn.invoicing.invoices import VOID_DIRECTIVE

PATIENT_KEY = "patient"
AMBIGUOUS = "[personne]"
ADDRESS = "[adresse]"

#: Metadata whose values are codes the tools read (acts, statuses, numbers): left as they are.
CODE_KEYS = frozenset("""
    acte tva taux-tva convention amortissement duree quantite validite echeance hors-forfait
    mode-reglement journal compte ligne-2035 role part-privee organisation client-siren client-tva
    client-pays client-type date-facture premier-numero filename lineno
""".split())
#: Metadata naming a document other entries point to: refused when it holds a name.
#: ``hn-option`` directives whose string values are free text (rewritten like a narration).
FREE_TEXT_OPTIONS = frozenset({ADJUSTMENT_OPTION})
#: ``custom`` directives whose last value is free text (rewritten like a narration): the reason of
#: a voided invoice number, printed by the invoice report (« erreur de patient, c'était Mme X »).
FREE_TEXT_DIRECTIVES = frozenset({VOID_DIRECTIVE})
IDENTIFIER_KEYS = frozenset("facture avoir-de reglement-de lot devis facture-fournisseur".split())

# What may separate the words of one name: "M. Jean-Pierre  DUPONT", "D'Arcy".
_JOINER = re.compile(r"[\s.\-'’]*")
_GLUE = re.compile(r"['’\-]")  # inside a word: "D'Arcy", "Jean-Pierre" (no space)
_PROTECTED_JOINER = re.compile(r"[\s.\-'’&,]*")
#: Replaced words side by side (« [sic] TOURNEBIZE GILBERT »): one marker.
_REDACTED_RUN = re.compile(re.escape(REDACTED) + r"(?:[\s.\-'’,]*" + re.escape(REDACTED) + ")+")


def _patient_posting(index: LedgerIndex, account: str) -> bool:
    """A posting of fees, or of a patient's receivable."""
    if index.is_receipt_account(account):
        return True
    if index.root_type(account) != "assets":
        return False
    rest = account.split(":", 1)[1] if ":" in account else ""
    return re.match(r"(Creances|Receivables?|Clients?|Patients?)(:|$)", rest, re.IGNORECASE) is not None


@dataclass
class Person:
    """One person: the words that name them, and their pseudonym."""

    words: set[str]  # plain words of two letters or more (civilities, particles, bank words out), joined forms
    every_word: set[str]  # with particles and initials: what may sit inside their name
    patient: bool
    first: int  # position of the first entry naming them
    spellings: list[str] = field(default_factory=list)
    pseudonym: str = ""


def _name_words(spelling: str) -> tuple[set[str], set[str]]:
    """(core words, every word) of a name as written, joined forms included (``D'Arcy`` -> ``DARCY``)."""
    every = {plain(w) for w in WORD.findall(spelling)}
    core = {w for w in every if len(w) >= 2 and w not in CIVILITIES and w not in PARTICLES and w not in BANK_WORDS}
    for glued in re.finditer(r"[^\W\d_]+(?:['’\-][^\W\d_]+)+", spelling):
        parts = [plain(w) for w in WORD.findall(glued.group(0))]
        for start in range(len(parts)):
            for end in range(start + 2, len(parts) + 1):
                core.add("".join(parts[start:end]))
    return core, every | core


@dataclass
class _Segment:
    first: int  # token indexes, inclusive
    last: int
    kind: str  # PERSON, PRACTITIONER, ORGANISATION or "" (a free word)
    candidates: frozenset[int] = frozenset()


class Pseudonymiser:
    """The persons of a ledger, their pseudonyms, and the rewriting of text and entries."""

    def __init__(self, persons: Sequence[Person], *, protected: dict[tuple[str, ...], str] | None = None,
                 known_words: frozenset[str] = frozenset(), counterparties: Counterparties | None = None) -> None:
        self.persons = list(persons)
        self.protected = dict(protected or {})  # plain word sequence -> PRACTITIONER or ORGANISATION
        self._protected_size = max((len(k) for k in self.protected), default=0)
        self.known_words = known_words | STOP_WORDS  # words that are no name (end a name)
        self.counterparties = counterparties
        grouped: dict[str, set[int]] = {}
        for number, person in enumerate(self.persons):
            for word in person.words:
                grouped.setdefault(word, set()).add(number)
        self._index = {word: frozenset(numbers) for word, numbers in grouped.items()}
        self._by_spelling = {" ".join(s.split()): p.pseudonym for p in self.persons for s in p.spellings}
        self._done: dict[tuple[str, bool], str] = {}  # ledgers repeat the same texts (acte:, narrations)
        #: What the ledger holds that cannot be pseudonymised (accounts named after a person…).
        self.problems: list[str] = []
        self.folder = ""  # the ledger's folder: the paths printed are relative to it
        self._paths: dict[str, str] = {}

    @classmethod
    def for_names(cls, names: dict[str, str]) -> Pseudonymiser:
        """A pseudonymiser of the given ``{name: pseudonym}`` alone (no ledger: nothing protected)."""
        persons = []
        for first, (name, pseudonym) in enumerate(names.items()):
            core, every = _name_words(name)
            persons.append(Person(core, every, True, first, [name], pseudonym))
        return cls(persons)

    @property
    def names(self) -> dict[str, str]:
        """Every spelling of a person met in the ledger -> its pseudonym."""
        return dict(self._by_spelling)

    def word_persons(self, word: str) -> frozenset[int]:
        """The persons (indexes in :attr:`persons`) whose name holds the plain ``word``."""
        return self._index.get(word, frozenset())

    @property
    def patients(self) -> int:
        return sum(p.patient for p in self.persons)

    # --- text ------------------------------------------------------------------------------

    def text(self, value: str, *, strict: bool = True) -> str:
        """``value`` without contact details and without any word of a person's name.

        ``strict`` (free text): a word survives only when it is known to be harmless (an ordinary or
        a domain word, a kept organisation's or the practitioner's name); any other word becomes
        ``[…]``. Without it, only persons' names and contact details go (to test document numbers).
        """
        if not value:
            return value
        done = self._done.get((value, strict))
        if done is None:
            pieces = MARKERS.split(scrub_contacts(value))  # markers at odd positions, left as they are
            done = "".join(piece if n % 2 else self._names_out(piece, strict) for n, piece in enumerate(pieces))
            if strict:
                done = _REDACTED_RUN.sub(REDACTED, done)
            self._done[(value, strict)] = done
        return done

    def _names_out(self, value: str, strict: bool = True) -> str:
        tokens = list(WORD.finditer(value))
        if not tokens:
            return value
        segments = self._segments(value, tokens)
        self._ordinary_names_kept(value, tokens, segments)
        forced = self._forced(value, tokens, segments) if strict else set()
        out: list[str] = []
        position = 0
        used: set[int] = set()
        for number, segment in enumerate(segments):
            if number in used:
                continue
            if segment.kind != PERSON:
                word = tokens[segment.first].group(0)
                if strict and not segment.kind and (number in forced or not is_harmless(plain(word))):
                    out.append(value[position:tokens[segment.first].start()])
                    out.append(REDACTED)
                    position = tokens[segment.last].end()
                continue
            first, last = self._run(value, tokens, segments, number)
            used.update(range(first, last + 1))
            candidates: frozenset[int] | None = None
            for other in segments[first:last + 1]:
                if other.kind == PERSON:
                    candidates = other.candidates if candidates is None else candidates & other.candidates
            pseudonym = self.persons[next(iter(candidates))].pseudonym if candidates and len(candidates) == 1 \
                else AMBIGUOUS
            out.append(value[position:tokens[segments[first].first].start()])
            out.append(pseudonym)
            position = tokens[segments[last].last].end()
        out.append(value[position:])
        return "".join(out)

    def _ordinary_names_kept(self, value: str, tokens: list[re.Match[str]], segments: list[_Segment]) -> None:
        """A person's word that is also an ordinary word (« Petit », « Rose », « Blanc ») stays a word
        unless it names: after a civility or « née », joined to another word of a person's name, or
        capitalised inside a sentence. The segments so spared become free words (kept)."""
        def ordinary(segment: _Segment) -> bool:
            return segment.kind == PERSON and segment.first == segment.last \
                and plain(tokens[segment.first].group(0)) in ordinary_words()

        naming = [segment.kind == PERSON and not ordinary(segment) for segment in segments]
        for number, segment in enumerate(segments):
            if not ordinary(segment):
                continue
            word = tokens[segment.first].group(0)
            before = value[:tokens[segment.first].start()].rstrip()
            at_start = not before or before[-1] in ".!?;:«(\"-–—/|"
            alone = len(tokens) == 1  # a text that is only this word is a name
            if (is_capitalised(word) and (alone or not at_start)) or self._introduced(value, tokens, segment.first):
                naming[number] = True
        changed = True
        while changed:
            changed = False
            for number, segment in enumerate(segments):
                if naming[number] or not ordinary(segment):
                    continue
                neighbours = [n for n in (number - 1, number + 1) if 0 <= n < len(segments) and naming[n]
                              and segments[n].kind == PERSON]
                if any(self._joins(value, tokens, *sorted((segment, segments[n]), key=lambda s: s.first))
                       for n in neighbours):
                    naming[number] = changed = True
        for number, segment in enumerate(segments):
            if ordinary(segment) and not naming[number]:
                segments[number] = _Segment(segment.first, segment.last, "")

    @staticmethod
    def _introduced(value: str, tokens: list[re.Match[str]], i: int) -> bool:
        """True when token ``i`` follows a civility or a word that introduces a name (« née », « Vve »)."""
        if i == 0 or not _JOINER.fullmatch(value, tokens[i - 1].end(), tokens[i].start()):
            return False
        word = tokens[i - 1].group(0)
        if is_civility(word) or plain(word) in NAME_INTRODUCERS:
            return True
        # lower-case short civilities: « mr gasparou », « mme dupont », « m. robinetteau »
        return word in ("mr", "mme", "mlle", "mmes", "mlles", "dr", "pr") or \
            (word == "m" and value[tokens[i - 1].end():tokens[i - 1].end() + 1] == ".")

    def _forced(self, value: str, tokens: list[re.Match[str]], segments: list[_Segment]) -> set[int]:
        """Free segments that name someone whatever the word: after a civility or « née » (« née
        Martin », « Vve Castagnac »), and the capitalised words and particles that follow them."""
        forced: set[int] = set()
        for number, segment in enumerate(segments):
            if segment.kind or not self._introduced(value, tokens, segment.first) \
                    or not is_capitalised(tokens[segment.first].group(0)):
                continue  # « née le 12/03/1958 »: a word in lower case after it is a word
            forced.add(number)
            for later in range(number + 1, len(segments)):
                word = tokens[segments[later].first].group(0)
                if segments[later].kind or not self._joins(value, tokens, segments[later - 1], segments[later]) \
                        or not (is_capitalised(word) or plain(word) in PARTICLES):
                    break
                forced.add(later)
        return forced

    def _segments(self, value: str, tokens: list[re.Match[str]]) -> list[_Segment]:
        """The text's words grouped: person words, practitioner and organisation names, free words."""
        plains = [plain(t.group(0)) for t in tokens]
        segments: list[_Segment] = []
        i = 0
        while i < len(tokens):
            size = self._protected_at(value, tokens, plains, i)
            if size:
                segments.append(_Segment(i, i + size - 1, self.protected[tuple(plains[i:i + size])]))
                i += size
                continue
            # A glued word ("D'Arcy", "Jean-Pierre") spelled as one, longest first.
            end = i
            while end + 1 < len(tokens) and _GLUE.fullmatch(value, tokens[end].end(), tokens[end + 1].start()):
                end += 1
            for last in range(end, i - 1, -1):
                candidates = self._index.get("".join(plains[i:last + 1]))
                if candidates:
                    segments.append(_Segment(i, last, PERSON, candidates))
                    i = last + 1
                    break
            else:
                segments.append(_Segment(i, i, ""))
                i += 1
        return segments

    def _protected_at(self, value: str, tokens: list[re.Match[str]], plains: list[str], i: int) -> int:
        """The size of the practitioner's or an organisation's name starting at token ``i`` (0: none).

        One word that is also a person's word is not protected: the person wins; so does a person
        named like an organisation after a civility (« Mme Harmonie Mutuelle »).
        """
        after_civility = i > 0 and is_civility(tokens[i - 1].group(0)) \
            and _JOINER.fullmatch(value, tokens[i - 1].end(), tokens[i].start()) is not None
        for size in range(min(self._protected_size, len(tokens) - i), 0, -1):
            kind = self.protected.get(tuple(plains[i:i + size]))
            if kind and all(_PROTECTED_JOINER.fullmatch(value, tokens[k].end(), tokens[k + 1].start())
                            for k in range(i, i + size - 1)):
                if (kind == ORGANISATION and after_civility) or (size == 1 and plains[i] in self._index):
                    return 0
                return size
        return 0

    def _run(self, value: str, tokens: list[re.Match[str]], segments: list[_Segment], number: int) -> tuple[int, int]:
        """The segments of the whole name around the person segment ``number`` (first, last)."""
        first = last = number
        candidates = set(segments[number].candidates)
        while last + 1 < len(segments) and self._joins(value, tokens, segments[last], segments[last + 1]) \
                and self._belongs(value, tokens, segments, last + 1, +1, candidates):
            last += 1
            candidates |= segments[last].candidates
        while first > 0 and self._joins(value, tokens, segments[first - 1], segments[first]) \
                and self._belongs(value, tokens, segments, first - 1, -1, candidates):
            first -= 1
            candidates |= segments[first].candidates
        return first, last

    def _joins(self, value: str, tokens: list[re.Match[str]], left: _Segment, right: _Segment) -> bool:
        return _JOINER.fullmatch(self._between(value, tokens, left, right)) is not None

    @staticmethod
    def _between(value: str, tokens: list[re.Match[str]], left: _Segment, right: _Segment) -> str:
        return value[tokens[left.last].end():tokens[right.first].start()]

    def _belongs(self, value: str, tokens: list[re.Match[str]], segments: list[_Segment], number: int, step: int,
                 candidates: set[int]) -> bool:
        """True when segment ``number``, next to a name (on the side ``step``), is part of that name."""
        segment = segments[number]
        if segment.kind in (PERSON, PRACTITIONER):
            return True
        if segment.kind == ORGANISATION:
            return False
        word = tokens[segment.first].group(0)
        upper = plain(word)
        if step < 0 and is_civility(word):
            return False  # "Mme" stays before the pseudonym
        if any(upper in self.persons[c].every_word for c in candidates):
            return True
        if len(upper) == 1 and word.isupper():
            return True  # an initial
        if upper in PARTICLES:  # "de" inside "Jean de Lafontaine", not at the end of a name
            beyond = number + step
            return (0 <= beyond < len(segments)
                    and self._joins(value, tokens, *sorted((segment, segments[beyond]), key=lambda s: s.first))
                    and self._belongs(value, tokens, segments, beyond, step, candidates))
        near = segments[number - step]
        between = self._between(value, tokens, *sorted((segment, near), key=lambda s: s.first))
        glued = _GLUE.fullmatch(between) is not None  # "Léa-Rose", "D'Arcy"
        return is_capitalised(word) and (glued or upper not in self.known_words)

    # --- entries -----------------------------------------------------------------------------

    def _judged(self, name: str) -> str:
        return self.counterparties.kind(name) if self.counterparties else PERSON

    def _meta(self, meta: dict[str, Any] | None, payee_kind: str, problems: list[str]) -> dict[str, Any] | None:
        if not meta:
            return meta
        rewritten: dict[str, Any] = {}
        for key, value in meta.items():
            if key == "filename" and isinstance(value, str):
                rewritten[key] = self.path(value)
            elif not isinstance(value, str) or key in CODE_KEYS or key.startswith("__"):
                rewritten[key] = value
            elif key in IDENTIFIER_KEYS:
                if self.text(value, strict=False) != value:
                    problems.append(f"{where(meta)} : {key}: « {value} » contient un nom de personne, un "
                                    "téléphone, un e-mail ou un IBAN ; --pseudonymise ne réécrit pas les numéros "
                                    "de pièce (d'autres écritures y renvoient) : renumérotez-la")
                rewritten[key] = value
            elif key == PATIENT_KEY:
                rewritten[key] = self._by_spelling.get(" ".join(value.split())) or self.text(value)
            elif ("adresse" in key or "address" in key) and payee_kind not in (ORGANISATION, PRACTITIONER):
                rewritten[key] = ADDRESS
            else:
                rewritten[key] = self.text(value)
        return rewritten

    def _payee(self, payee: str | None) -> tuple[str | None, str]:
        if not payee:
            return payee, DESCRIPTION
        kind = self._judged(payee)
        if kind in (ORGANISATION, PRACTITIONER):
            return payee, kind  # kept whole: « CPAM du Rhône »
        whole = self._by_spelling.get(" ".join(payee.split())) if kind == PERSON else None
        return (whole or self.text(payee)), kind

    def _link(self, link: str) -> str:
        return re.sub(r"\s+", "-", self.text(link))

    def entry(self, entry: data.Directive, problems: list[str] | None = None) -> data.Directive:
        """A copy of ``entry`` without persons' names (code metadata that holds one goes to ``problems``)."""
        problems = [] if problems is None else problems
        if isinstance(entry, data.Transaction):
            payee, kind = self._payee(entry.payee)
            return entry._replace(
                meta=self._meta(entry.meta, kind, problems),
                payee=payee,
                narration=self.text(entry.narration) if entry.narration else entry.narration,
                links=frozenset(self._link(link) for link in entry.links) if entry.links else entry.links,
                postings=[p._replace(meta=self._meta(p.meta, kind, problems)) for p in entry.postings],
            )
        if isinstance(entry, data.Note):
            return entry._replace(meta=self._meta(entry.meta, PERSON, problems), comment=self.text(entry.comment))
        if isinstance(entry, data.Document):
            return entry._replace(meta=self._meta(entry.meta, PERSON, problems), filename=self.path(entry.filename))
        if isinstance(entry, data.Event):
            return entry._replace(meta=self._meta(entry.meta, PERSON, problems),
                                  description=self.text(entry.description))
        if isinstance(entry, data.Custom):
            return entry._replace(meta=self._meta(entry.meta, ORGANISATION, problems), values=self._custom(entry))
        meta = getattr(entry, "meta", None)
        return entry._replace(meta=self._meta(meta, ORGANISATION, problems)) if meta else entry

    def _custom(self, entry: data.Custom) -> list[Any]:
        """The values of a ``custom`` directive, with the free text of an ``ajustement-2035`` and the
        reason of a voided number (``hn-facture-annulee``) rewritten."""
        values = list(entry.values)
        if (entry.type in FREE_TEXT_DIRECTIVES
                or (entry.type == "hn-option" and values and values[0].value in FREE_TEXT_OPTIONS)):
            last = len(values) - 1  # the reason: after the box and the amount, or the number
            if last > 0 and isinstance(values[last].value, str):
                values[last] = values[last]._replace(value=self.text(values[last].value))
        return values

    def path(self, filename: str) -> str:
        """A source file's path as the bundle prints it: relative to the ledger's folder, each folder or
        file name whose words are not all harmless masked (``patients/fichier-03.beancount``)."""
        if not filename or filename.startswith("<"):
            return filename
        masked = self._paths.get(filename)
        if masked is None:
            masked = self._paths[filename] = _masked_path(os.path.relpath(filename, self.folder) if self.folder
                                                          else os.path.basename(filename), len(self._paths) + 1)
        return masked

    def index(self, index: LedgerIndex, entries: Sequence[data.Directive]) -> LedgerIndex:
        """``index`` made again from the rewritten ``entries``: the options (``ajustement-2035``'s text,
        where each was written) and the accounts' ``open`` as the bundle must print them."""
        config, errors = load_config(entries)
        if len(errors) > len(index.config_errors):  # the figures must not change
            raise ExportError("pseudonymisation impossible : options illisibles une fois réécrites :\n"
                              + "\n".join(f"{where(e.source)} : {e.message}" for e in errors))
        opens = {e.account: e for e in entries if isinstance(e, data.Open)}
        return dataclasses.replace(index, config=config, config_errors=errors, opens=opens)

    def entries(self, entries: Iterable[data.Directive]) -> list[data.Directive]:
        """The entries rewritten; :class:`ExportError` when a document number or an account names a person."""
        entries = list(entries)
        self._number_paths(entries)
        problems = list(self.problems)
        rewritten = [self.entry(e, problems) for e in entries]
        if problems:
            raise ExportError("pseudonymisation impossible :\n" + "\n".join(dict.fromkeys(problems)))
        return rewritten

    # --- the ledger ----------------------------------------------------------------------------

    def _number_paths(self, entries: Sequence[data.Directive]) -> None:
        """Number the source files in the order of their paths (stable from one export to the next)."""
        names = sorted({e.meta["filename"] for e in entries if isinstance(e.meta.get("filename") if e.meta else None, str)
                        and not e.meta["filename"].startswith("<")})
        folders = [os.path.dirname(os.path.abspath(n)) for n in names]
        self.folder = os.path.commonpath(folders) if folders else ""
        for name in names:
            self.path(name)

    @classmethod
    def from_entries(cls, entries: Sequence[data.Directive], index: LedgerIndex) -> Pseudonymiser:
        """Find the ledger's persons (see the module doc) and number them."""
        return _Finder(entries, index).pseudonymiser()

    def readme_lines(self) -> list[str]:
        """What the bundle's LISEZMOI says of the pseudonymisation (French)."""
        others = len(self.persons) - self.patients
        return [f"Les noms des personnes sont remplacés par des pseudonymes stables : {self.patients} patient(s) "
                f"(« Patient 0001 »…) et {others} autre(s) personne(s) (« Tiers 0001 »…), jusque dans les "
                "libellés et les métadonnées ; téléphones, e-mails et IBAN sont retirés.",
                "Restent nommés : la praticienne ou le praticien, et les organismes et entreprises déclarés "
                "(option « organisation », organisation: TRUE sur un compte, client-siren:) ou connus (CPAM, "
                "URSSAF, mutuelles, banques…).",
                "La table de correspondance n'est pas jointe : elle reste chez le praticien."]


class _Finder:
    """One pass over a ledger: its persons, the words it uses as words, the names it protects."""

    def __init__(self, entries: Sequence[data.Directive], index: LedgerIndex) -> None:
        self.entries = entries
        self.index = index
        common = _common_words(entries)
        self.counterparties = Counterparties(entries, index, common)
        self.protected: dict[tuple[str, ...], str] = {}
        for name in self.counterparties.organisation_names():
            words = tuple(WORD.findall(" ".join(name)))
            if sum(map(len, words)) >= 2:
                self.protected[words] = ORGANISATION
        for name in self.counterparties.practitioner:
            self.protected[name] = PRACTITIONER
        #: Words the ledger uses as words: a capitalised one of them next to a name is not part of it.
        self.words = frozenset(common | _identity_words(index) | {w for name in self.protected for w in name})
        self.known_words = self.words | _account_words(index)
        self.persons: dict[frozenset[str], Person] = {}

    def _add(self, spelling: str, patient: bool, position: int, *, strong: bool) -> None:
        spelling = " ".join(spelling.split())
        if not spelling:
            return
        core, every = _name_words(spelling)
        key = frozenset(core) or frozenset({plain(spelling)})
        person = self.persons.get(key)
        if person is None and not strong:
            # A name met in a text: when its known words point at one person, its other words
            # ("Hélène Marie Dupont") join them; when they point at several, only new words count.
            holders = [p for p in self.persons.values() if p.words & core]
            known = {w for p in holders for w in p.words} & core
            common = [p for p in holders if known <= p.words]
            if len(common) == 1:
                person = common[0]
                person.words |= core
                person.every_word |= every
            elif holders and known == core:
                return
        if person is None:
            person = self.persons[key] = Person(set(core), every, patient, position)
        elif strong and patient:
            person.patient = True
        if spelling not in person.spellings:
            person.spellings.append(spelling)

    def pseudonymiser(self) -> Pseudonymiser:
        transactions = [(n, e) for n, e in enumerate(self.entries) if isinstance(e, data.Transaction)]
        for position, txn in transactions:  # payees and patient: values first: they say who is a patient
            patient = any(_patient_posting(self.index, p.account) for p in txn.postings)
            if txn.payee and self.counterparties.kind(txn.payee) == PERSON:
                self._add(txn.payee, patient, position, strong=True)
            for meta in [txn.meta] + [p.meta for p in txn.postings]:
                value = (meta or {}).get(PATIENT_KEY)
                if isinstance(value, str):
                    self._add(value, True, position, strong=True)
        for position, entry in enumerate(self.entries):
            self._discover(position, entry)
        if self.counterparties.errors:
            raise ExportError("pseudonymisation impossible :\n" + "\n".join(dict.fromkeys(self.counterparties.errors)))
        pseudonymiser = self._numbered()
        pseudonymiser.problems = self._account_problems(pseudonymiser)
        return pseudonymiser

    def _account_problems(self, pseudonymiser: Pseudonymiser) -> list[str]:
        """Accounts named after one person (``Assets:Creances:Dupont``): no file could hide them.

        A segment counts when each of its words is a word of that person and one of them at
        least is no word the ledger uses as a word (« Formation », « Loyer » are not names).
        In an ``Income:`` or ``Expenses:`` account, a segment of ordinary words names the
        account's category, not the payee who repeats it (``* "Loyer" "mars"`` on
        ``Expenses:Loyer``), unless a patient carries one of its words: patients' names are
        refused wherever they stand. When the payee is the segment itself (« Doctolib » on
        ``Expenses:Logiciel:Doctolib``), the refusal offers the ``organisation`` declaration.
        """
        problems = []
        for account, opened in self.index.opens.items():
            category = self.index.root_type(account) in ("income", "expenses")
            for segment in account.split(":")[1:]:
                words = [plain(w) for w in WORD.findall(segment) if len(w) >= 2]
                sets = [pseudonymiser.word_persons(w) for w in words]
                if not (words and all(sets) and frozenset.intersection(*sets)
                        and any(w not in self.words and w not in STOP_WORDS for w in words)):
                    continue
                patient = any(pseudonymiser.persons[n].patient for n in frozenset.union(*sets))
                if category and not patient and all(is_harmless(w) for w in words):
                    continue
                named = pseudonymiser.persons[min(frozenset.intersection(*sets))]
                name = next((spelling for spelling in named.spellings if name_key(spelling) == name_key(segment)), None)
                if not patient and name is not None and '"' not in name:  # the payee repeats the account's name
                    problems.append(
                        f"{where(opened.meta)} : le compte {account} porte le nom du tiers « {name} », qu'aucune "
                        "déclaration ne dit organisme : --pseudonymise le prend pour une personne et ne renomme "
                        "pas les comptes ; si ce n'est pas une personne (une entreprise, un service), déclarez-le : "
                        f"{opened.date} custom \"hn-option\" \"organisation\" \"{name}\" ; sinon renommez le "
                        "compte, ou exportez sans --pseudonymise")
                else:
                    problems.append(f"{where(opened.meta)} : le compte {account} porte le nom d'une personne "
                                    f"(« {segment} ») ; --pseudonymise ne renomme pas les comptes : "
                                    "renommez-le, ou exportez sans --pseudonymise")
        return problems

    def _numbered(self) -> Pseudonymiser:
        counters = {True: 0, False: 0}
        persons = sorted(self.persons.values(), key=lambda p: (p.first, p.spellings[0]))
        for person in persons:
            counters[person.patient] += 1
            person.pseudonym = f"{'Patient' if person.patient else 'Tiers'} {counters[person.patient]:04d}"
        return Pseudonymiser(persons, protected=self.protected, known_words=self.known_words,
                             counterparties=self.counterparties)

    def _discover(self, position: int, entry: data.Directive) -> None:
        """Names after a civility in every text; unknown capitalised names in grouped receipts."""
        if isinstance(entry, data.Transaction):
            patient = any(_patient_posting(self.index, p.account) for p in entry.postings)
            payee = entry.payee if entry.payee and self.counterparties.kind(entry.payee) != PERSON else ""
            texts = [payee, entry.narration or ""] + _meta_texts([entry.meta] + [p.meta for p in entry.postings])
            grouped = patient and (not entry.payee or self.counterparties.kind(entry.payee) == DESCRIPTION)
            if grouped:
                for name in _unknown_names(scrub_contacts(entry.narration or ""), self.known_words):
                    self._add(name, True, position, strong=False)
        elif isinstance(entry, (data.Note, data.Event, data.Document)):
            patient = False
            texts = [getattr(entry, "comment", None) or getattr(entry, "description", None) or ""]
            texts += _meta_texts([entry.meta])
        else:
            return
        for text in texts:
            for name in _civility_names(scrub_contacts(text)):
                if tuple(plain(w) for w in WORD.findall(name)) not in self.counterparties.practitioner:
                    self._add(name, patient, position, strong=False)


def _masked_path(relative: str, number: int) -> str:
    """``relative`` with each folder or file name that holds a word not known to be harmless replaced
    (``dossier-NN``, ``fichier-NN.ext``); ``..`` and harmless names (« 2025-depenses ») stay."""
    parts = relative.replace(os.sep, "/").split("/")
    masked = []
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        stem, ext = os.path.splitext(part) if last else (part, "")
        if part != ".." and not all(is_harmless(plain(w)) for w in WORD.findall(stem)):
            stem = f"{'fichier' if last else 'dossier'}-{number:02d}"
        masked.append(stem + ext)
    return "/".join(masked)


def _meta_texts(metas: Iterable[dict[str, Any] | None]) -> list[str]:
    return [v for meta in metas for k, v in (meta or {}).items()
            if isinstance(v, str) and k not in CODE_KEYS and not k.startswith("__")]


def _civility_names(text: str) -> list[str]:
    """The names written after a civility: ``Mme Odile Vasseur``, ``M. O. D'Arcy``, ``VIR M DARCY JEAN``.

    Taken: initials, particles, words written as names (« Avril », « Lot »: a month or a word
    that describes receipts is a name when so written after a civility), words in capitals that
    are no word of a label (:data:`~beancount_hn.exports.vocabulary.STOP_WORDS`: ``VIR M DUPONT
    SEANCE`` stops at ``SEANCE``) and a first word in lower case (« Mme dupont »).
    """
    tokens = list(WORD.finditer(text))
    names = []
    for i, token in enumerate(tokens):
        if not is_civility(token.group(0)):
            continue
        taken: list[re.Match[str]] = []
        for j in range(i + 1, len(tokens)):
            if not _JOINER.fullmatch(text, tokens[j - 1].end(), tokens[j].start()):
                break
            word = tokens[j].group(0)
            upper = plain(word)
            as_name = is_capitalised(word) and not word.isupper() and upper not in BANK_WORDS | CIVILITIES
            if (upper in PARTICLES or (len(upper) == 1 and word.isupper()) or as_name
                    or (upper not in STOP_WORDS and (is_capitalised(word) or not taken))):
                taken.append(tokens[j])
            else:
                break
        while taken and plain(taken[-1].group(0)) in PARTICLES:
            taken.pop()
        if any(len(plain(t.group(0))) >= 2 and plain(t.group(0)) not in PARTICLES for t in taken):
            names.append(text[taken[0].start():taken[-1].end()])
    return names


def _unknown_names(text: str, known_words: frozenset[str]) -> list[str]:
    """Runs of two or more capitalised words the ledger does not use as words (« Odile Vasseur »)."""
    names = []
    run: list[re.Match[str]] = []
    for token in WORD.finditer(text):
        word = token.group(0)
        unknown = is_capitalised(word) and not word.isupper() and plain(word) not in known_words
        if unknown and run and _JOINER.fullmatch(text, run[-1].end(), token.start()):
            run.append(token)
            continue
        if len(run) >= 2:
            names.append(text[run[0].start():run[-1].end()])
        run = [token] if unknown else []
    if len(run) >= 2:
        names.append(text[run[0].start():run[-1].end()])
    return names


def _common_words(entries: Iterable[data.Directive]) -> set[str]:
    """Plain words the ledger writes in lower case in its narrations and notes: words, not names."""
    words: set[str] = set()
    for entry in entries:
        if isinstance(entry, data.Transaction):
            texts = [entry.narration or ""] + _meta_texts([entry.meta] + [p.meta for p in entry.postings])
        elif isinstance(entry, data.Note):
            texts = [entry.comment or ""]
        else:
            continue
        for text in texts:
            words.update(plain(w) for w in WORD.findall(scrub_contacts(text)) if w.islower() and len(w) > 1)
    return words


def _account_words(index: LedgerIndex) -> set[str]:
    return {plain(w) for account in index.opens for w in WORD.findall(account)}


def _identity_words(index: LedgerIndex) -> set[str]:
    """Words of the practitioner's address and profession (« rue Francis de Pressensé »): not names."""
    return {plain(w) for option in index.config.entries("identity")
            if option.value[0] in ("adresse", "ville", "profession") for w in WORD.findall(option.value[1])}

