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
    """Tracebacks go to the log file only; on the console the failing command's own one line says why."""
    return record.exc_info is None and not getattr(record, "file_only", False)


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
        console_handler.setFormatter(logging.Formatter(CONSOLE_FORMAT, datefmt="%H:%M:%S"))
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
