"""Unsaved editor text kept on disk, so that no way of ending the app loses it.

While an edit is unsaved, its text is kept (a moment after each change, and again when the
app ends or crashes) in the data folder's ``recovery/``: ``STAMP-ID.md`` holds the text as
typed, ``STAMP-ID.json`` where it belongs and the section's text it replaces (so a restore
onto a section changed since asks instead of overwriting). A save or a discard removes both.
The next start in the same notes folder offers what is left; a draft still open in a
running notesui is locked and never offered. Only the user can read them.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from notesui import locations


def drafts_dir() -> Path:
    return locations.data_dir() / "recovery"


@dataclass(frozen=True, slots=True)
class Kept:
    """A draft left by an earlier session."""

    path: Path  # the .md file with the text
    rel: str
    titles: tuple[str, ...]
    text: str
    saved_at: str
    base: bytes = b""  # the section's bytes the text replaces
    rank: int = 0  # among the headings with this title path (see edits.Anchor)
    count: int = 1

    def discard(self) -> None:
        _remove(self.path)


class Draft:
    """One editor's unsaved text. ``source`` tells the text and the section's bytes it
    replaces while it is unsaved (None once it is saved or discarded)."""

    def __init__(
        self, drafts: Drafts, rel: str, titles: tuple[str, ...], rank: int = 0, count: int = 1, path: Path | None = None
    ) -> None:
        self.drafts = drafts
        self.rel = rel
        self.titles = titles
        self.rank, self.count = rank, count
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.path = path or drafts.folder / f"{stamp}-{secrets.token_hex(3)}.md"
        self.source: Callable[[], tuple[str, bytes] | None] = lambda: None
        self._lock = -1

    def keep(self) -> Path | None:
        """Write the unsaved text now (or remove the draft when there is none); returns the
        file that holds it. Never raises: this runs when the app is ending."""
        try:
            unsaved = self.source()
            if unsaved is None:
                self.clear()
                return None
            text, base = unsaved
            self.drafts.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if self._lock < 0:  # held while this notesui runs: no other one offers the draft
                self._lock = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            meta = {
                "root": str(self.drafts.root),
                "rel": self.rel,
                "titles": list(self.titles),
                "rank": self.rank,
                "count": self.count,
                "base": base64.b64encode(base).decode(),
                "saved_at": datetime.now().isoformat(timespec="seconds"),
            }
            _write(self.path, text.encode("utf-8", "surrogateescape"))
            _write(self.path.with_suffix(".json"), json.dumps(meta, ensure_ascii=True).encode())
            return self.path
        except Exception:
            return None

    def clear(self) -> None:
        _remove(self.path)
        self._unlock()

    def close(self) -> None:
        """The editor is gone: keep what is unsaved, stop tracking it."""
        self.keep()
        self._unlock()
        self.drafts.live.discard(self)

    def _unlock(self) -> None:
        if self._lock >= 0:
            os.close(self._lock)
            self._lock = -1


class Drafts:
    """The drafts of one notes folder: those being edited now and those left from before."""

    def __init__(self, root: Path, folder: Path | None = None) -> None:
        self.root = Path(root).resolve()
        self.folder = folder or drafts_dir()
        self.live: set[Draft] = set()

    def open(self, rel: str, titles: tuple[str, ...], rank: int = 0, count: int = 1, kept: Kept | None = None) -> Draft:
        draft = Draft(self, rel, titles, rank, count, kept.path if kept is not None else None)
        self.live.add(draft)
        return draft

    def keep_all(self) -> list[Path]:
        """Write every unsaved text now (the app is ending); returns the files."""
        return [path for draft in list(self.live) if (path := draft.keep()) is not None]

    def left(self) -> list[Kept]:
        """Drafts an earlier session left for this notes folder, oldest first."""
        found = []
        live = {draft.path for draft in self.live}
        with contextlib.suppress(OSError):
            for meta_path in sorted(self.folder.glob("*.json")):
                text_path = meta_path.with_suffix(".md")
                if text_path in live or _in_use(meta_path.with_suffix(".lock")):
                    continue
                try:
                    meta = json.loads(meta_path.read_text("utf-8"))
                    if meta.get("root") != str(self.root):
                        continue
                    text = text_path.read_bytes().decode("utf-8", "surrogateescape")
                    found.append(
                        Kept(
                            text_path,
                            str(meta["rel"]),
                            tuple(map(str, meta["titles"])),
                            text,
                            str(meta.get("saved_at", "")),
                            base64.b64decode(meta.get("base", "")),
                            int(meta.get("rank", 0)),
                            int(meta.get("count", 1)),
                        )
                    )
                except (OSError, ValueError, KeyError, TypeError):
                    continue
        return found


def _in_use(lock: Path) -> bool:
    """Whether a running notesui holds this draft open."""
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _remove(text_path: Path) -> None:
    for path in (text_path, text_path.with_suffix(".json"), text_path.with_suffix(".lock")):
        with contextlib.suppress(OSError):
            path.unlink()


def _write(path: Path, data: bytes) -> None:
    """Atomically, readable by the user alone (notes can be private)."""
    temp = path.with_name(f".{path.name}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    with open(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
