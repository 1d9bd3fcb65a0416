"""Phone numbers, e-mail addresses and IBANs in free text, for the pseudonymised exports.

:func:`scrub_contacts` replaces each by a marker (``[téléphone]``, ``[e-mail]``,
``[IBAN]``). Phone numbers in French formats (``06 11 22 33 44``,
``06.11.22.33.44``, ``0611223344``, ``+33 6 11 22 33 44``, ``+33 (0)6…``,
``0033 6…``) and international ones (``+`` then 8 to 15 digits); IBANs written
in one piece or in groups of four, checked by shape only (a mistyped IBAN is
still someone's account), written with spaces, dashes or dots, and obfuscated e-mails
(``toto [at] exemple.fr``, ``zorro arobase gmail point com``, ``bibi @ free.fr``);
NIR, RIB and any number of eleven digits or more (``[numéro]``), a date after a
word of birth (« née le [date] ») and street addresses and postcodes with their
town (``[adresse]``). When in doubt it replaces: a reference that looks like a
phone number goes too.
"""

from __future__ import annotations

import functools
import re

PHONE = "[téléphone]"
EMAIL = "[e-mail]"
IBAN = "[IBAN]"
NUMBER = "[numéro]"
ADDRESS = "[adresse]"
BIRTH_DATE = "[date]"
#: A word of free text that is not known to be harmless (see ``pseudonymise``).
REDACTED = "[...]"

#: The markers in a scrubbed text: no name is searched inside them.
MARKERS = re.compile(r"(\[(?:téléphone|e-mail|IBAN|numéro|adresse|date|\.\.\.)\])")

_SEP = r"[\s.\-/]{0,2}"  # "06 11", "06  11", "06.11", "06/11", "06 - 11"
_AT = r"(?:\s*@\s*|\s*[\[({<]\s*(?:at|arobase|chez)\s*[\])}>]\s*|\s+(?:at|arobase)\s+)"
_DOT = r"(?:\s*\.\s*|\s*[\[({<]\s*(?:dot|point|pt)\s*[\])}>]\s*|\s+(?:dot|point)\s+)"
_EMAIL_RE = re.compile(rf"[\w.+\-]+{_AT}[\w\-]+(?:{_DOT}[\w\-]+)+", re.IGNORECASE)
#: A French number: 0 and nine digits, whatever separates them (« 0618 223 344 », « 0 6 20 22 33 44 »).
_FR_PHONE_RE = re.compile(rf"(?<![\d+])(?:(?:\+|00){_SEP}33{_SEP}(?:\(0\){_SEP})?|0{_SEP})[1-9](?:{_SEP}\d){{8}}(?!\d)")
_INTL_PHONE_RE = re.compile(rf"(?<![\w+])\+{_SEP}\d(?:{_SEP}(?:\(0\){_SEP})?\d){{7,14}}(?!\d)")
_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Z]{2}[\s\-.]{0,2}|[A-Za-z]{2})\d{2}(?:[\s\-.]{0,2}[A-Za-z0-9]{4}){2,7}"
                      r"(?:[\s\-.]{0,2}[A-Za-z0-9]{1,4})?(?![A-Za-z0-9])")
#: An IBAN's account part is mostly digits; a product code of letters is left alone.
_IBAN_MIN_DIGITS = 10
#: A NIR (« 1 85 05 78 006 084 36 », Corsica « 2A »), a RIB (« 30006 00001 12345678444 89 ») or any
#: other long number: eleven digits or more, with spaces, dots or dashes between groups.
_NIR_RE = re.compile(r"(?<![\w+])[1-478][\s.\-]{0,2}\d\d[\s.\-]{0,2}\d\d[\s.\-]{0,2}(?:\d\d|2[AB])"
                     r"(?:[\s.\-]{0,2}\d){6}(?:[\s.\-]{0,2}\d\d)?(?![\w])", re.IGNORECASE)
_RIB_RE = re.compile(r"(?<![\w+])\d{5}[\s.\-]{0,2}\d{5}[\s.\-]{0,2}[\dA-Za-z]{11}[\s.\-]{0,2}\d{2}(?![\w])")
_LONG_NUMBER_RE = re.compile(r"(?<![\w+])\d(?:[\s.\-]{0,2}\d){10,}(?![\w])")
#: A date after a word of birth (« née le 12/03/1958 », « DDN : 12.03.58 », « né en 1958 »).
_BIRTH_RE = re.compile(r"(?:\b(?:n[ée]e?s?|naissance|ddn|date de naissance)\b[\s:,]*(?:le|en|du|:)?\s*)"
                       r"(\d{1,2}[\s./\-]\w+[\s./\-]\d{2,4}|\d{1,2}[\s./\-]\d{1,2}[\s./\-]\d{2,4}|\d{4})",
                       re.IGNORECASE)
#: A street address: a number, a kind of street and the words of its name (« 12 rue des Lilas »,
#: « 3 bis, av. Jean Jaurès »), and a postcode followed by its town (« 69003 Lyon »).
_STREET_KINDS = (r"rue|avenue|av|bd|boulevard|chemin|ch|allée|allee|impasse|imp|place|pl|route|rte|quai|cours|"
                 r"square|sq|résidence|residence|lotissement|hameau|lieu-dit|lieudit|chaussée|chaussee|faubourg|"
                 r"fbg|passage|sentier|voie|villa|cité|cite|parvis|esplanade|promenade|montée|montee|rond-point")
_STREET_RE = re.compile(rf"(?<![\w])\d{{1,4}}\s*(?:bis|ter)?\s*,?\s*(?:{_STREET_KINDS})\b\.?"
                        r"(?:[\s'’\-]+(?!\d)[^\W\d_]+){1,6}", re.IGNORECASE)
_POSTCODE_RE = re.compile(r"(?<![\w])(?:F-)?(?:\d{5}|\d{2}\s\d{3})(?:\s+(?:cedex\b|[^\W\d_]+(?:[\s'’\-]+[^\W\d_]+){0,3}))",
                          re.IGNORECASE)


def _iban(match: re.Match[str]) -> str:
    text = match.group(0)
    return IBAN if sum(c.isdigit() for c in text) >= _IBAN_MIN_DIGITS else text


def _birth(match: re.Match[str]) -> str:
    return match.group(0)[:match.start(1) - match.start(0)] + BIRTH_DATE


def _postcode(match: re.Match[str]) -> str:
    town = match.group(0).split()[-1]
    return match.group(0) if town.upper() in ("EUR", "EUROS", "E") else ADDRESS


@functools.lru_cache(maxsize=65536)
def scrub_contacts(text: str) -> str:
    """``text`` without IBANs, RIBs, NIR, phone numbers, other long numbers, e-mail addresses, dates of
    birth and street addresses (in that order)."""
    if any(c.isdigit() for c in text):
        text = _IBAN_RE.sub(_iban, text)
        text = _RIB_RE.sub(NUMBER, text)
        text = _NIR_RE.sub(NUMBER, text)
        text = _INTL_PHONE_RE.sub(PHONE, text)
        text = _FR_PHONE_RE.sub(PHONE, text)
        text = _LONG_NUMBER_RE.sub(NUMBER, text)
        text = _BIRTH_RE.sub(_birth, text)
        text = _STREET_RE.sub(ADDRESS, text)
        text = _POSTCODE_RE.sub(_postcode, text)
    text = _EMAIL_RE.sub(EMAIL, text)
    return text
