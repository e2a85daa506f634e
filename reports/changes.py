"""New and changed facts since a date or a run, as rows and as an Atom feed for people who want to be told."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb

from ccgwatch.errors import UserError

CHANGES_COLUMNS = ["seen_at", "run_id", "change", "kind", "grouping", "summary", "source_url"]

CHANGES = """
SELECT f.seen_at, f.run_id, f.change, f.kind, coalesce(g.label, f.grouping_id), f.summary, f.source_url, f.fact_key
FROM fact_log AS f LEFT JOIN groupings AS g USING (grouping_id)
WHERE f.seen_at > ?
ORDER BY f.seen_at, f.kind DESC, f.summary
"""

# The end of a run: the last fact it logged or when it finished; reparse runs exist in fact_log only.
RUN_END = """
SELECT greatest(
    (SELECT max(seen_at) FROM fact_log WHERE run_id = $run),
    (SELECT max(coalesce(finished_at, started_at)) FROM crawl_runs WHERE run_id = $run)
)
"""

ATOM = "http://www.w3.org/2005/Atom"


def since_moment(con: duckdb.DuckDBPyConnection, since: str) -> dt.datetime:
    """The moment after which facts count as new: a date (YYYY-MM-DD), a date and time, or a run id."""
    since = since.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
        return dt.datetime.fromisoformat(since)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?Z?", since):
        return dt.datetime.fromisoformat(since.removesuffix("Z"))
    row = con.execute(RUN_END, {"run": since}).fetchone()
    if row is None or row[0] is None:
        raise UserError(f"--since {since!r} is neither a date (YYYY-MM-DD) nor a run id (see `ccgwatch runs`)")
    return row[0]


def changes_since(con: duckdb.DuckDBPyConnection, since: str) -> list[tuple]:
    """Facts first seen (or changed) after `since`: (seen_at, run_id, change, kind, grouping, summary, url, key)."""
    return con.execute(CHANGES, [since_moment(con, since)]).fetchall()


def _stamp(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def write_atom(rows: list[tuple], target: Path, since: str) -> Path:
    """An Atom feed with one entry per new or changed fact, linking to the page that states it."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"ccgwatch: CCG and ICB merger facts new or changed since {since}"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = "tag:ccgwatch,2026:changes"
    newest = max((row[0] for row in rows), default=dt.datetime.now(dt.UTC).replace(tzinfo=None))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "ccgwatch"
    for seen_at, run_id, change, kind, grouping, summary, url, key in rows:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{change}: {summary}"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"tag:ccgwatch,2026:{key}:{_stamp(seen_at)}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(seen_at)
        if url:
            ET.SubElement(entry, f"{{{ATOM}}}link", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=kind)
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = (
            f"{summary} (grouping: {grouping}; run {run_id or 'reparse'}; source: {url or 'none'})"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(feed).write(target, encoding="utf-8", xml_declaration=True)
    return target
