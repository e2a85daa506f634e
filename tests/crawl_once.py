"""Run one spider once in its own process and write its items as JSON lines (a Twisted reactor cannot restart).

Tests call `crawl(...)`; it starts `python tests/crawl_once.py SPEC` where SPEC names the spider class, its
source (as registry fields), spider arguments and settings. Bodies are replaced by their SHA-256 and size, as
the raw store pipeline does, so the feed stays JSON.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import scrapy

from spiders.failures import FailureKind, FailureRecordingMixin, now_iso, pdf_problem
from spiders.items import PageItem
from spiders.sources import Source

HERE = Path(__file__).resolve().parent

# Short timeouts and no politeness delays: the servers are local and tests must stay fast.
FAST_SETTINGS: dict[str, Any] = {
    "ROBOTSTXT_OBEY": True,
    "DOWNLOAD_TIMEOUT": 2,
    "RETRY_ENABLED": False,
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 8,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "HTTPCACHE_ENABLED": False,
    "SPIDER_MIDDLEWARES": {"spiders.failures.DefaultErrbackMiddleware": 50},
    "DOWNLOADER_MIDDLEWARES": {"spiders.failures.RedirectLoopMiddleware": 650},
    "ITEM_PIPELINES": {"crawl_once.BodyDigestPipeline": 100},
}


class BodyDigestPipeline:
    """Stands in for the raw store: keeps the body's hash and size, drops the bytes."""

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if "body" in item and item.get("body") is not None:
            body = item.pop("body")
            item["sha256"] = hashlib.sha256(body).hexdigest()
            item["size"] = len(body)
        return item


class FollowLinksSpider(FailureRecordingMixin, scrapy.Spider):
    """Follows every link under its start URLs and yields each page; sets no errbacks of its own, so the
    failures it records come through DefaultErrbackMiddleware, as for a spider that forgot them."""

    name = "follow_links"

    def __init__(self, source: Source, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.allowed_domains = list(source.allowed_domains)

    async def start(self) -> Any:
        for url in self.source.start_urls:
            yield scrapy.Request(url, self.parse)

    def parse(self, response: Any) -> Any:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        if "pdf" in content_type:
            problem = pdf_problem(response.body)
            if problem:
                yield self.fetch_error(response.url, FailureKind.BAD_PDF, problem, response.status, response.request)
                return
        yield PageItem(url=response.request.url, final_url=response.url, source_id=self.source.id,
                       source_kind=self.source.kind, fetched_at=now_iso(), status=response.status,
                       content_type=content_type, body=response.body)
        if "html" in content_type:
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href, self.parse)


def crawl(spider: str, feed: Path, source: Any = None, settings: dict[str, Any] | None = None,
          timeout: float = 60, **spider_args: Any) -> list[dict[str, Any]]:
    """Run `spider` ("module.Class") once; return its items, each with `item_type` page or fetch_error."""
    spec = {
        "spider": spider,
        "source": asdict(source) if source is not None else None,
        "args": spider_args,
        "settings": {**FAST_SETTINGS, **(settings or {})},
        "feed": str(feed),
    }
    completed = subprocess.run([sys.executable, str(HERE / "crawl_once.py"), json.dumps(spec)],
                               check=False, capture_output=True, text=True, timeout=timeout, cwd=HERE.parent)
    if completed.returncode != 0:
        raise RuntimeError(f"crawl failed ({completed.returncode}):\n{completed.stderr[-4000:]}")
    rows = [json.loads(line) for line in feed.read_text().splitlines() if line.strip()] if feed.exists() else []
    for row in rows:
        row["item_type"] = "fetch_error" if "reason" in row else "page"
    return rows


def _main(spec_json: str) -> None:
    import importlib

    from scrapy.crawler import CrawlerProcess

    spec = json.loads(spec_json)
    module_name, _, class_name = spec["spider"].rpartition(".")
    spider_class = getattr(importlib.import_module(module_name), class_name)
    args = dict(spec["args"])
    if spec["source"] is not None:
        fields = spec["source"]
        args["source"] = Source(**{key: tuple(value) if isinstance(value, list) else value
                                   for key, value in fields.items()})
    settings = dict(spec["settings"])
    settings["FEEDS"] = {spec["feed"]: {"format": "jsonlines", "encoding": "utf-8"}}
    process = CrawlerProcess(settings=settings)
    process.crawl(spider_class, **args)
    process.start()


if __name__ == "__main__":
    _main(sys.argv[1])
