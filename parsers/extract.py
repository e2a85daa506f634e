"""Pull merger facts out of a page: relevance, groupings of CCGs/ICBs, dated events with evidence, and status."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from parsers.dates import find_dates, page_date_value
from parsers.events import Cue, classify, clauses
from parsers.linker import link_organisations, resolve_area
from parsers.model import DateMention, Event, Extraction, Grouping, OrgMention, PageText
from parsers.register import Register, load_register, name_core
from parsers.relevance import EXPLICIT, about_other_merger, is_merger_sentence, mentions_commissioner
from parsers.sentences import Sentence, split_sentences
from parsers.status import grouping_status
from parsers.vocab import EventType, OrgKind, Outcome, Status
from parsers.votes import NUMBER_WORDS, read_vote

CONTEXT_WINDOW = 3  # sentences after a merger sentence that still talk about that merger
FOLLOW_UP_WINDOW = 10  # ... and how far a sentence naming the merger's machinery may be from one
_FOLLOW_UP = re.compile(r"\bNHS England\b|\bNHSE\b|\bapplication\b|\bthe (?:new|merged|single) (?:CCG|ICB|organisation)\b"
                        r"|\b(?:CCG|ICB)s?\b|\bgoverning bod|\bmember practices\b|\bconsultation\b|\bministerial\b"
                        r"|\bvot(?:e|ed|es|ing)\b|\bballot|\bin favour\b|\bpractices\b")
_NUMBER = "|".join(w for w in NUMBER_WORDS if w not in ("no", "none", "zero", "one", "a hundred"))
_COUNT = re.compile(
    rf"(?P<lead>\b(?:with|and|plus|other|another)\s+(?:the\s+)?)?\b(?P<n>\d{{1,2}}|(?i:{_NUMBER}))(?:[- ]way)?\s+"
    r"(?:(?i:local|separate|existing|current|individual|constituent|partner|NHS|member|participating|remaining|former"
    r"|merging|founding)\s+"
    r"|(?P<other>(?i:other|neighbouring|neighbour|surrounding|adjacent|nearby))\s+|[A-Z][\w’'-]+\s+|and\s+){0,4}?"
    r"(?i:CCG(?:s|['’]s|s['’])|clinical commissioning groups|ICBs|integrated care boards|(?:health\s+)?commissioning\s+"
    r"(?:bodies|organisations))\b"
)
_SIX_WAY = re.compile(rf"\b(?P<n>\d{{1,2}}|{_NUMBER})[- ]way\s+(?:merger|merge)", re.IGNORECASE)
_ORG_SUFFIX = r"(?:CCG|ICB|Clinical Commissioning Group|Integrated Care Board)"
_ORG_NAME = rf"NHS\s+(?:(?:[A-Z][\w’'&-]*|and|of|on|upon|the),?\s+){{1,10}}?{_ORG_SUFFIX}\b"
_SUCCESSOR = re.compile(
    rf"(?i:to be (?:called|known as|named)|will be (?:called|known as|named)|would be (?:called|known as|named)"
    rf"|(?:be |been )?(?:called|named|known as)|to form|to become|would become|will become|to create|creating|forming"
    rf"|name (?:of|for) the (?:new|merged|single) (?:body|organisation|CCG|ICB|commissioner) (?:is|will be|would be)"
    rf"|new (?:organisation|board|body|CCG|ICB),?|will form|would form|form|forms|formed|will become|became|(?:join|come|merge) together as"
    rf"|(?:merge|combine)d? (?:to form|into|as)|replaced by (?:a |one )?(?:single |new )?(?:organisation|body|CCG|ICB),?)\s+"
    rf"(?:the\s+)?[\"“‘']?(?P<name>{_ORG_NAME})"
    rf"|(?P<subject>{_ORG_NAME}|(?<=single )(?:[A-Z][\w’'&-]*,?\s+(?:and\s+)?){{1,6}}?{_ORG_SUFFIX}\b)\s+(?i:(?:(?:was|were|will|would|is to|is|has been)\s+)?(?:be\s+)?(?:now\s+)?"
    rf"(?:formally\s+|officially\s+|legally\s+)?"
    rf"(?:established|created|formed|come into being|came into being|launched|go live|born))"
)
_TARGET_LEAD = re.compile(
    r"(?:\bfrom|\bby|\bwith effect from|\beffective(?: from)?|\bcommenc\w*(?: in| on| from)?|\bstart\w*(?: in| on| from)?"
    r"|\btarget(?: date)? of|\bgo(?:es|ing)? live(?: in| on| from)?|\btake effect(?: in| on| from)?|\bin place(?: by| from| in)?|\bas of"
    r"|\bcome into being(?: on| in)?|\bcame into being(?: on| in)?|\bestablished(?: on| in)?|\bmerge(?: on| in)?"
    r"|\bbe (?:created|formed|launched)(?: on| in)?)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_APRIL_LEAD = re.compile(r"\b(?:in|on)\s+(?:the\s+)?$", re.IGNORECASE)
_TARGET_TOPIC = re.compile(
    r"\bmerg|\bsingle\b|\bnew (?:CCG|ICB|organisation|body|commissioner)|\bestablish|\bcreat|\bform\b|\bformed\b|\bforming\b"
    r"|\bcommence"
    r"|\bcluster|\bshadow form\b|\bstrategic commission|\bone (?:CCG|ICB|organisation|commissioner)|\bgo live\b"
    r"|\btake effect|\bSCO\b|\bcom(?:e|es|ing) into (?:being|existence|effect)|\bcame into (?:being|existence)"
    r"|\breplac|\bdissol|\bcombine|\bbecom",
    re.IGNORECASE,
)
_LABELLED_MEETING = re.compile(r"^(?:Decided at meeting|Meeting of|Date of decision|Date of meeting|Meeting)\s*:\s*|^Meeting of\b",
                               re.IGNORECASE)
_HELD_MEETING = re.compile(r"\bmeeting (?:held )?(?:in public |in common |virtually )?on\b|\b(?:meeting|held) in public on\b"
                           r"|^Meeting held\b|\bmeeting held\b.{0,30}?\bon\b",
                           re.IGNORECASE)
_LOOKING_AHEAD = re.compile(r"\b(?:will|would|shall|to be|aims? to|plans? to|planned|expected|intends?|hopes?|deadline|due|"
                            r"propose|proposes|proposing|want)\b",
                            re.IGNORECASE)
_SAME_MONTH = re.compile(r"\b(?:later|earlier) (?:that|the same) month\b|\bthe same month\b|\bthat same month\b",
                         re.IGNORECASE)
_MERGER_TARGET = re.compile(r"\bmerg|\b(?:one|single|new) (?:CCG|ICB)\b|\bestablish|\breplac|\bcom(?:e|es|ing) into being"
                            r"|\b(?:form|become|becoming) NHS\b", re.IGNORECASE)
_SHARED_STEP = re.compile(r"\binto (?:two|three|four)\b|\ball (?:\w+ )?(?:merging )?(?:CCGs|ICBs)\b|\bboth\b|\beach\b",
                          re.IGNORECASE)
# The meeting a set of minutes or a paper belongs to: "Minutes of the meeting held on 18 July 2019".
_MINUTES_HEADER = re.compile(r"\bminutes of the meeting\b|\bmeeting held\b|\bboard meeting\b|\bmeeting in public\b|^(?:meeting )?held (?:virtually |remotely |in public )?on\b",
                             re.IGNORECASE)
_DECISIONS = (EventType.GOVERNING_BODY_DECISION, EventType.WITHDRAWAL, EventType.DEFERRAL, EventType.APPROVAL,
              EventType.REJECTION, EventType.APPLICATION)
# Said outright of commissioners, with no council, support unit, trust or practice in the sentence.
_OUTRIGHT = re.compile(
    r"\b(?:CCGs|ICBs|clinical commissioning groups|integrated care boards)\b(?:\W+\w+){0,4}?\W+(?:merg|amalgamat|combin)"
    r"|\b(?:merg|amalgamat)\w*(?:\W+\w+){0,4}?\W+(?:CCGs|ICBs|clinical commissioning groups|integrated care boards)\b"
    r"|\b(?:single|one|new|merged) (?:CCG|ICB)\b", re.IGNORECASE)
_OTHER_BODIES = re.compile(r"\bcouncils?\b|\bCSUs?\b|support units?|\btrusts?\b|\bpractices?\b|\bhospitals?\b",
                           re.IGNORECASE)
_BOARD_PAPER = re.compile(r"\bgoverning bod(?:y|ies)\b|\bin common\b|\bCCGs?\b|\bICBs?\b|\bIntegrated Care Board\b"
                          r"|\bboard meeting\b", re.IGNORECASE)
_COUNCIL_PAGE = re.compile(r"\bCouncillors?\b|\bCllr\b|\bScrutiny\b|\bSelect Committee\b|\bHealth and Wellbeing Board\b"
                           r"|\bCounty Council\b|\bBorough Council\b|\bCity Council\b|\bDistrict Council\b")
_GP_VOTERS = re.compile(r"\bGPs?\b|\bpractices?\b|\bmemberships?\b|\bLMC\b|\bCCG members\b|\bmembers of (?:the|each|both|all) "
                        r"(?:\w+ )?CCGs?\b|\bmember(?:s|ship)? (?:of|in|across) (?:the |each |both |all )?(?:\w+ )*?CCGs?\b",
                        re.IGNORECASE)
_POINTS_BACK = re.compile(r"^(?:It|They|This|These|The (?:merger|change|new (?:CCG|ICB|organisation|body)))\b")
_LIST_ITEM = re.compile(r"^[-•·*–▪]\s")
_ALL_GROUPINGS = re.compile(r"\b(?:organisations|new CCGs|new ICBs|both|all (?:\w+ )?(?:merging )?(?:CCGs|ICBs|mergers)|each of the"
                            r"|(?:two|three|four|five) mergers|into (?:two|three|four)|\d+ (?:applications|mergers)"
                            r"|the mergers|applications from)\b",
                            re.IGNORECASE)
_DECISION_TOLD = re.compile(r"^(?:The|This|That|Their|Its) (decision|vote|ballot|resolution)\b[^.]{0,40}?\b(?:taken|made|held|"
                            r"reached|agreed|passed)\b", re.IGNORECASE)
_NOT_MEMBER = re.compile(r"\b(?:is|are|was|were|will) not (?:part|joining|included|involved|taking part)\b"
                         r"|\bnot (?:be )?(?:part of|joining|included in)\b|\bexcluded\b|\bremain (?:separate|independent)\b"
                         r"|\bnot joining\b|\bcontinue as a separate\b|\bopted out\b|\bwill stay out\b", re.IGNORECASE)


@dataclass
class _Draft:
    """A grouping while the page is read: member codes in first-seen order and the evidence for them."""

    codes: list[str] = field(default_factory=list)
    # Codes read off an area phrase with no count ("the Cheshire CCGs"), used only when no names are given.
    loose: list[str] = field(default_factory=list)
    stated: list[int] = field(default_factory=list)
    context_stated: list[int] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    successor: str | None = None
    target: str | None = None
    target_strength: int = 0
    excluded: set[str] = field(default_factory=set)
    # (sentence, codes) for each sentence that named two or more members outright, for splitting a grouping later.
    named_sets: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)

    def overlaps(self, codes: tuple[str, ...] | list[str]) -> bool:
        return bool(set(self.codes) & set(codes))

    def absorb(self, codes: tuple[str, ...] | list[str]) -> None:
        for code in codes:
            if code not in self.codes and code not in self.excluded:
                self.codes.append(code)


@dataclass
class _Page:
    """One page being read: its sentences, dates and organisation mentions, and what each sentence is about."""

    text: str
    published: dt.date | None
    sentences: list[Sentence]
    dates: list[DateMention]
    mentions: list[OrgMention]
    merger: list[bool] = field(default_factory=list)
    in_context: list[bool] = field(default_factory=list)
    group: list[int | None] = field(default_factory=list)

    _by_sentence: dict[tuple[str, int], list] = field(default_factory=dict)

    def _within(self, kind: str, items: list, sentence: Sentence) -> list:
        """Items (in text order) lying inside the sentence; found by bisection and remembered."""
        key = (kind, sentence.start)
        if key not in self._by_sentence:
            starts = [item.start for item in items]
            first = bisect.bisect_left(starts, sentence.start)
            last = bisect.bisect_left(starts, sentence.end, first)
            self._by_sentence[key] = [item for item in items[first:last] if item.end <= sentence.end]
        return self._by_sentence[key]

    def dates_in(self, sentence: Sentence) -> list[DateMention]:
        return self._within("dates", self.dates, sentence)

    def mentions_in(self, sentence: Sentence) -> list[OrgMention]:
        return self._within("mentions", self.mentions, sentence)


def _number(text: str) -> int | None:
    value = text.lower()
    number = int(value) if value.isdigit() else NUMBER_WORDS.get(value)
    return number if number and 2 <= number <= 45 else None


def _stated_count(sentence: str) -> int | None:
    """ "the six CCGs", "eight clinical commissioning groups", "a six-way merger"; not "with three neighbouring CCGs"."""
    low = sentence.lower()
    if "ccg" not in low and "icb" not in low and "commissioning" not in low and "integrated care" not in low and "way" not in low:
        return None
    for match in _COUNT.finditer(sentence):
        if match.group("lead") or match.group("other"):
            continue
        # "five of the six CCGs": the count nearest the noun wins, so skip a number followed by "of".
        return _number(match.group("n"))
    match = _SIX_WAY.search(sentence)
    return _number(match.group("n")) if match else None


def _sentence_codes(mentions: list[OrgMention], loose: bool = False) -> tuple[str, ...]:
    """Codes named in a sentence; `loose` gives instead those of uncounted area phrases ("Cheshire CCGs")."""
    codes: list[str] = []
    for mention in mentions:
        if mention.kind in (OrgKind.STP, OrgKind.SUB_ICB):
            continue
        if (mention.area is not None and mention.stated_count is None) != loose:
            continue
        for code in mention.codes:
            if code not in codes:
                codes.append(code)
    return tuple(codes)


def _target_date(sentence: Sentence, dates: list[DateMention]) -> str | None:
    """A date the merger is meant to take effect: "from April 2020", "commence in April 2020", "on 1 April 2021"."""
    for mention in dates:
        local = mention.start - sentence.start
        lead = sentence.text[max(0, local - 40):local]
        topic_zone = sentence.text[max(0, local - 90):min(len(sentence.text), mention.end - sentence.start + 120)]
        if mention.range_end is not None or mention.date.precision == "year" or not _TARGET_TOPIC.search(topic_zone):
            continue
        if re.search(r"\b(?:since|ago|last|until|before)\s+(?:the\s+)?$", lead, re.IGNORECASE):
            continue
        # Mergers take effect on 1 April (NHS England's procedure), so a bare "in/on April" is a target too.
        april = mention.date.value[5:7] == "04"
        if re.search(r"\bby\s+(?:the\s+)?$", lead, re.IGNORECASE) and not _LOOKING_AHEAD.search(sentence.text):
            continue  # "approved the plans by March 2018" is when it happened, not when it takes effect
        if _TARGET_LEAD.search(lead) or (april and _APRIL_LEAD.search(lead)):
            return mention.date.value
    return None


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
        ahead = _LOOKING_AHEAD.search(sentence.text) is not None
        lead_words = r"from|by|until|commenc\w*(?: in)?|effective|before|deadline of|target(?: date)? of|to merge" if ahead \
            else r"from|until|commenc\w*(?: in)?|effective|before|deadline of|target(?: date)? of|to merge"
        targetish = bool(re.search(rf"\b(?:{lead_words})\s+(?:the\s+)?$", lead, re.IGNORECASE)) or mention.date.value == target
        if re.search(r"\bpublished (?:in|on)\s+$", lead, re.IGNORECASE):
            continue  # "the blueprint published in May 2025" dates a document, not a step
        usable.append((mention, "target" if targetish else ""))
    owners: dict[int, list[tuple[int, DateMention]]] = {}
    spans = clauses(sentence.text)

    def clause_of(position: int) -> int:
        return next((n for n, (begin, end) in enumerate(spans) if begin <= position <= end), -1)

    consulting = (EventType.CONSULTATION_START, EventType.CONSULTATION_END, EventType.PUBLIC_MEETING)
    for mention, kind in usable:
        local = mention.start - sentence.start
        best, best_distance = None, None
        for number, cue in enumerate(cues):
            takes_target = cue.type is EventType.EFFECTIVE or (cue.type is EventType.CONSULTATION_END)
            if kind == "target" and not takes_target:
                continue
            if mention.range_end is not None and cue.type not in consulting:
                continue  # "from March to May" is a period of engagement, not the day of a decision
            if cue.start <= local < cue.end:
                distance = 0
            elif local >= cue.end:
                distance = local - cue.end  # "voted in favour in September": a date after its verb binds closest
            else:
                distance = cue.start - (mention.end - sentence.start) + 15
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


_HEADING_WORDS = re.compile(
    r"^(?:\d+(?:\.\d+)*[.:)]?\s+)?(?:background|purpose|introduction|summary|update|next steps|what happens next|decision|"
    r"recommendations?|resolved|minutes|timeline|key dates|questions|answers|faqs?|conclusion|report|options|"
    r"future arrangements|the proposal|have your say|how to get involved|contact|more information|further information)\b",
    re.IGNORECASE)
_ON_TOPIC = re.compile(r"merg|\bCCGs?\b|\bICBs?\b|commission|consult|engag|\bvot|ballot|NHS England|application|cluster"
                       r"|governing bod|integrated care|together|single|organisation|approv|decision|proposal|meeting|event"
                       r"|views|your say|involved|public", re.IGNORECASE)


def _new_topic(text: str) -> bool:
    """A headline that moves on ("Council opens new leisure centre", "Item 7: Stroke services review").

    A short line without a full stop, not a list item, byline, label or date line, about none of the merger's words.
    """
    if len(text) > 90 or text.endswith((".", "!", "?", ";", ",", "”", '"')) or _LIST_ITEM.match(text):
        return False
    numbered = re.match(r"^(?:Item\s+)?\d{1,3}[.:)]?\s+(?=[A-Z])", text)
    body = text[numbered.end():] if numbered else text
    if ":" in body or re.search(r"\d", body) or body.startswith("By ") or " | " in body:
        return False
    words = body.split()
    if len(words) < 3 or _HEADING_WORDS.match(body) or _ON_TOPIC.search(body):
        return False
    # A headline has a verb or a noun phrase in lower case between its capitalised words.
    return sum(1 for word in words if word[:1].islower()) >= 2 or bool(numbered)


def _read_sentences(page: _Page) -> list[_Draft]:
    """Find the groupings: member sets named in merger sentences, and which grouping each sentence is about."""
    drafts: list[_Draft] = []
    last_merger = -10
    current: int | None = None
    title_is_merger = page.merger[0]
    for index, sentence in enumerate(page.sentences):
        if page.merger[index]:
            last_merger = index
        elif index and _new_topic(sentence.text):
            # A headline or agenda item about something else ("Council opens new leisure centre", "Item 7: Stroke
            # services") ends the story the merger was told in.
            last_merger = -10
            current = None
            title_is_merger = False
        # A list carries on the context of the sentence that introduced it ("The results were:").
        item = bool(re.match(r"^[-•·*–]\s", sentence.text)) or " | " in sentence.text  # bullets and table rows
        previous = page.sentences[index - 1].text if index else ""
        continues_list = index > 0 and page.in_context[index - 1] and item and (
            previous.endswith(":") or bool(re.match(r"^[-•·*–]\s", previous)) or " | " in previous)
        # Further on, a sentence about the merger's machinery (NHS England, the application, the new CCG) still is.
        # On a page whose title is the merger, that holds for the whole page (until a headline moves on).
        follows_up = (index - last_merger <= FOLLOW_UP_WINDOW or title_is_merger) and bool(_FOLLOW_UP.search(sentence.text))
        page.in_context[index] = page.merger[index] or index - last_merger <= CONTEXT_WINDOW or (
            title_is_merger and index <= 6) or bool(continues_list) or follows_up
        if not page.in_context[index]:
            continue
        own = page.mentions_in(sentence)
        codes = _sentence_codes(own)
        loose = _sentence_codes(own, loose=True)
        stated = _stated_count(sentence.text)
        is_list_item = bool(index and page.sentences[index - 1].text.endswith(":") or item)
        excluded = set(codes) if codes and len(codes) <= 2 and _NOT_MEMBER.search(sentence.text) else set()
        if excluded:
            # "NHS Bassetlaw CCG is not part of this proposal."
            for draft in drafts:
                draft.excluded |= excluded
                draft.codes = [c for c in draft.codes if c not in excluded]
            page.group[index] = current
            continue
        # A list under a merger sentence ("The clusters are:") names one grouping per item.
        strong = (page.merger[index] or (is_list_item and len(codes) >= 2)) and (
            len(codes) >= 2 or any(m.area for m in own))
        areas = [m for m in own if m.area and len(m.codes) >= 2]
        if strong and len(areas) >= 2 and not any(set(a.codes) & set(b.codes) for a, b in itertools.pairwise(areas)):
            # "the eight CCGs in Kent and Medway ... and the five CCGs in north central London": one grouping each.
            for area in areas:
                current = _place_unit(drafts, area.codes, (), [area], stated=None, merger=True, strong=True)
            page.group[index] = current
            continue
        named = tuple(c for m in own if not m.area and m.kind is not OrgKind.STP for c in m.codes)
        matched = next((i for i, d in enumerate(drafts) if codes and d.overlaps(codes)), None)
        if strong and not codes and current is not None and not any(m.codes for m in own if m.area):
            # "a merger of four CCGs" that the register cannot resolve is the grouping already in hand.
            strong, matched = False, current
        if strong and matched is None:
            # A grouping first met without names ("the CCGs propose ...") takes the first names given for it.
            matched = next((i for i, d in enumerate(drafts) if not d.codes), None)
            if matched is None:
                drafts.append(_Draft())
                matched = len(drafts) - 1
        if matched is None and page.merger[index] and not drafts and mentions_commissioner(sentence.text):
            # A merger with no resolvable names yet ("a single CCG", "the three CCGs"): keep what is stated.
            drafts.append(_Draft())
            matched = len(drafts) - 1
        if matched is None and current is not None and not codes:
            matched = current
        if matched is not None:
            draft = drafts[matched]
            if strong:
                draft.absorb(codes)
                draft.loose += [c for c in loose if c not in draft.loose]
                if len(set(named)) >= 2:
                    draft.named_sets.append((index, tuple(dict.fromkeys(named))))
            if page.merger[index]:
                for ref in (m for m in own if m.area):
                    draft.areas.append(ref.area)
                    if ref.stated_count and ref.resolved:
                        draft.stated.append(ref.stated_count)
                if stated:
                    draft.stated.append(stated)
            elif stated:
                draft.context_stated.append(stated)
            current = matched
        page.group[index] = current
    # "NHS Norfolk and Suffolk ICB was established on 1 April 2026. It brought together ...": the sentence an
    # opening "It"/"They" points back to belongs to the story too.
    for index in range(1, len(page.sentences)):
        if page.merger[index] and not page.in_context[index - 1] and _POINTS_BACK.match(page.sentences[index].text):
            page.in_context[index - 1] = True
            page.group[index - 1] = page.group[index]
    drafts = _split_drafts(drafts, page)
    # Merger sentences before the first names ("Five bodies will merge into two") belong to the first grouping.
    first = next((g for g in page.group if g is not None), None)
    for index in range(len(page.group)):
        if page.group[index] is not None:
            break
        if page.in_context[index]:
            page.group[index] = first
    return drafts


def _place_unit(drafts: list[_Draft], codes: tuple[str, ...], loose: tuple[str, ...], own: list[OrgMention],
                stated: int | None, merger: bool, strong: bool) -> int:
    """Put one set of members into the grouping it overlaps, or a new one; returns that grouping's number."""
    matched = next((i for i, d in enumerate(drafts) if codes and d.overlaps(codes)), None)
    if matched is None:
        matched = next((i for i, d in enumerate(drafts) if not d.codes), None)
    if matched is None:
        drafts.append(_Draft())
        matched = len(drafts) - 1
    draft = drafts[matched]
    if strong:
        draft.absorb(codes)
    for ref in (m for m in own if m.area):
        draft.areas.append(ref.area)
        if ref.stated_count and ref.resolved:
            draft.stated.append(ref.stated_count)
    return matched


def _split_drafts(drafts: list[_Draft], page: _Page) -> list[_Draft]:
    """ "Six CCGs in Sussex will merge into two" then two named lists: two groupings, not one of six."""
    result: list[_Draft] = []
    renumber: dict[int, list[int]] = {}
    for number, draft in enumerate(drafts):
        sets: list[tuple[int, tuple[str, ...]]] = []
        for index, named in draft.named_sets:
            if not any(set(named) & set(other) for _, other in sets):
                sets.append((index, named))
        whole = set(draft.codes)
        if len(sets) < 2 or not all(set(named) < whole for _, named in sets):
            renumber[number] = [len(result)]
            result.append(draft)
            continue
        renumber[number] = []
        for index, named in sets:
            part = _Draft(codes=list(named), successor=None)
            renumber[number].append(len(result))
            result.append(part)
            page.group[index] = len(result) - 1
        # Sentences about the whole set (and any later ones) stay with the first part unless they name another.
    old_groups = list(page.group)
    for index, group in enumerate(old_groups):
        if group is None or group >= len(drafts):
            continue
        parts = renumber[group]
        codes = set(_sentence_codes(page.mentions_in(page.sentences[index])))
        chosen = next((p for p in parts if codes & set(result[p].codes)), parts[0])
        page.group[index] = chosen
    return result


def _merge_drafts(drafts: list[_Draft], page: _Page) -> list[_Draft]:
    """Groupings that share members are one grouping seen twice."""
    canonical: list[int] = []
    merged: list[_Draft] = []
    for draft in drafts:
        into = next((i for i, m in enumerate(merged) if draft.codes and m.overlaps(draft.codes)), None)
        if into is None:
            merged.append(draft)
            canonical.append(len(merged) - 1)
            continue
        target = merged[into]
        target.absorb(draft.codes)
        target.stated += draft.stated
        target.context_stated += draft.context_stated
        target.areas += draft.areas
        target.successor = target.successor or draft.successor
        target.target = target.target or draft.target
        canonical.append(into)
    page.group = [None if g is None else canonical[g] for g in page.group]
    return merged


_AREA_PHRASE = re.compile(
    r"\b(?:across|for|in|covering|of|throughout)\s+(?:the\s+)?(?P<area>[A-Z][\w’'-]+(?:(?:,\s*|\s+(?:and|&)\s+|\s+)"
    r"[A-Z][\w’'-]+){0,6})")


def _borrow_members(draft: _Draft, page: _Page) -> None:
    """A grouping named only as "a single CCG across X" or "the three CCGs": members from the area named."""
    stated = _most_common(draft.stated)
    areas = [m for m in page.mentions if m.area and m.codes and (stated is None or len(m.codes) == stated)]
    if areas:
        best = max(areas, key=lambda m: sum(1 for a in areas if a.codes == m.codes))
        draft.absorb(best.codes)
        draft.areas.append(best.area)
        if best.stated_count:
            draft.stated.append(best.stated_count)
        return
    # Next, the in-context sentence naming most organisations ("News from NHS Shropshire CCG and NHS Telford ...").
    named = [(page.in_context[index], len(codes), -index, codes) for index, sentence in enumerate(page.sentences)
             if len(codes := _sentence_codes(page.mentions_in(sentence))) >= 2 and (stated is None or len(codes) == stated)]
    if named:
        draft.absorb(max(named)[3])
        return
    for index, sentence in enumerate(page.sentences):
        if not page.merger[index]:
            continue
        for match in _AREA_PHRASE.finditer(sentence.text):
            words = match.group("area").split()
            # Try the longest phrase first, then drop trailing words ("Staffordshire and Stoke-on-Trent from").
            for size in range(len(words), 0, -1):
                phrase = " ".join(words[:size]).rstrip(",")
                codes = resolve_area(phrase, stated, page.published)
                if codes and len(codes) >= 2:
                    draft.absorb(codes)
                    draft.areas.append(phrase)
                    return


def _most_common(values: list) -> object | None:
    return max(dict.fromkeys(values), key=values.count) if values else None


def _short_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip().rstrip(",")
    name = re.sub(r"Clinical Commissioning Group$", "CCG", name)
    return re.sub(r"Integrated Care Board$", "ICB", name)


def _successor(draft: _Draft, register: Register) -> None:
    """A member that is the merged body itself ("NHS Lincolnshire CCG was established when ... merged") is the successor."""
    for code in list(draft.codes):
        org = register.get(code)
        if org is None:
            continue
        predecessors = {p.code for p in register.predecessors(code)}
        if predecessors & set(draft.codes):
            draft.codes.remove(code)
            draft.successor = draft.successor or _short_name(org.name)


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


def _place_members(page: _Page, draft: _Draft, register: Register) -> None:
    """Members named only by place in a vote sentence ("Practices in Wolverhampton have voted against their CCG ...")."""
    if not draft.codes:
        return
    footprints = {register.get(c).footprint_code for c in draft.codes if register.get(c)}
    neighbours = [org for org in register.organisations if org.kind == OrgKind.CCG and org.footprint_code in footprints
                  and org.code not in draft.codes and org.code not in draft.excluded
                  and (page.published is None or org.open_on(page.published))]
    for index, sentence in enumerate(page.sentences):
        voting = re.search(r"\bvot|\bballot|\bjoin", sentence.text, re.IGNORECASE)
        if not page.in_context[index] or not (voting or page.merger[index]):
            continue
        if not re.search(r"\bCCGs?\b|clinical commissioning groups?", sentence.text, re.IGNORECASE):
            continue
        if not voting and _NOT_MEMBER.search(sentence.text):
            continue
        # Place names inside linked mentions belong to those mentions ("NHS Darlington ... will join ...").
        plain = sentence.text
        for mention in page.mentions_in(sentence):
            local = mention.start - sentence.start
            plain = plain[:local] + " " * (mention.end - mention.start) + plain[local + mention.end - mention.start:]
        for org in neighbours:
            core = name_core(org.name)
            if core and re.search(rf"(?<![\w-]){re.escape(core)}(?![\w-])", plain.lower()):
                draft.absorb((org.code,))


def extract(page: PageText) -> Extraction:
    """Everything the page says about CCG/ICB mergers, as groupings and events with their evidence sentences."""
    text = page.text
    if page.title and not text.startswith(page.title):
        text = f"{page.title}\n{text}"
    sentences = split_sentences(text)
    if not sentences:
        return Extraction(relevant=False)
    published = page_date_value(page.published)
    reading = _Page(text, published, sentences, find_dates(text, page.published), link_organisations(text, published))
    named: list[bool] = []
    other_story = about_other_merger(page.title, [s.text for s in sentences[:8]])
    for index, sentence in enumerate(sentences):
        named.append(mentions_commissioner(sentence.text))
        # A commissioner named in the last few sentences still frames "They propose to merge".
        recent = any(named[max(0, index - 3):index])
        merger = is_merger_sentence(sentence.text, recent, named[index])
        # On a page about a hospital or practice merger, only an outright commissioner merger counts.
        reading.merger.append(merger and (not other_story or bool(EXPLICIT.search(sentence.text))))
    if not any(reading.merger):
        return Extraction(relevant=False)
    reading.in_context = [False] * len(sentences)
    reading.group = [None] * len(sentences)
    drafts = _read_sentences(reading)
    register = load_register()
    for draft in drafts:
        if not draft.codes and draft.loose:
            draft.absorb(draft.loose)
        if not draft.codes:
            _borrow_members(draft, reading)
    drafts = _merge_drafts(drafts, reading)
    for draft in drafts:
        _place_members(reading, draft, register)
        _successor(draft, register)
    _read_names_and_targets(reading, drafts)

    groupings: list[Grouping] = []
    kept: dict[int, int] = {}
    for number, draft in enumerate(drafts):
        if not draft.codes and not draft.stated:
            continue
        kept[number] = len(groupings)
        names = [register.get(code).name if register.get(code) else code for code in draft.codes]
        stated = _most_common(draft.stated)
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


def member_names(draft: _Draft) -> set[str]:
    register = load_register()
    return {_short_name(org.name).lower() for org in map(register.get, draft.codes) if org is not None}


def _read_names_and_targets(page: _Page, drafts: list[_Draft]) -> None:
    for index, sentence in enumerate(page.sentences):
        group = page.group[index]
        if group is None or not page.in_context[index]:
            continue
        target = _target_date(sentence, page.dates_in(sentence)) if page.dates_in(sentence) else None
        every = target is not None and len(drafts) > 1 and _ALL_GROUPINGS.search(sentence.text) and not _sentence_codes(
            page.mentions_in(sentence))
        strength = 2 if target is not None and _MERGER_TARGET.search(sentence.text) else 1
        for draft in (drafts if every else [drafts[group]]) if target is not None else []:
            # "from next April" then "on 1 April 2020": keep the more precise statement of the same date; and a date
            # for the merger itself outranks one for a shadow strategic commissioner or a cluster.
            sharper = draft.target is not None and target.startswith(draft.target) and len(target) > len(draft.target)
            if draft.target is None or sharper or strength > draft.target_strength:
                draft.target, draft.target_strength = target, max(strength, draft.target_strength)
        draft = drafts[group]
        if draft.successor is None and re.search(r"CCG|ICB|Clinical|Integrated", sentence.text):
            for match in _SUCCESSOR.finditer(sentence.text):
                name = _short_name(match.group("name") or match.group("subject"))
                # A name that is already one of the members' is not a new body's name.
                if name.lower() not in member_names(draft):
                    draft.successor = name
                    break


def _page_meeting_date(page: _Page) -> str | None:
    """The date of the governing body meeting a paper or its minutes record ("Meeting held in public on 25 September").

    Only the commissioners' own papers: a council committee's minutes date the committee's meeting, not a decision
    the governing bodies took elsewhere.
    """
    heading = " ".join(sentence.text for sentence in page.sentences[:4])
    if not _BOARD_PAPER.search(heading):
        return None
    for sentence in page.sentences[:12]:
        if _HELD_MEETING.search(sentence.text) or _LABELLED_MEETING.match(sentence.text):
            days = [d for d in page.dates_in(sentence) if d.date.precision == "day"]
            if days:
                return days[0].date.value
    return None


def _read_events(page: _Page, groupings: list[Grouping], kept: dict[int, int],
                 register: Register) -> tuple[list[Event], dict[int, str]]:
    events: list[Event] = []
    hints: dict[int, str] = {}
    vote_dates: list[tuple[int, str]] = []
    decision_dates: list[tuple[int, EventType, str]] = []
    meeting_day = _page_meeting_date(page)
    council = bool(_COUNCIL_PAGE.search(page.text))
    last_dated: str | None = None
    list_kinds: list[EventType] = []
    threshold: float | None = None
    first_group = min(kept)
    for index, sentence in enumerate(page.sentences):
        group = page.group[index]
        own_dates = page.dates_in(sentence)
        if index and page.dates_in(page.sentences[index - 1]):
            last_dated = page.dates_in(page.sentences[index - 1])[-1].date.value
        labelled = (_LABELLED_MEETING.match(sentence.text) or (index < 12 and _MINUTES_HEADER.search(sentence.text))) and [
            d for d in own_dates if d.date.precision == "day"]
        if labelled and group is None:
            group = first_group
        if group is None or group not in kept:
            continue
        number = kept[group]
        grouping = groupings[number]
        targets = [number]
        if len(groupings) > 1:
            codes = set(_sentence_codes(page.mentions_in(sentence)))
            overlapping = [n for n, g in enumerate(groupings) if codes & set(g.members)]
            if len(overlapping) > 1 and _SHARED_STEP.search(sentence.text):
                targets = overlapping  # "Six CCGs in Sussex will merge into two, after NHS England approved the plans"
            elif not codes and _ALL_GROUPINGS.search(sentence.text):
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
        if _LIST_ITEM.match(sentence.text) and list_kinds and not cues and own_dates:
            # "we will hold public meetings at:" then "- Crewe Library, 26 June, 6 – 7.30pm": one meeting per item.
            cues = [Cue(kind, 2, len(sentence.text)) for kind in list_kinds]
        elif not _LIST_ITEM.match(sentence.text):
            # A list follows "... public meetings at:" or a heading such as "Come to a public meeting".
            introduces = sentence.text.endswith(":") or not sentence.text.endswith((".", "!", "?"))
            list_kinds = [c.type for c in cues if c.type in (EventType.PUBLIC_MEETING, EventType.MEETING)] \
                if introduces else []
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
            nearby = " ".join(s.text for s in page.sentences[max(0, index - 2):index + 1])
            if cue.type is EventType.MEMBER_VOTE and council and not _GP_VOTERS.search(nearby):
                continue  # in council minutes "Members supported the proposal" are councillors, not GP members
            if cue.flag == "date_only":
                if date:
                    vote_dates.append((number, date))
                continue
            if cue.type is EventType.GOVERNING_BODY_DECISION and date is None:
                date = meeting_day
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
        undated = [e for e in events if e.grouping == grouping_number and e.type is kind and e.date is None]
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
