"""The shipped register: counts on the dates the map changed, lookups, succession, overlays and `register show`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ccgwatch.cli import main
from parsers.register import (
    Organisation,
    load_register,
    name_core,
    normalise_name,
    organisation_from_ord,
    overlay_path,
    read_register,
    updated_organisations,
    write_organisations_csv,
)
from parsers.vocab import OrgKind

# Totals cross-checked against ONS and ODS lists when the reference data was compiled.
CCGS_OPEN = [
    (dt.date(2013, 4, 1), 211),
    (dt.date(2015, 4, 1), 209),
    (dt.date(2017, 4, 1), 207),
    (dt.date(2018, 4, 1), 195),
    (dt.date(2019, 4, 1), 191),
    (dt.date(2020, 4, 1), 135),
    (dt.date(2021, 4, 1), 106),
    (dt.date(2022, 6, 30), 106),
    (dt.date(2022, 7, 1), 0),
]


@pytest.mark.parametrize("day, count", CCGS_OPEN)
def test_number_of_ccgs_open(day: dt.date, count: int) -> None:
    assert len(load_register().open_on(day, OrgKind.CCG)) == count


def test_icbs_from_july_2022() -> None:
    register = load_register()
    assert len(register.open_on(dt.date(2022, 6, 30), OrgKind.ICB)) == 0
    assert len(register.open_on(dt.date(2022, 7, 1), OrgKind.ICB)) == 42
    assert len(register.organisations) == 248 + 42


def test_an_organisation_as_the_register_holds_it() -> None:
    org = load_register().get("05w")
    assert org == Organisation(
        code="05W", name="NHS Stoke on Trent CCG", kind=OrgKind.CCG, ons_code="E38000175",
        opened=dt.date(2013, 4, 1), closed=dt.date(2022, 6, 30), successor="QNC", footprint_code="QNC",
        footprint_name="Staffordshire and Stoke-on-Trent",
    )


@pytest.mark.parametrize("query, codes", [
    ("05A", ["05A"]),
    ("NHS Coventry and Rugby CCG", ["05A"]),
    ("coventry & rugby", ["05A"]),
    ("Stoke-on-Trent", ["05W"]),
    ("Cheshire", ["27D"]),
    ("NHS Cumbria CCG", ["01H"]),  # former name
    ("E38000041", ["01H"]),  # former ONS code
    ("Kent and Medway Integrated Care Board", ["QKS"]),
    ("Warwickshire", ["05H", "05R", "B2M3M", "QWU"]),
    ("Atlantis", []),
])
def test_find(query: str, codes: list[str]) -> None:
    assert [org.code for org in load_register().find(query)] == codes


def test_footprint_members_depend_on_the_date() -> None:
    register = load_register()
    assert [o.code for o in register.footprint_members("QKS", dt.date(2019, 4, 1))] == [
        "09C", "09E", "09J", "09W", "10A", "10D", "10E", "99J"]
    assert [o.code for o in register.footprint_members("QKS", dt.date(2020, 4, 1))] == ["91Q"]
    assert register.footprint_members("QKS", dt.date(2022, 7, 1)) == []


def test_succession_and_predecessors() -> None:
    register = load_register()
    assert [o.code for o in register.succession("05A")] == ["05A", "B2M3M", "QWU"]
    assert [o.code for o in register.predecessors("B2M3M")] == ["05A", "05H", "05R"]
    assert [o.code for o in register.succession("00F")] == ["00F", "13T", "QHM"]


def test_aliases_carry_their_dates() -> None:
    aliases = [a for a in load_register().aliases if a.code == "01H" and a.kind == "former_name"]
    assert [(a.alias, a.valid_from, a.valid_to) for a in aliases] == [
        ("NHS Cumbria CCG", dt.date(2013, 4, 1), dt.date(2017, 3, 31))]


def test_footprints_know_their_names() -> None:
    footprint = load_register().footprints["QNC"]
    assert footprint.name == "Staffordshire and Stoke-on-Trent"
    assert "Staffordshire" in footprint.names and "Staffordshire and Stoke on Trent" in footprint.names


def test_name_normalisation() -> None:
    assert normalise_name("NHS Stoke-on-Trent\nCCG’s") == "nhs stoke on trent ccg s"
    assert name_core("NHS Kent & Medway Integrated Care Board") == "kent and medway"
    assert name_core("Stoke on Trent Clinical Commissioning Group") == "stoke on trent"


def test_an_overlay_updates_but_never_deletes(tmp_path: Path) -> None:
    overlay = overlay_path(tmp_path)
    renamed = Organisation("QKS", "NHS Kent and Medway ICB (renamed)", OrgKind.ICB, None, dt.date(2022, 7, 1),
                           dt.date(2026, 3, 31), "Q99", None, None)
    new_icb = Organisation("Q99", "NHS Kent and Sussex Integrated Care Board", OrgKind.ICB, None,
                           dt.date(2026, 4, 1), None, None, "Q99", "Kent and Sussex")
    write_organisations_csv(overlay, [renamed, new_icb])
    register = read_register(overlay=overlay)
    assert len(register.organisations) == 290 + 1
    kent = register.get("QKS")
    # Fields the refresh left empty keep what the shipped register knew.
    assert (kent.name, kent.closed, kent.successor, kent.ons_code, kent.footprint_code) == (
        "NHS Kent and Medway ICB (renamed)", dt.date(2026, 3, 31), "Q99", "E54000032", "QKS")
    assert register.get("09C").closed == dt.date(2020, 3, 31)
    assert [o.code for o in register.succession("09C")] == ["09C", "91Q", "QKS", "Q99"]


def test_register_show_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["register", "show", "B2M3M", "--format", "json", "--data", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["organisation"]["name"] == "NHS Coventry and Warwickshire CCG"
    assert report["footprint"]["on"] == "2022-06-30"
    assert [m["code"] for m in report["footprint"]["members"]] == ["B2M3M"]
    assert [(s["step"], s["code"]) for s in report["succession"]] == [
        ("predecessor", "05A"), ("predecessor", "05H"), ("predecessor", "05R"),
        ("this organisation", "B2M3M"), ("successor", "QWU")]


def test_register_show_table_with_a_date(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["register", "show", "Stoke on Trent", "--on", "2019-07-01", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "NHS Stoke on Trent CCG (05W)" in out
    assert "CCGs on 2019-07-01" in out
    for code in ("04Y", "05D", "05G", "05Q", "05V", "05W", "QNC"):
        assert code in out


def test_register_show_unknown_fails_in_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["register", "show", "Atlantis", "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Atlantis" in err


# --- refreshing from NHS ODS ---------------------------------------------------------------------------

ORD_RECORDS = json.loads((Path(__file__).parent.parent / "ccgwatch/sampleweb/ods/organisations.json").read_text())


def ord_record(code: str) -> dict:
    return next(r for r in ORD_RECORDS["organisations"] if r["OrgId"]["extension"] == code)


def test_a_ccg_code_that_ods_shows_as_a_sub_icb_location_stays_a_closed_ccg() -> None:
    org = organisation_from_ord({"Organisation": ord_record("05W")})
    assert (org.code, org.kind, org.name, org.opened, org.closed, org.successor) == (
        "05W", OrgKind.CCG, "", dt.date(2013, 4, 1), dt.date(2022, 6, 30), None)


def test_ord_successors_and_operational_dates() -> None:
    ashford = organisation_from_ord({"Organisation": ord_record("09C")})
    assert (ashford.name, ashford.closed, ashford.successor) == ("NHS ASHFORD CCG", dt.date(2020, 3, 31), "91Q")
    # Legally established in November 2014, operating from April 2015: the register uses operation.
    assert organisation_from_ord({"Organisation": ord_record("13T")}).opened == dt.date(2015, 4, 1)
    icb = organisation_from_ord({"Organisation": ord_record("QKS")})
    assert (icb.kind, icb.opened, icb.closed) == (OrgKind.ICB, dt.date(2022, 7, 1), None)


def test_commissioning_hubs_are_not_organisations_of_the_register() -> None:
    hub = json.loads(json.dumps(ord_record("09C")))
    hub["OrgId"]["extension"] = "13N"
    hub["Roles"]["Role"][0]["id"] = "RO218"
    assert organisation_from_ord({"Organisation": hub}) is None


def test_updates_keep_what_the_register_knows() -> None:
    register = load_register()
    fresh = [organisation_from_ord({"Organisation": ord_record(code)}) for code in ("05W", "09C", "QKS")]
    closing = Organisation("QKS", "NHS KENT AND MEDWAY INTEGRATED CARE BOARD", OrgKind.ICB, None,
                           dt.date(2022, 7, 1), dt.date(2026, 3, 31), None, None, None)
    merged, counts = updated_organisations(register, [*fresh[:2], closing])
    assert counts == {"new": 0, "changed": 1, "unchanged": 2}
    assert [(o.code, o.name, o.closed) for o in merged] == [
        ("05W", "NHS Stoke on Trent CCG", dt.date(2022, 6, 30)),
        ("09C", "NHS Ashford CCG", dt.date(2020, 3, 31)),
        ("QKS", "NHS Kent and Medway Integrated Care Board", dt.date(2026, 3, 31)),
    ]


def test_register_update_against_the_local_ord_stub(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ccgwatch.sampleweb import serve

    data = tmp_path / "data"
    with serve() as web:
        # ODS records a (fictional, test-only) ICB replacing Kent and Medway: one closure, one new body.
        closed = json.loads(json.dumps(ord_record("QKS")))
        closed["Status"] = "Inactive"
        closed["Date"] = [{"Type": "Operational", "Start": "2022-07-01", "End": "2026-03-31"}]
        closed["Succs"] = {"Succ": [{"Type": "Successor", "Date": [{"Type": "Legal", "Start": "2026-04-01"}],
                                     "Target": {"OrgId": {"extension": "Q9Z"}}}]}
        web.set_page("/ods/ORD/2-0-0/organisations/QKS", json.dumps({"Organisation": closed}).encode(),
                     "application/json")
        new_icb = json.loads(json.dumps(ord_record("QNC")))
        new_icb["OrgId"]["extension"] = "Q9Z"
        new_icb["Name"] = "NHS TEST KENT INTEGRATED CARE BOARD"
        new_icb["Date"] = [{"Type": "Operational", "Start": "2026-04-01"}]
        web.set_page("/ods/ORD/2-0-0/organisations/Q9Z", json.dumps({"Organisation": new_icb}).encode(),
                     "application/json")
        listing = {"Organisations": [{"OrgId": code, "PrimaryRoleId": "RO261"} for code in ("Q9Z", "QKS", "QNC")]}
        web.set_page("/ods/ORD/2-0-0/organisations?PrimaryRoleId=RO261&Limit=3", json.dumps(listing).encode(),
                     "application/json")
        result = subprocess.run(
            [sys.executable, "-m", "ccgwatch", "register", "update", "--ord-url", web.url("/ods/ORD/2-0-0"),
             "--page-size", "3", "--data", str(data), "--quiet"],
            check=False, capture_output=True, text=True, timeout=120,
        )
        requested = [path for _, path, _ in web.requests]
    assert result.returncode == 0, result.stderr
    assert "read 10 organisations from ODS (7 CCG codes, 3 ICBs" in result.stdout
    assert "1 new, 1 changed, 8 unchanged" in result.stdout
    # Paged by Next-Page / Offset: three pages of CCG codes at three a page.
    assert "/ods/ORD/2-0-0/organisations?PrimaryRoleId=RO98&Limit=3&Offset=6" in requested

    register = read_register(overlay=overlay_path(data))
    assert len(register.organisations) == 291  # nothing dropped
    kent = register.get("QKS")
    assert (kent.name, kent.closed, kent.successor) == (
        "NHS Kent and Medway Integrated Care Board", dt.date(2026, 3, 31), "Q9Z")
    assert register.get("Q9Z").name == "NHS TEST KENT INTEGRATED CARE BOARD"
    assert [o.code for o in register.succession("09C")] == ["09C", "91Q", "QKS", "Q9Z"]
    assert register.get("05W").closed == dt.date(2022, 6, 30)

    # `register show` reads the overlay of the data directory it is given.
    assert main(["register", "show", "QKS", "--format", "json", "--data", str(data)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(s["step"], s["code"]) for s in report["succession"]][-2:] == [
        ("this organisation", "QKS"), ("successor", "Q9Z")]


def test_icb_changes_are_shipped() -> None:
    changes = load_register().icb_changes
    assert len(changes) == 12
    norfolk = next(change for change in changes if change.new_name == "Norfolk and Suffolk ICB")
    assert (norfolk.icb_codes, norfolk.effective, norfolk.status) == (
        ("QMM", "QJG"), dt.date(2026, 4, 1), "approved_boundary_change")
    assert sum(change.new_name is None for change in changes) == 5  # clusters


def test_areas_that_are_not_footprints_list_their_ccgs() -> None:
    register = load_register()
    assert register.areas["Hertfordshire"] == ("06K", "06N")
    # the footprint named after the county also held West Essex
    assert [org.code for org in register.footprint_members("QM7", dt.date(2020, 1, 1))] == ["06K", "06N", "07H"]
