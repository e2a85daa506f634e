"""`make bench`: run every benchmark in bench/, show what each prints, then one summary table of the figures.

    .venv/bin/python bench/run_all.py [--only NAME ...] [--quick]

Each benchmark runs in its own process; its own report is shown as it finishes, and its last line
`BENCH {json}` carries its figures for the summary. The peak memory column is the largest resident set of
the benchmark's process tree (the benchmark and the crawl processes it started and waited for), from
wait4(2). `--quick` passes smaller sizes to the slow ones (to try the suite out; the figures are then not
the reference sizes). Figures only: nothing is compared with a target and nothing fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
ORDER = ["crawl", "workers", "extraction_speed", "extraction_quality", "linker", "load", "status", "recrawl"]
QUICK_ARGS = {
    "crawl": ["--pages", "1000"],
    "workers": ["--pages", "600"],
    "extraction_speed": ["--docs", "100"],
    "linker": ["--docs", "500", "--rounds", "1"],
    "load": ["--rows", "20000", "--parse-sample", "50"],
    "status": ["--events", "100000", "--groupings", "2000", "--repeat", "3"],
}


@dataclass
class Outcome:
    name: str
    seconds: float = 0.0
    peak_mb: float = 0.0
    exit_code: int = 0
    figures: dict[str, object] = field(default_factory=dict)


def discover(only: list[str] | None) -> list[str]:
    """Every bench/*.py but this one: the known ones in a sensible order, any new ones after them."""
    names = sorted(path.stem for path in BENCH.glob("*.py") if path.stem != "run_all" and not path.stem.startswith("_"))
    ordered = [name for name in ORDER if name in names] + [name for name in names if name not in ORDER]
    return [name for name in ordered if not only or name in only]


def run_one(name: str, extra: list[str]) -> Outcome:
    print(f"\n=== bench/{name}.py {' '.join(extra)}".rstrip(), flush=True)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, str(BENCH / f"{name}.py"), *extra], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    output = []
    for line in process.stdout:
        output.append(line)
        if not line.startswith("BENCH "):
            print(line, end="", flush=True)
    # wait4 rather than wait: it also reports the peak resident set of the benchmark's process tree.
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    outcome = Outcome(name, time.perf_counter() - started, usage.ru_maxrss / 1024, process.returncode)
    for line in output:
        if line.startswith("BENCH "):
            outcome.figures.update(json.loads(line[len("BENCH "):]))
    if process.returncode != 0:
        print(f"(bench/{name}.py exited with status {process.returncode})")
    return outcome


def _number(value: object, digits: int = 0) -> str:
    if not isinstance(value, int | float):
        return "-"
    return f"{value:,.{digits}f}"


def _ratio(a: object, b: object) -> str:
    if isinstance(a, int | float) and isinstance(b, int | float) and b:
        return f"{a / b:.2f}x"
    return "-"


# One summary row per figure: (benchmark, what, how to show its figures).
Row = tuple[str, str, Callable[[dict[str, object]], str]]
ROWS: list[Row] = [
    ("crawl", "crawl pages/s: full pipeline vs bare Scrapy",
     lambda f: f"{_number(f.get('full_pages_per_s'))} vs {_number(f.get('bare_pages_per_s'))} "
               f"({_ratio(f.get('full_pages_per_s'), f.get('bare_pages_per_s'))})"),
    ("crawl", "crawl pages/s: re-crawl over warm cache (304s)", lambda f: _number(f.get("recrawl_pages_per_s"))),
    ("workers", "crawl pages/s: 1 vs 2 workers on Redis",
     lambda f: f"{_number(f.get('one_worker_pages_per_s'))} vs {_number(f.get('two_workers_pages_per_s'))} "
               f"({_ratio(f.get('two_workers_pages_per_s'), f.get('one_worker_pages_per_s'))}); "
               f"no Redis {_number(f.get('plain_pages_per_s'))}, duplicates {f.get('duplicates', '-')}"),
    ("extraction_speed", "extraction docs/s (page_text + extract, 1 core)", lambda f: _number(f.get("docs_per_s"))),
    ("extraction_quality", "extraction F1: relevance / members / status",
     lambda f: " / ".join(_number(f.get(key), 3) for key in ("relevance_f1", "members_f1", "status_f1"))),
    ("linker", "linker docs/s (CPU, 1 core)", lambda f: _number(f.get("docs_per_s"))),
    ("load", "load rows/s vs DuckDB bulk load",
     lambda f: f"{_number(f.get('ingest_rows_per_s'))} vs {_number(f.get('bulk_rows_per_s'))} "
               f"({_ratio(f.get('ingest_rows_per_s'), f.get('bulk_rows_per_s'))})"),
    ("status", "status ms (median) at N events",
     lambda f: f"{_number(f.get('query_ms'), 1)} ms at {_number(f.get('events'))} events"
               f" (csv {_number(f.get('csv_ms'), 1)} ms)"),
    ("recrawl", "weekly re-crawl bytes vs first crawl (body; wire)",
     lambda f: f"{_number(f.get('rerun_bytes'))} vs {_number(f.get('first_bytes'))}; "
               f"{_number(f.get('rerun_wire_bytes'))} vs {_number(f.get('first_wire_bytes'))} "
               f"({_ratio(f.get('rerun_wire_bytes'), f.get('first_wire_bytes'))})"),
]


def print_summary(outcomes: list[Outcome]) -> None:
    by_name = {outcome.name: outcome for outcome in outcomes}
    lines: list[tuple[str, str, str, str]] = []
    shown: set[str] = set()
    for name, label, show in ROWS:
        outcome = by_name.get(name)
        if outcome is None:
            continue
        shown.add(name)
        value = show(outcome.figures) if outcome.figures else f"no figures (exit {outcome.exit_code})"
        lines.append((label, value, f"{outcome.peak_mb:,.0f}", f"{outcome.seconds:,.0f}"))
    for outcome in outcomes:  # benchmarks the table does not know yet: their figures as they printed them
        if outcome.name not in shown:
            figures = {k: v for k, v in outcome.figures.items() if k != "name"}
            value = ", ".join(f"{k} {v}" for k, v in figures.items()) or f"no figures (exit {outcome.exit_code})"
            lines.append((outcome.name, value, f"{outcome.peak_mb:,.0f}", f"{outcome.seconds:,.0f}"))
    widths = [max(len(line[i]) for line in [*lines, ("figure", "value", "peak MB", "s")]) for i in range(4)]
    header = ("figure", "value", "peak MB", "s")
    print("\n=== summary")
    print(f"{header[0]:<{widths[0]}}  {header[1]:<{widths[1]}}  {header[2]:>{widths[2]}}  {header[3]:>{widths[3]}}")
    for label, value, peak, seconds in lines:
        print(f"{label:<{widths[0]}}  {value:<{widths[1]}}  {peak:>{widths[2]}}  {seconds:>{widths[3]}}")
    print("peak MB: largest resident set in the benchmark's process tree; s: wall time of the benchmark")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, to try the suite out")
    args = parser.parse_args()
    names = discover(args.only)
    if not names:
        print(f"no benchmarks to run in {BENCH}")
        return 2
    outcomes = [run_one(name, QUICK_ARGS.get(name, []) if args.quick else []) for name in names]
    print_summary(outcomes)
    return 0  # figures only: a benchmark that failed shows as "no figures" rather than failing make


if __name__ == "__main__":
    raise SystemExit(main())
