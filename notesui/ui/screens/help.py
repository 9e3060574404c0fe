"""``?``: every key notesui knows, in one place."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

KEYS = """\
# notesui keys

| Key | What it does |
| --- | --- |
| `j` / `k`, `↓` / `↑` | move in the outline |
| `h` / `l`, `←` / `→` | collapse / expand (or go to the parent / first child) |
| `enter` | open: expand a branch, read a question |
| `tab` / `shift+tab` | move between the outline and the reader |
| `/` | search every note |
| `e` | edit the selected section |
| `a` | add a question after the selected one |
| `d` | delete the selected section (asks first) |
| `m` | mark the question mastered (or not); on a section, file or folder: all under it |
| `H` | hide mastered questions |
| `r` | review the questions left under the selection: `space` answer, `m` mastered, `n`/`p`, `e`, `o` order, `escape` ends |
| `s` | statistics per file |
| `u` | undo notesui's last write to a file |
| `t` | next reading theme (all themes are in the palette) |
| `?` | this help |
| `ctrl+p` | command palette: jump to a question, themes, hide mastered, review, statistics |
| `q` | quit |

The mouse works everywhere: click a node to open it, scroll the reader with the wheel.
Press `escape` or `?` to close this help.
"""


class HelpScreen(ModalScreen[None]):
    """A modal list of every key."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80; max-width: 100%; height: auto; max-height: 90%;
        background: $surface; border: round $primary; padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", show=True),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(KEYS, id="help-keys")
