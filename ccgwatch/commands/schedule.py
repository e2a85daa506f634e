"""`ccgwatch schedule`: the weekly run on a timetable, in the foreground (a service manager keeps it up)."""

from __future__ import annotations

import argparse

from ccgwatch.commands.run import add_data_arguments, run_now, select_sources
from ccgwatch.config import load_config
from ccgwatch.logsetup import setup_logging
from ccgwatch.paths import resolve_data_paths

HELP = "run the scheduler in the foreground: a full run every week (Monday 02:00 Europe/London by default)"
EXAMPLE = 'ccgwatch schedule --cron "30 3 * * 0"'


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_data_arguments(parser)
    parser.add_argument(
        "--cron", metavar='"MIN HOUR DOM MON DOW"', help="override the config's schedule (crontab syntax)"
    )
    parser.add_argument("--once", action="store_true", help="run the job once now and exit")
    parser.add_argument(
        "--next", action="store_true", help="store the schedule, print when it next fires, and exit"
    )
    parser.add_argument("--verbose", action="store_true", help="debug detail in the log")


def run(args: argparse.Namespace) -> int:
    import scheduler

    paths = resolve_data_paths(args.data)
    config = load_config(paths, args.config)
    trigger = config.trigger(args.cron)  # a bad --cron fails here, before anything starts
    if args.once:
        setup_logging(paths, verbose=args.verbose)
        summary = run_now(paths, config, select_sources(config))
        print(f"run {summary.run_id} {summary.outcome}: {summary.pages} pages, {summary.new_facts} new facts")
        return 0
    if args.next:
        print(f"next run: {scheduler.ensure_job(paths, config, trigger).next_run_time:%Y-%m-%d %H:%M %Z}")
        return 0
    setup_logging(paths, verbose=args.verbose)
    return scheduler.run_scheduler(paths, config, args.cron)
