"""``r``: review the questions not mastered yet, one at a time, answer hidden until asked.

The session holds each question by its file and title path, so marks, edits and outside
changes (which re-parse the file) never lose its place.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from notesui.core.document import Document, Heading
from notesui.core.notebook import Notebook
from notesui.core.text import one_line
from notesui.ui.screens.dialogs import ChoiceScreen
from notesui.ui.screens.editor import EditorScreen
from notesui.ui.widgets.viewer import NoteMarkdown

if TYPE_CHECKING:
    from notesui.app import NotesApp

NO_ANSWER_YET = "*No answer yet — press **e** to write one.*"


@dataclass(frozen=True, slots=True)
class Card:
    rel: str
    titles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    seen: int
    newly_mastered: int
    left: int


def review_cards(scope: list[tuple[Document, Heading | None]]) -> list[Card]:
    """The questions not mastered yet in each (file, heading or None for all of it), in order."""
    return [
        Card(doc.name, Notebook.title_path(doc, heading))
        for doc, under in scope
        for heading in doc.questions(under)
        if not heading.mastered
    ]


class ReviewScreen(Screen[Summary]):
    """One question at a time: ``space`` shows the answer, ``m`` masters it and moves on."""

    DEFAULT_CSS = """
    ReviewScreen #review-progress { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    ReviewScreen #review-crumbs { height: auto; padding: 0 1; color: $text-muted; }
    ReviewScreen #review-question { height: auto; padding: 1 2; text-style: bold; color: $text; }
    ReviewScreen #review-hint { height: auto; padding: 0 2; color: $text-muted; }
    ReviewScreen #review-answer { height: 1fr; padding: 0 1; }
    ReviewScreen #review-answer.hidden { display: none; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "reveal", "Show answer"),
        Binding("m", "master", "Mastered"),
        Binding("n,right", "step(1)", "Next"),
        Binding("p,left", "step(-1)", "Previous"),
        Binding("e", "edit", "Edit"),
        Binding("o", "toggle_order", "Order"),
        Binding("escape", "finish", "End"),
    ]

    def __init__(self, cards: list[Card], *, shuffled: bool = False, seed: int | None = None) -> None:
        super().__init__()
        self.in_order = list(cards)
        self.shuffled = shuffled
        self.random = random.Random(seed)
        self.cards = self._ordered()
        self.position = 0
        self.revealed = False
        self.seen: set[Card] = set()
        self.mastered: set[Card] = set()

    @property
    def app_(self) -> NotesApp:
        return self.app  # type: ignore[return-value]

    def _ordered(self) -> list[Card]:
        cards = list(self.in_order)
        if self.shuffled:
            self.random.shuffle(cards)
        return cards

    def compose(self) -> ComposeResult:
        yield Static("", id="review-progress", markup=False)
        yield Static("", id="review-crumbs", markup=False)
        yield Static("", id="review-question", markup=False)
        yield Static("", id="review-hint", markup=False)
        with VerticalScroll(id="review-answer", classes="hidden"):
            yield NoteMarkdown(id="review-markdown", open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self.show_card()

    # -- the current card -------------------------------------------------------------

    @property
    def card(self) -> Card | None:
        return self.cards[self.position] if 0 <= self.position < len(self.cards) else None

    def current(self) -> tuple[Document, Heading] | None:
        """The current card's file and heading as they are now."""
        notebook = self.app_.notebook
        card = self.card
        if notebook is None or card is None:
            return None
        heading = notebook.find_heading(card.rel, card.titles, closest=True)
        return (notebook.documents[card.rel], heading) if heading is not None else None

    def show_card(self) -> None:
        if not self.cards:
            self.query_one("#review-question", Static).update("Nothing to review here: every question is mastered.")
            self.query_one("#review-hint", Static).update("Press escape to go back.")
            self.query_one("#review-progress", Static).update("Review")
            return
        card = self.card
        assert card is not None
        self.seen.add(card)
        order = "shuffled" if self.shuffled else "in file order"
        done = f" · {len(self.mastered)} newly mastered" if self.mastered else ""
        self.query_one("#review-progress", Static).update(
            f"Review · {self.position + 1}/{len(self.cards)} · {order}{done}"
        )
        found = self.current()
        if found is None:
            self.query_one("#review-crumbs", Static).update(one_line(card.rel))
            self.query_one("#review-question", Static).update(f"{card.titles[-1]} (no longer in the file)")
            self._set_answer("")
            return
        doc, heading = found
        crumbs = (doc.name, *Notebook.title_path(doc, heading)[:-1])
        self.query_one("#review-crumbs", Static).update(" › ".join(map(one_line, crumbs)))
        title = Text(heading.title)
        if heading.mastered:
            title = Text.assemble(("✓ ", "green"), title)
        self.query_one("#review-question", Static).update(title)
        answer = doc.span_text(heading.answer).strip() if heading.has_answer else NO_ANSWER_YET
        self._set_answer(answer)

    def _set_answer(self, source: str) -> None:
        from notesui.core.render import prepare

        prepared = prepare(source)
        markdown = self.query_one("#review-markdown", NoteMarkdown)
        markdown.update(prepared.markdown if prepared.markdown is not None else f"```\n{prepared.text}\n```")
        self.query_one("#review-answer").set_class(not self.revealed, "hidden")
        hint = "" if self.revealed else "space shows the answer · m mastered · n next · p previous"
        self.query_one("#review-hint", Static).update(hint)

    # -- keys -------------------------------------------------------------------------

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self.show_card()

    def action_step(self, step: int) -> None:
        if not self.cards:
            return
        self.position = max(0, min(len(self.cards) - 1, self.position + step))
        self.revealed = False
        self.show_card()

    def action_master(self) -> None:
        found = self.current()
        card = self.card
        if found is None or card is None:
            return
        doc, heading = found
        if not self.app_.writable(doc):
            return
        if not heading.mastered:
            if not self.app_.set_mastered(doc, [heading], True):
                return
            self.mastered.add(card)
        if self.position < len(self.cards) - 1:
            self.action_step(1)
        else:
            self.show_card()
            self.notify("That was the last question: escape ends the review.")

    def action_edit(self) -> None:
        found = self.current()
        if found is None:
            return
        doc, heading = found
        if not self.app_.writable(doc):
            return
        self.app.push_screen(EditorScreen(doc, heading, drafts=self.app_.drafts), lambda _: self.show_card())

    def action_toggle_order(self) -> None:
        card = self.card
        self.shuffled = not self.shuffled
        self.cards = self._ordered()
        self.position = self.cards.index(card) if card in self.cards else 0
        self.app_.set_review_order("shuffled" if self.shuffled else "file")
        self.show_card()

    def summary(self) -> Summary:
        return Summary(len(self.seen), len(self.mastered), len(self.in_order) - len(self.mastered))

    def action_finish(self) -> None:
        summary = self.summary()
        message = (
            f"Questions seen: {summary.seen}\nNewly mastered: {summary.newly_mastered}\n"
            f"Left to master here: {summary.left}"
        )
        self.app.push_screen(
            ChoiceScreen("Review finished", message, [("Done", "done")], cancel="done"),
            lambda _: self.dismiss(summary),
        )

    # -- outside changes --------------------------------------------------------------

    def files_updated(self, changes: list[tuple[str, Document | None]]) -> None:
        card = self.card
        if card is not None and any(rel == card.rel for rel, _ in changes):
            self.show_card()
