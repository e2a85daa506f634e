"""End to end: the real spiders crawl the sample web into a temporary data directory, then re-crawl with 304s."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from ccgwatch.crawling import CrawlResult, run_crawl
from ccgwatch.paths import DataPaths
from ccgwatch.sampleweb import SampleWeb, sample_sources, serve
from spiders.items import FetchErrorItem, PageItem
from spiders.pipelines import RawStorePipeline, read_body, store_body
from spiders.sources import write_sources

REPO = Path(__file__).resolve().parents[1]

EXPECTED_PAGES = {
    "sample-staffordshire": [
        "/staffordshire/documents/s142210/SCO%20briefing.pdf",
        "/staffordshire/ieDecisionDetails.aspx?AIId=60211",
        "/staffordshire/ieDecisionDetails.aspx?ID=8850",
        "/staffordshire/mgAi.aspx?ID=60211",
        "/staffordshire/mgAi.aspx?ID=61119",  # "NHS Update": a neutral title, kept because its text names the CCGs
        "/staffordshire/mgIssueHistoryHome.aspx?IId=4410",
    ],
    "sample-coventry": [
        "/coventry/documents/s47890/Streamlining%20Commissioning%20report.pdf",
        "/coventry/mgAi.aspx?ID=45210",
    ],
    "sample-ssotccgs": [
        "/ssotccgs/documents/sco-consultation-document.pdf",
        "/ssotccgs/news/dementia-friendly-practices.html",
        "/ssotccgs/news/easter-opening-hours.html",
        "/ssotccgs/news/flu-jab-2019.html",
        "/ssotccgs/news/governing-bodies-in-common-dates.html",
        "/ssotccgs/news/sco-consultation-closes.html",
        "/ssotccgs/news/sco-consultation-launch.html",
        "/ssotccgs/news/single-ccg-public-meeting-tamworth.html",
    ],
    "sample-kentmedway": [
        "/kentmedway/news/bank-holiday-services/",
        "/kentmedway/news/bowel-screening/",
        "/kentmedway/news/strategic-commissioner-questions-published/",
        "/kentmedway/news/winter-self-care/",
        "/kentmedway/strategic-commissioner-questions/",
    ],
    "sample-healthdigest": [
        "/healthdigest/2018/care-act-advocacy.html",
        "/healthdigest/2018/derby-burton-trusts-merge.html",
        "/healthdigest/2019/gps-reject-merger-driven-by-nhs-england.html",
    ],
    # Archive captures keep the original URL of the page; the capture URL is the final URL.
    "sample-archive-ssot": [
        "http://www.staffordshireccgs.nhs.uk/get-involved/consultations/future-of-commissioning",
        "http://www.staffordshireccgs.nhs.uk/governing-body/meetings-in-common",
        "http://www.staffordshireccgs.nhs.uk/news/2019/06/have-your-say-single-commissioning-organisation",
    ],
}


def feed_rows(result: CrawlResult) -> list[dict]:
    return [json.loads(line) for feed in result.feed_files for line in feed.read_text().splitlines()]


def pages_by_source(rows: list[dict], base_url: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in rows:
        if row["item_type"] == "page":
            found.setdefault(row["source_id"], []).append(row["url"].removeprefix(base_url))
    return {source: sorted(urls) for source, urls in found.items()}


@pytest.fixture(scope="module")
def web() -> Iterator[SampleWeb]:
    with serve() as running:
        yield running


@pytest.fixture(scope="module")
def crawled(web: SampleWeb, tmp_path_factory: pytest.TempPathFactory) -> tuple[DataPaths, CrawlResult, CrawlResult]:
    paths = DataPaths(tmp_path_factory.mktemp("data"))
    first = run_crawl(sample_sources(web.base_url), paths, "run1", show_progress=False)
    second = run_crawl(sample_sources(web.base_url), paths, "run2", show_progress=False)
    return paths, first, second


def test_first_crawl_fetches_exactly_the_expected_pages(web: SampleWeb, crawled: tuple) -> None:
    _paths, first, _ = crawled
    assert first.returncode == 0
    assert [feed.name for feed in first.feed_files] == [f"run1-{source_id}.jsonl" for source_id in [
        "sample-staffordshire", "sample-coventry", "sample-ssotccgs", "sample-kentmedway", "sample-healthdigest",
        "sample-archive-ssot"]]
    assert pages_by_source(feed_rows(first), web.base_url) == EXPECTED_PAGES
    assert (first.pages, first.not_modified, first.errors) == (27, 0, 1)  # one capture is gone (404)


def test_raw_files_are_written_content_addressed(crawled: tuple) -> None:
    paths, first, _ = crawled
    rows = [row for row in feed_rows(first) if row["item_type"] == "page"]
    for row in rows:
        assert "body" not in row
        stored = paths.raw_store / row["raw_path"]
        assert row["raw_path"] == f"{row['sha256'][:2]}/{row['sha256']}.gz"
        body = gzip.decompress(stored.read_bytes())
        assert hashlib.sha256(body).hexdigest() == row["sha256"]
        assert len(body) == row["size"]
    # the decision is reachable by two URLs with identical bytes: one raw file serves both
    assert len(list(paths.raw_store.glob("*/*.gz"))) == len({row["sha256"] for row in rows}) == 26
    assert first.bytes == sum(row["size"] for row in rows)


def test_feed_rows_carry_provenance_and_hints(web: SampleWeb, crawled: tuple) -> None:
    _, first, _ = crawled
    [row] = [r for r in feed_rows(first) if r["url"].endswith("/staffordshire/ieDecisionDetails.aspx?ID=8850")]
    assert (row["source_kind"], row["status"], row["cached"], row["title"], row["page_date"]) == (
        "moderngov", 200, False, "Single Strategic Commissioning Organisation", "2019-07-15"
    )
    assert row["headers"]["last-modified"] == "Thu, 05 Sep 2019 09:00:00 GMT"
    assert row["content_type"] == "text/html; charset=utf-8"
    assert row["fetched_at"].endswith("Z")


def test_second_crawl_revalidates_everything_and_downloads_nothing(web: SampleWeb, crawled: tuple) -> None:
    _, first, second = crawled
    assert (second.pages, second.not_modified, second.bytes, second.errors) == (27, 27, 0, 1)
    assert pages_by_source(feed_rows(second), web.base_url) == EXPECTED_PAGES
    assert {row.get("sha256") for row in feed_rows(second)} == {row.get("sha256") for row in feed_rows(first)}
    assert sum(1 for _, _, status in web.requests if status == 304) >= 24


def test_the_crawler_names_itself_and_a_contact(web: SampleWeb, crawled: tuple) -> None:
    crawlers = {agent for agent in web.user_agents if not agent.startswith("Python-urllib")}  # readiness polls
    assert crawlers == {"ccgwatch/0.1 (NHS merger research; +https://example.org/ccgwatch)"}


def test_since_limits_meetings_and_articles_and_a_bad_source_costs_only_itself(
    web: SampleWeb, tmp_path: Path
) -> None:
    chosen = [s for s in sample_sources(web.base_url) if s.id in {"sample-ssotccgs", "sample-coventry"}]
    odd = replace(chosen[0], id="sample-odd", kind="telepathy")  # no spider for this kind
    result = run_crawl([odd, *chosen], DataPaths(tmp_path), "since", since=date(2019, 7, 20), show_progress=False)
    assert pages_by_source(feed_rows(result), web.base_url) == {
        "sample-ssotccgs": ["/ssotccgs/news/flu-jab-2019.html", "/ssotccgs/news/sco-consultation-closes.html"],
    }
    [error] = [row for row in feed_rows(result) if row["item_type"] == "fetch_error"]
    assert (error["source_id"], error["reason"]) == ("sample-odd", "no spider for source kind 'telepathy'")
    assert result.errors_by_kind == {"other": 1}


def test_crawl_command_prints_json_summary(web: SampleWeb, tmp_path: Path) -> None:
    registry = tmp_path / "sources.csv"
    write_sources(sample_sources(web.base_url), registry)
    completed = subprocess.run(
        [sys.executable, "-m", "ccgwatch", "crawl", "--data", str(tmp_path / "data"), "--sources-file", str(registry),
         "--source", "sample-coventry", "--format", "json", "--run-id", "cli"],  # with the progress display
        capture_output=True, text=True, check=False, cwd=REPO,
        env={**os.environ, "CCGWATCH_CONTACT": "mailto:crawl-operator@example.org"},
    )
    assert completed.returncode == 0, completed.stderr
    assert web.user_agents[-1] == "ccgwatch/0.1 (NHS merger research; +mailto:crawl-operator@example.org)"
    summary = json.loads(completed.stdout)
    assert (summary["run_id"], summary["sources"], summary["pages"], summary["errors"]) == ("cli", 1, 2, 0)
    assert summary["feeds"] == [str(tmp_path / "data" / "feeds" / "cli-sample-coventry.jsonl")]


def test_scrapy_crawl_works_from_the_repository_root(web: SampleWeb, tmp_path: Path) -> None:
    registry = tmp_path / "sources.csv"
    write_sources(sample_sources(web.base_url), registry)
    out = tmp_path / "out.jsonl"
    completed = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "moderngov", "-a", "source=sample-coventry",
         "-a", f"sources_file={registry}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
         "-s", "LOG_LEVEL=WARNING", "-O", str(out)],
        capture_output=True, text=True, check=False, cwd=REPO,
        env={**os.environ, "CCGWATCH_HOME": str(tmp_path / "home")},
    )
    assert completed.returncode == 0, completed.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(row["url"].removeprefix(web.base_url) for row in rows) == EXPECTED_PAGES["sample-coventry"]
    assert all((tmp_path / "home" / "raw" / row["raw_path"]).is_file() for row in rows)


def test_raw_store_pipeline_types_rows_and_stores_once(tmp_path: Path) -> None:
    pipeline = RawStorePipeline(tmp_path)
    page = pipeline.process_item(PageItem(url="u", body=b"<html>same</html>"))
    again = pipeline.process_item(PageItem(url="v", body=b"<html>same</html>"))
    assert (page["item_type"], "body" in page, page["size"]) == ("page", False, 17)
    assert page["raw_path"] == again["raw_path"] == f"{page['sha256'][:2]}/{page['sha256']}.gz"
    assert read_body(tmp_path, page["raw_path"]) == b"<html>same</html>"
    assert list(tmp_path.rglob("*.part")) == []
    error = pipeline.process_item(FetchErrorItem(url="u", kind="http_5xx"))
    assert error["item_type"] == "fetch_error"
    assert store_body(tmp_path, b"x")[1] == store_body(tmp_path, b"x")[1]


def test_an_interrupted_crawl_resumes_from_its_jobdir(tmp_path: Path) -> None:
    """SIGINT stops the child cleanly; the same run id then fetches only what was left, nothing twice."""
    import signal

    with serve(delay=0.3) as slow:  # slow enough to interrupt mid-crawl
        [source] = [s for s in sample_sources(slow.base_url) if s.id == "sample-staffordshire"]
        paths = DataPaths(tmp_path)
        (paths.jobs / "resume").mkdir(parents=True)
        registry = paths.jobs / "resume" / "sources.csv"
        write_sources([source], registry)
        feed = paths.feeds / "resume-sample-staffordshire.jsonl"
        child = subprocess.Popen(
            [sys.executable, "-m", "ccgwatch.crawling", "--data", str(paths.root), "--run-id", "resume",
             "--sources-file", str(registry)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        # interrupt as soon as the crawl is under way (its first page was asked for)
        deadline = time.monotonic() + 60
        while child.poll() is None and not any("/staffordshire/" in path for _, path, _ in slow.requests):
            assert time.monotonic() < deadline, "the crawl never started"
            time.sleep(0.02)  # polling interval
        child.send_signal(signal.SIGINT)
        assert child.wait(timeout=60) == 0, child.stderr.read().decode()[-3000:]
        before = [json.loads(line)["url"] for line in feed.read_text().splitlines()] if feed.exists() else []
        assert len(before) < len(EXPECTED_PAGES["sample-staffordshire"]), before
        result = run_crawl([source], paths, "resume", show_progress=False)
    after = [row["url"].removeprefix(slow.base_url) for row in feed_rows(result)]
    assert sorted(after) == EXPECTED_PAGES["sample-staffordshire"]  # complete, and no page twice


def test_feed_counter_reads_only_complete_appended_lines(tmp_path: Path) -> None:
    from ccgwatch.crawling import FeedCounter

    feed = tmp_path / "run-x.jsonl"
    counter = FeedCounter([feed, tmp_path / "not-yet.jsonl"])
    counter.update()
    feed.write_text('{"item_type": "page", "size": 10, "cached": false}\n{"item_type": "page", "si')
    counter.update()
    assert (counter.pages, counter.bytes) == (1, 10)
    with open(feed, "a") as handle:
        handle.write('ze": 5, "cached": true}\n{"item_type": "fetch_error", "kind": "robots", "reason": "no"}\n')
    counter.update()
    assert (counter.pages, counter.bytes, counter.not_modified, dict(counter.errors)) == (2, 10, 1, {"robots": 1})
