"""Cold start of the app in a real pseudo-terminal: time to first paint and to the notes.

    python benchmarks/startup_bench.py [--dir notes] [--runs 5] [--json]

"first paint" is the first screen output; "notes shown" is when a file name from the
notes folder appears on screen (the notebook is parsed and the outline drawn).
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def one_run(notes: Path, marker: bytes, timeout: float = 30.0) -> tuple[float, float]:
    master, slave = pty.openpty()
    os.set_blocking(master, False)
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="36")
    with tempfile.TemporaryDirectory() as home:
        env.update({f"XDG_{k}_HOME": f"{home}/{k.lower()}" for k in ("CONFIG", "DATA", "STATE", "CACHE")})
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "notesui", str(notes)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=home,
            close_fds=True,
        )
        os.close(slave)
        seen = b""
        first_paint = notes_shown = None
        while time.perf_counter() - started < timeout and notes_shown is None:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            now = time.perf_counter() - started
            if chunk and first_paint is None and b"\x1b[" in chunk:
                first_paint = now
            seen += chunk
            if marker in seen:
                notes_shown = now
        os.write(master, b"q")
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.close(master)
    if first_paint is None or notes_shown is None:
        raise SystemExit("the app did not show the notes in time")
    return first_paint, notes_shown


def parse_time(notes: Path) -> tuple[float, int]:
    from notesui.core.notebook import Notebook

    started = time.perf_counter()
    notebook = Notebook.open(notes)
    elapsed = time.perf_counter() - started
    return elapsed, notebook.counts().questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", default=str(REPO / "notes"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    notes = Path(options.dir).resolve()
    first = sorted(p.name for p in notes.glob("*.md"))[0]
    marker = first[: min(len(first), 12)].encode()
    runs = [one_run(notes, marker) for _ in range(options.runs)]
    parse_s, questions = parse_time(notes)
    result = {
        "runs": options.runs,
        "first_paint_ms": round(statistics.median(r[0] for r in runs) * 1000, 1),
        "notes_shown_ms": round(statistics.median(r[1] for r in runs) * 1000, 1),
        "notes_shown_max_ms": round(max(r[1] for r in runs) * 1000, 1),
        "parse_ms": round(parse_s * 1000, 1),
        "questions": questions,
    }
    if options.json:
        print(json.dumps(result))
    else:
        print(
            f"cold start, median of {options.runs}: first paint {result['first_paint_ms']} ms, "
            f"notes shown {result['notes_shown_ms']} ms (max {result['notes_shown_max_ms']} ms)"
        )
        print(f"parse of {notes}: {result['parse_ms']} ms, {questions} questions")


if __name__ == "__main__":
    main()
