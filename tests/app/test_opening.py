"""Opening a big folder: the tree is there at once and usable while the files the cache does
not know are parsed; their counts fill in; the user's last place is parsed first."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from textual.widgets import Static

from notesui.app import NotesApp
from notesui.core import document, notebook
from notesui.core.refs import HeadingRef
from notesui.state import Place, load_state, save_state
from notesui.ui.widgets.outline import OutlineTree

from pilot import settle

SLOW = "# Slow\n\n## Slow question?\n\nslow answer\n"


def make_notes(root: Path, files: int = 6) -> Path:
    root.mkdir()
    for n in range(files):
        (root / f"f{n}.md").write_text(f"# File {n}\n\n## Question {n}?\n\nanswer {n}\n", encoding="utf-8")
    (root / "z-slow.md").write_text(SLOW, encoding="utf-8")
    return root


def labels(app: NotesApp) -> dict[str, str]:
    tree = app.screen.query_one(OutlineTree)
    return {str(node.data.rel): str(node.label) for node in tree.root.children if node.data is not None}


async def until(pilot, condition, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("never happened")


async def test_the_tree_is_usable_before_every_file_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_notes(tmp_path / "notes")
    release = threading.Event()
    real = document.structure_of

    def slow_for_one(text: str):  # type: ignore[no-untyped-def]
        if text == SLOW:
            assert release.wait(30)
        return real(text)

    monkeypatch.setattr(document, "structure_of", slow_for_one)
    monkeypatch.setattr(notebook, "PARSE_BATCH_BYTES", 1)  # a file a batch
    app = NotesApp(root, watch=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(labels(app)) == 7)
        await until(pilot, lambda: "0/1" in labels(app)["f2.md"])
        assert labels(app)["z-slow.md"].endswith("…")  # still being read
        assert "reading" in app.screen.sub_title
        progress = str(app.screen.query_one("#progress-label", Static).render())
        assert "Reading notes: 6/7 files" in progress
        await pilot.press("j", "j", "l", "j")  # down to f2.md, open it, onto its first heading
        await pilot.pause(0.2)
        tree = app.screen.query_one(OutlineTree)
        assert tree.current is not None and tree.current.rel == "f2.md" and tree.current.kind == "heading"
        assert not app.session.documents["z-slow.md"].parsed
        assert app.watcher is not None  # changes made meanwhile are followed
        assert app.session.index is None  # the index waits for every file
        release.set()
        await until(pilot, lambda: labels(app)["z-slow.md"].endswith("0/1"))
        await settle(pilot)
        assert "mastered" in app.screen.sub_title and "reading" not in app.screen.sub_title
        assert [hit.file for hit in app.session.search("slow question", 1)] == ["z-slow.md"]


async def test_the_last_place_is_parsed_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_notes(tmp_path / "notes")
    state = load_state()
    state.places[str(root.resolve())] = Place(HeadingRef("f4.md", ("File 4", "Question 4?"), 0, 1, 2, None))
    save_state(state)
    order: list[str] = []
    real = document.structure_of

    def recording(text: str):  # type: ignore[no-untyped-def]
        order.append(text.split("\n", 1)[0])
        return real(text)

    monkeypatch.setattr(document, "structure_of", recording)
    app = NotesApp(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await asyncio.sleep(0)
        assert order[0] == "# File 4"
        assert sorted(order) == sorted({*order})  # each file parsed once
        assert app.screen.query_one(OutlineTree).current.rel == "f4.md"  # type: ignore[union-attr]


async def test_what_was_read_on_opening_is_kept_out_of_the_collectors_full_passes(sample_notes: Path) -> None:
    # a full collection over a 100,000-question notebook's objects stalls typing ~150 ms
    import gc

    gc.unfreeze()
    app = NotesApp(sample_notes)
    async with app.run_test() as pilot:
        await settle(pilot)
        index = app.session.index
        assert index is not None and len(index)
        assert gc.get_freeze_count() > 0
