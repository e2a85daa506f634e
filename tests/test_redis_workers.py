"""Several crawl workers on one Redis frontier: each page fetched once, nothing lost when a worker is killed."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccgwatch.paths import DataPaths

REPO = Path(__file__).resolve().parents[1]
WORKER_TTL = 2.0  # seconds: a killed worker's heartbeat expires quickly, so the test need not wait long


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    redis = pytest.importorskip("redis")
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 15
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert server.poll() is None, "redis-server exited at start"
            assert time.monotonic() < deadline, "redis-server did not answer"
            time.sleep(0.05)  # polling for readiness
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def web() -> Iterator[object]:
    from ccgwatch.sampleweb import serve

    with serve() as running:
        yield running


def _prepare(root: Path, base_url: str) -> DataPaths:
    from ccgwatch.sampleweb import sample_sources
    from spiders.sources import write_sources

    root.mkdir(parents=True, exist_ok=True)
    write_sources(sample_sources(base_url), root / "sources.csv")
    return DataPaths(root)


def _fetched_paths(requests: list[tuple[str, str, int]]) -> Counter[str]:
    # robots.txt is read by every crawler (one per source and worker) before it fetches; it is not a page.
    return Counter(path for _method, path, _status in requests if not path.endswith("/robots.txt"))


def _load(paths: DataPaths) -> dict[str, object]:
    """Load every feed in the data directory, publish, and read back what an analyst would see."""
    from warehouse.load import feed_files_in, load_feeds
    from warehouse.publish import publish
    from warehouse.read import connect_published

    load_feeds(paths, feed_files_in(paths), "load")
    publish(paths)
    con = connect_published(paths)
    try:
        return {
            "documents": con.execute(
                "SELECT url, version, sha256, title FROM documents ORDER BY ALL").fetchall(),
            # Which document's sentence becomes an event's evidence depends on fetch order ("the document
            # fetched first"), which differs between any two crawls; the event itself and how many documents
            # tell it do not.
            "events": con.execute(
                "SELECT grouping_id, type, date, date_precision, outcome, body, n_documents "
                "FROM events ORDER BY ALL").fetchall(),
            "groupings": con.execute("SELECT count(*) FROM groupings").fetchone()[0],
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def single_worker(web: object, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One ordinary crawl (no Redis) of the sample web: what the workers together must match."""
    from ccgwatch.crawling import run_crawl
    from spiders.sources import read_sources

    paths = _prepare(tmp_path_factory.mktemp("single"), web.base_url)
    before = len(web.requests)
    result = run_crawl(read_sources(paths.root / "sources.csv"), paths, "single", show_progress=False)
    assert result.returncode == 0
    fetched = _fetched_paths(web.requests[before:])
    # Listing pages, feeds and web-service answers are fetched too, though only pages become feed rows.
    assert max(fetched.values()) == 1 and len(fetched) > result.pages > 20
    return {"fetched": fetched, "warehouse": _load(paths)}


def _start_worker(paths: DataPaths, redis_url: str, run_id: str) -> subprocess.Popen:
    # Its own session, so a SIGKILL takes the worker (CLI and crawl child) down at once, as a crash would.
    return subprocess.Popen(
        [sys.executable, "-m", "ccgwatch", "crawl", "--data", str(paths.root), "--sources-file",
         str(paths.root / "sources.csv"), "--redis", redis_url, "--run-id", run_id, "--quiet"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env={**os.environ, "CCGWATCH_WORKER_TTL": str(WORKER_TTL)},
    )


def _finish(worker: subprocess.Popen) -> None:
    _out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err


def _frontier_keys(redis_url: str, run_id: str, kind: str) -> dict[str, int]:
    import redis

    client = redis.Redis.from_url(redis_url)
    sizes = {}
    for key in client.scan_iter(f"ccgwatch:{run_id}:*:{kind}*"):
        sizes[key.decode()] = client.hlen(key) if kind == "processing" else client.zcard(key)
    return sizes


def _workers_with_rows(paths: DataPaths, run_id: str) -> set[str]:
    """Worker ids (the end of each feed's name, after run id and source id) whose feeds hold rows."""
    from spiders.sources import read_sources

    prefixes = [f"{run_id}-{source.id}-" for source in read_sources(paths.root / "sources.csv")]
    return {
        feed.stem[len(prefix):]
        for feed in paths.feeds.glob(f"{run_id}-*.jsonl") if feed.stat().st_size
        for prefix in prefixes if feed.name.startswith(prefix)
    }


def _assert_same_warehouse(loaded: dict[str, object], reference: dict[str, object]) -> None:
    assert loaded["documents"] == reference["documents"]
    assert set(loaded["events"]) - set(reference["events"]) == set()
    assert set(reference["events"]) - set(loaded["events"]) == set()
    assert loaded == reference


def test_two_workers_fetch_every_page_once_and_load_what_one_worker_loads(
    web: object, redis_url: str, single_worker: dict[str, object], tmp_path: Path
) -> None:
    paths = _prepare(tmp_path / "data", web.base_url)
    web.httpd.delay = 0.1  # slow enough that both workers get a share of the pages
    before = len(web.requests)
    try:
        workers = [_start_worker(paths, redis_url, "pair") for _ in range(2)]
        for worker in workers:
            _finish(worker)
    finally:
        web.httpd.delay = 0.0
    fetched = _fetched_paths(web.requests[before:])
    assert fetched == single_worker["fetched"]  # the same pages, each exactly once
    feeds = sorted(paths.feeds.glob("pair-*.jsonl"))
    # each worker writes its own feed per source
    from spiders.sources import read_sources

    assert len(feeds) == 2 * len(read_sources(paths.root / "sources.csv"))
    assert len(_workers_with_rows(paths, "pair")) == 2, "both workers fetched pages"
    _assert_same_warehouse(_load(paths), single_worker["warehouse"])
    assert _frontier_keys(redis_url, "pair", "processing") == {}
    assert set(_frontier_keys(redis_url, "pair", "requests").values()) <= {0}


def test_a_worker_killed_mid_crawl_loses_nothing_a_restarted_worker_finishes(
    web: object, redis_url: str, single_worker: dict[str, object], tmp_path: Path
) -> None:
    paths = _prepare(tmp_path / "data", web.base_url)
    web.httpd.delay = 0.3  # a slow site, so the kill lands with requests in flight
    before = len(web.requests)
    try:
        doomed = _start_worker(paths, redis_url, "killed")
        deadline = time.monotonic() + 60
        while not (sum(_frontier_keys(redis_url, "killed", "processing").values()) >= 2
                   and any(feed.read_text(encoding="utf-8") for feed in paths.feeds.glob("killed-*.jsonl"))):
            assert doomed.poll() is None, f"the worker ended before the kill: {doomed.communicate()}"
            assert time.monotonic() < deadline, "the worker never had requests in flight"
            time.sleep(0.02)  # polling the frontier
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=30)
        orphaned = sum(_frontier_keys(redis_url, "killed", "processing").values())
        assert orphaned >= 1  # what plain scrapy-redis would have lost
        web.httpd.delay = 0.02  # the restarted worker need not be slow
        _finish(_start_worker(paths, redis_url, "killed"))
    finally:
        web.httpd.delay = 0.0
    fetched = _fetched_paths(web.requests[before:])
    assert set(fetched) == set(single_worker["fetched"])  # nothing lost (in-flight pages may be fetched twice)
    assert sum(fetched.values()) - len(fetched) <= orphaned
    _assert_same_warehouse(_load(paths), single_worker["warehouse"])
    assert _frontier_keys(redis_url, "killed", "processing") == {}


def test_a_popped_request_waits_in_its_worker_processing_list_until_acked_or_the_worker_dies(redis_url: str) -> None:
    import redis
    import scrapy

    from spiders.redis_frontier import AckingQueue

    class Spider(scrapy.Spider):
        name = "unit"

        def parse(self, response: object) -> None:
            return None

    client = redis.Redis.from_url(redis_url)
    spider = Spider()
    first = AckingQueue(client, spider, "ccgwatch:unit:s:requests", frontier="ccgwatch:unit:s", worker_id="w1")
    second = AckingQueue(client, spider, "ccgwatch:unit:s:requests", frontier="ccgwatch:unit:s", worker_id="w2")
    first.beat(ttl=60)
    second.beat(ttl=60)
    for path, priority in (("/a", 0), ("/b", 5), ("/c", 0)):
        first.push(scrapy.Request(f"http://127.0.0.1/{path.strip('/')}", spider.parse, priority=priority))

    taken = first.pop()
    assert taken.url == "http://127.0.0.1/b"  # highest priority first
    assert (len(first), first.in_flight(), second.others_in_flight()) == (2, 1, 1)
    first.ack(taken.meta["frontier_token"])
    assert first.in_flight() == 0

    lost = first.pop()
    assert second.recover_dead_workers() == 0  # w1's heartbeat is fresh: its request is not taken from it
    client.delete(first.alive_key_of("w1"))  # as if w1 had died and its heartbeat expired
    assert second.recover_dead_workers() == 1
    assert (len(second), first.in_flight()) == (2, 0)
    assert lost.url in {"http://127.0.0.1/a", "http://127.0.0.1/c"}
    assert sorted(second.pop().url for _ in range(2)) == ["http://127.0.0.1/a", "http://127.0.0.1/c"]
    assert client.smembers("ccgwatch:unit:s:workers") == {b"w2"}


@pytest.mark.parametrize(("arguments", "message"), [
    (["--redis", "redis://127.0.0.1:6379/0"],
     "ccgwatch: with a Redis frontier give every worker the same --run-id (e.g. --run-id 2026-w48)"),
    (["--redis", "localhost:6379", "--run-id", "r"],
     ("ccgwatch: cannot reach Redis at localhost:6379: Redis URL must specify one of the following schemes "
     "(redis://, rediss://, unix://)")),
])
def test_crawl_with_redis_refuses_in_one_line(arguments: list[str], message: str, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from ccgwatch.cli import main

    assert main(["crawl", "--data", str(tmp_path / "data"), "--quiet", *arguments]) == 2
    assert capsys.readouterr().err.strip() == message
