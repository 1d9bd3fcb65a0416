"""French numbers and dates as banks and practice software write them.

``parse_amount("1 234,56")`` and ``parse_amount("-1.234,56 €")`` give
``Decimal("1234.56")`` and ``Decimal("-1234.56")``: a decimal comma, thousands
separated by a space, a non-breaking space (U+00A0), a narrow one (U+202F) or a
dot, a sign in front or behind, the euro sign around. The separator that is
*not* the decimal one is only accepted in groups of three digits, so a layout
that declares the wrong decimal separator fails loudly instead of turning
``12.50`` into ``1250``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

#: Characters used as thousands separators besides the dot/comma.
SPACES = " \u00a0\u202f\u2009\u2007'"
_SPACE_RE = re.compile(f"(?<=\\d)[{SPACES}]+(?=\\d)")
_CURRENCY_RE = re.compile(r"^(?:€|EUR)\s*|\s*(?:€|EUR)$", re.IGNORECASE)
_MINUS_SIGNS = "-\u2212\u2013"  # hyphen-minus, minus sign, en dash (spreadsheets)
CENT = Decimal("0.01")


class AmountError(ValueError):
    """A number or date that does not parse; the message says what was expected."""


def _number_re(decimal: str) -> re.Pattern[str]:
    group = "." if decimal == "," else ","
    d, g = re.escape(decimal), re.escape(group)
    return re.compile(rf"^(?:\d+|\d{{1,3}}(?:{g}\d{{3}})+)(?:{d}(\d+))?$")


_NUMBER_RES = {",": _number_re(","), ".": _number_re(".")}


def parse_amount(text: str, decimal: str = ",") -> Decimal:
    """Parse a money amount written the French way (or with ``decimal="."``).

    The result has at least two decimals (``"12"`` gives ``12.00``).

    Raises:
      AmountError: empty text, letters, a misplaced separator, or more than
        two decimals (the sign of a wrong ``decimal`` setting).
    """
    if decimal not in _NUMBER_RES:
        raise AmountError(f"decimal separator must be ',' or '.', not {decimal!r}")
    raw = text
    s = _CURRENCY_RE.sub("", text.strip()).strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s and s[0] in _MINUS_SIGNS + "+":
        negative, s = s[0] != "+", s[1:].strip()
    elif s and s[-1] in _MINUS_SIGNS + "+":
        negative, s = s[-1] != "+", s[:-1].strip()
    s = _SPACE_RE.sub("", s)
    match = _NUMBER_RES[decimal].match(s)
    if not match:
        raise AmountError(f"amount {raw!r} is not a number written like 1 234{decimal}56")
    fraction = match.group(1) or ""
    if len(fraction) > 2:
        other = "." if decimal == "," else ","
        raise AmountError(
            f"amount {raw!r} has {len(fraction)} decimals; is the decimal separator "
            f"{other!r} rather than {decimal!r}?"
        )
    group = "." if decimal == "," else ","
    plain = s.replace(group, "").replace(decimal, ".")
    try:
        value = Decimal(plain)
    except InvalidOperation as exc:  # pragma: no cover - the regex guarantees digits
        raise AmountError(f"amount {raw!r} is not a number") from exc
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        value = value.quantize(CENT)
    return -value if negative else value


def format_amount(value: Decimal, decimal: str = ",", thousands: str = "\u00a0") -> str:
    """Write ``value`` the French way: ``-1 234,56`` (the inverse of :func:`parse_amount`)."""
    sign = "-" if value < 0 else ""
    quantized = abs(value).quantize(CENT) if value.as_tuple().exponent > -2 else abs(value)  # type: ignore[operator]
    whole, _, fraction = f"{quantized:f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, tail = whole[:-3], whole[-3:]
        groups.insert(0, tail)
    groups.insert(0, whole)
    return sign + thousands.join(groups) + (decimal + fraction if fraction else "")


def parse_date(text: str, formats: Iterable[str] = ("%d/%m/%Y",)) -> datetime.date:
    """Parse a date with the first of ``formats`` that fits (``strptime`` syntax).

    A time part after the date (``"04/03/2025 10:12:00"``) is ignored when no
    format has one.

    Raises:
      AmountError: when no format fits; the message lists them.
    """
    value = text.strip()
    formats = tuple(formats)
    candidates = [value]
    if " " in value or "T" in value:
        candidates.append(re.split(r"[ T]", value, maxsplit=1)[0])
    for candidate in candidates:
        for fmt in formats:
            try:
                return datetime.datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    shown = " or ".join(_human_format(f) for f in formats)
    raise AmountError(f"date {text!r} is not written {shown}")


def format_date(value: datetime.date, fmt: str = "%d/%m/%Y") -> str:
    """Write ``value`` with ``fmt`` (the inverse of :func:`parse_date`)."""
    return value.strftime(fmt)


def _human_format(fmt: str) -> str:
    return (fmt.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy")
            .replace("%y", "yy").replace("%H", "HH").replace("%M", "MM").replace("%S", "SS"))
