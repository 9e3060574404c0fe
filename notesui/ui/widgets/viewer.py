"""The reader: a breadcrumb, the mastered state and the section rendered as Markdown."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Markdown, Static, TextArea

from notesui.core.render import Prepared, prepare, viewer_parser
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

    def show(self, page: Page) -> None:
        self._serial += 1
        # file and folder names may hold control characters too: never pass them through
        self.query_one("#crumbs", Static).update(Text(" › ".join(map(one_line, page.crumbs)), style="bold"))
        self.query_one("#status", Static).update(Text(one_line(page.status)))
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

    @on(Markdown.LinkClicked)
    def _link(self, event: Markdown.LinkClicked) -> None:
        """Links never open by themselves: the address is shown and copied."""
        event.stop()
        self.app.copy_to_clipboard(event.href)
        self.notify(f"Link copied to the clipboard: {event.href}", title="Link")
