"""Find dates in UK English text, keeping their precision, ranges and relative forms resolved from the page date."""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass

from parsers.model import DateMention, PartialDate

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

# Full names first so the alternation prefers "September" over "Sep".
_MONTH_NAMES = sorted(MONTHS, key=len, reverse=True)
MONTH = r"(?:" + "|".join(n.capitalize() for n in _MONTH_NAMES) + r"|" + "|".join(n.upper() for n in _MONTH_NAMES) + r")"
_M = rf"(?P<{{}}>{MONTH})\.?"
WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)"
ORD = r"(?:st|nd|rd|th)?"
YEAR = r"(?:19[89]\d|20[0-4]\d)"
_WEEKDAYS = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_WEEKDAY_NUMBER = {name.lower(): i for i, name in enumerate(_WEEKDAYS.split("|"))}
# Words that put a sentence in the future or the past, for choosing the year of "in January" or the week of "on Friday".
_FUTURE = re.compile(r"\b(?:will|shall|is to|are to|(?:is|are) (?:due|set|expected|scheduled|planned|going) to|plans? to|aims? to"
                     r"|intends? to|would|next|coming|upcoming|forthcoming|proposed to|later this|(?:is|are) being|to be)\b",
                     re.IGNORECASE)
_PAST = re.compile(r"(?<!\bbe )(?<!\bbeing )\b(?:was|were|had|did|has been|have been|last|ago|earlier|agreed|approved|voted|met|held|decided|closed"
                   r"|submitted|announced|confirmed|took place|began|started|launched|opened|ended|said|backed|supported"
                   r"|rejected|balloted|merged|became|resolved|considered|received|noted|endorsed|ratified|told|gave|given|went|came|took)\b",
                   re.IGNORECASE)

# Order matters: longer, more specific forms are tried first and claim their span.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # "April 1 next year", "1 April next year", "April next year": claimed before the day-month forms.
    ("month_rel", re.compile(
        rf"\b(?:(?P<d0>[0-3]?\d){ORD}\s+(?:of\s+)?)?{_M.format('m')}(?:\s+(?P<d>[0-3]?\d){ORD}(?!\d))?,?\s+"
        rf"(?P<rel>next|last|this)\s+year\b")),
    ("iso", re.compile(rf"\b(?P<y>{YEAR})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    # 15/07/2019, 15.07.19 - but never a time such as 3.30 (only two parts) or a version number.
    ("numeric", re.compile(r"(?<![\d.:/])(?P<d>[0-3]?\d)[/.](?P<m>[01]?\d)[/.](?P<y>(?:19|20)\d\d|\d\d)(?![\d/]|\.\d)")),
    # 19-30 June 2019: a day range inside one month.
    ("dayspan", re.compile(
        rf"\b(?P<d>[0-3]?\d){ORD}\s*(?:-|–|—|to|and)\s*(?P<d2>[0-3]?\d){ORD}\s+(?:of\s+)?{_M.format('m')}"
        rf"(?:,?\s+(?P<y>{YEAR}))?\b")),
    # Thursday, 13th June 2019 / 1 April 2020 / 20 June
    ("dmy", re.compile(rf"\b{WEEKDAY}?(?P<d>[0-3]?\d){ORD}\s+(?:of\s+)?{_M.format('m')}(?:,?\s+(?P<y>{YEAR}))?\b")),
    # 04-Mar-2019, as date columns in spreadsheets and registers print it
    ("dmy", re.compile(rf"\b(?P<d>[0-3]?\d)-{_M.format('m')}-(?P<y>{YEAR})\b")),
    # June 20, 2019 / June 20 (not "June 2019", which is month precision)
    ("mdy", re.compile(rf"\b{WEEKDAY}?{_M.format('m')}\s+(?P<d>[0-3]?\d){ORD}(?!\d)(?:,?\s+(?P<y>{YEAR}))?\b")),
    # "May–July 2019" at the start of a line: the first month of a span, its year borrowed from the second.
    ("month", re.compile(rf"\b{_M.format('m')}(?=\s*(?:[-–—]|to|until|till)\s*{MONTH}\b)")),
    ("my", re.compile(rf"\b{_M.format('m')},?\s+(?P<y>{YEAR})\b")),
    # Relative month expressions: "next April", "April next year", "last April", "this April".
    ("rel_month", re.compile(rf"\b(?P<rel>next|last|this|coming)\s+{_M.format('m')}\b")),
    # "from the new financial year": the NHS year starts on 1 April.
    ("rel_fy", re.compile(r"\b(?:the )?(?:start of the )?(?P<rel>new|next|coming|following) financial year\b", re.IGNORECASE)),
    ("rel_year", re.compile(r"\b(?P<rel>next|last|this|the following|the previous|the coming)\s+(?:financial\s+)?year\b", re.IGNORECASE)),
    ("rel_month_unit", re.compile(r"\b(?P<rel>next|last|this)\s+month\b", re.IGNORECASE)),
    ("rel_day", re.compile(r"\b(?P<rel>today|tonight|this evening|this morning|this afternoon|yesterday|tomorrow)\b", re.IGNORECASE)),
    # "next spring", "this autumn", "last winter": the year the season falls in.
    ("rel_season", re.compile(r"\b(?P<rel>next|last|this|this coming|the coming)\s+(?P<season>spring|summer|autumn|winter)\b",
                              re.IGNORECASE)),
    # "last Thursday", "on Friday", "next Tuesday": a day near the page's own date.
    ("rel_weekday", re.compile(rf"\b(?P<rel>last|next|this|on|this coming|(?<=[Oo]n )this|by)\s+(?P<wd>{_WEEKDAYS})\b"
                               rf"(?!,?\s+(?:the\s+)?[0-3]?\d)", re.IGNORECASE)),
    ("season", re.compile(rf"\b(?P<season>spring|summer|autumn|winter)\s+(?:of\s+)?(?P<y>{YEAR})\b", re.IGNORECASE)),
    # A year alone only after a preposition; the lead-in is matched but not part of the mention (see _LEAD_GROUPS).
    ("year", re.compile(
        rf"\b(?:in|by|during|since|from|until|of|for|early|late|mid|end of)[ -](?P<y>{YEAR})\b(?!/\d|-\d\d)")),
    # A month name alone; "May" and "March" double as words, so only capitalised and with a date-ish lead-in.
    ("month", re.compile(
        rf"(?:\b(?:[Ii]n|[Ff]rom|since|until|till|by|of|early|late|mid|end of|during|before|after|between|and|to|or|on)[ -]"
        rf"|[-–—] ?){_M.format('m')}\b(?![-–—]\d)")),
]
# Patterns whose match includes a lead-in word: the mention starts at this group.
_LEAD_GROUPS = {"year": "y", "month": "m"}

_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|until|till|through|and)\s*$")
_RANGE_LEAD = re.compile(r"\b(?:between|from)\s*$", re.IGNORECASE)
_SEASON_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}


@dataclass
class _Raw:
    """A mention before years are inferred: missing parts stay None."""

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    kind: str
    end_day: int | None = None  # for "19-30 June"
    relative: bool = False


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        if month is None:
            return False
        return 1 <= day <= calendar.monthrange(year if year else 2000, month)[1]
    return True


def _year4(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _partial(year: int, month: int | None = None, day: int | None = None) -> PartialDate:
    if month is None:
        return PartialDate(f"{year:04d}")
    if day is None:
        return PartialDate(f"{year:04d}-{month:02d}")
    return PartialDate(f"{year:04d}-{month:02d}-{day:02d}")


def _relative(kind: str, match: re.Match[str], page: dt.date | None) -> _Raw | None:
    """Resolve "next April", "last year", "this evening" against the page's own date."""
    start, end = match.span()
    if page is None:
        return None
    rel = (match.groupdict().get("rel") or "").lower()
    if kind == "rel_season":
        month = _SEASON_MONTH[match.group("season").lower()]
        if rel in ("next", "this coming", "the coming"):
            year = page.year if page.month < month else page.year + 1
        elif rel == "last":
            year = page.year if page.month > month + 2 else page.year - 1
        else:
            year = page.year
        return _Raw(start, end, year, None, None, kind, relative=True)
    if kind == "rel_weekday":
        wanted = _WEEKDAY_NUMBER[match.group("wd").lower()]
        ahead = (wanted - page.weekday()) % 7
        behind = (page.weekday() - wanted) % 7
        if rel == "next" or rel == "this coming" or rel == "by":
            shift = ahead or 7
        elif rel == "last":
            shift = -(behind or 7)
        else:
            # "on Friday" looks back in a story of what happened, forward in one of what will.
            lo, hi = _sentence_bounds(match.string, start)
            future, past = _tense(match.string, lo, hi, start)
            future = future and not past
            shift = ahead if future else -behind
        day = page + dt.timedelta(days=shift)
        return _Raw(start, end, day.year, day.month, day.day, kind, relative=True)
    if kind == "rel_day":
        shift = {"yesterday": -1, "tomorrow": 1}.get(rel, 0)
        day = page + dt.timedelta(days=shift)
        return _Raw(start, end, day.year, day.month, day.day, kind, relative=True)
    if kind == "rel_fy":
        year = page.year + 1 if page.month >= 4 else page.year
        return _Raw(start, end, year, 4, None, kind, relative=True)
    if kind == "rel_year":
        shift = {"next": 1, "the following": 1, "the coming": 1, "last": -1, "the previous": -1}.get(rel, 0)
        return _Raw(start, end, page.year + shift, None, None, kind, relative=True)
    if kind == "rel_month_unit":
        shift = {"next": 1, "last": -1}.get(rel, 0)
        index = page.year * 12 + page.month - 1 + shift
        return _Raw(start, end, index // 12, index % 12 + 1, None, kind, relative=True)
    month = MONTHS[match.group("m").lower().rstrip(".")]
    if kind == "month_rel":
        shift = {"next": 1, "last": -1}.get(rel, 0)
        day_text = match.group("d") or match.group("d0")
        day = int(day_text) if day_text else None
        if day is not None and not _valid(page.year + shift, month, day):
            return None
        return _Raw(start, end, page.year + shift, month, day, kind, relative=True)
    # rel_month: "next April" is the first April after the page's month; "last April" the one before.
    if rel in ("next", "coming"):
        year = page.year if month > page.month else page.year + 1
    elif rel == "last":
        year = page.year if month < page.month else page.year - 1
    else:
        year = page.year
    return _Raw(start, end, year, month, None, kind, relative=True)


_DIGIT = re.compile(r"\d+")
_MONTH_WORD = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)")
# Searched in lower-cased text, without word boundaries: a cheap test that lets a few false hits through.
_RELATIVE_WORD = re.compile(r"(?:next|last|this|coming|following|previous|today|tonight|yesterday|tomorrow|new financial)")
_WEEKDAY_WORD = re.compile(r"(?:mon|tues|wednes|thurs|fri|satur|sun)day")
# What a line must contain for a pattern to have a chance: most lines of prose hold no date at all.
_NEEDS = {"iso": "digit", "numeric": "digit", "dayspan": "digit", "dmy": "digit", "mdy": "digit", "my": "digit",
          "season": "digit", "year": "digit", "rel_fy": "relative", "rel_month": "relative", "month_rel": "relative", "rel_year": "relative",
          "rel_month_unit": "relative", "rel_day": "relative", "month": "month", "rel_season": "relative",
          "rel_weekday": "weekday"}


def _lines_with(text: str) -> dict[str, list[tuple[int, int]]]:
    """Spans of the lines holding a digit, a month name or a relative word (one pass over the text for each)."""
    starts = [0]
    position = text.find("\n")
    while position != -1:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    spans: dict[str, list[tuple[int, int]]] = {}
    lowered = text.lower()
    for need, anchor, haystack in (("digit", _DIGIT, text), ("month", _MONTH_WORD, text),
                                   ("relative", _RELATIVE_WORD, lowered), ("weekday", _WEEKDAY_WORD, lowered)):
        found: list[tuple[int, int]] = []
        match = anchor.search(haystack)
        while match:
            # One hit is enough for a line: jump to the start of the next one.
            line = bisect.bisect_right(starts, match.start()) - 1
            end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
            found.append((starts[line], end))
            match = anchor.search(haystack, end + 1)
        spans[need] = found
    return spans


def _matches(pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]):
    for start, end in spans:
        yield from pattern.finditer(text, start, end)


def _scan(text: str, page: dt.date | None) -> list[_Raw]:
    taken = bytearray(len(text))
    found: list[_Raw] = []
    lines = _lines_with(text)
    for kind, pattern in _PATTERNS:
        for match in _matches(pattern, text, lines[_NEEDS[kind]]):
            start, end = match.span()
            if kind in _LEAD_GROUPS:
                start = match.start(_LEAD_GROUPS[kind])
            if any(taken[start:end]):
                continue
            raw: _Raw | None
            groups = match.groupdict()
            if kind.startswith("rel") or kind == "month_rel":
                raw = _relative(kind, match, page)
                if raw is None:
                    # Unresolvable without a page date, but the words are still not a date of another kind.
                    taken[start:end] = b"\x01" * (end - start)
                    continue
            elif kind == "season" or kind == "year":
                raw = _Raw(start, end, int(groups["y"]), None, None, kind)
            else:
                month_text = groups.get("m")
                month = int(month_text) if month_text and month_text.isdigit() else MONTHS.get(
                    (month_text or "").lower().rstrip("."))
                year = _year4(groups["y"]) if groups.get("y") else None
                day = int(groups["d"]) if groups.get("d") else None
                end_day = int(groups["d2"]) if groups.get("d2") else None
                if not _valid(year or 2000, month, day) or (end_day and not _valid(year or 2000, month, end_day)):
                    continue
                raw = _Raw(start, end, year, month, day, kind, end_day=end_day)
            taken[start:end] = b"\x01" * (end - start)
            found.append(raw)
    found.sort(key=lambda r: r.start)
    return found


def _sentence_bounds(text: str, position: int) -> tuple[int, int]:
    """The stretch of text between sentence stops around a position, for borrowing a year."""
    left = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position))
    right_candidates = [i for i in (text.find(". ", position), text.find("\n", position)) if i != -1]
    return left + 1, min(right_candidates) if right_candidates else len(text)


def _infer_years(text: str, raws: list[_Raw], page: dt.date | None) -> None:
    """Give year-less mentions ("in May", "June 20") the year of a neighbour in the sentence, else the page's."""
    for index, raw in enumerate(raws):
        if raw.year is not None:
            continue
        lo, hi = _sentence_bounds(text, raw.start)
        later = [r for r in raws[index + 1:] if r.start < hi and r.year is not None and not r.relative]
        earlier = [r for r in raws[:index] if r.start >= lo and r.year is not None and not r.relative]
        # A year is borrowed from close by ("in May and ... July 2019"); far off, the page's date is the better guide.
        later = [r for r in later if r.start - raw.end <= 40 or page is None]
        earlier = [r for r in earlier if raw.start - r.end <= 40 or page is None]
        if later:
            nxt = later[0]
            # "May ... July 2019": same year unless the month comes after the later mention's month.
            raw.year = nxt.year if (nxt.month is None or raw.month <= nxt.month) else nxt.year - 1
        elif earlier:
            prev = earlier[-1]
            raw.year = prev.year if (prev.month is None or raw.month >= prev.month) else prev.year + 1
        elif page is not None:
            future, past = _tense(text, lo, hi, raw.start)
            here = (page.year, page.month, page.day if raw.day is not None else 0)
            if future != past:
                # "will merge in April" on a June page is next April; "agreed in January" on a June page this January.
                years = [y for y in (page.year - 1, page.year, page.year + 1) if _valid(y, raw.month, raw.day)]
                mine = [(y, raw.month, raw.day or 0) for y in years]
                pick = [m for m in mine if m >= here] if future else [m for m in mine if m <= here]
                if pick:
                    raw.year = (min(pick) if future else max(pick))[0]
                    continue
            # Otherwise the reading closest to the page's own date: "June 20" in a 13 June 2019 story is 2019.
            best = None
            for year in (page.year - 1, page.year, page.year + 1):
                if not _valid(year, raw.month, raw.day):
                    continue
                candidate = dt.date(year, raw.month, raw.day or 15)
                distance = abs((candidate - page).days)
                if best is None or distance < best[0]:
                    best = (distance, year)
            raw.year = best[1] if best else None
        else:
            # No page date: "1 April" on a page that spoke of "April 2020" is that April.
            same = [r for r in raws if r.year is not None and r.month == raw.month and not r.relative]
            if same:
                raw.year = min(same, key=lambda r: abs(r.start - raw.start)).year


def _tense(text: str, lo: int, hi: int, position: int) -> tuple[bool, bool]:
    """Whether the words governing a date speak of the future or the past: the nearest tense word before the date
    in its sentence decides ("will merge next April, after NHS England gave the go-ahead on 16 October"), else the
    whole sentence when it is all one tense."""
    before = text[max(lo, position - 70):position]
    marks = [(m.end(), True) for m in _FUTURE.finditer(before)] + [(m.end(), False) for m in _PAST.finditer(before)]
    if marks:
        nearest = max(marks)[1]
        return nearest, not nearest
    sentence = text[lo:hi]
    return _FUTURE.search(sentence) is not None, _PAST.search(sentence) is not None


def page_date_value(published: PartialDate | None) -> dt.date | None:
    """The page's own date as a calendar day for resolving relative words; coarse dates take their middle."""
    if published is None:
        return None
    parts = [int(p) for p in published.value.split("-")]
    year, month, day = (parts + [7, 1])[:3] if len(parts) == 1 else (parts + [15])[:3]
    return dt.date(year, month, day)


def find_dates(text: str, page_date: PartialDate | dt.date | None = None) -> list[DateMention]:
    """All dates and date ranges in the text in order; relative ones only when the page date resolves them."""
    page = page_date_value(page_date) if isinstance(page_date, PartialDate) else page_date
    raws = _scan(text, page)
    _infer_years(text, raws, page)
    mentions: list[DateMention] = []
    index = 0
    while index < len(raws):
        raw = raws[index]
        if raw.year is None:
            index += 1
            continue
        start, end = raw.start, raw.end
        date = _partial(raw.year, raw.month, raw.day)
        range_end = _partial(raw.year, raw.month, raw.end_day) if raw.end_day else None
        if range_end is None and index + 1 < len(raws):
            nxt = raws[index + 1]
            gap = text[raw.end:nxt.start]
            if nxt.year is not None and _RANGE_JOIN.fullmatch(" " + gap) and len(gap) <= 12:
                is_and = gap.strip() == "and"
                lead = _RANGE_LEAD.search(text[max(0, raw.start - 10):raw.start])
                # "June and July" is a range only after "between"; "to"/"-" always join.
                if not is_and or lead:
                    range_end = _partial(nxt.year, nxt.month, nxt.day)
                    if raw.day is not None and nxt.day is None and nxt.month is not None:
                        range_end = _partial(nxt.year, nxt.month)
                    end = nxt.end
                    index += 1
        if range_end is not None and range_end.value < date.value:
            range_end = None
        lead = _RANGE_LEAD.search(text[max(0, start - 10):start]) if range_end else None
        if lead:
            start = max(0, start - 10) + lead.start()
        mentions.append(DateMention(date=date, start=start, end=end, text=text[start:end], range_end=range_end))
        index += 1
    return mentions
