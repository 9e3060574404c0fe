"""SVG snapshots of the main screens (pytest-textual-snapshot)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from notesui.app import NotesApp
from notesui.config import Config

from pilot import settle


async def _open_first_question(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("j", "l", "j", "l", "j")
    await settle(pilot)


async def _search(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("slash", *"微調")
    await settle(pilot)


@pytest.mark.parametrize("theme", ["notesui-ink", "notesui-paper", "notesui-contrast"])
def test_main_screen(snap_compare, notes_copy: Path, theme: str) -> None:  # type: ignore[no-untyped-def]
    app = NotesApp(notes_copy, config=Config(theme=theme))
    assert snap_compare(app, terminal_size=(120, 36), run_before=_open_first_question)


def test_search_screen(snap_compare, notes_copy: Path) -> None:  # type: ignore[no-untyped-def]
    app = NotesApp(notes_copy)
    assert snap_compare(app, terminal_size=(120, 36), run_before=_search)


async def _review(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("j", "r", "space")
    await settle(pilot)


def test_review_screen(snap_compare, notes_copy: Path) -> None:  # type: ignore[no-untyped-def]
    app = NotesApp(notes_copy)
    assert snap_compare(app, terminal_size=(120, 36), run_before=_review)


async def _stats(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)


@pytest.mark.parametrize(
    "screen", [("main", _open_first_question), ("search", _search), ("review", _review), ("stats", _stats)]
)
def test_every_screen_at_80_by_24(snap_compare, notes_copy: Path, screen) -> None:  # type: ignore[no-untyped-def]
    # a small terminal: titles end with …, counts and file names are read, the footer keeps ? Help
    app = NotesApp(notes_copy)
    assert snap_compare(app, terminal_size=(80, 24), run_before=screen[1])
