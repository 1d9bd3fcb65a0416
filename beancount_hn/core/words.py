"""Words of names compared as plain text: upper case, accents removed, letters Unicode does
not decompose mapped to their plain form (``Łucja`` → ``LUCJA``).

Read by the pseudonymised exports (``exports.vocabulary``) and by the devis checks that
compare a quote's client with a note's (``invoicing.quotes``).
"""

from __future__ import annotations

import re
import unicodedata

#: Letters Unicode does not decompose, with their plain form (``Ł`` -> ``L``).
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i",
                               "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"})

#: A word of a name or of a text: letters only (``D'Arcy`` is ``D`` and ``Arcy``).
WORD = re.compile(r"[^\W\d_]+")


def plain(text: str) -> str:
    """Upper case without accents: ``"Łucja Hélène"`` -> ``"LUCJA HELENE"``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
