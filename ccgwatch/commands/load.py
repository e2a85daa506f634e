"""`ccgwatch load`: load crawl feeds into the working warehouse, derive, and publish the snapshot."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ccgwatch.commands._warehouse import add_data_argument, data_paths
from ccgwatch.errors import UserError

HELP = "load crawl feeds (default: every feed in the data directory) into the warehouse and publish it"
EXAMPLE = "ccgwatch load --data data data/feeds/20261123T010000Z-moderngov.jsonl"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_argument(parser)
    parser.add_argument("feeds", nargs="*", type=Path, help="feed files (JSON lines written by the spiders)")
    parser.add_argument(
        "--run-id", help="run the feeds belong to (default: from each feed's name, `<run id>-<spider>.jsonl`)"
    )
    parser.add_argument("--no-publish", action="store_true", help="load only; readers keep the old snapshot")
    parser.add_argument(
        "--recover", action="store_true",
        help="set a damaged working warehouse aside, restart from the published snapshot and reload every feed",
    )


RUN_ID = re.compile(r"\d{8}T\d{6}Z")


def feeds_by_run(feeds: list[Path], fallback_run_id: str) -> dict[str, list[Path]]:
    """Feeds are named `<run id>-<spider>.jsonl`: each is loaded under its own run, others under a new one."""
    runs: dict[str, list[Path]] = {}
    for feed in feeds:
        prefix = feed.stem.split("-", 1)[0]
        runs.setdefault(prefix if RUN_ID.fullmatch(prefix) else fallback_run_id, []).append(feed)
    return runs


def run(args: argparse.Namespace) -> int:
    from warehouse.load import feed_files_in, load_feeds
    from warehouse.publish import publish
    from warehouse.runs import new_run_id

    paths = data_paths(args)
    if args.recover:
        from warehouse.recover import recover_working

        print(recover_working(paths))
    feeds = args.feeds or feed_files_in(paths)
    if not feeds:
        raise UserError(f"no feed files given and none in {paths.feeds}")
    missing = [feed for feed in feeds if not feed.is_file()]
    if missing:
        raise UserError(f"no feed file at {missing[0]}")
    groups = {args.run_id: feeds} if args.run_id else feeds_by_run(feeds, new_run_id())
    for run_id, run_feeds in sorted(groups.items()):
        print(load_feeds(paths, run_feeds, run_id).describe())
    if not args.no_publish:
        print(f"published {publish(paths)}")
    return 0
