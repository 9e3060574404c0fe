"""Command palette providers: "jump to question" over the same engine as ``/``."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import Hit, Hits, Provider
from textual.markup import escape

from notesui.core.notebook import Notebook, count
from notesui.core.search import Hit as SearchHit

from notesui.ui.screens.search import hit_crumbs, hit_title

PALETTE_LIMIT = 20


def _hidden(notebook: Notebook | None, hit: SearchHit) -> bool:
    """Whether the tree hides this hit with mastered questions hidden: it, or a heading
    above it, has questions and every one of them is mastered."""
    doc = notebook.documents.get(hit.file) if notebook is not None else None
    heading = doc.heading(hit.index) if doc is not None else None
    if doc is None or heading is None:
        return hit.mastered
    for above in doc.path_of(heading):
        counts = count(doc, above)
        if counts.questions and counts.mastered == counts.questions:
            return True
    return False


class JumpProvider(Provider):
    """Jump to a question: titles and answers, 简/繁 alike, typos forgiven."""

    async def search(self, query: str) -> Hits:
        index = getattr(self.app, "search_index", None)
        if index is None or not query.strip():
            return
        hide = bool(getattr(self.app, "hide_mastered", False))  # hidden in the tree: not offered
        hits = await asyncio.to_thread(index.search, query, PALETTE_LIMIT * (4 if hide else 1))
        notebook = getattr(self.app, "notebook", None)
        hits = [hit for hit in hits if not (hide and _hidden(notebook, hit))][:PALETTE_LIMIT]
        jump = self.app.jump_to  # type: ignore[attr-defined]
        for hit in hits:
            yield Hit(
                hit.score / 100,
                hit_title(hit),
                partial(jump, hit),
                text=hit.title,
                help=escape(f"Jump to question · {hit_crumbs(hit)}"),  # the palette reads markup
            )
