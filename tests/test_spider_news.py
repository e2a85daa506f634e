"""The news spider on saved feeds, listings and articles: exact article URLs, titles, dates and next pages."""

from __future__ import annotations

from datetime import date

import pytest
import scrapy
from spider_helpers import FIXTURES, fixture_response, items_of, requests_of

from spiders.news import NewsSpider, feed_date
from spiders.sources import Source

SITE = "https://site.example"


def spider(since: str | None = None) -> NewsSpider:
    source = Source(id="test-news", kind="news", name="Test news", base_url=SITE + "/",
                    allowed_domains=("site.example",), start_urls=(SITE + "/ssotccgs/feed.rss",), org_codes=())
    return NewsSpider(source=source, since=since)


def entries(results: object) -> list[tuple[str, str | None, date | None]]:
    return [(r.url, r.meta.get("title"), r.meta.get("page_date")) for r in requests_of(results)]


def test_start_urls_are_read_as_feeds_or_listings() -> None:
    assert [(r.url, r.callback.__name__) for r in spider().start_requests()] == [
        (SITE + "/ssotccgs/feed.rss", "parse_start")
    ]


def test_rss_feed_entries_within_the_window() -> None:
    response = fixture_response("news_rss.xml", SITE + "/ssotccgs/feed.rss",
                                content_type="application/rss+xml; charset=utf-8")
    assert entries(spider(since="2019-06-01").parse_start(response)) == [
        (SITE + "/ssotccgs/news/flu-jab-2019.html", "Get your free flu jab this winter", date(2019, 10, 1)),
        (SITE + "/ssotccgs/news/sco-consultation-closes.html",
         "Thank you for sharing your views on a single commissioning organisation", date(2019, 7, 31)),
        (SITE + "/ssotccgs/news/single-ccg-public-meeting-tamworth.html",
         "Plans for a single CCG across Staffordshire and Stoke-on-Trent: come to our meeting in Tamworth",
         date(2019, 6, 13)),
    ]


def test_rss_feed_without_window_gives_every_entry() -> None:
    response = fixture_response("news_rss.xml", SITE + "/ssotccgs/feed.rss")
    assert len(requests_of(spider().parse_start(response))) == 7


def test_atom_feed_entries() -> None:
    response = fixture_response("news_atom.xml", SITE + "/kentmedway/news.atom",
                                content_type="application/atom+xml")
    assert entries(spider().parse_start(response)) == [
        (SITE + "/kentmedway/news/winter-self-care/", "Stay well this winter: look after yourself and others",
         date(2018, 12, 3)),
        (SITE + "/kentmedway/news/strategic-commissioner-questions-published/",
         "Strategic commissioner: questions and answers published", date(2018, 6, 5)),
        (SITE + "/kentmedway/news/bowel-screening/", "Bowel screening: please return your kit", date(2018, 5, 14)),
        (SITE + "/kentmedway/news/bank-holiday-services/", "Choose the right service over the May bank holidays",
         date(2018, 4, 23)),
    ]


def test_listing_with_rel_next_gives_articles_then_the_next_page() -> None:
    response = fixture_response("news_listing_rel_next.html", SITE + "/ssotccgs/news/", meta={"start": True})
    results = list(spider().parse_start(response))
    assert entries(results[:-1]) == [
        (SITE + "/ssotccgs/news/flu-jab-2019.html", "Get your free flu jab this winter", date(2019, 10, 1)),
        (SITE + "/ssotccgs/news/sco-consultation-closes.html",
         "Thank you for sharing your views on a single commissioning organisation", date(2019, 7, 31)),
        (SITE + "/ssotccgs/news/single-ccg-public-meeting-tamworth.html",
         "Plans for a single CCG across Staffordshire and Stoke-on-Trent: come to our meeting in Tamworth",
         date(2019, 6, 13)),
        (SITE + "/ssotccgs/news/sco-consultation-launch.html",
         "Have your say on one commissioning organisation for Staffordshire and Stoke-on-Trent", date(2019, 5, 13)),
        (SITE + "/ssotccgs/news/easter-opening-hours.html", "Pharmacy and walk-in centre opening hours over Easter",
         date(2019, 4, 15)),
    ]
    assert (results[-1].url, results[-1].callback.__name__) == (SITE + "/ssotccgs/news/?page=2", "parse_listing")


def test_wordpress_listing_with_next_link_class() -> None:
    response = fixture_response("news_listing_wordpress.html", SITE + "/kentmedway/news/", meta={"start": True})
    results = requests_of(spider().parse_start(response))
    assert [r.url for r in results] == [
        SITE + "/kentmedway/news/winter-self-care/",
        SITE + "/kentmedway/news/strategic-commissioner-questions-published/",
        SITE + "/kentmedway/news/page/2/",
    ]


def test_listing_skips_articles_older_than_since_but_keeps_paging_while_some_are_newer() -> None:
    response = fixture_response("news_listing_rel_next.html", SITE + "/ssotccgs/news/", meta={"start": True})
    results = requests_of(spider(since="2019-07-01").parse_start(response))
    assert [r.url for r in results] == [
        SITE + "/ssotccgs/news/flu-jab-2019.html",
        SITE + "/ssotccgs/news/sco-consultation-closes.html",
        SITE + "/ssotccgs/news/?page=2",
    ]


def test_listing_entirely_older_than_since_stops_paging() -> None:
    response = fixture_response("news_listing_wordpress.html", SITE + "/kentmedway/news/", meta={"start": True})
    assert requests_of(spider(since="2020-01-01").parse_start(response)) == []


def test_article_is_kept_and_its_pdf_followed() -> None:
    url = SITE + "/ssotccgs/news/single-ccg-public-meeting-tamworth.html"
    results = list(spider().parse_article(fixture_response("news_article.html", url)))
    [item] = items_of(results)
    assert (item["url"], item["title"], item["page_date"], item["source_kind"]) == (
        url,
        "Plans for a single CCG across Staffordshire and Stoke-on-Trent: come to our meeting in Tamworth",
        "2019-06-13",
        "news",
    )
    assert entries(results) == [
        (SITE + "/ssotccgs/documents/sco-consultation-document.pdf", "consultation document (PDF)", date(2019, 6, 13))
    ]


def test_article_follows_a_related_page_one_hop() -> None:
    url = SITE + "/kentmedway/news/strategic-commissioner-questions-published/"
    results = list(spider().parse_article(fixture_response("news_article_wordpress.html", url)))
    [item] = items_of(results)
    assert (item["title"], item["page_date"]) == ("Strategic commissioner: questions and answers published",
                                                  "2018-06-05")
    [related] = requests_of(results)
    assert (related.url, related.meta.get("related")) == (SITE + "/kentmedway/strategic-commissioner-questions/", True)
    # a page reached that way is kept, and nothing further is followed from it
    faq = fixture_response("news_page_faq.html", related.url, meta={"related": True})
    assert [type(r).__name__ for r in spider().parse_article(faq)] == ["PageItem"]


def test_a_start_url_that_lists_nothing_is_kept_as_a_page() -> None:
    url = SITE + "/kentmedway/strategic-commissioner-questions/"
    [item] = list(spider().parse_start(fixture_response("news_page_faq.html", url, meta={"start": True})))
    assert (item["url"], item["title"], item["page_date"]) == (
        url, "System transformation: your questions answered", "2018-06-05"
    )


def test_digest_post_title_and_date_from_its_own_markup() -> None:
    url = SITE + "/healthdigest/2019/gps-reject-merger-driven-by-nhs-england.html"
    [item] = list(spider().parse_article(fixture_response("news_digest_post.html", url)))
    assert (item["title"], item["page_date"]) == ("GPs reject merger ‘driven by NHS England’", "2019-09-26")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Thu, 13 Jun 2019 09:30:00 GMT", date(2019, 6, 13)), ("2018-06-05T10:00:00Z", date(2018, 6, 5)),
     ("2018-06-05T10:00:00+01:00", date(2018, 6, 5)), ("", None), ("soon", None)],
)
def test_feed_date(text: str, expected: date | None) -> None:
    assert feed_date(text) == expected


def test_a_feed_served_with_a_generic_content_type_is_still_read_as_a_feed() -> None:
    from scrapy.http import Response

    url = SITE + "/healthdigest/feed.xml"
    body = (FIXTURES / "news_rss.xml").read_bytes()
    response = Response(url=url, body=body, headers={"Content-Type": "application/octet-stream"},
                        request=scrapy.Request(url))
    assert len(requests_of(spider().parse_start(response))) == 7
