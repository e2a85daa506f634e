"""Weekly re-crawl cost: a first run of the sample web, then a second against the unchanged site.

Prints, for each run, the bytes transferred (response bodies, as the crawl counts them), pages, 304s, the
requests the server saw by status and the facts added; then the ratio of the second run's bytes to the
first's (the target is at most 10%: conditional requests turn unchanged pages into bodiless 304s) and the
facts the second run added (should be 0). Figures only; nothing is asserted.

    .venv/bin/python bench/recrawl.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

from ccgwatch.commands.run import run_now
from ccgwatch.config import Config
from ccgwatch.paths import DataPaths
from ccgwatch.sampleweb import sample_sources, serve


def one_run(paths: DataPaths, sources: list, web: object, label: str) -> dict:
    seen_before = len(web.requests)
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
        "not_modified": summary.not_modified,
        "requests": sum(statuses.values()),
        "by_status": dict(sorted(statuses.items())),
        "new_facts": summary.new_facts,
        "changed_facts": summary.changed_facts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="use (and keep) this data directory instead of a temporary one")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="ccgwatch-recrawl-"))
    if args.keep and root.exists():
        shutil.rmtree(root)
    paths = DataPaths(root.resolve())
    try:
        # One server for both runs: the same port, so the same URLs, as a real site week on week.
        with serve() as web:
            sources = sample_sources(web.base_url)
            results = [one_run(paths, sources, web, "first"), one_run(paths, sources, web, "weekly re-run")]
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)

    print(f"{'run':<14} {'seconds':>8} {'pages':>6} {'bytes':>10} {'304s':>5} {'requests':>8} "
          f"{'new facts':>9} {'changed':>7}  server statuses")
    for r in results:
        print(f"{r['run']:<14} {r['seconds']:8.1f} {r['pages']:6d} {r['bytes']:10d} {r['not_modified']:5d} "
              f"{r['requests']:8d} {r['new_facts']:9d} {r['changed_facts']:7d}  {r['by_status']}")
    first, second = results
    ratio = second["bytes"] / first["bytes"] if first["bytes"] else float("nan")
    print(f"bytes ratio, re-run / first: {ratio:.1%} (target <= 10%)")
    print(f"facts added by the re-run: {second['new_facts']} new, {second['changed_facts']} changed (target 0)")


if __name__ == "__main__":
    main()
