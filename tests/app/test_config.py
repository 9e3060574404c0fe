"""config.toml: missing, broken, unknown keys, wrong types, the NOTESUI_CONFIG override."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from notesui import locations
from notesui.app import NotesApp
from notesui.cli import main
from notesui.config import Config, load_config

from pilot import Told, settle


def test_missing_config_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nope.toml")
    assert config == Config() and config.notices == []


def test_broken_toml_gives_a_notice_defaults_and_is_never_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("theme = 'unclosed\n")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    config = load_config(path)
    assert config.theme is None and "not valid TOML" in config.notices[0]
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_unknown_keys_and_wrong_types(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "notesui-paper"\ncolour = "red"\nwatch = "yes"\nreview_order = "random"\n')
    config = load_config(path)
    assert config.theme == "notesui-paper" and config.watch is True and config.review_order == "file"
    joined = " ".join(config.notices)
    assert "unknown key 'colour'" in joined and "watch has the wrong type" in joined and "review_order" in joined


def test_environment_overrides_the_config_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "elsewhere.toml"
    path.write_text('hide_mastered = true\nreview_order = "shuffled"\nwatch = false\n')
    monkeypatch.setenv("NOTESUI_CONFIG", str(path))
    assert locations.config_path() == path
    config = load_config()
    assert config.hide_mastered and config.review_order == "shuffled" and not config.watch


def test_cli_prints_config_notices_on_stderr(sample_notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path(os.environ["NOTESUI_CONFIG"]).write_text("nonsense = 1\n")
    assert main(["stats", "--dir", str(sample_notes)]) == 0
    assert "unknown key 'nonsense'" in capsys.readouterr().err


async def test_app_shows_config_notices_and_uses_its_settings(sample_notes: Path) -> None:
    config = Config(hide_mastered=True, review_order="shuffled", notices=["config x: unknown key 'y' ignored"])
    app = NotesApp(sample_notes, config=config)
    told = Told()
    async with app.run_test(size=(100, 30), notifications=True, message_hook=told) as pilot:
        await settle(pilot)
        assert any("unknown key 'y'" in n.message for n in told.notifications)
        assert app.ctx.prefs.hide_mastered and app.ctx.prefs.review_order == "shuffled"
