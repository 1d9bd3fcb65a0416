"""French numbers and dates as banks and practice software write them.

``parse_amount("1 234,56")`` and ``parse_amount("-1.234,56 €")`` give
``Decimal("1234.56")`` and ``Decimal("-1234.56")``: a decimal comma, thousands
separated by a space, a non-breaking space (U+00A0), a narrow one (U+202F) or a
dot, a sign in front or behind, the euro sign around. The separator that is
*not* the decimal one is only accepted in groups of three digits, so a layout
that declares the wrong decimal separator fails loudly instead of turning
``12.50`` into ``1250``. Only digits are numbers: ``NaN``, ``Infinity``,
``1e9999`` are refused, and so is anything from 10^15 up (no statement holds a
million billion euros). Every importer reads its amounts through here.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from beancount_hn.core.amounts import MAX_AMOUNT
from beancount_hn.core.errors import as_written

#: Characters used as thousands separators besides the dot/comma.
SPACES = " \u00a0\u202f\u2009\u2007'"
_SPACE_RE = re.compile(f"(?<=\\d)[{SPACES}]+(?=\\d)")
#: Digits grouped by three with one kind of space: "1 234 567" (not "1 24", a cut-off "1 245").
_SPACED_RE = re.compile(r"^\d{1,3}(?: \d{3})+(?=[.,]|$)")
_CURRENCY_RE = re.compile(r"^(?:€|EUR)\s*|\s*(?:€|EUR)$", re.IGNORECASE)
_MINUS_SIGNS = "-\u2212\u2013"  # hyphen-minus, minus sign, en dash (spreadsheets)
CENT = Decimal("0.01")
#: ``decimal=AUTO``: the separator followed by one or two final digits is the decimal one.
AUTO = "auto"
_AUTO_DECIMAL = re.compile(r"([.,])\d{1,2}$")


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
    ``decimal="auto"`` takes the separator followed by one or two final digits
    as the decimal one (``"226.68"``, ``"1 000,00"``), else reads an integer.

    Raises:
      AmountError: empty text, letters, a misplaced separator, more than two
        decimals (the sign of a wrong ``decimal`` setting), or 10^15 and more.
    """
    if decimal == AUTO:
        decimal = _auto_decimal(text)
    if decimal not in _NUMBER_RES:
        raise AmountError(f"le séparateur décimal doit être ',' ou '.', pas {as_written(decimal)}")
    raw = " ".join(text.split())  # quoted in one-line errors
    s = _CURRENCY_RE.sub("", text.strip()).strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s and s[0] in _MINUS_SIGNS + "+":
        negative, s = s[0] != "+", s[1:].strip()
    elif s and s[-1] in _MINUS_SIGNS + "+":
        negative, s = s[-1] != "+", s[:-1].strip()
    spaced = _SPACE_RE.sub(" ", s)
    if " " in spaced and not _SPACED_RE.match(spaced):
        raise AmountError(f"le montant « {raw} » a des chiffres groupés autrement que par trois : "
                          "est-il tronqué ?")
    s = spaced.replace(" ", "")
    match = _NUMBER_RES[decimal].match(s)
    if not match:
        if not raw.strip():
            raise AmountError("montant vide")
        raise AmountError(f"le montant « {raw} » n'est pas un nombre écrit comme 1 234{decimal}56")
    fraction = match.group(1) or ""
    if len(fraction) > 2:
        other = "." if decimal == "," else ","
        raise AmountError(
            f"le montant « {raw} » a {len(fraction)} décimales : le séparateur décimal "
            f"serait-il {as_written(other)} plutôt que {as_written(decimal)} ?"
        )
    group = "." if decimal == "," else ","
    plain = s.replace(group, "").replace(decimal, ".")
    try:
        value = Decimal(plain)
    except InvalidOperation as exc:  # pragma: no cover - the regex guarantees digits
        raise AmountError(f"le montant « {raw} » n'est pas un nombre") from exc
    if value >= MAX_AMOUNT:
        raise AmountError(f"le montant « {raw} » est hors de toute mesure (10^15 ou plus) : "
                          "ce n'est pas un montant de relevé")
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        value = value.quantize(CENT)
    return -value if negative else value


def _auto_decimal(text: str) -> str:
    digits = _CURRENCY_RE.sub("", text.strip()).strip().rstrip("+-\u2212\u2013)").rstrip()
    found = _AUTO_DECIMAL.search(digits)
    if found:
        return found.group(1)
    if re.search(r"\d[.,]\d{3}$", digits):
        raise AmountError(f"le montant « {text} » est ambigu : 1 234 ou 1,234 ? Indiquez le "
                          "séparateur décimal de la colonne dans la présélection")
    return ","


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
                return _strptime_date(candidate, fmt)
            except ValueError:
                continue
    shown = " ou ".join(_human_format(f) for f in formats)
    raise AmountError(f"la date « {text} » n'est pas écrite {shown}")


#: strptime directives a date pattern reads itself (strptime is slow: a locale check per call).
_DIRECTIVES = {"d": r"(?P<d>\d{1,2})", "m": r"(?P<m>\d{1,2})", "Y": r"(?P<Y>\d{4})", "y": r"(?P<y>\d{2})",
               "H": r"(?P<H>\d{1,2})", "M": r"(?P<M>\d{1,2})", "S": r"(?P<S>\d{1,2})"}


@functools.lru_cache(maxsize=64)
def _date_regex(fmt: str) -> re.Pattern[str] | None:
    """A regex reading ``fmt`` (None when it has another directive than those above)."""
    parts = re.split(r"%(.)", fmt)
    pattern = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            pattern.append(re.escape(part))
        elif part in _DIRECTIVES and _DIRECTIVES[part] not in pattern:
            pattern.append(_DIRECTIVES[part])
        else:
            return None
    return re.compile("".join(pattern))


def _strptime_date(text: str, fmt: str) -> datetime.date:
    """``datetime.strptime(text, fmt).date()``, without strptime for the usual formats."""
    regex = _date_regex(fmt)
    if regex is None:
        return datetime.datetime.strptime(text, fmt).date()
    match = regex.fullmatch(text)
    if match is None:
        raise ValueError(text)
    found = match.groupdict()
    if int(found.get("H") or 0) > 23 or int(found.get("M") or 0) > 59 or int(found.get("S") or 0) > 61:
        raise ValueError(text)
    if "Y" in found:
        year = int(found["Y"])
    else:  # two-digit years pivot as strptime's: 69-99 are 19xx, 00-68 are 20xx
        year = int(found["y"]) + (1900 if int(found["y"]) >= 69 else 2000)
    return datetime.date(year, int(found["m"]), int(found["d"]))


def format_date(value: datetime.date, fmt: str = "%d/%m/%Y") -> str:
    """Write ``value`` with ``fmt`` (the inverse of :func:`parse_date`)."""
    return value.strftime(fmt)


def _human_format(fmt: str) -> str:
    return (fmt.replace("%d", "jj").replace("%m", "mm").replace("%Y", "aaaa")
            .replace("%y", "aa").replace("%H", "HH").replace("%M", "MM").replace("%S", "SS"))
