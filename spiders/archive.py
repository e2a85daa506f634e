"""Archived websites (CCG sites gone since 2022, abolished councils): list captures via CDX, fetch the originals.

A source of kind `archive` names the archive by its `base_url` and the archived sites by their URL prefixes in
`start_urls` (e.g. `staffordshireccgs.nhs.uk`). Two CDX dialects are spoken, chosen by the base URL:

* Internet Archive (`https://web.archive.org`): `BASE/cdx/search/cdx?url=PREFIX/*&from=&to=&output=json
  &filter=statuscode:200&filter=mimetype:text/html&collapse=digest&limit=&showResumeKey=true`, a JSON array
  whose first row names the fields, paged with `resumeKey`; a capture's original bytes at
  `BASE/web/TIMESTAMPid_/URL`.
* UK Government Web Archive (a base URL ending in `/ukgwa`, a pywb server): `BASE/cdx?url=…&output=json`
  answering one JSON object per line (fields `url`, `mime`, `status`), captures at `BASE/TIMESTAMPid_/URL`.

Only captures that look like news, governing-body, consultation or merger pages (or ModernGov meeting and
decision pages) inside the date window are fetched, and each distinct content digest once. Every PageItem
keeps the original URL as `url`, the capture URL as `final_url` and the capture time as provenance.

    scrapy crawl archive -a source=archive-ia-staffordshireccgs [-a since=2019-01] [-a until=2020-12]

The crawl runner may pass the Source itself, `since`/`until` as dates, `max_pages` and `sources_file`.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from parsers.vocab import SourceKind
from spiders.common import SourceSpider
from spiders.failures import FailureKind, pdf_problem
from spiders.items import FetchErrorItem, PageItem
from spiders.sources import Source

DEFAULT_SINCE = "2017-01"  # the first CCG merger talks; CCGs closed at the end of June 2022
DEFAULT_UNTIL = "2022-07"
DEFAULT_PAGE_SIZE = 1000
DEFAULT_MIMETYPES = ("text/html",)

# Pages worth fetching, judged by the original URL: CCG news, governing body papers, consultations and
# merger pages, and the ModernGov pages a council's scrutiny of a merger lives on.
RELEVANT_URL = re.compile(
    r"news|press|media|announce|latest|blog"
    r"|governing[-_ ]?body|gb[-_]?(papers|meetings?)|board[-_]?(papers|meetings?)|meetings?[-_]in[-_]common"
    r"|consult|engag|have[-_]your[-_]say|get[-_]involved|involvement"
    r"|merg|single[-_](ccg|commission)|strategic[-_]commission|commissioning[-_](reform|changes?|future)"
    r"|future[-_]of|transformation|faqs?\b|questions"
    r"|mgAi\.aspx|ieListDocuments|ieDecisionDetails|mgIssueHistoryHome|mgConsultation|ieListMeetings",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Capture:
    """One row of a CDX index: a snapshot of `original` taken at `timestamp` (YYYYMMDDhhmmss, UTC)."""

    timestamp: str
    original: str
    mimetype: str
    statuscode: str
    digest: str
    length: str = ""

    @property
    def capture_time(self) -> str:
        stamp = self.timestamp.ljust(14, "0")
        return f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:{stamp[12:14]}Z"


class CdxError(ValueError):
    """The archive answered, but not with a CDX index we can read."""


def is_ukgwa(base_url: str) -> bool:
    return base_url.rstrip("/").endswith("/ukgwa")


def window_stamp(value: str) -> str:
    """`2017-01`, `2017-01-15` or `201701` as the digits-only prefix a CDX `from`/`to` expects."""
    digits = re.sub(r"[^0-9]", "", value)
    if len(digits) < 4 or len(digits) > 14:
        raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return digits


def captured_in_window(timestamp: str, since: str, until: str) -> bool:
    """Whether a capture falls in the window; `until` covers its whole period (2022-07 means all of July)."""
    return timestamp[: len(since)] >= since and timestamp[: len(until)] <= until


def cdx_query_url(
    base_url: str,
    prefix: str,
    since: str,
    until: str,
    page_size: int = DEFAULT_PAGE_SIZE,
    mimetypes: tuple[str, ...] = DEFAULT_MIMETYPES,
    resume_key: str | None = None,
) -> str:
    """The CDX request listing captures of everything under `prefix` between `since` and `until`."""
    base = base_url.rstrip("/")
    pattern = prefix.rstrip("/") + "/*"
    mime_pattern = "|".join(mimetypes)
    if is_ukgwa(base):
        params = [("url", pattern), ("from", since), ("to", until), ("output", "json"),
                  ("filter", "status:200"), ("filter", f"mime:{mime_pattern}"), ("limit", str(page_size))]
        return f"{base}/cdx?{urlencode(params)}"
    params = [("url", pattern), ("from", since), ("to", until), ("output", "json"),
              ("filter", "statuscode:200"), ("filter", f"mimetype:{mime_pattern}"), ("collapse", "digest"),
              ("limit", str(page_size)), ("showResumeKey", "true")]
    if resume_key:
        params.append(("resumeKey", resume_key))
    return f"{base}/cdx/search/cdx?{urlencode(params)}"


def capture_url(base_url: str, capture: Capture) -> str:
    """Where the archive serves a capture's original bytes (`id_`: no archive banner, no rewritten links)."""
    base = base_url.rstrip("/")
    if is_ukgwa(base):
        return f"{base}/{capture.timestamp}id_/{capture.original}"
    return f"{base}/web/{capture.timestamp}id_/{capture.original}"


def parse_cdx(body: bytes) -> tuple[list[Capture], str | None]:
    """Captures in a CDX answer and the resume key for the next page, if the archive gave one.

    Internet Archive: a JSON array, first row the field names, then rows, then `[]` and `[resumeKey]` when
    more remain. pywb (UKGWA): one JSON object per line. An empty body means no captures.
    """
    text = body.decode("utf-8", errors="replace").strip()
    if not text:
        return [], None
    if text.startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as error:
            raise CdxError(f"CDX answer is not JSON: {error}") from None
        if rows == []:  # the Internet Archive's answer when nothing was captured
            return [], None
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise CdxError("CDX answer is not a list of rows")
        header, *rest = rows
        missing = [name for name in ("timestamp", "original", "digest") if name not in header]
        if missing:
            raise CdxError(f"CDX header lacks {', '.join(missing)}")
        resume_key = None
        if len(rest) >= 2 and rest[-2] == [] and len(rest[-1]) == 1:
            resume_key = str(rest[-1][0])
            rest = rest[:-2]
        captures = [_capture(dict(zip(header, row))) for row in rest if row]
        return captures, resume_key
    captures = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise CdxError(f"CDX line {number} is not JSON") from None
        if not isinstance(record, dict) or "timestamp" not in record:
            raise CdxError(f"CDX line {number} is not a capture record")
        captures.append(_capture(record))
    return captures, None


def _capture(record: dict[str, Any]) -> Capture:
    return Capture(
        timestamp=str(record.get("timestamp", "")),
        original=str(record.get("original") or record.get("url") or ""),
        mimetype=str(record.get("mimetype") or record.get("mime") or ""),
        statuscode=str(record.get("statuscode") or record.get("status") or ""),
        digest=str(record.get("digest", "")),
        length=str(record.get("length", "") or ""),
    )


def looks_relevant(original_url: str) -> bool:
    return bool(RELEVANT_URL.search(original_url))


class ArchiveSpider(SourceSpider):
    """Web archives through CDX: list a site's captures in a window, keep the relevant ones, fetch each once."""

    name = "archive"

    def __init__(
        self,
        source: Source | str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        max_pages: int | str | None = None,
        page_size: int | str = DEFAULT_PAGE_SIZE,
        mimetypes: str | tuple[str, ...] = DEFAULT_MIMETYPES,
        sources_file: str | Path | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(source=source, sources_file=str(sources_file) if sources_file else None, since=since,
                         **kwargs)
        if self.source.kind != SourceKind.ARCHIVE:
            raise ValueError(f"source {self.source.id} is a {self.source.kind} source, not an archive")
        # The crawl runner's --since (a date) or text such as 2017-01; nothing given means the default window.
        self.window_since = window_stamp(self.since.strftime("%Y%m%d") if self.since else DEFAULT_SINCE)
        self.window_until = window_stamp(str(until or DEFAULT_UNTIL))
        self.max_pages = int(max_pages) if max_pages not in (None, "") else None
        self.page_size = int(page_size)
        self.mimetypes = tuple(mimetypes.split(",")) if isinstance(mimetypes, str) else tuple(mimetypes)
        self.seen_digests: set[str] = set()
        self.scheduled = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for prefix in self.source.start_urls:
            yield self.cdx_request(prefix)

    def cdx_request(self, prefix: str, resume_key: str | None = None) -> scrapy.Request:
        url = cdx_query_url(self.source.base_url, prefix, self.window_since, self.window_until, self.page_size,
                            self.mimetypes, resume_key)
        return scrapy.Request(url, self.parse_cdx, errback=self.record_failure,
                              meta={"source_id": self.source_id, "prefix": prefix}, dont_filter=True)

    def parse_cdx(self, response: Response) -> Iterator[scrapy.Request | FetchErrorItem]:
        """A page of the capture index: one request per new relevant capture, then the next page."""
        try:
            captures, resume_key = parse_cdx(response.body)
        except CdxError as error:
            yield self.fetch_error(response.url, FailureKind.BAD_ARCHIVE_INDEX, str(error),
                                   status=response.status, request=response.request)
            return
        for capture in captures:
            if not self.wanted(capture):
                continue
            if self.max_pages is not None and self.scheduled >= self.max_pages:
                return
            self.seen_digests.add(capture.digest)
            self.scheduled += 1
            yield scrapy.Request(capture_url(self.source.base_url, capture), self.parse_capture,
                                 errback=self.record_failure,
                                 meta={"source_id": self.source_id, "capture": asdict(capture)})
        if resume_key:
            yield self.cdx_request(response.meta["prefix"], resume_key)

    def wanted(self, capture: Capture) -> bool:
        """In the window, a 200 of a wanted type, a relevant-looking page, and content not fetched before."""
        return (
            captured_in_window(capture.timestamp, self.window_since, self.window_until)
            and capture.statuscode in {"200", ""}
            and (not capture.mimetype or capture.mimetype.split(";")[0].strip() in self.mimetypes)
            and looks_relevant(capture.original)
            and capture.digest not in self.seen_digests
        )

    def parse_capture(self, response: Response) -> Iterator[PageItem | FetchErrorItem]:
        """A capture's original bytes, kept with the original URL and the capture time."""
        capture = Capture(**response.meta["capture"])
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or capture.mimetype
        if "pdf" in content_type.lower():
            problem = pdf_problem(response.body)
            if problem:
                yield self.fetch_error(capture.original, FailureKind.BAD_PDF, problem,
                                       status=response.status, request=response.request)
                return
        item = self.page_item(response)
        # The page is the original site's, seen through the archive: its URL and when the archive saw it.
        item.update(url=capture.original, capture_time=capture.capture_time, content_type=content_type,
                    source_kind=str(SourceKind.ARCHIVE))
        for name in ("memento-datetime", "x-archive-orig-last-modified"):
            if response.headers.get(name):
                item["headers"][name] = response.headers.get(name).decode("latin-1")
        yield item
