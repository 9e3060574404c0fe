"""The main screen: the outline on the left, the reader on the right."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, ProgressBar, Static

from notesui.core.document import Document, Heading
from notesui.core.notebook import Notebook, count
from notesui.core.edits import DeleteSection, InsertQuestion
from notesui.core.search import Hit
from notesui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from notesui.ui.screens.editor import EditorScreen
from notesui.ui.screens.review import ReviewScreen, Summary, review_cards
from notesui.ui.screens.search import SearchScreen
from notesui.ui.screens.stats import StatsScreen
from notesui.ui.widgets.outline import Entry, OutlineTree
from notesui.ui.widgets.viewer import Page, Viewer

if TYPE_CHECKING:
    from notesui.app import NotesApp


NO_ANSWER = "*No answer yet — press **e** to write one.*"


def page_for(notebook: Notebook, entry: Entry) -> Page:
    """The Page that shows ``entry``: a folder summary, a file's preamble or a section."""
    if entry.kind == "folder":
        counts = notebook.counts(entry.rel)
        files = [rel for rel in notebook.documents if not entry.rel or rel.startswith(entry.rel + "/")]
        listing = "\n".join(f"- `{rel}`" for rel in files) or "*No notes files here.*"
        return Page(
            (entry.rel or str(notebook.root),),
            listing,
            status=f"{counts.mastered}/{counts.questions} mastered · {counts.answered} answered",
        )
    doc = notebook.documents.get(entry.rel)
    if doc is None:
        return Page((entry.rel,), "", notice="This file is no longer in the notes folder.")
    heading = doc.heading(entry.index) if entry.kind == "heading" else None
    return _file_page(doc) if heading is None else _section_page(doc, heading)


def _file_page(doc: Document) -> Page:
    counts = count(doc)
    status = f"{counts.mastered}/{counts.questions} mastered · {counts.answered} answered"
    if doc.error and not doc.text:
        return Page((doc.name,), "", status=status, notice=f"Can't open: {doc.error}")
    source = doc.span_text(doc.preamble).strip() or "*No text before the first heading.*"
    notice = _notices(doc)
    return Page((doc.name,), source, status=status, notice=notice)


def _section_page(doc: Document, heading: Heading) -> Page:
    crumbs = (doc.name, *(h.title for h in doc.path_of(heading)))
    source = doc.span_text(heading.section)
    if heading.is_question:
        state = f"✓ mastered {heading.mastered_on or ''}".rstrip() if heading.mastered else "not mastered yet"
        status = f"question · {state}"
        if not heading.has_answer:
            heading_text = doc.span_text(heading.heading)
            source = f"{heading_text.rstrip()}\n\n{NO_ANSWER}\n" + source[len(heading_text):]
    else:
        counts = count(doc, heading)
        status = f"section · {counts.mastered}/{counts.questions} mastered"
    return Page(crumbs, source, status=status, notice=_notices(doc))


def _notices(doc: Document) -> str | None:
    parts = []
    if doc.error:
        parts.append(f"Read-only: {doc.error}.")
    parts += [f"Warning: {w}." for w in doc.warnings]
    return " ".join(parts) or None


class MainScreen(Screen[None]):
    """Outline and reader side by side."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "focus_outline", "Outline", show=False),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("e", "edit", "Edit"),
        Binding("m", "toggle_mastered", "Mastered"),
        Binding("H", "toggle_hide", "Hide mastered", show=False),
        Binding("r", "review", "Review"),
        Binding("s", "stats", "Stats", show=False),
        Binding("a", "add", "Add", show=False),
        Binding("d,delete", "delete", "Delete", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.notebook: Notebook | None = None
        self.last_query = ""

    def compose(self) -> ComposeResult:
        yield Header(icon="✎")
        with Horizontal(id="progress"):
            yield Static("", id="progress-label", markup=False)
            yield ProgressBar(id="progress-bar", show_eta=False)
        with Horizontal(id="panes"):
            yield OutlineTree(id="outline")
            yield Viewer(id="viewer")
        yield Footer()

    def show_notebook(self, notebook: Notebook) -> None:
        self.notebook = notebook
        outline = self.query_one(OutlineTree)
        outline.show_notebook(notebook)
        outline.focus()
        self._update_progress()

    @on(OutlineTree.EntryHighlighted)
    def _show_entry(self, event: OutlineTree.EntryHighlighted) -> None:
        if self.notebook is not None:
            self.query_one(Viewer).show(page_for(self.notebook, event.entry))
            self._remember_now()

    @on(OutlineTree.NodeExpanded)
    @on(OutlineTree.NodeCollapsed)
    def _remember_place(self) -> None:
        self._remember_now()

    def _remember_now(self) -> None:
        """Note where the user is (the state file is written when the app ends)."""
        if self.notebook is not None:
            self.app_.remember_place(self.query_one(OutlineTree).state())

    @on(OutlineTree.EntryOpened)
    def _open_entry(self, event: OutlineTree.EntryOpened) -> None:
        self.query_one("#viewer #body").focus()

    # -- what is selected -----------------------------------------------------------

    def selected(self) -> tuple[Entry | None, Document | None, Heading | None]:
        """The entry under the cursor, its file and heading (when it is one)."""
        entry = self.query_one(OutlineTree).current
        if entry is None or self.notebook is None or entry.kind == "folder":
            return entry, None, None
        doc = self.notebook.documents.get(entry.rel)
        heading = doc.heading(entry.index) if doc is not None and entry.kind == "heading" else None
        return entry, doc, heading

    @property
    def app_(self) -> NotesApp:
        return self.app  # type: ignore[return-value]

    # -- changes ----------------------------------------------------------------------

    def action_edit(self) -> None:
        entry, doc, heading = self.selected()
        if heading is None or doc is None:
            self.notify("Select a question or a section to edit it.", severity="warning")
            return
        if self.app_.writable(doc):
            self.app.push_screen(EditorScreen(doc, heading, drafts=self.app_.drafts))

    def scope(self, entry: Entry | None) -> list[tuple[Document, Heading | None]]:
        """The files (and heading, for a heading) an entry stands for."""
        if entry is None or self.notebook is None:
            return []
        documents = self.notebook.documents
        if entry.kind == "folder":
            prefix = entry.rel + "/" if entry.rel else ""
            return [(doc, None) for rel, doc in documents.items() if rel.startswith(prefix)]
        doc = documents.get(entry.rel)
        if doc is None:
            return []
        heading = doc.heading(entry.index) if entry.kind == "heading" else None
        return [(doc, heading)]

    def action_toggle_mastered(self) -> None:
        entry, doc, heading = self.selected()
        if heading is None or not heading.is_question:
            self._mark_all(entry)
            return
        if doc is None or not self.app_.writable(doc):
            return
        mastered = not heading.mastered
        if self.app_.set_mastered(doc, [heading], mastered):
            self.notify(("✓ Mastered: " if mastered else "Not mastered: ") + heading.title, timeout=3)

    def _mark_all(self, entry: Entry | None) -> None:
        """``m`` on a section, file or folder: mark (or unmark) every question under it."""
        scope = [(doc, under) for doc, under in self.scope(entry) if not doc.readonly]
        questions = [(doc, h) for doc, under in scope for h in doc.questions(under)]
        if entry is None or not questions:
            self.notify("No questions to mark here.", severity="warning")
            return
        left = sum(1 for _, h in questions if not h.mastered)
        mastered = left > 0
        name = self._entry_title(entry)
        if mastered:
            message = f"Mark all {len(questions)} questions under “{name}” as mastered? ({len(questions) - left} already are.)"
        else:
            message = f"All {len(questions)} questions under “{name}” are mastered. Clear their marks?"
        files = len({doc.name for doc, _ in questions})

        def chosen(choice: str) -> None:
            if choice != "yes" or self.notebook is None:
                return
            done = 0
            for doc, under in scope:
                current = self.notebook.documents.get(doc.name, doc)
                fresh = current.heading(under.index) if under is not None else None
                if self.app_.set_mastered(current, list(current.questions(fresh)), mastered):
                    done += 1
            self.notify(f"{'Marked' if mastered else 'Cleared'} {len(questions)} questions in {done} file{'s' if done != 1 else ''}.")

        label = "Mark all" if mastered else "Clear marks"
        self.app.push_screen(
            ChoiceScreen(
                "Mark every question?" if mastered else "Clear every mark?",
                message + (f"\n{files} files, one write each." if files > 1 else ""),
                [(label, "yes"), ("Cancel", "no")],
                cancel="no",
            ),
            chosen,
        )

    def _entry_title(self, entry: Entry) -> str:
        scope = self.scope(entry)
        if entry.kind == "heading" and scope and scope[0][1] is not None:
            return scope[0][1].title
        return entry.rel or (self.notebook.root.name if self.notebook else "")

    def action_toggle_hide(self) -> None:
        hide = not self.app_.hide_mastered
        self.app_.set_hide_mastered(hide)
        self.notify("Mastered questions hidden." if hide else "Mastered questions shown.", timeout=3)

    def apply_hide_mastered(self, hide: bool) -> None:
        outline = self.query_one(OutlineTree)
        outline.hide_mastered = hide
        outline.refresh_notebook()
        self._update_progress()

    def action_review(self) -> None:
        entry, _, _ = self.selected()
        cards = review_cards(self.scope(entry))
        shuffled = self.app_.review_order == "shuffled"
        self.app.push_screen(ReviewScreen(cards, shuffled=shuffled), self._review_done)

    def _review_done(self, summary: Summary | None) -> None:
        if summary is not None and summary.seen:
            self.notify(
                f"Review: {summary.seen} seen, {summary.newly_mastered} newly mastered, {summary.left} left.",
                timeout=6,
            )

    def action_stats(self) -> None:
        if self.notebook is not None:
            self.app.push_screen(StatsScreen(self.notebook))

    def action_add(self) -> None:
        entry, doc, heading = self.selected()
        if doc is None:
            self.notify("Select a question (or a file) to add one after it.", severity="warning")
            return
        if not self.app_.writable(doc):
            return

        def named(title: str | None) -> None:
            if not title or self.notebook is None:
                return
            current = self.notebook.documents.get(doc.name, doc)
            after = current.heading(heading.index) if heading is not None else None
            change = InsertQuestion(current, after, title)
            if not self.app_.try_write(doc.name, change):
                return
            now = self.notebook.documents[doc.name]
            line = change.line_in(now.data)  # None: a big file, still being parsed
            added = now.heading_at_line(line) if line is not None else None
            if added is not None:
                self.jump_to(doc.name, added.index)
                self.app.push_screen(EditorScreen(self.notebook.documents[doc.name], added, drafts=self.app_.drafts))

        where = f"after “{heading.title}”" if heading is not None else f"at the end of {doc.name}"
        self.app.push_screen(PromptScreen(f"New question {where}", "The question, e.g. 什么是 LoRA？"), named)

    def action_delete(self) -> None:
        entry, doc, heading = self.selected()
        if heading is None or doc is None:
            self.notify("Select a question or a section to delete it.", severity="warning")
            return
        if not self.app_.writable(doc):
            return
        below = sum(1 for _ in doc.subtree(heading)) - 1
        extra = f" and the {below} heading{'s' if below > 1 else ''} under it" if below else ""

        def chosen(choice: str) -> None:
            if choice == "delete":
                if self.app_.try_write(doc.name, DeleteSection(doc, heading)):
                    self.notify(f"Deleted “{heading.title}”. Press u to undo.", timeout=6)

        self.app.push_screen(
            ChoiceScreen(
                "Delete?",
                f"Delete “{heading.title}”{extra} from {doc.name}?",
                [("Delete", "delete"), ("Cancel", "cancel")],
                cancel="cancel",
            ),
            chosen,
        )

    def files_updated(self, changes: list[tuple[str, Document | None]]) -> None:
        """Files changed (here or outside): patch the tree, refresh the reader and counts."""
        if self.notebook is None:
            return
        self.query_one(OutlineTree).refresh_notebook()
        self._update_progress()
        # the cursor may have moved (its file gone) or its section changed: show it afresh
        self.call_after_refresh(self._show_cursor)

    def _show_cursor(self) -> None:
        entry = self.query_one(OutlineTree).current
        if self.notebook is not None and entry is not None:
            self.query_one(Viewer).show(page_for(self.notebook, entry))

    def _update_progress(self) -> None:
        if self.notebook is None:
            return
        counts = self.notebook.counts()
        self.sub_title = f"{self.notebook.root.name} · {counts.mastered}/{counts.questions} mastered"
        hidden = " · mastered hidden (H)" if self.query_one(OutlineTree).hide_mastered else ""
        self.query_one("#progress-label", Static).update(
            f"{counts.mastered}/{counts.questions} mastered · {counts.answered} answered{hidden}"
        )
        self.query_one("#progress-bar", ProgressBar).update(total=max(counts.questions, 1), progress=counts.mastered)

    def action_focus_outline(self) -> None:
        self.query_one(OutlineTree).focus()

    def action_search(self) -> None:
        search = SearchScreen(self.last_query, hide_mastered=self.app_.hide_mastered)

        def closed(hit: Hit | None) -> None:
            self.last_query = search.typed
            if hit is not None:
                self.jump_to(hit.file, hit.index)

        self.app.push_screen(search, closed)

    def jump_to(self, rel: str, index: int) -> None:
        """Select heading ``index`` of file ``rel`` in the tree and show it."""
        if self.notebook is None:
            return
        entry = Entry("heading", rel, index)
        outline = self.query_one(OutlineTree)
        outline.select_entry(entry)
        outline.focus()
        self.query_one(Viewer).show(page_for(self.notebook, entry))
