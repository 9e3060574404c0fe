"""The notesui App: screens, bindings and wiring — nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from notesui.config import Config
from notesui.core.notebook import Notebook
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
    ]

    def __init__(self, root: Path, *, config: Config | None = None) -> None:
        super().__init__()
        self.root = Path(root)
        self.config = config or Config()
        self.notebook: Notebook | None = None
        self.search_index: SearchIndex | None = None

    def on_mount(self) -> None:
        self.push_screen(MainScreen())
        for notice in self.config.notices:
            self.notify(notice, severity="warning", timeout=8)
        self.load_notebook()

    @work(thread=True, exclusive=True, group="load")
    def load_notebook(self) -> None:
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

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
