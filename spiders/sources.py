"""The sources registry: which sites ccgwatch crawls, read from a CSV file kept in the repository."""

from __future__ import annotations

import csv
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from parsers.vocab import SourceKind

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
        id=(row.get("id") or "").strip(),
        kind=(row.get("kind") or "").strip(),
        name=(row.get("name") or "").strip(),
        base_url=(row.get("base_url") or "").strip(),
        allowed_domains=_split(row.get("allowed_domains", "")),
        start_urls=_split(row.get("start_urls", "")),
        org_codes=_split(row.get("org_codes", "")),
        enabled=(row.get("enabled") or "true").strip().lower() in {"true", "1", "yes", "y"},
        notes=(row.get("notes") or "").strip(),
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


# --- validation -------------------------------------------------------------------------------------

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$")
_ENABLED_WORDS = {"true", "false", "1", "0", "yes", "no", "y", "n", ""}


def _url_problem(url: str) -> str | None:
    """Why an absolute http(s) URL is malformed, or None when it is fine."""
    if not url or url != url.strip() or any(ch.isspace() for ch in url):
        return "is empty or contains spaces"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        return "is not an http(s) URL"
    try:
        host = parts.hostname
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError:
        return "has a bad port"
    if not host or not (_HOST.match(host) or host == "localhost" or _is_ip(host)):
        return "has no valid host"
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def host_allowed(host: str, allowed_domains: tuple[str, ...]) -> bool:
    """Scrapy's OffsiteMiddleware rule: the host is an allowed domain or a subdomain of one."""
    host = host.lower()
    return any(host == domain or host.endswith("." + domain) for domain in allowed_domains)


def archived_prefix_host(prefix: str) -> str:
    """The host of an archive source's start entry, which may be written with or without a scheme."""
    return urlsplit(prefix if "://" in prefix else "http://" + prefix).hostname or ""


def check_sources(sources: list[Source]) -> list[str]:
    """Problems with the registry, one readable line each (`ID: what is wrong`); empty when it is sound."""
    problems: list[str] = []
    kinds = {kind.value for kind in SourceKind}
    seen: set[str] = set()
    for source in sources:
        label = source.id or "(blank id)"

        def problem(message: str, label: str = label) -> None:
            problems.append(f"{label}: {message}")

        if not _ID.match(source.id):
            problem("id must be lower-case letters, digits and single hyphens")
        if source.id in seen:
            problem("duplicate id")
        seen.add(source.id)
        if source.kind not in kinds:
            problem(f"unknown kind {source.kind!r} (expected one of {', '.join(sorted(kinds))})")
        if not source.name:
            problem("has no name")
        url_problem = _url_problem(source.base_url)
        if url_problem:
            problem(f"base URL {source.base_url!r} {url_problem}")
        if not source.allowed_domains:
            problem("lists no allowed domain")
        for domain in source.allowed_domains:
            if not _HOST.match(domain) and not _is_ip(domain) and domain != "localhost":
                problem(f"allowed domain {domain!r} is not a bare host name")
        base_host = urlsplit(source.base_url).hostname if not url_problem else None
        if base_host and source.allowed_domains and not host_allowed(base_host, source.allowed_domains):
            problem(f"base URL host {base_host} is not within allowed domains {';'.join(source.allowed_domains)}")
        if source.kind in {SourceKind.NEWS, SourceKind.ARCHIVE, SourceKind.ODS} and not source.start_urls:
            problem(f"a {source.kind} source needs start URLs")
        for start in source.start_urls:
            if source.kind == SourceKind.ARCHIVE:
                # An archived site is named by its URL prefix; the archive host serves it, so no domain check.
                if not _HOST.match(archived_prefix_host(start)):
                    problem(f"archived prefix {start!r} has no valid host")
                continue
            start_problem = _url_problem(start)
            if start_problem:
                problem(f"start URL {start!r} {start_problem}")
            elif not host_allowed(urlsplit(start).hostname or "", source.allowed_domains):
                problem(f"start URL {start!r} is outside the allowed domains")
        if source.kind == SourceKind.MODERNGOV and len(source.org_codes) != 1:
            problem("a moderngov source belongs to exactly one council code")
    return problems


def check_registry(path: Path = REGISTRY) -> list[str]:
    """Problems with a registry file: its columns and cells first, then `check_sources` on its rows."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return [f"{path}: cannot be read ({error})"]
    missing = [name for name in ("id", "kind", "base_url") if name not in header]
    unknown = [name for name in header if name not in FIELDS]
    problems = []
    if missing:
        return [f"{path}: missing column(s) {', '.join(missing)}"]
    if unknown:
        problems.append(f"{path}: unknown column(s) {', '.join(unknown)}")
    for number, row in enumerate(rows, start=2):
        if None in row:  # csv puts surplus cells under the key None
            problems.append(f"{path}:{number}: more cells than columns")
        enabled = (row.get("enabled") or "").strip().lower()
        if enabled not in _ENABLED_WORDS:
            problems.append(f"{path}:{number}: enabled must be true or false, not {row.get('enabled')!r}")
    return problems + check_sources([source_from_row(_cells(row)) for row in rows])


def _cells(row: dict[str | None, object]) -> dict[str, str]:
    """A row with missing cells as empty strings, so a short line is reported rather than crashing."""
    return {key: (value if isinstance(value, str) else "") for key, value in row.items() if key is not None}
