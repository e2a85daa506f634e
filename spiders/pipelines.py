"""Item pipeline: keep every fetched body gzip-compressed and content-addressed, and type every feed row."""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from spiders.items import FetchErrorItem, PageItem


def raw_relative_path(sha256: str) -> str:
    """Where a body with this hash lives, relative to the raw store root: `<sha[:2]>/<sha>.gz`."""
    return f"{sha256[:2]}/{sha256}.gz"


def store_body(root: Path, body: bytes) -> tuple[str, str]:
    """Write a body once (identical bodies share one file); returns (sha256, path relative to root)."""
    sha256 = hashlib.sha256(body).hexdigest()
    relative = raw_relative_path(sha256)
    target = root / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves a truncated file under the final name.
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
                zipped.write(body)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return sha256, relative


def read_body(root: Path, relative: str) -> bytes:
    with gzip.open(root / relative, "rb") as handle:
        return handle.read()


class RawStorePipeline:
    """Stores PageItem bodies under RAW_STORE and drops them from the item; marks each row's item_type."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_crawler(cls, crawler: Any) -> RawStorePipeline:
        return cls(Path(crawler.settings.get("RAW_STORE", "data/raw")))

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if isinstance(item, FetchErrorItem):
            item["item_type"] = "fetch_error"
            return item
        if isinstance(item, PageItem):
            body = item.pop("body", None) or b""
            if isinstance(body, str):
                body = body.encode("utf-8")
            item["sha256"], item["raw_path"] = store_body(self.root, body)
            item["size"] = len(body)
            item["item_type"] = "page"
        return item
