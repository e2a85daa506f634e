"""Publishing: copy the working warehouse to a snapshot readers open, swapped in atomically."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from ccgwatch.errors import UserError
from ccgwatch.paths import DataPaths
from warehouse.db import open_database, working


def _check_copy(path: Path) -> None:
    """Open the copy read-only and ask it a question, so a broken file is never published."""
    con = open_database(path, read_only=True)
    try:
        con.execute("SELECT count(*) FROM groupings").fetchone()
    except duckdb.Error as error:
        raise UserError(f"the copy of the working warehouse failed its check: {str(error).splitlines()[0]}") from None
    finally:
        con.close()


def publish(paths: DataPaths) -> Path:
    """Copy working_db → a temp file beside published_db → os.replace, so readers see old or new, never half.

    Call it after the load's connection is closed (the file is checkpointed then). A reader that has the old
    snapshot open keeps reading it; the next connection sees the new one.
    """
    source = paths.working_db
    if not source.exists():
        raise UserError(f"nothing to publish: no working warehouse at {source}; run `ccgwatch load` first")
    target = paths.published_db
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".publish-", suffix=".duckdb", dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        # holding the working file open for writing keeps any other load out while it is copied
        with working(source) as con:
            con.execute("CHECKPOINT")
            shutil.copyfile(source, temp)
        _check_copy(temp)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target
