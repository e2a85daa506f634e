"""The run configuration: `ccgwatch.toml` in the data directory (or a file given by `--config`).

Every key is optional; a missing file means the defaults below. Example::

    [schedule]
    cron = "0 2 * * 1"             # MIN HOUR DOM MON DOW: Mondays at 02:00
    timezone = "Europe/London"
    misfire_grace_time = 21600     # seconds a missed run may start late (e.g. the machine was off)

    [crawl]
    user_agent = "ccgwatch/0.1 (+https://example.org/ccgwatch)"
    contact = "https://example.org/ccgwatch"
    kinds = ["moderngov", "news", "archive", "ods"]   # enabled source kinds; empty or absent = all
    sources_file = "sources.csv"   # registry to crawl (relative to the config file); default: the shipped one
    max_pages = 5000               # per spider; absent = no cap

    [queue]
    redis_url = "redis://localhost:6379/0"   # `ccgwatch crawl` runs as one of several workers (docs/scaling.md)
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from ccgwatch.errors import UserError
from ccgwatch.paths import DataPaths
from parsers.vocab import SourceKind

CONFIG_NAME = "ccgwatch.toml"
DEFAULT_CRON = "0 2 * * 1"
DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_MISFIRE_GRACE = 6 * 3600

# Environment variables the crawl subprocess reads for its User-Agent; set from the config before a run.
USER_AGENT_ENV = "CCGWATCH_USER_AGENT"
CONTACT_ENV = "CCGWATCH_CONTACT"

_KNOWN_KEYS = {
    "schedule": {"cron", "timezone", "misfire_grace_time"},
    "crawl": {"user_agent", "contact", "kinds", "sources_file", "max_pages"},
    "queue": {"redis_url"},
}


@dataclass(frozen=True)
class Config:
    cron: str = DEFAULT_CRON
    timezone: str = DEFAULT_TIMEZONE
    misfire_grace_time: int = DEFAULT_MISFIRE_GRACE
    user_agent: str | None = None
    contact: str | None = None
    kinds: tuple[str, ...] = ()  # empty: every kind
    sources_file: Path | None = None
    max_pages: int | None = None
    redis_url: str | None = None
    path: Path | None = field(default=None, compare=False)  # where it was read from, for messages

    def trigger(self, cron: str | None = None) -> CronTrigger:
        """The schedule as an APScheduler trigger; `cron` overrides the configured expression."""
        return cron_trigger(cron or self.cron, self.timezone)

    def crawl_environment(self) -> dict[str, str]:
        """Variables to hand the crawl subprocess so its User-Agent names who is crawling."""
        env: dict[str, str] = {}
        if self.user_agent:
            env[USER_AGENT_ENV] = self.user_agent
        if self.contact:
            env[CONTACT_ENV] = self.contact
        return env


def cron_trigger(expression: str, timezone: str) -> CronTrigger:
    """A five-field crontab expression ("MIN HOUR DOM MON DOW") in a named time zone."""
    fields = expression.split()
    if len(fields) != 5:
        raise UserError(f"cron expression {expression!r} needs five fields: MIN HOUR DOM MON DOW")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"unknown time zone {timezone!r}") from None
    minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            minute=minute, hour=hour, day=day, month=month, day_of_week=apscheduler_weekdays(weekday),
            timezone=zone,
        )
    except ValueError as error:
        raise UserError(f"cron expression {expression!r}: {error}") from None


_CRON_DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def apscheduler_weekdays(field: str) -> str:
    """Crontab's day-of-week field (0 or 7 = Sunday, 1 = Monday) in APScheduler 3's terms.

    APScheduler 3 numbers days from Monday = 0, even in `CronTrigger.from_crontab`, so "0 2 * * 1" would
    fire on Tuesdays; spelling the days out as names avoids the mismatch.
    """
    if field == "*" or not any(char.isdigit() for char in field):
        return field  # names ("mon-fri") mean the same in both
    days: list[str] = []
    for part in field.split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() else 1
        if step_text and not step_text.isdigit():
            raise UserError(f"cron day-of-week {field!r}: bad step {step_text!r}")
        if span == "*":
            first, last = 0, 6
        elif "-" in span:
            first_text, last_text = span.split("-", 1)
            first, last = _cron_day(first_text, field), _cron_day(last_text, field)
        else:
            first = _cron_day(span, field)
            last = 6 if step_text else first
        if last < first:
            raise UserError(f"cron day-of-week {field!r}: range {span!r} runs backwards")
        for number in range(first, last + 1, step):
            if _CRON_DAY_NAMES[number] not in days:
                days.append(_CRON_DAY_NAMES[number])
    return ",".join(days)


def _cron_day(text: str, field: str) -> int:
    if text.isdigit() and int(text) <= 7:
        return int(text)
    if text.lower() in _CRON_DAY_NAMES:
        return _CRON_DAY_NAMES.index(text.lower())
    raise UserError(f"cron day-of-week {field!r}: {text!r} is not a day (0-7 or sun-sat)")


def config_path(paths: DataPaths, given: Path | None = None) -> Path:
    return given if given is not None else paths.root / CONFIG_NAME


def load_config(paths: DataPaths, given: Path | None = None) -> Config:
    """Read the config file; a file named with `--config` must exist, the data directory's one may not."""
    path = config_path(paths, given)
    if not path.is_file():
        if given is not None:
            raise UserError(f"no config file at {path}")
        return Config()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: not valid TOML ({error})") from None
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror}") from None
    return config_from_document(document, path)


def config_from_document(document: dict, path: Path) -> Config:
    # Unknown keys are refused rather than ignored: a misspelt "crone" would silently keep the default.
    for section, values in document.items():
        if section not in _KNOWN_KEYS or not isinstance(values, dict):
            raise UserError(f"{path}: unknown section [{section}]")
        for key in values:
            if key not in _KNOWN_KEYS[section]:
                raise UserError(f"{path}: unknown key {key!r} in [{section}]")
    schedule = document.get("schedule", {})
    crawl = document.get("crawl", {})
    queue = document.get("queue", {})

    kinds = tuple(_typed(path, "crawl.kinds", crawl.get("kinds", []), list))
    for kind in kinds:
        if kind not in {k.value for k in SourceKind}:
            raise UserError(f"{path}: unknown source kind {kind!r} in crawl.kinds")
    sources_file = crawl.get("sources_file")
    if sources_file is not None:
        sources_file = (path.parent / _typed(path, "crawl.sources_file", sources_file, str)).resolve()
    max_pages = crawl.get("max_pages")
    if max_pages is not None and (_typed(path, "crawl.max_pages", max_pages, int) < 1):
        raise UserError(f"{path}: crawl.max_pages must be a positive number")

    config = Config(
        cron=_typed(path, "schedule.cron", schedule.get("cron", DEFAULT_CRON), str),
        timezone=_typed(path, "schedule.timezone", schedule.get("timezone", DEFAULT_TIMEZONE), str),
        misfire_grace_time=_typed(
            path, "schedule.misfire_grace_time",
            schedule.get("misfire_grace_time", DEFAULT_MISFIRE_GRACE), int,
        ),
        user_agent=crawl.get("user_agent") and _typed(path, "crawl.user_agent", crawl["user_agent"], str),
        contact=crawl.get("contact") and _typed(path, "crawl.contact", crawl["contact"], str),
        kinds=kinds,
        sources_file=sources_file,
        max_pages=max_pages,
        redis_url=queue.get("redis_url") and _typed(path, "queue.redis_url", queue["redis_url"], str),
        path=path,
    )
    config.trigger()  # a bad cron or time zone is reported when the file is read, not at 02:00 on Monday
    return config


_KIND_NAMES = {int: "a whole number", str: "a string", list: "a list"}


def _typed(path: Path, key: str, value: object, kind: type) -> object:
    # bool is an int in Python; a `true` where a number belongs is still a mistake.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise UserError(f"{path}: {key} should be {_KIND_NAMES[kind]}, not {value!r}")
    return value


def apply_crawl_environment(config: Config) -> None:
    """Export the User-Agent settings so the crawl subprocess inherits them."""
    os.environ.update(config.crawl_environment())
