"""Items every spider yields: one shape for a fetched page, one for a failed fetch."""

import scrapy


class PageItem(scrapy.Item):
    """A fetched page. Its body is stored content-addressed by the raw store pipeline, not in the feed."""

    url = scrapy.Field()  # the URL as requested (for archive captures: the original URL of the page)
    final_url = scrapy.Field()  # after redirects (for archive captures: the capture URL)
    source_id = scrapy.Field()
    source_kind = scrapy.Field()
    fetched_at = scrapy.Field()  # ISO 8601 UTC
    status = scrapy.Field()
    headers = scrapy.Field()  # the ones that matter: content-type, etag, last-modified, date
    content_type = scrapy.Field()
    capture_time = scrapy.Field()  # archive captures only: ISO 8601 of the capture timestamp
    body = scrapy.Field()  # bytes; dropped by the raw store pipeline once written
    sha256 = scrapy.Field()  # set by the raw store pipeline
    raw_path = scrapy.Field()  # set by the raw store pipeline, relative to the raw store root
    size = scrapy.Field()
    cached = scrapy.Field()  # True when the body came from the HTTP cache after a 304
    title = scrapy.Field()  # hint: the title the spider saw (link text, feed entry, page heading)
    page_date = scrapy.Field()  # hint, ISO date: meeting/decision date or feed date; parsers have the last word
    item_type = scrapy.Field()  # "page"; set by the raw store pipeline so feed rows say what they are


class FetchErrorItem(scrapy.Item):
    """A fetch that failed, kept so an unattended crawl says what it could not read and why."""

    url = scrapy.Field()
    source_id = scrapy.Field()
    kind = scrapy.Field()  # dns, timeout, http_4xx, http_5xx, robots, redirect_loop, too_large, bad_pdf, ...
    reason = scrapy.Field()
    status = scrapy.Field()
    at = scrapy.Field()
    item_type = scrapy.Field()  # "fetch_error"; set by the raw store pipeline
