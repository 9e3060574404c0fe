"""The reader: a breadcrumb, the mastered state and the section rendered as Markdown."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Markdown, Static, TextArea
from textual.widgets.text_area import Selection

from notesui.core.render import Prepared, prepare, viewer_parser
from notesui.core.search import matches_in, typed_terms
from notesui.core.text import one_line


@dataclass(frozen=True, slots=True)
class Page:
    """What to show: the breadcrumb, a status line and the Markdown source of a section."""

    crumbs: tuple[str, ...]
    source: str
    status: str = ""
    notice: str | None = None


class NoteMarkdown(Markdown):
    """Markdown that shows raw HTML blocks as text instead of dropping them silently."""

    def unhandled_token(self, token):  # type: ignore[no-untyped-def]
        if token.type == "html_block" and token.content.strip():
            from textual.widgets.markdown import MarkdownFence

            fence = token.copy()
            fence.info = "html"
            return MarkdownFence(self, fence, token.content.rstrip("\n"))
        return super().unhandled_token(token)


class Viewer(Vertical):
    """Shows one Page. Parsing happens in a worker; the newest page always wins."""

    DEFAULT_CSS = """
    Viewer { height: 1fr; }
    Viewer #crumbs { height: auto; padding: 0 1; background: $panel; color: $text; }
    Viewer #status { height: auto; padding: 0 1; color: $text-muted; }
    Viewer #notice { height: auto; padding: 0 1; color: $warning; display: none; }
    Viewer #notice.shown { display: block; }
    Viewer #body { height: 1fr; padding: 0 1; }
    Viewer #raw { height: 1fr; display: none; border: none; }
    Viewer.raw #raw { display: block; }
    Viewer.raw #body { display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._serial = 0
        self._status = ""
        self._crumbs: tuple[str, ...] = ()
        self._query = ""  # the search that led here: n/N move between its matches
        self._matches: list[tuple[Static | None, int, int]] = []  # a piece of text (None: raw), range
        self._at = -1
        self._shown: dict[Static, Content] = {}  # pieces restyled: their own content
        self._finding = False  # the matches are not known yet (the page is being laid out)
        self._step_later = 0  # n/N pressed meanwhile

    def compose(self) -> ComposeResult:
        yield Static(id="crumbs", markup=False)
        yield Static(id="status", markup=False)
        yield Static(id="notice", markup=False)
        with VerticalScroll(id="body"):
            yield NoteMarkdown(id="markdown", open_links=False, parser_factory=viewer_parser)
        yield TextArea(id="raw", read_only=True, soft_wrap=True, show_line_numbers=False)

    @property
    def markdown(self) -> Markdown:
        return self.query_one("#markdown", Markdown)

    def show(self, page: Page, find: str | None = None) -> None:
        """Show ``page``; ``find``: the search that led to it (its matches are marked, and
        ``find_step`` moves between them); None keeps the search while the same section is
        shown again."""
        self._serial += 1
        if find is None:
            find = self._query if page.crumbs == self._crumbs else ""
        self._crumbs = page.crumbs
        self._query, self._matches, self._at, self._shown = find, [], -1, {}
        self._finding, self._step_later = bool(find), 0
        # file and folder names may hold control characters too: never pass them through
        self.query_one("#crumbs", Static).update(Text(" › ".join(map(one_line, page.crumbs)), style="bold"))
        self._status = one_line(page.status)
        self.query_one("#status", Static).update(Text(self._status))
        self._prepare(page, self._serial)

    @work(thread=True, exclusive=True, group="viewer")
    def _prepare(self, page: Page, serial: int) -> None:
        prepared = prepare(page.source)
        self.app.call_from_thread(self._apply, page, prepared, serial)  # type: ignore[arg-type]  # a coroutine is awaited

    async def _apply(self, page: Page, prepared: Prepared, serial: int) -> None:
        if serial != self._serial:
            return  # a newer page was asked for meanwhile
        with contextlib.suppress(NoMatches):  # the viewer is being taken down (the app is closing)
            await self._apply_page(page, prepared, serial)

    async def _apply_page(self, page: Page, prepared: Prepared, serial: int) -> None:
        notice = page.notice or prepared.notice
        notice_widget = self.query_one("#notice", Static)
        notice_widget.update(Text(notice or ""))
        notice_widget.set_class(bool(notice), "shown")
        self.set_class(prepared.markdown is None, "raw")
        if prepared.markdown is None:
            self.query_one("#raw", TextArea).load_text(prepared.text)
            await self.markdown.update("")
        else:
            self.query_one("#raw", TextArea).load_text("")
            await self.markdown.update(prepared.markdown)
            self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        if self._query and serial == self._serial:  # (not shown again while laid out)
            self._find(prepared.markdown is None)

    # -- the matches of the search that led here ---------------------------------------

    def _find(self, raw: bool) -> None:
        """Mark the matches of the search in the page, the section's own heading aside: in
        every piece of text shown (paragraphs, headings, list items, code, table cells)."""
        self._matches, self._at, self._shown = [], -1, {}
        if raw:
            text = self.query_one("#raw", TextArea).text
            heading = len(text.split("\n", 1)[0]) if text.startswith("#") else 0
            found = matches_in(text, self._query)
            self._matches = [(None, start, end) for start, end in found if start >= heading]
        else:
            pieces = [
                (piece, piece.content)
                for piece in self.markdown.query(Static)
                if isinstance(piece.content, Content) and piece.content.plain
            ]
            if pieces and pieces[0][0].name == "heading_open":  # (a block is named by its token)
                pieces = pieces[1:]
            typed = typed_terms("\n".join(content.plain for _, content in pieces), self._query)
            for piece, content in pieces:
                found = matches_in(content.plain, self._query, typed)
                self._matches += [(piece, start, end) for start, end in found]
                if found:
                    self._shown[piece] = content
                    self._mark(piece)
        self._finding = False
        if self._step_later:
            self.find_step(self._step_later)
        else:
            self._say()

    def _mark(self, piece: Static) -> None:
        content = self._shown[piece]
        for number, (where, start, end) in enumerate(self._matches):
            if where is piece:
                content = content.stylize("reverse" if number == self._at else "underline", start, end)
        piece.update(content)

    def find_step(self, step: int) -> bool:
        """Go to the next (``step`` 1) or previous (-1) match; False when there is none."""
        if self._finding:  # the page is still being laid out: go there once it is
            self._step_later += step
            return True
        if not self._matches:
            self._say()
            return False
        before = self._matches[self._at][0] if self._at >= 0 else None
        self._at = (self._at + step) % len(self._matches)
        block, start, end = self._matches[self._at]
        if block is None:
            raw = self.query_one("#raw", TextArea)
            raw.selection = Selection(_location(raw.text, start), _location(raw.text, end))
            raw.scroll_cursor_visible(center=True, animate=False)
        else:
            for changed in {before, block} - {None}:
                self._mark(changed)  # type: ignore[arg-type]
            self.query_one("#body", VerticalScroll).scroll_to_widget(block, animate=False, top=True)
        self._say()
        return True

    @property
    def finding(self) -> str:
        """The search whose matches this page marks ("" for none)."""
        return self._query

    def _say(self) -> None:
        if not self._query:
            said = self._status
        elif not self._matches:
            said = f"{self._status} · “{one_line(self._query)}” is not in this text"
        else:
            count, query = len(self._matches), one_line(self._query)
            if self._at >= 0:
                said = f"{self._status} · match {self._at + 1}/{count} of “{query}”"
            else:
                said = f"{self._status} · {count} {'match' if count == 1 else 'matches'} of “{query}” (n/N)"
        self.query_one("#status", Static).update(Text(said))

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        """Links never open by themselves: the address is shown and copied."""
        event.stop()
        self.app.copy_to_clipboard(event.href)
        self.notify(f"Link copied to the clipboard: {event.href}", title="Link")


def _location(text: str, index: int) -> tuple[int, int]:
    """The (row, column) of ``text[index]``."""
    return text.count("\n", 0, index), index - (text.rfind("\n", 0, index) + 1)
