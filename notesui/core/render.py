"""Preparing a section for the viewer, safely and without ever showing less than it holds.

markdown-it silently drops everything after a container nested deeper than its limit
(20), and a huge section is a log or a dump rather than an answer. ``prepare`` (a short
section, or a long one's first part) and ``unrenderable`` (a long one's pieces, as they
render) say when the rendered form would be incomplete or too slow: the raw text is shown
with a notice instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from notesui.core.mastery import strip_markers
from notesui.core.text import strip_controls

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

RENDER_MAX_NESTING = 20
"""The viewer's parser keeps markdown-it's default limit; deeper sections fall back to raw."""
RENDER_MAX_CHARS = 1_000_000
"""Sections longer than this are shown as plain text (rendering runs off the UI thread and
shows the first screenful first, but a section this long is a log or a dump, not an answer)."""
RENDER_MAX_SECONDS = 1.0
"""A section whose parse takes longer than this (pathological input) is shown as plain text."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the viewer shows: Markdown to render, or ``markdown is None`` and raw text."""

    text: str
    markdown: str | None
    notice: str | None = None


@lru_cache(maxsize=1)
def viewer_parser() -> MarkdownIt:
    """The parser the viewer renders with (GFM-like, nesting limit 20)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like", {"maxNesting": RENDER_MAX_NESTING})


def clean(text: str) -> str:
    """Note text as it may be shown: no mastered markers, no terminal control characters."""
    return strip_markers(strip_controls(text))


def prepare(text: str) -> Prepared:
    """Decide how to show ``text``: rendered Markdown when that is complete and quick."""
    text = clean(text)
    notice = too_long(text) or unrenderable(text)
    return Prepared(text, None, notice) if notice else Prepared(text, text)


def too_long(text: str) -> str | None:
    """Why ``text`` is shown as plain text for its length alone (None: it is not)."""
    if len(text) <= RENDER_MAX_CHARS:
        return None
    return f"This section is {len(text):,} characters long: shown as plain text so that nothing is cut and the app stays responsive."


def unrenderable(markdown: str) -> str | None:
    """Why ``markdown`` would render incomplete or too slowly (None: it renders whole). A long
    section is checked piece by piece, as it renders (``core.reading.chunks``)."""
    started = time.perf_counter()
    try:
        tokens = viewer_parser().parse(markdown)
    except RecursionError:
        tokens = None
    elapsed = time.perf_counter() - started
    if tokens is None or any(t.level >= RENDER_MAX_NESTING - 1 for t in tokens):
        return (
            f"This section nests deeper than {RENDER_MAX_NESTING} levels, which the Markdown "
            "renderer would cut short: shown as plain text."
        )
    if elapsed > RENDER_MAX_SECONDS:
        return f"This section took {elapsed:.1f} s to parse: shown as plain text."
    return None
