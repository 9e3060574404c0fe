"""Every key binding of notesui, in one place: the screens take their ``BINDINGS`` from here
and the help screen (``?``) is written from the same lists, so the two never disagree.

A binding's ``tooltip`` is what the help says it does."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

APP = [
    Binding("q", "quit", "Quit", tooltip="quit"),
    Binding("question_mark", "help", "Help", key_display="?", tooltip="this help"),
    Binding("u", "undo", "Undo", show=False, tooltip="undo notesui's last write to a file"),
    Binding("t", "next_theme", "Theme", show=False, tooltip="next reading theme (all themes are in the palette)"),
]

OUTLINE = [
    Binding("j", "cursor_down", "Down", show=False, key_display="j/k ↓/↑", tooltip="move in the outline"),
    Binding("k", "cursor_up", "Up", show=False),
    # (kept out of the footer, which lists the reading keys: a tree opens as trees do)
    Binding("enter", "select_cursor", "Open", show=False, tooltip="open: expand a branch, read a question"),
    Binding(
        "l,right",
        "expand_or_down",
        "Expand",
        show=False,
        key_display="l/→",
        tooltip="expand (or go to the first child)",
    ),
    Binding(
        "h,left",
        "collapse_or_up",
        "Collapse",
        show=False,
        key_display="h/←",
        tooltip="collapse (or go to the parent)",
    ),
]


def _pair(
    forth: str,
    back: str,
    action: str,
    arguments: tuple[str, str],
    tooltip: str,
    label: str = "",
    *,
    priority: bool = False,
) -> list[Binding]:
    """Two keys for one move, forth and back: the help lists them as one line; with a
    ``label``, so does the footer (``space b Page``)."""
    group = Binding.Group(label)
    shown = bool(label)
    return [
        Binding(forth, f"{action}({arguments[0]})", label, shown, group=group, tooltip=tooltip, priority=priority),
        Binding(back, f"{action}({arguments[1]})", label, shown, group=group, priority=priority),
    ]


HELP = Binding("question_mark", "app.help", "Help", key_display="?")
"""``?`` early in the footer of the main and review screens (the app's own comes last, and a
narrow footer cuts it)."""

MAIN = [
    # (first: the footer shows space where the outline's own space is, which opens a branch
    # and which this one goes before; enter and l open it)
    *_pair("space", "b", "page_answer", ("1", "-1"), "the answer a page down/up", "Page", priority=True),
    HELP,
    Binding("escape", "focus_outline", "Outline", show=False, tooltip="back to the outline"),
    Binding("slash", "search", "Search", key_display="/", tooltip="search every note"),
    *_pair("ctrl+d", "ctrl+u", "page_answer", ("0.5", "-0.5"), "the answer half a page down/up"),
    *_pair("g", "G", "tree_edge", ("0", "1"), "the first/last line of the outline"),
    *_pair(
        "right_square_bracket",
        "left_square_bracket",
        "next_question",
        ("1, 'left'", "-1, 'left'"),
        "the next/previous question not mastered yet",
        "Unmastered",
    ),
    *_pair(
        "right_curly_bracket",
        "left_curly_bracket",
        "next_question",
        ("1, 'unanswered'", "-1, 'unanswered'"),
        "the next/previous question with no answer (to write one)",
        "Unanswered",
    ),
    Binding("e", "edit", "Edit", tooltip="edit the selected section"),
    Binding(
        "m",
        "toggle_mastered",
        "Mastered",
        tooltip="mark the question mastered (or not); on a section, file or folder: all under it",
    ),
    Binding(
        "n",
        "find_next(1)",
        "Next match",
        show=False,
        key_display="n/N",
        tooltip="next (previous) match of the search that led here",
    ),
    Binding("N", "find_next(-1)", "Previous match", show=False),
    Binding("H", "toggle_hide", "Hide mastered", show=False, tooltip="hide (or show) mastered questions"),
    Binding("r", "review", "Review", tooltip="review the questions left under the selection"),
    Binding("s", "stats", "Stats", show=False, tooltip="statistics per file"),
    Binding("a", "add", "Add", show=False, tooltip="add a question after the selected one"),
    Binding(
        "d,delete",
        "delete",
        "Delete",
        show=False,
        key_display="d/del",
        tooltip="delete the selected section (asks first)",
    ),
]

RATINGS = [
    Binding("1", "rate(1)", "Again", tooltip="rate it: forgotten (shown again soon)"),
    Binding("2", "rate(2)", "Hard", tooltip="rate it: recalled with difficulty"),
    Binding("3", "rate(3)", "Good", tooltip="rate it: recalled"),
    Binding(
        "4", "rate(4)", "Easy", tooltip="rate it: recalled easily (the footer shows when each rating brings it back)"
    ),
]

REVIEW = [
    Binding("escape", "finish", "End", tooltip="end the review (with a summary)"),
    HELP,
    Binding("space", "reveal", "Show answer", tooltip="show (or hide) the answer"),
    *RATINGS,
    Binding("q", "finish(True)", "Quit", show=False, tooltip="quit notesui (after the review's summary)"),
    Binding("m", "master", "Mastered", tooltip="mark it mastered (never scheduled again) and go on"),
    Binding("n,right", "step(1)", "Next", tooltip="next question"),
    Binding("p,left", "step(-1)", "Previous", tooltip="previous question"),
    Binding("e", "edit", "Edit", tooltip="edit the question"),
    Binding("o", "toggle_order", "Order", tooltip="new questions in file order or shuffled"),
]

EDITOR = [
    Binding("ctrl+s", "save", "Save", priority=True, tooltip="save"),
    Binding("escape", "leave", "Leave", priority=True, tooltip="leave (asks when there are unsaved changes)"),
]

OTHER = [
    ("tab / shift+tab", "move between the outline and the reader"),
    ("ctrl+p", "command palette: jump to a question, themes, hide mastered, review, statistics"),
]

SECTIONS = [
    ("Reading", OUTLINE + MAIN),
    ("Everywhere", APP),
    ("Reviewing (r)", REVIEW),
    ("Editing (e)", EDITOR),
]


_SHOWN = {
    "right_square_bracket": "]",
    "left_square_bracket": "[",
    "right_curly_bracket": "}",
    "left_curly_bracket": "{",
}


def _shown_key(binding: Binding, bindings: list[Binding]) -> str:
    """How the help writes the keys of ``binding`` (and of the others in its group)."""
    if binding.key_display:
        return binding.key_display
    together = [b for b in bindings if b.group is not None and b.group is binding.group] or [binding]
    keys = [key.strip() for b in together for key in b.key.split(",")]
    if all(key.startswith("ctrl+") for key in keys):  # ctrl+d/u
        return "ctrl+" + "/".join(key.removeprefix("ctrl+") for key in keys)
    return " / ".join(_SHOWN.get(key, key) for key in keys)


def help_markdown() -> str:
    """The help screen's text, from the bindings above."""
    lines = ["# notesui keys", ""]
    for title, bindings in SECTIONS:
        lines += [f"## {title}", "", "| Key | What it does |", "| --- | --- |"]
        lines += [f"| `{_shown_key(b, bindings)}` | {b.tooltip} |" for b in bindings if b.tooltip]
        if title == "Everywhere":
            lines += [f"| `{key}` | {what} |" for key, what in OTHER]
        lines.append("")
    lines += [
        "In the outline, `•` is a question with an answer, `○` one with no answer yet, `✓` a "
        "mastered one; a branch shows `mastered/questions` under it.",
        "",
        "The mouse works everywhere: click a node to open it, scroll the reader with the wheel.",
        "Press `escape` or `?` to close this help.",
    ]
    return "\n".join(lines) + "\n"


def relabel(node: DOMNode, labels: dict[str, str]) -> None:
    """Give ``node``'s bindings for these keys new footer descriptions (each rating's next
    interval, as Anki shows them); the footer redraws."""
    bindings = node._bindings.key_to_bindings
    for key, label in labels.items():
        if key in bindings:
            bindings[key] = [replace(binding, description=label) for binding in bindings[key]]
    node.refresh_bindings()
