"""A threaded HTTP server for the sample web: plug-ins, static files, robots.txt, ETags and 304s."""

from __future__ import annotations

import email.utils
import hashlib
import importlib
import pkgutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Self

from ccgwatch.sampleweb.messages import Request, Response, not_found

SITE = Path(__file__).with_name("site")
# One date for every page that does not state its own, so validators stay stable between runs and clones.
SITE_LAST_MODIFIED = datetime(2022, 7, 1, 9, 0, tzinfo=UTC)
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "text/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
}
QUERY_SAFE = "=&-_."


@dataclass(frozen=True)
class Plugin:
    name: str
    prefixes: tuple[str, ...]
    robots_disallow: tuple[str, ...]
    handle: Callable[[Request], Response | None]


def discover_plugins() -> list[Plugin]:
    """Every sub-package of ccgwatch.sampleweb that declares PREFIXES and handle() answers under them."""
    package = importlib.import_module("ccgwatch.sampleweb")
    plugins = []
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg:
            continue
        module: ModuleType = importlib.import_module(f"ccgwatch.sampleweb.{info.name}")
        if hasattr(module, "PREFIXES") and hasattr(module, "handle"):
            plugins.append(
                Plugin(
                    name=info.name,
                    prefixes=tuple(module.PREFIXES),
                    robots_disallow=tuple(getattr(module, "ROBOTS_DISALLOW", ())),
                    handle=module.handle,
                )
            )
    return plugins


def static_key(path: str, query: dict[str, str]) -> str:
    """The file name (without extension) a path and query string are stored under in site/."""
    key = path.lstrip("/")
    if key == "" or key.endswith("/"):
        key += "index"
    if query:
        pairs = "&".join(f"{name}={query[name]}" for name in sorted(query))
        key += "~" + urllib.parse.quote(pairs, safe=QUERY_SAFE)
    return key


def find_static(path: str, query: dict[str, str], site: Path = SITE) -> Path | None:
    key = static_key(path, query)
    if ".." in Path(key).parts:
        return None
    exact = site / key
    if exact.is_file():
        return exact
    for suffix in CONTENT_TYPES:
        candidate = site / (key + suffix)
        if candidate.is_file():
            return candidate
    return None


def content_type_for(file: Path) -> str:
    return CONTENT_TYPES.get(file.suffix.lower(), "text/html; charset=utf-8")


def robots_txt(plugins: list[Plugin], site: Path = SITE) -> bytes:
    lines = ["User-agent: *"]
    base = site / "robots.txt"
    if base.is_file():
        lines = [line for line in base.read_text().splitlines() if line.strip()]
    for plugin in plugins:
        lines += [f"Disallow: {path}" for path in plugin.robots_disallow]
    for part in sorted(site.glob("*/robots.txt")):
        lines += [line for line in part.read_text().splitlines() if line.lower().startswith("disallow:")]
    return ("\n".join(lines) + "\n").encode()


def http_date(moment: datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)


def not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """RFC 9110: If-None-Match wins when present; otherwise If-Modified-Since against Last-Modified."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return last_modified.replace(microsecond=0) <= since
    return False


class SampleWebServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], delay: float = 0.0) -> None:
        super().__init__(address, SampleWebHandler)
        self.delay = delay  # seconds added to every answer but robots.txt: a slow site, for interruption tests
        self.plugins = discover_plugins()
        self.requests: list[tuple[str, str, int]] = []
        self.user_agents: list[str] = []  # parallel to requests: who asked
        self.overrides: dict[str, Response] = {}
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, request: Request, raw_path: str) -> Response:
        if raw_path in self.overrides:
            return self.overrides[raw_path]
        if request.path == "/robots.txt":
            return Response(body=robots_txt(self.plugins), content_type="text/plain; charset=utf-8")
        for plugin in self.plugins:
            if any(request.path.startswith(prefix) for prefix in plugin.prefixes):
                response = plugin.handle(request)
                if response is not None:
                    return response
        if not request.path.endswith("/") and (SITE / request.path.lstrip("/")).is_dir():
            return Response(status=301, headers={"Location": request.path + "/"}, cacheable=False)
        file = find_static(request.path, request.query)
        if file is None:
            return not_found(request.path)
        body = file.read_bytes()
        if file.suffix.lower() != ".pdf":  # feeds need absolute links: "{base}" stands for this server
            body = body.replace(b"{base}", self.base_url.encode())
        return Response(body=body, content_type=content_type_for(file))


class SampleWebHandler(BaseHTTPRequestHandler):
    server: SampleWebServer
    protocol_version = "HTTP/1.1"
    server_version = "ccgwatch-sampleweb/1"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        parts = urllib.parse.urlsplit(self.path)
        query = {name.lower(): value for name, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)}
        request = Request(
            method=self.command,
            path=urllib.parse.unquote(parts.path),
            query=query,
            headers={name.lower(): value for name, value in self.headers.items()},
            base_url=self.server.base_url,
        )
        if self.server.delay and request.path != "/robots.txt":
            time.sleep(self.server.delay)  # deliberately slow answers, not a wait for anything
        try:
            response = self.server.answer(request, self.path)
        except Exception as error:  # noqa: BLE001 - a plug-in bug shows as a 500, not a dead server
            response = Response(status=500, body=f"sample web error: {error!r}".encode(), content_type="text/plain")
        status, headers, body = response.status, dict(response.headers), response.body
        if response.cacheable and status == 200:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            last_modified = response.last_modified or SITE_LAST_MODIFIED
            headers.setdefault("ETag", etag)
            headers.setdefault("Last-Modified", http_date(last_modified))
            if not_modified(request, etag, last_modified):
                status, body = 304, b""
        with self.server.lock:
            self.server.requests.append((self.command, self.path, status))
            self.server.user_agents.append(request.headers.get("user-agent", ""))
        self.send_response(status)
        if status != 304:
            headers.setdefault("Content-Type", response.content_type)
        headers["Content-Length"] = str(len(body))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests and the demo read the log list
        return


class SampleWeb:
    """A running sample web; use as a context manager, or call start()/stop()."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", delay: float = 0.0) -> None:
        self.httpd = SampleWebServer((host, port), delay)
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="sampleweb", daemon=True)

    @property
    def base_url(self) -> str:
        return self.httpd.base_url

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        with self.httpd.lock:
            return list(self.httpd.requests)

    @property
    def user_agents(self) -> list[str]:
        with self.httpd.lock:
            return list(self.httpd.user_agents)

    def url(self, path: str) -> str:
        return self.base_url + path

    def set_page(self, path_with_query: str, body: bytes, content_type: str = "text/html; charset=utf-8",
                 last_modified: datetime | None = None) -> None:
        """Replace what one URL serves (e.g. to make a page change between two crawls)."""
        self.httpd.overrides[path_with_query] = Response(
            body=body, content_type=content_type, last_modified=last_modified or datetime.now(UTC)
        )

    def start(self) -> SampleWeb:
        self.thread.start()
        wait_until_ready(self.url("/robots.txt"))
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def wait_until_ready(url: str, timeout: float = 10.0) -> None:
    """Poll a URL until the server answers (any HTTP status counts as an answer)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"sample web did not answer at {url}") from None
            time.sleep(0.02)  # polling interval, not a wait for readiness


def serve(port: int = 0, delay: float = 0.0) -> SampleWeb:
    """A sample web on 127.0.0.1 (free port by default), not yet started: `with serve() as web: ...`."""
    return SampleWeb(port=port, delay=delay)
