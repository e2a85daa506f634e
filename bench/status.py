"""Status latency on a synthetic published warehouse of 10,000 groupings and 1,000,000 events (prints ms).

    .venv/bin/python bench/status.py [--groupings 10000] [--events 1000000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ccgwatch.paths import DataPaths
from reports.status import print_status, status_rows
from warehouse.db import working
from warehouse.publish import publish
from warehouse.read import connect_published

SYNTHETIC = """
INSERT INTO groupings
SELECT 'G' || lpad(g::VARCHAR, 6, '0'), 'Synthetic area ' || g || ' (5 CCGs)', 'Synthetic area ' || g, NULL, 5, 5,
       ['proposed', 'consulting', 'vote_for', 'vote_against', 'applied', 'approved', 'merged', 'rejected'][g % 8 + 1],
       '2020-04', CASE WHEN g % 8 = 6 THEN '2020-04-01' END, g % 8 = 6, NULL, 1 + g % 2,
       DATE '2018-01-01' + (g % 700)::INTEGER, DATE '2019-01-01' + (g % 700)::INTEGER, 1 + g % 4, 3 + g % 5,
       'https://news.test/story/' || g, [],
       list_transform(range(5), lambda m: 'C' || lpad((g * 5 + m)::VARCHAR, 5, '0')),
       list_transform(range(5), lambda m: 'NHS Synthetic ' || (g * 5 + m) || ' CCG'),
       ['proposed', 'consulting', 'vote_for', 'vote_against', 'applied', 'approved', 'approved', 'rejected'][g % 8 + 1]
FROM range($groupings) AS t(g);

INSERT INTO grouping_members
SELECT 'G' || lpad(g::VARCHAR, 6, '0'), 'C' || lpad((g * 5 + m)::VARCHAR, 5, '0'), 'NHS Synthetic ' || (g * 5 + m) || ' CCG', m
FROM range($groupings) AS t(g), range(5) AS u(m);

INSERT INTO events
SELECT 'E' || e, 'G' || lpad((e % $groupings)::VARCHAR, 6, '0'), 1,
       ['proposal', 'consultation_start', 'member_vote', 'application', 'approval', 'effective'][e % 6 + 1],
       strftime(DATE '2017-01-01' + (e % 3000)::INTEGER, '%Y-%m-%d'), 'day', DATE '2017-01-01' + (e % 3000)::INTEGER,
       CASE WHEN e % 6 = 2 THEN 'for' END, NULL, 'detail', 'The governing body agreed to merge (' || e || ').',
       e % 50000, 'https://news.test/story/' || (e % 50000), TIMESTAMP '2026-11-20 10:00:00', NULL, 1
FROM range($events) AS t(e);
"""


def timed(function, repeat: int) -> tuple[float, float, object]:
    """Median and fastest of `repeat` calls, in ms (the fastest shows the cost without other load on the host)."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groupings", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        paths = DataPaths(Path(temp))
        started = time.perf_counter()
        with working(paths.working_db) as con:
            con.execute(SYNTHETIC.replace("$groupings", str(args.groupings)).replace("$events", str(args.events)))
        publish(paths)
        built = time.perf_counter() - started

        def query_only() -> int:
            con = connect_published(paths)
            try:
                return len(status_rows(con))
            finally:
                con.close()

        def as_csv() -> int:
            return print_status(paths, "csv", out=io.StringIO())

        def as_table() -> int:
            return print_status(paths, "table", out=io.StringIO())

        query_ms, query_best, rows = timed(query_only, args.repeat)
        csv_ms, csv_best, _ = timed(as_csv, args.repeat)
        table_ms, _, _ = timed(as_table, 1)
        size_mb = paths.published_db.stat().st_size / 1e6
    print(f"synthetic warehouse: {args.groupings:,} groupings, {args.groupings * 5:,} members, {args.events:,} events "
          f"({size_mb:.0f} MB, built and published in {built:.1f} s)")
    print(f"status query (open snapshot + grouping_status, {rows:,} rows): median {query_ms:6.1f} ms, "
          f"best {query_best:6.1f} ms  (target < 200 ms)")
    print(f"ccgwatch status --format csv (all rows):                 median {csv_ms:6.1f} ms, best {csv_best:6.1f} ms")
    print(f"ccgwatch status table for people (rich, all rows):       {table_ms:8.1f} ms  (a table is for people; "
          "programs use csv/json)")
    print("BENCH " + json.dumps({"name": "status", "events": args.events, "query_ms": round(query_ms, 1),  # run_all.py
                                 "csv_ms": round(csv_ms, 1)}))


if __name__ == "__main__":
    main()
