"""Time-aware entity linking: CCG/ICB names and area references in text → ODS codes, with spans.

API:

- ``link_organisations(text, on) -> list[OrgMention]`` — every mention, in text order. A named CCG gives
  ``codes=(code,)``, kind ``ccg``; "X ICB"/"NHS X Integrated Care Board" gives the ICB (kind ``icb``);
  "X ICS"/"X Integrated Care System" before July 2022 gives the footprint (kind ``stp``); a CCG code after an
  ICB name after June 2022 ("NHS South Yorkshire ICB - 02P") is a sub-ICB location (kind ``sub_icb``).
  An area reference ("the six CCGs in Staffordshire and Stoke-on-Trent", "eight CCGs across Kent and
  Medway", "the three local CCGs" with the area named nearby) gives kind ``ccg`` with ``area``,
  ``stated_count`` and ``codes`` = the CCGs of that area open on `on`; when the stated count does not match
  the register the mention is kept with ``resolved=False`` and no codes. "The four CCGs" right after four
  CCGs were named gives those four (``area`` None); "the three former CCGs" may match the map before `on`.
- ``resolve_area(area, count, on) -> tuple[str, ...] | None`` — member codes of an area phrase
  ("Staffordshire", "Kent and Medway", "Cheshire") on a date, checked against `count`; None if unknown or
  the count does not fit.
- ``footprint_for_area(area) -> str | None`` — the STP/ICS footprint code an area phrase names.

Matching is done on folded text (ASCII lower case, punctuation and line breaks as spaces, runs of spaces
shrunk to one; keys are stored with "and" and matched with "&" too) with one Aho–Corasick automaton over every
name, so a document costs one pass whatever the size of the register; spans are mapped back to the original
text. An area phrase is read, in order, as an STP/ICS footprint, as the CCGs that merged into a CCG of that
name, as the CCGs whose names contain it, or as the CCGs that merged into CCGs whose names contain it; the
first reading whose size fits the stated count wins.
A bare place name is a CCG only when the text says so: "NHS" before it, "CCG"/"Clinical Commissioning
Group" after it (directly, possessively "Thanet's CCG", or at the end of a list that shares the suffix),
CCG words just before a list ("the CCGs for A, B and C", "Member CCGs: A; B; C", "the CCG for Swale"), an
ODS code in brackets ("Swale (10D)"), or a partner CCG (same successor or footprint; for a closed CCG, the
CCG it merged into) named in the same sentence ("Slough CCG, along with Windsor, Ascot and Maidenhead") —
and never when the next word makes it a council, town, building or provider ("Slough Borough Council",
"the Slough area") or it follows "hospitals in", "patients in" and the like. Boards listed before one
plural suffix ("the Norfolk and Waveney and Suffolk and North East Essex ICBs") are each linked; the
register's own names segment the "and"s. "Mergers in Hampshire, the Black Country and north-west London"
in text about CCGs gives each area's CCGs merging within two years of the date. Organisations are chosen by the
document's date: a name of a CCG that did not exist yet is not linked, and with no date the most recent
fitting state of the register is used.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import operator
import re
from dataclasses import dataclass, field

import ahocorasick

from parsers.model import OrgMention
from parsers.register import Register, fold, load_register, name_core, normalise_name
from parsers.vocab import OrgKind

ICB_START = dt.date(2022, 7, 1)
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "both": 2,
}
# Words that may sit between a count and "CCGs": "the six local CCGs", "all eight separate CCGs".
PAST_WORDS = {"former", "previous", "old", "predecessor", "legacy", "original"}
COUNT_FILLERS = {"local", "separate", "existing", "current", "individual", "constituent", "member", "area",
                 "neighbouring", "partner", "participating", "remaining", "of", "the", "all", *PAST_WORDS}
AREA_LINKS = {"in", "across", "of", "covering", "for", "within", "throughout", "serving", "from"}
# After "NHS X" these words mean X names a trust, council or service, not a commissioner.
NOT_COMMISSIONER = {"trust", "foundation", "hospital", "hospitals", "healthcare", "council", "community",
                    "university", "partnership", "mental", "ambulance", "teaching", "health", "care",
                    "services", "service", "provider", "property", "digital", "direct", "choices"}
# Organisation-type words after a name, longest first; group 1 is the phrase, which gives the kind.
SUFFIX_RE = re.compile(
    r"(?:s )?(clinical commissioning groups|clinical commissioning group s|clinical commissioning group|ccgs|ccg s|ccg"
    r"|integrated care boards|integrated care board|icbs|icb s|icb|integrated care system|integrated care partnership"
    r"|ics) "
)
SUFFIX_KINDS = {
    "clinical commissioning groups": "ccgs", "clinical commissioning group s": "ccgs", "ccgs": "ccgs",
    "ccg s": "ccgs", "clinical commissioning group": "ccg", "ccg": "ccg", "integrated care boards": "icb",
    "integrated care board": "icb", "icbs": "icb", "icb s": "icb", "icb": "icb", "integrated care system": "ics",
    "integrated care partnership": "ics", "ics": "ics",
}
SUFFIX_FIRST_WORDS = {"clinical", "ccgs", "ccg", "integrated", "icbs", "icb", "ics"}
SUFFIX_START_RE = re.compile(r"(?:s )?(?:clinical|ccgs|ccg|integrated|icbs|icb|ics) ")  # suffix_follows, in C
PLURAL_ICB_SUFFIXES = {"integrated care boards", "icbs", "icb s"}
# Words that, right before a list of bare names, say the names are CCGs: "the CCGs for A, B and C",
# "Member CCGs: A; B; C", "the CCG for Swale".
LEAD_WORDS = {"ccg", "ccgs", "groups", "group"}
LEAD_LINKS = AREA_LINKS | {"the", "namely", "including", "are", "were", "between", "being", "taking", "part",
                           "involved", "concerned", "affected", "listed", "below", "merging", "joining", "is"}
# After a bare place name these words mean a council, a town or a provider, not the CCG of that name.
NOT_CCG_AFTER = NOT_COMMISSIONER | {
    "borough", "city", "county", "district", "council", "councils", "area", "areas", "town", "towns", "s",
    "local", "metropolitan", "unitary", "general", "royal", "nhs", "primary", "practice", "practices", "gp",
    "gps", "medical", "road", "street", "station", "college", "school", "police", "fire", "house", "hall", "centre",
    "center", "park", "square", "court", "lane", "avenue", "building", "office", "offices",
}
# Before a bare place name these words mean the place itself: "patients use hospitals in Doncaster".
NOT_CCG_BEFORE = {"hospital", "hospitals", "trust", "trusts", "council", "councils", "patients", "residents",
                  "people", "population", "live", "lives", "living", "born", "near", "town", "city", "university"}
SIBLING_CHARS = 300
MERGER_AREAS_RE = re.compile(r" (?:mergers|merger|merging|merge|merges|merged) (?:in|across|covering|throughout) ")
CCG_CONTEXT_CHARS = 300
MERGER_YEARS = 2  # "mergers in Hampshire": the CCGs that merge within this many years of the date, or just did  # how far from a named CCG its unnamed partners may sit in the same sentence
SENTENCE_END_RE = re.compile(r"[.!?]\s+(?=[A-Z\"“‘(])|\n\s*\n")
WORD_RE = re.compile(r"[A-Za-z0-9]+|&")
BRACKETED_CODE_RE = re.compile(r"\(\s*([0-9]{2}[A-Z]|[A-Z][0-9][A-Z][0-9][A-Z])\s*\)")
PLURAL_RE = re.compile(r" (ccgs|ccg s|clinical commissioning groups|clinical commissioning group s) ")
# What may stand between two names of a list that shares its suffix: "A, B and NHS C CCGs".
NAME_GAPS = frozenset({" ", " and ", " & ", " nhs ", " and nhs ", " & nhs "})
LOOK_BACK_CHARS = 2000  # "the three local CCGs": how far back the area may have been named
LOOK_AHEAD_CHARS = 250
RECENT_NAMES_CHARS = 600  # "NHS A, NHS B and NHS C … the three CCGs": how far back the names may be
MULTI_SPACE_RE = re.compile(r"  +")
ABBREVIATION_RE = re.compile(r"\s*\(\s*(?:the\s+)?[\"'“‘]?([A-Z][A-Za-z&]*[A-Z][A-Za-z]*)[\"'”’]?\s*\)")
GENERIC_ABBREVIATIONS = {"CCG", "CCGS", "ICB", "ICS", "NHS", "STP", "GP", "GPS", "PCN", "LMC"}


@dataclass(frozen=True, slots=True)
class _Name:
    code: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass
class _Entry:
    """What a normalised phrase may name: CCGs (by name), footprints (ICB/ICS/area) and whether it is an area."""

    names: list[_Name] = field(default_factory=list)
    footprints: list[str] = field(default_factory=list)
    is_area: bool = False
    forming: tuple[str, ...] = ()  # an announced ICB with no code yet: the ICBs it is formed from
    codes: frozenset[str] = frozenset()  # every code in names, for quick set tests
    area_codes: tuple[str, ...] = ()  # the CCGs covering an area that is not a footprint (Register.areas)


@dataclass
class _Index:
    automaton: ahocorasick.Automaton
    entries: dict[str, _Entry]
    register: Register
    ccg_codes: frozenset[str]
    ccg_cores: tuple[tuple[str, str], ...]  # (code, " core ") for name-contains lookups
    cores: dict[str, str]  # the same by code
    snapshot_dates: tuple[dt.date, ...]  # change dates while CCGs existed, for undated documents
    change_dates: tuple[dt.date, ...]
    partners: dict[str, frozenset[str]]  # CCG code -> CCGs with the same successor or footprint (see _partners)


@dataclass(slots=True)
class _Hit:
    start: int  # first character of the phrase in the normalised text
    end: int  # the space after its last character
    entry: _Entry
    key: str


def _entry(entries: dict[str, _Entry], key: str) -> _Entry:
    if key not in entries:
        entries[key] = _Entry()
    return entries[key]


@functools.cache
def _index() -> _Index:
    register = load_register()
    entries: dict[str, _Entry] = {}
    for org in register.organisations:
        if org.kind == OrgKind.CCG:
            _entry(entries, name_core(org.name)).names.append(_Name(org.code, org.opened, org.closed))
        else:
            _entry(entries, name_core(org.name)).footprints.append(org.code)
    for alias in register.aliases:
        if alias.kind == "former_ons_code":
            continue
        _entry(entries, name_core(alias.alias)).names.append(_Name(alias.code, alias.valid_from, alias.valid_to))
    for footprint in register.footprints.values():
        for name in footprint.names:
            core = re.sub(r" (?:ics|stp)$", "", name_core(name))
            entry = _entry(entries, core)
            entry.is_area = True
            if footprint.code not in entry.footprints:
                entry.footprints.append(footprint.code)
    for area, codes in register.areas.items():
        entry = _entry(entries, name_core(area))
        entry.is_area = True
        entry.area_codes = codes
    # ICBs announced for 2026 have no code yet: "Norfolk and Suffolk ICB" stands for the ICBs it is made from.
    for change in register.icb_changes:
        if change.new_name:
            entry = _entry(entries, name_core(change.new_name))
            if not entry.footprints:
                entry.forming = change.icb_codes
    # CCGs formed by merger name areas too: "the four Cheshire CCGs" are the ones that became Cheshire CCG.
    for org in register.organisations:
        if org.kind == OrgKind.CCG and register.predecessors(org.code):
            _entry(entries, name_core(org.name)).is_area = True
    automaton = ahocorasick.Automaton()
    for key in entries:
        for variant in _ampersand_variants(key):
            automaton.add_word(f" {variant}", (key, len(variant) + 1))
    automaton.make_automaton()
    ccg_codes = frozenset(org.code for org in register.organisations if org.kind == OrgKind.CCG)
    changes = tuple(register.change_dates())
    snapshots = tuple(day for day in changes if day < ICB_START)
    ccg_cores = tuple(
        (org.code, f" {name_core(org.name)} ") for org in register.organisations if org.kind == OrgKind.CCG
    )
    for entry in entries.values():
        entry.codes = frozenset(name.code for name in entry.names)
    ccgs = [org for org in register.organisations if org.kind == OrgKind.CCG]
    partners = {
        org.code: frozenset(other.code for other in ccgs if other.code != org.code and _partners(org, other))
        for org in ccgs
    }
    return _Index(automaton, entries, register, ccg_codes, ccg_cores, dict(ccg_cores), snapshots, changes, partners)


def _ampersand_variants(key: str) -> list[str]:
    """The key with each "and" also written "&" (text is matched as written; keys are stored with "and")."""
    variants = [[]]
    for word in key.split():
        options = ["and", "&"] if word == "and" else [word]
        variants = [done + [option] for done in variants for option in options]
    return [" ".join(words) for words in variants]


def _hits(index: _Index, norm: str) -> list[_Hit]:
    """Leftmost-longest, non-overlapping phrase matches that end at a word boundary."""
    entries = index.entries
    return [
        _Hit(end_char - length + 2, end_char + 1, entries[key], key)
        for end_char, (key, length) in index.automaton.iter_long(norm)
        if norm[end_char + 1] == " "  # keys are " words": the match must not stop inside a word
    ]


def _names_on(names: list[_Name], on: dt.date | None, historical: bool) -> list[str]:
    """Codes a name denoted on `on`; closed ones only for explicit historical references."""
    if len(names) == 1:  # most names: the same answer without building lists
        name = names[0]
        if on is None or (name.valid_from or on) <= on <= (name.valid_to or on):
            return [name.code]
        return [name.code] if historical and name.valid_to and name.valid_to < on else []
    if on is None:
        return list(dict.fromkeys(name.code for name in names))
    current = [n.code for n in names if (n.valid_from or on) <= on <= (n.valid_to or on)]
    if current or not historical:
        return list(dict.fromkeys(current))
    past = [n.code for n in names if n.valid_to and n.valid_to < on]
    return list(dict.fromkeys(past))


class _Linker:
    """One document's linking pass over its normalised text (see `link_organisations`)."""

    def __init__(self, index: _Index, text: str, on: dt.date | None, padded: str, norm: str):
        self.index = index
        self.text = text
        self.on = on
        self.padded = padded  # " " + folded text + " "
        self.norm = norm
        self._runs: tuple[list[int], list[int]] | None = None
        self.mentions: list[OrgMention] = []
        self.consumed: set[int] = set()  # where "CCGs" ended a list of names, so is no area reference
        self.last_area: _Hit | None = None
        self.last_group: tuple[str, ...] | None = None  # the CCGs the last resolved count referred to
        self.named: list[tuple[int, str]] = []  # (position in norm, code) of each CCG named by name
        self.linked: set[int] = set()  # starts (in norm) of the name hits already linked
        self._named_at: list[int] = []  # positions of self.named, for bisecting

    # --- positions ---------------------------------------------------------------------------------------
    def original(self, position: int) -> int:
        """Where a character of the normalised text sits in the original text.

        norm is " " + folded text + " " with each run of spaces shrunk to one, and folding keeps every
        character in place, so a position maps back by adding the spaces removed before it.
        """
        if self._runs is None:
            self._runs = _shrink_spaces(self.padded)[1]
        starts, removed = self._runs
        shrunk_before = bisect.bisect_left(starts, position)
        return position + (removed[shrunk_before - 1] if shrunk_before else 0) - 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of norm[start:end] (start at a word's first character, end just after a word)."""
        return self.original(start), self.original(end - 1) + 1

    def mention(self, start: int, end: int, codes: tuple[str, ...], kind: OrgKind, **extra) -> None:
        if self._runs is None:
            self._runs = _shrink_spaces(self.padded)[1]
        starts, removed = self._runs
        # self.span, inlined (it runs for every mention): add back the spaces removed before each end
        shrunk = bisect.bisect_left(starts, start)
        first = start + (removed[shrunk - 1] if shrunk else 0) - 1
        shrunk = bisect.bisect_left(starts, end - 1)
        last = end + (removed[shrunk - 1] if shrunk else 0) - 1
        self.mentions.append(OrgMention(first, last, self.text[first:last], codes, kind, **extra))

    def word_before(self, start: int) -> tuple[str, int]:
        """The word ending just before `start` (a word's first character) and where it starts; ("", 0) at the start."""
        if start <= 1:
            return "", 0
        begin = self.norm.rfind(" ", 0, start - 1) + 1
        return self.norm[begin:start - 1], begin

    def word_after(self, end: int) -> tuple[str, int]:
        """The word after the space at `end` and where it ends; ("", end) at the end of the text."""
        stop = self.norm.find(" ", end + 1)
        if stop < 0:
            return "", end
        return self.norm[end + 1:stop], stop

    def suffix(self, end: int) -> tuple[int, str]:
        """The organisation-type words after the space at `end`: (where they end, kind) or (end, "")."""
        match = SUFFIX_RE.match(self.norm, end + 1)
        if match is None:
            return end, ""
        return match.end(1), SUFFIX_KINDS[match.group(1)]

    def suffix_follows(self, end: int) -> bool:
        """Whether organisation-type words follow the space at `end` ("Thanet CCG", "Thanet's CCG")."""
        return SUFFIX_START_RE.match(self.norm, end + 1) is not None

    def ccg_lead(self, start: int) -> bool:
        """ "the CCGs for A, B and C", "Member CCGs: A; B", "the CCG for Swale": CCG words just before `start`."""
        cursor = start
        for _ in range(4):
            word, begin = self.word_before(cursor)
            if word in LEAD_WORDS:
                return word != "groups" and word != "group" or self.word_before(begin)[0] == "commissioning"
            if word not in LEAD_LINKS:
                return False
            cursor = begin
        return False

    def _numbers_a_list(self, begin: int, word: str) -> bool:
        """ "4. South east London CCGs", "9: Kirklees CCGs": an item or section number, not a count."""
        after = self.original(begin) + len(word)
        return self.text[after:after + 1] in (".", ":", ")")

    def has_nhs(self, hit: _Hit) -> bool:
        return self.norm.startswith(" nhs ", hit.start - 5)  # norm starts with a space: start is never < 1

    # --- names -------------------------------------------------------------------------------------------
    def link_names(self, hits: list[_Hit]) -> None:
        """Names, alone or in lists sharing a suffix ("South Kent Coast and Thanet CCGs"), and ICB names."""
        norm, count, i = self.norm, len(hits), 0
        suffix_follows = SUFFIX_START_RE.match  # (norm, end + 1): self.suffix_follows without the call
        # Only a document with a plural ICB suffix can list boards before it.
        icb_lists = " icbs " in norm or " icb s " in norm or " integrated care boards " in norm
        while i < count:
            j = i  # extend the chain while names follow each other joined by nothing, "and" or "NHS"
            while j + 1 < count:
                last, following = hits[j], hits[j + 1]
                if not last.entry.names or not following.entry.names or following.start - last.end > 9:
                    break
                if norm[last.end:following.start] not in NAME_GAPS or suffix_follows(norm, last.end + 1):
                    break
                j += 1
            if icb_lists and hits[i].entry.footprints and i + 1 < count:
                listed = self._icb_list(hits, i, j)
                if listed is not None:
                    i = listed + 1
                    continue
            if j == i and suffix_follows(norm, hits[i].end + 1):
                self._link_chain(hits[i:i + 1])  # "X CCG": words before it change nothing
                i += 1
                continue
            start = hits[i].start
            # Most names have no CCG words just before them: look for the letters before splitting words.
            window = norm[start - 32 if start > 32 else 0:start]
            lead = ("ccg" in window or "group" in window) and self.ccg_lead(start)
            if j > i or lead or norm.startswith(" nhs ", start - 5):
                self._link_chain(hits[i:j + 1], lead)
            i = j + 1

    def _icb_list(self, hits: list[_Hit], first: int, last: int) -> int | None:
        """ "the Norfolk and Waveney and Suffolk and North East Essex ICBs": boards sharing a plural suffix.

        Leftmost-longest matching segments the "and"s by the register's own names; every board in the run
        of names before the plural suffix is linked. Returns the index of the list's last hit, None if no list.
        """
        while last + 1 < len(hits) and hits[last + 1].entry.footprints and hits[last].entry.footprints:
            if self.norm[hits[last].end:hits[last + 1].start] not in NAME_GAPS or self.suffix_follows(hits[last].end):
                break
            last += 1
        if last == first:
            return None
        match = SUFFIX_RE.match(self.norm, hits[last].end + 1)
        if match is None or match.group(1) not in PLURAL_ICB_SUFFIXES:
            return None
        chain = hits[first:last + 1]
        if not all(hit.entry.footprints or hit.entry.forming for hit in chain):
            return None
        for hit in chain:
            start = hit.start - 4 if self.has_nhs(hit) else hit.start
            end = match.end(1) if hit is chain[-1] else hit.end
            if hit.entry.footprints:
                self.mention(start, end, (hit.entry.footprints[0],), OrgKind.ICB)
            else:
                area_start, area_end = self.span(hit.start, hit.end)
                self.mention(start, end, hit.entry.forming, OrgKind.ICB, area=self.text[area_start:area_end])
        return last

    def _link_chain(self, chain: list[_Hit], lead: bool = False) -> None:
        last = chain[-1]
        suffix_end, suffix_kind = self.suffix(last.end)
        plural = suffix_kind == "ccgs"
        if suffix_kind in ("icb", "ics"):
            if len(chain) == 1:
                self._link_footprint(last)
            return
        if len(chain) == 1 and (plural or lead and not suffix_kind) and last.entry.is_area:
            return  # "Staffordshire CCGs", "Kent and Medway CCGs": an area reference, handled below
        if len(chain) == 1 and not last.entry.names:
            self._link_footprint(last)
            return
        if suffix_kind == "ccg" and len(chain) > 1:
            # "Vale Royal and West Cheshire CCG": one CCG is named; the words before it are not partners.
            self.linked.update([hit.start for hit in chain])
        for position, hit in enumerate(chain):
            is_last = position == len(chain) - 1
            explicit = bool(suffix_kind) and (is_last or plural)
            nhs = self.norm.startswith(" nhs ", hit.start - 5)  # self.has_nhs, inlined: runs for every name
            # "the three CCGs in Coventry and Warwickshire - Coventry and Rugby, ...": the area is not a member.
            led = lead and not hit.entry.is_area and self.word_after(hit.end)[0] not in NOT_CCG_AFTER
            if not explicit and not led and not (nhs and self.word_after(hit.end)[0] not in NOT_COMMISSIONER):
                if len(chain) == 1:
                    self._link_footprint(hit)
                continue
            # "the CCGs for A, B and C" says CCG as plainly as a suffix: closed ones are history, still linked
            codes = _names_on(hit.entry.names, self.on, historical=explicit or led)
            if not codes:
                if len(chain) == 1:
                    self._link_footprint(hit)
                continue
            start = hit.start - 4 if nhs else hit.start
            end = suffix_end if is_last and suffix_kind else hit.end
            for code in codes[:1] if len(codes) > 1 and self.on is None else codes:
                self.mention(start, end, (code,), OrgKind.CCG)
                self.named.append((start, code))
            self.linked.add(hit.start)
            if is_last and suffix_kind:
                self.consumed.add(hit.end + 1)

    def _link_footprint(self, hit: _Hit) -> None:
        """ "X ICB", "NHS X Integrated Care Board", "X ICS", and "NHS X" for an ICB once ICBs exist."""
        if hit.entry.forming:
            self._link_forming_icb(hit)
        if not hit.entry.footprints:
            return
        footprint = hit.entry.footprints[0]
        nhs = self.has_nhs(hit)
        start = hit.start - 4 if nhs else hit.start
        suffix_end, suffix_kind = self.suffix(hit.end)
        after_icb = self.on is None or self.on >= ICB_START
        if suffix_kind == "icb" or (suffix_kind == "ics" and after_icb):
            self.mention(start, suffix_end, (footprint,), OrgKind.ICB)
            self._link_sub_icb(suffix_end)
        elif suffix_kind == "ics":
            self.mention(start, suffix_end, (footprint,), OrgKind.STP)
        elif (nhs and not suffix_kind and self.on is not None and self.on >= ICB_START
              and self.word_after(hit.end)[0] not in NOT_COMMISSIONER):
            self.mention(start, hit.end, (footprint,), OrgKind.ICB)
            self._link_sub_icb(hit.end)

    def _link_forming_icb(self, hit: _Hit) -> None:
        """ "NHS Norfolk and Suffolk ICB": a board announced without a code, given as the ICBs forming it."""
        suffix_end, suffix_kind = self.suffix(hit.end)
        if suffix_kind == "icb":
            start = hit.start - 4 if self.has_nhs(hit) else hit.start
            area_start, area_end = self.span(hit.start, hit.end)
            self.mention(start, suffix_end, hit.entry.forming, OrgKind.ICB, area=self.text[area_start:area_end])

    def _link_sub_icb(self, end: int) -> None:
        # After June 2022 the old CCG codes name sub-ICB locations: "NHS South Yorkshire ICB - 02P".
        if self.on is None or self.on >= ICB_START:
            word, stop = self.word_after(end)
            if word and word.upper() in self.index.ccg_codes:
                self.mention(end + 1, stop, (word.upper(),), OrgKind.SUB_ICB)

    # --- partners named by place --------------------------------------------------------------------------
    def link_siblings(self, hits: list[_Hit]) -> None:
        """Bare names of a named CCG's partners in the same sentence: "Slough CCG, along with Windsor, Ascot and
        Maidenhead and Bracknell and Ascot", "NHS Bracknell and Ascot CCG will join its neighbours in Slough".

        A place name alone counts only when a CCG it merged with (same successor) or shares a footprint with
        is named nearby in the same sentence, and the next word does not make it a council, town or provider.
        """
        if not self.named:
            return
        linked = self.linked
        partner_map = self.index.partners
        near_named = set().union(*[partner_map.get(code, ()) for _, code in self.named])
        candidates = [hit for hit in hits if not hit.entry.is_area and hit.start not in linked
                      and not near_named.isdisjoint(hit.entry.codes)]
        if not candidates:
            return
        named = sorted(self.named)
        positions = [at for at, _ in named]
        place_end = -1  # end of the last name read as a place ("hospitals in Doncaster"): a list after it is too
        for hit in candidates:
            low = bisect.bisect_left(positions, hit.start - SIBLING_CHARS)
            high = bisect.bisect_right(positions, hit.start + SIBLING_CHARS)
            if low == high or self.has_nhs(hit) or self.word_after(hit.end)[0] in NOT_CCG_AFTER:
                continue
            if SUFFIX_START_RE.match(self.norm, hit.end + 1):  # "X CCG" not linked on purpose (not open yet)
                continue
            word, begin = self.word_before(hit.start)
            if (word in NOT_CCG_BEFORE or word in AREA_LINKS and self.word_before(begin)[0] in NOT_CCG_BEFORE
                    or self.norm[place_end:hit.start] in NAME_GAPS):
                place_end = hit.end
                continue
            anchors = named[low:high]
            current = _names_on(hit.entry.names, self.on, historical=False)
            for code in current or _names_on(hit.entry.names, self.on, historical=True):
                their_partners = partner_map.get(code, frozenset())
                if not current:
                    # a closed CCG only beside the CCG it merged into: "East Berkshire CCG was formed when Slough ..."
                    successor = self.index.register.get(code).successor
                    their_partners = frozenset((successor,)) if successor else frozenset()
                partners = [at for at, other in anchors if other in their_partners]
                # the nearest partner on each side decides: one further away cannot share the sentence if it doesn't
                nearest = [max((at for at in partners if at < hit.start), default=None),
                           min((at for at in partners if at > hit.start), default=None)]
                if any(at is not None and not self._sentence_between(at, hit.start) for at in nearest):
                    self.mention(hit.start, hit.end, (code,), OrgKind.CCG)
                    self.linked.add(hit.start)
                    break

    def _merging(self, codes: tuple[str, ...] | None) -> tuple[str, ...] | None:
        """Of an area's CCGs, the ones in a merger near the date: those merging into one CCG within
        MERGER_YEARS after it, or the CCGs that formed one within MERGER_YEARS before it."""
        if not codes or self.on is None:
            return None
        register, on, window = self.index.register, self.on, dt.timedelta(days=365 * MERGER_YEARS)
        merging: list[str] = []
        for code in codes:
            org = register.get(code)
            successor = register.get(org.successor) if org.successor else None
            if successor and successor.kind == OrgKind.CCG and on < successor.opened <= on + window:
                merging.append(code)
            elif org.opened <= on < org.opened + window:
                merging += [before.code for before in register.predecessors(code)]
        return tuple(sorted(set(merging))) if len(set(merging)) >= 2 else None

    def _sentence_between(self, first: int, second: int) -> bool:
        low, high = sorted((first, second))
        # one character past the later name, so the look-ahead for a capital can see it
        return SENTENCE_END_RE.search(self.text, self.original(low), self.original(high) + 1) is not None

    def link_codes(self) -> None:
        """ODS codes in brackets after a name: "Swale (10D)" links Swale; a bracketed code alone links too."""
        if "(" not in self.text:
            return
        taken = {(m.codes[0], m.end) for m in self.mentions if len(m.codes) == 1}
        for match in BRACKETED_CODE_RE.finditer(self.text):
            code = match.group(1)
            org = self.index.register.get(code)
            if org is None or org.kind != OrgKind.CCG or (self.on is not None and self.on < org.opened):
                continue
            before = self.text[:match.start()].rstrip()
            if (code, len(before)) in taken:
                continue
            start = match.start(1)
            name = name_core(org.name)
            window = max(0, len(before) - len(name) - 40)
            if normalise_name(before[window:]).endswith(f" {name}") or normalise_name(before[window:]) == name:
                words = [word.start() for word in WORD_RE.finditer(before, window)]
                start = words[-len(name.split())]
            self.mentions.append(OrgMention(start, match.end(), self.text[start:match.end()], (code,), OrgKind.CCG))

    # --- area references ---------------------------------------------------------------------------------
    def link_areas(self, hits: list[_Hit]) -> None:
        areas = [hit for hit in hits if hit.entry.is_area]
        area_ending = {hit.end: hit for hit in areas}
        area_starting = {hit.start: hit for hit in areas}
        for match in PLURAL_RE.finditer(self.norm):
            start = match.start(1)
            if start not in self.consumed:
                self._link_area_reference(start, match.end(1), area_ending, area_starting, areas)
        if " merg" in self.norm:
            self._link_merger_areas(area_starting)

    def _link_merger_areas(self, area_starting: dict[int, _Hit]) -> None:
        """ "CCG mergers in Hampshire, the Black Country and north-west London": each area's CCGs on the date.

        Only in text about CCGs (the word CCG or clinical commissioning group nearby), and only for areas not
        followed by "CCGs" (those are read as area references above).
        """
        norm = self.norm
        for match in MERGER_AREAS_RE.finditer(norm):
            nearby = norm[max(0, match.start() - CCG_CONTEXT_CHARS):match.end() + CCG_CONTEXT_CHARS]
            if "ccg" not in nearby and "clinical commissioning" not in nearby:
                continue
            cursor = match.end()
            while True:
                for filler in ("and the ", "& the ", "and ", "& ", "the "):
                    if norm.startswith(filler, cursor):
                        cursor += len(filler)
                        break
                area = area_starting.get(cursor)
                if area is None or self.suffix_follows(area.end):
                    break
                codes = _resolve_key(area.key, None, self.on)
                codes = self._merging(codes) or codes
                if codes and len(codes) >= 2:
                    area_start, area_end = self.span(area.start, area.end)
                    self.mention(area.start, area.end, codes, OrgKind.CCG, area=self.text[area_start:area_end])
                cursor = area.end + 1

    def _link_area_reference(self, start: int, end: int, area_ending: dict[int, _Hit],
                             area_starting: dict[int, _Hit], areas: list[_Hit]) -> None:
        first = start
        area = area_ending.get(start - 1)
        if area:  # "the six Staffordshire CCGs"
            first = area.start
        count, cursor, past = None, first, False
        for _ in range(6):
            word, begin = self.word_before(cursor)
            number = _number(word)
            if number is not None and word.isdigit() and self._numbers_a_list(begin, word):
                break
            if number is not None:
                count, first = number, begin
                break
            if word == "way":  # "a six-way merger of CCGs"
                previous, previous_begin = self.word_before(begin)
                if _number(previous):
                    count, first = _number(previous), previous_begin
                break
            if word not in COUNT_FILLERS and word not in ("merger", "merge", "merging"):
                break
            past = past or word in PAST_WORDS
            cursor = begin
        last = end
        if area is None:
            link, link_end = self.word_after(end)
            if link in AREA_LINKS:
                after = link_end + 1
                if self.norm.startswith("the ", after):
                    after += 4
                area = area_starting.get(after)
                if area:
                    last = area.end
        codes = _resolve_key(area.key, count, self.on, past) if area else None
        if area is None and count is not None:
            named = self._recently_named(start, count)
            if named:  # "NHS A, NHS B and NHS C CCGs ... The three CCGs": the ones just named
                self.mention(first, last, named, OrgKind.CCG, stated_count=count)
                self.last_group = named
                return
            # "the three local CCGs": the area named nearby, else the group or area this document last counted.
            nearby = _nearest(areas, start, end)
            codes = _resolve_key(nearby.key, count, self.on, past) if nearby else None
            if codes:
                area = nearby
            elif self.last_group and len(self.last_group) == count:
                self.mention(first, last, self.last_group, OrgKind.CCG, stated_count=count)
                return
            else:
                area = nearby or self.last_area
                codes = _resolve_key(area.key, count, self.on, past) if area else None
        if area is None:
            return
        self.last_area = area
        if codes:
            self.last_group = codes
        area_start, area_end = self.span(area.start, area.end)
        self.mention(first, last, codes or (), OrgKind.CCG, area=self.text[area_start:area_end],
                     stated_count=count, resolved=codes is not None)

    def _recently_named(self, start: int, count: int) -> tuple[str, ...] | None:
        """The CCGs named (by name) shortly before `start`, if there are exactly `count` of them."""
        named = self.named  # in text order: names are linked left to right
        if len(self._named_at) != len(named):
            self._named_at = [at for at, _ in named]
        low = bisect.bisect_left(self._named_at, start - RECENT_NAMES_CHARS)
        high = bisect.bisect_left(self._named_at, start)
        codes = tuple(dict.fromkeys(code for _, code in named[low:high]))
        return tuple(sorted(codes)) if len(codes) == count and count >= 2 else None

    # --- abbreviations -----------------------------------------------------------------------------------
    def link_abbreviations(self) -> None:
        defined: dict[str, tuple[OrgMention, int]] = {}
        for mention in self.mentions:
            if mention.area is None and len(mention.codes) == 1:
                match = ABBREVIATION_RE.match(self.text, mention.end)
                if match and match.group(1).upper() not in GENERIC_ABBREVIATIONS:
                    defined.setdefault(match.group(1), (mention, match.end()))
        taken = [(m.start, m.end) for m in self.mentions]
        for abbreviation, (source, defined_at) in defined.items():
            for match in re.finditer(rf"(?<![\w&]){re.escape(abbreviation)}(?![\w&])", self.text):
                if match.start() < defined_at or any(s <= match.start() < e for s, e in taken):
                    continue
                self.mentions.append(OrgMention(match.start(), match.end(), abbreviation, source.codes, source.kind))


def _shrink_spaces(padded: str) -> tuple[str, tuple[list[int], list[int]]]:
    """`padded` with each run of 2+ spaces shrunk to one, and for each run where it sits in the result and the
    spaces removed up to and including it (what `_Linker.original` maps positions back with).

    One regex pass does both: a second pass over the runs would cost as much as the shrinking itself.
    """
    starts: list[int] = []
    removed: list[int] = [0]

    def shrink(run: re.Match) -> str:
        start, end = run.span()
        starts.append(start - removed[-1])  # where the shrunk run sits: less the spaces removed before it
        removed.append(removed[-1] + end - start - 1)
        return " "

    norm = MULTI_SPACE_RE.sub(shrink, padded)
    del removed[0]
    return norm, (starts, removed)


def _partners(org, other) -> bool:
    """Two CCGs that merged into the same body or shared an STP/ICS footprint."""
    if org is None or other is None:
        return False
    same_successor = org.successor is not None and org.successor == other.successor
    return same_successor or (org.footprint_code is not None and org.footprint_code == other.footprint_code)


def _number(token: str) -> int | None:
    if token.isdigit() and len(token) <= 3:
        return int(token)
    return NUMBER_WORDS.get(token)


def _nearest(areas: list[_Hit], start: int, end: int) -> _Hit | None:
    """The last area named within LOOK_BACK_CHARS before `start`, else the first within LOOK_AHEAD_CHARS after."""
    # areas are in text order and never overlap, so their starts and ends rise together
    before = bisect.bisect_right([hit.end for hit in areas], start)
    if before and start - areas[before - 1].end <= LOOK_BACK_CHARS:
        return areas[before - 1]
    after = bisect.bisect_left([hit.start for hit in areas], end)
    if after < len(areas) and areas[after].start - end <= LOOK_AHEAD_CHARS:
        return areas[after]
    return None


def _candidate_sets(index: _Index, key: str, day: dt.date) -> list[tuple[str, ...]]:
    """Ways an area phrase can name a set of CCGs on a day, most specific reading first."""
    register = index.register
    entry = index.entries.get(key)
    sets: list[tuple[str, ...]] = []
    if entry:
        # an area listed with its CCGs ("Hertfordshire") means those, before the wider footprint named after it
        sets.append(tuple(code for code in entry.area_codes if register.get(code).open_on(day)))
        for footprint in entry.footprints:
            sets.append(tuple(org.code for org in register.footprint_members(footprint, day)))
        # The CCGs that merged into a CCG of this name ("the four Cheshire CCGs" → NHS Cheshire CCG).
        for name in entry.names:
            sets.append(tuple(org.code for org in register.predecessors(name.code) if org.open_on(day)))
    pattern = f" {key} "
    open_ccgs = _open_ccgs(day)
    # CCGs whose own name contains the phrase ("the two Warwickshire CCGs").
    sets.append(tuple(code for code, core, _ in open_ccgs if pattern in core))
    # CCGs that merged into CCGs named after the area ("six CCGs in Sussex" → West and East Sussex CCGs).
    sets.append(tuple(code for code, _, successor_core in open_ccgs if pattern in successor_core))
    return [codes for codes in sets if codes]


@functools.lru_cache(maxsize=64)
def _open_ccgs(day: dt.date) -> tuple[tuple[str, str, str], ...]:
    """(code, " core ", successor's " core " or "") of every CCG open on a day."""
    index = _index()
    return tuple(
        (org.code, index.cores[org.code], index.cores.get(org.successor or "", ""))
        for org in index.register.open_on(day, OrgKind.CCG)
    )


def _resolve_key(key: str, count: int | None, on: dt.date | None, past: bool = False) -> tuple[str, ...] | None:
    """Member codes of an area phrase on a date (any snapshot date when undated), checked against count."""
    if on is not None:
        # The register only changes on its change dates: resolve (and cache) per period, not per day.
        changes = _index().change_dates
        period = bisect.bisect_right(changes, on)
        on = changes[period - 1] if period else on
    return _resolve_key_cached(key, count, on, past)


@functools.lru_cache(maxsize=8192)
def _resolve_key_cached(key: str, count: int | None, on: dt.date | None, past: bool) -> tuple[str, ...] | None:
    index = _index()
    if on is None:
        days = list(reversed(index.snapshot_dates))
    else:
        # "the three former CCGs": the text itself says they are gone, so look at the map before `on`.
        earlier = [day for day in reversed(index.snapshot_dates) if day < on] if past else []
        days = [on, *earlier]
    for day in days:
        for codes in _candidate_sets(index, key, day):
            if count is None and (on is not None or len(codes) >= 2):
                return codes
            if count is not None and len(codes) == count:
                return codes
    return None


def resolve_area(area: str, count: int | None, on: dt.date | None) -> tuple[str, ...] | None:
    """Codes of the CCGs an area phrase ("Staffordshire", "Kent and Medway") stood for on `on`, or None."""
    return _resolve_key(normalise_name(area), count, on)


def footprint_for_area(area: str) -> str | None:
    """The STP/ICS footprint code (an ICB's ODS code) that an area phrase names, or None."""
    entry = _index().entries.get(re.sub(r" (?:ics|stp|icb)$", "", name_core(area)))
    return entry.footprints[0] if entry and entry.footprints else None


def link_organisations(text: str, on: dt.date | None) -> list[OrgMention]:
    """Every CCG/ICB mention and area reference in `text`, resolved as of `on` (the document's date)."""
    index = _index()
    padded = f" {fold(text)} "
    norm, runs = _shrink_spaces(padded)
    hits = _hits(index, norm)
    if not hits:
        return []
    linker = _Linker(index, text, on, padded, norm)
    linker._runs = runs
    linker.link_names(hits)
    linker.link_siblings(hits)
    linker.link_codes()
    linker.link_areas(hits)
    linker.link_abbreviations()
    return sorted(linker.mentions, key=operator.attrgetter("start", "end"))
