"""Failure recording: each kind of failed fetch becomes one FetchErrorItem, and a misbehaving host loses nothing else."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import scrapy
from crawl_once import crawl
from pypdf import PdfWriter
from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import DNSLookupError, TCPTimedOutError
from twisted.python.failure import Failure

from ccgwatch.sampleweb import serve
from ccgwatch.sampleweb.misbehaving import EXPECTED_FAILURES, SOUND_PAGES
from spiders.failures import (
    DefaultErrbackMiddleware,
    FailureKind,
    FailureRecordingMixin,
    RedirectLoopMiddleware,
    classify_failure,
    pdf_problem,
)
from spiders.sources import Source


def failure_of(error: Exception, url: str = "https://democracy.abc.gov.uk/mgAi.aspx?ID=1") -> Failure:
    failure = Failure(error)
    failure.request = scrapy.Request(url)  # Scrapy attaches the request the same way
    return failure


def http_error(status: int) -> HttpError:
    return HttpError(Response("https://x.nhs.uk/a", status=status), "Ignoring non-200 response")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (http_error(404), (FailureKind.HTTP_4XX, "HTTP 404", 404)),
        (http_error(403), (FailureKind.HTTP_4XX, "HTTP 403", 403)),
        (http_error(503), (FailureKind.HTTP_5XX, "HTTP 503", 503)),
        (IgnoreRequest("Forbidden by robots.txt"), (FailureKind.ROBOTS, "forbidden by robots.txt", None)),
        (IgnoreRequest("max redirections reached"), (FailureKind.REDIRECT_LOOP, "max redirections reached", None)),
        (IgnoreRequest("offsite"), (FailureKind.OTHER, "ignored: offsite", None)),
        (CannotResolveHostError("no.such.host"), (FailureKind.DNS, "CannotResolveHostError: no.such.host", None)),
        (DNSLookupError("x.invalid"), (FailureKind.DNS, "DNSLookupError: DNS lookup failed: x.invalid.", None)),
        (DownloadTimeoutError("took longer than 2.0 seconds"),
         (FailureKind.TIMEOUT, "DownloadTimeoutError: took longer than 2.0 seconds", None)),
        (TCPTimedOutError(), (FailureKind.TIMEOUT, "TCPTimedOutError: TCP connection timed out.", None)),
        (CancelledError(), (FailureKind.TOO_LARGE, "download cancelled (over the size limit?): CancelledError", None)),
        (ValueError("odd"), (FailureKind.OTHER, "ValueError: odd", None)),
    ],
)
def test_classify_failure(error: Exception, expected: tuple[FailureKind, str, int | None]) -> None:
    assert classify_failure(failure_of(error)) == expected


class Recorder(FailureRecordingMixin):
    source_id = "moderngov-abc"


def test_record_failure_yields_one_item_with_url_source_kind_and_reason() -> None:
    failure = failure_of(http_error(500))
    failure.request.meta["source_id"] = "moderngov-def"  # the request's own source wins
    (item,) = Recorder().record_failure(failure)
    assert {key: item[key] for key in ("url", "source_id", "kind", "reason", "status")} == {
        "url": "https://democracy.abc.gov.uk/mgAi.aspx?ID=1", "source_id": "moderngov-def",
        "kind": "http_5xx", "reason": "HTTP 500", "status": 500}
    assert item["at"].endswith("Z")
    (item,) = Recorder().record_failure(failure_of(DNSLookupError("x")))
    assert (item["source_id"], item["kind"]) == ("moderngov-abc", "dns")


def test_a_redirected_request_is_reported_under_the_url_asked_for() -> None:
    failure = failure_of(IgnoreRequest("max redirections reached"), "https://x.nhs.uk/hop-3")
    failure.request.meta["redirect_urls"] = ["https://x.nhs.uk/start", "https://x.nhs.uk/hop-2"]
    (item,) = Recorder().record_failure(failure)
    assert (item["url"], item["kind"]) == ("https://x.nhs.uk/start", "redirect_loop")


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (pdf_bytes(), None),
        (b"<html>not a pdf</html>", "not a PDF (no %PDF- header)"),
        (pdf_bytes()[:60], "unreadable PDF: PdfStreamError: Stream has ended unexpectedly"),
    ],
)
def test_pdf_problem(body: bytes, problem: str | None) -> None:
    assert pdf_problem(body) == problem


class FakeCrawler:
    def __init__(self, spider: object) -> None:
        self.spider = spider


class RecordingSpider(FailureRecordingMixin, scrapy.Spider):
    name = "recording"

    def parse(self, response: Response) -> None:
        return None

    def own_errback(self, failure: Failure) -> None:
        return None


async def _collect(middleware: DefaultErrbackMiddleware, requests: list[object]) -> list[object]:
    async def produce():  # an async generator, as Scrapy hands spider output to middlewares
        for request in requests:
            yield request

    return [item async for item in middleware.process_spider_output(None, produce())]


def test_default_errback_middleware_fills_in_missing_errbacks_only() -> None:
    import asyncio

    spider = RecordingSpider()
    middleware = DefaultErrbackMiddleware.from_crawler(FakeCrawler(spider))
    bare = scrapy.Request("https://x.nhs.uk/a", spider.parse)
    own = scrapy.Request("https://x.nhs.uk/b", spider.parse, errback=spider.own_errback)
    item = {"not": "a request"}
    out = asyncio.run(_collect(middleware, [bare, own, item]))
    assert out[0].errback == spider.record_failure
    assert out[1].errback == spider.own_errback
    assert out[2] is item


@pytest.mark.parametrize(
    ("chain", "location", "loop"),
    [
        (["https://x.nhs.uk/a"], "/b", None),
        (["https://x.nhs.uk/a", "https://x.nhs.uk/b"], "/a",
         "redirect loop: https://x.nhs.uk/a -> https://x.nhs.uk/b -> https://x.nhs.uk/a"),
        (["https://x.nhs.uk/a"], "https://x.nhs.uk/a", "redirect loop: https://x.nhs.uk/a -> https://x.nhs.uk/a"),
    ],
)
def test_redirect_loop_middleware(chain: list[str], location: str, loop: str | None) -> None:
    request = scrapy.Request(chain[-1], meta={"redirect_urls": chain[:-1]})
    response = HtmlResponse(chain[-1], status=302, headers={"Location": location}, request=request)
    if loop is None:
        assert RedirectLoopMiddleware().process_response(request, response) is response
    else:
        with pytest.raises(IgnoreRequest) as raised:
            RedirectLoopMiddleware().process_response(request, response)
        assert str(raised.value) == loop


def test_crawling_the_misbehaving_host_records_each_failure_and_loses_nothing_else(tmp_path: Path) -> None:
    with serve() as web:
        closed_port_url = "http://127.0.0.1:9/gone"  # nothing listens on the discard port
        source = Source(id="sample-misbehaving", kind="news", name="Misbehaving CCG (sample)",
                        base_url=web.url("/misbehaving/"), allowed_domains=("127.0.0.1",),
                        start_urls=(closed_port_url, web.url("/misbehaving/")), org_codes=())
        rows = crawl("crawl_once.FollowLinksSpider", tmp_path / "feed.jsonl", source=source,
                     settings={"DOWNLOAD_MAXSIZE": 1024 * 1024})
    errors = {row["url"]: (row["kind"], row["status"]) for row in rows if row["item_type"] == "fetch_error"}
    expected = {web.url(path): outcome for path, outcome in EXPECTED_FAILURES.items()}
    expected[closed_port_url] = ("connection", None)
    assert errors == expected
    assert all(row["source_id"] == "sample-misbehaving" and row["reason"] for row in rows
               if row["item_type"] == "fetch_error")
    pages = {row["url"]: row["size"] for row in rows if row["item_type"] == "page"}
    assert set(pages) == {web.url("/misbehaving/"), *(web.url(path) for path in SOUND_PAGES)}
    # The wrongly labelled Latin-1 page arrives byte for byte; decoding it is the parser's business.
    assert pages[web.url("/misbehaving/wrong-charset")] == 169


def test_one_crawl_run_records_each_failure_per_source_and_loses_nothing(tmp_path: Path) -> None:
    """The real crawl runner, project settings and spiders: a dead source, the misbehaving host crawled by
    the news spider and the sample archive run side by side; each failure lands in its own source's feed."""
    from ccgwatch.crawling import run_crawl
    from ccgwatch.paths import DataPaths

    with serve() as web:
        dead = Source(id="sample-dead", kind="news", name="Nobody home", base_url="http://127.0.0.1:9/",
                      allowed_domains=("127.0.0.1",), start_urls=("http://127.0.0.1:9/news/",), org_codes=())
        misbehaving = Source(id="sample-misbehaving", kind="news", name="Misbehaving CCG (sample)",
                             base_url=web.url("/misbehaving/"), allowed_domains=("127.0.0.1",),
                             start_urls=(web.url("/misbehaving/"),), org_codes=())
        archive = Source(id="sample-archive-ssot", kind="archive", name="Staffordshire CCGs (sample archive)",
                         base_url=web.url("/archive"), allowed_domains=("127.0.0.1",),
                         start_urls=("staffordshireccgs.nhs.uk",), org_codes=("05D",))
        result = run_crawl([dead, misbehaving, archive], DataPaths(tmp_path), "failures-run", show_progress=False,
                           settings={"DOWNLOAD_TIMEOUT": 2, "RETRY_ENABLED": False, "DOWNLOAD_MAXSIZE": 1024 * 1024})
    rows: dict[str, list[dict]] = {}
    for feed in result.feed_files:
        source_id = feed.name.removeprefix("failures-run-").removesuffix(".jsonl")
        rows[source_id] = [json.loads(line) for line in feed.read_text().splitlines()]
    assert result.returncode == 0
    assert [(row["item_type"], row["url"], row["kind"]) for row in rows["sample-dead"]] == [
        ("fetch_error", "http://127.0.0.1:9/news/", "connection")]
    misbehaving_errors = {row["url"]: (row["kind"], row["status"]) for row in rows["sample-misbehaving"]
                          if row["item_type"] == "fetch_error"}
    assert misbehaving_errors == {web.url(path): outcome for path, outcome in EXPECTED_FAILURES.items()}
    # The news spider keeps articles, not the listing that links to them.
    assert {row["url"] for row in rows["sample-misbehaving"] if row["item_type"] == "page"} == {
        web.url(path) for path in SOUND_PAGES}
    assert sorted(row["capture_time"] for row in rows["sample-archive-ssot"] if row["item_type"] == "page") == [
        "2019-06-14T08:00:00Z", "2019-09-15T09:00:00Z", "2020-01-15T14:30:00Z"]
    assert all(row["source_id"] == source_id for source_id, source_rows in rows.items() for row in source_rows)
