"""Text helpers shared by the core and the UI: making note text safe to show."""

from __future__ import annotations

import re

# Every C0 control but tab and newline, DEL, and every C1 control (U+0080–U+009F,
# which holds CSI U+009B). A note must never be able to drive the terminal.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n?")


def normalize_newlines(text: str) -> str:
    """``text`` with CRLF and CR line breaks turned into LF."""
    return _NEWLINES.sub("\n", text)


def strip_controls(text: str) -> str:
    """Return ``text`` with CRLF/CR turned into LF and every other control character removed."""
    return _CONTROLS.sub("", normalize_newlines(text))


def one_line(text: str) -> str:
    """Collapse ``text`` onto a single display line (for titles, breadcrumbs, snippets)."""
    return " ".join(strip_controls(text).split())
