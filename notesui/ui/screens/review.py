"""``r``: review the questions not mastered yet, one at a time, answer hidden until asked.

Each card is a ``HeadingRef``, so marks, edits and outside changes (which re-parse the file,
insert questions above, rename or move it) never lose its place.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Footer, Static

from notesui.core.document import Document, Heading
from notesui.core.refs import HeadingRef
from notesui.core.text import one_line
from notesui.ui import keys
from notesui.ui.context import Context, FilesChanged
from notesui.ui.pages import NO_ANSWER
from notesui.ui.screens.dialogs import ChoiceScreen
from notesui.ui.screens.editor import EditorScreen
from notesui.ui.widgets.viewer import PageView


@dataclass(frozen=True, slots=True)
class Summary:
    seen: int
    newly_mastered: int
    left: int


def review_cards(scope: list[tuple[Document, Heading | None]]) -> list[HeadingRef]:
    """The questions not mastered yet in each (file, heading or None for all of it), in order."""
    return [
        HeadingRef.of(doc, heading) for doc, under in scope for heading in doc.questions(under) if not heading.mastered
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

    BINDINGS: ClassVar[list[BindingType]] = list(keys.REVIEW)

    def __init__(self, ctx: Context, cards: list[HeadingRef], *, seed: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.cards = list(cards)  # in file order; each follows its question as files change
        self.shuffled = ctx.prefs.review_order == "shuffled"
        self.random = random.Random(seed)
        self.order = self._ordered()  # the card numbers in the order they are shown
        self.position = 0
        self.revealed = False
        self.seen: set[int] = set()
        self.mastered: set[int] = set()

    def _ordered(self) -> list[int]:
        order = list(range(len(self.cards)))
        if self.shuffled:
            self.random.shuffle(order)
        return order

    def compose(self) -> ComposeResult:
        yield Static("", id="review-progress", markup=False)
        yield Static("", id="review-crumbs", markup=False)
        yield Static("", id="review-question", markup=False)
        yield Static("", id="review-hint", markup=False)
        yield PageView(id="review-answer", classes="hidden")
        yield Footer()

    def on_mount(self) -> None:
        self.ctx.files_changed.subscribe(self, self._files_changed)
        self.show_card()

    # -- the current card -------------------------------------------------------------

    @property
    def number(self) -> int | None:
        return self.order[self.position] if 0 <= self.position < len(self.order) else None

    def current(self) -> tuple[Document, Heading] | None:
        """The current card's file and heading as they are now."""
        number = self.number
        found = self.cards[number].find(self.ctx.session.documents, guess=False) if number is not None else None
        return (self.ctx.session.documents[found[0]], found[1]) if found is not None else None

    def show_card(self) -> None:
        number = self.number
        if number is None:
            self.query_one("#review-question", Static).update("Nothing to review here: every question is mastered.")
            self.query_one("#review-hint", Static).update("Press escape to go back.")
            self.query_one("#review-progress", Static).update("Review")
            return
        card = self.cards[number]
        self.seen.add(number)
        order = "shuffled" if self.shuffled else "in file order"
        done = f" · {len(self.mastered)} newly mastered" if self.mastered else ""
        self.query_one("#review-progress", Static).update(
            f"Review · {self.position + 1}/{len(self.order)} · {order}{done}"
        )
        found = self.current()
        if found is None:
            self.query_one("#review-crumbs", Static).update(one_line(card.rel))
            self.query_one("#review-question", Static).update(f"{card.title} (no longer in the notes)")
            self._set_answer("")
            return
        doc, heading = found
        crumbs = (doc.rel, *doc.title_path(heading)[:-1])
        self.query_one("#review-crumbs", Static).update(" › ".join(map(one_line, crumbs)))
        title = Text(heading.title)
        if heading.mastered:
            title = Text.assemble(("✓ ", "green"), title)
        self.query_one("#review-question", Static).update(title)
        self._set_answer(doc.span_text(heading.answer).strip() if heading.has_answer else NO_ANSWER)

    def _set_answer(self, source: str) -> None:
        answer = self.query_one("#review-answer", PageView)
        answer.show_markdown(source)
        answer.set_class(not self.revealed, "hidden")
        hint = "" if self.revealed else "space shows the answer · m mastered · n next · p previous"
        self.query_one("#review-hint", Static).update(hint)

    @on(PageView.Rendered)
    def _rendered(self, event: PageView.Rendered) -> None:
        if event.raw is not None and event.view.is_current(event):  # too large or deep to render: as it is
            event.view.show_lines(
                [Strip([Segment(line)]) for line in event.raw.splitlines()], event.view.source, home=True
            )

    # -- keys -------------------------------------------------------------------------

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self.show_card()

    def action_step(self, step: int) -> None:
        if not self.order:
            return
        self.position = max(0, min(len(self.order) - 1, self.position + step))
        self.revealed = False
        self.show_card()

    def action_master(self) -> None:
        found = self.current()
        number = self.number
        if found is None or number is None:
            return
        doc, heading = found
        if not heading.mastered:
            if not self.ctx.set_mastered(doc.rel, [heading], True, self.notify):
                return
            self.mastered.add(number)
        if self.position < len(self.order) - 1:
            self.action_step(1)
        else:
            self.show_card()
            self.notify("That was the last question: escape ends the review.")

    @work(group="ask")
    async def action_edit(self) -> None:
        if not self.is_current:
            return  # a dialog is already open: one question at a time
        found = self.current()
        if found is not None and self.ctx.writable(found[0], self.notify):
            await self.app.push_screen_wait(EditorScreen(self.ctx, *found))
            self.show_card()

    def action_toggle_order(self) -> None:
        number = self.number
        self.shuffled = not self.shuffled
        self.order = self._ordered()
        self.position = self.order.index(number) if number is not None else 0
        self.ctx.set_prefs(review_order="shuffled" if self.shuffled else "file")
        self.show_card()

    def summary(self) -> Summary:
        return Summary(len(self.seen), len(self.mastered), len(self.cards) - len(self.mastered))

    @work(group="ask")
    async def action_finish(self) -> None:
        if not self.is_current:
            return  # a dialog is already open: one question at a time
        summary = self.summary()
        message = (
            f"Questions seen: {summary.seen}\nNewly mastered: {summary.newly_mastered}\n"
            f"Left to master here: {summary.left}"
        )
        await self.app.push_screen_wait(ChoiceScreen("Review finished", message, [("Done", "done")], cancel="done"))
        self.dismiss(summary)

    # -- changes ----------------------------------------------------------------------

    def _files_changed(self, event: FilesChanged) -> None:
        """Cards in the changed files follow their questions (renamed, moved); the current
        one is shown afresh."""
        documents = self.ctx.session.documents
        for number, card in enumerate(self.cards):
            if event.touches(card.rel) and (found := card.find(documents, guess=False)) is not None:
                self.cards[number] = HeadingRef.of(documents[found[0]], found[1])
        if self.number is not None and self.is_current:
            self.show_card()
