"""Computations pause the cyclic garbage collector and restore it, whatever happens."""

from __future__ import annotations

import gc

import pytest

from beancount_hn.core.gcpause import gc_paused


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested computations (compute_2035 builds a cash book)
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_restores_it_and_a_disabled_collector_stays_disabled() -> None:
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("bad ledger")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
