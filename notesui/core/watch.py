"""Live sync: watchdog events on the notes root, filtered and coalesced per file.

The observer thread only calls ``on_event(rel, kind)`` (the app turns it into a message);
``Coalescer`` decides when a burst of events for one file has settled. Both are free of
Textual so they can be tested on their own.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from notesui.core.notebook import NOTE_SUFFIXES
from notesui.core.store import is_temp_name

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver

CHANGED, DELETED, RESCAN = "changed", "deleted", "rescan"
CHANGE_DELAY = 0.15
DELETE_DELAY = 1.0
"""A deletion waits longer: editors that save by rename delete (or move away) the file and
create it again a moment later, which must read as one modification."""
MAX_DELAY = 1.0
"""A file written continuously is still reloaded at least this often."""

_SWAP_SUFFIXES = (".swp", ".swo", ".swx", ".swpx", ".tmp", ".bak", ".orig", ".crswap", "~")


def is_ignored_name(name: str) -> bool:
    """Editor temp, swap and backup files, hidden files and notesui's own temp files."""
    lowered = name.lower()
    return (
        name.startswith((".", "#", "~$"))
        or is_temp_name(name)
        or lowered.endswith(_SWAP_SUFFIXES)
        or "___jb_" in lowered  # JetBrains safe-write files
        or name == "4913"  # Vim's probe file
    )


def is_note_path(rel: str) -> bool:
    parts = rel.split("/")
    if any(part.startswith(".") for part in parts[:-1]):
        return False
    return parts[-1].lower().endswith(NOTE_SUFFIXES) and not is_ignored_name(parts[-1])


@dataclass(slots=True)
class _Pending:
    kind: str
    due: float
    first: float


class Coalescer:
    """Collects events per file and releases each file once its events have settled."""

    def __init__(
        self, delay: float = CHANGE_DELAY, delete_delay: float = DELETE_DELAY, max_delay: float = MAX_DELAY
    ) -> None:
        self.delay = delay
        self.delete_delay = delete_delay
        self.max_delay = max_delay
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()

    def add(self, rel: str, kind: str, now: float) -> None:
        with self._lock:
            pending = self._pending.get(rel)
            first = pending.first if pending is not None else now
            wait = self.delete_delay if kind == DELETED else self.delay
            due = min(now + wait, first + max(self.max_delay, wait))
            self._pending[rel] = _Pending(kind, due, first)

    def due(self, now: float) -> list[tuple[str, str]]:
        """The files whose events have settled, with the last kind of event seen."""
        with self._lock:
            ready = [(rel, p.kind) for rel, p in self._pending.items() if p.due <= now]
            for rel, _ in ready:
                del self._pending[rel]
            return ready


class Watcher:
    """A watchdog observer on ``root``; falls back to polling when the native one can't start."""

    def __init__(self, root: Path, on_event: Callable[[str, str], object]) -> None:
        self.root = Path(root)
        self.on_event = on_event
        self.observer: BaseObserver | None = None
        self.polling = False
        self.problem: str | None = None  # why the native observer could not start

    def start(self) -> None:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        try:
            self.observer = self._started(Observer())
        except OSError as error:
            self.problem = error.strerror or str(error)
            self.polling = True
            self.observer = self._started(PollingObserver(timeout=1.0))

    def _started(self, observer: BaseObserver) -> BaseObserver:
        observer.daemon = True
        observer.schedule(_Handler(self), str(self.root), recursive=True)
        observer.start()
        return observer

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=2)
            self.observer = None

    def rel(self, path: str | bytes) -> str | None:
        path = os.fsdecode(path)
        rel = os.path.relpath(path, self.root)
        if rel.startswith(".." + os.sep) or rel == ".." or os.path.isabs(rel):
            return None
        return rel.replace(os.sep, "/")


def _handler_base():  # type: ignore[no-untyped-def]
    from watchdog.events import FileSystemEventHandler

    return FileSystemEventHandler


class _Handler(_handler_base()):  # type: ignore[misc]
    """Turns watchdog events into (rel, kind) calls; runs on the observer thread."""

    def __init__(self, watcher: Watcher) -> None:
        super().__init__()
        self.watcher = watcher

    def on_any_event(self, event) -> None:  # type: ignore[no-untyped-def]
        kind = event.event_type
        if kind in ("opened", "closed_no_write"):
            return  # reads (the app's own included) change nothing
        if event.is_directory:
            folder = self.watcher.rel(event.src_path)
            hidden = folder is None or (folder != "." and any(p.startswith(".") for p in folder.split("/")))
            if kind in ("created", "deleted", "moved") and not hidden:
                self.watcher.on_event("", RESCAN)  # notesui's own .notesui/ is no notes folder
            return
        source = self.watcher.rel(event.src_path)
        if kind == "moved":
            if source is not None and is_note_path(source):
                self.watcher.on_event(source, DELETED)
            dest = self.watcher.rel(event.dest_path)
            if dest is not None and is_note_path(dest):
                self.watcher.on_event(dest, CHANGED)  # a save by rename lands here
            return
        if source is None or not is_note_path(source):
            return
        self.watcher.on_event(source, DELETED if kind == "deleted" else CHANGED)
