"""Full garbage collections wait for an idle moment, and nothing is collected less."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from notesui.app import NotesApp
from notesui.collector import IDLE_SECONDS, RARER, Collector

from pilot import settle


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    yield before
    gc.set_threshold(*before)


def _make_full_pass_due(collector: Collector) -> None:
    for _ in range(gc.get_threshold()[2] + 1):
        gc.collect(1)  # (each counts towards the next full pass)


def test_automatic_full_passes_are_rarer_while_it_runs(thresholds: tuple[int, int, int]) -> None:
    collector = Collector()
    collector.start()
    assert gc.get_threshold() == (thresholds[0], thresholds[1], thresholds[2] * RARER)
    collector.stop()
    assert gc.get_threshold() == thresholds


def test_a_due_full_pass_runs_once_the_user_is_idle(thresholds: tuple[int, int, int]) -> None:
    collector = Collector()
    collector.start()
    _make_full_pass_due(collector)
    collector.input()
    assert not collector.idle()  # a key just came
    assert gc.get_count()[2] >= thresholds[2]
    assert collector.idle(time.monotonic() + IDLE_SECONDS)
    assert gc.get_count()[2] == 0 and collector.passes == 1
    assert not collector.idle(time.monotonic() + IDLE_SECONDS)  # none due now
    collector.stop()


async def test_the_app_moves_full_passes_to_idle_moments_and_gives_them_back(
    thresholds: tuple[int, int, int], tmp_path: Path
) -> None:
    (tmp_path / "a.md").write_text("# A\n\n## Q\n\nanswer\n", encoding="utf-8")
    app = NotesApp(tmp_path)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert gc.get_threshold()[2] == thresholds[2] * RARER
        _make_full_pass_due(app.collector)
        app.collector._last_input -= 2 * IDLE_SECONDS  # idle a while, then a key
        await pilot.press("j")
        assert not app.collector.idle()  # (the key counted as input)
        app.collector._last_input -= IDLE_SECONDS  # as if a second went by
        await pilot.pause(IDLE_SECONDS / 2 + 0.2)  # the app's own check runs
        assert app.collector.passes == 1
    assert gc.get_threshold() == thresholds


def test_an_incremental_collector_is_left_alone(thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(thresholds[0], thresholds[1], 0)  # (as Python 3.14's incremental one reports)
    collector = Collector()
    collector.start()
    assert gc.get_threshold()[2] == 0
    _make_full_pass_due(collector)
    assert not collector.idle(time.monotonic() + IDLE_SECONDS) and collector.passes == 0
    collector.stop()
