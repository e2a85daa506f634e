"""`ccgwatch export`: groupings, events, documents and organisations as CSV, Parquet or JSON files."""

from __future__ import annotations

import argparse
from pathlib import Path

from ccgwatch.commands._warehouse import add_data_argument, data_paths

HELP = "export groupings, events, documents and organisations (csv|parquet|json) with a datapackage.json"
EXAMPLE = "ccgwatch export --format csv --out exports/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "parquet", "json"), default="csv", help="file format (default csv)")
    parser.add_argument("--out", type=Path, default=None, help="output directory (default: DATA/exports)")
    add_data_argument(parser)


def run(args: argparse.Namespace) -> int:
    from reports.export import EXPORTS, export
    from warehouse.read import connect_published

    paths = data_paths(args)
    out_dir = args.out if args.out is not None else paths.exports
    con = connect_published(paths)
    try:
        package = export(con, out_dir, args.format)
    finally:
        con.close()
    names = ", ".join(f"{name}.{args.format}" for name in EXPORTS)
    print(f"wrote {names} and {package.name} to {out_dir}")
    return 0
