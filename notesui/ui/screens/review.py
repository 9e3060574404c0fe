"""``r``: review what is due under the selection, one question at a time, answer hidden
until asked, then rated (``1`` again … ``4`` easy) for the schedule (``core.reviews``).

The questions due now come first, most overdue first, then new ones up to today's limit (in
file order or shuffled: ``o``). Each card is a ``HeadingRef``, so marks, edits and outside
changes (which re-parse the file, insert questions above, rename or move it) never lose its
place.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Footer, Static

from notesui.core.document import Document, Heading
from notesui.core.refs import HeadingRef
from notesui.core.reviews import RATINGS, describe_interval, due_by, end_of_day, review_queue, utc_now
from notesui.core.text import one_line
from notesui.ui import keys
from notesui.ui.context import Context, FilesChanged
from notesui.ui.pages import NO_ANSWER
from notesui.ui.screens.dialogs import Choice, ChoiceScreen
from notesui.ui.screens.editor import EditorScreen
from notesui.ui.widgets.viewer import PageView


@dataclass(frozen=True, slots=True)
class Summary:
    seen: int
    newly_mastered: int
    left: int  # cards not rated nor mastered
    ratings: tuple[int, int, int, int] = (0, 0, 0, 0)  # again, hard, good, easy
    due_tomorrow: int = 0  # questions due by the end of tomorrow (all notes)

    def describe(self) -> str:
        rated = ", ".join(f"{n} {name}" for n, name in zip(self.ratings, RATINGS) if n) or "none"
        return (
            f"Questions seen: {self.seen}\nRated: {rated}\nNewly mastered: {self.newly_mastered}\n"
            f"Left in this review: {self.left}\nDue by the end of tomorrow: {self.due_tomorrow}"
        )


def review_cards(ctx: Context, scope: list[tuple[Document, Heading | None]]) -> tuple[list[HeadingRef], int]:
    """What ``r`` reviews in each (file, heading or None for all of it): the questions due now,
    most overdue first, then new ones up to what is left of today's limit; and how many are due."""
    questions = [(doc.rel, h) for doc, under in scope for h in doc.questions(under)]
    session = ctx.session
    due, new = review_queue(
        questions,
        session.links(),
        session.schedule,
        new_per_day=ctx.prefs.new_per_day,
        unanswered=ctx.prefs.review_unanswered,
    )
    documents = session.documents
    return [HeadingRef.of(documents[item.rel], item.heading) for item in due + new], len(due)


async def place_histories(app: App[object], ctx: Context) -> None:
    """Ask, for each review history whose question could be one of several now (renamed and
    rewritten beside a look-alike), which one it is: never a guess."""
    for history, candidates in ctx.session.links().ambiguous:
        listed = "\n".join(f"{n}. {rel}:{h.line + 1}  {one_line(h.title)}" for n, (rel, h) in enumerate(candidates, 1))
        message = (
            f"“{one_line(history.where.title_text)}” ({history.count} reviews) is not where it was. "
            f"Which question is it now?\n{listed}"
        )
        choices: list[Choice[int] | tuple[str, int]] = [
            Choice(str(n), n - 1, str(n)) for n in range(1, len(candidates) + 1)
        ]
        choices.append(Choice("None of these", -1, "x"))
        choice = await app.push_screen_wait(ChoiceScreen("Whose review history?", message, choices, cancel=-2))
        if choice >= -1:  # (escape: asked again next time)
            ctx.session.choose(history.id, candidates[choice] if choice >= 0 else None)


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

    def __init__(self, ctx: Context, cards: list[HeadingRef], due: int = 0, *, seed: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.cards = list(cards)  # due ones first; each follows its question as files change
        self.due = due  # how many of the cards are due (the rest are new)
        self.shuffled = ctx.prefs.review_order == "shuffled"
        self.random = random.Random(seed)
        self.order = self._ordered()  # the card numbers in the order they are shown
        self.position = 0
        self.revealed = False
        self.seen: set[int] = set()
        self.mastered: set[int] = set()
        self.rated: dict[int, int] = {}  # card number -> its last rating

    def _ordered(self) -> list[int]:
        """Due cards as the queue has them; new ones in file order or shuffled."""
        new = list(range(self.due, len(self.cards)))
        if self.shuffled:
            self.random.shuffle(new)
        return list(range(self.due)) + new

    def compose(self) -> ComposeResult:
        yield Static("", id="review-progress", markup=False)
        yield Static("", id="review-crumbs", markup=False)
        yield Static("", id="review-question", markup=False)
        yield Static("", id="review-hint", markup=False)
        yield PageView(id="review-answer", classes="hidden")
        yield Footer(show_command_palette=False)  # (the ratings need the room; ctrl+p is in the help)

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
            self.query_one("#review-question", Static).update(
                "Nothing to review here: nothing is due, and no new question is left for today."
            )
            self.query_one("#review-hint", Static).update("Press escape to go back.")
            self.query_one("#review-progress", Static).update("Review")
            return
        card = self.cards[number]
        self.seen.add(number)
        order = "shuffled" if self.shuffled else "in file order"
        done = f" · {len(self.mastered)} newly mastered" if self.mastered else ""
        kind = "due" if number < self.due else f"new, {order}"
        self.query_one("#review-progress", Static).update(
            f"Review · {self.position + 1}/{len(self.order)} · {kind} · {self.due} due{done}"
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
        if self.revealed:
            hint = "rate it: 1 again · 2 hard · 3 good · 4 easy (when each brings it back: below)"
        else:
            hint = "space shows the answer · m mastered · n next · p previous"
        self.query_one("#review-hint", Static).update(hint)
        self._label_ratings()

    def _label_ratings(self) -> None:
        """The footer's ratings say when each would bring the question back (as in Anki)."""
        found = self.current()
        if not self.revealed or found is None:
            self.refresh_bindings()
            return
        session = self.ctx.session
        history = session.links().of(found[0].rel, found[1])
        now = utc_now()
        labels = {
            str(
                rating
            ): f"{name.capitalize()} {describe_interval(now, session.schedule.next_due(history, rating, now))}"
            for rating, name in enumerate(RATINGS, 1)
        }
        keys.relabel(self, labels)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rate":  # only once the answer is shown, and not for a mastered question
            found = self.current()
            return self.revealed and found is not None and not found[1].mastered
        return True

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

    def action_rate(self, rating: int) -> None:
        found = self.current()
        number = self.number
        if found is None or number is None or not self.revealed or found[1].mastered:
            return
        if self.ctx.rate(found[0].rel, found[1], rating, self.notify) is None:
            return
        self.rated[number] = rating
        self._next_or_end()

    def _next_or_end(self) -> None:
        if self.position < len(self.order) - 1:
            self.action_step(1)
        else:
            self.revealed = False
            self.show_card()
            self.notify("That was the last question: escape ends the review.")

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
        self._next_or_end()

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
        ratings = [0, 0, 0, 0]
        for rating in self.rated.values():
            ratings[rating - 1] += 1
        left = len(self.cards) - len(self.mastered | set(self.rated))
        session = self.ctx.session
        tomorrow = due_by(session.documents, session.links(), end_of_day(utc_now()) + timedelta(days=1))
        return Summary(
            len(self.seen), len(self.mastered), left, (ratings[0], ratings[1], ratings[2], ratings[3]), tomorrow
        )

    @work(group="ask")
    async def action_finish(self, quit_app: bool = False) -> None:
        """End the review with its summary (``quit_app``: then quit notesui, once confirmed)."""
        if not self.is_current:
            return  # a dialog is already open: one question at a time
        summary = self.summary()
        if not self.cards:
            self.dismiss(summary)  # (nothing was reviewed: one escape closes)
            if quit_app:
                self.app.exit()
            return
        if quit_app:
            choice = await self.app.push_screen_wait(
                ChoiceScreen(
                    "Quit?", summary.describe(), [("Quit notesui", "quit"), ("Keep reviewing", "back")], cancel="back"
                )
            )
            if choice != "quit":
                return
            self.dismiss(summary)
            self.app.exit()
            return
        await self.app.push_screen_wait(
            ChoiceScreen("Review finished", summary.describe(), [("Done", "done")], cancel="done")
        )
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
