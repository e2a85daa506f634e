"""The request and response shapes the sample web's plug-ins receive and return."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # URL path without the query string, e.g. "/coventry/mgAi.aspx"
    query: dict[str, str]  # keys lower-cased: ModernGov and friends ignore the case of parameter names
    headers: dict[str, str]  # header names lower-cased
    base_url: str  # "http://127.0.0.1:PORT", for building absolute links

    def arg(self, name: str, default: str = "") -> str:
        return self.query.get(name.lower(), default)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None  # None: the site-wide date
    cacheable: bool = True  # False: no ETag/Last-Modified, never answered with 304


def html(text: str, status: int = 200, last_modified: datetime | None = None) -> Response:
    return Response(status=status, body=text.encode("utf-8"), last_modified=last_modified)


def not_found(path: str) -> Response:
    return html(f"<html><head><title>Not found</title></head><body><h1>Not found</h1><p>{path}</p></body></html>", 404)
