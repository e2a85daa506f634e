"""page_text: HTML (ModernGov and news), PDF, RSS and plain text to title, text and the page's own date."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from parsers.model import PartialDate
from parsers.text import UnreadablePage, page_text

MODERNGOV_DECISION = b"""<!DOCTYPE html>
<html><head><title>Decision - Single commissioner | Example Council</title>
<script>var tracking = "Publication date: 01/01/2000";</script><style>.x{color:red}</style></head>
<body><nav><a href="/">Home</a> <a href="/committees">Committees</a></nav>
<div id="modgov"><h1 class="mgMainTitleTxt">Decision details</h1>
<div class="mgContent">
<h2>Single strategic commissioning organisation</h2>
<p><span class="mgLabel">Decision Maker:</span> Healthy Staffordshire Select Committee</p>
<p>The six CCGs asked the Committee for views on <a href="/doc">their proposal</a> to form one CCG.</p>
<ul><li>Local delivery through divisions</li><li>Less duplication</li></ul>
<p>Publication date: 05/09/2019</p><p>Date of decision: 15/07/2019</p>
</div></div><footer>Copyright Example Council</footer></body></html>"""


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line]


def test_moderngov_decision_page() -> None:
    page = page_text(MODERNGOV_DECISION, "text/html; charset=utf-8", "https://example.gov.uk/ieDecisionDetails.aspx?ID=1")
    assert page.title == "Decision details"
    assert page.published == PartialDate("2019-09-05")
    # The ModernGov content block is the text; the page chrome around it is not.
    assert lines(page.text) == [
        "Single strategic commissioning organisation",
        "Decision Maker: Healthy Staffordshire Select Committee",
        "The six CCGs asked the Committee for views on their proposal to form one CCG.",
        "Local delivery through divisions",
        "Less duplication",
        "Publication date: 05/09/2019",
        "Date of decision: 15/07/2019",
    ]
    assert "tracking" not in page.text and "Home" not in page.text and "Copyright" not in page.text


NEWS_ARTICLE = """<html><head><meta charset="windows-1252">
<meta property="og:title" content="CCGs to merge – GPs say yes">
<meta property="article:published_time" content="2019-10-21T09:00:00+01:00"></head>
<body><header>Site banner</header><article><h1>CCGs to merge – GPs say yes</h1>
<p>GP members backed the merger by 86 per cent.<p>Unclosed paragraph with a £ sign
</article><aside>Most read</aside></body></html>""".encode("cp1252")


def test_news_article_with_meta_date_windows_charset_and_malformed_html() -> None:
    page = page_text(NEWS_ARTICLE, "text/html", "https://news.example/story")
    assert page.title == "CCGs to merge – GPs say yes"
    assert page.published == PartialDate("2019-10-21")
    assert lines(page.text) == [
        "CCGs to merge – GPs say yes",
        "GP members backed the merger by 86 per cent.",
        "Unclosed paragraph with a £ sign",
    ]


def test_wrong_declared_charset_falls_back() -> None:
    body = "<html><body><main><p>Consultation on the merger runs until 30 August – have your say.</p></main></body></html>"
    page = page_text(body.encode("cp1252"), "text/html; charset=utf-8", "https://x.example/")
    assert page.text == "Consultation on the merger runs until 30 August – have your say."


def test_time_element_dates_a_page() -> None:
    body = b"<html><body><article><time datetime='2020-12-17'>17 Dec</time><p>Merger approved.</p></article></body></html>"
    assert page_text(body, "text/html", "https://x.example/").published == PartialDate("2020-12-17")


def test_plain_text_first_line_is_title_and_byline_dates_it() -> None:
    body = b"Plans for a single CCG\n\nThursday, 13th June 2019\n\nThe CCGs want to hear your views.\n"
    page = page_text(body, "text/plain", "file:///x.txt")
    assert page.title == "Plans for a single CCG"
    assert page.published == PartialDate("2019-06-13")
    assert page.text == "Plans for a single CCG\n\nThursday, 13th June 2019\n\nThe CCGs want to hear your views."


@pytest.mark.parametrize(
    ("first_lines", "expected"),
    [
        ("Go-ahead for one commissioner\n\nBy our health reporter, 21 October 2019\n", "2019-10-21"),
        ("Black Country merger approved\n\nExpress & Star - 23/10/2020\n", "2020-10-23"),
        ("Kirklees Board\n\nMinutes of the meeting held virtually on Thursday 26 November 2020\n", "2020-11-26"),
        ("Minutes\n\nPublished: 09:15, Tuesday 22 October 2019\n", "2019-10-22"),
        # A date inside a sentence is not the page's own date.
        ("Long Term Plan\n\nThe NHS Long Term Plan, published in January 2019, set out new aims.\n", None),
    ],
)
def test_own_date_from_bylines(first_lines: str, expected: str | None) -> None:
    page = page_text(first_lines.encode(), "text/plain", "file:///x.txt")
    assert page.published == (PartialDate(expected) if expected else None)


def test_feed_date_is_used_when_the_page_has_none() -> None:
    page = page_text(b"<html><body><p>No date here.</p></body></html>", "text/html", "https://x.example/",
                     published="Tue, 10 Sep 2019 10:00:00 GMT")
    assert page.published == PartialDate("2019-09-10")


def test_rss_feed() -> None:
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>CCG news</title>
    <item><title>Merger vote result</title><description>&lt;p&gt;GPs voted in favour.&lt;/p&gt;</description>
    <pubDate>Fri, 05 Jul 2019 10:00:00 +0100</pubDate></item></channel></rss>"""
    page = page_text(body, "application/rss+xml", "https://x.example/feed")
    assert page.title == "CCG news"
    assert page.text == "Merger vote result\nGPs voted in favour."
    assert page.published == PartialDate("2019-07-05")


def _pdf(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    sheet.setTitle("Governing Bodies in Common - Item 6")
    y = 800
    for line in lines:
        sheet.drawString(50, y, line)
        y -= 14
    sheet.save()
    return buffer.getvalue()


def test_pdf_text_title_and_wrapped_lines() -> None:
    body = _pdf(["Item 6: Application to merge", "", "Meeting held in public on 25 September 2019",
                 "The Governing Bodies agreed to submit an application", "to NHS England for the com-",
                 "missioning groups to merge."])
    page = page_text(body, "application/pdf", "https://x.example/item6.pdf")
    assert page.title == "Governing Bodies in Common - Item 6"
    assert page.published == PartialDate("2019-09-25")
    assert "The Governing Bodies agreed to submit an application to NHS England for the commissioning groups to merge." \
        in page.text


@pytest.mark.parametrize("body", [b"%PDF-1.4\nnot really a pdf", b"%PDF-1.7\n" + b"\x00" * 64])
def test_broken_pdf_is_unreadable(body: bytes) -> None:
    with pytest.raises(UnreadablePage):
        page_text(body, "application/pdf", "https://x.example/broken.pdf")


def test_table_rows_comments_and_related_links() -> None:
    body = b"""<html><head><meta name="date" content="2019-10-21"></head><body><main>
    <p>Related: <a href="/old">12 March 2018 - Older story</a></p>
    <table><tr><th>Merging CCGs</th><th>New CCG</th></tr>
    <tr><td>NHS A CCG, NHS B CCG</td><td>NHS AB CCG</td></tr></table>
    <div class="related-stories"><p>CCGs elsewhere merge too</p></div>
    <section id="comments"><p>Reader: this merger is a mistake</p></section></main></body></html>"""
    page = page_text(body, "text/html", "https://news.example/x")
    assert lines(page.text) == ["Related: 12 March 2018 - Older story", "Merging CCGs | New CCG",
                                "NHS A CCG, NHS B CCG | NHS AB CCG"]
    assert page.published == PartialDate("2019-10-21")


def test_json_news_item() -> None:
    body = (b'{"headline": "Two CCGs to merge", "datePublished": "2019-10-10T09:00:00Z", '
            b'"body": "<p>NHS A CCG and NHS B CCG will merge.</p><p>The boards agreed on Tuesday.</p>"}')
    page = page_text(body, "text/plain", "file:///tmp/story.json")
    assert (page.title, lines(page.text), page.published) == (
        "Two CCGs to merge", ["Two CCGs to merge", "NHS A CCG and NHS B CCG will merge.", "The boards agreed on Tuesday."],
        PartialDate("2019-10-10"))


def test_markdown_markup_is_not_text() -> None:
    body = (b"# Two CCGs to merge\n\n*Published 10 October 2019*\n\n**NHS A CCG** and [NHS B CCG](https://b.example) "
            b"will merge.\n\n| Date | Step |\n|---|---|\n| 01.10.2019 | NHS England approves |\n")
    page = page_text(body, "text/plain", "file:///tmp/story.md")
    assert (page.title, lines(page.text), page.published) == (
        "Two CCGs to merge", ["Two CCGs to merge", "Published 10 October 2019", "NHS A CCG and NHS B CCG will merge.",
                              "Date | Step", "01.10.2019 | NHS England approves"], PartialDate("2019-10-10"))
