"""The notesui App: screens, bindings and wiring — nothing else."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from notesui import locations
from notesui.config import Config
from notesui.core.document import Document, Heading
from notesui.core.edits import Anchor, MarkChange
from notesui.core.files import NotReadable, read_regular
from notesui.core.mastery import today
from notesui.core.notebook import Notebook, discover
from notesui.core.search import Hit, SearchIndex
from notesui.core.store import Change, Conflict, Saved, Store, WriteError, clean_stale_temps
from notesui.core.text import one_line, strip_controls, visible
from notesui.core.watch import RESCAN, Coalescer, Watcher
from notesui.drafts import Drafts, Kept
from notesui.state import Place, load_state, save_state
from notesui.ui.commands import JumpProvider
from notesui.ui.screens.dialogs import Choice, ChoiceScreen
from notesui.ui.screens.editor import EditorScreen
from notesui.ui.screens.help import HelpScreen
from notesui.ui.screens.main import MainScreen
from notesui.ui.screens.search import SearchScreen
from notesui.ui.themes import DEFAULT_THEME, load_themes
from notesui.ui.widgets.outline import OutlineTree


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and read_regular(path) == data
    except (OSError, NotReadable):
        return False


SYNC_PARSE_BYTES = 256 * 1024
"""Files up to this size are re-parsed on the UI thread after the app writes them (a few
tens of milliseconds); bigger ones in a worker."""


class NotesApp(App[None]):
    """Read, search, edit and master Markdown Q&A notes."""

    TITLE = "notesui"
    CSS_PATH = "ui/notesui.tcss"
    COMMANDS = App.COMMANDS | {JumpProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("u", "undo", "Undo", show=False),
        Binding("t", "next_theme", "Theme", show=False),
    ]

    class FileEvent(Message):
        """Posted by the watcher's thread: something happened to a notes file."""

        def __init__(self, rel: str, kind: str) -> None:
            super().__init__()
            self.rel = rel
            self.kind = kind

    def __init__(self, root: Path, *, config: Config | None = None, watch: bool | None = None) -> None:
        super().__init__()
        self.root = Path(root)
        self.config = config or Config()
        if watch is None:
            watch = self.config.watch and os.environ.get("NOTESUI_WATCH", "1") != "0"
        self.watch = watch
        self.watcher: Watcher | None = None
        self.coalescer = Coalescer()
        self.state = load_state()
        self.hide_mastered = (
            self.state.hide_mastered if self.state.hide_mastered is not None else self.config.hide_mastered
        )
        self.review_order = self.state.review_order or self.config.review_order
        self.notesui_themes: list[str] = []
        self.notebook: Notebook | None = None
        self.search_index: SearchIndex | None = None
        self.store = Store(self.root, user_locks=locations.state_dir() / "locks")
        self.drafts = Drafts(self.root)
        self._drafts_later: set[Path] = set()

    def on_mount(self) -> None:
        notices = [*self.config.notices, *([self.state.notice] if self.state.notice else [])]
        notices += self._apply_themes()
        self.push_screen(MainScreen())
        for notice in notices:
            self.notify(notice, severity="warning", timeout=8)
        self.load_notebook()

    @work(thread=True, exclusive=True, group="load")
    def load_notebook(self) -> None:
        clean_stale_temps(self.root)
        notebook = Notebook.open(self.root)
        self.call_from_thread(self._notebook_loaded, notebook)
        index = SearchIndex.build(notebook)
        self.call_from_thread(self._index_built, index)

    # -- live sync --------------------------------------------------------------------

    def start_watching(self) -> None:
        if self.watcher is not None:
            return
        watcher = Watcher(self.root, lambda rel, kind: self.post_message(self.FileEvent(rel, kind)))
        try:
            watcher.start()
        except OSError as error:
            self.notify(f"Can't watch {self.root} for outside changes: {error}", severity="warning")
            return
        self.watcher = watcher
        if watcher.polling:
            self.notify(
                f"Watching for outside changes by polling ({watcher.problem}).",
                severity="warning", timeout=8,
            )
        self.set_interval(0.05, self._flush_events, name="watch")

    def on_unmount(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        self.keep_everything()

    def keep_everything(self) -> None:
        """The app is ending (any way at all): keep unsaved editor text and the user's place.
        Never raises."""
        self.drafts.keep_all()
        save_state(self.state)

    def _handle_exception(self, error: Exception) -> None:
        """The app is about to end on an error: unsaved text is kept first."""
        self.keep_everything()
        super()._handle_exception(error)

    # -- unsaved text left by an earlier session ----------------------------------------

    def offer_drafts(self) -> None:
        """Offer the unsaved text an earlier session left for this notes folder (one at a
        time; those put off with Later wait for the next start)."""
        left = [kept for kept in self.drafts.left() if kept.path not in self._drafts_later]
        if not left or self.notebook is None:
            return
        first = left[0]
        where = " › ".join((first.rel, *first.titles))
        more = f"\n\n{len(left) - 1} more will be offered after this one." if len(left) > 1 else ""
        message = (
            f"notesui ended with unsaved text in “{where}” ({first.saved_at.replace('T', ' ')}). "
            f"It is kept in {first.path}.\n\nRestore opens the editor on that question with "
            f"the text, to save or change; Later keeps it for next time; Discard deletes it.{more}"
        )

        def chosen(choice: str) -> None:
            if choice == "restore":
                self._restore_draft(first)
                return
            if choice == "discard":
                first.discard()
            else:
                self._drafts_later.add(first.path)
            self.offer_drafts()

        self.push_screen(
            ChoiceScreen("Unsaved text from last time", message,
                         [Choice("Restore", "restore", "r"), Choice("Later", "later", "l"),
                          Choice("Discard", "discard", "d")], cancel="later"),
            chosen,
        )

    def _restore_draft(self, kept: Kept) -> None:
        """Open the editor on the draft's question with its text. The save is based on the
        section as it was when the draft was typed: if it changed since, saving asks."""
        doc = self.notebook.documents.get(kept.rel) if self.notebook else None
        heading = None
        if doc is not None and not doc.readonly and kept.titles:
            heading = Anchor(kept.titles, kept.rank, kept.count, kept.base).find(doc)
        if doc is None or heading is None:
            self._drafts_later.add(kept.path)
            self.notify(f"“{' › '.join((kept.rel, *kept.titles))}” is not in the notes any more; "
                        f"the text stays in {kept.path}.", severity="warning", timeout=12)
            self.offer_drafts()
            return
        section = heading.section
        if kept.base and doc.span_bytes(section) != kept.base:  # changed since: edit against what it was
            then = Document.parse(doc.data[: section.start] + kept.base + doc.data[section.end :], doc.name)
            was = next((h for h in then.headings if h.section.start == section.start), None)
            if was is not None:
                doc, heading = then, was
                self.notify(f"“{heading.title}” changed on disk since this text was typed: saving "
                            "asks what to keep.", severity="warning", timeout=12)
        self.push_screen(EditorScreen(doc, heading, drafts=self.drafts, restore=kept),
                         lambda _: self.offer_drafts())

    def on_notes_app_file_event(self, event: FileEvent) -> None:
        self.coalescer.add(event.rel, event.kind, time.monotonic())

    def _flush_events(self) -> None:
        ready = self.coalescer.due(time.monotonic())
        if ready and self.notebook is not None:
            self._reload([rel for rel, _ in ready], rescan=any(k == RESCAN for _, k in ready))

    @work(thread=True, group="reload")
    def _reload(self, rels: list[str], rescan: bool) -> None:
        """Re-read changed files off the UI thread; the app's own writes are recognised."""
        notebook = self.notebook
        if notebook is None:
            return
        rels = [rel for rel in rels if rel]
        if rescan:
            present = set(discover(self.root))
            known = set(notebook.documents)
            rels += sorted((present - known) | (known - present))
        changes: list[tuple[str, Document | None]] = []
        for rel in dict.fromkeys(rels):
            path = self.root / rel
            current = notebook.documents.get(rel)
            if not path.is_file():
                if current is not None:
                    changes.append((rel, None))
                continue
            if current is not None and _same_bytes(path, current.data):
                continue  # touched, a second event of one save, or the app's own write
            doc = Document.load(path, rel)
            if self.store.is_own_write(rel, doc.data) and current is not None:
                continue
            changes.append((rel, doc))
        if changes:
            for rel, doc in changes:
                if self.search_index is not None:
                    self.search_index.update_file(rel, doc)
            self.call_from_thread(self._outside_changes, changes)

    def _outside_changes(self, changes: list[tuple[str, Document | None]]) -> None:
        self.files_updated(changes, index=False)
        gone = [rel for rel, doc in changes if doc is None]
        changed = [rel for rel, doc in changes if doc is not None]
        parts = []
        if changed:
            parts.append(("Reloaded " + ", ".join(changed[:3])) + (f" and {len(changed) - 3} more" if len(changed) > 3 else ""))
        if gone:
            parts.append(("Removed " + ", ".join(gone[:3])) + (f" and {len(gone) - 3} more" if len(gone) > 3 else ""))
        self.notify(" · ".join(parts), title="Changed outside notesui", timeout=4)

    # -- themes -------------------------------------------------------------------

    def _apply_themes(self) -> list[str]:
        """Register the bundled and user themes and apply the chosen one; returns notices."""
        loaded = load_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        self.notesui_themes = [theme.name for theme in loaded.themes]
        notices = list(loaded.failures)
        chosen = self.state.theme if self.state.theme_config == self.config.theme else None
        wanted = chosen or self.config.theme or self.state.theme or DEFAULT_THEME
        if wanted not in self.available_themes:
            notices.append(f"theme {wanted!r} is not available; using {DEFAULT_THEME}")
            wanted = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else "textual-dark"
        self.theme = wanted
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        return notices

    def _theme_changed(self, theme: Theme) -> None:
        self.state.theme = theme.name
        self.state.theme_config = self.config.theme
        save_state(self.state)

    def action_next_theme(self) -> None:
        """``t``: the next of notesui's reading themes (all themes are in the palette)."""
        names = self.notesui_themes or sorted(self.available_themes)
        following = names[(names.index(self.theme) + 1) % len(names)] if self.theme in names else names[0]
        self.theme = following
        self.notify(f"Theme: {following}", timeout=2)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Next reading theme", "Switch to the next notesui theme (t)", self.action_next_theme)
        main = self.main_screen()
        if main is not None and screen is main:
            hide = "Show mastered questions" if self.hide_mastered else "Hide mastered questions"
            yield SystemCommand(hide, "In the tree and in search (H)", main.action_toggle_hide)
            yield SystemCommand("Review", "Review the questions left under the selection (r)", main.action_review)
            yield SystemCommand("Statistics", "Questions, answered and mastered per file (s)", main.action_stats)
            yield SystemCommand("Search", "Search every title and answer (/)", main.action_search)
        yield SystemCommand("Help: every key", "What each key does (?)", self.action_help)

    # -- state --------------------------------------------------------------------

    def remember_place(self, place: Place) -> None:
        """Where the user is in the tree (kept in memory; written on exit)."""
        self.state.places[str(self.root.resolve())] = place

    def set_hide_mastered(self, hide: bool) -> None:
        self.hide_mastered = hide
        self.state.hide_mastered = hide
        main = self.main_screen()
        if main is not None:
            main.apply_hide_mastered(hide)
        save_state(self.state)

    def set_review_order(self, order: str) -> None:
        self.review_order = order
        self.state.review_order = order
        save_state(self.state)

    def _index_built(self, index: SearchIndex) -> None:
        if self.notebook is not None:
            index.catch_up(self.notebook.documents)  # files changed while it was built
        self.search_index = index
        for screen in self.screen_stack:
            if isinstance(screen, SearchScreen):
                screen.refresh_results()

    def _notebook_loaded(self, notebook: Notebook) -> None:
        self.notebook = notebook
        if self.watch:
            self.start_watching()
        main = self.main_screen()
        if main is not None:
            main.query_one(OutlineTree).hide_mastered = self.hide_mastered
            main.show_notebook(notebook)
            main.query_one(OutlineTree).restore(self.state.place(self.root))
        if notebook.skipped:
            self.notify(
                "; ".join(f"{rel}: {reason}" for rel, reason in notebook.skipped[:5]),
                title="Not read", severity="warning", timeout=10,
            )
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
        self.offer_drafts()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Notifications quote titles, file names and errors: never read them as markup
        (``BERT [MASK]`` is a title, not a style), never pass control characters through."""
        super().notify(
            strip_controls(message), title=one_line(title), severity=severity, timeout=timeout, markup=False
        )

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's text: names in it (the notes folder's) never reach the terminal raw."""
        return super().format_title(visible(title), visible(sub_title))

    def main_screen(self) -> MainScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)

    def jump_to(self, hit: Hit) -> None:
        """Show a search hit: the tree selects it and the viewer shows it."""
        main = self.main_screen()
        if main is not None:
            main.jump_to(hit.file, hit.index)

    # -- the one way the app changes a file -----------------------------------------

    def write_file(self, rel: str, change: Change) -> Saved:
        """Make ``change`` to ``rel`` and show it.

        Raises WriteError (nothing written) and Conflict (the file changed on disk and the
        change could not be re-applied to it) for the caller to handle."""
        try:
            saved = self.store.write(rel, change)
        except WriteError:
            self._show_disk(rel)  # unchanged, or another program's version put back
            raise
        self._after_write(saved)
        return saved

    def overwrite(self, rel: str, new: bytes, *, what: str) -> Saved:
        """Write without the conflict check (the user chose so); the bytes on disk at this
        moment are kept as a conflict copy. Raises WriteError."""
        saved = self.store.overwrite(rel, new, what=what)
        self._after_write(saved)
        return saved

    def _after_write(self, saved: Saved) -> None:
        if saved.changed or saved.merged:
            self._show_written(saved.rel, saved.data)
        if saved.notice:
            self.notify(saved.notice, title="Changed while saving", severity="warning", timeout=12)

    def try_write(self, rel: str, change: Change) -> bool:
        """``write_file`` for one-key changes: failures become messages; nothing is lost."""
        try:
            self.write_file(rel, change)
        except WriteError as error:
            self.notify(str(error), title="Not saved", severity="error", timeout=10)
            return False
        except Conflict:
            self.notify(
                f"{rel} changed on disk just now: reloaded it; nothing was written. Try again.",
                severity="warning", timeout=8,
            )
            self._show_disk(rel)
            return False
        return True

    def writable(self, doc: Document) -> bool:
        """Whether notesui may write ``doc``'s file; says why not when it may not."""
        if doc.readonly:
            self.notify(f"{doc.name} is read-only: {doc.error}.", severity="warning", timeout=8)
            return False
        return True

    def set_mastered(self, doc: Document, headings: list[Heading], mastered: bool) -> bool:
        """Mark (or unmark) ``headings`` of one file, in one write."""
        changing = [h for h in headings if h.mastered != mastered]
        if not changing:
            return True
        return self.try_write(doc.name, MarkChange(doc, changing, mastered, today()))

    def _show_written(self, rel: str, data: bytes) -> None:
        """Re-parse what was written: at once for a usual note, off the UI thread for a big one."""
        if len(data) <= SYNC_PARSE_BYTES:
            self.file_updated(rel, Document.parse(data, rel))
        else:
            self._parse_written(rel, data)

    def _show_disk(self, rel: str) -> None:
        """Show a file as it is on disk now (after a conflict or an undo)."""
        try:
            data = self.store.read(rel)
        except WriteError:  # there, but it can't be read now: listed with the reason
            self.file_updated(rel, Document.load(self.root / rel, rel))
            return
        if data is None:
            self.file_updated(rel, None)
        else:
            self._show_written(rel, data)

    @work(thread=True, group="parse-written")
    def _parse_written(self, rel: str, data: bytes) -> None:
        doc = Document.parse(data, rel)
        self.call_from_thread(self.file_updated, rel, doc)

    def file_updated(self, rel: str, doc: Document | None) -> None:
        """Show a file's new content everywhere: notebook, search index, tree, viewer."""
        self.files_updated([(rel, doc)])

    def files_updated(self, changes: list[tuple[str, Document | None]], *, index: bool = True) -> None:
        if self.notebook is None:
            return
        for rel, doc in changes:
            if doc is None:
                self.notebook.documents.pop(rel, None)
            else:
                self.notebook.put(rel, doc)
        if index and self.search_index is not None:
            self._reindex(self.search_index, changes)
        for screen in self.screen_stack:
            hook = getattr(screen, "files_updated", None)
            if hook is not None:
                hook(changes)

    @work(thread=True, group="reindex")
    def _reindex(self, index: SearchIndex, changes: list[tuple[str, Document | None]]) -> None:
        """Keep search in step off the UI thread (the index has its own lock)."""
        for rel, doc in changes:
            index.update_file(rel, doc)

    def action_undo(self) -> None:
        """Undo the app's last write to a file, when the file has not changed since."""
        last = self.store.last_write()
        if last is None:
            self.notify("Nothing to undo.", severity="warning")
            return
        try:
            _, copy = self.store.undo()
        except Conflict:
            self.notify(
                f"{last.rel} changed since notesui wrote it: not undone, nothing lost.",
                title="Can't undo", severity="warning", timeout=8,
            )
            return
        except WriteError as error:
            self.notify(str(error), title="Can't undo", severity="error", timeout=8)
            return
        self._show_disk(last.rel)
        kept = f" Its text is kept in {copy}." if copy is not None else ""
        self.notify(f"Undid the {last.what} in {last.rel}.{kept}", title="Undone", timeout=8 if kept else None)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
