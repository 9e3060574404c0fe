"""Helpers for driving the app in Textual's pilot."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Markdown, Static, TextArea
from textual.worker import WorkerCancelled

from notesui.app import NotesApp
from notesui.ui.widgets.outline import Entry, OutlineTree


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every worker has finished and the screen has caught up."""
    app = pilot.app
    for _ in range(3):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # a page superseded by a newer one: the viewer cancels its worker
        await pilot.pause()


def crumbs(app: NotesApp) -> str:
    return str(app.screen.query_one("#crumbs", Static).render())


def shown(app: NotesApp) -> str:
    return app.screen.query_one("#markdown", Markdown).source


async def goto(pilot: Pilot[None], rel: str, title: str | None = None) -> None:
    """Put the tree's cursor on file ``rel`` or on its heading titled ``title``."""
    await settle(pilot)
    app = pilot.app
    tree = app.screen.query_one(OutlineTree)
    if title is None:
        tree.select_entry(Entry("file", rel))
    else:
        doc = app.notebook.documents[rel]  # type: ignore[attr-defined]
        heading = next(h for h in doc.headings if h.title == title)
        tree.select_entry(Entry("heading", rel, heading.index))
    await settle(pilot)


async def edit(pilot: Pilot[None], rel: str, title: str) -> TextArea:
    """Open the editor on heading ``title`` of file ``rel``; returns its text area."""
    await goto(pilot, rel, title)
    await pilot.press("e")
    await settle(pilot)
    return pilot.app.screen.query_one(TextArea)
