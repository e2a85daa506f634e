"""`ccgwatch status`: one row per merger grouping from the published warehouse."""

from __future__ import annotations

import argparse

from ccgwatch.commands._warehouse import add_data_argument, add_format_argument, data_paths

HELP = "where each CCG/ICB merger grouping stands: members, status, dates, evidence (published snapshot)"
EXAMPLE = "ccgwatch status --format csv > status.csv"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    add_format_argument(parser)


def run(args: argparse.Namespace) -> int:
    from reports.status import print_status

    print_status(data_paths(args), args.format)
    return 0
