"""Pinyin readings of Chinese characters, for search: ``weitiao``, ``wt`` and ``weit`` all
spell 微调 (every reading of a character counts: 调 is diao and tiao).

The readings come from pypinyin's per-character table, loaded on first use (about 0.1 s;
its phrase tables are never loaded), so nothing is paid until a query needs pinyin.
"""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache

_DIGRAPHS = ("zh", "ch", "sh")


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")  # only the per-character table is used
    from pypinyin.pinyin_dict import pinyin_dict

    return dict(pinyin_dict)


@lru_cache(maxsize=65536)
def readings(char: str) -> tuple[str, ...]:
    """The tone-less readings of ``char`` (``ü`` as ``v``); () for a character without any."""
    raw = _table().get(ord(char)) if len(char) == 1 else None
    if not raw:
        return ()
    found: list[str] = []
    for reading in raw.split(","):
        plain = "".join(c for c in unicodedata.normalize("NFD", reading.replace("ü", "v")) if c.isascii())
        if plain and plain not in found:
            found.append(plain)
    return tuple(found)


def prepare() -> None:
    """Load the table and the syllables now (about 0.4 s), not on the first query."""
    _prefixes()


def is_pinyin(query: str) -> bool:
    """Whether ``query`` (normalised) could be pinyin: Latin letters only, two or more."""
    return len(query) >= 2 and query.isascii() and query.isalpha()


def first_pairs(query: str) -> set[str]:
    """The initials the first two characters spelled by ``query`` may have: its first letter,
    then the letter after the first syllable (``weitiao``: ``wt``, and ``we`` for 为饿…)."""
    pairs: set[str] = set()
    for length in range(1, min(len(query), 7)):
        syllable = query[:length]
        if length == 1 or (length == 2 and syllable in _DIGRAPHS) or _is_syllable(syllable):
            pairs.add(query[0] + query[length])
    return pairs


def pair_paths(query: str) -> set[tuple[str, ...]]:
    """The initials of the first three characters ``query`` may spell, as the pairs of
    neighbours they form (one pair when it spells two characters): a title it spells holds
    both pairs of one of these."""
    paths: set[tuple[str, ...]] = set()
    for second in _steps(query, 0):
        if second >= len(query):
            continue  # one character: not a match of its own
        thirds = [third for third in _steps(query, second) if third < len(query)]
        # the first character typed whole is the more telling key: its reading, then the
        # second's initial ("wei|t"); typed by its initial (or zh/ch/sh), the two initials
        whole = second > 1 and query[:second] not in _DIGRAPHS
        first_pair = f"{query[:second]}|{query[second]}" if whole else query[0] + query[second]
        if not thirds or query[second:] in _prefixes():  # the rest may all be the second's
            paths.add((first_pair,))
        for third in thirds:
            paths.add((first_pair, query[second] + query[third]))
    return paths


def _steps(query: str, at: int) -> list[int]:
    """Where the next character's reading may start after one that starts at ``at``: after
    its initial, a digraph, a whole syllable, or the end (a reading typed in part)."""
    rest = query[at:]
    ends = {at + 1}
    if rest[:2] in _DIGRAPHS:
        ends.add(at + 2)
    ends.update(at + length for length in range(2, min(len(rest), 6) + 1) if _is_syllable(rest[:length]))
    return sorted(ends)


@lru_cache(maxsize=1)
def _prefixes() -> frozenset[str]:
    return frozenset(syllable[:length] for syllable in _syllables() for length in range(1, len(syllable) + 1))


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    return frozenset(r for code in _table() for r in readings(chr(code)))


def _is_syllable(text: str) -> bool:
    return text in _syllables()


@lru_cache(maxsize=65536)
def initials(char: str) -> frozenset[str]:
    """The first letters of ``char``'s readings."""
    return frozenset(reading[0] for reading in readings(char))


def pairs(text: str) -> set[str]:
    """The keys of every two neighbouring characters of ``text`` that have readings (every
    reading counted): their initials (``wt`` for 微调) and the first's reading with the
    second's initial (``wei|t``): what ``pair_paths`` of a query that spells part of it holds."""
    found: set[str] = set()
    before: tuple[str, ...] = ()
    for char in text:
        now = readings(char) if char >= "\u3400" else ()
        for a in before:
            for b in now:
                found.add(a[0] + b[0])
                found.add(f"{a}|{b[0]}")
        before = now
    return found


def spell(query: str, text: str, pairs: set[str] | None = None) -> tuple[int, int] | None:
    """The first run of two or more of ``text``'s characters that ``query`` spells, as
    (start, end): each character by a whole reading, its initial (``zh``/``ch``/``sh`` too)
    or, for the last one, the start of a reading (``weit``). One character alone is too
    common a match to be worth one."""
    pairs = first_pairs(query) if pairs is None else pairs
    first = query[0]
    for start in range(len(text) - 1):
        # a run starts where the first two characters' initials are a pair the query allows
        if first not in initials(text[start]) or not any(first + b in pairs for b in initials(text[start + 1])):
            continue
        end = _spell_from(query, 0, text, start, {})
        if end is not None and end - start >= 2:
            return start, end
    return None


def _spell_from(query: str, at: int, text: str, index: int, seen: dict[tuple[int, int], int | None]) -> int | None:
    if at == len(query):
        return index
    if index == len(text):
        return None
    key = (at, index)
    if key in seen:
        return seen[key]
    seen[key] = None
    rest = query[at:]
    for reading in readings(text[index]):
        steps = [len(reading)] if rest.startswith(reading) else []
        if reading[:2] in _DIGRAPHS and rest.startswith(reading[:2]):
            steps.append(2)
        if rest[0] == reading[0]:
            steps.append(1)
        for step in steps:
            end = _spell_from(query, at + step, text, index + 1, seen)
            if end is not None:
                seen[key] = end
                return end
        if reading.startswith(rest):  # the last character, typed in part
            seen[key] = index + 1
            return index + 1
    return None
