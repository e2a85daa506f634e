"""The crawl runner: runs the spiders for a list of sources in a child process and follows it with a progress bar.

Twisted's reactor cannot be restarted, so every crawl gets a fresh process (`python -m ccgwatch.crawling`,
the same thing Scrapyd does). The child runs one Scrapy crawler per source, a few at a time, each with its
own feed (`feeds/<run-id>-<source-id>.jsonl`) and JOBDIR (`jobs/<run-id>/<source-id>`, so re-running the
same run id resumes an interrupted crawl); all share the HTTP cache (conditional requests) and the raw store.
The parent reads the feeds as they grow to show progress and to count what was fetched.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ccgwatch import stopping
from ccgwatch.paths import DataPaths
from spiders.sources import Source, read_sources, write_sources

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
PARALLEL_SOURCES = 4  # crawlers running at once; each is polite to its own site


@dataclass
class CrawlResult:
    run_id: str
    feed_files: list[Path] = field(default_factory=list)
    pages: int = 0  # page rows in the feeds, including those answered 304 and served from the cache
    bytes: int = 0  # bytes actually downloaded (pages not served from the cache)
    not_modified: int = 0  # pages the server answered 304 for
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    returncode: int = 0
    log_file: Path | None = None

    @property
    def errors(self) -> int:
        return sum(self.errors_by_kind.values())


def feed_path(paths: DataPaths, run_id: str, source: Source, worker_id: str | None = None) -> Path:
    # Workers sharing a Redis frontier each write their own feed, named by worker so none collide.
    suffix = f"-{worker_id}" if worker_id else ""
    return paths.feeds / f"{run_id}-{source.id}{suffix}.jsonl"


class FeedCounter:
    """Counts feed rows as the files grow, reading only what was appended since the last look."""

    def __init__(self, feeds: list[Path]) -> None:
        self.offsets = {feed: 0 for feed in feeds}
        self.pages = self.bytes = self.not_modified = 0
        self.errors: Counter[str] = Counter()

    def update(self) -> None:
        for feed, offset in self.offsets.items():
            if not feed.exists():
                continue
            with open(feed, "rb") as handle:
                handle.seek(offset)
                chunk = handle.read()
            complete = chunk[: chunk.rfind(b"\n") + 1]  # the child may be half-way through a line
            self.offsets[feed] = offset + len(complete)
            for line in complete.splitlines():
                self.count(line)

    def count(self, line: bytes) -> None:
        try:
            row = json.loads(line)
        except ValueError:
            return
        if row.get("item_type") == "fetch_error" or ("reason" in row and "sha256" not in row):
            self.errors[str(row.get("kind") or "other")] += 1
            return
        self.pages += 1
        if row.get("cached"):
            self.not_modified += 1
        else:
            self.bytes += int(row.get("size") or 0)

    def fill(self, result: CrawlResult) -> None:
        result.pages, result.bytes, result.not_modified = self.pages, self.bytes, self.not_modified
        result.errors_by_kind = dict(self.errors)


def count_feeds(result: CrawlResult, feeds: list[Path]) -> None:
    """Fill the counts of a result from feed files (complete lines only)."""
    counter = FeedCounter(feeds)
    counter.update()
    counter.fill(result)


def run_crawl(
    sources: list[Source],
    paths: DataPaths,
    run_id: str,
    max_pages: int | None = None,
    since: date | None = None,
    show_progress: bool = True,
    settings: dict[str, Any] | None = None,
    redis_url: str | None = None,
) -> CrawlResult:
    """Crawl the sources in a child process; returns the feed files and what was fetched.

    With `redis_url` the child is one worker on the run's shared frontier in Redis (spiders/redis_frontier.py):
    start the same run id on as many machines as wanted.
    """
    job_dir = paths.jobs / run_id
    for folder in (job_dir, paths.feeds, paths.logs, paths.raw_store, paths.http_cache):
        folder.mkdir(parents=True, exist_ok=True)
    sources_file = job_dir / "sources.csv"
    write_sources(sources, sources_file)
    log_file = paths.logs / f"crawl-{run_id}.log"
    command = [sys.executable, "-m", "ccgwatch.crawling", "--data", str(paths.root), "--run-id", run_id,
               "--sources-file", str(sources_file)]
    if max_pages:
        command += ["--max-pages", str(max_pages)]
    if since:
        command += ["--since", since.isoformat()]
    for name, value in (settings or {}).items():
        command += ["--set", f"{name}={json.dumps(value)}"]
    worker_id = None
    if redis_url:
        from spiders.redis_frontier import new_worker_id

        worker_id = new_worker_id()
        command += ["--redis", redis_url, "--worker-id", worker_id]
    feeds = [feed_path(paths, run_id, source, worker_id) for source in sources]
    result = CrawlResult(run_id=run_id, log_file=log_file)
    with open(job_dir / "child-output.txt", "ab") as output:
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            follow(child, FeedCounter(feeds), len(sources), show_progress)
        except KeyboardInterrupt:
            # One SIGINT stops Scrapy cleanly (JOBDIR stays resumable); a second would force it, so the
            # signal is passed on only if the terminal did not already deliver it to the child.
            stopping.forward(signal.SIGINT)
            child.wait()
            raise
    result.returncode = child.returncode
    result.feed_files = [feed for feed in feeds if feed.exists()]
    count_feeds(result, result.feed_files)
    return result


def follow(child: subprocess.Popen[bytes], counter: FeedCounter, n_sources: int, show_progress: bool) -> None:
    if not show_progress:
        child.wait()
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"crawling {n_sources} source(s)", total=None)
        while child.poll() is None:
            counter.update()
            progress.update(task, description=(
                f"crawling {n_sources} source(s): {counter.pages} pages, {counter.not_modified} not modified, "
                f"{counter.bytes / 1024:.0f} KB, {sum(counter.errors.values())} errors"))
            time.sleep(0.25)  # refresh interval of the display


# --- the child process ------------------------------------------------------------------------------------


def source_settings(base: Any, source: Source, paths: DataPaths, run_id: str, max_pages: int | None,
                    redis_url: str | None = None, worker_id: str | None = None) -> Any:
    settings = base.copy()
    feed = feed_path(paths, run_id, source, worker_id)
    settings.set("FEEDS", {str(feed): {"format": "jsonlines", "encoding": "utf8"}}, priority="cmdline")
    settings.set("JOBDIR", str(paths.jobs / run_id / (f"{source.id}-{worker_id}" if worker_id else source.id)),
                 priority="cmdline")
    if redis_url and worker_id:
        from spiders.redis_frontier import frontier_settings

        for name, value in frontier_settings(redis_url, run_id, source.id, worker_id).items():
            settings.set(name, value, priority="cmdline")
        # A source is one site, fetched at most CONCURRENT_REQUESTS_PER_DOMAIN at a time; popping more from the
        # shared queue would only hoard requests other workers could be fetching.
        settings.set("CONCURRENT_REQUESTS", settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"), priority="cmdline")
    if max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", max_pages, priority="cmdline")
    hosts = {domain.split(":")[0] for domain in source.allowed_domains}
    if hosts and hosts <= LOOPBACK_HOSTS:
        # Our own machine (the sample web, a test server): no one to be polite to, so no delays.
        settings.set("DOWNLOAD_DELAY", 0, priority="cmdline")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="cmdline")
    return settings


def write_missing_spider_error(feed: Path, source: Source) -> None:
    row = {"item_type": "fetch_error", "url": source.base_url, "source_id": source.id, "kind": "other",
           "reason": f"no spider for source kind {source.kind!r}", "status": None, "at": None}
    with open(feed, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row) + "\n")


def crawl_in_this_process(paths: DataPaths, run_id: str, sources: list[Source], max_pages: int | None,
                          since: date | None, overrides: dict[str, Any], redis_url: str | None = None,
                          worker_id: str | None = None) -> int:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "spiders.settings")
    for folder in (paths.jobs / run_id, paths.feeds, paths.logs, paths.raw_store, paths.http_cache):
        folder.mkdir(parents=True, exist_ok=True)
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.reactor import install_reactor

    base = get_project_settings()
    base.set("HTTPCACHE_DIR", str(paths.http_cache), priority="cmdline")
    base.set("RAW_STORE", str(paths.raw_store), priority="cmdline")
    base.set("LOG_FILE", str(paths.logs / f"crawl-{run_id}.log"), priority="cmdline")
    base.set("LOG_LEVEL", base.get("LOG_LEVEL", "INFO"), priority="cmdline")
    for name, value in overrides.items():
        base.set(name, value, priority="cmdline")
    # Installed here, once, because each source gets its own Crawler (own settings) rather than one made
    # by the process, and a Crawler expects the reactor to exist already.
    install_reactor(base["TWISTED_REACTOR"] or "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
                    base["ASYNCIO_EVENT_LOOP"])
    process = CrawlerProcess(base)

    from twisted.internet import defer, reactor

    semaphore = defer.DeferredSemaphore(PARALLEL_SOURCES)
    crawls = []
    stats: dict[str, dict[str, Any]] = {}
    for source in sources:
        try:
            spider_class = process.spider_loader.load(source.kind)
        except KeyError:
            write_missing_spider_error(feed_path(paths, run_id, source, worker_id), source)
            continue
        crawler = Crawler(spider_class,
                          source_settings(base, source, paths, run_id, max_pages, redis_url, worker_id))

        def remember(_: object, crawler: Crawler = crawler, source: Source = source) -> None:
            stats[source.id] = {key: str(value) for key, value in (crawler.stats.get_stats() or {}).items()}

        crawl = semaphore.run(process.crawl, crawler, source=source, since=since)
        crawl.addBoth(remember)
        crawls.append(crawl)
    finished = defer.DeferredList(crawls, consumeErrors=True)
    finished.addBoth(lambda _: reactor.callLater(0, reactor.stop))  # type: ignore[attr-defined]
    process.start(stop_after_crawl=False)
    stats_name = f"stats-{worker_id}.json" if worker_id else "stats.json"
    (paths.jobs / run_id / stats_name).write_text(json.dumps(stats, indent=1, sort_keys=True))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run ccgwatch spiders for a list of sources (child process).")
    parser.add_argument("--data", required=True, type=Path)
    parser.add_argument("--run-id", required=True)
    parser.add_argument("--sources-file", required=True, type=Path)
    parser.add_argument("--max-pages", type=int)
    parser.add_argument("--since", type=date.fromisoformat)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON", help="a Scrapy setting")
    parser.add_argument("--redis", metavar="URL", help="crawl the run's shared frontier in this Redis")
    parser.add_argument("--worker-id", help="this worker's name on the shared frontier (with --redis)")
    args = parser.parse_args(argv)
    overrides = {}
    for assignment in args.set:
        name, _, value = assignment.partition("=")
        overrides[name] = json.loads(value)
    paths = DataPaths(args.data.resolve())
    worker_id = args.worker_id
    if args.redis and not worker_id:
        from spiders.redis_frontier import new_worker_id

        worker_id = new_worker_id()
    return crawl_in_this_process(paths, args.run_id, read_sources(args.sources_file), args.max_pages, args.since,
                                 overrides, args.redis, worker_id)


if __name__ == "__main__":
    sys.exit(main())
