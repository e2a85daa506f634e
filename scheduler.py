"""Run ccgwatch on a timetable: an APScheduler cron job, kept in a SQLite job store beside the warehouse.

The job is `scheduled_run`, a module-level function (so the job store can pickle a reference to it) that
calls the same `run_now` as `ccgwatch run`, under the same run lock. Missed runs (the machine was off at
02:00 on Monday) are coalesced into one and still start if they are less than the misfire grace time late.
`ccgwatch schedule` is the front door; `python scheduler.py --data DIR` does the same.
"""

from __future__ import annotations

import logging
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger

from ccgwatch import stopping
from ccgwatch.config import Config, load_config
from ccgwatch.errors import UserError
from ccgwatch.paths import DataPaths
from ccgwatch.runlock import scheduler_lock

JOB_ID = "ccgwatch-run"
JOB_NAME = "ccgwatch weekly run"
STORE_NAME = "scheduler.sqlite"

log = logging.getLogger("ccgwatch.scheduler")

# Held while a scheduled run is in progress, so shutting down can wait for it to finish recording itself.
_job_running = threading.Lock()


def job_store_path(paths: DataPaths) -> Path:
    return paths.root / STORE_NAME


def scheduled_run(data_root: str, config_file: str | None = None) -> str:
    """The scheduled job: one run with the config's sources; returns the outcome (APScheduler logs errors)."""
    from ccgwatch.commands.run import RunInterrupted, run_now, select_sources
    from ccgwatch.runlock import RunLocked

    paths = DataPaths(Path(data_root))
    with _job_running:
        if stopping.stop_requested():  # fired just as the scheduler was told to stop
            return "skipped"
        try:
            config = load_config(paths, Path(config_file) if config_file else None)
            summary = run_now(paths, config, select_sources(config))
        except RunLocked as error:
            # A manual run is going; this week's data will come from it.
            log.warning("scheduled run skipped: %s", error)
            return "skipped"
        except RunInterrupted as error:
            log.warning("scheduled run: %s", error)
            return "interrupted"
        except UserError as error:
            log.error("scheduled run: %s", error)
            return "failed"
        log.info("scheduled run %s finished: %s", summary.run_id, summary.outcome)
        return summary.outcome


def create_scheduler(paths: DataPaths, config: Config, blocking: bool = True) -> BaseScheduler:
    """A scheduler on the persistent job store; one run at a time, missed runs coalesced."""
    paths.root.mkdir(parents=True, exist_ok=True)
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    return scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{job_store_path(paths)}")},
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": config.misfire_grace_time},
        timezone=config.timezone,
    )


def _job_settings(paths: DataPaths, config: Config, trigger: BaseTrigger) -> dict:
    return {
        "kwargs": {"data_root": str(paths.root), "config_file": str(config.path) if config.path else None},
        "trigger_text": f"{trigger} {getattr(trigger, 'timezone', '')}",
        "misfire_grace_time": config.misfire_grace_time,
    }


def _same_job(job: Job, wanted: dict) -> bool:
    return (
        job.func is scheduled_run
        and job.kwargs == wanted["kwargs"]
        and f"{job.trigger} {getattr(job.trigger, 'timezone', '')}" == wanted["trigger_text"]
        and job.misfire_grace_time == wanted["misfire_grace_time"]
    )


def ensure_job(paths: DataPaths, config: Config, trigger: BaseTrigger) -> Job:
    """Write the job to the store before the scheduler starts; returns it with its next run time.

    The stored job is kept when nothing about it changed, so a run missed while the scheduler was down
    (its next run time now in the past) still happens, once, at start. A changed trigger, config file or
    data directory replaces it. The store is edited directly rather than through a started scheduler:
    a scheduler's loop processes due jobs even while it shuts down, which would consume a missed run.
    """
    wanted = _job_settings(paths, config, trigger)
    owner = create_scheduler(paths, config, blocking=True)  # never started; a job needs a scheduler to exist
    store = SQLAlchemyJobStore(url=f"sqlite:///{job_store_path(paths)}")
    store.start(owner, "default")
    try:
        existing = store.lookup_job(JOB_ID)
        if existing is not None and _same_job(existing, wanted):
            return existing
        if existing is not None:
            log.info("schedule changed: %s → %s", existing.trigger, trigger)
        job = Job(
            owner,
            id=JOB_ID,
            func=scheduled_run,
            trigger=trigger,
            executor="default",
            args=(),
            kwargs=wanted["kwargs"],
            name=JOB_NAME,
            misfire_grace_time=config.misfire_grace_time,
            coalesce=True,
            max_instances=1,
            next_run_time=trigger.get_next_fire_time(None, datetime.now(UTC)),
        )
        if existing is not None:
            store.update_job(job)
        else:
            store.add_job(job)
        return job
    finally:
        store.shutdown()


def run_scheduler(paths: DataPaths, config: Config, cron: str | None = None) -> int:
    """Run the scheduler in the foreground until SIGTERM/SIGINT; returns the process exit code."""
    with scheduler_lock(paths.root):
        return _run_locked_scheduler(paths, config, config.trigger(cron))


def _run_locked_scheduler(paths: DataPaths, config: Config, trigger: BaseTrigger) -> int:
    next_run = ensure_job(paths, config, trigger).next_run_time
    scheduler = create_scheduler(paths, config, blocking=True)

    def stop(signum: int) -> None:
        # Called from the signal handler in the main thread, where the BlockingScheduler waits: wake it up
        # without waiting here; a run in progress finishes in its worker thread and we wait for it below.
        if scheduler.running:
            scheduler.shutdown(wait=False)

    log.info("scheduler started: %s (%s); next run %s", trigger, config.timezone, next_run)
    stopping.reset()
    with stopping.graceful_stop(on_stop=stop):
        scheduler.start()
        with _job_running:  # a run interrupted mid-way is still loading and recording itself
            pass
    signum = stopping.stop_signal()
    print(f"ccgwatch: scheduler stopped by {_signal_name(signum)}", file=sys.stderr)
    return stopping.exit_code_for(signum)


def _signal_name(signum: int | None) -> str:
    import signal

    return signal.Signals(signum).name if signum else "request"


def main(argv: list[str] | None = None) -> int:
    """`python scheduler.py [--data DIR] [--cron "..."] [--once]`: the same as `ccgwatch schedule`."""
    from ccgwatch.cli import main as cli_main

    return cli_main(["schedule", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
