"""What every ccgwatch spider shares: one registry source per crawl, a date window, and one PageItem shape.

A spider subclasses `SourceSpider` and is started with the source's id (looked up in `spiders/sources.csv`
or the file given as `sources_file`) or, from the crawl runner, with the `Source` itself:

    scrapy crawl moderngov -a source=sample-coventry -a sources_file=my_sources.csv -a since=2019-01-01
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import scrapy
from scrapy.http import Response

from spiders.failures import FailureKind, FailureRecordingMixin, pdf_problem
from spiders.items import FetchErrorItem, PageItem
from spiders.sources import REGISTRY, Source, read_sources

KEPT_HEADERS = ("content-type", "etag", "last-modified", "date")


class SourceNotFound(ValueError):
    """The spider was asked for a source id the registry does not have."""


def resolve_source(source: Source | str | None, sources_file: str | Path | None = None) -> Source:
    if isinstance(source, Source):
        return source
    if not source:
        raise SourceNotFound("no source given: use -a source=ID (ids are listed by `ccgwatch sources list`)")
    registry = Path(sources_file) if sources_file else REGISTRY
    for candidate in read_sources(registry):
        if candidate.id == source:
            return candidate
    raise SourceNotFound(f"no source {source!r} in {registry}")


def parse_day(value: date | str | None) -> date | None:
    """A date argument: a date, 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (the first day of the period)."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    if not match:
        raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match.groups()
    return date(int(year), int(month or 1), int(day or 1))


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class SourceSpider(FailureRecordingMixin, scrapy.Spider):
    """A spider crawling one source of the registry, optionally only what is dated on or after `since`."""

    def __init__(
        self,
        source: Source | str | None = None,
        sources_file: str | None = None,
        since: date | str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.source = resolve_source(source, sources_file)
        self.source_id = self.source.id
        self.allowed_domains = list(self.source.allowed_domains)
        self.since = parse_day(since)

    def in_window(self, day: date | None) -> bool:
        """Undated things are kept: missing a page costs more than fetching one too many."""
        return day is None or self.since is None or day >= self.since

    def parse_document(self, response: Response) -> Iterator[PageItem | FetchErrorItem]:
        """An attached document (a report, a consultation paper): kept as a page, unless it is a broken PDF."""
        problem = pdf_problem(response.body) if looks_like_pdf(response) else None
        if problem:
            yield self.fetch_error(response.url, FailureKind.BAD_PDF, problem, status=response.status,
                                   request=response.request)
            return
        yield self.page_item(response, response.meta.get("title"), response.meta.get("page_date"))

    def page_item(self, response: Response, title: str | None = None, page_date: date | None = None) -> PageItem:
        redirects = response.request.meta.get("redirect_urls") if response.request else None
        headers = {
            name: response.headers.get(name).decode("latin-1")
            for name in KEPT_HEADERS
            if response.headers.get(name) is not None
        }
        return PageItem(
            url=redirects[0] if redirects else response.url,
            final_url=response.url,
            source_id=self.source.id,
            source_kind=self.source.kind,
            fetched_at=now_iso(),
            status=response.status,
            headers=headers,
            content_type=headers.get("content-type"),
            capture_time=None,
            body=response.body,
            cached="cached" in response.flags,
            title=" ".join(title.split()) if title else None,
            page_date=page_date.isoformat() if page_date else None,
        )


def looks_like_pdf(response: Response) -> bool:
    """By its content type, its address or its first bytes: servers often send PDFs as octet-stream."""
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return "pdf" in content_type or response.url.lower().endswith(".pdf") or response.body[:5] == b"%PDF-"
