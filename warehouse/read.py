"""Read-only access to the published snapshot: what reports, `ccgwatch sql` and analysts open."""

from __future__ import annotations

import duckdb

from ccgwatch.paths import DataPaths
from warehouse.db import open_database


def connect_published(paths: DataPaths, sandboxed: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the published snapshot read-only; never blocked by a running load, which writes another file.

    `sandboxed` also forbids reading or writing other files (for SQL typed by a user).
    """
    config = {"enable_external_access": False, "lock_configuration": True} if sandboxed else None
    return open_database(paths.published_db, read_only=True, config=config)
