"""One owner for the open notes: the index is kept in order, screens never reach into the
App, and a question is followed by reference in the tree, the review and search."""

from __future__ import annotations

import ast
import asyncio
import threading
import time
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from notesui.app import NotesApp
from notesui.core.search import SearchIndex
from notesui.ui.screens.review import ReviewScreen
from notesui.ui.screens.search import SearchScreen

from pilot import changed_outside, crumbs, goto, settle

UI = Path(__file__).resolve().parents[2] / "notesui" / "ui"


def test_no_ui_module_imports_the_app() -> None:
    """Not even for type checking: screens get what they need as arguments."""
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(name == "notesui.app" or name.startswith("notesui.app.") for name in names):
                offenders.append(f"{path.relative_to(UI.parent)}:{node.lineno}")
    assert len(list(UI.rglob("*.py"))) > 10
    assert offenders == []


def test_the_app_module_only_wires() -> None:
    app = UI.parent / "app.py"
    assert len(app.read_text(encoding="utf-8").splitlines()) <= 250
    assert "getattr(screen" not in app.read_text(encoding="utf-8")


def _block_the_build(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    started, release = threading.Event(), threading.Event()
    real = SearchIndex.build.__func__  # type: ignore[attr-defined]

    def build(cls, documents):  # type: ignore[no-untyped-def]
        started.set()
        release.wait(10)
        return real(cls, documents)

    monkeypatch.setattr(SearchIndex, "build", classmethod(build))
    return started, release


async def _search(pilot, query: str):  # type: ignore[no-untyped-def]
    await pilot.press("slash")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    screen.query_one(Input).value = query
    for _ in range(50):
        await settle(pilot)
        if screen.hits and not screen.searching:
            break
        await asyncio.sleep(0.05)
    return screen


async def test_a_question_marked_while_the_index_builds_is_mastered_in_search(
    sample_notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = _block_the_build(monkeypatch)
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await asyncio.to_thread(started.wait, 10)
        await goto(pilot, "topics/attention.md", "What is MQA?")
        await pilot.press("m")  # while the index is being built
        await pilot.pause()
        release.set()
        await asyncio.to_thread(app.session.indexer.wait, 10)
        screen = await _search(pilot, "What is MQA")
        assert screen.hits[0].title == "What is MQA?" and screen.hits[0].mastered


async def test_a_file_deleted_while_the_index_builds_is_no_crash(
    sample_notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = _block_the_build(monkeypatch)
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await asyncio.to_thread(started.wait, 10)
        (sample_notes / "topics" / "attention.md").unlink()
        changed_outside(app, "topics/attention.md")  # as the watcher does, mid-build
        release.set()
        await settle(pilot)
        assert app.is_running and app.session.indexer.failure is None
        screen = await _search(pilot, "LoRA")
        assert all(hit.file != "topics/attention.md" for hit in app.session.index.search("MQA", 20))  # type: ignore[union-attr]
        assert screen.hits


async def test_index_updates_land_in_the_order_of_the_writes(
    sample_notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """m then m again at once: the first update is slow, the search must still say what the
    file says (not mastered)."""
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "topics/attention.md", "What is MQA?")
        real = SearchIndex.update_file
        slowed: list[str] = []

        def slow_first(self, rel, doc):  # type: ignore[no-untyped-def]
            if not slowed:
                slowed.append(rel)
                time.sleep(0.4)
            return real(self, rel, doc)

        monkeypatch.setattr(SearchIndex, "update_file", slow_first)
        await pilot.press("m")
        await asyncio.sleep(0.1)  # the first update is under way
        await pilot.press("m")
        await settle(pilot)
        assert "<!-- mastered" not in (sample_notes / "topics" / "attention.md").read_text()
        screen = await _search(pilot, "What is MQA")
        assert slowed and screen.hits[0].title == "What is MQA?" and not screen.hits[0].mastered


async def test_the_selection_follows_a_question_renamed_or_moved_outside(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    attention = sample_notes / "topics" / "attention.md"
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "topics/attention.md", "What is MQA?")
        attention.write_text(attention.read_text().replace("What is MQA?", "What is MQA (multi-query)?"))
        changed_outside(app, "topics/attention.md")
        await settle(pilot)
        assert crumbs(app) == "topics/attention.md › Attention › What is MQA (multi-query)?"
        text = attention.read_text()
        at = text.index("## What is MQA")
        attention.write_text(text[:at])
        (sample_notes / "topics" / "more.md").write_text("# Moved\n\n" + text[at:])
        changed_outside(app, "topics/attention.md", "topics/more.md")
        await settle(pilot)
        assert crumbs(app) == "topics/more.md › Moved › What is MQA (multi-query)?"


async def test_the_review_follows_its_question_through_an_insert_and_a_rename(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    basics = sample_notes / "basics.md"
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md")
        await pilot.press("r")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        await pilot.press("n")
        await settle(pilot)

        def question() -> str:
            return str(review.query_one("#review-question", Static).render())

        assert question() == "什么是微调？"
        text = basics.read_text()
        text = text.replace("## 什么是微调？", "## Inserted above\n\nx\n\n## 什么是微调 (fine-tuning)？")
        basics.write_text(text)
        changed_outside(app, "basics.md")
        await settle(pilot)
        assert question() == "什么是微调 (fine-tuning)？"
        await pilot.press("m")
        await settle(pilot)
        assert "## 什么是微调 (fine-tuning)？ <!-- mastered" in basics.read_text()
        assert "Inserted above <!--" not in basics.read_text()


async def test_a_search_hit_chosen_after_an_insert_above_lands_on_its_question(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    basics = sample_notes / "basics.md"
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        screen = await _search(pilot, "Unanswered question")
        assert screen.hits[0].title == "Unanswered question"
        text = basics.read_text()
        basics.write_text(text.replace("## What is LoRA?", "## New one\n\nx\n\n## Another\n\ny\n\n## What is LoRA?"))
        changed_outside(app, "basics.md")  # the results on screen are from before
        await pilot.press("enter")
        await settle(pilot)
        assert crumbs(app) == "basics.md › Basics › Unanswered question"


async def test_enter_on_delete_and_mark_all_dialogs_is_the_harmless_answer(sample_notes: Path) -> None:
    basics = sample_notes / "basics.md"
    before = basics.read_bytes()
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md", "What is LoRA?")
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await goto(pilot, "basics.md", "Basics")
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert basics.read_bytes() == before


async def test_a_file_deleted_under_the_cursor_leaves_it_on_the_next_file(sample_notes: Path) -> None:
    (sample_notes / "zeta.md").write_text("# Zeta\n\n## Last question\n\nz\n", encoding="utf-8")
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md", "What is LoRA?")
        (sample_notes / "basics.md").unlink()
        changed_outside(app, "basics.md")
        await settle(pilot)
        assert crumbs(app).startswith("topics/attention.md")
        await goto(pilot, "zeta.md", "Last question")
        (sample_notes / "zeta.md").unlink()
        changed_outside(app, "zeta.md")  # the last file: the one before it
        await settle(pilot)
        assert crumbs(app).startswith("topics/attention.md")
