"""Opening warehouse files: the working database (migrated on open) and clear errors for locked or bad files."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

from ccgwatch.errors import UserError

MIGRATIONS_PACKAGE = "warehouse.migrations"


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every `NNN_name.sql` file shipped in warehouse/migrations, in order."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        match = re.fullmatch(r"(\d{3})_(\w+)\.sql", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def views_sql() -> str:
    return resources.files("warehouse").joinpath("views.sql").read_text(encoding="utf-8")


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    try:
        return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
    except duckdb.CatalogException:
        return 0


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply every migration newer than the file's schema version, then (re)create the views."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
    )
    current = schema_version(con)
    for version, name, sql in migrations():
        if version <= current:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        current = version
    # Views carry no data, so they are replaced whenever the code that defines them changed.
    views = views_sql()
    fingerprint = hashlib.sha256(views.encode()).hexdigest()
    if get_meta(con, "views_sha256") != fingerprint:
        con.execute(views)
        set_meta(con, "views_sha256", fingerprint)
    return current


def get_meta(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM warehouse_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("INSERT OR REPLACE INTO warehouse_meta VALUES (?, ?)", [key, value])


class WarehouseLocked(UserError):
    """Another process has the file open for writing."""


class WarehouseCorrupt(UserError):
    """The file is not a readable DuckDB database."""


def _explain(error: Exception, path: Path) -> UserError:
    """One readable line for the ways opening a warehouse file fails."""
    message = str(error)
    lowered = message.lower()
    if "lock" in lowered or "conflicting" in lowered:
        return WarehouseLocked(
            f"the warehouse {path} is in use by another process (a load is running); try again shortly"
        )
    if "not a valid duckdb" in lowered or "corrupt" in lowered or "invalid" in lowered or "magic" in lowered:
        hint = "; `ccgwatch load --recover` rebuilds it" if path.name == "work.duckdb" else ""
        return WarehouseCorrupt(f"the warehouse {path} is not a readable DuckDB file (corrupt or wrong format){hint}")
    first_line = message.strip().splitlines()[0] if message.strip() else type(error).__name__
    return UserError(f"cannot open the warehouse {path}: {first_line}")


def open_database(path: Path, read_only: bool = False, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file, turning lock and corruption errors into a one-line UserError."""
    if read_only and not path.exists():
        raise UserError(f"no published warehouse at {path}; run `ccgwatch load` (or `ccgwatch demo`) first")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config or {})
    except (duckdb.Error, OSError) as error:
        raise _explain(error, path) from None


def connect_working(path: Path) -> duckdb.DuckDBPyConnection:
    """Open (creating or upgrading) the working warehouse for writing."""
    con = open_database(path)
    try:
        con.execute("SET TimeZone = 'UTC'")  # feed times without an offset are UTC, whatever the host says
        migrate(con)
    except duckdb.Error as error:
        con.close()
        raise _explain(error, path) from None
    return con


@contextmanager
def working(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The working warehouse for one short write; checkpointed on close so the file is whole for copying."""
    con = connect_working(path)
    try:
        yield con
        con.execute("CHECKPOINT")
    finally:
        con.close()
