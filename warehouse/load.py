"""The load step: feed files and stored raw pages into the working warehouse, then parsed and derived."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ccgwatch.errors import UserError
from ccgwatch.paths import DataPaths
from warehouse.bulk import insert_rows
from warehouse.db import working
from warehouse.parsing import PageParser, parse_documents
from warehouse.queries import query
from warehouse.runs import ensure_run, refresh_run_figures, utc_now


@dataclass
class LoadSummary:
    """What one load added: documents, versions, errors and facts."""

    run_id: str
    feed_files: int = 0
    feed_rows: int = 0
    pages: int = 0
    new_fetches: int = 0
    new_documents: int = 0
    changed_documents: int = 0
    fetch_errors: int = 0
    parsed: int = 0
    parse_errors: int = 0
    new_facts: int = 0
    changed_facts: int = 0
    seconds: float = 0.0

    def describe(self) -> str:
        return (
            f"run {self.run_id}: {self.feed_rows} feed rows from {self.feed_files} feeds, "
            f"{self.new_documents} new documents, {self.changed_documents} changed, "
            f"{self.fetch_errors} new fetch errors, {self.parsed} parsed ({self.parse_errors} unreadable), "
            f"{self.new_facts} new facts, {self.changed_facts} changed, in {self.seconds:.2f}s"
        )


def _sql(name: str) -> str:
    return query("load.sql", name)


def ingest_feed(con: duckdb.DuckDBPyConnection, feed: Path, run_id: str, summary: LoadSummary) -> None:
    """One feed file into page_fetches, documents (new versions only) and fetch_errors."""
    if not feed.exists():
        raise UserError(f"no feed file at {feed}")
    if feed.stat().st_size == 0:
        return
    con.execute(_sql("stage_feed"), [str(feed)])
    pages, _bytes, _not_modified, errors = con.execute(_sql("feed_figures")).fetchone()
    summary.feed_files += 1
    summary.feed_rows += pages + errors
    summary.pages += pages
    before = con.execute(_sql("max_document_id")).fetchone()[0]
    con.execute(_sql("stage_new_fetches"))
    summary.new_fetches += con.execute("SELECT count(*) FROM new_fetches").fetchone()[0]
    con.execute(_sql("insert_versions"), {"first_id": before, "run_id": run_id})
    con.execute(_sql("record_fetches"), [run_id])
    new_documents, changed_documents = con.execute(_sql("version_counts"), [run_id, before]).fetchone()
    summary.new_documents += new_documents
    summary.changed_documents += changed_documents
    con.execute(_sql("touch_last_seen"))
    summary.fetch_errors += con.execute(_sql("insert_fetch_errors"), [run_id]).fetchone()[0]


def load_sources(con: duckdb.DuckDBPyConnection) -> None:
    """Mirror the sources registry so documents can be joined to the site they came from."""
    try:
        from spiders.sources import read_sources

        sources = read_sources()
    except (ImportError, FileNotFoundError):
        return
    con.execute("DELETE FROM sources")
    if sources:
        insert_rows(con, "sources", [[s.id, s.kind, s.name, s.base_url, list(s.org_codes), s.enabled] for s in sources])


def load_feeds(
    paths: DataPaths,
    feed_files: Iterable[Path],
    run_id: str,
    parse: PageParser | None = None,
    derive: bool = True,
    parse_pages: bool = True,
) -> LoadSummary:
    """Load feeds into the working warehouse: idempotent, versioned, parsed, then derived.

    Loading the same feed twice adds nothing; a page whose content changed becomes a new version of its
    document; a fetch of unchanged content (same sha256) stores nothing new. `parse` replaces the project's
    parsers (tests, benchmarks); `parse_pages=False` leaves new documents unparsed until the next load or reparse
    (benchmarks). Call `warehouse.publish.publish(paths)` afterwards to let readers see it.
    """
    from warehouse.derive import rebuild

    started = time.perf_counter()
    summary = LoadSummary(run_id=run_id)
    with working(paths.working_db) as con:
        ensure_run(con, run_id)
        load_sources(con)
        for feed in feed_files:
            con.execute("BEGIN TRANSACTION")
            try:
                ingest_feed(con, Path(feed), run_id, summary)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        if parse_pages:
            unparsed = con.execute(_sql("unparsed_documents")).fetchall()
            figures = parse_documents(con, paths.raw_store, unparsed, parse)
            summary.parsed, summary.parse_errors = figures.parsed, figures.errors
        if derive:
            changes = rebuild(con, run_id=run_id, register=register_for(paths))
            summary.new_facts, summary.changed_facts = changes.new_facts, changes.changed_facts
        refresh_run_figures(con, run_id)
    summary.seconds = time.perf_counter() - started
    return summary


def register_for(paths: DataPaths):
    """The shipped register, with the refresh `ccgwatch register update` keeps in the data directory if any."""
    from parsers.register import load_register, overlay_path

    overlay = overlay_path(paths.root)
    return load_register(overlay if overlay.exists() else None)


def feed_files_in(paths: DataPaths) -> list[Path]:
    """Every feed the spiders wrote, oldest first (run ids sort by time)."""
    return sorted(paths.feeds.glob("*.jsonl")) if paths.feeds.exists() else []


def reparse(paths: DataPaths, parse: PageParser | None = None, run_id: str | None = None) -> LoadSummary:
    """Re-run the parsers over every stored raw page and rebuild derived tables, without the network."""
    from warehouse.derive import rebuild
    from warehouse.runs import new_run_id

    started = time.perf_counter()
    summary = LoadSummary(run_id=run_id or f"reparse-{new_run_id()}")
    with working(paths.working_db) as con:
        # recorded as a run that fetched nothing, so `changes --since` and `runs` know it
        ensure_run(con, summary.run_id)
        documents = con.execute(_sql("all_documents")).fetchall()
        figures = parse_documents(con, paths.raw_store, documents, parse)
        summary.parsed, summary.parse_errors = figures.parsed, figures.errors
        changes = rebuild(con, run_id=summary.run_id, register=register_for(paths))
        summary.new_facts, summary.changed_facts = changes.new_facts, changes.changed_facts
        con.execute(
            "UPDATE crawl_runs SET finished_at = ?, outcome = 'ok', notes = ? WHERE run_id = ?",
            [utc_now(), f"reparse: the parsers re-read {len(documents)} stored pages; nothing was fetched",
             summary.run_id],
        )
    summary.seconds = time.perf_counter() - started
    return summary
