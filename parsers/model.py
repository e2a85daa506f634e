"""Dataclasses that parsers return: pages, dates, organisation mentions, groupings, events, votes."""

from __future__ import annotations

from dataclasses import dataclass, field

from parsers.vocab import Body, EventType, OrgKind, Outcome, Precision, Status


@dataclass(frozen=True)
class PartialDate:
    """A date that keeps its precision: "2020", "2020-04" or "2020-04-01"."""

    value: str

    @property
    def precision(self) -> Precision:
        return {4: Precision.YEAR, 7: Precision.MONTH}.get(len(self.value), Precision.DAY)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class DateMention:
    """A date (or the start of a range) found in text, with its span."""

    date: PartialDate
    start: int
    end: int
    text: str
    range_end: PartialDate | None = None


@dataclass(frozen=True)
class OrgMention:
    """An organisation (or a set of them, for an area reference) named in text."""

    start: int
    end: int
    text: str
    codes: tuple[str, ...]
    kind: OrgKind
    area: str | None = None
    stated_count: int | None = None
    resolved: bool = True


@dataclass(frozen=True)
class PageText:
    """What a page says: its title, its plain text and its own publication date when it states one."""

    title: str
    text: str
    published: PartialDate | None = None


@dataclass
class Vote:
    """Counts for a vote event, modelled on Open Civic Data vote events."""

    member_code: str | None = None
    count_for: int | None = None
    count_against: int | None = None
    count_abstain: int | None = None
    percent_for: float | None = None
    turnout: float | None = None
    threshold: float | None = None


@dataclass
class Grouping:
    """A set of organisations proposed to merge (or to share a strategic commissioner)."""

    members: list[str]
    member_names: list[str]
    n_members_stated: int | None = None
    area: str | None = None
    successor_name: str | None = None
    target_date: str | None = None
    status: Status = Status.UNKNOWN


@dataclass
class Event:
    """One dated step in a grouping's story, with the sentence that says it."""

    grouping: int
    type: EventType
    evidence: str
    date: str | None = None
    body: Body | None = None
    outcome: Outcome | None = None
    detail: str = ""
    vote: Vote | None = None


@dataclass
class Extraction:
    """Everything the parsers found on one page."""

    relevant: bool
    groupings: list[Grouping] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
