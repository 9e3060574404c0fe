"""The one write path: every change notesui makes to a notes file goes through ``Store``.

* Serialised: notesui processes (and threads) take advisory locks on persistent lock files
  (under ``.notesui/locks/`` and, for the app and the command line, in the user's state
  folder) before they read the file a change is checked against, and hold them until the
  write is done.
* Checked by content, three times: against what the change was based on, right before the
  new bytes replace the file, and at the replace itself: on Linux the new file is swapped in
  atomically (RENAME_EXCHANGE) and the file it displaced is read, elsewhere the replaced
  file is kept open and read again; so a change another program slipped into the last
  moment (an append, a save by rename) is still seen. A change found in any of these checks
  is merged (the change is re-applied to the new content, by structure) or, where it can't
  be, raised as a Conflict (before writing) or kept as a conflict copy (after; if no copy
  can be written, that program's version is put back and the write reported as failed).
* Atomic: a temporary file with a short name in the target's folder is written, fsynced,
  given the target's mode, owner, group and extended attributes and moved over the target
  with ``os.replace``; the folder is fsynced. On any failure the target is untouched.
* Symlinks are written through (the link stays a link). A hard-linked file, and a file
  whose owner or attributes a new file could not keep, is written in place: space is
  reserved first, and if the write still fails the original bytes are put back.
* Conflict copies go to ``.notesui/conflicts/`` under the root: hidden, so never notes.
* Every write is remembered (hash of the bytes written) so the watcher can recognise the
  app's own writes, and can be undone while the file has not changed since.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import os
import secrets
import stat
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from notesui.core.files import NotReadable, digest, kind_problem, read_fd, read_regular

TEMP_MARK = ".notesui-"
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 60
LEDGER_SIZE = 64
UNDO_DEPTH = 100
HIDDEN_DIR = ".notesui"
CONFLICTS = f"{HIDDEN_DIR}/conflicts"
"""Where conflict copies go, under the notes root (hidden folders are never notes)."""
LOCK_TIMEOUT = 3.0
"""Seconds to wait for another notesui process's write to the same file."""
MAX_ROUNDS = 20
"""Times a write is re-applied to content that keeps changing under it before giving up."""
SPACE_MARGIN = 64 * 1024
NAME_MAX = 255
"""Bytes in a file name on the usual file systems."""


def is_temp_name(name: str) -> bool:
    """notesui's own temporary files (``.notesui-XXXX.tmp``; older ``.NAME.notesui-XXXX.tmp``)."""
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


class Change:
    """A change to one file: the bytes it was ``based_on``, the ``new`` bytes, and how to make
    the same change to content that changed meanwhile (``rebase``; None: it can't be)."""

    what = "change"

    def __init__(self, based_on: bytes | None, new: bytes) -> None:
        self.based_on = based_on  # None: the file did not exist
        self.new = new

    def rebase(self, data: bytes) -> bytes | None:
        return None


class Changed(Exception):
    """The target changed after it was checked and before anything was written."""

    def __init__(self, data: bytes | None) -> None:
        super().__init__("changed")
        self.data = data


class _InPlaceFailed(Exception):
    """An in-place write failed and the original bytes could not be put back."""

    def __init__(self, reason: str, original: bytes) -> None:
        super().__init__(reason)
        self.reason = reason
        self.original = original


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


def _write_all(fd: int, data: bytes, offset: int | None = None) -> None:
    view = memoryview(data)
    position = offset
    while view:
        if position is None:
            written = os.write(fd, view)
        else:
            written = os.pwrite(fd, view, position)
            position += written
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


_ANY = object()
"""``atomic_write(expected=_ANY)``: write whatever the file holds now."""


def atomic_write(path: Path, data: bytes, expected: object = _ANY) -> bytes | None:
    """Write ``data`` to ``path`` (through symlinks) so that readers see the old or the new
    bytes, never a mix. Raises WriteError (with the target untouched) on failure.

    With ``expected`` (the bytes the file should hold, None: no file), the file is checked
    again right before it is replaced (raising Changed, nothing written, when it differs),
    and afterwards: the bytes the replaced file held at the end are returned when they are
    not ``expected`` (another program wrote in the last moment), else None."""
    target = Path(os.path.realpath(path))
    name = path.name
    try:
        old = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        old = -1  # deleted meanwhile: saving recreates it
    except OSError as error:
        raise WriteError(f"can't save {name}: {_reason(error)}") from error
    try:
        info = os.fstat(old) if old >= 0 else None
        if info is not None:
            problem = kind_problem(info.st_mode)
            if problem is not None:
                raise WriteError(f"can't save {name}: {problem}")
            if not (info.st_mode & 0o222 and os.access(target, os.W_OK)):
                raise WriteError(f"can't save {name}: the file is read-only")
        current = _read_old(old, name)
        if expected is not _ANY and current != expected:
            raise Changed(current)
        if info is not None and info.st_nlink > 1:
            _write_in_place(target, data, current or b"", name)
            return None
        temp = _write_temp(target, data, info, name)
        if temp is None:  # owner or attributes can't be kept by a new file: write in place
            _write_in_place(target, data, current or b"", name)
            return None
        try:
            if expected is not _ANY:  # the last check, right before the replace
                now = _identity(target)
                same_file = now == (None if info is None else (info.st_dev, info.st_ino))
                if not same_file or _read_old(old, name) != expected:
                    raise Changed(_read_path(target, f"can't save {name}"))
            displaced = _swap_in(temp, target, info is not None, name, clobber=expected is _ANY)
        except BaseException as error:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            if isinstance(error, OSError):
                raise WriteError(f"can't save {name}: {_reason(error)}") from error
            raise
        _fsync_folder(target.parent)
        if expected is _ANY:
            return None
        if displaced is not None and displaced != expected:
            return displaced  # what was in the file at the very moment it was replaced
        late = _read_old(old, name)  # a program still writing into the replaced file
        return late if old >= 0 and late != expected else None
    finally:
        if old >= 0:
            os.close(old)


RENAME_EXCHANGE = 2
RENAME_NOREPLACE = 1


@functools.cache
def _libc_function(name: str) -> Any:
    """A function of the C library (Linux), for what Python's os module lacks (a ctypes
    function: its ``argtypes`` are set by the caller)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        return getattr(ctypes.CDLL(None, use_errno=True), name, None)
    except OSError:
        return None


def _renameat2(source: Path, target: Path, flags: int) -> bool:
    """Linux's renameat2; False where the system or the file system doesn't have it."""
    import ctypes

    function = _libc_function("renameat2")
    if function is None:
        return False
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_cwd = -100
    if function(at_cwd, os.fsencode(source), at_cwd, os.fsencode(target), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(target))


def _swap_in(temp: Path, target: Path, existed: bool, name: str, *, clobber: bool) -> bytes | None:
    """Move ``temp`` over ``target`` atomically; returns the bytes of the file it replaced,
    as they were at that very moment, where the system can tell (None otherwise).

    With RENAME_EXCHANGE the replaced file lands at ``temp``'s name, so even a save by
    rename that lands after the last check is seen (and then removed). Unless ``clobber``,
    a target that did not exist is never replaced if one appeared meanwhile
    (RENAME_NOREPLACE; Changed is raised)."""
    if existed and sys.platform == "linux" and _renameat2(temp, target, RENAME_EXCHANGE):
        try:
            return _read_path(temp, f"can't save {name}") or b""
        except WriteError:
            return None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    if not existed and not clobber and sys.platform == "linux":
        try:
            if _renameat2(temp, target, RENAME_NOREPLACE):
                return None
        except FileExistsError:
            raise Changed(_read_path(target, f"can't save {name}")) from None
    os.replace(temp, target)
    return None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


def _read_path(path: Path, failing: str) -> bytes | None:
    """The file's bytes; None when it does not exist. Raises WriteError (``failing``: what
    can't be done, for the message) when it can't be read or is not a regular file."""
    try:
        return read_regular(path)
    except FileNotFoundError:
        return None
    except (OSError, NotReadable) as error:
        reason = _reason(error) if isinstance(error, OSError) else str(error)
        raise WriteError(f"{failing}: {reason}") from error


def _read_old(fd: int, name: str) -> bytes | None:
    if fd < 0:
        return None
    try:
        return read_fd(fd)
    except (OSError, NotReadable) as error:
        reason = _reason(error) if isinstance(error, OSError) else str(error)
        raise WriteError(f"can't save {name}: {reason}") from error


def _write_temp(target: Path, data: bytes, info: os.stat_result | None, name: str) -> Path | None:
    """A temporary file beside ``target`` holding ``data`` with the target's mode, owner,
    group and extended attributes; None when those can't be kept (nothing is left behind)."""
    temp = target.parent / f"{TEMP_MARK}{secrets.token_hex(4)}{TEMP_SUFFIX}"
    fd = -1
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        _write_all(fd, data)
        os.fsync(fd)
        mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
        os.fchmod(fd, mode)
        kept = info is None or (_keep_owner(fd, info) and _copy_xattrs(target, fd))
        os.close(fd)
        fd = -1
        if not kept:
            os.unlink(temp)
            return None
        return temp
    except OSError as error:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise WriteError(f"can't save {name}: {_reason(error)}") from error


def _keep_owner(fd: int, info: os.stat_result) -> bool:
    created = os.fstat(fd)
    if (created.st_uid, created.st_gid) == (info.st_uid, info.st_gid):
        return True
    try:
        os.fchown(fd, info.st_uid, info.st_gid)
    except OSError:
        return False  # only root may give a file away
    if stat.S_IMODE(os.fstat(fd).st_mode) != stat.S_IMODE(info.st_mode):
        os.fchmod(fd, stat.S_IMODE(info.st_mode))  # chown clears set-id bits
    return True


def _copy_xattrs(source: Path, fd: int) -> bool:
    if not hasattr(os, "listxattr"):
        return True
    try:
        names = os.listxattr(source)
    except OSError:
        return True  # the file system has none
    for attribute in names:
        try:
            os.setxattr(fd, attribute, os.getxattr(source, attribute))
        except OSError:
            return False
    return True


def _write_in_place(target: Path, data: bytes, original: bytes, name: str) -> None:
    """Write into the file itself (hard links share one inode; a new file could not keep the
    owner). Space is reserved first; if the write still fails the original bytes are put
    back, so the file is never left half-written."""
    try:
        fd = os.open(target, os.O_RDWR | os.O_CLOEXEC)
    except OSError as error:
        raise WriteError(f"can't save {name}: {_reason(error)}") from error
    try:
        _reserve(fd, target, len(data) - len(original), name)
        try:
            _write_all(fd, data, 0)
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        except OSError as error:
            try:
                _write_all(fd, original, 0)
                os.ftruncate(fd, len(original))
                os.fsync(fd)
            except OSError:
                raise _InPlaceFailed(_reason(error), original) from error
            raise WriteError(
                f"can't save {name} (written in place): {_reason(error)}; "
                "its original bytes were put back, nothing changed"
            ) from error
    finally:
        os.close(fd)


def _reserve(fd: int, target: Path, growth: int, name: str) -> None:
    """Make sure the file can grow by ``growth`` bytes before a byte of it is touched."""
    if growth <= 0:
        return
    try:
        fs = os.statvfs(target)
        free = fs.f_bavail * fs.f_frsize
    except OSError:
        free = None
    if free is not None and free < growth + SPACE_MARGIN:
        raise WriteError(f"can't save {name}: the disk is full ({free} bytes free, {growth} more needed)")
    try:
        _allocate(fd, os.fstat(fd).st_size + growth)
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise WriteError(f"can't save {name}: {_reason(error)}") from error
        # the file system can't reserve space: the write below still restores on failure


FALLOC_FL_KEEP_SIZE = 1


def _allocate(fd: int, length: int) -> None:
    """Reserve the blocks for ``length`` bytes without changing the file's size (so no
    reader ever sees it padded); where that can't be done, nothing is reserved."""
    function = _libc_function("fallocate")
    if function is None:
        return
    import ctypes

    function.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong]
    if function(fd, FALLOC_FL_KEEP_SIZE, 0, length) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def _umask() -> int:
    """The process's umask, read without changing it (changing it, even for a moment, would
    race with other threads creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def clean_stale_temps(root: Path, older_than: float = STALE_TEMP_SECONDS, *, recursive: bool = True) -> list[Path]:
    """Remove notesui temporary files left by a crash; returns those removed."""
    removed = []
    now = time.time()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")] if recursive else []
        for name in files:
            if not is_temp_name(name):
                continue
            path = Path(folder) / name
            with contextlib.suppress(OSError):
                if now - path.lstat().st_mtime >= older_than:
                    path.unlink()
                    removed.append(path)
    return removed


def conflict_copy_path(root: Path, rel: str, when: datetime | None = None) -> Path:
    """``.notesui/conflicts/REL_FOLDER/NAME.conflict-YYYYMMDD-HHMMSS.md`` under ``root``
    (a free name): hidden, so a copy never joins the notes. A long NAME is shortened so
    the copy's name fits the file system's limit."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = root / CONFLICTS / rel
    tail = f".conflict-{stamp}-999{path.suffix}"
    room = NAME_MAX - len(os.fsencode(tail))
    stem = os.fsencode(path.stem)
    if len(stem) > room:
        stem = stem[:room].decode("utf-8", "ignore").encode("utf-8", "surrogateescape")
    name = os.fsdecode(stem)
    candidate = path.with_name(f"{name}.conflict-{stamp}{path.suffix}")
    counter = 1
    while os.path.lexists(candidate):
        counter += 1
        candidate = path.with_name(f"{name}.conflict-{stamp}-{counter}{path.suffix}")
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
    merged: bool  # the change was re-applied to content changed on disk meanwhile
    changed: bool  # False: nothing needed writing
    notice: str | None = None  # something the user must know (a late change kept as a copy)
    copy: Path | None = None  # a conflict copy written by this save


class Store:
    """Writes notes files under ``root`` and remembers what it wrote."""

    def __init__(self, root: str | os.PathLike[str], *, user_locks: Path | None = None) -> None:
        self.root = Path(root)
        self._lock_dirs = [self.root / HIDDEN_DIR / "locks", *([user_locks] if user_locks else [])]
        self._lock = threading.RLock()
        self._own: deque[tuple[str, str]] = deque(maxlen=LEDGER_SIZE)
        self._undo: list[Written] = []
        self._cleaned: set[Path] = set()

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> bytes | None:
        """The file's bytes; None when it does not exist. Raises WriteError when it can't be
        read (or is not a regular file)."""
        return _read_path(self.path(rel), f"can't read {rel}")

    # -- locking ----------------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self, rel: str) -> Iterator[None]:
        """Hold the write lock of ``rel``: this process's threads and other notesui
        processes wait for each other. Lock files are persistent (a lock file deleted after
        use races the same way as no lock) and named after the file's real path, so links
        and notes folders inside one another share them: one under the notes root (other
        machines and users sharing the folder) and, with ``user_locks``, one in the user's
        own folder (the same file reached from another notes root). Every process takes
        them in that order, so none waits for another forever."""
        with self._lock:
            fds = [fd for folder in self._lock_dirs if (fd := self._lock_file(folder, rel)) >= 0]
            try:
                for fd in fds:
                    self._flock(fd, rel)
                yield
            finally:
                for fd in fds:
                    os.close(fd)  # closing releases the lock

    def _lock_file(self, folder: Path, rel: str) -> int:
        real = os.path.realpath(self.path(rel))
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return os.open(folder / f"{digest(os.fsencode(real))}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            return -1  # a read-only root: no lock, and the write itself will say why it fails

    @staticmethod
    def _flock(fd: int, rel: str) -> None:
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WriteError(
                        f"can't save {rel}: another notesui has been writing it for "
                        f"{LOCK_TIMEOUT:.0f} s; nothing written, try again"
                    ) from None
                time.sleep(0.002)
            except OSError:
                return  # the file system has no locks

    # -- writing ----------------------------------------------------------------------

    def write(self, rel: str, change: Change) -> Saved:
        """Make ``change`` to ``rel``.

        When the file changed on disk since the change was based on it, the change is
        re-applied to the new content (``change.rebase``); Conflict is raised when it can't
        be. A change by another program that lands while writing is found afterwards and
        the change re-applied to it too, or, when that can't be done, that program's
        version is kept as a conflict copy (``Saved.notice`` says where)."""
        with self.locked(rel):
            disk = self.read(rel)
            new, merged = change.new, False
            if disk != change.based_on:
                new, merged = self._rebase(rel, change, disk), True
            if disk is not None and new == disk:
                return Saved(rel, disk, merged, changed=False)
            return self._commit(rel, new, disk, change, merged)

    def overwrite(self, rel: str, new: bytes, *, what: str = "change") -> Saved:
        """Write ``new`` whatever the file holds (the user chose to overwrite): the bytes on
        disk at the moment of writing are kept as a conflict copy first (``Saved.copy``).
        Raises WriteError only."""
        with self.locked(rel):
            self._clean_folder(self.path(rel).parent)
            copy = None
            for _ in range(MAX_ROUNDS):
                disk = self.read(rel)
                if disk is not None and disk != new:
                    copy = self.write_conflict_copy(rel, disk)
                try:
                    late = self._replace(rel, new, disk)
                except Changed:
                    continue  # changed again meanwhile: that version is copied next round
                self._remember(rel, disk, new, what)
                if late is not None:
                    copy = self._keep_late(rel, new, late)
                return Saved(rel, new, False, True, copy=copy)
            raise WriteError(f"can't save {rel}: it keeps changing on disk; its versions are in {copy}")

    @staticmethod
    def _rebase(rel: str, change: Change, disk: bytes | None) -> bytes:
        new = change.rebase(disk) if disk is not None else None
        if new is None:
            raise Conflict(rel, disk)
        return new

    def _commit(self, rel: str, new: bytes, disk: bytes | None, change: Change, merged: bool) -> Saved:
        """Write ``new`` over ``disk`` (what the file holds), checking again right before and
        after the replace (the lock keeps notesui out, not other programs)."""
        self._clean_folder(self.path(rel).parent)
        for _ in range(MAX_ROUNDS):
            try:
                late = self._replace(rel, new, disk)
            except Changed as changed:  # nothing written: re-apply to what is there now
                disk = changed.data
                new, merged = self._rebase(rel, change, disk), True
                continue
            self._remember(rel, disk, new, change.what)
            if late is None:
                return Saved(rel, new, merged, changed=True)
            return self._late_change(rel, new, late, change)
        raise WriteError(f"can't save {rel}: it keeps changing on disk; nothing written, try again")

    def _late_change(self, rel: str, written: bytes, late: bytes, change: Change) -> Saved:
        """Another program changed the file (to ``late``) while ``written`` replaced it:
        re-apply the change to its version, or keep its version as a conflict copy."""
        rebased = change.rebase(late)
        if rebased is not None:
            try:
                later = self._replace(rel, rebased, written)
            except (Changed, WriteError):
                pass  # changed again: its first version goes to the copy
            else:
                self._remember(rel, late, rebased, change.what)
                if later is None:
                    return Saved(rel, rebased, merged=True, changed=True)
                written, late = rebased, later
        copy = self._keep_late(rel, written, late)
        return Saved(
            rel,
            written,
            True,
            True,
            copy=copy,
            notice=(
                f"{rel} was changed by another program while notesui saved it; that program's version is kept in {copy}"
            ),
        )

    def _keep_late(self, rel: str, written: bytes, late: bytes) -> Path:
        """Keep another program's version (``late``), replaced by ``written``, as a conflict
        copy; when no copy can be written, put it back in the file (the change is then not
        saved) rather than lose it."""
        try:
            return self.write_conflict_copy(rel, late)
        except WriteError as error:
            if self._undo and self._undo[-1].rel == rel and self._undo[-1].after == digest(written):
                self._undo.pop()
            try:
                self._replace(rel, late, written)
            except (Changed, WriteError) as again:
                raise WriteError(
                    f"can't save {rel} safely: another program changed it while saving, no "
                    f"conflict copy could be kept ({error}) and its version could not be put "
                    f"back ({again}); the file now holds notesui's version"
                ) from None
            raise WriteError(
                f"can't save {rel}: another program changed it while saving and no conflict "
                f"copy could be kept ({error}); the file is as that program left it"
            ) from None

    def _replace(self, rel: str, new: bytes, expected: bytes | None) -> bytes | None:
        """``atomic_write`` of ``new`` over a file that should hold ``expected``."""
        self._own.append((rel, digest(new)))  # before the write: the watcher may be quick
        try:
            return atomic_write(self.path(rel), new, expected=expected)
        except _InPlaceFailed as failed:
            copy = self.write_conflict_copy(rel, failed.original)
            raise WriteError(
                f"can't save {rel} (written in place): {failed.reason}, and its original bytes "
                f"could not be put back; they are kept in {copy}"
            ) from None

    def _remember(self, rel: str, before: bytes | None, new: bytes, what: str) -> None:
        self._undo.append(Written(rel, before, digest(new), what))
        del self._undo[:-UNDO_DEPTH]

    def _clean_folder(self, folder: Path) -> None:
        """Temporary files left in this folder by a notesui that was killed go, once."""
        if folder not in self._cleaned:
            self._cleaned.add(folder)
            clean_stale_temps(folder, recursive=False)

    def write_conflict_copy(self, rel: str, data: bytes) -> Path:
        """Save ``data`` as a conflict copy of ``rel`` under ``.notesui/conflicts``."""
        path = conflict_copy_path(self.root, rel)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WriteError(f"can't keep a conflict copy of {rel}: {_reason(error)}") from error
        atomic_write(path, data)
        return path

    def is_own_write(self, rel: str, data: bytes) -> bool:
        """Whether ``data`` is what the app itself last wrote to ``rel``."""
        return (rel, digest(data)) in self._own

    # -- undo -------------------------------------------------------------------------

    def last_write(self) -> Written | None:
        return self._undo[-1] if self._undo else None

    def undo(self) -> tuple[Written, Path | None]:
        """Restore the bytes the last write replaced, if the file is still as written; returns
        it and, when the write had created the file (undoing removes it), the conflict copy
        its text is kept in.

        Raises LookupError when there is nothing to undo, Conflict when the file changed since."""
        with self._lock:
            if not self._undo:
                raise LookupError("nothing to undo")
            last = self._undo[-1]
            copy = None
            with self.locked(last.rel):
                disk = self.read(last.rel)
                if disk is None or digest(disk) != last.after:
                    raise Conflict(last.rel, disk)
                if last.before is None:  # the write created the file: undoing removes it
                    copy = self.write_conflict_copy(last.rel, disk)
                    try:
                        os.unlink(self.path(last.rel))
                    except OSError as error:
                        raise WriteError(f"can't remove {last.rel}: {_reason(error)}") from error
                else:
                    try:
                        late = self._replace(last.rel, last.before, disk)
                    except Changed as changed:
                        raise Conflict(last.rel, changed.data) from None
                    if late is not None:  # changed while undoing: that version is kept
                        copy = self._keep_late(last.rel, last.before, late)
            self._undo.pop()
            return last, copy
