"""A question's identity across changes: the user's place, review cards, search hits.

Files change under the app (its own writes re-parse them, other programs insert, rename and
move questions); a heading's index in its file does not survive that. ``HeadingRef`` names a
heading by what does: its file and title path, and which of the headings with that path it is.
Finding it again falls back, in order, on its answer (renamed: the same answer, not empty), on
other files (moved: the same title and answer) and, only where a guess is welcome (the cursor),
on its title's likeness (renamed and edited) and its position (deleted: the heading now there).
What acts on a question without the user pointing at it again (a review card's ``m``) never
guesses; writes based on bytes use ``edits.Anchor``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from notesui.core.document import Document, Heading
from notesui.core.files import digest

SIMILAR_TITLE = 60.0
"""How alike (rapidfuzz ratio, 0–100) a renamed title must be to be taken for the old one."""


def _digest(doc: Document, heading: Heading) -> str:
    """A short digest of the answer; "" for none (every empty answer is alike: no proof)."""
    answer = doc.span_bytes(heading.answer).strip()
    return digest(answer) if answer else ""


@dataclass(frozen=True, slots=True)
class HeadingRef:
    """A heading by file (``rel``) and title path; ``occurrence`` of ``count`` headings with
    that path; ``line`` (0-based) and the ``digest`` of its answer break ties."""

    rel: str
    titles: tuple[str, ...]
    occurrence: int = 0
    count: int = 1
    line: int = 0
    digest: str = ""

    @classmethod
    def of(cls, doc: Document, heading: Heading) -> HeadingRef:
        titles = doc.title_path(heading)
        # (the same titles first: cheaper than every heading's path, for a search hit)
        same = [h for h in doc.headings if h.title == heading.title and doc.title_path(h) == titles]
        return cls(doc.rel, titles, same.index(heading), len(same), heading.line, _digest(doc, heading))

    @property
    def title(self) -> str:
        return self.titles[-1] if self.titles else ""

    def find(
        self, documents: Mapping[str, Document], *, closest: bool = True, guess: bool = True
    ) -> tuple[str, Heading] | None:
        """The file and heading this names now. Without ``closest``, only a heading with
        the same title path in the same file; with it, also one renamed or moved with its
        answer; with ``guess`` too, the one with the most similar title, else the one now
        where it was (see the module)."""
        doc = documents.get(self.rel)
        if doc is not None and (same := doc.with_path(self.titles)):
            return self.rel, self._pick(doc, same)
        if not closest:
            return None
        if doc is not None and (renamed := self._renamed(doc, guess)) is not None:
            return self.rel, renamed
        moved = self._moved(documents)
        if moved is not None:
            return moved
        if guess and doc is not None and doc.headings:  # gone: the heading now where it was
            return self.rel, min(doc.headings, key=lambda h: (abs(h.line - self.line), h.line < self.line))
        return None

    def _pick(self, doc: Document, same: list[Heading]) -> Heading:
        """Which of the headings with this path: by occurrence while their number is the
        same, else by answer, else by position."""
        if len(same) == self.count and self.occurrence < len(same):
            return same[self.occurrence]
        alike = [h for h in same if _digest(doc, h) == self.digest]
        return min(alike or same, key=lambda h: abs(h.line - self.line))

    def _renamed(self, doc: Document, guess: bool) -> Heading | None:
        """The heading with this answer, else (with ``guess``) the one with the most similar
        title (nearest first among equals)."""
        alike = [h for h in doc.headings if self.digest and _digest(doc, h) == self.digest]
        if alike:
            return min(alike, key=lambda h: abs(h.line - self.line))
        if not guess:
            return None
        from rapidfuzz import fuzz

        scored = [(fuzz.ratio(self.title, h.title), h) for h in doc.headings]
        scored = [(score, h) for score, h in scored if score >= SIMILAR_TITLE]
        if not scored:
            return None
        return max(scored, key=lambda pair: (pair[0], -abs(pair[1].line - self.line)))[1]

    def _moved(self, documents: Mapping[str, Document]) -> tuple[str, Heading] | None:
        """The one heading elsewhere with this title and answer (moved to another file)."""
        found = [
            (rel, h)
            for rel, doc in documents.items()
            if rel != self.rel
            for h in doc.headings
            if self.digest and h.title == self.title and _digest(doc, h) == self.digest
        ]
        return found[0] if len(found) == 1 else None
