"""French typography for documents: amounts, dates, spaces before high punctuation.

* amounts: ``1 234,50 €`` — narrow no-break space between thousands, decimal
  comma, a no-break space before the currency sign that follows the amount;
* dates: ``4 mars 2025``, ``1er mars 2025``;
* a narrow no-break space before « : ; ! ? » and inside « guillemets ».
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
NNBSP = "\u202f"  # espace fine insécable

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
_SYMBOLS = {"EUR": "€"}

# A space (or nothing) before ; ! ? and before a colon that ends a word (not 10:30, not http://).
_HIGH_PUNCT = re.compile(r"[ \u00a0]*([;!?])(?=\s|$|[»)\]])|(?<=\w)[ \u00a0]*(:)(?=\s|$)|[ \u00a0]+(:)(?=\s|$)")
_OPEN_QUOTE = re.compile(r"«[ \u00a0]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0]*»")
_UNIT = re.compile(r"(\d) (€|%)")  # 40 € and 20 % never break


def number(value: Decimal, places: int = 2) -> str:
    """``Decimal("1234.5")`` -> ``"1 234,50"`` (narrow no-break space between thousands)."""
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):.{places}f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = NNBSP.join(groups)
    return sign + text + ("," + fraction if places else "")


def money(value: Decimal, currency: str = "EUR") -> str:
    """``"1 234,50 €"``: the sign after the amount, joined by a no-break space."""
    return f"{number(value)}{NBSP}{_SYMBOLS.get(currency, currency)}"


def percent(value: Decimal) -> str:
    """``Decimal("20")`` -> ``"20 %"``; ``Decimal("5.5")`` -> ``"5,5 %"``."""
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text}{NNBSP}%"


def date(value: datetime.date) -> str:
    """``4 mars 2025``; the first of the month is ``1er``."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def typo(text: str) -> str:
    """Narrow no-break spaces before « : ; ! ? » and inside guillemets; no break before € and %."""
    text = _HIGH_PUNCT.sub(lambda m: NNBSP + (m.group(1) or m.group(2) or m.group(3)), text)
    text = _OPEN_QUOTE.sub("«" + NNBSP, text)
    text = _UNIT.sub(lambda m: m.group(1) + (NNBSP if m.group(2) == "%" else NBSP) + m.group(2), text)
    return _CLOSE_QUOTE.sub(NNBSP + "»", text)


def duration(value: object) -> str:
    """A ``duree:`` value as printed: a number of minutes ``45`` -> ``45 min``; text as written."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        minutes = int(value)
        if minutes >= 60 and minutes % 60 == 0:
            return f"{minutes // 60}{NBSP}h"
        if minutes > 60:
            return f"{minutes // 60}{NBSP}h{NBSP}{minutes % 60:02d}"
        return f"{minutes}{NBSP}min"
    return typo(" ".join(str(value).split())).replace(" ", NBSP)  # "1 h 30" never breaks
