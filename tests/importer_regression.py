"""beangulp-style regression check shared by the importer tests: the extraction of a file
equals its expected ``<file>.beancount``; ``HN_REGENERATE=1`` rewrites it (review the diff)."""

from __future__ import annotations

import os

import beangulp
from beangulp import testing


def assert_matches_expected(importer: beangulp.Importer, document: str) -> None:
    """``importer`` identifies ``document`` and extracts exactly ``document + ".beancount"``."""
    expected = document + ".beancount"
    assert importer.identify(document)
    result = testing.run_importer(importer, document)
    if os.environ.get("HN_REGENERATE"):
        testing.write_expected_file(expected, *result, force=True)
    diff = testing.compare_expected(expected, *result)
    assert not diff, "".join(diff)
