"""The national status table: one row per grouping, where it stands and on what evidence."""

from __future__ import annotations

import sys
from typing import TextIO

import duckdb

from ccgwatch.paths import DataPaths
from reports.output import print_rows
from warehouse.read import connect_published

STATUS_COLUMNS = [
    "label", "members", "area", "status", "reported_status", "target_date", "effective_date", "confirmed_by_register",
    "last_evidence", "sources", "source_url", "flags",
]

# Lists come back joined with the unit separator and are split in Python: DuckDB's conversion of list
# columns to Python lists was most of the latency on 10,000 groupings.
SEPARATOR = "\x1f"
STATUS_SQL = """
SELECT label,
       array_to_string(member_codes, chr(31)), array_to_string(member_names, chr(31)),
       area, status, reported_status, target_date, effective_date, confirmed_by_register, last_evidence_date, n_sources,
       source_url, array_to_string(flags, chr(31))
FROM grouping_status
ORDER BY lower(coalesce(area, label)), label
"""


def _split(joined: str | None) -> list[str]:
    return joined.split(SEPARATOR) if joined else []


def status_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Status rows (in STATUS_COLUMNS order) with members as "CODE Name" strings."""
    return [
        (row[0], [f"{code} {name}" for code, name in zip(_split(row[1]), _split(row[2]))], *row[3:12], _split(row[12]))
        for row in con.execute(STATUS_SQL).fetchall()
    ]


def _wanted(row: tuple, status: str | None, place: str | None) -> bool:
    if status and row[3] != status:
        return False
    if place:
        place = place.lower()
        return place in row[0].lower() or place in (row[2] or "").lower() or any(
            place in member.lower() for member in row[1]
        )
    return True


def print_status(
    paths: DataPaths,
    output_format: str = "table",
    out: TextIO | None = None,
    status: str | None = None,
    place: str | None = None,
) -> int:
    """Print the status table from the published snapshot; returns the number of groupings printed.

    `status` keeps one status; `place` keeps groupings whose label, area or a member's code or name contains it.
    """
    con = connect_published(paths)
    try:
        rows = [row for row in status_rows(con) if _wanted(row, status, place)]
    finally:
        con.close()
    if output_format == "table":
        print_rows(TABLE_COLUMNS, [_for_people(r) for r in rows], "table", title=TITLE, out=out or sys.stdout)
    else:
        print_rows(STATUS_COLUMNS, rows, output_format, out=out or sys.stdout)
    return len(rows)


TITLE = "CCG and ICB merger groupings"
TABLE_COLUMNS = ["grouping", "members", "area", "status", "target", "effective", "last evidence", "sources",
                 "source"]


def short_name(name: str) -> str:
    """"NHS East Staffordshire CCG" → "East Staffordshire": the table is read by people, not programs."""
    for prefix in ("NHS ",):
        name = name.removeprefix(prefix)
    for suffix in (" CCG", " Integrated Care Board", " ICB"):
        name = name.removesuffix(suffix)
    return name


def _for_people(row: tuple) -> tuple:
    label, members, area, status, reported, target, effective, confirmed, last, sources, url, flags = row
    shown_members = "\n".join(f"{m.split(' ', 1)[0]} {short_name(m.split(' ', 1)[-1])}" for m in members)
    shown_status = status + (" (register)" if confirmed else "") + (" ⚠ flagged" if flags else "")
    if reported != status:
        shown_status += f"\ndocuments: {reported}"
    return (label, shown_members, area, shown_status, target, effective, last, sources, url)
