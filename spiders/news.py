"""CCG, ICB and news websites: RSS/Atom feeds and HTML listing pages (with pagination) lead to articles.

A source's `start_urls` are feeds or listing pages. Each article is kept with the title and date the feed or
listing gave it; PDFs linked from an article and same-site pages it links to about commissioning changes
(a Q&A on a strategic commissioner, a consultation page) are kept too, one level deep.

    scrapy crawl news -a source=sample-ssotccgs -a since=2019-01-01
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response, TextResponse

from spiders.common import SourceSpider, looks_like_pdf

# Where listing pages put their article links, most specific first.
ARTICLE_LINKS = (
    "article h1 a[href]", "article h2 a[href]", "article h3 a[href]",
    ".news-item a[href]", ".news-list li a[href]", ".listing-item a[href]",
    ".post-title a[href]", ".entry-title a[href]", ".views-row h3 a[href]",
)
NEXT_PAGE = ("a[rel~='next']", "a.next", "li.next a", ".pagination a.next", "link[rel='next']")
NEXT_TEXT = re.compile(r"^\s*(next|older)\b", re.IGNORECASE)
# The listing entry a link belongs to, where its date is: an <article>, a list item, or a div named like one.
ITEM_CONTAINERS = ("ancestor::article[1]", "ancestor::li[1]",
                   "ancestor::div[contains(@class, 'item') or contains(@class, 'post')][1]")
ARTICLE_BODY = ("article .entry-content", ".entry-content", ".post-body", "article", "main", "#content")
# Links inside an article worth one more hop: pages about the commissioning changes themselves.
RELATED_PAGE = re.compile(
    r"strategic[- _]commission|merg|single[- _](ccg|commission)|consult|have[- _]your[- _]say|ccg|"
    r"clinical[- _]commissioning|integrated[- _]care|questions|faq",
    re.IGNORECASE,
)
FEED_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.DOTALL)


def is_feed(response: Response) -> bool:
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return any(kind in content_type for kind in ("rss", "atom", "/xml")) or bool(FEED_START.match(response.body[:512]))


def feed_date(text: str | None) -> date | None:
    """RSS pubDate (RFC 822) or Atom published/updated (ISO 8601)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def iso_date(text: str | None) -> date | None:
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", text or "")
    return date(*(int(part) for part in match.groups())) if match else None


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


class NewsSpider(SourceSpider):
    """News pages of one site: feeds and listings in `start_urls`, articles (and their PDFs) kept."""

    name = "news"

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for url in self.source.start_urls or (self.source.base_url,):
            yield scrapy.Request(url, self.parse_start, meta={"start": True})

    def parse_start(self, response: Response) -> Iterator[Any]:
        if is_feed(response):
            yield from self.parse_feed(response)
        elif looks_like_pdf(response):
            yield from self.parse_document(response)
        elif isinstance(response, TextResponse):
            yield from self.parse_listing(response)
        else:
            self.logger.warning("not a feed, a page or a PDF: %s (%s)", response.url,
                                response.headers.get("Content-Type", b"").decode("latin-1"))

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        selector = Selector(text=response.body.decode(getattr(response, "encoding", "utf-8"), "replace"), type="xml")
        selector.remove_namespaces()
        for entry in selector.xpath("//item | //entry"):
            link = clean(entry.xpath("./link/text()").get()) or clean(
                entry.xpath("./link[@rel='alternate' or not(@rel)]/@href").get()
            )
            if not link:
                continue
            day = feed_date(entry.xpath("./pubDate/text() | ./published/text() | ./updated/text() | ./date/text()").get())
            if self.in_window(day):
                yield response.follow(link, self.parse_article,
                                      meta={"title": clean(entry.xpath("./title/text()").get()), "page_date": day})

    def parse_listing(self, response: Response) -> Iterator[Any]:
        links = [link for selector in ARTICLE_LINKS for link in response.css(selector)]
        if not links and response.meta.get("start"):
            # A start URL that lists nothing is a page in its own right (an FAQ, a consultation page).
            yield from self.parse_article(response)
            return
        seen: set[str] = set()
        dated_in_window = False
        for link in links:
            url = response.urljoin(link.attrib["href"])
            if url in seen or not self.same_site(url, response.url):
                continue
            seen.add(url)
            container = next((found for xpath in ITEM_CONTAINERS if (found := link.xpath(xpath))), None)
            day = iso_date(container.css("time::attr(datetime)").get()) if container else None
            if not self.in_window(day):
                continue
            dated_in_window = dated_in_window or day is not None
            yield scrapy.Request(url, self.parse_article,
                                 meta={"title": clean(" ".join(link.css("::text").getall())), "page_date": day})
        # Listings run newest first: once a whole page is older than the window, older pages are too.
        if self.since is None or dated_in_window or not seen:
            next_page = self.next_page(response)
            if next_page:
                yield scrapy.Request(next_page, self.parse_listing)

    def next_page(self, response: Response) -> str | None:
        for selector in NEXT_PAGE:
            href = response.css(selector).attrib.get("href")
            if href:
                return response.urljoin(href)
        for link in response.css(".pagination a, nav a, .pager a"):
            if NEXT_TEXT.match(clean(" ".join(link.css("::text").getall()))):
                return response.urljoin(link.attrib["href"])
        return None

    def parse_article(self, response: Response) -> Iterator[Any]:
        if looks_like_pdf(response):
            yield from self.parse_document(response)
            return
        title = response.meta.get("title") or self.article_title(response)
        day = response.meta.get("page_date") or self.article_date(response)
        yield self.page_item(response, title, day)
        if response.meta.get("related"):
            return  # one hop from an article is enough
        body = next((found for css in ARTICLE_BODY if (found := response.css(css))), None)
        for link in body.css("a[href]") if body else []:
            url = response.urljoin(link.attrib["href"])
            text = clean(" ".join(link.css("::text").getall()))
            if url.lower().endswith(".pdf"):
                yield scrapy.Request(url, self.parse_document, meta={"title": text, "page_date": day})
            elif self.same_site(url, response.url) and RELATED_PAGE.search(f"{text} {urlsplit(url).path}"):
                yield scrapy.Request(url, self.parse_article, meta={"related": True})

    @staticmethod
    def article_title(response: Response) -> str | None:
        for css in ("meta[property='og:title']::attr(content)", "h1.entry-title ::text", "h1 ::text", "title::text"):
            text = clean(" ".join(response.css(css).getall()))
            if text:
                return text
        return None

    @staticmethod
    def article_date(response: Response) -> date | None:
        for css in ("meta[property='article:published_time']::attr(content)", "time.published::attr(datetime)",
                    "time::attr(datetime)", "abbr.published::attr(title)"):
            day = iso_date(response.css(css).get())
            if day:
                return day
        return None

    def same_site(self, url: str, page_url: str) -> bool:
        host = urlsplit(url).hostname or ""
        allowed = self.allowed_domains or [urlsplit(page_url).hostname or ""]
        return any(host == domain or host.endswith("." + domain) for domain in allowed)
