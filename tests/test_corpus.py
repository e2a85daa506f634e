"""Checks that the labelled extraction corpus is complete, uses the shared vocabulary and agrees with the register.

These tests judge the labels, never the extractor: extraction quality is printed by
bench/extraction_quality.py, whose matching rules are checked here on small hand-made cases.
"""

from __future__ import annotations

import csv
import datetime
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from parsers.vocab import Body, EventType, Outcome, Status

DATA = Path(__file__).parent.parent / "parsers" / "data"
# The tuned corpus and the holdout the extractor is not tuned against, with their minimum sizes
# (documents, distractors); both follow tests/corpus/README.md.
CORPORA = {Path(__file__).parent / "corpus": (50, 12), Path(__file__).parent / "holdout": (30, 8)}
LABELS: list[tuple[Path, dict]] = [
    (corpus, label)
    for corpus in CORPORA
    for label in json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
]
DOCUMENT_SUFFIXES = {".txt", ".html", ".pdf"}
DATE_PATTERN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# How far each event type takes a grouping; a positive status must reach at least this far.
STAGE = {Status.PROPOSED: 0, Status.CONSULTING: 1, Status.VOTE_FOR: 2, Status.APPLIED: 3,
         Status.APPROVED: 4, Status.MERGED: 5}
EVENT_STAGE = {EventType.PROPOSAL: 0, EventType.CONSULTATION_START: 1, EventType.CONSULTATION_END: 1,
               EventType.APPLICATION: 3, EventType.APPROVAL: 4}
NEGATIVE = {Status.VOTE_AGAINST, Status.REJECTED, Status.DEFERRED, Status.ABANDONED, Status.UNKNOWN}


def params(pairs: list[tuple[Path, dict]]) -> list:
    return [pytest.param(corpus, label, id=f"{corpus.name}/{label['file']}") for corpus, label in pairs]


def is_valid_date(value: str) -> bool:
    if not DATE_PATTERN.match(value):
        return False
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        datetime.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def read_register(name: str) -> dict[str, dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return {row["ods_code"]: row for row in csv.DictReader(handle)}


def labels_of(corpus: Path) -> list[dict]:
    return [label for directory, label in LABELS if directory == corpus]


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.name)
def test_corpus_is_big_enough_and_has_distractors(corpus: Path) -> None:
    documents, distractors = CORPORA[corpus]
    labels = labels_of(corpus)
    assert len(labels) >= documents
    assert sum(1 for label in labels if not label["relevant"]) >= distractors
    assert sum(1 for label in labels if label["file"].endswith(".html")) >= 3


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda c: c.name)
def test_every_document_has_exactly_one_label(corpus: Path) -> None:
    labelled = [label["file"] for label in labels_of(corpus)]
    on_disk = sorted(p.name for p in corpus.iterdir() if p.suffix in DOCUMENT_SUFFIXES)
    assert len(labelled) == len(set(labelled))
    assert sorted(labelled) == on_disk


@pytest.mark.parametrize(("corpus", "label"), params(LABELS))
def test_document_has_a_title(corpus: Path, label: dict) -> None:
    path = corpus / label["file"]
    if path.suffix == ".pdf":
        assert path.read_bytes().startswith(b"%PDF-")
        return
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".txt":
        assert text.splitlines()[0].strip()
    else:
        assert "<title>" in text.lower()


@pytest.mark.parametrize(("corpus", "label"), params(LABELS))
def test_label_uses_the_vocabulary(corpus: Path, label: dict) -> None:
    assert set(label) >= {"file", "published", "relevant", "groupings", "events"}
    assert label["published"] is None or (is_valid_date(label["published"]) and len(label["published"]) == 10)
    assert isinstance(label["relevant"], bool)
    if not label["relevant"]:
        assert label["groupings"] == [] and label["events"] == []
    else:
        assert label["groupings"], "a relevant page names at least one grouping"
    for grouping in label["groupings"]:
        assert grouping["members"] and len(grouping["members"]) == len(set(grouping["members"]))
        assert grouping["status"] in set(Status)
        assert grouping["target_date"] is None or is_valid_date(grouping["target_date"])
        stated = grouping.get("n_members_stated")
        assert stated is None or stated == len(grouping["members"])
    for event in label["events"]:
        assert 0 <= event["grouping"] < len(label["groupings"])
        assert event["type"] in set(EventType)
        assert event["date"] is None or is_valid_date(event["date"])
        assert event.get("body") is None or event["body"] in set(Body)
        if event["type"] == EventType.MEMBER_VOTE:
            assert event["body"] and event.get("outcome") in set(Outcome)
        else:
            assert "outcome" not in event, "outcome belongs to votes only"


@pytest.mark.parametrize(("corpus", "label"), params([pair for pair in LABELS if pair[1]["relevant"]]))
def test_status_reaches_the_furthest_labelled_stage(corpus: Path, label: dict) -> None:
    for index, grouping in enumerate(label["groupings"]):
        status = Status(grouping["status"])
        if status in NEGATIVE:
            continue
        events = [e for e in label["events"] if e["grouping"] == index]
        reached = [EVENT_STAGE[EventType(e["type"])] for e in events if e["type"] in EVENT_STAGE]
        reached += [STAGE[Status.VOTE_FOR] for e in events if e.get("outcome") == Outcome.FOR]
        assert STAGE[status] >= max(reached, default=0)


@pytest.mark.parametrize(("corpus", "label"), params([pair for pair in LABELS if pair[1]["relevant"]]))
def test_members_are_real_organisations_open_at_the_time(corpus: Path, label: dict) -> None:
    if not (DATA / "ccgs.csv").exists() or not (DATA / "icbs.csv").exists():
        pytest.skip("register data not shipped in parsers/data yet")
    register = read_register("ccgs.csv") | read_register("icbs.csv")
    for grouping in label["groupings"]:
        for code in grouping["members"]:
            assert code in register, f"{code} is not in the register"
            if label["published"]:
                assert register[code]["opened"] <= label["published"], f"{code} did not exist yet"


@pytest.mark.parametrize(("corpus", "label"), params([pair for pair in LABELS if pair[1]["relevant"]]))
def test_completed_ccg_mergers_agree_with_the_register(corpus: Path, label: dict) -> None:
    """A CCG grouping labelled approved or merged must be one the register shows merging, on that date."""
    if not (DATA / "ccgs.csv").exists():
        pytest.skip("register data not shipped in parsers/data yet")
    ccgs = read_register("ccgs.csv")
    for grouping in label["groupings"]:
        if grouping["status"] not in (Status.APPROVED, Status.MERGED) or grouping["members"][0] not in ccgs:
            continue
        successors = {ccgs[code]["successor_ods_code"] for code in grouping["members"]}
        assert len(successors) == 1, f"members go to different successors: {successors}"
        successor = ccgs[successors.pop()]
        if grouping["target_date"] and len(grouping["target_date"]) == 10:
            assert successor["opened"] == grouping["target_date"]


def load_scorer():
    path = Path(__file__).parent.parent / "bench" / "extraction_quality.py"
    spec = importlib.util.spec_from_file_location("extraction_quality", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_scorer_matches_groupings_by_member_overlap() -> None:
    scorer = load_scorer()
    gold = [{"members": ["A", "B", "C"]}, {"members": ["X", "Y"]}]
    pred = [{"members": ["X"]}, {"members": ["A", "B", "D"]}, {"members": ["Q"]}]
    assert scorer.match_groupings(gold, pred) == [(0, 1), (1, 0)]


def test_scorer_counts_each_field() -> None:
    scorer = load_scorer()
    label = {"file": "x.txt", "relevant": True,
             "groupings": [{"members": ["05D", "05G"], "target_date": "2020-04", "status": "consulting"}],
             "events": [{"grouping": 0, "type": "member_vote", "body": "gp_members", "outcome": "against",
                         "date": "2019-09"},
                        {"grouping": 0, "type": "meeting", "date": None}]}
    pred = {"relevant": True,
            "groupings": [{"members": ["05D", "05G", "05W"], "target_date": "2020-04-01", "status": "consulting"},
                          {"members": ["09C"], "status": "proposed"}],
            "events": [{"grouping": 0, "type": "member_vote", "body": "gp_members", "outcome": "for",
                        "date": "2019-09"}]}
    t = scorer.score_document(label, pred).tallies
    assert (t["relevance"].tp, t["relevance"].fp, t["relevance"].fn) == (1, 0, 0)
    assert (t["members"].tp, t["members"].fp, t["members"].fn) == (2, 2, 0)
    assert (t["status"].tp, t["status"].fp, t["status"].fn) == (1, 1, 0)
    assert (t["votes"].tp, t["votes"].fp, t["votes"].fn) == (0, 1, 1)
    assert (t["dates"].tp, t["dates"].fp, t["dates"].fn) == (1, 1, 1)
