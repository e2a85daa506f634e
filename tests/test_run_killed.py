"""Runs that end badly: a stop passed on to the crawl, SIGKILL and SIGTERM mid-crawl, failures, and reruns."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ccgwatch import stopping
from ccgwatch.paths import DataPaths

REPO = Path(__file__).resolve().parents[1]

# Runs a command with a terminal (argv[1]) as its controlling terminal and standard streams.
ON_TERMINAL = """
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
for stream in (0, 1, 2):
    os.dup2(fd, stream)
os.execv(sys.argv[2], sys.argv[2:])
"""

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
    from ccgwatch.sampleweb import serve

    with serve() as web:
        answer = web.httpd.answer
        web.delay = REQUEST_DELAY  # tests set it to 0 once they no longer need to catch a crawl mid-way

        def slowly(request: object, raw_path: str) -> object:
            time.sleep(web.delay)  # a slow site, so the crawl is still going when the signal comes
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


def _counts(paths: DataPaths) -> dict[str, int]:
    from warehouse.read import connect_published

    con = connect_published(paths)
    try:
        return {
            "documents": con.execute("SELECT count(*) FROM documents").fetchone()[0],
            "distinct_documents": con.execute(
                "SELECT count(DISTINCT (url, sha256)) FROM documents"
            ).fetchone()[0],
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
    from ccgwatch.commands.run import run_now
    from ccgwatch.config import Config
    from ccgwatch.sampleweb import sample_sources, serve

    with serve() as web:
        paths = _prepare(tmp_path_factory.mktemp("reference"), web.base_url)
        assert run_now(paths, Config(), sample_sources(web.base_url)).outcome == "ok"
    return _counts(paths)


def _wait_for_feed_rows(paths: DataPaths, run: subprocess.Popen, known: set[Path]) -> None:
    """Poll until a feed file not in `known` has a complete row: this run's crawl is fetching."""
    deadline = time.monotonic() + 120
    while not any(
        feed not in known and feed.read_text(encoding="utf-8").count("\n") >= 1
        for feed in paths.feeds.glob("*.jsonl")
    ):
        assert run.poll() is None, f"the run ended before the signal: {run.communicate()}"
        assert time.monotonic() < deadline, "the crawl wrote no feed rows"
        time.sleep(0.05)  # polling the feeds


def _finish_reasons(paths: DataPaths, run_id: str) -> set[str]:
    stats = json.loads((paths.jobs / run_id / "stats.json").read_text())
    return {figures.get("finish_reason") for figures in stats.values()}


def test_sigkill_then_sigterm_mid_crawl_then_a_resumed_run_completes_with_nothing_lost_or_doubled(
    tmp_path: Path, slow_web: object, reference_counts: dict[str, int]
) -> None:
    paths = _prepare(tmp_path / "data", slow_web.base_url)

    # 1. SIGKILL to the CLI and its crawl together, as in a crash: nothing is recorded, the lock file stays.
    killed = _start_run(paths)
    _wait_for_feed_rows(paths, killed, known=set())
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    assert killed.returncode == -signal.SIGKILL
    assert (paths.root / "run.lock").exists()

    # 2. The next run takes the lock over. SIGTERM to the CLI only: it passes the stop on to the crawl, which
    #    closes cleanly keeping its queue; what came is loaded; the run is recorded as interrupted.
    stopped = _start_run(paths)
    _wait_for_feed_rows(paths, stopped, known=set(paths.feeds.glob("*.jsonl")))
    stopped.send_signal(signal.SIGTERM)
    _, err = stopped.communicate(timeout=120)
    assert stopped.returncode == 143, err
    last_line = err.strip().splitlines()[-1]
    assert last_line.startswith("ccgwatch: run ") and " interrupted: loaded " in last_line, err
    interrupted = _runs(paths)[0]
    assert interrupted["outcome"] == "interrupted"
    assert interrupted["pages"] > 0
    assert "shutdown" in _finish_reasons(paths, interrupted["run_id"])  # Scrapy was told, not left to finish
    assert not (paths.root / "run.lock").exists()
    assert 0 < _counts(paths)["documents"] < reference_counts["documents"]

    # 3. The next run resumes the interrupted crawl from its queue and completes it.
    slow_web.delay = 0
    completed = _complete_run(paths)
    assert completed.returncode == 0, completed.stderr
    assert f"resuming the crawl of interrupted run {interrupted['run_id']}" in completed.stderr
    assert _finish_reasons(paths, interrupted["run_id"]) == {"finished"}
    counts = _counts(paths)
    assert counts["documents"] == counts["distinct_documents"]
    assert counts["events"] == counts["distinct_events"]
    assert counts == reference_counts  # nothing lost, nothing twice
    runs = _runs(paths)
    assert runs[0]["run_id"] == interrupted["run_id"]
    # The killed run is listed as died if it was recorded before the kill; either way it is not "running".
    assert [run["outcome"] for run in runs] in (["ok"], ["ok", "died"])
    assert not (paths.root / "run.lock").exists()


# --- the run's bookkeeping, with the pipeline replaced by a stand-in (no crawl) -------------------------


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> list:
    """run_once stand-ins: each call records a run the way the pipeline does, then does what the test says."""
    import ccgwatch.pipeline
    from warehouse.publish import publish
    from warehouse.runs import start_run

    behaviours: list = []

    def run_once(paths: DataPaths, sources: list, max_pages: int | None = None, show_progress: bool = False):
        run_id = f"R{len(list(paths.root.glob('marker-*'))) + 1}"
        (paths.root / f"marker-{run_id}").touch()
        start_run(paths, run_id)
        publish(paths)
        behaviours.pop(0)()
        return ccgwatch.pipeline.RunSummary(run_id=run_id, started=datetime.now(UTC), outcome="ok", pages=3)

    monkeypatch.setattr(ccgwatch.pipeline, "run_once", run_once)
    return behaviours


def _outcomes(paths: DataPaths) -> dict[str, str]:
    from warehouse.read import connect_published
    from warehouse.runs import list_runs

    con = connect_published(paths)
    try:
        return {run.run_id: run.outcome for run in list_runs(con)}
    finally:
        con.close()


def test_runs_left_running_by_a_dead_process_are_closed_and_failures_recorded(
    tmp_path: Path, fake_pipeline: list
) -> None:
    from ccgwatch.commands.run import RunFailed, RunInterrupted, run_now
    from ccgwatch.config import Config

    paths = DataPaths(tmp_path)

    def crash() -> None:
        raise KeyboardInterrupt  # nothing catches it: like a process dying mid-run, "R1" stays "running"

    fake_pipeline.append(crash)
    with pytest.raises(KeyboardInterrupt):
        run_now(paths, Config(), [])
    assert _outcomes(paths) == {"R1": "running"}
    assert not (tmp_path / "run.lock").exists()

    fake_pipeline.append(lambda: None)
    assert run_now(paths, Config(), []).run_id == "R2"
    assert _outcomes(paths) == {"R1": "died", "R2": "ok"}

    def fail() -> None:
        raise RuntimeError("disk full\nsecond line")

    fake_pipeline.append(fail)
    with pytest.raises(RunFailed) as failed:
        run_now(paths, Config(), [])
    assert str(failed.value) == "run failed: disk full (details in the log)"
    assert failed.value.exit_code == 1
    assert _outcomes(paths) == {"R1": "died", "R2": "ok", "R3": "failed"}

    fake_pipeline.append(lambda: stopping.request_stop(signal.SIGTERM))
    with pytest.raises(RunInterrupted) as interrupted:
        run_now(paths, Config(), [])
    assert str(interrupted.value) == (
        "run R4 interrupted: loaded 3 pages fetched before the stop; the next run resumes the crawl"
    )
    assert interrupted.value.exit_code == 143
    assert _outcomes(paths) == {"R1": "died", "R2": "ok", "R3": "failed", "R4": "interrupted"}
    stopping.reset()


def test_a_run_that_cannot_proceed_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "work.duckdb").write_text("not a database")
    failed = subprocess.run(
        [sys.executable, "-m", "ccgwatch", "run", "--data", str(tmp_path), "--kind", "news"],
        check=False, capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert failed.returncode == 2
    (line,) = failed.stderr.splitlines()  # the warehouse's own wording of the problem, on one line
    assert line.startswith(f"ccgwatch: the warehouse {tmp_path / 'work.duckdb'} is not a readable DuckDB")
    assert not (tmp_path / "run.lock").exists()


def test_ctrl_c_at_a_terminal_stops_the_crawl_gracefully_without_a_second_signal(
    tmp_path: Path, slow_web: object
) -> None:
    """The terminal sends SIGINT to the whole foreground group; the CLI must not send the crawl another
    (Scrapy's second SIGINT means "stop at once", which would lose the clean JOBDIR)."""
    paths = _prepare(tmp_path / "data", slow_web.base_url)
    controller, terminal = os.openpty()
    command = [sys.executable, "-m", "ccgwatch", "run", "--quiet", "--data", str(paths.root), "--sources-file",
               str(paths.root / "sources.csv")]
    # In a new session, opening the pty makes it the controlling terminal, as a shell's job has one.
    run = subprocess.Popen(
        [sys.executable, "-c", ON_TERMINAL, os.ttyname(terminal), *command],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True, cwd=REPO,
    )
    os.close(terminal)
    try:
        _wait_for_feed_rows(paths, run, known=set())
        os.write(controller, b"\x03")  # Ctrl-C typed at the terminal
        output = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the run has exited
                break
            if not chunk:
                break
            output += chunk
        assert run.wait(timeout=120) == 130
    finally:
        os.close(controller)
        if run.poll() is None:
            run.kill()
            run.wait()
    text = output.decode(errors="replace")
    assert "ccgwatch: run " in text and " interrupted: loaded " in text
    (run_dir,) = [path for path in paths.jobs.iterdir() if path.is_dir()]
    # Spiders still crawling were shut down cleanly (one small site may have finished before the Ctrl-C);
    # a forced stop would have left no stats at all.
    reasons = _finish_reasons(paths, run_dir.name)
    assert "shutdown" in reasons
    assert reasons <= {"shutdown", "finished"}
    crawl_log = (paths.logs / f"crawl-{run_dir.name}.log").read_text()
    assert crawl_log.count("Received SIGINT") == 1
    assert "twice" not in crawl_log
