"""Benchmarks of beancount-hn against plain Beancount, in one run.

    python bench/run.py                  # the full run (about 20 minutes on 2 cores, 1.2 GB of memory)
    python bench/run.py --quick          # a smoke run: 2-year ledgers, small matrix and headline

On ledgers from ``bench/generate.py`` (the same text loaded with and without
``plugin "beancount_hn.plugins.all"``), each measurement in a fresh process
(``bench/measure.py``), repeated, reported as min / median:

(a) ``loader.load_file`` without the hn plugins;
(b) the same with ``beancount_hn.plugins.all``;
(c) ``hn 2035 --year Y``: the hn commands' own load (``loading.load_ledger``: (b) with the
    collector paused, then ``LedgerIndex.build``) + ``compute_2035``;
(d) ``hn invoices --year Y``: the same load + invoice book, cash book of the numbered
    documents (``Cashbook.build_for``) and report;
(e) each importer's rows per second (``bench/bench_importers.py``);
(f) the Fava extension page: Fava's load, then the page rendered several times, then the
    journal behind its line AA;
(g) ``hn export --year Y`` on the linearity ledgers: its peak memory against the ledger's own.

The ledgers: the reference shape at scales 1, 2 and 4 (linearity: doubling the
ledger should at most double each figure, judged on the work of beancount-hn's
figures, the bytecode instructions they execute per unit of their input, and
printed for every figure's time beside plain Beancount's own); the matrix of
shapes of practice (``generate.SHAPES``), each at about ``--matrix-transactions``
(a, b, c, d measured in full) and at about ``--headline-transactions`` (the
chain alone, in the (a) process); the worst shape of the matrix at about
``--headline-transactions``, measured in full. The targets are judged on every
shape and the headline; the last line, ``plugins_overhead_ratio=<b/a>``, is the
worst. Each figure is timed in wall-clock and CPU seconds; the ratios use the
minimum CPU time of the repeats, the measurement least disturbed by other
processes on a shared machine (wall-clock ratios are printed too).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

GENERATE = os.path.join(HERE, "generate.py")
MEASURE = os.path.join(HERE, "measure.py")
IMPORTERS_BENCH = os.path.join(HERE, "bench_importers.py")
EXAMPLE = os.path.join(ROOT, "ledger_example", "main.beancount")


def _generator_module():
    """bench/generate.py, imported (``bench/`` is not a package)."""
    module = sys.modules.get("bench_generate")
    if module is None:
        spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # its dataclasses look their module up while it executes
        spec.loader.exec_module(module)
    return module


#: The shapes of practice of the matrix (bench/generate.py ``--shape``).
SHAPES: dict[str, dict[str, object]] = _generator_module().SHAPES

#: Targets of issues 10 and 22.
TARGET_OVERHEAD, AIM_OVERHEAD = 1.10, 1.05
TARGET_2035, TARGET_RSS, TARGET_DOUBLING = 1.2, 1.1, 2.0


# --- measurements --------------------------------------------------------------------------------


def child(*args: str, timeout: float = 1800) -> dict[str, Any]:
    """Run ``bench/measure.py`` in a fresh interpreter and return its JSON."""
    env = {**os.environ, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"}
    proc = subprocess.run([sys.executable, MEASURE, *args], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"bench/measure.py {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


@dataclass
class Series:
    """Repeated timings of one figure: wall-clock and CPU seconds."""

    values: list[float] = field(default_factory=list)  # wall clock
    cpu: list[float] = field(default_factory=list)

    def add(self, wall: float, cpu: float) -> None:
        self.values.append(wall)
        self.cpu.append(cpu)

    @property
    def min(self) -> float:
        """The least disturbed CPU time: what the ratios use."""
        return min(self.cpu)

    @property
    def wall_min(self) -> float:
        return min(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def __str__(self) -> str:
        return f"{self.wall_min:8.2f} s  {self.median:8.2f} s  {self.min:8.2f} s"


@dataclass
class Ledger:
    """A generated (or example) ledger and its measurements."""

    label: str
    plain: str
    with_plugins: str
    transactions: int | None = None
    postings: int | None = None
    year: int | None = None  # the year hn 2035 and hn invoices are asked (the ledger's last)
    a: Series = field(default_factory=Series)  # plain load
    b: Series = field(default_factory=Series)  # load with plugins
    chain: Series = field(default_factory=Series)  # the plugin chain alone, in the (a) process
    hn_load: Series = field(default_factory=Series)  # the hn commands' load: (b), collector paused, + index
    c: Series = field(default_factory=Series)  # hn 2035: hn's load + compute
    c_compute: Series = field(default_factory=Series)
    d: Series = field(default_factory=Series)  # hn invoices: hn's load + compute
    d_compute: Series = field(default_factory=Series)
    c_least: Series = field(default_factory=Series)  # compute_2035, least of in-process repeats
    d_least: Series = field(default_factory=Series)
    contributions: int = 0  # the 2035's work: its contributions (one per settlement of the year)
    invoices: int = 0  # the invoice report's work: the invoices of the ledger
    operations: dict[str, int] = field(default_factory=dict)  # bytecode instructions, by figure
    rss_a: list[int] = field(default_factory=list)
    rss_b: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def measure(self, repeats: int, year: int) -> None:
        for _ in range(repeats):  # interleaved, so a load peak of the machine hits both
            plain = child("load", self.plain, "--plugins")
            self._check(plain, "without plugins")
            self.a.add(plain["load_s"], plain["load_cpu"])
            self.chain.add(plain["chain_s"], plain["chain_cpu"])
            self.rss_a.append(plain["rss_kb"])
            checked = child("load", self.with_plugins)
            self._check(checked, "with plugins")
            self.b.add(checked["load_s"], checked["load_cpu"])
            self.rss_b.append(checked["rss_kb"])
            full = child("reports", self.with_plugins, "--year", str(year))
            self._check(full, "for the hn commands")
            self.hn_load.add(full["load_s"], full["load_cpu"])
            for name, total, compute, least in (("form2035", self.c, self.c_compute, self.c_least),
                                                ("invoices", self.d, self.d_compute, self.d_least)):
                compute.add(full[f"{name}_s"], full[f"{name}_cpu"])
                least.add(full[f"{name}_least_s"], full[f"{name}_least_cpu"])
                total.add(*(full[f"load{k}"] + full[f"{name}{k}"] for k in ("_s", "_cpu")))
            self.contributions = full["form2035_contributions"]
            self.invoices = full["invoices_count"]
            if not full["form2035_closed"]:
                self._note(f"hn 2035 --year {year}: the reconciliation does not close")

    def count_work(self, year: int) -> None:
        """The operations of the chain, the 2035 and the invoice report (one traced process)."""
        work = child("work", self.plain, "--year", str(year))
        self._check(work, "for the operation counts")
        self.operations = {"chain": work["chain_ops"], "c_least": work["form2035_ops"],
                           "d_least": work["invoices_ops"]}

    def _check(self, result: dict[str, Any], what: str) -> None:
        if result["errors"]:
            shown = "; ".join(result.get("first_errors", []))
            self._note(f"{result['errors']} error(s) loading {what}: {shown}")

    def _note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    @property
    def b_over_a(self) -> float:
        return self.b.min / self.a.min

    @property
    def b_over_a_wall(self) -> float:
        return self.b.wall_min / self.a.wall_min

    @property
    def c_over_a(self) -> float:
        return self.c.min / self.a.min

    @property
    def rss_ratio(self) -> float:
        return min(self.rss_b) / min(self.rss_a)


# --- machine and environment ---------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        cpu = platform.processor() or "unknown"
    import beancount

    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "python": platform.python_version(),
            "beancount": beancount.__version__, "system": f"{platform.system()} {platform.release()}",
            "loadavg": load}


def byte_compile() -> None:
    """Byte-compile beancount-hn's modules, as pip does for an installed package (and Python
    on a first import): under ``PYTHONDONTWRITEBYTECODE`` an editable install would compile
    them from source again in every (b) process, a cost no user pays twice."""
    import compileall

    for folder in ("beancount_hn", "plugins", "importers"):
        compileall.compile_dir(os.path.join(ROOT, folder), quiet=1)


# --- the example ledger: the same text with and without its plugin line ---------------------------


def example_pair(tmp: str) -> tuple[str, str] | None:
    """The example's main file twice (plugin lines kept / commented out), includes made absolute."""
    if not os.path.isfile(EXAMPLE):
        return None
    directory = os.path.dirname(EXAMPLE)
    with open(EXAMPLE, encoding="utf-8") as handle:
        text = handle.read()
    absolute = re.sub(r'^(\s*include\s+")([^"]+)(")',
                      lambda m: m.group(1) + os.path.join(directory, m.group(2)) + m.group(3),
                      text, flags=re.MULTILINE)
    plain = re.sub(r'^(\s*plugin\s+")', r";\1", absolute, flags=re.MULTILINE)
    paths = (os.path.join(tmp, "example-plain.beancount"), os.path.join(tmp, "example-hn.beancount"))
    for path, body in zip(paths, (plain, absolute), strict=True):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(body)
    return paths


def generated(out: str, label: str, *options: str) -> Ledger:
    """Run bench/generate.py with ``options`` in its own process (the parent stays small: the
    children's memory is what is measured)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, GENERATE, "--out", out, *options], capture_output=True, text=True,
                          cwd=ROOT)
    match = re.search(r"(\d+) transactions, (\d+) postings, scale (\d+), (\d+) years from (\d+)", proc.stdout)
    if proc.returncode != 0 or match is None:
        raise RuntimeError(f"bench/generate.py failed:\n{proc.stderr[-3000:]}")
    transactions, postings, scale, years, start = map(int, match.groups())
    print(f"\ngenerated {label}: {transactions} transactions, {postings} postings (scale {scale}, {years} "
          f"years from {start}) in {time.perf_counter() - t0:.1f} s")
    return Ledger(label, os.path.join(out, "plain.beancount"), os.path.join(out, "hn.beancount"),
                  transactions, postings, year=start + years - 1)


# --- report --------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_ledger(ledger: Ledger, year: int) -> None:
    volume = (f"{ledger.transactions} transactions, {ledger.postings} postings"
              if ledger.transactions is not None else "")
    print(f"\n== {ledger.label} {volume}")
    print(f"   {'figure':<50}{'wall min':>10}  {'median':>10}  {'CPU min':>10}")
    rows = [("(a) load, no hn plugins", ledger.a), ("(b) load with beancount_hn.plugins.all", ledger.b),
            ("    the plugin chain alone, after (a), least of 3", ledger.chain)]
    rows += [("    hn's own load (collector paused) + index", ledger.hn_load),
             (f"(c) hn 2035 --year {year} (load + compute)", ledger.c),
             ("    of which compute_2035 on loaded entries", ledger.c_compute),
             ("    compute_2035 again, least of 3", ledger.c_least),
             (f"(d) hn invoices --year {year} (load + compute)", ledger.d),
             ("    of which invoice book + cash book + report", ledger.d_compute),
             ("    the same again, least of 3", ledger.d_least)]
    for label, series in rows:
        print(f"   {label:<50}{series}")
    print(f"   b/a = {ledger.b_over_a:.3f} (wall {ledger.b_over_a_wall:.3f}; in one process "
          f"1 + chain/a = {1 + ledger.chain.min / ledger.a.min:.3f})   c/a = {ledger.c_over_a:.3f}   "
          f"peak RSS a = {min(ledger.rss_a) / 1024:.0f} MiB, b = {min(ledger.rss_b) / 1024:.0f} MiB, "
          f"b/a = {ledger.rss_ratio:.3f}")
    for note in ledger.notes:
        print(f"   note: {note}")


#: beancount-hn's own figures, each with the unit of the work it does (its input).
OWN_FIGURES = (("chain", "plugin chain", "postings"), ("c_least", "compute_2035", "contributions"),
               ("d_least", "invoice report", "invoices"))


def doublings(values: list[float]) -> list[float]:
    """Each value divided by the one before it (the ledger doubles from one to the next)."""
    return [b / a for a, b in zip(values, values[1:], strict=False)]


def per_unit(ratios: list[float], units: list[int]) -> list[float]:
    """``ratios`` scaled to exactly twice the work: the generated ledger at scale 2K has not
    exactly twice the work of scale K (the year's settlements grow about 2.1 times: more
    practitioners share each transfer, so more items are paid in parts)."""
    return [r * 2 * u / v for r, u, v in zip(ratios, units, units[1:], strict=False)]


def _ratios(values: list[float]) -> str:
    return ", ".join(f"{r:.3f}" for r in values)


@dataclass
class Linearity:
    """What :func:`print_linearity` found."""

    work_linear: bool = True  # every figure's work per unit of its input at most doubles
    own_time: list[float] = field(default_factory=list)  # beancount-hn's time doublings per unit of work
    beancount_time: list[float] = field(default_factory=list)  # plain Beancount's load, per posting

    def summary(self) -> str:
        def span(values: list[float]) -> str:
            return f"{min(values):.2f}-{max(values):.2f}" if values else "n/a"
        return (f"its time per unit of work doubles by {span(self.own_time)} on this machine "
                f"(plain Beancount's own load per posting: {span(self.beancount_time)}), for information")


def print_linearity(points: list[Ledger]) -> Linearity:
    """The linearity of each figure between consecutive scales (each doubling the ledger).

    The target is judged on work: the bytecode instructions each of beancount-hn's
    figures executes (``measure.py work``), per unit of its input, must at most
    double when the input doubles. Times are printed too, per unit of work, beside
    plain Beancount's own load per posting: on a given machine every Python
    program's time per operation grows with its heap (caches, memory), so a time
    ratio says how the machine scales as much as how the code does.
    """
    labels = "".join(f"{p.label:>14}" for p in points)
    found = Linearity()
    print("\n== Linearity: scale 2K against scale K (the ledger doubles; target <= 2.0)")
    print("   Work, bytecode instructions executed (the same on every run and machine):")
    print(f"   {'figure':<24}{labels}   doubling    per unit of work (for twice the work)")
    for attr, label, unit in OWN_FIGURES:
        counts = [p.operations.get(attr, 0) for p in points]
        units = [getattr(p, unit) or 0 for p in points]
        if not all(counts) or not all(units):
            continue
        ratios = doublings([float(c) for c in counts])
        scaled = per_unit(ratios, units)
        found.work_linear &= all(r <= TARGET_DOUBLING for r in scaled)
        print(f"   {label:<24}" + "".join(f"{c / 1e6:>12.1f} M" for c in counts)
              + f"   {_ratios(ratios)}    {_ratios(scaled)}  ({unit}: {' / '.join(map(str, units))})")
    print("   Time, min CPU seconds (this machine):")
    print(f"   {'figure':<24}{labels}   doubling    per unit of work")
    for attr, label, unit in (("a", "(a) plain load", "postings"), ("b", "(b) with plugins", "postings"),
                              *OWN_FIGURES):
        series = [getattr(p, attr) for p in points]
        units = [getattr(p, unit) or 0 for p in points]
        if not all(s.values and s.min > 0 for s in series) or not all(units):
            continue
        ratios = doublings([s.min for s in series])
        scaled = per_unit(ratios, units)
        if attr == "a":
            found.beancount_time = scaled
        elif attr != "b":
            found.own_time += scaled
        print(f"   {label:<24}" + "".join(f"{s.min:>12.2f} s" for s in series)
              + f"   {_ratios(ratios)}    {_ratios(scaled)}")
    return found


def run_importers(timeout: float, quick: bool = False) -> None:
    print("\n== (e) Importers: rows per second, time and peak memory per MB, linearity")
    proc = subprocess.run([sys.executable, IMPORTERS_BENCH, *(["--quick"] if quick else [])],
                          capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout, env={**os.environ, "BEANCOUNT_DISABLE_LOAD_CACHE": "1"})
    for line in proc.stdout.splitlines():
        print(f"   {line}")
    if proc.returncode != 0:
        print(f"   bench/bench_importers.py failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}")


def run_fava(ledger: Ledger) -> None:
    print(f"\n== (f) Fava extension page, on {ledger.label} ({ledger.transactions} transactions)")
    result = child("fava", ledger.with_plugins)
    print(f"   Fava load (its own, plugins included): {result['fava_load_s']:.2f} s")
    for name, page in result["fava_pages"].items():
        times, cpus = page["render_s"], page["render_cpu"]
        print(f"   {page['url']} (HTTP {page['status']}): first render {times[0]:.3f} s ({cpus[0]:.3f} s CPU), "
              f"then min {min(times[1:] or times):.3f} s, median {statistics.median(times[1:] or times):.3f} s")
    journal = result.get("journal_aa")
    if journal is not None:
        print(f"   the journal behind line AA (api/journal_page, HTTP {journal['status']}): {journal['s']:.3f} s "
              f"({journal['cpu']:.3f} s CPU), {journal['bytes'] / 1e6:.1f} MB of HTML, "
              f"a filter of {journal['filter_chars']} characters")


def run_export(points: list[Ledger]) -> list[float]:
    """(g) ``hn export`` on each linearity ledger: its peak memory against the ledger's own (the
    peak of hn's load just before), and how each grows when the ledger doubles."""
    print("\n== (g) hn export --year (the bundle built and written), peak RSS against the ledger's own")
    print(f"   {'ledger':<12}{'postings':>10}{'load':>9}{'export':>9}{'ledger RSS':>12}{'export RSS':>12}"
          f"{'ratio':>8}")
    ratios, loads, peaks = [], [], []
    for point in points:
        result = child("export", point.with_plugins, "--year", str(point.year))
        if result["errors"]:
            print(f"   {point.label}: {result['errors']} error(s) loading: {'; '.join(result['first_errors'])}")
            continue
        loads.append(result["load_rss_kb"])
        peaks.append(result["rss_kb"])
        ratios.append(result["rss_kb"] / result["load_rss_kb"])
        print(f"   {point.label:<12}{point.postings:>10}{result['load_cpu']:>7.2f} s{result['export_cpu']:>7.2f} s"
              f"{result['load_rss_kb'] / 1024:>8.0f} MiB{result['rss_kb'] / 1024:>8.0f} MiB{ratios[-1]:>8.3f}")
    if len(peaks) > 1:
        print(f"   doubling the ledger: its own RSS x {_ratios(doublings(loads))}, "
              f"hn export's peak x {_ratios(doublings(peaks))}")
    return ratios


@dataclass
class Shape:
    """One shape of the matrix: its ledger at the matrix size, and the chain's cost at the headline size."""

    name: str
    ledger: Ledger
    large: Ledger | None = None  # the same shape at about the headline size: (a) and the chain alone

    @property
    def chain_ratio(self) -> float:
        return 1 + self.ledger.chain.min / self.ledger.a.min

    @property
    def large_chain_ratio(self) -> float | None:
        large = self.large
        return 1 + large.chain.min / large.a.min if large and large.a.cpu else None


def shape_options(name: str, args: argparse.Namespace, transactions: int) -> list[str]:
    """bench/generate.py's options for shape ``name`` at about ``transactions`` transactions."""
    options = ["--shape", name, "--transactions", str(transactions), "--seed", str(args.seed),
               "--start-year", str(args.start_year)]
    if args.quick:
        options += ["--years", str(args.years)]
    return options


def run_matrix(args: argparse.Namespace, tmp: str) -> list[Shape]:
    """Every shape of :data:`SHAPES` at about ``--matrix-transactions``, measured in full, and at
    about ``--headline-transactions`` (one plain load, then the chain alone, least of three)."""
    shapes = []
    for name in SHAPES:
        ledger = generated(os.path.join(tmp, f"shape-{name}"), f"shape {name}",
                           *shape_options(name, args, args.matrix_transactions))
        ledger.measure(args.repeats, ledger.year)
        print_ledger(ledger, ledger.year)
        shape = Shape(name, ledger)
        if args.headline_transactions > args.matrix_transactions:
            folder = os.path.join(tmp, f"shape-{name}-large")
            large = generated(folder, f"shape {name}, large",
                              *shape_options(name, args, args.headline_transactions))
            measured = child("load", large.plain, "--plugins")
            large.a.add(measured["load_s"], measured["load_cpu"])
            large.chain.add(measured["chain_s"], measured["chain_cpu"])
            print(f"   (a) {measured['load_cpu']:.2f} s CPU, the chain alone {measured['chain_cpu']:.2f} s: "
                  f"1 + chain/a = {1 + measured['chain_cpu'] / measured['load_cpu']:.3f}")
            shape.large = large
            shutil.rmtree(folder, ignore_errors=True)
        shapes.append(shape)
        sys.stdout.flush()
    return shapes


def print_matrix(shapes: list[Shape]) -> Shape:
    """The matrix as a table; returns the worst shape (the highest b/a)."""
    worst = max(shapes, key=lambda shape: shape.ledger.b_over_a)
    print("\n== Matrix of shapes (min CPU seconds; the last column: the same shape at the headline size)")
    print(f"   {'shape':<12}{'tx':>8}{'postings':>10}{'(a)':>9}{'(b)':>9}{'b/a':>7}{'1+ch/a':>8}{'c/a':>7}"
          f"{'RSS b/a':>9}{'large tx':>10}{'1+ch/a':>8}")
    for shape in shapes:
        ledger, large = shape.ledger, shape.large
        big = f"{large.transactions:>10}{shape.large_chain_ratio:>8.3f}" if large else ""
        print(f"   {shape.name:<12}{ledger.transactions:>8}{ledger.postings:>10}{ledger.a.min:>7.2f} s"
              f"{ledger.b.min:>7.2f} s{ledger.b_over_a:>7.3f}{shape.chain_ratio:>8.3f}{ledger.c_over_a:>7.3f}"
              f"{ledger.rss_ratio:>9.3f}{big}" + ("   <- worst" if shape is worst else ""))
    for name in sorted({name for name in SHAPES}):
        print(f"   {name}: {shape_params(name)}")
    return worst


def shape_params(name: str) -> str:
    """The parameters of shape ``name``, as bench/generate.py prints them."""
    fields = SHAPES[name]
    return ", ".join(f"{key}={value}" for key, value in fields.items()) or "the defaults (see generate.py)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, default=10, help="years of the linearity ledgers (default 10)")
    parser.add_argument("--start-year", type=int, default=2017)
    parser.add_argument("--scales", default="1,2,4", help="linearity scales (default 1,2,4)")
    parser.add_argument("--matrix-transactions", type=int, default=30000,
                        help="size of each shape of the matrix (default 30000 transactions)")
    parser.add_argument("--headline-transactions", type=int, default=100000,
                        help="size of the worst shape's headline ledger (default 100000 transactions)")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of each figure (default 3)")
    parser.add_argument("--headline-repeats", type=int, default=5, help="repeats on the headline ledger (default 5)")
    parser.add_argument("--seed", type=int, default=2035)
    parser.add_argument("--out", default=None, help="where to write the ledgers (default: a temp dir, removed)")
    parser.add_argument("--quick", action="store_true",
                        help="2-year ledgers, a matrix of 4 000 and a headline of 10 000 transactions, 2 repeats")
    parser.add_argument("--no-example", action="store_true", help="skip the example ledger")
    args = parser.parse_args(argv)
    if args.quick:
        args.years, args.repeats, args.headline_repeats = 2, 2, 2
        args.matrix_transactions, args.headline_transactions = 4000, 10000
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    if min(scales) < 1 or args.repeats < 1 or args.matrix_transactions < 1:
        parser.error("scales, sizes and repeats must be at least 1")
    started = time.perf_counter()
    byte_compile()

    info = machine()
    print(f"beancount-hn benchmarks, {datetime.datetime.now():%Y-%m-%d %H:%M}")
    print(f"machine: {info['nproc']} CPU ({info['cpu']}), {info['system']}, Python {info['python']}, "
          f"beancount {info['beancount']}, load average {info['loadavg']}")
    print(f"repeats: {args.repeats} (min / median), Beancount's pickle cache disabled")

    tmp = args.out or tempfile.mkdtemp(prefix="hn-bench-")
    try:
        if not args.no_example:
            pair = example_pair(tmp)
            if pair is None:
                print("\n== ledger_example/main.beancount\n   skipped: the example ledger is not there")
            else:
                example = Ledger("ledger_example/main.beancount", *pair, year=2025)
                example.measure(max(args.repeats, 3), 2025)
                print_ledger(example, 2025)

        points = []
        for scale in scales:
            point = generated(os.path.join(tmp, f"scale-{scale}"), f"scale {scale}", "--scale", str(scale),
                              "--years", str(args.years), "--start-year", str(args.start_year),
                              "--seed", str(args.seed))
            point.measure(args.repeats, point.year)
            if len(scales) > 1:
                point.count_work(point.year)
            print_ledger(point, point.year)
            points.append(point)
            sys.stdout.flush()
        linearity = print_linearity(points) if len(points) > 1 else Linearity()

        shapes = run_matrix(args, tmp)
        worst = print_matrix(shapes)
        head = generated(os.path.join(tmp, "headline"), f"headline: shape {worst.name}",
                         *shape_options(worst.name, args, args.headline_transactions))
        head.measure(args.headline_repeats, head.year)
        print_ledger(head, head.year)

        run_importers(timeout=1800, quick=args.quick)
        run_fava(points[0])
        export_ratios = run_export(points)

        measured = [shape.ledger for shape in shapes] + [head]
        overhead = max(ledger.b_over_a for ledger in measured)
        c_over_a = max(ledger.c_over_a for ledger in measured)
        rss = max(ledger.rss_ratio for ledger in measured)
        large = [ratio for shape in shapes if (ratio := shape.large_chain_ratio) is not None]
        print(f"\n== Targets (every shape at ~{args.matrix_transactions} transactions; the worst, {worst.name}, "
              f"at {head.transactions} transactions, {head.postings} postings)")
        print(f"   plugins overhead b/a: worst {overhead:.3f}, headline {head.b_over_a:.3f}  "
              f"(target <= {TARGET_OVERHEAD}, aim {AIM_OVERHEAD}): {verdict(overhead <= TARGET_OVERHEAD)}; "
              f"in one process 1 + chain/a: worst {max(shape.chain_ratio for shape in shapes):.3f}"
              + (f", at ~{args.headline_transactions} transactions {max(large):.3f}" if large else ""))
        print(f"   hn 2035 c/a: worst {c_over_a:.3f}  (target <= {TARGET_2035}): {verdict(c_over_a <= TARGET_2035)}")
        print(f"   linear scaling (doubling <= {TARGET_DOUBLING}x): beancount-hn's work per unit of its input "
              f"{verdict(linearity.work_linear)}; {linearity.summary()}")
        print(f"   peak RSS b/a: worst {rss:.3f}  (target <= {TARGET_RSS}): {verdict(rss <= TARGET_RSS)}")
        if export_ratios:
            print(f"   hn export peak RSS / the ledger's own: {_ratios(export_ratios)}")
        print(f"   total run time {time.perf_counter() - started:.0f} s")
        print(f"plugins_overhead_ratio={overhead:.3f}")
    finally:
        if args.out is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
