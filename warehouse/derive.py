"""Derive the national picture from per-document facts: groupings merged across documents, events, status.

Rules (each one a sentence an analyst can check):
- Two extracted groupings are one grouping when they name the same member set, or when their dates overlap
  (each claim's span widened by OVERLAP_SLACK) and they name the same area (as written, or the register's
  footprint of the members) with the same member count, or member sets sharing MEMBER_OVERLAP of their union.
- The same event (grouping, type, date, body, outcome, voting member) told by several documents is one event,
  with the evidence of the document fetched first and a count of the documents that tell it.
- Status is the furthest stage reached, walked in date order; a negative (vote against, rejection, deferral,
  withdrawal) wins when it comes later, and a dated positive step after a negative starts a new round. An
  event counts for no more than the status its own document gives the grouping (the extractor weighs hedges).
- The register is the referee: when every member closed on one date with one common successor (not the 2022
  hand-over to ICBs), the grouping is merged on the next day, confirmed by the register. A document claim that
  contradicts the register is kept and flagged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import duckdb

from parsers.vocab import EventType, Outcome, Status
from warehouse.bulk import insert_rows
from warehouse.db import get_meta, set_meta
from warehouse.queries import query
from warehouse.runs import utc_now

OVERLAP_SLACK = dt.timedelta(days=183)
MEMBER_OVERLAP = 0.6  # share of the union two member lists must have in common to be one grouping

POSITIVE_RANK = {
    Status.PROPOSED: 1,
    Status.CONSULTING: 2,
    Status.VOTE_FOR: 3,
    Status.APPLIED: 4,
    Status.APPROVED: 5,
    Status.MERGED: 6,
}
NEGATIVE = {Status.VOTE_AGAINST, Status.REJECTED, Status.DEFERRED, Status.ABANDONED}

EVENT_STATUS = {
    EventType.PROPOSAL: Status.PROPOSED,
    EventType.CONSULTATION_START: Status.CONSULTING,
    EventType.CONSULTATION_END: Status.CONSULTING,
    EventType.PUBLIC_MEETING: Status.CONSULTING,
    EventType.APPLICATION: Status.APPLIED,
    EventType.APPROVAL: Status.APPROVED,
    EventType.EFFECTIVE: Status.MERGED,
    EventType.REJECTION: Status.REJECTED,
    EventType.WITHDRAWAL: Status.ABANDONED,
    EventType.DEFERRAL: Status.DEFERRED,
}


def _sql(name: str) -> str:
    return query("derive.sql", name)


def partial_date_start(value: str | None) -> dt.date | None:
    """First day of a partial date: "2020" → 2020-01-01, "2020-04" → 2020-04-01."""
    if not value:
        return None
    parts = value.split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def partial_date_end(value: str | None) -> dt.date | None:
    """Last day of a partial date: "2020" → 2020-12-31, "2020-04" → 2020-04-30."""
    start = partial_date_start(value)
    if start is None:
        return None
    precision = len(value.split("-"))
    if precision == 1:
        return dt.date(start.year, 12, 31)
    if precision == 2:
        following = dt.date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return start


def precision_of(value: str | None) -> str | None:
    if not value:
        return None
    return {1: "year", 2: "month"}.get(len(value.split("-")), "day")


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


def normalise_area(area: str | None) -> str | None:
    if not area:
        return None
    words = area.lower().replace("&", " and ").replace("-", " ").replace(",", " ").split()
    words = [w for w in words if w not in {"the", "nhs"}]
    return " ".join(words) or None


def short_hash(*parts: object) -> str:
    return hashlib.sha1("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:12]


@dataclass
class Claim:
    """One grouping as one document version describes it."""

    document_id: int
    idx: int
    members: tuple[str, ...]
    member_names: list[str]
    n_stated: int | None
    area: str | None
    successor_name: str | None
    target_date: str | None
    status: str | None
    doc_date: dt.date | None
    url: str
    source: str
    fetched_at: dt.datetime | None
    span: tuple[dt.date, dt.date] | None = None

    @property
    def count(self) -> int | None:
        return self.n_stated or (len(self.members) or None)


@dataclass
class ExtractedEvent:
    document_id: int
    grouping_idx: int | None
    type: str
    date: str | None
    body: str | None
    outcome: str | None
    detail: str | None
    evidence: str | None
    vote: tuple
    doc_date: dt.date | None
    url: str
    source: str
    fetched_at: dt.datetime | None
    capture_time: dt.datetime | None


@dataclass
class FactChanges:
    groupings: int = 0
    events: int = 0
    new_facts: int = 0
    changed_facts: int = 0


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def _one_line(text: str | None) -> str | None:
    """Names found in PDFs can carry line breaks; a label never should."""
    return " ".join(text.split()) if text else text


def _known_date(doc_date: dt.date | None, fetched_at: dt.datetime | None) -> dt.date | None:
    """A document's own date (published, or archive capture), else the day it was fetched."""
    return doc_date or (fetched_at.date() if fetched_at else None)


def _evidence_dates(grouping: DerivedGrouping) -> list[dt.date]:
    """Dates of the evidence: documents' own dates and past event dates; fetch dates only when nothing else."""
    today = dt.date.today()
    dates = [c.doc_date for c in grouping.claims if c.doc_date]
    dates += [d for d in (partial_date_start(e["date"]) for e in grouping.events) if d and d <= today]
    if not dates:
        dates = [c.fetched_at.date() for c in grouping.claims if c.fetched_at]
    return dates


def _source_of(source_id: str | None, url: str) -> str:
    return source_id or urlsplit(url).netloc or url


def _read_claims(con: duckdb.DuckDBPyConnection) -> tuple[list[Claim], list[ExtractedEvent]]:
    claims = [
        Claim(r[0], r[1], tuple(dict.fromkeys(r[2] or [])), [_one_line(n) for n in r[3] or []], r[4], _one_line(r[5]),
              _one_line(r[6]), r[7], r[8],
              r[9], r[10], _source_of(r[11], r[10]), r[12])
        for r in con.execute(_sql("claims")).fetchall()
    ]
    events = [
        ExtractedEvent(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], tuple(r[8:15]), r[15], r[16],
                       _source_of(r[17], r[16]), r[18], r[19])
        for r in con.execute(_sql("extracted_events")).fetchall()
    ]
    return claims, events


@dataclass
class Organisations:
    """The register as the warehouse holds it: name, kind, closing date and successor by code."""

    rows: dict[str, tuple] = field(default_factory=dict)

    def name(self, code: str) -> str | None:
        row = self.rows.get(code)
        return row[0] if row else None

    def kind(self, code: str) -> str | None:
        row = self.rows.get(code)
        return row[1] if row else None

    def closed(self, code: str) -> dt.date | None:
        row = self.rows.get(code)
        return row[2] if row else None

    def successor(self, code: str) -> str | None:
        row = self.rows.get(code)
        return row[3] if row else None

    def footprint(self, code: str) -> str | None:
        row = self.rows.get(code)
        return row[4] if row else None


def _read_organisations(con: duckdb.DuckDBPyConnection) -> Organisations:
    rows = con.execute("SELECT code, name, kind, closed, successor, footprint_name FROM organisations").fetchall()
    return Organisations({r[0]: r[1:] for r in rows})


def _claim_span(claim: Claim, events: list[ExtractedEvent]) -> tuple[dt.date, dt.date] | None:
    days: list[dt.date] = []
    for value in [claim.target_date] + [e.date for e in events]:
        start, end = partial_date_start(value), partial_date_end(value)
        days += [d for d in (start, end) if d]
    if claim.doc_date:
        days.append(claim.doc_date)
    return (min(days), max(days)) if days else None


def _spans_overlap(a: Claim, b: Claim) -> bool:
    if not a.span or not b.span:
        return True  # an undated claim cannot contradict a date
    return a.span[0] - OVERLAP_SLACK <= b.span[1] + OVERLAP_SLACK and b.span[0] - OVERLAP_SLACK <= a.span[1] + OVERLAP_SLACK


def cluster_claims(claims: list[Claim], orgs: Organisations) -> list[list[Claim]]:
    """Groups of claims that describe the same grouping.

    Same member set: always one grouping (its rounds may span years). Same area and member count, or member
    sets that mostly overlap (MEMBER_OVERLAP of their union), when their dates overlap.
    """
    finder = _UnionFind(len(claims))
    by_members: dict[frozenset[str], int] = {}
    by_area: dict[tuple[str, int], list[int]] = defaultdict(list)
    by_code: dict[str, list[int]] = defaultdict(list)
    for position, claim in enumerate(claims):
        if len(claim.members) >= 2:
            key = frozenset(claim.members)
            if key in by_members:
                finder.union(by_members[key], position)
            else:
                by_members[key] = position
                for code in key:
                    by_code[code].append(position)
        # the area as written and the register's footprint of the members are both ways to name it
        areas = {normalise_area(claim.area), normalise_area(_common_footprint(claim.members, orgs))} - {None}
        for area in areas:
            if claim.count:
                by_area[(area, claim.count)].append(position)
    for positions in by_area.values():
        spans = sorted((claims[p].span, p) for p in positions if claims[p].span)
        reach, anchor, latest = None, None, None
        for (start, end), position in spans:
            if reach is not None and start - OVERLAP_SLACK <= reach + OVERLAP_SLACK:
                finder.union(anchor, position)
                reach = max(reach, end)
            else:
                reach, anchor = end, position
            latest = anchor
        # a claim with no date at all joins the most recent story of its area and count
        for position in positions:
            if not claims[position].span:
                latest = position if latest is None else latest
                finder.union(latest, position)
    for position in set(by_members.values()):
        members = set(claims[position].members)
        candidates = {other for code in members for other in by_code[code] if other > position}
        for other in candidates:
            others = set(claims[other].members)
            if len(members & others) / len(members | others) >= MEMBER_OVERLAP and _spans_overlap(
                claims[position], claims[other]
            ):
                finder.union(position, other)
    clusters: dict[int, list[Claim]] = defaultdict(list)
    for position, claim in enumerate(claims):
        clusters[finder.find(position)].append(claim)
    return list(clusters.values())


def _common_footprint(codes: tuple[str, ...], orgs: Organisations) -> str | None:
    footprints = {orgs.footprint(code) for code in codes}
    if len(codes) >= 2 and len(footprints) == 1:
        return footprints.pop()
    return None


def _most_common(values: list, default=None):
    present = [v for v in values if v not in (None, "", ())]
    if not present:
        return default
    counts = Counter(present)
    best = max(counts.values())
    # ties go to the value seen last (claims are ordered by document date)
    return [v for v in present if counts[v] == best][-1]


@dataclass
class DerivedGrouping:
    grouping_id: str
    members: list[str]
    member_names: list[str]
    area: str | None
    successor_name: str | None
    n_stated: int | None
    claims: list[Claim]
    label: str = ""
    status: str = Status.UNKNOWN
    reported_status: str = Status.UNKNOWN  # what the documents say, before the register referees
    target_date: str | None = None
    effective_date: str | None = None
    confirmed_by_register: bool = False
    register_successor: str | None = None
    rounds: int = 1
    flags: list[str] = field(default_factory=list)
    flag_rows: list[tuple] = field(default_factory=list)
    source_url: str | None = None
    events: list[dict] = field(default_factory=list)


def _best_member_list(cluster: list[Claim]) -> list[str]:
    """The member list that matches the stated count, else the most told, else the longest, else the latest."""
    stated = _most_common([c.n_stated for c in cluster])
    lists = [c.members for c in cluster if len(c.members) >= 2] or [c.members for c in cluster if c.members]
    if not lists:
        return []
    told = Counter(lists)
    order = {members: position for position, members in enumerate(lists)}  # later position = later document
    return list(max(told, key=lambda m: (len(m) == stated, told[m], len(m), order[m])))


def _describe_grouping(cluster: list[Claim], orgs: Organisations) -> DerivedGrouping:
    cluster.sort(key=lambda c: (_known_date(c.doc_date, c.fetched_at) or dt.date.min, c.document_id, c.idx))
    members = _best_member_list(cluster)
    names_from_claims: dict[str, str] = {}
    for claim in cluster:
        names_from_claims.update(zip(claim.members, claim.member_names))
    member_names = [orgs.name(code) or names_from_claims.get(code) or code for code in members]
    area = _most_common([c.area for c in cluster]) or _common_footprint(tuple(members), orgs)
    successor = _most_common([c.successor_name for c in cluster])
    n_stated = _most_common([c.n_stated for c in cluster])
    if members:
        identity = ("members", *sorted(members))
    else:
        identity = ("area", normalise_area(area), n_stated, successor)
    return DerivedGrouping(
        grouping_id="G" + short_hash(*identity),
        members=members,
        member_names=member_names,
        area=area,
        successor_name=successor,
        n_stated=n_stated,
        claims=cluster,
    )


def _label(grouping: DerivedGrouping, orgs: Organisations) -> str:
    count = len(grouping.members) or grouping.n_stated
    kinds = {orgs.kind(code) for code in grouping.members}
    noun = "ICBs" if kinds == {"icb"} else "CCGs"
    if grouping.area:
        return f"{grouping.area} ({count} {noun})" if count else grouping.area
    if grouping.successor_name:
        return grouping.successor_name
    names = [_short_name(name) for name in grouping.member_names or grouping.members]
    if len(names) > 1:
        return " + ".join(names) + f" ({len(names)} {noun})"
    return names[0] if names else "unnamed"


def _short_name(name: str) -> str:
    """"NHS Black Country Integrated Care Board" → "Black Country": labels name places, not legal forms."""
    name = name.removeprefix("NHS ")
    for suffix in (" Integrated Care Board", " Clinical Commissioning Group", " CCG", " ICB"):
        name = name.removesuffix(suffix)
    return name


def _walk_status(grouping: DerivedGrouping, today: dt.date) -> None:
    """Status and rounds from events and per-document status claims, in date order."""
    steps = []
    for event in grouping.events:
        own_date = partial_date_start(event["date"])
        status = event_status(event["type"], event["outcome"], partial_date_end(event["date"]), today)
        if status in POSITIVE_RANK and event["ceiling"] is not None and POSITIVE_RANK[status] > event["ceiling"]:
            status = next(s for s, rank in POSITIVE_RANK.items() if rank == event["ceiling"])
        steps.append((own_date or _known_date(event["doc_date"], event["fetched_at"]), own_date is not None, status,
                      event))
    for claim in grouping.claims:
        if claim.status and claim.status != Status.UNKNOWN and not grouping.events:
            steps.append((_known_date(claim.doc_date, claim.fetched_at), False, Status(claim.status), None))
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


def _ceiling(status: str | None) -> int | None:
    """How far a document's own reading lets its events push the status (None: no limit)."""
    return POSITIVE_RANK.get(status) if status else None


def _merge_events(grouping: DerivedGrouping, told: list[tuple[ExtractedEvent, Claim]]) -> None:
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


def _vote_result(outcome: str | None, percent_for: float | None, threshold: float | None) -> str | None:
    if outcome in (Outcome.FOR, Outcome.AGAINST):
        return outcome
    if percent_for is not None and threshold is not None:
        return Outcome.FOR if percent_for >= threshold else Outcome.AGAINST
    return outcome


def derive_groupings(
    claims: list[Claim], events: list[ExtractedEvent], orgs: Organisations, today: dt.date
) -> list[DerivedGrouping]:
    """The pure part of `rebuild`: claims and events in, merged groupings with status and events out."""
    events_by_claim: dict[tuple[int, int], list[ExtractedEvent]] = defaultdict(list)
    claims_by_document: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        claims_by_document[claim.document_id].append(claim)
    for event in events:
        own = claims_by_document.get(event.document_id, [])
        if event.grouping_idx is None and len(own) == 1:
            events_by_claim[(event.document_id, own[0].idx)].append(event)
        elif event.grouping_idx is not None:
            events_by_claim[(event.document_id, event.grouping_idx)].append(event)
    usable = [c for c in claims if len(c.members) >= 2 or c.area or c.successor_name]
    for claim in usable:
        claim.span = _claim_span(claim, events_by_claim[(claim.document_id, claim.idx)])
    groupings = []
    for cluster in cluster_claims(usable, orgs):
        grouping = _describe_grouping(cluster, orgs)
        _merge_events(grouping, [(e, c) for c in cluster for e in events_by_claim[(c.document_id, c.idx)]])
        _walk_status(grouping, today)
        grouping.reported_status = grouping.status
        reconcile(grouping, orgs, today)
        if grouping.source_url is None:
            grouping.source_url = grouping.claims[-1].url
        grouping.label = _label(grouping, orgs)
        groupings.append(grouping)
    _unique_labels(groupings)
    return groupings


def _unique_labels(groupings: list[DerivedGrouping]) -> None:
    """Two groupings with one label (same area years apart) are told apart by the year their story starts."""
    seen = Counter(g.label for g in groupings)
    for grouping in groupings:
        if seen[grouping.label] > 1:
            starts = [c.span[0] for c in grouping.claims if c.span]
            if starts:
                grouping.label = f"{grouping.label}, from {min(starts).year}"
    seen = Counter(g.label for g in groupings)
    for grouping in groupings:
        if seen[grouping.label] > 1:
            grouping.label = f"{grouping.label} [{grouping.grouping_id}]"


def load_register_tables(con: duckdb.DuckDBPyConnection, register=None) -> bool:
    """Refresh organisations, org_aliases and footprints from the shipped register (parsers.register)."""
    if register is None:
        try:
            from parsers.register import load_register
        except ImportError:
            return False
        register = load_register()
    organisations = register.organisations
    organisations = list(organisations.values()) if isinstance(organisations, dict) else list(organisations)
    aliases = list(getattr(register, "aliases", ()) or ())
    fingerprint = hashlib.sha256(repr((organisations, aliases)).encode()).hexdigest()
    if get_meta(con, "register_sha256") == fingerprint:
        return True  # the register tables already hold this register
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("organisations", "org_aliases", "footprints"):
            con.execute(f"DELETE FROM {table}")  # table names are constants, never input
        insert_rows(
            con, "organisations",
            [[o.code, o.name, str(o.kind), o.ons_code, o.opened, o.closed, o.successor, o.footprint_code,
              o.footprint_name] for o in organisations],
        )
        if aliases:
            insert_rows(
                con, "org_aliases",
                [[a.code, a.alias, a.kind, getattr(a, "valid_from", None), getattr(a, "valid_to", None)]
                 for a in aliases],
            )
        con.execute(_sql("footprints"))
        set_meta(con, "register_sha256", fingerprint)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return True


def _write(con: duckdb.DuckDBPyConnection, groupings: list[DerivedGrouping]) -> None:
    grouping_rows, member_rows, event_rows, vote_rows, flag_rows, document_rows = [], [], [], [], [], []
    for g in groupings:
        dates = _evidence_dates(g)
        grouping_rows.append([
            g.grouping_id, g.label, g.area, g.successor_name, len(g.members), g.n_stated, g.status, g.target_date,
            g.effective_date, g.confirmed_by_register, g.register_successor, g.rounds,
            min(dates) if dates else None, max(dates) if dates else None,
            len({c.source for c in g.claims}), len({c.url for c in g.claims}), g.source_url, g.flags,
            g.members, g.member_names, g.reported_status,
        ])
        member_rows += [[g.grouping_id, code, name, i] for i, (code, name) in enumerate(zip(g.members, g.member_names))]
        document_rows += [[g.grouping_id, document_id] for document_id in sorted({c.document_id for c in g.claims})]
        flag_rows += [list(row) for row in g.flag_rows]
        for e in g.events:
            event_rows.append([
                e["event_id"], g.grouping_id, e["round"], e["type"], e["date"], precision_of(e["date"]),
                partial_date_start(e["date"]) or e["doc_date"], e["outcome"], e["body"], e["detail"], e["evidence"],
                e["document_id"], e["source_url"], e["fetched_at"], e["capture_time"], len(e["documents"]),
            ])
            member, count_for, against, abstain, percent_for, turnout, threshold = e["vote"]
            if e["type"] == EventType.MEMBER_VOTE or any(v is not None for v in e["vote"]):
                vote_rows.append([
                    e["event_id"], e["body"], member, count_for, against, abstain, percent_for, turnout, threshold,
                    _vote_result(e["outcome"], percent_for, threshold),
                ])
    for table in ("groupings", "grouping_members", "events", "votes", "grouping_flags", "grouping_documents"):
        con.execute(f"DELETE FROM {table}")  # table names are constants, never input
    insert_rows(con, "groupings", grouping_rows)
    insert_rows(con, "grouping_members", member_rows)
    insert_rows(con, "events", event_rows)
    insert_rows(con, "votes", vote_rows)
    insert_rows(con, "grouping_flags", flag_rows)
    insert_rows(con, "grouping_documents", document_rows)


def log_changes(con: duckdb.DuckDBPyConnection, run_id: str | None) -> tuple[int, int]:
    """Record facts not seen before (new) and grouping states that moved (changed); returns both counts."""
    now = utc_now()
    new_events = con.execute(_sql("log_new_events"), [run_id, now]).fetchone()[0]
    new_states = con.execute(_sql("log_new_states"), [run_id, now]).fetchone()[0]
    changed_states = con.execute(_sql("log_changed_states"), [run_id, now]).fetchone()[0]
    return new_events + new_states, changed_states


def rebuild(
    con: duckdb.DuckDBPyConnection, run_id: str | None = None, register=None, today: dt.date | None = None
) -> FactChanges:
    """Rebuild groupings, members, events, votes and flags from every document's extracted facts."""
    load_register_tables(con, register)
    claims, events = _read_claims(con)
    orgs = _read_organisations(con)
    groupings = derive_groupings(claims, events, orgs, today or dt.date.today())
    con.execute("BEGIN TRANSACTION")
    try:
        _write(con, groupings)
        new_facts, changed_facts = log_changes(con, run_id)
        if run_id:
            con.execute(
                "UPDATE crawl_runs SET new_facts = new_facts + ?, changed_facts = changed_facts + ? WHERE run_id = ?",
                [new_facts, changed_facts, run_id],
            )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return FactChanges(len(groupings), sum(len(g.events) for g in groupings), new_facts, changed_facts)
