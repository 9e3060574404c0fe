"""The parse cache: kept by content, only an accelerator, never fatal."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings

from notesui.core import document
from notesui.core.document import Document
from notesui.core.notebook import Notebook
from notesui.core.parsecache import ParseCache

from strategies import documents


def shape(doc: Document) -> list[tuple[object, ...]]:
    return [(h.level, h.title, h.heading, h.answer, h.section, h.parent, h.mastered) for h in doc.headings]


def notes(root: Path) -> Path:
    root.mkdir()
    (root / "a.md").write_text("# A\n\n## Question one?\n\nanswer\n", encoding="utf-8")
    (root / "b.md").write_text("# B\n\n## Question two?\n\nanswer\n", encoding="utf-8")
    return root


def test_a_second_open_parses_nothing_and_gives_the_same_notes(tmp_path: Path, parses: list[int]) -> None:
    root = notes(tmp_path / "notes")
    cold = Notebook.open(root, ParseCache(tmp_path / "cache"))
    assert len(parses) == 2
    warm = Notebook.open(root, ParseCache(tmp_path / "cache"))
    assert len(parses) == 2  # every structure came from the cache
    assert {rel: shape(doc) for rel, doc in warm.documents.items()} == {
        rel: shape(doc) for rel, doc in cold.documents.items()
    }


def test_same_size_and_time_but_other_bytes_is_a_miss(tmp_path: Path, parses: list[int]) -> None:
    root = notes(tmp_path / "notes")
    Notebook.open(root, ParseCache(tmp_path / "cache"))
    path = root / "a.md"
    info = path.stat()
    path.write_text("# A\n\n## Question One!\n\nanswer\n", encoding="utf-8")  # same length
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    warm = Notebook.open(root, ParseCache(tmp_path / "cache"))
    assert len(parses) == 3  # a.md again, not b.md
    assert [h.title for h in warm.documents["a.md"].headings] == ["A", "Question One!"]


def test_a_corrupt_cache_is_said_once_and_rebuilt(tmp_path: Path, parses: list[int]) -> None:
    root = notes(tmp_path / "notes")
    cache = ParseCache(tmp_path / "cache")
    Notebook.open(root, cache)
    cache.close()
    cache.path.write_bytes(b"this is not a database" * 100)
    again = ParseCache(tmp_path / "cache")
    notebook = Notebook.open(root, again)
    assert again.notice is not None and "rebuilt" in again.notice
    assert [h.title for h in notebook.documents["b.md"].headings] == ["B", "Question two?"]
    assert Notebook.open(root, ParseCache(tmp_path / "cache")).documents.keys() == {"a.md", "b.md"}
    assert len(parses) == 4  # parsed again once after the corruption, then from the rebuilt cache


def test_an_unusable_cache_folder_only_costs_speed(tmp_path: Path) -> None:
    root = notes(tmp_path / "notes")
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    cache = ParseCache(blocker)
    notebook = Notebook.open(root, cache)
    assert cache.notice is not None and len(notebook.documents) == 2


def test_another_format_version_is_another_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from notesui.core import parsecache

    first = ParseCache(tmp_path).path
    monkeypatch.setattr(parsecache, "VERSION", "999")
    assert ParseCache(tmp_path).path != first


def test_a_cache_locked_by_another_process_is_waited_for_or_skipped_never_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from notesui.core import parsecache

    root = notes(tmp_path / "notes")
    first = ParseCache(tmp_path / "cache")
    Notebook.open(root, first)
    first.close()
    holder = sqlite3.connect(first.path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")  # readers wait for a writer again
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(parsecache, "BUSY_SECONDS", 0.2)
    busy = ParseCache(tmp_path / "cache")
    notebook = Notebook.open(root, busy)
    assert len(notebook.documents) == 2
    assert busy.notice is not None and "busy" in busy.notice and "rebuilt" not in busy.notice
    busy.close()
    holder.execute("COMMIT")
    holder.close()
    assert first.path.exists()
    kept = ParseCache(tmp_path / "cache")
    from notesui.core.files import digest

    assert len(kept.get_many(digest(path.read_bytes()) for path in root.glob("*.md"))) == 2
    assert kept.notice is None


def test_two_processes_filling_the_cache_at_once(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    for n in range(60):
        (root / f"f{n}.md").write_text(f"# F{n}\n\n## Q{n}?\n\n" + "text\n" * 50, encoding="utf-8")
    script = textwrap.dedent(f"""
        from pathlib import Path
        from notesui.core.notebook import Notebook
        from notesui.core.parsecache import ParseCache
        for _ in range(6):
            cache = ParseCache(Path({str(tmp_path / "cache")!r}))
            notebook = Notebook.open(Path({str(root)!r}), cache)
            assert len(notebook.documents) == 60 and cache.notice is None, cache.notice
            cache.close()
        print("ok")
    """)
    runs = [
        subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0 and out.strip() == "ok", err


@settings(max_examples=60, deadline=None)
@given(documents())
def test_a_cached_structure_gives_the_same_document(data: bytes) -> None:
    fresh = Document.parse(data, "x.md")
    if fresh.structure is None:
        return
    import json

    from notesui.core.parsecache import _decode

    kept = _decode(json.dumps(fresh.structure, ensure_ascii=False))
    again = Document.parse(data, "x.md", kept)
    assert shape(again) == shape(fresh) and again.warnings == fresh.warnings and again.preamble == fresh.preamble


# -- opening without building every heading ------------------------------------------------


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose headings were built."""
    built: list[str] = []
    real = Document._build

    def counting(doc: Document, structure):  # type: ignore[no-untyped-def]
        built.append(doc.rel)
        return real(doc, structure)

    monkeypatch.setattr(Document, "_build", counting)
    return built


def test_a_warm_open_knows_the_counts_without_building_headings(
    tmp_path: Path, parses: list[int], builds: list[str]
) -> None:
    root = notes(tmp_path / "notes")
    (root / "b.md").write_text("# B\n\n## Done? <!-- mastered -->\n\nyes\n\n## Open?\n\n", encoding="utf-8")
    cold = Notebook.open(root, ParseCache(tmp_path / "cache"))
    expected = {rel: doc.counts for rel, doc in cold.documents.items()}
    parses.clear()
    builds.clear()
    warm = Notebook.open(root, ParseCache(tmp_path / "cache"))
    assert {rel: doc.counts for rel, doc in warm.documents.items()} == expected
    assert expected["b.md"].questions == 2 and expected["b.md"].mastered == 1 and expected["b.md"].answered == 1
    assert warm.counts() == cold.counts()
    assert parses == [] and builds == []
    assert [h.title for h in warm.documents["b.md"].headings] == ["B", "Done?", "Open?"]
    assert builds == ["b.md"] and parses == []  # built from the cache, on first use, not parsed


def test_a_lazy_load_parses_the_wanted_files_first_and_reports_each_once(tmp_path: Path, parses: list[int]) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    for n in range(6):
        (root / f"f{n}.md").write_text(f"# F{n}\n\n## Q{n}?\n\n" + "x" * n + "\n", encoding="utf-8")
    notebook = Notebook(root, ParseCache(tmp_path / "cache"))
    notebook.load(lazy=True)
    assert parses == [] and len(notebook.pending()) == 6 and notebook.counts().questions == 0
    assert [h.title for h in notebook.documents["f2.md"].headings] == ["F2", "Q2?"]  # wanted now: parsed now
    assert notebook.pending() == ["f0.md", "f1.md", "f3.md", "f4.md", "f5.md"]
    batches: list[list[str]] = []
    size = len((root / "f0.md").read_bytes())
    notebook.parse_pending(["f4.md", "f3.md"], batches.append, batch_bytes=2 * size)
    assert batches == [["f4.md", "f3.md"], ["f0.md", "f1.md"], ["f2.md", "f5.md"]]
    assert len(parses) == 6 and notebook.pending() == [] and notebook.counts().questions == 6
    warm = Notebook(root, ParseCache(tmp_path / "cache"))
    warm.load(lazy=True)
    assert warm.pending() == [] and len(parses) == 6  # every one was kept, f2 too


def test_a_pool_of_processes_parses_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from notesui.core import notebook as notebook_module

    root = notes(tmp_path / "notes")
    alone = Notebook.open(root)
    monkeypatch.setattr(notebook_module, "PROCESS_POOL_BYTES", 0)
    monkeypatch.setattr(document, "fast_parser_installed", lambda: False)
    pooled = Notebook.open(root)
    assert {r: shape(d) for r, d in pooled.documents.items()} == {r: shape(d) for r, d in alone.documents.items()}


def test_a_pool_that_fails_only_costs_speed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures.process import BrokenProcessPool

    from notesui.core import notebook as notebook_module

    class Broken:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def map(self, *args: object, **kwargs: object) -> list[object]:
            raise BrokenProcessPool("a worker died")

        def shutdown(self, *args: object, **kwargs: object) -> None:
            pass

    root = notes(tmp_path / "notes")
    monkeypatch.setattr(notebook_module, "PROCESS_POOL_BYTES", 0)
    monkeypatch.setattr(document, "fast_parser_installed", lambda: False)
    monkeypatch.setattr(notebook_module, "ProcessPoolExecutor", Broken)
    notebook = Notebook.open(root)
    assert [h.title for h in notebook.documents["a.md"].headings] == ["A", "Question one?"]


def test_an_entry_that_cant_be_decoded_is_parsed_again(tmp_path: Path, parses: list[int]) -> None:
    import sqlite3

    root = notes(tmp_path / "notes")
    cache = ParseCache(tmp_path / "cache")
    Notebook.open(root, cache)
    cache.close()
    with sqlite3.connect(cache.path) as db:
        db.execute("UPDATE notes SET structure = '[[[\"x\"]], 5]', questions = 99")
    notebook = Notebook.open(root, ParseCache(tmp_path / "cache"))
    doc = notebook.documents["a.md"]
    assert [h.title for h in doc.headings] == ["A", "Question one?"]
    assert doc.counts.questions == 1  # the entry's counts were not trusted either


def test_a_file_changed_before_it_was_parsed_never_lends_its_structure_to_the_old_bytes(tmp_path: Path) -> None:
    """The app applies an edit while the files of a lazy load wait for their parse: what is
    kept for the bytes that were loaded is their own structure, not the new content's."""
    from notesui.core.edits import InsertQuestion

    root = tmp_path / "notes"
    root.mkdir()
    old = b"# A\n\n## Q1?\n\nanswer one\n"
    (root / "a.md").write_bytes(old)
    notebook = Notebook(root, ParseCache(tmp_path / "cache"))
    notebook.load(lazy=True)
    loaded = notebook.documents["a.md"]
    edited = InsertQuestion(loaded, loaded.headings[0], "New?").rebase(loaded.data)
    assert edited is not None
    notebook.apply([("a.md", Document.parse(edited, "a.md"))])
    reported: list[list[str]] = []
    notebook.parse_pending(done=reported.append)
    assert reported == [["a.md"]]
    (root / "a.md").write_bytes(old)  # an undo, or a checkout: the old bytes again
    again = Notebook.open(root, ParseCache(tmp_path / "cache"))
    assert [h.title for h in again.documents["a.md"].headings] == ["A", "Q1?"]
    assert shape(again.documents["a.md"]) == shape(Document.parse(old, "a.md"))
