"""Where ccgwatch keeps its files: one data directory holding the warehouse, raw pages, feeds and logs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def working_db(self) -> Path:
        """The warehouse the load step writes; only one writer at a time."""
        return self.root / "work.duckdb"

    @property
    def published_db(self) -> Path:
        """The read-only snapshot analysts and reports open; swapped in atomically after each load."""
        return self.root / "ccgwatch.duckdb"

    @property
    def raw_store(self) -> Path:
        return self.root / "raw"

    @property
    def feeds(self) -> Path:
        return self.root / "feeds"

    @property
    def http_cache(self) -> Path:
        return self.root / "httpcache"

    @property
    def jobs(self) -> Path:
        return self.root / "jobs"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def exports(self) -> Path:
        return self.root / "exports"


def resolve_data_paths(root: Path | None = None) -> DataPaths:
    """The data directory given on the command line, else $CCGWATCH_HOME, else ./data."""
    return DataPaths(Path(root if root is not None else os.environ.get("CCGWATCH_HOME", "data")).resolve())
