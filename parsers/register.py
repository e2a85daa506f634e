"""The shipped register of NHS commissioning organisations (every CCG 2013–2022, every ICB) and its queries.

Plain attributes meant for loading into the warehouse:

- ``Register.organisations`` — tuple of :class:`Organisation` (one row per CCG and ICB; closed ones stay);
- ``Register.aliases`` — tuple of :class:`Alias` (former names, former ONS codes, common name variants,
  each with the dates it was in use when known);
- ``Register.footprints`` — dict footprint code → :class:`Footprint` (STP/ICS footprints, which share their
  ODS Q code with the ICB that succeeded them) with every name the footprint goes by;
- ``Register.areas`` — dict area phrase → codes of the CCGs covering it, for areas that are not a footprint
  ("Hertfordshire": two CCGs, though its footprint also held West Essex);
- ``Register.icb_changes`` — tuple of :class:`IcbChange` (ICB mergers and boundary changes announced for
  April 2026, whose new boards have no ODS code in the register yet, and ICB clusters).

``load_register()`` reads ``parsers/data/*.csv`` once per process; ``load_register(overlay=path)`` also
applies a refreshed organisation CSV written by ``ccgwatch register update`` (rows there win, nothing is
removed).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from parsers.vocab import OrgKind

DATA_DIR = Path(__file__).parent / "data"
# Columns of the organisation CSV format shared by the shipped data overlay written by `register update`.
ORGANISATION_COLUMNS = (
    "ods_code", "name", "kind", "ons_code", "opened", "closed", "successor_ods_code", "footprint_code",
    "footprint_name",
)


# One byte per character: ASCII letters lower-cased, digits and "&" kept, everything else a space. Names in
# the register are ASCII; a non-ASCII character (curly quote, dash, accent) separates words like punctuation.
_FOLD_TABLE = bytes(
    code + 32 if 65 <= code <= 90 else code if 48 <= code <= 57 or 97 <= code <= 122 or code == 38 else 32
    for code in range(256)
)
_NAME_AFFIXES = re.compile(r"^(?:nhs )|(?: (?:ccg|clinical commissioning group|integrated care board|icb))$")


def fold(text: str) -> str:
    """`text` with the same length, lower-cased ASCII words separated by spaces (see _FOLD_TABLE)."""
    return text.encode("ascii", "replace").translate(_FOLD_TABLE).decode("ascii")


def normalise_name(text: str) -> str:
    """Lower-case words joined by single spaces: punctuation, hyphens, line breaks and apostrophes go, & → and."""
    return " ".join("and" if word == "&" else word for word in fold(text).split())


def name_core(name: str) -> str:
    """A name without "NHS" in front and "CCG"/"Integrated Care Board" behind, normalised."""
    return _NAME_AFFIXES.sub("", normalise_name(name))


@dataclass(frozen=True)
class Organisation:
    """A CCG or ICB as the register knows it; `closed` is the last day of operation (None while open)."""

    code: str
    name: str
    kind: OrgKind
    ons_code: str | None
    opened: dt.date
    closed: dt.date | None
    successor: str | None
    footprint_code: str | None
    footprint_name: str | None

    def open_on(self, day: dt.date) -> bool:
        return self.opened <= day and (self.closed is None or day <= self.closed)


@dataclass(frozen=True)
class Alias:
    """Another name or code an organisation went by; `kind` is former_name, former_ons_code or variant."""

    code: str
    alias: str
    kind: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class Footprint:
    """An STP/ICS footprint (the area an ICB later covered) and the names it is called by."""

    code: str
    name: str
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class IcbChange:
    """An announced ICB merger or boundary change (new_name/effective set) or a cluster (both None)."""

    icb_codes: tuple[str, ...]
    new_name: str | None
    effective: dt.date | None
    status: str
    source_url: str


@dataclass
class Register:
    """All organisations with lookups by code, name, date, footprint and succession."""

    organisations: tuple[Organisation, ...]
    aliases: tuple[Alias, ...] = ()
    footprints: dict[str, Footprint] = field(default_factory=dict)
    icb_changes: tuple[IcbChange, ...] = ()
    areas: dict[str, tuple[str, ...]] = field(default_factory=dict)  # area phrase -> the CCGs covering it

    def __post_init__(self) -> None:
        self._by_code = {org.code: org for org in self.organisations}
        self._predecessors: dict[str, list[str]] = {}
        self._ccgs_by_footprint: dict[str, list[Organisation]] = {}
        for org in self.organisations:
            if org.kind == OrgKind.CCG and org.footprint_code:
                self._ccgs_by_footprint.setdefault(org.footprint_code, []).append(org)
        for org in self.organisations:
            if org.successor:
                self._predecessors.setdefault(org.successor, []).append(org.code)

    def get(self, code: str) -> Organisation | None:
        return self._by_code.get(code.strip().upper())

    def find(self, name_or_code: str) -> list[Organisation]:
        """Organisations whose code, name, former name or variant matches (exactly, then by substring)."""
        org = self.get(name_or_code)
        if org:
            return [org]
        wanted = normalise_name(name_or_code)
        if not wanted:
            return []
        names = [(org.code, org.name) for org in self.organisations]
        names += [(a.code, a.alias) for a in self.aliases if a.kind != "former_ons_code"]
        names += [(a.code, a.alias) for a in self.aliases if a.kind == "former_ons_code"]
        wanted_core = name_core(name_or_code)
        wanted_full = wanted.removeprefix("nhs ")
        for same in (lambda name: normalise_name(name).removeprefix("nhs ") == wanted_full,
                     lambda name: name_core(name) == wanted_core):
            exact = _unique(code for code, name in names if name == name_or_code or same(name))
            if exact:
                return [self._by_code[code] for code in exact]
        partial = _unique(code for code, name in names if wanted in normalise_name(name))
        return [self._by_code[code] for code in partial]

    def open_on(self, day: dt.date, kind: OrgKind | None = None) -> list[Organisation]:
        return [org for org in self.organisations if org.open_on(day) and (kind is None or org.kind == kind)]

    def footprint_members(self, footprint_code: str, on: dt.date) -> list[Organisation]:
        """CCGs open on `on` inside the footprint (footprints are recorded as of each CCG's last period)."""
        return [org for org in self._ccgs_by_footprint.get(footprint_code, ()) if org.open_on(on)]

    def predecessors(self, code: str) -> list[Organisation]:
        return [self._by_code[c] for c in self._predecessors.get(code.upper(), [])]

    def succession(self, code: str) -> list[Organisation]:
        """The organisation followed by its successor, that one's successor, and so on."""
        line: list[Organisation] = []
        org = self.get(code)
        while org and org not in line:
            line.append(org)
            org = self._by_code.get(org.successor) if org.successor else None
        return line

    def change_dates(self) -> list[dt.date]:
        """Every day on which some organisation opened or first stood closed: the days the map changed."""
        opened = {org.opened for org in self.organisations}
        closed = {org.closed + dt.timedelta(days=1) for org in self.organisations if org.closed}
        return sorted(opened | closed)


def _unique(codes: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _read(name: str, data_dir: Path) -> list[dict[str, str]]:
    with open(data_dir / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _short_icb_name(name: str) -> str:
    return name.removeprefix("NHS ").removesuffix(" Integrated Care Board")


def read_register(data_dir: Path = DATA_DIR, overlay: Path | None = None) -> Register:
    """Build a register from the CSVs in `data_dir`, then apply an overlay CSV (same columns) if given."""
    icb_rows = _read("icbs.csv", data_dir)
    icb_names = {row["ods_code"]: _short_icb_name(row["name"]) for row in icb_rows}
    organisations: dict[str, Organisation] = {}
    for row in _read("ccgs.csv", data_dir):
        organisations[row["ods_code"]] = Organisation(
            code=row["ods_code"], name=row["name"], kind=OrgKind.CCG, ons_code=row["ons_code"] or None,
            opened=dt.date.fromisoformat(row["opened"]), closed=_date(row["closed"]),
            successor=row["successor_ods_code"] or None, footprint_code=row["stp_code"] or None,
            footprint_name=icb_names.get(row["stp_code"], row["stp_name"] or None),
        )
    for row in icb_rows:
        organisations[row["ods_code"]] = Organisation(
            code=row["ods_code"], name=row["name"], kind=OrgKind.ICB, ons_code=row["ons_code"] or None,
            opened=dt.date.fromisoformat(row["opened"]), closed=None, successor=None,
            footprint_code=row["ods_code"], footprint_name=icb_names[row["ods_code"]],
        )
    if overlay and overlay.exists():
        for org in read_organisations_csv(overlay):
            known = organisations.get(org.code)
            # An update never deletes history: keep what we knew when the refresh leaves a field empty.
            organisations[org.code] = _merge(known, org) if known else org

    aliases = [
        Alias(row["ods_code"], row["alias"], row["kind"], _date(row["valid_from"]), _date(row["valid_to"]),
              row["note"])
        for row in _read("ccg_aliases.csv", data_dir)
    ]
    for row in _read("ccg_name_variants.csv", data_dir):
        org = organisations[row["ods_code"]]
        aliases.append(Alias(org.code, row["variant"], "variant", org.opened, org.closed, row["note"]))

    names: dict[str, list[str]] = {code: [name] for code, name in icb_names.items()}
    for row in _read("ccgs.csv", data_dir):
        if row["stp_code"]:
            names.setdefault(row["stp_code"], []).append(row["stp_name"])
    for row in _read("footprint_aliases.csv", data_dir):
        names.setdefault(row["footprint_code"], []).append(row["alias"])
    footprints = {
        code: Footprint(code, icb_names.get(code, all_names[0]), tuple(_unique(all_names)))
        for code, all_names in names.items()
    }
    icb_changes = tuple(
        IcbChange(tuple(row["icb_ods_codes"].split(";")), row["new_name"] or None, _date(row["effective"]),
                  row["status"], row["source_url"])
        for row in _read("icb_changes.csv", data_dir)
    )
    areas = {row["area"]: tuple(row["ods_codes"].split(";")) for row in _read("area_ccgs.csv", data_dir)}
    return Register(tuple(organisations.values()), tuple(aliases), footprints, icb_changes, areas)


def _merge(known: Organisation, fresh: Organisation) -> Organisation:
    updates = {name: value for name, value in vars(fresh).items() if value not in (None, "")}
    return replace(known, **updates)


def read_organisations_csv(path: Path) -> list[Organisation]:
    """Organisations from a CSV with ORGANISATION_COLUMNS (the format `register update` writes)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [
            Organisation(
                code=row["ods_code"], name=row["name"], kind=OrgKind(row["kind"]), ons_code=row["ons_code"] or None,
                opened=dt.date.fromisoformat(row["opened"]), closed=_date(row["closed"]),
                successor=row["successor_ods_code"] or None, footprint_code=row["footprint_code"] or None,
                footprint_name=row["footprint_name"] or None,
            )
            for row in csv.DictReader(handle)
        ]


def write_organisations_csv(path: Path, organisations: Iterable[Organisation]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ORGANISATION_COLUMNS)
        for org in organisations:
            writer.writerow([
                org.code, org.name, org.kind.value, org.ons_code or "", org.opened.isoformat(),
                org.closed.isoformat() if org.closed else "", org.successor or "", org.footprint_code or "",
                org.footprint_name or "",
            ])


# After June 2022 ODS keeps the CCG codes (primary role RO98) for sub-ICB locations named "NHS X ICB - 05W".
CCG_LAST_DAY = dt.date(2022, 6, 30)
_SUB_ICB_NAME = re.compile(r" ICB - [A-Z0-9]{3,5}$", re.IGNORECASE)


def organisation_from_ord(document: dict) -> Organisation | None:
    """A CCG or ICB from an ODS ORD 2-0-0 organisation record (None for other roles, e.g. commissioning hubs).

    Fields ODS does not give (ONS code, footprint) are left empty, and so is the name when ODS gives the
    code's later sub-ICB location name; a CCG code still active in ODS closed as a CCG on 30 June 2022.
    """
    record = document.get("Organisation", document)
    code = str(record["OrgId"]["extension"]).upper()
    roles = record.get("Roles", {}).get("Role", [])
    primary = next((role["id"] for role in roles if role.get("primaryRole")), None)
    name = str(record.get("Name") or "")
    if primary == "RO98":
        kind = OrgKind.CCG
    elif primary == "RO261" and ({"RO318"} & {role["id"] for role in roles} or "INTEGRATED CARE BOARD" in name.upper()):
        kind = OrgKind.ICB
    else:
        return None
    periods = {period["Type"]: period for period in record.get("Date", [])}
    period = periods.get("Operational") or periods.get("Legal")
    if not period:
        return None
    opened, closed = dt.date.fromisoformat(period["Start"]), _date(period.get("End"))
    if kind == OrgKind.CCG:
        if _SUB_ICB_NAME.search(name):
            name = ""
        if closed is None or closed > CCG_LAST_DAY:
            closed = CCG_LAST_DAY
    successions = [
        (succession.get("Date", [{}])[0].get("Start", ""), succession["Target"]["OrgId"]["extension"])
        for succession in record.get("Succs", {}).get("Succ", [])
        if succession.get("Type") == "Successor"
    ]
    successor = max(successions)[1].upper() if successions else None
    return Organisation(code, name, kind, None, opened, closed, successor, None, None)


def updated_organisations(register: Register, fresh: Iterable[Organisation]) -> tuple[list[Organisation], dict]:
    """Fresh ODS facts laid over what the register knows; returns the merged rows and counts (new/changed/same).

    Nothing known is dropped: an empty fresh field keeps the known value, a name differing only in case keeps
    the register's mixed-case spelling, and organisations ODS no longer lists are simply not touched.
    """
    merged, counts = [], {"new": 0, "changed": 0, "unchanged": 0}
    for org in fresh:
        known = register.get(org.code)
        if known is None:
            merged.append(org)
            counts["new"] += 1
            continue
        if org.name.casefold() == known.name.casefold():
            org = replace(org, name="")
        result = _merge(known, org)
        counts["changed" if result != known else "unchanged"] += 1
        merged.append(result)
    return merged, counts


OVERLAY_RELATIVE = Path("register") / "organisations.csv"


def overlay_path(data_root: Path) -> Path:
    """Where `ccgwatch register update` keeps the refreshed organisations inside a data directory."""
    return Path(data_root) / OVERLAY_RELATIVE


@functools.cache
def load_register(overlay: Path | None = None) -> Register:
    """The register, read once per process (pass the overlay path written by `register update`, if any)."""
    return read_register(DATA_DIR, overlay)
