"""Reports and their commands on a published warehouse: status, timeline, export, sql, changes, report."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from defusedxml import ElementTree
from warehouse_fixtures import FakePages, page_row, write_feed

from ccgwatch.cli import main
from ccgwatch.paths import DataPaths
from parsers.model import Event, Extraction, Grouping, Vote
from parsers.vocab import Body, EventType, Outcome
from reports.status import print_status
from warehouse.load import load_feeds
from warehouse.publish import publish

KENT = ["09C", "09E", "09J", "09W", "10A", "10D", "10E", "99J"]
STAFFS = ["04Y", "05D", "05G", "05Q", "05V", "05W"]


def first_run_pages(paths: DataPaths, pages: FakePages) -> list[dict]:
    kent = Grouping(members=KENT, member_names=[], n_members_stated=8, area="Kent and Medway", target_date="2020-04")
    staffs = Grouping(members=STAFFS, member_names=[], n_members_stated=6, area="Staffordshire and Stoke-on-Trent",
                      target_date="2020-04")
    # a hostile page: its area and evidence would run as formulas if pasted raw into a spreadsheet
    hostile = Grouping(members=["ZZ1", "ZZ2"], member_names=["Alpha CCG", "Beta CCG"], n_members_stated=2,
                       area="=HYPERLINK(\"http://evil.test\",\"click\")")
    kent_page = pages.add("Kent and Medway apply\nThe eight CCGs applied in September 2019.", Extraction(True, [kent], [
        Event(0, EventType.APPLICATION, "The eight CCGs applied to NHS England in September 2019.", "2019-09",
              Body.GOVERNING_BODY)]), published="2019-09-30")
    staffs_page = pages.add("Staffordshire consults\nThe consultation opened on 13 May 2019.", Extraction(True, [staffs], [
        Event(0, EventType.CONSULTATION_START, "The consultation opened on 13 May 2019.", "2019-05-13")]),
        published="2019-05-13")
    hostile_page = pages.add("Odd page\n+1 merger", Extraction(True, [hostile], [
        Event(0, EventType.PROPOSAL, "-2+3 Alpha and Beta propose to merge", "2019-02"),
        Event(0, EventType.MEMBER_VOTE, "@SUM(1+1) members voted for", "2019-03", Body.GP_MEMBERS, Outcome.FOR,
              vote=Vote(count_for=13, count_against=1, percent_for=92.9)),
    ]), published="2019-03-10")
    return [
        page_row(paths, "http://kent.test/apply", kent_page, "2026-11-20T10:00:00Z", source_id="kent-ccg"),
        page_row(paths, "http://staffs.test/consult", staffs_page, "2026-11-20T10:01:00Z", source_id="staffs-ccg"),
        page_row(paths, "http://odd.test/page", hostile_page, "2026-11-20T10:02:00Z", source_id="odd"),
    ]


def second_run_pages(paths: DataPaths, pages: FakePages) -> list[dict]:
    staffs = Grouping(members=STAFFS, member_names=[], n_members_stated=6, area="Staffordshire and Stoke-on-Trent")
    vote = pages.add("GPs reject merger\nGP members voted against.", Extraction(True, [staffs], [
        Event(0, EventType.MEMBER_VOTE, "GP members in Staffordshire voted against the merger.", "2019-09",
              Body.GP_MEMBERS, Outcome.AGAINST)]), published="2019-09-05")
    return [page_row(paths, "http://hsj.test/reject", vote, "2026-11-21T10:00:00Z", source_id="hsj")]


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> DataPaths:
    paths = DataPaths(tmp_path_factory.mktemp("reports") / "data")
    pages = FakePages()
    load_feeds(paths, [write_feed(paths, "r1.jsonl", first_run_pages(paths, pages))], "r1", parse=pages)
    load_feeds(paths, [write_feed(paths, "r2.jsonl", second_run_pages(paths, pages))], "r2", parse=pages)
    publish(paths)
    # the readers below must never need the working file
    paths.working_db.rename(paths.root / "work.duckdb.moved")
    return paths


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_status_csv_has_one_row_per_grouping(published, capsys):
    code, out, _ = run_cli(capsys, "status", "--data", str(published.root), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(out.splitlines()))
    assert [(r["label"], r["status"], r["effective_date"], r["confirmed_by_register"], r["sources"]) for r in rows] == [
        ("'=HYPERLINK(\"http://evil.test\",\"click\") (2 CCGs)", "vote_for", "", "False", "1"),
        ("Kent and Medway (8 CCGs)", "merged", "2020-04-01", "True", "1"),
        ("Staffordshire and Stoke-on-Trent (6 CCGs)", "vote_against", "", "False", "2"),
    ]
    assert rows[1]["members"].startswith("09C NHS Ashford CCG; 09E NHS Canterbury and Coastal CCG; ")
    assert rows[2]["source_url"] == "http://hsj.test/reject"
    assert rows[2]["last_evidence"] == "2019-09-05"


def test_status_json_and_table(published, capsys):
    code, out, _ = run_cli(capsys, "status", "--data", str(published.root), "--format", "json")
    records = json.loads(out)
    assert code == 0 and [r["status"] for r in records] == ["vote_for", "merged", "vote_against"]
    assert records[1]["members"][0] == "09C NHS Ashford CCG"
    code, out, _ = run_cli(capsys, "status", "--data", str(published.root))
    assert code == 0 and "Kent and Medway (8 CCGs)" in out and "merged (register)" in out and "09C Ashford" in out


@pytest.mark.parametrize(("options", "labels"), [
    (["--status", "merged"], ["Kent and Medway (8 CCGs)"]),
    (["--where", "stoke"], ["Staffordshire and Stoke-on-Trent (6 CCGs)"]),
    (["--where", "05W"], ["Staffordshire and Stoke-on-Trent (6 CCGs)"]),
    (["--where", "Ashford"], ["Kent and Medway (8 CCGs)"]),
    (["--where", "kent", "--status", "rejected"], []),
])
def test_status_filters(published, capsys, options, labels):
    code, out, _ = run_cli(capsys, "status", "--data", str(published.root), "--format", "json", *options)
    assert code == 0 and [row["label"] for row in json.loads(out)] == labels


def test_print_status_is_what_the_demo_calls(published, capsys):
    assert print_status(published) == 3
    assert "Kent and Medway (8 CCGs)" in capsys.readouterr().out


@pytest.mark.parametrize("wanted", ["05D", "staffordshire and stoke-on-trent", "Staffordshire and Stoke-on-Trent (6 CCGs)"])
def test_timeline_finds_a_grouping_by_member_code_area_or_label(published, capsys, wanted):
    code, out, _ = run_cli(capsys, "timeline", wanted, "--data", str(published.root), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(out.splitlines()))
    assert [(r["date"], r["type"], r["outcome"], r["source_url"]) for r in rows] == [
        ("2019-05-13", "consultation_start", "", "http://staffs.test/consult"),
        ("2019-09", "member_vote", "against", "http://hsj.test/reject"),
    ]
    assert rows[1]["evidence"] == "GP members in Staffordshire voted against the merger."


def test_timeline_of_an_unknown_grouping_is_one_line(published, capsys):
    code, out, err = run_cli(capsys, "timeline", "Atlantis", "--data", str(published.root))
    assert code == 2 and out == ""
    assert err == "ccgwatch: no grouping matches 'Atlantis'; `ccgwatch status` lists them\n"


def test_csv_export_neutralises_formulas_and_carries_provenance(published, capsys, tmp_path):
    out_dir = tmp_path / "csv"
    code, _, _ = run_cli(capsys, "export", "--format", "csv", "--out", str(out_dir), "--data", str(published.root))
    assert code == 0
    raw = (out_dir / "events.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets open it as UTF-8
    with open(out_dir / "events.csv", encoding="utf-8-sig", newline="") as handle:
        events = list(csv.DictReader(handle))
    by_evidence = {e["evidence"]: e for e in events}
    assert set(by_evidence) == {
        "'-2+3 Alpha and Beta propose to merge", "'@SUM(1+1) members voted for",
        "The eight CCGs applied to NHS England in September 2019.", "The consultation opened on 13 May 2019.",
        "GP members in Staffordshire voted against the merger.",
    }
    assert all(e["source_url"].startswith("http://") and e["fetched_at"].startswith("2026-11-2") for e in events)
    vote = by_evidence["'@SUM(1+1) members voted for"]
    assert (vote["votes_for"], vote["votes_against"], vote["percent_for"]) == ("13", "1", "92.9")
    with open(out_dir / "groupings.csv", encoding="utf-8-sig", newline="") as handle:
        labels = [row["label"] for row in csv.DictReader(handle)]
    assert "'=HYPERLINK(\"http://evil.test\",\"click\") (2 CCGs)" in labels
    every_cell = [cell for path in out_dir.glob("*.csv")
                  for row in csv.reader(path.read_text(encoding="utf-8-sig").splitlines()) for cell in row]
    assert not [cell for cell in every_cell if cell[:1] in ("=", "+", "@") or cell.startswith("-")]


def test_datapackage_describes_every_column_of_every_file(published, capsys, tmp_path):
    out_dir = tmp_path / "csv"
    run_cli(capsys, "export", "--out", str(out_dir), "--data", str(published.root))
    package = json.loads((out_dir / "datapackage.json").read_text())
    assert package["profile"] == "tabular-data-package"
    assert [r["name"] for r in package["resources"]] == ["groupings", "events", "documents", "organisations"]
    for resource in package["resources"]:
        with open(out_dir / resource["path"], encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle))
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == header
        assert all(f.get("description") for f in fields), resource["name"]
    events = {f["name"]: f for f in package["resources"][1]["schema"]["fields"]}
    assert events["fetched_at"]["type"] == "datetime" and events["round"]["type"] == "integer"


def test_parquet_and_json_exports(published, capsys, tmp_path):
    run_cli(capsys, "export", "--format", "parquet", "--out", str(tmp_path / "pq"), "--data", str(published.root))
    con = duckdb.connect()
    assert con.execute("SELECT count(*) FROM read_parquet(?)", [str(tmp_path / "pq" / "events.parquet")]).fetchone() == (5,)
    assert con.execute("SELECT status FROM read_parquet(?) WHERE label LIKE 'Kent%'",
                       [str(tmp_path / "pq" / "groupings.parquet")]).fetchone() == ("merged",)
    run_cli(capsys, "export", "--format", "json", "--out", str(tmp_path / "js"), "--data", str(published.root))
    organisations = json.loads((tmp_path / "js" / "organisations.json").read_text())
    assert {"code": "91Q", "name": "NHS Kent and Medway CCG"}.items() <= next(o for o in organisations if o["code"] == "91Q").items()


def test_sql_is_read_only(published, capsys):
    code, out, _ = run_cli(capsys, "sql", "SELECT status, count(*) AS n FROM grouping_status GROUP BY status ORDER BY status",
                           "--data", str(published.root), "--format", "csv")
    assert (code, out) == (0, "status,n\r\nmerged,1\r\nvote_against,1\r\nvote_for,1\r\n")
    code, _, err = run_cli(capsys, "sql", "DELETE FROM groupings", "--data", str(published.root))
    assert code == 2 and err.startswith("ccgwatch: query failed: ") and err.count("\n") == 1
    code, _, err = run_cli(capsys, "sql", "COPY groupings TO '/tmp/ccgwatch-should-not-exist.csv'", "--data",
                           str(published.root))
    assert code == 2 and "file system operations are disabled" in err
    code, _, err = run_cli(capsys, "sql", "SELEC 1", "--data", str(published.root))
    assert code == 2 and err.startswith("ccgwatch: query failed: Parser Error")


def test_changes_since_a_run_and_a_date_with_an_atom_feed(published, capsys, tmp_path):
    atom = tmp_path / "changes.atom"
    code, out, _ = run_cli(capsys, "changes", "--since", "r1", "--atom", str(atom), "--data", str(published.root),
                           "--format", "csv")
    rows = list(csv.DictReader(out.splitlines()))
    assert code == 0
    assert [(r["run_id"], r["change"], r["kind"], r["summary"]) for r in rows] == [
        ("r2", "changed", "state", ("Staffordshire and Stoke-on-Trent (6 CCGs): now vote_against; target 2020-04; "
                                   "effective - (was consulting; target 2020-04; effective -)")),
        ("r2", "new", "event", "Staffordshire and Stoke-on-Trent (6 CCGs): member vote (against) on 2019-09"),
    ]
    feed = ElementTree.parse(atom).getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 2
    assert {e.find("a:link", ns).get("href") for e in entries} == {"http://hsj.test/reject"}
    code, out, _ = run_cli(capsys, "changes", "--since", "2020-01-01", "--atom", str(atom), "--data",
                           str(published.root), "--format", "json")
    assert code == 0 and len(json.loads(out)) == 2 + 3 + 4  # both runs: r1 had 3 states and 4 events
    code, _, err = run_cli(capsys, "changes", "--since", "yesterday", "--data", str(published.root))
    assert code == 2 and "neither a date" in err


def test_static_report_has_table_chart_and_a_page_per_grouping(published, capsys, tmp_path):
    out_dir = tmp_path / "report"
    code, _out, _ = run_cli(capsys, "report", "--out", str(out_dir), "--data", str(published.root))
    assert code == 0
    index = (out_dir / "index.html").read_text()
    assert index.count('<tr>\n    <td><a href="groupings/') == 3
    assert "&#34;http://evil.test&#34;" in index or "&quot;http://evil.test&quot;" in index  # escaped, not markup
    # one marker per dated event (5) plus the register's merger (Kent) plus the target of Staffordshire... and odd
    assert index.count("<circle") + index.count("<path d=") == 5 + 1 + 1
    pages = sorted((out_dir / "groupings").glob("*.html"))
    assert len(pages) == 3
    staffs = next(p.read_text() for p in pages if "Staffordshire" in p.read_text())
    assert "GP members in Staffordshire voted against the merger." in staffs
    assert 'href="http://hsj.test/reject"' in staffs


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium is not installed (Debian packages chromium, "
                                                    "chromium-driver; .ci/run installs them)")
def test_report_renders_in_headless_chromium(published, capsys, tmp_path):
    out_dir = tmp_path / "report"
    run_cli(capsys, "report", "--out", str(out_dir), "--data", str(published.root))
    shot = tmp_path / "index.png"
    dom = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
         (out_dir / "index.html").as_uri()], capture_output=True, text=True, timeout=120, check=True,
    )
    assert "Kent and Medway (8 CCGs)" in dom.stdout and "<svg" in dom.stdout
    subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,900",
         f"--screenshot={shot}", (out_dir / "index.html").as_uri()], capture_output=True, timeout=120, check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_a_reader_answers_while_a_load_holds_the_working_warehouse(tmp_path, capsys):
    """A load in another process holds the working file for writing; status and sql still answer."""
    paths = DataPaths(tmp_path / "data")
    pages = FakePages()
    load_feeds(paths, [write_feed(paths, "r1.jsonl", first_run_pages(paths, pages))], "r1", parse=pages)
    publish(paths)
    second = write_feed(paths, "r2.jsonl", second_run_pages(paths, pages))
    tests_dir = Path(__file__).parent
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(tests_dir)!r})
        from ccgwatch.paths import DataPaths
        from warehouse.load import load_feeds
        from warehouse.publish import publish
        import test_reports
        from warehouse_fixtures import FakePages

        paths = DataPaths(__import__("pathlib").Path({str(paths.root)!r}))
        pages = FakePages()
        test_reports.second_run_pages(paths, pages)
        def slow_parse(body, content_type, url, page_date_hint):
            print("loading", flush=True)  # the load now holds the working warehouse for writing
            sys.stdin.readline()
            return pages(body, content_type, url, page_date_hint)
        load_feeds(paths, [__import__("pathlib").Path({str(second)!r})], "r2", parse=slow_parse)
        publish(paths)
        print("published", flush=True)
    """)
    loader = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert loader.stdout.readline().strip() == "loading"
        code, out, _ = run_cli(capsys, "sql", "SELECT status FROM grouping_status WHERE label LIKE 'Staff%'",
                               "--data", str(paths.root), "--format", "csv")
        assert (code, out) == (0, "status\r\nconsulting\r\n")
        assert run_cli(capsys, "status", "--data", str(paths.root), "--format", "json")[0] == 0
        code, _, err = run_cli(capsys, "load", "--data", str(paths.root), str(second))
        assert code == 2 and "in use by another process" in err and err.count("\n") == 1
        loader.stdin.write("\n")
        loader.stdin.flush()
        assert loader.stdout.readline().strip() == "published"
    finally:
        loader.kill() if loader.poll() is None else None
        loader.wait(timeout=30)
    code, out, _ = run_cli(capsys, "sql", "SELECT status FROM grouping_status WHERE label LIKE 'Staff%'",
                           "--data", str(paths.root), "--format", "csv")
    assert (code, out) == (0, "status\r\nvote_against\r\n")
