"""Which per-document claims describe the same grouping: same members, same area and count, or overlap."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from warehouse.facts import Claim, ExtractedEvent, Organisations, partial_date_end, partial_date_start

OVERLAP_SLACK = dt.timedelta(days=183)

MEMBER_OVERLAP = 0.6  # share of the union two member lists must have in common to be one grouping


def normalise_area(area: str | None) -> str | None:
    if not area:
        return None
    words = area.lower().replace("&", " and ").replace("-", " ").replace(",", " ").split()
    words = [w for w in words if w not in {"the", "nhs"}]
    return " ".join(words) or None


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


def claim_span(claim: Claim, events: list[ExtractedEvent]) -> tuple[dt.date, dt.date] | None:
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


def common_footprint(codes: tuple[str, ...], orgs: Organisations) -> str | None:
    footprints = {orgs.footprint(code) for code in codes}
    if len(codes) >= 2 and len(footprints) == 1:
        return footprints.pop()
    return None


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
        areas = {normalise_area(claim.area), normalise_area(common_footprint(claim.members, orgs))} - {None}
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


def most_common(values: list, default=None):
    present = [v for v in values if v not in (None, "", ())]
    if not present:
        return default
    counts = Counter(present)
    best = max(counts.values())
    # ties go to the value seen last (claims are ordered by document date)
    return [v for v in present if counts[v] == best][-1]


def best_member_list(cluster: list[Claim]) -> list[str]:
    """The member list that matches the stated count, else the most told, else the longest, else the latest."""
    stated = most_common([c.n_stated for c in cluster])
    lists = [c.members for c in cluster if len(c.members) >= 2] or [c.members for c in cluster if c.members]
    if not lists:
        return []
    told = Counter(lists)
    order = {members: position for position, members in enumerate(lists)}  # later position = later document
    return list(max(told, key=lambda m: (len(m) == stated, told[m], len(m), order[m])))
