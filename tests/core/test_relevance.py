"""A relevance set against the bundled notes (``tests/relevance_set.py``): recall@1 and
recall@5 overall and per kind of query, and Traditional == Simplified."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from relevance_set import PARAPHRASE, PARAPHRASE_FLOOR, cases, rank

from notesui.core.notebook import Notebook
from notesui.core.search import SearchIndex
from notesui.core.textnorm import to_simplified

ROOT = Path(__file__).resolve().parents[2]
CASES = cases()
KINDS = {
    "exact",
    "partial",
    "traditional",
    "english",
    "case",
    "typo",
    "terms",
    "gapped",
    "pinyin",
    "pinyin-initials",
    "pinyin-mixed",
    "answer-only",
    "full-width",
    PARAPHRASE,
}


@pytest.fixture(scope="module")
def ranks() -> dict[str, list[int | None]]:
    index = SearchIndex.build(Notebook.open(ROOT / "notes").documents)
    found: dict[str, list[int | None]] = defaultdict(list)
    for query, expected, kind in CASES:
        found[kind].append(rank([hit.title for hit in index.search(query, 5)], expected))
    return found


def recall(found: list[int | None], at: int) -> float:
    return sum(r is not None and r <= at for r in found) / len(found)


def test_the_set_is_big_and_varied() -> None:
    assert len(CASES) >= 120
    assert {kind for _, _, kind in CASES} >= KINDS


def test_recall_overall(ranks: dict[str, list[int | None]]) -> None:
    everything = [r for found in ranks.values() for r in found]
    assert recall(everything, 1) >= 0.85
    assert recall(everything, 5) >= 0.9


def test_recall_without_paraphrases(ranks: dict[str, list[int | None]]) -> None:
    found = [r for kind, rs in ranks.items() if kind != PARAPHRASE for r in rs]
    assert recall(found, 5) >= 0.97


@pytest.mark.parametrize("kind", sorted(KINDS - {PARAPHRASE}))
def test_recall_at_5_for_every_kind(ranks: dict[str, list[int | None]], kind: str) -> None:
    assert recall(ranks[kind], 5) >= 0.8
    assert recall(ranks[kind], 1) >= 0.5


def test_paraphrases_find_what_they_share_with_the_question(ranks: dict[str, list[int | None]]) -> None:
    assert recall(ranks[PARAPHRASE], 5) >= PARAPHRASE_FLOOR


@pytest.mark.parametrize("query", [q for q, _, kind in CASES if kind == "traditional"])
def test_traditional_gives_the_same_results_as_simplified(query: str) -> None:
    index = SearchIndex.build(Notebook.open(ROOT / "notes").documents)
    simplified = to_simplified(query)
    assert simplified != query
    as_typed = [(h.file, h.line, h.where) for h in index.search(query, 10)]
    assert as_typed == [(h.file, h.line, h.where) for h in index.search(simplified, 10)]
