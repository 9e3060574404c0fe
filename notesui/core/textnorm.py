"""Normalisation shared by the search index and the query.

OpenCC Traditional -> Simplified, Unicode NFKC (full-width -> half-width), casefold, and no
whitespace: ``微調`` and ``微调`` (and ``ＬｏＲＡ`` and ``lora``) normalise alike.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _converter():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s.json")


def to_simplified(text: str) -> str:
    converter = _converter()
    with _lock:  # the OpenCC handle is not documented as thread-safe
        return str(converter.convert(text))


def normalize(text: str) -> str:
    """The search form of ``text``: Simplified, NFKC, casefolded, without whitespace."""
    text = unicodedata.normalize("NFKC", to_simplified(text)).casefold()
    return "".join(text.split())


_BATCH_SEP = "\x1e"


def normalize_many(texts: list[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, converted in one batch (much faster for many short
    texts). The texts are joined by a separator that none of them holds."""
    if len(texts) < 2 or any(_BATCH_SEP in text for text in texts):
        return [normalize(text) for text in texts]
    joined = unicodedata.normalize("NFKC", to_simplified(_BATCH_SEP.join(texts))).casefold()
    parts = joined.split(_BATCH_SEP)
    if len(parts) != len(texts):  # cannot happen with OpenCC's dictionaries; stay correct anyway
        return [normalize(text) for text in texts]
    return ["".join(part.split()) for part in parts]


def normalize_mapped(text: str) -> tuple[str, list[int]]:
    """``normalize`` done character by character, with the index in ``text`` of every
    character of the result (to highlight a match in the original text)."""
    simplified = to_simplified(text)
    if len(simplified) != len(text):  # a phrase conversion changed the length
        simplified = "".join(to_simplified(c) if len(to_simplified(c)) == 1 else c for c in text)
    out: list[str] = []
    mapping: list[int] = []
    for i, char in enumerate(simplified):
        if char.isspace():
            continue
        for piece in unicodedata.normalize("NFKC", char).casefold():
            if not piece.isspace():
                out.append(piece)
                mapping.append(i)
    return "".join(out), mapping
