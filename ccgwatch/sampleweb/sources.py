"""The sample web's sites as registry sources, with the server's base URL filled in."""

from __future__ import annotations

import csv
import urllib.parse
from pathlib import Path

from spiders.sources import Source, source_from_row

SAMPLE_REGISTRY = Path(__file__).with_name("sources.csv")


def sample_sources(base_url: str, path: Path = SAMPLE_REGISTRY) -> list[Source]:
    """Rows of sources.csv with `{base}` replaced by base_url and `{host}` by its host name."""
    base = base_url.rstrip("/")
    host = urllib.parse.urlsplit(base).hostname or ""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        source_from_row({name: (value or "").replace("{base}", base).replace("{host}", host)
                         for name, value in row.items()})
        for row in rows
    ]
