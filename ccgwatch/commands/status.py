"""`ccgwatch status`: one row per merger grouping from the published warehouse."""

from __future__ import annotations

import argparse

from ccgwatch.commands._warehouse import add_data_argument, add_format_argument, data_paths
from parsers.vocab import Status

HELP = "where each CCG/ICB merger grouping stands: members, status, dates, evidence (published snapshot)"
EXAMPLE = "ccgwatch status --where Kent   # or: ccgwatch status --status merged --format csv > merged.csv"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    add_format_argument(parser)
    parser.add_argument("--status", choices=[s.value for s in Status], help="only groupings with this status")
    parser.add_argument("--where", metavar="TEXT", help="only groupings whose label, area or a member names TEXT")


def run(args: argparse.Namespace) -> int:
    from reports.status import print_status

    print_status(data_paths(args), args.format, status=args.status, place=args.where)
    return 0
