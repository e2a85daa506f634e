"""`ccgwatch runs`: past crawl runs, newest first, from the published warehouse snapshot."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from ccgwatch.commands.run import data_paths
from ccgwatch.errors import UserError

HELP = "list past runs: when, how they ended, pages and bytes fetched, 304s, errors, new and changed facts"
EXAMPLE = "ccgwatch runs --limit 5 --format json"

COLUMNS = ["run_id", "started_at", "finished_at", "outcome", "pages", "bytes", "not_modified", "errors",
           "new_facts", "changed_facts"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=None,
                        help="data directory (default: $CCGWATCH_HOME or ./data)")
    parser.add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")


def _rows(args: argparse.Namespace) -> list[dict]:
    from warehouse.read import connect_published
    from warehouse.runs import list_runs

    paths = data_paths(args.data)
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
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"ccgwatch runs (newest first, {len(rows)} shown)")
        for column in COLUMNS:
            table.add_column(column.replace("_", " "), justify="right" if column in
                             {"pages", "bytes", "not_modified", "new_facts", "changed_facts"} else "left")
        for row in rows:
            table.add_row(*[_errors_text(row[c]) if c == "errors" else str(row[c] if row[c] is not None else "-")
                            for c in COLUMNS])
        Console().print(table)
    return 0
