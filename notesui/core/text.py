"""Text helpers shared by the core and the UI: making note text and names safe to show.

Nothing from a note or a file name may reach the terminal raw (README, “Notes format”): every string
shown passes one of these. ``visible`` shows control characters as stand-ins (for names,
titles and messages, where a hidden character would mislead); ``strip_controls`` drops them
(for note text about to be rendered). Both also replace what a file name that is not valid
UTF-8 leaves behind (surrogate escapes), which no terminal can be sent.
"""

from __future__ import annotations

import re

# Every C0 control but tab and newline, DEL, every C1 control (U+0080–U+009F, which holds
# CSI U+009B), and lone surrogates (undecodable bytes of a file name).
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_NEWLINES = re.compile(r"\r\n?")
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def normalize_newlines(text: str) -> str:
    """``text`` with CRLF and CR line breaks turned into LF."""
    return _NEWLINES.sub("\n", text)


def _surrogate(char: str) -> str:
    code = ord(char)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def strip_controls(text: str) -> str:
    """Return ``text`` with CRLF/CR turned into LF and every other control character removed
    (an undecodable byte of a name becomes ``\\xNN``)."""
    text = normalize_newlines(text)
    return _UNSAFE.sub(lambda m: _surrogate(m.group()) if m.group() >= "\ud800" else "", text)


def _stand_in(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # a Control Picture: ␛ for ESC, ␇ for BEL
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return _surrogate(char)


def visible(text: str) -> str:
    """``text`` with every control character but tab and newline shown as a visible
    stand-in (``␛``, ``\\x9b``) and undecodable bytes of a name as ``\\xNN``."""
    return _UNSAFE.sub(_stand_in, text)


def one_line(text: str) -> str:
    """Collapse ``text`` onto a single display line (for titles, breadcrumbs, snippets)."""
    if not text.isprintable():  # printable text has no control characters to strip
        text = strip_controls(text)
    return " ".join(text.split())


def json_safe(encoded: str) -> str:
    """A JSON document (``json.dumps(..., ensure_ascii=False)``) with the characters that
    JSON leaves raw but a terminal would obey, or UTF-8 can't hold, escaped as ``\\uXXXX``."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
