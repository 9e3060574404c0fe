"""Painting lines cheaply."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

if TYPE_CHECKING:
    from textual.widget import Widget as _Widget
else:
    _Widget = object  # (a mixin: Textual takes CSS and component classes from the first widget base)


class StyleOncePerPaint(_Widget):
    """A widget that paints line by line and works its style out once per paint.

    ``rich_style`` walks every ancestor's styles each time it is read, and Textual's line
    widgets read it for every line: a whole screen of a tree or a page cost a key several
    milliseconds for the same answer 40 times over. Put it first among the bases.
    """

    _paint_style: Style | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._paint_style = super().rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._paint_style = None

    @property
    def rich_style(self) -> Style:
        return self._paint_style if self._paint_style is not None else super().rich_style
