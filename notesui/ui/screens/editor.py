"""``e``: edit a section (its heading line included) in place.

The editor keeps the bytes its text came from and the range of its section: saving splices
the new text over that range, and the store checks by content that the file has not changed
meanwhile (merging when the section itself is untouched, asking otherwise).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea

from notesui.core.document import Document, Heading
from notesui.core.edits import Anchor, EditText, SectionEdit, edit_text
from notesui.core.store import CONFLICTS, Conflict, Saved, WriteError
from notesui.core.text import one_line
from notesui.drafts import Kept
from notesui.ui import keys
from notesui.ui.context import Context, FilesChanged
from notesui.ui.screens.dialogs import Choice, ChoiceScreen

KEEP_DELAY = 1.0
"""Seconds after the last change before unsaved text is kept on disk."""


class EditorScreen(Screen[None]):
    """A TextArea over one section; ``ctrl+s`` saves, ``escape`` leaves."""

    DEFAULT_CSS = """
    EditorScreen #editor-crumbs { height: auto; padding: 0 1; background: $panel; text-style: bold; }
    EditorScreen #editor-state { height: auto; padding: 0 1; color: $text-muted; }
    EditorScreen #editor-warning { height: auto; padding: 0 1; color: $warning; display: none; }
    EditorScreen #editor-warning.shown { display: block; }
    EditorScreen #editor { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = list(keys.EDITOR)

    def __init__(self, ctx: Context, doc: Document, heading: Heading, *, restore: Kept | None = None) -> None:
        """Edit ``heading``'s section of ``doc``. Unsaved text is kept in ``ctx.drafts`` (a
        ``restore``d draft starts the editor with its text)."""
        super().__init__()
        self.ctx = ctx
        self.session = ctx.session
        self.rel = doc.rel
        self.readonly = doc.error if doc.readonly else None
        self.title = heading.title
        titles = tuple(h.title for h in doc.path_of(heading))
        self.crumbs = " › ".join(map(one_line, (doc.rel, *titles)))
        self.edit: EditText = edit_text(doc, heading)
        # what the next save is based on: the file's bytes and the range this editor owns
        self.data = doc.data
        self.start, self.end = heading.section.start, heading.section.end
        self.saved_text = self.edit.text
        self.initial_text = self.edit.shown(restore.text) if restore is not None else self.edit.text
        self.file_gone = False
        self._area: TextArea | None = None
        anchor = Anchor.of(doc, heading)
        self.draft = ctx.drafts.open(self.rel, titles, anchor.rank, anchor.count, restore)
        if self.draft is not None:
            self.draft.source = self._unsaved
        self._keep_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Editing " + self.crumbs), id="editor-crumbs")
        yield Static("", id="editor-state", markup=False)
        yield Static("", id="editor-warning", markup=False)
        area = TextArea.code_editor(self.initial_text, id="editor", soft_wrap=True, show_line_numbers=True)
        self._area = area
        if "markdown" in area.available_languages:
            area.language = "markdown"
        yield area
        yield Footer()

    def on_mount(self) -> None:
        self.ctx.files_changed.subscribe(self, self._files_changed, immediate=True)
        self._show_warning(
            "; ".join(w[0].upper() + w[1:] for w in self.edit.warnings) + "." if self.edit.warnings else ""
        )
        self._update_state()
        area = self.query_one("#editor", TextArea)
        area.focus()
        area.move_cursor((min(1, area.document.line_count - 1), 0))

    @property
    def text(self) -> str:
        return self._area.text if self._area is not None else self.initial_text

    @property
    def dirty(self) -> bool:
        return self.text != self.saved_text

    def _unsaved(self) -> tuple[str, bytes] | None:
        """The text while it is not safely in the file, and the bytes it replaces (for the
        draft)."""
        if self._area is None or not (self.dirty or self.file_gone):
            return None
        return self.edit.raw(self._area.text), self.data[self.start : self.end]

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._update_state()
        self._keep_soon()

    def _keep_soon(self) -> None:
        """Keep the unsaved text on disk a moment after typing stops (a crash loses at most
        that moment; ending the app keeps it all)."""
        if self.draft is None:
            return
        if self._keep_timer is not None:
            self._keep_timer.stop()
        self._keep_timer = self.set_timer(KEEP_DELAY, self.draft.keep)

    def on_unmount(self) -> None:
        if self.draft is not None:
            self.draft.close()

    def _discard(self) -> None:
        """Leave without saving: the text is given up on purpose, so is its draft."""
        if self.draft is not None:
            self.draft.source = lambda: None
            self.draft.clear()
        self.dismiss()

    def _update_state(self) -> None:
        state = "modified — ctrl+s saves" if self.dirty else "saved"
        newline = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}[self.edit.newline]
        self.query_one("#editor-state", Static).update(f"{state} · {newline}")

    def _show_warning(self, message: str) -> None:
        warning = self.query_one("#editor-warning", Static)
        warning.update(message)
        warning.set_class(bool(message), "shown")

    # -- saving -----------------------------------------------------------------------

    def _change(self) -> SectionEdit:
        return SectionEdit(
            self.rel, self.data, self.start, self.end, self.text, self.edit.newline, stand_ins=self.edit.stand_ins
        )

    def action_save(self) -> bool:
        """Save; returns whether the text is now safely in the file."""
        if not self.dirty and not self.file_gone:
            self.notify("No changes to save.")
            return True
        if self.readonly:
            self.notify(f"{self.rel} is read-only: {self.readonly}", severity="error")
            return False
        change = self._change()
        try:
            if self.file_gone:
                saved = self.session.overwrite(self.rel, change.new, what="edit")
                self.file_gone = False
            else:
                saved = self.session.write(self.rel, change)
                if saved.merged:
                    self.notify("The file had changed on disk: your edit was merged in, both kept.")
        except WriteError as error:
            self.notify(f"{error}. Your text is still here.", title="Not saved", severity="error", timeout=10)
            return False
        except Conflict as conflict:
            if conflict.disk is None:  # deleted meanwhile: saving recreates it
                self.file_gone = True
                if self.action_save():
                    self.notify(f"{self.rel} had been deleted: saving recreated it.", timeout=8)
                return not self.file_gone
            self._ask_conflict()
            return False
        self._saved(saved, change)
        self.notify(f"Saved {self.rel}.")
        return True

    def _saved(self, saved: Saved, change: SectionEdit) -> None:
        """After a save, the next one is based on the file as it is now, and on the range
        where the text was written (the change knows it, merged or not). Were it ever
        unknown, the next save would be based on nothing, so it asks instead of guessing."""
        span = change.span_in(saved.data)
        self.data, (self.start, self.end) = (saved.data, span) if span is not None else (b"", (0, 0))
        self.saved_text = self.text
        self._update_state()
        if saved.notice:
            self.notify(saved.notice, title="Changed while saving", severity="warning", timeout=12)
        if self.draft is not None:
            self.draft.keep()  # saved: nothing left to keep

    @work(group="ask")
    async def _ask_conflict(self) -> None:
        if not self.is_current:
            return  # a dialog is already open: one question at a time
        message = (
            f"{self.rel} changed on disk since you started editing, and this section was "
            "changed there too (or can't be found there for sure).\n\n"
            "Overwrite: your version is saved; the disk version, as it is at that moment, is "
            f"kept as a conflict copy in {CONFLICTS}/.\n"
            f"Keep disk: the file stays as it is; your version goes to a conflict copy in {CONFLICTS}/."
        )
        choice = await self.app.push_screen_wait(
            ChoiceScreen(
                "The file changed on disk",
                message,
                [
                    Choice("Overwrite", "overwrite", "o"),
                    Choice("Keep disk + copy", "copy", "k"),
                    Choice("Back to editing", "back", "b"),
                ],
                cancel="back",
                default=2,
            )
        )
        change = self._change()
        try:
            if choice == "overwrite":
                saved = self.session.overwrite(self.rel, change.new, what="edit")
                where = f" The disk version is in {saved.copy}." if saved.copy else ""
                self.notify(f"Saved.{where}", timeout=12)
                self._saved(saved, change)
            elif choice == "copy":
                copy = self.session.store.write_conflict_copy(self.rel, change.new)
                self.notify(f"Your version is in {copy}; the file is unchanged.", timeout=12)
                self.saved_text = self.text
                self.dismiss()
        except (WriteError, Conflict) as error:
            self.notify(f"{error}. Your text is still here.", title="Not saved", severity="error")

    # -- leaving ----------------------------------------------------------------------

    @work(group="ask")
    async def action_leave(self) -> None:
        if not self.is_current:
            return  # a dialog is already open: one question at a time
        if not self.dirty and not self.file_gone:
            self.dismiss()
            return
        choice = await self.app.push_screen_wait(
            ChoiceScreen(
                "Unsaved changes",
                f"Your changes to “{self.title}” are not saved.",
                [Choice("Save", "save", "s"), Choice("Discard", "discard", "d"), Choice("Keep editing", "back", "k")],
                cancel="back",
            )
        )
        if choice == "save":
            if self.action_save() and not self.dirty:
                self.dismiss()
        elif choice == "discard":
            self._discard()

    # -- outside changes --------------------------------------------------------------

    def _files_changed(self, event: FilesChanged) -> None:
        """Another program changed the file: the text being edited stays; say what happened."""
        if not event.outside:
            return
        for rel, doc in event.changes:
            if rel != self.rel:
                continue
            self.file_gone = doc is None
            if doc is None:
                self._show_warning(f"{rel} was deleted outside notesui. Your text is kept; saving recreates the file.")
            elif doc.data != self.data:
                self._show_warning(
                    f"{rel} changed outside notesui. Saving merges your edit when this section "
                    "was not changed there, and asks otherwise."
                )
