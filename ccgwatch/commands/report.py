"""`ccgwatch report --out DIR`: a static HTML report of the published warehouse."""

from __future__ import annotations

import argparse
from pathlib import Path

from ccgwatch.commands._warehouse import add_data_argument, data_paths

HELP = "write a static HTML report: national table, 2017-2027 timeline chart, a page per grouping with evidence"
EXAMPLE = "ccgwatch report --out report/ && xdg-open report/index.html"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, help="output directory (default: DATA/exports/report)")
    add_data_argument(parser)


def run(args: argparse.Namespace) -> int:
    from reports.html import write_report
    from warehouse.read import connect_published

    paths = data_paths(args)
    out_dir = args.out if args.out is not None else paths.exports / "report"
    con = connect_published(paths)
    try:
        index = write_report(con, out_dir)
    finally:
        con.close()
    print(f"wrote {index}")
    return 0
