"""Print the entity linker's throughput on 5 KB documents (one core, documents per second and MB/s).

Usage::

    .venv/bin/python bench/linker.py [--docs 2000] [--size 5000] [--rounds 3]

Documents are cut from the project's own corpus (tests/corpus) and the linker test fixtures, so they hold
the usual mix of CCG names, area references and unrelated text; each document gets a date so the
time-aware path is exercised. The first call (building the automaton) is timed separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parsers.linker import link_organisations


def corpus_text() -> str:
    parts = [path.read_text(encoding="utf-8", errors="replace") for path in sorted((ROOT / "tests/corpus").glob("*.txt"))]
    from tests import test_linker  # the fixtures are plain strings

    parts += [test_linker.STAFFORDSHIRE_SCRUTINY, test_linker.COVENTRY_AGENDA_ITEM, test_linker.KENT_QUESTIONS,
              test_linker.NEWS_DIGEST]
    return "\n\n".join(parts)


def documents(count: int, size: int) -> list[str]:
    text = corpus_text()
    step = max(1, (len(text) - size) // max(1, count))
    # Overlapping windows over the corpus, so every document differs and has the same length.
    return [(text * 2)[offset:offset + size] for offset in itertools.islice(itertools.count(0, step), count)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    docs = documents(args.docs, args.size)
    dates = [dt.date(2016 + index % 7, 1 + index % 12, 1) for index in range(len(docs))]

    started = time.perf_counter()
    link_organisations("NHS Stoke-on-Trent CCG", dt.date(2019, 1, 1))
    print(f"first call (loads register, builds automaton): {time.perf_counter() - started:.3f} s")

    # CPU time of this process is the one-core figure; wall time is shown too (it suffers on a busy machine).
    best_cpu = best_wall = float("inf")
    mentions = 0
    for _ in range(args.rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        mentions = sum(len(link_organisations(doc, on)) for doc, on in zip(docs, dates, strict=True))
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    megabytes = sum(len(doc.encode()) for doc in docs) / 1e6
    print(f"documents: {len(docs)} x {args.size} chars, mentions found: {mentions} "
          f"({mentions / len(docs):.1f} per document: merger-dense text, a harder case than typical minutes)")
    print(f"best of {args.rounds}, CPU time: {best_cpu:.3f} s  ->  {len(docs) / best_cpu:,.0f} documents/s, "
          f"{megabytes / best_cpu:.1f} MB/s")
    print(f"best of {args.rounds}, wall time: {best_wall:.3f} s  ->  {len(docs) / best_wall:,.0f} documents/s")
    print("BENCH " + json.dumps({"name": "linker", "docs_per_s": round(len(docs) / best_cpu, 1),  # for run_all.py
                                 "wall_docs_per_s": round(len(docs) / best_wall, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
