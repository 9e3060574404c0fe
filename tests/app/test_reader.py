"""The reader's page view: what it shows at once, what it renders later, and what it skips."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult

from notesui.core.reading import HEAD_CHARS, render_lines
from notesui.ui.widgets import viewer
from notesui.ui.widgets.viewer import PageView

LONG = "\n\n".join(f"第 {n} 段：一个很长的答案, with some English words to wrap." for n in range(400))


class ViewApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.rendered: list[PageView.Rendered] = []

    def compose(self) -> ComposeResult:
        yield PageView()

    def on_page_view_rendered(self, event: PageView.Rendered) -> None:
        self.rendered.append(event)


@pytest.fixture(autouse=True)
def _no_pages_kept() -> None:
    viewer.forget_pages()


def _rendered_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Markdown text the view renders, in order."""
    seen: list[str] = []
    real = viewer._strips

    def spy(markdown: str, *args: object) -> object:
        seen.append(markdown)
        return real(markdown, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(viewer, "_strips", spy)
    return seen


async def _until(condition: object, pilot: object, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.02)
    raise AssertionError("never happened")


async def test_a_long_section_shows_its_first_screen_at_once_and_the_rest_later() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(PageView)
        view.show_markdown(LONG)
        await pilot.pause()  # (no thread: the first screenful is there with the next frame)
        assert view.lines and "第 0 段" in view.lines[0].text
        assert len(view.lines) < 400 and not any(e.final for e in app.rendered)  # (the first part)
        await _until(lambda: any(e.final for e in app.rendered), pilot)
        texts = [line.text.rstrip() for line in view.lines]
        assert texts == [
            "".join(s.text for s in line).rstrip() for line in render_lines(LONG, view.text_width, {}, True)
        ]


async def test_the_rest_of_a_long_section_waits_until_the_reader_stays_on_it(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = _rendered_texts(monkeypatch)
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(PageView)
        view.show_markdown(LONG)
        await asyncio.sleep(viewer.SETTLE_SECONDS / 2)  # j held down: the next key comes soon
        view.show_markdown("A short answer.")
        await asyncio.sleep(viewer.SETTLE_SECONDS * 3)
        await pilot.pause()
        # the long one's first part only: the rest was never rendered, nor even parsed
        assert len(rendered) == 2 and len(rendered[0]) <= HEAD_CHARS + 200
        assert view.source == "A short answer."
        assert [e.final for e in app.rendered] == [False, True]


async def test_a_long_section_too_deep_after_its_first_part_is_shown_as_text() -> None:
    deep = "".join(" " * (2 * level) + f"- level {level}\n" for level in range(40))
    source = LONG + "\n\n" + deep
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(PageView)
        view.show_markdown(source)
        await _until(lambda: any(e.final for e in app.rendered), pilot)
        final = [e for e in app.rendered if e.final][-1]
        assert final.raw is not None and "level 39" in final.raw  # nothing cut
        assert final.notice and "nests deeper" in final.notice


async def test_a_resize_before_a_long_section_is_whole_renders_the_whole_again() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(PageView)
        view.show_markdown(LONG)
        await pilot.resize_terminal(70, 30)
        await pilot.pause()
        assert view.text_width < 70
        await _until(lambda: any(e.final for e in app.rendered if view.is_current(e)), pilot)
        assert view.source == LONG
        assert len(view.lines) == len(render_lines(LONG, view.text_width, {}, True))


async def test_the_scroll_bar_follows_the_page_without_a_layout_of_the_screen() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(PageView)
        view.show_markdown("Short.")
        await pilot.pause()
        assert not view.show_vertical_scrollbar and view.max_scroll_y == 0
        view.show_markdown(LONG[:2500])
        await pilot.pause()
        assert (
            view.show_vertical_scrollbar
            and view.max_scroll_y == len(view.lines) - view.scrollable_content_region.height
        )
        view.scroll_end(animate=False)
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y > 0
        assert view.vertical_scrollbar.window_virtual_size == len(view.lines)
        view.show_markdown("Short again.")
        await pilot.pause()
        assert view.scroll_y == 0 and not view.show_vertical_scrollbar


async def test_pages_asked_for_in_a_burst_render_only_the_last(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = _rendered_texts(monkeypatch)
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(PageView)
        for n in range(10):  # keys handled one after the other, before the view's turn comes
            view.show_markdown(f"Page {n}\n\n" + LONG)
        await asyncio.sleep(viewer.SETTLE_SECONDS / 2)
        await pilot.pause()
        assert len(rendered) == 1 and rendered[0].startswith("Page 9")
        assert view.lines[0].text.startswith("Page 9")


FENCED = "```\n" + "\n".join(f"log line {n}: " + "x" * 50 for n in range(1000)) + "\n```\n\nAfter the log.\n"


async def test_a_first_part_that_cannot_be_cut_short_is_never_rendered_on_the_ui_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rendered = _rendered_texts(monkeypatch)
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(PageView)
        view.show_markdown(FENCED)  # (a 60 KB code block first: no first part to cut off)
        await pilot.pause()
        assert not rendered and view.lines[0].text == "…"  # a placeholder, at once
        await _until(lambda: any(e.final for e in app.rendered), pilot)
        assert any("After the log." in line.text for line in view.lines)


async def test_pages_passed_over_before_they_could_be_cut_short_are_never_rendered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rendered = _rendered_texts(monkeypatch)
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(PageView)
        for n in range(3):  # j held down over long code blocks
            view.show_markdown(f"{FENCED}\n{n}")
            await asyncio.sleep(0.05)
            await pilot.pause()
        view.show_markdown("Short.")
        await asyncio.sleep(viewer.SETTLE_SECONDS * 3)
        await pilot.pause()
        assert rendered == ["Short."]


async def test_a_resize_while_a_page_is_pending_renders_that_page_not_the_one_before() -> None:
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(PageView)
        view.show_markdown("Page A.")
        await pilot.pause()
        view.show_markdown("很长的一行，没有可以切开的地方。" * 1000 + "完")  # (one line: rendered whole, later)
        await pilot.resize_terminal(80, 30)  # (before it is)
        await _until(lambda: any(e.final and view.is_current(e) for e in app.rendered), pilot)
        assert view.lines[-1].text.rstrip().endswith("完")


async def test_a_section_too_long_to_render_goes_straight_to_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from notesui.core.render import RENDER_MAX_CHARS

    rendered = _rendered_texts(monkeypatch)
    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(PageView)
        view.show_markdown("段落。\n\n" * (RENDER_MAX_CHARS // 4))
        await _until(lambda: any(e.final for e in app.rendered), pilot)
        assert not rendered  # (no first part rendered and thrown away)
        assert [(e.final, e.raw is not None) for e in app.rendered] == [(True, True)]


async def test_a_new_page_lays_out_nothing_else_on_the_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.screen import Screen

    layouts: list[bool] = []
    real = Screen._refresh_layout

    def counting(self: Screen[object], size: object = None, scroll: bool = False) -> None:
        layouts.append(scroll)
        real(self, size, scroll)  # type: ignore[arg-type]

    app = ViewApp()
    async with app.run_test(size=(100, 30)) as pilot:
        view = app.query_one(PageView)
        view.show_markdown(LONG[:2500])
        await pilot.pause()
        monkeypatch.setattr(Screen, "_refresh_layout", counting)
        for n in range(3):  # long pages one after another: the scroll bar stays
            view.show_markdown(f"Page {n}\n\n" + LONG[:2500])
            await pilot.pause()
            assert view.lines[0].text.startswith(f"Page {n}")
        assert not any(scroll is False for scroll in layouts)  # (scrolling home may reflow, no more)
