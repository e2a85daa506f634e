"""`ccgwatch runs`: past crawl runs, newest first, from the published warehouse snapshot."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import datetime

from ccgwatch.commands._warehouse import add_data_argument, add_format_argument, data_paths
from ccgwatch.errors import UserError

HELP = "list past runs: when, how they ended, pages and bytes fetched, 304s, errors, new and changed facts"
EXAMPLE = "ccgwatch runs --limit 5 --format json"

COLUMNS = ["run_id", "started_at", "finished_at", "outcome", "pages", "bytes", "not_modified", "errors",
           "new_facts", "changed_facts"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    parser.add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
    add_format_argument(parser)


def _rows(args: argparse.Namespace) -> list[dict]:
    from warehouse.read import connect_published
    from warehouse.runs import list_runs

    paths = data_paths(args)
    if not paths.published_db.exists():
        raise UserError(f"no published warehouse at {paths.published_db}; run `ccgwatch run` first")
    con = connect_published(paths)
    try:
        runs = list_runs(con, limit=args.limit)
    finally:
        con.close()
    return [
        {
            "run_id": r.run_id,
            "started_at": r.started_at.isoformat(sep=" ", timespec="seconds") if r.started_at else None,
            "finished_at": r.finished_at.isoformat(sep=" ", timespec="seconds") if r.finished_at else None,
            "outcome": r.outcome,
            "pages": r.pages,
            "bytes": r.bytes,
            "not_modified": r.not_modified,
            "errors": r.errors_by_kind,
            "new_facts": r.new_facts,
            "changed_facts": r.changed_facts,
        }
        for r in runs
    ]


def _errors_text(errors: dict[str, int]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in sorted(errors.items())) or "-"


def _duration(row: dict) -> str:
    if not (row["started_at"] and row["finished_at"]):
        return "-"
    seconds = int((datetime.fromisoformat(row["finished_at"]) - datetime.fromisoformat(row["started_at"]))
                  .total_seconds())
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds // 60 % 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s"


def _size(count: int) -> str:
    for unit in ("B", "KB", "MB"):
        if count < 1024:
            return f"{count:.0f} {unit}"
        count /= 1024
    return f"{count:.1f} GB"


def _print_table(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"ccgwatch runs, newest first ({len(rows)} shown)",
        caption="new, changed: facts (events) the run added or altered",
    )
    for header, justify in [("run", "left"), ("took", "right"), ("outcome", "left"), ("pages", "right"),
                            ("fetched", "right"), ("304s", "right"), ("errors", "left"), ("new", "right"),
                            ("changed", "right")]:
        # The run id is what `ccgwatch changes --since RUN` takes: never truncate it.
        is_run = header == "run"
        table.add_column(header, justify=justify, no_wrap=is_run, min_width=16 if is_run else None)
    for row in rows:
        table.add_row(
            row["run_id"], _duration(row), row["outcome"] or "-", str(row["pages"]), _size(row["bytes"]),
            str(row["not_modified"]), _errors_text(row["errors"]), str(row["new_facts"]),
            str(row["changed_facts"]),
        )
    Console().print(table)


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UserError("--limit must be a positive number")
    rows = _rows(args)
    if args.format == "json":
        for row in rows:
            print(json.dumps(row))
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "errors": _errors_text(row["errors"])})
    else:
        _print_table(rows)
    return 0
