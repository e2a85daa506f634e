"""Graceful stop on SIGTERM/SIGINT: remember that a stop was asked for and pass it on to the crawl subprocess.

Scrapy stops cleanly on its first SIGTERM/SIGINT (requests in flight finish, the feed is closed, JOBDIR keeps
the queue for next time) and hard on the second, so each signal we receive is forwarded once — except a
terminal's Ctrl-C, which the terminal already delivered to every process in our foreground group.
A run in progress checks `stop_requested()` after the crawl to load what was fetched and record itself as
interrupted. Forwarding finds our children through /proc (Linux), so it needs nothing from the crawl runner.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger("ccgwatch.stopping")

_stop = threading.Event()
_signals_seen: list[int] = []
_on_stop: list[Callable[[int], None]] = []


def stop_requested() -> bool:
    return _stop.is_set()


def stop_signal() -> int | None:
    """The first signal that asked us to stop, if any."""
    return _signals_seen[0] if _signals_seen else None


def reset() -> None:
    """Forget an earlier stop (a long-lived process, or tests, starting afresh)."""
    _stop.clear()
    _signals_seen.clear()


def child_pids(parent: int | None = None) -> list[int]:
    """Direct children of a process, read from /proc; empty where /proc is absent."""
    parent = os.getpid() if parent is None else parent
    children = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        # The command name (field 2) is in parentheses and may contain spaces; fields after it are fixed.
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and fields[1] == str(parent):
            children.append(int(entry.name))
    return children


def _terminal_delivered_to_group(signum: int) -> bool:
    """Ctrl-C reaches the whole foreground process group; don't send a second (forcing) SIGINT."""
    if signum != signal.SIGINT:
        return False
    try:
        return os.tcgetpgrp(sys.stdin.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


def forward(signum: int) -> list[int]:
    """Send `signum` to our children that have not already received it; returns their pids."""
    same_group_got_it = _terminal_delivered_to_group(signum)
    our_group = os.getpgrp()
    sent = []
    for pid in child_pids():
        try:
            if same_group_got_it and os.getpgid(pid) == our_group:
                continue
            os.kill(pid, signum)
            sent.append(pid)
        except ProcessLookupError:
            continue
    return sent


def request_stop(signum: int) -> None:
    """What a handler does: note the stop, forward it, and tell whoever registered with `on_stop`."""
    first = not _stop.is_set()
    _signals_seen.append(signum)
    _stop.set()
    forwarded = forward(signum)
    name = signal.Signals(signum).name
    if first:
        log.warning("%s received: finishing the crawl cleanly, then loading what was fetched", name)
    else:
        log.warning("%s received again: the crawl is told to stop at once", name)
    if forwarded:
        log.debug("forwarded %s to %s", name, forwarded)
    for callback in _on_stop:
        callback(signum)


def _handle(signum: int, frame: object) -> None:
    # A third signal means "now": give up on the graceful path.
    if len(_signals_seen) >= 2:
        raise KeyboardInterrupt
    request_stop(signum)


@contextlib.contextmanager
def graceful_stop(on_stop: Callable[[int], None] | None = None) -> Iterator[None]:
    """Within the block SIGTERM/SIGINT request a graceful stop instead of killing us.

    Signal handlers can only be installed from the main thread; elsewhere (a scheduler worker) the block
    relies on the main thread's handlers and only registers `on_stop`.
    """
    if on_stop is not None:
        _on_stop.append(on_stop)
    installed: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            installed[signum] = signal.signal(signum, _handle)
    try:
        yield
    finally:
        for signum, previous in installed.items():
            signal.signal(signum, previous)
        if on_stop is not None:
            _on_stop.remove(on_stop)


def exit_code_for(signum: int | None) -> int:
    """The shell convention: 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM)."""
    return 128 + signum if signum else 1
