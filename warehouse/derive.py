"""Derive the national picture from per-document facts: groupings merged across documents, events, status.

Rules (each one a sentence an analyst can check; the code is in clustering.py, stages.py and this module):
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
from collections import Counter, defaultdict
from dataclasses import dataclass

import duckdb

from parsers.vocab import EventType
from warehouse.bulk import insert_rows
from warehouse.clustering import (
    best_member_list,
    claim_span,
    cluster_claims,
    common_footprint,
    most_common,
    normalise_area,
)
from warehouse.facts import (
    Claim,
    DerivedGrouping,
    ExtractedEvent,
    Organisations,
    load_register_tables,
    partial_date_start,
    precision_of,
    read_claims,
    read_organisations,
    short_hash,
)
from warehouse.queries import query
from warehouse.runs import utc_now
from warehouse.stages import known_date, merge_events, reconcile, vote_result, walk_status


def _sql(name: str) -> str:
    return query("derive.sql", name)


@dataclass
class FactChanges:
    groupings: int = 0
    events: int = 0
    new_facts: int = 0
    changed_facts: int = 0


def _evidence_dates(grouping: DerivedGrouping) -> list[dt.date]:
    """Dates of the evidence: documents' own dates and past event dates; fetch dates only when nothing else."""
    today = dt.date.today()
    dates = [c.doc_date for c in grouping.claims if c.doc_date]
    dates += [d for d in (partial_date_start(e["date"]) for e in grouping.events) if d and d <= today]
    if not dates:
        dates = [c.fetched_at.date() for c in grouping.claims if c.fetched_at]
    return dates


def _describe_grouping(cluster: list[Claim], orgs: Organisations) -> DerivedGrouping:
    cluster.sort(key=lambda c: (known_date(c.doc_date, c.fetched_at) or dt.date.min, c.document_id, c.idx))
    members = best_member_list(cluster)
    names_from_claims: dict[str, str] = {}
    for claim in cluster:
        names_from_claims.update(zip(claim.members, claim.member_names))
    member_names = [orgs.name(code) or names_from_claims.get(code) or code for code in members]
    area = most_common([c.area for c in cluster]) or common_footprint(tuple(members), orgs)
    successor = most_common([c.successor_name for c in cluster])
    n_stated = most_common([c.n_stated for c in cluster])
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
        claim.span = claim_span(claim, events_by_claim[(claim.document_id, claim.idx)])
    groupings = []
    for cluster in cluster_claims(usable, orgs):
        grouping = _describe_grouping(cluster, orgs)
        merge_events(grouping, [(e, c) for c in cluster for e in events_by_claim[(c.document_id, c.idx)]])
        walk_status(grouping, today)
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
                    vote_result(e["outcome"], percent_for, threshold),
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
    claims, events = read_claims(con)
    orgs = read_organisations(con)
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
