"""Sample-web plug-in imitating a web archive: a CDX index of captures and each capture's original bytes.

Two dialects over the same captures (listed in `captures.json`, bytes in `capture-*.html`):

* Internet Archive style under `/archive/`: `/archive/cdx/search/cdx?url=…&output=json` (a JSON array whose
  first row names the fields; `from`, `to`, `filter`, `collapse=digest`, `limit`, `showResumeKey` and
  `resumeKey` honoured) and `/archive/web/TIMESTAMPid_/ORIGINAL-URL`.
* UK Government Web Archive (pywb) style under `/archive/ukgwa/`: `/archive/ukgwa/cdx?url=…&output=json`
  (one JSON object per line) and `/archive/ukgwa/TIMESTAMPid_/ORIGINAL-URL`.

The sample web keeps one value per query key, so of repeated `filter=` parameters only the last is applied
here; the archive spider re-checks status and type itself, as it must with any archive.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ccgwatch.sampleweb.messages import Request, Response, not_found

HERE = Path(__file__).parent
PREFIXES = ("/archive/",)
IA_FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
CAPTURE_PATH = re.compile(r"^/archive/(?:web/|ukgwa/)(\d{4,14})id_/(.+)$")


@dataclass(frozen=True)
class Capture:
    urlkey: str
    timestamp: str
    original: str
    mimetype: str
    statuscode: str
    digest: str
    length: str
    body: bytes | None  # None: the archive lists the capture but cannot serve its bytes


def surt(url: str) -> str:
    """The sort key archives index a URL under: host reversed without `www`, then the path and query."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    key = ",".join(reversed(host.split("."))) + ")" + (parts.path or "/").lower()
    return key + ("?" + parts.query.lower() if parts.query else "")


def load_captures(path: Path = HERE / "captures.json") -> list[Capture]:
    captures = []
    for entry in json.loads(path.read_text(encoding="utf-8"))["captures"]:
        body = (HERE / entry["file"]).read_bytes() if entry.get("file") else None
        digest = entry.get("digest") or base64.b32encode(hashlib.sha1(body or b"").digest()).decode()
        captures.append(
            Capture(
                urlkey=surt(entry["original"]),
                timestamp=entry["timestamp"],
                original=entry["original"],
                mimetype=entry["mimetype"],
                statuscode=entry["statuscode"],
                digest=digest,
                length=str(len(body)) if body is not None else "0",
                body=body,
            )
        )
    return sorted(captures, key=lambda capture: (capture.urlkey, capture.timestamp))


CAPTURES = load_captures()


def handle(request: Request) -> Response | None:
    if request.path in {"/archive/cdx/search/cdx", "/archive/ukgwa/cdx"}:
        return cdx(request, pywb=request.path.startswith("/archive/ukgwa/"))
    match = CAPTURE_PATH.match(request.path)
    if match:
        return capture_bytes(match.group(1), match.group(2), request)
    return None


def matches_url(capture: Capture, pattern: str) -> bool:
    """`host/path/*` (or matchType=prefix) is a prefix match; anything else an exact match, as in CDX."""
    if pattern.endswith("*"):
        return capture.urlkey.startswith(surt("http://" + pattern.rstrip("*").removeprefix("http://")))
    return capture.urlkey == surt(pattern if "://" in pattern else "http://" + pattern)


def passes_filter(capture: Capture, spec: str, pywb: bool) -> bool:
    """`field:regex`, `!` negating; pywb names the fields `status` and `mime`."""
    negate = spec.startswith("!")
    field, _, pattern = spec.lstrip("!").partition(":")
    field = {"status": "statuscode", "mime": "mimetype"}.get(field, field) if pywb else field
    value = getattr(capture, field, "")
    return bool(re.fullmatch(pattern, value)) != negate


def cdx(request: Request, pywb: bool) -> Response:
    pattern = request.arg("url")
    if not pattern:
        return Response(status=400, body=b"url parameter required", content_type="text/plain", cacheable=False)
    if request.arg("matchtype") == "prefix" and not pattern.endswith("*"):
        pattern += "*"
    since, until = request.arg("from"), request.arg("to")
    rows = [
        capture for capture in CAPTURES
        if matches_url(capture, pattern)
        and (not since or capture.timestamp[: len(since)] >= since)
        and (not until or capture.timestamp[: len(until)] <= until)
        and (not request.arg("filter") or passes_filter(capture, request.arg("filter"), pywb))
    ]
    if request.arg("collapse") == "digest":  # adjacent duplicates only, like the Internet Archive
        rows = [row for index, row in enumerate(rows) if index == 0 or rows[index - 1].digest != row.digest]
    resume = request.arg("resumekey")
    if resume:
        rows = [row for row in rows if f"{row.urlkey} {row.timestamp}" >= resume]
    limit = int(request.arg("limit") or 0)
    more = rows[limit] if limit and len(rows) > limit else None
    rows = rows[:limit] if limit else rows
    if pywb:
        lines = [json.dumps({"urlkey": row.urlkey, "timestamp": row.timestamp, "url": row.original,
                             "mime": row.mimetype, "status": row.statuscode, "digest": row.digest,
                             "length": row.length}) for row in rows]
        return Response(body="\n".join(lines).encode() + b"\n", content_type="text/x-ndjson", cacheable=False)
    table: list[list[str]] = [IA_FIELDS] + [[getattr(row, field) for field in IA_FIELDS] for row in rows]
    if more is not None and request.arg("showresumekey") == "true":
        table += [[], [f"{more.urlkey} {more.timestamp}"]]
    if request.arg("output") != "json":
        return Response(body="\n".join(" ".join(row) for row in table[1:]).encode(), content_type="text/plain",
                        cacheable=False)
    return Response(body=json.dumps(table).encode(), content_type="application/json", cacheable=False)


def capture_bytes(timestamp: str, original: str, request: Request) -> Response:
    """The exact capture asked for (the archive would redirect to the nearest; the spider asks exactly)."""
    if request.query:  # the original URL's own query string arrives as the request's query
        original += "?" + "&".join(f"{name}={value}" for name, value in request.query.items())
    key = surt(original)
    for capture in CAPTURES:
        if capture.timestamp == timestamp and capture.urlkey == key and capture.body is not None:
            return Response(
                status=int(capture.statuscode),
                body=capture.body,
                content_type=capture.mimetype + ("; charset=utf-8" if capture.mimetype.startswith("text/") else ""),
                headers={"Memento-Datetime": timestamp},
            )
    return not_found(request.path)
