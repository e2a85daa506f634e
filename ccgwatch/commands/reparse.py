"""`ccgwatch reparse`: re-run the current parsers over every stored raw page and rebuild; no network."""

from __future__ import annotations

import argparse

from ccgwatch.commands._warehouse import add_data_argument, data_paths

HELP = "re-run the parsers over all stored raw pages, rebuild groupings and events, publish (no network)"
EXAMPLE = "ccgwatch reparse --data data"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    parser.add_argument("--no-publish", action="store_true", help="rebuild only; readers keep the old snapshot")


def run(args: argparse.Namespace) -> int:
    from ccgwatch.errors import UserError
    from warehouse.load import reparse
    from warehouse.publish import publish

    paths = data_paths(args)
    if not paths.working_db.exists():
        raise UserError(f"no warehouse at {paths.working_db}; run `ccgwatch load` first")
    summary = reparse(paths)
    print(summary.describe())
    if not args.no_publish:
        print(f"published {publish(paths)}")
    return 0
