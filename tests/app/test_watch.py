"""Live sync: the coalescing logic on its own, then a real observer on a temp folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from notesui.app import NotesApp
from notesui.core.watch import CHANGED, DELETED, Coalescer, is_note_path
from notesui.ui.screens.editor import EditorScreen
from notesui.ui.widgets.outline import OutlineTree

from pilot import Told, changed_outside, settle, shown


def test_events_for_one_file_are_coalesced() -> None:
    c = Coalescer(delay=0.15, delete_delay=1.0, max_delay=1.0)
    for t in (0.0, 0.05, 0.1):
        c.add("a.md", CHANGED, t)
    assert c.due(0.2) == []  # still settling: 0.1 + 0.15
    assert c.due(0.26) == [("a.md", CHANGED)]
    assert c.due(5.0) == []  # released once


def test_a_file_written_continuously_is_still_released() -> None:
    c = Coalescer(delay=0.15, delete_delay=1.0, max_delay=1.0)
    t = 0.0
    released = []
    while t < 2.05:
        c.add("a.md", CHANGED, t)
        released += [t for _ in c.due(t)]
        t += 0.1
    assert released and released[0] <= 1.0 + 0.1 + 1e-9  # within one step of max_delay


def test_delete_then_create_reads_as_one_change() -> None:
    c = Coalescer(delay=0.15, delete_delay=1.0)
    c.add("a.md", DELETED, 0.0)
    assert c.due(0.5) == []  # a deletion waits longer...
    c.add("a.md", CHANGED, 0.6)  # ...and the editor's rename-save arrives
    assert c.due(0.8) == [("a.md", CHANGED)]
    c.add("b.md", DELETED, 1.0)
    assert c.due(1.9) == [] and c.due(2.01) == [("b.md", DELETED)]


def test_ignored_names() -> None:
    assert is_note_path("a.md") and is_note_path("sub/b.markdown")
    for rel in (
        ".a.md.swp",
        "a.md~",
        ".#a.md",
        "#a.md#",
        "a.md.bak",
        "4913",
        ".a.md.notesui-12ab.tmp",
        "a.md___jb_tmp___",
        ".hidden/a.md",
        "notes.txt",
        ".a.md",
    ):
        assert not is_note_path(rel), rel


def test_notesuis_own_hidden_folders_never_trigger_a_rescan(tmp_path: Path) -> None:
    from watchdog.events import DirCreatedEvent, FileCreatedEvent

    from notesui.core.watch import Watcher, _Handler

    seen: list[tuple[str, str]] = []
    handler = _Handler(Watcher(tmp_path, lambda rel, kind: seen.append((rel, kind))))
    handler.on_any_event(DirCreatedEvent(str(tmp_path / ".notesui" / "conflicts")))
    handler.on_any_event(FileCreatedEvent(str(tmp_path / ".notesui" / "conflicts" / "a.conflict-1.md")))
    assert seen == []
    handler.on_any_event(DirCreatedEvent(str(tmp_path / "topics")))
    assert seen == [("", "rescan")]


# -- with a real observer --------------------------------------------------------------


async def wait_until(pilot, condition, timeout: float = 5.0) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        await pilot.pause(0.02)
    raise AssertionError("timed out")


def labels(app: NotesApp) -> list[str]:
    tree = app.screen.query_one(OutlineTree)
    out = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        for child in node.children:
            out.append(str(child.label))
            walk(child)

    walk(tree.root)
    return out


async def test_outside_edit_appears_and_keeps_the_selection(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes, watch=True)
    told = Told()
    async with app.run_test(size=(110, 30), notifications=True, message_hook=told) as pilot:
        await settle(pilot)
        await pilot.press("j", "l", "j", "l", "j")  # basics.md › Basics › What is LoRA?
        await settle(pilot)
        assert "Low-rank adaptation" in shown(app)
        path.write_bytes(path.read_bytes().replace(b"Low-rank adaptation", b"Changed outside"))
        await wait_until(pilot, lambda: "Changed outside" in shown(app))
        await settle(pilot)
        node = app.screen.query_one(OutlineTree).cursor_node
        assert node is not None and str(node.label).endswith("What is LoRA?")
        assert any("basics.md" in n.message for n in told.notifications)
        # an editor-style save: write a temp file, rename it over the note
        temp = sample_notes / ".basics.md.swp"
        temp.write_bytes(path.read_bytes().replace(b"## What is LoRA?", b"## What is LoRA, really?"))
        os.replace(temp, path)

        def cursor_on_renamed() -> bool:  # the heading path changed: the closest title is chosen
            node = app.screen.query_one(OutlineTree).cursor_node
            return node is not None and str(node.label).endswith("What is LoRA, really?")

        await wait_until(pilot, cursor_on_renamed)


async def test_new_and_deleted_files(sample_notes: Path) -> None:
    app = NotesApp(sample_notes, watch=True)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        (sample_notes / "zeta.md").write_text("# Zeta\n\n## Fresh question\n\nyes\n")
        await wait_until(pilot, lambda: any(label.startswith("zeta.md") for label in labels(app)))
        await settle(pilot)  # the index follows the tree (in order, off the UI thread)
        assert app.session.index is not None
        assert app.session.index.search("fresh question")[0].file == "zeta.md"
        (sample_notes / "zeta.md").unlink()
        await wait_until(pilot, lambda: not any(label.startswith("zeta.md") for label in labels(app)))
        await settle(pilot)
        assert all(hit.file != "zeta.md" for hit in app.session.index.search("fresh question"))


async def test_the_apps_own_save_is_not_announced(sample_notes: Path) -> None:
    app = NotesApp(sample_notes, watch=True)
    told = Told()
    async with app.run_test(size=(110, 30), notifications=True, message_hook=told) as pilot:
        await settle(pilot)
        await pilot.press("j", "l", "j", "l", "j")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.pause(0.6)
        await settle(pilot)
        assert not any("outside" in (n.title or "") for n in told.notifications)
        assert "<!-- mastered" in (sample_notes / "basics.md").read_text()


async def test_deleted_while_editing_keeps_the_text_and_saving_recreates(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes, watch=True)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "l", "j", "l", "j", "e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        editor.query_one("#editor").insert("kept words ")
        path.unlink()
        await wait_until(pilot, lambda: editor.file_gone, timeout=5)
        assert "deleted" in str(editor.query_one("#editor-warning").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "kept words" in path.read_text()


async def test_a_burst_of_500_files_reloads_each_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "many"
    root.mkdir()
    for i in range(500):
        (root / f"n{i:03d}.md").write_text(f"# File {i}\n\n## Q {i}\n\nA {i}\n")
    app = NotesApp(root, watch=True)
    loads: list[str] = []
    from notesui.core import document

    real_load = document.Document.load.__func__  # type: ignore[attr-defined]

    def counting_load(cls, path, rel=None):  # type: ignore[no-untyped-def]
        loads.append(str(rel))
        return real_load(cls, path, rel)

    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(document.Document, "load", classmethod(counting_load))
        for i in range(500):
            (root / f"n{i:03d}.md").write_text(f"# File {i}\n\n## Q {i} changed\n\nA {i}\n")
        started = time.monotonic()
        lag = 0.0
        while time.monotonic() - started < 20:
            before = time.monotonic()
            await pilot.pause(0.05)
            lag = max(lag, time.monotonic() - before - 0.05)
            docs = app.session.documents  # type: ignore[union-attr]
            if all(docs[f"n{i:03d}.md"].headings[1].title.endswith("changed") for i in range(500)):
                break
        else:
            raise AssertionError("not every file was reloaded")
        assert len(loads) == len(set(loads)) == 500  # each file re-read exactly once
        assert lag < 1.0  # the UI kept answering while 500 files were reloaded


async def test_polling_fallback_is_announced_once(sample_notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from watchdog.observers import Observer

    def no_inotify(self) -> None:  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(Observer, "start", no_inotify)
    app = NotesApp(sample_notes, watch=True)
    told = Told()
    async with app.run_test(size=(110, 30), notifications=True, message_hook=told) as pilot:
        await settle(pilot)
        assert app.watcher is not None and app.watcher.polling
        notices = [n.message for n in told.notifications if "polling" in n.message]
        assert notices == ["Watching for outside changes by polling (inotify watch limit reached)."]
        (sample_notes / "basics.md").write_text("# Polled\n\n## Seen by polling\n\nyes\n")
        await wait_until(
            pilot, lambda: any(label.startswith("basics.md") and "0/1" in label for label in labels(app)), timeout=8
        )


async def test_deleting_the_file_being_read_leaves_no_stale_page(tmp_path: Path) -> None:
    root = tmp_path / "two"
    root.mkdir()
    (root / "a.md").write_text("# A\n\n## First\n\nalpha text\n")
    (root / "b.md").write_text("# B\n\n## Second\n\nbeta text\n")
    app = NotesApp(root, watch=True)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "l", "j", "l", "j")  # b.md › B › Second
        await settle(pilot)
        assert "beta text" in shown(app)
        (root / "b.md").unlink()
        await wait_until(pilot, lambda: not any(label.startswith("b.md") for label in labels(app)))
        await settle(pilot)
        assert "beta text" not in shown(app)  # the reader shows what the cursor is on
        node = app.screen.query_one(OutlineTree).cursor_node
        assert node is not None and node.data is not None and node.data.rel == "a.md"


async def test_a_question_inserted_above_the_selection_never_takes_the_cursor(sample_notes: Path) -> None:
    from pilot import crumbs, goto, settle

    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md", "什么是微调？")
        data = path.read_bytes()
        at = data.index("## 什么是微调？".encode())
        path.write_bytes(data[:at] + b"## Inserted above from outside\n\nx\n\n" + data[at:])
        changed_outside(app, "basics.md")  # as the watcher does
        await settle(pilot)
        assert crumbs(app) == "basics.md › Basics › 什么是微调？"
        await pilot.press("m")
        await settle(pilot)
        assert "## 什么是微调？ <!-- mastered" in path.read_text() and "above from outside <!--" not in path.read_text()
