"""state.json keeps the user's place by HeadingRef, and still reads the older form."""

from __future__ import annotations

import json
from pathlib import Path

from notesui.core.refs import HeadingRef
from notesui.state import Place, State, load_state, save_state


def test_a_place_round_trips_with_its_heading_reference(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    ref = HeadingRef("a.md", ("LoRA", "Same"), 1, 2, 14, "00ff")
    state = State(hide_mastered=True, places={"/notes": Place(ref, [("folder", "topics"), ("file", "a.md"), ref])})
    save_state(state, path)
    again = load_state(path)
    assert again.places["/notes"] == state.places["/notes"] and again.hide_mastered is True


def test_the_older_three_part_keys_still_load(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    old = {"places": {"/notes": {"cursor": ["heading", "a.md", ["LoRA", "Q"]], "expanded": [["file", "a.md", []]]}}}
    path.write_text(json.dumps(old), encoding="utf-8")
    place = load_state(path).places["/notes"]
    assert place.cursor == HeadingRef("a.md", ("LoRA", "Q")) and place.expanded == [("file", "a.md")]
    path.write_text(json.dumps({"places": {"/notes": {"cursor": ["heading", "a.md", "not a list"]}}}), encoding="utf-8")
    assert load_state(path).notice is not None  # unreadable: a fresh start, with a notice
