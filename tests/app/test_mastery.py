"""Mastery and review in the pilot: counts, marking a section, hiding, review, stats, state."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import ProgressBar, Static

from notesui.app import NotesApp
from notesui.state import load_state
from notesui.ui.screens.dialogs import ChoiceScreen
from notesui.ui.screens.editor import EditorScreen
from notesui.ui.screens.review import ReviewScreen
from notesui.ui.screens.search import SearchScreen
from notesui.ui.screens.stats import StatsScreen
from notesui.ui.widgets.outline import Entry, OutlineTree
from notesui.ui.widgets.viewer import PageView

from pilot import Told, changed_outside, crumbs, goto, settle


def tree_labels(app: NotesApp) -> list[str]:
    out: list[str] = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        for child in node.children:
            out.append(str(child.label))
            if child.is_expanded:
                walk(child)

    walk(app.screen.query_one(OutlineTree).root)
    return out


async def start_review(pilot, rel: str) -> ReviewScreen:  # type: ignore[no-untyped-def]
    await goto(pilot, rel)
    await pilot.press("r")
    await settle(pilot)
    review = pilot.app.screen
    assert isinstance(review, ReviewScreen)
    return review


async def confirm(pilot) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(pilot.app.screen, ChoiceScreen)
    await pilot.click("#choice-0")
    await settle(pilot)


async def test_m_on_a_section_marks_every_question_in_one_write(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes)
    writes: list[str] = []
    async with app.run_test(size=(110, 30)) as pilot:
        real = app.session.store._replace

        def counting(rel, new, expected):  # type: ignore[no-untyped-def]
            writes.append(rel)
            return real(rel, new, expected)

        app.session.store._replace = counting  # type: ignore[method-assign]
        await goto(pilot, "basics.md", "Basics")
        await pilot.press("m")
        await settle(pilot)
        assert "Mark all 4 questions" in str(app.screen.query_one(".message", Static).render())
        await confirm(pilot)
        assert writes == ["basics.md"]
        assert path.read_text().count("<!-- mastered") == 4
        assert any(label.startswith("Basics") and label.endswith("4/4") for label in tree_labels(app))
        assert "4/5 mastered" in str(app.screen.query_one("#progress-label", Static).render())
        assert app.screen.query_one(ProgressBar).progress == 4
        await pilot.press("m")  # all mastered now: the question is whether to clear them
        await settle(pilot)
        assert "Clear their marks?" in str(app.screen.query_one(".message", Static).render())
        await confirm(pilot)
        assert "<!-- mastered" not in path.read_text()


async def test_m_on_a_folder_writes_each_file_once(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        app.screen.query_one(OutlineTree).select_entry(Entry("folder", "topics"))
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await confirm(pilot)
        assert "<!-- mastered" in (sample_notes / "topics" / "attention.md").read_text()
        assert "<!-- mastered" not in (sample_notes / "basics.md").read_text()


async def test_hide_mastered_in_tree_and_search_and_it_persists(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md", "What is LoRA?")
        await pilot.press("m")
        await settle(pilot)
        assert any(label.endswith("What is LoRA?") for label in tree_labels(app))
        await pilot.press("H")
        await settle(pilot)
        assert not any(label.endswith("What is LoRA?") for label in tree_labels(app))
        assert any(label.endswith("什么是微调？") for label in tree_labels(app))
        await pilot.press("slash", *"lora")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert all(not hit.mastered for hit in app.screen.hits)
        assert "mastered hidden" in str(app.screen.query_one("#search-status", Static).render())
        await pilot.press("escape")
        await settle(pilot)
    assert load_state().hide_mastered is True
    again = NotesApp(sample_notes)
    async with again.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md", "什么是微调？")  # opens the Basics section
        assert any(label.endswith("什么是微调？") for label in tree_labels(again))
        assert not any(label.endswith("What is LoRA?") for label in tree_labels(again))
        await pilot.press("H")
        await settle(pilot)
        assert any(label.endswith("What is LoRA?") for label in tree_labels(again))


async def test_a_review_session(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        review = await start_review(pilot, "basics.md")
        assert [c.titles[-1] for c in review.cards] == [  # (unanswered: only with review_unanswered)
            "What is LoRA?",
            "什么是微调？",
            "Escape test",
        ]

        def question() -> str:
            return str(review.query_one("#review-question", Static).render())

        assert question() == "What is LoRA?"
        assert review.query_one("#review-answer").has_class("hidden")  # the answer waits
        await pilot.press("space")
        await settle(pilot)
        assert not review.query_one("#review-answer").has_class("hidden")
        assert "Low-rank adaptation" in review.query_one("#review-answer", PageView).source
        await pilot.press("m")  # mastered, and on to the next
        await settle(pilot)
        assert "## What is LoRA? <!-- mastered" in path.read_text()
        assert question() == "什么是微调？" and review.query_one("#review-answer").has_class("hidden")
        await pilot.press("n")
        await settle(pilot)
        assert question() == "Escape test"
        await pilot.press("space")
        await settle(pilot)
        assert "Danger" in review.query_one("#review-answer", PageView).source
        await pilot.press("p")
        await settle(pilot)
        assert question() == "什么是微调？"
        await pilot.press("e")  # edit the current question, back in review after
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        app.screen.query_one("#editor").text = "## 什么是微调？\n\n在预训练模型上继续训练，用少量数据。\n\n"
        await pilot.press("ctrl+s", "escape")
        await settle(pilot)
        assert app.screen is review
        await pilot.press("space")
        await settle(pilot)
        assert "用少量数据" in review.query_one("#review-answer", PageView).source
        # an outside change to the current question shows the new text
        path.write_text(path.read_text().replace("用少量数据", "外部修改"))
        changed_outside(app, "basics.md")  # what the watcher does
        await settle(pilot)
        assert "外部修改" in review.query_one("#review-answer", PageView).source
        await pilot.press("escape")
        await settle(pilot)
        message = str(app.screen.query_one(".message", Static).render())
        assert "Questions seen: 3" in message and "Newly mastered: 1" in message and "Left in this review: 2" in message
        await confirm(pilot)
        assert not isinstance(app.screen, ReviewScreen)


async def test_review_shuffle_toggle_keeps_the_current_card(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        review = await start_review(pilot, "basics.md")
        card = review.number
        await pilot.press("o")
        await settle(pilot)
        assert review.shuffled and review.number == card
        assert sorted(review.order) == list(range(len(review.cards)))
        assert "shuffled" in str(review.query_one("#review-progress", Static).render())
    assert load_state().review_order == "shuffled"


async def test_stats_screen(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(120, 30)) as pilot:
        await goto(pilot, "basics.md", "What is LoRA?")
        await pilot.press("m", "s")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        text = app.export_screenshot()
        assert "basics.md" in text and "topics/attention.md" in text and "total" in text
        assert "█" in text and "25%" in text  # 1 of 4 mastered in basics.md
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)


async def test_place_is_restored_on_the_next_start(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "topics/attention.md", "What is MQA?")
    state = json.loads((load_state.__globals__["state_path"]()).read_text())
    assert any(place["cursor"][2] == ["Attention", "What is MQA?"] for place in state["places"].values())
    again = NotesApp(sample_notes)
    async with again.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        await settle(pilot)
        node = again.screen.query_one(OutlineTree).cursor_node
        assert node is not None and str(node.label).endswith("What is MQA?")


async def test_corrupt_state_is_ignored_with_a_notice(sample_notes: Path) -> None:
    path = load_state.__globals__["state_path"]()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    app = NotesApp(sample_notes)
    told = Told()
    async with app.run_test(size=(110, 30), notifications=True, message_hook=told) as pilot:
        await settle(pilot)
        assert any("state file" in n.message for n in told.notifications)
        assert isinstance(app.screen.query_one(OutlineTree), OutlineTree)


async def test_m_with_mastered_hidden_moves_on_to_the_next_question(sample_notes: Path) -> None:
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md", "What is LoRA?")
        await pilot.press("H")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert crumbs(app) == "basics.md › Basics › 什么是微调？"  # the next one, not the section
        assert "<!-- mastered" in (sample_notes / "basics.md").read_text()


async def palette_with_mastered_hidden(pilot, query: str) -> str:  # type: ignore[no-untyped-def]
    """Hide mastered questions, type ``query`` in the palette; its offers, joined."""
    from textual.command import CommandList

    await settle(pilot)
    await pilot.press("H")
    await settle(pilot)
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*query)
    await pilot.pause(0.5)
    await settle(pilot)
    results = pilot.app.screen.query_one(CommandList)
    return " | ".join(str(results.get_option_at_index(i).prompt) for i in range(results.option_count))


async def test_the_palette_offers_no_hidden_question(sample_notes: Path) -> None:
    path = sample_notes / "basics.md"
    path.write_text(path.read_text().replace("## What is LoRA?", "## What is LoRA? <!-- mastered 2026-11-25 -->"))
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        offered = await palette_with_mastered_hidden(pilot, "What is")
        assert "What is MQA?" in offered  # offered
        assert "What is LoRA?" not in offered  # mastered and hidden: not offered


async def test_m_with_mastered_hidden_at_the_end_of_a_section_goes_to_the_next_question(tmp_path: Path) -> None:
    root = tmp_path / "n"
    root.mkdir()
    (root / "f.md").write_text("# A\n\n## a1\n\nx\n\n## a2\n\nx\n\n# B\n\n## b1\n\nx\n\n## b2\n\nx\n")
    app = NotesApp(root)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "f.md", "a2")
        await pilot.press("H")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert crumbs(app) == "f.md › B › b1"  # a question, not the section B


async def test_the_palette_offers_no_section_hidden_because_all_under_it_are_mastered(tmp_path: Path) -> None:
    root = tmp_path / "n"
    root.mkdir()
    (root / "f.md").write_text(
        "# Top\n\n## Groupy\n\n### g1 <!-- mastered 2026-01-01 -->\n\nx\n\n"
        "### g2 <!-- mastered 2026-01-01 -->\n\ny\n\n## Groupz\n\nz\n"
    )
    app = NotesApp(root)
    async with app.run_test(size=(110, 30)) as pilot:
        offered = await palette_with_mastered_hidden(pilot, "Group")
        assert "Groupz" in offered and "Groupy" not in offered


async def test_ratings_after_the_answer_schedule_the_question_and_the_summary_counts_them(sample_notes: Path) -> None:
    from textual.widgets._footer import FooterKey

    from notesui.core.reviews import Schedule

    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        review = await start_review(pilot, "basics.md")

        def footer() -> dict[str, str]:
            return {key.key: key.description for key in review.query(FooterKey)}

        assert "3" not in footer()  # no rating before the answer is shown
        await pilot.press("3")
        await settle(pilot)
        assert not (sample_notes / ".notesui" / "reviews.log").exists()
        await pilot.press("space")
        await settle(pilot)
        labels = footer()
        assert labels["1"].startswith("Again ") and labels["4"].startswith("Easy ")
        assert labels["1"] != labels["4"]  # each rating says when it brings the question back
        await pilot.press("3")  # good: recorded, and on to the next
        await settle(pilot)
        assert str(review.query_one("#review-question", Static).render()) == "什么是微调？"
        await pilot.press("space", "1")
        await settle(pilot)
        schedule = Schedule.load(sample_notes)
        assert sorted(r for h in schedule.histories.values() for r in h.ratings) == [1, 3]
        assert "<!--" not in (sample_notes / "basics.md").read_text(encoding="utf-8")  # nothing in the note
        await pilot.press("q")  # asks first, with the summary
        await settle(pilot)
        message = str(app.screen.query_one(".message", Static).render())
        assert "Rated: 1 again, 1 good" in message and "Questions seen: 3" in message  # (the third is shown)
        await pilot.press("escape")  # keep reviewing
        await settle(pilot)
        assert app.screen is review
    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        review = await start_review(pilot, "basics.md")  # the rated ones are not due yet: new ones left
        assert [c.titles[-1] for c in review.cards] == ["Escape test"]


async def test_nothing_to_review_closes_with_one_escape(sample_notes: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text("new_per_day = 0\n", encoding="utf-8")
    monkeypatch.setenv("NOTESUI_CONFIG", str(config))
    from notesui.config import load_config

    app = NotesApp(sample_notes, config=load_config())
    async with app.run_test(size=(110, 30)) as pilot:
        review = await start_review(pilot, "basics.md")
        assert not review.cards and "Nothing to review" in str(review.query_one("#review-question", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ReviewScreen)


async def test_the_header_and_the_outline_say_what_is_due_today(sample_notes: Path) -> None:
    from datetime import timedelta

    from notesui.core.reviews import utc_now

    app = NotesApp(sample_notes)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "basics.md", "What is LoRA?")
        assert "due" not in app.screen.sub_title
        doc = app.session.documents["basics.md"]
        lora = next(h for h in doc.headings if h.title == "What is LoRA?")
        app.session.rate("basics.md", lora, 1, utc_now() - timedelta(days=2))  # again, two days ago: due
        app.ctx.reviews_changed.publish(None)
        await settle(pilot)
        assert app.screen.sub_title.endswith("· 1 due today")
        labels = tree_labels(app)
        assert any(label.startswith("basics.md") and label.endswith("· 1 due") for label in labels), labels
        assert any(label.startswith("Basics") and label.endswith("· 1 due") for label in labels), labels


async def test_an_ambiguous_history_is_asked_about_never_guessed(tmp_path: Path) -> None:
    from notesui.core.reviews import utc_now
    from notesui.core.session import Session

    notes = "# LLM\n\n## 什么是 LoRA？\n\n低秩适配。\n\n## 什么是 QLoRA？\n\n量化之后再做 LoRA。\n"
    (tmp_path / "a.md").write_text(notes, encoding="utf-8")
    session = Session.open(tmp_path)
    lora = next(h for h in session.documents["a.md"].headings if h.title == "什么是 LoRA？")
    session.rate("a.md", lora, 3, utc_now())
    session.close()
    # renamed and rewritten while notesui was not looking: it could be either question now
    (tmp_path / "a.md").write_text(
        notes.replace("什么是 LoRA？", "什么是 LoRA 方法？").replace("低秩适配", "低秩分解"), "utf-8"
    )
    app = NotesApp(tmp_path)
    async with app.run_test(size=(110, 30)) as pilot:
        await goto(pilot, "a.md")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        message = str(app.screen.query_one(".message", Static).render())
        assert "什么是 LoRA 方法？" in message and "什么是 QLoRA？" in message
        number = next(line.split(".")[0] for line in message.splitlines() if "LoRA 方法" in line)
        await pilot.press(number)
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        renamed = next(h for h in app.session.documents["a.md"].headings if h.title == "什么是 LoRA 方法？")
        history = app.session.links().of("a.md", renamed)
        assert history is not None and history.count == 1
