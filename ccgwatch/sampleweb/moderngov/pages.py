"""Renders a sample council's ModernGov pages and web-service answers from its data and markup variant."""

from __future__ import annotations

import html
import re
import urllib.parse
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ccgwatch.sampleweb.messages import Request, Response, not_found
from ccgwatch.sampleweb.moderngov.council import Council

TEMPLATES = Path(__file__).with_name("templates")
ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]), trim_blocks=True,
    lstrip_blocks=True,
)
DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def long_date(day: date) -> str:
    """ModernGov's long form: 'Wednesday, 10th July, 2019'."""
    return f"{day:%A}, {ordinal(day.day)} {day:%B}, {day.year}"


ENVIRONMENT.filters["dmy"] = lambda day: day.strftime("%d/%m/%Y")
ENVIRONMENT.filters["short_date"] = lambda day: f"{day.day} {day:%b %Y}"
ENVIRONMENT.filters["long_date"] = long_date
ENVIRONMENT.filters["quote"] = lambda text: urllib.parse.quote(text)
# The web service escapes titles twice (a quirk real clients must undo): once here, once by autoescaping.
ENVIRONMENT.filters["escape_twice"] = lambda text: html.escape(text)


def at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=UTC)


def parse_dmy(text: str) -> date | None:
    match = DMY.match(text.strip())
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    return date(year, month, day)


def page(council: Council, template: str, last_modified: datetime | None = None, **context: object) -> Response:
    body = ENVIRONMENT.get_template(f"{council.variant}/{template}").render(council=council, **context)
    return Response(body=body.encode("utf-8"), last_modified=last_modified)


def xml(council: Council, template: str, **context: object) -> Response:
    body = ENVIRONMENT.get_template(f"webservice/{template}").render(council=council, **context)
    return Response(body=body.encode("utf-8"), content_type="text/xml; charset=utf-8")


def int_arg(request: Request, name: str) -> int | None:
    value = request.arg(name)
    return int(value) if value.isdigit() else None


def render(council: Council, page_name: str, request: Request) -> Response | None:
    name = page_name.lower()
    if name.startswith("mgwebservice.asmx"):
        return web_service(council, name, request)
    if name.startswith("documents/"):
        return document(council, page_name)
    handler = PAGES.get(name)
    if handler is None:
        return None
    return handler(council, request) or not_found(request.path)


def list_committees(council: Council, request: Request) -> Response:
    committees = sorted((c for c in council.committees.values() if not c.expired), key=lambda c: c.title)
    return page(council, "committees.html", committees=committees)


def committee_details(council: Council, request: Request) -> Response | None:
    committee = council.committees.get(int_arg(request, "ID") or -1)
    if committee is None:
        return None
    return page(council, "committee.html", committee=committee)


def list_meetings(council: Council, request: Request) -> Response | None:
    committee = council.committees.get(int_arg(request, "CId") or -1)
    if committee is None:
        return None
    meetings = council.committee_meetings(committee.id)
    years = sorted({m.date.year for m in meetings}, reverse=True)
    year = int_arg(request, "Year") or 0
    shown = [m for m in meetings if year == 0 or m.date.year == year]
    return page(council, "meetings.html", committee=committee, meetings=list(reversed(shown)), years=years, year=year)


def list_documents(council: Council, request: Request) -> Response | None:
    meeting = council.meetings.get(int_arg(request, "MId") or -1)
    if meeting is None:
        return None
    committee = council.committees[meeting.committee]
    items = [council.items[item_id] for item_id in meeting.items]
    return page(council, "meeting.html", at_nine(meeting.date + timedelta(days=14)),
                committee=committee, meeting=meeting, items=items)


def agenda_item(council: Council, request: Request) -> Response | None:
    item = council.items.get(int_arg(request, "ID") or -1)
    if item is None:
        return None
    meeting = council.meeting_of_item(item.id)
    return page(council, "item.html", at_nine(meeting.date + timedelta(days=14)), item=item, meeting=meeting,
                committee=council.committees[meeting.committee], text=council.text(item.text))


def decision_details(council: Council, request: Request) -> Response | None:
    decision = council.decisions.get(int_arg(request, "ID") or -1)
    if decision is None and int_arg(request, "AIId") is not None:
        decision = council.decision_for_item(int_arg(request, "AIId") or -1)
    if decision is None:
        return None
    meeting = council.meeting_of_item(decision.item)
    return page(council, "decision.html", at_nine(decision.published), decision=decision, meeting=meeting,
                committee=council.committees[meeting.committee], text=council.text(decision.text))


def issue_history(council: Council, request: Request) -> Response | None:
    issue = council.issues.get(int_arg(request, "IId") or -1)
    if issue is None:
        return None
    considered = [(council.items[i], council.meeting_of_item(i)) for i in issue.items]
    return page(council, "issue.html", issue=issue, considered=considered,
                committees=council.committees)


def decision_register(council: Council, request: Request) -> Response:
    """mgDelegatedDecisions.aspx?DR=dd/mm/yyyy-dd/mm/yyyy&ACT=Find: decisions taken in a date range."""
    start, _, end = request.arg("DR").partition("-")
    first, last = parse_dmy(start) or date.min, parse_dmy(end) or date.max
    decisions = sorted(
        (d for d in council.decisions.values() if first <= d.decided <= last), key=lambda d: d.decided, reverse=True
    )
    return page(council, "decisions.html", decisions=decisions, range=request.arg("DR"))


def search(council: Council, request: Request) -> Response:
    """mgSearch.aspx?SearchText=: agenda items and decisions whose title or text holds every word."""
    words = request.arg("SearchText").lower().split()

    def matches(title: str, text_file: str) -> bool:
        haystack = (title + " " + re.sub(r"<[^>]+>", " ", council.text(text_file))).lower()
        return bool(words) and all(word in haystack for word in words)

    items = [(item, council.meeting_of_item(item.id)) for item in council.items.values() if matches(item.title, item.text)]
    decisions = [decision for decision in council.decisions.values() if matches(decision.title, decision.text)]
    return page(council, "search.html", query=request.arg("SearchText"), items=items, decisions=decisions,
                committees=council.committees)


def document(council: Council, page_name: str) -> Response | None:
    match = re.match(r"documents/s(\d+)/(.+)$", urllib.parse.unquote(page_name))
    if not match:
        return None
    path = council.document_path(int(match.group(1)), match.group(2))
    if path is None or not path.is_file():
        return None
    return Response(body=path.read_bytes(), content_type="application/pdf")


def web_service(council: Council, name: str, request: Request) -> Response | None:
    """mgWebService.asmx: XML answers, only where the council has switched the service on."""
    if not council.web_service:
        return None
    method = name.partition("/")[2]
    if method == "" and "wsdl" in request.query:
        return xml(council, "wsdl.xml")
    if method == "getcommittees":
        return xml(council, "committees.xml", committees=list(council.committees.values()))
    if method == "getmeetings":
        committee_id = int_arg(request, "lCommitteeId")
        start, end = parse_dmy(request.arg("sFromDate")), parse_dmy(request.arg("sToDate"))
        meetings = council.committee_meetings(committee_id or -1)
        if start and end:  # like the real service, a date it cannot read means no filter at all
            meetings = [m for m in meetings if start <= m.date <= end]
        return xml(council, "meetings.xml", meetings=meetings, committees=council.committees,
                   base=request.base_url + f"/{council.prefix}/")
    if method == "getmeeting":
        meeting = council.meetings.get(int_arg(request, "lMeetingId") or -1)
        if meeting is None:
            return None
        items = [council.items[item_id] for item_id in meeting.items]
        return xml(council, "meeting.xml", meeting=meeting, items=items,
                   committee=council.committees[meeting.committee], base=request.base_url + f"/{council.prefix}/")
    return None


PAGES = {
    "mglistcommittees.aspx": list_committees,
    "mgcommitteedetails.aspx": committee_details,
    "ielistmeetings.aspx": list_meetings,
    "ielistdocuments.aspx": list_documents,
    "mgai.aspx": agenda_item,
    "iedecisiondetails.aspx": decision_details,
    "mgissuehistoryhome.aspx": issue_history,
    "mgdelegateddecisions.aspx": decision_register,
    "mgsearch.aspx": search,
}
