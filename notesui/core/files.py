"""Reading notes files safely: regular files only, never blocking, never unbounded.

A FIFO named ``x.md`` would block a plain ``open``; ``zero.md -> /dev/zero`` would read until
memory runs out. Every read of a note goes through ``read_regular``: ``stat`` first, open
with ``O_NONBLOCK``, check the opened file again (it may have been swapped meanwhile) and
read at most ``limit + 1`` bytes.
"""

from __future__ import annotations

import hashlib
import os
import stat

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Files larger than this are listed with an error and not parsed."""

_KINDS = (
    (stat.S_ISDIR, "a folder, not a file"),
    (stat.S_ISFIFO, "a named pipe (FIFO), not a regular file"),
    (stat.S_ISCHR, "a character device, not a regular file"),
    (stat.S_ISBLK, "a block device, not a regular file"),
    (stat.S_ISSOCK, "a socket, not a regular file"),
)


class NotReadable(Exception):
    """A path that is not read as a note; the message says why, for the user."""


def kind_problem(mode: int) -> str | None:
    """Why a file of this mode is not read as a note (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    return next((why for test, why in _KINDS if test(mode)), "not a regular file")


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of the regular file at ``path`` (through symlinks).

    Raises FileNotFoundError when it does not exist, NotReadable when it is not a regular
    file or is larger than ``limit``, and OSError for any other failure."""
    problem = kind_problem(os.stat(path).st_mode)
    if problem is not None:
        raise NotReadable(problem)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        return read_fd(fd, limit)
    finally:
        os.close(fd)


def read_fd(fd: int, limit: int | None = None) -> bytes:
    """Everything an open regular file holds, from its start (see ``read_regular``)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    info = os.fstat(fd)
    problem = kind_problem(info.st_mode)
    if problem is not None:
        raise NotReadable(problem)
    if info.st_size > limit:
        raise NotReadable(too_large(info.st_size, limit))
    chunks = []
    offset = total = 0
    while True:
        chunk = os.pread(fd, max(info.st_size - total, 0) + 65536, offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
        total += len(chunk)
        if total > limit:
            raise NotReadable(too_large(total, limit))
    return b"".join(chunks)


def too_large(size: int, limit: int) -> str:
    return f"file too large to open ({size / 2**20:.1f} MiB; the limit is {limit // 2**20} MiB)"


def digest(data: bytes) -> str:
    """The digest notesui knows content by (own writes, undo, the parse cache, questions)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
