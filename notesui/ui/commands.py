"""Command palette providers of the main screen: jump to a question (the engine of ``/``),
and the main screen's own commands.

Providers are made by Textual with the screen the palette was opened on; they find what
they need there (``screen.ctx``) and answer by posting a message to it, never by reaching
into the App."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.message import Message

from notesui.core.refs import HeadingRef
from notesui.ui.context import Context
from notesui.ui.screens.search import hidden, hit_crumbs, hit_title

PALETTE_LIMIT = 20


class Jump(Message):
    """Go to the question ``ref`` names (posted to the main screen)."""

    def __init__(self, ref: HeadingRef) -> None:
        super().__init__()
        self.ref = ref


def _context(provider: Provider) -> Context | None:
    ctx = getattr(provider.screen, "ctx", None)
    return ctx if isinstance(ctx, Context) else None


class JumpProvider(Provider):
    """Jump to a question: titles and answers, 简/繁 alike, typos forgiven."""

    async def search(self, query: str) -> Hits:
        ctx = _context(self)
        index = ctx.session.index if ctx is not None else None
        if ctx is None or index is None or not query.strip():
            return
        hide = ctx.prefs.hide_mastered  # hidden in the tree: not offered
        hits = await asyncio.to_thread(index.search, query, PALETTE_LIMIT * (4 if hide else 1))
        documents = ctx.session.documents
        offered = [(hit, hit.ref) for hit in hits if hit.ref is not None and not (hide and hidden(documents, hit))]
        for hit, ref in offered[:PALETTE_LIMIT]:
            yield Hit(
                hit.score / 100,
                hit_title(hit),
                partial(self.screen.post_message, Jump(ref)),
                text=hit.title,
                help=escape(f"Jump to question · {hit_crumbs(hit)}"),  # the palette reads markup
            )


class MainCommands(Provider):
    """The main screen's actions, by name."""

    def _commands(self) -> list[tuple[str, str, str]]:
        ctx = _context(self)
        hide = "Show mastered questions" if ctx is not None and ctx.prefs.hide_mastered else "Hide mastered questions"
        return [
            (hide, "In the tree and in search (H)", "toggle_hide"),
            ("Review", "Review the questions left under the selection (r)", "review"),
            ("Statistics", "Questions, answered and mastered per file (s)", "stats"),
            ("Search", "Search every title and answer (/)", "search"),
        ]

    async def discover(self) -> Hits:
        for name, help_, action in self._commands():
            yield DiscoveryHit(name, partial(self.screen.run_action, action), help=help_)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_, action in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), partial(self.screen.run_action, action), help=help_)
