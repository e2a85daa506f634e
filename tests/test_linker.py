"""What the linker understands: name variants, look-alikes it refuses, area references, ICBs and dates."""

from __future__ import annotations

import datetime as dt

import pytest

from parsers.linker import footprint_for_area, link_organisations, resolve_area
from parsers.vocab import OrgKind

SPRING_2019 = dt.date(2019, 5, 1)
SUMMER_2018 = dt.date(2018, 6, 1)
AUTUMN_2023 = dt.date(2023, 10, 1)

STAFFORDSHIRE_SIX = ("04Y", "05D", "05G", "05Q", "05V", "05W")
COVENTRY_WARWICKSHIRE_THREE = ("05A", "05H", "05R")
KENT_MEDWAY_EIGHT = ("09C", "09E", "09J", "09W", "10A", "10D", "10E", "99J")


def codes_of(text: str, on: dt.date | None) -> list[tuple[str, ...]]:
    return [mention.codes for mention in link_organisations(text, on)]


# (text, date, codes of each mention in order)
NAME_VARIANTS = [
    ("NHS Stoke on Trent CCG", SPRING_2019, [("05W",)]),
    ("NHS Stoke-on-Trent CCG", SPRING_2019, [("05W",)]),
    ("Stoke-on-Trent CCG", SPRING_2019, [("05W",)]),
    ("Stoke on Trent Clinical Commissioning Group", SPRING_2019, [("05W",)]),
    ("NHS Stoke-on-Trent Clinical\nCommissioning Group", SPRING_2019, [("05W",)]),
    ("NHS STOKE ON TRENT CCG", SPRING_2019, [("05W",)]),
    ("stoke-on-trent ccg", SPRING_2019, [("05W",)]),
    ("Stoke-on-Trent CCG's governing body", SPRING_2019, [("05W",)]),
    ("Stoke-on-Trent CCG’s chair", SPRING_2019, [("05W",)]),
    ("NHS Stoke-on-\nTrent CCG", SPRING_2019, [("05W",)]),
    ("NHS North Staffordshire CCG", SPRING_2019, [("05G",)]),
    ("North Staffordshire Clinical Commissioning Group", SPRING_2019, [("05G",)]),
    ("NHS East Staffordshire", SPRING_2019, [("05D",)]),
    ("Cannock Chase CCG", SPRING_2019, [("04Y",)]),
    ("NHS Cannock  Chase   CCG", SPRING_2019, [("04Y",)]),
    ("Stafford and Surrounds CCG", SPRING_2019, [("05V",)]),
    ("Stafford & Surrounds CCG", SPRING_2019, [("05V",)]),
    ("NHS South East Staffordshire and Seisdon Peninsula CCG", SPRING_2019, [("05Q",)]),
    ("South East Staffs and Seisdon Peninsula CCG", SPRING_2019, [("05Q",)]),
    ("South East Staffs & Seisdon and Peninsular CCG", dt.date(2015, 1, 1), [("05Q",)]),
    ("Coventry and Rugby CCG", SPRING_2019, [("05A",)]),
    ("Coventry & Rugby Clinical Commissioning Group", SPRING_2019, [("05A",)]),
    ("NHS Coventry and Rugby", SPRING_2019, [("05A",)]),
    ("Warwickshire North CCG", SPRING_2019, [("05H",)]),
    ("NHS South Warwickshire Clinical Commissioning Group", SPRING_2019, [("05R",)]),
    ("NHS Ashford CCG", SUMMER_2018, [("09C",)]),
    ("Canterbury and Coastal CCG", SUMMER_2018, [("09E",)]),
    ("Canterbury & Coastal Clinical Commissioning Group", SUMMER_2018, [("09E",)]),
    ("NHS Dartford, Gravesham and Swanley CCG", SUMMER_2018, [("09J",)]),
    ("Dartford Gravesham and Swanley CCG", SUMMER_2018, [("09J",)]),
    ("DGS CCG", SUMMER_2018, [("09J",)]),
    ("Medway CCG", SUMMER_2018, [("09W",)]),
    ("NHS Swale CCG", SUMMER_2018, [("10D",)]),
    ("West Kent CCG", SUMMER_2018, [("99J",)]),
    ("NHS Thanet Clinical Commissioning Group", SUMMER_2018, [("10E",)]),
    ("NHS South Kent Coast and NHS Thanet Clinical Commissioning Groups", SUMMER_2018, [("10A",), ("10E",)]),
    ("South Kent Coast and Thanet CCGs", SUMMER_2018, [("10A",), ("10E",)]),
    ("Ashford, Canterbury and Coastal, Swale and Thanet CCGs", SUMMER_2018,
     [("09C",), ("09E",), ("10D",), ("10E",)]),
    ("Eastern Cheshire, South Cheshire, Vale Royal and West Cheshire CCGs", SPRING_2019,
     [("01C",), ("01R",), ("02D",), ("02F",)]),
    ("Eastern Cheshire, South Cheshire, Vale Royal and West Cheshire Clinical Commissioning Groups", SPRING_2019,
     [("01C",), ("01R",), ("02D",), ("02F",)]),
    ("Vale Royal and West Cheshire CCG", SPRING_2019, [("02F",)]),
    ("NHS Vale Royal and NHS West Cheshire CCGs", SPRING_2019, [("02D",), ("02F",)]),
    ("NHS Cheshire CCG", dt.date(2020, 6, 1), [("27D",)]),
    ("NHS Kent and Medway CCG", dt.date(2020, 6, 1), [("91Q",)]),
    ("Kent & Medway CCG", dt.date(2021, 1, 1), [("91Q",)]),
    ("NHS Coventry and Warwickshire CCG", dt.date(2021, 6, 1), [("B2M3M",)]),
    ("NHS Herts Valleys CCG", SPRING_2019, [("06N",)]),
    ("Herts Valleys Clinical Commissioning Group", SPRING_2019, [("06N",)]),
    ("Hull and East Riding CCGs", SPRING_2019, [("03F",), ("02Y",)]),
    ("NHS Northern, Eastern and Western Devon CCG", SUMMER_2018, [("99P",)]),
    ("NEW Devon CCG", SUMMER_2018, [("99P",)]),
    ("NHS Hartlepool and Stockton-on-Tees CCG", SPRING_2019, [("00K",)]),
    ("Hartlepool & Stockton on Tees CCG", SPRING_2019, [("00K",)]),
    ("NHS Heywood, Middleton and Rochdale CCG", SPRING_2019, [("01D",)]),
    ("NHS Bath and North East Somerset CCG", SPRING_2019, [("11E",)]),
    ("Bath & North East Somerset CCG", SPRING_2019, [("11E",)]),
    ("NHS Cumbria CCG", dt.date(2015, 6, 1), [("01H",)]),
    ("NHS North Cumbria CCG", SPRING_2019, [("01H",)]),
    ("NHS Lancashire North CCG", dt.date(2015, 6, 1), [("01K",)]),
    ("Morecambe Bay CCG", SPRING_2019, [("01K",)]),
    ("NHS Castle Point, Rayleigh and Rochford CCG", dt.date(2015, 6, 1), [("99F",)]),
    ("Castle Point and Rochford CCG", SPRING_2019, [("99F",)]),
    ("NHS Central London (Westminster) CCG", SPRING_2019, [("09A",)]),
    ("NHS North & West Reading CCG", dt.date(2017, 6, 1), [("10N",)]),
    ("NHS Birmingham CrossCity CCG", dt.date(2017, 6, 1), [("13P",)]),
    ("NHS Newcastle Gateshead CCG", SPRING_2019, [("13T",)]),
    ("Gateshead CCG", dt.date(2014, 6, 1), [("00F",)]),
    ("NHS Wigan Borough CCG", SPRING_2019, [("02H",)]),
    ("NHS Vale of York CCG", SPRING_2019, [("03Q",)]),
    ("Kernow CCG", SPRING_2019, [("11N",)]),
    ("NHS Dorset Clinical Commissioning Group", SPRING_2019, [("11J",)]),
    ("Stoke on Trent CCG and North Staffordshire CCG", SPRING_2019, [("05W",), ("05G",)]),
    ("North Staffordshire and Stoke-on-Trent CCGs", SPRING_2019, [("05G",), ("05W",)]),
    # A closed CCG named in full is a historical reference, still linked.
    ("the former NHS Barnsley CCG", AUTUMN_2023, [("02P",)]),
    ("NHS Thanet CCG", dt.date(2021, 5, 1), [("10E",)]),
    # Without a date every reading of the name is possible; the register decides nothing by date.
    ("NHS Swale CCG", None, [("10D",)]),
]


@pytest.mark.parametrize("text, on, expected", NAME_VARIANTS)
def test_name_variants_link_to_one_code_each(text: str, on: dt.date | None, expected: list) -> None:
    assert codes_of(text, on) == expected
    assert all(m.kind == OrgKind.CCG and m.resolved for m in link_organisations(text, on))


def test_name_mentions_carry_their_span() -> None:
    text = "Papers from NHS Stoke-on-Trent Clinical\nCommissioning Group were noted."
    [mention] = link_organisations(text, SPRING_2019)
    assert (mention.start, mention.end) == (12, 59)
    assert mention.text == "NHS Stoke-on-Trent Clinical\nCommissioning Group"
    assert text[mention.start:mention.end] == mention.text


NOT_CCGS = [
    "Staffordshire County Council agreed the budget.",
    "Kent Community Health NHS Foundation Trust runs community services.",
    "Medway NHS Foundation Trust was inspected.",
    "North Staffordshire Local Medical Committee wrote to its members.",
    "East Staffordshire Borough Council is the planning authority.",
    "Stoke-on-Trent City Council scrutinises health services.",
    "University Hospitals of North Midlands NHS Trust supported the plan.",
    "Staffordshire and Stoke-on-Trent Partnership NHS Trust provides care.",
    "Cannock Chase Primary Care Network met on Tuesday.",
    "The Thanet Health Community Interest Company opened a clinic.",
    "Stafford and Surrounds Medical Practice is closed on Friday.",
    "Swale Borough Council and Ashford Borough Council",
    "NHS Kent and Medway CCG will be created next year.",  # did not exist in 2018
    "NHS Cheshire CCG would be formed by the merger.",  # did not exist in 2018
    "NHS Coventry and Warwickshire CCG",  # did not exist in 2018
    "the Coventry and Warwickshire Partnership NHS Trust",
    "Gloucestershire Hospitals NHS Foundation Trust and NHS Gloucestershire Hospitals staff",
    "Leeds Teaching Hospitals NHS Trust",
    "NHS Leeds Community Healthcare Trust",
    "Wirral University Teaching Hospital NHS Foundation Trust",
    "Northamptonshire County Council approved plans to outsource services.",
    "The CCG said its members would vote; other CCGs were consulting.",
    "Clinical Commissioning Groups and NHS England share the duty.",
    "GP practices in Rugby, Coventry, Warwickshire North and South Warwickshire",
    "the Kent and Medway Sustainability and Transformation Partnership",
    "Healthy Staffordshire Select Committee",
    "East Kent Hospitals University NHS Foundation Trust",
    "Dorset County Council and Somerset Council",
]


@pytest.mark.parametrize("text", NOT_CCGS)
def test_look_alikes_are_not_ccgs(text: str) -> None:
    assert link_organisations(text, SUMMER_2018) == []


# (text, date, area, stated count, codes)
AREA_REFERENCES = [
    ("the six CCGs in Staffordshire and Stoke-on-Trent", SPRING_2019,
     "Staffordshire and Stoke-on-Trent", 6, STAFFORDSHIRE_SIX),
    ("six clinical commissioning groups in Staffordshire", SPRING_2019, "Staffordshire", 6, STAFFORDSHIRE_SIX),
    ("the six Staffordshire CCGs", SPRING_2019, "Staffordshire", 6, STAFFORDSHIRE_SIX),
    ("a six-way merger of clinical commissioning groups in Staffordshire", SPRING_2019,
     "Staffordshire", 6, STAFFORDSHIRE_SIX),
    ("the Staffordshire Clinical Commissioning Groups (CCGs)", SPRING_2019, "Staffordshire", None,
     STAFFORDSHIRE_SIX),
    ("eight CCGs across Kent and Medway", SUMMER_2018, "Kent and Medway", 8, KENT_MEDWAY_EIGHT),
    ("all 8 CCGs in Kent & Medway", SUMMER_2018, "Kent & Medway", 8, KENT_MEDWAY_EIGHT),
    ("the three CCGs in Coventry and Warwickshire", SPRING_2019, "Coventry and Warwickshire", 3,
     COVENTRY_WARWICKSHIRE_THREE),
    ("the four Cheshire CCGs", SPRING_2019, "Cheshire", 4, ("01C", "01R", "02D", "02F")),
    ("the two Warwickshire CCGs", SPRING_2019, "Warwickshire", 2, ("05H", "05R")),
]


@pytest.mark.parametrize("text, on, area, count, codes", AREA_REFERENCES)
def test_area_references_resolve_to_the_footprint_on_the_date(text, on, area, count, codes) -> None:
    [mention] = link_organisations(text, on)
    assert (mention.area, mention.stated_count, mention.codes, mention.resolved) == (area, count, codes, True)


def test_a_count_that_does_not_fit_is_kept_unresolved() -> None:
    [mention] = link_organisations("the five CCGs in Kent and Medway", SUMMER_2018)
    assert (mention.area, mention.stated_count, mention.codes, mention.resolved) == (
        "Kent and Medway", 5, (), False)


def test_the_same_words_mean_other_ccgs_on_another_date() -> None:
    # Derbyshire had four CCGs until April 2019 and one afterwards.
    [before] = link_organisations("the four CCGs in Derbyshire", SUMMER_2018)
    assert before.codes == ("03X", "03Y", "04J", "04R")
    [after] = link_organisations("the four CCGs in Derbyshire", dt.date(2019, 6, 1))
    assert (after.codes, after.resolved) == ((), False)


def test_local_ccgs_take_the_area_named_nearby() -> None:
    text = ("Commissioning will be planned at a Coventry and Warwickshire level. The governing body "
            "recommended a merger of the three local CCGs.")
    [mention] = link_organisations(text, SPRING_2019)
    assert (mention.text, mention.area, mention.codes) == (
        "three local CCGs", "Coventry and Warwickshire", COVENTRY_WARWICKSHIRE_THREE)


ICB_MENTIONS = [
    ("NHS Kent and Medway Integrated Care Board", AUTUMN_2023, [(("QKS",), OrgKind.ICB)]),
    ("Kent and Medway ICB", AUTUMN_2023, [(("QKS",), OrgKind.ICB)]),
    ("NHS Staffordshire and Stoke-on-Trent ICB", AUTUMN_2023, [(("QNC",), OrgKind.ICB)]),
    ("Frimley ICB", AUTUMN_2023, [(("QNQ",), OrgKind.ICB)]),
    ("NHS Kent and Medway", AUTUMN_2023, [(("QKS",), OrgKind.ICB)]),
    ("Coventry and Warwickshire Integrated Care System", SPRING_2019, [(("QWU",), OrgKind.STP)]),
    ("Frimley Health and Care ICS", SPRING_2019, [(("QNQ",), OrgKind.STP)]),
    ("South Yorkshire and Bassetlaw ICS", SPRING_2019, [(("QF7",), OrgKind.STP)]),
    ("Coventry and Warwickshire ICS", AUTUMN_2023, [(("QWU",), OrgKind.ICB)]),
    # After June 2022 a CCG code after an ICB is a sub-ICB location, not the CCG.
    ("NHS South Yorkshire ICB - 02P", AUTUMN_2023, [(("QF7",), OrgKind.ICB), (("02P",), OrgKind.SUB_ICB)]),
    ("NHS South Yorkshire ICB - 02P", SPRING_2019, [(("QF7",), OrgKind.ICB)]),
    # "NHS Dorset" after the CCG closed is the ICB's own name.
    ("NHS Dorset", AUTUMN_2023, [(("QVV",), OrgKind.ICB)]),
    ("NHS Dorset", SPRING_2019, [(("11J",), OrgKind.CCG)]),
]


@pytest.mark.parametrize("text, on, expected", ICB_MENTIONS)
def test_icbs_and_systems(text: str, on: dt.date, expected: list) -> None:
    assert [(m.codes, m.kind) for m in link_organisations(text, on)] == expected


def test_abbreviations_defined_in_the_text_are_followed() -> None:
    text = ("NHS Stoke-on-Trent Clinical Commissioning Group (SOTCCG) and Cannock Chase CCG (CCCCG) met. "
            "SOTCCG voted first; CCCCG followed. SOTCCGs is not a word.")
    mentions = link_organisations(text, SPRING_2019)
    assert [(m.text, m.codes) for m in mentions] == [
        ("NHS Stoke-on-Trent Clinical Commissioning Group", ("05W",)),
        ("Cannock Chase CCG", ("04Y",)),
        ("SOTCCG", ("05W",)),
        ("CCCCG", ("04Y",)),
    ]


def test_the_generic_abbreviation_ccg_is_not_a_name() -> None:
    text = "Coventry and Rugby Clinical Commissioning Group (CCG) reported. The CCG agreed."
    assert codes_of(text, SPRING_2019) == [("05A",)]


def test_resolve_area_helper() -> None:
    assert resolve_area("Staffordshire", 6, SPRING_2019) == STAFFORDSHIRE_SIX
    assert resolve_area("Staffordshire and Stoke on Trent", None, SPRING_2019) == STAFFORDSHIRE_SIX
    assert resolve_area("Kent and Medway", 8, None) == KENT_MEDWAY_EIGHT
    assert resolve_area("Kent and Medway", 7, SUMMER_2018) is None
    assert resolve_area("Atlantis", None, SUMMER_2018) is None
    assert footprint_for_area("Staffordshire") == "QNC"
    assert footprint_for_area("Kent and Medway ICS") == "QKS"
    assert footprint_for_area("Narnia") is None


# Fixtures below are our own wording; they carry the facts of the project's seed pages.
STAFFORDSHIRE_SCRUTINY = """Decision details

Single strategic commissioner for the county

Decision maker: Healthy Staffordshire Select Committee

Two directors from the Staffordshire Clinical Commissioning Groups (CCGs) presented the plan to replace
the current arrangement with a single strategic commissioning organisation. GP members would weigh the
consultation responses and pass a recommendation to each CCG's governing body; any application to merge
would go to NHS England so that the new body could start in April 2020.

Consultation ran from May until July 2019 and several public meetings were held.

Benefits listed for patients, GPs, commissioners and providers included less duplication, quicker
decisions and care closer to home. Staff would no longer repeat the same work six times over.

The choices were to keep six separate CCGs under one leadership team or to form one new CCG.

Members noted that five of the six CCGs had been rated inadequate by NHS England and asked whether
finance was driving the change. University Hospitals of North Midlands had backed the plan; the STP
had not yet replied. Staffordshire County Council officers attended.

Publication date: 05/09/2019
"""

COVENTRY_AGENDA_ITEM = """Agenda item

Streamlining commissioning under the NHS Long Term Plan

The Board received a report from the chair of Coventry and Rugby Clinical Commissioning Group (CCG).
The Long Term Plan expects every Integrated Care System to have streamlined commissioning, usually one
CCG per system. Coventry and Warwickshire hope to become an ICS by 2021, and most CCG work would move to
four places: Coventry, Warwickshire North, South Warwickshire and Rugby, with the rest done at a Coventry
and Warwickshire level.

The governing body recommended to GP members a merger of the three local CCGs, subject to a full case for
change. GP members asked for two options to be explored: one management team serving the three CCGs, or a
merger of the three CCGs. Members asked what would happen if one CCG opposed the merger.
"""

KENT_QUESTIONS = """Questions about system transformation

There are eight CCGs across Kent and Medway. They already share projects such as the stroke review and
the East Kent hospitals review, and Kent Community Health NHS Foundation Trust is a partner.

A strategic commissioner would let the 8 CCGs commission some things once for the whole county.

All eight CCGs have agreed the proposals. Six of the eight CCGs had approved them by March 2018, and
NHS South Kent Coast and NHS Thanet Clinical Commissioning Groups joined soon after. The STP brings in all
NHS organisations and the Kent and Medway councils.
"""

NEWS_DIGEST = """GPs vote down merger said to be pushed by NHS England

GP members have turned down plans for a six-way merger of clinical commissioning groups in Staffordshire.
The local medical committee had called the benefits speculative. GPs voted against plans to merge six
clinical commissioning groups in Staffordshire; the CCGs share an accountable officer. Paul Scott, chair
of North Staffordshire Local Medical Committee, had urged members to reject a single CCG in Staffordshire.

Sexual health commissioning in local government

Nine case studies show how councils have commissioned sexual health services since April 2013, working
with NHS England and Clinical Commissioning Groups.

Options for integrated commissioning

Around 400 local organisations commission health and social care; a single local commissioner with one
ring-fenced budget is proposed.

Council to outsource almost everything

Northamptonshire County Council will keep 150 of its 4,000 staff and move services to new bodies.

Care Act advocacy at risk

From 1 April 2015 many people are entitled to an independent advocate under the Care Act 2014.
"""

SEED_LIKE = [
    (STAFFORDSHIRE_SCRUTINY, dt.date(2019, 9, 5), STAFFORDSHIRE_SIX),
    (STAFFORDSHIRE_SCRUTINY, None, STAFFORDSHIRE_SIX),
    (COVENTRY_AGENDA_ITEM, dt.date(2019, 6, 1), COVENTRY_WARWICKSHIRE_THREE),
    (COVENTRY_AGENDA_ITEM, None, COVENTRY_WARWICKSHIRE_THREE),
    (KENT_QUESTIONS, SUMMER_2018, KENT_MEDWAY_EIGHT),
    (KENT_QUESTIONS, None, KENT_MEDWAY_EIGHT),
    (NEWS_DIGEST, dt.date(2019, 9, 1), STAFFORDSHIRE_SIX),
    (NEWS_DIGEST, None, STAFFORDSHIRE_SIX),
]


@pytest.mark.parametrize("text, on, expected", SEED_LIKE)
def test_seed_like_pages_resolve_to_their_ccgs_and_nothing_else(text: str, on, expected: tuple) -> None:
    mentions = link_organisations(text, on)
    assert tuple(sorted({code for mention in mentions for code in mention.codes})) == expected
    assert all(mention.resolved for mention in mentions)


def test_scrutiny_page_mentions_in_detail() -> None:
    mentions = link_organisations(STAFFORDSHIRE_SCRUTINY, dt.date(2019, 9, 5))
    assert [(m.text, m.area, m.stated_count) for m in mentions] == [
        ("Staffordshire Clinical Commissioning Groups", "Staffordshire", None),
        ("six separate CCGs", "Staffordshire", 6),
        ("six CCGs", "Staffordshire", 6),
    ]


def test_kent_page_mentions_in_detail() -> None:
    mentions = link_organisations(KENT_QUESTIONS, SUMMER_2018)
    assert [(m.text, m.stated_count, len(m.codes)) for m in mentions] == [
        ("eight CCGs across Kent and Medway", 8, 8),
        ("8 CCGs", 8, 8),
        ("eight CCGs", 8, 8),
        ("eight CCGs", 8, 8),
        ("NHS South Kent Coast", None, 1),
        ("NHS Thanet Clinical Commissioning Groups", None, 1),
    ]


def test_digest_links_only_the_merger_story() -> None:
    mentions = link_organisations(NEWS_DIGEST, None)
    assert [(m.text, m.stated_count) for m in mentions] == [
        ("six-way merger of clinical commissioning groups in Staffordshire", 6),
        ("six\nclinical commissioning groups in Staffordshire", 6),
    ]


def test_the_ccgs_just_named_are_the_ones_counted() -> None:
    text = ("NHS East Surrey CCG proposes to merge with NHS Guildford and Waverley CCG, NHS North West Surrey CCG "
            "and NHS Surrey Downs CCG. The four CCGs hope to start in April 2020.")
    mentions = link_organisations(text, dt.date(2019, 5, 1))
    assert (mentions[-1].text, mentions[-1].codes, mentions[-1].stated_count) == (
        "four CCGs", ("09L", "09N", "09Y", "99H"), 4)


def test_item_numbers_are_not_counts() -> None:
    [mention] = link_organisations("4. South East London CCGs", SPRING_2019)
    assert (mention.stated_count, mention.codes) == (None, ("07N", "07Q", "08A", "08K", "08L", "08Q"))


def test_former_ccgs_are_looked_up_before_the_date() -> None:
    text = "NHS Frimley CCG replaces the three former CCGs in Frimley."
    mentions = link_organisations(text, dt.date(2021, 4, 1))
    assert [(m.text, m.codes) for m in mentions] == [
        ("NHS Frimley CCG", ("D4U1Y",)),
        ("three former CCGs in Frimley", ("10C", "15D", "99M")),
    ]


def test_ccgs_that_merged_into_ccgs_named_after_the_area() -> None:
    # Sussex had seven CCGs in its STP (with East Surrey); six became West Sussex and East Sussex CCGs.
    [mention] = link_organisations("Six clinical commissioning groups in Sussex will become two.", SPRING_2019)
    assert (mention.area, mention.stated_count, mention.codes) == (
        "Sussex", 6, ("09F", "09G", "09H", "09P", "09X", "99K"))


@pytest.mark.parametrize("text, expected", [
    ("", []),
    ("   \n\t ", []),
    ("Café Ñandú — «NHS Thanet CCG» 🙂 and\u00a0NHS  Swale\nCCG.", ["NHS Thanet CCG", "NHS  Swale\nCCG"]),
])
def test_spans_survive_unicode_and_odd_spacing(text: str, expected: list[str]) -> None:
    mentions = link_organisations(text, SUMMER_2018)
    assert [m.text for m in mentions] == expected
    assert all(text[m.start:m.end] == m.text for m in mentions)


@pytest.mark.parametrize("text, codes, area", [
    ("NHS Norfolk and Suffolk Integrated Care Board was established", ("QMM", "QJG"), "Norfolk and Suffolk"),
    ("Essex ICB will start in April", ("QH8", "QM7", "QJG"), "Essex"),
    ("NHS North West and North Central London ICB", ("QMJ", "QRV"), "North West and North Central London"),
])
def test_announced_icbs_without_a_code_stand_for_the_icbs_forming_them(text: str, codes: tuple, area: str) -> None:
    [mention] = link_organisations(text, dt.date(2026, 5, 1))
    assert (mention.codes, mention.kind, mention.area) == (codes, OrgKind.ICB, area)


def test_a_county_council_is_not_an_announced_icb() -> None:
    assert link_organisations("Essex County Council and Norfolk County Council", dt.date(2026, 5, 1)) == []


# --- Names the text makes CCGs without "CCG" beside them (lists, headings, partners named by place) ---------
AUTUMN_2017 = dt.date(2017, 10, 1)
AUTUMN_2020 = dt.date(2020, 10, 1)
AUTUMN_2025 = dt.date(2025, 10, 1)
EAST_BERKSHIRE = [("Slough", ("10T",)), ("Windsor, Ascot and Maidenhead", ("11C",)), ("Bracknell and Ascot", ("10G",))]

# (text, date, [(mention text, codes)] in text order)
NAMES_IN_CONTEXT = [
    ("Bracknell and Ascot CCG is to combine with its neighbours in Slough and in Windsor, Ascot and Maidenhead.",
     AUTUMN_2017, [("Bracknell and Ascot CCG", ("10G",)), ("Slough", ("10T",)),
                   ("Windsor, Ascot and Maidenhead", ("11C",))]),
    ("A single board will replace the CCGs for Slough, Windsor Ascot and Maidenhead, and Bracknell and Ascot.",
     AUTUMN_2017, [("Slough", ("10T",)), ("Windsor Ascot and Maidenhead", ("11C",)),
                   ("Bracknell and Ascot", ("10G",))]),
    ("Slough CCG, together with Windsor, Ascot and Maidenhead and Bracknell and Ascot, has applied to merge.",
     AUTUMN_2017, [("Slough CCG", ("10T",)), *EAST_BERKSHIRE[1:]]),
    ("Member CCGs: Slough; Windsor, Ascot and Maidenhead; Bracknell and Ascot", AUTUMN_2017, EAST_BERKSHIRE),
    ("Member CCGs\n\u2022 Slough\n\u2022 Windsor, Ascot & Maidenhead\n\u2022 Bracknell & Ascot\n", AUTUMN_2017,
     [("Slough", ("10T",)), ("Windsor, Ascot & Maidenhead", ("11C",)), ("Bracknell & Ascot", ("10G",))]),
    ("Member CCGs\n- Slough\n- Windsor, Ascot and Maidenhead\n- Bracknell and Ascot", AUTUMN_2017, EAST_BERKSHIRE),
    ("Clinical commissioning groups taking part: Slough / Bracknell and Ascot / WAM", AUTUMN_2017,
     [("Slough", ("10T",)), ("Bracknell and Ascot", ("10G",)), ("WAM", ("11C",))]),
    ("Slough / Bracknell and Ascot / WAM CCGs", AUTUMN_2017,
     [("Slough", ("10T",)), ("Bracknell and Ascot", ("10G",)), ("WAM CCGs", ("11C",))]),
    ("Thanet's CCG and the CCG for Swale backed the plan.", SUMMER_2018,
     [("Thanet's CCG", ("10E",)), ("Swale", ("10D",))]),
    ("Swale and Thanet CCGs backed the plan.", SUMMER_2018, [("Swale", ("10D",)), ("Thanet CCGs", ("10E",))]),
    ("NHS Kent & Medway CCG was formed in April 2020.", dt.date(2020, 6, 1), [("NHS Kent & Medway CCG", ("91Q",))]),
    ("NHS Ashford CCG (09C) and Swale (10D) signed the letter.", SUMMER_2018,
     [("NHS Ashford CCG", ("09C",)), ("Swale", ("10D",))]),
    ("Papers were sent to Swale (10D) and Dartford, Gravesham & Swanley (09J).", SUMMER_2018,
     [("Swale (10D)", ("10D",)), ("Dartford, Gravesham & Swanley (09J)", ("09J",))]),
    ("The merger of Herts Valleys and East and North Hertfordshire CCGs was turned down.", AUTUMN_2020,
     [("Herts Valleys", ("06N",)), ("East and North Hertfordshire CCGs", ("06K",))]),
    ("Stoke and North Staffordshire CCGs share a chief officer.", SPRING_2019,
     [("Stoke", ("05W",)), ("North Staffordshire CCGs", ("05G",))]),
    ("NHS Dudley CCG will not join the CCGs in Walsall, Wolverhampton and Sandwell and West Birmingham.",
     AUTUMN_2020, [("NHS Dudley CCG", ("05C",)), ("Walsall", ("05Y",)), ("Wolverhampton", ("06A",)),
                   ("Sandwell and West Birmingham", ("05L",))]),
    ("The governing bodies of the East Berkshire CCGs (Slough, Bracknell and Ascot, and WAM) agreed.", AUTUMN_2017,
     [("East Berkshire CCGs", ("10G", "10T", "11C")), ("Slough", ("10T",)), ("Bracknell and Ascot", ("10G",)),
      ("WAM", ("11C",))]),
]


@pytest.mark.parametrize("text, on, expected", NAMES_IN_CONTEXT)
def test_names_the_context_makes_ccgs(text: str, on: dt.date, expected: list) -> None:
    assert [(m.text, m.codes) for m in link_organisations(text, on)] == expected


# Bare place names near CCG words that are still places, councils or buildings: (text, date, codes linked).
PLACES_NEAR_CCGS = [
    ("Slough Borough Council said the Slough area needs more GPs.", AUTUMN_2017, []),
    ("NHS Slough CCG said patients use hospitals in Windsor and Maidenhead.", AUTUMN_2017, [("10T",)]),
    ("Slough CCG met. Windsor, Ascot and Maidenhead was discussed in another item.", AUTUMN_2017, [("10T",)]),
    ("Slough CCG is in Berkshire; the Royal Borough of Windsor and Maidenhead agreed.", AUTUMN_2017, [("10T",)]),
    ("NHS Frimley CCG said practices in Slough would keep their contracts.", dt.date(2021, 6, 1), [("D4U1Y",)]),
    ("NHS Ashford CCG met at Ashford Borough Council offices in Swale House.", SUMMER_2018, [("09C",)]),
    ("Walsall Healthcare NHS Trust and Dudley CCG", AUTUMN_2020, [("05C",)]),
    ("The CCGs in Kent and Medway said Swale Borough Council and Thanet District Council were consulted.",
     SUMMER_2018, [KENT_MEDWAY_EIGHT]),
    ("Bassetlaw CCG stays out because its patients use hospitals in Doncaster and Sheffield.", SPRING_2019,
     [("02Q",)]),
    ("The Slough practice merged with a Windsor surgery.", AUTUMN_2017, []),
    ("Member practices: Slough; Windsor; Ascot", AUTUMN_2017, []),
    ("Clinical commissioning groups and Slough Borough Council", AUTUMN_2017, []),
    ("Frimley Health NHS Foundation Trust runs Wexham Park Hospital in Slough.", AUTUMN_2025, []),
    ("Hospital mergers in Hampshire were approved.", AUTUMN_2020, []),
    ("Lincolnshire County Council and Nottinghamshire County Council integrated care boards", AUTUMN_2025, []),
]


@pytest.mark.parametrize("text, on, expected", PLACES_NEAR_CCGS)
def test_places_near_ccg_words_stay_places(text: str, on: dt.date, expected: list) -> None:
    assert codes_of(text, on) == expected


# Boards listed before one plural suffix; "and" inside names is segmented by the register's own names.
ICB_LISTS = [
    ("Derby and Derbyshire, Nottingham and Nottinghamshire and Lincolnshire integrated care boards will cluster.",
     [("QJ2",), ("QT1",), ("QJM",)]),
    ("the Norfolk and Waveney and Suffolk and North East Essex ICBs", [("QMM",), ("QJG",)]),
    ("Herefordshire and Worcestershire and Coventry and Warwickshire ICBs", [("QGH",), ("QWU",)]),
    ("NHS Kent and Medway and NHS Sussex integrated care boards", [("QKS",), ("QNX",)]),
    ("Herefordshire & Worcestershire and Coventry & Warwickshire ICBs", [("QGH",), ("QWU",)]),
]


@pytest.mark.parametrize("text, expected", ICB_LISTS)
def test_icb_lists_sharing_a_plural_suffix(text: str, expected: list) -> None:
    mentions = link_organisations(text, AUTUMN_2025)
    assert [m.codes for m in mentions] == expected
    assert all(m.kind == OrgKind.ICB for m in mentions)


# (text, date, [(area, codes)]) — groupings given only by their area or footprint.
AREA_GROUPINGS = [
    # the CCGs that merged (Portsmouth, in the same footprint, stayed out), before and after the day
    ("CCG mergers in Hampshire, the Black Country and north-west London were approved.", AUTUMN_2020,
     [("Hampshire", ("10J", "10K", "10L", "10V", "10X", "11A")),
      ("Black Country", ("05C", "05L", "05Y", "06A")),
      ("north-west London", ("07P", "07W", "07Y", "08C", "08E", "08G", "08Y", "09A"))]),
    ("The CCG mergers in Hampshire and the Black Country took effect this month.", dt.date(2021, 4, 20),
     [("Hampshire", ("10J", "10K", "10L", "10V", "10X", "11A")),
      ("Black Country", ("05C", "05L", "05Y", "06A"))]),
    # years before any merger there: every CCG of the footprint
    ("Talk of CCG mergers in Hampshire grew.", dt.date(2017, 6, 1),
     [("Hampshire", ("10J", "10K", "10L", "10R", "10V", "10X", "11A"))]),
    ("Clinical commissioning group mergers across north central London and south west London", SPRING_2019,
     [("north central London", ("07M", "07R", "07X", "08D", "08H")),
      ("south west London", ("07V", "08J", "08P", "08R", "08T", "08X"))]),
    ("the Black Country CCGs", AUTUMN_2020, [("Black Country", ("05C", "05L", "05Y", "06A"))]),
    ("the four CCGs in the Black Country and West Birmingham", AUTUMN_2020,
     [("the Black Country and West Birmingham", ("05C", "05L", "05Y", "06A"))]),
    ("south west London's six CCGs", SPRING_2019,
     [("south west London", ("07V", "08J", "08P", "08R", "08T", "08X"))]),
    ("all CCGs in NW London", AUTUMN_2020,
     [("NW London", ("07P", "07W", "07Y", "08C", "08E", "08G", "08Y", "09A"))]),
    ("CCGs across North Central London", SPRING_2019, [("North Central London", ("07M", "07R", "07X", "08D", "08H"))]),
]


@pytest.mark.parametrize("text, on, expected", AREA_GROUPINGS)
def test_groupings_named_by_area(text: str, on: dt.date, expected: list) -> None:
    assert [(m.area, m.codes) for m in link_organisations(text, on)] == expected


BOUNDARY_CHANGES = [
    (("Slough is now served by NHS Buckinghamshire, Oxfordshire and Berkshire West ICB, having previously been "
     "served by NHS Frimley ICB."), [("QU9",), ("QNQ",)]),
    ("NHS Frimley Integrated Care Board took over from Frimley Health and Care ICS", [("QNQ",), ("QNQ",)]),
    ("Frimley ICB hands part of its area to its neighbour", [("QNQ",)]),
]


@pytest.mark.parametrize("text, expected", BOUNDARY_CHANGES)
def test_boards_in_boundary_changes(text: str, expected: list) -> None:
    assert codes_of(text, AUTUMN_2025) == expected


# Areas that are not a footprint mean the CCGs covering them; short county forms name CCGs.
@pytest.mark.parametrize("text, codes", [
    ("the two CCGs in Hertfordshire", ("06K", "06N")),
    ("the Hertfordshire CCGs", ("06K", "06N")),
    ("Herts CCGs", ("06K", "06N")),
    ("the three CCGs in Hertfordshire and West Essex", ("06K", "06N", "07H")),
])
def test_areas_listed_with_their_ccgs(text: str, codes: tuple) -> None:
    [mention] = link_organisations(text, AUTUMN_2020)
    assert (mention.codes, mention.resolved) == (codes, True)


@pytest.mark.parametrize("text, expected", [
    ("North Staffs CCG and East Staffs CCG", [("05G",), ("05D",)]),
    ("East and North Herts CCG", [("06K",)]),
    ("Herts Valley CCG", [("06N",)]),
    ("North Warwickshire CCG", [("05H",)]),
    ("North Staffs Local Medical Committee", []),
    ("East Staffs Borough Council", []),
    ("Hertfordshire County Council", []),
])
def test_short_county_forms(text: str, expected: list) -> None:
    assert codes_of(text, SPRING_2019) == expected


@pytest.mark.parametrize("text, expected", [
    # history told after the merger: closed CCGs beside the CCG they merged into, or after "the CCGs for"
    (("NHS East Berkshire CCG was formed in 2018 when Slough merged with Bracknell and Ascot and Windsor, Ascot "
     "and Maidenhead."), [("15D",), ("10T",), ("10G",), ("11C",)]),
    ("the former CCGs for Slough, Windsor, Ascot and Maidenhead and Bracknell and Ascot", [("10T",), ("11C",), ("10G",)]),
    # the successor beside a council of the same name: still a place
    ("NHS East Berkshire CCG said Slough Borough Council agreed.", [("15D",)]),
])
def test_closed_ccgs_in_retrospective_text(text: str, expected: list) -> None:
    assert codes_of(text, AUTUMN_2020) == expected


def test_a_closed_ccg_beside_a_later_successor_is_a_place() -> None:
    # Slough CCG merged into East Berkshire, which later merged into Frimley: two steps away, a place.
    assert codes_of("NHS Frimley CCG said practices in Slough would stay open.", dt.date(2021, 6, 1)) == [("D4U1Y",)]
