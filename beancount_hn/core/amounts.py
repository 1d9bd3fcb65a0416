"""Amounts too large to be real: refused at their entry before any figure reads them.

No practice books a million billion euros, and beyond ~10^26 the decimal
arithmetic itself overflows (a traceback in ``hn 2035``, a 500 in Fava). Every
face goes through :func:`without_out_of_bounds` (``loading.load_ledger`` for the
``hn`` commands, ``LedgerFigures`` for Fava); the plugin chain reports the same
errors through ``roles.check``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from beancount.core import amount as amount_lib
from beancount.core import data

from beancount_hn.core.errors import error_type, source_of

#: Amounts whose absolute value reaches this are refused (no practice books a
#: million billion euros; beyond ~10^26 the decimal arithmetic itself overflows).
MAX_AMOUNT = Decimal(10) ** 15
_LOW = -MAX_AMOUNT


def round_euros(amount: Decimal) -> Decimal:
    """To the whole euro, half up, as the forms are filled (``12 345,50`` → ``12 346``)."""
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)

AmountError = error_type("AmountError")


def out_of_bounds(entry: data.Directive) -> tuple[Decimal, str | None] | None:
    """The first number of ``entry`` a figure may read that is out of bounds (weights included)."""
    if isinstance(entry, data.Transaction):
        for posting in entry.postings:
            units = posting.units
            number = getattr(units, "number", None)
            if posting.price is None and posting.cost is None:  # most postings: their units alone
                # _within, inlined: a hundred thousand postings on each Fava load
                if type(number) is Decimal and number.is_finite() and _LOW < number < MAX_AMOUNT:
                    continue
                if isinstance(number, Decimal) and not _within(number):
                    return number, units.currency
                continue
            if isinstance(number, Decimal) and not _within(number):
                return number, units.currency
            for per_unit in (posting.price, posting.cost):
                unit_number = getattr(per_unit, "number", None)
                if not isinstance(unit_number, Decimal):
                    continue
                if not _within(unit_number):
                    return unit_number, per_unit.currency
                if isinstance(number, Decimal):
                    weight = number * unit_number  # both under 10^15: no overflow, at most rounded
                    if not _within(weight):
                        return weight, per_unit.currency
    elif isinstance(entry, data.Balance):
        if not _within(entry.amount.number):
            return entry.amount.number, entry.amount.currency
    elif isinstance(entry, data.Custom):
        for value in entry.values or ():
            found = value.value
            if (isinstance(found, amount_lib.Amount) and isinstance(found.number, Decimal)
                    and not _within(found.number)):
                return found.number, found.currency
    return None


def _within(number: Decimal) -> bool:
    return number.is_finite() and -MAX_AMOUNT < number < MAX_AMOUNT


def amount_error(entry: data.Directive, number: Decimal, currency: str | None, *, dropped: bool = True) -> Any:
    shown = f"{number:f}" if number.is_finite() else str(number)
    return AmountError(
        source_of(entry),
        f"montant hors limites : {shown} {currency or ''}".rstrip()
        + " (la valeur absolue d'un montant doit rester sous 10^15, soit un million de milliards) ; "
        + ("corrigez le montant : l'écriture est écartée de tous les chiffres en attendant" if dropped
           else "corrigez le montant"),
        entry)


def amount_errors(entries: Iterable[data.Directive]) -> list:
    """An :data:`AmountError` at each entry holding an amount out of bounds (see :data:`MAX_AMOUNT`).

    For a check that only reports (a plugin step, a diagnosis): nothing is left out.
    """
    errors = []
    for entry in entries:
        found = out_of_bounds(entry)
        if found is not None:
            errors.append(amount_error(entry, *found, dropped=False))
    return errors


def without_out_of_bounds(entries: Sequence[data.Directive]) -> tuple[list[data.Directive], list]:
    """``entries`` less those holding an amount out of bounds, and an error at each one left out.

    Every face goes through it before computing a figure: :func:`load_ledger` for the
    ``hn`` commands, ``LedgerFigures`` for the Fava page and its downloads.
    """
    kept: list[data.Directive] = []
    errors = []
    for entry in entries:
        found = out_of_bounds(entry)
        if found is None:
            kept.append(entry)
        else:
            errors.append(amount_error(entry, *found))
    return kept, errors
