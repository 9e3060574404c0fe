"""What the viewer is given: safe text, complete or raw with a notice."""

from __future__ import annotations

import time

from notesui.core.render import RENDER_MAX_CHARS, clean, prepare


def test_control_characters_and_markers_are_removed() -> None:
    text = "## Q <!-- mastered 2026-11-25 -->\nDanger \x1b[2J\x1b]0;x\x07 \x9b31m\r\nok\ttab\n"
    out = clean(text)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out and "\r" not in out
    assert "mastered" not in out
    assert "ok\ttab" in out and "Danger [2J]0;x 31m\nok" in out


def test_ordinary_section_is_rendered() -> None:
    prepared = prepare("## Q\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```\n")
    assert prepared.markdown is not None and prepared.notice is None


def test_deep_nesting_falls_back_to_raw_text_with_a_notice() -> None:
    deep = "".join("  " * i + "- level\n" for i in range(15)) + "\nTAIL TEXT\n"
    prepared = prepare(deep)
    assert prepared.markdown is None
    assert prepared.notice and "nests deeper" in prepared.notice
    assert "TAIL TEXT" in prepared.text  # nothing is cut


def test_deep_blockquotes_fall_back_too() -> None:
    prepared = prepare(">" * 40 + " deep\n\nafter\n")
    assert prepared.markdown is None and "after" in prepared.text


def test_huge_section_falls_back_to_raw_text() -> None:
    text = "line of text\n" * (RENDER_MAX_CHARS // 10)
    prepared = prepare(text)
    assert prepared.markdown is None and prepared.text == text
    assert prepared.notice and "plain text" in prepared.notice


def test_repeated_unclosed_comments_stay_cheap() -> None:
    text = "\n".join("para <!-- open" for _ in range(3000))
    started = time.perf_counter()
    prepared = prepare(text)
    assert time.perf_counter() - started < 5  # generous: the point is no quadratic blow-up
    assert prepared.text.count("<!-- open") == 3000
