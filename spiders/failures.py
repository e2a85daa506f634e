"""Record every failed fetch as a FetchErrorItem in the feed, so one bad page or source never goes unnoticed.

How a spider uses it (H4's moderngov/news spiders, the archive and ODS spiders):

    from spiders.failures import FailureRecordingMixin

    class NewsSpider(FailureRecordingMixin, scrapy.Spider):
        ...
        yield scrapy.Request(url, self.parse_article, errback=self.record_failure,
                             meta={"source_id": self.source.id})

and in `spiders/settings.py`:

    SPIDER_MIDDLEWARES = {"spiders.failures.DefaultErrbackMiddleware": 50}
    DOWNLOADER_MIDDLEWARES = {"spiders.failures.RedirectLoopMiddleware": 650}
    HTTPERROR_ALLOW_ALL = False   # the default: 4xx/5xx reach `record_failure` as HttpError

`DefaultErrbackMiddleware` gives every request that has no errback the spider's `record_failure`, so a
spider that forgets one still records its failures. The errback is a spider method, which keeps requests
serialisable for JOBDIR. `record_failure` turns the Twisted failure into one FetchErrorItem carrying the
URL, the source (request meta `source_id`, else the spider's `source_id`/`source.id`), a `kind`
(see FailureKind), a readable `reason` and the HTTP status when there was one. Robots refusals
(RobotsTxtMiddleware's IgnoreRequest), redirect loops (RedirectLoopMiddleware's IgnoreRequest, or
RedirectMiddleware's at REDIRECT_MAX_TIMES), DNS failures, timeouts, refused connections and bodies over DOWNLOAD_MAXSIZE all
arrive through the errback. A PDF that cannot be read is a 200 answer, so spiders check it themselves:

    problem = pdf_problem(response.body)
    if problem:
        yield self.fetch_error(response.url, FailureKind.BAD_PDF, problem, status=response.status)

Scrapy keeps crawling after any of these, and the crawl runner runs each source as its own crawl, so a
failing source costs only its own pages.
"""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from spiders.items import FetchErrorItem

logger = logging.getLogger(__name__)


class FailureKind(StrEnum):
    """Why a fetch failed; the `kind` column of fetch_errors."""

    DNS = "dns"
    TIMEOUT = "timeout"
    CONNECTION = "connection"
    HTTP_4XX = "http_4xx"
    HTTP_5XX = "http_5xx"
    ROBOTS = "robots"
    REDIRECT_LOOP = "redirect_loop"
    TOO_LARGE = "too_large"
    BAD_PDF = "bad_pdf"
    BAD_ARCHIVE_INDEX = "bad_archive_index"
    OTHER = "other"


# Matched by class name so both Scrapy's own download errors (2.13+) and Twisted's are recognised
# without importing names that differ between versions.
_BY_EXCEPTION_NAME = {
    "CannotResolveHostError": FailureKind.DNS,
    "DNSLookupError": FailureKind.DNS,
    "DownloadTimeoutError": FailureKind.TIMEOUT,
    "TimeoutError": FailureKind.TIMEOUT,
    "TCPTimedOutError": FailureKind.TIMEOUT,
    "DownloadConnectionRefusedError": FailureKind.CONNECTION,
    "ConnectionRefusedError": FailureKind.CONNECTION,
    "ConnectionLost": FailureKind.CONNECTION,
    "ConnectionDone": FailureKind.CONNECTION,
    "ResponseNeverReceived": FailureKind.CONNECTION,
    "ResponseFailed": FailureKind.CONNECTION,
    "DownloadFailedError": FailureKind.CONNECTION,
    "ResponseDataLossError": FailureKind.CONNECTION,
}


def classify_failure(failure: Failure) -> tuple[FailureKind, str, int | None]:
    """The kind, a one-line reason and the HTTP status (if any) of a failed request."""
    error = failure.value
    if isinstance(error, HttpError):
        status = error.response.status
        kind = FailureKind.HTTP_5XX if status >= 500 else FailureKind.HTTP_4XX
        return kind, f"HTTP {status}", status
    message = str(error).strip() or type(error).__name__
    if isinstance(error, IgnoreRequest):
        lowered = message.lower()
        if "robots.txt" in lowered:
            return FailureKind.ROBOTS, "forbidden by robots.txt", None
        if "redirect" in lowered:
            return FailureKind.REDIRECT_LOOP, message, None
        return FailureKind.OTHER, f"ignored: {message}", None
    if "max size" in message or "maxsize" in message.lower():
        return FailureKind.TOO_LARGE, message, None
    for cls in type(error).__mro__:
        kind = _BY_EXCEPTION_NAME.get(cls.__name__)
        if kind:
            return kind, f"{type(error).__name__}: {message}", None
    if type(error).__name__ in {"CancelledError", "DownloadCancelledError"}:
        # The HTTP handler cancels a download that grows past DOWNLOAD_MAXSIZE; nothing else here cancels.
        return FailureKind.TOO_LARGE, f"download cancelled (over the size limit?): {message}", None
    return FailureKind.OTHER, f"{type(error).__name__}: {message}", None


def pdf_problem(body: bytes) -> str | None:
    """Why a body claimed to be a PDF cannot be read, or None when pypdf can open it and reach its pages."""
    from pypdf import PdfReader  # imported here: only PDF answers need it
    from pypdf.errors import PyPdfError

    if body.lstrip()[:5] != b"%PDF-":
        return "not a PDF (no %PDF- header)"
    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        if len(reader.pages) == 0:
            return "PDF has no pages"
        reader.pages[0].extract_text()
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        return f"unreadable PDF: {type(error).__name__}: {error}"
    return None


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class FailureRecordingMixin:
    """Gives a spider `record_failure` (an errback) and `fetch_error` (to report a failure found in a 200)."""

    def source_id_for(self, request: scrapy.Request | None) -> str:
        if request is not None and request.meta.get("source_id"):
            return str(request.meta["source_id"])
        source = getattr(self, "source", None)
        return str(getattr(self, "source_id", None) or getattr(source, "id", "") or "")

    def fetch_error(
        self,
        url: str,
        kind: FailureKind,
        reason: str,
        status: int | None = None,
        request: scrapy.Request | None = None,
    ) -> FetchErrorItem:
        return FetchErrorItem(
            url=url,
            source_id=self.source_id_for(request),
            kind=str(kind),
            reason=reason,
            status=status,
            at=now_iso(),
        )

    def record_failure(self, failure: Failure) -> Iterator[FetchErrorItem]:
        request = getattr(failure, "request", None)
        kind, reason, status = classify_failure(failure)
        # After redirects, report the URL that was asked for: that is the link a person would follow.
        url = (request.meta.get("redirect_urls") or [request.url])[0] if request is not None else ""
        logger.info("fetch failed (%s): %s — %s", kind, url, reason)
        yield self.fetch_error(url, kind, reason, status=status, request=request)


class DefaultErrbackMiddleware:
    """Spider middleware: a request without an errback gets the spider's `record_failure` (Scrapy 2.13+)."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> DefaultErrbackMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for request in start:
            yield self._with_errback(request)

    async def process_spider_output(
        self, response: Any, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        async for request in result:
            yield self._with_errback(request)

    def _with_errback(self, request: Any) -> Any:
        spider = self.crawler.spider
        if isinstance(request, scrapy.Request) and request.errback is None and hasattr(spider, "record_failure"):
            return request.replace(errback=spider.record_failure)
        return request


class RedirectLoopMiddleware:
    """Downloader middleware: a redirect back to a URL already on the chain fails as a redirect loop.

    Without it a loop A → B → A ends silently, because the scheduler's duplicate filter drops the second
    visit to A; RedirectMiddleware itself only notices chains longer than REDIRECT_MAX_TIMES. Place it
    just outside RedirectMiddleware (600) so it sees responses first: {"spiders.failures.RedirectLoopMiddleware": 650}.
    """

    def process_response(self, request: scrapy.Request, response: Any, spider: Any = None) -> Any:
        location = response.headers.get(b"Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = response.urljoin(location.decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            hops = " -> ".join([*chain[chain.index(target):], target])
            raise IgnoreRequest(f"redirect loop: {hops}")
        return response
