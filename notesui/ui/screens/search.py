"""``/``: search every note as you type.

Each keystroke starts a search in a worker thread; results carry the serial number of the
query that produced them and are dropped when a newer query has been typed since, so a slow
search can never overwrite the results of a faster, newer one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from notesui.core.document import Document
from notesui.core.notebook import all_mastered
from notesui.core.search import Hit, SearchIndex, describe_query
from notesui.core.text import one_line
from notesui.ui.context import Context

RESULT_LIMIT = 50
MATCH_STYLE = "bold underline $text-accent"


def _highlighted(text: str, spans: tuple[tuple[int, int], ...], style: str = "") -> Content:
    content = Content(text)
    if style:
        content = content.stylize(style)
    for start, end in spans:
        content = content.stylize(MATCH_STYLE, start, end)
    return content


def hit_title(hit: Hit) -> Content:
    """The title with its matched characters highlighted, after the mastered mark."""
    title = hit.title.replace("\n", " ")
    mark = Content.styled("✓ ", "$text-success") if hit.mastered else Content.styled("• ", "dim")
    return mark + _highlighted(title, hit.spans, "bold")


def hit_crumbs(hit: Hit) -> str:
    return " › ".join(map(one_line, (hit.file, *hit.path)))


def hit_prompt(hit: Hit) -> Content:
    """A result row: title, breadcrumb and, for an answer match, a snippet."""
    lines = [hit_title(hit), Content.styled("  " + hit_crumbs(hit), "dim")]
    if hit.snippet:
        lines.append(Content("  ") + _highlighted(hit.snippet, hit.snippet_spans, "italic"))
    return Content("\n").join(lines)


def hidden(documents: Mapping[str, Document], hit: Hit) -> bool:
    """Whether the tree hides this hit with mastered questions hidden: it, or a heading
    above it, has questions and every one of them is mastered."""
    found = hit.ref.find(documents, closest=False) if hit.ref is not None else None
    if found is None:
        return hit.mastered
    doc = documents[found[0]]
    return any(all_mastered(doc, above) for above in doc.path_of(found[1]))


class SearchScreen(ModalScreen[Hit | None]):
    """A query line over a list of results; Enter picks one, Escape closes."""

    DEFAULT_CSS = """
    SearchScreen { align: center top; }
    SearchScreen > Vertical {
        width: 90%; max-width: 120; height: 90%; margin-top: 1;
        background: $surface; border: round $primary; padding: 0 1;
    }
    SearchScreen #search-input { margin: 0; }
    SearchScreen #search-status { color: $text-muted; height: 1; padding: 0 1; }
    SearchScreen #search-results { height: 1fr; border: none; background: $surface; }
    SearchScreen #search-results > .option-list--option { padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(8)", "Page down", show=False),
        Binding("pageup", "move(-8)", "Page up", show=False),
        Binding("enter", "choose", "Jump"),
    ]

    def __init__(self, ctx: Context, query: str = "") -> None:
        super().__init__()
        self.ctx = ctx
        self.typed = query
        """What is in the query line (kept after the screen closes, to reopen with it)."""
        self.hits: list[Hit] = []
        self._serial = 0
        self.shown_serial = 0
        """The serial number of the query whose results are on screen (tests wait on it)."""
        self._choose_when_shown = False  # enter came before the results of the query typed

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(
                self.typed,
                placeholder="Search titles and answers (简/繁 alike, typos forgiven)…",
                id="search-input",
            )
            yield Static("", id="search-status", markup=False)
            yield OptionList(id="search-results")

    def on_mount(self) -> None:
        self.query_one("#search-results", OptionList).can_focus = False
        self.query_one(Input).focus()
        self.ctx.index_changed.subscribe(self, lambda _: self.refresh_results())
        self.refresh_results()

    @property
    def index(self) -> SearchIndex | None:
        return self.ctx.session.index

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        self.typed = event.value
        self.refresh_results()

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_choose()

    def refresh_results(self) -> None:
        """Search again for what is in the query line (also called when the index changes)."""
        self._serial += 1
        query = self.typed
        status = self.query_one("#search-status", Static)
        if not query.strip():
            self._show(self._serial, [], "Type to search every question and answer.")
        elif self.index is None:
            status.update("Indexing the notes…")
        else:
            self._search(self.index, query, self._serial)

    @work(thread=True, group="search")
    def _search(self, index: SearchIndex, query: str, serial: int) -> None:
        if serial != self._serial:
            return  # typed on meanwhile: don't spend time on a query nobody waits for
        hide = self.ctx.prefs.hide_mastered
        hits = index.search(query, RESULT_LIMIT * 4 if hide else RESULT_LIMIT)
        if hide:  # what the tree hides is not offered
            documents = self.ctx.session.documents
            hits = [hit for hit in hits if not hidden(documents, hit)][:RESULT_LIMIT]
        read = describe_query(query)
        read = f" for {one_line(read)}" if read else ""
        if not hits:
            status = f"Nothing matches “{one_line(query)}”{read}."
        else:
            more = "+" if len(hits) >= RESULT_LIMIT else ""
            status = f"{len(hits)}{more} result{'s' if len(hits) > 1 else ''}{read} · ↑/↓ choose · enter jumps"
        if hide:
            status += " · mastered hidden"
        self.app.call_from_thread(self._show, serial, hits, status)

    def _show(self, serial: int, hits: list[Hit], status: str) -> None:
        if serial != self._serial:
            return  # a newer query is on its way: never overwrite it with older results
        self.hits = hits
        self.shown_serial = serial
        self.query_one("#search-status", Static).update(status)
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        results.add_options(Option(hit_prompt(hit)) for hit in hits)
        if hits:
            results.highlighted = 0
        if self._choose_when_shown:
            self._choose_when_shown = False
            self.action_choose()

    @property
    def searching(self) -> bool:
        return self.shown_serial != self._serial

    def action_move(self, step: int) -> None:
        results = self.query_one("#search-results", OptionList)
        if not self.hits:
            return
        current = results.highlighted or 0
        results.highlighted = max(0, min(len(self.hits) - 1, current + step))

    def action_choose(self) -> None:
        """Jump to the highlighted hit; while the results of the query as typed are on their
        way, to their first one once they come (never to a hit of an earlier keystroke)."""
        if self.searching and self.typed.strip():
            self._choose_when_shown = True
            return
        results = self.query_one("#search-results", OptionList)
        if self.hits and results.highlighted is not None:
            self.dismiss(self.hits[results.highlighted])

    @on(OptionList.OptionSelected, "#search-results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.hits):
            self.dismiss(self.hits[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)
