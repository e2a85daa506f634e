"""The run lock: a second run refuses while one holds it, and a dead holder's lock is taken over."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ccgwatch.runlock import RunLock, RunLocked, read_holder

REPO = Path(__file__).resolve().parents[1]

# A process that takes the lock, says so on stdout, then waits until its stdin closes.
HOLDER = """
import sys
from pathlib import Path
from ccgwatch.runlock import RunLock
lock = RunLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
sys.stdin.read()
lock.release()
"""


def start_holder(lock_path: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline().strip() == "locked"  # blocks until the lock is held: no sleeping
    return holder


def test_lock_writes_pid_and_start_time_and_removes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "run.lock"
    with RunLock(path) as lock:
        assert lock.held
        pid, started = read_holder(path)
        assert pid == os.getpid()
        assert started is not None and started.endswith("Z") and len(started) == len("2026-11-23T01:00:00Z")
    assert not path.exists()
    assert not lock.held


def test_second_run_refuses_while_a_live_process_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "run.lock"
    holder = start_holder(path)
    try:
        with pytest.raises(RunLocked) as refused:
            RunLock(path).acquire()
        message = str(refused.value)
        assert message.startswith(f"another ccgwatch run is in progress (pid {holder.pid}, started ")
        assert refused.value.exit_code == 3
    finally:
        holder.communicate("")
    with RunLock(path):  # released when the holder let go
        assert read_holder(path)[0] == os.getpid()


def test_lock_of_a_killed_holder_is_released_by_the_os_and_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "run.lock"
    holder = start_holder(path)
    holder.kill()
    holder.wait()
    assert read_holder(path)[0] == holder.pid  # the dead holder's file is still there
    with RunLock(path):
        assert read_holder(path)[0] == os.getpid()


def test_stale_file_from_a_dead_pid_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "run.lock"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], check=True, capture_output=True, text=True
    )
    path.write_text(f"{dead.stdout.strip()} 2026-11-16T02:00:00Z\n")
    with RunLock(path):
        assert read_holder(path)[0] == os.getpid()


def test_the_cli_refuses_a_second_run_with_one_line(tmp_path: Path) -> None:
    holder = start_holder(tmp_path / "run.lock")
    try:
        refused = subprocess.run(
            [sys.executable, "-m", "ccgwatch", "run", "--data", str(tmp_path)],
            check=False, capture_output=True, text=True, cwd=REPO, timeout=60,
        )
    finally:
        holder.communicate("")
    assert refused.returncode == 3
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert lines[0].startswith(f"ccgwatch: another ccgwatch run is in progress (pid {holder.pid}, started ")
