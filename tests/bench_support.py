"""Load a script of ``bench/`` (not a package) as a module, for its tests."""

from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType

BENCH = os.path.join(os.path.dirname(__file__), os.pardir, "bench")


def bench_module(script: str) -> ModuleType:
    """``bench/<script>.py`` imported under the name ``bench_<script>``."""
    spec = importlib.util.spec_from_file_location(f"bench_{script}", os.path.join(BENCH, f"{script}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module
