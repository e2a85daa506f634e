"""Downloader middleware asking the HTTP cache to revalidate pages older than CCGWATCH_MAX_AGE seconds."""

from __future__ import annotations

from typing import Any

import scrapy


class FreshnessMiddleware:
    """Adds `Cache-Control: max-age=N` to requests, which RFC2616Policy honours when judging stored pages.

    With N=0 every stored page is stale, so the cache sends a conditional request (If-None-Match /
    If-Modified-Since) and a 304 costs the server nothing; the header is also what a browser's reload sends.
    """

    def __init__(self, max_age: int) -> None:
        self.header = f"max-age={max(0, max_age)}".encode()

    @classmethod
    def from_crawler(cls, crawler: Any) -> FreshnessMiddleware:
        return cls(crawler.settings.getint("CCGWATCH_MAX_AGE", 0))

    def process_request(self, request: scrapy.Request, spider: Any = None) -> None:
        request.headers.setdefault(b"Cache-Control", self.header)
