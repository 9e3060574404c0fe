"""Where notesui's files live: config, data, state, bundled notes and themes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

APP_NAME = "notesui"
_PACKAGE = Path(__file__).resolve().parent


def config_path() -> Path:
    """``NOTESUI_CONFIG`` when set, else ``config.toml`` in the user config folder."""
    override = os.environ.get("NOTESUI_CONFIG")
    if override:
        return Path(override).expanduser()
    return config_dir() / "config.toml"


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME)


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME)


def state_dir() -> Path:
    from platformdirs import user_state_path

    return user_state_path(APP_NAME)


def _bundled(name: str) -> Path:
    """A data folder shipped with notesui: inside the wheel, or beside the source tree."""
    packaged = _PACKAGE / "_bundled" / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name


def bundled_notes() -> Path:
    return _bundled("notes")


def bundled_themes() -> Path:
    return _bundled("themes")


def user_notes_copy() -> Path:
    """The bundled notes, copied on first use into the user data folder, never edited in place."""
    target = data_dir() / "notes"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name("notes.copying")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(bundled_notes(), staging)
        os.replace(staging, target)
    return target


def notes_root(argument: str | None, configured: str | None) -> Path:
    """The notes root (README, “Config, themes and where files live”): argument, ``NOTESUI_NOTES_DIR``, config, ``./notes``, bundled."""
    for candidate in (argument, os.environ.get("NOTESUI_NOTES_DIR"), configured):
        if candidate:
            return Path(candidate).expanduser()
    local = Path("notes")
    if local.is_dir():
        return local
    return user_notes_copy()
