"""The ``--year`` of a command, checked against the years the books cover.

:func:`require_covered_year` is :func:`beancount_hn.core.loading.require_year` with what
only the rules know (``form2035.covered_years`` / ``coverage_errors``): a year without
transactions before the books' first day is refused with « le livre ne couvre pas … »,
and only covered years are suggested. Every command taking ``--year`` calls it.
"""

from __future__ import annotations

from beancount_hn.core.loading import LoadedLedger, require_year
from beancount_hn.tax.form2035 import coverage_errors, covered_years


def require_covered_year(loaded: LoadedLedger, year: int, option: str = "--year") -> None:
    """Refuse a ``year`` without transactions (:class:`~beancount_hn.core.loading.HnError`), saying
    why: before the books, or suggesting the years they cover."""
    index = loaded.index
    before_books = [] if covered_years(index, [year]) else coverage_errors(index, year)
    require_year(loaded, year, option, covered=covered_years(index, loaded.transaction_years()),
                 not_covered=before_books)
