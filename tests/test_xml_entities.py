"""Parsing never resolves external entities: a hostile feed or page cannot make us read local files."""

from __future__ import annotations

from pathlib import Path

import pytest
import scrapy
from scrapy.http import TextResponse

from parsers.text import UnreadablePage, page_text


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    target = tmp_path / "secret.txt"
    target.write_text("TOP-SECRET-VALUE")
    return target


def hostile_feed(secret: Path) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY leak SYSTEM "file://{secret}">]>'
        "<rss><channel><title>CCG news</title><item><title>&leak;</title>"
        "<description>Merger of the CCGs</description></item></channel></rss>"
    ).encode()


def test_a_feed_with_an_external_entity_is_refused_not_resolved(secret: Path) -> None:
    with pytest.raises(UnreadablePage, match="EntitiesForbidden"):
        page_text(hostile_feed(secret), "application/rss+xml", "https://ccg.example/feed.xml")


def test_an_html_page_with_an_entity_declaration_keeps_it_unresolved(secret: Path) -> None:
    body = (
        f'<!DOCTYPE html [<!ENTITY leak SYSTEM "file://{secret}">]>'
        "<html><head><title>Minutes</title></head><body><p>&leak; The CCGs propose to merge.</p></body></html>"
    ).encode()
    page = page_text(body, "text/html", "https://council.example/mgAi.aspx?ID=1")
    assert "TOP-SECRET-VALUE" not in page.text
    assert "The CCGs propose to merge." in page.text


def test_spider_xml_selectors_do_not_resolve_external_entities(secret: Path) -> None:
    response = TextResponse("https://council.example/mgWebService.asmx/GetCommittees", body=hostile_feed(secret))
    titles = scrapy.Selector(response, type="xml").xpath("//item/title//text()").getall()
    assert "TOP-SECRET-VALUE" not in "".join(titles)
