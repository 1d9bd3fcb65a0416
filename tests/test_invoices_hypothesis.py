"""Property tests: file order does not matter; one dropped or duplicated number is one error."""

from __future__ import annotations

import datetime
import tempfile

from beancount import loader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ledgers import INVOICE_ACCOUNTS, ledger_text, txn, write_file, write_ledger

HEADER = ledger_text(INVOICE_ACCOUNTS)


@st.composite
def numbered_ledgers(draw):
    """Invoices F-YYYY-0001.. (two years possible) with non-decreasing dates, spread over files."""
    count = draw(st.integers(min_value=2, max_value=14))
    start = datetime.date(2025, 12, 20)
    offsets = sorted(draw(st.lists(st.integers(0, 30), min_size=count, max_size=count)))
    dates = [start + datetime.timedelta(days=o) for o in offsets]
    invoices, seqs = [], {}
    for date in dates:
        seq = seqs[date.year] = seqs.get(date.year, 0) + 1
        invoices.append((date, f"F-{date.year}-{seq:04d}"))
    files = draw(st.integers(min_value=1, max_value=4))
    placement = draw(st.lists(st.integers(0, files - 1), min_size=count, max_size=count))
    include_order = draw(st.permutations(list(range(files))))
    return invoices, files, placement, include_order


def load_files(invoices, files, placement, include_order, extra=None):
    """Write the invoices into ``files`` included in ``include_order``; return the errors."""
    with tempfile.TemporaryDirectory() as tmp:
        bodies = [""] * files
        for (date, number), where in zip(invoices, placement, strict=True):
            bodies[where] += txn(date.isoformat(), number, payee=number) + "\n"
        if extra is not None:
            bodies[extra[1]] += extra[0]
        for i, body in enumerate(bodies):
            write_file(tmp, f"part{i}.beancount", body)
        main = write_ledger(tmp, HEADER + "".join(f'include "part{i}.beancount"\n' for i in include_order))
        _, errors, _ = loader.load_file(main)
        return errors


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(numbered_ledgers())
def test_any_file_order_is_clean(ledger):
    assert load_files(*ledger) == []


@SETTINGS
@given(numbered_ledgers(), st.data())
def test_dropping_a_number_is_one_gap_error(ledger, data):
    invoices, files, placement, order = ledger
    # The last number of a sequence can't be missed (nothing follows it): drop another one.
    last_of_year = {date.year: i for i, (date, _) in enumerate(invoices)}
    droppable = [i for i in range(len(invoices)) if i not in last_of_year.values()]
    if not droppable:
        return
    drop = data.draw(st.sampled_from(droppable))
    number = invoices[drop][1]
    kept = [inv for i, inv in enumerate(invoices) if i != drop]
    errors = load_files(kept, files, [p for i, p in enumerate(placement) if i != drop], order)
    assert len(errors) == 1, [e.message for e in errors]
    assert f"il manque {number}" in errors[0].message


@SETTINGS
@given(numbered_ledgers(), st.data())
def test_duplicating_a_number_is_one_error(ledger, data):
    invoices, files, placement, order = ledger
    date, number = data.draw(st.sampled_from(invoices))
    where = data.draw(st.integers(0, files - 1))
    duplicate = txn(date.isoformat(), number, payee="duplicate") + "\n"
    errors = load_files(invoices, files, placement, order, extra=(duplicate, where))
    assert len(errors) == 1, [e.message for e in errors]
    assert f"le numéro de facture {number} est déjà utilisé en" in errors[0].message
