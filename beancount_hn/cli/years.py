"""The ``--year`` of a command, checked against the years the books cover.

:func:`require_covered_year` is :func:`beancount_hn.core.loading.require_year` with what
only the rules know (``form2035.covered_years`` / ``coverage_errors``): a year without
transactions before the books' first day is refused with « le livre ne couvre pas … »,
and only covered years are suggested. Every command taking ``--year`` calls it; ``hn vat``
refuses a year before the books even with transactions (``before_books_refused``).
"""

from __future__ import annotations

from collections.abc import Sequence

from beancount.core import data

from beancount_hn.core.frtypo import date as french_date
from beancount_hn.core.ledger import LedgerIndex
from beancount_hn.core.loading import HnError, LoadedLedger, format_error, require_year
from beancount_hn.core.roles import books_first_day, books_start
from beancount_hn.tax.form2035 import coverage_errors, covered_years


def require_covered_year(loaded: LoadedLedger, year: int, option: str = "--year", *,
                         before_books_refused: bool = False) -> None:
    """Refuse a ``year`` without transactions (:class:`~beancount_hn.core.loading.HnError`), saying
    why: before the books, or suggesting the years they cover; with ``before_books_refused``, a
    year before the books whatever it holds (its ``coverage_errors`` are the refusal)."""
    index = loaded.index
    entries = loaded.entries
    before_books = [] if covered_years(index, [year], entries) else coverage_errors(index, year, entries)
    if before_books and before_books_refused:
        raise HnError("\n".join(format_error(error, loaded.path) for error in before_books))
    require_year(loaded, year, option, covered=covered_years(index, loaded.transaction_years(), entries),
                 not_covered=before_books)


def first_day_named(index: LedgerIndex, entries: Sequence[data.Directive]) -> str:
    """The books' first day as the commands name it: the first ``treasury`` option's, or 1 January
    after a year that holds only opening balances (``roles.books_first_day``)."""
    first, day = books_start(index), books_first_day(index, entries)
    if first is None or day is None:
        return "?"
    if day == first.date:
        return f"{french_date(day)}, première option treasury"
    return f"{french_date(day)} : le {french_date(first.date)} ne porte que des soldes d'ouverture"
