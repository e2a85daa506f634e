"""The run lock: one crawl-and-load at a time per data directory, whoever starts it.

`<data>/run.lock` holds the holder's pid and start time for people to read; the lock itself is an
`fcntl.flock` on the open file, so the operating system releases it when the holder dies, however it dies.
A file left behind by a dead process is simply taken over.
"""

from __future__ import annotations

import fcntl
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from ccgwatch.errors import UserError

log = logging.getLogger("ccgwatch.runlock")


class RunLocked(UserError):
    """Another run holds the lock."""

    exit_code = 3


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def read_holder(path: Path) -> tuple[int | None, str | None]:
    """The pid and start time written in a lock file, or Nones when it is empty or unreadable."""
    try:
        fields = path.read_text(encoding="utf-8").split()
    except OSError:
        return None, None
    pid = int(fields[0]) if fields and fields[0].isdigit() else None
    started = fields[1] if len(fields) > 1 else None
    return pid, started


class RunLock:
    """`with RunLock(paths.root / "run.lock"): ...` — raises RunLocked when a run is already going."""

    def __init__(self, path: Path, holder: str = "ccgwatch run") -> None:
        self.path = path
        self.holder = holder  # what holds it, for the refusal message
        self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            # Kept open (not a with-block) for as long as the lock is held.
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                raise RunLocked(self._refusal()) from None
            # The holder before us may have unlinked the file between our open and our flock; then we
            # locked an orphaned inode and must try again with the file now at the path.
            try:
                same_file = os.stat(self.path).st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same_file = False
            if same_file:
                break
            handle.close()
        stale_pid, _ = read_holder(self.path)
        if stale_pid is not None and stale_pid != os.getpid():
            log.warning("taking over the run lock left by process %s, which is no longer running", stale_pid)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}\n")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is None:
            return
        # Unlink before unlocking, so a file at the path always means "a run holds it, or died holding it".
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None

    def _refusal(self) -> str:
        pid, started = read_holder(self.path)
        if pid is None:
            return f"another {self.holder} is in progress (lock {self.path})"
        detail = f"pid {pid}, started {started}" if started else f"pid {pid}"
        if not pid_alive(pid):
            # Only a child that inherited the lock can keep it after its parent died.
            detail += ", not running: a child process still holds the lock"
        return f"another {self.holder} is in progress ({detail}); lock file {self.path}"

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()


def run_lock(root: Path) -> RunLock:
    return RunLock(root / "run.lock")


def scheduler_lock(root: Path) -> RunLock:
    """One scheduler per data directory: a second would fire each job twice (the run lock refusing one)."""
    return RunLock(root / "scheduler.lock", holder="ccgwatch scheduler")
