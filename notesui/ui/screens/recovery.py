"""Unsaved text an earlier session left behind: offered, one draft at a time, on opening."""

from __future__ import annotations

from typing import Any

from textual.app import App

from notesui.core.document import Document
from notesui.core.edits import Anchor
from notesui.drafts import Kept
from notesui.ui.context import Context
from notesui.ui.screens.dialogs import Choice, ChoiceScreen
from notesui.ui.screens.editor import EditorScreen


async def offer_drafts(app: App[Any], ctx: Context) -> None:
    """Offer each draft left for this notes folder: Restore (the editor opens on it), Later
    (kept for the next start) or Discard. Run in a worker: it waits on the dialogs."""
    later: set[Any] = set()
    while left := [kept for kept in ctx.drafts.left() if kept.path not in later]:
        first = left[0]
        where = " › ".join((first.rel, *first.titles))
        more = f"\n\n{len(left) - 1} more will be offered after this one." if len(left) > 1 else ""
        choice = await app.push_screen_wait(
            ChoiceScreen(
                "Unsaved text from last time",
                f"notesui ended with unsaved text in “{where}” ({first.saved_at.replace('T', ' ')}). "
                f"It is kept in {first.path}.\n\nRestore opens the editor on that question with "
                f"the text, to save or change; Later keeps it for next time; Discard deletes it.{more}",
                [Choice("Restore", "restore", "r"), Choice("Later", "later", "l"), Choice("Discard", "discard", "d")],
                cancel="later",
            )
        )
        if choice == "discard":
            first.discard()
        elif choice == "restore" and (editor := _editor_for(app, ctx, first)) is not None:
            await app.push_screen_wait(editor)
        else:
            later.add(first.path)


def _editor_for(app: App[Any], ctx: Context, kept: Kept) -> EditorScreen | None:
    """The editor on the draft's question with its text. The save is based on the section
    as it was when the draft was typed: if it changed since, saving asks."""
    doc = ctx.session.documents.get(kept.rel)
    heading = None
    if doc is not None and not doc.readonly and kept.titles:
        heading = Anchor(kept.titles, kept.rank, kept.count, kept.base).find(doc)
    if doc is None or heading is None:
        app.notify(
            f"“{' › '.join((kept.rel, *kept.titles))}” is not in the notes any more; the text stays in {kept.path}.",
            severity="warning",
            timeout=12,
        )
        return None
    section = heading.section
    if kept.base and doc.span_bytes(section) != kept.base:  # changed since: edit against what it was
        then = Document.parse(doc.data[: section.start] + kept.base + doc.data[section.end :], doc.rel)
        was = next((h for h in then.headings if h.section.start == section.start), None)
        if was is not None:
            doc, heading = then, was
            app.notify(
                f"“{heading.title}” changed on disk since this text was typed: saving asks what to keep.",
                severity="warning",
                timeout=12,
            )
    return EditorScreen(ctx, doc, heading, restore=kept)
