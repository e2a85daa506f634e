"""Runs that end badly: a stop passed on to the crawl, SIGTERM mid-crawl, and SIGKILL mid-crawl then a rerun."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ccgwatch import stopping
from ccgwatch.paths import DataPaths

REPO = Path(__file__).resolve().parents[1]

# A child that reports the signal it receives, as a crawl subprocess would notice a stop.
LISTENER = """
import signal, sys
signal.signal(signal.SIGTERM, lambda signum, frame: (print("got", signum, flush=True), sys.exit(0)))
print("ready", flush=True)
signal.pause()
"""


def test_a_stop_is_forwarded_to_child_processes() -> None:
    child = subprocess.Popen([sys.executable, "-c", LISTENER], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        assert child.pid in stopping.child_pids()
        assert child.pid in stopping.forward(signal.SIGTERM)
        assert child.stdout.readline().strip() == f"got {int(signal.SIGTERM)}"
        assert child.wait(timeout=10) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_exit_codes_follow_the_shell_convention() -> None:
    assert stopping.exit_code_for(signal.SIGINT) == 130
    assert stopping.exit_code_for(signal.SIGTERM) == 143
    assert stopping.exit_code_for(None) == 1


# --- whole runs against the sample web, slowed down so a signal lands mid-crawl ---------------------------

REQUEST_DELAY = 0.15  # seconds the sample web takes per answer in these tests


@pytest.fixture
def slow_web() -> Iterator[object]:
    pytest.importorskip("ccgwatch.crawling", reason="the crawl runner has not landed yet")
    from ccgwatch.sampleweb import serve

    with serve() as web:
        answer = web.httpd.answer

        def slowly(request: object, raw_path: str) -> object:
            time.sleep(REQUEST_DELAY)  # a slow site, so the crawl is still going when the signal comes
            return answer(request, raw_path)

        web.httpd.answer = slowly
        yield web


def _prepare(root: Path, base_url: str) -> DataPaths:
    from ccgwatch.sampleweb import sample_sources
    from spiders.sources import write_sources

    paths = DataPaths(root)
    root.mkdir(parents=True, exist_ok=True)
    write_sources(sample_sources(base_url), root / "sources.csv")
    return paths


def _start_run(paths: DataPaths) -> subprocess.Popen:
    # Its own session, so a SIGKILL can take the whole run (the CLI and its crawl subprocess) down at once.
    return subprocess.Popen(
        [sys.executable, "-m", "ccgwatch", "run", "--data", str(paths.root), "--sources-file",
         str(paths.root / "sources.csv")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def _wait_for_raw_pages(paths: DataPaths, run: subprocess.Popen, at_least: int) -> None:
    """Poll until the crawl has stored some pages (the crawl is under way) but the run has not ended."""
    deadline = time.monotonic() + 120
    while len(list(paths.raw_store.glob("*/*.gz"))) < at_least:
        assert run.poll() is None, f"the run ended before the signal: {run.communicate()}"
        assert time.monotonic() < deadline, "the crawl stored no pages"
        time.sleep(0.05)  # polling the raw store


def _counts(paths: DataPaths) -> dict[str, int]:
    from warehouse.read import connect_published

    con = connect_published(paths)
    try:
        return {
            "documents": con.execute("SELECT count(*) FROM documents").fetchone()[0],
            "distinct_documents": con.execute("SELECT count(DISTINCT (url, sha256)) FROM documents").fetchone()[0],
            "events": con.execute("SELECT count(*) FROM events").fetchone()[0],
            "distinct_events": con.execute(
                "SELECT count(*) FROM (SELECT DISTINCT grouping_id, type, date, evidence FROM events)"
            ).fetchone()[0],
            "groupings": con.execute("SELECT count(*) FROM groupings").fetchone()[0],
        }
    finally:
        con.close()


def _runs(paths: DataPaths) -> list[dict]:
    listed = subprocess.run(
        [sys.executable, "-m", "ccgwatch", "runs", "--data", str(paths.root), "--format", "json"],
        check=True, capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    return [json.loads(line) for line in listed.stdout.splitlines()]


def _complete_run(paths: DataPaths) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ccgwatch", "run", "--data", str(paths.root), "--sources-file",
         str(paths.root / "sources.csv")],
        check=False, capture_output=True, text=True, cwd=REPO, timeout=300,
    )


@pytest.fixture(scope="module")
def reference_counts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """What one uninterrupted run of the sample web yields, to compare interrupted ones against."""
    pytest.importorskip("ccgwatch.crawling", reason="the crawl runner has not landed yet")
    from ccgwatch.sampleweb import serve

    with serve() as web:
        paths = _prepare(tmp_path_factory.mktemp("reference"), web.base_url)
        done = _complete_run(paths)
        assert done.returncode == 0, done.stderr
    return _counts(paths)


def test_sigkill_during_the_crawl_then_a_rerun_completes_without_duplicates(
    tmp_path: Path, slow_web: object, reference_counts: dict[str, int]
) -> None:
    paths = _prepare(tmp_path / "data", slow_web.base_url)
    killed = _start_run(paths)
    _wait_for_raw_pages(paths, killed, at_least=2)
    os.killpg(killed.pid, signal.SIGKILL)  # the CLI and the crawl die together, as in a crash
    killed.wait(timeout=30)
    assert killed.returncode == -signal.SIGKILL
    assert (paths.root / "run.lock").exists()  # left behind by the dead run…

    rerun = _complete_run(paths)  # …and taken over by the next
    assert rerun.returncode == 0, rerun.stderr
    counts = _counts(paths)
    assert counts["documents"] == counts["distinct_documents"]
    assert counts["events"] == counts["distinct_events"]
    assert counts == reference_counts  # nothing lost, nothing twice
    assert _runs(paths)[0]["outcome"] == "ok"


def test_sigterm_during_the_crawl_loads_what_was_fetched_and_records_an_interrupted_run(
    tmp_path: Path, slow_web: object, reference_counts: dict[str, int]
) -> None:
    paths = _prepare(tmp_path / "data", slow_web.base_url)
    stopped = _start_run(paths)
    _wait_for_raw_pages(paths, stopped, at_least=2)
    stopped.send_signal(signal.SIGTERM)  # the CLI only; it passes the stop on to the crawl
    _, err = stopped.communicate(timeout=120)
    assert stopped.returncode == 143, err
    last_line = err.strip().splitlines()[-1]
    assert last_line.startswith("ccgwatch: run ") and "interrupted" in last_line
    (interrupted,) = _runs(paths)
    assert interrupted["outcome"] == "interrupted"
    assert 0 < interrupted["pages"]
    assert not (paths.root / "run.lock").exists()

    resumed = _complete_run(paths)
    assert resumed.returncode == 0, resumed.stderr
    counts = _counts(paths)
    assert counts["documents"] == counts["distinct_documents"]
    assert counts["events"] == counts["distinct_events"]
    assert counts == reference_counts
    assert [run["outcome"] for run in _runs(paths)] == ["ok", "interrupted"]
