"""Runs the parsers over stored raw pages and writes what they found into the working warehouse."""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from parsers.model import Extraction, PageText, PartialDate
from warehouse.bulk import insert_rows

# body, content_type, url, the date the crawl saw beside the page -> what the page says and what it holds
PageParser = Callable[[bytes, str | None, str, str | None], tuple[PageText, Extraction]]
# document_id, url, content_type, raw_path, page_date_hint
StoredPage = tuple[int, str, str | None, str | None, str | None]


class UnreadableRawPage(Exception):
    """The stored raw page is missing or cannot be decompressed."""


def parse_with_parsers(
    body: bytes, content_type: str | None, url: str, page_date_hint: str | None = None
) -> tuple[PageText, Extraction]:
    """The project's parsers: page text first, then merger facts from it.

    A page that states no date of its own takes the date the crawl saw beside it (a meeting, a feed entry),
    so that its relative dates ("next April", "this evening") can still be resolved.
    """
    from parsers.extract import extract
    from parsers.text import page_text

    page = page_text(body, content_type, url)
    if page.published is None and page_date_hint:
        page = replace(page, published=PartialDate(page_date_hint))
    return page, extract(page)


def read_raw(raw_store: Path, raw_path: str | None) -> bytes:
    if not raw_path:
        raise UnreadableRawPage("no raw page recorded")
    path = raw_store / raw_path
    try:
        with gzip.open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise UnreadableRawPage(f"raw page missing: {raw_path}") from None
    except (OSError, EOFError) as error:
        raise UnreadableRawPage(f"raw page unreadable: {raw_path}: {error}") from None


@dataclass
class ParseFigures:
    parsed: int = 0
    relevant: int = 0
    errors: int = 0


def _vote_values(event) -> list:
    vote = event.vote
    if vote is None:
        return [None] * 7
    return [vote.member_code, vote.count_for, vote.count_against, vote.count_abstain, vote.percent_for,
            vote.turnout, vote.threshold]


BATCH = 500  # documents parsed between writes: bounded memory, and work survives an interruption


def parse_documents(
    con: duckdb.DuckDBPyConnection,
    raw_store: Path,
    documents: Iterable[StoredPage],
    parse: PageParser | None = None,
) -> ParseFigures:
    """Parse each stored page, writing text and extracted facts in batches."""
    figures = ParseFigures()
    batch: list[StoredPage] = []
    for document in documents:
        batch.append(document)
        if len(batch) == BATCH:
            _parse_batch(con, raw_store, batch, parse, figures)
            batch = []
    if batch:
        _parse_batch(con, raw_store, batch, parse, figures)
    return figures


def _parse_batch(
    con: duckdb.DuckDBPyConnection,
    raw_store: Path,
    documents: list[StoredPage],
    parse: PageParser | None,
    figures: ParseFigures,
) -> None:
    """Parse one batch and replace its stored text and extracted facts in one transaction."""
    parse = parse or parse_with_parsers
    pages: list[list] = []
    groupings: list[list] = []
    events: list[list] = []
    now = datetime.now(UTC).replace(tzinfo=None)
    for document_id, url, content_type, raw_path, page_date_hint in documents:
        try:
            page, extraction = parse(read_raw(raw_store, raw_path), content_type, url, page_date_hint)
        except Exception as error:  # noqa: BLE001 - a page the parsers cannot read is recorded, never fatal
            figures.errors += 1
            reason = f"{type(error).__name__}: {error}".splitlines()[0][:500]
            pages.append([document_id, None, None, None, None, False, reason, now])
            continue
        figures.parsed += 1
        figures.relevant += bool(extraction.relevant)
        published = page.published.value if page.published else None
        precision = str(page.published.precision) if page.published else None
        pages.append([document_id, page.title, page.text, published, precision, bool(extraction.relevant), None, now])
        for idx, grouping in enumerate(extraction.groupings):
            groupings.append([
                document_id, idx, list(grouping.members), list(grouping.member_names), grouping.n_members_stated,
                grouping.area, grouping.successor_name, grouping.target_date, str(grouping.status),
            ])
        for idx, event in enumerate(extraction.events):
            events.append([
                document_id, idx, event.grouping, str(event.type), event.date,
                str(event.body) if event.body else None, str(event.outcome) if event.outcome else None,
                event.detail, event.evidence, *_vote_values(event),
            ])
    if not pages:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE parsed_pages (document_id INTEGER, title VARCHAR, text VARCHAR, "
            "published VARCHAR, published_precision VARCHAR, relevant BOOLEAN, parse_error VARCHAR, "
            "parsed_at TIMESTAMP)"
        )
        insert_rows(con, "parsed_pages", pages)
        con.execute("DELETE FROM extracted_groupings WHERE document_id IN (SELECT document_id FROM parsed_pages)")
        con.execute("DELETE FROM extracted_events WHERE document_id IN (SELECT document_id FROM parsed_pages)")
        con.execute(
            "UPDATE documents AS d SET title = p.title, text = p.text, published = p.published, "
            "published_precision = p.published_precision, relevant = p.relevant, parse_error = p.parse_error, "
            "parsed_at = p.parsed_at FROM parsed_pages AS p WHERE d.document_id = p.document_id"
        )
        insert_rows(con, "extracted_groupings", groupings)
        insert_rows(con, "extracted_events", events)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
