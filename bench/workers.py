"""Scale-out: pages/s of one crawl process without Redis, then 1 and 2 workers on a shared Redis frontier.

    .venv/bin/python bench/workers.py [--pages 2000] [--concurrency 8] [--redis URL]

Serves the generated news site of bench/crawl.py from its own process on 127.0.0.1, starts a throwaway
`redis-server` on a free port (or uses --redis), and crawls the site with the project's crawl child
(`python -m ccgwatch.crawling`, as `ccgwatch crawl` runs it): once plainly, then with one worker and with two
workers on one frontier (each worker its own process, all started together; the time runs until the last one
exits, including the moment an idle worker waits to be sure its peer yields nothing more). Prints pages/s,
how the pages were shared, duplicates, and each worker's peak memory. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from crawl import generate_site, serve

from ccgwatch.paths import DataPaths
from spiders.sources import Source, write_sources


def serve_in_own_process(pages: int) -> tuple[multiprocessing.Process, str]:
    """The site in a separate process, so its threads do not share the benchmark's interpreter lock."""
    receiving, sending = multiprocessing.Pipe(duplex=False)

    def run() -> None:
        server = serve(generate_site(pages))
        sending.send(server.server_address[1])
        while True:
            time.sleep(3600)  # the server runs in its own threads; this process only keeps them alive

    process = multiprocessing.Process(target=run, daemon=True)
    process.start()
    return process, f"http://127.0.0.1:{receiving.recv()}"


def start_redis() -> tuple[subprocess.Popen | None, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (Debian: apt-get install redis-server), or pass --redis URL")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.monotonic() + 15
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return server, url
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("redis-server did not start") from None
            time.sleep(0.05)  # polling for readiness


def crawl(base_url: str, work: Path, run_id: str, workers: int, redis_url: str | None,
          concurrency: int) -> dict[str, object]:
    """Start `workers` crawl processes at once; wall time until the last exits, pages, peak RSS of each."""
    paths = DataPaths(work / run_id)
    paths.root.mkdir(parents=True)
    source = Source(id="bench-news", kind="news", name="Generated news site", base_url=base_url + "/",
                    allowed_domains=("127.0.0.1",), start_urls=(base_url + "/news/",), org_codes=())
    sources_file = paths.root / "sources.csv"
    write_sources([source], sources_file)
    settings = {"DEPTH_LIMIT": 0, "CLOSESPIDER_PAGECOUNT": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
                "CONCURRENT_REQUESTS": concurrency, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False}
    command = [sys.executable, "-m", "ccgwatch.crawling", "--data", str(paths.root), "--run-id", run_id,
               "--sources-file", str(sources_file)]
    for name, value in settings.items():
        command += ["--set", f"{name}={json.dumps(value)}"]
    if redis_url:
        command += ["--redis", redis_url]
    started = time.perf_counter()
    children = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                for _ in range(workers)]
    peaks = []
    for child in children:
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        peaks.append(usage.ru_maxrss / 1024)  # KB on Linux
    seconds = time.perf_counter() - started
    rows_by_feed = [feed.read_text(encoding="utf-8").splitlines() for feed in paths.feeds.glob("*.jsonl")]
    per_worker = sorted(len(rows) for rows in rows_by_feed)  # one source, so one feed per worker
    urls = [json.loads(row)["url"] for rows in rows_by_feed for row in rows]
    return {"workers": workers, "redis": bool(redis_url), "seconds": seconds, "pages": len(urls),
            "duplicates": len(urls) - len(set(urls)), "per_worker": per_worker, "peak_mb": peaks,
            "rate": len(urls) / seconds if seconds else 0.0,
            "exit_codes": [child.returncode for child in children]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight per worker")
    parser.add_argument("--redis", help="use this Redis instead of starting one")
    args = parser.parse_args()
    site_process, base_url = serve_in_own_process(args.pages)
    redis_server, redis_url = (None, args.redis) if args.redis else start_redis()
    print(f"generated site: {args.pages} pages at {base_url}; Redis {redis_url}; concurrency {args.concurrency} per worker")
    try:
        with tempfile.TemporaryDirectory(prefix="ccgwatch-bench-workers-") as work:
            stamp = time.strftime("%Y%m%dT%H%M%S")
            results = [
                crawl(base_url, Path(work), f"plain-{stamp}", 1, None, args.concurrency),
                crawl(base_url, Path(work), f"one-{stamp}", 1, redis_url, args.concurrency),
                crawl(base_url, Path(work), f"two-{stamp}", 2, redis_url, args.concurrency),
            ]
    finally:
        site_process.terminate()
        if redis_server is not None:
            redis_server.terminate()
            redis_server.wait(timeout=10)
    print(f"{'crawl':<24}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'dupes':>7}  {'pages per worker':<18}{'peak MB':>14}")
    labels = {(1, False): "1 process, no Redis", (1, True): "1 worker on Redis", (2, True): "2 workers on Redis"}
    for result in results:
        peaks = "/".join(f"{peak:.0f}" for peak in result["peak_mb"])
        shares = "/".join(str(share) for share in result["per_worker"])
        print(f"{labels[(result['workers'], result['redis'])]:<24}{result['pages']:>7}{result['seconds']:>9.2f}"
              f"{result['rate']:>9.0f}{result['duplicates']:>7}  {shares:<18}{peaks:>14}")
    plain, one, two = results
    print(f"speed-up 2 workers / 1 worker: {two['rate'] / one['rate']:.2f}x   Redis overhead (1 worker / plain): "
          f"{one['rate'] / plain['rate']:.2f}x")
    print("BENCH " + json.dumps({
        "name": "workers", "plain_pages_per_s": round(plain["rate"], 1), "one_worker_pages_per_s": round(one["rate"], 1),
        "two_workers_pages_per_s": round(two["rate"], 1), "duplicates": two["duplicates"],
        "peak_mb": round(max(max(r["peak_mb"]) for r in results), 1),
    }))


if __name__ == "__main__":
    main()
