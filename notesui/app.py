"""The notesui App: screens, bindings and wiring — nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from notesui.config import Config
from notesui.core.document import Document
from notesui.core.notebook import Notebook
from notesui.core.store import Conflict, Saved, Store, WriteError, clean_stale_temps
from notesui.core.search import Hit, SearchIndex
from notesui.ui.commands import JumpProvider
from notesui.ui.screens.help import HelpScreen
from notesui.ui.screens.main import MainScreen
from notesui.ui.screens.search import SearchScreen


class NotesApp(App[None]):
    """Read, search, edit and master Markdown Q&A notes."""

    TITLE = "notesui"
    CSS_PATH = "ui/notesui.tcss"
    COMMANDS = App.COMMANDS | {JumpProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("u", "undo", "Undo", show=False),
    ]

    def __init__(self, root: Path, *, config: Config | None = None) -> None:
        super().__init__()
        self.root = Path(root)
        self.config = config or Config()
        self.notebook: Notebook | None = None
        self.search_index: SearchIndex | None = None
        self.store = Store(self.root)

    def on_mount(self) -> None:
        self.push_screen(MainScreen())
        for notice in self.config.notices:
            self.notify(notice, severity="warning", timeout=8)
        self.load_notebook()

    @work(thread=True, exclusive=True, group="load")
    def load_notebook(self) -> None:
        clean_stale_temps(self.root)
        notebook = Notebook.open(self.root)
        self.call_from_thread(self._notebook_loaded, notebook)
        index = SearchIndex.build(notebook)
        self.call_from_thread(self._index_built, index)

    def _index_built(self, index: SearchIndex) -> None:
        self.search_index = index
        for screen in self.screen_stack:
            if isinstance(screen, SearchScreen):
                screen.refresh_results()

    def _notebook_loaded(self, notebook: Notebook) -> None:
        self.notebook = notebook
        main = self.main_screen()
        if main is not None:
            main.show_notebook(notebook)
        broken = [doc.name for doc in notebook.documents.values() if doc.error]
        if broken:
            self.notify(
                "Opened read-only: " + ", ".join(broken),
                title="Some files can't be edited",
                severity="warning",
                timeout=8,
            )
        if not notebook.documents:
            self.notify(f"No .md files under {self.root}", severity="warning")

    def main_screen(self) -> MainScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    def jump_to(self, hit: Hit) -> None:
        """Show a search hit: the tree selects it and the viewer shows it."""
        main = self.main_screen()
        if main is not None:
            main.jump_to(hit.file, hit.index)

    # -- the one way the app changes a file -----------------------------------------

    def write_file(
        self, doc: Document, new: bytes, *, what: str, merge_span: tuple[int, int] | None = None
    ) -> Saved:
        """Write ``new`` over ``doc``'s file (whose bytes the change was based on) and show it.

        Raises WriteError (nothing written) and Conflict (the file changed on disk and the
        change could not be merged) for the caller to handle."""
        saved = self.store.write(doc.name, new, based_on=doc.data, what=what, merge_span=merge_span)
        if saved.changed or saved.merged:
            self.file_updated(doc.name, Document.parse(saved.data, doc.name))
        return saved

    def force_write(self, rel: str, new: bytes, *, what: str) -> None:
        """Write without the conflict check (the user chose so); raises WriteError."""
        self.store.force_write(rel, new, before=self.store.read(rel), what=what)
        self.file_updated(rel, Document.parse(new, rel))

    def file_updated(self, rel: str, doc: Document | None) -> None:
        """Show a file's new content everywhere: notebook, search index, tree, viewer."""
        if self.notebook is None:
            return
        if doc is None:
            self.notebook.documents.pop(rel, None)
        else:
            self.notebook.put(rel, doc)
        if self.search_index is not None:
            self.search_index.update_file(rel, doc)
        for screen in self.screen_stack:
            hook = getattr(screen, "file_updated", None)
            if hook is not None:
                hook(rel, doc)

    def action_undo(self) -> None:
        """Undo the app's last write to a file, when the file has not changed since."""
        last = self.store.last_write()
        if last is None:
            self.notify("Nothing to undo.", severity="warning")
            return
        try:
            self.store.undo()
        except Conflict:
            self.notify(
                f"{last.rel} changed since notesui wrote it: not undone, nothing lost.",
                title="Can't undo", severity="warning", timeout=8,
            )
            return
        except WriteError as error:
            self.notify(str(error), title="Can't undo", severity="error", timeout=8)
            return
        data = self.store.read(last.rel)
        self.file_updated(last.rel, Document.parse(data, last.rel) if data is not None else None)
        self.notify(f"Undid the {last.what} in {last.rel}.", title="Undone")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
