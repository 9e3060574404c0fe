"""SVG snapshots of the main screens (pytest-textual-snapshot)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from notesui.app import NotesApp
from notesui.config import Config

from pilot import settle

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch, utc_local_time: None) -> None:
    """Every snapshot is taken on the same day, in UTC (the review calendar and forecast)."""
    import notesui.core.reviews
    import notesui.ui.screens.main
    import notesui.ui.screens.review

    for module in (notesui.core.reviews, notesui.ui.screens.main, notesui.ui.screens.review):
        monkeypatch.setattr(module, "utc_now", lambda: NOW)


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


def test_statistics_with_a_review_log_at_80_by_24(snap_compare, notes_copy: Path) -> None:  # type: ignore[no-untyped-def]
    # four months of reviews, most days, ending yesterday: calendar, retention, forecast, streak
    from notesui.core.session import Session

    session = Session.open(notes_copy)
    questions = [(rel, h) for rel, doc in session.documents.items() for h in doc.questions() if h.has_answer][:60]
    day = NOW - timedelta(days=120)
    for n in range(120):
        for k in range(n % 4):
            rel, heading = questions[(n * 3 + k) % len(questions)]
            session.rate(rel, heading, 1 + (n + k) % 4, day + timedelta(minutes=k))
        day += timedelta(days=1)
    session.close()
    app = NotesApp(notes_copy)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_stats)
