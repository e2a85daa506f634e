"""Weekly re-crawl cost: a first run of the sample web, then a second against the unchanged site.

Prints, for each run: response-body bytes downloaded as the crawl counts them (RunSummary.bytes; a 304
downloads none), bytes the server actually wrote to the wire (status lines, headers and bodies, counted at
the socket), pages, 304s, requests by status, facts added. Then the ratio of the second run's bytes to the
first's by both measures (target at most 10%: conditional requests turn unchanged pages into bodiless
304s) and the facts the second run added (target 0). Figures only; nothing is asserted.

    .venv/bin/python bench/recrawl.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from ccgwatch.commands.run import run_now
from ccgwatch.config import Config
from ccgwatch.paths import DataPaths
from ccgwatch.sampleweb import sample_sources, serve


class _CountingWriter:
    """Wraps a handler's socket writer, adding up every byte the server sends."""

    def __init__(self, inner: object, tally: list[int]) -> None:
        self.inner, self.tally = inner, tally

    def write(self, data: bytes) -> int:
        self.tally[0] += len(data)
        return self.inner.write(data)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def count_wire_bytes(web: object) -> list[int]:
    """Make the sample web count the bytes it writes; returns the one-element running total."""
    tally = [0]
    base = web.httpd.RequestHandlerClass

    class Counting(base):
        def setup(self) -> None:
            super().setup()
            self.wfile = _CountingWriter(self.wfile, tally)

    web.httpd.RequestHandlerClass = Counting
    return tally


def one_run(paths: DataPaths, sources: list, web: object, wire: list[int], label: str) -> dict:
    seen_before, wire_before = len(web.requests), wire[0]
    started = time.perf_counter()
    summary = run_now(paths, Config(), sources)
    seconds = time.perf_counter() - started
    statuses = Counter(status for _, _, status in web.requests[seen_before:])
    return {
        "run": label,
        "run_id": summary.run_id,
        "outcome": summary.outcome,
        "seconds": seconds,
        "pages": summary.pages,
        "bytes": summary.bytes,
        "wire_bytes": wire[0] - wire_before,
        "not_modified": summary.not_modified,
        "requests": sum(statuses.values()),
        "by_status": dict(sorted(statuses.items())),
        "new_facts": summary.new_facts,
        "changed_facts": summary.changed_facts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="use (and keep) this data directory, not a temporary one")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="ccgwatch-recrawl-"))
    if args.keep and root.exists():
        shutil.rmtree(root)
    paths = DataPaths(root.resolve())
    try:
        # One server for both runs: the same port, so the same URLs, as a real site week on week.
        with serve() as web:
            wire = count_wire_bytes(web)
            sources = sample_sources(web.base_url)
            results = [one_run(paths, sources, web, wire, label) for label in ("first", "weekly re-run")]
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    print(f"{'run':<14} {'seconds':>8} {'pages':>6} {'body bytes':>10} {'wire bytes':>10} {'304s':>5} "
          f"{'requests':>8} {'new facts':>9} {'changed':>7}  server statuses")
    for r in results:
        print(f"{r['run']:<14} {r['seconds']:8.1f} {r['pages']:6d} {r['bytes']:10d} {r['wire_bytes']:10d} "
              f"{r['not_modified']:5d} {r['requests']:8d} {r['new_facts']:9d} {r['changed_facts']:7d}  "
              f"{r['by_status']}")
    first, second = results
    for measure, key in (("body bytes", "bytes"), ("wire bytes", "wire_bytes")):
        ratio = second[key] / first[key] if first[key] else float("nan")
        print(f"{measure} ratio, re-run / first: {ratio:.1%} (target <= 10%)")
    added = f"{second['new_facts']} new, {second['changed_facts']} changed"
    print(f"facts added by the re-run: {added} (target 0)")
    print("BENCH " + json.dumps({"name": "recrawl", "first_bytes": first["bytes"], "rerun_bytes": second["bytes"],  # run_all
                                 "first_wire_bytes": first["wire_bytes"], "rerun_wire_bytes": second["wire_bytes"]}))


if __name__ == "__main__":
    main()
