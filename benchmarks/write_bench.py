"""Save latency and outside-change latency.

    python benchmarks/write_bench.py [--json]

* save: one section of a ~1 MB notes file replaced through the store (lock, read, check,
  temp file, fsync, check again, rename, folder fsync, check the replaced file), as the
  editor's ctrl+s does on the UI thread; and the re-parse that follows (in a worker for
  files this big);
* the lock's share of a save: the same saves with the inter-process lock taken and not
  (alternating, so both see the same disk);
* outside change -> visible in the tree: the app runs headless with the watcher on; another
  program rewrites a note, and the time until the outline shows the new title is measured
  (it includes the ~150 ms coalescing window).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from notesui.core.document import Document  # noqa: E402
from notesui.core.edits import SectionEdit, edit_text  # noqa: E402
from notesui.core.store import Store  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def save_latency(folder: Path, rounds: int = 20, lock: bool = True) -> tuple[int, list[float], list[float]]:
    source = (REPO / "notes" / "llm-interview-basics.md").read_bytes()
    data = source * (2**20 // len(source) + 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "big.md"
    path.write_bytes(data)
    store = Store(folder, user_locks=folder / "user-locks")  # both locks, as the app takes them
    if not lock:
        store._lock_file = lambda folder, rel: -1  # type: ignore[method-assign]
    writes, parses = [], []
    doc = Document.parse(path.read_bytes(), "big.md")
    for i in range(rounds):
        heading = doc.headings[len(doc.headings) // 2]
        text = edit_text(doc, heading).text + f"\nedit {i}\n"
        started = time.perf_counter()
        change = SectionEdit("big.md", doc.data, heading.section.start, heading.section.end, text, "\n")
        saved = store.write("big.md", change)
        writes.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        doc = Document.parse(saved.data, "big.md")
        parses.append((time.perf_counter() - started) * 1000)
    return len(data), writes, parses


async def outside_latency(folder: Path, rounds: int = 20) -> list[float]:
    from notesui.app import NotesApp
    from notesui.ui.widgets.outline import OutlineTree

    notes = folder / "notes"
    shutil.copytree(REPO / "notes", notes)
    path = notes / "llm-inference-and-training-notes.md"
    original = path.read_bytes()
    first_title = Document.parse(original, "x").roots[0].title
    app = NotesApp(notes, watch=True)
    times = []
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("l")  # open the file: its headings are in the tree
        await pilot.pause(0.3)
        tree = app.screen.query_one(OutlineTree)
        for i in range(rounds):
            title = f"{first_title} v{i}"
            path.write_bytes(original.replace(first_title.encode(), title.encode(), 1))
            started = time.perf_counter()
            while time.perf_counter() - started < 5:
                labels = [str(n.label) for n in tree.root.children[0].children]
                if any(title in label for label in labels):
                    break
                await asyncio.sleep(0.005)
            times.append((time.perf_counter() - started) * 1000)
            await pilot.pause(0.3)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        size, saves, parses = save_latency(Path(tmp))
        locked, unlocked = [], []
        for round_ in range(10):
            (locked if round_ % 2 == 0 else unlocked).extend(
                save_latency(Path(tmp) / f"lock{round_}", rounds=10, lock=round_ % 2 == 0)[1]
            )
        outside = asyncio.run(outside_latency(Path(tmp)))
    result = {
        "file_mb": round(size / 2**20, 2),
        "save_p50_ms": round(statistics.median(saves), 1),
        "save_max_ms": round(max(saves), 1),
        "reparse_p50_ms": round(statistics.median(parses), 1),
        "save_locked_p50_ms": round(statistics.median(locked), 2),
        "save_unlocked_p50_ms": round(statistics.median(unlocked), 2),
        "lock_cost_p50_ms": round(statistics.median(locked) - statistics.median(unlocked), 2),
        "outside_p50_ms": round(statistics.median(outside), 1),
        "outside_p95_ms": round(percentile(outside, 95), 1),
        "outside_max_ms": round(max(outside), 1),
    }
    if options.json:
        print(json.dumps(result))
        return
    print(
        f"save of one section in a {result['file_mb']} MB file: p50 {result['save_p50_ms']} ms, "
        f"max {result['save_max_ms']} ms; re-parse after it (worker) p50 {result['reparse_p50_ms']} ms"
    )
    print(
        f"the lock's cost on a save: p50 {result['lock_cost_p50_ms']} ms "
        f"(locked {result['save_locked_p50_ms']} ms, unlocked {result['save_unlocked_p50_ms']} ms)"
    )
    print(
        f"outside change -> visible in the tree: p50 {result['outside_p50_ms']} ms, "
        f"p95 {result['outside_p95_ms']} ms, max {result['outside_max_ms']} ms"
    )


if __name__ == "__main__":
    main()
