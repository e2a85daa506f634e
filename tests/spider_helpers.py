"""Helpers for spider tests: saved pages under tests/fixtures/spiders/ turned into Scrapy responses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import scrapy
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

FIXTURES = Path(__file__).parent / "fixtures" / "spiders"


def fixture_response(name: str, url: str, meta: dict[str, Any] | None = None,
                     content_type: str | None = None) -> Response:
    body = (FIXTURES / name).read_bytes()
    request = scrapy.Request(url, meta=dict(meta or {}))
    if name.endswith(".xml"):
        kind: type[TextResponse] = XmlResponse
        content_type = content_type or "text/xml; charset=utf-8"
    else:
        kind = HtmlResponse
        content_type = content_type or "text/html; charset=utf-8"
    return kind(url=url, body=body, request=request, encoding="utf-8", headers={"Content-Type": content_type})


def requests_of(results: Any) -> list[scrapy.Request]:
    return [result for result in results if isinstance(result, scrapy.Request)]


def items_of(results: Any) -> list[Any]:
    return [result for result in results if not isinstance(result, scrapy.Request)]
