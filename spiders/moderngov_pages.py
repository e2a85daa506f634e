"""What ModernGov pages look like across councils and versions: link patterns, labels, dates, relevance.

Markup differs between installs (headings, tables or lists, class names), but the query-string URLs and the
label texts ("Meeting:", "Date of decision:") are stable, so pages are read by URL pattern and label text
first and by CSS class second.
"""

from __future__ import annotations

import html
import re
from datetime import date

from parsel import Selector
from scrapy.http import Response

# Links, by the page they point at (case-insensitive: IIS does not care and neither do councils' templates).
COMMITTEE_LINKS = "a[href*='mgCommitteeDetails.aspx' i]"
MEETING_LIST_LINKS = "a[href*='ieListMeetings.aspx' i]"
MEETING_LINKS = "a[href*='ieListDocuments.aspx' i]"
AGENDA_ITEM_LINKS = "a[href*='mgAi.aspx' i]"
DECISION_LINKS = "a[href*='ieDecisionDetails.aspx' i]"
ISSUE_LINKS = "a[href*='mgIssueHistoryHome.aspx' i]"
DOCUMENT_LINKS = "a[href*='/documents/' i], a[href^='documents/' i], a[href$='.pdf' i]"
TITLE_SELECTORS = (
    "h2.mgSubTitleTxt", "h2.mgAiTitle", ".mgContent h2", "#mgPageContent h2", "#mgContent h2", ".mgMainTitleTxt", "h1",
)

# Committees that scrutinise or oversee health: "Healthy Staffordshire Select Committee", "Health and
# Wellbeing Board", "Adults and Health Scrutiny Committee", "Health Overview and Scrutiny Committee"...
HEALTH_COMMITTEE = re.compile(r"\bhealth", re.IGNORECASE)
NOT_HEALTH_COMMITTEE = re.compile(r"safety|pension", re.IGNORECASE)
# Agenda items and decisions about commissioning organisations and their reorganisation.
RELEVANT = re.compile(
    r"\bCCGs?\b|clinical commissioning|commissioning|\bICBs?\b|integrated care (?:board|system|partnership)"
    r"|strategic commission|merg(?:er|e|ing)\b|sustainability and transformation",
    re.IGNORECASE,
)

# Page text that shows an item is about commissioning organisations, for items whose titles do not say so
# ("NHS update", "Health and care update"): stricter than the title test, since every NHS page says
# "commissioning" somewhere.
TEXT_RELEVANT = re.compile(
    r"\bCCGs?\b|clinical commissioning groups?|\bICBs?\b|integrated care boards?|strategic commission",
    re.IGNORECASE,
)
# Agenda business that never carries substance.
PROCEDURAL = re.compile(
    r"^\W*(?:\d+[.)]?\s*)?(?:apologies|declarations? of interest|(?:confirmation of )?minutes|membership"
    r"|substitut|urgent business|any other business|date of (?:the )?next meeting|exclusion of the (?:press|public)"
    r"|work ?programme|chair(?:man)?'?s? (?:announcements|update)|public questions|questions from)",
    re.IGNORECASE,
)
CONTENT = ("div.mgContent", "#mgPageContent", "#mgContent", "body")

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9}),?\s+(\d{4})\b")


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


def is_health_committee(title: str) -> bool:
    return bool(HEALTH_COMMITTEE.search(title)) and not NOT_HEALTH_COMMITTEE.search(title)


def is_relevant(text: str) -> bool:
    return bool(RELEVANT.search(text))


def is_procedural(title: str) -> bool:
    return bool(PROCEDURAL.search(title))


def text_is_relevant(response: Response) -> bool:
    """Whether the page's main content mentions commissioning organisations."""
    for selector in CONTENT:
        found = response.css(selector)
        if found:
            return bool(TEXT_RELEVANT.search(" ".join(found[0].css("::text").getall())))
    return False


def find_date(text: str) -> date | None:
    """The first date written as 15/07/2019, '15 Jul 2019' or 'Wednesday, 10th July, 2019'."""
    for match in sorted([*DMY.finditer(text), *DAY_MONTH_YEAR.finditer(text)], key=lambda m: m.start()):
        try:
            if match.re is DMY:
                return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            month = MONTHS.get(match.group(2)[:3].lower())
            if month:
                return date(int(match.group(3)), month, int(match.group(1)))
        except ValueError:
            continue
    return None


def dmy(day: date) -> str:
    """The web service's date format; an ISO date is silently ignored by it."""
    return day.strftime("%d/%m/%Y")


def label_value(response: Response | Selector, label: str) -> str | None:
    """The text after a label such as 'Date of decision:', whether in a <p>, a table row or a list item."""
    wanted = label.lower().rstrip(":") + ":"
    for term in response.css("dt"):  # definition lists: <dt>Meeting:</dt><dd>05/03/2019 - ...</dd>
        if clean(" ".join(term.css("::text").getall())).lower() == wanted:
            return clean(" ".join(term.xpath("following-sibling::dd[1]//text()").getall())) or None
    for block in response.css("p, tr, li, div.mgLabelRow"):
        text = clean(" ".join(block.css("::text").getall()))
        if text.lower().startswith(wanted):
            return text[len(wanted):].strip()
    return None


def page_title(response: Response) -> str | None:
    for selector in TITLE_SELECTORS:
        text = clean(" ".join(response.css(f"{selector} ::text").getall()))
        if text:
            return text
    return clean(response.css("title::text").get()) or None


def link_context(link: Selector) -> str:
    """The text of the table row or list item a link sits in (title plus any introduction)."""
    container = link.xpath(
        "ancestor::tr[1] | ancestor::li[1] | ancestor::div[contains(@class, 'mgAgendaItem')][1]"
    )
    source = container[-1] if container else link
    return clean(" ".join(source.css("::text").getall()))


def xml_text(node: Selector, name: str) -> str:
    """A child element's text from the web service, unescaped again: titles come back escaped twice."""
    return html.unescape(clean(node.xpath(f"./{name}/text()").get()))
