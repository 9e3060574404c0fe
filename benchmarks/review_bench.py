"""Spaced repetition at scale: reading and replaying the review log, linking it to the notes,
and the due list.

    python benchmarks/review_bench.py [--reviews 100000] [--questions 10000] [--json]

Generates a notes folder of QUESTIONS questions (in files of 500) and a review log of REVIEWS
reviews spread over them (ten per question by default, a few days apart, every rating), then
times, best of three runs:

* ``load``: read the log and replay every history with FSRS (what opening the app or a
  ``notesui due`` costs), with the kept replay (``warm``) and without it (``cold``);
* ``link``: find each history's question in the notes;
* ``queue``: the review queue over every question (``notesui due``).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from notesui.core.document import Document  # noqa: E402
from notesui.core.reviews import LOG, Review, Schedule, Where, format_review, review_queue  # noqa: E402

PER_FILE = 500


def make_notes(root: Path, questions: int) -> dict[str, Document]:
    documents = {}
    for start in range(0, questions, PER_FILE):
        rel = f"topic-{start // PER_FILE:03d}.md"
        parts = [f"# Topic {start // PER_FILE}\n"]
        for n in range(start, min(start + PER_FILE, questions)):
            parts.append(f"## 问题 {n}：什么是第 {n} 个概念？\n\n答案 {n}：它的解释在这里。\n")
        data = "\n".join(parts).encode("utf-8")
        (root / rel).write_bytes(data)
        documents[rel] = Document.parse(data, rel)
    return documents


def make_log(root: Path, documents: dict[str, Document], reviews: int) -> None:
    rng = random.Random(7)
    questions = [(doc, h) for doc in documents.values() for h in doc.questions()]
    per = max(1, reviews // len(questions))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lines = []
    for number, (doc, heading) in enumerate(questions):
        where = Where.of(doc, heading)
        history = f"h{number:08d}"
        at = start + timedelta(minutes=number)
        for k in range(per):
            if len(lines) >= reviews:
                break
            review = Review(f"{history}-{k}", history, at, rng.choice((1, 2, 3, 3, 3, 4)), where)
            lines.append(format_review(review))
            at += timedelta(days=rng.randint(1, 9))
    rng.shuffle(lines)  # a merged log is in no order
    (root / LOG).parent.mkdir(parents=True, exist_ok=True)
    (root / LOG).write_text("\n".join(lines) + "\n", encoding="utf-8")


def best(run, times: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    results = []
    value = None
    for _ in range(times):
        started = time.perf_counter()
        value = run()
        results.append(time.perf_counter() - started)
    return min(results) * 1000, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        documents = make_notes(root, options.questions)
        make_log(root, documents, options.reviews)
        cold_ms, schedule = best(lambda: Schedule.load(root))
        assert isinstance(schedule, Schedule)
        kept = root / "cache"
        Schedule.load(root, kept)  # (replays, and keeps the replay)
        warm_ms, warm = best(lambda: Schedule.load(root, kept))
        assert isinstance(warm, Schedule) and len(warm.histories) == len(schedule.histories)
        # another machine's 1,000 reviews, later, synced onto the end of the log
        log = root / LOG
        base = log.read_bytes()
        extra = []
        later = datetime(2027, 1, 1, tzinfo=UTC)
        for n, history in enumerate(list(schedule.histories.values())[:1000]):
            review = Review(f"x{n:08d}", history.id, later + timedelta(minutes=n), 3, history.where)
            extra.append(format_review(review))

        def synced() -> Schedule:
            log.write_bytes(base)
            Schedule.load(root, kept)  # (kept as it was before the sync)
            log.write_bytes(base + ("\n".join(extra) + "\n").encode())
            started = time.perf_counter()
            loaded = Schedule.load(root, kept)
            synced_times.append(time.perf_counter() - started)
            return loaded

        synced_times: list[float] = []
        for _ in range(3):
            synced()
        synced_ms = min(synced_times) * 1000
        link_ms, links = best(lambda: schedule.link(documents))
        questions = [(rel, h) for rel, doc in documents.items() for h in doc.questions()]
        now = datetime(2026, 6, 1, tzinfo=UTC)
        queue_ms, queued = best(lambda: review_queue(questions, links, schedule, now))  # type: ignore[arg-type]
        due, new = queued  # type: ignore[misc]
    result = {
        "reviews": options.reviews,
        "questions": options.questions,
        "histories": len(schedule.histories),
        "load_cold_ms": round(cold_ms, 1),
        "load_warm_ms": round(warm_ms, 1),
        "load_synced_ms": round(synced_ms, 1),
        "link_ms": round(link_ms, 1),
        "queue_ms": round(queue_ms, 1),
        "due": len(due),
        "new": len(new),
    }
    if options.json:
        print(json.dumps(result))
        return
    print(f"{options.reviews:,} reviews of {len(schedule.histories):,} questions ({options.questions:,} in the notes)")
    print(f"load (read + replay), cold: {result['load_cold_ms']} ms")
    print(f"load, the replay kept:      {result['load_warm_ms']} ms")
    print(f"load, 1,000 lines synced:   {result['load_synced_ms']} ms (kept replay + those lines)")
    print(f"link to the notes:          {result['link_ms']} ms")
    print(f"due list:                   {result['queue_ms']} ms ({len(due)} due, {len(new)} new)")


if __name__ == "__main__":
    main()
