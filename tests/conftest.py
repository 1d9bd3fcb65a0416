"""Shared fixtures; the helpers that build, load and run small ledgers are in ``tests/ledgers.py``."""

from __future__ import annotations

import gc
import os

import pytest

from tests.ledgers import EXAMPLE

os.environ.setdefault("BEANCOUNT_DISABLE_LOAD_CACHE", "1")


@pytest.fixture(autouse=True)
def _collectable_again():
    """The ``hn`` commands freeze their loaded ledger out of the collector's sight (a
    command's process ends with it); a test process goes on, so thaw it after each test."""
    yield
    gc.unfreeze()


@pytest.fixture
def example_path() -> str:
    return EXAMPLE


@pytest.fixture
def no_load_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beancount's load cache off for this test, whatever the environment says (a test that
    rewrites a ledger must not be served its previous load)."""
    monkeypatch.setenv("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
