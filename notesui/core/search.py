"""Finding questions: the search engine shared by the app and the command line."""

from __future__ import annotations

from dataclasses import dataclass

from notesui.core.document import Document, Heading
from notesui.core.notebook import Notebook
from notesui.core.textnorm import normalize


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: a heading, where the query matched and how well."""

    file: str
    line: int  # 1-based line of the heading
    title: str
    path: tuple[str, ...]  # titles of the enclosing sections, outermost first
    score: float
    where: str  # "title" or "body"
    mastered: bool

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "title": self.title,
            "path": list(self.path),
            "score": round(self.score, 1),
            "where": self.where,
            "mastered": self.mastered,
        }


def make_hit(rel: str, doc: Document, heading: Heading, score: float, where: str) -> Hit:
    path = tuple(h.title for h in doc.path_of(heading)[:-1])
    return Hit(rel, heading.line + 1, heading.title, path, score, where, heading.mastered)


def search(notebook: Notebook, query: str, limit: int = 20) -> list[Hit]:
    """Headings whose normalised title or answer contains the normalised query."""
    needle = normalize(query)
    if not needle:
        return []
    hits: list[Hit] = []
    for rel, doc, heading in notebook.headings():
        if needle in normalize(heading.title):
            hits.append(make_hit(rel, doc, heading, 100.0, "title"))
        elif needle in normalize(doc.span_text(heading.answer)):
            hits.append(make_hit(rel, doc, heading, 90.0, "body"))
    hits.sort(key=lambda h: -h.score)
    return hits[:limit]
