"""Pull merger facts out of a page: relevance, groupings of CCGs/ICBs, dated events with evidence, and status."""

from __future__ import annotations

import datetime as dt
import re

from parsers.dates import find_dates, page_date_value
from parsers.events import Cue, classify, clauses
from parsers.groupings import (
    ALL_GROUPINGS,
    LIST_ITEM,
    LOOKING_AHEAD,
    Reading,
    borrow_members,
    merge_drafts,
    most_common,
    place_members,
    read_groupings,
    read_names_and_targets,
    sentence_codes,
    successor_from_members,
)
from parsers.linker import link_organisations
from parsers.model import DateMention, Event, Extraction, Grouping, PageText
from parsers.register import Register, load_register, name_core
from parsers.relevance import EXPLICIT, about_other_merger, is_merger_sentence, mentions_commissioner
from parsers.sentences import Sentence, split_sentences
from parsers.status import grouping_status
from parsers.vocab import EventType, Outcome, Status
from parsers.votes import read_vote

_LABELLED_MEETING = re.compile(r"^(?:Decided at meeting|Meeting of|Date of decision|Date of meeting|Meeting date|Meeting|Held on"
                               r"|Date and time(?: of meeting)?)\s*:\s*|^Meeting of\b",
                               re.IGNORECASE)
_HELD_MEETING = re.compile(r"\bmeeting (?:held )?(?:in public |in common |virtually )?on\b|\b(?:meeting|held) in public on\b"
                           r"|^Meeting held\b|\bmeeting held\b.{0,30}?\bon\b",
                           re.IGNORECASE)
_SAME_MONTH = re.compile(r"\b(?:later|earlier) (?:that|the same) month\b|\bthe same month\b|\bthat same month\b",
                         re.IGNORECASE)
_SHARED_STEP = re.compile(r"\binto (?:two|three|four)\b|\ball (?:\w+ )?(?:merging )?(?:CCGs|ICBs)\b|\bboth\b|\beach\b",
                          re.IGNORECASE)
# The meeting a set of minutes or a paper belongs to: "Minutes of the meeting held on 18 July 2019".
_MINUTES_HEADER = re.compile(r"\bminutes of the meeting\b|\bmeeting held\b|\bboard meeting\b|\bmeeting in public\b|^(?:meeting )?held (?:virtually |remotely |in public )?on\b",
                             re.IGNORECASE)
_DECISIONS = (EventType.GOVERNING_BODY_DECISION, EventType.WITHDRAWAL, EventType.DEFERRAL, EventType.APPROVAL,
              EventType.REJECTION, EventType.APPLICATION)
# Said outright of commissioners, with no council, support unit, trust or practice in the sentence.
_OUTRIGHT = re.compile(
    r"\b(?:CCGs|ICBs|clinical commissioning groups|integrated care boards)\b(?:\W+\w+){0,10}?\W+(?:merg|amalgamat|combin"
    r"|(?:come|coming|came) together|become one|form (?:a single|one)|create (?:a single|one)|cluster|unit[ei]|unif)"
    r"|\b(?:merg|amalgamat)\w*(?:\W+\w+){0,4}?\W+(?:CCGs|ICBs|clinical commissioning groups|integrated care boards)\b"
    r"|\b(?:single|one|new|merged) (?:CCG|ICB)\b", re.IGNORECASE)
# Organisations told only by number: "both organisations", "the two bodies".
_COUNTED = re.compile(r"\b(?:both|the (?:two|three|four|five|six|seven|eight|nine|\d{1,2}))\s+(?:of (?:the|our) )?"
                      r"(?:organisations|bodies|boards|groups)\b", re.IGNORECASE)
_OTHER_BODIES = re.compile(r"\bcouncils?\b|\bCSUs?\b|support units?|\btrusts?\b|\bpractices?\b|\bhospitals?\b",
                           re.IGNORECASE)
_BOARD_PAPER = re.compile(r"\bgoverning bod(?:y|ies)\b|\bin common\b|\bCCGs?\b|\bICBs?\b|\bIntegrated Care Board\b"
                          r"|\bboard meeting\b", re.IGNORECASE)
_COUNCIL_PAGE = re.compile(r"\bCouncillors?\b|\bCllr\b|\bScrutiny\b|\bSelect Committee\b|\bHealth and Wellbeing Board\b"
                           r"|\bCounty Council\b|\bBorough Council\b|\bCity Council\b|\bDistrict Council\b")
_GP_VOTERS = re.compile(r"\bGPs?\b|\bpractices?\b|\bmemberships?\b|\bLMC\b|\bCCG members\b|\bmembers of (?:the|each|both|all) "
                        r"(?:\w+ )?CCGs?\b|\bmember(?:s|ship)? (?:of|in|across) (?:the |each |both |all )?(?:\w+ )*?CCGs?\b",
                        re.IGNORECASE)
# A heading naming the body that met: "Health Scrutiny Committee – 16 July 2019", "Governing Body, Tuesday 3 March 2020".
_MEETING_HEADING = re.compile(r"^(?!.*\b(?:will|would|has|have|had|was|were|is|are|to)\b).*"
                              r"\b(?:minutes|committee|(?<!care )board|governing bod(?:y|ies)|cabinet|panel|meeting|agenda)\b",
                              re.IGNORECASE)
# A sentence telling a meeting: "the governing bodies met in common on 4 March", "at the meeting on 4 March".
_MET = re.compile(r"\bmet\b|\bmeetings? (?:in common |in public |held )?on\b|\bat (?:its|their|a|the) (?:\w+ )?meeting\b",
                  re.IGNORECASE)
# A line that is only a date, perhaps with a weekday or a time: a heading for the steps told under it.
_DATE_LINE = re.compile(r"^\W*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+,?\s+"
                        r"\d{4}\W*$|^\W*\d{1,2}[./]\d{1,2}[./]\d{2,4}\W*$")
_SECTION_DATED = (EventType.GOVERNING_BODY_DECISION, EventType.MEMBER_VOTE)
# Earlier minutes approved at this meeting name an earlier meeting, not this one.
_PREVIOUS_MINUTES = re.compile(r"\bminutes of (?:the )?(?:previous |last |earlier )?meetings?\b.{0,60}?\b(?:were|was|be|are)\s+"
                               r"(?:\w+\s+)?(?:agreed|approved|confirmed|accepted|signed|noted)\b|\b(?:accurate|true|correct) record\b"
                               r"|\bprevious meeting\b|\bmatters arising\b", re.IGNORECASE)
_BOILERPLATE = re.compile(r"^[ \t#*]*(?:notes? (?:to|for) (?:editors?|news ?desks?)|editor[’']?s notes?|about us|about (?:NHS|the) "
                          r"[^\n]{0,60}?(?:CCG|ICB|Integrated Care Board|Clinical Commissioning Group)s?|ends)[ \t]*:?[ \t]*$",
                          re.IGNORECASE | re.MULTILINE)
_CLOSES = re.compile(r"\b(?:vot\w*|ballot|poll)\s+(?:\w+\s+)?(?:clos|end)\w*", re.IGNORECASE)
_RESOLUTION = re.compile(r"\s*(?:it was\s+)?(?:resolved|agreed|decided)\b", re.IGNORECASE)
_DECISION_TOLD = re.compile(r"^(?:The|This|That|Their|Its) (decision|vote|ballot|resolution)\b[^.]{0,40}?\b(?:taken|made|held|"
                            r"reached|agreed|passed)\b", re.IGNORECASE)


_SETBACK_TARGET = re.compile(r"\b(?:merge|merging|until|till|to|go live|launch|take effect)\s+(?:in\s+|on\s+|from\s+)?"
                             r"(?:the\s+)?$", re.IGNORECASE)
_AND = re.compile(r"\band\b")


def _assign_dates(cues: list[Cue], sentence: Sentence, dates: list[DateMention], target: str | None) -> list[str | None]:
    """Give each step in a sentence the date nearest its trigger words; a date serves one step only."""
    assigned: list[str | None] = [None] * len(cues)
    if not cues or not dates:
        return assigned
    usable: list[tuple[DateMention, str]] = []
    for mention in dates:
        local = mention.start - sentence.start
        lead = sentence.text[max(0, local - 30):local]
        # "by March 2018" dates a decision already taken; "by April 2020" in a plan is a deadline or a target.
        ahead = LOOKING_AHEAD.search(sentence.text) is not None
        lead_words = r"from|by|until|commenc\w*(?: in)?|effective|before|deadline of|target(?: date)? of|to merge" if ahead \
            else r"from|until|commenc\w*(?: in)?|effective|before|deadline of|target(?: date)? of|to merge"
        targetish = bool(re.search(rf"\b(?:{lead_words})\s+(?:the\s+)?$", lead, re.IGNORECASE)) or mention.date.value == target
        if re.search(r"\bpublished (?:in|on)\s+$", lead, re.IGNORECASE):
            continue  # "the blueprint published in May 2025" dates a document, not a step
        deadline = bool(re.search(r"\b(?:by|before)\s+(?:\d{1,2}(?:\.\d\d)?\s*[ap]m\s+on\s+)?(?:the\s+)?$", lead, re.IGNORECASE))
        usable.append((mention, ("deadline" if deadline else "target") if targetish else ""))
    owners: dict[int, list[tuple[int, DateMention]]] = {}
    spans = clauses(sentence.text)

    def clause_of(position: int) -> int:
        return next((n for n, (begin, end) in enumerate(spans) if begin <= position <= end), -1)

    consulting = (EventType.CONSULTATION_START, EventType.CONSULTATION_END, EventType.PUBLIC_MEETING)
    for mention, kind in usable:
        local = mention.start - sentence.start
        best, best_distance = None, None
        setback_target = bool(_SETBACK_TARGET.search(sentence.text, max(0, local - 30), local))
        for number, cue in enumerate(cues):
            if setback_target and cue.type in (EventType.DEFERRAL, EventType.WITHDRAWAL):
                continue  # "put back until April 2021", "had hoped to merge in April 2020": the plan's dates, not the setback's
            takes_target = cue.type is EventType.EFFECTIVE or (cue.type is EventType.CONSULTATION_END)
            # "practices must vote by 13 September": a vote's closing day is its date.
            takes_deadline = takes_target or cue.type is EventType.MEMBER_VOTE
            if (kind == "target" and not takes_target) or (kind == "deadline" and not takes_deadline):
                continue
            if mention.range_end is not None and cue.type not in consulting:
                continue  # "from March to May" is a period of engagement, not the day of a decision
            if cue.start <= local < cue.end:
                distance = 0
            elif local >= cue.end:
                distance = local - cue.end  # "voted in favour in September": a date after its verb binds closest
            else:
                distance = cue.start - (mention.end - sentence.start) + 15
                if _AND.search(sentence.text, mention.end - sentence.start, cue.start):
                    distance += 40  # "voted in favour in June and the CCGs applied": June is the vote's
            if clause_of(local) != clause_of(cue.start):
                distance += 60  # a date in another clause belongs to that clause's step
            if best_distance is None or distance < best_distance:
                best, best_distance = number, distance
        if best is not None:
            owners.setdefault(best, []).append((best_distance or 0, mention))
    for number, cue in enumerate(cues):
        mine = owners.get(number)
        if cue.type is EventType.CONSULTATION_END:
            ranged = [d for d in dates if d.range_end is not None]
            if ranged:
                assigned[number] = ranged[-1].range_end.value
                continue
        if cue.type is EventType.CONSULTATION_START:
            ranged = [d for d in dates if d.range_end is not None]
            if ranged:
                assigned[number] = ranged[0].date.value
                continue
        if mine:
            assigned[number] = min(mine, key=lambda pair: pair[0])[1].date.value
    return assigned


def _local_member(sentence: str, grouping: Grouping, register: Register, on: dt.date | None) -> str | None:
    """The one member a per-CCG result is about: "In Wolverhampton, 35% of practices voted in favour"."""
    text = re.sub(r"[-–]", " ", sentence.lower().replace("&", "and"))
    found: dict[str, str] = {}
    for code in grouping.members:
        org = register.get(code)
        core = name_core(org.name) if org else ""
        if core and re.search(rf"\b{re.escape(core)}\b", text):
            found[core] = code
    # "South East Staffordshire and Seisdon Peninsula" also contains "East Staffordshire": the longer name wins;
    # but a sentence naming several members ("70% in Bedfordshire, 61% in Luton") is not one member's result.
    named = [code for core, code in found.items() if not any(core != other and core in other for other in found)]
    return named[0] if len(named) == 1 else None


def extract(page: PageText) -> Extraction:
    """Everything the page says about CCG/ICB mergers, as groupings and events with their evidence sentences."""
    text = page.text
    boilerplate = _BOILERPLATE.search(text)
    if boilerplate and boilerplate.start() > 200:
        # "Notes to editors" and "About us" restate standing facts ("the ICB was established on 1 July 2022"),
        # not news of this merger.
        text = text[:boilerplate.start()]
    if page.title and not text.startswith(page.title):
        text = f"{page.title}\n{text}"
    sentences = split_sentences(text)
    if not sentences:
        return Extraction(relevant=False)
    published = page_date_value(page.published)
    reading = Reading(text, published, sentences, find_dates(text, page.published), link_organisations(text, published))
    named = [mentions_commissioner(sentence.text) for sentence in sentences]
    other_story = about_other_merger(page.title, [s.text for s in sentences[:8]])
    for index, sentence in enumerate(sentences):
        # A commissioner named in the last few sentences still frames "They propose to merge"; one named just
        # after frames "The two organisations will merge", which points ahead to them.
        recent = any(named[max(0, index - 3):index]) or (
            bool(_COUNTED.search(sentence.text)) and any(named[index + 1:index + 3]))
        merger = is_merger_sentence(sentence.text, recent, named[index])
        # On a page about a hospital or practice merger, only an outright commissioner merger counts.
        reading.merger.append(merger and (not other_story or bool(EXPLICIT.search(sentence.text))))
    if not any(reading.merger):
        return Extraction(relevant=False)
    reading.in_context = [False] * len(sentences)
    reading.group = [None] * len(sentences)
    drafts = read_groupings(reading)
    register = load_register()
    for draft in drafts:
        if not draft.codes and draft.loose:
            draft.absorb(draft.loose)
        if not draft.codes:
            borrow_members(draft, reading)
    drafts = merge_drafts(drafts, reading)
    for draft in drafts:
        place_members(reading, draft, register)
        successor_from_members(draft, register)
    read_names_and_targets(reading, drafts)

    groupings: list[Grouping] = []
    kept: dict[int, int] = {}
    for number, draft in enumerate(drafts):
        if not draft.codes and not draft.stated:
            continue
        kept[number] = len(groupings)
        names = [register.get(code).name if register.get(code) else code for code in draft.codes]
        stated = most_common(draft.stated)
        if stated is None and len(draft.codes) in draft.context_stated:
            stated = len(draft.codes)
        area = max(dict.fromkeys(draft.areas), key=lambda a: (draft.areas.count(a), len(a))) if draft.areas else None
        if area is None and draft.successor:
            # The new body's name says the area: "NHS Black Country and West Birmingham CCG".
            area = re.sub(r"^NHS\s+|\s+(?:CCG|ICB)$", "", draft.successor) or None
        groupings.append(Grouping(members=list(draft.codes), member_names=names, n_members_stated=stated, area=area,
                                  successor_name=draft.successor, target_date=draft.target))
    if not groupings:
        # The page speaks of merging commissioners but names none we can resolve: still about a merger.
        outright = any(page_merger and _OUTRIGHT.search(sentence.text) and not _OTHER_BODIES.search(sentence.text)
                       for page_merger, sentence in zip(reading.merger, sentences, strict=True))
        return Extraction(relevant=outright)
    events, hints = _read_events(reading, groupings, kept, register)
    for number, grouping in enumerate(groupings):
        effective = [e.date for e in events if e.grouping == number and e.type is EventType.EFFECTIVE and e.date
                     and len(e.date) > 4]
        if grouping.target_date is None and effective:
            grouping.target_date = effective[0]  # the day it took (or is fixed to take) effect
        status = grouping_status([e for e in events if e.grouping == number], hints)
        # A grouping is only read from a sentence about merging, so with no steps told it is at least proposed.
        grouping.status = Status.PROPOSED if status is Status.UNKNOWN else status
    return Extraction(relevant=True, groupings=groupings, events=events)


def _page_meeting_date(page: Reading) -> str | None:
    """The date of the governing body meeting a paper or its minutes record ("Meeting held in public on 25 September").

    Only the commissioners' own papers: a council committee's minutes date the committee's meeting, not a decision
    the governing bodies took elsewhere.
    """
    heading = " ".join(sentence.text for sentence in page.sentences[:4])
    if not _BOARD_PAPER.search(heading):
        return None
    for index, sentence in enumerate(page.sentences[:12]):
        days = [d for d in page.dates_in(sentence) if d.date.precision == "day"]
        if not days or _PREVIOUS_MINUTES.search(sentence.text) or days[0].start == sentence.start:
            continue
        if _HELD_MEETING.search(sentence.text) or _LABELLED_MEETING.match(sentence.text) or (
                index < 3 and len(sentence.text) < 160 and _MEETING_HEADING.search(sentence.text)):
            return days[0].date.value
    return None


def _met_earlier(page: Reading, index: int) -> str | None:
    """The day of a meeting told a few sentences back: "On 4 March the governing bodies met in common. ... They agreed"."""
    for earlier in reversed(page.sentences[max(0, index - 3):index]):
        days = [d for d in page.dates_in(earlier) if d.date.precision == "day"]
        if len(days) == 1 and _MET.search(earlier.text) and not _PREVIOUS_MINUTES.search(earlier.text):
            return days[0].date.value
    return None


def _read_events(page: Reading, groupings: list[Grouping], kept: dict[int, int],
                 register: Register) -> tuple[list[Event], dict[int, str]]:
    events: list[Event] = []
    hints: dict[int, str] = {}
    vote_dates: list[tuple[int, str]] = []
    decision_dates: list[tuple[int, EventType, str]] = []
    meeting_day = _page_meeting_date(page)
    council = bool(_COUNCIL_PAGE.search(page.text))
    list_heads = _list_heads(page, kept)
    last_dated: str | None = None
    section_day: str | None = None
    list_kinds: list[EventType] = []
    threshold: float | None = None
    first_group = min(kept)
    for index, sentence in enumerate(page.sentences):
        group = page.group[index]
        own_dates = page.dates_in(sentence)
        before = page.sentences[index - 1] if index else None
        before_days = [d for d in page.dates_in(before) if d.date.precision == "day"] if before else []
        met_before = before_days[0].date.value if len(before_days) == 1 and re.search(
            r"\bmeeting\b|\bmet\b", before.text, re.IGNORECASE) else None
        if before_days and len(before_days) == 1 and _DATE_LINE.match(before.text) and index > 1 and (
                page.published is None or before_days[0].date.value != page.published.isoformat()):
            # A line that is only a date ("Thursday 12 September 2019") heads what follows it, unless it is the
            # page's own byline.
            section_day = before_days[0].date.value
        if index and page.dates_in(page.sentences[index - 1]):
            last_dated = page.dates_in(page.sentences[index - 1])[-1].date.value
        row = bool(own_dates) and own_dates[0].start == sentence.start  # "04.03.2019 Governing body approves ..."
        heading = index < 12 and not row and (_MINUTES_HEADER.search(sentence.text) or (
            index < 3 and len(sentence.text) < 160 and _MEETING_HEADING.search(sentence.text)))
        labelled = (_LABELLED_MEETING.match(sentence.text) or heading) and not _PREVIOUS_MINUTES.search(
            sentence.text) and [d for d in own_dates if d.date.precision == "day"]
        if labelled and group is None:
            group = first_group
        if group is None or group not in kept:
            continue
        number = kept[group]
        grouping = groupings[number]
        targets = [number]
        if index in list_heads and len(list_heads[index]) > 1:
            targets = list_heads[index]  # "NHS England approved the following mergers:" and one grouping per row
        elif len(groupings) > 1:
            codes = set(sentence_codes(page.mentions_in(sentence)))
            overlapping = [n for n, g in enumerate(groupings) if codes & set(g.members)]
            if len(overlapping) > 1 and _SHARED_STEP.search(sentence.text):
                targets = overlapping  # "Six CCGs in Sussex will merge into two, after NHS England approved the plans"
            elif not codes and ALL_GROUPINGS.search(sentence.text):
                targets = list(range(len(groupings)))
        if labelled:
            day = labelled[0]
            detail = sentence.text[day.end - sentence.start:].strip(" -–:")
            if not detail and not _LABELLED_MEETING.match(sentence.text):
                detail = sentence.text[:day.start - sentence.start]  # "Minutes of the meeting held on ..."
            events.append(Event(grouping=number, type=EventType.MEETING, evidence=sentence.text,
                                date=day.date.value, body=None, detail=detail.strip(" -–:")))
            if _LABELLED_MEETING.match(sentence.text) or not page.in_context[index]:
                continue
        if not page.in_context[index]:
            continue
        low = sentence.text.lower()
        figures = "%" in low or "cent" in low or "majority" in low or "threshold" in low or "thirds" in low
        stated_threshold = read_vote(sentence.text, False) if figures else None
        if stated_threshold is not None and stated_threshold.threshold is not None and stated_threshold.percent_for is None:
            # "needs the support of at least 50% of member practices in each CCG" sets the bar for the results below.
            threshold = stated_threshold.threshold
        cues = [c for c in classify(sentence.text) if c.type is not EventType.PROPOSAL or page.merger[index]]
        if LIST_ITEM.match(sentence.text) and list_kinds and not cues and own_dates:
            # "we will hold public meetings at:" then "- Crewe Library, 26 June, 6 – 7.30pm": one meeting per item.
            cues = [Cue(kind, 2, len(sentence.text)) for kind in list_kinds]
        elif not LIST_ITEM.match(sentence.text):
            # A list follows "... public meetings at:" or a heading such as "Come to a public meeting".
            introduces = sentence.text.endswith(":") or not sentence.text.endswith((".", "!", "?"))
            list_kinds = [c.type for c in cues if c.type in (EventType.PUBLIC_MEETING, EventType.MEETING)] \
                if introduces else []
        if council:
            # "RESOLVED: that the update be noted" in council minutes is the committee's resolution, not a board's.
            cues = [c for c in cues if not (c.type is EventType.GOVERNING_BODY_DECISION
                                            and _RESOLUTION.match(sentence.text[c.start:c.end]))]
        told = _DECISION_TOLD.search(sentence.text)
        if told and own_dates:
            # "The decision, taken at a joint meeting on 17 September 2019, ..." dates the decision told before.
            kind = EventType.MEMBER_VOTE if told.group(1).lower() in ("vote", "ballot") else EventType.GOVERNING_BODY_DECISION
            decision_dates.append((number, kind, own_dates[0].date.value))
            cues = [c for c in cues if c.type not in (EventType.MEETING, kind)]
        cues = [c for c in cues if c.type is not EventType.MEETING or own_dates or re.search(
            r"\b(?:this (?:evening|morning|afternoon|week)|tonight|today|extraordinary)\b", sentence.text, re.IGNORECASE)]
        dates = _assign_dates(cues, sentence, own_dates, grouping.target_date)
        if any(c.type in _DECISIONS for c in cues) and any(c.type is EventType.MEETING for c in cues):
            # "At a meeting in common on 13 June, the governing bodies agreed ...": the meeting dates the decision.
            cues = [c for c in cues if c.type is not EventType.MEETING]
            dates = _assign_dates(cues, sentence, own_dates, grouping.target_date)
        met = [d for c, d in zip(cues, dates, strict=True) if c.type is EventType.MEETING and d]
        if met:
            # "Members backed the proposal at a meeting on 4 July": the meeting's day is the vote's.
            dates = [met[0] if d is None and c.type is EventType.MEMBER_VOTE else d for c, d in zip(cues, dates, strict=True)]
        starts = [c for c in cues if c.type is EventType.CONSULTATION_START]
        ranged = [d for d in own_dates if d.range_end is not None]
        if starts and ranged and not any(c.type is EventType.CONSULTATION_END for c in cues):
            # "engagement would run from March to May 2019": the period's end is the consultation's end.
            cues.append(Cue(EventType.CONSULTATION_END, starts[0].start, starts[0].end))
            dates.append(ranged[0].range_end.value)
        if not own_dates and _SAME_MONTH.search(sentence.text) and last_dated is not None:
            # "The application was submitted later that month": the month of the last date told.
            dates = [last_dated[:7] if d is None else d for d in dates]
        days = [d for d in own_dates if d.date.precision == "day" and d.range_end is None]
        meetings = [n for n, c in enumerate(cues) if c.type is EventType.PUBLIC_MEETING]
        if len(meetings) == 1 and len(days) > 1 and len(cues) == 1:
            # "Drop-in sessions on 16 May and on 22 May": one meeting on each day.
            cues = [cues[0]] * len(days)
            dates = [d.date.value for d in days]
        for cue, date in zip(cues, dates, strict=True):
            if cue.type is EventType.MEMBER_VOTE and council and not _GP_VOTERS.search(
                    " ".join(s.text for s in page.sentences[max(0, index - 2):index + 1])):
                continue  # in council minutes "Members supported the proposal" are councillors, not GP members
            if cue.type is EventType.MEMBER_VOTE and cue.outcome is Outcome.PENDING and row and _CLOSES.search(sentence.text):
                cue = Cue(cue.type, cue.start, cue.end, cue.body, None, "date_only")  # a timeline row: the day voting closed
            if cue.type is EventType.EFFECTIVE and cue.flag != "planned" and _founding_of_member(
                    page.mentions_in(sentence), sentence, cue, grouping):
                continue  # "NHS Sussex ICB was established on 1 July 2022": a member's own founding, not the merger
            if cue.flag == "date_only":
                if date:
                    vote_dates.append((number, date))
                continue
            if cue.type is EventType.GOVERNING_BODY_DECISION and date is None and met_before is None:
                met_before = _met_earlier(page, index)
            if cue.type is EventType.GOVERNING_BODY_DECISION and date is None and met_before:
                # "At its meeting on 12 September the governing body considered the results. It agreed to apply."
                date = met_before
            if cue.type is EventType.GOVERNING_BODY_DECISION and date is None and not cue.exploratory:
                date = meeting_day
            if date is None and section_day and cue.type in _SECTION_DATED and not cue.exploratory:
                date = section_day
            vote = None
            outcome = cue.outcome
            kind, body = cue.type, cue.body
            if cue.type in (EventType.MEMBER_VOTE, EventType.GOVERNING_BODY_DECISION) and not cue.exploratory:
                member = _local_member(sentence.text, grouping, register, page.published) if len(grouping.members) > 1 else None
                vote = read_vote(sentence.text, outcome is Outcome.AGAINST, member)
                if vote is not None and vote.threshold is None and vote.percent_for is not None and threshold is not None:
                    vote.threshold = threshold
                outcome = _settle_outcome(outcome, vote)
            elif cue.exploratory:
                # Members voting to explore options, or boards agreeing to work towards a merger, have put a proposal
                # on the table: not a vote for a merger.
                kind, outcome = EventType.PROPOSAL, None
            detail = sentence.text[cue.start:cue.end] + (" (to explore options)" if cue.exploratory else "")
            for target in targets:
                event = Event(grouping=target, type=kind, evidence=sentence.text, date=date, body=body,
                              outcome=outcome, detail=detail, vote=vote if target == number else None)
                if cue.flag:
                    hints[id(event)] = cue.flag
                events.append(event)
    _date_votes(events, vote_dates)
    for grouping_number, kind, date in decision_dates:
        kinds = (kind,) if kind is EventType.MEMBER_VOTE else _DECISIONS
        # "The decision was made at a meeting of the regional panel in March": the last undated decision of any kind.
        undated = [e for e in events if e.grouping == grouping_number and e.type in kinds and e.date is None]
        if undated:
            undated[-1].date = date
    events = _deduplicate(events, hints)
    # An effective date announced ahead is a fact once NHS England has approved; before that it is only a target.
    approved = {e.grouping for e in events if e.type in (EventType.APPROVAL, EventType.EFFECTIVE) and hints.get(id(e)) != "planned"}
    events = [e for e in events if hints.get(id(e)) != "planned" or (e.grouping in approved and e.date)]
    decided = {(e.grouping, e.date) for e in events if e.type is EventType.GOVERNING_BODY_DECISION}
    # The meeting at which a governing body decided is told by the decision itself.
    events = [e for e in events if not (e.type is EventType.MEETING and (e.grouping, e.date) in decided)]
    return events, hints


def _list_heads(page: Reading, kept: dict[int, int]) -> dict[int, list[int]]:
    """For each sentence introducing a list or table, the groupings its items name."""
    heads: dict[int, list[int]] = {}
    for index, sentence in enumerate(page.sentences):
        if not sentence.text.endswith(":"):
            continue
        groups: list[int] = []
        for item in range(index + 1, len(page.sentences)):
            text = page.sentences[item].text
            if not (LIST_ITEM.match(text) or " | " in text):
                break
            group = page.group[item]
            if group in kept and kept[group] not in groups:
                groups.append(kept[group])
        heads[index] = groups
    return heads


def _founding_of_member(mentions: list, sentence: Sentence, cue: Cue, grouping: Grouping) -> bool:
    """Whether the step is one member organisation coming into being (boilerplate), told with it as the subject."""
    named = {code for m in mentions for code in m.codes}
    before = [m for m in mentions if m.end - sentence.start <= cue.start]
    if len(named) != 1 or not before or len(before[-1].codes) != 1 or before[-1].codes[0] not in grouping.members:
        return False
    # The new body's own name, even if the register ties it to a member's code, is the merger taking effect.
    local = before[-1].start - sentence.start
    full = re.match(r".{0,60}?\b(?:CCG|ICB|Integrated Care Board|Clinical Commissioning Group)\b", sentence.text[local:])
    name = full.group(0) if full else before[-1].text
    return name_core(name) in {name_core(n) for n in grouping.member_names}


def _settle_outcome(outcome: Outcome | None, vote) -> Outcome | None:
    """Counts decide a result the wording leaves open: 35% for against a 50% threshold is a defeat."""
    if vote is None or outcome is Outcome.PENDING:
        return outcome
    if vote.percent_for is not None and vote.threshold is not None:
        return Outcome.FOR if vote.percent_for >= vote.threshold else Outcome.AGAINST
    if vote.count_for is not None and vote.count_against is not None and vote.count_for != vote.count_against:
        return Outcome.FOR if vote.count_for > vote.count_against else Outcome.AGAINST
    return outcome


def _date_votes(events: list[Event], vote_dates: list[tuple[int, str]]) -> None:
    """ "Voting closed on 28 June 2019" dates the vote the page reports elsewhere."""
    for grouping, date in vote_dates:
        for event in events:
            if event.grouping == grouping and event.type is EventType.MEMBER_VOTE and event.date is None:
                event.date = date


def _deduplicate(events: list[Event], hints: dict[int, str]) -> list[Event]:
    """One event per grouping, type, outcome, member and date; an undated repeat of a dated one is dropped."""
    kept: list[Event] = []
    for event in events:
        member = event.vote.member_code if event.vote else None
        twin = next((k for k in kept if k.grouping == event.grouping and k.type == event.type
                     and k.outcome == event.outcome and (k.vote.member_code if k.vote else None) == member
                     and (k.date == event.date or k.date is None or event.date is None)), None)
        if twin is None and member is not None:
            # A per-CCG count told in a later sentence ("13 supported and 25 opposed") completes that CCG's vote.
            twin = next((k for k in kept if k.grouping == event.grouping and k.type == event.type
                         and k.vote and k.vote.member_code == member), None)
        if twin is None:
            kept.append(event)
            continue
        if twin.date is None and event.date is not None:
            # The dated telling is the better evidence for the step.
            twin.date, twin.evidence, twin.detail = event.date, event.evidence, event.detail or twin.detail
        if event.vote is not None:
            if twin.vote is None:
                twin.vote = event.vote
            else:
                for name, value in vars(event.vote).items():
                    if getattr(twin.vote, name) is None and value is not None:
                        setattr(twin.vote, name, value)
        if not twin.detail and event.detail:
            twin.detail = event.detail
        if id(event) in hints and id(twin) not in hints:
            hints[id(twin)] = hints[id(event)]
    return kept


def _event_json(event: Event) -> dict:
    row = {"grouping": event.grouping, "type": str(event.type), "body": str(event.body) if event.body else None,
           "outcome": str(event.outcome) if event.outcome else None, "date": event.date, "detail": event.detail,
           "evidence": event.evidence}
    if event.vote is not None:
        row["vote"] = dict(vars(event.vote))
    return row


def extraction_to_json(file: str, extraction: Extraction) -> dict:
    """The DESIGN.md extract contract for one file."""
    return {
        "file": file,
        "relevant": extraction.relevant,
        "groupings": [
            {"members": g.members, "member_names": g.member_names, "n_members_stated": g.n_members_stated,
             "area": g.area, "target_date": g.target_date, "status": str(g.status), "successor_name": g.successor_name}
            for g in extraction.groupings
        ],
        "events": [_event_json(e) for e in extraction.events],
    }
