"""``notesui check``: what in the notes can't be read, and what looks unfinished or torn.

Notes converted from a PDF or a chat dump keep seams: a question left as a line of its
predecessor's answer, a heading that swallowed the start of its answer, the same question
twice. Each is a warning, with the line to look at.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from notesui.core.document import Document
from notesui.core.notebook import Notebook

QUESTION_LINE = re.compile(r"^\d+(\.\d+)+ ?\S.*[？?]\s*$")
"""A numbered question (``2.1llama 输入句子长度…？``): a heading's text, not an answer's."""
LONG_HEADING = 80
"""A heading longer than this that doesn't end as a question has taken in answer text."""
ANSWER_AFTER_MARK = 15
"""A heading with this many characters after its question mark has taken in answer text."""
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)+\.?|\d+[.、．)）]|\d+(?=\s)|[一二三四五六七八九十]+、)\s*")
"""A title's own numbering (``8.6``, ``2.1llama``, ``3、``, ``一、``), never ``4-bit`` or ``7B``."""
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, in a file (``rel``) or at a 1-based ``line`` of it."""

    rel: str
    line: int | None
    level: str  # "error": the file or folder can't be read as notes; "warning": it can
    message: str
    kind: str = ""  # what kind of problem (``--json``)

    @property
    def where(self) -> str:
        return self.rel if self.line is None else f"{self.rel}:{self.line}"

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.message}"


def same_question(title: str) -> str:
    """A title as duplicates are found: numbering, spaces, case and closing marks aside."""
    return re.sub(r"\s+", "", _NUMBERING.sub("", title)).casefold().rstrip("？?。.:：")


def _carries_answer(title: str) -> bool:
    """A long heading that doesn't end as a question, or a question followed by sentences."""
    if title.endswith(("？", "?")):
        return False
    mark = min((i for i in (title.find("？"), title.find("?")) if i >= 0), default=-1)
    return len(title) > LONG_HEADING or (mark >= 0 and len(title) - mark > ANSWER_AFTER_MARK)


def check(notebook: Notebook) -> Iterator[Finding]:
    """Errors: folders skipped, files unreadable, not UTF-8, binary or not regular files.
    Warnings: the parser's warnings, questions without an answer, numbered questions inside
    answers, headings carrying answer text, the same question twice (in a file or across)."""
    for rel, reason in notebook.skipped:
        yield Finding(rel, None, "error", f"skipped: {reason}", "unreadable")
    seen: dict[str, list[str]] = defaultdict(list)  # question -> where it is
    for rel, doc in notebook.documents.items():
        if doc.error:
            yield Finding(rel, None, "error", doc.error, "unreadable")
        for warning in doc.warnings:
            yield Finding(rel, None, "warning", warning, "parse")
        for heading in doc.questions():
            seen[same_question(heading.title)].append(f"{rel}:{heading.line + 1}")
    for rel, doc in notebook.documents.items():
        yield from _seams(rel, doc, seen)


def _seams(rel: str, doc: Document, seen: dict[str, list[str]]) -> Iterator[Finding]:
    for heading in doc.headings:
        at = heading.line + 1
        where = f"{rel}:{at}"
        title = heading.title.strip()
        if _carries_answer(title):
            shown = title if len(title) <= 40 else title[:40] + "…"
            yield Finding(rel, at, "warning", f"heading carries answer text: {shown}", "answer-in-heading")
        if not heading.is_question:
            continue
        if not heading.has_answer:
            yield Finding(rel, at, "warning", f"empty answer: {title}", "empty-answer")
        others = [place for place in seen[same_question(title)] if place != where]
        if others and same_question(title):  # (a title that is only a number says nothing)
            also = ", ".join(others[:3]) + (" …" if len(others) > 3 else "")
            yield Finding(rel, at, "warning", f"duplicate title: {title} (also {also})", "duplicate-title")
        fence = ""
        for number, line in enumerate(doc.span_text(heading.answer).splitlines(), heading.answer.start_line):
            if mark := _FENCE.match(line):
                fence = "" if fence and mark.group(1)[0] == fence[0] else fence or mark.group(1)
            elif not fence and not line.startswith(("    ", "\t")) and QUESTION_LINE.match(line.strip()):
                message = f"question-like line inside an answer: {line.strip()}"
                yield Finding(rel, number + 1, "warning", message, "question-in-answer")
