"""The timetable: crontab expressions, the config file, the persistent job store, and a scheduled full run."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

import scheduler
from ccgwatch.config import Config, cron_trigger, load_config
from ccgwatch.errors import UserError
from ccgwatch.paths import DataPaths

REPO = Path(__file__).resolve().parents[1]
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("expression", "now_utc", "next_local"),
    [
        # The default: Mondays at 02:00 London time (Monday 23 November 2026 is a Monday).
        ("0 2 * * 1", "2026-11-23T00:50", "2026-11-23T02:00"),
        ("0 2 * * 1", "2026-11-23T03:00", "2026-11-30T02:00"),
        # British Summer Time: 02:00 in London is 01:00 UTC; the trigger keeps local time.
        ("0 2 * * 1", "2026-07-01T12:00", "2026-07-06T02:00"),
        ("0 2 * * mon", "2026-11-24T00:00", "2026-11-30T02:00"),
        # Crontab numbers Sunday 0 or 7 (APScheduler 3 alone would read 0 as Monday).
        ("30 3 * * 0", "2026-11-23T00:00", "2026-11-29T03:30"),
        ("30 3 * * 7", "2026-11-23T00:00", "2026-11-29T03:30"),
        ("0 6 * * 1-5", "2026-11-28T00:00", "2026-11-30T06:00"),
        ("0 6 * * */2", "2026-11-23T07:00", "2026-11-24T06:00"),
        ("15 1 1 * *", "2026-11-23T00:00", "2026-12-01T01:15"),
    ],
)
def test_cron_expressions_fire_when_crontab_says(expression: str, now_utc: str, next_local: str) -> None:
    trigger = cron_trigger(expression, "Europe/London")
    now = datetime.fromisoformat(now_utc).replace(tzinfo=UTC)
    fires = trigger.get_next_fire_time(None, now)
    assert fires.astimezone(LONDON).replace(tzinfo=None) == datetime.fromisoformat(next_local)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 2 * *", "cron expression '0 2 * *' needs five fields: MIN HOUR DOM MON DOW"),
        ("0 2 * * 8", "cron day-of-week '8': '8' is not a day (0-7 or sun-sat)"),
        ("0 2 * * 5-1", "cron day-of-week '5-1': range '5-1' runs backwards"),
        ("61 2 * * 1", ("cron expression '61 2 * * 1': Error validating expression '61': the last value "
                        "(61) is higher than the maximum value (59)")),
    ],
)
def test_bad_cron_expressions_are_one_line_errors(expression: str, message: str) -> None:
    with pytest.raises(UserError) as error:
        cron_trigger(expression, "Europe/London")
    assert str(error.value) == message


def test_config_file_is_read_and_checked(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    assert load_config(paths) == Config()  # no file: defaults
    (tmp_path / "sources.csv").write_text("")
    (tmp_path / "ccgwatch.toml").write_text(
        '[schedule]\ncron = "30 3 * * 0"\ntimezone = "UTC"\nmisfire_grace_time = 600\n'
        '[crawl]\nuser_agent = "ccgwatch-test (+https://example.org/c)"\nkinds = ["news"]\n'
        'sources_file = "sources.csv"\nmax_pages = 50\n'
    )
    config = load_config(paths)
    assert (config.cron, config.timezone, config.misfire_grace_time) == ("30 3 * * 0", "UTC", 600)
    assert config.kinds == ("news",)
    assert config.sources_file == tmp_path / "sources.csv"
    assert config.max_pages == 50
    assert config.crawl_environment() == {"CCGWATCH_USER_AGENT": "ccgwatch-test (+https://example.org/c)"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[schedule]\ncrone = "x"\n', "unknown key 'crone' in [schedule]"),
        ("[crawler]\n", "unknown section [crawler]"),
        ('[crawl]\nkinds = ["blogs"]\n', "unknown source kind 'blogs' in crawl.kinds"),
        ("[crawl]\nmax_pages = true\n", "crawl.max_pages should be a whole number, not True"),
        ('[schedule]\ntimezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
        ("[schedule\n", ("not valid TOML (Expected ']' at the end of a table declaration "
                        "(at line 1, column 10))")),
    ],
)
def test_config_mistakes_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "ccgwatch.toml"
    path.write_text(text)
    with pytest.raises(UserError) as error:
        load_config(DataPaths(tmp_path))
    assert str(error.value) in {f"{path}: {message}", message}


def _set_next_run_time(paths: DataPaths, when: datetime) -> None:
    """What the store holds after the scheduler was down at the due time: a next run time in the past."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    store = SQLAlchemyJobStore(url=f"sqlite:///{paths.root / 'scheduler.sqlite'}")
    store.start(scheduler.create_scheduler(paths, Config()), "default")
    try:
        job = store.lookup_job(scheduler.JOB_ID)
        job.next_run_time = when
        store.update_job(job)
    finally:
        store.shutdown()


def test_job_store_survives_a_scheduler_restart(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    config = Config()
    weekly = config.trigger()
    first = scheduler.ensure_job(paths, config, weekly).next_run_time
    assert (tmp_path / "scheduler.sqlite").is_file()

    # A restart with the same schedule finds the stored job, not a new one.
    keeper = scheduler.create_scheduler(paths, config, blocking=False)
    keeper.start(paused=True)
    try:
        (job,) = keeper.get_jobs()
        assert job.id == scheduler.JOB_ID
        assert job.func is scheduler.scheduled_run
        assert job.kwargs == {"data_root": str(tmp_path), "config_file": None}
        assert job.next_run_time == first
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 6 * 3600)
        # The machine was off at the due time: the stored next run time is now in the past.
    finally:
        keeper.shutdown(wait=False)
    missed = datetime.now(UTC) - timedelta(hours=1)
    _set_next_run_time(paths, missed)

    # The missed run is kept over the restart (so it runs now, within the grace time), not skipped.
    kept = scheduler.ensure_job(paths, config, weekly).next_run_time
    assert abs(kept - missed) < timedelta(milliseconds=1)  # stored as a float timestamp

    # A changed schedule replaces the job.
    changed = scheduler.ensure_job(paths, config, config.trigger("30 3 * * 0")).next_run_time
    assert changed.astimezone(LONDON).strftime("%a %H:%M") == "Sun 03:30"


def test_schedule_next_prints_the_stored_next_run(tmp_path: Path) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "ccgwatch", "schedule", "--data", str(tmp_path), "--next",
         "--cron", "0 2 * * 1"],
        check=False, capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("next run: ")
    when = datetime.strptime(shown.stdout.split(": ", 1)[1].rsplit(" ", 1)[0], "%Y-%m-%d %H:%M")
    assert (when.weekday(), when.hour, when.minute) == (0, 2, 0)


def _published_runs(paths: DataPaths) -> list:
    from warehouse.read import connect_published
    from warehouse.runs import list_runs

    if not paths.published_db.exists():
        return []
    con = connect_published(paths)
    try:
        return list_runs(con)
    finally:
        con.close()


def test_a_short_trigger_fires_a_full_run_against_the_sample_web(tmp_path: Path) -> None:
    from ccgwatch.sampleweb import sample_sources, serve
    from spiders.sources import write_sources

    paths = DataPaths(tmp_path / "data")
    paths.root.mkdir()
    with serve() as web:
        write_sources(sample_sources(web.base_url), paths.root / "sources.csv")
        (paths.root / "ccgwatch.toml").write_text('[crawl]\nsources_file = "sources.csv"\n')
        config = load_config(paths)
        # Every second, for the next two: fires at once, and at most once more if the first run is quick.
        every_second = CronTrigger(
            second="*", timezone="Europe/London", end_date=datetime.now(UTC) + timedelta(seconds=2)
        )
        job = scheduler.ensure_job(paths, config, every_second)
        assert job.next_run_time <= datetime.now(UTC) + timedelta(seconds=1)
        background = scheduler.create_scheduler(paths, config, blocking=False)
        background.start()
        try:
            deadline = time.monotonic() + 120
            while not any(run.outcome == "ok" for run in _published_runs(paths)):
                assert time.monotonic() < deadline, "the scheduled run did not complete"
                time.sleep(0.2)  # polling the warehouse for the run's record
        finally:
            background.shutdown(wait=True)  # a second run may have started meanwhile: let it finish
        assert sum(1 for method, _, _ in web.requests if method == "GET") > 0

    *repeats, first = _published_runs(paths)  # newest first
    assert first.outcome == "ok"
    assert first.pages > 0
    assert first.new_facts > 0
    for repeat in repeats:  # the trigger fired again at once: the same unchanged site adds nothing
        assert (repeat.outcome, repeat.new_facts, repeat.bytes) == ("ok", 0, 0)
        assert repeat.not_modified == repeat.pages == first.pages
    listed = subprocess.run(
        [sys.executable, "-m", "ccgwatch", "runs", "--data", str(paths.root), "--format", "json"],
        check=True, capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [row["run_id"] for row in rows] == [run.run_id for run in [*repeats, first]]
    assert {row["outcome"] for row in rows} == {"ok"}


@pytest.mark.parametrize(("late", "fires"), [(timedelta(hours=1), True), (timedelta(hours=7), False)])
def test_a_run_missed_while_down_fires_once_at_start_within_the_grace_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: timedelta, fires: bool
) -> None:
    import threading

    from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

    import ccgwatch.commands.run

    calls: list[Path] = []

    def fake_run_now(paths: DataPaths, config: Config, sources: list) -> object:
        calls.append(paths.root)
        return type("Summary", (), {"run_id": "fake", "outcome": "ok"})()

    monkeypatch.setattr(ccgwatch.commands.run, "run_now", fake_run_now)
    paths = DataPaths(tmp_path)
    # Misfire grace time 6 hours; a daily time 12 hours away, so no regular firing falls in the last 7 hours
    # (the default Monday 02:00 would make this test depend on when it runs).
    due_hour = (datetime.now(UTC).hour + 12) % 24
    config = Config(cron=f"0 {due_hour} * * *", timezone="UTC")
    scheduler.ensure_job(paths, config, config.trigger())
    _set_next_run_time(paths, datetime.now(UTC) - late)

    outcomes: list[int] = []
    done = threading.Event()

    def listen(event: object) -> None:
        outcomes.append(event.code)
        done.set()

    background = scheduler.create_scheduler(paths, config, blocking=False)
    background.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    background.start()
    try:
        assert done.wait(30)
        next_run = background.get_job(scheduler.JOB_ID).next_run_time
    finally:
        background.shutdown(wait=True)
    assert outcomes == [EVENT_JOB_EXECUTED if fires else EVENT_JOB_MISSED]
    assert calls == ([tmp_path] if fires else [])
    assert next_run > datetime.now(UTC)
    assert next_run.astimezone(UTC).strftime("%H:%M") == f"{due_hour:02d}:00"


def test_the_foreground_scheduler_makes_up_a_missed_run_and_stops_gracefully_on_sigterm(
    tmp_path: Path,
) -> None:
    import signal

    from ccgwatch.sampleweb import sample_sources, serve
    from spiders.sources import write_sources

    paths = DataPaths(tmp_path / "data")
    paths.root.mkdir()
    with serve() as web:
        answer = web.httpd.answer

        def slowly(request: object, raw_path: str) -> object:
            time.sleep(0.15)  # a slow site, so the crawl is still going when the signal comes
            return answer(request, raw_path)

        web.httpd.answer = slowly
        write_sources(sample_sources(web.base_url), paths.root / "sources.csv")
        (paths.root / "ccgwatch.toml").write_text('[crawl]\nsources_file = "sources.csv"\n')
        config = load_config(paths)
        scheduler.ensure_job(paths, config, config.trigger())
        _set_next_run_time(paths, datetime.now(UTC) - timedelta(minutes=5))  # Monday's run was missed

        foreground = subprocess.Popen(
            [sys.executable, "-m", "ccgwatch", "schedule", "--data", str(paths.root)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 120
            while len(list(paths.raw_store.glob("*/*.gz"))) < 2:  # the made-up run is crawling
                assert foreground.poll() is None, foreground.communicate()
                assert time.monotonic() < deadline, "the missed run did not start"
                time.sleep(0.05)  # polling the raw store
            second = subprocess.run(
                [sys.executable, "-m", "ccgwatch", "schedule", "--data", str(paths.root)],
                check=False, capture_output=True, text=True, cwd=REPO, timeout=60,
            )
            foreground.send_signal(signal.SIGTERM)
            _, err = foreground.communicate(timeout=120)
        finally:
            if foreground.poll() is None:
                foreground.kill()
                foreground.wait()

    assert second.returncode == 3
    refusal = f"ccgwatch: another ccgwatch scheduler is in progress (pid {foreground.pid}, "
    assert second.stderr.startswith(refusal)
    assert foreground.returncode == 143, err
    assert err.strip().splitlines()[-1] == "ccgwatch: scheduler stopped by SIGTERM"
    assert "scheduled run: run " in err and " interrupted: loaded " in err
    (run,) = _published_runs(paths)
    assert run.outcome == "interrupted"
    assert run.pages > 0
    log_text = (paths.logs / "ccgwatch.log").read_text()
    assert "scheduler started: cron[month='*', day='*', day_of_week='mon', hour='2', minute='0']" in log_text
    assert "SIGTERM received: finishing the crawl cleanly, then loading what was fetched" in log_text
    # The job is still stored, due next Monday at 02:00 London time.
    assert scheduler.ensure_job(paths, config, config.trigger()).next_run_time.astimezone(LONDON).strftime(
        "%a %H:%M") == "Mon 02:00"


def test_logs_go_to_a_rotating_file_and_briefly_to_the_console(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], request: pytest.FixtureRequest
) -> None:
    import logging
    import logging.handlers
    import os

    from ccgwatch.logsetup import FILE_ONLY, reset_logging, setup_logging

    paths = DataPaths(tmp_path)
    setup_logging(paths)
    path = setup_logging(paths)  # a second call replaces the handlers rather than doubling them
    request.addfinalizer(reset_logging)
    assert path == tmp_path / "logs" / "ccgwatch.log"
    log = logging.getLogger("ccgwatch.test")
    log.info("run started")
    log.warning("run 1 interrupted", extra=FILE_ONLY)
    try:
        raise RuntimeError("disk full")
    except RuntimeError:
        log.exception("run failed")
        log.exception("run failed, said by the command itself", extra=FILE_ONLY)
    handlers = logging.getLogger("ccgwatch").handlers
    assert [type(h) for h in handlers] == [logging.handlers.RotatingFileHandler, logging.StreamHandler]
    for handler in handlers:
        handler.flush()
    console = capsys.readouterr().err.splitlines()
    assert [line.split(" ", 1)[1] for line in console] == [
        "INFO run started", "ERROR run failed (traceback in the log file)"
    ]
    written = path.read_text()
    assert written.count("run started") == 1
    assert f"WARNING {os.getpid()} ccgwatch.test: run 1 interrupted" in " ".join(written.split())
    assert written.count("RuntimeError: disk full") == 2
    reset_logging()
    assert logging.getLogger("ccgwatch").handlers == []
    assert logging.getLogger("ccgwatch").propagate
