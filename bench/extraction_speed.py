"""Measure extraction throughput (documents per second, one core) on 5 KB documents, text and HTML.

Usage::

    .venv/bin/python bench/extraction_speed.py [--docs N] [--size BYTES]

Documents are built from the project's own fixture pages, padded with further paragraphs of the same kind to
the requested size, and varied (names of areas and dates) so caching cannot flatter the figures. The first
call warms the organisation register, which is loaded once per process; its cost is printed separately.
The batch is timed three times (CPU time) and the best run reported, as other work on the machine only slows it.
Prints figures only.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from parsers.extract import extract
from parsers.text import page_text

PAGES = REPO / "tests" / "fixtures" / "pages"
PADDING = (
    "Members asked how the change would affect local services, and officers said that decisions about "
    "community services would still be taken close to patients. The committee noted that the county's "
    "hospitals were under pressure over the winter and asked for a further report in the new year. "
)
AREAS = ["Staffordshire", "Kent and Medway", "Coventry and Warwickshire", "Norfolk and Waveney", "Cheshire"]


def documents(count: int, size: int) -> list[tuple[bytes, str, str]]:
    """(body, content type, url) triples of about `size` bytes, half plain text and half HTML."""
    seeds = sorted(PAGES.glob("*.txt"))
    built: list[tuple[bytes, str, str]] = []
    for number in range(count):
        text = seeds[number % len(seeds)].read_text()
        text = text.replace("2019", str(2017 + number % 4)).replace("Staffordshire", AREAS[number % len(AREAS)])
        while len(text.encode()) < size:
            text += "\n\n" + PADDING
        text = text.encode()[:size].decode(errors="ignore")
        if number % 2:
            title, _, rest = text.partition("\n")
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in rest.split("\n\n") if p.strip())
            body = f"<html><head><title>{html.escape(title)}</title></head><body><nav>Home</nav><main>" \
                   f"<h1>{html.escape(title)}</h1>{paragraphs}</main></body></html>"
            built.append((body.encode(), "text/html", f"https://example.org/{number}.html"))
        else:
            built.append((text.encode(), "text/plain", f"file:///{number}.txt"))
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--size", type=int, default=5000)
    args = parser.parse_args()
    docs = documents(args.docs, args.size)
    started = time.perf_counter()
    extract(page_text(*docs[0]))
    warm = time.perf_counter() - started
    # CPU time of the whole batch, three times: the best run is the least disturbed by other work on the machine.
    runs: list[float] = []
    relevant = 0
    for _ in range(3):
        started = time.process_time()
        relevant = sum(extract(page_text(body, content_type, url)).relevant for body, content_type, url in docs)
        runs.append(time.process_time() - started)
    elapsed = min(runs)
    mean_size = sum(len(d[0]) for d in docs) / len(docs)
    print(f"register warm-up (once per process): {warm * 1000:.0f} ms")
    print(f"{len(docs)} documents, mean {mean_size / 1000:.1f} KB, {relevant} relevant")
    print(f"page_text + extract: best {elapsed:.2f} s CPU of 3 runs ({', '.join(f'{r:.2f}' for r in runs)}), "
          f"{len(docs) / elapsed:.0f} docs/s, {elapsed / len(docs) * 1000:.2f} ms/doc")
    print("BENCH " + json.dumps({"name": "extraction_speed", "docs_per_s": round(len(docs) / elapsed, 1)}))  # run_all.py


if __name__ == "__main__":
    main()
