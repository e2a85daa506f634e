"""The sample web server: ModernGov query strings, the web service, static sites, robots.txt, ETags and 304s."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from ccgwatch.sampleweb import SampleWeb, sample_sources, serve
from ccgwatch.sampleweb.server import static_key


@pytest.fixture(scope="module")
def web() -> Iterator[SampleWeb]:
    with serve() as running:
        yield running


def fetch(web: SampleWeb, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(web.url(path), headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_serves_on_loopback_with_a_free_port(web: SampleWeb) -> None:
    assert web.base_url.startswith("http://127.0.0.1:")
    assert int(web.base_url.rsplit(":", 1)[1]) > 0


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/staffordshire/mgListCommittees.aspx", b'href="mgCommitteeDetails.aspx?ID=138">Healthy Staffordshire'),
        ("/staffordshire/ieListMeetings.aspx?CId=138&Year=0", b"ieListDocuments.aspx?CId=138&amp;MId=11874"),
        ("/staffordshire/ieListMeetings.aspx?cid=138&year=2020", b"27 Jan 2020"),
        ("/staffordshire/ieListDocuments.aspx?CId=138&MId=11874", b'href="mgAi.aspx?ID=60211"'),
        ("/staffordshire/mgAi.aspx?ID=60211", b"Meeting: </span>"),
        ("/staffordshire/ieDecisionDetails.aspx?ID=8850", b"Date of decision: 15/07/2019"),
        ("/staffordshire/ieDecisionDetails.aspx?AIId=60211", b"Publication date: 05/09/2019"),
        ("/staffordshire/mgIssueHistoryHome.aspx?IId=4410", b"Issue - items at meetings"),
        ("/coventry/mgAi.aspx?ID=45210", b"20% during 2020"),
        ("/coventry/mgCommitteeDetails.aspx?ID=458", b"ieListMeetings.aspx?CId=458&amp;Year=0"),
    ],
)
def test_moderngov_pages_answer_their_query_strings(web: SampleWeb, path: str, expected: bytes) -> None:
    status, headers, body = fetch(web, path)
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert expected in body


def test_site_search_finds_items_and_decisions_by_their_words(web: SampleWeb) -> None:
    _, _, body = fetch(web, "/staffordshire/mgSearch.aspx?SearchText=clinical+commissioning")
    assert [line for line in body.split(b'"') if line.startswith((b"mgAi", b"ieDecision"))] == [
        b"mgAi.aspx?ID=60211", b"mgAi.aspx?ID=61119", b"ieDecisionDetails.aspx?ID=8850"
    ]
    _, _, body = fetch(web, "/coventry/mgSearch.aspx?SearchText=quarry")
    assert b"No results." in body


def test_meeting_list_for_one_year_only(web: SampleWeb) -> None:
    _, _, body = fetch(web, "/staffordshire/ieListMeetings.aspx?CId=138&Year=2020")
    assert b"MId=12230" in body and b"MId=11874" not in body


def test_decision_register_filters_by_date_range(web: SampleWeb) -> None:
    _, _, body = fetch(web, "/staffordshire/mgDelegatedDecisions.aspx?DR=01/07/2019-31/07/2019&ACT=Find")
    assert body.count(b"ieDecisionDetails.aspx?ID=") == 3
    _, _, body = fetch(web, "/staffordshire/mgDelegatedDecisions.aspx?DR=01/01/2020-31/12/2020&ACT=Find")
    assert body.count(b"ieDecisionDetails.aspx?ID=") == 1


@pytest.mark.parametrize(
    "path",
    ["/staffordshire/mgAi.aspx?ID=999", "/staffordshire/mgWebService.asmx/GetCommittees", "/nowhere/page.html",
     "/staffordshire/mgAi.aspx?ID=abc"],
)
def test_unknown_pages_are_404(web: SampleWeb, path: str) -> None:
    assert fetch(web, path)[0] == 404


def test_web_service_meetings_filter_only_on_dd_mm_yyyy(web: SampleWeb) -> None:
    base = "/coventry/mgWebService.asmx/GetMeetings?lCommitteeId=458"
    _, headers, body = fetch(web, base + "&sFromDate=01/07/2019&sToDate=31/12/2019")
    assert headers["Content-Type"] == "text/xml; charset=utf-8"
    assert body.count(b"<meetingid>") == 2
    # like the real service, ISO dates are silently ignored and everything comes back
    _, _, body = fetch(web, base + "&sFromDate=2019-07-01&sToDate=2019-12-31")
    assert body.count(b"<meetingid>") == 4


def test_web_service_escapes_titles_twice(web: SampleWeb) -> None:
    _, _, body = fetch(web, "/coventry/mgWebService.asmx/GetCommittees")
    assert b"<committeetitle>Licensing &amp;amp; Regulatory Committee</committeetitle>" in body


def test_attached_report_is_a_real_pdf(web: SampleWeb) -> None:
    status, headers, body = fetch(web, "/coventry/documents/s47890/Streamlining%20Commissioning%20report.pdf")
    assert (status, headers["Content-Type"], body[:5]) == (200, "application/pdf", b"%PDF-")


def test_static_sites_with_query_string_pages_and_feed_links(web: SampleWeb) -> None:
    _, _, page_two = fetch(web, "/ssotccgs/news/?page=2")
    assert b"dementia-friendly-practices.html" in page_two
    _status, headers, feed = fetch(web, "/ssotccgs/feed.rss")
    assert headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert f"<link>{web.base_url}/ssotccgs/news/flu-jab-2019.html</link>".encode() in feed


def test_directory_without_slash_redirects(web: SampleWeb) -> None:
    status, _, body = fetch(web, "/kentmedway/news")
    assert status == 200 and b"strategic-commissioner-questions-published" in body
    assert ("GET", "/kentmedway/news", 301) in web.requests


def test_robots_txt_combines_site_and_plugin_rules(web: SampleWeb) -> None:
    _, _, body = fetch(web, "/robots.txt")
    lines = body.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /ssotccgs/admin/" in lines
    assert "Disallow: /staffordshire/mgCommitteeMailingList.aspx" in lines


def test_etag_and_last_modified_give_304(web: SampleWeb) -> None:
    path = "/staffordshire/ieDecisionDetails.aspx?ID=8850"
    status, headers, _body = fetch(web, path)
    assert status == 200 and headers["Last-Modified"] == "Thu, 05 Sep 2019 09:00:00 GMT"
    assert fetch(web, path, {"If-None-Match": headers["ETag"]})[:1] == (304,)
    assert fetch(web, path, {"If-None-Match": '"something-else"'})[0] == 200
    assert fetch(web, path, {"If-Modified-Since": "Fri, 06 Sep 2019 00:00:00 GMT"})[0] == 304
    assert fetch(web, path, {"If-Modified-Since": "Wed, 04 Sep 2019 00:00:00 GMT"})[0] == 200
    status, _, empty = fetch(web, path, {"If-None-Match": headers["ETag"]})
    assert (status, empty) == (304, b"")


def test_a_changed_page_gets_a_new_etag() -> None:
    with serve() as web:
        path = "/ssotccgs/news/flu-jab-2019.html"
        _, before, _ = fetch(web, path)
        web.set_page(path, b"<html><body>Updated</body></html>")
        status, after, body = fetch(web, path, {"If-None-Match": before["ETag"]})
        assert (status, body) == (200, b"<html><body>Updated</body></html>")
        assert after["ETag"] != before["ETag"]


@pytest.mark.parametrize(
    ("path", "query", "key"),
    [("/ssotccgs/news/", {}, "ssotccgs/news/index"),
     ("/ssotccgs/news/", {"page": "2"}, "ssotccgs/news/index~page=2"),
     ("/ods/ORD/2-0-0/organisations", {"primaryroleid": "RO98", "limit": "1000"},
      "ods/ORD/2-0-0/organisations~limit=1000&primaryroleid=RO98"),
     ("/x/search", {"q": "a b/c"}, "x/search~q=a%20b%2Fc")],
)
def test_static_file_names_for_query_strings(path: str, query: dict[str, str], key: str) -> None:
    assert static_key(path, query) == key


def test_sample_sources_fill_in_the_base_url() -> None:
    sources = {source.id: source for source in sample_sources("http://127.0.0.1:8123")}
    assert sorted(sources) == ["sample-archive-ssot", "sample-coventry", "sample-healthdigest", "sample-kentmedway",
                               "sample-ssotccgs", "sample-staffordshire"]
    ssot = sources["sample-ssotccgs"]
    assert sources["sample-staffordshire"].start_urls == (
        "http://127.0.0.1:8123/staffordshire/mgSearch.aspx?SearchText=clinical+commissioning",
    )
    assert (ssot.kind, ssot.allowed_domains, ssot.start_urls) == (
        "news", ("127.0.0.1",), ("http://127.0.0.1:8123/ssotccgs/feed.rss", "http://127.0.0.1:8123/ssotccgs/news/")
    )
    assert sources["sample-staffordshire"].base_url == "http://127.0.0.1:8123/staffordshire/"
    assert len(sources["sample-kentmedway"].org_codes) == 8
