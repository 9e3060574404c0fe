"""What the screens share, handed to each as a constructor argument.

The App creates one ``Context``; screens and widgets take it (or the part they need) and
hear about changes through its signals, never by importing or calling the App:

* ``files_changed`` (``FilesChanged``): files changed, by the app or another program, after
  the session applied it (the notebook is up to date when it is heard);
* ``index_changed``: the search index was built or caught up;
* ``prefs_changed`` (``Prefs``): hide mastered or the review order changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual.dom import DOMNode
from textual.signal import Signal

from notesui.core.document import Document, Heading
from notesui.core.notebook import FileChange
from notesui.core.session import Session
from notesui.core.store import Change, Conflict, Saved, WriteError
from notesui.drafts import Drafts
from notesui.state import Place, State, save_state

if TYPE_CHECKING:
    from notesui.core.reviews import History

Notify = Callable[..., None]
"""A widget's ``notify``: how the helpers below tell the user what happened."""


@dataclass(frozen=True, slots=True)
class FilesChanged:
    """Files' new content (None: gone); ``outside``: another program changed them."""

    changes: list[FileChange]
    outside: bool

    def touches(self, rel: str) -> bool:
        return any(changed == rel for changed, _ in self.changes)


@dataclass(frozen=True, slots=True)
class Prefs:
    hide_mastered: bool
    review_order: str  # "file" or "shuffled"
    new_per_day: int = 20  # (from the config: new questions a review takes a day)
    review_unanswered: bool = False


class Context:
    """The session, the drafts, the user's preferences and place, and the signals.

    Args:
        owner: the node that owns the signals (the App).
        session: the open notes folder.
        drafts: where unsaved editor text is kept.
        state: the user's state (``state.json``); ``prefs`` starts from it.
    """

    def __init__(self, owner: DOMNode, session: Session, drafts: Drafts, state: State, prefs: Prefs) -> None:
        self.session = session
        self.drafts = drafts
        self.state = state
        self.prefs = prefs
        self.files_changed: Signal[FilesChanged] = Signal(owner, "files-changed")
        self.index_changed: Signal[None] = Signal(owner, "index-changed")
        self.prefs_changed: Signal[Prefs] = Signal(owner, "prefs-changed")
        self.reviews_changed: Signal[None] = Signal(owner, "reviews-changed")
        session.subscribe(lambda changes, outside: self.files_changed.publish(FilesChanged(changes, outside)))

    @property
    def root(self) -> Path:
        return self.session.root

    # -- preferences and place --------------------------------------------------------------

    def set_prefs(self, *, hide_mastered: bool | None = None, review_order: str | None = None) -> None:
        """Change a preference: it is saved, and every screen hears of it."""
        self.prefs = replace(
            self.prefs,
            hide_mastered=self.prefs.hide_mastered if hide_mastered is None else hide_mastered,
            review_order=self.prefs.review_order if review_order is None else review_order,
        )
        self.state.hide_mastered = self.prefs.hide_mastered
        self.state.review_order = self.prefs.review_order
        save_state(self.state)
        self.prefs_changed.publish(self.prefs)

    def place(self) -> Place:
        return self.state.place(self.root)

    def remember_place(self, place: Place) -> None:
        """Where the user is in the tree (kept in memory; written when the app ends)."""
        self.state.places[str(self.root.resolve())] = place

    # -- writes, for one-key changes: failures become messages, nothing is lost --------------

    def writable(self, doc: Document, notify: Notify) -> bool:
        """Whether notesui may write ``doc``'s file; says why not when it may not."""
        if doc.readonly:
            notify(f"{doc.rel} is read-only: {doc.error}.", severity="warning", timeout=8)
            return False
        return True

    def try_write(self, rel: str, change: Change, notify: Notify) -> bool:
        """Write ``change``; a failure is told with ``notify`` (the file is shown as it is)."""
        return self._attempt(rel, lambda: self.session.write(rel, change), notify)

    def set_mastered(self, rel: str, headings: Iterable[Heading], mastered: bool, notify: Notify) -> bool:
        """Mark (or unmark) ``headings`` of file ``rel`` in one write."""
        doc = self.session.documents.get(rel)
        if doc is None or not self.writable(doc, notify):
            return False
        return self._attempt(rel, lambda: self.session.mark(rel, headings, mastered), notify)

    def rate(self, rel: str, heading: Heading, rating: int, notify: Notify) -> History | None:
        """Record a review (``rating`` 1 again … 4 easy) in the review log; every screen hears."""
        try:
            history = self.session.rate(rel, heading, rating)
        except OSError as error:
            notify(
                f"The review log can't be written ({error.strerror}): this review is not recorded.", severity="error"
            )
            return None
        self.reviews_changed.publish(None)
        return history

    @staticmethod
    def _attempt(rel: str, write: Callable[[], Saved | None], notify: Notify) -> bool:
        try:
            saved = write()
        except WriteError as error:
            notify(str(error), title="Not saved", severity="error", timeout=10)
            return False
        except Conflict:
            notify(
                f"{rel} changed on disk just now: reloaded it; nothing was written. Try again.",
                severity="warning",
                timeout=8,
            )
            return False
        if saved is not None and saved.notice:
            notify(saved.notice, title="Changed while saving", severity="warning", timeout=12)
        return True

    def undo(self, notify: Notify) -> None:
        """Undo notesui's last write to a file, when the file has not changed since."""
        last = self.session.store.last_write()
        if last is None:
            notify("Nothing to undo.", severity="warning")
            return
        try:
            undone = self.session.undo()
        except Conflict:
            notify(
                f"{last.rel} changed since notesui wrote it: not undone, nothing lost.",
                title="Can't undo",
                severity="warning",
                timeout=8,
            )
            return
        except WriteError as error:
            notify(str(error), title="Can't undo", severity="error", timeout=8)
            return
        kept = f" Its text is kept in {undone.copy}." if undone.copy is not None else ""
        notify(f"Undid the {last.what} in {last.rel}.{kept}", title="Undone", timeout=8 if kept else None)
