"""A shared crawl frontier in Redis for several crawl workers: scrapy-redis's scheduler, made loss-free.

scrapy-redis gives every worker the same request queue and duplicate filter, so N processes on one or many
machines crawl one frontier without fetching a page twice. Its queue pops a request with no acknowledgement,
though, so a worker killed mid-crawl takes its in-flight requests with it (and they are already marked seen).
This module adds the acknowledgement:

* popping a request moves it, atomically, from the queue into the worker's processing hash
  (`<frontier>:processing:<worker>`), under a token the request carries in its meta;
* the entry is removed (acked) only once Scrapy has finished with the response or failure: callback or
  errback run, its items through the pipelines and written to the feed (the feed is flushed first), its
  follow-up requests pushed. A redirect or retry hands its entry over to the new request instead;
* each worker keeps a heartbeat key with a TTL; whenever a worker starts or runs out of work it puts the
  processing entries of workers whose heartbeat has expired back in the queue, bypassing the duplicate
  filter (their fingerprints are already in it);
* a worker that runs out of work stays open while another live worker still has requests in flight,
  because those may yield more requests; it closes when the queue and every processing hash are empty.

Keys, per run and source: `ccgwatch:<run>:<source>:requests` (sorted set, score = -priority),
`:seen` (fingerprints), `:starts` (start requests already seeded), `:workers`, `:alive:<worker>`,
`:processing:<worker>` (hash token -> "score|request"). They are kept after the crawl so a worker started
again with the same run id resumes rather than starts over.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import secrets
import socket
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

logger = logging.getLogger(__name__)

TOKEN = "frontier_token"  # request meta key naming the processing entry a popped request came from
DEFAULT_WORKER_TTL = 60.0  # seconds without a heartbeat after which a worker counts as dead
IDLE_POLL = 1.0  # seconds between looks at the shared queue while other workers are still busy

# Pop the best request (lowest score = highest priority) into this worker's processing hash, atomically.
POP = """
local popped = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #popped == 0 then return false end
redis.call('ZREM', KEYS[1], popped[1])
redis.call('HSET', KEYS[2], ARGV[1], popped[2] .. '|' .. popped[1])
return popped[1]
"""

# Put a worker's processing entries back in the queue (all of them, or only if its heartbeat has expired).
REQUEUE = """
if ARGV[1] == 'if-dead' and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local entries = redis.call('HVALS', KEYS[2])
for _, entry in ipairs(entries) do
  local bar = string.find(entry, '|', 1, true)
  redis.call('ZADD', KEYS[1], tonumber(string.sub(entry, 1, bar - 1)), string.sub(entry, bar + 1))
end
redis.call('DEL', KEYS[2])
return #entries
"""


def new_worker_id() -> str:
    """Unique per worker process, readable in logs and feed names: host, pid and a random suffix."""
    host = "".join(char if char.isalnum() else "-" for char in socket.gethostname())[:40] or "host"
    return f"{host}-{os.getpid()}-{secrets.token_hex(2)}"


def frontier_key(run_id: str, source_id: str) -> str:
    return f"ccgwatch:{run_id}:{source_id}"


def frontier_settings(redis_url: str, run_id: str, source_id: str, worker_id: str,
                      worker_ttl: float | None = None) -> dict[str, Any]:
    """Scrapy settings that put one source's crawl on the shared frontier of a run, as this worker."""
    ttl = worker_ttl or float(os.environ.get("CCGWATCH_WORKER_TTL") or DEFAULT_WORKER_TTL)
    return {
        "SCHEDULER": "spiders.redis_frontier.AckingScheduler",
        "REDIS_URL": redis_url,
        "CCGWATCH_FRONTIER": frontier_key(run_id, source_id),
        "CCGWATCH_WORKER_ID": worker_id,
        "CCGWATCH_WORKER_TTL": ttl,
    }


class AckingQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop parks the request in a per-worker processing hash until acked."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None, *, frontier: str = "",
                 worker_id: str = "") -> None:
        super().__init__(server, spider, key, serializer)
        self.frontier = frontier or key.rsplit(":", 1)[0]
        self.worker_id = worker_id or new_worker_id()
        self.processing_key = self.processing_key_of(self.worker_id)
        self._pop = server.register_script(POP)
        self._requeue = server.register_script(REQUEUE)

    def processing_key_of(self, worker_id: str) -> str:
        return f"{self.frontier}:processing:{worker_id}"

    def alive_key_of(self, worker_id: str) -> str:
        return f"{self.frontier}:alive:{worker_id}"

    @property
    def workers_key(self) -> str:
        return f"{self.frontier}:workers"

    def pop(self, timeout: int = 0) -> Request | None:
        token = secrets.token_hex(8)
        data = self._pop(keys=[self.key, self.processing_key], args=[token])
        if not data:
            return None
        request = self._decode_request(data)
        request.meta[TOKEN] = token
        return request

    def ack(self, token: str) -> None:
        self.server.hdel(self.processing_key, token)

    def in_flight(self, worker_id: str | None = None) -> int:
        return int(self.server.hlen(self.processing_key_of(worker_id or self.worker_id)))

    def requeue_own(self) -> int:
        """Give back everything this worker popped and did not finish (a clean stop mid-crawl)."""
        return int(self._requeue(keys=[self.key, self.processing_key, self.alive_key_of(self.worker_id)],
                                 args=["always"]))

    def recover_dead_workers(self) -> int:
        """Re-queue the processing entries of workers whose heartbeat has expired; returns how many."""
        recovered = 0
        for member in self.server.smembers(self.workers_key):
            worker_id = member.decode() if isinstance(member, bytes) else str(member)
            if worker_id == self.worker_id:
                continue
            moved = int(self._requeue(
                keys=[self.key, self.processing_key_of(worker_id), self.alive_key_of(worker_id)], args=["if-dead"]))
            if moved >= 0:  # dead: its entries are back in the queue; forget the worker
                self.server.srem(self.workers_key, worker_id)
                recovered += moved
        return recovered

    def others_in_flight(self) -> int:
        total = 0
        for member in self.server.smembers(self.workers_key):
            worker_id = member.decode() if isinstance(member, bytes) else str(member)
            if worker_id != self.worker_id:
                total += self.in_flight(worker_id)
        return total

    def beat(self, ttl: float) -> None:
        pipe = self.server.pipeline()
        pipe.sadd(self.workers_key, self.worker_id)
        pipe.set(self.alive_key_of(self.worker_id), "1", px=int(ttl * 1000))
        pipe.execute()

    def leave(self) -> None:
        pipe = self.server.pipeline()
        pipe.srem(self.workers_key, self.worker_id)
        pipe.delete(self.alive_key_of(self.worker_id))
        pipe.execute()


def start_fingerprint(request: Request) -> str:
    return hashlib.sha1(b"%s %s %s" % (request.method.encode(), request.url.encode(), request.body)).hexdigest()


class AckingScheduler(Scheduler):
    """scrapy-redis's scheduler on an AckingQueue: acks finished requests, keeps a heartbeat, waits for peers."""

    crawler: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> AckingScheduler:
        # Built here rather than by scrapy-redis's from_settings, which would also build Scrapy's default
        # (in-memory) duplicate filter when DUPEFILTER_CLASS is left alone, as under `scrapy crawl -s ...`.
        settings = crawler.settings
        server = connection.from_settings(settings)
        server.ping()  # fail at start, not at the first request, if Redis cannot be reached
        serializer = settings.get("SCHEDULER_SERIALIZER")
        if isinstance(serializer, str):
            serializer = importlib.import_module(serializer)
        # persist: the frontier is shared, so one worker finishing must never clear it.
        scheduler = cls(server=server, persist=True, serializer=serializer)
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        # CCGWATCH_FRONTIER names every key of the frontier (so `scrapy crawl` and Scrapyd need one setting);
        # without it the keys are scrapy-redis's, per spider name.
        scheduler.frontier = settings.get("CCGWATCH_FRONTIER") or "%(spider)s"
        scheduler.queue_key = f"{scheduler.frontier}:requests"
        scheduler.dupefilter_key = f"{scheduler.frontier}:seen"
        scheduler.worker_id = settings.get("CCGWATCH_WORKER_ID") or new_worker_id()
        scheduler.worker_ttl = settings.getfloat("CCGWATCH_WORKER_TTL", DEFAULT_WORKER_TTL)
        scheduler.in_flight = {}  # token -> "downloading" | "scraping"
        scheduler.heartbeat = None
        # An idle worker waiting for its peers looks at the queue again this often rather than every 5 s.
        crawler.engine._SLOT_HEARTBEAT_INTERVAL = min(IDLE_POLL, scheduler.worker_ttl / 3)
        return scheduler

    # --- opening and closing ------------------------------------------------------------------------

    def open(self, spider: Any) -> None:
        self.spider = spider
        self.frontier = self.frontier % {"spider": spider.name}
        self.queue = AckingQueue(self.server, spider, self.queue_key, self.serializer, frontier=self.frontier,
                                 worker_id=self.worker_id)
        # Always the shared filter: Scrapy's default DUPEFILTER_CLASS (in memory) would let workers refetch.
        self.df = RFPDupeFilter(self.server, key=self.dupefilter_key % {"spider": spider.name},
                                debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        self.queue.beat(self.worker_ttl)
        self.start_heartbeat()
        recovered = self.queue.recover_dead_workers()
        if recovered:
            logger.info("re-queued %d requests left in flight by stopped workers", recovered)
        if len(self.queue):
            logger.info("joining a crawl with %d requests queued", len(self.queue))
        self.watch_scraper()
        self.crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        self.crawler.signals.connect(self.flush_feeds, signal=signals.item_scraped)

    def start_heartbeat(self) -> None:
        from twisted.internet import task

        self.heartbeat = task.LoopingCall(self.queue.beat, self.worker_ttl)
        self.heartbeat.start(self.worker_ttl / 3, now=False)

    def close(self, reason: str) -> None:
        if self.heartbeat is not None and self.heartbeat.running:
            self.heartbeat.stop()
        self.flush_feeds()
        given_back = self.queue.requeue_own()
        if given_back:
            logger.info("gave back %d unfinished requests to the shared queue (%s)", given_back, reason)
        self.queue.leave()
        # scrapy-redis's close would flush the shared queue unless persisting; persisting is the point here.

    # --- scheduling -----------------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        token = request.meta.pop(TOKEN, None)
        if token and self.in_flight.get(token) == "downloading":
            # A redirect or retry of a request this worker popped: push the new request first, then ack the old
            # one, so a kill in between re-fetches rather than loses.
            queued = self.push(request)
            self.acknowledge(token)
            return queued
        if request.meta.get("is_start_request") and not self.first_start(request):
            return False  # another worker (or an earlier life of this run) seeded it already
        return self.push(request)

    def push(self, request: Request) -> bool:
        # scrapy-redis's enqueue_request, minus the `spider=` argument newer Scrapy's stats warn about.
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def first_start(self, request: Request) -> bool:
        # Start requests are often dont_filter (archive index pages), so the duplicate filter cannot stop
        # every worker from seeding them again; a set of seeded starts does.
        return bool(self.server.sadd(f"{self.frontier}:starts", start_fingerprint(request)))

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
            self.in_flight[request.meta[TOKEN]] = "downloading"
        return request

    # --- acknowledgement ------------------------------------------------------------------------------

    def watch_scraper(self) -> None:
        """Ack a request once the scraper has finished with its response or failure.

        Scrapy has no signal for "this response is completely handled", but the engine hands every response
        and failure to `Scraper.enqueue_scrape` and its Deferred fires only after the callback's output is
        processed (items through the pipelines and exporters, requests scheduled), so this wraps it.
        """
        scraper = self.crawler.engine.scraper
        original = scraper.enqueue_scrape

        def enqueue_scrape(result: Any, request: Request) -> Any:
            token = request.meta.get(TOKEN)
            if token in self.in_flight:
                # From here on the request's meta may be copied into follow-up requests; those are new work.
                self.in_flight[token] = "scraping"
            finished = original(result, request)
            if token:
                finished.addBoth(self.after_scrape, token)
            return finished

        scraper.enqueue_scrape = enqueue_scrape

    def after_scrape(self, result: Any, token: str) -> Any:
        self.acknowledge(token)
        return result

    def acknowledge(self, token: str) -> None:
        if self.in_flight.pop(token, None) is None:
            return
        self.flush_feeds()  # the page's feed row must be on disk before its request may be forgotten
        self.queue.ack(token)

    def flush_feeds(self, *args: Any, **kwargs: Any) -> None:
        """Push buffered feed rows to the file, so a SIGKILL leaves whole lines and no acked row unwritten."""
        from scrapy.extensions.feedexport import FeedExporter

        for extension in getattr(self.crawler.extensions, "middlewares", ()):
            if isinstance(extension, FeedExporter):
                for slot in extension.slots:
                    if slot.file is not None and not getattr(slot.file, "closed", False):
                        slot.file.flush()

    # --- idle -----------------------------------------------------------------------------------------

    def spider_idle(self, spider: Any) -> None:
        """Nothing left here: recover dead peers' requests, and stay open while live peers may add more."""
        leftovers = self.queue.in_flight()
        if leftovers and not self.in_flight:
            # The engine is idle, so nothing of ours is in flight; entries still listed were finished on a
            # path that did not ack them (a request dropped by a signal handler).
            logger.warning("clearing %d processing entries of finished requests", leftovers)
            self.server.delete(self.queue.processing_key)
        recovered = self.queue.recover_dead_workers()
        if recovered:
            logger.info("re-queued %d requests left in flight by stopped workers", recovered)
        if recovered or len(self.queue) or self.queue.others_in_flight():
            raise DontCloseSpider
