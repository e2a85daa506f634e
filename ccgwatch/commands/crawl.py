"""`ccgwatch crawl`: fetch pages from the chosen sources into the data directory (feeds and raw store), no load."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from pathlib import Path

from ccgwatch.commands.run import add_data_arguments, select_sources
from ccgwatch.config import apply_crawl_environment, load_config
from ccgwatch.errors import UserError
from ccgwatch.paths import resolve_data_paths
from parsers.vocab import SourceKind

HELP = "crawl sources into the data directory (feeds + raw pages) without loading the warehouse"
EXAMPLE = "ccgwatch crawl --kind moderngov --since 2019-01-01 --max-pages 200"


def since_date(text: str) -> date:
    try:
        return date.fromisoformat(text if len(text) == 10 else f"{text}-01" if len(text) == 7 else f"{text}-01-01")
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY, YYYY-MM or YYYY-MM-DD)") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_arguments(parser)
    parser.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    parser.add_argument(
        "--kind", action="append", choices=[kind.value for kind in SourceKind], help="only sources of this kind"
    )
    parser.add_argument("--sources-file", type=_existing_file, help="registry CSV (default: the shipped one)")
    parser.add_argument("--since", type=since_date, metavar="DATE", help="only meetings/articles on or after DATE")
    parser.add_argument("--max-pages", type=int, metavar="N", help="stop each source's spider after N pages")
    parser.add_argument("--run-id", help="resume (or name) a crawl; default: a new id from the clock")
    parser.add_argument("--redis", metavar="URL", help="be one of several workers on the run's shared frontier "
                        "in this Redis (e.g. redis://host:6379/0; default: [queue] redis_url in the config); "
                        "every worker needs the same --run-id")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--quiet", action="store_true", help="no progress display")


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no sources file at {path}")
    return path


def check_redis(url: str) -> None:
    """Fail with one line before starting a crawl process if the Redis server cannot be reached."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except (redis.RedisError, ValueError) as error:
        raise UserError(f"cannot reach Redis at {url}: {error}") from None


def run(args: argparse.Namespace) -> int:
    from ccgwatch.crawling import run_crawl

    paths = resolve_data_paths(args.data)
    config = load_config(paths, args.config)
    sources = select_sources(config, args.source, args.kind, args.sources_file)
    if args.max_pages is not None and args.max_pages < 1:
        raise UserError("--max-pages must be at least 1")
    try:
        paths.root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create the data directory {paths.root}: {error.strerror}") from None
    apply_crawl_environment(config)
    redis_url = args.redis or config.redis_url
    if redis_url and not args.run_id:
        # Workers find each other by run id; one made from each machine's clock would give each its own crawl.
        raise UserError("with a Redis frontier give every worker the same --run-id (e.g. --run-id 2026-w48)")
    if redis_url:
        check_redis(redis_url)
    run_id = args.run_id or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    result = run_crawl(sources, paths, run_id, max_pages=args.max_pages or config.max_pages, since=args.since,
                       show_progress=not args.quiet, redis_url=redis_url)
    summary = {
        "run_id": result.run_id,
        "sources": len(sources),
        "pages": result.pages,
        "bytes": result.bytes,
        "not_modified": result.not_modified,
        "errors": result.errors,
        "errors_by_kind": result.errors_by_kind,
        "feeds": [str(feed) for feed in result.feed_files],
        "log": str(result.log_file),
    }
    if args.format == "json":
        print(json.dumps(summary, indent=2))
    else:
        errors = ", ".join(f"{kind} {n}" for kind, n in sorted(result.errors_by_kind.items())) or "none"
        print(f"crawl {result.run_id}: {len(sources)} source(s), {result.pages} pages "
              f"({result.not_modified} not modified), {result.bytes / 1024:.0f} KB downloaded, errors: {errors}")
        print(f"feeds in {paths.feeds}; log {result.log_file}")
    if result.returncode != 0:
        raise UserError(f"the crawl process exited with status {result.returncode}; see {result.log_file}")
    return 0
