"""The plugin chain's overhead counted in machine instructions: the same on a quiet or a busy machine.

    python bench/instructions.py DIR [DIR...]        # DIR: a ledger of bench/generate.py
    python bench/instructions.py --shapes             # the matrix's shapes at about 30 000 transactions

A shared virtual machine makes the time ratios of ``bench/run.py`` move by ±10 % from one
run to the next, more than what a change of the chain saves. This counts instead, under
Valgrind (``cachegrind``, no cache simulation: ``apt-get install valgrind``), the
instructions the processor executes for

(i) Python importing Beancount and ``beancount_hn.plugins.all`` (subtracted from both);
(a) ``loader.load_file`` of ``plain.beancount`` (the ledger without the hn plugins);
(b) ``loader.load_file`` of ``hn.beancount`` (the same text with ``plugin "beancount_hn.plugins.all"``);

and prints (b − i) / (a − i). Instructions are not time: a pass over memory costs more time
per instruction than arithmetic, and the collector's work varies with the heap. On the
shapes of this project the two ratios agree within a few hundredths (README). Each load runs about forty times slower under Valgrind (some minutes on 30 000
transactions); the processes of several ledgers run side by side (their counts do not
depend on it).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATE = os.path.join(HERE, "generate.py")

PROGRAM = """
import os, sys
os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"
from beancount import loader
import beancount_hn.plugins.all
if len(sys.argv) > 1:
    loader.load_file(sys.argv[1])
"""

_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions(*args: str) -> int:
    """The instructions ``PROGRAM`` executes with ``args`` (a ledger to load, or none)."""
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
               sys.executable, "-c", PROGRAM, *args]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind a échoué ({' '.join(args) or 'imports'}) :\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))




def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ledgers", nargs="*", help="directories made by bench/generate.py")
    parser.add_argument("--shapes", action="store_true", help="generate the matrix's shapes and count them")
    parser.add_argument("--transactions", type=int, default=30000, help="with --shapes (default 30000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind est introuvable : apt-get install valgrind")
    ledgers = list(args.ledgers)
    tmp = tempfile.mkdtemp(prefix="hn-instructions-") if args.shapes else None
    if args.shapes:
        sys.path.insert(0, HERE)
        from generate import SHAPES  # noqa: PLC0415 - the generator's own list of shapes

        for shape in SHAPES:
            out = os.path.join(tmp, shape)
            subprocess.run([sys.executable, GENERATE, "--out", out, "--shape", shape,
                            "--transactions", str(args.transactions)], check=True, stdout=subprocess.DEVNULL)
            ledgers.append(out)
    if not ledgers:
        parser.error("give ledger directories, or --shapes")
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        imports = instructions()
        print(f"imports (subtracted): {imports / 1e6:,.0f} M instructions")
        print(f"{'ledger':<40}{'(a) plain':>16}{'(b) plugins':>16}{'b/a':>8}")
        worst = 0.0
        counts = [(directory, *(pool.submit(instructions, os.path.join(directory, name))
                                for name in ("plain.beancount", "hn.beancount"))) for directory in ledgers]
        for directory, plain, hn in counts:
            a, b = plain.result() - imports, hn.result() - imports
            found = b / a
            worst = max(worst, found)
            print(f"{os.path.basename(directory.rstrip('/')):<40}{a / 1e6:>14,.0f} M{b / 1e6:>14,.0f} M{found:>8.3f}")
    print(f"plugins_overhead_instructions={worst:.3f}")
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
