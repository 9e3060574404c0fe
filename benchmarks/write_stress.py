"""Concurrent writers: is any text lost?

    python benchmarks/write_stress.py [--processes 2] [--marks 200] [--lines 3000] [--json]

* processes: P ``notesui mark`` processes (one process per mark, as a shell loop would run
  them) mark different headings of one 400-section file in parallel; every mark a process
  reported as done ("now mastered", exit 0) must be in the file at the end;
* app + appender: the app presses ``m`` every 0.1 s while another program appends a line
  every 10 ms, until it has appended ``--lines`` lines; every appended line must be in the
  file (or, where it could not be re-applied, in a conflict copy, which is counted).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from notesui.core.document import Document  # noqa: E402
from notesui.core.store import CONFLICTS  # noqa: E402

SECTIONS = 400
APPENDER = """
import os, sys, time
path, total = sys.argv[1], int(sys.argv[2])
for number in range(total):
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"appended line {number}\\n")
    time.sleep(0.01)
"""
MARKER = """
import subprocess, sys
root, lines = sys.argv[1], sys.argv[2:]
for line in lines:
    done = subprocess.run([sys.executable, "-m", "notesui", "mark", f"big.md:{line}", "--dir", root],
                          capture_output=True, text=True)
    if done.returncode == 0:
        sys.stdout.write(done.stdout)
        sys.stdout.flush()
"""


def notes(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "big.md"
    path.write_text("# Big\n\n" + "".join(f"## Question {n}\n\nAnswer {n}.\n\n" for n in range(SECTIONS)), "utf-8")
    return path


def processes(folder: Path, count: int, marks: int) -> dict[str, float]:
    path = notes(folder / "processes")
    lines = [str(h.line + 1) for h in Document.parse(path.read_bytes()).headings if h.level == 2]
    shares = [lines[i::count][:marks] for i in range(count)]
    started = time.perf_counter()
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", MARKER, str(path.parent), *share], stdout=subprocess.PIPE, text=True, cwd=REPO
        )
        for share in shares
    ]
    reported = set()
    for run in runs:
        out, _ = run.communicate()
        reported |= set(re.findall(r"now mastered: big\.md:(\d+)", out))
    seconds = time.perf_counter() - started
    final = Document.parse(path.read_bytes())
    mastered = {str(h.line + 1) for h in final.headings if h.mastered}
    return {
        "processes": count,
        "marks_each": marks,
        "reported": len(reported),
        "lost": len(reported - mastered),
        "seconds": round(seconds, 1),
    }


async def app_and_appender(folder: Path, lines: int) -> dict[str, float]:
    from notesui.app import NotesApp
    from notesui.ui.screens.dialogs import ChoiceScreen
    from notesui.ui.widgets.outline import Entry, OutlineTree

    path = notes(folder / "app")
    app = NotesApp(path.parent, watch=True)
    presses = 0
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.screen.query_one(OutlineTree).select_entry(Entry("heading", "big.md", 5))
        await pilot.pause(0.2)
        appender = subprocess.Popen([sys.executable, "-c", APPENDER, str(path), str(lines)])
        cancelled = 0
        try:
            while appender.poll() is None:  # `m` every 0.1 s, not waiting for the app to be idle
                screen = app.screen
                if isinstance(screen, ChoiceScreen):  # `m` landed on the file: "mark all?"
                    screen.dismiss(screen.cancel)
                    cancelled += 1
                else:
                    screen.action_toggle_mastered()  # type: ignore[attr-defined]
                    presses += 1
                await asyncio.sleep(0.1)
        finally:
            appender.wait()
        await pilot.pause(0.5)
    text = path.read_text("utf-8")
    copies = sorted((path.parent / CONFLICTS).glob("*.md"))
    in_file = {int(n) for n in re.findall(r"appended line (\d+)", text)}
    in_copies = {int(n) for n in re.findall(r"appended line (\d+)", "".join(p.read_text() for p in copies))}
    return {
        "appended": lines,
        "m_presses": presses,
        "mark_all_dialogs_cancelled": cancelled,
        "in_file": len(in_file),
        "only_in_conflict_copies": len(in_copies - in_file),
        "conflict_copies": len(copies),
        "lost": len(set(range(lines)) - in_file - in_copies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--marks", type=int, default=200)
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = {
            "processes": processes(Path(tmp), options.processes, options.marks),
            "app_and_appender": asyncio.run(app_and_appender(Path(tmp), options.lines)),
        }
    if options.json:
        print(json.dumps(result))
        return
    p, a = result["processes"], result["app_and_appender"]
    print(
        f"{p['processes']} mark processes x {p['marks_each']} marks: {p['reported']} reported done, "
        f"{p['lost']} lost ({p['seconds']} s)"
    )
    print(
        f"app pressing m ({a['m_presses']} times) while {a['appended']} lines were appended: "
        f"{a['lost']} lost, {a['only_in_conflict_copies']} only in conflict copies "
        f"({a['conflict_copies']} copies)"
    )


if __name__ == "__main__":
    main()
