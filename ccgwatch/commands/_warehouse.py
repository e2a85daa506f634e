"""Arguments shared by the commands that read or write the warehouse: --data and --format."""

from __future__ import annotations

import argparse
from pathlib import Path

from ccgwatch.paths import DataPaths, resolve_data_paths
from reports.output import FORMATS


def add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=None, help="data directory (default: $CCGWATCH_HOME or ./data)")


def add_format_argument(parser: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS) -> None:
    parser.add_argument("--format", choices=formats, default=formats[0], help=f"output format (default: {formats[0]})")


def data_paths(args: argparse.Namespace) -> DataPaths:
    return resolve_data_paths(args.data)
