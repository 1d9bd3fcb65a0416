"""The benchmark report's arithmetic (bench/run.py) on figures given by hand, and the
operation counter of bench/measure.py: no timing here."""

from __future__ import annotations

import sys

import pytest

from tests.bench_support import bench_module


@pytest.fixture(scope="module")
def run():
    return bench_module("run")


def ledger(run, label: str, seconds: float, operations: int, postings: int, contributions: int,
           invoices: int, plain_seconds: float | None = None):
    """A measured ledger whose every figure took ``seconds`` and ``operations`` instructions
    (the plain load ``plain_seconds``, if given)."""
    measured = run.Ledger(label, "plain", "hn", transactions=postings // 10, postings=postings)
    for name in ("a", "b", "chain", "c_least", "d_least"):
        spent = plain_seconds if name == "a" and plain_seconds is not None else seconds
        getattr(measured, name).add(spent, spent)
    measured.operations = {"chain": operations, "c_least": operations, "d_least": operations}
    measured.contributions, measured.invoices = contributions, invoices
    return measured


def test_work_per_unit_forgives_the_extra_work_only(run, capsys) -> None:
    # Scale 2 executes 2.1 times the instructions of scale 1, for 2.1 times the
    # contributions of the 2035 but exactly twice the postings and invoices.
    points = [ledger(run, "scale 1", 1.0, 1_000_000, 1000, 100, 10),
              ledger(run, "scale 2", 2.1, 2_100_000, 2000, 210, 20)]
    # The chain and the invoice report do 2.1 times the work for twice their input.
    assert run.print_linearity(points).work_linear is False
    lines = capsys.readouterr().out.splitlines()
    work = lines[:lines.index("   Time, min CPU seconds (this machine):")]
    assert any("compute_2035" in line and "2.100    2.000  (contributions: 100 / 210)" in line for line in work)
    assert any("plugin chain" in line and "2.100    2.100  (postings: 1000 / 2000)" in line for line in work)


def test_linear_when_each_figure_follows_its_work(run, capsys) -> None:
    points = [ledger(run, "scale 1", 1.0, 1_000_000, 1000, 100, 10),
              ledger(run, "scale 2", 2.0, 2_000_000, 2000, 200, 20)]
    found = run.print_linearity(points)
    assert found.work_linear
    assert found.own_time == pytest.approx([2.0, 2.0, 2.0]) and found.beancount_time == pytest.approx([2.0])
    capsys.readouterr()


def test_time_is_shown_beside_plain_beancount_on_the_same_ledgers(run, capsys) -> None:
    # Plain Beancount's load takes 2.1 times as long for twice the postings; the
    # 2035 takes 2.31 times as long for 2.1 times the contributions.
    points = [ledger(run, "scale 1", 1.0, 1_000_000, 1000, 100, 10, plain_seconds=10.0),
              ledger(run, "scale 2", 2.31, 2_000_000, 2000, 210, 20, plain_seconds=21.0)]
    found = run.print_linearity(points)
    assert found.beancount_time == pytest.approx([2.1])
    assert found.own_time == pytest.approx([2.31, 2.2, 2.31])
    assert found.summary() == ("its time per unit of work doubles by 2.20-2.31 on this machine "
                               "(plain Beancount's own load per posting: 2.10-2.10), for information")
    capsys.readouterr()


def _loop(times: int) -> int:
    total = 0
    for number in range(times):
        total += number
    return total


def test_operations_are_counted_per_instruction_and_the_tracer_is_restored() -> None:
    measure = bench_module("measure")
    before = sys.gettrace()
    (value, ten) = measure.count_operations(lambda: _loop(10))
    _, twenty = measure.count_operations(lambda: _loop(20))
    _, thirty = measure.count_operations(lambda: _loop(30))
    assert value == 45
    assert twenty - ten == thirty - twenty > 0  # each turn of the loop costs the same instructions
    assert ten > twenty - ten  # and the call itself is counted
    assert sys.gettrace() is before


def test_work_of_a_generated_ledger_is_counted_the_same_in_every_process(run, tmp_path) -> None:
    generate = bench_module("generate")
    ledger = generate.generate(str(tmp_path), generate.Params(years=1, start_year=2025, scale=1, seed=7))
    first, second = (run.child("work", ledger.plain, "--year", "2025") for _ in range(2))
    assert first == second
    assert first["errors"] == 0 and first["form2035_contributions"] > 0 and first["invoices_count"] > 0
    assert all(first[name] > 0 for name in ("chain_ops", "form2035_ops", "invoices_ops"))
