"""Command palette providers: "jump to question" over the same engine as ``/``."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import Hit, Hits, Provider
from textual.markup import escape

from notesui.ui.screens.search import hit_crumbs, hit_title

PALETTE_LIMIT = 20


class JumpProvider(Provider):
    """Jump to a question: titles and answers, 简/繁 alike, typos forgiven."""

    async def search(self, query: str) -> Hits:
        index = getattr(self.app, "search_index", None)
        if index is None or not query.strip():
            return
        hide = bool(getattr(self.app, "hide_mastered", False))  # hidden in the tree: not offered
        hits = await asyncio.to_thread(index.search, query, PALETTE_LIMIT * (4 if hide else 1))
        hits = [hit for hit in hits if not (hide and hit.mastered)][:PALETTE_LIMIT]
        jump = self.app.jump_to  # type: ignore[attr-defined]
        for hit in hits:
            yield Hit(
                hit.score / 100,
                hit_title(hit),
                partial(jump, hit),
                text=hit.title,
                help=escape(f"Jump to question · {hit_crumbs(hit)}"),  # the palette reads markup
            )
