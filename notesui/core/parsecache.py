"""What the structure parse said of each file's content, kept in the user cache folder.

The slow part of opening notes is markdown-it's block parse (``document.structure_of``); its
result depends only on a file's bytes, so it is kept by their digest (the bytes are always
read and hashed: a file changed without changing its size or time is still a miss). One
SQLite file per format version, so another notesui version never reads this one's. The
cache only speeds things up: any problem with it (corrupt, unwritable, locked by another
process for too long) is said once in ``notice`` and the notes are parsed as if it were not
there.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from notesui.core.document import STRUCTURE_MAX_NESTING, Counts, Structure, parser_name

VERSION = f"3-n{STRUCTURE_MAX_NESTING}"
"""Bump when what is kept changes: ``structure_of``'s output, the counts (what makes a
question, answered or mastered) or how they are stored. The file name also names the parser
(``document.parser_name``)."""

BATCH = 500
BUSY_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Cached:
    """What is known of a file's content: its counts, and its structure still encoded (decoded
    only when its headings are needed)."""

    counts: Counts
    encoded: str

    def structure(self) -> Structure | None:
        """The structure, or None when the entry can't be decoded (the text is parsed then)."""
        try:
            return _decode(self.encoded)
        except (ValueError, TypeError):
            return None


class ParseCache:
    """``get_many`` and ``put_many`` what is known of files by content digest (see the module)."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / f"structure-v{VERSION}-{parser_name()}.sqlite"
        self.notice: str | None = None
        self._db: sqlite3.Connection | None = None
        self._broken = False
        self._closed = False  # by its owner: a late writer (a worker thread) writes nothing

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or self._broken or self._closed:
            return self._db
        for attempt in (1, 2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, check_same_thread=False)
                if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    db.execute("PRAGMA journal_mode=WAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS notes (key TEXT PRIMARY KEY, questions INTEGER NOT NULL,"
                    " answered INTEGER NOT NULL, mastered INTEGER NOT NULL, structure TEXT NOT NULL)"
                )
                db.execute("SELECT count(*) FROM notes WHERE key = ''").fetchone()
                self._db = db
                self._remove_other_versions()
                return db
            except sqlite3.Error as error:
                if attempt == 2 or not _corrupt(error) or not self.path.exists():
                    self._fail(error)
                    return None
                # not a database (corrupt): start afresh
                self.notice = f"the parse cache {self.path} was unreadable ({error}); it is rebuilt"
                for stale in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                    with contextlib.suppress(OSError):
                        stale.unlink()
            except OSError as error:
                self._fail(error)
                return None
        return None

    def _remove_other_versions(self) -> None:
        """The files of other versions or parsers: this notesui never reads them."""
        for path in self.path.parent.glob("structure-v*.sqlite*"):
            if not path.name.startswith(self.path.name):
                with contextlib.suppress(OSError):
                    path.unlink()

    def _fail(self, error: Exception) -> None:
        """Stop using the cache for this session, saying why once."""
        self._broken = True
        self.close()
        if _busy(error):
            self.notice = (
                f"the parse cache {self.path} is busy (another notesui is writing it); notes are parsed afresh"
            )
        else:
            self.notice = f"the parse cache {self.path} can't be used ({error}); notes are parsed afresh"

    def get_many(self, keys: Iterable[str]) -> dict[str, Cached]:
        """What is known for ``keys`` (the others are simply missing)."""
        db = self._connect()
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Cached] = {}
        if db is None:
            return found
        try:
            for start in range(0, len(wanted), BATCH):
                chunk = wanted[start : start + BATCH]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, questions, answered, mastered, structure FROM notes WHERE key IN ({marks})"
                for key, questions, answered, mastered, encoded in db.execute(query, chunk):
                    found[str(key)] = Cached(Counts(int(questions), int(answered), int(mastered)), str(encoded))
        except (sqlite3.Error, ValueError, TypeError) as error:
            self._fail(error)
            return {}
        return found

    def put_many(self, items: Mapping[str, tuple[Structure, Counts]]) -> None:
        db = self._connect()
        if db is None or not items:
            return
        rows = [
            (key, counts.questions, counts.answered, counts.mastered, json.dumps(structure, ensure_ascii=False))
            for key, (structure, counts) in items.items()
        ]
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as error:
            self._fail(error)

    def close(self) -> None:
        self._closed = True
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None


def _code(error: Exception) -> int:
    return int(getattr(error, "sqlite_errorcode", -1)) & 0xFF  # the primary code of an extended one


def _corrupt(error: Exception) -> bool:
    """The file is not (or no longer) a database: only then may it be thrown away."""
    return _code(error) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def _busy(error: Exception) -> bool:
    """Another process held the cache longer than ``BUSY_SECONDS``: nothing is wrong with it."""
    return _code(error) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _decode(value: str) -> Structure:
    raw, warnings = json.loads(value)
    headings = [(int(a), int(b), int(c), str(d), bool(e)) for a, b, c, d, e in raw]
    return headings, [str(w) for w in warnings]
