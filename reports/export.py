"""Exports for journalists and analysts: groupings, events, documents and organisations with a datapackage.json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from ccgwatch.errors import UserError
from reports.output import write_csv, write_json

EXPORTS = {
    "groupings": ("export_groupings", "Merger groupings: members, status, dates and the source behind the status",
                  ["grouping_id"]),
    "events": ("export_events", ("Dated events of each grouping, each with its evidence sentence, source URL and "
               "fetch date"), ["event_id"]),
    "documents": ("export_documents", "Every version of every page fetched (text not included)", ["document_id"]),
    "organisations": ("export_organisations", "The register of CCGs and ICBs (NHS ODS)", ["code"]),
}
FORMATS = ("csv", "parquet", "json")

# DuckDB type → Frictionless Table Schema type
FIELD_TYPES = {
    "VARCHAR": "string", "INTEGER": "integer", "BIGINT": "integer", "HUGEINT": "integer", "DOUBLE": "number",
    "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "datetime",
}


def _fields(con: duckdb.DuckDBPyConnection, view: str) -> list[dict]:
    rows = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
        [view],
    ).fetchall()
    fields = []
    for name, data_type, comment in rows:
        field = {"name": name, "type": FIELD_TYPES.get(data_type, "string")}
        if field["type"] == "datetime":
            field["format"] = "any"
        if comment:
            field["description"] = comment
        fields.append(field)
    return fields


def _quoted_path(path: Path) -> str:
    """A file path as a SQL string literal (COPY takes no parameters for its target)."""
    return "'" + str(path).replace("'", "''") + "'"


def export(con: duckdb.DuckDBPyConnection, out_dir: Path, output_format: str = "csv") -> Path:
    """Write every export table in `output_format` and a datapackage.json describing them; returns its path."""
    if output_format not in FORMATS:
        raise UserError(f"unknown export format {output_format!r}; choose one of {', '.join(FORMATS)}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create {out_dir}: {error.strerror}") from None
    resources = []
    for name, (view, title, key) in EXPORTS.items():
        path = out_dir / f"{name}.{output_format}"
        if output_format == "parquet":
            con.execute(f"COPY (SELECT * FROM {view}) TO {_quoted_path(path)} (FORMAT parquet)")
            resource = {"format": "parquet", "mediatype": "application/vnd.apache.parquet"}
        else:
            result = con.execute(f"SELECT * FROM {view}")  # view names are constants above
            columns = [d[0] for d in result.description]
            rows = result.fetchall()
            if output_format == "csv":
                # utf-8-sig: the byte order mark makes spreadsheets read the file as UTF-8
                with open(path, "w", encoding="utf-8-sig", newline="") as handle:
                    write_csv(columns, rows, handle, safe=True)
                resource = {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
                            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True}}
            else:
                with open(path, "w", encoding="utf-8") as handle:
                    write_json(columns, rows, handle)
                resource = {"format": "json", "mediatype": "application/json", "encoding": "utf-8"}
        resources.append({
            "name": name, "path": path.name, "profile": "tabular-data-resource", "title": title, **resource,
            "schema": {"fields": _fields(con, view), "primaryKey": key},
        })
    package = {
        "profile": "tabular-data-package",
        "name": "ccgwatch-mergers",
        "title": "Mergers of NHS commissioning organisations in England (CCGs 2013-2022, ICBs from 2022)",
        "description": "Groupings of CCGs and ICBs proposed to merge, each event with the sentence that states it "
                       "and the page it came from. Text cells that begin with = + - or @ carry a leading "
                       "apostrophe in CSV files so spreadsheets do not run them as formulas.",
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "homepage": "https://github.com/ccgwatch/ccgwatch",
        "licenses": [{"name": "OGL-UK-3.0", "title": "Open Government Licence v3.0 (register data)",
                      "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}],
        "resources": resources,
    }
    target = out_dir / "datapackage.json"
    target.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
