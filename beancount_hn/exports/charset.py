"""Text for a file in a limited character set: transliterate, never drop silently.

The FEC is written in ISO 8859-15 by default (art. A47 A-1 LPF lists ASCII,
ISO 8859-15 and EBCDIC). Characters that set cannot carry are replaced by the
closest it can (``’`` → ``'``, ``—`` → ``-``, ``ł`` → ``l``, accents removed by
Unicode decomposition) or by ``?``; every replacement is counted so the
caller can warn. Field separators and line breaks inside a value are turned
into spaces (and counted too): a value must never split a record. Other spaces
(the no-break spaces of French typography that hn's own labels carry, U+00A0,
U+202F…) become plain spaces silently: nothing is lost.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from beancount_hn.core.errors import as_written
from beancount_hn.core.words import unaccented

#: Replacements tried before Unicode decomposition.
_TABLE = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ",
    "\u2003": " ",
    "\u200b": "", "\ufeff": "",
    "\u2022": "-", "\u00b7": "-",
    "\u2264": "<=", "\u2265": ">=",
    "\u00df": "ss", "\u0142": "l", "\u0141": "L", "\u00f8": "o", "\u00d8": "O",
    "\u0111": "d", "\u0110": "D", "\u00e6": "ae", "\u00c6": "AE",
    "\u2122": "TM", "\u00ae": "(R)", "\u00a9": "(C)",
}


def normalize_charset(name: str) -> str:
    """The codec's canonical name (``"latin-9"`` → ``"iso8859-15"``); ValueError if unknown."""
    try:
        return codecs.lookup(name).name
    except LookupError as exc:
        raise ValueError(f"jeu de caractères inconnu {as_written(name)}") from exc


def describe_char(char: str) -> str:
    """A character as a reader can tell it: itself and its Unicode name (``‘→’ (RIGHTWARDS ARROW)``)."""
    name = unicodedata.name(char, None) or f"U+{ord(char):04X}"
    return f"‘{char}’ ({name})"


def _became(replacement: str) -> str:
    return f"→ ‘{replacement}’" if replacement else "supprimé"


@dataclass
class Transliterator:
    """Makes text fit ``charset``, counting what it had to change."""

    charset: str
    replaced: Counter = field(default_factory=Counter)  # original character -> occurrences
    cleaned: Counter = field(default_factory=Counter)  # separators / line breaks in values

    def __post_init__(self) -> None:
        self.charset = normalize_charset(self.charset)

    def _fits(self, text: str) -> bool:
        try:
            text.encode(self.charset)
        except UnicodeEncodeError:
            return False
        return True

    def _one(self, char: str) -> str:
        if char in _TABLE and self._fits(_TABLE[char]):
            return _TABLE[char]
        decomposed = unaccented(char)
        if decomposed and self._fits(decomposed):
            return decomposed
        return "?"

    def field(self, text: str, forbidden: str = "") -> str:
        """``text`` made safe for one field: encodable, without ``forbidden`` or line breaks."""
        out = []
        for char in text:
            if char in forbidden or unicodedata.category(char) in ("Cc", "Zl", "Zp"):
                self.cleaned[char] += 1
                out.append(" ")
            elif char.isascii():
                out.append(char)
            elif unicodedata.category(char) == "Zs":  # a no-break or thin space: nothing is lost
                out.append(" ")
            elif self._fits(char):
                out.append(char)
            else:
                self.replaced[char] += 1
                out.append(self._one(char))
        return "".join(out)

    def summary(self) -> list[str]:
        """Human-readable warnings, empty when nothing was changed."""
        notes = []
        if self.replaced:
            total = sum(self.replaced.values())
            chars = ", ".join(f"{describe_char(c)} {_became(self._one(c))} ({n} fois)"
                              for c, n in sorted(self.replaced.items()))
            notes.append(f"{total} caractère(s) hors de {self.charset} translittéré(s) : {chars}")
        if self.cleaned:
            total = sum(self.cleaned.values())
            notes.append(f"{total} séparateur(s) ou saut(s) de ligne dans les valeurs remplacé(s) par des espaces")
        return notes
