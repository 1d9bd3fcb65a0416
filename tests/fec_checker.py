"""An independent FEC checker (art. A47 A-1 LPF, BNC on a cash basis: 22 fields).

Written from the text of the format, NOT from the writer: it imports nothing
from ``beancount_hn`` and re-reads the file's bytes. ``check_fec(path, year)``
returns the list of problems found (empty when the file is valid):

* file name ``<SIREN 9 digits>FEC<AAAAMMJJ>.txt`` with the closing date of ``year``;
* character set (ISO 8859-15 unless told otherwise), CR LF line ends, no
  control characters;
* header: exactly the 22 field names, in order, one separator (tab or ``|``)
  used throughout;
* every record has 22 fields; mandatory fields are filled;
* dates ``AAAAMMJJ`` and real; ``EcritureDate``, ``ValidDate`` and ``DateRglt``
  within the year;
* amounts with a decimal comma, two decimals, no thousands separator, not
  negative, one side only;
* ``EcritureNum`` a continuous sequence 1, 2, 3… with the lines of an entry
  together and entries in date order; each entry balanced (debit = credit),
  one date and one journal per entry;
* one ``CompteLib`` per ``CompteNum``, whose first three characters are digits.
"""

from __future__ import annotations

import datetime
import os
import re
import unicodedata
from collections import defaultdict
from decimal import Decimal

HEADER = [
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
    "DateRglt", "ModeRglt", "NatOp", "IdClient",
]
MANDATORY = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
             "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "ValidDate",
             "DateRglt", "ModeRglt"]
IN_YEAR = ["EcritureDate", "ValidDate", "DateRglt"]
DATES = ["EcritureDate", "PieceDate", "ValidDate", "DateRglt"]
AMOUNT = re.compile(r"^\d+,\d{2}$")
NAME = re.compile(r"^(\d{9})FEC(\d{8})\.txt$")


def _day(text: str) -> datetime.date | None:
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def read_fec(path: str, charset: str = "iso8859-15") -> tuple[list[str], list[dict[str, str]], str]:
    """Header, records (as dicts) and separator of a FEC file (no checks)."""
    with open(path, "rb") as handle:
        text = handle.read().decode(charset)
    lines = text.split("\r\n")
    if lines and lines[-1] == "":
        lines.pop()
    header_line = lines[0] if lines else ""
    sep = "\t" if "\t" in header_line else "|"
    header = header_line.split(sep)
    records = [dict(zip(header, line.split(sep), strict=False)) for line in lines[1:]]
    return header, records, sep


def check_fec(path: str, year: int, charset: str = "iso8859-15") -> list[str]:
    """Every problem of the FEC file at ``path`` for calendar year ``year``."""
    problems: list[str] = []
    name = os.path.basename(path)
    match = NAME.match(name)
    closing = f"{year}1231"
    if not match:
        problems.append(f"file name {name!r} is not <SIREN>FEC<AAAAMMJJ>.txt")
    elif match.group(2) != closing:
        problems.append(f"file name date {match.group(2)} is not the closing date {closing}")
    with open(path, "rb") as handle:
        raw = handle.read()
    try:
        text = raw.decode(charset)
    except UnicodeDecodeError as exc:
        return problems + [f"not valid {charset}: {exc}"]
    if charset.replace("-", "").replace("_", "").lower() in ("iso885915", "latin9"):
        if re.search(rb"[\xc2\xc3][\x80-\xbf]", raw):
            problems.append("looks like UTF-8, not ISO 8859-15 (mojibake such as 'Ã©')")
    if not text.endswith("\r\n"):
        problems.append("the last record does not end with CR LF")
    body = text[:-2] if text.endswith("\r\n") else text
    lines = body.split("\r\n")
    if any("\n" in line or "\r" in line for line in lines):
        problems.append("line ends are not all CR LF")
    if not lines or not lines[0]:
        return problems + ["empty file"]
    header_line = lines[0]
    tab, pipe = "\t" in header_line, "|" in header_line
    if tab == pipe:
        return problems + ["the header must use exactly one separator, tab or |"]
    sep = "\t" if tab else "|"
    if header_line.split(sep) != HEADER:
        problems.append(f"header is not the 22 BNC cash-basis fields in order: {header_line.split(sep)}")
    if len(lines) < 2:
        problems.append("no record after the header")
    entries: dict[int, list[dict[str, str]]] = defaultdict(list)
    order: list[int] = []
    labels: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if any(unicodedata.category(c) == "Cc" and c != sep for c in line):
            problems.append(f"line {number}: control character inside a value")
        fields = line.split(sep)
        if len(fields) != len(HEADER):
            problems.append(f"line {number}: {len(fields)} fields instead of {len(HEADER)}")
            continue
        record = dict(zip(HEADER, fields, strict=True))
        for key in MANDATORY:
            if not record[key].strip():
                problems.append(f"line {number}: {key} is empty")
        for key in DATES:
            day = _day(record[key])
            if day is None:
                problems.append(f"line {number}: {key} {record[key]!r} is not a date AAAAMMJJ")
            elif key in IN_YEAR and day.year != year:
                problems.append(f"line {number}: {key} {record[key]} is outside {year}")
        ok = True
        for key in ("Debit", "Credit"):
            if not AMOUNT.match(record[key]):
                problems.append(f"line {number}: {key} {record[key]!r} is not an amount like 1234,56")
                ok = False
        if ok and _amount(record["Debit"]) and _amount(record["Credit"]):
            problems.append(f"line {number}: both Debit and Credit are non-zero")
        if ok and not _amount(record["Debit"]) and not _amount(record["Credit"]):
            problems.append(f"line {number}: zero line")
        if not re.match(r"^\d{3}", record["CompteNum"]):
            problems.append(f"line {number}: CompteNum {record['CompteNum']!r} does not start with 3 digits")
        previous = labels.setdefault(record["CompteNum"], record["CompteLib"])
        if previous != record["CompteLib"]:
            problems.append(f"line {number}: CompteNum {record['CompteNum']} has two labels "
                            f"{previous!r} and {record['CompteLib']!r}")
        if not record["EcritureNum"].isdigit():
            problems.append(f"line {number}: EcritureNum {record['EcritureNum']!r} is not a number")
            continue
        num = int(record["EcritureNum"])
        if num not in entries:
            order.append(num)
        elif order[-1] != num:
            problems.append(f"line {number}: entry {num} is split (its lines are not together)")
        record["_line"] = str(number)
        entries[num].append(record)
    if order and order != list(range(1, len(order) + 1)):
        problems.append(f"EcritureNum is not the continuous sequence 1..{len(order)}")
    last_date = None
    for num in order:
        records = entries[num]
        debit = sum((_amount(r["Debit"]) for r in records if AMOUNT.match(r["Debit"])), Decimal(0))
        credit = sum((_amount(r["Credit"]) for r in records if AMOUNT.match(r["Credit"])), Decimal(0))
        if debit != credit:
            problems.append(f"entry {num}: debit {debit} != credit {credit}")
        if len({r["EcritureDate"] for r in records}) > 1:
            problems.append(f"entry {num}: several EcritureDate")
        if len({r["JournalCode"] for r in records}) > 1:
            problems.append(f"entry {num}: several JournalCode")
        if len(records) < 2:
            problems.append(f"entry {num}: a single line")
        day = _day(records[0]["EcritureDate"])
        if day is not None:
            if last_date is not None and day < last_date:
                problems.append(f"entry {num}: dated {day} before the previous entry ({last_date})")
            last_date = day
    return problems
