"""Printing rows for people (a rich table) or programs (CSV, JSON), the same way in every command."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

FORMATS = ("table", "csv", "json")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Defuse spreadsheet formulas: a text cell starting with = + - @ (or tab/CR) gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def plain(value: Any) -> Any:
    """A cell as text/JSON understands it: lists joined, dates in ISO form."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(str(plain(v)) for v in value)
    return value


def json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return value


def write_csv(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO, safe: bool = True) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        cells = [plain(v) for v in row]
        writer.writerow([neutralise(v) for v in cells] if safe else cells)


def write_json(columns: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO) -> None:
    json.dump([{c: json_value(v) for c, v in zip(columns, row)} for row in rows], out, ensure_ascii=False, indent=1)
    out.write("\n")


def print_rows(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    output_format: str = "table",
    title: str | None = None,
    out: TextIO | None = None,
) -> None:
    """Rows as a rich table for people, or as CSV / JSON for programs."""
    out = out or sys.stdout
    if output_format == "csv":
        write_csv(columns, rows, out)
    elif output_format == "json":
        write_json(columns, rows, out)
    else:
        table = Table(title=title, show_lines=True, header_style="bold")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*["" if v is None else str(plain(v)) for v in row])
        console = Console(file=out)
        if not console.is_terminal:
            console = Console(file=out, width=200)  # a pipe or file has no width; don't squeeze into 80
        console.print(table)
