"""The output of ``hn`` cannot be written: a French error and exit 1, never a traceback, and
never exit 0 over figures that went nowhere (a closed standard output)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.ledgers import EXAMPLE

HN = [sys.executable, "-c", "from beancount_hn.cli import main; main()"]
ENV = {**os.environ, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_full_disk_is_a_french_error(fmt):
    with open("/dev/full", "w") as full:
        done = subprocess.run([*HN, "2035", EXAMPLE, "--year", "2025", "--format", fmt], stdout=full,
                              stderr=subprocess.PIPE, text=True, env=ENV, timeout=300)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "écriture de la sortie impossible : plus d'espace sur le disque" in done.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_a_closed_standard_output_is_an_error_not_exit_0():
    done = subprocess.run(["bash", "-c", 'exec "$@" >&-', "hn", *HN, "check", EXAMPLE],
                          stderr=subprocess.PIPE, text=True, env=ENV, timeout=300)
    assert done.returncode == 1
    assert "la sortie standard est fermée" in done.stderr


def test_a_fault_of_hn_itself_is_one_french_line_not_a_traceback(monkeypatch):
    import beancount_hn.cli.check as check_command
    from tests.ledgers import run_hn

    def broken(*args, **kwargs):
        raise TypeError("unhashable type: 'dict'")

    monkeypatch.setattr(check_command, "load_ledger", broken)
    result = run_hn("check", EXAMPLE)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Erreur interne de beancount-hn (TypeError : unhashable type: 'dict')" in result.output
