"""One measurement, in a fresh process: load a ledger, time it, report the peak memory.

``bench/run.py`` starts this script once per repeat so every load starts cold
(no warm caches, no garbage from the previous load) and its peak RSS is its
own. It prints one JSON object on stdout::

    python bench/measure.py load LEDGER [--plugins]    # (a): loader.load_file [then the hn chain alone]
    python bench/measure.py load LEDGER                # (b) when LEDGER declares the hn plugins
    python bench/measure.py reports LEDGER --year 2025 # hn's load, then hn 2035 and hn invoices on it
    python bench/measure.py fava LEDGER                # Fava's load and the hn extension page renders
    python bench/measure.py work LEDGER --year 2025    # the Python operations of the chain, 2035, invoices
    python bench/measure.py export LEDGER --year 2025  # hn's load, then hn export's bundle, written

Each figure is given twice: ``*_s`` is wall-clock time (``time.perf_counter``),
``*_cpu`` the process's CPU time (``time.process_time``), which other processes
on a shared machine disturb much less; ``rss_kb`` is the peak resident set size
right after the load, before any report runs: ``VmHWM`` of ``/proc/self/status``
on Linux (``getrusage``'s ``ru_maxrss`` elsewhere, which Linux carries over
from the parent process across ``fork``/``exec`` and so cannot be used there). Beancount's pickle cache is
disabled (``BEANCOUNT_DISABLE_LOAD_CACHE=1``) so it never hides the parsing.

``work`` counts instead of timing: the bytecode instructions beancount-hn's
computations execute (:func:`count_operations`), the same on every machine and
every run, so the linearity of their work is judged without the noise of a
shared machine nor the growth of its memory's cost with the heap.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ["BEANCOUNT_DISABLE_LOAD_CACHE"] = "1"


class Clock:
    """Wall-clock and CPU time of one call."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __call__(self, function: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        self.wall, self.cpu = time.perf_counter() - wall, time.process_time() - cpu
        return result

    def record(self, result: dict[str, Any], name: str) -> None:
        result[f"{name}_s"], result[f"{name}_cpu"] = self.wall, self.cpu


def peak_rss_kb() -> int:
    """This process's peak resident set size in kilobytes, since it started."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def load(path: str, plugins: bool = False) -> dict[str, Any]:
    """Time ``loader.load_file`` (plugins as the file declares them).

    With ``plugins``, then time ``beancount_hn.plugins.all`` alone on the loaded
    entries, in the same process: the plugins' own cost, seconds after the load
    it is compared with (a steadier ratio than two loads on a busy machine); the
    least of :data:`INNER_REPEATS` runs.
    """
    from beancount import loader

    clock = Clock()
    entries, errors, options_map = clock(lambda: loader.load_file(path))
    result = {"rss_kb": peak_rss_kb()}
    clock.record(result, "load")
    if plugins:
        from beancount_hn.plugins.all import run_all

        _least(clock, lambda: run_all(entries, options_map), result, "chain")
    return {**result, **_summary(entries, errors)}


#: In-process repeats of a computation on entries already loaded: the least of them
#: is the steadiest figure of its cost, the one the linearity is judged on.
INNER_REPEATS = 3


def _least(clock: Clock, function: Callable[[], Any], result: dict[str, Any], name: str) -> Any:
    """Run ``function`` INNER_REPEATS times; record its least wall-clock and CPU times."""
    walls, cpus = [], []
    for _ in range(INNER_REPEATS):
        value = clock(function)
        walls.append(clock.wall)
        cpus.append(clock.cpu)
    result[f"{name}_s"], result[f"{name}_cpu"] = min(walls), min(cpus)
    return value


def _summary(entries: list, errors: list) -> dict[str, Any]:
    return {"entries": len(entries), "errors": len(errors),
            "first_errors": [f"{e.source.get('filename')}:{e.source.get('lineno')}: {e.message}"
                             for e in errors[:5] if e.source]}


def reports(path: str, year: int) -> dict[str, Any]:
    """The load of the ``hn`` commands (``loading.load_ledger``: plugins, then the index),
    then the ``hn 2035`` and ``hn invoices`` computations on the loaded entries."""
    from beancount_hn.tax.form2035 import compute_2035
    from beancount_hn.invoicing.invoice_report import invoices_view
    from beancount_hn.core.loading import load_ledger

    clock = Clock()
    loaded = clock(lambda: load_ledger(path, show_errors=False))
    result: dict[str, Any] = {"rss_kb": peak_rss_kb(), **_summary(loaded.entries, loaded.errors)}
    clock.record(result, "load")
    entries, index = loaded.entries, loaded.index

    form = clock(lambda: compute_2035(entries, index, year))
    clock.record(result, "form2035")  # the first run: what hn 2035 pays
    _least(clock, lambda: compute_2035(entries, index, year), result, "form2035_least")
    result["form2035_closed"] = bool(form.reconciliation.closed)
    result["form2035_errors"] = len(form.errors)
    result["form2035_contributions"] = len(form.contributions)  # its work: one per settlement

    as_of = datetime.date(year, 12, 31)
    book, report = clock(lambda: invoices_view(entries, index, as_of, year))  # hn invoices, minus printing
    clock.record(result, "invoices")
    _least(clock, lambda: invoices_view(entries, index, as_of, year), result, "invoices_least")
    result["invoices_count"] = len(book.invoices)
    result["invoices_unpaid"] = len(report.unpaid)
    return result


def count_operations(function: Callable[[], Any]) -> tuple[Any, int]:
    """``function()`` and the number of bytecode instructions it executed in Python frames.

    Traced with ``sys.settrace`` and ``f_trace_opcodes`` (about 15 times slower).
    A builtin called (``sorted``, ``dict.get``, ``x in list``) counts as the one
    instruction that calls it: its own loop is not seen.
    """
    count = 0

    def instructions(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "opcode":
            count += 1
        return instructions

    def frames(frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        return instructions

    previous = sys.gettrace()
    sys.settrace(frames)
    try:
        value = function()
    finally:
        sys.settrace(previous)
    return value, count


def work(path: str, year: int) -> dict[str, Any]:
    """Load ``path`` (a ledger without the hn plugins), then count the operations of the
    plugin chain on its entries, of ``compute_2035`` and of ``invoices_view`` on the
    chain's output, each run once as ``bean-check``, ``hn 2035`` and ``hn invoices`` do."""
    from beancount import loader

    from beancount_hn.tax.form2035 import compute_2035
    from beancount_hn.invoicing.invoice_report import invoices_view
    from beancount_hn.core.ledger import LedgerIndex
    from beancount_hn.plugins.all import run_all

    loaded, errors, options_map = loader.load_file(path)
    (entries, chain_errors), chain_ops = count_operations(lambda: run_all(loaded, options_map))
    index = LedgerIndex.build(entries, options_map)
    form, form_ops = count_operations(lambda: compute_2035(entries, index, year))
    as_of = datetime.date(year, 12, 31)
    (book, _), invoices_ops = count_operations(lambda: invoices_view(entries, index, as_of, year))
    return {"chain_ops": chain_ops, "form2035_ops": form_ops, "invoices_ops": invoices_ops,
            "form2035_contributions": len(form.contributions), "invoices_count": len(book.invoices),
            **_summary(entries, [*errors, *chain_errors])}


FAVA_MODULE = "beancount_hn.fava"
FAVA_RENDERS = 5


def fava(path: str) -> dict[str, Any]:
    """Fava's own load of ``path`` with the hn extension, then its report page, rendered repeatedly,
    then the journal behind the page's line AA (the page Fava's frontend asks for it).

    ``path`` is a ledger without the ``fava-extension`` directive: a sibling
    file that includes it and declares the extension is written next to it.
    Each request is timed in wall-clock and CPU seconds (the server's own work).
    """
    import html
    import re
    from urllib.parse import parse_qs, urlencode, urlsplit

    from fava.application import create_app

    directory, name = os.path.split(os.path.abspath(path))
    wrapper = os.path.join(directory, f".fava-{name}")
    with open(wrapper, "w", encoding="utf-8") as handle:
        handle.write(f'include "{name}"\n1970-01-01 custom "fava-extension" "{FAVA_MODULE}"\n')
    try:
        load_s, app = _timed(lambda: create_app([wrapper], load=True))
        app.testing = True
        client = app.test_client()
        ledgers = app.config["LEDGERS"]
        slug, ledger = next(iter(ledgers.items()))
        result: dict[str, Any] = {"fava_load_s": load_s}
        details = [d for d in ledger.extensions.extension_details if d.report_title]
        pages: dict[str, Any] = {}
        clock = Clock()
        body = ""
        for detail in details:
            url = f"/{slug}/extension/{detail.name}/"
            walls, cpus = [], []
            status = None
            for _ in range(FAVA_RENDERS):
                response = clock(lambda url=url: client.get(url))
                status = response.status_code
                walls.append(clock.wall)
                cpus.append(clock.cpu)
                body = body or response.get_data(as_text=True)
            pages[detail.name] = {"url": url, "status": status, "render_s": walls, "render_cpu": cpus}
        result["fava_pages"] = pages
        link = re.search(r'data-hn="2035\.lines\.AA"[^>]*><a href="([^"]*)"', body)
        if link is not None:
            url = html.unescape(link.group(1))
            text = parse_qs(urlsplit(url).query).get("filter", [""])[0]
            if not text:  # the extension's short route, which redirects to the journal with its filter
                location = client.get(url).headers.get("Location", "")
                text = parse_qs(urlsplit(location).query).get("filter", [""])[0]
            api = f"/{slug}/api/journal_page?" + urlencode({"page": 1, "order": "desc", "filter": text})
            response = clock(lambda: client.get(api))
            result["journal_aa"] = {"filter_chars": len(text), "status": response.status_code,
                                    "bytes": len(response.data), "s": clock.wall, "cpu": clock.cpu}
        return result
    finally:
        os.unlink(wrapper)


def export(path: str, year: int) -> dict[str, Any]:
    """What ``hn export --year`` does after its load (the bundle built, then written to a
    temporary directory), timed, with the peak RSS after the load and after the export."""
    import tempfile

    from beancount_hn.exports.bundle import BundleStream, write_bundle
    from beancount_hn.core.loading import load_ledger, output_folder

    clock = Clock()
    loaded = clock(lambda: load_ledger(path, show_errors=False))
    result: dict[str, Any] = {"load_rss_kb": peak_rss_kb(), **_summary(loaded.entries, loaded.errors)}
    clock.record(result, "load")
    with tempfile.TemporaryDirectory(prefix="hn-export-") as tmp:
        def run() -> int:  # as beancount_hn.cli.export does
            folder = output_folder(loaded, os.path.join(tmp, "out"), "hn export", force=False)
            bundle = BundleStream(loaded.entries, loaded.index, year, ledger_name=path,
                                  ledger_errors=len(loaded.errors))
            write_bundle(bundle, folder)
            return len(bundle.names())

        result["files"] = clock(run)
        clock.record(result, "export")
    result["rss_kb"] = peak_rss_kb()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="One benchmark measurement (used by bench/run.py).")
    parser.add_argument("what", choices=("load", "reports", "fava", "work", "export"))
    parser.add_argument("ledger")
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--plugins", action="store_true", help="load: also time the hn plugin chain alone")
    args = parser.parse_args(argv)
    if args.what == "load":
        result = load(args.ledger, args.plugins)
    elif args.what == "fava":
        result = fava(args.ledger)
    elif args.year is None:
        parser.error(f"{args.what} needs --year")
    elif args.what == "work":
        result = work(args.ledger, args.year)
    elif args.what == "export":
        result = export(args.ledger, args.year)
    else:
        result = reports(args.ledger, args.year)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
