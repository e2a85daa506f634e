"""Split page text into sentences with their character offsets, treating lines and bullets as boundaries."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words whose trailing full stop does not end a sentence.
_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "st", "no", "cllr", "prof", "rev", "e.g", "i.e", "etc", "vs", "approx",
                  "inc", "ltd", "co", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                  "dec", "para", "ref", "cf", "fig", "nos", "hon", "rt", "sr", "jr", "c", "ca", "al"}
# Semicolons before a capital end sentences too: "Eastern Cheshire, 16 in favour; South Cheshire, 15 in favour" are
# separate results, while "balloted in June; 79% supported the merger" is one fact told in two halves.
_STOP = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9£•·–-])|;\s+(?=[A-Z])")
_LAST_WORD = re.compile(r"([\w.]+)[.!?]*$")
_BULLET = re.compile(r"^\s*(?:[•·▪◦●\-–*]|\(?[0-9a-z]{1,2}[.)])\s+")


@dataclass(frozen=True)
class Sentence:
    """One sentence and where it sits in the page text."""

    text: str
    start: int
    end: int


def _split_line(line: str, offset: int) -> list[Sentence]:
    out: list[Sentence] = []
    begin = 0
    for stop in _STOP.finditer(line):
        word = _LAST_WORD.search(line, max(begin, stop.start() - 24), stop.start() + 1)
        token = word.group(1).lower().rstrip(".") if word else ""
        # "Dr. Smith", "e.g. the", "1.1. million": not the end of a sentence.
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha() and line[stop.start()] == "."):
            continue
        if begin == 0 and re.fullmatch(r"\s*\(?\d{1,2}(?:\.\d{1,2})*[.)]?\s*", line[:stop.start() + 1]):
            continue  # "1. Purpose", "2.3. Background": a numbered heading, not a sentence ending in a number
        end = stop.end()
        piece = line[begin:end].strip()
        if piece:
            left = begin + (len(line[begin:end]) - len(line[begin:end].lstrip()))
            out.append(Sentence(piece, offset + left, offset + left + len(piece)))
        begin = end
    piece = line[begin:].strip()
    if piece:
        left = begin + (len(line[begin:]) - len(line[begin:].lstrip()))
        out.append(Sentence(piece, offset + left, offset + left + len(piece)))
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in order; every line break ends a sentence (page_text already joined wrapped lines)."""
    sentences: list[Sentence] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            sentences.extend(_split_line(line, offset))
        offset += len(line) + 1
    return sentences
