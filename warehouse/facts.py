"""Per-document facts as the derive step reads them: claims, events, partial dates and the register."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import duckdb

from parsers.vocab import Status
from warehouse.bulk import insert_rows
from warehouse.db import get_meta, set_meta
from warehouse.queries import query


def _sql(name: str) -> str:
    return query("derive.sql", name)


def partial_date_start(value: str | None) -> dt.date | None:
    """First day of a partial date: "2020" → 2020-01-01, "2020-04" → 2020-04-01."""
    if not value:
        return None
    parts = value.split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def partial_date_end(value: str | None) -> dt.date | None:
    """Last day of a partial date: "2020" → 2020-12-31, "2020-04" → 2020-04-30."""
    start = partial_date_start(value)
    if start is None:
        return None
    precision = len(value.split("-"))
    if precision == 1:
        return dt.date(start.year, 12, 31)
    if precision == 2:
        following = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return start


def precision_of(value: str | None) -> str | None:
    if not value:
        return None
    return {1: "year", 2: "month"}.get(len(value.split("-")), "day")


def short_hash(*parts: object) -> str:
    return hashlib.sha1("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:12]


def one_line(text: str | None) -> str | None:
    """Names found in PDFs can carry line breaks; a label never should."""
    return " ".join(text.split()) if text else text


def source_of(source_id: str | None, url: str) -> str:
    return source_id or urlsplit(url).netloc or url


@dataclass
class Claim:
    """One grouping as one document version describes it."""

    document_id: int
    idx: int
    members: tuple[str, ...]
    member_names: list[str]
    n_stated: int | None
    area: str | None
    successor_name: str | None
    target_date: str | None
    status: str | None
    doc_date: dt.date | None
    url: str
    source: str
    fetched_at: dt.datetime | None
    span: tuple[dt.date, dt.date] | None = None

    @property
    def count(self) -> int | None:
        return self.n_stated or (len(self.members) or None)


@dataclass
class ExtractedEvent:
    document_id: int
    grouping_idx: int | None
    type: str
    date: str | None
    body: str | None
    outcome: str | None
    detail: str | None
    evidence: str | None
    vote: tuple
    doc_date: dt.date | None
    url: str
    source: str
    fetched_at: dt.datetime | None
    capture_time: dt.datetime | None


@dataclass
class DerivedGrouping:
    grouping_id: str
    members: list[str]
    member_names: list[str]
    area: str | None
    successor_name: str | None
    n_stated: int | None
    claims: list[Claim]
    label: str = ""
    status: str = Status.UNKNOWN
    reported_status: str = Status.UNKNOWN  # what the documents say, before the register referees
    target_date: str | None = None
    effective_date: str | None = None
    confirmed_by_register: bool = False
    register_successor: str | None = None
    rounds: int = 1
    flags: list[str] = field(default_factory=list)
    flag_rows: list[tuple] = field(default_factory=list)
    source_url: str | None = None
    events: list[dict] = field(default_factory=list)


@dataclass
class Organisations:
    """The register as the warehouse holds it: name, kind, closing date and successor by code."""

    rows: dict[str, tuple] = field(default_factory=dict)

    def name(self, code: str) -> str | None:
        row = self.rows.get(code)
        return row[0] if row else None

    def kind(self, code: str) -> str | None:
        row = self.rows.get(code)
        return row[1] if row else None

    def closed(self, code: str) -> dt.date | None:
        row = self.rows.get(code)
        return row[2] if row else None

    def successor(self, code: str) -> str | None:
        row = self.rows.get(code)
        return row[3] if row else None

    def footprint(self, code: str) -> str | None:
        row = self.rows.get(code)
        return row[4] if row else None


def read_claims(con: duckdb.DuckDBPyConnection) -> tuple[list[Claim], list[ExtractedEvent]]:
    claims = [
        Claim(r[0], r[1], tuple(dict.fromkeys(r[2] or [])), [one_line(n) for n in r[3] or []], r[4], one_line(r[5]),
              one_line(r[6]), r[7], r[8],
              r[9], r[10], source_of(r[11], r[10]), r[12])
        for r in con.execute(_sql("claims")).fetchall()
    ]
    events = [
        ExtractedEvent(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], tuple(r[8:15]), r[15], r[16],
                       source_of(r[17], r[16]), r[18], r[19])
        for r in con.execute(_sql("extracted_events")).fetchall()
    ]
    return claims, events


def read_organisations(con: duckdb.DuckDBPyConnection) -> Organisations:
    rows = con.execute("SELECT code, name, kind, closed, successor, footprint_name FROM organisations").fetchall()
    return Organisations({r[0]: r[1:] for r in rows})


def load_register_tables(con: duckdb.DuckDBPyConnection, register=None) -> bool:
    """Refresh organisations, org_aliases and footprints from the shipped register (parsers.register)."""
    if register is None:
        try:
            from parsers.register import load_register
        except ImportError:
            return False
        register = load_register()
    organisations = register.organisations
    organisations = list(organisations.values()) if isinstance(organisations, dict) else list(organisations)
    aliases = list(getattr(register, "aliases", ()) or ())
    fingerprint = hashlib.sha256(repr((organisations, aliases)).encode()).hexdigest()
    if get_meta(con, "register_sha256") == fingerprint:
        return True  # the register tables already hold this register
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("organisations", "org_aliases", "footprints"):
            con.execute(f"DELETE FROM {table}")  # table names are constants, never input
        insert_rows(
            con, "organisations",
            [[o.code, o.name, str(o.kind), o.ons_code, o.opened, o.closed, o.successor, o.footprint_code,
              o.footprint_name] for o in organisations],
        )
        if aliases:
            insert_rows(
                con, "org_aliases",
                [[a.code, a.alias, a.kind, getattr(a, "valid_from", None), getattr(a, "valid_to", None)]
                 for a in aliases],
            )
        con.execute(_sql("footprints"))
        set_meta(con, "register_sha256", fingerprint)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return True
