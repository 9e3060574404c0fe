"""Unsaved editor text kept on disk, so that no way of ending the app loses it.

While an edit is unsaved, its text is kept (a moment after each change, and again when the
app ends or crashes) in the data folder's ``recovery/``: ``STAMP-ID.md`` holds the text as
typed, ``STAMP-ID.json`` where it belongs. A save or a discard removes both. The next start
in the same notes folder offers what is left.
"""

from __future__ import annotations

import contextlib
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

    def discard(self) -> None:
        for path in (self.path, self.path.with_suffix(".json")):
            with contextlib.suppress(OSError):
                path.unlink()


class Draft:
    """One editor's unsaved text. ``source`` tells the text while it is unsaved (None once
    it is saved or discarded)."""

    def __init__(self, drafts: Drafts, rel: str, titles: tuple[str, ...], path: Path | None = None) -> None:
        self.drafts = drafts
        self.rel = rel
        self.titles = titles
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.path = path or drafts.folder / f"{stamp}-{secrets.token_hex(3)}.md"
        self.source: Callable[[], str | None] = lambda: None

    def keep(self) -> Path | None:
        """Write the unsaved text now (or remove the draft when there is none); returns the
        file that holds it. Never raises: this runs when the app is ending."""
        try:
            text = self.source()
            if text is None:
                self.clear()
                return None
            self.drafts.folder.mkdir(parents=True, exist_ok=True)
            meta = {"root": str(self.drafts.root), "rel": self.rel, "titles": list(self.titles),
                    "saved_at": datetime.now().isoformat(timespec="seconds")}
            _write(self.path, text.encode("utf-8", "surrogateescape"))
            _write(self.path.with_suffix(".json"), json.dumps(meta, ensure_ascii=True).encode())
            return self.path
        except Exception:  # noqa: BLE001 - keeping a draft must never end the app
            return None

    def clear(self) -> None:
        for path in (self.path, self.path.with_suffix(".json")):
            with contextlib.suppress(OSError):
                path.unlink()

    def close(self) -> None:
        """The editor is gone: keep what is unsaved, stop tracking it."""
        self.keep()
        self.drafts.live.discard(self)


class Drafts:
    """The drafts of one notes folder: those being edited now and those left from before."""

    def __init__(self, root: Path, folder: Path | None = None) -> None:
        self.root = Path(root).resolve()
        self.folder = folder or drafts_dir()
        self.live: set[Draft] = set()

    def open(self, rel: str, titles: tuple[str, ...], kept: Kept | None = None) -> Draft:
        draft = Draft(self, rel, titles, kept.path if kept is not None else None)
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
                if text_path in live:
                    continue
                try:
                    meta = json.loads(meta_path.read_text("utf-8"))
                    if meta.get("root") != str(self.root):
                        continue
                    text = text_path.read_bytes().decode("utf-8", "surrogateescape")
                    found.append(Kept(text_path, str(meta["rel"]), tuple(map(str, meta["titles"])),
                                      text, str(meta.get("saved_at", ""))))
                except (OSError, ValueError, KeyError, TypeError):
                    continue
        return found


def _write(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
