"""The README keeps exactly two set-up commands, and CI runs the second one as it is written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup_commands() -> list[str]:
    readme = ROOT.joinpath("README.md").read_text(encoding="utf-8")
    section = readme.split("## Installation", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.S)


def test_two_setup_commands_the_second_is_what_ci_runs() -> None:
    first, second = _setup_commands()
    assert first.startswith("python3 -m venv .venv") and "hn 2035 ledger_example/main.beancount" in first
    assert "'.[test]'" in second and "pytest" in second and "mkdocs build --strict" in second
    ci = ROOT.joinpath(".ci", "run").read_text(encoding="utf-8")
    assert second in ci.splitlines()
