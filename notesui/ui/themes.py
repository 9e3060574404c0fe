"""Themes as data: ``themes/*.toml`` shipped with notesui, and the user's in the config folder.

Each file holds the fields of ``textual.theme.Theme``. A file that can't be used is reported
(one message per file) and the others still load.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.theme import Theme

from notesui import locations
from notesui.core.files import NotReadable, read_regular

DEFAULT_THEME = "notesui-ink"
COLOR_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "warning",
    "error",
    "success",
    "boost",
)
KNOWN_FIELDS = {"name", "dark", "variables", "luminosity_spread", "text_alpha", *COLOR_FIELDS}


@dataclass
class LoadedThemes:
    themes: list[Theme] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # one message per file that failed


def theme_folders() -> list[Path]:
    """The bundled themes, then the user's (a user theme may replace a bundled one by name)."""
    return [locations.bundled_themes(), locations.config_dir() / "themes"]


def load_themes(folders: list[Path] | None = None) -> LoadedThemes:
    loaded = LoadedThemes()
    by_name: dict[str, Theme] = {}
    for folder in theme_folders() if folders is None else folders:
        try:
            paths = sorted(folder.glob("*.toml"))
        except OSError:
            continue
        for path in paths:
            try:
                theme = theme_from_file(path)
            except ValueError as error:
                loaded.failures.append(f"theme {path}: {error}")
                continue
            by_name[theme.name] = theme
    loaded.themes = list(by_name.values())
    return loaded


def theme_from_file(path: Path) -> Theme:
    """Read one theme file; raises ValueError with a message for the user."""
    try:
        values = tomllib.loads(read_regular(path, limit=1024 * 1024).decode("utf-8"))
    except NotReadable as error:
        raise ValueError(f"can't be read ({error})") from error
    except OSError as error:
        raise ValueError(f"can't be read ({error.strerror or error})") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"is not valid TOML ({error})") from error
    unknown = sorted(set(values) - KNOWN_FIELDS)
    if unknown:
        raise ValueError(f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("needs a name")
    if "primary" not in values:
        raise ValueError("needs a primary colour")
    for key in COLOR_FIELDS:
        if key in values:
            _check_color(key, values[key])
    if not isinstance(values.get("dark", True), bool):
        raise ValueError("dark must be true or false")
    variables = values.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ValueError("variables must be a table of strings")
    for key in ("luminosity_spread", "text_alpha"):
        if key in values and not isinstance(values[key], (int, float)):
            raise ValueError(f"{key} must be a number")
    theme = Theme(**{**values, "variables": dict(variables)})
    _check_variables(theme)
    return theme


def _check_variables(theme: Theme) -> None:
    """A variable Textual can't use would stop the app when the theme is applied: each is
    tried in a stylesheet of its own, in the property its name says it is for."""
    from textual.css.stylesheet import Stylesheet, StylesheetParseError

    defined = {**theme.to_color_system().generate(), **theme.variables}
    for name in theme.variables:
        if name.endswith(("text-style", "-style", "-style-hover")):
            prop = "text-style"
        elif name.endswith("background"):
            prop = "background"
        else:
            prop = "color"
        sheet = Stylesheet(variables=defined)
        sheet.add_source(f"Widget {{ {prop}: ${name}; }}", read_from=("theme", name))
        try:
            sheet.parse()
        except StylesheetParseError:
            raise ValueError(f"variable {name} is not a valid {prop}: {theme.variables[name]!r}") from None


def _check_color(key: str, value: object) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a colour string")
    try:
        Color.parse(value)
    except ColorParseError as error:
        raise ValueError(f"{key} is not a colour: {value!r}") from error
