"""The notesui App: it creates the session and the context, pushes the main screen, and wires
what comes from outside (the watcher's thread, the index's thread, themes) to them."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.content import Content
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from notesui import locations
from notesui.collector import IDLE_SECONDS, Collector
from notesui.config import Config
from notesui.core.document import Document
from notesui.core.notebook import Diff
from notesui.core.session import Session
from notesui.core.text import one_line, strip_controls, visible
from notesui.core.watch import CHANGED, RESCAN, Coalescer, Watcher
from notesui.drafts import Drafts
from notesui.state import load_state, save_state
from notesui.ui import keys
from notesui.ui.context import Context, Prefs
from notesui.ui.screens.help import HelpScreen
from notesui.ui.screens.main import MainScreen
from notesui.ui.themes import DEFAULT_THEME, load_themes

SWITCH_SECONDS = 0.002
"""How long a thread runs before another may (Python's default is 5 ms)."""


class NotesApp(App[None]):
    """Read, search, edit and master Markdown Q&A notes."""

    TITLE = "notesui"
    CSS_PATH = "ui/notesui.tcss"
    BINDINGS: ClassVar[list[BindingType]] = list(keys.APP)

    class FileEvent(Message):
        """Posted by the watcher's thread: something happened to a notes file."""

        def __init__(self, rel: str, kind: str) -> None:
            super().__init__()
            self.rel = rel
            self.kind = kind

    class IndexChanged(Message):
        """Posted by the index's thread: the search index was built or caught up."""

    def __init__(
        self, root: Path, *, config: Config | None = None, watch: bool | None = None, cache: bool = True
    ) -> None:
        super().__init__()
        self.config = config or Config()
        if watch is None:
            watch = self.config.watch and os.environ.get("NOTESUI_WATCH", "1") != "0"
        self.live = watch  # follow changes made outside the app
        self.watcher: Watcher | None = None
        self.coalescer = Coalescer()
        self.state = load_state()
        self.session = Session(
            root,
            user_locks=locations.state_dir() / "locks",
            cache_dir=locations.cache_dir() if cache else None,
            on_indexed=lambda: self.post_message(self.IndexChanged()),
            parse_later=self._parse_written,
        )
        hide = self.state.hide_mastered if self.state.hide_mastered is not None else self.config.hide_mastered
        order, config = self.state.review_order or self.config.review_order, self.config
        prefs = Prefs(hide, order, config.new_per_day, config.review_unanswered)
        self.ctx = Context(self, self.session, Drafts(self.session.root), self.state, prefs)
        self.notesui_themes: list[str] = []
        self.collector = Collector()

    def on_mount(self) -> None:
        # pages render and the index is kept in threads that share the interpreter with the
        # UI: switching between them often keeps a key from waiting for their slice (5 ms)
        sys.setswitchinterval(SWITCH_SECONDS)
        self.collector.start()
        self.set_interval(IDLE_SECONDS / 2, self.collector.idle, name="collect when idle")
        notices = [*self.config.notices, *([self.state.notice] if self.state.notice else [])]
        notices += self._apply_themes()
        self.push_screen(MainScreen(self.ctx))
        for notice in notices:
            self.notify(notice, severity="warning", timeout=8)

    @on(MainScreen.Opened)
    def _opened(self) -> None:
        if self.live:
            self.start_watching()

    @on(MainScreen.Parsed)
    def _parsed(self) -> None:
        self.session.start_index()

    @work(thread=True, group="parse-written")
    def _parse_written(self, rel: str, data: bytes) -> None:
        """A big file the app wrote is parsed off the UI thread."""
        self.call_from_thread(self.session.apply_parsed, Document.parse(data, rel))

    def on_notes_app_index_changed(self) -> None:
        self.collector.settle()  # (the notes and their index are read: they stay)
        if (failure := self.session.indexer.take_failure()) is not None:
            self.notify(f"Search may miss recent changes: {failure}", severity="error", timeout=10)
        for notice in self.session.take_notices():  # the kept index could not be read, say
            self.notify(notice, severity="warning", timeout=8)
        self.ctx.index_changed.publish(None)

    # -- ending ---------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(
            event, (events.Key, events.Paste, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)
        ) or (isinstance(event, events.MouseMove) and event.button):
            self.collector.input()
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.collector.stop()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        self.session.close()
        self.keep_everything()

    def keep_everything(self) -> None:
        """The app is ending (any way at all): keep unsaved editor text and the user's place.
        Never raises."""
        self.ctx.drafts.keep_all()
        save_state(self.state)

    def _handle_exception(self, error: Exception) -> None:
        """The app is about to end on an error: unsaved text is kept first."""
        self.keep_everything()
        super()._handle_exception(error)

    # -- live sync: watcher events -> settled files -> a diff (off the UI thread) -> apply ----

    def start_watching(self) -> None:
        if self.watcher is not None:
            return
        watcher = Watcher(self.session.root, lambda rel, kind: self.post_message(self.FileEvent(rel, kind)))
        try:
            watcher.start()
        except OSError as error:
            self.notify(f"Can't watch {self.session.root} for outside changes: {error}", severity="warning")
            return
        self.watcher = watcher
        if watcher.polling:
            self.notify(f"Watching for outside changes by polling ({watcher.problem}).", severity="warning", timeout=8)
        self.set_interval(0.05, self._flush_events, name="watch")

    def on_notes_app_file_event(self, event: FileEvent) -> None:
        self.coalescer.add(event.rel, event.kind, time.monotonic())

    def _flush_events(self) -> None:
        ready = self.coalescer.due(time.monotonic())
        if ready:
            self._diff([rel for rel, _ in ready], rescan=any(kind == RESCAN for _, kind in ready))

    @work(thread=True, group="diff")
    def _diff(self, rels: list[str], rescan: bool) -> None:
        diff = self.session.diff(rels, rescan=rescan)
        if diff.changes:
            self.call_from_thread(self._apply_diff, diff)

    def _apply_diff(self, diff: Diff) -> None:
        applied, stale = self.session.apply_diff(diff)
        for rel in stale:  # changed here meanwhile: read again, never overwritten with older text
            self.coalescer.add(rel, CHANGED, time.monotonic())
        gone = [rel for rel, doc in applied if doc is None]
        changed = [rel for rel, doc in applied if doc is not None]
        parts = [
            f"{verb} " + ", ".join(rels[:3]) + (f" and {len(rels) - 3} more" if len(rels) > 3 else "")
            for verb, rels in (("Reloaded", changed), ("Removed", gone))
            if rels
        ]
        if parts:
            self.notify(" · ".join(parts), title="Changed outside notesui", timeout=4)

    # -- themes ---------------------------------------------------------------------------

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

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Next reading theme", "Switch to the next notesui theme (t)", self.action_next_theme)
        yield SystemCommand("Help: every key", "What each key does (?)", self.action_help)

    # -- app-wide keys and text -------------------------------------------------------------

    def action_undo(self) -> None:
        self.ctx.undo(self.notify)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

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
        super().notify(strip_controls(message), title=one_line(title), severity=severity, timeout=timeout, markup=False)

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's text: names in it (the notes folder's) never reach the terminal raw."""
        return super().format_title(visible(title), visible(sub_title))
