"""The notes folder: discover and load every notes file, reload one, resolve references."""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from notesui.core.document import Document, Heading

NOTE_SUFFIXES = (".md", ".markdown")


def natural_key(text: str) -> list[object]:
    """Sort key that puts ``2-x`` before ``10-x``."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)]


def discover(root: Path) -> list[str]:
    """Every notes file below ``root`` as a ``/``-separated relative path, in natural order.

    Hidden files and folders are skipped; symlinked folders are followed once (a folder
    reached again through another link is not entered twice, so loops end).
    """
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
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
    return sorted(found, key=lambda rel: [natural_key(p) for p in rel.split("/")])


@dataclass(frozen=True, slots=True)
class Counts:
    """Question counts of a file, a folder or the whole notebook."""

    questions: int = 0
    answered: int = 0
    mastered: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.questions + other.questions,
            self.answered + other.answered,
            self.mastered + other.mastered,
        )


def count(doc: Document, under: Heading | None = None) -> Counts:
    questions = answered = mastered = 0
    for heading in doc.questions(under):
        questions += 1
        answered += heading.has_answer
        mastered += heading.mastered
    return Counts(questions, answered, mastered)


@dataclass(slots=True)
class Folder:
    """A folder of the notes tree: sub-folders and files, by relative path."""

    name: str
    rel: str
    folders: dict[str, Folder] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


class BadReference(LookupError):
    """A reference that names no file or heading."""


class Notebook:
    """Every notes file under a root, parsed."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.documents: dict[str, Document] = {}

    @classmethod
    def open(cls, root: str | os.PathLike[str]) -> Notebook:
        notebook = cls(root)
        notebook.load()
        return notebook

    def load(self) -> None:
        """(Re)load every notes file under the root."""
        rels = discover(self.root)
        with ThreadPoolExecutor(max_workers=2) as pool:
            docs = list(pool.map(self._read, rels))
        self.documents = dict(zip(rels, docs))

    def _read(self, rel: str) -> Document:
        return Document.load(self.root / rel, rel)

    def reload(self, rel: str) -> Document | None:
        """Re-read one file; returns None (and forgets it) when it no longer exists."""
        path = self.root / rel
        if not path.exists():
            self.documents.pop(rel, None)
            return None
        doc = self._read(rel)
        self.put(rel, doc)
        return doc

    def put(self, rel: str, doc: Document) -> None:
        """Set (or add) one file's parsed content, keeping the files in order."""
        self.documents[rel] = doc
        if list(self.documents) != sorted(self.documents, key=self._order):
            self.documents = dict(sorted(self.documents.items(), key=lambda kv: self._order(kv[0])))

    @staticmethod
    def _order(rel: str) -> list[list[object]]:
        return [natural_key(p) for p in rel.split("/")]

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

    def counts(self, prefix: str = "") -> Counts:
        """Counts over every file whose relative path starts with folder ``prefix``."""
        total = Counts()
        for rel, doc in self.documents.items():
            if not prefix or rel.startswith(prefix.rstrip("/") + "/"):
                total += count(doc)
        return total

    def headings(self) -> Iterator[tuple[str, Document, Heading]]:
        for rel, doc in self.documents.items():
            for heading in doc.headings:
                yield rel, doc, heading

    # -- references -----------------------------------------------------------------

    def find_heading(self, rel: str, titles: tuple[str, ...], *, closest: bool = False) -> Heading | None:
        """The heading of ``rel`` whose title path is ``titles``; with ``closest``, else the
        heading with the most similar title (after an outside edit renamed it)."""
        doc = self.documents.get(rel)
        if doc is None or not titles:
            return None
        for heading in doc.headings:
            if heading.title == titles[-1] and self.title_path(doc, heading) == titles:
                return heading
        if not closest or not doc.headings:
            return None
        from rapidfuzz import fuzz, process

        best = process.extractOne(titles[-1], [h.title for h in doc.headings], scorer=fuzz.ratio)
        return doc.headings[best[2]] if best else None

    @staticmethod
    def title_path(doc: Document, heading: Heading) -> tuple[str, ...]:
        return tuple(h.title for h in doc.path_of(heading))

    def resolve(self, ref: str) -> tuple[Document, Heading | None]:
        """Resolve ``rel/path.md:LINE`` (1-based) or ``rel/path.md`` to a file and heading.

        Raises BadReference when the reference names no known file or line."""
        rel, _, line = ref.rpartition(":")
        if not rel or not line.isdigit():
            rel, line = ref, ""
        rel = rel.replace(os.sep, "/").removeprefix("./")
        doc = self.documents.get(rel)
        if doc is None:
            raise BadReference(f"no notes file {rel!r} under {self.root}")
        if not line:
            return doc, None
        number = int(line)
        if not 1 <= number <= max(doc.line_count, 1):
            raise BadReference(f"{rel} has no line {number}")
        return doc, doc.heading_at_line(number - 1)
