"""The ModernGov spider on saved pages of three markup variants and the web service: exact URLs, titles, dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from scrapy.http import HtmlResponse
from spider_helpers import fixture_response, items_of, requests_of

from spiders.items import FetchErrorItem, PageItem
from spiders.moderngov import ModernGovSpider
from spiders.moderngov_pages import find_date, is_health_committee, is_procedural, is_relevant, xml_text
from spiders.sources import Source

BASE = "https://democracy.example.gov.uk/"


def spider(base: str = BASE, since: str | None = None) -> ModernGovSpider:
    host = base.split("/")[2]
    source = Source(id="test-council", kind="moderngov", name="Test council", base_url=base,
                    allowed_domains=(host,), start_urls=(), org_codes=("TST",))
    return ModernGovSpider(source=source, since=since)


def urls(results: object) -> list[str]:
    return [request.url for request in requests_of(results)]


def test_start_asks_the_web_service_and_the_decision_register_for_the_window() -> None:
    requests = list(spider(since="2019-01-01").start_requests())
    last = (date.today() + timedelta(days=366)).strftime("%d%%2F%m%%2F%Y")
    assert [r.url for r in requests] == [
        BASE + "mgWebService.asmx/GetCommittees",
        BASE + f"mgDelegatedDecisions.aspx?DR=01%2F01%2F2019-{last}&ACT=Find",
    ]
    assert requests[0].errback.__name__ == "web_service_unavailable"


def test_without_a_web_service_the_html_committee_list_is_read_under_the_install_path() -> None:
    sub_path = spider("https://democracy.northshire.example/moderngov/")
    assert urls(sub_path.web_service_unavailable(None)) == [
        "https://democracy.northshire.example/moderngov/mgListCommittees.aspx"
    ]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("mg_modern_committees.html", [(BASE + "mgCommitteeDetails.aspx?ID=122", "Health and Wellbeing Board"),
                                       (BASE + "mgCommitteeDetails.aspx?ID=138",
                                        "Healthy Staffordshire Select Committee")]),
        ("mg_classic_committees.html", [(BASE + "mgCommitteeDetails.aspx?ID=458",
                                         "Health and Social Care Scrutiny Board (5)"),
                                        (BASE + "mgCommitteeDetails.aspx?ID=470", "Health and Wellbeing Board")]),
    ],
)
def test_only_health_committees_are_followed(fixture: str, expected: list[tuple[str, str]]) -> None:
    response = fixture_response(fixture, BASE + "mgListCommittees.aspx")
    requests = requests_of(spider().parse_committee_list(response))
    assert [(r.url, r.meta["committee"]) for r in requests] == expected


def test_committee_page_leads_to_all_its_meetings() -> None:
    response = fixture_response("mg_modern_committee.html", BASE + "mgCommitteeDetails.aspx?ID=138")
    assert urls(spider().parse_committee(response)) == [BASE + "ieListMeetings.aspx?CId=138&Year=0"]


def test_meeting_list_modern_markup_within_the_window() -> None:
    response = fixture_response("mg_modern_meetings.html", BASE + "ieListMeetings.aspx?CId=138&Year=0")
    requests = requests_of(spider(since="2019-07-01").parse_meeting_list(response))
    assert [(r.url, r.meta["meeting_date"]) for r in requests] == [
        (BASE + "ieListDocuments.aspx?CId=138&MId=12230", date(2020, 1, 27)),
        (BASE + "ieListDocuments.aspx?CId=138&MId=11902", date(2019, 9, 9)),
        (BASE + "ieListDocuments.aspx?CId=138&MId=11874", date(2019, 7, 15)),
    ]


def test_meeting_list_classic_markup_long_dates() -> None:
    response = fixture_response("mg_classic_meetings.html", BASE + "ieListMeetings.aspx?CId=458&Year=0")
    requests = requests_of(spider().parse_meeting_list(response))
    assert [(r.url, r.meta["meeting_date"]) for r in requests] == [
        (BASE + "ieListDocuments.aspx?CId=458&MId=12380&Ver=4", date(2020, 2, 5)),
        (BASE + "ieListDocuments.aspx?CId=458&MId=12150&Ver=4", date(2019, 10, 16)),
        (BASE + "ieListDocuments.aspx?CId=458&MId=12001&Ver=4", date(2019, 7, 10)),
        (BASE + "ieListDocuments.aspx?CId=458&MId=11930&Ver=4", date(2019, 3, 13)),
    ]


@pytest.mark.parametrize(
    ("fixture", "day", "expected"),
    [
        ("mg_modern_meeting.html", date(2019, 7, 15),
         [(BASE + "mgAi.aspx?ID=60211", "Single Strategic Commissioning Organisation", False)]),
        ("mg_classic_meeting.html", date(2019, 7, 10),
         [(BASE + "mgAi.aspx?ID=45210", "Response to NHS Long Term Plan in Respect of Streamlining Commissioning",
           False)]),
        # div-based items: relevance comes from the introduction text as well as the title; an item that does
        # not look relevant but is not procedural is read to check its text
        ("mg_legacy_meeting.html", date(2019, 3, 5), [(BASE + "mgAi.aspx?ID=9003", "Update from the Northshire CCGs",
                                                       False),
                                                      (BASE + "mgAi.aspx?ID=9004", "Ambulance Response Times", True)]),
    ],
)
def test_meeting_page_follows_substantive_items_and_marks_those_to_check(
    fixture: str, day: date, expected: list[tuple[str, str, bool]]
) -> None:
    response = fixture_response(fixture, BASE + "ieListDocuments.aspx?CId=1&MId=2", meta={"meeting_date": day})
    requests = requests_of(spider().parse_meeting(response))
    assert [(r.url, r.meta["title"], r.meta["check_text"]) for r in requests] == expected
    assert all(r.meta["meeting_date"] == day for r in requests)


@pytest.mark.parametrize(
    ("fixture", "kept"),
    [("mg_modern_item_dental.html", False), ("mg_legacy_item.html", True), ("mg_classic_item.html", True)],
)
def test_an_item_read_to_check_is_kept_only_if_its_text_names_commissioning_organisations(
    fixture: str, kept: bool
) -> None:
    response = fixture_response(fixture, BASE + "mgAi.aspx?ID=1", meta={"check_text": True})
    items = items_of(spider().parse_agenda_item(response))
    assert len(items) == (1 if kept else 0)


@pytest.mark.parametrize(
    ("fixture", "title", "day", "followed"),
    [
        ("mg_modern_item.html", "Single Strategic Commissioning Organisation", "2019-07-15",
         [BASE + "documents/s142210/SCO%20briefing.pdf", BASE + "ieDecisionDetails.aspx?AIId=60211",
          BASE + "mgIssueHistoryHome.aspx?IId=4410"]),
        ("mg_classic_item.html", "Response to NHS Long Term Plan in Respect of Streamlining Commissioning",
         "2019-07-10", [BASE + "documents/s47890/Streamlining%20Commissioning%20report.pdf"]),
        ("mg_legacy_item.html", "Update from the Northshire CCGs", "2019-03-05",
         ["https://democracy.northshire.example/moderngov/documents/s77001/Strategic%20commissioner%20update.pdf",
          BASE + "ieDecisionDetails.aspx?AIId=9003"]),
    ],
)
def test_agenda_item_is_kept_with_its_title_and_meeting_date(
    fixture: str, title: str, day: str, followed: list[str]
) -> None:
    url = BASE + "mgAi.aspx?ID=1"
    results = list(spider().parse_agenda_item(fixture_response(fixture, url)))
    [item] = items_of(results)
    assert isinstance(item, PageItem)
    assert (item["url"], item["title"], item["page_date"], item["source_id"]) == (url, title, day, "test-council")
    assert item["body"].startswith(b"<")
    assert urls(results) == followed


@pytest.mark.parametrize(
    ("fixture", "title", "day"),
    [
        ("mg_modern_decision.html", "Single Strategic Commissioning Organisation", "2019-07-15"),
        ("mg_legacy_decision.html", "Update from the Northshire CCGs", "2019-03-05"),
    ],
)
def test_decision_page_date_comes_from_its_label(fixture: str, title: str, day: str) -> None:
    [item] = list(spider().parse_decision(fixture_response(fixture, BASE + "ieDecisionDetails.aspx?ID=1")))
    assert (item["title"], item["page_date"]) == (title, day)


def test_decision_outside_the_window_is_skipped() -> None:
    response = fixture_response("mg_modern_decision.html", BASE + "ieDecisionDetails.aspx?ID=8850")
    assert list(spider(since="2020-01-01").parse_decision(response)) == []


def test_decision_register_follows_relevant_decisions_only() -> None:
    response = fixture_response("mg_modern_register.html", BASE + "mgDelegatedDecisions.aspx?DR=x&ACT=Find")
    assert urls(spider().parse_decision_register(response)) == [BASE + "ieDecisionDetails.aspx?ID=8850"]


def test_issue_history_is_kept_and_leads_to_its_agenda_items() -> None:
    results = list(spider().parse_issue_history(fixture_response("mg_modern_issue.html",
                                                                  BASE + "mgIssueHistoryHome.aspx?IId=4410")))
    [item] = items_of(results)
    assert item["title"] == "Issue - items at meetings - Single Strategic Commissioning Organisation"
    assert [(r.url, r.meta["meeting_date"]) for r in requests_of(results)] == [
        (BASE + "mgAi.aspx?ID=60211", date(2019, 7, 15))
    ]


def test_web_service_committees_health_only_with_dd_mm_yyyy_window() -> None:
    response = fixture_response("mg_ws_committees.xml", BASE + "mgWebService.asmx/GetCommittees")
    requests = requests_of(spider(since="2019-01-01").parse_ws_committees(response))
    last = (date.today() + timedelta(days=366)).strftime("%d%%2F%m%%2F%Y")
    assert [(r.url, r.meta["committee"]) for r in requests] == [
        (BASE + f"mgWebService.asmx/GetMeetings?lCommitteeId={cid}&sFromDate=01%2F01%2F2019&sToDate={last}", title)
        for cid, title in [(458, "Health and Social Care Scrutiny Board (5)"), (470, "Health and Wellbeing Board"),
                           (402, "Health Scrutiny Panel (to 2016)")]
    ]


def test_web_service_titles_escaped_twice_are_unescaped() -> None:
    response = fixture_response("mg_ws_committees.xml", BASE + "mgWebService.asmx/GetCommittees")
    response.selector.remove_namespaces()
    titles = [xml_text(node, "committeetitle") for node in response.xpath("//committee")]
    assert "Licensing & Regulatory Committee" in titles


def test_web_service_meetings_are_filtered_again_by_date() -> None:
    response = fixture_response("mg_ws_meetings.xml", BASE + "mgWebService.asmx/GetMeetings")
    requests = requests_of(spider(since="2019-07-01").parse_ws_meetings(response))
    assert [(r.url, r.meta["meeting_date"]) for r in requests] == [
        (BASE + "mgWebService.asmx/GetMeeting?lMeetingId=12001", date(2019, 7, 10)),
        (BASE + "mgWebService.asmx/GetMeeting?lMeetingId=12150", date(2019, 10, 16)),
        (BASE + "mgWebService.asmx/GetMeeting?lMeetingId=12380", date(2020, 2, 5)),
    ]


def test_web_service_meeting_leads_to_relevant_items_and_their_documents() -> None:
    response = fixture_response("mg_ws_meeting.xml", BASE + "mgWebService.asmx/GetMeeting?lMeetingId=12001",
                                meta={"meeting_date": date(2019, 7, 10)})
    requests = requests_of(spider().parse_ws_meeting(response))
    assert [(r.url, r.meta["title"], r.callback.__name__) for r in requests] == [
        ("https://site.example/coventry/mgAi.aspx?ID=45210",
         "Response to NHS Long Term Plan in Respect of Streamlining Commissioning", "parse_agenda_item"),
        ("https://site.example/coventry/documents/s47890/Streamlining%20Commissioning%20report.pdf",
         "Streamlining Commissioning report", "parse_document"),
    ]


def test_an_unreadable_pdf_is_recorded_as_a_fetch_error() -> None:
    url = BASE + "documents/s1/report.pdf"
    response = HtmlResponse(url=url, body=b"<html>Sorry, this document is unavailable</html>",
                            headers={"Content-Type": "application/pdf"}, encoding="utf-8")
    [error] = list(spider().parse_document(response))
    assert isinstance(error, FetchErrorItem)
    assert (error["url"], error["kind"], error["source_id"]) == (url, "bad_pdf", "test-council")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("15/07/2019 - Healthy Staffordshire Select Committee (Item 27.)", date(2019, 7, 15)),
     ("Wednesday, 10th July, 2019 10.00 am", date(2019, 7, 10)),
     ("15 Jul 2019 10.00 am", date(2019, 7, 15)),
     ("Tuesday, 5th March, 2019", date(2019, 3, 5)),
     ("no date here", None)],
)
def test_find_date(text: str, expected: date | None) -> None:
    assert find_date(text) == expected


@pytest.mark.parametrize(
    ("title", "health"),
    [("Healthy Staffordshire Select Committee", True), ("Health and Wellbeing Board", True),
     ("Adults and Health Scrutiny Committee", True), ("Health Overview and Scrutiny Committee", True),
     ("Planning Committee", False), ("Cabinet", False), ("Staff Health and Safety Panel", False)],
)
def test_is_health_committee(title: str, health: bool) -> None:
    assert is_health_committee(title) is health


@pytest.mark.parametrize(
    ("title", "relevant"),
    [("Single Strategic Commissioning Organisation", True), ("Update from the Northshire CCGs", True),
     ("Kent and Medway Integrated Care Board", True), ("Proposed merger of the clinical commissioning groups", True),
     ("Dental Services in Staffordshire", False), ("Work Programme", False), ("Minutes", False)],
)
def test_is_relevant(title: str, relevant: bool) -> None:
    assert is_relevant(title) is relevant


@pytest.mark.parametrize(
    ("title", "procedural"),
    [("Apologies", True), ("Apologies and Substitutions", True), ("Declarations of Interest", True),
     ("Minutes of the meeting held on 3 June 2019", True), ("Work Programme 2019-20", True),
     ("5. Date of Next Meeting", True), ("Exclusion of the Public", True),
     ("Single Strategic Commissioning Organisation", False), ("Ambulance Response Times", False),
     ("NHS Update", False)],
)
def test_is_procedural(title: str, procedural: bool) -> None:
    assert is_procedural(title) is procedural


def test_extra_start_pages_of_a_source_are_read_for_links() -> None:
    source = Source(id="test-council", kind="moderngov", name="Test council", base_url=BASE,
                    allowed_domains=("democracy.example.gov.uk",),
                    start_urls=(BASE + "mgSearch.aspx?SearchText=clinical+commissioning",), org_codes=())
    requests = list(ModernGovSpider(source=source).start_requests())
    assert [(r.url, r.callback.__name__) for r in requests[2:]] == [
        (BASE + "mgSearch.aspx?SearchText=clinical+commissioning", "parse_link_page")
    ]


def test_search_results_lead_to_items_and_decisions() -> None:
    response = fixture_response("mg_modern_search.html", BASE + "mgSearch.aspx?SearchText=clinical+commissioning")
    requests = requests_of(spider().parse_link_page(response))
    assert [(r.url, r.callback.__name__, r.meta.get("check_text")) for r in requests] == [
        (BASE + "mgAi.aspx?ID=60211", "parse_agenda_item", False),
        (BASE + "mgAi.aspx?ID=61119", "parse_agenda_item", True),
        (BASE + "ieDecisionDetails.aspx?ID=8850", "parse_decision", None),
    ]
