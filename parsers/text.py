"""Turn a fetched page (HTML, PDF, RSS or plain text) into its title, plain text and own publication date."""

from __future__ import annotations

import io
import json
import re
from email.utils import parsedate_to_datetime

from bs4 import BeautifulSoup
from lxml import etree
from lxml import html as lxml_html

from parsers.dates import find_dates
from parsers.model import PageText, PartialDate


class UnreadablePage(Exception):
    """The page's bytes cannot be turned into text (a broken or encrypted PDF, an empty body)."""


# Elements that never hold the story itself.
_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe",
         "svg", "button", "select", "head")
# Where the story usually is, best first: ModernGov content, then HTML5 landmarks and common CMS ids.
_CONTENT_KINDS = ("class:mgContent", "tag:main", "tag:article", "role:main", "class:entry-content", "class:post-content",
                  "class:article-body", "id:content", "id:main-content", "class:content", "id:main")
_CONTENT_RANK = {kind: rank for rank, kind in enumerate(_CONTENT_KINDS)}
_HTML_PARSER = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "blockquote",
          "dd", "dt", "dl", "pre", "caption", "figure", "figcaption", "address", "hr"}
# Table cells stay on their row's line, so a row ("NHS A CCG, NHS B CCG | NHS New CCG | 1 April 2020") reads as one.
_CELL = {"td", "th"}
# Page furniture inside the content area: comments, related links, sharing, cookie banners, breadcrumbs.
_FURNITURE = re.compile(r"(?<![a-z])(?:comments?|related|share|sharing|social|cookies?|breadcrumbs?|sidebar|adverts?|"
                        r"advertisement|promo|newsletter|skip-link|site-header|site-footer|signup|subscribe)(?![a-z])",
                        re.IGNORECASE)
_META_DATE = ("article:published_time", "og:published_time", "datePublished", "DC.date", "DC.date.issued",
              "dcterms.created", "dcterms.date", "date", "pubdate", "publish-date", "article:modified_time")
# Labels only count at the start of a line: "published in January 2019" in a sentence is not the page's date.
_LABELLED_DATE = re.compile(
    r"^[ \t]*(?:(?:Publication date|Date published|Date of publication|Date of decision|Date)\s*:\s*"
    r"|(?:Published|Posted|Last updated|Updated|First published)(?: on)?\s*:?\s*)(?P<value>[^\n]{4,40})", re.IGNORECASE | re.MULTILINE)
_MEETING_HEADER = re.compile(r"\b(?:minutes of|meeting (?:held|of)|held (?:virtually |remotely )?on)\b", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def _decode(body: bytes, content_type: str | None) -> str:
    """Decode with the declared charset when it works, else UTF-8, else Windows-1252 (never fails)."""
    candidates: list[str] = []
    if content_type and "charset=" in content_type.lower():
        candidates.append(content_type.lower().split("charset=")[1].split(";")[0].strip(" \"'"))
    meta = _CHARSET.search(body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore").lower())
    candidates += ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            text = body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
        return text.lstrip("\ufeff")
    return body.decode("utf-8", "replace")


def _tidy(text: str) -> str:
    """Collapse runs of spaces inside lines and runs of blank lines, keeping paragraph breaks."""
    text = text.replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n")
    # A tab separates table cells in text files and PDFs: keep it as the " | " that HTML table rows get.
    lines = [re.sub(r"[ \f\v\u200b]+", " ", re.sub(r"[ ]*\t[ \t]*", " | ", line.strip(" \t"))).strip()
             for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def _date_from_text(value: str) -> PartialDate | None:
    value = value.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}", value):
        return PartialDate(value[:10])
    try:
        return PartialDate(parsedate_to_datetime(value).date().isoformat())
    except (TypeError, ValueError, IndexError):
        pass
    found = find_dates(value)
    if found and found[0].start <= 12:
        return found[0].date
    return None


def own_date_in_text(text: str, bylines: bool = True) -> PartialDate | None:
    """The page's date as it states it: a labelled date, else (with `bylines`) a byline-like line near the top."""
    for match in _LABELLED_DATE.finditer(text):
        date = _date_from_text(match.group("value"))
        if date is not None:
            return date
    if not bylines:
        return None
    for line in text.split("\n")[:8]:
        line = line.strip()
        if 6 <= len(line) <= (160 if _MEETING_HEADER.search(line) else 80) and not line.endswith((".", "?", "!", ":")):
            found = find_dates(line)
            # A short line that is mostly a date is a byline: "Thursday, 13th June 2019", "The Argus, 2 November 2019",
            # "Express & Star - 23/10/2020", "Minutes of the meeting held on Thursday 26 November 2020".
            after = line[line.find(found[0].text) + len(found[0].text):].lstrip() if found else ""
            # "12 September 2019: GP members vote" is a timeline entry, not a byline.
            if found and (found[0].range_end is not None or re.match(r"[:–-]\s*[A-Za-z]", after)):
                continue
            if len(found) == 1 and found[0].date.precision == "day" and (
                    len(line) - len(found[0].text) <= 45 or _MEETING_HEADER.search(line)):
                return found[0].date
    return None


def _html_date(root: lxml_html.HtmlElement) -> PartialDate | None:
    """The page's date from meta tags (article:published_time, DC.date, ...) or its first <time>."""
    metas = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        if key and meta.get("content"):
            metas.setdefault(key, meta.get("content"))
    for key in _META_DATE:
        if key in metas:
            date = _date_from_text(metas[key])
            if date:
                return date
    for time_tag in root.iter("time"):
        date = _date_from_text(time_tag.get("datetime") or time_tag.text_content())
        if date:
            return date
        break
    return None


def _first(root: lxml_html.HtmlElement, xpath: str) -> lxml_html.HtmlElement | None:
    found = root.xpath(xpath)
    return found[0] if found else None


def _content_root(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The element holding the story: the best-ranked landmark (in one pass over the page) with some text in it."""
    candidates: list[tuple[int, int, lxml_html.HtmlElement]] = []
    for order, element in enumerate(root.iter(etree.Element)):
        kinds = [f"tag:{element.tag}", f"role:{element.get('role', '')}", f"id:{element.get('id', '')}"]
        kinds += [f"class:{name}" for name in (element.get("class") or "").split()]
        ranks = [_CONTENT_RANK[kind] for kind in kinds if kind in _CONTENT_RANK]
        if ranks:
            candidates.append((min(ranks), order, element))
    for _, _, element in sorted(candidates, key=lambda item: (item[0], item[1])):
        if len(element.text_content().strip()) > 40:
            return element
    return None


def _html(body: bytes, content_type: str | None) -> PageText:
    markup = _XML_DECLARATION.sub("", _decode(body, content_type), count=1)
    try:
        # lxml's HTML parser never fetches DTDs or external entities; comments and processing instructions go.
        root = lxml_html.document_fromstring(markup, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise UnreadablePage(f"not readable HTML ({error})") from error
    title_tag = _first(root, "//h1[contains(concat(' ', normalize-space(@class), ' '), ' mgMainTitleTxt ')]")
    title = title_tag.text_content() if title_tag is not None else ""
    if not title:
        og = _first(root, "//meta[@property='og:title']/@content")
        title = str(og) if og is not None else ""
    if not title:
        title_element = _first(root, "//title")
        title = title_element.text_content() if title_element is not None else ""
    meta_date = _html_date(root)
    for element in list(root.iter(*_DROP)):
        if element.getparent() is not None:
            element.drop_tree()
    content = _content_root(root)
    if content is None:
        content = _first(root, "//body")
    content = content if content is not None else root
    if not title:
        heading = _first(content, ".//h1")
        title = heading.text_content() if heading is not None else ""
    # Line breaks at block edges so paragraphs and list items become separate lines (sentence ends).
    whole = len(content.text_content())
    for element in list(content.iter(etree.Element)):
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if element is content or not marker.strip() or not _FURNITURE.search(marker) or element.getparent() is None:
            continue
        # Never drop what holds most of the page ("content with-sidebar" wrappers).
        if len(element.text_content()) < whole / 2:
            element.drop_tree()
    for element in content.iter(etree.Element):
        if element.tag in _CELL:
            element.tail = " | " + (element.tail or "")
        elif element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCK:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    text = _tidy(content.text_content())
    text = re.sub(r"[ |]*\|[ |]*$", "", text, flags=re.MULTILINE)  # the separator after a row's last cell
    title = _tidy(title).replace("\n", " ")
    # A labelled date ("Published: ...") is the page's own; next the machine-readable meta date; a byline-like
    # line last, as content can open with dates of other things (related stories, events).
    published = own_date_in_text(text, bylines=False) or meta_date or own_date_in_text(text)
    return PageText(title=title, text=text, published=published)


def _pdf(body: bytes) -> PageText:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as error:
        raise UnreadablePage(f"not a readable PDF ({error.__class__.__name__}: {error})") from error
    raw = "\n\n".join(pages)
    # PDF lines wrap mid-sentence: join a line to the next unless it ends a sentence or the next is a heading/bullet.
    raw = re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", raw)  # "com-\nmissioning" was hyphenated at the line end
    raw = re.sub(r"(?<![.:;!?])[ \t]*\n(?=[a-z(,])", " ", raw)
    text = _tidy(raw)
    if not text:
        raise UnreadablePage("PDF has no extractable text (scanned image?)")
    first_line = text.split("\n", 1)[0]
    title = str(meta_title).strip() or first_line
    return PageText(title=title, text=text, published=own_date_in_text(text))


def _feed(body: bytes, content_type: str | None) -> PageText:
    """An RSS/Atom document: its items' titles and descriptions, dated by the newest item."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise UnreadablePage(f"not a readable feed ({error})") from error
    lines: list[str] = []
    dates: list[PartialDate] = []
    title = ""
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        value = (element.text or "").strip()
        if not value:
            continue
        if tag == "title" and not title:
            title = value
        elif tag in ("title", "description", "summary", "content"):
            inner = BeautifulSoup(value, "lxml").get_text(" ") if "<" in value else value
            lines.append(inner)
        elif tag in ("pubdate", "published", "updated", "date"):
            date = _date_from_text(value)
            if date:
                dates.append(date)
    return PageText(title=title, text=_tidy("\n".join(lines)), published=max(dates, key=str) if dates else None)


_JSON_TITLE = ("title", "headline", "name", "subject")
_JSON_TEXT = ("body", "content", "text", "description", "summary", "standfirst", "article", "articleBody", "html", "minutes")
_JSON_DATE = ("published", "datePublished", "date_published", "published_at", "publishedAt", "pubDate", "date",
              "publication_date", "created", "created_at", "meeting_date")


def _json(body: bytes, content_type: str | None) -> PageText | None:
    """A JSON page (a news API item or a saved record): its title, text fields and date; None if not JSON."""
    try:
        data = json.loads(_decode(body, content_type))
    except ValueError:
        return None
    items = data if isinstance(data, list) else [data]
    title, parts, published = "", [], None
    for item in items:
        if not isinstance(item, dict):
            continue
        fields = {key.lower(): value for key, value in item.items()}
        title = title or next((str(fields[k.lower()]) for k in _JSON_TITLE if isinstance(fields.get(k.lower()), str)), "")
        for key in _JSON_TEXT:
            value = fields.get(key.lower())
            if isinstance(value, list):
                value = "\n".join(str(v) for v in value if isinstance(v, str))
            if isinstance(value, str) and value.strip():
                parts.append(BeautifulSoup(value, "lxml").get_text("\n") if "<" in value else value)
        if published is None:
            raw = next((fields[k.lower()] for k in _JSON_DATE if isinstance(fields.get(k.lower()), str)), None)
            published = _date_from_text(raw) if raw else None
    if not title and not parts:
        return None
    text = _tidy("\n".join([title, *parts]) if title else "\n".join(parts))
    return PageText(title=title.strip(), text=text, published=published or own_date_in_text(text))


# Markdown markup that is not text: heading hashes, emphasis, link targets, images, table rules.
_MARKDOWN = [(re.compile(r"^#{1,6}\s+", re.MULTILINE), ""), (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
             (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"), (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
             (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
             (re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", re.MULTILINE), ""),
             (re.compile(r"^[ \t]*>[ \t]?", re.MULTILINE), "")]


def _plain(body: bytes, content_type: str | None, markdown: bool = False) -> PageText:
    raw = _decode(body, content_type)
    if raw.lstrip().startswith(("{", "[")):
        page = _json(body, content_type)
        if page is not None:
            return page
    if markdown:
        for pattern, replacement in _MARKDOWN:
            raw = pattern.sub(replacement, raw)
        # Table rows "| a | b |" read like the " | " rows that HTML tables give.
        raw = re.sub(r"^[ \t]*\|[ \t]*(.*?)[ \t]*\|[ \t]*$", r"\1", raw, flags=re.MULTILINE).replace(" | ", "\t")
    text = _tidy(raw)
    title = text.partition("\n")[0]
    return PageText(title=title.strip(), text=text, published=own_date_in_text(text))


def page_text(body: bytes, content_type: str | None, url: str, published: str | None = None) -> PageText:
    """Read a page; `published` (e.g. an RSS pubDate) is used when the page states no date of its own."""
    kind = (content_type or "").lower()
    path = url.lower().split("?", 1)[0]
    head = body[:1024].lstrip().lower()
    if kind.startswith("application/pdf") or path.endswith(".pdf") or body.startswith(b"%PDF"):
        page = _pdf(body)
    elif "rss" in kind or "atom" in kind or head.startswith(b"<rss") or (
            head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head)):
        page = _feed(body, content_type)
    elif "html" in kind or "xml" in kind or path.endswith((".html", ".htm", ".aspx", ".php")) \
            or head.startswith((b"<!doctype", b"<html")) or (not kind and not path.endswith(".txt") and b"<" in head[:1]):
        page = _html(body, content_type)
    else:
        page = _plain(body, content_type, markdown=path.endswith((".md", ".markdown")) or "markdown" in kind)
    if page.published is None and published:
        page = PageText(page.title, page.text, _date_from_text(published))
    return page
