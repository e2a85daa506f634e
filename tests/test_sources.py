"""The sources registry: the shipped file's coverage, validation problems and the `sources` command."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from ccgwatch.cli import main
from spiders.sources import Source, check_registry, check_sources, read_sources, write_sources

HEADER = "id,kind,name,base_url,allowed_domains,start_urls,org_codes,enabled,notes\n"


def good(**changes: object) -> Source:
    fields: dict[str, object] = {
        "id": "moderngov-abc",
        "kind": "moderngov",
        "name": "Abc Council",
        "base_url": "https://democracy.abc.gov.uk/moderngov/",
        "allowed_domains": ("democracy.abc.gov.uk",),
        "start_urls": (),
        "org_codes": ("ABC",),
    }
    fields.update(changes)
    return Source(**fields)  # type: ignore[arg-type]


def test_shipped_registry_is_sound_and_covers_every_council() -> None:
    sources = read_sources()
    assert check_registry() == []
    by_kind = Counter(source.kind for source in sources)
    assert by_kind["moderngov"] == 308
    assert by_kind["ods"] == 1
    councils = {source.org_codes[0] for source in sources if source.kind == "moderngov"}
    assert len(councils) == 308


def test_abolished_councils_move_to_the_web_archive() -> None:
    sources = {source.id: source for source in read_sources()}
    # Sites that disappeared with their council: crawled from the Internet Archive instead.
    allerdale = sources["moderngov-all"]
    assert not allerdale.enabled
    assert "archive-ia-moderngov-all" in allerdale.notes
    archived = sources["archive-ia-moderngov-all"]
    assert (archived.kind, archived.base_url, archived.start_urls, archived.org_codes, archived.enabled) == (
        "archive", "https://web.archive.org", ("democracy.allerdale.gov.uk",), ("ALL",), True)
    # Three Dorset districts shared one host: one archive source carries all three codes.
    assert sources["archive-ia-moderngov-ndo"].org_codes == ("NDO", "WDO", "WEY")
    # A council whose host lives on under its successor is covered by the successor's live source.
    assert not sources["moderngov-nyk"].enabled and "moderngov-nye" in sources["moderngov-nyk"].notes
    assert sources["moderngov-nye"].enabled
    disabled = sorted(s.org_codes[0] for s in sources.values() if s.kind == "moderngov" and not s.enabled)
    assert disabled == sorted(
        ["DOR", "CHC", "EDO", "NDO", "WDO", "WEY", "FOR", "SED", "TAU", "WSO", "BKM", "AYL", "CHN", "SBU", "WYO", "NOR", "SNR", "CMA", "ALL", "COP", "BAR", "EDN", "SLA", "NYK", "HAE", "HAG", "RIH", "RYE", "SCE", "SEL", "SOM", "SSO", "SWT"]
    )


def test_every_icb_has_a_news_source_and_named_ccg_sites_are_archived() -> None:
    sources = {source.id: source for source in read_sources()}
    icb_news = [s for s in sources.values() if s.kind == "news" and s.id.startswith("news-icb-")]
    assert len(icb_news) == 42
    assert all(s.notes for s in icb_news if not s.enabled)  # every doubt is written down
    staffs = sources["archive-ia-staffordshireccgs"]
    assert staffs.start_urls == ("staffordshireccgs.nhs.uk",)
    assert staffs.org_codes == ("04Y", "05D", "05G", "05Q", "05V", "05W")
    assert sources["archive-ia-kentandmedwayccg"].org_codes == ("91Q",)
    assert sources["archive-ukgwa-coventryrugbyccg"].base_url == (
        "https://webarchive.nationalarchives.gov.uk/ukgwa")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        (good(kind="blog"), "moderngov-abc: unknown kind 'blog' (expected one of archive, moderngov, news, ods)"),
        (good(id="Moderngov ABC"), "Moderngov ABC: id must be lower-case letters, digits and single hyphens"),
        (good(name=""), "moderngov-abc: has no name"),
        (good(base_url="democracy.abc.gov.uk"), "moderngov-abc: base URL 'democracy.abc.gov.uk' is not an http(s) URL"),
        (good(base_url="https://democracy abc.gov.uk"),
         "moderngov-abc: base URL 'https://democracy abc.gov.uk' is empty or contains spaces"),
        (good(base_url="https://:80/x"), "moderngov-abc: base URL 'https://:80/x' has no valid host"),
        (good(allowed_domains=("abc.gov.uk", "https://abc.gov.uk")),
         "moderngov-abc: allowed domain 'https://abc.gov.uk' is not a bare host name"),
        (good(allowed_domains=("other.gov.uk",)),
         "moderngov-abc: base URL host democracy.abc.gov.uk is not within allowed domains other.gov.uk"),
        (good(allowed_domains=()), "moderngov-abc: lists no allowed domain"),
        (good(org_codes=()), "moderngov-abc: a moderngov source belongs to exactly one council code"),
        (good(id="news-abc", kind="news"), "news-abc: a news source needs start URLs"),
        (good(id="news-abc", kind="news", start_urls=("https://elsewhere.org/feed",)),
         "news-abc: start URL 'https://elsewhere.org/feed' is outside the allowed domains"),
        (good(id="archive-abc", kind="archive", base_url="https://web.archive.org",
              allowed_domains=("web.archive.org",), start_urls=("not a host!",)),
         "archive-abc: archived prefix 'not a host!' has no valid host"),
    ],
)
def test_check_sources_reports_each_problem_on_one_line(source: Source, problem: str) -> None:
    assert check_sources([source]) == [problem]


def test_a_sound_source_and_a_subdomain_pass() -> None:
    assert check_sources([good(allowed_domains=("abc.gov.uk",))]) == []
    archive = good(id="archive-ia-x", kind="archive", base_url="https://web.archive.org",
                   allowed_domains=("web.archive.org",), start_urls=("x-ccg.nhs.uk/news",))
    assert check_sources([archive]) == []


def test_duplicate_ids_are_reported() -> None:
    assert check_sources([good(), good()]) == ["moderngov-abc: duplicate id"]


def test_check_registry_reports_bad_cells_with_line_numbers(tmp_path: Path) -> None:
    registry = tmp_path / "sources.csv"
    registry.write_text(
        HEADER
        + "moderngov-abc,moderngov,Abc,https://a.gov.uk,a.gov.uk,,ABC,maybe,\n"
        + "moderngov-def,moderngov,Def,https://d.gov.uk,d.gov.uk,,DEF,true,,extra\n",
        encoding="utf-8",
    )
    assert check_registry(registry) == [
        f"{registry}:2: enabled must be true or false, not 'maybe'",
        f"{registry}:3: more cells than columns",
    ]


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    sources = [good(), good(id="archive-x", kind="archive", enabled=False, start_urls=("a.nhs.uk", "b.nhs.uk"))]
    write_sources(sources, tmp_path / "s.csv")
    assert read_sources(tmp_path / "s.csv") == sources


def test_cli_check_fails_with_one_line_per_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = tmp_path / "sources.csv"
    write_sources([good(), good(kind="wiki")], registry)
    assert main(["sources", "check", "--registry", str(registry)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "moderngov-abc: duplicate id",
        "moderngov-abc: unknown kind 'wiki' (expected one of archive, moderngov, news, ods)",
    ]


def test_cli_check_passes_on_the_shipped_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "check"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_cli_list_filters_by_kind_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "list", "--kind", "ods", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in rows] == ["ods-ord"]
    assert rows[0]["allowed_domains"] == ["directory.spineservices.nhs.uk"]


def test_cli_list_csv_and_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    registry = tmp_path / "sources.csv"
    write_sources([good(), good(id="moderngov-def", org_codes=("DEF",), enabled=False)], registry)
    assert main(["sources", "list", "--enabled", "--format", "csv", "--registry", str(registry)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "id,kind,enabled,org_codes,base_url,start_urls,name,allowed_domains,notes"
    assert lines[1:] == [("moderngov-abc,moderngov,true,ABC,https://democracy.abc.gov.uk/moderngov/,,Abc Council,"
                         "democracy.abc.gov.uk,")]
    assert main(["sources", "list", "--registry", str(registry)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["id", "kind", "enabled", "org_codes", "base_url", "start_urls", "name"]
    assert table[-1] == "(2 sources)"


def test_cli_missing_registry_is_a_user_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["sources", "check", "--registry", str(tmp_path / "none.csv")]) == 2
    assert capsys.readouterr().err.strip() == f"ccgwatch: no registry file at {tmp_path / 'none.csv'}"
