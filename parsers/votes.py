"""Read vote counts from a sentence: percentages for, counts for and against, abstentions, turnout and threshold."""

from __future__ import annotations

import re

from parsers.model import Vote

NUMBER_WORDS = {
    "no": 0, "none": 0, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100,
}
_NUM = r"(?:\d{1,4}|" + "|".join(sorted((w for w in NUMBER_WORDS if w not in ("no", "none")), key=len, reverse=True)) + r")"
_PCT = r"(?P<{}>\d{{1,3}}(?:\.\d+)?)\s*(?:%|per ?cent\b|percent\b)"
_FRACTIONS = {"two thirds": 66.7, "three quarters": 75.0, "half": 50.0, "a simple majority": 50.0, "simple majority": 50.0}

_SCORE = re.compile(rf"\b(?:by\s+)?(?P<a>{_NUM})\s+(?:votes?\s+)?(?:to|-|–)\s+(?P<b>{_NUM})\b(?!\s*(?:%|per ?cent|pm|am|\.))", re.IGNORECASE)
_NOT_VOTERS = r"(?!CCGs|memberships|groups|ICBs|boards|governing|per|%)"
_COUNT_FOR = re.compile(
    rf"\b(?P<n>{_NUM})\s+(?:{_NOT_VOTERS}\w+\s+){{0,3}}?(?:voted |were |was )?(?:in favour|for\b|backed|supported|said yes|approved|votes? for)",
    re.IGNORECASE)
_COUNT_AGAINST = re.compile(
    rf"\b(?P<n>{_NUM})\s+(?:{_NOT_VOTERS}\w+\s+){{0,3}}?(?:voted |were |was )?(?:against|opposed|rejected|said no|votes? against)", re.IGNORECASE)
_ABSTAIN = re.compile(rf"\b(?P<n>{_NUM})\s+(?:\w+\s+){{0,2}}?abst(?:ain|ention)\w*|\babstentions?\s*(?:of|:)?\s*(?P<m>{_NUM})\b",
                      re.IGNORECASE)
_PCT_THRESHOLD = re.compile(rf"{_PCT.format('got')}\s+(?:[\w,]+\s+){{0,3}}?against\s+(?:a|the)\s+(?:required\s+|needed\s+)?"
                            rf"{_PCT.format('need')}\s+(?:threshold|target|requirement|bar)", re.IGNORECASE)
_PCT_FOR = re.compile(
    rf"{_PCT.format('p')}\s+(?:of\s+(?:\w+\s+){{0,4}}?)?(?:\w+\s+){{0,2}}?(?:voted\s+|were\s+|was\s+)?(?:in favour|for\b|backed|supported|"
    rf"approved|said yes|in support|voted yes|support)"
    rf"|(?:in favour|support|backing|yes vote|vote for)\w*\s+(?:of|from|was|by|at)\s+(?:\w+\s+){{0,2}}?{_PCT.format('q')}"
    rf"|(?:backed|supported|approved|voted for|endorsed)\s+(?:\w+\s+){{0,3}}?by\s+{_PCT.format('r')}",
    re.IGNORECASE)
_PCT_AGAINST = re.compile(
    rf"{_PCT.format('p')}\s+(?:of\s+(?:\w+\s+){{0,4}}?)?(?:\w+\s+){{0,2}}?(?:voted\s+|were\s+|was\s+)?(?:against|opposed|rejected|said no|voted no)",
    re.IGNORECASE)
_TURNOUT = re.compile(rf"\bturnout\s+(?:of|was|at|:)?\s*{_PCT.format('p')}|{_PCT.format('q')}\s+turnout", re.IGNORECASE)
_THRESHOLD = re.compile(
    rf"\b(?:threshold|target|requirement|majority)\s+(?:of|was|at|:)?\s*{_PCT.format('p')}"
    rf"|{_PCT.format('q')}\s+(?:threshold|majority|needed|required)"
    rf"|\b(?:needed|required|requires|need|needs|require)\s+(?:the support of\s+|the backing of\s+|at least\s+|a\s+)*"
    rf"(?:{_PCT.format('r')}|(?P<f>two[- ]thirds|three[- ]quarters|half|a simple majority|simple majority))",
    re.IGNORECASE)


def number(text: str) -> int | None:
    """"13" or "thirteen" as an integer."""
    text = text.lower().strip()
    if text.isdigit():
        return int(text)
    return NUMBER_WORDS.get(text)


def _first(pattern: re.Pattern[str], sentence: str, *groups: str) -> str | None:
    match = pattern.search(sentence)
    if not match:
        return None
    for group in groups:
        if match.groupdict().get(group):
            return match.group(group)
    return None


def read_vote(sentence: str, against: bool, member_code: str | None = None) -> Vote | None:
    """Counts stated in a vote sentence; `against` says which side won, for reading "13 to one"."""
    vote = Vote(member_code=member_code)
    threshold_pair = _PCT_THRESHOLD.search(sentence)
    if threshold_pair:
        vote.percent_for = float(threshold_pair.group("got"))
        vote.threshold = float(threshold_pair.group("need"))
    threshold_span = _THRESHOLD.search(sentence)
    pct_match = _PCT_FOR.search(sentence)
    # "needs the support of at least 50%" is the bar, not a result.
    if pct_match and threshold_span and pct_match.start() < threshold_span.end() and threshold_span.start() < pct_match.end():
        pct_match = None
    pct_for = (pct_match.group("p") or pct_match.group("q") or pct_match.group("r")) if pct_match else None
    if pct_for and vote.percent_for is None:
        vote.percent_for = float(pct_for)
    pct_against = _first(_PCT_AGAINST, sentence, "p")
    if pct_against and vote.percent_for is None and not threshold_pair:
        vote.percent_for = round(100.0 - float(pct_against), 1) if not _ABSTAIN.search(sentence) else None
    score = _SCORE.search(sentence)
    if score:
        high, low = number(score.group("a")), number(score.group("b"))
        if high is not None and low is not None:
            # "voted 13 to one against": the first figure is the winning side's.
            vote.count_for, vote.count_against = (low, high) if against else (high, low)
    count_for, count_against = _first(_COUNT_FOR, sentence, "n"), _first(_COUNT_AGAINST, sentence, "n")
    if count_for and vote.count_for is None and "%" not in sentence[sentence.find(count_for):][:len(count_for) + 2]:
        vote.count_for = number(count_for)
    if count_against and vote.count_against is None:
        vote.count_against = number(count_against)
    abstain = _ABSTAIN.search(sentence)
    if abstain:
        vote.count_abstain = number(abstain.group("n") or abstain.group("m"))
    turnout = _first(_TURNOUT, sentence, "p", "q")
    if turnout:
        vote.turnout = float(turnout)
    threshold = _THRESHOLD.search(sentence)
    if threshold and vote.threshold is None:
        value = threshold.group("p") or threshold.group("q") or threshold.group("r")
        vote.threshold = float(value) if value else _FRACTIONS.get(threshold.group("f").lower().replace("-", " "))
    if all(getattr(vote, name) is None for name in ("count_for", "count_against", "count_abstain", "percent_for",
                                                      "turnout", "threshold")) and member_code is None:
        return None
    return vote
