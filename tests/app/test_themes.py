"""Themes as data: the loader, user themes, broken files, switching and persistence."""

from __future__ import annotations

from pathlib import Path

from notesui import locations
from notesui.app import NotesApp
from notesui.config import Config
from notesui.state import load_state
from notesui.ui.themes import load_themes, theme_from_file

from pilot import Told, settle

GOOD = """name = "my-sepia"
primary = "#704214"
background = "#F4ECD8"
foreground = "#3B2F2F"
dark = false
[variables]
"footer-key-foreground" = "#704214"
"""


def test_bundled_themes_load_with_every_field() -> None:
    loaded = load_themes([locations.bundled_themes()])
    assert loaded.failures == []
    names = {theme.name for theme in loaded.themes}
    assert names == {"notesui-paper", "notesui-ink", "notesui-contrast"}
    for theme in loaded.themes:
        for field in (
            "primary",
            "secondary",
            "accent",
            "foreground",
            "background",
            "surface",
            "panel",
            "warning",
            "error",
            "success",
        ):
            assert getattr(theme, field), (theme.name, field)
    paper = next(t for t in loaded.themes if t.name == "notesui-paper")
    assert paper.dark is False and paper.variables["footer-key-foreground"] == "#3A6EA5"


def test_broken_files_are_reported_one_each_and_the_rest_load(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(GOOD)
    (tmp_path / "syntax.toml").write_text('name = "x\nprimary=')
    (tmp_path / "colour.toml").write_text('name = "c"\nprimary = "not-a-colour"\n')
    (tmp_path / "noname.toml").write_text('primary = "#000000"\n')
    (tmp_path / "extra.toml").write_text('name = "e"\nprimary = "#000000"\nsparkle = true\n')
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "variable.toml").write_text(  # would stop the app when applied
        'name = "v"\nprimary = "#000000"\n[variables]\n"block-cursor-background" = "$nonexistent"\n'
    )
    loaded = load_themes([tmp_path])
    assert [t.name for t in loaded.themes] == ["my-sepia"]
    assert len(loaded.failures) == 6
    joined = "\n".join(loaded.failures)
    for needle in (
        "syntax.toml: is not valid TOML",
        "colour.toml: primary is not a colour",
        "noname.toml: needs a name",
        "extra.toml: unknown field sparkle",
        "binary.toml",
        "variable.toml: variable block-cursor-background is not a valid background",
    ):
        assert needle in joined


def test_a_user_theme_loads_and_may_replace_a_bundled_one(isolated_dirs: Path) -> None:
    user = locations.config_dir() / "themes"
    user.mkdir(parents=True)
    (user / "sepia.toml").write_text(GOOD)
    (user / "paper.toml").write_text('name = "notesui-paper"\nprimary = "#112233"\ndark = false\n')
    loaded = load_themes()
    names = [t.name for t in loaded.themes]
    assert "my-sepia" in names and names.count("notesui-paper") == 1
    assert next(t for t in loaded.themes if t.name == "notesui-paper").primary == "#112233"
    assert theme_from_file(user / "sepia.toml").dark is False


async def test_app_applies_config_theme_switches_with_t_and_remembers(sample_notes: Path) -> None:
    app = NotesApp(sample_notes, config=Config(theme="notesui-paper"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "notesui-paper"
        assert "textual-dark" in app.available_themes  # Textual's own themes stay available
        await pilot.press("t")
        await settle(pilot)
        chosen = app.theme
        assert chosen != "notesui-paper" and chosen in {"notesui-ink", "notesui-contrast"}
    assert load_state().theme == chosen
    again = NotesApp(sample_notes, config=Config(theme="notesui-paper"))
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == chosen  # the choice made in the app persists...
    changed = NotesApp(sample_notes, config=Config(theme="notesui-contrast"))
    async with changed.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert changed.theme == "notesui-contrast"  # ...until the config names another theme


async def test_broken_user_theme_gives_one_notice_and_unknown_theme_falls_back(
    sample_notes: Path, isolated_dirs: Path
) -> None:
    user = locations.config_dir() / "themes"
    user.mkdir(parents=True)
    (user / "broken.toml").write_text("this is = = not toml")
    app = NotesApp(sample_notes, config=Config(theme="no-such-theme"))
    told = Told()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=told) as pilot:
        await settle(pilot)
        messages = [n.message for n in told.notifications]
        assert sum("broken.toml" in m for m in messages) == 1
        assert any("'no-such-theme' is not available" in m for m in messages)
        assert app.theme == "notesui-ink"
