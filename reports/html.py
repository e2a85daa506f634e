"""The static HTML report: the national table, the 2017–2027 timeline chart, and one page per grouping."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from ccgwatch.errors import UserError
from reports.chart import build_chart
from reports.status import short_name

GROUPINGS = """
SELECT grouping_id, label, member_codes, member_names, area, successor_name, status, reported_status, target_date,
       effective_date,
       confirmed_by_register, last_evidence_date, n_sources, source_url, rounds, flags
FROM grouping_status
ORDER BY coalesce(effective_date, target_date, '9999') , label
"""

EVENTS = """
SELECT grouping_id, date, date_start, round, type, body, outcome, detail, evidence, source_url, fetched_at,
       capture_time, document_id
FROM grouping_timeline
ORDER BY grouping_id, date_start NULLS LAST, date
"""

DOCUMENTS = """
SELECT gd.grouping_id, d.url, d.version, d.title, d.published, d.fetched_at, d.capture_time, d.source_id
FROM grouping_documents AS gd JOIN documents AS d USING (document_id)
ORDER BY gd.grouping_id, d.published NULLS LAST, d.url, d.version
"""


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    result = con.execute(sql)
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row)) for row in result.fetchall()]


def page_name(grouping_id: str) -> str:
    return f"groupings/{grouping_id}.html"


def write_report(con: duckdb.DuckDBPyConnection, out_dir: Path) -> Path:
    """Render index.html and groupings/<id>.html into out_dir; returns the index path."""
    groupings = _records(con, GROUPINGS)
    events = _records(con, EVENTS)
    documents = _records(con, DOCUMENTS)
    as_of = con.execute("SELECT max(fetched_at) FROM documents").fetchone()[0]
    events_by_grouping: dict[str, list[dict]] = {}
    for event in events:
        events_by_grouping.setdefault(event["grouping_id"], []).append(event)
    documents_by_grouping: dict[str, list[dict]] = {}
    for document in documents:
        documents_by_grouping.setdefault(document["grouping_id"], []).append(document)
    for grouping in groupings:
        grouping["href"] = page_name(grouping["grouping_id"])
        grouping["members"] = [
            {"code": code, "name": name, "short": short_name(name)}
            for code, name in zip(grouping["member_codes"], grouping["member_names"])
        ]
    status_counts: dict[str, int] = {}
    for grouping in groupings:
        status_counts[grouping["status"]] = status_counts.get(grouping["status"], 0) + 1
    environment = Environment(
        loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html"]), trim_blocks=True,
        lstrip_blocks=True,
    )
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    try:
        (out_dir / "groupings").mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create {out_dir}: {error.strerror}") from None
    static = Path(__file__).with_name("templates") / "report.css"
    shutil.copyfile(static, out_dir / "report.css")
    chart = build_chart(groupings, events_by_grouping)
    index = out_dir / "index.html"
    index.write_text(
        environment.get_template("index.html").render(
            groupings=groupings, chart=chart, generated=generated, as_of=as_of, status_counts=status_counts,
            root="",
        ),
        encoding="utf-8",
    )
    page = environment.get_template("grouping.html")
    for grouping in groupings:
        gid = grouping["grouping_id"]
        single = build_chart([{**grouping, "href": "#"}], events_by_grouping)
        (out_dir / page_name(gid)).write_text(
            page.render(
                grouping=grouping, events=events_by_grouping.get(gid, []), documents=documents_by_grouping.get(gid, []),
                chart=single, generated=generated, as_of=as_of, root="../",
            ),
            encoding="utf-8",
        )
    return index
