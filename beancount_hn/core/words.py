"""Words of names compared as plain text: upper case, accents removed, letters Unicode does
not decompose mapped to their plain form (``Łucja`` → ``LUCJA``).

Read by the pseudonymised exports (``exports.vocabulary``), by the devis checks that
compare a quote's client with a note's (``invoicing.quotes``), and, without the upper
case (:func:`unaccented`), by whatever compares words as users type them: option values,
statement headers, categorisation rules, characters an export's charset lacks.
"""

from __future__ import annotations

import re
import unicodedata

#: Letters Unicode does not decompose, with their plain form (``Ł`` -> ``L``).
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i",
                               "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"})

#: A word of a name or of a text: letters only (``D'Arcy`` is ``D`` and ``Arcy``).
WORD = re.compile(r"[^\W\d_]+")


def unaccented(text: str) -> str:
    """``text`` without accents: ``"Łucja Hélène"`` -> ``"Lucja Helene"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def plain(text: str) -> str:
    """Upper case without accents: ``"Łucja Hélène"`` -> ``"LUCJA HELENE"``."""
    return unaccented(text).upper()
