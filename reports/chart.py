"""The timeline chart: one row per grouping, its events placed along 2017–2027, drawn as inline SVG."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

FIRST_YEAR, LAST_YEAR = 2017, 2027
LABEL_WIDTH, PLOT_WIDTH, ROW_HEIGHT, TOP = 300, 760, 24, 34

# colour by what the step means for the merger: forward, backward or neither
EVENT_COLOURS = {
    "proposal": "#6c8ebf", "consultation_start": "#5b9bd5", "consultation_end": "#5b9bd5",
    "public_meeting": "#9dc3e6", "meeting": "#a6a6a6", "member_vote": "#8e6bbf", "governing_body_decision": "#8e6bbf",
    "application": "#f0a030", "approval": "#4caf50", "effective": "#1b5e20", "rejection": "#d32f2f",
    "withdrawal": "#b71c1c", "deferral": "#e57373",
}
NEGATIVE_VOTE_COLOUR = "#d32f2f"
REGISTER_COLOUR = "#003087"


def _first_day(partial: str) -> dt.date | None:
    parts = partial.split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


@dataclass
class Marker:
    x: float
    colour: str
    title: str
    shape: str  # circle; diamond for the day a merger took effect; target for a date aimed at


@dataclass
class Row:
    y: float
    label: str
    href: str
    status: str
    markers: list[Marker] = field(default_factory=list)
    line: tuple[float, float] | None = None


@dataclass
class Chart:
    width: int
    height: int
    label_width: int
    years: list[tuple[int, float]]
    rows: list[Row]
    legend: list[tuple[str, str]]


def x_of(day: dt.date) -> float:
    """Horizontal position of a day; days outside 2017–2027 are pinned to the edges."""
    start, end = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR + 1, 1, 1)
    share = (min(max(day, start), end) - start).days / (end - start).days
    return LABEL_WIDTH + share * PLOT_WIDTH


def build_chart(groupings: list[dict], events_by_grouping: dict[str, list[dict]]) -> Chart:
    """Lay out rows (in the order given) and their event markers."""
    rows = []
    for position, grouping in enumerate(groupings):
        y = TOP + position * ROW_HEIGHT + ROW_HEIGHT / 2
        row = Row(y=y, label=grouping["label"], href=grouping["href"], status=grouping["status"])
        for event in events_by_grouping.get(grouping["grouping_id"], []):
            day = event["date_start"]
            if day is None:
                continue
            colour = EVENT_COLOURS.get(event["type"], "#777777")
            if event["outcome"] == "against":
                colour = NEGATIVE_VOTE_COLOUR
            title = f"{event['date'] or day.isoformat()}: {event['type'].replace('_', ' ')}"
            if event["outcome"]:
                title += f" ({event['outcome']})"
            row.markers.append(Marker(x_of(day), colour, title, "diamond" if event["type"] == "effective" else "circle"))
        if grouping.get("confirmed_by_register") and grouping.get("effective_date"):
            day = dt.date.fromisoformat(grouping["effective_date"])
            row.markers.append(Marker(x_of(day), REGISTER_COLOUR, f"{day.isoformat()}: merged (NHS ODS register)",
                                      "diamond"))
        elif grouping.get("target_date") and grouping["status"] not in ("merged",):
            target = _first_day(grouping["target_date"])
            if target:
                row.markers.append(Marker(x_of(target), "#ffffff", f"{grouping['target_date']}: target date", "target"))
        if row.markers:
            xs = [m.x for m in row.markers]
            row.line = (min(xs), max(xs))
        rows.append(row)
    years = [(year, x_of(dt.date(year, 1, 1))) for year in range(FIRST_YEAR, LAST_YEAR + 2)]
    legend = [(name.replace("_", " "), colour) for name, colour in EVENT_COLOURS.items()]
    height = TOP + max(len(rows), 1) * ROW_HEIGHT + 20
    return Chart(LABEL_WIDTH + PLOT_WIDTH + 20, height, LABEL_WIDTH, years, rows, legend)
