"""Scrapy settings for ccgwatch: polite by default, cached and revalidated so a weekly re-crawl fetches little.

The crawl runner (`ccgwatch/crawling.py`) overrides the per-run paths (feeds, JOBDIR, HTTPCACHE_DIR, raw store)
and the per-source limits; `scrapy crawl NAME` from the repository root uses these defaults under ./data.
"""

import os

BOT_NAME = "ccgwatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Who is crawling: an honest User-Agent with a contact URL. Whoever runs a crawl sets their own contact
# (CCGWATCH_CONTACT, or the whole string with CCGWATCH_USER_AGENT; `ccgwatch.toml` [crawl] sets both).
CCGWATCH_CONTACT = os.environ.get("CCGWATCH_CONTACT", "https://example.org/ccgwatch")
USER_AGENT = os.environ.get("CCGWATCH_USER_AGENT") or f"ccgwatch/0.1 (NHS merger research; +{CCGWATCH_CONTACT})"

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10
DOWNLOAD_MAXSIZE = 40 * 1024 * 1024  # council report packs can be large; bigger than this is a fetch error
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024

# Per-source limits (the runner sets CLOSESPIDER_PAGECOUNT from --max-pages).
DEPTH_LIMIT = 8
CLOSESPIDER_PAGECOUNT = 5000

# Conditional requests. RFC2616Policy revalidates stored pages with If-None-Match / If-Modified-Since and
# serves the stored body on 304. ALWAYS_STORE keeps pages that carry no freshness headers, and
# CCGWATCH_MAX_AGE caps how long a stored page counts as fresh without asking: 0 means every crawl
# revalidates (what a weekly crawl wants); without it a page with only Last-Modified would be trusted for a
# tenth of its age, i.e. years for old council pages.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
HTTPCACHE_ALWAYS_STORE = True
HTTPCACHE_EXPIRATION_SECS = 0  # storage never expires entries; freshness is decided by the policy
HTTPCACHE_DIR = os.path.abspath(os.path.join(os.environ.get("CCGWATCH_HOME", "data"), "httpcache"))
HTTPCACHE_GZIP = True
CCGWATCH_MAX_AGE = int(os.environ.get("CCGWATCH_MAX_AGE", "0"))

DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.FreshnessMiddleware": 850,  # before HttpCacheMiddleware (900) sees the request
    # A loop A -> B -> A would otherwise vanish in the duplicate filter; this records it as a fetch error.
    "spiders.failures.RedirectLoopMiddleware": 650,
}
SPIDER_MIDDLEWARES = {
    "spiders.failures.DefaultErrbackMiddleware": 50,
}

# Raw pages: stored gzip-compressed and content-addressed; feed rows carry the location, not the body.
RAW_STORE = os.path.abspath(os.path.join(os.environ.get("CCGWATCH_HOME", "data"), "raw"))
ITEM_PIPELINES = {
    "spiders.pipelines.RawStorePipeline": 300,
}
FEED_EXPORT_ENCODING = "utf-8"
FEEDS = {
    os.path.abspath(os.path.join(os.environ.get("CCGWATCH_HOME", "data"), "feeds", "manual-%(name)s-%(time)s.jsonl")): {
        "format": "jsonlines",
    },
}

LOG_LEVEL = "INFO"
