"""One grouping's story: its dated events with outcome, evidence sentence and source URL."""

from __future__ import annotations

import duckdb

from ccgwatch.errors import UserError

TIMELINE_COLUMNS = ["date", "round", "type", "body", "outcome", "detail", "evidence", "source_url", "fetched_at"]

FIND_GROUPINGS = """
SELECT DISTINCT s.grouping_id, s.label
FROM grouping_status AS s JOIN groupings AS g USING (grouping_id)
WHERE s.grouping_id = $wanted
   OR lower(s.label) = lower($wanted)
   OR lower(s.area) = lower($wanted)
   OR list_contains(s.member_codes, upper($wanted))
   OR g.register_successor = upper($wanted)
ORDER BY s.label
"""

FIND_BY_WORDS = """
SELECT grouping_id, label FROM grouping_status
WHERE lower(label) LIKE '%' || lower($wanted) || '%' OR lower(coalesce(area, '')) LIKE '%' || lower($wanted) || '%'
ORDER BY label
"""

TIMELINE = """
SELECT coalesce(date, '(undated)'), round, type, body, outcome, detail, evidence, source_url, fetched_at
FROM grouping_timeline
WHERE grouping_id = ?
ORDER BY date_start NULLS LAST, date NULLS LAST, type
"""


def find_grouping(con: duckdb.DuckDBPyConnection, wanted: str) -> tuple[str, str]:
    """(grouping_id, label) for a label, area, member or successor ODS code, or id; else a unique part of a label."""
    wanted = wanted.strip()
    matches = con.execute(FIND_GROUPINGS, {"wanted": wanted}).fetchall()
    if not matches:
        matches = con.execute(FIND_BY_WORDS, {"wanted": wanted}).fetchall()
    if not matches:
        raise UserError(f"no grouping matches {wanted!r}; `ccgwatch status` lists them")
    if len(matches) > 1:
        labels = "; ".join(label for _, label in matches[:5])
        raise UserError(f"{wanted!r} matches {len(matches)} groupings ({labels}); give a full label or grouping id")
    return matches[0]


def timeline_rows(con: duckdb.DuckDBPyConnection, grouping_id: str) -> list[tuple]:
    return con.execute(TIMELINE, [grouping_id]).fetchall()
