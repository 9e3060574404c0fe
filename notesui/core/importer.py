"""Plain-text Q&A -> Markdown notes (README, “Command line”).

Markdown passes through unchanged. Three plain-text shapes become headings:

* **blocks** separated by lines holding a single ``*``: a block's first line is its
  question; a ``一、…`` chapter line before it becomes a section; ``. `` bullets become list
  items;
* **numbered lists**: ``- 12. …?`` (or ``12. …``) lines become unanswered questions under the
  topic line above them; a topic line directly followed by another one is a chapter;
* **quoted questions**: a ``> question`` line followed by answer lines becomes a question
  with its answer, one level below the Markdown heading it sits under.

Nothing is lost: every non-empty source line is in the output, as a heading or as text
(escaped where it would otherwise change the structure).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_STAR = re.compile(r"^[ \t]*\*[ \t]*$")
_CHAPTER = re.compile(r"^[一二三四五六七八九十百]+、")
_NUMBERED = re.compile(r"^(?:-[ \t]*)?\d+[.．、][ \t]*\S")
_BULLET = re.compile(r"^[ \t]*(?:[-*+•○。∘▼]|\.[ \t])")
_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?(?P<text>.*)$")
# A literal backslash where a line break was lost: ``六、提示工程篇\6.1 问题`` or ``微调面\1. 问题``.
_LOST_BREAK = re.compile(r"\\(?:n(?=\S)|(?=[0-9一二三四五六七八九十]))")
_DOT_BULLET = re.compile(r"^\.[ \t]+")
_UNDERLINE_LIKE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_QUESTION_END = ("?", "？")
_Q_MARK = re.compile(r"^[ \t]*(?:Q|Question|问|问题)[ \t]*[:：][ \t]*(?P<text>.*)$", re.IGNORECASE)
_A_MARK = re.compile(r"^[ \t]*(?:A|Answer|答|答案)[ \t]*[:：][ \t]*(?P<text>.*)$", re.IGNORECASE)
_NUMBERED_Q = re.compile(r"^\d+(?P<mark>[.．、)）])[ \t]*\S.*[?？][ \t]*$")
_SENTENCE_END = ("。", ".", "．")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass
class Converted:
    """The result of importing one text: its Markdown and the shape that was recognised."""

    markdown: str
    shape: str
    questions: int = 0
    notes: list[str] = field(default_factory=list)


SHAPES = ("blocks", "numbered", "quoted", "qa-markers", "numbered-qa", "anki", "markdown")
"""What ``import --format`` accepts (``detect_shape`` also answers ``unknown``)."""


def detect_shape(text: str) -> str:
    """Name the shape of ``text``: one of ``SHAPES``, or ``unknown`` (nothing recognised:
    no questions in a known shape, no Markdown heading)."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if first.startswith(("#separator:", "#html:")):
        return "anki"
    stars = sum(1 for line in lines if _STAR.match(line))
    if stars >= 3:
        return "blocks"
    outside = _outside_fences(lines)
    atx = sum(1 for line in outside if _ATX.match(line))
    asked = sum(1 for line in outside if _Q_MARK.match(line))
    if asked >= 2 and asked > atx and any(_A_MARK.match(line) for line in outside):
        return "qa-markers"  # (in Markdown with headings, Q:/A: lines are an answer's own text)
    numbered = sum(1 for line in lines if line.startswith("- ") and _NUMBERED.match(line))
    if numbered >= 3 and atx == 0:
        return "numbered"
    if _headings(text) == 0 and _numbered_questions(lines) >= 2:
        return "numbered-qa"
    if _lone_quotes(lines) >= 3:
        return "quoted"
    return "markdown" if _headings(text) else "unknown"


def _headings(text: str) -> int:
    """Markdown headings in ``text`` (ATX and setext), as the notes are parsed."""
    from notesui.core.document import Document

    return len(Document.parse(text.encode("utf-8")).headings)


def convert(text: str, shape: str | None = None) -> Converted:
    """Convert one plain-text Q&A document into Markdown (``shape``: as detected, or forced)."""
    shape = shape or detect_shape(text)
    if shape in ("markdown", "unknown"):
        from notesui.core.document import Document

        return Converted(text, shape, sum(1 for _ in Document.parse(text.encode("utf-8")).questions()))
    newline = "\r\n" if "\r\n" in text else "\n"
    if shape == "anki":  # (a field may hold a line break: read as records, not lines)
        body, questions = _convert_anki(text)
        return Converted(newline.join(body).rstrip() + newline, shape, questions)
    lines = text.splitlines()
    body, questions = {
        "blocks": _convert_blocks,
        "numbered": _convert_numbered,
        "quoted": _convert_quoted,
        "qa-markers": _convert_qa_markers,
        "numbered-qa": _convert_numbered_qa,
    }[shape](lines)
    out = newline.join(body).rstrip() + newline
    return Converted(out, shape, questions)


# -- helpers -------------------------------------------------------------------------


def _in_fence(lines: list[str]) -> list[bool]:
    """For each line, whether it is inside (or opens or closes) a fenced code block."""
    flags, fence = [], None
    for line in lines:
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0]
            flags.append(True)
        elif fence is not None:
            if match and match.group(1)[0] == fence:
                fence = None
            flags.append(True)
        else:
            flags.append(False)
    return flags


def _outside_fences(lines: list[str]) -> list[str]:
    return [line for line, fenced in zip(lines, _in_fence(lines)) if not fenced]


def _lone(lines: list[str], i: int) -> bool:
    """Whether line ``i`` is a ``> line`` with no quote line next to it: a question."""
    if not _QUOTE.match(lines[i]) or not lines[i].strip(" \t>"):
        return False
    before = lines[i - 1] if i else ""
    after = lines[i + 1] if i + 1 < len(lines) else ""
    return not _QUOTE.match(before) and not _QUOTE.match(after)


def _lone_quotes(lines: list[str]) -> int:
    return sum(_lone(lines, i) for i in range(len(lines)))


def _heading(level: int, title: str) -> str:
    title = " ".join(title.split())
    if title.endswith("#"):  # (else Markdown reads it as a closing sequence)
        title = title[:-1] + "\\#"
    return f"{'#' * level} {title}"


def _text(line: str) -> str:
    """A line of answer text, escaped so it can't become a heading or a setext underline."""
    if _ATX.match(line) or _UNDERLINE_LIKE.match(line):
        stripped = line.lstrip(" ")
        return line[: len(line) - len(stripped)] + "\\" + stripped
    return line


def _paragraph_break(out: list[str]) -> None:
    if out and out[-1] != "":
        out.append("")


def _convert_blocks(lines: list[str]) -> tuple[list[str], int]:
    out: list[str] = []
    questions = 0
    blocks: list[list[str]] = [[]]
    for line in lines:
        if _STAR.match(line):
            blocks.append([])
        else:
            blocks[-1].append(line)
    for block in blocks:
        rest = list(block)
        while rest and not rest[0].strip():
            rest.pop(0)
        if not rest:
            continue
        *leading, rest[0] = _LOST_BREAK.split(rest[0])
        for part in leading:
            _paragraph_break(out)
            numbered = _NUMBERED.match(part.strip()) and not _CHAPTER.match(part.strip())
            out += [_heading(2 if numbered else 1, part), ""]
            questions += bool(numbered)
        if _CHAPTER.match(rest[0].strip()):
            _paragraph_break(out)
            out += [_heading(1, rest.pop(0)), ""]
            while rest and not rest[0].strip():
                rest.pop(0)
            if not rest:
                continue
        _paragraph_break(out)
        out += [_heading(2, rest.pop(0)), ""]
        questions += 1
        for line in rest:
            if _DOT_BULLET.match(line):
                line = _DOT_BULLET.sub("- ", line, count=1)
            out.append(_text(line))
        while out and out[-1] == "":
            out.pop()
    return out, questions


def _is_plain(line: str) -> bool:
    """A line that names a topic or chapter rather than being a question or an item."""
    stripped = line.strip()
    return bool(
        stripped
        and not _NUMBERED.match(stripped)
        and not _BULLET.match(line)
        and not stripped.endswith(_QUESTION_END + _SENTENCE_END)
        and ":" not in stripped
        and "：" not in stripped
        and _LETTER.search(stripped)
        and line[:1] not in (" ", "\t")
    )


def _convert_numbered(lines: list[str]) -> tuple[list[str], int]:
    out: list[str] = []
    questions = 0
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    following = {a: b for a, b in itertools.pairwise(nonblank)}
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            if out and out[-1] != "":
                out.append("")
            continue
        nxt = lines[following[i]] if i in following else ""
        if _NUMBERED.match(line):
            title = re.sub(r"^-[ \t]*", "", stripped)
            _paragraph_break(out)
            out += [_heading(3, title), ""]
            questions += 1
        elif _is_plain(line) and nxt and (_is_plain(nxt) or _NUMBERED.match(nxt) or nxt[:1] in " \t"):
            level = 1 if _is_plain(nxt) else 2
            _paragraph_break(out)
            out += [_heading(level, stripped), ""]
        else:
            out.append(_text(line))
    return out, questions


def _convert_quoted(lines: list[str]) -> tuple[list[str], int]:
    out: list[str] = []
    questions = 0
    level = 0
    fenced = _in_fence(lines)
    for i, line in enumerate(lines):
        atx = _ATX.match(line) if not fenced[i] else None
        quote = _QUOTE.match(line) if not fenced[i] else None
        if atx:
            level = len(atx.group(1))
            out.append(line)
        elif quote and quote.group("text").strip() and _lone(lines, i):
            _paragraph_break(out)
            out += [_heading(min(level + 1, 6), quote.group("text").strip()), ""]
            questions += 1
        elif line.strip() or not out or out[-1] != "":
            out.append(line)
    return out, questions


def _numbered_questions(lines: list[str]) -> int:
    """Numbered questions at the margin followed by answer text (``1. …？`` then lines)."""
    fenced = _in_fence(lines)
    return sum(
        1
        for i, line in enumerate(lines)
        if not fenced[i] and _NUMBERED_Q.match(line) and _answer_follows(lines, fenced, i)
    )


def _convert_qa_markers(lines: list[str]) -> tuple[list[str], int]:
    """``Q: …`` / ``问：…`` lines become questions, ``A: …`` / ``答：…`` and what follows their answers."""
    out: list[str] = []
    questions = 0
    level = 1  # the Markdown heading the questions sit under (none: they are ``##``)
    waiting = False  # a ``Q:`` alone on its line: the question is the next line
    for line, fenced in zip(lines, _in_fence(lines)):
        atx = _ATX.match(line) if not fenced else None
        asked = _Q_MARK.match(line) if not fenced else None
        answered = _A_MARK.match(line) if not fenced else None
        if fenced:
            waiting = False
            out.append(line)
        elif atx and not waiting and not questions:  # (the file's own headings, before its questions)
            level = len(atx.group(1))
            out.append(line)
        elif asked or (waiting and line.strip() and not answered):
            title = asked.group("text").strip() if asked else line.strip()
            waiting = not title
            if title:
                _paragraph_break(out)
                out += [_heading(min(level + 1, 6), title), ""]
                questions += 1
        elif answered:
            waiting = False
            if answered.group("text").strip():
                out.append(_text(answered.group("text").strip()))
        elif line.strip() or (out and out[-1] != ""):
            out.append(_text(line))
    return out, questions


def _convert_numbered_qa(lines: list[str]) -> tuple[list[str], int]:
    """Numbered questions (``1. …？``) become questions, the lines after each its answer."""
    out: list[str] = []
    questions = 0
    fenced = _in_fence(lines)
    style = _numbering_style(lines, fenced)
    for i, line in enumerate(lines):
        numbered = _NUMBERED_Q.match(line) if not fenced[i] else None
        if fenced[i]:
            out.append(line)
        elif numbered and _marks_alike(numbered.group("mark"), style) and _answer_follows(lines, fenced, i):
            _paragraph_break(out)
            out += [_heading(2, line.strip()), ""]
            questions += 1
        elif line.strip() or (out and out[-1] != ""):
            out.append(_text(line))
    return out, questions


def _numbering_style(lines: list[str], fenced: list[bool]) -> str:
    """The mark after the number of the first numbered question (``.``, ``、``, ``)``): a
    numbered list inside an answer (``1) …？``) written otherwise stays a list."""
    for i, line in enumerate(lines):
        if not fenced[i] and (numbered := _NUMBERED_Q.match(line)) and _answer_follows(lines, fenced, i):
            return numbered.group("mark")
    return ""


def _marks_alike(mark: str, style: str) -> bool:
    same = ({".", "．", "、"}, {")", "）"})  # (1. and 3、 mix in notes; 1) is an inner list)
    return any(mark in group and style in group for group in same)


def _answer_follows(lines: list[str], fenced: list[bool], i: int) -> bool:
    """Whether the next non-empty line after ``i`` is answer text, not another numbered
    question (a list of questions inside an answer stays a list)."""
    nxt = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
    return nxt is not None and (fenced[nxt] or not _NUMBERED_Q.match(lines[nxt]))


_ANKI_HEADER = re.compile(
    r"^#(separator|html|tags column|notetype column|deck column|guid column|columns|notetype|deck|tags):(.*)$",
    re.IGNORECASE,
)
_ANKI_SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " ", "colon": ":"}
_SOUND = re.compile(r"\[sound:([^\]]+)\]")


def _convert_anki(text: str) -> tuple[list[str], int]:
    """Anki's "Notes in Plain Text" export: ``#key:value`` header lines, then a note a record,
    fields split by the separator (quoted when they hold one, or a line break). The first
    field is the question, the others its answer; HTML becomes Markdown (``markdownify``),
    images and sounds stay as links to their files; tags are kept under the answer."""
    import csv
    import io

    header: dict[str, str] = {}
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    while start < len(lines) and (known := _ANKI_HEADER.match(lines[start])):
        header[known.group(1).lower()] = known.group(2).strip()
        start += 1
    separator = header.get("separator", "tab")
    separator = _ANKI_SEPARATORS.get(separator.lower(), separator[:1] or "\t")
    html = header.get("html", "false").lower() == "true"
    meta = {int(value) - 1 for key, value in header.items() if key.endswith(" column") and value.isdigit()}
    tags_at = int(header["tags column"]) - 1 if header.get("tags column", "").isdigit() else None
    out = (
        ["Imported from an Anki export (" + ", ".join(f"`#{k}:{v}`" for k, v in header.items()) + ")."]
        if header
        else []
    )
    questions = 0
    for record in csv.reader(io.StringIO("".join(lines[start:])), delimiter=separator, quotechar='"'):
        fields = [field for number, field in enumerate(record) if number not in meta]
        if not any(field.strip() for field in fields):
            continue
        shown = [_anki_field(field, html) for field in fields]
        _paragraph_break(out)
        out += [_heading(2, shown[0] or "(empty question)"), ""]
        questions += 1
        for answer in shown[1:]:
            if answer:
                lines_ = answer.splitlines()
                out += [line if fenced else _text(line) for line, fenced in zip(lines_, _in_fence(lines_))] + [""]
        if tags_at is not None and tags_at < len(record) and record[tags_at].strip():
            out += [f"Tags: {record[tags_at].strip()}", ""]
    return out, questions


def _anki_field(field: str, html: bool) -> str:
    if html:
        from markdownify import markdownify

        field = markdownify(field, heading_style="ATX", escape_misc=False).replace("\xa0", " ")
        field = re.sub(r"!\[([^\]]*)\]\(([^)<>]* [^)<>]*)\)", r"![\1](<\2>)", field)  # (a file name with spaces)
    return _SOUND.sub(lambda m: f"[sound: {m.group(1)}]({_target(m.group(1))})", field).strip()


def _target(name: str) -> str:
    """A link's target: in ``<…>`` when it holds a space (else it is no link)."""
    return f"<{name}>" if " " in name else name
