"""The session: one owner for the notebook, its index and the store, changes in order."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from notesui.core.document import Document
from notesui.core.edits import MarkChange
from notesui.core.notebook import FileChange
from notesui.core.search import SearchIndex
from notesui.core.session import Session

WAIT = 10.0


def make_notes(root: Path, count: int = 6) -> Path:
    root.mkdir(exist_ok=True)
    for n in range(count):
        (root / f"f{n}.md").write_text(f"# File {n}\n\n## Question {n}\n\nanswer {n}\n", encoding="utf-8")
    return root


def question(session: Session, rel: str, title: str):  # type: ignore[no-untyped-def]
    return next(h for h in session.documents[rel].headings if h.title == title)


def hit(session: Session, query: str):  # type: ignore[no-untyped-def]
    assert session.indexer.wait(WAIT)
    assert session.index is not None
    return session.index.search(query, 1)[0]


def blocked_build(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """Make the next index build wait (after taking its snapshot) until released."""
    started, release = threading.Event(), threading.Event()
    real = SearchIndex.build.__func__  # type: ignore[attr-defined]

    def build(cls, documents):  # type: ignore[no-untyped-def]
        started.set()
        assert release.wait(WAIT)
        return real(cls, documents)

    monkeypatch.setattr(SearchIndex, "build", classmethod(build))
    return started, release


def test_a_question_marked_while_the_index_builds_is_mastered_in_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session.open(make_notes(tmp_path / "notes"))
    started, release = blocked_build(monkeypatch)
    session.start_index()
    assert started.wait(WAIT)
    session.mark("f3.md", [question(session, "f3.md", "Question 3")], True)  # during the build
    release.set()
    assert hit(session, "Question 3").mastered
    assert question(session, "f3.md", "Question 3").mastered


def test_files_deleted_and_renamed_while_the_index_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build reads a snapshot; what changed meanwhile is replayed after it."""
    root = make_notes(tmp_path / "notes")
    session = Session.open(root)
    real = SearchIndex._add
    calls: list[str] = []

    def add_and_meddle(self, rel, doc, postings=None):  # type: ignore[no-untyped-def]
        calls.append(rel)
        if len(calls) == 2:  # the UI thread applies outside changes meanwhile
            (root / "f5.md").unlink()
            (root / "f0.md").write_text("## Renamed meanwhile\n\nx\n", encoding="utf-8")
            fresh, stale = session.apply_diff(session.diff(["f5.md", "f0.md"]))
            assert [rel for rel, _ in fresh] == ["f5.md", "f0.md"] and not stale
        return real(self, rel, doc, postings)

    monkeypatch.setattr(SearchIndex, "_add", add_and_meddle)
    session.start_index()
    assert hit(session, "Renamed meanwhile").file == "f0.md"
    assert session.index is not None
    assert all(h.file != "f5.md" for h in session.index.search("Question 5", 20))
    assert session.indexer.failure is None


def test_index_updates_land_in_the_order_they_were_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow first update never lands after a later one (mark, then unmark: not mastered)."""
    session = Session.open(make_notes(tmp_path / "notes"))
    session.start_index()
    assert session.indexer.wait(WAIT)
    real = SearchIndex.update_file
    first = threading.Event()

    def slow_first(self, rel, doc):  # type: ignore[no-untyped-def]
        if not first.is_set():
            first.set()
            time.sleep(0.3)
        return real(self, rel, doc)

    monkeypatch.setattr(SearchIndex, "update_file", slow_first)
    session.mark("f2.md", [question(session, "f2.md", "Question 2")], True)
    assert first.wait(WAIT)  # the first update is under way...
    session.mark("f2.md", [question(session, "f2.md", "Question 2")], False)  # ...when this is made
    assert not hit(session, "Question 2").mastered
    assert not question(session, "f2.md", "Question 2").mastered


def test_the_diff_sees_outside_changes_and_never_the_apps_own_writes(tmp_path: Path) -> None:
    root = make_notes(tmp_path / "notes", 3)
    session = Session.open(root)
    session.mark("f1.md", [question(session, "f1.md", "Question 1")], True)
    assert session.diff(["f1.md"]).changes == []  # its own write
    (root / "f2.md").write_text("## Changed outside\n\nyes\n", encoding="utf-8")
    (root / "f0.md").unlink()
    (root / "sub").mkdir()
    (root / "sub" / "new.md").write_text("## New\n", encoding="utf-8")
    changes = session.diff(["f2.md"], rescan=True).changes
    assert [(rel, doc is not None) for rel, doc in changes] == [("f2.md", True), ("f0.md", False), ("sub/new.md", True)]


def test_a_diff_older_than_a_write_is_read_again_not_applied(tmp_path: Path) -> None:
    """The watcher read the file before the app wrote it: applying that read would undo
    the write in the notebook; the file is read again instead."""
    root = make_notes(tmp_path / "notes", 2)
    session = Session.open(root)
    with (root / "f1.md").open("a", encoding="utf-8") as file:
        file.write("\n## Appended outside\n\nz\n")
    older = session.diff(["f1.md"])  # read off the UI thread...
    session.mark("f1.md", [question(session, "f1.md", "Question 1")], True)  # ...an own write lands first
    fresh, stale = session.apply_diff(older)
    assert fresh == [] and stale == ["f1.md"]
    assert question(session, "f1.md", "Question 1").mastered
    assert session.diff(stale).changes == []  # the write was re-applied to the appended file
    assert [h.title for h in session.documents["f1.md"].headings][-1] == "Appended outside"


def test_listeners_hear_every_change_in_order_and_who_made_it(tmp_path: Path) -> None:
    root = make_notes(tmp_path / "notes", 2)
    session = Session.open(root)
    heard: list[tuple[list[str], bool]] = []

    def listener(changes: list[FileChange], outside: bool) -> None:
        heard.append(([rel for rel, _ in changes], outside))

    session.subscribe(listener)
    session.mark("f0.md", [question(session, "f0.md", "Question 0")], True)
    (root / "f1.md").write_text("## Other\n", encoding="utf-8")
    session.apply_diff(session.diff(["f1.md"]))
    assert heard == [(["f0.md"], False), (["f1.md"], True)]
    assert session.mark("f0.md", [question(session, "f0.md", "Question 0")], True) is None  # already
    assert len(heard) == 2


def test_undo_shows_the_file_as_it_was(tmp_path: Path) -> None:
    session = Session.open(make_notes(tmp_path / "notes", 1))
    before = session.documents["f0.md"].data
    session.mark("f0.md", [question(session, "f0.md", "Question 0")], True)
    undone = session.undo()
    assert undone.written.rel == "f0.md" and undone.copy is None
    assert session.documents["f0.md"].data == before
    with pytest.raises(LookupError):
        session.undo()


def test_search_waits_for_the_first_build(tmp_path: Path) -> None:
    session = Session.open(make_notes(tmp_path / "notes", 3))
    assert session.index is None
    assert [h.file for h in session.search("Question 2", 1)] == ["f2.md"]
    session.close()


def test_a_failed_write_shows_the_disk(tmp_path: Path) -> None:
    root = make_notes(tmp_path / "notes", 1)
    session = Session.open(root)
    heading = question(session, "f0.md", "Question 0")
    (root / "f0.md").write_text("# Other now\n", encoding="utf-8")
    from notesui.core.store import Conflict

    with pytest.raises(Conflict):
        session.mark("f0.md", [heading], True)
    assert [h.title for h in session.documents["f0.md"].headings] == ["Other now"]
    assert isinstance(session.documents["f0.md"], Document)


def test_a_wait_queued_before_a_later_build_is_answered_after_it() -> None:
    from notesui.core.session import Indexer

    first, second, done = {"a.md": None}, {"b.md": None}, threading.Event()
    merged = Indexer._merged([("build", first), ("mark", done), ("update", [("a.md", None)]), ("build", second)])
    assert merged == [("build", second), ("mark", done)]


def test_waiting_on_a_stopped_indexer_never_hangs(tmp_path: Path) -> None:
    session = Session.open(make_notes(tmp_path / "notes", 1))
    session.start_index()
    session.close()
    assert session.indexer.wait(WAIT)
    assert session.indexer.wait(WAIT)  # and after it is gone


def test_a_big_file_written_is_parsed_later_and_an_older_parse_never_lands(tmp_path: Path) -> None:
    from notesui.core.session import SYNC_PARSE_BYTES

    root = tmp_path / "notes"
    root.mkdir()
    (root / "big.md").write_text("## Q\n\n" + "x" * SYNC_PARSE_BYTES + "\n", encoding="utf-8")
    asked: list[tuple[str, bytes]] = []
    session = Session(root, parse_later=lambda rel, data: asked.append((rel, data)))
    session.load()
    before = session.documents["big.md"]
    session.mark("big.md", [question(session, "big.md", "Q")], True)
    assert session.documents["big.md"] is before and len(asked) == 1  # not parsed here
    marked = Document.parse(asked[0][1], "big.md")
    session.write("big.md", MarkChange(marked, marked.headings, False, "2026-01-01"))  # a second write
    assert len(asked) == 2
    older, newer = (Document.parse(data, rel) for rel, data in asked)
    assert session.apply_parsed(older) is False  # superseded: never applied
    assert session.apply_parsed(newer) is True
    assert not question(session, "big.md", "Q").mastered
