"""Load throughput: feed rows/s through `load_feeds` beside DuckDB's own bulk load (read_json) of the same rows.

Prints figures only. The ingest step (feeds → page_fetches, versioned documents, fetch errors) is what is
compared with bulk loading; parsing and deriving are timed separately because they do work a bulk load does not.

    .venv/bin/python bench/load.py [--rows 100000] [--parse-sample 200]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ccgwatch.paths import DataPaths
from warehouse.load import load_feeds
from warehouse.queries import query

PAGE = (
    "Merger of clinical commissioning groups {n}\n"
    "The governing bodies of NHS Ashford CCG and NHS Canterbury and Coastal CCG agreed on 12 September 2019 to "
    "apply to NHS England to merge, with the new organisation to start on 1 April 2020. Item {n}."
)


def write_feed(paths: DataPaths, rows: int, raw_pages: int) -> Path:
    """`rows` feed rows over `raw_pages` distinct pages (stored raw), with one fetch error in twenty."""
    random.seed(7)
    stored = []
    for n in range(raw_pages):
        body = PAGE.format(n=n).encode()
        sha = hashlib.sha256(body).hexdigest()
        relative = f"{sha[:2]}/{sha}.gz"
        (paths.raw_store / sha[:2]).mkdir(parents=True, exist_ok=True)
        (paths.raw_store / relative).write_bytes(gzip.compress(body))
        stored.append((sha, relative, len(body)))
    paths.feeds.mkdir(parents=True, exist_ok=True)
    feed = paths.feeds / "bench-news.jsonl"
    with open(feed, "w", encoding="utf-8") as handle:
        for n in range(rows):
            if n % 20 == 19:
                row = {"item_type": "fetch_error", "url": f"https://site{n % 97}.test/missing/{n}", "source_id": "bench",
                       "kind": random.choice(["http_4xx", "http_5xx", "timeout"]), "reason": "synthetic",
                       "status": 500, "at": "2026-11-20T10:00:00+00:00"}
            else:
                sha, relative, size = stored[n % raw_pages]
                row = {"item_type": "page", "url": f"https://site{n % 97}.test/news/{n}",
                       "final_url": f"https://site{n % 97}.test/news/{n}", "source_id": f"site{n % 97}",
                       "source_kind": "news", "fetched_at": f"2026-11-20T10:{n // 6000 % 60:02d}:{n // 100 % 60:02d}+00:00",
                       "status": 200, "headers": {"content-type": "text/plain", "etag": f'"{sha[:12]}"'},
                       "content_type": "text/plain", "capture_time": None, "sha256": sha, "raw_path": relative,
                       "size": size, "cached": n % 10 == 0}
            handle.write(json.dumps(row) + "\n")
    return feed


def bulk_load_seconds(feed: Path, directory: Path) -> float:
    """DuckDB reading the same feed into a table on its own (the yardstick)."""
    con = duckdb.connect(str(directory / "bulk.duckdb"))
    started = time.perf_counter()
    con.execute("CREATE TABLE feed AS SELECT * FROM read_json(?, format = 'newline_delimited')", [str(feed)])
    con.execute("CHECKPOINT")
    seconds = time.perf_counter() - started
    con.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--parse-sample", type=int, default=200, help="documents parsed with the real parsers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        paths = DataPaths(root / "data")
        feed = write_feed(paths, args.rows, raw_pages=min(args.rows, 2000))
        bulk = statistics.median(bulk_load_seconds(feed, Path(tempfile.mkdtemp(dir=root))) for _ in range(3))
        # a fresh warehouse each time, migrated and with the register loaded, so only the ingest is timed
        ingest_times = []
        for attempt in range(3):
            attempt_paths = DataPaths(root / f"load{attempt}")
            load_feeds(attempt_paths, [], "warm-up", derive=True)
            started = time.perf_counter()
            summary = load_feeds(attempt_paths, [feed], "bench", derive=False, parse_pages=False)
            ingest_times.append(time.perf_counter() - started)
        ingest = statistics.median(ingest_times)
        started = time.perf_counter()
        again = load_feeds(attempt_paths, [feed], "bench", derive=False, parse_pages=False)
        reload_seconds = time.perf_counter() - started

        con = duckdb.connect(str(attempt_paths.working_db))
        sample = con.execute(query("load.sql", "unparsed_documents").rstrip(";") + " LIMIT ?", [args.parse_sample]).fetchall()
        con.close()
        from warehouse.db import working
        from warehouse.derive import rebuild
        from warehouse.parsing import parse_documents

        with working(attempt_paths.working_db) as con:
            started = time.perf_counter()
            figures = parse_documents(con, paths.raw_store, sample)  # the raw pages live with the feed
            parse_seconds = time.perf_counter() - started
            started = time.perf_counter()
            rebuild(con, run_id="bench")
            derive_seconds = time.perf_counter() - started

    rows = args.rows
    print(f"feed rows: {rows} ({summary.pages} pages, {summary.fetch_errors} fetch errors, "
          f"{summary.new_documents} documents)")
    print(f"DuckDB read_json bulk load:   {bulk:7.3f} s  {rows / bulk:12,.0f} rows/s")
    print(f"ccgwatch load_feeds (ingest): {ingest:7.3f} s  {rows / ingest:12,.0f} rows/s")
    print(f"ratio ingest / bulk time:     {ingest / bulk:7.2f} x  (target: within 2x; medians of 3, host load "
          "moves both)")
    print(f"reload of the same feed:      {reload_seconds:7.3f} s  ({again.new_documents} new documents)")
    print(f"parsing with the real parsers: {figures.parsed + figures.errors} documents in {parse_seconds:.2f} s "
          f"({(figures.parsed + figures.errors) / parse_seconds:,.0f} docs/s)")
    print(f"derive (rebuild groupings from {figures.parsed} parsed documents): {derive_seconds:.2f} s")
    print("BENCH " + json.dumps({"name": "load", "rows": rows, "ingest_rows_per_s": round(rows / ingest),  # run_all.py
                                 "bulk_rows_per_s": round(rows / bulk)}))


if __name__ == "__main__":
    main()
