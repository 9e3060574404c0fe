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
        return converter.convert(text)


def normalize(text: str) -> str:
    """The search form of ``text``: Simplified, NFKC, casefolded, without whitespace."""
    text = unicodedata.normalize("NFKC", to_simplified(text)).casefold()
    return "".join(text.split())
