"""Crawl throughput: the full ccgwatch pipeline against a bare Scrapy spider, over a generated local news site.

    .venv/bin/python bench/crawl.py [--pages 5000] [--concurrency 16]

Generates a news site of N pages (listing pages with pagination, articles of about 3 KB), serves it on
127.0.0.1 and crawls it three times, each in its own process (a Twisted reactor cannot restart):

1. bare  — a Scrapy spider that follows every link and does nothing with the pages, Scrapy's default settings;
2. full  — ccgwatch's news spider with the project settings (robots.txt, HTTP cache, failure recording,
   raw store pipeline, JSON-lines feed), politeness delays off so the machine, not the delay, is measured;
3. again — the same full crawl once more over a warm HTTP cache: every page revalidated, answered 304.

Prints pages/s for each, full/bare as the figure that matters, and each process's peak memory (max RSS).
Nothing is asserted: timings vary by machine (use --repeat 3 on a busy one). `--set NAME=JSON` tries a
setting on the full crawls, e.g. the DBM HTTP cache, which re-crawls faster than the filesystem one because
a revalidated page is rewritten as one record instead of six files.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PER_LISTING = 50
FILLER = (
    "the clinical commissioning group governing body met in public to consider proposals for closer working "
    "across the system with neighbouring organisations and partners including local councils trusts and "
    "primary care networks members were asked for views on the engagement exercise and the next steps"
)
WORDS = FILLER.split()
LAST_MODIFIED = email.utils.format_datetime(datetime(2022, 7, 1, tzinfo=UTC), usegmt=True)


def generate_site(pages: int) -> dict[str, bytes]:
    """Path → body for a site of `pages` pages: listings of PER_LISTING articles, chained by rel=next."""
    articles = pages * PER_LISTING // (PER_LISTING + 1)
    listings = pages - articles
    site: dict[str, bytes] = {"/robots.txt": b"User-agent: *\nDisallow: /private/\n"}
    start = date(2019, 1, 1)
    for number in range(articles):
        day = start + timedelta(days=number % 1200)
        text = " ".join(WORDS[(number + index) % len(WORDS)] for index in range(450))
        paragraphs = "".join(f"<p>{text[i:i + 600]}</p>" for i in range(0, len(text), 600))
        site[f"/news/article-{number}/"] = (
            f"<!DOCTYPE html><html><head><title>Article {number}</title>"
            f'<meta property="article:published_time" content="{day.isoformat()}"></head><body><main><article>'
            f'<h1>Governing body update {number}</h1><time class="published" datetime="{day.isoformat()}">'
            f'{day:%d %B %Y}</time><div class="entry-content">{paragraphs}</div></article></main></body></html>'
        ).encode()
    for page in range(listings):
        first = page * PER_LISTING
        items = "".join(
            f'<article><h2><a href="/news/article-{number}/">Governing body update {number}</a></h2>'
            f'<time datetime="{(start + timedelta(days=number % 1200)).isoformat()}"></time></article>'
            for number in range(first, min(first + PER_LISTING, articles))
        )
        next_link = f'<a rel="next" href="/news/page/{page + 2}/">Next</a>' if page + 1 < listings else ""
        path = "/news/" if page == 0 else f"/news/page/{page + 1}/"
        site[path] = (f"<!DOCTYPE html><html><head><title>News page {page + 1}</title></head><body><main>"
                      f'{items}<nav class="pagination">{next_link}</nav></main></body></html>').encode()
    return site


def serve(site: dict[str, bytes]) -> ThreadingHTTPServer:
    etags = {path: '"' + hashlib.sha256(body).hexdigest()[:24] + '"' for path, body in site.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # the stdlib's naming
            body = site.get(self.path.split("?", 1)[0])
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = etags[self.path.split("?", 1)[0]]
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            kind = "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", LAST_MODIFIED)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# --- the crawling child process ---------------------------------------------------------------------


def child(mode: str, base_url: str, work: str, concurrency: int, overrides: dict[str, object]) -> None:
    import resource

    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    class BareSpider(scrapy.Spider):
        """Follows every link; keeps nothing."""

        name = "bare"

        async def start(self):  # the minimal Scrapy spider: no annotations, no items
            yield scrapy.Request(base_url + "/news/", self.parse)

        def parse(self, response):
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href, self.parse)

    fast = {
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "LOG_LEVEL": "ERROR",
        "TELNETCONSOLE_ENABLED": False,
    }
    if mode == "bare":
        process = CrawlerProcess(settings=fast)
        crawler = process.create_crawler(BareSpider)
        process.crawl(crawler)
    else:
        from spiders.news import NewsSpider
        from spiders.sources import Source

        os.environ["SCRAPY_SETTINGS_MODULE"] = "spiders.settings"
        settings = get_project_settings()
        settings.setdict({
            **fast,
            "DEPTH_LIMIT": 0,  # the bench's pagination chain is deeper than a real site's
            "CLOSESPIDER_PAGECOUNT": 0,
            "HTTPCACHE_DIR": os.path.join(work, "httpcache"),
            "RAW_STORE": os.path.join(work, "raw"),
            "FEEDS": {os.path.join(work, f"feed-{mode}.jsonl"): {"format": "jsonlines"}},
            **overrides,
        }, priority="cmdline")
        source = Source(id="bench-news", kind="news", name="Generated news site", base_url=base_url + "/",
                        allowed_domains=("127.0.0.1",), start_urls=(base_url + "/news/",), org_codes=())
        process = CrawlerProcess(settings=settings)
        crawler = process.create_crawler(NewsSpider)
        process.crawl(crawler, source=source)
    started = time.perf_counter()
    process.start()
    seconds = time.perf_counter() - started
    stats = crawler.stats.get_stats()
    print(json.dumps({
        "mode": mode,
        "seconds": seconds,
        "responses": stats.get("response_received_count", 0),
        "items": stats.get("item_scraped_count", 0),
        "not_modified": stats.get("httpcache/revalidate", 0),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def run_child(mode: str, base_url: str, work: str, concurrency: int, overrides: dict[str, object]) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", mode, base_url, work, str(concurrency), json.dumps(overrides)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the fastest of each crawl is shown")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON",
                        help="a Scrapy setting for the full-pipeline crawls, e.g. "
                             "HTTPCACHE_STORAGE='\"scrapy.extensions.httpcache.DbmCacheStorage\"'")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, base_url, work, concurrency, overrides = args.child
        child(mode, base_url, work, int(concurrency), json.loads(overrides))
        return
    overrides = {name: json.loads(value) for name, _, value in (item.partition("=") for item in args.set)}
    site = generate_site(args.pages)
    pages = len(site) - 1  # robots.txt is not a page
    size_mb = sum(len(body) for body in site.values()) / 1e6
    server = serve(site)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"generated site: {pages} pages, {size_mb:.1f} MB, served at {base_url}; concurrency {args.concurrency}"
          + (f"; settings {overrides}" if overrides else ""))
    best: dict[str, dict] = {}
    for _ in range(args.repeat):  # on a shared machine the best of a few rounds is the fairest figure
        with tempfile.TemporaryDirectory(prefix="ccgwatch-bench-") as work:
            for mode in ("bare", "full", "again"):
                result = run_child(mode, base_url, work, args.concurrency, overrides)
                if mode not in best or result["seconds"] < best[mode]["seconds"]:
                    best[mode] = result
    results = [best["bare"], best["full"], best["again"]]
    server.shutdown()
    print(f"{'crawl':<28}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'items':>7}{'304s':>6}{'peak MB':>9}")
    labels = {"bare": "bare Scrapy spider", "full": "full pipeline (cold cache)", "again": "full pipeline (re-crawl)"}
    for result in results:
        rate = result["responses"] / result["seconds"] if result["seconds"] else 0.0
        result["rate"] = rate
        print(f"{labels[result['mode']]:<28}{result['responses']:>7}{result['seconds']:>9.2f}{rate:>9.0f}"
              f"{result['items']:>7}{result['not_modified']:>6}{result['max_rss_mb']:>9.0f}")
    bare, full, again = results
    print(f"ratio full/bare pages/s: {full['rate'] / bare['rate']:.2f}   re-crawl/bare: {again['rate'] / bare['rate']:.2f}")
    print("BENCH " + json.dumps({"name": "crawl", "bare_pages_per_s": round(bare["rate"], 1),  # for bench/run_all.py
                                 "full_pages_per_s": round(full["rate"], 1), "recrawl_pages_per_s": round(again["rate"], 1),
                                 "peak_mb": round(max(r["max_rss_mb"] for r in results), 1)}))


if __name__ == "__main__":
    main()
