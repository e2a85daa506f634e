"""Crawl runs: when each began and ended, how it went, and what it fetched, as the scheduler and demo record them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from ccgwatch.paths import DataPaths
from warehouse.db import working

OUTCOME_INTERRUPTED = "interrupted"
OUTCOME_DIED = "died"
OUTCOME_FAILED = "failed"

# Under the run lock no other run is going: a run still marked running is ours, or died without recording
# its end.
CLOSE_OPEN_RUNS_SQL = "UPDATE crawl_runs SET outcome = ?, notes = ? WHERE outcome = 'running' RETURNING run_id"
# A resumed run is running again: if it dies this time, the next run must see that (and not resume it).
REOPEN_RUN_SQL = "UPDATE crawl_runs SET outcome = 'running', finished_at = NULL WHERE run_id = ?"
LAST_RUN_SQL = "SELECT run_id, outcome FROM crawl_runs ORDER BY started_at DESC NULLS LAST, run_id DESC LIMIT 1"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_run_id(at: datetime | None = None) -> str:
    """Run ids sort by time: `20261123T004100Z`."""
    return (at or utc_now()).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class CrawlRun:
    run_id: str
    started_at: datetime | None
    finished_at: datetime | None
    outcome: str | None
    pages: int
    bytes: int
    not_modified: int
    errors_by_kind: dict[str, int]
    new_facts: int
    changed_facts: int


def ensure_run(con: duckdb.DuckDBPyConnection, run_id: str, spiders: list[str] | None = None) -> None:
    con.execute(
        "INSERT INTO crawl_runs (run_id, started_at, outcome, spiders) VALUES (?, ?, 'running', ?) "
        "ON CONFLICT DO NOTHING",
        [run_id, utc_now(), spiders or []],
    )


def start_run(paths: DataPaths, run_id: str | None = None, spiders: list[str] | None = None) -> str:
    """Record that a crawl began; returns its run id."""
    run_id = run_id or new_run_id()
    with working(paths.working_db) as con:
        ensure_run(con, run_id, spiders)
    return run_id


def finish_run(
    paths: DataPaths,
    run_id: str,
    outcome: str = "ok",
    pages: int | None = None,
    bytes_fetched: int | None = None,
    not_modified: int | None = None,
    errors_by_kind: dict[str, int] | None = None,
    notes: str | None = None,
) -> None:
    """Record how a crawl ended. Figures left as None keep what the load step counted from the feeds."""
    with working(paths.working_db) as con:
        ensure_run(con, run_id)
        con.execute(
            "UPDATE crawl_runs SET finished_at = ?, outcome = ?, pages = coalesce(?, pages), "
            "bytes = coalesce(?, bytes), not_modified = coalesce(?, not_modified), "
            "errors_by_kind = coalesce(?, errors_by_kind), notes = coalesce(?, notes) WHERE run_id = ?",
            [utc_now(), outcome, pages, bytes_fetched, not_modified,
             json.dumps(errors_by_kind) if errors_by_kind is not None else None, notes, run_id],
        )


def refresh_run_figures(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Count a run's pages, bytes, 304s and errors from what was loaded for it, so reloading changes nothing."""
    ensure_run(con, run_id)
    pages, fetched_bytes, not_modified = con.execute(
        "SELECT count(*), coalesce(sum(size) FILTER (WHERE NOT cached), 0), count(*) FILTER (WHERE cached) "
        "FROM page_fetches WHERE run_id = ?",
        [run_id],
    ).fetchone()
    errors = dict(
        con.execute(
            "SELECT coalesce(kind, 'unknown'), count(*) FROM fetch_errors WHERE run_id = ? GROUP BY ALL ORDER BY 1",
            [run_id],
        ).fetchall()
    )
    new_documents, changed_documents = con.execute(
        "SELECT count(*) FILTER (WHERE version = 1), count(*) FILTER (WHERE version > 1) FROM documents "
        "WHERE run_id = ?",
        [run_id],
    ).fetchone()
    first_fetch = con.execute(
        "SELECT least((SELECT min(fetched_at) FROM page_fetches WHERE run_id = $run), "
        "(SELECT min(failed_at) FROM fetch_errors WHERE run_id = $run))",
        {"run": run_id},
    ).fetchone()[0]
    # Loading is the last step of a run: a run still marked running is done once its feeds are in, and it
    # began no later than its first fetch. `finish_run` can still say otherwise (interrupted, failed).
    con.execute(
        "UPDATE crawl_runs SET pages = ?, bytes = ?, not_modified = ?, errors_by_kind = ?, new_documents = ?, "
        "changed_documents = ?, started_at = least(started_at, ?), "
        "finished_at = CASE WHEN outcome = 'running' THEN ? ELSE finished_at END, "
        "outcome = CASE WHEN outcome = 'running' THEN 'ok' ELSE outcome END WHERE run_id = ?",
        [pages, fetched_bytes, not_modified, json.dumps(errors), new_documents, changed_documents, first_fetch,
         utc_now(), run_id],
    )


def list_runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[CrawlRun]:
    rows = con.execute(
        "SELECT run_id, started_at, finished_at, outcome, pages, bytes, not_modified, errors_by_kind, "
        "new_facts, changed_facts FROM crawl_runs ORDER BY started_at DESC NULLS LAST, run_id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [
        CrawlRun(r[0], r[1], r[2], r[3], r[4] or 0, r[5] or 0, r[6] or 0, json.loads(r[7]) if r[7] else {},
                 r[8] or 0, r[9] or 0)
        for r in rows
    ]


def close_open_runs(paths: DataPaths, outcome: str, note: str) -> list[str]:
    """Give runs still marked running an outcome; returns their ids."""
    if not paths.working_db.exists():
        return []
    with working(paths.working_db) as con:
        return [run_id for (run_id,) in con.execute(CLOSE_OPEN_RUNS_SQL, [outcome, note]).fetchall()]


def reopen_interrupted_run(paths: DataPaths) -> str | None:
    """The last run, if a signal stopped it cleanly and its crawl queue (JOBDIR) is kept: marked running again.

    A run that died (SIGKILL, a crash) is not resumed: Scrapy's queue on disk may be half-written, and the
    HTTP cache makes starting afresh cheap anyway.
    """
    if not paths.working_db.exists():
        return None
    with working(paths.working_db) as con:
        last = con.execute(LAST_RUN_SQL).fetchone()
        if not (last and last[1] == OUTCOME_INTERRUPTED and (paths.jobs / last[0]).is_dir()):
            return None
        con.execute(REOPEN_RUN_SQL, [last[0]])
    return last[0]
