"""`ccgwatch demo`: the whole product on the bundled sample web, with no internet."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from ccgwatch.errors import UserError
from ccgwatch.paths import DataPaths

HELP = "crawl the bundled sample web on 127.0.0.1, load the warehouse and print the merger status table"
EXAMPLE = "ccgwatch demo --data demo-data"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="demo-data", help="data directory for the demo (default: demo-data)")
    parser.add_argument(
        "--keep", action="store_true", help="keep an existing demo directory instead of starting afresh"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress display")


def run(args: argparse.Namespace) -> int:
    from ccgwatch.pipeline import run_once
    from ccgwatch.sampleweb import sample_sources, serve
    from reports.status import print_status

    paths = DataPaths(Path(args.data).resolve())
    # The sample web listens on a new port each time, so its URLs change: a fresh directory keeps the
    # demo's documents from piling up as "new" pages under every port.
    if paths.root.exists() and not args.keep:
        shutil.rmtree(paths.root)
    try:
        paths.root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create the demo directory {paths.root}: {error.strerror}") from None
    with serve() as server:
        summary = run_once(paths, sample_sources(server.base_url), show_progress=not args.quiet)
    print(
        f"Crawled {summary.pages} pages from the sample web at {server.base_url}; "
        f"warehouse: {paths.published_db}"
    )
    print_status(paths)
    return 0
