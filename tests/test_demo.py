"""End to end: `ccgwatch demo` crawls the bundled sample web into a temporary directory and reports it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

STAFFORDSHIRE = ["04Y", "05D", "05G", "05Q", "05V", "05W"]
COVENTRY_AND_WARWICKSHIRE = ["05A", "05H", "05R"]
KENT_AND_MEDWAY = ["09C", "09E", "09J", "09W", "10A", "10D", "10E", "99J"]


def ccgwatch(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccgwatch", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=240,
        env={"CCGWATCH_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    data = tmp_path_factory.mktemp("demo") / "data"
    return ccgwatch("demo", "--data", str(data), "--quiet", home=data), data


def test_demo_prints_the_three_groupings(demo: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, _ = demo
    assert result.returncode == 0, result.stderr
    for label in ("Staffordshire and", "Coventry and Warwickshire", "Kent and Medway"):
        assert label in result.stdout
    assert "vote_against" in result.stdout
    assert "http://127.0.0.1:" in result.stdout


def groupings_by_members(data: Path) -> dict[tuple[str, ...], dict]:
    result = ccgwatch("status", "--format", "json", home=data)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    return {tuple(sorted(member.split()[0] for member in row["members"])): row for row in rows}


def test_demo_groupings_have_the_right_members_and_statuses(
    demo: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, data = demo
    groupings = groupings_by_members(data)
    assert sorted(groupings) == sorted(
        [tuple(STAFFORDSHIRE), tuple(COVENTRY_AND_WARWICKSHIRE), tuple(KENT_AND_MEDWAY)]
    )
    assert groupings[tuple(STAFFORDSHIRE)]["reported_status"] == "vote_against"
    assert groupings[tuple(COVENTRY_AND_WARWICKSHIRE)]["reported_status"] == "proposed"
    assert groupings[tuple(KENT_AND_MEDWAY)]["reported_status"] == "proposed"
    # The register is the referee: both really merged, on the dates NHS ODS records.
    assert groupings[tuple(KENT_AND_MEDWAY)]["status"] == "merged"
    assert groupings[tuple(KENT_AND_MEDWAY)]["effective_date"] == "2020-04-01"
    assert groupings[tuple(COVENTRY_AND_WARWICKSHIRE)]["effective_date"] == "2021-04-01"
    assert groupings[tuple(STAFFORDSHIRE)]["status"] == "vote_against"
    for row in groupings.values():
        assert row["source_url"].startswith(("http://127.0.0.1:", "http://www.staffordshireccgs.nhs.uk/"))


def test_demo_warehouse_opens_for_an_analyst(demo: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, data = demo
    with duckdb.connect(str(data / "ccgwatch.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] >= 10
        assert con.execute("SELECT count(*) FROM organisations WHERE code = '05D'").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM groupings").fetchone()[0] == 3
        evidence = con.execute(
            "SELECT e.evidence, d.url FROM events e JOIN documents d ON d.document_id = e.document_id "
            "WHERE e.type = 'member_vote' ORDER BY e.date NULLS LAST"
        ).fetchall()
    assert any("voted" in sentence or "turned down" in sentence for sentence, _ in evidence)
    # Pages read from the web archive keep their original address; the rest come from the sample web.
    assert all(url.startswith(("http://127.0.0.1:", "http://www.staffordshireccgs.nhs.uk/")) for _, url in evidence)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-command"], "invalid choice"),
        (["extract", "/no/such/file.html", "--json"], "/no/such/file.html"),
        (["demo", "--data", "/proc/ccgwatch-demo"], "cannot create"),
    ],
)
def test_bad_input_gives_one_line_and_a_non_zero_exit(tmp_path: Path, args: list[str], message: str) -> None:
    result = ccgwatch(*args, home=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
