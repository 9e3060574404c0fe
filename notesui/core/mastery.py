"""The inline mastered marker: ``## Title <!-- mastered 2026-11-25 -->``.

The marker lives at the end of a heading's text (before an ATX closing sequence, on the
text line of a setext heading). Every Markdown renderer hides it, so the notes stay clean
in any other tool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER_RE = re.compile(r"[ \t]*<!--[ \t]*mastered(?:[ \t]+(?P<date>\d{4}-\d{2}-\d{2}))?[ \t]*-->[ \t]*$")
_ANY_MARKER_RE = re.compile(r"[ \t]*<!--[ \t]*mastered(?:[ \t]+\d{4}-\d{2}-\d{2})?[ \t]*-->")


@dataclass(frozen=True, slots=True)
class TitleMark:
    """A heading's text split into its title and its mastered marker."""

    title: str
    mastered: bool
    date: str | None


def split_marker(heading_text: str) -> TitleMark:
    """Split a heading's inline text into the bare title and the marker it ends with."""
    match = MARKER_RE.search(heading_text) if "-->" in heading_text else None
    if match is None:
        return TitleMark(heading_text.strip(), False, None)
    return TitleMark(heading_text[: match.start()].strip(), True, match.group("date"))


def strip_markers(text: str) -> str:
    """Remove every mastered marker from a block of Markdown (for rendering)."""
    return _ANY_MARKER_RE.sub("", text)


_EOL_RE = re.compile(r"(\r\n|\n|\r)?\Z")
_ATX_RE = re.compile(r"^(?P<open>[ ]{0,3}#{1,6})(?P<content>.*?)(?P<close>(?:[ \t]+#+)?[ \t]*)$")
_SETEXT_TEXT_RE = re.compile(r"^(?P<open>[ ]{0,3})(?P<content>.*?)(?P<close>[ \t]*)$")


def today() -> str:
    """The date a mark gets: today, ``YYYY-MM-DD``."""
    from datetime import date

    return date.today().isoformat()


def marker(date: str) -> str:
    return f"<!-- mastered {date} -->"


def _parts(line: str, setext: bool) -> tuple[str, str, str, str]:
    """A heading line as (opening, content, closing, line ending)."""
    eol_match = _EOL_RE.search(line)
    assert eol_match is not None
    body, eol = line[: eol_match.start()], eol_match.group()
    match = (_SETEXT_TEXT_RE if setext else _ATX_RE).match(body)
    if match is None:  # not a heading line after all: treat it as plain text
        return "", body, "", eol
    return match.group("open"), match.group("content"), match.group("close"), eol


def mark_line(line: str, date: str, *, setext: bool = False) -> str:
    """``line`` (an ATX heading line, or a setext heading's last text line) with the mastered
    marker at the end of its text; unchanged when it has one already."""
    opening, content, closing, eol = _parts(line, setext)
    if MARKER_RE.search(content):
        return line
    return f"{opening}{content} {marker(date)}{closing}{eol}"


def unmark_line(line: str, *, setext: bool = False) -> str:
    """``line`` without its mastered marker (and the blanks just before it)."""
    opening, content, closing, eol = _parts(line, setext)
    match = MARKER_RE.search(content)
    if match is None:
        return line
    return f"{opening}{content[: match.start()]}{closing}{eol}"
