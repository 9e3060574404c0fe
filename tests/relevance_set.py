"""The relevance set (``tests/data/relevance.tsv``) and how a result is judged, shared by
``tests/core/test_relevance.py`` and ``benchmarks/relevance_bench.py``.

Each case is a query as a user typed it, the title of the question they meant and the kind
of query. A result is that question when its title is the expected one, or the same question
kept in another file under another number (``8.6 tf32格式有多长？`` and ``tf32格式有多长？``):
ranking one copy above the other is no miss.
"""

from __future__ import annotations

import re
from pathlib import Path

from notesui.core.textnorm import normalize

CASES_FILE = Path(__file__).resolve().parent / "data" / "relevance.tsv"
PARAPHRASE = "paraphrase"
"""Queries that say the question in other words, sharing few or none of its characters:
measured and reported, held to a lower floor (``PARAPHRASE_FLOOR``) than the other kinds."""
PARAPHRASE_FLOOR = 0.2
_NUMBERING = re.compile(r"^\s*(?:[0-9]+(?:\.[0-9]+)*(?:\.|\s)|[一二三四五六七八九十]+、|问题\s*[0-9]+[:：])")
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


def cases() -> list[tuple[str, str, str]]:
    """(query, expected title, kind) for every case."""
    rows = CASES_FILE.read_text("utf-8").splitlines()
    return [
        (row.split("\t")[0], row.split("\t")[1], row.split("\t")[2]) for row in rows if row and not row.startswith("#")
    ]


def question_key(title: str) -> str:
    """A title without its numbering, spacing, case and closing punctuation."""
    return _EDGE_PUNCTUATION.sub("", normalize(_NUMBERING.sub("", title)))


def rank(titles: list[str], expected: str) -> int | None:
    """The 1-based rank of the expected question among ``titles`` (None: not there)."""
    key = question_key(expected)
    return next((number for number, title in enumerate(titles, 1) if question_key(title) == key), None)
