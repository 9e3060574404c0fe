"""Spaced repetition: the log, its replay with FSRS, re-linking after edits, the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler
from hypothesis import given, settings
from hypothesis import strategies as st

from notesui.core.document import Document
from notesui.core.refs import HeadingRef
from notesui.core.reviews import (
    LOG,
    Schedule,
    format_review,
    parse_review,
    review_queue,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
NOTES = """# LLM

## 什么是 LoRA？

低秩适配：只训练两个小矩阵。

## 什么是 QLoRA？

量化之后再做 LoRA。

## 什么是 RLHF？

用人类反馈做强化学习。
"""


def docs(**files: str) -> dict[str, Document]:
    return {rel: Document.parse(text.encode("utf-8"), rel) for rel, text in files.items()}


def question(documents: dict[str, Document], title: str) -> tuple[Document, object]:
    for doc in documents.values():
        for h in doc.headings:
            if h.title == title:
                return doc, h
    raise KeyError(title)


def rate(schedule: Schedule, root: Path, documents: dict[str, Document], title: str, rating: int, at: datetime) -> None:
    doc, heading = question(documents, title)
    history = schedule.link(documents).of(doc.rel, heading)  # type: ignore[arg-type]
    schedule.rate(root, doc, heading, rating, history, at)  # type: ignore[arg-type]


def linked_title(schedule: Schedule, documents: dict[str, Document], history_of: str) -> str | None:
    links = schedule.link(documents)
    for (rel, index), history in links.question.items():
        if history.id == history_of:
            return documents[rel].headings[index].title
    return None


def test_ratings_move_due_dates_as_fsrs_says(tmp_path: Path) -> None:
    documents = docs(**{"a.md": NOTES})
    schedule = Schedule()
    rate(schedule, tmp_path, documents, "什么是 LoRA？", 3, T0)
    rate(schedule, tmp_path, documents, "什么是 QLoRA？", 1, T0)
    fsrs = Scheduler(enable_fuzzing=False)
    good, _ = fsrs.review_card(Card(card_id=1, due=T0), Rating.Good, review_datetime=T0)
    again, _ = fsrs.review_card(Card(card_id=2, due=T0), Rating.Again, review_datetime=T0)
    dues = {h.where.title_text: h.card.due for h in schedule.histories.values()}  # type: ignore[union-attr]
    assert dues == {"什么是 LoRA？": good.due, "什么是 QLoRA？": again.due}
    assert again.due < good.due


def test_the_log_replayed_is_the_live_schedule_and_notes_are_untouched(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(NOTES, encoding="utf-8")
    documents = docs(**{"a.md": NOTES})
    live = Schedule()
    at = T0
    for rating in (3, 3, 1, 2, 4, 3):
        rate(live, tmp_path, documents, "什么是 LoRA？", rating, at)
        rate(live, tmp_path, documents, "什么是 RLHF？", 5 - rating, at)
        at += timedelta(days=3)
    replayed = Schedule.load(tmp_path)
    assert not replayed.problems
    assert {k: h.card.to_dict() for k, h in replayed.histories.items()} == {  # type: ignore[union-attr]
        k: h.card.to_dict()  # type: ignore[union-attr]
        for k, h in live.histories.items()
    }
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == NOTES  # reviews never go into a note
    assert len((tmp_path / LOG).read_text(encoding="utf-8").splitlines()) == 12


def test_lines_that_are_not_reviews_are_reported_skipped_and_never_rewritten(tmp_path: Path) -> None:
    documents = docs(**{"a.md": NOTES})
    schedule = Schedule()
    rate(schedule, tmp_path, documents, "什么是 LoRA？", 3, T0)
    log = tmp_path / LOG
    good = log.read_text(encoding="utf-8").splitlines()[0]
    reused = good.replace("\tgood\t", "\tagain\t")  # the same id, other content
    bad_rating = good.replace("\tgood\t", "\tsuper\t").replace(good.split("\t")[1], "f" * 32)
    log.write_text("\n".join([good, "garbage", reused, bad_rating, good, "r1\tonly\tthree"]) + "\n", encoding="utf-8")
    before = log.read_bytes()
    loaded = Schedule.load(tmp_path)
    assert len(loaded.histories) == 1 and next(iter(loaded.histories.values())).count == 1
    assert len(loaded.problems) == 4
    assert any("line 2" in p for p in loaded.problems) and any("already used" in p for p in loaded.problems)
    assert log.read_bytes() == before


def test_two_machines_logs_merged_as_a_union_of_lines_replay_as_one(tmp_path: Path) -> None:
    documents = docs(**{"a.md": NOTES})
    shared = Schedule()
    rate(shared, tmp_path, documents, "什么是 LoRA？", 3, T0)
    log = tmp_path / LOG
    common = log.read_text(encoding="utf-8")
    one = Schedule.load(tmp_path)
    rate(one, tmp_path, documents, "什么是 LoRA？", 1, T0 + timedelta(days=2))
    mine = log.read_text(encoding="utf-8")
    log.write_text(common, encoding="utf-8")
    two = Schedule.load(tmp_path)
    rate(two, tmp_path, documents, "什么是 RLHF？", 4, T0 + timedelta(days=1))
    theirs = log.read_text(encoding="utf-8")
    log.write_text(theirs + mine, encoding="utf-8")  # git's union merge: every line of both
    merged = Schedule.load(tmp_path)
    assert not merged.problems
    lora = next(h for h in merged.histories.values() if h.where.title_text == "什么是 LoRA？")
    assert list(lora.ratings) == [3, 1]  # the shared review once, in time order
    assert len(merged.histories) == 2


def test_a_review_is_appended_on_a_line_of_its_own(tmp_path: Path) -> None:
    documents = docs(**{"a.md": NOTES})
    schedule = Schedule()
    rate(schedule, tmp_path, documents, "什么是 LoRA？", 3, T0)
    log = tmp_path / LOG
    log.write_bytes(log.read_bytes().rstrip(b"\n"))  # cut short (a crash, a merge tool)
    rate(schedule, tmp_path, documents, "什么是 RLHF？", 3, T0)
    assert len(Schedule.load(tmp_path).histories) == 2


@settings(deadline=None, max_examples=40)
@given(
    st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=20).filter(
        lambda t: t.strip() == t and t.strip("#") == t
    ),
    st.integers(1, 4),
    st.integers(0, 10**9),
)
def test_a_review_line_reads_back_as_written(title: str, rating: int, seconds: int) -> None:
    documents = docs(**{"a\tb.md": f"# {title}\n\n答\n"})
    doc = documents["a\tb.md"]
    schedule = Schedule()
    from notesui.core.reviews import Review, Where

    review = Review("id1", "h1", T0 + timedelta(seconds=seconds), rating, Where.of(doc, doc.headings[0]))
    read = parse_review(format_review(review))
    assert (read.id, read.history, read.at, read.rating, read.where) == (
        review.id,
        review.history,
        review.at,
        review.rating,
        review.where,
    )
    del schedule


# -- re-linking: a question keeps its history ------------------------------------------


def _history_of(tmp_path: Path, title: str, notes: str = NOTES) -> tuple[Schedule, str]:
    schedule = Schedule()
    rate(schedule, tmp_path, docs(**{"a.md": notes}), title, 3, T0)
    return schedule, next(iter(schedule.histories))


@pytest.mark.parametrize("fresh", [False, True], ids=["same session", "fresh start"])
def test_an_edited_answer_or_questions_inserted_above_keep_the_history(tmp_path: Path, fresh: bool) -> None:
    schedule, hid = _history_of(tmp_path, "什么是 RLHF？")
    schedule.link(docs(**{"a.md": NOTES}))
    edited = NOTES.replace("# LLM\n", "# LLM\n\n## 新问题？\n\n新答案。\n").replace("用人类反馈", "用人类的反馈")
    if fresh:
        schedule = Schedule.load(tmp_path)
    assert linked_title(schedule, docs(**{"a.md": edited}), hid) == "什么是 RLHF？"


@pytest.mark.parametrize("fresh", [False, True], ids=["same session", "fresh start"])
def test_a_renamed_question_keeps_its_history_by_its_answer(tmp_path: Path, fresh: bool) -> None:
    schedule, hid = _history_of(tmp_path, "什么是 LoRA？")
    schedule.link(docs(**{"a.md": NOTES}))
    if fresh:
        schedule = Schedule.load(tmp_path)
    renamed = NOTES.replace("什么是 LoRA？", "LoRA 的原理是什么？")
    assert linked_title(schedule, docs(**{"a.md": renamed}), hid) == "LoRA 的原理是什么？"


def test_a_question_moved_to_another_file_keeps_its_history(tmp_path: Path) -> None:
    _, hid = _history_of(tmp_path, "什么是 RLHF？")
    moved_out = NOTES.replace("## 什么是 RLHF？\n\n用人类反馈做强化学习。\n", "")
    same_path = "# LLM\n\n## 什么是 RLHF？\n\n用人类反馈做强化学习，改过了。\n"
    assert linked_title(Schedule.load(tmp_path), docs(**{"a.md": moved_out, "b.md": same_path}), hid) == "什么是 RLHF？"
    other_parent = "# 强化学习\n\n## 什么是 RLHF？\n\n完全重写的答案。\n"
    elsewhere = docs(**{"a.md": moved_out, "b.md": other_parent})
    seen = Schedule.load(tmp_path)
    seen.link(docs(**{"a.md": NOTES}))  # (the app saw it before the move)
    assert linked_title(seen, elsewhere, hid) == "什么是 RLHF？"
    # a fresh start can't tell a move from a new question with the same title: it asks
    links = Schedule.load(tmp_path).link(elsewhere)
    assert [(h.id, [q.title for _, q in fits]) for h, fits in links.ambiguous] == [(hid, ["什么是 RLHF？"])]


def test_renaming_lora_never_hands_its_history_to_qlora(tmp_path: Path) -> None:
    schedule, hid = _history_of(tmp_path, "什么是 LoRA？")
    schedule.link(docs(**{"a.md": NOTES}))  # the app has seen the notes as they were
    # title and answer both edited: only the title's likeness is left, and QLoRA is closer
    edited = NOTES.replace("什么是 LoRA？", "什么是 LoRA 方法？").replace("低秩适配：只训练两个小矩阵。", "低秩分解。")
    documents = docs(**{"a.md": edited})
    assert linked_title(schedule, documents, hid) == "什么是 LoRA 方法？"
    # a fresh start has not seen the notes before: it asks rather than guesses
    fresh = Schedule.load(tmp_path)
    links = fresh.link(documents)
    assert not links.question and [h.id for h, _ in links.ambiguous] == [hid]
    assert [h.id for h, _ in fresh.link(documents).ambiguous] == [hid]  # and still, until the user says
    assert {h.title for _, h in links.ambiguous[0][1]} == {"什么是 LoRA 方法？", "什么是 QLoRA？"}


def test_a_question_with_a_history_of_its_own_never_takes_another(tmp_path: Path) -> None:
    documents = docs(**{"a.md": NOTES})
    schedule = Schedule()
    rate(schedule, tmp_path, documents, "什么是 LoRA？", 3, T0)
    rate(schedule, tmp_path, documents, "什么是 QLoRA？", 3, T0)
    lora = next(h.id for h in schedule.histories.values() if h.where.title_text == "什么是 LoRA？")
    deleted = NOTES.replace("## 什么是 LoRA？\n\n低秩适配：只训练两个小矩阵。\n", "")
    links = Schedule.load(tmp_path).link(docs(**{"a.md": deleted}))
    assert [h.id for h in links.orphans] == [lora]
    assert [h.where.title_text for h in links.question.values()] == ["什么是 QLoRA？"]


def test_the_users_choice_links_an_ambiguous_history(tmp_path: Path) -> None:
    _, hid = _history_of(tmp_path, "什么是 LoRA？")
    edited = NOTES.replace("什么是 LoRA？", "什么是 LoRA 方法？").replace("低秩适配：只训练两个小矩阵。", "低秩分解。")
    documents = docs(**{"a.md": edited})
    fresh = Schedule.load(tmp_path)
    _, candidates = fresh.link(documents).ambiguous[0]
    pick = next(c for c in candidates if c[1].title == "什么是 LoRA 方法？")
    links = fresh.link(documents, chosen={hid: HeadingRef.of(documents[pick[0]], pick[1])})
    assert not links.ambiguous and links.of(*pick) is fresh.histories[hid]


# -- the queue ---------------------------------------------------------------------------


def test_the_queue_is_due_most_overdue_first_then_new_up_to_the_daily_limit(tmp_path: Path) -> None:
    text = (
        "# T\n\n"
        + "".join(f"## Q{n}？\n\n答 {n}\n\n" for n in range(8))
        + "## 没有答案？\n\n## 已掌握 <!-- mastered 2026-01-01 -->\n\n答\n"
    )
    documents = docs(**{"a.md": text})
    schedule = Schedule()
    rate(schedule, tmp_path, documents, "Q3？", 1, T0 - timedelta(days=10))  # due long ago
    rate(schedule, tmp_path, documents, "Q5？", 1, T0 - timedelta(days=3))
    rate(schedule, tmp_path, documents, "Q1？", 4, T0 - timedelta(hours=1))  # not due yet, started today
    links = schedule.link(documents)
    questions = [(rel, h) for rel, doc in documents.items() for h in doc.questions()]
    due, new = review_queue(questions, links, schedule, T0, new_per_day=3)
    assert [i.heading.title for i in due] == ["Q3？", "Q5？"]
    assert [i.heading.title for i in new] == ["Q0？", "Q2？"]  # 3 a day, one started today
    _, new = review_queue(questions, links, schedule, T0, new_per_day=20, unanswered=True)
    titles = [i.heading.title for i in new]
    assert "没有答案？" in titles and "已掌握" not in " ".join(titles) and "Q1？" not in titles


# -- the kept replay -------------------------------------------------------------------------


def _state(schedule: Schedule) -> dict[str, tuple[object, ...]]:
    return {
        hid: (h.card.to_dict(), list(h.times), list(h.ratings), h.where, h.last.id, h.last.at)  # type: ignore[union-attr]
        for hid, h in schedule.histories.items()
    }


def test_a_kept_replay_loads_as_the_log_replayed_and_follows_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    root = tmp_path / "notes"
    documents = docs(**{"a.md": NOTES})
    live = Schedule.load(root, cache)
    for n, title in enumerate(["什么是 LoRA？", "什么是 RLHF？", "什么是 LoRA？"]):
        rate(live, root, documents, title, n % 4 + 1, T0 + timedelta(days=n))
    assert live.changed
    live.keep(root, cache)
    with monkeypatch.context() as patch:
        patch.setattr(Schedule, "_replay", lambda *args: pytest.fail("replayed although kept"))
        kept = Schedule.load(root, cache)
    assert _state(kept) == _state(Schedule.load(root)) == _state(live)
    kept_file = next((cache / "reviews").glob("*.pickle"))
    # another program (a sync) adds a line: the kept replay is not used, the log is replayed
    other = Schedule.load(root)
    rate(other, root, documents, "什么是 QLoRA？", 4, T0 + timedelta(days=9))
    assert len(Schedule.load(root, cache).histories) == 3
    live.keep(root, cache)  # (stale: the log changed under it) nothing kept
    assert len(Schedule.load(root, cache).histories) == 3
    kept_file.write_bytes(b"not a pickle")  # a broken kept file: replayed
    assert _state(Schedule.load(root, cache)) == _state(Schedule.load(root))


@pytest.mark.usefixtures("utc_local_time")
def test_activity_counts_days_streak_retention_and_the_forecast(tmp_path: Path) -> None:
    from notesui.core.reviews import review_activity

    documents = docs(**{"a.md": NOTES})
    schedule = Schedule()
    now = T0 + timedelta(days=10)
    for days_ago, title, rating in [
        (3, "什么是 LoRA？", 3),
        (2, "什么是 QLoRA？", 1),
        (1, "什么是 LoRA？", 3),
        (0, "什么是 RLHF？", 4),
    ]:
        rate(schedule, tmp_path, documents, title, rating, now - timedelta(days=days_ago))
    activity = review_activity(schedule, documents, schedule.link(documents), now)
    assert activity.streak == 4 and activity.recent == 4 and activity.retention == 0.75
    assert sum(activity.per_day.values()) == 4 and activity.per_day[now.date()] == 1
    assert sum(activity.forecast) == 3  # every question reviewed is due within 14 days
    assert activity.forecast[0] >= 1  # QLoRA, rated again, is due today


def test_lines_synced_onto_the_end_replay_on_top_of_the_kept_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache, root = tmp_path / "cache", tmp_path / "notes"
    documents = docs(**{"a.md": NOTES})
    mine = Schedule.load(root, cache)
    rate(mine, root, documents, "什么是 LoRA？", 3, T0)
    rate(mine, root, documents, "什么是 RLHF？", 2, T0 + timedelta(days=1))
    mine.keep(root, cache)
    theirs = Schedule.load(root)  # another machine, later: its lines arrive at the end
    rate(theirs, root, documents, "什么是 LoRA？", 1, T0 + timedelta(days=5))
    rate(theirs, root, documents, "什么是 QLoRA？", 4, T0 + timedelta(days=6))
    replayed: list[str] = []
    real = Schedule._replay

    def counting(self: Schedule, history: object, review: object) -> None:
        replayed.append(review.id)  # type: ignore[attr-defined]
        real(self, history, review)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(Schedule, "_replay", counting)
        loaded = Schedule.load(root, cache)
    assert len(replayed) == 2  # only the two new lines
    assert _state(loaded) == _state(Schedule.load(root))
    # a line older than its question's latest review arrives: the whole log is replayed
    log = root / LOG
    lines = log.read_text(encoding="utf-8").splitlines()
    older = parse_review(lines[2])
    early = format_review(type(older)("e" * 32, older.history, T0 + timedelta(days=2), 3, older.where))
    log.write_text("\n".join(lines) + "\n" + early + "\n", encoding="utf-8")
    replayed.clear()
    with monkeypatch.context() as patch:
        patch.setattr(Schedule, "_replay", counting)
        loaded = Schedule.load(root, cache)
    assert len(replayed) == 5 and _state(loaded) == _state(Schedule.load(root))


def test_a_fresh_start_never_hands_a_deleted_questions_history_to_a_look_alike(tmp_path: Path) -> None:
    _, hid = _history_of(tmp_path, "什么是 LoRA？")
    deleted = NOTES.replace("## 什么是 LoRA？\n\n低秩适配：只训练两个小矩阵。\n", "")
    links = Schedule.load(tmp_path).link(docs(**{"a.md": deleted}))
    assert not links.question  # asked about (QLoRA looks like it), never linked
    assert [h.id for h, _ in links.ambiguous] == [hid]


def test_two_first_reviews_of_one_question_merged_from_two_machines_hand_nothing_to_another(tmp_path: Path) -> None:
    documents = docs(**{"a.md": NOTES})
    one, two = Schedule(), Schedule()  # offline on two machines: two histories for LoRA
    rate(one, tmp_path, documents, "什么是 LoRA？", 3, T0)
    rate(two, tmp_path, documents, "什么是 LoRA？", 1, T0 + timedelta(hours=1))
    links = Schedule.load(tmp_path).link(documents)
    assert [documents["a.md"].headings[i].title for (_, i) in links.question] == ["什么是 LoRA？"]
    assert len(links.orphans) == 1 and not links.ambiguous


def test_a_question_an_unplaced_history_may_be_waits_to_be_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from notesui.cli import main

    (tmp_path / "a.md").write_text(NOTES, encoding="utf-8")
    assert main(["rate", "--dir", str(tmp_path), "a.md:3", "good"]) == 0
    edited = NOTES.replace("什么是 LoRA？", "什么是 LoRA 方法？").replace("低秩适配：只训练两个小矩阵。", "低秩分解。")
    (tmp_path / "a.md").write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert main(["due", "--json", "--dir", str(tmp_path)]) == 0
    queued = capsys.readouterr()
    assert "QLoRA" not in queued.out and "LoRA 方法" not in queued.out and "choose in the app" in queued.err
    assert main(["rate", "--dir", str(tmp_path), "a.md:7", "easy"]) == 1  # QLoRA: not until it is placed
    assert len((tmp_path / LOG).read_text(encoding="utf-8").splitlines()) == 1


def test_a_review_the_log_did_not_take_is_not_in_the_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from notesui.core import reviews

    documents = docs(**{"a.md": NOTES})
    schedule = Schedule()
    rate(schedule, tmp_path, documents, "什么是 LoRA？", 3, T0)

    def full(self: object, line: str) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(reviews.ReviewLog, "append", full)
    with pytest.raises(OSError):
        rate(schedule, tmp_path, documents, "什么是 LoRA？", 1, T0 + timedelta(days=1))
    (history,) = schedule.histories.values()
    assert list(history.ratings) == [3]


def test_odd_times_in_the_log_are_read_or_reported_never_fatal(tmp_path: Path) -> None:
    documents = docs(**{"a.md": NOTES})
    schedule = Schedule()
    rate(schedule, tmp_path, documents, "什么是 LoRA？", 3, T0)
    log = tmp_path / LOG
    line = log.read_text(encoding="utf-8").splitlines()[0]
    fields = line.split("\t")
    plus_one = "\t".join([*fields[:1], "b" * 32, "c" * 32, "2026-03-02T10:00:00.000+01:00", *fields[4:]])
    far = "\t".join([*fields[:1], "d" * 32, "e" * 32, "9999-12-31T23:59:59.999+00:00", *fields[4:]])
    log.write_text("\n".join([line, plus_one, far]) + "\n", encoding="utf-8")
    loaded = Schedule.load(tmp_path)
    assert loaded.histories["c" * 32].last.at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # type: ignore[union-attr]
    assert "e" * 32 not in loaded.histories and any("d" * 32 in p for p in loaded.problems)


def test_a_clock_behind_the_last_review_still_records_after_it(tmp_path: Path) -> None:
    documents = docs(**{"a.md": NOTES})
    schedule = Schedule()
    rate(schedule, tmp_path, documents, "什么是 LoRA？", 3, T0 + timedelta(days=1))  # another machine, ahead
    rate(schedule, tmp_path, documents, "什么是 LoRA？", 1, T0)
    (history,) = schedule.histories.values()
    assert list(history.ratings) == [3, 1] and history.times[1] > history.times[0]


def test_a_look_alike_inserted_above_takes_nothing_its_answer_tells_them_apart(tmp_path: Path) -> None:
    notes = "# T\n\n## 举例？\n\n第一个例子。\n\n## 举例？\n\n第二个例子。\n"
    _, hid = _history_of(tmp_path, "举例？", notes)  # (the first of the two)
    inserted = notes.replace("# T\n", "# T\n\n## 举例？\n\n新插入的例子。\n")
    documents = docs(**{"a.md": inserted})
    links = Schedule.load(tmp_path).link(documents)
    ((rel, index),) = [key for key, h in links.question.items() if h.id == hid]
    assert "第一个例子" in documents[rel].span_text(documents[rel].headings[index].answer)


def test_the_live_schedule_is_the_replay_to_the_millisecond(tmp_path: Path) -> None:
    documents = docs(**{"a.md": NOTES})
    live = Schedule()
    at = T0 + timedelta(microseconds=123456)
    for rating in (3, 1, 4):
        rate(live, tmp_path, documents, "什么是 LoRA？", rating, at)
        at += timedelta(days=2, microseconds=777)
    assert _state(Schedule.load(tmp_path)) == _state(live)


def test_days_are_local_days_across_daylight_saving(monkeypatch: pytest.MonkeyPatch) -> None:
    import time as clock

    from notesui.core.reviews import end_of_day, start_of_day

    monkeypatch.setenv("TZ", "America/New_York")
    clock.tzset()
    try:
        morning = datetime(2026, 3, 8, 15, 0, tzinfo=UTC)  # 11:00 on the day clocks go forward
        assert start_of_day(morning) == datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 EST
        assert end_of_day(morning) == datetime(2026, 3, 9, 4, 0, tzinfo=UTC)  # 00:00 EDT
    finally:
        monkeypatch.undo()
        clock.tzset()


def test_the_session_reads_the_log_again_when_another_program_added_to_it(tmp_path: Path) -> None:
    from notesui.core.session import Session

    (tmp_path / "a.md").write_text(NOTES, encoding="utf-8")
    session = Session.open(tmp_path)
    lora = next(h for h in session.documents["a.md"].headings if h.title == "什么是 LoRA？")
    session.rate("a.md", lora, 3, T0)
    assert not session.schedule.stale(tmp_path)  # (its own review: nothing to read again)
    other = Session.open(tmp_path)  # `notesui rate` while the app runs, or a sync
    other.rate("a.md", lora, 1, T0 + timedelta(days=1))
    assert [list(h.ratings) for h in session.schedule.histories.values()] == [[3, 1]]


def test_a_syncs_conflict_copy_of_the_log_is_reported(tmp_path: Path) -> None:
    _history_of(tmp_path, "什么是 LoRA？")
    (tmp_path / ".notesui" / "reviews.sync-conflict-20261126-ABCDEF.log").write_text("r1\t…\n", encoding="utf-8")
    problems = Schedule.load(tmp_path, tmp_path / "cache").problems
    assert len([p for p in problems if "sync-conflict" in p]) == 1
    assert len([p for p in Schedule.load(tmp_path, tmp_path / "cache").problems if "sync-conflict" in p]) == 1
