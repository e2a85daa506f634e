"""Crawl runs: when each began and ended, how it went, and what it fetched, as the scheduler and demo record them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from ccgwatch.paths import DataPaths
from warehouse.db import working


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
