"""Logging for unattended runs: a rotating file under `<data>/logs/` and short lines on the console."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from ccgwatch.paths import DataPaths

LOG_NAME = "ccgwatch.log"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 8  # about two months of weekly runs' worth, at the usual size

FILE_FORMAT = "%(asctime)s %(levelname)-7s %(process)d %(name)s: %(message)s"
CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(message)s"

# Handlers this module installed, so a second call (tests, a scheduler job) replaces rather than doubles them.
_installed: list[logging.Handler] = []


# `log.warning(..., extra=FILE_ONLY)`: for a line the command is about to print as its own last word anyway.
FILE_ONLY = {"file_only": True}


def _for_console(record: logging.LogRecord) -> bool:
    return not getattr(record, "file_only", False)


class _BriefFormatter(logging.Formatter):
    """One line per record on the console; tracebacks go to the log file only."""

    def format(self, record: logging.LogRecord) -> str:
        brief = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None, "stack_info": None})
        line = super().format(brief)
        return f"{line} (traceback in the log file)" if record.exc_info else line


def log_file(paths: DataPaths) -> Path:
    return paths.logs / LOG_NAME


def reset_logging() -> None:
    """Take our handlers off again (a long-lived process switching data directories, or tests)."""
    for handler in _installed:
        for name in ("ccgwatch", "apscheduler"):
            logging.getLogger(name).removeHandler(handler)
        handler.close()
    _installed.clear()
    for name in ("ccgwatch", "apscheduler"):
        logging.getLogger(name).propagate = True


def setup_logging(paths: DataPaths, console: bool = True, verbose: bool = False) -> Path:
    """Send `ccgwatch.*` and `apscheduler.*` records to the log file (and stderr); returns the file's path."""
    paths.logs.mkdir(parents=True, exist_ok=True)
    path = log_file(paths)
    reset_logging()

    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
    file_handler.setLevel(logging.DEBUG if verbose else logging.INFO)
    _installed.append(file_handler)
    if console:
        console_handler = logging.StreamHandler(sys.stderr)
        console_handler.setFormatter(_BriefFormatter(CONSOLE_FORMAT, datefmt="%H:%M:%S"))
        console_handler.addFilter(_for_console)
        console_handler.setLevel(logging.DEBUG if verbose else logging.INFO)
        _installed.append(console_handler)

    for name in ("ccgwatch", "apscheduler"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG if verbose else logging.INFO)
        logger.propagate = False  # the root logger may carry Scrapy's or pytest's handlers
        for handler in _installed:
            logger.addHandler(handler)
    # APScheduler is chatty at INFO ("Added job", "Running job"); its warnings and errors still matter.
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if verbose else logging.WARNING)
    return path
