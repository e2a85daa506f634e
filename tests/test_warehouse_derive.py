"""Deriving groupings from per-document claims: which claims are one grouping, status, rounds, the register."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.register import load_register
from warehouse.derive import derive_groupings
from warehouse.facts import Claim, ExtractedEvent, Organisations

STAFFS = ("04Y", "05D", "05G", "05Q", "05V", "05W")
KENT = ("09C", "09E", "09J", "09W", "10A", "10D", "10E", "99J")
NORTH_MERSEY = ("01J", "01T", "01V", "99A")
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def orgs() -> Organisations:
    rows = {o.code: (o.name, str(o.kind), o.closed, o.successor, o.footprint_name) for o in load_register().organisations}
    return Organisations(rows)


def claim(document_id: int, members=(), area=None, n=None, published=None, target=None, successor=None) -> Claim:
    return Claim(document_id=document_id, idx=0, members=tuple(members), member_names=[], n_stated=n, area=area,
                 successor_name=successor, target_date=target, status=None,
                 doc_date=dt.date.fromisoformat(published) if published else None, url=f"https://doc.test/{document_id}",
                 source=f"site{document_id}", fetched_at=dt.datetime(2026, 11, 20, 9))


def event(document_id: int, type_: str, date: str | None, outcome: str | None = None) -> ExtractedEvent:
    return ExtractedEvent(document_id=document_id, grouping_idx=0, type=type_, date=date, body=None, outcome=outcome,
                          detail="", evidence=f"{type_} in document {document_id}", vote=(None,) * 7, doc_date=None,
                          url=f"https://doc.test/{document_id}", source=f"site{document_id}",
                          fetched_at=dt.datetime(2026, 11, 20, 9), capture_time=None)


CASES = [
    pytest.param(
        [claim(1, STAFFS, "Staffordshire and Stoke-on-Trent", 6, "2019-05-13"),
         claim(2, STAFFS[:5], "Staffordshire", 6, "2019-09-05")],
        [sorted(STAFFS)], id="five of six named, other wording of the area: one grouping"),
    pytest.param(
        [claim(1, (), "Kent and Medway", 8, "2019-06-05"), claim(2, KENT, None, None, "2019-09-30")],
        [sorted(KENT)], id="area and count meets the footprint of named members"),
    pytest.param(
        [claim(1, NORTH_MERSEY, "North Mersey", 4, "2019-06-01"), claim(2, ("99A", "01J"), None, 2, "2019-07-01")],
        [sorted(NORTH_MERSEY), ["01J", "99A"]], id="a pair inside a four-way proposal is another grouping"),
    pytest.param(
        [claim(1, (), "Staffordshire and Stoke-on-Trent", 6, "2019-05-13"),
         claim(2, (), "Staffordshire and Stoke-on-Trent", 6, "2025-10-01")],
        [[], []], id="same area and count years apart: two groupings"),
    pytest.param(
        [claim(1, STAFFS, None, 6, "2019-05-13"), claim(2, STAFFS, None, 6, "2025-10-01")],
        [sorted(STAFFS)], id="same member set years apart: one grouping, several rounds"),
]


@pytest.mark.parametrize(("claims", "expected_members"), CASES)
def test_which_claims_are_one_grouping(orgs, claims, expected_members):
    groupings = derive_groupings(claims, [], orgs, TODAY)
    assert sorted(sorted(g.members) for g in groupings) == sorted(expected_members)


def test_a_dated_proposal_after_a_rejection_starts_a_new_round_and_the_register_has_the_last_word(orgs):
    claims = [claim(1, KENT, "Kent and Medway", 8, "2018-06-05"), claim(2, KENT, "Kent and Medway", 8, "2019-09-30")]
    events = [event(1, "proposal", "2018-06"), event(1, "deferral", "2018-09"),
              event(2, "proposal", "2019-03"), event(2, "application", "2019-09")]
    [kent] = derive_groupings(claims, events, orgs, TODAY)
    assert (kent.status, kent.rounds, kent.effective_date, kent.confirmed_by_register) == ("merged", 2, "2020-04-01", True)
    assert [(e["type"], e["round"]) for e in sorted(kent.events, key=lambda e: e["date"])] == [
        ("proposal", 1), ("deferral", 1), ("proposal", 2), ("application", 2),
    ]
    assert kent.flags == []


def test_the_2022_handover_to_icbs_is_not_a_merger_of_the_grouping(orgs):
    # all six Staffordshire CCGs closed on 2022-06-30 into the ICB: abolition, not their merger
    [staffs] = derive_groupings([claim(1, STAFFS, None, 6, "2019-09-05")],
                                [event(1, "member_vote", "2019-09", "against")], orgs, TODAY)
    assert (staffs.status, staffs.confirmed_by_register, staffs.effective_date) == ("vote_against", False, None)


def test_a_future_effective_date_is_not_yet_a_merger(orgs):
    claims = [claim(1, ("ZZ1", "ZZ2"), "Somewhere", 2, "2026-10-01")]
    events = [event(1, "approval", "2026-09"), event(1, "effective", "2027-04-01")]
    [grouping] = derive_groupings(claims, events, orgs, TODAY)
    assert grouping.status == "approved"
