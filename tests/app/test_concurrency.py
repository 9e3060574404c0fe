"""Several writers at once: notesui processes and other programs never lose each other's text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from notesui.core.document import Document
from notesui.core.edits import MarkChange
from notesui.core.store import CONFLICTS, Store

SECTIONS = 120


def _notes(root: Path, sections: int = SECTIONS) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "big.md"
    path.write_text("# Big\n\n" + "".join(f"## Question {n}\n\nAnswer {n}.\n\n" for n in range(sections)), "utf-8")
    return path


_MARKER = textwrap.dedent(
    """
    import sys
    from notesui.cli import main
    root, lines = sys.argv[1], sys.argv[2:]
    for line in lines:
        main(["mark", f"big.md:{line}", "--dir", root])
    """
)


def test_processes_marking_one_file_lose_no_mark(tmp_path: Path) -> None:
    """N processes x M marks on one file: every mark reported as done is in the file."""
    path = _notes(tmp_path / "notes")
    doc = Document.parse(path.read_bytes(), "big.md")
    lines = [str(h.line + 1) for h in doc.headings if h.level == 2]
    processes = 3
    share = [lines[i::processes] for i in range(processes)]
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _MARKER, str(path.parent), *part],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for part in share
    ]
    reported = []
    for run in runs:
        out, _err = run.communicate(timeout=300)
        reported += [line for line in out.splitlines() if line.startswith("now mastered")]
    final = Document.parse(path.read_bytes(), "big.md")
    mastered = {f"{h.line + 1}" for h in final.headings if h.mastered}
    claimed = {re.search(r"big\.md:(\d+)", line).group(1) for line in reported}  # type: ignore[union-attr]
    assert claimed - mastered == set(), f"{len(claimed - mastered)} reported marks are missing"
    assert len(claimed) == SECTIONS
    assert [h.title for h in final.headings] == [h.title for h in doc.headings]


_APPENDER = textwrap.dedent(
    """
    import sys, time
    path, stop = sys.argv[1], sys.argv[2]
    import os
    number = 0
    while not os.path.exists(stop):
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"appended line {number}\\n")
        number += 1
        time.sleep(0.01)
    print(number)
    """
)


def test_marks_while_another_program_appends_lose_no_line(tmp_path: Path) -> None:
    """One writer marks again and again while another program appends a line every 10 ms (as fast as an editor autosaving):
    no appended line is lost (re-applied, or at worst kept in a conflict copy)."""
    path = _notes(tmp_path / "notes", sections=40)
    stop = tmp_path / "stop"
    store = Store(path.parent)
    appender = subprocess.Popen(
        [sys.executable, "-c", _APPENDER, str(path), str(stop)], stdout=subprocess.PIPE, text=True
    )
    notices = []
    try:
        time.sleep(0.2)
        started, round_ = time.monotonic(), 0
        while round_ < 300 or time.monotonic() - started < 2.0:  # long enough for 100+ appends
            round_ += 1
            doc = Document.parse(path.read_bytes(), "big.md")
            questions = [h for h in doc.headings if h.level == 2]
            target = questions[round_ % len(questions)]
            saved = store.write("big.md", MarkChange(doc, [target], not target.mastered, "2026-11-25"))
            notices += [saved.notice] if saved.notice else []
    finally:
        stop.touch()
        out, _ = appender.communicate(timeout=30)
    appended = int(out)
    text = path.read_text("utf-8")
    copies = "".join(p.read_text("utf-8") for p in (path.parent / CONFLICTS).glob("*.md"))
    in_file = {int(n) for n in re.findall(r"appended line (\d+)", text)}
    in_copies = {int(n) for n in re.findall(r"appended line (\d+)", copies)}
    assert appended > 100
    assert set(range(appended)) - in_file - in_copies == set(), "appended lines were lost"
    assert len(notices) == len(list((path.parent / CONFLICTS).glob("*.md")))
    assert [h.title for h in Document.parse(path.read_bytes()).headings][:41] == [
        h.title for h in Document.parse(_notes(tmp_path / "fresh", sections=40).read_bytes()).headings
    ]
    leftovers = [name for name in os.listdir(path.parent) if name.endswith(".tmp")]
    assert leftovers == []


async def test_the_app_marking_while_another_program_appends_loses_no_line(tmp_path: Path) -> None:
    from notesui.app import NotesApp

    from pilot import goto, settle

    path = _notes(tmp_path / "notes", sections=20)
    stop = tmp_path / "stop"
    app = NotesApp(path.parent)
    async with app.run_test(size=(100, 30)) as pilot:
        await goto(pilot, "big.md", "Question 3")
        appender = subprocess.Popen(
            [sys.executable, "-c", _APPENDER, str(path), str(stop)], stdout=subprocess.PIPE, text=True
        )
        try:
            for _ in range(40):
                await pilot.press("m")
                await pilot.pause(0.05)
        finally:
            stop.touch()
            out, _ = appender.communicate(timeout=30)
        await settle(pilot)
    text = path.read_text("utf-8")
    copies = "".join(p.read_text("utf-8") for p in (path.parent / CONFLICTS).glob("*.md"))
    kept = {int(n) for n in re.findall(r"appended line (\d+)", text + copies)}
    assert int(out) > 50
    assert set(range(int(out))) - kept == set(), "appended lines were lost"


def test_notes_folders_inside_one_another_share_the_lock(tmp_path: Path) -> None:
    """notesui on notes/ and on notes/sub/ write the same file: they wait for each other."""
    import threading

    root = tmp_path / "notes"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "x.md").write_text("# X\n")
    user_locks = tmp_path / "state" / "locks"
    outer = Store(root, user_locks=user_locks)
    inner = Store(root / "sub", user_locks=user_locks)
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with outer.locked("sub/x.md"):
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    with inner.locked("x.md"):
        waited = time.monotonic() - started
    holder.join()
    assert waited >= 0.25
