"""Recovering from a damaged working warehouse without losing anything: the snapshot plus the kept feeds."""

from __future__ import annotations

import shutil
from pathlib import Path

from ccgwatch.paths import DataPaths
from warehouse.db import WarehouseCorrupt, connect_working, open_database
from warehouse.runs import new_run_id


def _readable(path: Path) -> bool:
    try:
        open_database(path, read_only=True).close()
    except WarehouseCorrupt:
        return False
    return True


def recover_working(paths: DataPaths) -> str:
    """Set a damaged working file aside and start again from the last published snapshot (or empty).

    Nothing is lost: raw pages and feeds are kept on disk, and loading every feed again is idempotent, so the
    caller reloads them all afterwards. Returns one line saying what was done. A file in use is left alone.
    """
    working = paths.working_db
    if not working.exists():
        return "no working warehouse yet; a new one will be created"
    try:
        connect_working(working).close()
        return f"the working warehouse {working} is readable; nothing to recover"
    except WarehouseCorrupt:
        pass
    aside = working.with_name(f"{working.stem}.damaged-{new_run_id()}{working.suffix}")
    working.rename(aside)
    wal = working.with_name(working.name + ".wal")
    if wal.exists():
        wal.rename(aside.with_name(aside.name + ".wal"))
    if paths.published_db.exists() and _readable(paths.published_db):
        shutil.copyfile(paths.published_db, working)
        return f"set the damaged {working.name} aside as {aside.name}; restarted from the published snapshot"
    return f"set the damaged {working.name} aside as {aside.name}; restarted from an empty warehouse"
