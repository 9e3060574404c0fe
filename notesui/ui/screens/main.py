"""The main screen: the outline on the left, the reader on the right.

It opens the notes (in a worker: the tree at once, then the files the cache did not know,
their counts filling in), coordinates the outline's and the reader's messages, and turns keys
into changes through the session. It hears about every change (its own, outside ones)
through the context's signals, and tells the App it has shown the notes (``Opened``) and
parsed every file (``Parsed``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static
from textual.worker import get_current_worker

from notesui.core.document import Document, Heading
from notesui.core.edits import DeleteSection, InsertQuestion
from notesui.core.refs import HeadingRef
from notesui.core.reviews import due_questions, end_of_day, review_activity, utc_now
from notesui.core.text import one_line
from notesui.ui import keys
from notesui.ui.commands import Jump, JumpProvider, MainCommands
from notesui.ui.context import Context, FilesChanged, Prefs
from notesui.ui.pages import page_for
from notesui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from notesui.ui.screens.editor import EditorScreen
from notesui.ui.screens.recovery import offer_drafts
from notesui.ui.screens.review import ReviewScreen, place_histories, review_cards
from notesui.ui.screens.search import SearchScreen
from notesui.ui.screens.stats import StatsScreen
from notesui.ui.widgets.outline import Entry, OutlineTree
from notesui.ui.widgets.viewer import Viewer

Scope = list[tuple[Document, Heading | None]]


class _Closing(Exception):
    """The screen's opening worker was cancelled."""


class MainScreen(Screen[None]):
    """Outline and reader side by side."""

    BINDINGS: ClassVar[list[BindingType]] = list(keys.MAIN)
    COMMANDS = Screen.COMMANDS | {JumpProvider, MainCommands}

    class Opened(Message):
        """The notes are read and shown (the App starts watching them)."""

    class Parsed(Message):
        """Every file is parsed (the App starts indexing them)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.last_query = ""
        self.opened = False

    @property
    def documents(self) -> Mapping[str, Document]:
        return self.ctx.session.documents

    def compose(self) -> ComposeResult:
        yield Header(icon="✎")
        with Horizontal(id="progress"):
            yield Static("", id="progress-label", markup=False)
            yield ProgressBar(id="progress-bar", show_eta=False)
        with Horizontal(id="panes"):
            yield OutlineTree(id="outline")
            yield Viewer(id="viewer")
        yield Footer(show_command_palette=False)  # (ctrl+p is in the help: the reading keys are here)

    def on_mount(self) -> None:
        self.ctx.files_changed.subscribe(self, self._files_changed, immediate=True)
        self.ctx.prefs_changed.subscribe(self, self._prefs_changed, immediate=True)
        self.ctx.reviews_changed.subscribe(self, lambda _: self._update_progress() if self.opened else None)
        self._open()

    # -- opening ------------------------------------------------------------------------

    class _FilesParsed(Message):
        """Files parsed after opening (``rels``); ``done``: every file is."""

        def __init__(self, rels: list[str], *, done: bool = False) -> None:
            super().__init__()
            self.rels = rels
            self.done = done

    @work(thread=True, exclusive=True, group="open")
    def _open(self) -> None:
        """Read the files and show the tree at once; then parse the files the cache did not
        know, where the user was first, filling in their counts as they come (by messages:
        the parse never waits for the screen)."""
        session = self.ctx.session
        worker = get_current_worker()
        session.load(lazy=True)
        shown = threading.Event()
        self.app.call_from_thread(self._opened)
        self.app.call_from_thread(self.call_after_refresh, shown.set)
        shown.wait(2.0)  # the tree is on screen before the parse takes its share of the CPU

        def parsed(rels: list[str]) -> None:
            if worker.is_cancelled:
                raise _Closing  # the app is ending: the files left are parsed if ever needed
            self.post_message(self._FilesParsed(rels))

        try:
            session.parse_pending(self.ctx.place().files(), parsed)
        except _Closing:
            return
        self.post_message(self._FilesParsed([], done=True))

    @on(_FilesParsed)
    def _files_parsed(self, event: _FilesParsed) -> None:
        if event.rels:
            self.query_one(OutlineTree).show_parsed(event.rels)
            self._update_progress()
        if event.done:
            self.post_message(self.Parsed())
            for notice in self.ctx.session.take_notices():
                self.notify(notice, severity="warning", timeout=8)

    def _opened(self) -> None:
        notebook = self.ctx.session.notebook
        outline = self.query_one(OutlineTree)
        outline.hide_mastered = self.ctx.prefs.hide_mastered
        outline.show_notebook(notebook)
        outline.focus()
        outline.restore(self.ctx.place())
        self._update_progress()
        self.opened = True
        self.post_message(self.Opened())
        if notebook.skipped:
            self.notify(
                "; ".join(f"{rel}: {reason}" for rel, reason in notebook.skipped[:5]),
                title="Not read",
                severity="warning",
                timeout=10,
            )
        broken = [doc.rel for doc in notebook.documents.values() if doc.error]
        if broken:
            self.notify(
                "Opened read-only: " + ", ".join(broken),
                title="Some files can't be edited",
                severity="warning",
                timeout=8,
            )
        if not notebook.documents:
            self.notify(f"No .md files under {notebook.root}", severity="warning")
        self._offer_drafts()

    @work(group="ask")
    async def _offer_drafts(self) -> None:
        await offer_drafts(self.app, self.ctx)

    # -- what the outline does ----------------------------------------------------------

    @on(OutlineTree.EntryHighlighted)
    def _show_entry(self, event: OutlineTree.EntryHighlighted) -> None:
        if self.opened:
            self.query_one(Viewer).show(page_for(self.ctx.session.notebook, event.entry))
            self._remember_now()

    @on(OutlineTree.NodeExpanded)
    @on(OutlineTree.NodeCollapsed)
    def _remember_now(self) -> None:
        """Note where the user is (the state file is written when the app ends)."""
        if self.opened:
            self.ctx.remember_place(self.query_one(OutlineTree).state())

    @on(OutlineTree.EntryOpened)
    def _open_entry(self, event: OutlineTree.EntryOpened) -> None:
        self.query_one("#viewer #body").focus()

    def selected(self) -> tuple[Entry | None, Document | None, Heading | None]:
        """The entry under the cursor, its file and heading (when it is one)."""
        entry = self.query_one(OutlineTree).current
        if entry is None or not self.opened or entry.kind == "folder":
            return entry, None, None
        doc = self.documents.get(entry.rel)
        heading = doc.heading(entry.index) if doc is not None and entry.kind == "heading" else None
        return entry, doc, heading

    def scope(self, entry: Entry | None) -> Scope:
        """The files (and heading, for a heading) an entry stands for."""
        if entry is None or not self.opened:
            return []
        if entry.kind == "folder":
            prefix = entry.rel + "/" if entry.rel else ""
            return [(doc, None) for rel, doc in self.documents.items() if rel.startswith(prefix)]
        doc = self.documents.get(entry.rel)
        if doc is None:
            return []
        return [(doc, doc.heading(entry.index) if entry.kind == "heading" else None)]

    # -- changes --------------------------------------------------------------------------

    def _editable(self, what: str) -> tuple[Document, Heading] | None:
        _, doc, heading = self.selected()
        if heading is None or doc is None:
            self.notify(f"Select a question or a section to {what} it.", severity="warning")
            return None
        return (doc, heading) if self.ctx.writable(doc, self.notify) else None

    def action_edit(self) -> None:
        if (selected := self._editable("edit")) is not None:
            self.app.push_screen(EditorScreen(self.ctx, *selected))

    def action_toggle_mastered(self) -> None:
        entry, doc, heading = self.selected()
        if heading is None or doc is None or not heading.is_question:
            self._mark_all(entry)
            return
        mastered = not heading.mastered
        if self.ctx.set_mastered(doc.rel, [heading], mastered, self.notify):
            self.notify(("✓ Mastered: " if mastered else "Not mastered: ") + heading.title, timeout=3)

    @work(group="ask")
    async def _mark_all(self, entry: Entry | None) -> None:
        """``m`` on a section, file or folder: mark (or unmark) every question under it."""
        if not self.is_current:
            return  # a dialog is already open: one question at a time
        scope = [(doc, under) for doc, under in self.scope(entry) if not doc.readonly]
        questions = [h for doc, under in scope for h in doc.questions(under)]
        if entry is None or not questions:
            self.notify("No questions to mark here.", severity="warning")
            return
        left = sum(1 for h in questions if not h.mastered)
        mastered = left > 0
        name = self._entry_title(entry)
        if mastered:
            message = f"Mark all {len(questions)} questions under “{name}” as mastered? ({len(questions) - left} already are.)"
        else:
            message = f"All {len(questions)} questions under “{name}” are mastered. Clear their marks?"
        refs = [(doc.rel, HeadingRef.of(doc, under) if under else None) for doc, under in scope]
        files = len({doc.rel for doc, under in scope if any(True for _ in doc.questions(under))})
        label = "Mark all" if mastered else "Clear marks"
        choice = await self.app.push_screen_wait(
            ChoiceScreen(
                "Mark every question?" if mastered else "Clear every mark?",
                message + (f"\n{files} files, one write each." if files > 1 else ""),
                [(label, "yes"), ("Cancel", "no")],
                cancel="no",
                default=1,  # enter is the harmless answer
            )
        )
        if choice != "yes":
            return
        done, changed = 0, 0
        for rel, ref in refs:  # the files as they are now: another program may have changed them
            doc = self.documents.get(rel)
            found = ref.find({rel: doc}, closest=False) if ref is not None and doc is not None else None
            if doc is None or (ref is not None and found is None):
                changed += 1
                continue
            under = found[1] if found is not None else None
            marking = list(doc.questions(under))
            if self.ctx.set_mastered(rel, marking, mastered, self.notify):
                done += len(marking)
        skipped = f" {changed} file{'s' if changed != 1 else ''} changed meanwhile: not marked." if changed else ""
        self.notify(f"{'Marked' if mastered else 'Cleared'} {done} questions.{skipped}")

    def _entry_title(self, entry: Entry) -> str:
        scope = self.scope(entry)
        if entry.kind == "heading" and scope and scope[0][1] is not None:
            return scope[0][1].title
        return entry.rel or self.ctx.root.name

    def action_toggle_hide(self) -> None:
        hide = not self.ctx.prefs.hide_mastered
        self.ctx.set_prefs(hide_mastered=hide)
        self.notify("Mastered questions hidden." if hide else "Mastered questions shown.", timeout=3)

    def _prefs_changed(self, prefs: Prefs) -> None:
        outline = self.query_one(OutlineTree)
        if outline.hide_mastered != prefs.hide_mastered:
            outline.hide_mastered = prefs.hide_mastered
            outline.refresh_notebook()
            self._update_progress()

    @work(group="ask")
    async def action_review(self) -> None:
        if not self.is_current:
            return  # a dialog is already open: one question at a time
        entry, _, _ = self.selected()
        await place_histories(self.app, self.ctx)
        cards, due = review_cards(self.ctx, self.scope(entry))
        summary = await self.app.push_screen_wait(ReviewScreen(self.ctx, cards, due))
        if summary is not None and summary.seen:
            self.notify(
                f"Review: {summary.seen} seen, {sum(summary.ratings)} rated, {summary.newly_mastered} newly "
                f"mastered, {summary.due_tomorrow} due by tomorrow's end.",
                timeout=6,
            )

    def action_stats(self) -> None:
        if self.opened:
            session = self.ctx.session
            activity = review_activity(session.schedule, session.documents, session.links())
            self.app.push_screen(StatsScreen(session.notebook, activity))

    @work(group="ask")
    async def action_add(self) -> None:
        if not self.is_current:
            return  # a dialog is already open: one question at a time
        _, doc, heading = self.selected()
        if doc is None:
            self.notify("Select a question (or a file) to add one after it.", severity="warning")
            return
        if not self.ctx.writable(doc, self.notify):
            return
        rel, after = doc.rel, HeadingRef.of(doc, heading) if heading is not None else None
        where = f"after “{heading.title}”" if heading is not None else f"at the end of {rel}"
        title = await self.app.push_screen_wait(
            PromptScreen(f"New question {where}", "The question, e.g. 什么是 LoRA？")
        )
        current = self.documents.get(rel)
        if not title or current is None:
            return
        found = after.find({rel: current}, closest=False) if after is not None else None
        if after is not None and found is None:
            self.notify(f"“{after.title}” changed meanwhile: nothing added. Try again.", severity="warning")
            return
        change = InsertQuestion(current, found[1] if found is not None else None, title)
        if not self.ctx.try_write(rel, change, self.notify):
            return
        now = self.documents[rel]
        line = change.line_in(now.data)
        added = now.heading_at_line(line) if line is not None else None
        if added is not None:
            self.jump_to(HeadingRef.of(now, added))
            self.app.push_screen(EditorScreen(self.ctx, now, added))

    @work(group="ask")
    async def action_delete(self) -> None:
        if not self.is_current:
            return  # a dialog is already open: one question at a time
        if (selected := self._editable("delete")) is None:
            return
        doc, heading = selected
        below = sum(1 for _ in doc.subtree(heading)) - 1
        extra = f" and the {below} heading{'s' if below > 1 else ''} under it" if below else ""
        choice = await self.app.push_screen_wait(
            ChoiceScreen(
                "Delete?",
                f"Delete “{heading.title}”{extra} from {doc.rel}?",
                [("Delete", "delete"), ("Cancel", "cancel")],
                cancel="cancel",
                default=1,  # enter is the harmless answer
            )
        )
        if choice == "delete" and self.ctx.try_write(doc.rel, DeleteSection(doc, heading), self.notify):
            self.notify(f"Deleted “{heading.title}”. Press u to undo.", timeout=6)

    # -- files changed (here or outside) ------------------------------------------------

    def _files_changed(self, event: FilesChanged) -> None:
        """Patch the tree, refresh the reader and the counts."""
        if not self.opened:
            return
        self.query_one(OutlineTree).refresh_notebook()
        self._update_progress()
        # the cursor may have moved (its file gone) or its section changed: show it afresh
        self.call_after_refresh(self._show_cursor)

    def _show_cursor(self) -> None:
        entry = self.query_one(OutlineTree).current
        if entry is not None:
            self.query_one(Viewer).show(page_for(self.ctx.session.notebook, entry))

    def _update_progress(self) -> None:
        notebook = self.ctx.session.notebook
        counts = notebook.counts()
        reading = len(notebook.pending())
        if reading:
            done = len(notebook.documents) - reading
            self.sub_title = f"{self.ctx.root.name} · reading {done}/{len(notebook.documents)} files"
            self.query_one("#progress-label", Static).update(
                f"Reading notes: {done}/{len(notebook.documents)} files · {counts.mastered}/{counts.questions} mastered so far"
            )
            self.query_one("#progress-bar", ProgressBar).update(total=len(notebook.documents), progress=done)
            return
        due = self._due_today()
        self.sub_title = f"{self.ctx.root.name} · {counts.mastered}/{counts.questions} mastered" + (
            f" · {due} due today" if due else ""
        )
        hidden = " · mastered hidden (H)" if self.ctx.prefs.hide_mastered else ""
        self.query_one("#progress-label", Static).update(
            f"{counts.mastered}/{counts.questions} mastered · {counts.answered} answered{hidden}"
        )
        self.query_one("#progress-bar", ProgressBar).update(total=max(counts.questions, 1), progress=counts.mastered)

    def _due_today(self) -> int:
        """The questions due for review by the end of today (the header says how many; the
        outline's counts say where)."""
        session = self.ctx.session
        due: dict[str, list[int]] = {}
        if session.schedule.histories:
            due = due_questions(session.documents, session.links(), end_of_day(utc_now()))
        self.query_one(OutlineTree).show_due(due)
        return sum(map(len, due.values()))

    def action_focus_outline(self) -> None:
        self.query_one(OutlineTree).focus()

    # -- going to a question --------------------------------------------------------------

    @work(group="ask")
    async def action_search(self) -> None:
        if not self.is_current:
            return  # a dialog is already open: one question at a time
        search = SearchScreen(self.ctx, self.last_query)
        hit = await self.app.push_screen_wait(search)
        self.last_query = search.typed
        if hit is not None and hit.ref is not None:
            self.jump_to(hit.ref, find=search.typed)

    @on(Jump)
    def _jump(self, event: Jump) -> None:
        self.jump_to(event.ref)

    def jump_to(self, ref: HeadingRef, find: str = "") -> None:
        """Select the heading ``ref`` names (as it is now) in the tree and show it, with the
        matches of ``find`` (the search that led there) marked for ``n``/``N``."""
        outline = self.query_one(OutlineTree)
        entry = outline.entry_for(ref, closest=True) if self.opened else None
        if entry is None:
            self.notify(f"“{ref.title}” is not in the notes any more.", severity="warning")
            return
        outline.select_entry(entry)
        outline.focus()
        self.query_one(Viewer).show(page_for(self.ctx.session.notebook, entry), find=find)

    # -- reading keys (as in less and glow, from the tree as well) -----------------------

    def action_page_answer(self, pages: float) -> None:
        """``space``/``b`` a page of the answer down/up, ``ctrl+d``/``ctrl+u`` half a page."""
        viewer = self.query_one(Viewer)
        view = viewer.query_one("#raw") if viewer.has_class("raw") else viewer.page_view  # (raw text: its own view)
        lines = pages * max(view.scrollable_content_region.height - 1, 1)
        view.scroll_to(y=view.scroll_y + (int(lines) or (1 if pages > 0 else -1)), animate=False)

    def action_tree_edge(self, end: int) -> None:
        self.query_one(OutlineTree).action_cursor_edge(end)

    def action_next_question(self, step: int, which: str) -> None:
        """``]``/``[``: the next/previous question not mastered; ``}``/``{``: with no answer."""
        left = which == "left"
        outline = self.query_one(OutlineTree)
        entry = outline.next_question(step, (lambda h: not h.mastered) if left else (lambda h: not h.has_answer))
        if entry is None:
            self.notify("Every question is mastered." if left else "Every question has an answer.", timeout=3)
        elif outline.select_entry(entry):
            self.query_one(Viewer).show(page_for(self.ctx.session.notebook, entry))

    def action_find_next(self, step: int = 1) -> None:
        """``n``/``N``: the next (previous) match of the search that led to this question."""
        viewer = self.query_one(Viewer)
        if not viewer.finding:
            self.notify("No search to repeat here: press / to search.", timeout=3)
        elif not viewer.find_step(step):
            self.notify(f"“{one_line(viewer.finding)}” is not in this text.", timeout=3)
