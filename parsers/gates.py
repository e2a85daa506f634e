"""Regexes behind cheap keyword gates: one Aho–Corasick pass per sentence finds every gate word present."""

from __future__ import annotations

import re
from typing import ClassVar

import ahocorasick


class Gated:
    """A regex behind a cheap keyword test: most sentences hold none of its words, so the regex never runs.

    All gates' words go into one Aho–Corasick automaton; a sentence is scanned once for every word present.
    """

    registry: ClassVar[list[Gated]] = []
    _automaton: ClassVar[ahocorasick.Automaton | None] = None
    _last: ClassVar[tuple[str, frozenset[str]]] = ("", frozenset())

    def __init__(self, pattern: re.Pattern[str], keys: tuple[str, ...]):
        self.pattern = pattern
        self.keys = frozenset(keys)
        Gated.registry.append(self)
        Gated._automaton = None

    @classmethod
    def words_in(cls, text: str) -> frozenset[str]:
        """The gate words present in the text (lower-cased, padded with a space each side); remembered per text."""
        if cls._last[0] is not text:
            if cls._automaton is None:
                automaton = ahocorasick.Automaton()
                for word in {key for gate in cls.registry for key in gate.keys}:
                    automaton.add_word(word, word)
                automaton.make_automaton()
                cls._automaton = automaton
            low = f" {text.lower()} "
            cls._last = (text, frozenset(word for _, word in cls._automaton.iter(low)))
        return cls._last[1]

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        if self.keys.isdisjoint(Gated.words_in(text)):
            return None
        return self.pattern.search(text, pos, len(text) if endpos is None else endpos)
