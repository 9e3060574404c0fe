"""``config.toml``: the user's settings. A file that can't be used gives notices and defaults."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from notesui import locations
from notesui.core.files import NotReadable, read_regular


@dataclass
class Config:
    notes_dir: str | None = None
    theme: str | None = None
    hide_mastered: bool = False
    review_order: str = "file"
    watch: bool = True
    new_per_day: int = 20
    review_unanswered: bool = False
    notices: list[str] = field(default_factory=list, compare=False)


_TYPES: dict[str, tuple[type, ...]] = {
    "notes_dir": (str,),
    "theme": (str,),
    "hide_mastered": (bool,),
    "review_order": (str,),
    "watch": (bool,),
    "new_per_day": (int,),
    "review_unanswered": (bool,),
}


def load_config(path: Path | None = None) -> Config:
    """Read the config file. Missing: defaults. Broken or unknown keys: defaults and notices.

    The file is only ever read here, never written, so a file the user is still fixing is safe.
    """
    path = path or locations.config_path()
    config = Config()
    try:
        raw = read_regular(path, limit=1024 * 1024)
    except FileNotFoundError:
        return config
    except (OSError, NotReadable) as error:
        reason = error.strerror if isinstance(error, OSError) else str(error)
        config.notices.append(f"config {path} can't be read ({reason}); using defaults")
        return config
    try:
        values = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        config.notices.append(f"config {path} is not valid TOML ({error}); using defaults")
        return config
    known = {f.name for f in fields(Config)} - {"notices"}
    for key, value in values.items():
        if key not in known:
            config.notices.append(f"config {path}: unknown key {key!r} ignored")
        elif not isinstance(value, _TYPES[key]):
            config.notices.append(f"config {path}: {key} has the wrong type; default used")
        elif key == "new_per_day" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            config.notices.append(f"config {path}: new_per_day must be a whole number, 0 or more")
        elif key == "review_order" and value not in ("file", "shuffled"):
            config.notices.append(f"config {path}: review_order must be 'file' or 'shuffled'")
        else:
            setattr(config, key, value)
    return config
