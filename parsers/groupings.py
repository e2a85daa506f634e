"""Read which groupings of CCGs/ICBs a page is about, which sentences tell their story, their names and targets."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass, field

from parsers.linker import resolve_area
from parsers.model import DateMention, OrgMention
from parsers.register import Organisation, Register, load_register, name_core
from parsers.relevance import mentions_commissioner
from parsers.sentences import Sentence
from parsers.vocab import OrgKind
from parsers.votes import NUMBER_WORDS

CONTEXT_WINDOW = 3  # sentences after a merger sentence that still talk about that merger
FOLLOW_UP_WINDOW = 10  # ... and how far a sentence naming the merger's machinery may be from one
_FOLLOW_UP = re.compile(r"\bNHS England\b|\bNHSE\b|\bapplication\b|\bthe (?:new|merged|single) (?:CCG|ICB|organisation)\b"
                        r"|\b(?:CCG|ICB)s?\b|\bgoverning bod|\bmember practices\b|\bconsultation\b|\bministerial\b"
                        r"|\bvot(?:e|ed|es|ing)\b|\bballot|\bin favour\b|\bpractices\b|\bsurvey\b|\bquestionnaire\b"
                        r"|\bhave your say\b|\bpublic meeting|\b[Ee]ngagement\b")
_NUMBER = "|".join(w for w in NUMBER_WORDS if w not in ("no", "none", "zero", "one", "a hundred"))
_COUNT = re.compile(
    rf"(?P<lead>\b(?:with|and|plus|other|another)\s+(?:the\s+)?)?\b(?P<n>\d{{1,2}}|(?i:{_NUMBER}))(?:[- ]way)?\s+"
    r"(?:(?i:local|separate|existing|current|individual|constituent|partner|NHS|member|participating|remaining|former"
    r"|merging|founding)\s+"
    r"|(?P<other>(?i:other|neighbouring|neighbour|surrounding|adjacent|nearby))\s+|[A-Z][\w’'-]+\s+|and\s+){0,4}?"
    r"(?i:CCG(?:s|['’]s|s['’])|clinical commissioning groups|ICBs|integrated care boards|(?:health\s+)?commissioning\s+"
    r"(?:bodies|organisations))\b"
)
_BOTH = re.compile(
    rf"\b(?:(?P<both>both)\s+(?:of\s+)?(?:the\s+|our\s+)?|the\s+(?P<n>\d{{1,2}}|{_NUMBER})\s+)(?:local\s+)?"
    r"(?:CCGs|ICBs|clinical commissioning groups|integrated care boards|organisations|boards|governing bodies)\b",
    re.IGNORECASE)
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
    r"|\bbe (?:created|formed|launched)(?: on| in)?|\b(?:go-live|start|effective|target|launch) date\b[^.]{0,40}?\b(?:of|is|will be|was)"
    r"|\bplanned for|\bin time for|\bscheduled for|\bexpected (?:in|on|from))\s+(?:the\s+)?$",
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
LOOKING_AHEAD = re.compile(r"\b(?:will|would|shall|to be|aims? to|plans? to|planned|expected|intends?|hopes?|deadline|due|"
                            r"propose|proposes|proposing|want)\b",
                            re.IGNORECASE)
_MERGER_TARGET = re.compile(r"\bmerg|\b(?:one|single|new) (?:CCG|ICB)\b|\bestablish|\breplac|\bcom(?:e|es|ing) into being"
                            r"|\b(?:form|become|becoming) NHS\b", re.IGNORECASE)
_POINTS_BACK = re.compile(r"^(?:It|They|This|These|The (?:merger|change|new (?:CCG|ICB|organisation|body)))\b")
LIST_ITEM = re.compile(r"^[-•·*–▪]\s")
ALL_GROUPINGS = re.compile(r"\b(?:organisations|new CCGs|new ICBs|both|all (?:\w+ )?(?:merging )?(?:CCGs|ICBs|mergers)|each of the"
                            r"|(?:two|three|four|five) mergers|into (?:two|three|four)|\d+ (?:applications|mergers)"
                            r"|the mergers|applications from)\b",
                            re.IGNORECASE)
_NOT_MEMBER = re.compile(r"\b(?:is|are|was|were|will) not (?:part|joining|included|involved|taking part)\b"
                         r"|\bnot (?:be )?(?:part of|joining|included in)\b|\bexcluded\b|\bremain (?:separate|independent)\b"
                         r"|\bnot joining\b|\bcontinue as a separate\b|\bopted out\b|\bwill stay out\b", re.IGNORECASE)


@dataclass
class Draft:
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
class Reading:
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
    if "ccg" not in low and "icb" not in low and "commissioning" not in low and "integrated care" not in low and "way" not in low \
            and "organisations" not in low and "both" not in low and "boards" not in low and "bodies" not in low:
        return None
    for match in _COUNT.finditer(sentence):
        if match.group("lead") or match.group("other"):
            continue
        # "five of the six CCGs": the count nearest the noun wins, so skip a number followed by "of".
        return _number(match.group("n"))
    match = _SIX_WAY.search(sentence)
    if match:
        return _number(match.group("n"))
    # "both CCGs", "both of the organisations", "the two organisations": a pair told only by number.
    match = _BOTH.search(sentence)
    if match:
        return 2 if match.group("both") else _number(match.group("n"))
    return None


def sentence_codes(mentions: list[OrgMention], loose: bool = False) -> tuple[str, ...]:
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
        if re.search(r"\bby\s+(?:the\s+)?$", lead, re.IGNORECASE) and not LOOKING_AHEAD.search(sentence.text):
            continue  # "approved the plans by March 2018" is when it happened, not when it takes effect
        if _TARGET_LEAD.search(lead) or (april and _APRIL_LEAD.search(lead)):
            return mention.date.value
    return None


_HEADING_WORDS = re.compile(
    r"^(?:\d+(?:\.\d+)*[.:)]?\s+)?(?:background|purpose|introduction|summary|update|next steps|what happens next|decision|"
    r"recommendations?|resolved|minutes|timeline|key dates|questions|answers|faqs?|conclusion|report|options|"
    r"future arrangements|the proposal|have your say|how to get involved|contact|more information|further information)\b",
    re.IGNORECASE)
_ON_TOPIC = re.compile(r"merg|\bCCGs?\b|\bICBs?\b|commission|consult|engag|\bvot|ballot|NHS England|application|cluster"
                       r"|governing bod|integrated care|together|single|organisation|approv|decision|proposal|meeting|event"
                       r"|views|your say|involved|public", re.IGNORECASE)


# Headings of page furniture after a story: what follows is not the story.
_POSTPONED_TO = re.compile(r"\b(?:delay\w*|defer\w*|postpon\w*|put back|pushed back|moved back)\b[^.]{0,60}?\b(?:until|to|till)\s"
                           r"|\b(?:will|would|is to|are to) now (?:formally )?(?:merge|take place|happen|go ahead|go live|launch|start"
                           r"|take effect|be (?:established|created|formed))\s+(?:in|on|from)\s",
                           re.IGNORECASE)
# "delayed by a year" with no new date: the target moves on by that much.
_DELAYED_BY_YEAR = re.compile(r"\b(?:delay\w*|put back|pushed back|deferr?\w*|postpon\w*)\s+(?:by\s+)?(?:a|one|twelve months|12 months)"
                              r"(?:\s+year)?\b", re.IGNORECASE)
_JOINS_TOO = re.compile(r"\b(?:join(?:s|ed|ing)?|also|too|as well|along with|alongside)\b", re.IGNORECASE)
_FURNITURE_HEADING = re.compile(r"^(?:comments?(?: \(\d+\))?|related (?:stories|articles|links|news)|read more|more news|"
                                r"share this(?: page| article)?|notes to editors|follow us|most read|you may also like|"
                                r"latest news|sign up|newsletter)\s*:?$", re.IGNORECASE)


def _new_topic(text: str) -> bool:
    """A headline that moves on ("Council opens new leisure centre", "Item 7: Stroke services review").

    A short line without a full stop, not a list item, byline, label or date line, about none of the merger's words.
    """
    if _FURNITURE_HEADING.match(text):
        return True
    if len(text) > 90 or text.endswith((".", "!", "?", ";", ",", "”", '"')) or LIST_ITEM.match(text):
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


_WITH_PARTNER = re.compile(r"\b(?:merg\w*|cluster\w*|combin\w*|join\w*|amalgamat\w*|partner\w*)\s+(?:together\s+)?with\b",
                           re.IGNORECASE)


def _home_organisation(page: Reading) -> str | None:
    """The CCG or ICB whose page this is: the one organisation its heading (first two lines) names."""
    for sentence in page.sentences[:2]:
        own = [m for m in page.mentions_in(sentence) if not m.area and len(m.codes) == 1
               and m.kind in (OrgKind.CCG, OrgKind.ICB)]
        if own:
            return own[0].codes[0] if len({m.codes[0] for m in own}) == 1 else None
    return None


def read_groupings(page: Reading) -> list[Draft]:
    """Find the groupings: member sets named in merger sentences, and which grouping each sentence is about."""
    drafts: list[Draft] = []
    last_merger = -10
    current: int | None = None
    title_is_merger = page.merger[0]
    home = _home_organisation(page)
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
        codes = sentence_codes(own)
        if home and len(codes) == 1 and home not in codes and page.merger[index] and _WITH_PARTNER.search(sentence.text):
            # On an ICB's or CCG's own page, "the proposal to cluster with NHS Norfolk and Waveney ICB" pairs it with us.
            codes = (home, *codes)
        loose = sentence_codes(own, loose=True)
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
                drafts.append(Draft())
                matched = len(drafts) - 1
        if matched is None and page.merger[index] and not drafts and (mentions_commissioner(sentence.text) or stated):
            # A merger with no resolvable names yet ("a single CCG", "the three CCGs"): keep what is stated.
            drafts.append(Draft())
            matched = len(drafts) - 1
        if matched is None and current is not None and not codes:
            matched = current
        if matched is None and current is not None and len(codes) == 1 and page.merger[index] and _JOINS_TOO.search(
                sentence.text) and not _NOT_MEMBER.search(sentence.text):
            # "NHS Wirral CCG will also join the merger": one more member of the grouping in hand.
            drafts[current].absorb(codes)
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


def _place_unit(drafts: list[Draft], codes: tuple[str, ...], loose: tuple[str, ...], own: list[OrgMention],
                stated: int | None, merger: bool, strong: bool) -> int:
    """Put one set of members into the grouping it overlaps, or a new one; returns that grouping's number."""
    matched = next((i for i, d in enumerate(drafts) if codes and d.overlaps(codes)), None)
    if matched is None:
        matched = next((i for i, d in enumerate(drafts) if not d.codes), None)
    if matched is None:
        drafts.append(Draft())
        matched = len(drafts) - 1
    draft = drafts[matched]
    if strong:
        draft.absorb(codes)
    for ref in (m for m in own if m.area):
        draft.areas.append(ref.area)
        if ref.stated_count and ref.resolved:
            draft.stated.append(ref.stated_count)
    return matched


def _split_drafts(drafts: list[Draft], page: Reading) -> list[Draft]:
    """ "Six CCGs in Sussex will merge into two" then two named lists: two groupings, not one of six."""
    result: list[Draft] = []
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
            part = Draft(codes=list(named), successor=None)
            renumber[number].append(len(result))
            result.append(part)
            page.group[index] = len(result) - 1
        # Sentences about the whole set (and any later ones) stay with the first part unless they name another.
    old_groups = list(page.group)
    for index, group in enumerate(old_groups):
        if group is None or group >= len(drafts):
            continue
        parts = renumber[group]
        codes = set(sentence_codes(page.mentions_in(page.sentences[index])))
        chosen = next((p for p in parts if codes & set(result[p].codes)), parts[0])
        page.group[index] = chosen
    return result


def merge_drafts(drafts: list[Draft], page: Reading) -> list[Draft]:
    """Groupings that share members are one grouping seen twice."""
    canonical: list[int] = []
    merged: list[Draft] = []
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


def borrow_members(draft: Draft, page: Reading) -> None:
    """A grouping named only as "a single CCG across X" or "the three CCGs": members from the area named."""
    stated = most_common(draft.stated)
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
             if len(codes := sentence_codes(page.mentions_in(sentence))) >= 2 and (stated is None or len(codes) == stated)]
    if named:
        draft.absorb(max(named)[3])
        return
    if stated:
        # "The three CCGs agreed to merge", the CCGs named one by one elsewhere on the page (quotes, contacts).
        spread = tuple(dict.fromkeys(c for m in page.mentions if not m.area and m.kind is not OrgKind.STP
                                     and len(m.codes) == 1 for c in m.codes))
        if len(spread) == stated:
            draft.absorb(spread)
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


def most_common(values: list) -> object | None:
    return max(dict.fromkeys(values), key=values.count) if values else None


def short_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip().rstrip(",")
    name = re.sub(r"Clinical Commissioning Group$", "CCG", name)
    return re.sub(r"Integrated Care Board$", "ICB", name)


def successor_from_members(draft: Draft, register: Register) -> None:
    """A member that is the merged body itself ("NHS Lincolnshire CCG was established when ... merged") is the successor."""
    for code in list(draft.codes):
        org = register.get(code)
        if org is None:
            continue
        predecessors = {p.code for p in register.predecessors(code)}
        if predecessors & set(draft.codes):
            draft.codes.remove(code)
            draft.successor = draft.successor or short_name(org.name)


@functools.cache
def _ccgs_in_footprint(footprint: str | None) -> tuple[tuple[Organisation, str], ...]:
    """Every CCG (open at any time) of an STP/ICS footprint, with the core of its name; the register never changes."""
    return tuple((org, name_core(org.name)) for org in load_register().organisations
                 if org.kind == OrgKind.CCG and org.footprint_code == footprint)


def place_members(page: Reading, draft: Draft, register: Register) -> None:
    """Members named only by place in a vote sentence ("Practices in Wolverhampton have voted against their CCG ...")."""
    if not draft.codes:
        return
    footprints = {register.get(c).footprint_code for c in draft.codes if register.get(c)}
    # Only bodies that existed alongside the members: not the CCG they later became ("Kent and Medway").
    successors = {register.get(c).successor for c in draft.codes if register.get(c)}
    cores = [(org, core) for footprint in footprints for org, core in _ccgs_in_footprint(footprint)
             if org.code not in draft.codes and org.code not in draft.excluded and org.code not in successors
             and (page.published is None or org.open_on(page.published))]
    if not cores:
        return
    for index, sentence in enumerate(page.sentences):
        if not page.in_context[index]:
            continue
        voting = re.search(r"\bvot|\bballot|\bjoin", sentence.text, re.IGNORECASE)
        if not (voting or page.merger[index]):
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
        low = plain.lower()
        for org, core in cores:
            if core and core in low and re.search(rf"(?<![\w-]){re.escape(core)}(?![\w-])", low):
                draft.absorb((org.code,))


def member_names(draft: Draft) -> set[str]:
    register = load_register()
    return {short_name(org.name).lower() for org in map(register.get, draft.codes) if org is not None}


def read_names_and_targets(page: Reading, drafts: list[Draft]) -> None:
    for index, sentence in enumerate(page.sentences):
        group = page.group[index]
        if group is None or not page.in_context[index]:
            continue
        target = _target_date(sentence, page.dates_in(sentence)) if page.dates_in(sentence) else None
        postponed = _POSTPONED_TO.search(sentence.text)
        if postponed:
            # "agreed to delay the merger until April 2021": the new date replaces the old target.
            later = [d for d in page.dates_in(sentence) if d.start - sentence.start >= postponed.end() - 2
                     and d.date.precision != "year"]
            if later:
                drafts[group].target, drafts[group].target_strength = later[0].date.value, 3
                continue
        if target is None and drafts[group].target and drafts[group].target_strength < 3 and _DELAYED_BY_YEAR.search(
                sentence.text):
            old = drafts[group].target
            drafts[group].target, drafts[group].target_strength = f"{int(old[:4]) + 1:04d}{old[4:]}", 3
            continue
        every = target is not None and len(drafts) > 1 and ALL_GROUPINGS.search(sentence.text) and not sentence_codes(
            page.mentions_in(sentence))
        strength = 2 if target is not None and _MERGER_TARGET.search(sentence.text) else 1
        for draft in (drafts if every else [drafts[group]]) if target is not None else []:
            # "from next April" then "on 1 April 2020": keep the more precise statement of the same date; and a date
            # for the merger itself outranks one for a shadow strategic commissioner or a cluster.
            sharper = draft.target is not None and target.startswith(draft.target) and len(target) > len(draft.target)
            if draft.target is None or sharper or strength > draft.target_strength:
                draft.target, draft.target_strength = target, max(strength, draft.target_strength)
        draft = drafts[group]
        if " | " in sentence.text:
            _read_table_row(sentence, page.dates_in(sentence), draft)
        if draft.successor is None and re.search(r"CCG|ICB|Clinical|Integrated", sentence.text):
            for match in _SUCCESSOR.finditer(sentence.text):
                name = short_name(match.group("name") or match.group("subject"))
                # A name that is already one of the members' is not a new body's name.
                if name.lower() not in member_names(draft):
                    draft.successor = name
                    break


def _read_table_row(row: Sentence, dates: list[DateMention], draft: Draft) -> None:
    """A row of a table of mergers ("NHS A CCG, NHS B CCG | NHS AB CCG | 1 April 2020"): the new name and its date."""
    members = member_names(draft)
    if draft.successor is None:
        for cell in row.text.split(" | "):
            names = re.findall(_ORG_NAME, cell)
            # A cell naming one body that is not a member names the new one.
            if len(names) == 1 and short_name(names[0]).lower() not in members:
                draft.successor = short_name(names[0])
                break
    if draft.target is None:
        april = [d for d in dates if d.date.value[5:7] == "04" and d.range_end is None and d.date.precision != "year"]
        if april:
            draft.target = april[0].date.value
