"""`ccgwatch changes --since DATE|RUN`: new and changed merger facts, printed and written as an Atom feed."""

from __future__ import annotations

import argparse
from pathlib import Path

from ccgwatch.commands._warehouse import add_data_argument, add_format_argument, data_paths

HELP = "new and changed facts since a date or run, plus an Atom feed file of them"
EXAMPLE = "ccgwatch changes --since 2026-11-01 --atom changes.atom"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", required=True, help="a date (YYYY-MM-DD) or a run id (see `ccgwatch runs`)")
    parser.add_argument("--atom", type=Path, default=None, help="Atom feed file to write (default: DATA/exports/changes.atom)")
    add_data_argument(parser)
    add_format_argument(parser)


def run(args: argparse.Namespace) -> int:
    import sys

    from reports.changes import CHANGES_COLUMNS, changes_since, write_atom
    from reports.output import print_rows
    from warehouse.read import connect_published

    paths = data_paths(args)
    con = connect_published(paths)
    try:
        rows = changes_since(con, args.since)
    finally:
        con.close()
    atom = write_atom(rows, args.atom or paths.exports / "changes.atom", args.since)
    print_rows(CHANGES_COLUMNS, [row[:7] for row in rows], args.format, title=f"Changes since {args.since}")
    print(f"{len(rows)} new or changed facts; Atom feed: {atom}", file=sys.stderr if args.format != "table" else sys.stdout)
    return 0
