"""The real parsers through the warehouse: `ccgwatch load`, `status`, `timeline` and `reparse` on saved pages."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from warehouse_fixtures import page_row, write_feed

from ccgwatch.cli import main
from ccgwatch.paths import DataPaths

PAGES = Path(__file__).parent / "fixtures" / "warehouse"
FEED_PAGES = [
    ("https://kentandmedwayccgs.test/news/apply-single-ccg", "kent-and-medway-apply.txt", "text/plain"),
    ("https://midlandshealth.test/news/staffordshire-vote", "staffordshire-gp-vote.html", "text/html; charset=utf-8"),
    ("https://county.test/news/sexual-health-contract", "sexual-health-contract.txt", "text/plain"),
]


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def loaded(tmp_path, capsys) -> DataPaths:
    paths = DataPaths(tmp_path / "data")
    rows = []
    for url, name, content_type in FEED_PAGES:
        row = page_row(paths, url, (PAGES / name).read_bytes(), "2026-11-20T09:00:00Z", source_id=url.split("/")[2])
        row["content_type"] = content_type
        rows.append(row)
    feed = write_feed(paths, "20261120T090000Z-news.jsonl", rows)
    code, out, _ = cli(capsys, "load", "--data", str(paths.root), "--run-id", "20261120T090000Z", str(feed))
    assert code == 0 and "3 new documents" in out and "3 parsed (0 unreadable)" in out
    return paths


def status(capsys, paths: DataPaths) -> dict[str, dict]:
    code, out, _ = cli(capsys, "status", "--data", str(paths.root), "--format", "csv")
    assert code == 0
    return {row["area"]: row for row in csv.DictReader(out.splitlines())}


def test_load_publishes_groupings_the_register_can_referee(loaded, capsys):
    rows = status(capsys, loaded)
    assert set(rows) == {"Kent and Medway", "Staffordshire and Stoke-on-Trent"}  # the contract page is not one
    kent = rows["Kent and Medway"]
    # the page only says they applied; the register shows the merger into 91Q on 1 April 2020
    assert (kent["status"], kent["effective_date"], kent["confirmed_by_register"]) == ("merged", "2020-04-01", "True")
    assert kent["members"].split("; ")[0] == "09C NHS Ashford CCG" and len(kent["members"].split("; ")) == 8
    staffs = rows["Staffordshire and Stoke-on-Trent"]
    assert (staffs["status"], staffs["confirmed_by_register"]) == ("vote_against", "False")
    assert staffs["source_url"] == "https://midlandshealth.test/news/staffordshire-vote"


@pytest.mark.parametrize("wanted", ["10E", "91Q", "kent and medway"])
def test_timeline_by_member_or_successor_code_shows_evidence_from_the_page(loaded, capsys, wanted):
    code, out, _ = cli(capsys, "timeline", wanted, "--data", str(loaded.root), "--format", "csv")
    events = list(csv.DictReader(out.splitlines()))
    assert code == 0
    decision = next(e for e in events if e["type"] == "governing_body_decision")
    assert decision["date"] == "2019-09-26"
    assert decision["evidence"].startswith("The governing bodies of the eight clinical commissioning groups in Kent")
    assert decision["source_url"] == "https://kentandmedwayccgs.test/news/apply-single-ccg"


def test_reparse_rebuilds_the_same_facts_without_any_feed(loaded, capsys):
    before = status(capsys, loaded)
    for feed in loaded.feeds.glob("*.jsonl"):
        feed.unlink()  # reparse reads stored raw pages only
    code, out, _ = cli(capsys, "reparse", "--data", str(loaded.root))
    assert code == 0 and "3 parsed (0 unreadable), 0 new facts, 0 changed" in out
    assert status(capsys, loaded) == before
    reparse_run = out.split(":", 1)[0].removeprefix("run ")
    code, out, _ = cli(capsys, "changes", "--since", reparse_run, "--data", str(loaded.root), "--format", "csv",
                       "--atom", str(loaded.root / "changes.atom"))
    assert (code, out) == (0, "seen_at,run_id,change,kind,grouping,summary,source_url\r\n")


def test_loading_the_same_feed_again_changes_nothing(loaded, capsys):
    feed = next(loaded.feeds.glob("*.jsonl"))
    code, out, _ = cli(capsys, "load", "--data", str(loaded.root), "--run-id", "20261120T090000Z", str(feed))
    assert code == 0 and "0 new documents, 0 changed" in out and "0 new facts, 0 changed" in out


def test_load_and_reparse_fail_in_one_line_without_a_warehouse(tmp_path, capsys):
    code, _, err = cli(capsys, "reparse", "--data", str(tmp_path / "nothing"))
    assert code == 2 and err.startswith("ccgwatch: no warehouse at ") and err.count("\n") == 1
    code, _, err = cli(capsys, "load", "--data", str(tmp_path / "nothing"))
    assert code == 2 and err.startswith("ccgwatch: no feed files given and none in ") and err.count("\n") == 1
    code, _, err = cli(capsys, "status", "--data", str(tmp_path / "nothing"))
    assert code == 2 and "no published warehouse" in err and err.count("\n") == 1


def test_feeds_are_loaded_under_the_run_their_names_give(tmp_path, capsys):
    paths = DataPaths(tmp_path / "data")
    url, name, _ = FEED_PAGES[0]
    row = page_row(paths, url, (PAGES / name).read_bytes(), "2026-11-21T09:00:00Z")
    write_feed(paths, "20261121T085900Z-news.jsonl", [row])
    write_feed(paths, "20261121T085900Z-moderngov.jsonl", [])
    code, out, _ = cli(capsys, "load", "--data", str(paths.root))
    assert code == 0 and out.startswith("run 20261121T085900Z: 1 feed rows from 1 feeds, 1 new documents")
    code, out, _ = cli(capsys, "sql", "SELECT run_id, outcome, pages FROM crawl_runs", "--data", str(paths.root),
                       "--format", "csv")
    assert out == "run_id,outcome,pages\r\n20261121T085900Z,ok,1\r\n"
