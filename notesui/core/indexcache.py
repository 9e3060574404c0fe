"""The search index of a notes folder, kept between runs in the user cache folder.

One file per notes folder, engine version (``search.ENGINE_VERSION``) and parser, holding the
index and the content digest of every file it indexed (and a small key file beside it, for a
quick "is it current?"). On open, the files whose content differs
now are re-indexed, so an index kept before a few edits still serves; when many files
changed it is built afresh. It is written to a temporary file then renamed, so two
processes writing at once leave one whole index. Like the parse cache it only speeds things
up: a missing, corrupt or unreadable file is ignored (with a ``notice`` when it was there).
Only the index's own classes can be read back from it (never arbitrary objects).
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from notesui.core.document import Document, parser_name
from notesui.core.files import digest
from notesui.core.search import ENGINE_VERSION, SearchIndex

log = logging.getLogger(__name__)

STALE_TEMP_SECONDS = 600
"""A temporary file this old was left by a process that ended while writing: removed."""
UNUSED_DAYS = 30
REBUILD_SHARE = 0.25
"""Re-index the changed files up to this share of all files; build afresh above it."""

_ALLOWED = {
    ("notesui.core.search", "SearchIndex"),
    ("notesui.core.search", "_FileIndex"),
    ("array", "_array_reconstructor"),
    ("array", "array"),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a search index")
        return super().find_class(module, name)


def digests_of(documents: Mapping[str, Document]) -> dict[str, str]:
    return {rel: digest(doc.data) for rel, doc in documents.items()}


def _key(digests: Mapping[str, str]) -> str:
    """One digest for a whole set of files' contents."""
    return digest(
        "\n".join(f"{rel}\t{value}" for rel, value in sorted(digests.items())).encode("utf-8", "surrogateescape")
    )


class IndexCache:
    """``load`` and ``save`` the search index of the notes folder ``root``."""

    def __init__(self, folder: Path, root: Path) -> None:
        name = digest(os.fsencode(Path(root).resolve()))
        self.path = Path(folder) / f"index-v{ENGINE_VERSION}-{parser_name()}-{name}.pickle"
        self.notice: str | None = None

    def load(self, documents: Mapping[str, Document]) -> tuple[SearchIndex, bool] | None:
        """The kept index brought up to date with ``documents``, and whether it needed
        changes (then it is worth saving again); None when there is none to use."""
        try:
            with self.path.open("rb") as kept:
                version, digests, index = _Unpickler(kept).load()
            if version != ENGINE_VERSION or not isinstance(index, SearchIndex) or not isinstance(digests, dict):
                raise ValueError("not an index of this version")
        except FileNotFoundError:
            return None
        except OSError as error:
            self.notice = f"the search index cache {self.path} can't be read ({error.strerror or error})"
            return None
        except Exception as error:  # whatever is wrong with it, the index is built afresh
            self.notice = f"the search index cache {self.path} was unreadable ({error}); it is rebuilt"
            return None
        with contextlib.suppress(OSError):
            os.utime(self.path)  # in use: not to be pruned as unused
        current = digests_of(documents)
        changed = {rel for rel in {**digests, **current} if digests.get(rel) != current.get(rel)}
        if len(changed) > REBUILD_SHARE * max(len(current), 1):
            return None
        try:
            index.attach({rel: doc for rel, doc in documents.items() if rel not in changed})
            for rel in sorted(changed):
                index.update_file(rel, documents.get(rel))
        except Exception as error:  # a file that can't be indexed now: the build says so
            log.warning("the kept search index could not be brought up to date: %s", error)
            return None
        return index, bool(changed)

    def save(self, index: SearchIndex) -> None:
        """Keep ``index`` (written whole, or not at all)."""
        digests = digests_of(index.files)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._remove_stale()
            fd, temp = tempfile.mkstemp(prefix=".index-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
                    # no memo: it would hold a copy of every array written until the end (the
                    # index has no cycles, and the few shared names are small)
                    pickler.fast = True
                    pickler.dump((ENGINE_VERSION, digests, index))
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
            self._key_path.write_text(_key(digests), encoding="ascii")
        except (OSError, pickle.PicklingError) as error:
            self.notice = (
                f"the search index cache {self.path} can't be written ({getattr(error, 'strerror', None) or error})"
            )

    @contextlib.contextmanager
    def building(self) -> Iterator[bool]:
        """Hold the right to build this folder's index (True), or not (False: another
        process is building it). Where files can't be locked, always True."""
        try:
            import fcntl
        except ImportError:
            yield True
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path.with_suffix(".lock"), "a+b")  # noqa: SIM115 -- held below
        except OSError:
            yield True
            return
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                yield False
                return
            yield True

    def is_current(self, digests: Mapping[str, str]) -> bool:
        """Whether the kept index was made from files with exactly these content digests
        (a quick check: the index itself is not read)."""
        try:
            return self.path.exists() and self._key_path.read_text(encoding="ascii") == _key(digests)
        except (OSError, UnicodeDecodeError):
            return False

    @property
    def _key_path(self) -> Path:
        return self.path.with_suffix(".key")

    def _remove_stale(self) -> None:
        """Remove what nobody will read: temporary files of a process that ended while
        writing, this folder's index of another version or parser, and the index of a folder
        not opened for ``UNUSED_DAYS``."""
        now = time.time()
        own = self.path.name.rsplit("-", 1)[-1].removesuffix(".pickle")
        for path in self.path.parent.iterdir():
            with contextlib.suppress(OSError):
                age = now - path.stat().st_mtime
                name = path.name
                if name.startswith(".index-"):
                    stale = age > STALE_TEMP_SECONDS
                elif name.startswith("index-") and path.suffix != ".lock" and path.stem != self.path.stem:
                    stale = path.stem.endswith(own) or age > UNUSED_DAYS * 86400
                else:
                    continue
                if stale:
                    path.unlink()
