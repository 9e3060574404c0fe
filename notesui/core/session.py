"""The open notes folder: one owner for its notebook, its search index and its store.

Every change to the notes goes through ``Session.apply``, whoever made it (a write of the
app or the command line, or another program seen by the watcher), on one thread (the app's
UI thread, or the command line's only one). It changes the notebook first, then hands the
index a snapshot of the change: the index is kept by one worker thread that takes builds
and updates from one queue, in the order they were made, so a change made while the index
is being built is applied after the build, never lost and never undone by an older one.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from notesui.core.document import Document, Heading
from notesui.core.edits import MarkChange
from notesui.core.indexcache import IndexCache
from notesui.core.mastery import today
from notesui.core.notebook import Diff, FileChange, Notebook
from notesui.core.parsecache import ParseCache
from notesui.core.refs import HeadingRef
from notesui.core.search import Hit, SearchIndex
from notesui.core.store import Change, Conflict, Saved, Store, WriteError, Written, clean_stale_temps

if TYPE_CHECKING:
    from notesui.core.reviews import History, Links, Schedule

log = logging.getLogger(__name__)

SYNC_PARSE_BYTES = 256 * 1024
"""A file up to this size that the app wrote is parsed again at once (a few tens of
milliseconds); a bigger one by ``parse_later`` when the session has it (off the UI thread)."""

Listener = Callable[[list[FileChange], bool], None]
"""Told of every change applied: the files' new content, and whether another program made it."""


class Indexer:
    """The search index, kept by one worker thread that drains one ordered queue.

    ``build`` and ``update`` only queue work and return at once. Updates queued before any
    build are dropped: the build that follows takes its snapshot after them. ``on_change``
    is called on the worker thread after each build or batch of updates."""

    def __init__(self, on_change: Callable[[], object] | None = None, cache: IndexCache | None = None) -> None:
        self.index: SearchIndex | None = None
        self.cache = cache
        self._unsaved = False  # built or patched since it was read: worth keeping
        self.failure: Exception | None = None
        self.on_change = on_change
        self._queue: queue.Queue[tuple[str, object]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._stopped = False

    def build(self, documents: Mapping[str, Document]) -> None:
        self._put("build", documents)

    def update(self, changes: Sequence[FileChange]) -> None:
        self._put("update", list(changes))

    def _put(self, kind: str, payload: object) -> None:
        with self._start_lock:
            if self._stopped:
                if isinstance(payload, threading.Event):
                    payload.set()  # nothing will be done any more: nobody waits for it
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="notesui-index", daemon=True)
                self._thread.start()
            self._queue.put((kind, payload))

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until everything queued so far is done; False on timeout."""
        done = threading.Event()
        self._put("mark", done)
        return done.wait(timeout)

    def stop(self, wait: float | None = 0) -> None:
        """Stop the worker; waits queued meanwhile are answered. It finishes what it is
        doing (and keeps the index in the cache) first: ``wait`` seconds are given to that
        (None: as long as it takes)."""
        with self._start_lock:
            self._stopped = True
            thread = self._thread
            if thread is not None:
                self._queue.put(("stop", None))
        if thread is not None and wait != 0:
            thread.join(wait)

    def take_failure(self) -> Exception | None:
        """The last failure, once (it is forgotten when taken)."""
        failure, self.failure = self.failure, None
        return failure

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch = [self._queue.get()]
            while not self._queue.empty():  # a burst is handled as one
                batch.append(self._queue.get_nowait())
            changed = False
            for kind, payload in self._merged(batch):
                if isinstance(payload, threading.Event):
                    payload.set()
                elif kind == "stop":
                    for _, waiting in batch:
                        if isinstance(waiting, threading.Event):
                            waiting.set()
                    stopping = True
                    break
                else:
                    changed = True
                    try:
                        self._do(kind, payload)
                    except Exception as error:  # a failed index must not end the thread
                        log.exception("search index: %s failed", kind)
                        self.failure = error
            if changed and self.on_change is not None:
                self.on_change()
            if changed and self.index is not None and (self._unsaved or not stopping):
                self.index.prepare_pinyin()  # after the news (searching need not wait), before keeping
            if self._unsaved and self.cache is not None and self.index is not None:
                self._keep(self.cache, self.index)

    def _keep(self, cache: IndexCache, index: SearchIndex) -> None:
        """Keep the index in the cache (after the news of it: searching need not wait)."""
        self._unsaved = False
        try:
            cache.save(index)
        except Exception:  # never the end of the thread: the index is only not kept
            log.exception("search index: keeping it failed")
        if cache.notice and self.on_change is not None:
            self.on_change()  # so the notice is said now

    @staticmethod
    def _merged(batch: list[tuple[str, object]]) -> list[tuple[str, object]]:
        """The batch as it is to be done: what the last build supersedes (builds and updates
        queued before it) left out, waits queued before it answered after it, and runs of
        updates made one (each file's last content wins, in the order given)."""
        last = max((i for i, (kind, _) in enumerate(batch) if kind == "build"), default=0)
        later = [item for item in batch[:last] if item[0] in ("mark", "stop")]
        merged: list[tuple[str, object]] = []
        for kind, payload in batch[last : last + 1] + later + batch[last + 1 :]:
            if kind == "update" and merged and merged[-1][0] == "update":
                previous = merged[-1][1]
                assert isinstance(previous, dict) and isinstance(payload, list)
                for rel, doc in payload:
                    previous.pop(rel, None)
                    previous[rel] = doc
            elif kind == "update":
                assert isinstance(payload, list)
                merged.append(("update", dict(payload)))
            else:
                merged.append((kind, payload))
        return merged

    def _do(self, kind: str, payload: object) -> None:
        if kind == "build":
            assert isinstance(payload, Mapping)
            kept = self.cache.load(payload) if self.cache is not None else None
            if kept is None:
                self.index, self._unsaved = SearchIndex.build(payload), True
            else:
                self.index, self._unsaved = kept
            return
        index = self.index
        if index is None:
            return  # no index yet: the build to come reads the files after this change
        assert isinstance(payload, dict)
        for rel, doc in payload.items():
            index.update_file(rel, doc)


@dataclass(frozen=True, slots=True)
class Undone:
    """What ``Session.undo`` undid, and where the text it replaced was kept (if anywhere)."""

    written: Written
    copy: Path | None


class Session:
    """One notes folder, open: its notebook, search index and store.

    Args:
        root: the notes folder.
        user_locks: the folder for the per-user write locks (see ``Store``).
        cache_dir: where what was parsed and indexed is kept between runs (``parsecache``,
            ``indexcache``); None: nothing is kept, everything is parsed and indexed afresh.
        on_indexed: called on the index's thread whenever the index changed.
        parse_later: ``parse_later(rel, data)`` parses a big file the session wrote somewhere
            else and hands the result to ``apply_parsed``; without it, it is parsed at once.
    """

    def __init__(
        self,
        root: str | Path,
        *,
        user_locks: Path | None = None,
        cache_dir: Path | None = None,
        on_indexed: Callable[[], object] | None = None,
        parse_later: Callable[[str, bytes], object] | None = None,
    ) -> None:
        self.root = Path(root)
        self.cache_dir = cache_dir
        self.notebook = Notebook(self.root, ParseCache(cache_dir) if cache_dir is not None else None)
        self.store = Store(self.root, user_locks=user_locks)
        self.indexer = Indexer(on_indexed, IndexCache(cache_dir, self.root) if cache_dir is not None else None)
        self._index_started = False
        self._listeners: list[Listener] = []
        self.parse_later = parse_later
        self._parsing: dict[str, bytes] = {}  # files written whose parse is under way
        self._schedule: Schedule | None = None
        self._notices: list[str] = []  # (the review log's, said once)
        self.chosen: dict[str, HeadingRef | None] = {}  # ambiguous histories placed by the user

    @classmethod
    def open(cls, root: str | Path, *, user_locks: Path | None = None, cache_dir: Path | None = None) -> Session:
        """A session with every file loaded (the command line's way in)."""
        session = cls(root, user_locks=user_locks, cache_dir=cache_dir)
        session.load()
        return session

    @property
    def documents(self) -> Mapping[str, Document]:
        return self.notebook.documents

    @property
    def index(self) -> SearchIndex | None:
        """The search index, or None while it is first built."""
        return self.indexer.index

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` after every change applied (on the thread that applied it)."""
        self._listeners.append(listener)

    # -- loading ------------------------------------------------------------------------

    def load(self, *, lazy: bool = False) -> None:
        """Read every notes file (any thread, before the session is shared); with ``lazy``,
        the files the cache does not know are parsed later (``parse_pending``)."""
        clean_stale_temps(self.root)
        self.notebook.load(lazy=lazy)

    def parse_pending(self, first: Iterable[str] = (), done: Callable[[list[str]], None] | None = None) -> None:
        """Parse the files ``load(lazy=True)`` left, ``first`` first (any thread): see
        ``Notebook.parse_pending``."""
        self.notebook.parse_pending(first, done)

    def take_notices(self) -> list[str]:
        """What went wrong with the caches since last asked (each is said once)."""
        found, self._notices = self._notices, []
        for holder in (self.notebook.cache, self.indexer.cache):
            if holder is not None and holder.notice:
                found.append(holder.notice)
                holder.notice = None
        return found

    # -- reviews (spaced repetition) -------------------------------------------------------

    @property
    def schedule(self) -> Schedule:
        """The review log's schedule, read on first use (``core.reviews``)."""
        if self._schedule is None or self._schedule.stale(self.root):  # (read again when synced)
            from notesui.core.reviews import Schedule  # (fsrs only when reviews are used)

            earlier, self._schedule = self._schedule, Schedule.load(self.root, self.cache_dir)
            if earlier is not None:
                self._schedule.carry(earlier)
            said = set(earlier.problems) if earlier is not None else set()
            self._notices += [problem for problem in self._schedule.problems if problem not in said]
        return self._schedule

    def links(self) -> Links:
        """Which question each review history belongs to, in the files as they are now; a
        history the user placed (``choose``) stays there."""
        return self.schedule.link(self.documents, self.chosen)

    def choose(self, history: str, question: tuple[str, Heading] | None) -> None:
        """The user said which question (None: none) an ambiguous history belongs to."""
        self.chosen[history] = HeadingRef.of(self.documents[question[0]], question[1]) if question else None

    def rate(self, rel: str, heading: Heading, rating: int, at: datetime | None = None) -> History:
        """Record a review of the question (``rating`` 1 again … 4 easy) in the log."""
        history = self.links().of(rel, heading)
        return self.schedule.rate(self.root, self.documents[rel], heading, rating, history, at)

    def start_index(self) -> None:
        """Build the search index in the background, from the files as they are now."""
        self._index_started = True
        self.indexer.build(self.notebook.documents)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Search, waiting for the index if it is still being built."""
        if not self._index_started:
            self.start_index()
        self.indexer.wait()
        index = self.index
        return index.search(query, limit) if index is not None else []

    def close(self, *, wait: bool = False) -> None:
        """End the session; with ``wait``, once the index is kept in the cache."""
        self.indexer.stop(None if wait else 0)
        if self.notebook.cache is not None:
            self.notebook.cache.close()
        if self._schedule is not None and self._schedule.changed:
            self._schedule.keep(self.root, self.cache_dir)  # (the next start needs no replay)

    # -- the one way changes come in -----------------------------------------------------

    def apply(self, changes: Iterable[FileChange], *, outside: bool = False) -> list[FileChange]:
        """Apply files' new content: the notebook first, then (queued, in order) the index,
        then the listeners are told."""
        changes = list(changes)
        if not changes:
            return changes
        for rel, _ in changes:  # newer than any parse under way: that one is not applied
            self._parsing.pop(rel, None)
        self.notebook.apply(changes)
        self.indexer.update(changes)
        for listener in list(self._listeners):
            listener(changes, outside)
        return changes

    def diff(self, rels: Iterable[str], *, rescan: bool = False) -> Diff:
        """What changed on disk (any thread; changes nothing). The app's own writes are not
        changes."""
        return self.notebook.diff(rels, rescan=rescan, own=self.store.is_own_write)

    def apply_diff(self, diff: Diff) -> tuple[list[FileChange], list[str]]:
        """Apply what ``diff`` found where the file has not changed since; returns the
        changes applied and the files to read again."""
        fresh: list[FileChange] = []
        stale: list[FileChange] = []
        for rel, doc in diff.changes:
            (fresh if self.notebook.documents.get(rel) is diff.base.get(rel) else stale).append((rel, doc))
        return self.apply(fresh, outside=True), [rel for rel, _ in stale]

    # -- writes ---------------------------------------------------------------------------

    def write(self, rel: str, change: Change) -> Saved:
        """Make ``change`` to file ``rel`` and apply what was written.

        Raises:
            WriteError: nothing was written (or another program's version was put back).
            Conflict: the file changed on disk and the change could not be re-applied.
        In both cases the file is shown as it is on disk now."""
        try:
            saved = self.store.write(rel, change)
        except (WriteError, Conflict):
            self.refresh(rel)
            raise
        self._written(saved)
        return saved

    def overwrite(self, rel: str, new: bytes, *, what: str) -> Saved:
        """Write ``new`` without the conflict check (the user chose so); the bytes on disk
        at that moment are kept as a conflict copy. Raises WriteError."""
        saved = self.store.overwrite(rel, new, what=what)
        self._written(saved)
        return saved

    def mark(self, rel: str, headings: Iterable[Heading], mastered: bool) -> Saved | None:
        """Set (or clear) the mastered mark of ``headings`` of file ``rel`` in one write;
        None when every one already is as asked. Raises as ``write`` does."""
        doc = self.notebook.documents[rel]
        changing = [h for h in headings if h.mastered != mastered]
        if not changing:
            return None
        return self.write(rel, MarkChange(doc, changing, mastered, today()))

    def undo(self) -> Undone:
        """Undo the last write, when the file has not changed since.

        Raises:
            LookupError: nothing to undo.
            Conflict: the file changed since; nothing was done.
            WriteError: the undo could not be written."""
        written, copy = self.store.undo()
        self.refresh(written.rel)
        return Undone(written, copy)

    def _written(self, saved: Saved) -> None:
        if not (saved.changed or saved.merged):
            return
        if self.parse_later is not None and len(saved.data) > SYNC_PARSE_BYTES:
            self._parsing[saved.rel] = saved.data
            self.parse_later(saved.rel, saved.data)
        else:
            self.apply([(saved.rel, Document.parse(saved.data, saved.rel))])

    def apply_parsed(self, doc: Document) -> bool:
        """Apply what ``parse_later`` parsed, unless the file changed again since (then a
        newer version is applied or on its way); returns whether it was applied."""
        if self._parsing.get(doc.rel) is not doc.data:
            return False
        self.apply([(doc.rel, doc)])
        return True

    def refresh(self, rel: str) -> None:
        """Show file ``rel`` as it is on disk now (listed with the reason when it can't be
        read, forgotten when it is gone)."""
        try:
            data = self.store.read(rel)
        except WriteError:
            doc: Document | None = Document.load(self.root / rel, rel)
        else:
            doc = None if data is None else Document.parse(data, rel)
        current = self.notebook.documents.get(rel)
        if doc is None and current is None:
            return
        if doc is not None and current is not None and doc.data == current.data and doc.error == current.error:
            return
        self.apply([(rel, doc)])
