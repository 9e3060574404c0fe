"""Writing from the app (pilot): marks, the editor, conflicts, add, delete, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, TextArea

from notesui.app import NotesApp
from notesui.core.store import CONFLICTS
from notesui.ui.screens.dialogs import ChoiceScreen, PromptScreen
from notesui.ui.screens.editor import EditorScreen
from notesui.ui.widgets.outline import OutlineTree

from pilot import Told, crumbs, edit, goto, settle, shown


async def save_against_an_outside_change(pilot, path: Path, mine: str) -> bytes:  # type: ignore[no-untyped-def]
    """Edit LoRA's answer while another program changes the same answer on disk, then save;
    returns the bytes the other program wrote."""
    await edit(pilot, "basics.md", "What is LoRA?")
    theirs = path.read_bytes().replace(b"Low-rank adaptation", b"THEIR answer")
    path.write_bytes(theirs)
    pilot.app.screen.query_one(TextArea).replace(mine, (2, 0), (3, 0))
    await pilot.press("ctrl+s")
    await settle(pilot)
    return theirs


def cursor_label(app: NotesApp) -> str:
    node = app.screen.query_one(OutlineTree).cursor_node
    return str(node.label) if node is not None else ""


async def test_m_marks_and_unmarks_byte_for_byte(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    original = path.read_bytes()
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md", "What is LoRA?")
        await pilot.press("m")
        await settle(pilot)
        data = path.read_bytes()
        assert b"## What is LoRA? <!-- mastered " in data
        assert data.replace(data[data.index(b" <!-- mastered") : data.index(b"-->") + 3], b"") == original
        assert cursor_label(app).startswith("✓ What is LoRA?")  # the tree shows it at once
        assert "1/5 mastered" in str(app.screen.sub_title)  # 4 in basics.md, 1 in topics/
        assert "✓ mastered" in str(app.screen.query_one("#status").render())
        await pilot.press("m")
        await settle(pilot)
        assert path.read_bytes() == original
        assert cursor_label(app).startswith("• What is LoRA?")


async def test_editor_saves_in_place_and_keeps_crlf(tmp_path: Path) -> None:
    root = tmp_path / "n"
    root.mkdir()
    path = root / "crlf.md"
    path.write_bytes(b"\xef\xbb\xbf# One\r\n\r\nold answer\r\n\r\n# Two\r\n\r\nkeep\r\n")
    app = NotesApp(root)
    async with app.run_test(size=(110, 30)) as pilot:
        await edit(pilot, "crlf.md", "One")
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        area = editor.query_one(TextArea)
        assert area.text == "# One\n\nold answer\n\n"
        area.replace("new answer", (2, 0), (2, 10))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert path.read_bytes() == b"\xef\xbb\xbf# One\r\n\r\nnew answer\r\n\r\n# Two\r\n\r\nkeep\r\n"
        assert not editor.dirty
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, EditorScreen)
        assert "new answer" in shown(app)


async def test_opening_and_leaving_the_editor_writes_nothing(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    before = path.stat()
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await edit(pilot, "basics.md", "What is LoRA?")
        await pilot.press("ctrl+s", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, EditorScreen)
    after = path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


async def test_escape_with_unsaved_changes_asks(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    original = path.read_bytes()
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        (await edit(pilot, "basics.md", "What is LoRA?")).insert("draft ")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("escape")  # keep editing
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and app.screen.dirty
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#choice-1")  # discard
        await settle(pilot)
        assert not isinstance(app.screen, (EditorScreen, ChoiceScreen))
    assert path.read_bytes() == original


async def test_outside_change_elsewhere_is_merged(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await edit(pilot, "basics.md", "What is LoRA?")
        path.write_bytes(path.read_bytes().replace(b"Preamble of basics.", b"Preamble changed outside."))
        area = app.screen.query_one(TextArea)
        area.replace("Two small matrices, trained.", (2, 0), (3, 0))
        await pilot.press("ctrl+s")
        await settle(pilot)
        data = path.read_bytes().decode()
        assert "Preamble changed outside." in data and "Two small matrices, trained." in data
        assert "Low-rank adaptation" not in data


def conflict_copies(root: Path) -> list[Path]:
    return sorted((root / CONFLICTS).glob("basics.conflict-*.md"))


async def test_conflict_dialog_keep_disk_writes_a_conflict_copy(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        theirs = await save_against_an_outside_change(pilot, path, "MY answer")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("k")  # keep disk + conflict copy
        await settle(pilot)
        assert path.read_bytes() == theirs
        copies = conflict_copies(sample_notes)
        assert len(copies) == 1 and "MY answer" in copies[0].read_text()
        assert not list(sample_notes.glob("*.conflict-*"))  # never beside the notes
        assert all("conflict" not in rel for rel in app.session.documents)  # type: ignore[union-attr]


async def test_conflict_dialog_overwrite_keeps_the_disk_version_as_a_copy(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        theirs = await save_against_an_outside_change(pilot, path, "MY answer\n")
        await pilot.press("o")  # overwrite
        await settle(pilot)
        assert "MY answer" in path.read_text() and "THEIR answer" not in path.read_text()
        copies = conflict_copies(sample_notes)
        assert len(copies) == 1 and copies[0].read_bytes() == theirs


async def test_overwrite_keeps_what_changed_while_the_dialog_was_open(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await save_against_an_outside_change(pilot, path, "MY answer\n")
        assert isinstance(app.screen, ChoiceScreen)
        later = path.read_bytes().replace("在预训练模型上继续训练。".encode(), b"Q3 CHANGED while the dialog was open")
        path.write_bytes(later)
        await pilot.press("o")
        await settle(pilot)
        copies = conflict_copies(sample_notes)
        assert len(copies) == 1 and copies[0].read_bytes() == later


async def test_conflict_dialog_defaults_to_back_to_editing(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        theirs = await save_against_an_outside_change(pilot, path, "MY answer\n")
        dialog = app.screen
        assert isinstance(dialog, ChoiceScreen)
        labels = [str(button.label) for button in dialog.query(Button)]
        assert labels == ["Overwrite (o)", "Keep disk + copy (k)", "Back to editing (b)"]
        assert dialog.focused is not None and str(dialog.focused.label) == "Back to editing (b)"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and app.screen.dirty
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert path.read_bytes() == theirs and conflict_copies(sample_notes) == []


async def test_failed_save_keeps_the_text_in_the_editor(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    original = path.read_bytes()
    app = NotesApp(sample_notes)
    told = Told()
    async with app.run_test(size=(110, 30), notifications=True, message_hook=told) as pilot:
        await edit(pilot, "basics.md", "What is LoRA?")
        path.chmod(0o444)
        app.screen.query_one(TextArea).insert("precious words ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and app.screen.dirty
        assert "precious words" in app.screen.query_one(TextArea).text
        assert any("read-only" in n.message for n in told.notifications)
        path.chmod(0o644)
    assert path.read_bytes() == original


async def test_add_question_then_delete_then_undo(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    original = path.read_bytes()
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md", "What is LoRA?")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"What is QLoRA?", "enter")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)  # straight into writing its answer
        await pilot.press("escape")
        await settle(pilot)
        text = path.read_text()
        assert text.index("## What is LoRA?") < text.index("## What is QLoRA?") < text.index("## 什么是微调？")
        assert crumbs(app) == "basics.md › Basics › What is QLoRA?"
        await pilot.press("d")
        await settle(pilot)
        await pilot.click("#choice-0")
        await settle(pilot)
        assert path.read_bytes() == original
        await pilot.press("u")  # undo the deletion
        await settle(pilot)
        assert "## What is QLoRA?" in path.read_text()
        await pilot.press("u")  # and the addition
        await settle(pilot)
        assert path.read_bytes() == original


async def test_undo_refuses_when_the_file_changed_since(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes)
    told = Told()
    async with app.run_test(size=(110, 30), notifications=True, message_hook=told) as pilot:
        await goto(pilot, "basics.md", "What is LoRA?")
        await pilot.press("m")
        await settle(pilot)
        changed = path.read_bytes() + b"\noutside\n"
        path.write_bytes(changed)
        await pilot.press("u")
        await settle(pilot)
        assert path.read_bytes() == changed
        assert any("changed since" in n.message for n in told.notifications)


async def test_read_only_file_is_never_written(tmp_path: Path) -> None:
    root = tmp_path / "bad"
    root.mkdir()
    data = "# Caf\xe9\n\ntext\n".encode("latin-1")
    (root / "latin1.md").write_bytes(data)
    app = NotesApp(root)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "l", "j")
        await settle(pilot)
        await pilot.press("m", "e", "d", "a")
        await settle(pilot)
        assert not isinstance(app.screen, (EditorScreen, ChoiceScreen, PromptScreen))
    assert (root / "latin1.md").read_bytes() == data


async def test_typing_in_the_editor_never_triggers_app_keys(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await edit(pilot, "basics.md", "What is LoRA?")
        editor = app.screen
        await pilot.press(*"qut?/mHrsdaT", "question_mark")
        await settle(pilot)
        assert app.screen is editor and app.is_running
        assert "qut?/mHrsdaT?" in editor.query_one(TextArea).text


async def test_notifications_show_titles_literally(tmp_path: Path) -> None:
    root = tmp_path / "brackets"
    root.mkdir()
    (root / "x.md").write_text("# Tokens\n\n## BERT [MASK] and [b]bold[/b]?\n\nA mask token.\n")
    app = NotesApp(root)
    told = Told()
    async with app.run_test(size=(120, 30), notifications=True, message_hook=told) as pilot:
        await goto(pilot, "x.md", "BERT [MASK] and [b]bold[/b]?")
        await pilot.press("m")
        await settle(pilot)
        notes = [n for n in told.notifications if "MASK" in n.message]
        assert notes and not notes[-1].markup
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any("BERT [MASK] and [b]bold[/b]?" in text for text in toasts), toasts


async def test_the_editor_never_sends_control_characters_to_the_terminal(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    original = path.read_bytes()
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await edit(pilot, "basics.md", "Escape test")
        assert "\x1b" not in app.export_screenshot()
        area = app.screen.query_one(TextArea)
        assert "\u241b[2J" in area.text  # shown as ␛[2J
        area.insert("edited ")
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = path.read_bytes()
    assert b"\x1b[2J\x1b]0;pwned\x07" in saved  # the control characters are back, untouched
    assert saved.replace(b"edited ", b"", 1) == original


async def test_disk_full_keeps_the_edit_and_says_why(sample_notes: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import errno
    import os

    path = sample_notes / "basics.md"
    original = path.read_bytes()
    app = NotesApp(sample_notes)
    told = Told()
    async with app.run_test(size=(110, 30), notifications=True, message_hook=told) as pilot:
        (await edit(pilot, "basics.md", "What is LoRA?")).insert("words worth keeping ")

        def full(fd, data):  # type: ignore[no-untyped-def]
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(os, "write", full)
        await pilot.press("ctrl+s")
        await settle(pilot)
        monkeypatch.undo()
        assert isinstance(app.screen, EditorScreen) and app.screen.dirty
        assert "words worth keeping" in app.screen.query_one(TextArea).text
        assert any("the disk is full" in n.message for n in told.notifications)
        assert not [p for p in sample_notes.iterdir() if p.name.startswith(".basics.md.notesui-")]
        await pilot.press("ctrl+s")  # space again: the same edit saves
        await settle(pilot)
        assert not app.screen.dirty
    assert path.read_bytes() != original and b"words worth keeping" in path.read_bytes()


async def test_a_key_right_after_the_tree_is_rebuilt_acts_on_the_users_place(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md", "What is LoRA?")
        tree = app.screen.query_one(OutlineTree)
        tree.refresh_notebook()  # an outside change was just shown: two in a row
        tree.refresh_notebook()
        app.screen.action_toggle_mastered()  # type: ignore[attr-defined]  # `m` before a repaint
        await settle(pilot)
        assert not isinstance(app.screen, ChoiceScreen)  # not "mark all under basics.md?"
        assert b"## What is LoRA? <!-- mastered" in path.read_bytes()
        assert cursor_label(app).startswith("✓ What is LoRA?")


async def test_a_failed_write_to_a_file_that_turned_unreadable_keeps_it_listed(
    sample_notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md", "What is LoRA?")
        real = os.open
        names = {str(path), str(path.resolve())}

        def denied(name, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
            if os.fspath(name) in names:
                raise PermissionError(13, "Permission denied", str(name))
            return real(name, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", denied)  # another user made it unreadable
        await pilot.press("m")
        await settle(pilot)
        monkeypatch.undo()
        assert "basics.md" in app.session.documents  # type: ignore[union-attr]
        assert app.session.documents["basics.md"].readonly  # type: ignore[union-attr]
