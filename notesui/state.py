"""``state.json`` in the user state folder: where the user left off, and their toggles.

Per notes root: the question under the cursor and the open branches. Shared: hide mastered,
the theme and the review order. The theme chosen in the app wins over the config's until the
config's theme is changed. A state file that can't be read is ignored with a notice
(and replaced on the next save: it holds nothing the user wrote by hand).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from notesui import locations
from notesui.core.files import NotReadable, read_regular
from notesui.core.refs import HeadingRef

Key = HeadingRef | tuple[str, str]
"""A node of the outline that survives changes: a heading by reference, or a ``("file",
rel)`` or ``("folder", rel)``."""


@dataclass
class Place:
    """Where the user was in one notes folder."""

    cursor: Key | None = None
    expanded: list[Key] = field(default_factory=list)

    def files(self) -> list[str]:
        """The files this place is in: the cursor's first, then the open ones'."""
        keys = [self.cursor] if self.cursor is not None else []
        keys += self.expanded
        return list(dict.fromkeys(key.rel if isinstance(key, HeadingRef) else key[1] for key in keys))


@dataclass
class State:
    hide_mastered: bool | None = None
    theme: str | None = None
    theme_config: str | None = None  # the config's theme when the user chose ``theme``
    review_order: str | None = None
    places: dict[str, Place] = field(default_factory=dict)
    notice: str | None = field(default=None, compare=False)

    def place(self, root: Path) -> Place:
        return self.places.setdefault(str(Path(root).resolve()), Place())


def state_path() -> Path:
    return locations.state_dir() / "state.json"


def _key(value: Any) -> Key:
    kind, rel, *rest = value
    if not (isinstance(kind, str) and isinstance(rel, str)):
        raise ValueError("bad key")
    if kind != "heading":
        return (kind, rel)
    titles, *where = rest  # [titles, occurrence, count, line, digest]; older files: [titles]
    if not isinstance(titles, list) or not all(isinstance(x, int) for x in where[:3]):
        raise ValueError("bad key")
    return HeadingRef(rel, tuple(str(t) for t in titles), *where[:3], *(str(d) for d in where[3:4]))


def _value(key: Key) -> list[Any]:
    if isinstance(key, HeadingRef):
        return ["heading", key.rel, list(key.titles), key.occurrence, key.count, key.line, key.digest]
    return list(key)


def load_state(path: Path | None = None) -> State:
    path = path or state_path()
    try:
        raw = json.loads(read_regular(path, limit=16 * 1024 * 1024).decode("utf-8"))
        state = State(
            hide_mastered=_optional(raw.get("hide_mastered"), bool),
            theme=_optional(raw.get("theme"), str),
            theme_config=_optional(raw.get("theme_config"), str),
            review_order=_optional(raw.get("review_order"), str),
        )
        for root, place in (raw.get("places") or {}).items():
            cursor = place.get("cursor")
            state.places[root] = Place(
                cursor=_key(cursor) if cursor else None,
                expanded=[_key(k) for k in place.get("expanded", [])],
            )
        return state
    except FileNotFoundError:
        return State()
    except (OSError, NotReadable, ValueError, TypeError, AttributeError) as error:
        return State(notice=f"state file {path} is unreadable ({error}); starting fresh")


def _optional(value: Any, kind: type) -> Any:
    if value is not None and not isinstance(value, kind):
        raise ValueError(f"{value!r} is not a {kind.__name__}")
    return value


def save_state(state: State, path: Path | None = None) -> None:
    """Write the state atomically; a failure is silent (state is a convenience) and never
    ends the app. Names that are not valid UTF-8 are kept as JSON escapes."""
    path = path or state_path()
    data = {
        "hide_mastered": state.hide_mastered,
        "theme": state.theme,
        "theme_config": state.theme_config,
        "review_order": state.review_order,
        "places": {
            root: {
                "cursor": _value(place.cursor) if place.cursor else None,
                "expanded": [_value(k) for k in place.expanded],
            }
            for root, place in state.places.items()
        },
    }
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        encoded = json.dumps(data, ensure_ascii=True, indent=1).encode("ascii")
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(encoded)
        os.replace(temp, path)
    except Exception:
        with contextlib.suppress(OSError):
            temp.unlink()
