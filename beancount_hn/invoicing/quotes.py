"""Quotes (devis, prior written information) declared by ``custom "hn-devis"``.

A quote is given to the patient before the care when the fees include a
dépassement or hors-nomenclature acts and reach 70 EUR (arrêté du 2 octobre
2008, CSP L.1111-3); the invoice then names it with ``devis:``::

    2025-03-10 custom "hn-devis" "D-2025-0001" "Mme Sophie Bernard" 90.00 EUR
      acte: "HN"
      description: "Bilan postural et 3 séances de Pilates individuel"
      validite: 2025-04-10

Values: the quote number, the client, the quoted amount. Metadata (all
optional): ``acte:``, ``description:``, ``validite:`` (a date, the last day of
care the quote covers). The amount is what one note citing it may bill at most (a
monthly forfait cited by a note each month, a session price). A quote for a dépassement states the act's tariff and
the nature and amount of the dépassement (CSP L.1111-3): ``acte:`` names the
NGAP act, ``depassement:`` its amount (part of the quoted amount) and
``motif-depassement:`` its nature::

    2025-03-10 custom "hn-devis" "D-2025-0002" "M. Roux" 29.68 EUR
      acte: "RAB 8"
      depassement: 12.00 EUR
      motif-depassement: "séances à 20 h 30, à la demande du patient"

The invoice checks live in ``beancount_hn.invoicing.invoices`` (:func:`clients_differ`
tells them whether the quote's client is clearly not the note's, :func:`is_company_client`
and :func:`names_a_company` whether a note or a quote is made out to a company); the notes
renderer reuses :class:`Quote`. Messages are in French (``bean-check`` shows them).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import NamedTuple

from beancount.core import data
from beancount.core.amount import Amount

from beancount_hn.core import frtypo
from beancount_hn.core.config import normalize_word
from beancount_hn.core.errors import error_type, source_of, where
from beancount_hn.core.words import WORD, plain

QuoteError = error_type("QuoteError")

QUOTE_DIRECTIVE = "hn-devis"
#: ``client-type:`` values of a company client (as the notes renderer reads them).
COMPANY_TYPES = ("entreprise", "societe", "association", "collectivite", "administration")
_EXAMPLE = 'p. ex. custom "hn-devis" "D-2025-0001" "Mme Sophie Bernard" 90.00 EUR'


class Quote(NamedTuple):
    """One ``hn-devis`` directive (a tuple: a ledger may hold thousands, read on every ``bean-check``)."""

    number: str
    date: datetime.date
    client: str
    amount: Amount
    acte: str | None
    description: str | None
    validite: datetime.date | None
    entry: data.Custom
    depassement: Amount | None = None  # the dépassement inside ``amount``
    motif_depassement: str | None = None  # its nature


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _depassement(number: str, amount: Amount, meta: dict) -> tuple[Amount | None, str | None]:
    """``depassement:`` (inside the quoted amount, same currency) and its ``motif-depassement:``."""
    value, motif = meta.get("depassement"), _text(meta.get("motif-depassement"))
    if value is None:
        if "motif-depassement" in meta:
            raise ValueError(f"hn-devis {number} : motif-depassement: sans depassement: ; écrivez aussi le "
                             "montant du dépassement, p. ex. depassement: 12.00 EUR")
        return None, None
    if not isinstance(value, Amount) or value.number is None or value.currency != amount.currency:
        raise ValueError(f"hn-devis {number} : depassement: est un montant dans la devise du devis, "
                         f"p. ex. depassement: 12.00 {amount.currency}")
    if not 0 < value.number < amount.number:
        raise ValueError(f"hn-devis {number} : depassement: {value.number} doit être positif et inférieur au "
                         f"montant du devis ({amount.number}), qui comprend le tarif de l'acte")
    if motif is None:
        raise ValueError(f"hn-devis {number} : un dépassement dit sa nature (art. L.1111-3 du CSP) ; ajoutez "
                         'motif-depassement: "séance à 20 h 30, à la demande du patient"')
    return value, motif


def parse_quote(entry: data.Custom) -> Quote:
    """Parse one ``hn-devis`` directive; ``ValueError`` says (in French) what is wrong."""
    values = [v.value for v in entry.values]
    if len(values) != 3:
        raise ValueError(f"hn-devis attend un numéro, un client et un montant ({_EXAMPLE}) ; "
                         f"reçu {len(values)} valeur(s)")
    number, client, amount = values
    if _text(number) is None:
        raise ValueError(f"hn-devis : le numéro du devis est un texte entre guillemets ({_EXAMPLE})")
    if _text(client) is None:
        raise ValueError(f"hn-devis {number} : le client est un texte entre guillemets ({_EXAMPLE})")
    if not isinstance(amount, Amount) or amount.number is None or amount.number <= 0:
        raise ValueError(f"hn-devis {number} : le montant est positif, avec sa devise, p. ex. 90.00 EUR")
    meta = entry.meta or {}
    validite = meta.get("validite")
    if validite is not None and not isinstance(validite, datetime.date):
        raise ValueError(f"hn-devis {number} : validite: est une date (AAAA-MM-JJ, sans guillemets)")
    if validite is not None and validite < entry.date:
        raise ValueError(f"hn-devis {number} : validite: {validite} précède la date du devis "
                         f"({frtypo.date(entry.date)})")
    texts = []  # acte: and description:
    for key in ("acte", "description"):
        text = _text(meta.get(key))
        if text is None and key in meta:
            raise ValueError(f"hn-devis {number} : {key}: est un texte entre guillemets, non vide")
        texts.append(text)
    depassement, motif = _depassement(number, amount, meta)
    return Quote(number.strip(), entry.date, client.strip(), amount, *texts, validite, entry, depassement, motif)


def read_quotes(entries: Iterable[data.Directive]) -> tuple[dict[str, Quote], list]:
    """Every ``hn-devis`` of the ledger by number, and the errors of malformed or repeated ones."""
    quotes: dict[str, Quote] = {}
    errors: list = []
    for entry in entries:
        if not isinstance(entry, data.Custom) or entry.type != QUOTE_DIRECTIVE:
            continue
        try:
            quote = parse_quote(entry)
        except ValueError as exc:
            errors.append(QuoteError(source_of(entry), str(exc), entry))
            continue
        first = quotes.get(quote.number)
        if first is not None:
            errors.append(QuoteError(
                source_of(entry),
                f"le numéro de devis {quote.number} est déjà pris par le hn-devis de "
                f"{where(first.entry.meta)} ; donnez à ce devis son propre numéro",
                entry,
            ))
            continue
        quotes[quote.number] = quote
    return quotes, errors


# --- the quote's client and the note's ----------------------------------------------

#: Words that do not tell one person from another: civilities, particles, and the words a
#: note written for an unnamed patient carries (« Patient », « Famille »).
_NOT_A_NAME = frozenset("""
    m mr mme mmes mlle mlles mm mrs ms dr pr me monsieur madame mademoiselle messieurs mesdames
    docteur professeur maitre de du des d l la le les van von der den di da dos das el al ben y et
    patient patiente patients client cliente clients anonyme famille
""".split())


@functools.lru_cache(maxsize=4096)
def name_words(name: str) -> frozenset[str]:
    """The words of a person's name that tell them apart: lower case, accents removed, without
    civilities and particles (``"Mme Hélène de Łódź-Durand"`` -> ``{"helene", "lodz", "durand"}``).

    Remembered for the last few thousand names: a ledger names the same patients and quote
    clients again and again, and every ``bean-check`` compares each cited quote with its note."""
    words = (word.lower() for word in WORD.findall(plain(name)))
    return frozenset(word for word in words if word not in _NOT_A_NAME)


def _alike(one: str, other: str) -> bool:
    """Could two words be spellings of one name: the same, an initial of it, a short form
    (« Fred », « Frédéric »), a typing variant (« Dupont », « Dupond »)?"""
    if one == other:
        return True
    if len(one) == 1 or len(other) == 1:
        return one[0] == other[0]
    if min(len(one), len(other)) >= 3 and (one.startswith(other) or other.startswith(one)):
        return True
    return SequenceMatcher(None, one, other).ratio() >= 0.75


def clients_differ(quote_client: str, note_client: str) -> bool:
    """Are these clearly two different people (or companies)? Only when no word of one name
    could be a word of the other, whatever the case, accents, civility and word order.
    A shared word (a family name, a first name), an initial, a short form or a typing
    variant leaves it open, and so does a name without telling words: not different."""
    if quote_client == note_client:
        return False  # the usual quote: made out to the note's very client
    one, other = name_words(quote_client), name_words(note_client)
    if not one or not other or not one.isdisjoint(other):
        return False
    return not any(_alike(a, b) for a in one for b in other)


#: Words of a name that make it a company's: legal forms and kinds of organisations
#: (as :func:`name_words` spells them).
_COMPANY_WORDS = frozenset("""
    sa sas sasu sarl eurl sci scm scp snc sca scop selarl selas selasu selafa selca gie gip
    societe entreprise association fondation mutuelle cooperative groupe ets etablissements
    mairie commune ehpad clinique
""".split())


def is_company_client(meta: dict | None) -> bool:
    """Is the document whose metadata is ``meta`` made out to a company: ``client-siren:``,
    ``client-tva:`` or a company ``client-type:``, as the notes renderer tells a company from
    a patient."""
    if not meta:
        return False
    if any(meta.get(key) is not None and str(meta.get(key)).strip() for key in ("client-siren", "client-tva")):
        return True
    client_type = meta.get("client-type")
    return client_type is not None and normalize_word(str(client_type)) in COMPANY_TYPES


def names_a_company(quote: Quote) -> bool:
    """Does ``quote`` name a company: its metadata says so (:func:`is_company_client`) or its
    client carries a legal form (« Transports Girard SA »), not only a contact person
    (« Mme Claire Roux, DRH »)."""
    return is_company_client(quote.entry.meta) or not _COMPANY_WORDS.isdisjoint(name_words(quote.client))
