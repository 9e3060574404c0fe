"""Small modal questions: a choice among buttons, or a line of text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from notesui.core.text import one_line, strip_controls

T = TypeVar("T")

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 72; max-width: 95%; height: auto;
    background: $surface; border: round $primary; padding: 1 2;
}}
{name} .title {{ text-style: bold; margin-bottom: 1; }}
{name} .message {{ margin-bottom: 1; }}
{name} Horizontal {{ height: auto; align-horizontal: right; }}
{name} Button {{ margin-left: 1; min-width: 10; }}
"""


@dataclass(frozen=True, slots=True)
class Choice(Generic[T]):
    """One answer: its button's label, its value, and a key that picks it (shown on it)."""

    label: str
    value: T
    key: str | None = None


class ChoiceScreen(ModalScreen[T], Generic[T]):
    """A question with a button per answer; ``escape`` answers ``cancel``; a choice's key
    picks it; the ``default`` choice has the focus."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ChoiceScreen")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    def __init__(
        self, title: str, message: str, choices: list[Choice[T] | tuple[str, T]], cancel: T, default: int = 0
    ) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.choices = [c if isinstance(c, Choice) else Choice(*c) for c in choices]
        self.cancel = cancel
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(one_line(self.title_text), classes="title", markup=False)
            yield Static(strip_controls(self.message), classes="message", markup=False)
            with Horizontal():
                for number, choice in enumerate(self.choices):
                    label = Text(choice.label + (f" ({choice.key})" if choice.key else ""))
                    yield Button(
                        label, id=f"choice-{number}", variant="primary" if number == self.default else "default"
                    )

    def on_mount(self) -> None:
        self.query_one(f"#choice-{self.default}", Button).focus()

    def on_key(self, event: events.Key) -> None:
        choice = next((c for c in self.choices if c.key and c.key == event.character), None)
        if choice is not None:
            event.stop()
            self.dismiss(choice.value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        number = int((event.button.id or "choice-0").rsplit("-", 1)[1])
        self.dismiss(self.choices[number].value)

    def action_cancel(self) -> None:
        self.dismiss(self.cancel)


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; ``enter`` accepts, ``escape`` cancels."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PromptScreen")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(one_line(self.title_text), classes="title", markup=False)
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
