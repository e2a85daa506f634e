"""`ccgwatch run`: one full run now — crawl, load, derive, publish — under the run lock."""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ccgwatch import stopping
from ccgwatch.commands._warehouse import add_data_argument
from ccgwatch.config import Config, apply_crawl_environment, load_config
from ccgwatch.errors import UserError
from ccgwatch.logsetup import FILE_ONLY, setup_logging
from ccgwatch.paths import DataPaths, resolve_data_paths
from ccgwatch.runlock import run_lock
from parsers.vocab import SourceKind
from spiders.sources import REGISTRY, Source, read_sources

if TYPE_CHECKING:
    from ccgwatch.pipeline import RunSummary

HELP = "crawl every enabled source now, load what changed and publish the warehouse snapshot"
EXAMPLE = "ccgwatch run --kind moderngov --max-pages 200"

log = logging.getLogger("ccgwatch.run")

DIED_NOTE = "the run's process ended without recording an outcome (killed or crashed)"


class RunFailed(UserError):
    """The run started but did not complete; the message says why in one line."""

    exit_code = 1


class RunInterrupted(UserError):
    """SIGTERM/SIGINT stopped the run; what was fetched is loaded and the run recorded as interrupted."""

    def __init__(self, message: str, signum: int | None) -> None:
        super().__init__(message)
        self.exit_code = stopping.exit_code_for(signum)


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """--data and --config, shared with `crawl` and `schedule`."""
    add_data_argument(parser)
    parser.add_argument(
        "--config", type=Path, default=None, help="config file (default: ccgwatch.toml in the data directory)"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_arguments(parser)
    parser.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    parser.add_argument(
        "--kind", action="append", choices=[kind.value for kind in SourceKind],
        help="only sources of this kind (repeatable)",
    )
    parser.add_argument(
        "--sources-file", type=Path, help="registry CSV (default: the config's, else the shipped one)"
    )
    parser.add_argument("--max-pages", type=int, metavar="N", help="stop each spider after N pages")
    parser.add_argument("--quiet", action="store_true", help="no live progress display (shown on a terminal)")
    parser.add_argument("--verbose", action="store_true", help="debug detail in the log")


def select_sources(
    config: Config,
    source_ids: list[str] | None = None,
    kinds: list[str] | None = None,
    sources_file: Path | None = None,
) -> list[Source]:
    """The sources a run visits: named ones (even if disabled), else the enabled ones of the chosen kinds."""
    registry = sources_file or config.sources_file or REGISTRY
    if not registry.is_file():
        raise UserError(f"no sources registry at {registry}")
    sources = read_sources(registry)
    if source_ids:
        by_id = {source.id: source for source in sources}
        unknown = [source_id for source_id in source_ids if source_id not in by_id]
        if unknown:
            raise UserError(f"unknown source {unknown[0]!r} (see `ccgwatch sources list`)")
        # Naming a source is asking for it: crawl it even if the registry has it switched off.
        return [dataclasses.replace(by_id[source_id], enabled=True) for source_id in source_ids]
    wanted = set(kinds or config.kinds)
    chosen = [s for s in sources if s.enabled and (not wanted or s.kind in wanted)]
    if not chosen:
        of_kind = f" of kind {', '.join(sorted(wanted))}" if wanted else ""
        raise UserError(f"no enabled sources{of_kind} in {registry}")
    return chosen


def _published_outcome(paths: DataPaths, run_id: str) -> str | None:
    from warehouse.read import connect_published

    con = connect_published(paths)
    try:
        row = con.execute("SELECT outcome FROM crawl_runs WHERE run_id = ?", [run_id]).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def _record_outcome(paths: DataPaths, summary: RunSummary, outcome: str, note: str | None = None) -> None:
    """Make the published `crawl_runs` row say how the run ended (unless the pipeline already did)."""
    from warehouse.publish import publish
    from warehouse.runs import finish_run

    if _published_outcome(paths, summary.run_id) == outcome:
        return
    finish_run(paths, summary.run_id, outcome=outcome, notes=note)
    publish(paths)


def _record_failure(paths: DataPaths, reason: str) -> None:
    """Best effort: the warehouse itself may be what failed, and the one-line reason matters more."""
    from warehouse.publish import publish
    from warehouse.runs import OUTCOME_FAILED, OUTCOME_INTERRUPTED, close_open_runs

    try:
        outcome = OUTCOME_INTERRUPTED if stopping.stop_requested() else OUTCOME_FAILED
        if close_open_runs(paths, outcome, reason):
            publish(paths)
    except Exception:  # the failure being reported is the one that counts
        log.debug("could not record the failed run", exc_info=True)


def run_now(
    paths: DataPaths,
    config: Config,
    sources: list[Source],
    max_pages: int | None = None,
    show_progress: bool = False,
) -> RunSummary:
    """Take the run lock and do one full run; raises RunLocked, RunInterrupted or RunFailed.

    Also the scheduler's job body. A stop asked for during the run (SIGTERM/SIGINT) lets the crawl finish
    cleanly, loads and publishes what was fetched, records the run as interrupted and raises RunInterrupted.
    """
    paths.root.mkdir(parents=True, exist_ok=True)
    with run_lock(paths.root):
        # imported under the lock: a refusal needs none of it
        from ccgwatch.pipeline import run_once
        from warehouse.runs import OUTCOME_DIED, OUTCOME_INTERRUPTED, close_open_runs, reopen_interrupted_run

        stopping.reset()
        for run_id in close_open_runs(paths, OUTCOME_DIED, DIED_NOTE):
            log.warning("run %s had died without finishing; recorded as %s", run_id, OUTCOME_DIED)
        apply_crawl_environment(config)
        resume = reopen_interrupted_run(paths)
        log.info(
            "run started: %d sources, data %s%s", len(sources), paths.root,
            f"; resuming the crawl of interrupted run {resume}" if resume else "",
        )
        with stopping.graceful_stop():
            try:
                summary = run_once(
                    paths, sources, max_pages=max_pages or config.max_pages, show_progress=show_progress,
                    **({"run_id": resume} if resume else {}),
                )
            except UserError as error:
                log.error("run failed: %s", error, extra=FILE_ONLY)
                _record_failure(paths, str(error))
                if stopping.stop_requested():
                    raise RunInterrupted(f"run interrupted: {error}", stopping.stop_signal()) from None
                raise RunFailed(f"run failed: {error}") from None
            except Exception as error:  # one line for the operator, the traceback in the log
                log.exception("run failed", extra=FILE_ONLY)
                reason = str(error).splitlines()[0] if str(error) else type(error).__name__
                _record_failure(paths, reason)
                raise RunFailed(f"run failed: {reason} (details in the log)") from None
        if stopping.stop_requested():
            summary.outcome = OUTCOME_INTERRUPTED
            _record_outcome(paths, summary, OUTCOME_INTERRUPTED, "stopped by a signal; the next run resumes")
            message = (
                f"run {summary.run_id} interrupted: loaded {summary.pages} pages fetched before the stop; "
                "the next run resumes the crawl"
            )
            log.warning(message, extra=FILE_ONLY)
            raise RunInterrupted(message, stopping.stop_signal())
        _record_outcome(paths, summary, summary.outcome, "resumed after an interruption" if resume else None)
        log.info(
            "run %s %s: %d pages, %d bytes, %d not modified, errors %s, %d new and %d changed facts",
            summary.run_id, summary.outcome, summary.pages, summary.bytes, summary.not_modified,
            summary.errors_by_kind or "none", summary.new_facts, summary.changed_facts, extra=FILE_ONLY,
        )
        return summary


def run(args: argparse.Namespace) -> int:
    if args.max_pages is not None and args.max_pages < 1:
        raise UserError("--max-pages must be a positive number")
    if args.source and args.kind:
        raise UserError("give --source or --kind, not both")
    paths = resolve_data_paths(args.data)
    config = load_config(paths, args.config)
    sources = select_sources(config, args.source, args.kind, args.sources_file)
    setup_logging(paths, verbose=args.verbose)
    progress = sys.stderr.isatty() and not args.quiet
    summary = run_now(paths, config, sources, max_pages=args.max_pages, show_progress=progress)
    print(
        f"run {summary.run_id} {summary.outcome}: {summary.pages} pages, {summary.bytes} bytes, "
        f"{summary.not_modified} not modified, {summary.new_facts} new and {summary.changed_facts} "
        "changed facts"
    )
    return 0
