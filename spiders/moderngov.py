"""Council committee sites run on ModernGov: committees → meetings → agenda items, decisions and reports.

Discovery goes through the site's web service where it answers (GetCommittees → GetMeetings in the date
window → GetMeeting) and falls back to the HTML pages where it does not (mgListCommittees → committee →
ieListMeetings → ieListDocuments). Only health scrutiny, health and wellbeing and health overview committees
are followed, plus the decision register. Agenda items whose titles (or introductions) concern commissioning
organisations are kept with their decisions, issue histories and attached PDFs; other substantive items of
those committees are read too and kept only if their text names CCGs, ICBs or a strategic commissioner
(procedural business such as apologies or minutes is never read).

    scrapy crawl moderngov -a source=moderngov-sts -a since=2019-01-01
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode, urljoin

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from spiders.common import SourceSpider
from spiders.moderngov_pages import (
    AGENDA_ITEM_LINKS,
    COMMITTEE_LINKS,
    DECISION_LINKS,
    DOCUMENT_LINKS,
    ISSUE_LINKS,
    MEETING_LINKS,
    MEETING_LIST_LINKS,
    clean,
    dmy,
    find_date,
    is_health_committee,
    is_procedural,
    is_relevant,
    label_value,
    link_context,
    page_title,
    text_is_relevant,
    xml_text,
)

EARLIEST = date(2013, 1, 1)  # CCGs began in April 2013; nothing earlier concerns them


class ModernGovSpider(SourceSpider):
    """One ModernGov council site, named by a registry source whose base_url is the install's root."""

    name = "moderngov"

    @property
    def base(self) -> str:
        # Installs may live under a sub-path (/moderngov/): join to the base URL, never to the host.
        return self.source.base_url.rstrip("/") + "/"

    def window(self) -> tuple[date, date]:
        return self.since or EARLIEST, date.today() + timedelta(days=366)

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        yield scrapy.Request(
            self.url("mgWebService.asmx/GetCommittees"),
            self.parse_ws_committees,
            errback=self.web_service_unavailable,
        )
        first, last = self.window()
        register = self.url("mgDelegatedDecisions.aspx?" + urlencode({"DR": f"{dmy(first)}-{dmy(last)}", "ACT": "Find"}))
        yield scrapy.Request(register, self.parse_decision_register)
        # A source may list extra pages to read links from, such as the site's search for "clinical commissioning",
        # which also finds business of committees that are not health committees (Cabinet, full Council).
        for url in self.source.start_urls:
            yield scrapy.Request(url, self.parse_link_page)

    def url(self, path: str) -> str:
        return urljoin(self.base, path)

    # --- web service ----------------------------------------------------------------------------------

    def web_service_unavailable(self, failure: Failure) -> Iterator[scrapy.Request]:
        """No web service (404, 403, not XML): read the HTML committee list instead; not a failure."""
        self.logger.info("web service unavailable at %s; using HTML pages", self.base)
        yield scrapy.Request(self.url("mgListCommittees.aspx"), self.parse_committee_list)

    def parse_ws_committees(self, response: Response) -> Iterator[scrapy.Request]:
        if b"<committee" not in response.body.lower():
            yield from self.web_service_unavailable(Failure(ValueError("not a committee list")))
            return
        selector = scrapy.Selector(response, type="xml")
        selector.remove_namespaces()
        first, last = self.window()
        for committee in selector.xpath("//committee"):
            title = xml_text(committee, "committeetitle")
            if xml_text(committee, "committeedeleted").lower() == "true" or not is_health_committee(title):
                continue
            query = {"lCommitteeId": xml_text(committee, "committeeid"), "sFromDate": dmy(first), "sToDate": dmy(last)}
            yield scrapy.Request(self.url("mgWebService.asmx/GetMeetings?" + urlencode(query)),
                                 self.parse_ws_meetings, meta={"committee": title})

    def parse_ws_meetings(self, response: Response) -> Iterator[scrapy.Request]:
        selector = scrapy.Selector(response, type="xml")
        selector.remove_namespaces()
        for meeting in selector.xpath("//meeting"):
            day = find_date(xml_text(meeting, "meetingdate"))
            if not self.in_window(day):
                continue  # the service ignores dates it cannot read, so filter again here
            query = urlencode({"lMeetingId": xml_text(meeting, "meetingid")})
            yield scrapy.Request(self.url("mgWebService.asmx/GetMeeting?" + query), self.parse_ws_meeting,
                                 meta={"committee": response.meta.get("committee"), "meeting_date": day})

    def parse_ws_meeting(self, response: Response) -> Iterator[scrapy.Request]:
        selector = scrapy.Selector(response, type="xml")
        selector.remove_namespaces()
        day = response.meta.get("meeting_date") or find_date(xml_text(selector.xpath("//meeting")[:1], "meetingdate"))
        for item in selector.xpath("//agendaitem"):
            title = xml_text(item, "agendaitemtitle")
            if is_procedural(title):
                continue
            relevant = is_relevant(title)
            item_url = xml_text(item, "agendaitemurl") or self.url(f"mgAi.aspx?ID={xml_text(item, 'agendaitemid')}")
            yield scrapy.Request(item_url, self.parse_agenda_item,
                                 meta={"title": title, "meeting_date": day, "check_text": not relevant})
            if relevant:  # other items' documents are followed from their page once its text qualifies
                for document in item.xpath(".//linkeddocument"):
                    yield self.document_request(xml_text(document, "url"), xml_text(document, "title"), day)

    # --- HTML pages ------------------------------------------------------------------------------------

    def parse_committee_list(self, response: Response) -> Iterator[scrapy.Request]:
        for link in response.css(COMMITTEE_LINKS):
            title = clean(" ".join(link.css("::text").getall()))
            if is_health_committee(title):
                yield response.follow(link, self.parse_committee, meta={"committee": title})

    def parse_committee(self, response: Response) -> Iterator[scrapy.Request]:
        links = response.css(MEETING_LIST_LINKS)
        every_year = [link for link in links if "year=0" in (link.attrib.get("href", "").lower())]
        for link in (every_year or links)[:1]:
            yield response.follow(link, self.parse_meeting_list, meta=dict(response.meta))

    def parse_meeting_list(self, response: Response) -> Iterator[scrapy.Request]:
        for link in response.css(MEETING_LINKS):
            day = find_date(clean(" ".join(link.css("::text").getall())))
            if self.in_window(day):
                yield response.follow(link, self.parse_meeting, meta={"committee": response.meta.get("committee"),
                                                                      "meeting_date": day})

    def parse_meeting(self, response: Response) -> Iterator[scrapy.Request]:
        day = response.meta.get("meeting_date") or find_date(label_value(response, "Date") or "")
        for link in response.css(AGENDA_ITEM_LINKS):
            title = clean(" ".join(link.css("::text").getall()))
            if is_procedural(title):
                continue
            yield response.follow(link, self.parse_agenda_item, meta={
                "title": title, "meeting_date": day, "check_text": not is_relevant(link_context(link))})

    def parse_agenda_item(self, response: Response) -> Iterator[Any]:
        """mgAi.aspx: the item's minutes; its decision, issue history and reports are followed from here."""
        if response.meta.get("check_text") and not text_is_relevant(response):
            return  # read only to see whether its text concerns commissioning organisations: it does not
        day = find_date(label_value(response, "Meeting") or "") or response.meta.get("meeting_date")
        yield self.page_item(response, page_title(response) or response.meta.get("title"), day)
        for link in response.css(DOCUMENT_LINKS):
            yield self.document_request(response.urljoin(link.attrib["href"]), clean(link.css("::text").get()), day)
        for link in response.css(DECISION_LINKS):
            yield response.follow(link, self.parse_decision)
        for link in response.css(ISSUE_LINKS):
            yield response.follow(link, self.parse_issue_history)

    def parse_link_page(self, response: Response) -> Iterator[scrapy.Request]:
        """Search results or any page listing agenda items, decisions and issues: follow the relevant ones."""
        for link in response.css(AGENDA_ITEM_LINKS):
            title = clean(" ".join(link.css("::text").getall()))
            if not is_procedural(title):
                yield response.follow(link, self.parse_agenda_item,
                                      meta={"title": title, "check_text": not is_relevant(link_context(link))})
        for link in response.css(DECISION_LINKS):
            if is_relevant(link_context(link)):
                yield response.follow(link, self.parse_decision)
        for link in response.css(ISSUE_LINKS):
            if is_relevant(link_context(link)):
                yield response.follow(link, self.parse_issue_history)

    def parse_decision_register(self, response: Response) -> Iterator[scrapy.Request]:
        for link in response.css(DECISION_LINKS):
            if is_relevant(link_context(link)):
                yield response.follow(link, self.parse_decision)

    def parse_decision(self, response: Response) -> Iterator[Any]:
        """ieDecisionDetails.aspx: labelled fields ('Decision Maker:', 'Date of decision:') and the text."""
        day = find_date(label_value(response, "Date of decision") or "")
        if self.in_window(day):
            yield self.page_item(response, page_title(response), day)

    def parse_issue_history(self, response: Response) -> Iterator[Any]:
        yield self.page_item(response, page_title(response))
        for link in response.css(AGENDA_ITEM_LINKS):
            yield response.follow(link, self.parse_agenda_item, meta={"meeting_date": find_date(link.css("::text").get() or "")})

    # --- attached reports ------------------------------------------------------------------------------

    def document_request(self, url: str, title: str | None, day: date | None) -> scrapy.Request:
        return scrapy.Request(url, self.parse_document, meta={"title": title, "page_date": day})
