"""The archive spider: CDX queries, saved CDX answers parsed to exact captures, and a crawl of the sample archive."""

from __future__ import annotations

from pathlib import Path

import pytest
import scrapy
from crawl_once import crawl
from scrapy.http import HtmlResponse, TextResponse

from ccgwatch.sampleweb import serve
from spiders.archive import (
    ArchiveSpider,
    Capture,
    CdxError,
    capture_url,
    captured_in_window,
    cdx_query_url,
    looks_relevant,
    parse_cdx,
    window_stamp,
)
from spiders.items import FetchErrorItem, PageItem
from spiders.sources import Source

DATA = Path(__file__).parent / "data" / "archive"
IA = "https://web.archive.org"
UKGWA = "https://webarchive.nationalarchives.gov.uk/ukgwa"


def archive_source(base_url: str = IA, domain: str = "kentandmedwayccg.nhs.uk") -> Source:
    return Source(id="archive-ia-kentandmedwayccg", kind="archive", name="Kent and Medway CCG (archive)",
                  base_url=base_url, allowed_domains=("web.archive.org",), start_urls=(domain,),
                  org_codes=("91Q",))


def cdx_response(url: str, body: bytes, prefix: str = "kentandmedwayccg.nhs.uk") -> TextResponse:
    request = scrapy.Request(url, meta={"source_id": "archive-ia-kentandmedwayccg", "prefix": prefix})
    return TextResponse(url=url, body=body, request=request, encoding="utf-8")


def test_internet_archive_query_asks_for_html_200s_in_the_window_collapsed_by_digest() -> None:
    assert cdx_query_url(IA, "kentandmedwayccg.nhs.uk", "201701", "202207", page_size=500) == (
        "https://web.archive.org/cdx/search/cdx?url=kentandmedwayccg.nhs.uk%2F%2A&from=201701&to=202207"
        "&output=json&filter=statuscode%3A200&filter=mimetype%3Atext%2Fhtml&collapse=digest&limit=500"
        "&showResumeKey=true"
    )
    assert cdx_query_url(IA, "x.nhs.uk/news/", "2019", "2020", 10, ("text/html", "application/pdf"),
                         resume_key="uk,nhs,x)/news/b 2019") == (
        "https://web.archive.org/cdx/search/cdx?url=x.nhs.uk%2Fnews%2F%2A&from=2019&to=2020&output=json"
        "&filter=statuscode%3A200&filter=mimetype%3Atext%2Fhtml%7Capplication%2Fpdf&collapse=digest&limit=10"
        "&showResumeKey=true&resumeKey=uk%2Cnhs%2Cx%29%2Fnews%2Fb+2019"
    )


def test_ukgwa_query_and_capture_urls_use_the_pywb_patterns() -> None:
    assert cdx_query_url(UKGWA, "coventryrugbyccg.nhs.uk", "201701", "202207", 1000) == (
        "https://webarchive.nationalarchives.gov.uk/ukgwa/cdx?url=coventryrugbyccg.nhs.uk%2F%2A&from=201701"
        "&to=202207&output=json&filter=status%3A200&filter=mime%3Atext%2Fhtml&limit=1000"
    )
    capture = Capture("20190410093015", "https://www.coventryrugbyccg.nhs.uk/news/a", "text/html", "200", "B3")
    assert capture_url(UKGWA, capture) == (
        "https://webarchive.nationalarchives.gov.uk/ukgwa/20190410093015id_/https://www.coventryrugbyccg.nhs.uk/news/a"
    )
    assert capture_url(IA + "/", capture) == (
        "https://web.archive.org/web/20190410093015id_/https://www.coventryrugbyccg.nhs.uk/news/a"
    )


def test_saved_internet_archive_page_gives_captures_and_resume_key() -> None:
    captures, resume_key = parse_cdx((DATA / "ia_kentandmedway_page1.json").read_bytes())
    assert resume_key == "uk,nhs,kentandmedwayccg)/news/system-transformation-questions 20200110120000"
    assert [c.original for c in captures] == [
        "https://www.kentandmedwayccg.nhs.uk/about-us/contact",
        "https://www.kentandmedwayccg.nhs.uk/about-us/governing-body/meetings",
        "https://www.kentandmedwayccg.nhs.uk/get-involved/consultations",
        "https://www.kentandmedwayccg.nhs.uk/news/kent-and-medway-ccg-formally-established",
    ]
    assert captures[1] == Capture(
        timestamp="20200521102030",
        original="https://www.kentandmedwayccg.nhs.uk/about-us/governing-body/meetings",
        mimetype="text/html",
        statuscode="200",
        digest="AEXK2L6TS4U6C7Q3MFPXNHQO3KV3NXRT",
        length="24511",
    )
    assert captures[1].capture_time == "2020-05-21T10:20:30Z"


def test_saved_pywb_answer_reads_one_capture_per_line() -> None:
    captures, resume_key = parse_cdx((DATA / "ukgwa_coventryrugby.ndjson").read_bytes())
    assert resume_key is None
    assert [(c.timestamp, c.original, c.mimetype, c.statuscode, c.digest) for c in captures] == [
        ("20190410093015", "https://www.coventryrugbyccg.nhs.uk/news/ccgs-to-share-management-team", "text/html",
         "200", "B3KQ7E2PNTZZ4T6W5PDGQK3EXHCF4VQN"),
        ("20190410093512", "https://www.coventryrugbyccg.nhs.uk/page/accessibility", "text/html", "200",
         "H2Y6OKJXWQ7EZ5Y6ZOLXNSV4RKD2PHKC"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ((DATA / "ukgwa_bot_wall.html").read_bytes(), "CDX line 1 is not JSON"),
        (b'[["a", "b"], ["1", "2"]]', "CDX header lacks timestamp, original, digest"),
        (b"[1, 2]", "CDX answer is not a list of rows"),
        (b'[["timestamp"', "CDX answer is not JSON: Expecting ',' delimiter: line 1 column 14 (char 13)"),
    ],
)
def test_unreadable_index_raises_a_cdx_error(body: bytes, message: str) -> None:
    with pytest.raises(CdxError) as raised:
        parse_cdx(body)
    assert str(raised.value) == message


def test_empty_answer_means_no_captures() -> None:
    assert parse_cdx(b"") == ([], None)
    assert parse_cdx(b"[]\n") == ([], None)
    assert parse_cdx(b'[["urlkey","timestamp","original","mimetype","statuscode","digest","length"]]') == ([], None)


@pytest.mark.parametrize(
    ("url", "relevant"),
    [
        ("https://www.kentandmedwayccg.nhs.uk/news/kent-and-medway-ccg-formally-established", True),
        ("https://www.kentandmedwayccg.nhs.uk/about-us/governing-body/meetings", True),
        ("https://www.kentandmedwayccg.nhs.uk/get-involved/consultations", True),
        ("http://www.staffordshireccgs.nhs.uk/proposed-merger", True),
        ("http://democracy.allerdale.gov.uk/mgAi.aspx?ID=5012", True),
        ("http://democracy.allerdale.gov.uk/ieListDocuments.aspx?CId=140&MId=2031", True),
        ("https://www.kentandmedwayccg.nhs.uk/about-us/contact", False),
        ("https://www.coventryrugbyccg.nhs.uk/page/accessibility", False),
        ("http://democracy.allerdale.gov.uk/mgMemberIndex.aspx", False),
    ],
)
def test_relevance_by_url(url: str, relevant: bool) -> None:
    assert looks_relevant(url) is relevant


def test_window_bounds_are_inclusive_to_the_stated_precision() -> None:
    assert window_stamp("2017-01") == "201701" and window_stamp("2022-07-31") == "20220731"
    assert captured_in_window("20220731235959", "201701", "202207")
    assert not captured_in_window("20220801000000", "201701", "202207")
    assert not captured_in_window("20161231235959", "201701", "202207")
    with pytest.raises(ValueError):
        window_stamp("July")


def test_parse_cdx_yields_new_relevant_captures_then_the_next_page() -> None:
    spider = ArchiveSpider(source=archive_source())
    first_url = cdx_query_url(IA, "kentandmedwayccg.nhs.uk", "201701", "202207")
    first = list(spider.parse_cdx(cdx_response(first_url, (DATA / "ia_kentandmedway_page1.json").read_bytes())))
    assert [request.url for request in first] == [
        "https://web.archive.org/web/20200521102030id_/https://www.kentandmedwayccg.nhs.uk/about-us/governing-body/meetings",
        "https://web.archive.org/web/20210303141210id_/https://www.kentandmedwayccg.nhs.uk/get-involved/consultations",
        "https://web.archive.org/web/20200402090000id_/https://www.kentandmedwayccg.nhs.uk/news/kent-and-medway-ccg-formally-established",
        cdx_query_url(IA, "kentandmedwayccg.nhs.uk", "201701", "202207", resume_key=(
            "uk,nhs,kentandmedwayccg)/news/system-transformation-questions 20200110120000")),
    ]
    assert first[0].meta["capture"]["timestamp"] == "20200521102030"
    assert first[0].errback == spider.record_failure
    # The second page repeats a digest already fetched (same content under another URL), holds captures
    # outside the window and a PDF: none of them is fetched, and there is no further page.
    second = list(spider.parse_cdx(cdx_response(first[-1].url, (DATA / "ia_kentandmedway_page2.json").read_bytes())))
    assert second == []


def test_max_pages_stops_scheduling_captures() -> None:
    spider = ArchiveSpider(source=archive_source(), max_pages="2")
    url = cdx_query_url(IA, "kentandmedwayccg.nhs.uk", "201701", "202207")
    requests = list(spider.parse_cdx(cdx_response(url, (DATA / "ia_kentandmedway_page1.json").read_bytes())))
    assert len(requests) == 2


def test_a_bot_wall_instead_of_an_index_is_recorded() -> None:
    spider = ArchiveSpider(source=archive_source(UKGWA, "coventryrugbyccg.nhs.uk"))
    url = cdx_query_url(UKGWA, "coventryrugbyccg.nhs.uk", "201701", "202207")
    (error,) = spider.parse_cdx(cdx_response(url, (DATA / "ukgwa_bot_wall.html").read_bytes()))
    assert isinstance(error, FetchErrorItem)
    assert (error["url"], error["source_id"], error["kind"], error["reason"], error["status"]) == (
        url, "archive-ia-kentandmedwayccg", "bad_archive_index", "CDX line 1 is not JSON", 200)


def test_parse_capture_keeps_original_url_and_capture_time() -> None:
    spider = ArchiveSpider(source=archive_source())
    capture = Capture("20200402090000", "https://www.kentandmedwayccg.nhs.uk/news/established", "text/html",
                      "200", "QNTB", "21930")
    url = capture_url(IA, capture)
    request = scrapy.Request(url, meta={"capture": capture.__dict__, "source_id": "archive-ia-kentandmedwayccg"})
    body = b"<html><head><title>Established</title></head><body>One CCG for Kent and Medway.</body></html>"
    response = HtmlResponse(url=url, body=body, request=request,
                            headers={"Content-Type": "text/html; charset=utf-8", "Memento-Datetime": "x"})
    (item,) = spider.parse_capture(response)
    assert isinstance(item, PageItem)
    assert {key: item[key] for key in ("url", "final_url", "source_id", "source_kind", "status", "content_type",
                                       "capture_time", "body", "headers")} == {
        "url": "https://www.kentandmedwayccg.nhs.uk/news/established",
        "final_url": url,
        "source_id": "archive-ia-kentandmedwayccg",
        "source_kind": "archive",
        "status": 200,
        "content_type": "text/html; charset=utf-8",
        "capture_time": "2020-04-02T09:00:00Z",
        "body": body,
        "headers": {"content-type": "text/html; charset=utf-8", "memento-datetime": "x"},
    }


def test_spider_refuses_a_source_of_another_kind() -> None:
    with pytest.raises(ValueError, match="is a news source, not an archive"):
        ArchiveSpider(source=Source(id="news-x", kind="news", name="x", base_url="https://x.org",
                                    allowed_domains=("x.org",), start_urls=("https://x.org/news",), org_codes=()))


def test_crawl_of_the_sample_archive(tmp_path: Path) -> None:
    with serve() as web:
        source = Source(id="sample-archive-ssot", kind="archive", name="Staffordshire CCGs (sample archive)",
                        base_url=web.url("/archive"), allowed_domains=("127.0.0.1",),
                        start_urls=("staffordshireccgs.nhs.uk",), org_codes=("05D",))
        rows = crawl("spiders.archive.ArchiveSpider", tmp_path / "feed.jsonl", source=source, page_size=3)
        cdx_requests = [path for _, path, _ in web.requests if path.startswith("/archive/cdx/")]
    pages = sorted((row["url"], row["capture_time"], row["status"], row["size"]) for row in rows
                   if row["item_type"] == "page")
    assert pages == [
        ("http://www.staffordshireccgs.nhs.uk/get-involved/consultations/future-of-commissioning",
         "2020-01-15T14:30:00Z", 200, 545),
        ("http://www.staffordshireccgs.nhs.uk/governing-body/meetings-in-common", "2019-09-15T09:00:00Z", 200, 554),
        ("http://www.staffordshireccgs.nhs.uk/news/2019/06/have-your-say-single-commissioning-organisation",
         "2019-06-14T08:00:00Z", 200, 1069),
    ]
    assert all(row["source_id"] == "sample-archive-ssot" and row["source_kind"] == "archive"
               and row["final_url"].startswith(web.url("/archive/web/")) for row in rows if row["item_type"] == "page")
    errors = [(row["url"], row["kind"], row["status"]) for row in rows if row["item_type"] == "fetch_error"]
    assert errors == [(web.url("/archive/web/20200301000000id_/http://www.staffordshireccgs.nhs.uk/news/"
                               "annual-general-meeting"), "http_4xx", 404)]
    # Three pages of three index rows, the second and third asked for with the resume key.
    assert len(cdx_requests) == 3
    assert "resumeKey" not in cdx_requests[0] and all("resumeKey=" in path for path in cdx_requests[1:])


def test_window_comes_from_the_runner_since_date_or_defaults() -> None:
    from datetime import date

    assert (ArchiveSpider(source=archive_source()).window_since,
            ArchiveSpider(source=archive_source()).window_until) == ("201701", "202207")
    spider = ArchiveSpider(source=archive_source(), since=date(2019, 4, 1), until="2020-03")
    assert (spider.window_since, spider.window_until) == ("20190401", "202003")
    assert spider.cdx_request("kentandmedwayccg.nhs.uk").url == cdx_query_url(
        IA, "kentandmedwayccg.nhs.uk", "20190401", "202003")
