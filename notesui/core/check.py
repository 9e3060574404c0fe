"""``notesui check``: what in the notes can't be read, and what looks unfinished."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from notesui.core.notebook import Notebook


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: ``where`` is a file (``rel``) or a line (``rel:LINE``)."""

    where: str
    level: str  # "error": the file or folder can't be read as notes; "warning": it can
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.level}: {self.message}"


def check(notebook: Notebook) -> Iterator[Finding]:
    """Errors: folders skipped, files unreadable, not UTF-8, binary or not regular files.
    Warnings: the parser's warnings, questions without an answer, duplicate question titles."""
    for rel, reason in notebook.skipped:
        yield Finding(rel, "error", f"skipped: {reason}")
    for rel, doc in notebook.documents.items():
        if doc.error:
            yield Finding(rel, "error", doc.error)
        for warning in doc.warnings:
            yield Finding(rel, "warning", warning)
        titles = Counter(h.title.casefold() for h in doc.headings if h.is_question)
        for heading in doc.questions():
            where = f"{rel}:{heading.line + 1}"
            if not heading.has_answer:
                yield Finding(where, "warning", f"empty answer: {heading.title}")
            if titles[heading.title.casefold()] > 1:
                yield Finding(where, "warning", f"duplicate title: {heading.title}")
