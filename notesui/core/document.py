"""One notes file -> a Document of heading nodes with exact line and byte spans.

The structure comes from markdown-it-py's block tokens (CommonMark + GFM tables + front
matter) and their line maps, never from a regex over lines, so a ``#`` line inside fenced
code, an HTML block or front matter is not a heading. Every span is a range of the file's
original bytes: the preamble and the sections of the top-level headings tile the file
exactly, which is what makes byte-exact splicing possible.
"""

from __future__ import annotations

import codecs
import os
import re
import threading
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from notesui.core.files import NotReadable, read_regular
from notesui.core.mastery import split_marker
from notesui.core.text import one_line

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

STRUCTURE_MAX_NESTING = 100
"""markdown-it's nesting limit for the structure parse.

markdown-it silently drops the rest of a document once a container nests deeper than its
limit (20 by default), headings included. 100 levels keep the recursion well inside
Python's limit; a file that still goes deeper gets a visible warning."""

RawHeading = tuple[int, int, int, str, bool]
"""A heading as the structure parse sees it: level, first line, line after, inline text, setext."""
Structure = tuple[list[RawHeading], list[str]]
"""The headings of a text and the parser's warnings (see ``structure_of``)."""

_NEWLINE_BYTES = re.compile(rb"\r\n|\r|\n")
_SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Span:
    """A range of whole lines: lines ``[start_line, end_line)``, bytes ``[start, end)``."""

    start_line: int
    end_line: int
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start


@dataclass(slots=True)
class Heading:
    """One heading of a file, with the spans of its heading line(s), answer and section."""

    index: int
    level: int
    title: str
    heading: Span
    answer: Span
    section: Span
    parent: int | None
    children: list[int] = field(default_factory=list)
    has_answer: bool = False
    mastered: bool = False
    mastered_on: str | None = None
    setext: bool = False

    @property
    def line(self) -> int:
        """The 0-based line of the heading (the text line of a setext heading)."""
        return self.heading.start_line

    @property
    def is_question(self) -> bool:
        """A heading with answer text of its own, or with no sub-headings."""
        return self.has_answer or not self.children


@dataclass(frozen=True, slots=True)
class Counts:
    """Question counts of a file, a folder or the whole notebook."""

    questions: int = 0
    answered: int = 0
    mastered: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.questions + other.questions,
            self.answered + other.answered,
            self.mastered + other.mastered,
        )


StructureSource = Structure | Callable[[], Structure | None] | None
"""A structure, a way to get it (decoding a cached one: None if it can't), or None: parse the
text when it is needed."""

_BUILDING = threading.Lock()


@dataclass(slots=True)
class Document:
    """A parsed notes file. ``rel`` is its path relative to the notes folder (``/``-separated);
    ``data`` holds its exact bytes; spans index into them.

    The headings are built on first use (from the structure, parsing the text then if it is
    not known yet), so a notebook of thousands of files opens without building them all:
    ``parsed`` says whether that work is still to do."""

    rel: str
    data: bytes
    text: str
    bom: bytes
    line_starts: array[int]  # the offset of every line, and the end (an array: a quarter of a list's memory)
    error: str | None = None
    _source: StructureSource = field(default=None, repr=False, compare=False)
    _counts: Counts | None = field(default=None, repr=False, compare=False)
    _structure: Structure | None = field(default=None, repr=False, compare=False)
    _headings: list[Heading] | None = field(default=None, repr=False, compare=False)
    _preamble: Span | None = field(default=None, repr=False, compare=False)
    _warnings: list[str] = field(default_factory=list, repr=False, compare=False)
    _paths: dict[tuple[str, ...], list[Heading]] | None = field(default=None, repr=False, compare=False)

    @property
    def parsed(self) -> bool:
        """Whether the structure is known (from the cache, maybe still encoded, or a parse):
        then using the headings costs no markdown parse."""
        return self._structure is not None or self._source is not None

    @property
    def structure(self) -> Structure:
        """What the structure parse says of the text (parsed now if it is not known)."""
        if self._structure is None:
            source = self._source
            structure = source() if callable(source) else source
            if structure is None:
                structure = structure_of(self.text) if self.text else ([], [])
                if callable(source):  # a cache entry that can't be decoded: nor trusted
                    self._counts = None
            self.provide(structure)
        assert self._structure is not None
        return self._structure

    def provide(self, structure: Structure) -> None:
        """The structure, parsed elsewhere (another thread or process)."""
        if self._structure is None:
            self._structure, self._source = structure, None

    @property
    def headings(self) -> list[Heading]:
        if self._headings is None:
            structure = self.structure  # outside the lock: parses run in parallel
            with _BUILDING:
                if self._headings is None:
                    self._build(structure)
        assert self._headings is not None
        return self._headings

    @property
    def preamble(self) -> Span:
        """The lines before the first heading (the whole file when it has none)."""
        if self._preamble is None:
            self.headings  # noqa: B018 -- builds it
        assert self._preamble is not None
        return self._preamble

    @property
    def warnings(self) -> list[str]:
        self.headings  # noqa: B018 -- builds them
        return self._warnings

    @property
    def counts(self) -> Counts:
        """The file's question counts (known from the cache without building the headings)."""
        if self._counts is None:
            self._counts = count_questions(self.questions())
        return self._counts

    @property
    def readonly(self) -> bool:
        """Files that could not be read or decoded exactly are never written."""
        return self.error is not None

    @property
    def line_count(self) -> int:
        return len(self.line_starts) - 1

    @property
    def roots(self) -> list[Heading]:
        return [h for h in self.headings if h.parent is None]

    def heading(self, index: int | None) -> Heading | None:
        """Heading ``index``, or None (no index, or the file has fewer headings now)."""
        return self.headings[index] if index is not None and 0 <= index < len(self.headings) else None

    def span_bytes(self, span: Span) -> bytes:
        return self.data[span.start : span.end]

    def span_text(self, span: Span) -> str:
        return self.span_bytes(span).decode("utf-8", errors="replace")

    def questions(self, under: Heading | None = None) -> Iterator[Heading]:
        """The questions of the file, or those under (and including) ``under``."""
        for heading in self.subtree(under):
            if heading.is_question:
                yield heading

    def subtree(self, under: Heading | None = None) -> Iterator[Heading]:
        """``under`` and every heading below it, in file order (all headings for None)."""
        if under is None:
            yield from self.headings
            return
        yield under
        stop = under.section.end_line
        for heading in self.headings[under.index + 1 :]:
            if heading.line >= stop:
                break
            yield heading

    def path_of(self, heading: Heading) -> list[Heading]:
        """The heading's ancestors, outermost first, ending with the heading itself."""
        chain = [heading]
        while chain[-1].parent is not None:
            chain.append(self.headings[chain[-1].parent])
        chain.reverse()
        return chain

    def title_path(self, heading: Heading) -> tuple[str, ...]:
        """The titles from the outermost section down to ``heading``'s own."""
        return tuple(h.title for h in self.path_of(heading))

    def with_path(self, titles: tuple[str, ...]) -> list[Heading]:
        """The headings whose title path is ``titles``, in file order."""
        if self._paths is None:  # built on first use: a document never changes
            paths: dict[tuple[str, ...], list[Heading]] = {}
            of: list[tuple[str, ...]] = []  # per heading (a parent comes before its children)
            for heading in self.headings:
                of.append((of[heading.parent] if heading.parent is not None else ()) + (heading.title,))
                paths.setdefault(of[-1], []).append(heading)
            self._paths = paths
        return list(self._paths.get(titles, ()))

    def heading_at_line(self, line: int) -> Heading | None:
        """The innermost heading whose heading line or answer holds 0-based ``line``."""
        found = None
        for heading in self.headings:
            if heading.line > line:
                break
            found = heading
        return found

    def newline(self) -> bytes:
        """The file's dominant line ending (LF when it has none)."""
        counts = {b"\r\n": 0, b"\n": 0, b"\r": 0}
        for match in _NEWLINE_BYTES.finditer(self.data):
            counts[match.group()] += 1
        best = max(counts, key=lambda k: counts[k])
        return best if counts[best] else b"\n"

    # -- construction -------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str], rel: str | None = None) -> Document:
        """Read and parse ``path`` (``rel``: its path in the notes folder; its name by
        default). Any failure gives a read-only Document with an error."""
        path = Path(path)
        name = rel if rel is not None else path.name
        data = cls.read(path, name)
        return data if isinstance(data, Document) else cls.parse(data, name)

    @classmethod
    def read(cls, path: Path, rel: str) -> bytes | Document:
        """A file's bytes, or a read-only Document that says why they can't be read."""
        try:
            return read_regular(path)
        except NotReadable as error:
            return cls.failed(rel, str(error))
        except PermissionError:
            return cls.failed(rel, "permission denied: the file can't be read")
        except FileNotFoundError:
            return cls.failed(rel, "the file no longer exists")
        except OSError as error:
            return cls.failed(rel, f"can't be read: {error.strerror or error}")

    @classmethod
    def failed(cls, rel: str, error: str) -> Document:
        return cls(rel, b"", "", b"", array("q", [0, 0]), error, _source=([], []))

    @classmethod
    def parse(
        cls,
        data: bytes,
        rel: str = "",
        structure: StructureSource = None,
        *,
        counts: Counts | None = None,
        lazy: bool = False,
    ) -> Document:
        """Parse a file's bytes. ``structure``: what ``structure_of`` says of them, or how to
        get it, when that is known (``counts`` too); with ``lazy``, an unknown structure is
        parsed when the headings are first used, else now. Bytes that are not UTF-8 text are
        kept but made read-only."""
        error = _sniff_binary(data)
        if error is not None:
            return cls(rel, data, "", b"", array("q", [0, len(data)]), error, _source=([], []))
        bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
        body = data[len(bom) :]
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = body.decode("utf-8", errors="replace")
            bad = data[len(bom) + exc.start]
            error = (
                f"not valid UTF-8 (byte 0x{bad:02x} at offset {len(bom) + exc.start}); "
                "shown read-only with replacement characters"
            )
        line_starts = _line_starts(data, len(bom))
        doc = cls(rel, data, text, bom, line_starts, error, _source=structure, _counts=counts)
        if not lazy:
            doc.headings  # noqa: B018 -- builds them
        return doc

    def line_span(self, start_line: int, end_line: int) -> Span:
        last = self.line_count
        start_line = min(start_line, last)
        end_line = max(start_line, min(end_line, last))
        return Span(start_line, end_line, self.line_starts[start_line], self.line_starts[end_line])

    def _build(self, structure: Structure) -> None:
        raw, warnings = structure
        self._warnings = list(warnings)
        starts = self.line_starts
        last = len(starts) - 1
        data = self.data

        def span(start_line: int, end_line: int) -> Span:  # line_span, inlined for the hot loop
            start_line = min(start_line, last)
            end_line = max(start_line, min(end_line, last))
            return Span(start_line, end_line, starts[start_line], starts[end_line])

        self._preamble = span(0, raw[0][1] if raw else last)
        headings: list[Heading] = []
        open_: list[Heading] = []  # headings whose section is still running
        for index, (level, start, end, inline, setext) in enumerate(raw):
            next_start = raw[index + 1][1] if index + 1 < len(raw) else last
            while open_ and open_[-1].level >= level:
                done = open_.pop()
                done.section = span(done.line, start)
            parent = open_[-1] if open_ else None
            if "\n" in inline:  # a setext heading's text may run over lines
                *title_lines, last_line = inline.split("\n")
                mark = split_marker(last_line)
                title = one_line(" ".join([*title_lines, mark.title]))
            else:
                mark = split_marker(inline)
                title = one_line(mark.title)
            answer = span(end, next_start)
            heading = Heading(
                index=index,
                level=level,
                title=title,
                heading=span(start, end),
                answer=answer,
                section=answer,  # until the section closes (below)
                parent=parent.index if parent else None,
                mastered=mark.mastered,
                mastered_on=mark.date,
                setext=setext,
                has_answer=bool(data[answer.start : answer.end].strip()),
            )
            if parent is not None:
                parent.children.append(index)
            headings.append(heading)
            open_.append(heading)
        for heading in open_:
            heading.section = span(heading.line, last)
        self._headings = headings


def count_questions(questions: Iterable[Heading]) -> Counts:
    total = answered = mastered = 0
    for heading in questions:
        total += 1
        answered += heading.has_answer
        mastered += heading.mastered
    return Counts(total, answered, mastered)


def structure_of(text: str) -> Structure:
    """The headings of ``text`` (level, first line, line after, inline text, setext) and
    the parser's warnings: all a Document needs of markdown-it (the slow part of a parse),
    so it can be kept by content (``core.parsecache``).

    markdown-it-pyrs (markdown-it in Rust, the ``fast`` extra) gives the same headings
    several times faster (``tests/core/test_parsers.py`` holds it to that); markdown-it-py
    parses when it is not installed, and always where nesting may be deep enough for the
    nesting limit to matter (there markdown-it-py's behaviour and warning are the rule)."""
    fast = _fast_parser()
    if fast is not None and not _may_nest_deep(text):
        return _structure_fast(fast, text), []
    return _structure_py(text)


def _may_nest_deep(text: str) -> bool:
    """Whether a line opens with so many columns of container marks (quote and list markers,
    indentation; a tab is 4 columns) that the nesting may come near markdown-it-py's limit:
    a level takes at least one column, and the limit is 100 levels."""
    return any(len(match.group().expandtabs(4)) >= DEEP_COLUMNS for match in _CONTAINER_MARKS.finditer(text))


def _structure_py(text: str) -> Structure:
    tokens = _structure_parser().parse(text)
    warnings: list[str] = []
    deepest = max((t.level for t in tokens), default=0)
    if deepest >= STRUCTURE_MAX_NESTING - 1:
        line = next(
            (t.map[0] + 1 for t in tokens if t.level >= STRUCTURE_MAX_NESTING - 1 and t.map),
            1,
        )
        warnings.append(
            f"nesting deeper than {STRUCTURE_MAX_NESTING} levels near line {line}: "
            "headings after it are read as part of that answer"
        )
    raw: list[RawHeading] = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.map:
            inline = tokens[i + 1].content if i + 1 < len(tokens) else ""
            raw.append((int(token.tag[1:]), token.map[0], token.map[1], inline, token.markup in "=-"))
    return raw, warnings


DEEP_COLUMNS = 40
_CONTAINER_MARKS = re.compile(r"^[ \t>*+\-.)0-9]{10,}", re.MULTILINE)
_LINE_BREAKS = re.compile(r"\r\n?")


def _structure_fast(parser: Any, text: str) -> list[RawHeading]:
    """``_structure_py``'s headings, from markdown-it-pyrs's tree (byte source maps)."""
    text = _LINE_BREAKS.sub("\n", text).replace("\0", "\ufffd")  # as markdown-it-py normalises
    data = text.encode("utf-8")
    starts = _line_starts(data, 0)
    raw: list[RawHeading] = []
    for node in parser.tree(text).children:
        if node.name not in ("heading", "lheading"):
            continue
        begin, end = node.srcmap
        first = bisect_right(starts, begin) - 1
        last = bisect_right(starts, max(begin, end - 1)) - 1
        level = int(node.meta["level"])
        if node.name == "lheading":  # the text lines above the underline, as markdown-it-py joins them
            inline = data[starts[first] : starts[last]].decode("utf-8").strip()
            raw.append((level, first, last + 1, inline, True))
            continue
        line = data[starts[first] : starts[first + 1]].decode("utf-8").rstrip("\n")
        content = line.lstrip(" \t")[level:]  # after the opening #s
        stop = len(content.rstrip(" \t"))
        closing = len(content[:stop].rstrip("#"))
        if closing < stop and (closing == 0 or content[closing - 1] in " \t"):
            stop = closing  # a closing sequence of #s
        raw.append((level, first, first + 1, content[:stop].strip(), False))
    return raw


def fast_parser_installed() -> bool:
    """Whether structure parses run in Rust (markdown-it-pyrs): then a pool of processes
    would cost more than it saves."""
    return _fast_parser() is not None


def parser_name() -> str:
    """Which engine parses structures (``rs`` or ``py``): what is kept of their results is
    kept apart, so a difference between them could never mix two views of one file."""
    return "rs" if fast_parser_installed() else "py"


@lru_cache(maxsize=1)
def _fast_parser() -> Any:
    """markdown-it-pyrs set up as ``_structure_parser``, or None (not installed, or turned
    off with NOTESUI_PARSER=python)."""
    if os.environ.get("NOTESUI_PARSER") == "python":
        return None
    try:
        from markdown_it_pyrs import MarkdownIt as FastMarkdownIt
    except ImportError:
        return None
    return FastMarkdownIt("commonmark").enable_many(["table", "front_matter"])


def _line_starts(data: bytes, start: int) -> array[int]:
    """The offset of every line of ``data`` from ``start``, and the end (lines end with LF,
    CRLF or CR; a last line without an ending is a line)."""
    if b"\r" in data:
        starts = array("q", [start])
        starts.extend(m.end() for m in _NEWLINE_BYTES.finditer(data, start))
    else:  # the common case, at C speed: each line's length + 1, summed
        starts = array("q", accumulate(map((1).__add__, map(len, data[start:].split(b"\n"))), initial=start))
        starts.pop()  # the "line" after the last piece, which has no newline
    if starts[-1] != len(data) or len(starts) == 1:
        starts.append(len(data))
    return starts


def splice(data: bytes, span: Span, new: bytes) -> bytes:
    """Return ``data`` with the bytes of ``span`` replaced by ``new``; nothing else changes."""
    return data[: span.start] + new + data[span.end :]


def _sniff_binary(data: bytes) -> str | None:
    head = data[:_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16 text, not UTF-8: convert it to UTF-8 to open it"
    if b"\x00" in head:
        return "binary file (it contains NUL bytes), not a text note"
    return None


@lru_cache(maxsize=1)
def _structure_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    parser = MarkdownIt("commonmark", {"maxNesting": STRUCTURE_MAX_NESTING})
    parser.enable("table").use(front_matter_plugin)
    # Only block structure matters here: skipping inline parsing is faster and avoids
    # the inline parser's pathological inputs.
    parser.disable(["inline", "text_join"])
    return parser
