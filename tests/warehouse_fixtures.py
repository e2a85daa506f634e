"""Helpers for warehouse and report tests: raw pages stored like the spiders store them, feeds, a page parser.

The parser here stands in for parsers.extract in tests that are about the warehouse, not about reading text:
each fake page body names the Extraction the test constructed for it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ccgwatch.paths import DataPaths
from parsers.model import Extraction, PageText, PartialDate


def store_raw(paths: DataPaths, body: bytes) -> tuple[str, str]:
    """Write a body content-addressed and gzip-compressed, as the raw store pipeline does."""
    sha = hashlib.sha256(body).hexdigest()
    relative = f"{sha[:2]}/{sha}.gz"
    target = paths.raw_store / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(body))
    return sha, relative


def page_row(
    paths: DataPaths, url: str, body: bytes, fetched_at: str, source_id: str = "test-news",
    capture_time: str | None = None, cached: bool = False,
) -> dict:
    sha, relative = store_raw(paths, body)
    return {
        "item_type": "page", "url": url, "final_url": url, "source_id": source_id, "source_kind": "news",
        "fetched_at": fetched_at, "status": 200, "headers": {"content-type": "text/plain"},
        "content_type": "text/plain", "capture_time": capture_time, "sha256": sha, "raw_path": relative,
        "size": len(body), "cached": cached,
    }


def error_row(url: str, kind: str, reason: str, at: str, status: int | None = None) -> dict:
    return {"item_type": "fetch_error", "url": url, "source_id": "test-news", "kind": kind, "reason": reason,
            "status": status, "at": at}


def write_feed(paths: DataPaths, name: str, rows: list[dict]) -> Path:
    paths.feeds.mkdir(parents=True, exist_ok=True)
    feed = paths.feeds / name
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return feed


@dataclass
class FakePages:
    """Maps a page body (its first line is the title) to the Extraction a test constructed for it."""

    extractions: dict[str, Extraction] = field(default_factory=dict)
    published: dict[str, str] = field(default_factory=dict)

    def add(self, body: str, extraction: Extraction, published: str | None = None) -> bytes:
        self.extractions[body] = extraction
        if published:
            self.published[body] = published
        return body.encode()

    def __call__(
        self, body: bytes, content_type: str | None, url: str, page_date_hint: str | None = None
    ) -> tuple[PageText, Extraction]:
        text = body.decode()
        if text not in self.extractions:
            raise ValueError("unreadable test page")
        published = self.published.get(text)
        page = PageText(title=text.splitlines()[0], text=text, published=PartialDate(published) if published else None)
        return page, self.extractions[text]
