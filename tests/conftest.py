"""Shared fixtures: every test runs with its own config, data and state folders."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUNDLED_NOTES = REPO / "notes"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point platformdirs (XDG) and NOTESUI_CONFIG at a fresh folder; clear NOTESUI_NOTES_DIR;
    turn the watcher off."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.setenv("NOTESUI_CONFIG", str(home / "config.toml"))
    monkeypatch.delenv("NOTESUI_NOTES_DIR", raising=False)
    monkeypatch.setenv("NOTESUI_WATCH", "0")  # live sync is off unless a test turns it on
    return home


@pytest.fixture(autouse=True)
def collectable() -> Iterator[None]:
    """The app keeps what it read on opening out of the collector's full passes (gc.freeze);
    between tests it is all given back, so one test run does not keep every app."""
    yield
    gc.unfreeze()


@pytest.fixture
def notes_copy(tmp_path: Path) -> Path:
    """A private copy of the bundled notes that a test may change."""
    target = tmp_path / "notes"
    shutil.copytree(BUNDLED_NOTES, target)
    return target


@pytest.fixture
def sample_notes(tmp_path: Path) -> Path:
    """A small notes folder with a sub-folder, an empty answer, a control sequence and CJK."""
    root = tmp_path / "sample"
    (root / "topics").mkdir(parents=True)
    (root / "basics.md").write_text(
        "Preamble of basics.\n\n"
        "# Basics\n\n"
        "## What is LoRA?\n\nLow-rank adaptation: train two small matrices.\n\n"
        "## 什么是微调？\n\n在预训练模型上继续训练。\n\n"
        "## Unanswered question\n\n"
        "## Escape test\n\nDanger \x1b[2J\x1b]0;pwned\x07 here.\n",
        encoding="utf-8",
    )
    (root / "topics" / "attention.md").write_text(
        "# Attention\n\n## What is MQA?\n\nMulti-query attention shares keys and values.\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The local time zone is UTC for the test (review days are local days)."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
