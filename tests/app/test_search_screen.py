"""The search screen and the palette's "jump to question" in Textual's pilot."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from notesui.app import NotesApp
from notesui.core.search import SearchIndex
from notesui.ui.screens.search import SearchScreen
from notesui.ui.widgets.outline import OutlineTree
from notesui.ui.widgets.viewer import PageView, Viewer

from pilot import Told, crumbs, settle, shown


async def open_search(pilot, text: str) -> SearchScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("slash")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    await pilot.press(*text)
    await settle(pilot)
    return screen


async def test_type_results_and_enter_jumps(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_search(pilot, "lora")
        assert screen.hits[0].title == "What is LoRA?"
        assert screen.hits[0].where == "title"
        assert screen.hits[0].spans == ((8, 12),)
        status = str(screen.query_one("#search-status", Static).render())
        assert "result" in status
        rows = screen.query_one(OptionList)
        assert rows.option_count == len(screen.hits)
        assert "basics.md › Basics" in str(rows.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)
        assert crumbs(app) == "basics.md › Basics › What is LoRA?"
        assert "Low-rank adaptation" in shown(app)
        tree = app.screen.query_one(OutlineTree)
        assert tree.has_focus
        assert tree.cursor_node is not None and str(tree.cursor_node.label).endswith("What is LoRA?")


async def test_arrows_move_and_traditional_finds_simplified(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_search(pilot, "what is")
        titles = [hit.title for hit in screen.hits]
        assert sorted(titles[:2]) == ["What is LoRA?", "What is MQA?"]
        await pilot.press("down")
        assert screen.query_one(OptionList).highlighted == 1
        await pilot.press("enter")
        await settle(pilot)
        assert crumbs(app).endswith(" › " + titles[1])

        screen = await open_search(pilot, "")
        assert screen.query_one(Input).value == "what is"  # reopens with the last query
        await pilot.press(*"微調")  # replaces the selected old query; Traditional spelling
        await settle(pilot)
        assert screen.hits and screen.hits[0].title == "什么是微调？"
        assert screen.hits[0].spans == ((3, 5),)


async def test_body_match_shows_snippet_and_escape_closes(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        before = crumbs(app)
        screen = await open_search(pilot, "small matrices")
        hit = screen.hits[0]
        assert hit.where == "body" and hit.title == "What is LoRA?"
        assert "small matrices" in hit.snippet
        start, end = hit.snippet_spans[0]
        assert hit.snippet[start:end] == "small matrices"
        assert "small matrices" in str(screen.query_one(OptionList).get_option_at_index(0).prompt)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)
        assert crumbs(app) == before  # nothing moved


async def test_nothing_found_says_so(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_search(pilot, "zzzqqq")
        assert screen.hits == []
        assert "Nothing matches" in str(screen.query_one("#search-status", Static).render())
        await pilot.press("enter")  # nothing to jump to: stays open
        assert app.screen is screen


async def test_stale_results_never_overwrite_newer(sample_notes: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    real = SearchIndex.search

    def slow_for_first(self: SearchIndex, query: str, limit: int = 20):  # type: ignore[no-untyped-def]
        if query == "lo":
            release.wait(5)  # the first query is still running when the second finishes
        return real(self, query, limit)

    monkeypatch.setattr(SearchIndex, "search", slow_for_first)
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press("l", "o")
        await pilot.pause(0.05)
        await pilot.press("backspace", "backspace", *"mqa")
        for _ in range(50):
            await pilot.pause(0.02)
            if not screen.searching:
                break
        assert screen.hits[0].title == "What is MQA?"
        release.set()  # now the old query's results arrive...
        await settle(pilot)
        assert screen.hits[0].title == "What is MQA?"  # ...and are dropped
        assert screen.typed == "mqa"


async def test_palette_jumps_to_question(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"mqa")
        for _ in range(40):
            await pilot.pause(0.05)
            options = app.screen.query("CommandList")
            if options and options.first(OptionList).option_count:
                break
        command_list = app.screen.query_one("CommandList", OptionList)
        prompts = [str(command_list.get_option_at_index(i).prompt) for i in range(command_list.option_count)]
        assert any("What is MQA?" in p for p in prompts)
        await pilot.press("enter")
        await settle(pilot)
        assert crumbs(app) == "topics/attention.md › Attention › What is MQA?"


async def run_palette_command(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*text)
    for _ in range(40):
        await pilot.pause(0.05)
        lists = app.screen.query("CommandList")
        if lists and lists.first(OptionList).option_count:
            break
    await pilot.press("enter")
    await settle(pilot)


async def test_palette_commands(sample_notes: Path) -> None:
    from notesui.ui.screens.help import HelpScreen
    from notesui.ui.screens.review import ReviewScreen
    from notesui.ui.screens.stats import StatsScreen

    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        assert not app.ctx.prefs.hide_mastered
        await run_palette_command(pilot, "hide mastered")
        assert app.ctx.prefs.hide_mastered
        await run_palette_command(pilot, "statistics")
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await run_palette_command(pilot, "review")
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#choice-0")
        await settle(pilot)
        before = app.theme
        await run_palette_command(pilot, "next reading theme")
        assert app.theme != before
        await run_palette_command(pilot, "help: every key")
        assert isinstance(app.screen, HelpScreen)


async def test_enter_right_after_typing_jumps_to_a_hit_of_the_whole_query(
    sample_notes: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    """Typed fast, then enter while the results on screen are still those of an earlier
    keystroke: the jump waits for the query as typed."""
    real = SearchIndex.search
    release = threading.Event()

    def slow_for_the_last(index: SearchIndex, query: str, limit: int = 20):  # type: ignore[no-untyped-def]
        if query == "what is lora":
            release.wait(5)
        return real(index, query, limit)

    monkeypatch.setattr(SearchIndex, "search", slow_for_the_last)
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_search(pilot, "what is")
        assert screen.hits[0].title == "What is MQA?"  # what is on screen now
        await pilot.press(*" lora", "enter")
        await pilot.pause(0.2)
        assert isinstance(app.screen, SearchScreen)  # waiting for the query as typed
        release.set()
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)
        assert crumbs(app) == "basics.md › Basics › What is LoRA?"


async def test_the_status_says_how_the_query_was_read(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        screen = await open_search(pilot, "lora 微调")
        status = str(screen.query_one("#search-status", Static).render())
        assert "for lora (or pinyin) + 微调" in status


def marked(app: NotesApp) -> list[tuple[str, str]]:
    """(text, style) of every marked match in the reader, in order."""
    viewer = app.screen.query_one(Viewer)
    return [(text, "reverse" if current else "underline") for text, current in viewer.matches]


async def test_n_and_shift_n_move_between_the_matches_of_the_search_that_led_here(tmp_path: Path) -> None:
    long = "\n\n".join(f"Paragraph {n} about other things." for n in range(40))
    (tmp_path / "a.md").write_text(
        "# Notes\n\n## LoRA memory\n\nLoRA saves memory.\n\n"
        f"{long}\n\nAt the end, ＬｏＲＡ again and lora once more.\n\n"
        "```python\nlora_rank = 8\n```\n\n| method | memory |\n| --- | --- |\n| LoRA | low |\n\n"
        "## Other\n\nNothing here.\n",
        encoding="utf-8",
    )
    told = Told()
    app = NotesApp(tmp_path)
    async with app.run_test(size=(90, 20), message_hook=told) as pilot:
        await open_search(pilot, "lora")
        await pilot.press("enter")
        await settle(pilot)
        assert crumbs(app).endswith("LoRA memory")
        # every match in the answer is marked (the heading itself is not counted)
        # (in code and table cells too)
        assert marked(app) == [
            ("LoRA", "underline"),
            ("ＬｏＲＡ", "underline"),
            ("lora", "underline"),
            ("lora", "underline"),
            ("LoRA", "underline"),
        ]
        status = app.screen.query_one("#viewer #status", Static)
        assert "5 matches of “lora”" in str(status.render())
        page = "\n".join(line.text for line in app.screen.query_one("#viewer #body", PageView).lines)
        assert "ＬｏＲＡ again and lora once more." in page  # marking keeps every character
        body = app.screen.query_one("#viewer #body")
        await pilot.press("n")
        assert marked(app)[0] == ("LoRA", "reverse") and "match 1/5 of “lora”" in str(status.render())
        await pilot.press("n")
        await pilot.pause()
        assert marked(app)[1] == ("ＬｏＲＡ", "reverse")
        assert body.scroll_y > 0  # scrolled down to it
        await pilot.press("N", "N")
        assert marked(app)[4] == ("LoRA", "reverse") and "match 5/5" in str(status.render())  # wraps around
        # another question: the search is no longer in play
        await pilot.press("j")
        await settle(pilot)
        assert crumbs(app).endswith("Other") and marked(app) == []
        await pilot.press("n")
        assert told.said("No search to repeat")
