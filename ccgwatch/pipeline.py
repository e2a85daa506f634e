"""One full run: crawl the sources, load what was fetched, derive and reconcile, publish, write the outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ccgwatch.crawling import run_crawl
from ccgwatch.paths import DataPaths
from reports.changes import changes_since, write_atom
from reports.export import export
from spiders.sources import Source, read_sources
from warehouse.load import load_feeds
from warehouse.publish import publish
from warehouse.read import connect_published
from warehouse.runs import finish_run, new_run_id


@dataclass
class RunSummary:
    run_id: str
    started: datetime
    finished: datetime | None = None
    outcome: str = "running"
    pages: int = 0
    bytes: int = 0
    not_modified: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    new_facts: int = 0
    changed_facts: int = 0


def run_once(
    paths: DataPaths,
    sources: list[Source] | None = None,
    max_pages: int | None = None,
    show_progress: bool = False,
    run_id: str | None = None,
    redis_url: str | None = None,
) -> RunSummary:
    """Crawl, then load and publish; the warehouse is written only during the short load step."""
    started = datetime.now(UTC)
    # Passing the id of an interrupted run resumes its crawl: same JOBDIR, same feeds (loading is idempotent).
    summary = RunSummary(run_id=run_id or new_run_id(started), started=started)
    enabled = [source for source in (sources if sources is not None else read_sources()) if source.enabled]
    crawl = run_crawl(
        enabled, paths, summary.run_id, max_pages=max_pages, show_progress=show_progress, redis_url=redis_url
    )
    loaded = load_feeds(paths, crawl.feed_files, summary.run_id)
    summary.finished = datetime.now(UTC)
    summary.outcome = "ok"
    summary.pages = crawl.pages
    summary.bytes = crawl.bytes
    summary.not_modified = crawl.not_modified
    summary.errors_by_kind = dict(crawl.errors_by_kind)
    summary.new_facts = loaded.new_facts
    summary.changed_facts = loaded.changed_facts
    finish_run(
        paths, summary.run_id, outcome=summary.outcome, pages=summary.pages, bytes_fetched=summary.bytes,
        not_modified=summary.not_modified, errors_by_kind=summary.errors_by_kind,
    )
    publish(paths)
    write_outputs(paths, summary)
    return summary


def write_outputs(paths: DataPaths, summary: RunSummary) -> None:
    """Refresh the CSV exports and write the Atom feed of facts this run added or changed."""
    since = summary.started.replace(tzinfo=None, microsecond=0).isoformat()
    con = connect_published(paths)
    try:
        export(con, paths.exports / "csv", "csv")
        write_atom(changes_since(con, since), paths.exports / "changes.atom", since)
    finally:
        con.close()
