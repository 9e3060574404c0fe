"""The reader: a breadcrumb, the mastered state and the section, rendered for reading.

A section is rendered off the UI thread (``core.reading``: Markdown to lines of styled text,
right for Chinese) and painted by one widget, ``PageView``, line by line: a page of any
length costs the UI thread nothing but the lines on screen. A long section shows its first
screenful first; the newest selection always wins (an older render is dropped, never
painted); rendered pages are kept by content, width and theme.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static, TextArea
from textual.widgets.text_area import Selection
from textual.worker import get_current_worker

from notesui.core.reading import HEAD_CHARS, chunks, first_part, render_lines
from notesui.core.render import RENDER_MAX_CHARS, clean, prepare, too_long, unrenderable
from notesui.core.search import matches_in, typed_terms
from notesui.core.text import one_line
from notesui.ui.widgets.paint import StyleOncePerPaint

SETTLE_SECONDS = 0.2
"""The rest of a long section (its first part is shown at once) renders once the reader has
stayed on it this long: holding ``j`` down renders nothing that is only passed over, and
the pages passed over never compete with the one read for the CPU."""
PAGES_KEPT = 64
"""Rendered pages kept (by content, width and theme): going back to one costs nothing."""
MARK = Style(underline=True)
CURRENT = Style(reverse=True)


@dataclass(frozen=True, slots=True)
class Page:
    """What to show: the breadcrumb, a status line and the Markdown source of a section."""

    crumbs: tuple[str, ...]
    source: str
    status: str = ""
    notice: str | None = None


class PageView(StyleOncePerPaint, ScrollView, can_focus=True):
    """A section rendered for reading (off the UI thread), painted line by line."""

    DEFAULT_CSS = """
    PageView { height: 1fr; padding: 0 1; scrollbar-gutter: stable; }
    """

    class Rendered(Message):
        """A page is on screen: in full (``final``) or its first part; ``raw``: too large or
        too deeply nested to render, shown by whoever asked as this plain text."""

        def __init__(self, view: PageView, final: bool, raw: str | None = None, notice: str | None = None) -> None:
            super().__init__()
            self.view, self.final, self.raw, self.notice = view, final, raw, notice
            self.serial = 0

    virtual_size = Reactive(Size(0, 0), layout=False)
    """(A new page needs its scroll bars set, not a layout of the whole screen, which costs a
    key ~10 ms: ``show_lines`` sets them; the bars' showing or hiding still lays out.)"""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.lines: list[Strip] = []
        self.source = ""  # the Markdown shown (as cleaned for showing)
        self._serial = 0
        self._width = 0
        self._wanted: str | None = None  # the page asked for last (as given)

    def show_markdown(self, source: str, *, home: bool = True) -> None:
        """Render ``source`` and show it (the newest call wins); ``home``: from the top.

        A short section, or a long one's first part (at most ``2 × HEAD_CHARS``), is rendered on
        the UI thread once the messages already waiting are handled (a few milliseconds, a few
        tens at most): keys pressed in a burst render only the last page, and it is on screen
        with the next frame. The rest of a long one (or all of it, when its first part can't
        be cut off) renders in a thread, in pieces, once the reader has stayed on it."""
        self._serial += 1
        self._wanted = source
        self.call_later(self._render_page, source, self._serial, home)

    def _render_page(self, source: str, serial: int, home: bool) -> None:
        if serial != self._serial:
            return  # a newer page was asked for meanwhile
        width, look = self.text_width, self._look()
        self._width = width
        key = (source, width, look)
        with _pages_lock:
            if (kept := _pages.get(key)) is not None:
                _pages.move_to_end(key)
        if kept is not None:  # seen before: not even parsed again
            text, page = kept
            if isinstance(page, str):  # shown as plain text, and why
                self._apply(text, [], serial, home, self.Rendered(self, True, text, page))
            else:
                self._apply(text, page, serial, home, self.Rendered(self, True))
            return
        if len(source) > RENDER_MAX_CHARS:
            self._render_rest(source, key, serial, home, 0.0)  # (plain text: no first part)
            return
        whole = len(source) <= HEAD_CHARS
        head = source if whole else first_part(clean(source[: 2 * HEAD_CHARS]))
        if head is not None:
            shown = prepare(head)  # (cleans it)
            head = shown.text
            if shown.markdown is None and whole:
                _keep(key, (head, shown.notice or ""))
                self._apply(head, [], serial, home, self.Rendered(self, True, head, shown.notice))
                return
            if shown.markdown is not None:
                lines = _strips(shown.markdown, width, look)
                if whole:
                    _keep(key, (head, lines))
                    self._apply(head, lines, serial, home, self.Rendered(self, True))
                    return
                self._apply(source, lines, serial, home, self.Rendered(self, False))
                self._render_rest(source, key, serial, False, SETTLE_SECONDS)
                return
        # no first part to show at once: a placeholder, while the reader may move on
        self._apply(source, [_WAIT], serial, home, self.Rendered(self, False))
        self._render_rest(source, key, serial, home, SETTLE_SECONDS)

    def _look(self) -> tuple[tuple[tuple[str, str], ...], bool]:
        """The theme's colours pages are rendered with, and whether it is dark."""
        theme = self.app.current_theme
        palette = {
            name: value
            for name in ("primary", "secondary", "accent", "foreground", "surface", "panel")
            if isinstance(value := getattr(theme, name, None), str)
        }
        return tuple(sorted(palette.items())), theme.dark

    @work(thread=True, exclusive=True, group="page")
    def _render_rest(self, source: str, key: tuple[Any, ...], serial: int, home: bool, wait: float) -> None:
        """Render the whole of a long section, in pieces (a newer page stops it between two),
        after ``wait`` seconds: only once the reader has stayed on it."""
        worker = get_current_worker()

        def gone() -> bool:
            return serial != self._serial or worker.is_cancelled

        time.sleep(wait)
        if gone():
            return
        text = clean(source)
        notice = too_long(text)
        lines: list[Strip] = []
        for piece in chunks(text) if notice is None else ():
            if gone():
                return
            if (notice := unrenderable(piece)) is not None:
                break
            if lines:
                lines.append(Strip([]))  # (the blank line between blocks)
            lines += _strips(piece, key[1], key[2])
        if gone():
            return
        _keep(key, (text, lines if notice is None else notice))
        rendered = self.Rendered(self, True, text if notice else None, notice)
        self.app.call_from_thread(self._apply, text, lines if notice is None else [], serial, home, rendered)

    def _apply(self, source: str, lines: list[Strip], serial: int, home: bool, rendered: Rendered) -> None:
        if serial != self._serial:
            return  # a newer page was asked for meanwhile
        self.show_lines(list(lines), source, home=home)
        rendered.serial = serial
        self.post_message(rendered)

    def is_current(self, rendered: Rendered) -> bool:
        """Whether ``rendered`` tells of the page asked for last (not one replaced since)."""
        return rendered.serial == self._serial

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._again, init=False)

    def on_resize(self) -> None:
        if self.text_width != self._width:
            self._again()

    def _again(self) -> None:
        """Render the page asked for last again (another width or theme), where it was."""
        if self._wanted is not None:
            self.show_markdown(self._wanted, home=False)

    def show_lines(self, lines: list[Strip], source: str, *, home: bool) -> None:
        self.lines, self.source = lines, source
        width = max((line.cell_length for line in lines), default=0)
        self.virtual_size = Size(width, len(lines))
        self._scroll_update(self.virtual_size)
        if home:
            self.scroll_home(animate=False)
        self.refresh()

    def replace_line(self, index: int, line: Strip) -> None:
        self.lines[index] = line
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.scrollable_content_region.width
        style = self.rich_style
        if index >= len(self.lines):
            return Strip.blank(width, style)
        return self.lines[index].crop_extend(scroll_x, scroll_x + width, style).apply_style(style)

    @property
    def text_width(self) -> int:
        """The width pages are rendered to."""
        return max(self.scrollable_content_region.width, 20)


class TextLine(Static):
    """A line of plain text (more when it wraps) that asks for a new layout only when its
    height may change: a layout repaints the whole screen, which costs a key ~15 ms."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.text = Text()

    def show(self, text: Text) -> None:
        if text == self.text:
            return
        fits = self.size.height == 1 and "\n" not in text.plain and cell_len(text.plain) <= self.content_region.width
        self.text = text
        self.update(text, layout=not fits)


_WAIT = Strip([Segment("…", Style(dim=True))])
"""What a long section shows until it is rendered (the reader may move on before)."""
_pages_lock = threading.Lock()
_pages: OrderedDict[tuple[Any, ...], tuple[str, list[Strip] | str]] = OrderedDict()
"""Pages rendered, by (source, width, look): the text shown and its lines, or the notice of a
page shown as plain text."""


def _keep(key: tuple[Any, ...], page: tuple[str, list[Strip] | str]) -> None:
    with _pages_lock:
        _pages[key] = page
        while len(_pages) > PAGES_KEPT:
            _pages.popitem(last=False)


def forget_pages() -> None:
    """Drop every rendered page kept."""
    with _pages_lock:
        _pages.clear()


class Viewer(Vertical):
    """Shows one Page; the newest page always wins."""

    DEFAULT_CSS = """
    Viewer { height: 1fr; }
    Viewer #crumbs { height: auto; padding: 0 1; background: $panel; color: $text; }
    Viewer #status { height: auto; padding: 0 1; color: $text-muted; }
    Viewer #notice { height: auto; padding: 0 1; color: $warning; display: none; }
    Viewer #notice.shown { display: block; }
    Viewer #raw { height: 1fr; display: none; border: none; }
    Viewer.raw #raw { display: block; }
    Viewer.raw #body { display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._page: Page | None = None
        self._status = ""
        self._crumbs: tuple[str, ...] = ()
        self._query = ""  # the search that led here: n/N move between its matches
        self._matches: list[tuple[int, int, int]] = []  # line (-1: raw text), start, end (cells; raw: offsets)
        self._at = -1
        self._plain: dict[int, Strip] = {}  # lines marked: as rendered
        self._finding = False  # the matches are not known yet (the page is being rendered)
        self._step_later = 0  # n/N pressed meanwhile

    def compose(self) -> ComposeResult:
        yield TextLine(id="crumbs")
        yield TextLine(id="status")
        yield TextLine(id="notice")
        yield PageView(id="body")
        yield TextArea(id="raw", read_only=True, soft_wrap=True, show_line_numbers=False)

    @property
    def page_view(self) -> PageView:
        return self.query_one("#body", PageView)

    def show(self, page: Page, find: str | None = None) -> None:
        """Show ``page``; ``find``: the search that led to it (its matches are marked, and
        ``find_step`` moves between them); None keeps the search while the same section is
        shown again."""
        if find is None:
            find = self._query if page.crumbs == self._crumbs else ""
        home = page.crumbs != self._crumbs
        self._page, self._crumbs = page, page.crumbs
        self._query, self._matches, self._at, self._plain = find, [], -1, {}
        self._finding, self._step_later = bool(find), 0
        # file and folder names may hold control characters too: never pass them through
        self.query_one("#crumbs", TextLine).show(Text(" › ".join(map(one_line, page.crumbs)), style="bold"))
        self._status = one_line(page.status)
        self.query_one("#status", TextLine).show(Text(self._status))
        self.page_view.show_markdown(page.source, home=home)

    @on(PageView.Rendered)
    def _rendered(self, event: PageView.Rendered) -> None:
        event.stop()
        if not event.view.is_current(event):
            return  # another page was asked for since
        # new lines (another page, width or theme): the marks are found again on them
        self._matches, self._at, self._plain, self._finding = [], -1, {}, bool(self._query)
        notice = (self._page.notice if self._page else None) or event.notice
        widget = self.query_one("#notice", TextLine)
        widget.show(Text(notice or ""))
        widget.set_class(bool(notice), "shown")
        self.set_class(event.raw is not None, "raw")
        raw = self.query_one("#raw", TextArea)
        if raw.text != (event.raw or ""):
            raw.load_text(event.raw or "")
        if event.final and event.raw is not None:
            self._find_raw()
        elif event.final:
            self._find_lines()

    # -- the matches of the search that led here ---------------------------------------

    def _find_raw(self) -> None:
        self._matches, self._at, self._plain = [], -1, {}
        text = self.query_one("#raw", TextArea).text
        heading = len(text.split("\n", 1)[0]) if text.startswith("#") else 0
        self._matches = [(-1, start, end) for start, end in matches_in(text, self._query) if start >= heading]
        self._found()

    def _find_lines(self) -> None:
        """Mark the matches of the search on the page, the section's own heading aside."""
        self._matches, self._at, self._plain = [], -1, {}
        if not self._query:
            self._finding = False
            return
        lines = self.page_view.lines
        texts = [line.text for line in lines]
        first = next((i for i, text in enumerate(texts) if text.strip()), 0)
        if self._page is not None and self._page.source.lstrip().startswith("#"):
            first = next((i for i in range(first, len(texts)) if not texts[i].strip()), first)  # past the heading
        else:
            first = 0
        typed = typed_terms("\n".join(texts), self._query)
        for number in range(first, len(texts)):
            text = texts[number]
            for start, end in matches_in(text, self._query, typed):
                self._matches.append((number, cell_len(text[:start]), cell_len(text[:end])))
        for number in dict.fromkeys(line for line, _, _ in self._matches):
            self._plain[number] = lines[number]
            self._mark(number)
        self._found()

    def _found(self) -> None:
        self._finding = False
        if self._step_later:
            self.find_step(self._step_later)
        else:
            self._say()

    def _mark(self, number: int) -> None:
        line = self._plain[number]
        cuts = sorted({cut for at, start, end in self._matches if at == number for cut in (start, end)})
        parts = line.divide([*cuts, line.cell_length])  # (divide keeps nothing after its last cut)
        edges = [0, *cuts]
        marked = []
        for part, left in zip(parts, edges):
            style = None
            for index, (at, start, end) in enumerate(self._matches):
                if at == number and start <= left < end:
                    style = CURRENT if index == self._at else MARK
            marked.append(Strip(Segment.apply_style(part, post_style=style)) if style else part)
        self.page_view.replace_line(number, Strip.join(marked))

    def find_step(self, step: int) -> bool:
        """Go to the next (``step`` 1) or previous (-1) match; False when there is none."""
        if self._finding:  # the page is still being rendered: go there once it is
            self._step_later += step
            return True
        if not self._matches:
            self._say()
            return False
        before = self._matches[self._at][0] if self._at >= 0 else None
        self._at = (self._at + step) % len(self._matches)
        line, start, end = self._matches[self._at]
        if line < 0:
            raw = self.query_one("#raw", TextArea)
            raw.selection = Selection(_location(raw.text, start), _location(raw.text, end))
            raw.scroll_cursor_visible(center=True, animate=False)
        else:
            for changed in {before, line} - {None}:
                self._mark(changed)  # type: ignore[arg-type]
            view = self.page_view
            if not view.scroll_y <= line < view.scroll_y + view.scrollable_content_region.height:
                view.scroll_to(y=max(0, line - view.scrollable_content_region.height // 3), animate=False)
        self._say()
        return True

    @property
    def finding(self) -> str:
        """The search whose matches this page marks ("" for none)."""
        return self._query

    @property
    def matches(self) -> list[tuple[str, bool]]:
        """The text of every match marked on the page, and whether it is the current one."""
        lines = self.page_view.lines
        out = []
        for index, (line, start, end) in enumerate(self._matches):
            text = self.query_one("#raw", TextArea).text[start:end] if line < 0 else lines[line].crop(start, end).text
            out.append((text, index == self._at))
        return out

    def _say(self) -> None:
        if not self._query or not self._matches:  # (n says when there are none)
            said = self._status
        else:
            count, query = len(self._matches), one_line(self._query)
            if self._at >= 0:
                said = f"{self._status} · match {self._at + 1}/{count} of “{query}”"
            else:
                said = f"{self._status} · {count} {'match' if count == 1 else 'matches'} of “{query}” (n/N)"
        self.query_one("#status", TextLine).show(Text(said))


def _strips(markdown: str, width: int, look: tuple[tuple[tuple[str, str], ...], bool]) -> list[Strip]:
    palette, dark = look
    return [Strip(line) for line in render_lines(markdown, width, dict(palette), dark)]


def _location(text: str, index: int) -> tuple[int, int]:
    """The (row, column) of ``text[index]``."""
    return text.count("\n", 0, index), index - (text.rfind("\n", 0, index) + 1)
