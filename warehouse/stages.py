"""How far a grouping got: events in date order, rounds, and the register as referee."""

from __future__ import annotations

import datetime as dt

from parsers.status import DECISIVE_EVENT_STATUS, POSITIVE_RANK
from parsers.vocab import EventType, Outcome, Status
from warehouse.facts import (
    Claim,
    DerivedGrouping,
    ExtractedEvent,
    Organisations,
    partial_date_end,
    partial_date_start,
    short_hash,
)

NEGATIVE = {Status.VOTE_AGAINST, Status.REJECTED, Status.DEFERRED, Status.ABANDONED}

EVENT_STATUS = {
    EventType.PROPOSAL: Status.PROPOSED,
    EventType.CONSULTATION_START: Status.CONSULTING,
    EventType.CONSULTATION_END: Status.CONSULTING,
    EventType.PUBLIC_MEETING: Status.CONSULTING,
    **DECISIVE_EVENT_STATUS,
}


def known_date(doc_date: dt.date | None, fetched_at: dt.datetime | None) -> dt.date | None:
    """A document's own date (published, or archive capture), else the day it was fetched."""
    return doc_date or (fetched_at.date() if fetched_at else None)


def event_status(event_type: str, outcome: str | None, date: dt.date | None, today: dt.date) -> Status | None:
    """The stage an event shows a grouping reached, if any."""
    if event_type in (EventType.MEMBER_VOTE, EventType.GOVERNING_BODY_DECISION):
        if outcome == Outcome.AGAINST:
            return Status.VOTE_AGAINST
        if outcome == Outcome.FOR or (event_type == EventType.GOVERNING_BODY_DECISION and outcome is None):
            return Status.VOTE_FOR
        return None
    if event_type == EventType.EFFECTIVE and date is not None and date > today:
        return None  # a merger "effective next April" has not happened yet
    return EVENT_STATUS.get(event_type)


def _ceiling(status: str | None) -> int | None:
    """How far a document's own reading lets its events push the status (None: no limit)."""
    return POSITIVE_RANK.get(status) if status else None


def merge_events(grouping: DerivedGrouping, told: list[tuple[ExtractedEvent, Claim]]) -> None:
    """One event per (type, date, body, outcome, voting member), with the first document's evidence.

    Each event remembers how far the documents telling it say the grouping got (the extractor's status for the
    grouping on that page, which weighs hedges such as "a strategic commissioner, not a merger").
    """
    merged: dict[str, dict] = {}
    for event, claim in sorted(told, key=lambda pair: (pair[0].fetched_at or dt.datetime.min, pair[0].document_id)):
        member = event.vote[0]
        event_id = "E" + short_hash(grouping.grouping_id, event.type, event.date, event.body, event.outcome, member)
        ceiling = _ceiling(claim.status)
        if event_id in merged:
            merged[event_id]["documents"].add(event.document_id)
            known = merged[event_id]["ceiling"]
            merged[event_id]["ceiling"] = None if known is None or ceiling is None else max(known, ceiling)
            continue
        merged[event_id] = {
            "event_id": event_id, "type": event.type, "date": event.date, "body": event.body,
            "outcome": event.outcome, "detail": event.detail, "evidence": event.evidence, "vote": event.vote,
            "document_id": event.document_id, "source_url": event.url, "fetched_at": event.fetched_at,
            "capture_time": event.capture_time, "doc_date": event.doc_date, "documents": {event.document_id},
            "round": 1, "ceiling": ceiling,
        }
    grouping.events = list(merged.values())


def walk_status(grouping: DerivedGrouping, today: dt.date) -> None:
    """Status and rounds from events and per-document status claims, in date order."""
    steps = []
    for event in grouping.events:
        own_date = partial_date_start(event["date"])
        status = event_status(event["type"], event["outcome"], partial_date_end(event["date"]), today)
        if status in POSITIVE_RANK and event["ceiling"] is not None and POSITIVE_RANK[status] > event["ceiling"]:
            status = next(s for s, rank in POSITIVE_RANK.items() if rank == event["ceiling"])
        steps.append((own_date or known_date(event["doc_date"], event["fetched_at"]), own_date is not None, status,
                      event))
    for claim in grouping.claims:
        if claim.status and claim.status != Status.UNKNOWN and not grouping.events:
            steps.append((known_date(claim.doc_date, claim.fetched_at), False, Status(claim.status), None))
    # undated steps sort by their document's date; at one date negatives come last, so they win
    steps.sort(key=lambda s: (s[0] or dt.date.min, s[2] in NEGATIVE if s[2] else False))
    status: Status | None = None
    rank, round_number, negative = 0, 1, False
    deciding_url = None
    for _when, dated, step_status, event in steps:
        if step_status is not None:
            if step_status in NEGATIVE:
                status, negative = step_status, True
                deciding_url = event["source_url"] if event else deciding_url
            elif negative and dated:
                round_number += 1
                status, rank, negative = step_status, POSITIVE_RANK[step_status], False
                deciding_url = event["source_url"] if event else deciding_url
            elif not negative and POSITIVE_RANK[step_status] > rank:
                status, rank = step_status, POSITIVE_RANK[step_status]
                deciding_url = event["source_url"] if event else deciding_url
        if event is not None:
            event["round"] = round_number
    grouping.status = str(status or Status.UNKNOWN)
    grouping.rounds = round_number
    grouping.source_url = deciding_url
    effective = [e for e in grouping.events if e["type"] == EventType.EFFECTIVE and e["date"]
                 and (partial_date_end(e["date"]) or today) <= today]
    if effective and grouping.status == Status.MERGED:
        grouping.effective_date = max(effective, key=lambda e: partial_date_start(e["date"]))["date"]
    targets = [c for c in grouping.claims if c.target_date]
    if targets:
        grouping.target_date = targets[-1].target_date


def _flag(grouping: DerivedGrouping, kind: str, detail: str, document_id: int | None = None) -> None:
    grouping.flags.append(f"{kind}: {detail}")
    grouping.flag_rows.append((grouping.grouping_id, kind, detail, document_id))


def reconcile(grouping: DerivedGrouping, orgs: Organisations, today: dt.date) -> None:
    """Let the register referee: confirm mergers it records, flag claims that contradict it."""
    members = grouping.members
    known = [code for code in members if code in orgs.rows]
    if len(members) < 2 or len(known) < len(members):
        return
    closings = {orgs.closed(code) for code in members}
    successors = {orgs.successor(code) for code in members}
    closed_on = next(iter(closings)) if len(closings) == 1 else None
    successor = next(iter(successors)) if len(successors) == 1 else None
    successor_kind = orgs.kind(successor) if successor else None
    member_kinds = {orgs.kind(code) for code in members}
    # CCGs handing over to ICBs in July 2022 is abolition, not this grouping merging
    merged_by_register = (
        closed_on is not None and successor is not None and not (successor_kind == "icb" and member_kinds != {"icb"})
    )
    if merged_by_register:
        effective = (closed_on + dt.timedelta(days=1)).isoformat()
        claimed = grouping.status
        claimed_dates = sorted({e["date"] for e in grouping.events if e["type"] == EventType.EFFECTIVE and e["date"]})
        for date in claimed_dates:
            if not effective.startswith(date) and not date.startswith(effective[:7]):
                _flag(grouping, "date_conflict",
                      f"documents give effective date {date}; the register shows the merger on {effective}")
        if claimed in NEGATIVE:
            _flag(grouping, "status_conflict",
                  f"documents last say {claimed}; the register shows the members merged into {successor} "
                  f"on {effective}")
        grouping.status = str(Status.MERGED)
        grouping.effective_date = effective
        grouping.confirmed_by_register = True
        grouping.register_successor = successor
        if not grouping.successor_name:
            grouping.successor_name = orgs.name(successor)
        return
    if grouping.status == Status.MERGED and grouping.effective_date:
        effective_day = partial_date_start(grouping.effective_date)
        still_open = [code for code in members if orgs.closed(code) is None or orgs.closed(code) >= effective_day]
        if still_open:
            _flag(grouping, "status_conflict",
                  f"documents say merged on {grouping.effective_date}; the register shows "
                  f"{', '.join(still_open)} still open then")
            # the register is the referee: an unrecorded merger is at most approved
            grouping.status = str(Status.APPROVED)


def vote_result(outcome: str | None, percent_for: float | None, threshold: float | None) -> str | None:
    if outcome in (Outcome.FOR, Outcome.AGAINST):
        return outcome
    if percent_for is not None and threshold is not None:
        return Outcome.FOR if percent_for >= threshold else Outcome.AGAINST
    return outcome
