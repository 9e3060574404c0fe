"""The structure parse has two engines: markdown-it-pyrs (fast, when installed) and
markdown-it-py (always there). They must find the same headings, levels and lines, in
generated documents, on the edges of the block rules, and in real notes; where nesting is
deep, markdown-it-py decides (its limit and warning are the rule)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from notesui.core import document
from notesui.core.document import Document, _fast_parser, _structure_py, structure_of

from strategies import block_soup, documents

REPO = Path(__file__).resolve().parents[2]
fast = _fast_parser()


def test_the_fast_parser_is_installed_for_the_tests() -> None:
    """The differential tests below must run, not skip: the test extra installs it."""
    assert fast is not None


def same_headings(text: str) -> None:
    expected = _structure_py(text)
    assert document._structure_fast(fast, text) == expected[0]
    assert structure_of(text) == expected


@settings(max_examples=400, deadline=None)
@given(block_soup())
def test_the_edges_of_the_block_rules(text: str) -> None:
    same_headings(text)


@settings(max_examples=200, deadline=None)
@given(documents())
def test_generated_notes(data: bytes) -> None:
    same_headings(Document.parse(data).text)


@pytest.mark.parametrize("path", sorted((REPO / "notes").glob("*.md")), ids=lambda p: p.name)
def test_the_bundled_notes(path: Path) -> None:
    same_headings(path.read_text(encoding="utf-8-sig"))


@pytest.mark.parametrize("depth", [10, 60, 99, 100, 150])
def test_deep_nesting_is_markdown_it_pys_to_decide(depth: int) -> None:
    for text in (
        "> " * depth + "# x\n\n# after\n",
        "".join("  " * i + "- a\n" for i in range(depth)) + "\n# after\n",
        "".join("\t" * (i // 2) + "  " * (i % 2) + "- a\n" for i in range(depth)) + "\n# after\n",  # tabs
        "".join(">" * i + "\t- a\n" for i in range(depth)) + "\n# after\n",
    ):
        assert structure_of(text) == _structure_py(text)


def test_without_the_fast_parser_markdown_it_py_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document, "_fast_parser", lambda: None)
    calls: list[str] = []
    real = document._structure_py
    monkeypatch.setattr(document, "_structure_py", lambda text: calls.append(text) or real(text))
    assert [h.title for h in Document.parse(b"# A\n\n## B?\n\nyes\n").headings] == ["A", "B?"]
    assert calls == ["# A\n\n## B?\n\nyes\n"]
