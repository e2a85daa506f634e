"""Spiders stay on their source's allowed domains: links elsewhere are dropped before they are fetched."""

from __future__ import annotations

import pytest
import scrapy
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from spiders.news import NewsSpider
from spiders.sources import Source

SOURCE = Source(id="test-news", kind="news", name="Test CCG news", base_url="https://www.ccg.example/",
                allowed_domains=("ccg.example",), start_urls=("https://www.ccg.example/feed.rss",), org_codes=())


@pytest.fixture
def offsite() -> OffsiteMiddleware:
    crawler = get_crawler(NewsSpider)
    spider = NewsSpider.from_crawler(crawler, source=SOURCE)
    crawler.spider = spider
    middleware = OffsiteMiddleware.from_crawler(crawler)
    middleware.spider_opened(spider)
    return middleware


@pytest.mark.parametrize("url", ["https://www.ccg.example/news/merger.html", "https://ccg.example/feed.rss"])
def test_links_on_the_allowed_domain_are_fetched(offsite: OffsiteMiddleware, url: str) -> None:
    assert offsite.process_request(scrapy.Request(url)) is None


@pytest.mark.parametrize(
    "url", ["https://www.facebook.com/share?u=x", "https://ccg.example.evil.test/", "https://notccg.example/"]
)
def test_links_elsewhere_are_dropped(offsite: OffsiteMiddleware, url: str) -> None:
    with pytest.raises(IgnoreRequest):
        offsite.process_request(scrapy.Request(url))
