"""The one write path: every change notesui makes to a notes file goes through ``Store``.

* Atomic: a temporary file in the target's folder is written, fsynced, given the target's
  mode (and owner where permitted) and moved over the target with ``os.replace``; the folder
  is fsynced. On any failure the target is untouched and the temporary file removed.
* Symlinks are written through (the link stays a link); a hard-linked file is written in
  place after the check, so its links stay joined.
* Conflicts are found by content: the bytes on disk are hashed and compared with the bytes
  the change was based on (a same-size edit within the same second is a change; a touched
  file with the same bytes is not).
* Every write is remembered (hash of the bytes written) so the watcher can recognise the
  app's own writes, and can be undone while the file has not changed since.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

TEMP_MARK = ".notesui-"
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 60
LEDGER_SIZE = 64
UNDO_DEPTH = 100


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def is_temp_name(name: str) -> bool:
    """notesui's own temporary files (``.NAME.notesui-XXXX.tmp``)."""
    return name.startswith(".") and TEMP_MARK in name and name.endswith(TEMP_SUFFIX)


class WriteError(Exception):
    """A write that did not happen; the message says why, for the user. The file is untouched."""


class Conflict(Exception):
    """The file changed on disk since the change was based on it, and the change could not be
    merged into the new content."""

    def __init__(self, rel: str, disk: bytes | None) -> None:
        super().__init__(f"{rel} changed on disk")
        self.rel = rel
        self.disk = disk  # None: the file is gone


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "the operation is not permitted",
    errno.EROFS: "the file system is read-only",
    errno.EXDEV: "the temporary file ended up on another file system",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EIO: "an input/output error occurred",
}


def _reason(error: OSError) -> str:
    return _REASONS.get(error.errno or 0, error.strerror or str(error))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # some file systems can't open folders: the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (through symlinks) so that readers see the old or the new
    bytes, never a mix. Raises WriteError (with the target untouched) on failure."""
    target = Path(os.path.realpath(path))
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None  # deleted meanwhile: saving recreates it
    except OSError as error:
        raise WriteError(f"can't save {path.name}: {_reason(error)}") from error
    if info is not None and not (info.st_mode & 0o222 and os.access(target, os.W_OK)):
        raise WriteError(f"can't save {path.name}: the file is read-only")
    if info is not None and info.st_nlink > 1:
        _write_in_place(target, data, path.name)
        return
    temp = target.parent / f".{target.name}{TEMP_MARK}{secrets.token_hex(4)}{TEMP_SUFFIX}"
    fd = -1
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        _write_all(fd, data)
        os.fsync(fd)
        mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
        os.fchmod(fd, mode)
        if info is not None and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(OSError):  # only root may give a file away
                os.fchown(fd, info.st_uid, info.st_gid)
        os.close(fd)
        fd = -1
        os.replace(temp, target)
    except OSError as error:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise WriteError(f"can't save {path.name}: {_reason(error)}") from error
    _fsync_folder(target.parent)


def _write_in_place(target: Path, data: bytes, name: str) -> None:
    """Hard links share one inode: replacing the file would split them, so write into it.
    A failure may leave the file partly written; its old bytes are still in the undo record
    and the editor."""
    try:
        fd = os.open(target, os.O_WRONLY)
    except OSError as error:
        raise WriteError(f"can't save {name}: {_reason(error)}") from error
    try:
        _write_all(fd, data)
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    except OSError as error:
        raise WriteError(f"can't save {name} (hard-linked, written in place): {_reason(error)}") from error
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def clean_stale_temps(root: Path, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Remove notesui temporary files left by a crash; returns those removed."""
    removed = []
    now = time.time()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not is_temp_name(name):
                continue
            path = Path(folder) / name
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime >= older_than:
                    path.unlink()
                    removed.append(path)
    return removed


def conflict_copy_path(path: Path, when: datetime | None = None) -> Path:
    """``NAME.conflict-YYYYMMDD-HHMMSS.md`` next to ``path`` (a free name)."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.conflict-{stamp}{path.suffix}")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(f"{path.stem}.conflict-{stamp}-{counter}{path.suffix}")
    return candidate


@dataclass(frozen=True, slots=True)
class Written:
    """One write the app made: enough to recognise it and to undo it."""

    rel: str
    before: bytes | None  # None: the file did not exist
    after: str  # digest of the bytes written
    what: str


@dataclass(frozen=True, slots=True)
class Saved:
    rel: str
    data: bytes  # the bytes now on disk
    merged: bool  # the change was spliced into content changed on disk meanwhile
    changed: bool  # False: nothing needed writing


class Store:
    """Writes notes files under ``root`` and remembers what it wrote."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._lock = threading.RLock()
        self._own: deque[tuple[str, str]] = deque(maxlen=LEDGER_SIZE)
        self._undo: list[Written] = []

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> bytes | None:
        try:
            return self.path(rel).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise WriteError(f"can't read {rel}: {_reason(error)}") from error

    # -- writing ----------------------------------------------------------------------

    def write(self, rel: str, new: bytes, *, based_on: bytes | None, what: str = "change",
              merge_span: tuple[int, int] | None = None) -> Saved:
        """Write ``new`` over ``rel``, whose content was ``based_on`` when the change began.

        When the file changed on disk meanwhile and ``merge_span`` (start, end of the bytes of
        ``based_on`` the change replaced) is given and those bytes are still there unchanged,
        the change is spliced into the new content. Otherwise Conflict is raised.
        """
        with self._lock:
            disk = self.read(rel)
            merged = False
            if based_on is not None and (disk is None or digest(disk) != digest(based_on)):
                if disk is None or merge_span is None:
                    raise Conflict(rel, disk)
                new = merge(based_on, new, disk, merge_span)
                if new is None:
                    raise Conflict(rel, disk)
                merged = True
            if disk is not None and new == disk:
                return Saved(rel, disk, merged, changed=False)
            self.force_write(rel, new, before=disk, what=what)
            return Saved(rel, new, merged, changed=True)

    def force_write(self, rel: str, new: bytes, *, before: bytes | None, what: str = "change") -> None:
        """Write without the conflict check (the user chose to overwrite)."""
        with self._lock:
            self._own.append((rel, digest(new)))  # before the write: the watcher may be quick
            atomic_write(self.path(rel), new)
            self._undo.append(Written(rel, before, digest(new), what))
            del self._undo[:-UNDO_DEPTH]

    def write_conflict_copy(self, rel: str, data: bytes) -> Path:
        """Save ``data`` next to ``rel`` as a conflict copy; returns its path."""
        path = conflict_copy_path(self.path(rel))
        atomic_write(path, data)
        return path

    def is_own_write(self, rel: str, data: bytes) -> bool:
        """Whether ``data`` is what the app itself last wrote to ``rel``."""
        return (rel, digest(data)) in self._own

    # -- undo -------------------------------------------------------------------------

    def last_write(self) -> Written | None:
        return self._undo[-1] if self._undo else None

    def undo(self) -> Written:
        """Restore the bytes the last write replaced, if the file is still as written.

        Raises LookupError when there is nothing to undo, Conflict when the file changed since."""
        with self._lock:
            if not self._undo:
                raise LookupError("nothing to undo")
            last = self._undo[-1]
            disk = self.read(last.rel)
            if disk is None or digest(disk) != last.after:
                raise Conflict(last.rel, disk)
            if last.before is None:  # the write created the file: undoing removes it
                try:
                    os.unlink(self.path(last.rel))
                except OSError as error:
                    raise WriteError(f"can't remove {last.rel}: {_reason(error)}") from error
            else:
                self._own.append((last.rel, digest(last.before)))
                atomic_write(self.path(last.rel), last.before)
            self._undo.pop()
            return last


def merge(based_on: bytes, new: bytes, disk: bytes, span: tuple[int, int]) -> bytes | None:
    """Splice a change into content that changed meanwhile, when the bytes it replaced are
    still there unchanged; None when they are not (or can't be told apart)."""
    start, end = span
    old_part = based_on[start:end]
    # the change replaced based_on[start:end] by new[start:len(new) - (len(based_on) - end)]
    new_part = new[start : len(new) - (len(based_on) - end)]
    if not old_part:
        # an insertion: anchor it on the bytes just before it
        anchor = based_on[max(0, start - 200) : start]
        where = _nearest(disk, anchor, start - len(anchor)) if anchor else 0
        if where is None:
            return None
        at = where + len(anchor)
        return disk[:at] + new_part + disk[at:]
    where = _nearest(disk, old_part, start)
    if where is None:
        return None
    return disk[:where] + new_part + disk[where + len(old_part) :]


def _nearest(data: bytes, part: bytes, near: int) -> int | None:
    """The offset of the occurrence of ``part`` in ``data`` nearest to ``near``."""
    found = []
    position = data.find(part)
    while position != -1 and len(found) < 1000:
        found.append(position)
        position = data.find(part, position + 1)
    if not found:
        return None
    return min(found, key=lambda p: abs(p - near))
