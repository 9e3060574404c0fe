"""The main screen: the outline on the left, the reader on the right."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header

from notesui.core.document import Document, Heading
from notesui.core.notebook import Notebook, count
from notesui.core.edits import delete_section, insert_question, mark, marker_line
from notesui.core.search import Hit
from notesui.core.store import Conflict, WriteError
from notesui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from notesui.ui.screens.editor import EditorScreen
from notesui.ui.screens.search import SearchScreen
from notesui.ui.widgets.outline import Entry, OutlineTree
from notesui.ui.widgets.viewer import Page, Viewer

if TYPE_CHECKING:
    from notesui.app import NotesApp


def today() -> str:
    return date.today().isoformat()


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
    if entry.kind == "file" or entry.index is None or entry.index >= len(doc.headings):
        return _file_page(doc)
    return _section_page(doc, doc.headings[entry.index])


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
        Binding("a", "add", "Add", show=False),
        Binding("d,delete", "delete", "Delete", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.notebook: Notebook | None = None
        self.last_query = ""

    def compose(self) -> ComposeResult:
        yield Header(icon="✎")
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

    @on(OutlineTree.EntryOpened)
    def _open_entry(self, event: OutlineTree.EntryOpened) -> None:
        self.query_one("#viewer #body").focus()

    # -- what is selected -----------------------------------------------------------

    def selected(self) -> tuple[Entry | None, Document | None, Heading | None]:
        """The entry under the cursor, its file and heading (when it is one)."""
        node = self.query_one(OutlineTree).cursor_node
        entry = node.data if node is not None else None
        if entry is None or self.notebook is None or entry.kind == "folder":
            return entry, None, None
        doc = self.notebook.documents.get(entry.rel)
        heading = None
        if doc is not None and entry.kind == "heading" and entry.index is not None and entry.index < len(doc.headings):
            heading = doc.headings[entry.index]
        return entry, doc, heading

    def _writable(self, doc: Document | None) -> bool:
        if doc is None:
            return False
        if doc.readonly:
            self.notify(f"{doc.name} is read-only: {doc.error}.", severity="warning", timeout=8)
            return False
        return True

    def _write(self, doc: Document, new: bytes, what: str, span: tuple[int, int] | None = None) -> bool:
        try:
            self.app_.write_file(doc.name, doc.data, new, what=what, merge_span=span)
        except WriteError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=10)
            return False
        except Conflict:
            self.notify(
                f"{doc.name} changed on disk just now: reloaded it; nothing was written. Try again.",
                severity="warning", timeout=8,
            )
            data = self.app_.store.read(doc.name)
            self.app_.file_updated(doc.name, Document.parse(data, doc.name) if data is not None else None)
            return False
        return True

    @property
    def app_(self) -> NotesApp:
        return self.app  # type: ignore[return-value]

    # -- changes ----------------------------------------------------------------------

    def action_edit(self) -> None:
        entry, doc, heading = self.selected()
        if heading is None or doc is None:
            self.notify("Select a question or a section to edit it.", severity="warning")
            return
        if self._writable(doc):
            self.app.push_screen(EditorScreen(doc, heading))

    def action_toggle_mastered(self) -> None:
        entry, doc, heading = self.selected()
        if heading is None or doc is None or not heading.is_question:
            self.notify("Select a question to mark it mastered.", severity="warning")
            return
        if not self._writable(doc):
            return
        mastered = not heading.mastered
        new = mark(doc, [heading], mastered, today())
        line = marker_line(doc, heading)
        if self._write(doc, new, "mastered mark" if mastered else "mastered unmark", (line.start, line.end)):
            self.notify(("✓ Mastered: " if mastered else "Not mastered: ") + heading.title, timeout=3)

    def action_add(self) -> None:
        entry, doc, heading = self.selected()
        if doc is None or not self._writable(doc):
            self.notify("Select a question (or a file) to add one after it.", severity="warning")
            return

        def named(title: str | None) -> None:
            if not title or self.notebook is None:
                return
            current = self.notebook.documents.get(doc.name, doc)
            after = current.headings[heading.index] if heading is not None and heading.index < len(current.headings) else None
            new, line = insert_question(current, after, title)
            position = after.section.end if after is not None else len(current.data)
            if not self._write(current, new, "new question", (position, position)):
                return
            added = self.notebook.documents[doc.name].heading_at_line(line)
            if added is not None:
                self.jump_to(doc.name, added.index)
                self.app.push_screen(EditorScreen(self.notebook.documents[doc.name], added))

        where = f"after “{heading.title}”" if heading is not None else f"at the end of {doc.name}"
        self.app.push_screen(PromptScreen(f"New question {where}", "The question, e.g. 什么是 LoRA？"), named)

    def action_delete(self) -> None:
        entry, doc, heading = self.selected()
        if heading is None or doc is None:
            self.notify("Select a question or a section to delete it.", severity="warning")
            return
        if not self._writable(doc):
            return
        below = sum(1 for _ in doc.subtree(heading)) - 1
        extra = f" and the {below} heading{'s' if below > 1 else ''} under it" if below else ""

        def chosen(choice: str) -> None:
            if choice == "delete":
                section = heading.section
                if self._write(doc, delete_section(doc, heading), "deletion", (section.start, section.end)):
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
        outline = self.query_one(OutlineTree)
        outline.refresh_notebook()
        self._update_progress()
        node = outline.cursor_node
        rels = {rel for rel, _ in changes}
        if node is not None and node.data is not None and (node.data.rel in rels or node.data.kind == "folder"):
            self.call_after_refresh(self._show_cursor)

    def _show_cursor(self) -> None:
        node = self.query_one(OutlineTree).cursor_node
        if self.notebook is not None and node is not None and node.data is not None:
            self.query_one(Viewer).show(page_for(self.notebook, node.data))

    def _update_progress(self) -> None:
        if self.notebook is not None:
            counts = self.notebook.counts()
            self.sub_title = f"{self.notebook.root.name} · {counts.mastered}/{counts.questions} mastered"

    def action_focus_outline(self) -> None:
        self.query_one(OutlineTree).focus()

    def action_search(self) -> None:
        search = SearchScreen(self.last_query)

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
