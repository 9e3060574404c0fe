"""Changes to a notes file, as the file's new bytes: every byte outside the change is kept.

Each function takes the parsed Document the change is based on and returns the whole new
content; writing it (atomically, with the conflict check) is ``store``'s job. The ``Change``
classes at the end bundle a change with how to make it again on content that changed on disk
meanwhile: the heading it is about is found again by structure (its title path; among
headings with that path, the one whose section still says the same, else its rank), never by
searching the file for similar bytes, and an edit's result is parsed again to prove that the
outline around it is what the user edited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from notesui.core.document import Document, Heading, Span, splice
from notesui.core.mastery import mark_line, unmark_line
from notesui.core.store import Change
from notesui.core.text import normalize_newlines

_LINE_BREAKS = re.compile(r"\r\n|\r|\n")

# Characters the editor must not show as they are: terminal control characters (a note must
# never drive the terminal) and the separators Textual's TextArea splits lines on (FF, VT,
# U+0085, U+2028, U+2029), which would come back as plain newlines. The editor shows each as a
# visible stand-in and a save puts the original character back.
_SPECIAL = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\x7f"]
_SPECIAL += [chr(c) for c in range(0x80, 0xA0)] + ["\u2028", "\u2029"]


class StandIns:
    """One table of stand-ins. The first shows Control Pictures (␛ for ESC, ␌ for FF; the C1
    range and the Unicode separators as private-use characters); when a section already
    holds one of those characters itself, a table in a private-use plane it does not hold is
    used instead, so a stand-in always means exactly one character."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.to = str.maketrans(table)
        self.back = str.maketrans({v: k for k, v in table.items()})
        self.pictures = table.get("\x1b") == "\u241b"

    def fits(self, text: str) -> bool:
        return not any(char in text for char in self.table.values())

    @classmethod
    def for_text(cls, text: str) -> StandIns | None:
        """A table whose stand-ins ``text`` does not hold (None: no special characters)."""
        if not any(char in text for char in _SPECIAL):
            return None
        return next(table for table in _tables() if table.fits(text))


def _pictures() -> dict[str, str]:
    table = {chr(c): chr(0x2400 + c) for c in range(0x20) if chr(c) not in "\t\n\r"}
    table["\x7f"] = "\u2421"
    table.update({chr(c): chr(0xE000 + c) for c in range(0x80, 0xA0)})
    table.update({"\u2028": "\ue028", "\u2029": "\ue029"})
    return table


def _tables() -> Iterator[StandIns]:
    yield PICTURES
    for base in range(0xF0000, 0x10FF00, 0x100):  # private-use planes, 256 code points a table
        yield StandIns({char: chr(base + n) for n, char in enumerate(_SPECIAL)})


PICTURES = StandIns(_pictures())
_NAMES = {
    "\f": "form feed",
    "\v": "vertical tab",
    "\x1b": "escape",
    "\u2028": "U+2028",
    "\u2029": "U+2029",
    "\x85": "U+0085",
}


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
    stand_ins: StandIns | None = None  # special characters are shown as these (put back on save)

    def shown(self, raw: str) -> str:
        """Text as this editor shows it (LF breaks, special characters as stand-ins)."""
        return _for_editor(raw, self.stand_ins)

    def raw(self, shown: str) -> str:
        """The editor's text with every stand-in turned back into its character."""
        return shown.translate(self.stand_ins.back) if self.stand_ins is not None else shown


def _for_editor(text: str, stand_ins: StandIns | None) -> str:
    text = normalize_newlines(text)
    return text.translate(stand_ins.to) if stand_ins is not None else text


def edit_text(doc: Document, heading: Heading) -> EditText:
    """The section's text for the editor: LF line breaks, special characters as visible
    stand-ins, and warnings for whatever a save can't give back exactly."""
    original = doc.span_text(heading.section)
    newline = doc.newline().decode("ascii")
    warnings = []
    if len(set(_LINE_BREAKS.findall(original))) > 1:
        name = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}[newline]
        warnings.append(f"this section mixes line endings: saving writes them all as {name}")
    stand_ins = StandIns.for_text(original)
    if stand_ins is not None:
        named = sorted({_NAMES.get(char, "control") for char in _SPECIAL if char in original})
        shown = (
            "symbols such as ␛"
            if stand_ins.pictures
            else "private-use symbols (the section also holds symbols such as ␛ itself)"
        )
        warnings.append(
            "special characters (" + ", ".join(named) + f") are shown as {shown} and saved back as they were"
        )
    return EditText(_for_editor(original, stand_ins), newline, tuple(warnings), stand_ins)


def replace_section(
    doc: Document, heading: Heading, text: str, newline: str, *, stand_ins: StandIns | None = None
) -> bytes:
    """The file with the heading's section replaced by ``text`` (as from the editor)."""
    return replace_range(doc.data, heading.section.start, heading.section.end, text, newline, stand_ins=stand_ins)


def replace_range(
    data: bytes, start: int, end: int, text: str, newline: str, *, stand_ins: StandIns | None = None
) -> bytes:
    """``data`` with bytes ``[start, end)`` replaced by ``text`` (LF breaks, ``stand_ins``
    as the editor shows them), written with ``newline``; text equal to what the editor was
    given keeps the original bytes."""
    original = data[start:end]
    if text and not text.endswith("\n") and end < len(data):
        text += "\n"  # the next heading must stay on a line of its own
    if _for_editor(original.decode("utf-8"), stand_ins) == text:
        return data  # unchanged: the original bytes, whatever their line endings
    if stand_ins is not None:
        text = text.translate(stand_ins.back)
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


# -- changes that can be re-applied to content changed meanwhile ---------------------


@dataclass(frozen=True, slots=True)
class Anchor:
    """A heading, found again by structure: its title path and its rank among the headings
    of the file with that path (and how many there were), and its section's bytes."""

    path: tuple[str, ...]
    rank: int
    count: int
    section: bytes

    @classmethod
    def of(cls, doc: Document, heading: Heading) -> Anchor:
        path = doc.title_path(heading)
        same = doc.with_path(path)
        return cls(path, same.index(heading), len(same), doc.span_bytes(heading.section))

    def find(self, doc: Document, *, unchanged: bool = False) -> Heading | None:
        """The heading in ``doc`` (another version of the file); with ``unchanged``, only if
        its section's bytes are still the same. None when it can't be told for sure.

        Among the headings with its title path, the one whose section still says the same
        (trailing blank lines aside) is it; when several do, its rank decides (if their
        number did not change); when none does (its section was edited there), its rank
        decides only if the number of headings with that path is what it was."""
        same = doc.with_path(self.path)
        alike = [h for h in same if doc.span_bytes(h.section).rstrip() == self.section.rstrip()]
        by_rank = same[self.rank] if len(same) == self.count else None
        if len(alike) == 1:
            found: Heading | None = alike[0]
        elif alike:
            found = by_rank if by_rank in alike else None
        else:
            found = by_rank
        if found is None or (unchanged and not _same_section(doc.span_bytes(found.section), self.section)):
            return None
        return found


def _same_section(now: bytes, was: bytes) -> bool:
    """Whether a section is unchanged; one that ended the file without a line break and has
    gained one (text was appended after it) still is."""
    return now == was or (not was.endswith((b"\n", b"\r")) and now in (was + b"\n", was + b"\r\n"))


def _outline(doc: Document, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
    """Levels and titles of the headings that start in bytes ``[start, end)``."""
    stop = len(doc.data) if end is None else end
    return [(h.level, h.title) for h in doc.headings if start <= h.heading.start < stop]


class MarkChange(Change):
    """Mark (or unmark) questions: only their marker lines change."""

    def __init__(self, doc: Document, headings: Iterable[Heading], mastered: bool, date: str) -> None:
        self.rel, self.mastered, self.date = doc.rel, mastered, date
        self.anchors = [Anchor.of(doc, h) for h in headings]
        self.what = "mastered mark" if mastered else "mastered unmark"
        super().__init__(doc.data, self._apply(doc, [doc.headings[h.index] for h in headings]))

    def _apply(self, doc: Document, headings: list[Heading]) -> bytes:
        return mark(doc, [h for h in headings if h.mastered != self.mastered], self.mastered, self.date)

    def rebase(self, data: bytes) -> bytes | None:
        doc = Document.parse(data, self.rel)
        found = [anchor.find(doc) for anchor in self.anchors]
        if doc.readonly or any(h is None for h in found):
            return None
        return self._apply(doc, [h for h in found if h is not None])


class SectionEdit(Change):
    """Bytes ``[start, end)`` of a file (a heading's section) replaced by the editor's text.

    Re-applied to changed content only where that heading's section is still exactly as it
    was, and only when the result parses into the outline the user edited around it. The
    parsing this takes happens only then: a save onto unchanged content parses nothing."""

    what = "edit"

    def __init__(
        self, rel: str, data: bytes, start: int, end: int, text: str, newline: str, *, stand_ins: StandIns | None = None
    ) -> None:
        self.rel, self.text, self.newline, self.stand_ins = rel, text, newline, stand_ins
        self.start, self.end = start, end
        new, self.new_span = self._splice(data, start, end)  # where the text is in ``new``
        self._spans = {new: self.new_span}  # and in every re-application of it
        super().__init__(data, new)

    def span_in(self, data: bytes) -> tuple[int, int] | None:
        """Where the text is in ``data``, one of the versions this change produced."""
        return self._spans.get(data)

    def _splice(self, data: bytes, start: int, end: int) -> tuple[bytes, tuple[int, int]]:
        new = replace_range(data, start, end, self.text, self.newline, stand_ins=self.stand_ins)
        return new, (start, len(new) - (len(data) - end))

    def rebase(self, data: bytes) -> bytes | None:
        based = Document.parse(self.based_on or b"", self.rel)
        edited = next((h for h in based.headings if (h.section.start, h.section.end) == (self.start, self.end)), None)
        doc = Document.parse(data, self.rel)
        if edited is None or doc.readonly:
            return None  # not a heading's section any more: it can't be found again for sure
        heading = Anchor.of(based, edited).find(doc, unchanged=True)
        if heading is None:
            return None
        inside = _outline(Document.parse(self.new, self.rel), *self.new_span)
        section = heading.section
        new, span = self._splice(data, section.start, section.end)
        expected = _outline(doc, 0, section.start) + inside + _outline(doc, section.end)
        if _outline(Document.parse(new, self.rel)) != expected:
            return None
        self._spans[new] = span
        return new


class InsertQuestion(Change):
    """A new, unanswered question after a heading's section (or at the end of the file)."""

    what = "new question"

    def __init__(self, doc: Document, after: Heading | None, title: str) -> None:
        self.rel, self.title = doc.rel, title
        self.anchor = Anchor.of(doc, after) if after is not None else None
        new, line = insert_question(doc, after, title)
        self._lines = {new: line}  # the new heading's 0-based line in each version made
        super().__init__(doc.data, new)

    def line_in(self, data: bytes) -> int | None:
        """The new heading's 0-based line in ``data``, one of the versions this change made."""
        return self._lines.get(data)

    def rebase(self, data: bytes) -> bytes | None:
        doc = Document.parse(data, self.rel)
        after = self.anchor.find(doc) if self.anchor is not None else None
        if doc.readonly or (self.anchor is not None and after is None):
            return None
        new, line = insert_question(doc, after, self.title)
        self._lines[new] = line
        return new


class DeleteSection(Change):
    """A section removed: only where it is still exactly as it was."""

    what = "deletion"

    def __init__(self, doc: Document, heading: Heading) -> None:
        self.rel = doc.rel
        self.anchor = Anchor.of(doc, heading)
        super().__init__(doc.data, delete_section(doc, heading))

    def rebase(self, data: bytes) -> bytes | None:
        doc = Document.parse(data, self.rel)
        heading = self.anchor.find(doc, unchanged=True)
        if doc.readonly or heading is None:
            return None
        return delete_section(doc, heading)
