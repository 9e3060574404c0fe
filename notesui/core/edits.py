"""Changes to a notes file, as the file's new bytes: every byte outside the change is kept.

Each function takes the parsed Document the change is based on and returns the whole new
content; writing it (atomically, with the conflict check) is ``store``'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from notesui.core.document import Document, Heading, Span, splice
from notesui.core.mastery import mark_line, unmark_line

_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
# What Textual's TextArea treats as a line break besides \n (it splits lines on them, so they
# would come back as plain newlines).
_OTHER_BREAKS = {"\f": "form feed", "\v": "vertical tab", "\u2028": "line separator U+2028",
                 "\u0085": "next line U+0085", "\u2029": "paragraph separator U+2029",
                 "\x1c": "file separator", "\x1d": "group separator", "\x1e": "record separator"}


def marker_line(doc: Document, heading: Heading) -> Span:
    """The line that holds (or would hold) the heading's mastered marker."""
    line = heading.heading.end_line - 2 if heading.setext else heading.heading.start_line
    line = max(line, heading.heading.start_line)
    return doc.line_span(line, line + 1)


def mark(doc: Document, headings: Iterable[Heading], mastered: bool, date: str) -> bytes:
    """The file with ``headings`` marked (or unmarked); only their marker lines change."""
    data = doc.data
    # from the bottom up, so the spans of the lines still to change stay valid
    for heading in sorted(headings, key=lambda h: h.heading.start, reverse=True):
        span = marker_line(doc, heading)
        line = doc.data[span.start : span.end].decode("utf-8")
        new = mark_line(line, date, setext=heading.setext) if mastered else unmark_line(line, setext=heading.setext)
        data = splice(data, span, new.encode("utf-8"))
    return data


@dataclass(frozen=True, slots=True)
class EditText:
    """A section as the editor shows it, and what its save cannot give back byte for byte."""

    text: str
    newline: str
    warnings: tuple[str, ...] = ()


def edit_text(doc: Document, heading: Heading) -> EditText:
    """The section's text for the editor: LF line breaks, plus warnings for what won't round-trip."""
    original = doc.span_text(heading.section)
    newline = doc.newline().decode("ascii")
    endings = set(_LINE_BREAKS.findall(original))
    warnings = []
    if len(endings) > 1:
        name = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}[newline]
        warnings.append(f"this section mixes line endings: saving writes them all as {name}")
    found = sorted({name for char, name in _OTHER_BREAKS.items() if char in original})
    if found:
        warnings.append("the editor shows " + ", ".join(found) + " as line breaks: saving writes line breaks")
    return EditText(_LINE_BREAKS.sub("\n", original), newline, tuple(warnings))


def replace_section(doc: Document, heading: Heading, text: str, newline: str) -> bytes:
    """The file with the heading's section replaced by ``text`` (LF breaks, from the editor)."""
    return replace_range(doc.data, heading.section.start, heading.section.end, text, newline)


def replace_range(data: bytes, start: int, end: int, text: str, newline: str) -> bytes:
    """``data`` with bytes ``[start, end)`` replaced by ``text`` (LF breaks, from the editor),
    written with ``newline``; text equal to the original (but for line endings) keeps the
    original bytes."""
    original = data[start:end]
    if text and not text.endswith("\n") and end < len(data):
        text += "\n"  # the next heading must stay on a line of its own
    new = text.replace("\n", newline).encode("utf-8")
    if _LINE_BREAKS.sub("\n", original.decode("utf-8")) == text:
        new = original  # unchanged text: the original bytes, whatever their line endings
    return data[:start] + new + data[end:]


def insert_question(doc: Document, after: Heading | None, title: str) -> tuple[bytes, int]:
    """The file with a new, unanswered question after ``after``'s section (same level), or at
    the end of the file; returns the new bytes and the 0-based line of the new heading."""
    newline = doc.newline()
    level = after.level if after is not None else max((h.level for h in doc.roots), default=1)
    position = after.section.end if after is not None else len(doc.data)
    before = doc.data[:position]
    prefix = b""
    if before and not before.endswith((b"\n", b"\r")):
        prefix = newline  # the file ended without a line break
    if before.strip() and not before.endswith(newline * 2) and not (before + prefix).endswith(newline * 2):
        prefix += newline  # a blank line before the heading
    block = prefix + ("#" * level + " " + title).encode("utf-8") + newline + newline
    data = before + block + doc.data[position:]
    line = _LINE_BREAKS.subn("", before.decode("utf-8", "replace") + prefix.decode())[1]
    return data, line


def delete_section(doc: Document, heading: Heading) -> bytes:
    """The file without the heading's section (its heading, answer and sub-headings)."""
    return splice(doc.data, heading.section, b"")
