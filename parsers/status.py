"""Where a grouping stands as of a page: the furthest stage its events reach, negatives winning when later."""

from __future__ import annotations

from parsers.model import Event
from parsers.vocab import EventType, Outcome, Status

# Positive stages in the NHS process order; a later stage implies the earlier ones happened.
POSITIVE_RANK = {Status.PROPOSED: 1, Status.CONSULTING: 2, Status.VOTE_FOR: 3, Status.APPLIED: 4, Status.APPROVED: 5,
                 Status.MERGED: 6}
# Where a setback sits when its date cannot be compared: a vote lost beats consulting, a rejection beats applying,
# a deferral or withdrawal beats everything short of the merger itself.
# Steps whose type alone says where the grouping stands.
DECISIVE_EVENT_STATUS = {
    EventType.APPLICATION: Status.APPLIED,
    EventType.APPROVAL: Status.APPROVED,
    EventType.EFFECTIVE: Status.MERGED,
    EventType.REJECTION: Status.REJECTED,
    EventType.WITHDRAWAL: Status.ABANDONED,
    EventType.DEFERRAL: Status.DEFERRED,
}
_NEGATIVE_RANK = {Status.VOTE_AGAINST: 3, Status.REJECTED: 5, Status.DEFERRED: 5.5, Status.ABANDONED: 5.5}


def event_status(event: Event, hint: str = "") -> Status | None:
    """The stage one event puts its grouping in, or None when it says nothing about the stage.

    `hint` comes from the wording: "exploratory" (a vote to explore options), "apply" (a decision to apply),
    "planned" (an effective date announced ahead of time).
    """
    kind = event.type
    exploratory = hint == "exploratory"
    if kind is EventType.PROPOSAL:
        return Status.PROPOSED
    if kind in (EventType.CONSULTATION_START, EventType.CONSULTATION_END, EventType.PUBLIC_MEETING):
        return Status.CONSULTING
    if kind is EventType.MEMBER_VOTE:
        if event.outcome is Outcome.AGAINST:
            return Status.VOTE_AGAINST
        if event.outcome is Outcome.FOR:
            return Status.PROPOSED if exploratory else Status.VOTE_FOR
        return Status.PROPOSED
    if kind is EventType.GOVERNING_BODY_DECISION:
        # A governing body backing the plan keeps it a proposal until members vote; one turning it down stops it;
        # one deciding to apply has, for the record, reached the application.
        if event.outcome is Outcome.AGAINST:
            return Status.VOTE_AGAINST
        return Status.APPLIED if hint == "apply" else Status.PROPOSED
    if kind is EventType.EFFECTIVE and hint == "planned":
        return Status.APPROVED
    return DECISIVE_EVENT_STATUS.get(kind)


def _later_or_same(first: str | None, second: str | None) -> bool | None:
    """Whether date `first` is on or after `second`, comparing at the coarser precision; None if unknown."""
    if not first or not second:
        return None
    size = min(len(first), len(second))
    return first[:size] >= second[:size]


def grouping_status(events: list[Event], hints: dict[int, str] | None = None) -> Status:
    """Furthest positive stage, unless a setback came at or after it; `hints` maps id(event) to its wording hint."""
    hints = hints or {}
    staged = [(event_status(e, hints.get(id(e), "")), e) for e in events]
    staged = [(status, event) for status, event in staged if status is not None]
    if not staged:
        return Status.PROPOSED if events else Status.UNKNOWN
    positives = [(s, e) for s, e in staged if s in POSITIVE_RANK]
    negatives = [(s, e) for s, e in staged if s in _NEGATIVE_RANK]
    best = max(positives, key=lambda pair: (POSITIVE_RANK[pair[0]], pair[1].date or "")) if positives else None
    winner: tuple | None = None
    for status, event in negatives:
        if best is not None:
            later = _later_or_same(event.date, best[1].date)
            if later is False or (later is None and _NEGATIVE_RANK[status] < POSITIVE_RANK[best[0]]):
                continue
        if winner is None or _beats(status, event, winner):
            winner = (status, event)
    if winner is not None:
        return winner[0]
    return best[0] if best else Status.UNKNOWN


def _beats(status: Status, event: Event, other: tuple[Status, Event]) -> bool:
    later = _later_or_same(event.date, other[1].date)
    if later is not None and event.date != other[1].date:
        return later
    return _NEGATIVE_RANK[status] >= _NEGATIVE_RANK[other[0]]
