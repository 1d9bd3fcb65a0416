"""The benchmark report's arithmetic (bench/run.py), on figures given by hand: no timing here."""

from __future__ import annotations

import pytest

from tests.bench_support import bench_module


@pytest.fixture(scope="module")
def run():
    return bench_module("run")


def ledger(run, label: str, seconds: float, postings: int, contributions: int, invoices: int):
    """A measured ledger whose every figure took ``seconds`` (CPU and wall clock)."""
    measured = run.Ledger(label, "plain", "hn", transactions=postings // 10, postings=postings)
    for name in ("a", "b", "chain", "c_least", "d_least"):
        getattr(measured, name).add(seconds, seconds)
    measured.contributions, measured.invoices = contributions, invoices
    return measured


def test_linearity_per_unit_of_work_forgives_the_extra_work_only(run, capsys) -> None:
    # Scale 2 takes 2.1 times as long as scale 1, for 2.1 times the contributions of
    # the 2035 but exactly twice the postings and invoices.
    points = [ledger(run, "scale 1", 1.0, 1000, 100, 10), ledger(run, "scale 2", 2.1, 2000, 210, 20)]
    every, own = run.print_linearity(points)
    assert (every, own) == (False, False)  # the chain and the invoice report double by 2.1
    lines = capsys.readouterr().out.splitlines()
    assert any("compute_2035" in line and line.rstrip().endswith("(contributions: 100 / 210)")
               and "2.10        2.00" in line for line in lines)
    assert any("plugin chain alone" in line and "2.10        2.10" in line for line in lines)


def test_linearity_holds_when_each_cost_follows_its_work(run, capsys) -> None:
    points = [ledger(run, "scale 1", 1.0, 1000, 100, 10), ledger(run, "scale 2", 2.0, 2000, 200, 20)]
    assert run.print_linearity(points) == (True, True)
    capsys.readouterr()
