"""The inline mastered marker: ``## Title <!-- mastered 2026-11-25 -->``.

The marker lives at the end of a heading's text (before an ATX closing sequence, on the
text line of a setext heading). Every Markdown renderer hides it, so the notes stay clean
in any other tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER_RE = re.compile(
    r"[ \t]*<!--[ \t]*mastered(?:[ \t]+(?P<date>\d{4}-\d{2}-\d{2}))?[ \t]*-->[ \t]*$"
)
_ANY_MARKER_RE = re.compile(r"[ \t]*<!--[ \t]*mastered(?:[ \t]+\d{4}-\d{2}-\d{2})?[ \t]*-->")


@dataclass(frozen=True, slots=True)
class TitleMark:
    """A heading's text split into its title and its mastered marker."""

    title: str
    mastered: bool
    date: str | None


def split_marker(heading_text: str) -> TitleMark:
    """Split a heading's inline text into the bare title and the marker it ends with."""
    match = MARKER_RE.search(heading_text)
    if match is None:
        return TitleMark(heading_text.strip(), False, None)
    return TitleMark(heading_text[: match.start()].strip(), True, match.group("date"))


def strip_markers(text: str) -> str:
    """Remove every mastered marker from a block of Markdown (for rendering)."""
    return _ANY_MARKER_RE.sub("", text)
