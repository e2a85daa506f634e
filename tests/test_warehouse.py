"""Warehouse: idempotent loads, document versions, cross-document groupings, rounds, register reconciliation."""

from __future__ import annotations

import dataclasses
import datetime as dt

import duckdb
import pytest
from warehouse_fixtures import FakePages, error_row, page_row, write_feed

from ccgwatch.errors import UserError
from ccgwatch.paths import DataPaths
from parsers.model import Event, Extraction, Grouping, Vote
from parsers.vocab import Body, EventType, Outcome, Status
from warehouse.db import connect_working, migrations, schema_version
from warehouse.load import load_feeds, reparse
from warehouse.publish import publish
from warehouse.read import connect_published

STAFFS = ["04Y", "05D", "05G", "05Q", "05V", "05W"]
KENT = ["09C", "09E", "09J", "09W", "10A", "10D", "10E", "99J"]
COVENTRY = ["05A", "05H", "05R"]


def staffs_grouping(members: list[str] | None = None, **changes) -> Grouping:
    values = {"members": STAFFS if members is None else members, "member_names": [], "n_members_stated": 6,
                  "area": "Staffordshire and Stoke-on-Trent", "target_date": "2020-04"}
    values.update(changes)
    return Grouping(**values)


@pytest.fixture
def paths(tmp_path) -> DataPaths:
    return DataPaths(tmp_path / "data")


def query(paths: DataPaths, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(paths.working_db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def staffs_feed(paths: DataPaths, pages: FakePages):
    consult = pages.add(
        "Staffordshire CCGs consult on merger\nA consultation on one CCG opened in May 2019.",
        Extraction(True, [staffs_grouping()], [
            Event(0, EventType.CONSULTATION_START, "A consultation on one CCG opened in May 2019.", "2019-05")]),
        published="2019-05-20",
    )
    vote = pages.add(
        "GPs reject six-way merger\nGPs in Staffordshire voted against the merger.",
        Extraction(True, [staffs_grouping(members=[])], [
            Event(0, EventType.MEMBER_VOTE, "GPs in Staffordshire voted against the merger.", "2019-09",
                  Body.GP_MEMBERS, Outcome.AGAINST, vote=Vote(percent_for=35.0, threshold=50.0))]),
        published="2019-09-12",
    )
    return [
        page_row(paths, "http://news.test/staffs-consultation", consult, "2026-11-20T10:00:00+00:00"),
        page_row(paths, "http://hsj.test/gps-reject", vote, "2026-11-20T10:00:05+00:00", source_id="test-hsj"),
        error_row("http://news.test/broken", "http_5xx", "HTTP 500", "2026-11-20T10:00:06", 500),
    ]


def counts(paths: DataPaths) -> dict[str, int]:
    tables = ["documents", "page_fetches", "fetch_errors", "extracted_groupings", "events", "groupings", "fact_log"]
    return {t: query(paths, f"SELECT count(*) FROM {t}")[0][0] for t in tables}


def test_loading_the_same_feed_twice_adds_nothing(paths):
    pages = FakePages()
    feed = write_feed(paths, "r1-news.jsonl", staffs_feed(paths, pages))
    first = load_feeds(paths, [feed], "r1", parse=pages)
    after_first = counts(paths)
    second = load_feeds(paths, [feed], "r1", parse=pages)
    assert (first.new_documents, first.fetch_errors, first.new_facts) == (2, 1, 3)
    assert (second.new_documents, second.changed_documents, second.fetch_errors, second.new_facts) == (0, 0, 0, 0)
    assert counts(paths) == after_first == {
        "documents": 2, "page_fetches": 2, "fetch_errors": 1, "extracted_groupings": 2, "events": 2,
        "groupings": 1, "fact_log": 3,
    }
    assert query(paths, "SELECT pages, bytes, not_modified, errors_by_kind, outcome, started_at FROM crawl_runs "
                        "WHERE run_id = 'r1'") == [
        (2, sum(len(b) for b in pages.extractions), 0, '{"http_5xx": 1}', "ok", dt.datetime(2026, 11, 20, 10, 0))
    ]


def test_a_changed_page_is_a_new_version_and_unchanged_content_is_not_stored_again(paths):
    pages = FakePages()
    first = pages.add("Merger news\nversion one", Extraction(False))
    second = pages.add("Merger news\nversion two", Extraction(False))
    url = "http://news.test/merger"
    load_feeds(paths, [write_feed(paths, "r1.jsonl", [page_row(paths, url, first, "2026-11-01T09:00:00Z")])], "r1",
               parse=pages)
    refetch = write_feed(paths, "r2.jsonl", [
        page_row(paths, url, first, "2026-11-08T09:00:00Z", cached=True),
        page_row(paths, url, second, "2026-11-15T09:00:00Z"),
        page_row(paths, url, second, "2026-11-16T09:00:00Z"),
    ])
    summary = load_feeds(paths, [refetch], "r2", parse=pages)
    assert (summary.new_documents, summary.changed_documents) == (0, 1)
    assert query(paths, "SELECT version, text, fetched_at, last_seen_at FROM documents ORDER BY version") == [
        (1, "Merger news\nversion one", dt.datetime(2026, 11, 1, 9), dt.datetime(2026, 11, 8, 9)),
        (2, "Merger news\nversion two", dt.datetime(2026, 11, 15, 9), dt.datetime(2026, 11, 16, 9)),
    ]
    assert query(paths, "SELECT pages, not_modified FROM crawl_runs WHERE run_id = 'r2'") == [(3, 1)]
    # loading the second feed again changes nothing, even though its page went one → two
    again = load_feeds(paths, [refetch], "r2", parse=pages)
    assert (again.new_documents, again.changed_documents) == (0, 0)
    assert query(paths, "SELECT count(*) FROM documents") == [(2,)]


def test_groupings_merge_across_documents_by_members_or_by_area_and_count(paths):
    pages = FakePages()
    rows = staffs_feed(paths, pages)
    # same area and count but years later: a different grouping (ICB era)
    later = pages.add(
        "Staffordshire plans again\nSix organisations in Staffordshire and Stoke-on-Trent plan to merge in 2026.",
        Extraction(True, [staffs_grouping(members=[], target_date="2026-04")], [
            Event(0, EventType.PROPOSAL, "Six organisations plan to merge in 2026.", "2025-10")]),
        published="2025-10-01",
    )
    rows.append(page_row(paths, "http://news.test/2025", later, "2026-11-20T11:00:00Z"))
    load_feeds(paths, [write_feed(paths, "r1.jsonl", rows)], "r1", parse=pages)
    groupings = query(paths, "SELECT label, status, n_sources, n_documents, target_date FROM groupings ORDER BY label")
    assert groupings == [
        ("Staffordshire and Stoke-on-Trent (6 CCGs), from 2019", "vote_against", 2, 2, "2020-04"),
        ("Staffordshire and Stoke-on-Trent (6 CCGs), from 2025", "proposed", 1, 1, "2026-04"),
    ]
    merged = query(paths, "SELECT grouping_id FROM groupings WHERE n_documents = 2")[0][0]
    assert query(paths, "SELECT type, date, source_url FROM events WHERE grouping_id = ? ORDER BY date", [merged]) == [
        ("consultation_start", "2019-05", "http://news.test/staffs-consultation"),
        ("member_vote", "2019-09", "http://hsj.test/gps-reject"),
    ]
    assert query(paths, "SELECT code FROM grouping_members WHERE grouping_id = ? ORDER BY position", [merged]) == [
        (code,) for code in STAFFS
    ]
    assert query(paths, "SELECT percent_for, threshold, result FROM votes") == [(35.0, 50.0, "against")]


def test_the_same_event_told_by_two_documents_is_one_event_with_the_first_evidence(paths):
    pages = FakePages()
    grouping = Grouping(members=COVENTRY, member_names=[], n_members_stated=3, area="Coventry and Warwickshire")
    first = pages.add("Coventry vote\nMembers voted to explore a merger.", Extraction(True, [grouping], [
        Event(0, EventType.MEMBER_VOTE, "Members voted to explore a merger.", "2019-06", Body.GP_MEMBERS,
              Outcome.FOR)]), published="2019-06-10")
    second = pages.add("Coventry recap\nIn June 2019 GP members backed the merger.", Extraction(True, [grouping], [
        Event(0, EventType.MEMBER_VOTE, "In June 2019 GP members backed the merger.", "2019-06", Body.GP_MEMBERS,
              Outcome.FOR)]), published="2019-11-01")
    feed = write_feed(paths, "r1.jsonl", [
        page_row(paths, "http://ccg.test/vote", first, "2026-11-20T10:00:00Z"),
        page_row(paths, "http://paper.test/recap", second, "2026-11-20T10:05:00Z", source_id="test-paper"),
    ])
    load_feeds(paths, [feed], "r1", parse=pages)
    assert query(paths, "SELECT type, evidence, source_url, n_documents FROM events") == [
        ("member_vote", "Members voted to explore a merger.", "http://ccg.test/vote", 2)
    ]


def test_a_grouping_can_have_rounds_and_a_later_negative_wins(paths):
    pages = FakePages()
    grouping = Grouping(members=["ZZ1", "ZZ2"], member_names=["Alpha CCG", "Beta CCG"], n_members_stated=2)
    story = pages.add("Alpha and Beta\nthe whole story", Extraction(True, [grouping], [
        Event(0, EventType.PROPOSAL, "Alpha and Beta proposed to merge.", "2019-01"),
        Event(0, EventType.APPLICATION, "They applied to NHS England.", "2019-09"),
        Event(0, EventType.REJECTION, "NHS England turned the application down.", "2019-11"),
        Event(0, EventType.PROPOSAL, "They proposed merging again.", "2020-06"),
        Event(0, EventType.DEFERRAL, "The merger was put back a year.", "2020-10"),
    ]), published="2020-10-30")
    load_feeds(paths, [write_feed(paths, "r1.jsonl", [page_row(paths, "http://x.test/a", story, "2026-11-20T10:00Z")])],
               "r1", parse=pages)
    assert query(paths, "SELECT label, status, rounds FROM groupings") == [("Alpha + Beta (2 CCGs)", "deferred", 2)]
    assert query(paths, "SELECT type, round FROM events ORDER BY date") == [
        ("proposal", 1), ("application", 1), ("rejection", 1), ("proposal", 2), ("deferral", 2),
    ]


def test_the_register_confirms_a_merger_all_members_closed_into_one_successor(paths):
    pages = FakePages()
    kent = Grouping(members=KENT, member_names=[], n_members_stated=8, area="Kent and Medway",
                    target_date="2020-04")
    page = pages.add("Kent and Medway apply\nThe eight CCGs applied to merge.", Extraction(True, [kent], [
        Event(0, EventType.APPLICATION, "The eight CCGs applied to merge.", "2019-09"),
        Event(0, EventType.EFFECTIVE, "The new CCG starts on 1 April 2020.", "2020-04-01"),
    ]), published="2019-09-30")
    load_feeds(paths, [write_feed(paths, "r1.jsonl", [page_row(paths, "http://k.test/a", page, "2026-11-20T10:00Z")])],
               "r1", parse=pages)
    assert query(paths, "SELECT status, effective_date, confirmed_by_register, register_successor, successor_name, "
                        "flags FROM groupings") == [
        ("merged", "2020-04-01", True, "91Q", "NHS Kent and Medway CCG", [])
    ]


def test_claims_that_contradict_the_register_are_flagged_not_hidden(paths):
    pages = FakePages()
    kent = Grouping(members=KENT, member_names=[], n_members_stated=8, area="Kent and Medway")
    rejected = pages.add("Kent rejected\nNHS England rejected the merger.", Extraction(True, [kent], [
        Event(0, EventType.REJECTION, "NHS England rejected the Kent and Medway merger.", "2019-12"),
        Event(0, EventType.EFFECTIVE, "The merger was to take effect in April 2019.", "2019-04"),
    ]), published="2019-12-15")
    staffs = pages.add("Staffordshire merged\nThe six CCGs merged in April 2020.", Extraction(True, [staffs_grouping()], [
        Event(0, EventType.EFFECTIVE, "The six CCGs merged on 1 April 2020.", "2020-04-01"),
    ]), published="2020-04-02")
    feed = write_feed(paths, "r1.jsonl", [
        page_row(paths, "http://k.test/rejected", rejected, "2026-11-20T10:00Z"),
        page_row(paths, "http://s.test/merged", staffs, "2026-11-20T10:01Z"),
    ])
    load_feeds(paths, [feed], "r1", parse=pages)
    rows = query(paths, "SELECT area, status, confirmed_by_register FROM groupings ORDER BY area")
    assert rows == [("Kent and Medway", "merged", True), ("Staffordshire and Stoke-on-Trent", "approved", False)]
    flags = query(paths, "SELECT g.area, f.kind, f.detail FROM grouping_flags f JOIN groupings g USING (grouping_id) "
                         "ORDER BY g.area, f.kind")
    assert flags == [
        ("Kent and Medway", "date_conflict",
         "documents give effective date 2019-04; the register shows the merger on 2020-04-01"),
        ("Kent and Medway", "status_conflict",
         "documents last say rejected; the register shows the members merged into 91Q on 2020-04-01"),
        ("Staffordshire and Stoke-on-Trent", "status_conflict",
         "documents say merged on 2020-04-01; the register shows 04Y, 05D, 05G, 05Q, 05V, 05W still open then"),
    ]


def test_fetch_errors_are_recorded_once(paths):
    rows = [error_row("http://x.test/a", "timeout", "no answer in 30s", "2026-11-20T10:00:00"),
            error_row("http://x.test/b", "robots", "disallowed by robots.txt", "2026-11-20T10:00:01")]
    feed = write_feed(paths, "r1.jsonl", rows)
    load_feeds(paths, [feed], "r1", parse=FakePages())
    load_feeds(paths, [feed], "r1", parse=FakePages())
    assert query(paths, "SELECT url, kind, reason FROM fetch_errors ORDER BY url") == [
        ("http://x.test/a", "timeout", "no answer in 30s"), ("http://x.test/b", "robots", "disallowed by robots.txt"),
    ]


def test_unreadable_pages_are_recorded_and_reparse_reads_them_again(paths):
    pages = FakePages()
    body = b"Not yet understood\nsomething the parsers cannot read yet"
    feed = write_feed(paths, "r1.jsonl", [page_row(paths, "http://x.test/new", body, "2026-11-20T10:00Z")])
    summary = load_feeds(paths, [feed], "r1", parse=pages)
    assert summary.parse_errors == 1
    assert query(paths, "SELECT parse_error FROM documents") == [("ValueError: unreadable test page",)]
    # the parsers improve: reparse reads the stored raw page without any feed or network
    pages.add(body.decode(), Extraction(True, [staffs_grouping()], [
        Event(0, EventType.PROPOSAL, "A merger is proposed.", "2019-01")]))
    again = reparse(paths, parse=pages)
    assert (again.parsed, again.parse_errors) == (1, 0)
    assert query(paths, "SELECT parse_error, relevant FROM documents") == [(None, True)]
    assert query(paths, "SELECT status FROM groupings") == [("proposed",)]


def test_an_older_warehouse_is_upgraded_on_open(paths):
    paths.root.mkdir(parents=True)
    version, name, first_sql = migrations()[0]
    con = duckdb.connect(str(paths.working_db))
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)")
    con.execute(first_sql)
    con.execute("INSERT INTO schema_version VALUES (?, ?, now())", [version, name])
    con.execute("INSERT INTO documents (url, version, sha256) VALUES ('http://old.test/', 1, 'abc')")
    con.close()
    con = connect_working(paths.working_db)
    try:
        assert schema_version(con) == migrations()[-1][0] >= 2
        assert con.execute("SELECT url FROM documents").fetchall() == [("http://old.test/",)]
        assert con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'documents'").fetchone()[0]
    finally:
        con.close()


def test_a_locked_working_warehouse_is_one_clear_line(paths, tmp_path):
    import subprocess
    import sys

    paths.root.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", ("import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
                               "sys.stdin.readline()"), str(paths.working_db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(UserError, match=r"is in use by another process"):
            connect_working(paths.working_db)
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=10)


def test_a_corrupt_published_file_is_one_clear_line(paths):
    paths.root.mkdir(parents=True)
    paths.published_db.write_bytes(b"this is not a database" * 500)
    with pytest.raises(UserError) as caught:
        connect_published(paths)
    assert "not a readable DuckDB file" in str(caught.value) and "\n" not in str(caught.value)


def test_publish_swaps_in_a_snapshot_and_readers_of_the_old_one_keep_reading(paths):
    pages = FakePages()
    feed = write_feed(paths, "r1.jsonl", staffs_feed(paths, pages))
    load_feeds(paths, [feed], "r1", parse=pages)
    publish(paths)
    reader = connect_published(paths)
    assert reader.execute("SELECT status FROM grouping_status").fetchall() == [("vote_against",)]
    later = pages.add("Staffordshire decides\nThe CCGs withdrew the plan.", Extraction(True, [staffs_grouping()], [
        Event(0, EventType.WITHDRAWAL, "The CCGs withdrew the plan.", "2019-10")]), published="2019-10-05")
    load_feeds(paths, [write_feed(paths, "r2.jsonl", [page_row(paths, "http://n.test/w", later, "2026-11-21T10:00Z")])],
               "r2", parse=pages)
    publish(paths)
    assert reader.execute("SELECT status FROM grouping_status").fetchall() == [("vote_against",)]
    reader.close()
    fresh = connect_published(paths)
    assert fresh.execute("SELECT status FROM grouping_status").fetchall() == [("abandoned",)]
    with pytest.raises(duckdb.Error):
        fresh.execute("DELETE FROM groupings")
    fresh.close()
    assert Status.ABANDONED == "abandoned"


def test_times_with_an_offset_are_stored_in_utc(paths):
    pages = FakePages()
    body = pages.add("Offset page\ntext", Extraction(False))
    feed = write_feed(paths, "r1.jsonl", [page_row(paths, "http://x.test/tz", body, "2026-06-20T11:00:00+01:00")])
    load_feeds(paths, [feed], "r1", parse=pages)
    assert query(paths, "SELECT fetched_at FROM documents") == [(dt.datetime(2026, 6, 20, 10, 0),)]


def test_a_damaged_working_warehouse_is_recovered_from_the_snapshot_and_the_feeds(paths):
    from warehouse.recover import recover_working

    pages = FakePages()
    first = write_feed(paths, "r1.jsonl", staffs_feed(paths, pages))
    load_feeds(paths, [first], "r1", parse=pages)
    publish(paths)
    later = pages.add("Withdrawn\nThe CCGs withdrew the plan.", Extraction(True, [staffs_grouping()], [
        Event(0, EventType.WITHDRAWAL, "The CCGs withdrew the plan.", "2019-10")]), published="2019-10-05")
    second = write_feed(paths, "r2.jsonl", [page_row(paths, "http://n.test/w", later, "2026-11-21T10:00Z")])
    load_feeds(paths, [second], "r2", parse=pages)  # loaded but not yet published when the disk fails
    paths.working_db.write_bytes(b"\0garbage" * 4096)
    with pytest.raises(UserError, match=r"not a readable DuckDB file .*`ccgwatch load --recover` rebuilds it"):
        connect_working(paths.working_db)
    assert recover_working(paths).endswith("restarted from the published snapshot")
    summary = load_feeds(paths, [first, second], "recovery", parse=pages)
    assert (summary.new_documents, summary.fetch_errors) == (1, 0)
    assert query(paths, "SELECT count(*) FROM documents") == [(3,)]
    assert query(paths, "SELECT status FROM groupings") == [("abandoned",)]
    assert len(list(paths.root.glob("work.damaged-*.duckdb"))) == 1


def test_a_refreshed_register_in_the_data_directory_referees_new_mergers(paths):
    from parsers.register import load_register, overlay_path, write_organisations_csv

    pages = FakePages()
    london = Grouping(members=["QMJ", "QRV"], member_names=[], n_members_stated=2, area="North West and North Central London")
    page = pages.add("London ICBs merge\nThe two ICBs became one on 1 April 2026.", Extraction(True, [london], [
        Event(0, EventType.EFFECTIVE, "The two ICBs became one on 1 April 2026.", "2026-04-01")]),
        published="2026-04-01")
    feed = write_feed(paths, "r1.jsonl", [page_row(paths, "http://icb.test/merged", page, "2026-11-20T10:00Z")])
    load_feeds(paths, [feed], "r1", parse=pages)
    # the shipped register still has both ICBs open: the claim is flagged and held at approved
    assert query(paths, "SELECT status, confirmed_by_register, len(flags) FROM groupings") == [("approved", False, 1)]
    shipped = {o.code: o for o in load_register().organisations}
    refreshed = [dataclasses.replace(shipped[code], closed=dt.date(2026, 3, 31), successor="QZZ") for code in ("QMJ", "QRV")]
    refreshed.append(dataclasses.replace(shipped["QMJ"], code="QZZ", name="NHS North West and North Central London ICB",
                                         opened=dt.date(2026, 4, 1), closed=None, successor=None))
    write_organisations_csv(overlay_path(paths.root), refreshed)
    reparse(paths, parse=pages)
    assert query(paths, "SELECT status, effective_date, confirmed_by_register, register_successor, flags FROM groupings") == [
        ("merged", "2026-04-01", True, "QZZ", [])
    ]


UNDATED_VOTE_STORY = (
    b"GPs reject CCG merger\n"
    b"GP members have voted against proposals to merge the six clinical commissioning groups in Staffordshire "
    b"and Stoke-on-Trent.\n"
    b"The result will be announced at an extraordinary meeting this evening.\n"
)


def test_a_page_without_its_own_date_takes_the_date_the_crawl_saw_beside_it(paths: DataPaths) -> None:
    # The real parsers: "this evening" can only be dated from the feed entry's date.
    dated = page_row(paths, "https://news.example/gps-reject", UNDATED_VOTE_STORY, "2026-11-20T10:00:00Z")
    dated["page_date"] = "2019-09-26"
    undated = page_row(paths, "https://news.example/copy", UNDATED_VOTE_STORY, "2026-11-20T10:00:00Z")
    load_feeds(paths, [write_feed(paths, "r1.jsonl", [dated, undated])], "r1")
    publish(paths)
    assert query(paths, "SELECT url, page_date_hint, published FROM documents ORDER BY url") == [
        ("https://news.example/copy", None, None),
        ("https://news.example/gps-reject", "2019-09-26", "2019-09-26"),
    ]
    assert query(
        paths,
        "SELECT e.date FROM extracted_events e JOIN documents d USING (document_id) "
        "WHERE e.type = 'meeting' ORDER BY d.url",
    ) == [(None,), ("2019-09-26",)]
