"""Decide whether a sentence (and so a page) talks about merging commissioning organisations (CCGs or ICBs)."""

from __future__ import annotations

import re

from parsers.gates import Gated


class _Keyed:
    """Several gated patterns; the earliest match among those whose key words are present wins."""

    def __init__(self, parts: list[tuple[tuple[str, ...], str]]):
        self.parts = [Gated(re.compile(pattern, re.IGNORECASE), keys) for keys, pattern in parts]

    def search(self, text: str) -> re.Match[str] | None:
        best = None
        words = Gated.words_in(text)
        for part in self.parts:
            if part.keys.isdisjoint(words):
                continue
            match = part.pattern.search(text)
            if match and (best is None or match.start() < best.start()):
                best = match
        return best


_BODY = r"(?:CCG|ICB|clinical commissioning group|integrated care board|commissioning organisation)"
# Words that say organisations become one. "Cluster" only counts next to ICBs (see is_merger_sentence).
MERGER = _Keyed([
    (("merg",), r"\bmerg(?:e|er|ers|ed|es|ing)\b"),
    (("amalgamat", "consolidat", "dissol"), r"\bamalgamat\w*|\bconsolidat\w*|\bdissol(?:ve|ution|ving|ved)\b"),
    (("single", "strategic commission"),
     (r"\bsingle[- ](?:strategic[- ])?commission\w*|\bstrategic commission(?:er|ing (?:organisation|function|group|body))"
     rf"|\bsingle (?:new |statutory )?(?:{_BODY}|organisation|statutory body|NHS body)\b"
     r"|\bsingle (?:NHS )?commissioner\b")),
    (("one ",), rf"\bone (?:{_BODY}|(?:NHS )?commissioner|(?:new )?organisation|statutory (?:body|organisation))\b"),
    (("combin", "absorb", "take over", "taken over", "abolish", "boundar"),
     r"\bcombin(?:e|es|ed|ing)\b|\babsorbed (?:into|by)\b|\b(?:take|taken|taking) over\b|\babolish\w*|\bboundary chang\w*"),
    (("join",), (r"\bjoin(?:s|ed|ing)?\b(?:\W+\w+){0,8}?\W+(?:CCGs?|ICBs?|clinical commissioning groups?"
                r"|integrated care boards?)\b")),
    (("new ", "combined "), rf"\bnew (?:single |combined |merged )?{_BODY}\b|\bcombined {_BODY}\b"),
    (("cluster",), r"\bcluster(?:s|ed|ing)?\b"),
    # ICBs clustering in 2025-26 are told as sharing one chief executive or leadership team.
    (("share", "sharing", "joint", "single"), (r"\b(?:share|shares|sharing|shared|under) (?:a |one |the same )?(?:single |joint |common )"
                                               r"(?:chief executive|chief officer|leadership team|executive team|board|chair)\b")),
    (("become",), r"\bbecom(?:e|es|ing) (?:one|two|three|four)\b"),
    # "come together" is a merger unless it is to meet: "came together to discuss", "come together at a workshop".
    (("join", "together"), (r"\bjoin(?:ing)? (?:together|forces)\b|\b(?:come|comes|coming|came) together\b"
                           r"(?!\s+(?:for|at|with|on|in (?:a|the)\b)|\s+to (?!form|become|create|make|establish)\w)"
                           r"|\b(?:bring(?:s|ing)?|brought) together (?:NHS\b|the (?:\w+ )?(?:CCGs|ICBs))")),
    (("streamlin", "sco"), r"\bstreamlin\w+ commissioning\b|\bSCO\b"),
    (("form", "becom", "creat"),
     (r"\b(?:will|to|would|shall|and|CCGs|ICBs)\s+(?:\w+\s+)?(?:form|become|create)\s+(?:a |one |the )?(?:single |new |combined )?"
     rf"(?:NHS\b|{_BODY})")),
    (("replaced",), (r"\b(?:be|been|being|were|was) replaced by (?:a |one |the )?(?:single |new )?(?:NHS\b|CCG|ICB|organisation"
                    r"|commissioner)")),
    (("into ",), r"\binto (?:one|two|three|four|a single)\b"),
    # "CCGs unite under one governing body", "agreed to unify", "set to fuse".
    ((" unit", " unif", " fus"), (r"\bunit(?:e|es|ing)\b|\bunited (?:as|under|into|to form)\b|\bunif(?:y|ies|ied|ying|ication)\b"
                              r"|\bfus(?:e|es|ed|ing|ion)\b")),
])

# The kinds of organisation this project tracks.
COMMISSIONER = re.compile(
    r"\bCCG(?:s|['’]s|s['’])?\b|clinical commissioning groups?|\bICBs?\b|integrated care boards?"
    r"|commissioning (?:organisation|group|bod(?:y|ies))s?|strategic commissioner|\bSCO\b"
    r"|(?:plan|plans|planning) and (?:pay|buy|paying|buying) for (?:NHS|health|local)",
    re.IGNORECASE,
)

# Mergers of other things: hospital trusts, GP practices, councils, companies.
OTHER_MERGER = re.compile(
    r"\b(?:trusts?|hospitals?|foundation trusts?|practices|surgeries|surgery|councils?|authorities|districts?"
    r"|boroughs?|unitary|companies|firms?|banks?|universit(?:y|ies)|colleges?|schools?|charit(?:y|ies)|PCNs?"
    r"|primary care networks?|police|fire (?:and rescue )?services?)\b",
    re.IGNORECASE,
)
# "practice merger", "merger of the two trusts": the merging subject is not a commissioner.
OTHER_SUBJECT = re.compile(
    r"\b(?:trusts?|hospitals?|practices?|surgery|surgeries|councils?|authorities|companies|PCNs?)\s+"
    r"(?:(?!(?:on|about|over|for|to|voted?|backed|supported|in favour)\b)\w+\s+){0,2}"
    r"(?:merg|amalgamat|to combine|combin)\w*"
    r"|\b(?:merg|amalgamat)\w*\s+(?:of|between|with)\s+(?:the\s+)?(?:\w+\s+){0,4}"
    r"(?:trusts?|hospitals?|practices|surgeries|councils|authorities|companies|PCNs?)\b",
    re.IGNORECASE,
)


_COMMISSIONER_KEYS = ("ccg", "clinical commissioning", "icb", "integrated care board", "commissioning organisation",
                      "commissioning group", "commissioning bod", "strategic commissioner", "sco", " and pay for",
                      " and buy for", "and paying for", "and buying for")


def _has_any(text: str, keys: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(key in low for key in keys)


# "We have no plans to merge", "there are no plans to merge the CCGs at this time", "is not looking to merge".
NO_MERGER = re.compile(
    r"\bno (?:current |immediate |further |active |formal )?(?:plans?|intention|proposals?|appetite|desire)\b(?:\W+\w+){0,4}?"
    r"\W+(?:merg|amalgamat|combin|cluster)\w*"
    r"|\b(?:not|never) (?:currently |actively )?(?:planning|proposing|intending|looking|seeking|considering|going) (?:to )?"
    r"(?:merg|amalgamat|combin|cluster)\w*", re.IGNORECASE)


def is_merger_sentence(sentence: str, context_has_commissioner: bool = False, names: bool | None = None) -> bool:
    """True when the sentence speaks of commissioners (here or just before) becoming one organisation."""
    merger = MERGER.search(sentence)
    if not merger:
        return False
    if NO_MERGER.search(sentence):
        return False  # a denial is not a merger story
    names_commissioner = bool(COMMISSIONER.search(sentence)) if names is None else names
    word = merger.group(0).lower()
    if word.startswith(("cluster", "share", "sharing", "under")) and not re.search(
            r"\bICBs?\b|integrated care boards?", sentence, re.IGNORECASE):
        return False
    if OTHER_SUBJECT.search(sentence) and not re.search(
            r"\b(?:CCGs|clinical commissioning groups|ICBs|integrated care boards|single CCG|single ICB)\b",
            sentence, re.IGNORECASE):
        return False
    return names_commissioner or context_has_commissioner


_COMMISSIONER_GATE = Gated(COMMISSIONER, _COMMISSIONER_KEYS)


def mentions_commissioner(sentence: str) -> bool:
    return _COMMISSIONER_GATE.search(sentence) is not None


PROVIDER = re.compile(r"\b(?:NHS (?:Foundation )?Trusts?|hospital trusts?|trusts|councils|district councils|universities)\b",
                      re.IGNORECASE)
# A commissioner merger said outright: "merger of the eight CCGs", "CCGs to merge", "a single CCG".
EXPLICIT = re.compile(
    r"\b(?:CCGs|ICBs|clinical commissioning groups|integrated care boards)\b(?:\W+\w+){0,8}?\W+(?:merg|amalgamat|cluster|combin)"
    r"|\b(?:merg|amalgamat|cluster|combin)\w*(?:\W+\w+){0,8}?\W+(?:CCGs|ICBs|clinical commissioning groups|integrated care boards)\b"
    r"|\b(?:single|one|new|combined|merged) (?:NHS )?(?:CCG|ICB|clinical commissioning group|integrated care board|strategic commission\w*"
    r"|commissioning organisation)\b|\bstrategic commissioner\b",
    re.IGNORECASE,
)


def about_other_merger(title: str, sentences: list[str]) -> bool:
    """Whether the page's story is another kind of merger (hospital trusts, GP practices, councils).

    Its opening sentences about merging name trusts or practices and say nothing of merging commissioners; later
    talk of "the merger" then means that merger, even where a CCG comments on it.
    """
    opening = [title] + [s for s in sentences[:6] if MERGER.search(s)][:2]
    return any(OTHER_SUBJECT.search(s) or (MERGER.search(s) and PROVIDER.search(s) and not COMMISSIONER.search(s))
               for s in opening) and not any(EXPLICIT.search(s) for s in opening)

