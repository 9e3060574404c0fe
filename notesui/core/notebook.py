"""The notes folder: discover and load every notes file, reload one, resolve references."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from notesui.core import document
from notesui.core.document import Counts, Document, Heading, Structure, count_questions
from notesui.core.files import NotReadable, digest, read_regular
from notesui.core.parsecache import ParseCache

NOTE_SUFFIXES = (".md", ".markdown")


def natural_key(text: str) -> list[object]:
    """Sort key that puts ``2-x`` before ``10-x``."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)]


def discover(root: Path, skipped: list[tuple[str, str]] | None = None) -> list[str]:
    """Every notes file below ``root`` as a ``/``-separated relative path, in natural order.

    Hidden files and folders are skipped; symlinked folders are followed once (a folder
    reached again through another link is not entered twice, so loops end). A folder that
    can't be read is added to ``skipped`` with the reason (``.`` for the root itself).
    """
    found: list[str] = []
    seen: set[tuple[int, int]] = set()

    def unreadable(error: OSError) -> None:
        if skipped is not None:
            where = Path(os.path.relpath(error.filename or root, root)).as_posix()
            skipped.append((where, f"folder can't be read: {error.strerror or error}"))

    for folder, dirs, files in os.walk(root, onerror=unreadable, followlinks=True):
        try:
            info = os.stat(folder)
        except OSError:
            dirs[:] = []
            continue
        if (info.st_dev, info.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted((d for d in dirs if not d.startswith(".")), key=natural_key)
        rel_folder = Path(folder).relative_to(root)
        for name in files:
            if name.startswith(".") or not name.lower().endswith(NOTE_SUFFIXES):
                continue
            found.append((rel_folder / name).as_posix())
    return sorted(found, key=path_order)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and read_regular(path) == data
    except (OSError, NotReadable):
        return False


def path_order(rel: str) -> list[list[object]]:
    """Sort key of a relative path: folder by folder, in natural order."""
    return [natural_key(p) for p in rel.split("/")]


def all_mastered(doc: Document, heading: Heading) -> bool:
    """Whether ``heading`` has questions (itself, or under it) and every one is mastered:
    what "hide mastered" hides."""
    counts = count(doc, heading)
    return counts.questions > 0 and counts.mastered == counts.questions


def count(doc: Document, under: Heading | None = None) -> Counts:
    """The counts of a file (known without its headings when it came from the cache), or
    of a heading's section."""
    return doc.counts if under is None else count_questions(doc.questions(under))


@dataclass(slots=True)
class Folder:
    """A folder of the notes tree: sub-folders and files, by relative path."""

    name: str
    rel: str
    folders: dict[str, Folder] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class BadReference(LookupError):
    """A reference that names no file or heading."""


PARSE_BATCH_BYTES = 512 << 10
"""Files parsed after opening are reported in batches of about this much text."""
PROCESS_POOL_BYTES = 4 << 20
"""Text to parse above which a pool of processes shares the work (a parse is pure Python)."""


@contextlib.contextmanager
def structure_parser(size: int) -> Iterator[Callable[[list[str]], list[Structure]]]:
    """A function from texts to their structures, for ``size`` bytes of text in all: for a
    lot of text on a machine with several cores, without the fast parser, it runs on a pool
    of processes (and on this one if the pool fails)."""
    workers = min(os.cpu_count() or 1, 4)
    if size < PROCESS_POOL_BYTES or workers < 2 or document.fast_parser_installed():
        yield _parse_here
        return
    # spawn, never fork: the app has threads running
    pool: ProcessPoolExecutor | None = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def parse(texts: list[str]) -> list[Structure]:
        nonlocal pool
        if pool is not None:
            try:
                return list(pool.map(document.structure_of, texts))
            except Exception:  # a broken pool only costs speed
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
        return _parse_here(texts)

    try:
        yield parse
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _parse_here(texts: list[str]) -> list[Structure]:
    return [document.structure_of(text) for text in texts]


FileChange = tuple[str, "Document | None"]
"""A file's new content, by relative path (None: the file is gone)."""


@dataclass(frozen=True, slots=True)
class Diff:
    """What changed on disk, found against the files as they were (``base``)."""

    base: Mapping[str, Document]
    changes: list[FileChange]


class Notebook:
    """Every notes file under a root, parsed.

    ``documents`` is never changed in place: every change replaces it with a new mapping,
    so a reference to it is a snapshot that other threads may read while the notebook moves
    on (the search index is built from one)."""

    def __init__(self, root: str | os.PathLike[str], cache: ParseCache | None = None) -> None:
        self.root = Path(root)
        self.cache = cache
        self.documents: Mapping[str, Document] = {}
        self.skipped: list[tuple[str, str]] = []  # paths not read, and why
        # the files the cache did not know at load, as loaded, with the digest of those bytes
        # (until parse_pending: the notebook may hold newer versions of them by then)
        self._unparsed: dict[str, tuple[Document, str | None]] = {}

    @classmethod
    def open(cls, root: str | os.PathLike[str], cache: ParseCache | None = None) -> Notebook:
        notebook = cls(root, cache)
        notebook.load()
        return notebook

    def load(self, *, lazy: bool = False) -> None:
        """(Re)load every notes file under the root: read and hash every file, take what the
        cache knows of each content, and parse the rest (with ``lazy``, later: see
        ``parse_pending``; a file's headings are parsed on first use meanwhile)."""
        skipped: list[tuple[str, str]] = []
        rels = discover(self.root, skipped)
        with ThreadPoolExecutor(max_workers=2) as pool:
            read = list(pool.map(lambda rel: Document.read(self.root / rel, rel), rels))
        keys: dict[str, str] = {}
        known = {}
        if self.cache is not None:  # the bytes are always hashed: never trusted by size or time
            keys = {rel: digest(data) for rel, data in zip(rels, read) if isinstance(data, bytes)}
            known = self.cache.get_many(keys.values())
        docs = []
        for rel, data in zip(rels, read):
            if isinstance(data, Document):
                docs.append(data)
                continue
            hit = known.get(keys.get(rel, ""))
            if hit is None:
                docs.append(Document.parse(data, rel, lazy=True))
            else:
                docs.append(Document.parse(data, rel, hit.structure, counts=hit.counts, lazy=True))
        self.skipped = skipped
        self.documents = dict(zip(rels, docs))
        self._unparsed = {doc.rel: (doc, keys.get(doc.rel)) for doc in docs if not doc.parsed}
        if not lazy:
            self.parse_pending()

    def pending(self, prefix: str = "") -> list[str]:
        """The files (in folder ``prefix``) whose structure is still to be parsed."""
        return [rel for rel, doc in self._in(prefix) if not doc.parsed]

    def parse_pending(
        self,
        first: Iterable[str] = (),
        done: Callable[[list[str]], None] | None = None,
        batch_bytes: int | None = None,
    ) -> None:
        """Parse the files the cache did not know at ``load``, ``first`` first (on their
        own), and keep the results in the cache; ``done(rels)`` after each batch (of about
        ``batch_bytes``): each file is reported once (one parsed meanwhile, because
        something needed its headings, too). Safe on another thread: it only completes the
        documents as loaded. Without the fast parser, a lot of text is parsed by a pool of
        processes."""
        limit = PARSE_BATCH_BYTES if batch_bytes is None else batch_bytes
        unparsed, self._unparsed = self._unparsed, {}
        # the documents as loaded (the notebook may hold newer ones: those were parsed when
        # made), so what is kept under a digest is always the structure of those bytes
        wanted = [rel for rel in dict.fromkeys(first) if rel in unparsed]
        rest = [rel for rel in unparsed if rel not in wanted]
        batches: list[list[str]] = [wanted]
        size = limit  # the wanted files are a batch of their own
        for rel in rest:
            if size >= limit:
                batches.append([])
                size = 0
            batches[-1].append(rel)
            size += len(unparsed[rel][0].data)
        todo = [unparsed[rel][0] for rel in rest + wanted]
        with structure_parser(sum(len(doc.data) for doc in todo if not doc.parsed)) as parse:
            for chunk in filter(None, batches):
                loaded = [unparsed[rel] for rel in chunk]
                fresh = [doc for doc, _ in loaded if not doc.parsed]  # not parsed meanwhile
                for doc, structure in zip(fresh, parse([doc.text for doc in fresh])):
                    doc.provide(structure)
                self._remember(loaded)
                if done is not None:
                    done(chunk)

    def _remember(self, loaded: Iterable[tuple[Document, str | None]]) -> None:
        """Keep in the cache what was parsed of documents, by the digest of their bytes."""
        if self.cache is None:
            return
        self.cache.put_many(
            {key: (doc.structure, doc.counts) for doc, key in loaded if key is not None and not doc.error}
        )

    def _read(self, rel: str) -> Document:
        return Document.load(self.root / rel, rel)

    def apply(self, changes: Iterable[FileChange]) -> None:
        """Set (or add, or forget) files' parsed content, keeping the files in order."""
        documents = dict(self.documents)
        for rel, doc in changes:
            if doc is None:
                documents.pop(rel, None)
            else:
                documents[rel] = doc
        if list(documents) != sorted(documents, key=path_order):
            documents = dict(sorted(documents.items(), key=lambda kv: path_order(kv[0])))
        self.documents = documents

    def reload(self, rel: str) -> Document | None:
        """Re-read one file; returns None (and forgets it) when it no longer exists."""
        doc = self._read(rel) if (self.root / rel).exists() else None
        self.apply([(rel, doc)])
        return doc

    def diff(
        self, rels: Iterable[str], *, rescan: bool = False, own: Callable[[str, bytes], bool] | None = None
    ) -> Diff:
        """Read ``rels`` (with ``rescan``, also every file that appeared or went since) and
        say which changed. Safe on any thread: it reads a snapshot and changes nothing. A
        file whose bytes are those the notebook holds, or that ``own(rel, data)`` says the
        app wrote itself, is not a change."""
        base = self.documents
        wanted = [rel for rel in rels if rel]
        if rescan:
            present = set(discover(self.root))
            wanted += sorted((present - base.keys()) | (base.keys() - present), key=path_order)
        changes: list[FileChange] = []
        for rel in dict.fromkeys(wanted):
            path = self.root / rel
            current = base.get(rel)
            if not path.is_file():
                if current is not None:
                    changes.append((rel, None))
                continue
            if current is not None and _same_bytes(path, current.data):
                continue  # touched, a second event of one save, or the app's own write
            doc = Document.load(path, rel)
            if current is not None and own is not None and own(rel, doc.data):
                continue
            changes.append((rel, doc))
        return Diff(base, changes)

    # -- shape ----------------------------------------------------------------------

    def folder_tree(self) -> Folder:
        top = Folder(self.root.name, "")
        for rel in self.documents:
            *parts, _ = rel.split("/")
            folder = top
            for i, part in enumerate(parts):
                folder = folder.folders.setdefault(part, Folder(part, "/".join(parts[: i + 1])))
            folder.files.append(rel)
        return top

    def folder(self, rel: str) -> Folder | None:
        """Folder ``rel`` (``""``: the root) with its sub-folders and files; None if there is
        no such folder of notes now."""
        folder: Folder | None = self.folder_tree()
        for part in rel.split("/") if rel else []:
            folder = folder.folders.get(part) if folder is not None else None
        return folder

    def counts(self, prefix: str = "") -> Counts:
        """Counts over the files in folder ``prefix`` (those parsed so far: see ``pending``)."""
        total = Counts()
        for _, doc in self._in(prefix):
            if doc.parsed:
                total += doc.counts
        return total

    def _in(self, prefix: str) -> Iterator[tuple[str, Document]]:
        """The files in folder ``prefix`` (all for ``""``)."""
        start = prefix.rstrip("/") + "/"
        for rel, doc in self.documents.items():
            if not prefix or rel.startswith(start):
                yield rel, doc

    # -- references -----------------------------------------------------------------

    def resolve(self, ref: str) -> Target | None:
        """What a reference names (README, “Command line”): ``rel/path.md:LINE`` a heading (LINE is
        1-based and must be a heading's line), ``rel/path.md`` a file, ``path/`` a folder;
        None for anything else, which is a query. A reference to a file never falls back to
        a search: a missing file or a line that is not a heading raises BadReference, whose
        message names the nearest files or headings."""
        match = _FILE_LINE.match(ref)
        path, line = (match.group(1), match.group(2)) if match else (ref, None)
        if line is not None and not (line.isascii() and line.isdigit()):
            raise BadReference(f"{ref!r} is not FILE:LINE: LINE is a line number (1, 2, …), not {line!r}")
        is_file = path.lower().endswith(NOTE_SUFFIXES)
        if not is_file:
            folder = self._folder(path)
            return None if folder is None else Target("folder", folder)
        rel = self._rel(path)
        doc = self.documents.get(rel)
        if doc is None:
            raise BadReference(f"no notes file {rel!r} under {self.root}{self._near_files(rel)}")
        if line is None:
            return Target("file", rel)
        number = int(line)
        heading = next((h for h in doc.headings if h.line + 1 == number), None)
        if heading is None:
            raise BadReference(self._not_a_heading(rel, doc, number))
        return Target("heading", rel, heading)

    def _rel(self, path: str) -> str:
        """A path as written on the command line -> relative to the root, with ``/``."""
        candidate = Path(path).expanduser()
        if candidate.is_absolute() or not (self.root / candidate).exists():
            absolute = candidate if candidate.is_absolute() else Path.cwd() / candidate
            with contextlib.suppress(ValueError, OSError):
                return absolute.resolve().relative_to(self.root.resolve()).as_posix()
        return candidate.as_posix().removeprefix("./")

    def _folder(self, path: str) -> str | None:
        """``path/`` (or ``.``) as a folder of the notes (``""``: the root); None for
        anything else (a query)."""
        if not (path.endswith("/") or path == "."):
            return None
        rel = self._rel(path.rstrip("/") or ".")
        rel = "" if rel == "." else rel
        if not (self.root / rel).is_dir():
            raise BadReference(f"no folder {rel!r} under {self.root}")
        return rel

    def _near_files(self, rel: str) -> str:
        from rapidfuzz import fuzz, process

        near = process.extract(rel, list(self.documents), scorer=fuzz.WRatio, limit=3, score_cutoff=50)
        return "; did you mean " + ", ".join(name for name, _, _ in near) + "?" if near else ""

    @staticmethod
    def _not_a_heading(rel: str, doc: Document, number: int) -> str:
        if doc.readonly and not doc.headings:
            return f"{rel} can't be read as notes: {doc.error}"
        if not 1 <= number <= max(doc.line_count, 1):
            where = f"{rel} has no line {number} (lines count from 1; it has {doc.line_count})"
        else:
            where = f"{rel}:{number} is not a heading"
        before = [h for h in doc.headings if h.line + 1 < number][-1:]
        after = [h for h in doc.headings if h.line + 1 > number][:1]
        near = [f"{rel}:{h.line + 1} {h.title}" for h in before + after]
        return where + ("; the nearest headings: " + ", ".join(near) if near else "; it has no headings")


_FILE_LINE = re.compile(r"^(.+?\.(?:md|markdown)):(.*)$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Target:
    """What a reference names: a heading, a file or a folder (``rel`` ``""``: the root)."""

    kind: str  # "heading", "file" or "folder"
    rel: str
    heading: Heading | None = None
