"""Phone numbers, e-mail addresses and IBANs in free text, for the pseudonymised exports.

:func:`scrub_contacts` replaces each by a marker (``[téléphone]``, ``[e-mail]``,
``[IBAN]``). Phone numbers in French formats (``06 11 22 33 44``,
``06.11.22.33.44``, ``0611223344``, ``+33 6 11 22 33 44``, ``+33 (0)6…``,
``0033 6…``) and international ones (``+`` then 8 to 15 digits); IBANs written
in one piece or in groups of four, checked by shape only (a mistyped IBAN is
still someone's account). When in doubt it replaces: a reference that looks
like a phone number goes too.
"""

from __future__ import annotations

import re

PHONE = "[téléphone]"
EMAIL = "[e-mail]"
IBAN = "[IBAN]"

#: The markers in a scrubbed text: no name is searched inside them.
MARKERS = re.compile(r"(\[(?:téléphone|e-mail|IBAN)\])")

_SEP = r"[\s.\-]?"
_EMAIL_RE = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_FR_PHONE_RE = re.compile(rf"(?<![\d+])(?:(?:\+|00){_SEP}33{_SEP}(?:\(0\){_SEP})?|0)[1-9](?:{_SEP}\d\d){{4}}(?!\d)")
_INTL_PHONE_RE = re.compile(rf"(?<![\w+])\+{_SEP}\d(?:{_SEP}(?:\(0\){_SEP})?\d){{7,14}}(?!\d)")
_IBAN_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ \u00a0]?[A-Za-z0-9]{4}){2,7}"
                      r"(?:[ \u00a0]?[A-Za-z0-9]{1,4})?(?![A-Za-z0-9])")
#: An IBAN's account part is mostly digits; a product code of letters is left alone.
_IBAN_MIN_DIGITS = 10


def _iban(match: re.Match[str]) -> str:
    text = match.group(0)
    return IBAN if sum(c.isdigit() for c in text) >= _IBAN_MIN_DIGITS else text


def scrub_contacts(text: str) -> str:
    """``text`` without e-mail addresses, IBANs and phone numbers (in that order)."""
    if not any(c.isdigit() or c == "@" for c in text):
        return text
    text = _EMAIL_RE.sub(EMAIL, text)
    text = _IBAN_RE.sub(_iban, text)
    text = _FR_PHONE_RE.sub(PHONE, text)
    return _INTL_PHONE_RE.sub(PHONE, text)
