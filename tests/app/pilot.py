"""Helpers for driving the app in Textual's pilot."""

from __future__ import annotations

import asyncio

from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.widgets import Static, TextArea
from textual.worker import WorkerCancelled

from notesui.app import NotesApp
from notesui.ui.widgets.outline import Entry, OutlineTree
from notesui.ui.widgets.viewer import PageView


class Told:
    """Every notification the app showed: pass it as ``run_test(message_hook=...)``."""

    def __init__(self) -> None:
        self.notifications: list[Notification] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, Notify):
            self.notifications.append(message.notification)

    @property
    def messages(self) -> list[str]:
        return [n.message for n in self.notifications]

    def said(self, text: str) -> bool:
        return any(text in n.message for n in self.notifications)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every worker (but those waiting on a dialog) and the search index have
    finished and the screen has caught up."""
    app = pilot.app
    for _ in range(3):
        # workers of the "ask" group wait on a dialog: not for the test to wait on (and an
        # empty list would mean every worker)
        waiting = [w for w in app.workers if w.group != "ask"]
        try:
            if waiting:
                await app.workers.wait_for_complete(waiting)
        except WorkerCancelled:
            pass  # a page superseded by a newer one: the viewer cancels its worker
        session = getattr(app, "session", None)
        if session is not None and session.index is not None:
            await asyncio.to_thread(session.indexer.wait, 10)
        await pilot.pause()


def changed_outside(app: NotesApp, *rels: str) -> None:
    """Apply what another program did to ``rels``, as the watcher does."""
    app.session.apply_diff(app.session.diff(rels))


def crumbs(app: NotesApp) -> str:
    return str(app.screen.query_one("#crumbs", Static).render())


def shown(app: NotesApp) -> str:
    return app.screen.query_one("#viewer #body", PageView).source


async def goto(pilot: Pilot[None], rel: str, title: str | None = None) -> None:
    """Put the tree's cursor on file ``rel`` or on its heading titled ``title``."""
    await settle(pilot)
    app = pilot.app
    tree = app.screen.query_one(OutlineTree)
    if title is None:
        tree.select_entry(Entry("file", rel))
    else:
        doc = app.session.documents[rel]  # type: ignore[attr-defined]
        heading = next(h for h in doc.headings if h.title == title)
        tree.select_entry(Entry("heading", rel, heading.index))
    await settle(pilot)


async def edit(pilot: Pilot[None], rel: str, title: str) -> TextArea:
    """Open the editor on heading ``title`` of file ``rel``; returns its text area."""
    await goto(pilot, rel, title)
    await pilot.press("e")
    await settle(pilot)
    return pilot.app.screen.query_one(TextArea)
