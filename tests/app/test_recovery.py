"""Nothing from state, config, themes or notifications ends the app; unsaved text survives."""

from __future__ import annotations

import os
from pathlib import Path

from textual.widgets import TextArea

from notesui import locations
from notesui.app import NotesApp
from notesui.core.refs import HeadingRef
from notesui.state import load_state, state_path
from notesui.ui.screens.dialogs import ChoiceScreen
from notesui.ui.screens.editor import EditorScreen

from pilot import edit, goto, settle

BAD_NAME = os.fsdecode(b"caf\xe9.md")  # not valid UTF-8


def _notes(tmp_path: Path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    (root / BAD_NAME).write_text("# Q\n\nanswer\n")
    return root


async def test_a_name_that_is_not_utf8_never_breaks_the_state_file(tmp_path: Path) -> None:
    root = _notes(tmp_path)
    app = NotesApp(root)
    async with app.run_test(size=(100, 30)) as pilot:
        (await edit(pilot, BAD_NAME, "Q")).insert("draft ")
        app.theme = "notesui-paper"  # as chosen in the palette: the state is saved now
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and "draft" in app.screen.text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")  # discard
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert [p.name for p in state_path().parent.iterdir() if p.name.endswith(".tmp")] == []
    place = load_state().place(root)
    assert isinstance(place.cursor, HeadingRef) and place.cursor.rel == BAD_NAME
    assert load_state().theme == "notesui-paper"


async def test_an_unwritable_state_folder_is_no_crash(tmp_path: Path) -> None:
    root = _notes(tmp_path)
    state_path().parent.parent.mkdir(parents=True, exist_ok=True)
    state_path().parent.write_text("a file where the state folder should be")
    app = NotesApp(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.theme = "notesui-paper"
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


def _recovery_files() -> list[Path]:
    folder = locations.data_dir() / "recovery"
    return sorted(folder.glob("*.md")) if folder.is_dir() else []


async def test_unsaved_text_is_kept_when_the_app_ends_and_offered_next_time(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    original = path.read_bytes()
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        (await edit(pilot, "basics.md", "What is LoRA?")).replace("MY UNSAVED ANSWER", (2, 0), (3, 0))
        app.exit()  # the app ends with the edit unsaved (a crash, a closed terminal)
        await pilot.pause()
    kept = _recovery_files()
    assert len(kept) == 1 and "MY UNSAVED ANSWER" in kept[0].read_text("utf-8")
    assert path.read_bytes() == original

    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert "What is LoRA?" in app.screen.message and str(kept[0]) in app.screen.message
        await pilot.press("r")  # restore: the editor opens on that section with the text
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, EditorScreen) and "MY UNSAVED ANSWER" in editor.text and editor.dirty
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert b"MY UNSAVED ANSWER" in path.read_bytes()
    assert _recovery_files() == []  # saved: the recovery file is gone


async def test_a_crash_keeps_the_unsaved_text(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    try:
        async with app.run_test(size=(110, 30)) as pilot:
            (await edit(pilot, "basics.md", "What is LoRA?")).replace("TEXT BEFORE A CRASH", (2, 0), (3, 0))
            app.call_later(lambda: 1 / 0)
            await pilot.pause()
            await pilot.pause()
    except ZeroDivisionError:
        pass
    kept = _recovery_files()
    assert len(kept) == 1 and "TEXT BEFORE A CRASH" in kept[0].read_text("utf-8")


async def test_kept_text_holds_control_characters_as_they_are(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        area = await edit(pilot, "basics.md", "Escape test")
        assert "\u241b" in area.text  # the editor shows ESC as ␛
        area.insert("more ")
        app.exit()
        await pilot.pause()
    kept = _recovery_files()
    assert len(kept) == 1 and "\x1b[2J" in kept[0].read_text("utf-8")  # the note's own bytes


async def _leave_a_draft(root: Path, rel: str, title: str, text: str, *, index: int = 0) -> None:
    app = NotesApp(root)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, rel, title)
        if index:  # the index-th heading with that title
            doc = app.session.documents[rel]  # type: ignore[union-attr]
            heading = [h for h in doc.headings if h.title == title][index]
            from notesui.ui.widgets.outline import Entry, OutlineTree

            app.screen.query_one(OutlineTree).select_entry(Entry("heading", rel, heading.index))
            await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one(TextArea).replace(text, (2, 0), (3, 0))
        app.exit()
        await pilot.pause()


async def test_a_restored_draft_never_overwrites_what_changed_since(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    await _leave_a_draft(sample_notes, "basics.md", "What is LoRA?", "DRAFT ANSWER")
    changed = path.read_bytes().replace(b"Low-rank adaptation", b"Edited in another editor")
    path.write_bytes(changed)
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and "DRAFT ANSWER" in app.screen.text
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen) and "changed on disk" in app.screen.title_text
        assert path.read_bytes() == changed


async def test_a_draft_of_a_duplicate_title_returns_to_its_own_heading(tmp_path: Path) -> None:
    root = tmp_path / "dups"
    root.mkdir()
    path = root / "d.md"
    path.write_text("# A\n\n## Q\nfirst\n\n## Q\nsecond\n")
    await _leave_a_draft(root, "d.md", "Q", "SECOND DRAFT", index=1)
    app = NotesApp(root)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert path.read_text() == "# A\n\n## Q\nfirst\n\n## Q\nsecond\nSECOND DRAFT"  # the second Q's draft
