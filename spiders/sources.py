"""The sources registry: which sites ccgwatch crawls, read from a CSV file kept in the repository."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

REGISTRY = Path(__file__).with_name("sources.csv")
FIELDS = ["id", "kind", "name", "base_url", "allowed_domains", "start_urls", "org_codes", "enabled", "notes"]


@dataclass(frozen=True)
class Source:
    id: str
    kind: str  # a parsers.vocab.SourceKind value
    name: str
    base_url: str
    allowed_domains: tuple[str, ...]
    start_urls: tuple[str, ...]  # feeds, listing pages or archived domains, by kind
    org_codes: tuple[str, ...]  # council code or ODS codes of the organisation it belongs to
    enabled: bool = True
    notes: str = ""


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split(";") if part.strip())


def source_from_row(row: dict[str, str]) -> Source:
    return Source(
        id=row["id"].strip(),
        kind=row["kind"].strip(),
        name=row.get("name", "").strip(),
        base_url=row["base_url"].strip(),
        allowed_domains=_split(row.get("allowed_domains", "")),
        start_urls=_split(row.get("start_urls", "")),
        org_codes=_split(row.get("org_codes", "")),
        enabled=row.get("enabled", "true").strip().lower() in {"true", "1", "yes", "y"},
        notes=row.get("notes", "").strip(),
    )


def read_sources(path: Path = REGISTRY) -> list[Source]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [source_from_row(row) for row in csv.DictReader(handle)]


def write_sources(sources: list[Source], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for source in sources:
            writer.writerow(
                {
                    "id": source.id,
                    "kind": source.kind,
                    "name": source.name,
                    "base_url": source.base_url,
                    "allowed_domains": ";".join(source.allowed_domains),
                    "start_urls": ";".join(source.start_urls),
                    "org_codes": ";".join(source.org_codes),
                    "enabled": "true" if source.enabled else "false",
                    "notes": source.notes,
                }
            )
