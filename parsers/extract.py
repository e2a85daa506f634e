"""Pull merger facts out of a page: relevance, groupings of CCGs/ICBs, dated events with evidence, and status."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from parsers.dates import find_dates, page_date_value
from parsers.events import Cue, classify
from parsers.linker import link_organisations
from parsers.model import DateMention, Event, Extraction, Grouping, OrgMention, PageText
from parsers.register import load_register
from parsers.relevance import OTHER_SUBJECT, is_merger_sentence, mentions_commissioner
from parsers.sentences import Sentence, split_sentences
from parsers.status import grouping_status
from parsers.vocab import EventType, Outcome
from parsers.votes import NUMBER_WORDS, read_vote

CONTEXT_WINDOW = 3  # sentences after a merger sentence that still talk about that merger
_COUNT = re.compile(
    r"\b(?P<n>\d{1,2}|" + "|".join(w for w in NUMBER_WORDS if w not in ("no", "none", "zero", "one", "a hundred"))
    + r")(?:[- ]way)?\s+(?:(?:local|separate|existing|current|individual|constituent|neighbouring|partner|NHS|(?-i:[A-Z][\w-]+)|"
    r"and)\s+){0,4}?(?:CCG(?:s|['’]s)|clinical commissioning groups|ICBs|integrated care boards|CCGs['’])",
    re.IGNORECASE,
)
_SIX_WAY = re.compile(r"\b(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d{1,2})[- ]way\s+merger", re.IGNORECASE)
_SUCCESSOR = re.compile(
    r"(?:to be (?:called|known as|named)|will be (?:called|known as|named)|(?:called|named|known as)|to form|to become|"
    r"would become|will become|new organisation,?|new (?:CCG|ICB),?|create|creating|form|forming)\s+(?:the\s+)?[\"“‘']?"
    r"(?P<name>NHS\s+(?:[A-Z][\w’'&,-]*\s+|and\s+|of\s+|on\s+|upon\s+){1,9}?"
    r"(?:CCG|ICB|Clinical Commissioning Group|Integrated Care Board))"
)
_TARGET_LEAD = re.compile(
    r"(?:\bfrom|\bby|\bon|\bin|\bfor|\bwith effect from|\beffective|\bcommenc\w*(?: in| on| from)?|\bstart\w*(?: in| on| from)?"
    r"|\bgo live(?: in| on| from)?|\bformed(?: in| on| from)?|\btake effect(?: in| on| from)?|\bin place(?: by| from| in)?|\bas of)"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_TARGET_TOPIC = re.compile(
    r"\bmerg|\bsingle\b|\bnew (?:CCG|ICB|organisation)|\bestablish|\bcreat|\bform\b|\bformed\b|\bcommence|\bcluster"
    r"|\bshadow form\b|\bstrategic commission|\bone (?:CCG|ICB|organisation)|\bgo live\b|\btake effect|\bSCO\b",
    re.IGNORECASE,
)
_LABELLED_MEETING = re.compile(r"^(?:Decided at meeting|Meeting of|Date of decision)\s*:?\s*", re.IGNORECASE)


@dataclass
class _Draft:
    """A grouping while the page is read: member codes in first-seen order and the evidence for them."""

    codes: list[str] = field(default_factory=list)
    stated: list[int] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    successor: str | None = None
    target: str | None = None
    strength: int = 0

    def overlaps(self, codes: tuple[str, ...]) -> bool:
        return bool(set(self.codes) & set(codes))

    def absorb(self, codes: tuple[str, ...]) -> None:
        for code in codes:
            if code not in self.codes:
                self.codes.append(code)


def _page_day(page: PageText) -> dt.date | None:
    return page_date_value(page.published)


def _within(mentions: list, start: int, end: int) -> list:
    return [m for m in mentions if m.start >= start and m.end <= end]


def _stated_count(sentence: str) -> int | None:
    match = _COUNT.search(sentence) or _SIX_WAY.search(sentence)
    if not match:
        return None
    value = match.group("n").lower()
    number = int(value) if value.isdigit() else NUMBER_WORDS.get(value)
    return number if number and 2 <= number <= 40 else None


def _sentence_codes(mentions: list[OrgMention]) -> tuple[str, ...]:
    codes: list[str] = []
    for mention in mentions:
        for code in mention.codes:
            if code not in codes:
                codes.append(code)
    return tuple(codes)


def _target_date(sentence: Sentence, dates: list[DateMention], page_day: dt.date | None) -> str | None:
    """A date the merger is meant to take effect: "from April 2020", "commence in April 2020", "on 1 April 2021"."""
    if not _TARGET_TOPIC.search(sentence.text):
        return None
    for mention in dates:
        local = mention.start - sentence.start
        lead = sentence.text[max(0, local - 40):local]
        if mention.range_end is None and _TARGET_LEAD.search(lead) and mention.date.precision != "year":
            if re.search(r"\b(?:since|ago|last)\s*$", lead, re.IGNORECASE):
                continue
            return mention.date.value
    return None


def _event_date(cue: Cue, sentence: Sentence, dates: list[DateMention], target: str | None) -> str | None:
    """The date that belongs to this step: range ends for consultation ends, never the merger's target date."""
    if not dates:
        return None
    if cue.type is EventType.CONSULTATION_END:
        ranged = [d for d in dates if d.range_end is not None]
        if ranged:
            return ranged[-1].range_end.value
        after = [d for d in dates if d.start - sentence.start >= cue.start - 10]
        chosen = after or (dates[-1:] if len(dates) > 1 else [])
        return chosen[-1].date.value if chosen else None
    candidates = [d for d in dates if d.date.value != target or cue.type is EventType.EFFECTIVE]
    if cue.type is not EventType.EFFECTIVE:
        # "from April 2020" dates the merger, not the step this sentence reports.
        candidates = [d for d in candidates if not re.search(
            r"\b(?:from|by|until|commenc\w*(?: in)?|effective|before)\s+(?:the\s+)?$",
            sentence.text[max(0, d.start - sentence.start - 25):d.start - sentence.start], re.IGNORECASE)]
    if cue.type is EventType.CONSULTATION_START:
        before_end = [d for d in candidates if not re.search(
            r"\b(?:conclud|clos|end|until|finish)\w*\s+(?:\w+\s+)?(?:on|in|by)?\s*$",
            sentence.text[max(0, d.start - sentence.start - 25):d.start - sentence.start], re.IGNORECASE)]
        candidates = before_end
    if not candidates:
        return None
    # The date nearest the trigger words tells which step it dates.
    return min(candidates, key=lambda d: abs(d.start - sentence.start - cue.start)).date.value


def _meeting_line(sentence: Sentence, dates: list[DateMention]) -> tuple[str, str] | None:
    """ModernGov "Decided at meeting: 15/07/2019 - Healthy Staffordshire Select Committee"."""
    if not _LABELLED_MEETING.match(sentence.text) or not dates:
        return None
    detail = sentence.text[dates[0].end - sentence.start:].strip(" -–:")
    return dates[0].date.value, detail


_AREA_PHRASE = re.compile(
    r"\b(?:across|for|in|covering|of|throughout)\s+(?:the\s+)?(?P<area>(?-i:[A-Z][\w’'-]+)(?:(?:,\s*|\s+(?:and|&)\s+|\s+)"
    r"(?-i:[A-Z][\w’'-]+)){0,6})")


def _merge_drafts(drafts: list[_Draft], sentence_group: list[int | None]) -> tuple[list[_Draft], list[int | None]]:
    """Groupings that share members are one grouping seen twice."""
    canonical: list[int] = []
    merged: list[_Draft] = []
    for draft in drafts:
        into = next((i for i, m in enumerate(merged) if draft.codes and m.overlaps(tuple(draft.codes))), None)
        if into is None:
            merged.append(draft)
            canonical.append(len(merged) - 1)
            continue
        target = merged[into]
        target.absorb(tuple(draft.codes))
        target.stated += draft.stated
        target.areas += draft.areas
        target.successor = target.successor or draft.successor
        target.target = target.target or draft.target
        canonical.append(into)
    return merged, [None if g is None else canonical[g] for g in sentence_group]


def _borrow_members(draft: _Draft, sentences: list[Sentence], merger_flags: list[bool], mentions: list[OrgMention],
                    page_day: dt.date | None) -> None:
    """A grouping named only as "a single CCG across X" or "the three CCGs": members from the area named."""
    from parsers.linker import resolve_area

    stated = max(set(draft.stated), key=draft.stated.count) if draft.stated else None
    areas = [m for m in mentions if m.area and m.codes and (stated is None or len(m.codes) == stated)]
    if areas:
        best = max(areas, key=lambda m: sum(1 for a in areas if a.codes == m.codes))
        draft.absorb(best.codes)
        draft.areas.append(best.area)
        if best.stated_count:
            draft.stated.append(best.stated_count)
        return
    for index, sentence in enumerate(sentences):
        if not merger_flags[index]:
            continue
        for match in _AREA_PHRASE.finditer(sentence.text):
            words = match.group("area").split()
            # Try the longest phrase first, then drop trailing words ("Staffordshire and Stoke-on-Trent from").
            for size in range(len(words), 0, -1):
                phrase = " ".join(words[:size]).rstrip(",")
                codes = resolve_area(phrase, stated, page_day)
                if codes and len(codes) >= 2:
                    draft.absorb(codes)
                    draft.areas.append(phrase)
                    return


def extract(page: PageText) -> Extraction:
    """Everything the page says about CCG/ICB mergers, as groupings and events with their evidence sentences."""
    text = page.text
    if page.title and not text.startswith(page.title):
        text = f"{page.title}\n{text}"
    page_day = _page_day(page)
    sentences = split_sentences(text)
    if not sentences:
        return Extraction(relevant=False)
    dates = find_dates(text, page.published)
    mentions = link_organisations(text, page_day)
    ctx_commissioner = False
    merger_flags: list[bool] = []
    for index, sentence in enumerate(sentences):
        has = mentions_commissioner(sentence.text)
        merger_flags.append(is_merger_sentence(sentence.text, ctx_commissioner))
        # A commissioner named in the last sentence or two still frames "They propose to merge".
        ctx_commissioner = has
    if not any(merger_flags):
        return Extraction(relevant=False)

    drafts: list[_Draft] = []
    sentence_group: list[int | None] = [None] * len(sentences)
    in_context: list[bool] = [False] * len(sentences)
    last_merger = -10
    current: int | None = None
    title_is_merger = merger_flags[0]
    for index, sentence in enumerate(sentences):
        own = _within(mentions, sentence.start, sentence.end)
        if merger_flags[index]:
            last_merger = index
        in_context[index] = merger_flags[index] or index - last_merger <= CONTEXT_WINDOW or (
            title_is_merger and index <= 6)
        if not in_context[index]:
            continue
        codes = _sentence_codes(own)
        area_refs = [m for m in own if m.area]
        stated = _stated_count(sentence.text) if merger_flags[index] else None
        strong = merger_flags[index] and (len(codes) >= 2 or any(m.area for m in own))
        matched = next((i for i, d in enumerate(drafts) if codes and d.overlaps(codes)), None)
        if strong and matched is None:
            # A grouping first met without names ("the CCGs propose ...") takes the first names given for it.
            matched = next((i for i, d in enumerate(drafts) if not d.codes), None)
            if matched is None:
                drafts.append(_Draft())
                matched = len(drafts) - 1
        if matched is not None and (strong or merger_flags[index]):
            draft = drafts[matched]
            if strong:
                draft.absorb(codes)
                draft.strength += 1
            for ref in area_refs:
                draft.areas.append(ref.area)
                if ref.stated_count:
                    draft.stated.append(ref.stated_count)
            if stated:
                draft.stated.append(stated)
        if matched is not None:
            current = matched
        elif merger_flags[index] and (stated or mentions_commissioner(sentence.text)) and not drafts:
            # A merger with no resolvable names yet ("the three CCGs"): keep what is stated.
            drafts.append(_Draft(stated=[stated] if stated else []))
            current = len(drafts) - 1
        elif merger_flags[index] and stated and current is not None:
            drafts[current].stated.append(stated)
        sentence_group[index] = current

    if not drafts:
        return Extraction(relevant=False)
    for draft in drafts:
        if not draft.codes:
            _borrow_members(draft, sentences, merger_flags, mentions, page_day)
    drafts, sentence_group = _merge_drafts(drafts, sentence_group)
    # Successor names and target dates, read from merger sentences of each grouping.
    for index, sentence in enumerate(sentences):
        group = sentence_group[index]
        if group is None or not in_context[index]:
            continue
        draft = drafts[group]
        own_dates = _within(dates, sentence.start, sentence.end)
        if draft.target is None:
            draft.target = _target_date(sentence, own_dates, page_day)
        if draft.successor is None:
            match = _SUCCESSOR.search(sentence.text)
            if match:
                draft.successor = re.sub(r"\s+", " ", match.group("name")).strip()

    register = load_register()
    groupings: list[Grouping] = []
    kept: dict[int, int] = {}
    for number, draft in enumerate(drafts):
        if not draft.codes and not draft.stated:
            continue
        kept[number] = len(groupings)
        names = []
        for code in draft.codes:
            org = register.get(code)
            names.append(org.name if org else code)
        stated = max(set(draft.stated), key=draft.stated.count) if draft.stated else None
        area = max(set(draft.areas), key=lambda a: (draft.areas.count(a), len(a))) if draft.areas else None
        groupings.append(Grouping(members=list(draft.codes), member_names=names, n_members_stated=stated, area=area,
                                  successor_name=draft.successor, target_date=draft.target))
    if not groupings:
        return Extraction(relevant=False)

    events: list[Event] = []
    for index, sentence in enumerate(sentences):
        group = sentence_group[index]
        own_dates = _within(dates, sentence.start, sentence.end)
        meeting = _meeting_line(sentence, own_dates)
        if meeting and group is None:
            group = min(kept) if kept else None
        if group is None or group not in kept:
            continue
        target = groupings[kept[group]].target_date
        if meeting:
            events.append(Event(grouping=kept[group], type=EventType.MEETING, evidence=sentence.text,
                                date=meeting[0], detail=meeting[1]))
            continue
        if not in_context[index]:
            continue
        for cue in classify(sentence.text):
            if not merger_flags[index] and cue.type in (EventType.PROPOSAL,):
                continue
            if cue.type is EventType.MEETING and not own_dates and not re.search(
                    r"\b(?:this (?:evening|morning|afternoon|week)|tonight|today|extraordinary)\b", sentence.text, re.IGNORECASE):
                continue
            date = _event_date(cue, sentence, own_dates, target)
            vote = None
            if cue.type in (EventType.MEMBER_VOTE, EventType.GOVERNING_BODY_DECISION):
                own = _within(mentions, sentence.start, sentence.end)
                single = {c for m in own for c in m.codes if not m.area}
                member = next(iter(single)) if len(single) == 1 and not any(m.area for m in own) else None
                vote = read_vote(sentence.text, cue.outcome is Outcome.AGAINST, member)
            detail = sentence.text[cue.start:cue.end]
            if cue.exploratory:
                detail = f"{detail} (to explore options)"
            events.append(Event(grouping=kept[group], type=cue.type, evidence=sentence.text, date=date, body=cue.body,
                                outcome=cue.outcome, detail=detail, vote=vote))
    events = _deduplicate(events)
    exploratory = {id(e) for e in events if e.detail.endswith("(to explore options)")}
    for number, grouping in enumerate(groupings):
        grouping.status = grouping_status([e for e in events if e.grouping == number], exploratory)
    return Extraction(relevant=True, groupings=groupings, events=events)


def _deduplicate(events: list[Event]) -> list[Event]:
    """One event per grouping, type, outcome, member and date; an undated repeat of a dated one is dropped."""
    kept: list[Event] = []
    for event in events:
        member = event.vote.member_code if event.vote else None
        twin = next((k for k in kept if k.grouping == event.grouping and k.type == event.type
                     and k.outcome == event.outcome and (k.vote.member_code if k.vote else None) == member
                     and (k.date == event.date or k.date is None or event.date is None)), None)
        if twin is None:
            kept.append(event)
        elif twin.date is None and event.date is not None:
            kept[kept.index(twin)] = event
        else:
            if twin.vote is None and event.vote is not None:
                twin.vote = event.vote
            if not twin.detail and event.detail:
                twin.detail = event.detail
    return kept


def _event_json(event: Event) -> dict:
    row = {"grouping": event.grouping, "type": str(event.type), "body": str(event.body) if event.body else None,
           "outcome": str(event.outcome) if event.outcome else None, "date": event.date, "detail": event.detail,
           "evidence": event.evidence}
    if event.vote is not None:
        row["vote"] = {key: value for key, value in vars(event.vote).items()}
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


__all__ = ["OTHER_SUBJECT", "extract", "extraction_to_json"]
