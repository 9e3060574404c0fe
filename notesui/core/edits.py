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
from notesui.core.text import normalize_newlines

_LINE_BREAKS = re.compile(r"\r\n|\r|\n")

# Characters the editor must not show as they are: terminal control characters (a note must
# never drive the terminal) and the separators Textual's TextArea splits lines on (FF, VT,
# U+0085, U+2028, U+2029), which would come back as plain newlines. The editor shows each as a
# visible stand-in (a Control Picture such as ␛, or a private-use character for the C1 range
# and the Unicode separators) and a save puts the original character back.
_STAND_INS = {chr(c): chr(0x2400 + c) for c in range(0x20) if chr(c) not in "\t\n\r"}
_STAND_INS["\x7f"] = "\u2421"
_STAND_INS.update({chr(c): chr(0xE000 + c) for c in range(0x80, 0xA0)})
_STAND_INS.update({"\u2028": "\ue028", "\u2029": "\ue029"})
_TO_STAND_INS = str.maketrans(_STAND_INS)
_FROM_STAND_INS = str.maketrans({v: k for k, v in _STAND_INS.items()})
_NAMES = {"\f": "form feed", "\v": "vertical tab", "\x1b": "escape", "\u2028": "U+2028",
          "\u2029": "U+2029", "\x85": "U+0085"}


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
    stand_ins: bool = False  # special characters are shown as stand-ins (put back on save)


def _for_editor(text: str, stand_ins: bool) -> str:
    text = normalize_newlines(text)
    return text.translate(_TO_STAND_INS) if stand_ins else text


def edit_text(doc: Document, heading: Heading) -> EditText:
    """The section's text for the editor: LF line breaks, special characters as visible
    stand-ins, and warnings for whatever a save can't give back exactly."""
    original = doc.span_text(heading.section)
    newline = doc.newline().decode("ascii")
    warnings = []
    if len(set(_LINE_BREAKS.findall(original))) > 1:
        name = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}[newline]
        warnings.append(f"this section mixes line endings: saving writes them all as {name}")
    special = {char for char in _STAND_INS if char in original}
    stand_ins = bool(special) and not any(char in original for char in _STAND_INS.values())
    if special and stand_ins:
        named = sorted({_NAMES.get(char, "control") for char in special})
        warnings.append(
            "special characters (" + ", ".join(named) + ") are shown as symbols such as ␛ "
            "and saved back as they were"
        )
    elif special:  # the text also holds the symbols themselves: they can't be told apart
        warnings.append("control characters here are shown as they are and line separators "
                        "as line breaks: saving writes line breaks")
    return EditText(_for_editor(original, stand_ins), newline, tuple(warnings), stand_ins)


def replace_section(doc: Document, heading: Heading, text: str, newline: str, *, stand_ins: bool = False) -> bytes:
    """The file with the heading's section replaced by ``text`` (as from the editor)."""
    return replace_range(doc.data, heading.section.start, heading.section.end, text, newline, stand_ins=stand_ins)


def replace_range(data: bytes, start: int, end: int, text: str, newline: str, *, stand_ins: bool = False) -> bytes:
    """``data`` with bytes ``[start, end)`` replaced by ``text`` (LF breaks, stand-ins when
    ``stand_ins``, as the editor shows it), written with ``newline``; text equal to what the
    editor was given keeps the original bytes."""
    original = data[start:end]
    if text and not text.endswith("\n") and end < len(data):
        text += "\n"  # the next heading must stay on a line of its own
    if _for_editor(original.decode("utf-8"), stand_ins) == text:
        return data  # unchanged: the original bytes, whatever their line endings
    if stand_ins:
        text = text.translate(_FROM_STAND_INS)
    new = text.replace("\n", newline).encode("utf-8")
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
