"""`ccgwatch sql`: read-only SQL on the published warehouse snapshot."""

from __future__ import annotations

import argparse

from ccgwatch.commands._warehouse import add_data_argument, add_format_argument, data_paths
from ccgwatch.errors import UserError

HELP = "run read-only SQL on the published warehouse (tables: groupings, events, documents, ...; views: grouping_status)"
EXAMPLE = "ccgwatch sql \"SELECT status, count(*) FROM grouping_status GROUP BY status\" --format csv"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="one SQL statement (SELECT, DESCRIBE, SHOW, ...)")
    add_data_argument(parser)
    add_format_argument(parser)


def run(args: argparse.Namespace) -> int:
    import duckdb  # here, not at the top: every `ccgwatch` start imports each command module

    from reports.output import print_rows
    from warehouse.read import connect_published

    con = connect_published(data_paths(args), sandboxed=True)
    try:
        result = con.execute(args.query)
        columns = [d[0] for d in result.description] if result.description else []
        rows = result.fetchall() if columns else []
    except duckdb.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserError(f"query failed: {first_line}") from None
    finally:
        con.close()
    print_rows(columns, rows, args.format)
    return 0
