"""French typography for what users read: amounts, percentages, dates, high punctuation.

Numbers, amounts, percentages and dates are formatted by Babel in ``fr_FR``
(CLDR data), after rounding half up to the places shown:

* amounts: ``1 234,50 €`` — narrow no-break space between thousands, decimal
  comma, a no-break space before the currency sign that follows the amount;
* dates: ``4 mars 2025``, ``1er mars 2025``, or ``04/03/2025`` in tables;
* a narrow no-break space before « : ; ! ? » and inside « guillemets ».

Machine formats (CSV and FEC cells) are not prose: see :mod:`beancount_hn.core.csvcells`.

Babel is imported by the first call, not with this module: the plugins import
the modules that word their messages, and a ledger without any message must not
pay for loading Babel and its French data on every ``bean-check``.
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

LOCALE = "fr_FR"
NBSP = "\u00a0"
NNBSP = "\u202f"  # espace fine insécable

# A space (or nothing) before ; ! ? and before a colon that ends a word (not 10:30, not http://).
_HIGH_PUNCT = re.compile(r"[ \u00a0]*([;!?])(?=\s|$|[»)\]])|(?<=\w)[ \u00a0]*(:)(?=\s|$)|[ \u00a0]+(:)(?=\s|$)")
_OPEN_QUOTE = re.compile(r"«[ \u00a0]*")
_CLOSE_QUOTE = re.compile(r"[ \u00a0]*»")
_UNIT = re.compile(r"(\d) (€|%)")  # 40 € and 20 % never break


def _rounded(value: Decimal, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals, never ``-0``."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def _pattern(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places else "")


@functools.cache
def months() -> tuple[str, ...]:
    """``("janvier", …, "décembre")``."""
    from babel.dates import get_month_names

    names = get_month_names("wide", locale=LOCALE)
    return tuple(names[month] for month in range(1, 13))


def __getattr__(name: str) -> Any:
    if name == "MONTHS":  # the month names, read from Babel on first use
        return months()
    raise AttributeError(name)


def load_locale_data() -> None:
    """Read Babel's French data now rather than at the first figure shown.

    For a server at start-up (the Fava extension when Fava loads it): its first
    page then does not pay for reading the CLDR files (about 0.1 s).
    """
    money(Decimal(1))
    date(datetime.date(2000, 1, 1))
    months()


def number(value: Decimal, places: int = 2) -> str:
    """``Decimal("1234.5")`` -> ``"1 234,50"`` (narrow no-break space between thousands)."""
    from babel.numbers import format_decimal

    return format_decimal(_rounded(value, places), format=_pattern(places), locale=LOCALE)


def money(value: Decimal, currency: str = "EUR", places: int = 2) -> str:
    """``"1 234,50 €"``: the sign after the amount, joined by a no-break space."""
    from babel.numbers import format_currency

    return format_currency(_rounded(value, places), currency, format=_pattern(places) + NBSP + "¤",
                           locale=LOCALE, currency_digits=False)


def percent(value: Decimal) -> str:
    """``Decimal("20")`` -> ``"20 %"``; ``Decimal("5.5")`` -> ``"5,5 %"`` (``value`` in percent)."""
    from babel.numbers import format_percent

    return format_percent(Decimal(value) / 100, locale=LOCALE, decimal_quantization=False)


def date(value: datetime.date) -> str:
    """``4 mars 2025``; the first of the month is ``1er``."""
    from babel.dates import format_date

    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {format_date(value, 'MMMM y', locale=LOCALE)}"


def short_date(value: datetime.date) -> str:
    """``04/03/2025``: a date in a table column or a compact message."""
    from babel.dates import format_date

    return format_date(value, "short", locale=LOCALE)


def typo(text: str) -> str:
    """Narrow no-break spaces before « : ; ! ? » and inside guillemets; no-break spaces before € and %."""
    text = _HIGH_PUNCT.sub(lambda m: NNBSP + (m.group(1) or m.group(2) or m.group(3)), text)
    text = _OPEN_QUOTE.sub("«" + NNBSP, text)
    text = _UNIT.sub(lambda m: m.group(1) + NBSP + m.group(2), text)  # as Babel joins them
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
