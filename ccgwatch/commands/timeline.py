"""`ccgwatch timeline GROUPING`: the dated events of one merger grouping, with evidence and sources."""

from __future__ import annotations

import argparse

from ccgwatch.commands._warehouse import add_data_argument, add_format_argument, data_paths

HELP = "the dated events of one grouping (by label, area or any member's ODS code) with evidence and URLs"
EXAMPLE = 'ccgwatch timeline 05D   # or: ccgwatch timeline "Kent and Medway"'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("grouping", help="grouping label (or a unique part), area, member or successor ODS code, or id")
    add_data_argument(parser)
    add_format_argument(parser)


def run(args: argparse.Namespace) -> int:
    from reports.output import print_rows
    from reports.timeline import TIMELINE_COLUMNS, find_grouping, timeline_rows
    from warehouse.read import connect_published

    con = connect_published(data_paths(args))
    try:
        grouping_id, label = find_grouping(con, args.grouping)
        status = con.execute(
            "SELECT status, confirmed_by_register, effective_date, flags FROM grouping_status WHERE grouping_id = ?",
            [grouping_id],
        ).fetchone()
        rows = timeline_rows(con, grouping_id)
    finally:
        con.close()
    if args.format == "table":
        state, confirmed, effective, flags = status
        title = f"{label}: {state}" + (f" on {effective} (confirmed by the register)" if confirmed else "")
        print_rows(TIMELINE_COLUMNS, rows, "table", title=title)
        for flag in flags or []:
            print(f"flagged: {flag}")
    else:
        print_rows(TIMELINE_COLUMNS, rows, args.format)
    return 0
