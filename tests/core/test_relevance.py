"""A relevance set against the bundled notes: recall@5, and Traditional == Simplified."""

from __future__ import annotations

from pathlib import Path

import pytest

from notesui.core.notebook import Notebook
from notesui.core.search import SearchIndex
from notesui.core.textnorm import to_simplified

ROOT = Path(__file__).resolve().parents[2]
CASES = [
    line.split("\t")
    for line in (ROOT / "tests" / "data" / "relevance.tsv").read_text("utf-8").splitlines()
    if line and not line.startswith("#")
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(Notebook.open(ROOT / "notes").documents)


def test_the_set_is_big_and_varied() -> None:
    assert len(CASES) >= 30
    assert {kind for _, _, kind in CASES} >= {"traditional", "typo", "english", "partial", "exact", "terms", "gapped"}


def test_recall_at_5(index: SearchIndex) -> None:
    misses = [
        (query, expected)
        for query, expected, _ in CASES
        if expected not in [hit.title for hit in index.search(query, 5)]
    ]
    recall = 1 - len(misses) / len(CASES)
    assert recall >= 0.95, f"recall@5 = {recall:.3f}; missed: {misses}"


def test_recall_at_5_for_every_kind_of_query(index: SearchIndex) -> None:
    kinds = {kind for _, _, kind in CASES}
    for kind in sorted(kinds):
        cases = [(query, expected) for query, expected, k in CASES if k == kind]
        found = sum(expected in [hit.title for hit in index.search(query, 5)] for query, expected in cases)
        assert found / len(cases) >= 0.8, f"{kind}: {found}/{len(cases)}"


@pytest.mark.parametrize("query", [q for q, _, kind in CASES if kind == "traditional"])
def test_traditional_gives_the_same_results_as_simplified(index: SearchIndex, query: str) -> None:
    simplified = to_simplified(query)
    assert simplified != query
    as_typed = [(h.file, h.line, h.where) for h in index.search(query, 10)]
    assert as_typed == [(h.file, h.line, h.where) for h in index.search(simplified, 10)]
