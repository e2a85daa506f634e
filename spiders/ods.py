"""The NHS ODS ORD API (2-0-0): organisation listings by primary role, paged, then each organisation's record.

A source's `start_urls` are listing URLs such as
`https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations?PrimaryRoleId=RO98&Limit=1000` (RO98 CCGs,
later sub-ICB locations; RO261 ICBs). A listing page leads to the next one through its `Next-Page` header,
or, when a server omits it, by raising `Offset` while pages come back full. Every organisation record
(`organisations/CODE`, with dates, roles and successors) is kept as a page for the register update to read.

    scrapy crawl ods -a source=ods-ord
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from scrapy.http import Response

from spiders.common import SourceSpider
from spiders.failures import FailureKind
from spiders.items import FetchErrorItem, PageItem

DEFAULT_LIMIT = 20  # what ORD assumes when a listing URL gives no Limit


class OdsSpider(SourceSpider):
    """ORD listings → organisation records."""

    name = "ods"
    # ODS asks clients to stay under 5 requests a second.
    custom_settings: ClassVar[dict[str, Any]] = {"DOWNLOAD_DELAY": 0.25, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for url in self.source.start_urls:
            yield scrapy.Request(url, callback=self.parse_listing, headers={"Accept": "application/json"})

    def parse_listing(self, response: Response) -> Iterator[Any]:
        organisations = self._json(response, "Organisations")
        if organisations is None:
            yield self._bad_json(response)
            return
        for summary in organisations:
            code = str(summary.get("OrgId", "")).strip()
            if code:
                # Built from the listing's own URL: OrgLink may name another host or scheme than we crawl.
                yield response.follow(
                    f"{urlsplit(response.url).path.rstrip('/')}/{code}",
                    callback=self.parse_organisation, headers={"Accept": "application/json"},
                )
        next_page = response.headers.get("Next-Page")
        if next_page:
            yield response.follow(next_page.decode("latin-1"), callback=self.parse_listing,
                                  headers={"Accept": "application/json"})
        elif organisations and len(organisations) >= _limit(response.url):
            yield response.follow(_next_offset(response.url, len(organisations)), callback=self.parse_listing,
                                  headers={"Accept": "application/json"})

    def parse_organisation(self, response: Response) -> Iterator[PageItem | FetchErrorItem]:
        record = self._json(response, "Organisation")
        if record is None:
            yield self._bad_json(response)
            return
        yield self.page_item(response, title=str(record.get("Name") or "") or None)

    @staticmethod
    def _json(response: Response, key: str) -> Any:
        try:
            document = json.loads(response.body)
        except ValueError:
            return None
        return document.get(key) if isinstance(document, dict) else None

    def _bad_json(self, response: Response) -> FetchErrorItem:
        return self.fetch_error(response.url, FailureKind.OTHER, "ODS answer is not the expected JSON",
                                status=response.status, request=response.request)


def _limit(url: str) -> int:
    query = {name.lower(): value for name, value in parse_qsl(urlsplit(url).query)}
    return int(query["limit"]) if query.get("limit", "").isdigit() else DEFAULT_LIMIT


def _next_offset(url: str, got: int) -> str:
    parts = urlsplit(url)
    query = [(name, value) for name, value in parse_qsl(parts.query) if name.lower() != "offset"]
    offset = next((int(v) for n, v in parse_qsl(parts.query) if n.lower() == "offset" and v.isdigit()), 0)
    query.append(("Offset", str(offset + got)))
    return urlunsplit(parts._replace(query=urlencode(query)))
