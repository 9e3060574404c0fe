"""SVG snapshots of the main screens (pytest-textual-snapshot)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from notesui.app import NotesApp


async def _open_first_question(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.press("j", "l", "j", "l", "j")
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_main_screen(snap_compare, notes_copy: Path) -> None:  # type: ignore[no-untyped-def]
    app = NotesApp(notes_copy)
    assert snap_compare(app, terminal_size=(120, 36), run_before=_open_first_question)
