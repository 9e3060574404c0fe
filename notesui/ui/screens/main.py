"""The main screen: the outline on the left, the reader on the right."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header

from notesui.core.document import Document, Heading
from notesui.core.notebook import Notebook, count
from notesui.core.search import Hit
from notesui.ui.screens.search import SearchScreen
from notesui.ui.widgets.outline import Entry, OutlineTree
from notesui.ui.widgets.viewer import Page, Viewer

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
        counts = notebook.counts()
        self.sub_title = f"{notebook.root.name} · {counts.mastered}/{counts.questions} mastered"

    @on(OutlineTree.EntryHighlighted)
    def _show_entry(self, event: OutlineTree.EntryHighlighted) -> None:
        if self.notebook is not None:
            self.query_one(Viewer).show(page_for(self.notebook, event.entry))

    @on(OutlineTree.EntryOpened)
    def _open_entry(self, event: OutlineTree.EntryOpened) -> None:
        self.query_one("#viewer #body").focus()

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
