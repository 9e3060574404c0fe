"""The reader in Textual's pilot: navigate, read, help, placeholders, hostile text."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Markdown, Static, TextArea

from notesui.app import NotesApp
from notesui.ui.screens.help import HelpScreen
from notesui.ui.widgets.outline import Entry, OutlineTree
from notesui.ui.widgets.viewer import Viewer

from pilot import crumbs, settle, shown


async def test_tree_navigation_shows_sections(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(OutlineTree)
        assert tree.has_focus
        labels = [str(node.label) for node in tree.root.children]
        assert labels[0].startswith("topics") and labels[1].startswith("basics.md")
        assert labels[1].endswith("0/4")
        await pilot.press("j")  # basics.md
        await settle(pilot)
        assert crumbs(app) == "basics.md"
        assert "Preamble of basics." in shown(app)
        await pilot.press("l", "j", "l", "j")  # expand file, Basics, expand, first question
        await settle(pilot)
        assert crumbs(app) == "basics.md › Basics › What is LoRA?"
        assert "Low-rank adaptation" in shown(app)
        assert "not mastered" in str(app.screen.query_one("#status", Static).render())
        await pilot.press("down")
        await settle(pilot)
        assert "在预训练模型上继续训练" in shown(app)
        await pilot.press("h")  # back to the parent section
        await settle(pilot)
        assert crumbs(app) == "basics.md › Basics"
        assert "What is LoRA?" in shown(app) and "Escape test" in shown(app)  # the whole section


async def test_empty_answer_shows_placeholder(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(OutlineTree)
        doc = app.session.documents["basics.md"]  # type: ignore[union-attr]
        target = next(h for h in doc.headings if h.title == "Unanswered question")
        assert tree.select_entry(Entry("heading", "basics.md", target.index))
        await settle(pilot)
        assert "No answer yet — press **e** to write one." in shown(app)


async def test_escape_sequences_never_reach_the_terminal(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        doc = app.session.documents["basics.md"]  # type: ignore[union-attr]
        target = next(h for h in doc.headings if h.title == "Escape test")
        app.screen.query_one(OutlineTree).select_entry(Entry("heading", "basics.md", target.index))
        await settle(pilot)
        assert "Danger" in shown(app)
        assert "\x1b" not in shown(app) and "\x07" not in shown(app)
        screen_text = app.export_screenshot()
        assert "pwned" in screen_text  # the text is shown...
        assert "\x1b]0;" not in screen_text and "\x1b[2J" not in screen_text  # ...but inert


async def test_help_opens_and_closes(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.query_one("#help-keys", Markdown).source
        for key in ("`/`", "`e`", "`m`", "`H`", "`r`", "`u`", "`t`", "`q`", "`ctrl+p`"):
            assert key in help_text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_deeply_nested_section_is_shown_raw_with_notice(tmp_path: Path) -> None:
    root = tmp_path / "deep"
    root.mkdir()
    deep = "".join("  " * i + "- level\n" for i in range(15))
    (root / "deep.md").write_text("# Deep\n\n" + deep + "\nTHE END\n")
    app = NotesApp(root)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l", "j")
        await settle(pilot)
        viewer = app.screen.query_one(Viewer)
        assert viewer.has_class("raw")
        assert "THE END" in viewer.query_one("#raw", TextArea).text
        assert "nests deeper" in str(viewer.query_one("#notice", Static).render())


async def test_unreadable_file_is_listed_read_only(tmp_path: Path) -> None:
    root = tmp_path / "bad"
    root.mkdir()
    (root / "good.md").write_text("# Good\n\ntext\n")
    (root / "latin1.md").write_bytes("# Caf\xe9\n\ntext\n".encode("latin-1"))
    app = NotesApp(root)
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        await settle(pilot)
        labels = [str(n.label) for n in app.screen.query_one(OutlineTree).root.children]
        assert any(label.startswith("⚠ latin1.md") for label in labels)
        await pilot.press("j")
        await settle(pilot)
        notice = str(app.screen.query_one("#notice", Static).render())
        assert "Read-only" in notice and "not valid UTF-8" in notice


async def test_quit_key(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_control_characters_in_file_names_never_reach_the_terminal(tmp_path: Path) -> None:
    root = tmp_path / "names"
    root.mkdir()
    (root / "evil\x1b[2J\x1b]0;pwned\x07.md").write_text("# Q\n\nanswer\n")
    app = NotesApp(root)
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("l", "j")
        await settle(pilot)
        assert "answer" in shown(app)
        await pilot.press("d")  # a dialog quoting the file name
        await settle(pilot)
        screen_text = app.export_screenshot()
        assert "pwned" in screen_text and "\x1b" not in screen_text and "\x07" not in screen_text


async def test_names_are_never_markup_nor_terminal_codes(tmp_path: Path) -> None:
    import os

    from notesui.ui.screens.stats import StatsScreen

    root = tmp_path / "pwn\x1b]0;pwned\x07"
    (root / "x[").mkdir(parents=True)
    (root / "x[" / "]y.md").write_text("# Q one\n\nanswer\n")
    (root / "[red]red.md").write_text("# Q two\n\nanswer\n")
    (root / os.fsdecode(b"caf\xe9.md")).write_text("# Q three\n\nanswer\n")
    app = NotesApp(root)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        header = app.screen.query_one("Header")
        rendered = str(header.format_title())
        assert "\x1b" not in rendered and "\x07" not in rendered
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        text = app.export_screenshot().replace("&#160;", " ")
        assert "[red]red.md" in text and "x[/]y.md" in text and "caf\\xe9.md" in text
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Q one")
        await pilot.pause(0.5)
        await settle(pilot)
        shot = app.export_screenshot().replace("&#160;", " ")
        assert "Q one" in shot and "x[ › ]y.md" not in shot and "Jump to question · x[/]y.md" in shot
        assert "\x1b" not in shot and "\x07" not in shot
    assert app.return_code in (None, 0)


async def test_special_files_are_listed_and_never_block_the_app(tmp_path: Path) -> None:
    import os

    root = tmp_path / "special"
    root.mkdir()
    (root / "good.md").write_text("# Good\n\ntext\n")
    os.mkfifo(root / "pipe.md")
    (root / "zero.md").symlink_to("/dev/zero")
    app = NotesApp(root)
    async with app.run_test(size=(110, 30), notifications=True) as pilot:
        await settle(pilot)
        labels = [str(n.label) for n in app.screen.query_one(OutlineTree).root.children]
        assert any(label.startswith("good.md") for label in labels)
        assert any(label.startswith("⚠ pipe.md") for label in labels)
        assert any(label.startswith("⚠ zero.md") for label in labels)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_reading_keys_page_the_answer_and_jump_between_questions_from_the_tree(tmp_path: Path) -> None:
    from notesui.ui.widgets.outline import OutlineTree
    from notesui.ui.widgets.viewer import PageView

    long = "\n\n".join(f"段落 {n}：这一段是为了让答案足够长。" for n in range(80))
    (tmp_path / "a.md").write_text(
        f"# Notes\n\n## First question\n\n{long}\n\n## Mastered one <!-- mastered 2026-01-01 -->\n\nyes\n\n"
        "## No answer yet\n\n## Last question\n\nlast\n",
        encoding="utf-8",
    )
    app = NotesApp(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l", "l", "l")  # into the file, its heading, its first question
        await settle(pilot)
        tree = app.screen.query_one(OutlineTree)
        assert crumbs(app).endswith("First question") and tree.has_focus
        view = app.screen.query_one("#viewer #body", PageView)
        await pilot.press("space")  # a page of the answer down, the tree keeps the focus
        await pilot.pause()
        assert view.scroll_y > 10 and tree.has_focus and crumbs(app).endswith("First question")
        await pilot.press("b")
        await pilot.pause()
        assert view.scroll_y == 0
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert 0 < view.scroll_y < 20
        await pilot.press("right_square_bracket")  # next question not mastered: skips the mastered one
        await settle(pilot)
        assert crumbs(app).endswith("No answer yet")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert crumbs(app).endswith("Last question")
        await pilot.press("left_curly_bracket")  # previous with no answer
        await settle(pilot)
        assert crumbs(app).endswith("No answer yet")
        await pilot.press("g")
        await settle(pilot)
        assert tree.cursor_line == 0
        await pilot.press("G")
        await settle(pilot)
        assert tree.cursor_line == tree.last_line


async def test_the_footer_lists_the_reading_keys_and_keeps_help_at_80_columns() -> None:
    from textual.widgets._footer import FooterKey

    from notesui.ui.keys import help_markdown

    app = NotesApp(Path("notes"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = {key.key: key for key in app.screen.query(FooterKey)}
        reading = ["space", "b", "right_square_bracket", "left_square_bracket"]
        assert {*reading, "right_curly_bracket", "left_curly_bracket", "question_mark"} <= set(keys)
        for key in [*reading, "question_mark"]:  # on screen, not scrolled out of the footer
            assert keys[key].region.right <= 80, key
    assert "| `space / b` |" in help_markdown() and "| `] / [` |" in help_markdown()
