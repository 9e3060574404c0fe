"""Reading speed in a real terminal: from a key press to the new answer on screen.

    python benchmarks/reader_bench.py [--json] [--size 160x48]

The app runs in tmux on a notes folder made for the run: answers of the bundled notes and a
generated file with 60- and 300-item lists, a 100-row table and a 2,000-line section. Every
answer starts with a marker (``⟦07⟧``). The path jumps to the first question with search, then
presses ``j`` through every question and ``k`` back over some, one key at a time; after each
key the screen is polled (~every 10 ms) until

* the reader's breadcrumb names the new question: how long input waited (the UI thread is
  busy while it does not; the longest wait is the "stall"), and
* the new answer's marker is on screen: key → answer painted.

Then a burst: ``j`` pressed ten times in one go on the long sections, timing how long until
the answer under the cursor is the one shown (a backlog of renders shows here).

Prints p50/p95/max key → painted per kind of answer and overall, and the longest stall;
``--json`` prints one line with ``p50_ms, p95_ms, max_ms, stall_ms`` (and the details).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from notesui.core.document import Document  # noqa: E402

BUNDLED_ANSWERS = 40
TIMEOUT = 10.0


def marker(number: int) -> str:
    return f"⟦{number:02d}⟧"


def sections() -> list[tuple[str, str, str]]:
    """(kind, title, answer) for every question of the generated notes, in file order."""
    out: list[tuple[str, str, str]] = []
    handbook = Document.load(REPO / "notes" / "llm-interview-handbook.md")
    answered = [h for h in handbook.headings if h.is_question and len(handbook.span_text(h.answer).strip()) > 40]
    for heading in answered[:BUNDLED_ANSWERS]:
        kind = "long answer" if handbook.span_text(heading.answer).count("\n") >= 30 else "answer"
        out.append((kind, heading.title, handbook.span_text(heading.answer).strip()))
    items60 = "\n".join(f"- item {n}: 这一项说明了显存与吞吐的关系, with some English words too" for n in range(60))
    items300 = "\n".join(f"{n + 1}. 第 {n} 项: the answer lists many points to read" for n in range(300))
    table = "| # | 方法 | 显存 | notes |\n| ---: | :--- | :---: | --- |\n" + "\n".join(
        f"| {n} | LoRA-{n} | {n * 3} GB | 说明 {n} |" for n in range(100)
    )
    long = "\n".join(  # 2,000 lines in paragraphs of four
        f"Line {n} of a long section: 长段落的第 {n} 行, with `code` and **bold** words." + ("\n" if n % 4 == 3 else "")
        for n in range(2000)
    )
    generated = [
        ("list 60", "A 60-item list", items60),
        ("short", "A short answer", "One line."),
        ("list 300", "A 300-item list", items300),
        ("short", "Another short answer", "两行。\n第二行。"),
        ("table 100", "A 100-row table", table),
        ("long 2000", "A 2,000-line section", long),
        ("short", "A last short answer", "Done."),
    ]
    # the long ones between bundled answers, as in a real file
    for position, section in zip((5, 12, 19, 26, 33, 38, 40), generated):
        out.insert(position, section)
    return out


def write_notes(root: Path) -> list[tuple[str, str]]:
    """The notes folder; (kind, marker) for every question, in order."""
    parts = ["# Reader bench\n"]
    order = []
    for number, (kind, title, answer) in enumerate(sections()):
        parts.append(f"## Q{number:02d} {title}\n\n{marker(number)} {answer}\n")
        order.append((kind, marker(number)))
    (root / "reader.md").write_text("\n".join(parts), encoding="utf-8")
    return order


class Terminal:
    def __init__(self, command: str, env: dict[str, str], cwd: Path, size: tuple[int, int]) -> None:
        self.name = f"notesui-bench-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        width, height = size
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(width),
                "-y",
                str(height),
                "-c",
                str(cwd),
                f"env {exports} {command}",
            ],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def send(self, *keys: str, literal: bool = False) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []), *keys], check=True)

    def wait(self, *texts: str, timeout: float = TIMEOUT) -> dict[str, float]:
        """Poll until every one of ``texts`` is on screen: when each first appeared (s)."""
        started = time.perf_counter()
        seen: dict[str, float] = {}
        while len(seen) < len(texts) and time.perf_counter() - started < timeout:
            screen = self.screen()
            now = time.perf_counter() - started
            for text in texts:
                if text not in seen and text in screen:
                    seen[text] = now
            time.sleep(0.005)
        return seen

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--size", default="160x48")
    options = parser.parse_args()
    if shutil.which("tmux") is None:
        sys.exit("reader_bench needs tmux (apt-get install tmux)")
    width, height = (int(part) for part in options.size.split("x"))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        notes = home / "notes"
        notes.mkdir()
        order = write_notes(notes)
        env = {f"XDG_{k}_HOME": str(home / k.lower()) for k in ("CONFIG", "DATA", "STATE", "CACHE")}
        env.update(TERM="xterm-256color", NOTESUI_WATCH="0", PYTHONPATH=str(REPO))
        terminal = Terminal(
            f"{shlex.quote(sys.executable)} -m notesui {shlex.quote(str(notes))}", env, home, (width, height)
        )
        try:
            result = run_path(terminal, order)
        finally:
            terminal.close()
    report(result, options.json)


def run_path(terminal: Terminal, order: list[tuple[str, str]]) -> dict[str, object]:
    if not terminal.wait("reader.md", timeout=30):
        raise SystemExit("the app did not start:\n" + terminal.screen())
    time.sleep(1.0)
    terminal.send("/")
    time.sleep(0.5)
    terminal.send("Q00", literal=True)
    time.sleep(1.0)
    terminal.send("Enter")
    if not terminal.wait(order[0][1]):
        raise SystemExit("search did not reach the first question:\n" + terminal.screen())
    time.sleep(0.5)
    path = [("j", number) for number in range(1, len(order))]
    path += [("k", number) for number in range(len(order) - 2, len(order) - 12, -1)]
    painted: dict[str, list[float]] = {}
    waited: list[float] = []
    slowest: list[tuple[float, str]] = []
    missed = 0
    for key, number in path:
        kind, mark = order[number]
        crumb = f"Q{number:02d} "
        terminal.send(key)
        seen = terminal.wait(crumb, mark)
        if mark not in seen:
            missed += 1
            continue
        painted.setdefault(kind, []).append(seen[mark] * 1000)
        slowest.append((round(seen[mark] * 1000, 1), f"{key} → Q{number:02d} ({kind})"))
        waited.append(seen.get(crumb, seen[mark]) * 1000)
        time.sleep(0.05)
    # a burst of j on the long sections: only the last one should be rendered
    bursts = []
    for start in (2, 4):  # from just before the 300-item list and the table
        long_first = next(i for i, (kind, _) in enumerate(order) if kind in ("list 300", "table 100")) - start
        terminal.send("/")
        time.sleep(0.5)
        terminal.send("C-u")
        terminal.send(f"Q{long_first:02d}", literal=True)
        time.sleep(1.0)
        terminal.send("Enter")
        terminal.wait(order[long_first][1])
        time.sleep(0.5)
        target = long_first + 10
        terminal.send(*["j"] * 10)
        seen = terminal.wait(order[target][1], timeout=30)
        if order[target][1] not in seen:
            print(f"the burst never showed Q{target:02d}:\n{terminal.screen()}", file=sys.stderr)
        bursts.append(seen.get(order[target][1], 30.0) * 1000)
    everything = [t for times in painted.values() for t in times]
    return {
        "keys": len(path),
        "missed": missed,
        "p50_ms": round(statistics.median(everything), 1),
        "p95_ms": round(percentile(everything, 95), 1),
        "max_ms": round(max(everything), 1),
        "stall_ms": round(max(waited), 1),
        "burst_ms": [round(b, 1) for b in bursts],
        "slowest": sorted(slowest, reverse=True)[:5],
        "kinds": {
            kind: {
                "n": len(times),
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 95), 1),
                "max_ms": round(max(times), 1),
            }
            for kind, times in sorted(painted.items())
        },
    }


def report(result: dict[str, object], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result))
        return
    print(f"{result['keys']} keys ({result['missed']} never painted within {TIMEOUT:.0f} s)")
    print(f"{'kind':<12} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind, row in result["kinds"].items():  # type: ignore[attr-defined]
        print(f"{kind:<12} {row['n']:>3} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['max_ms']:>8}")
    print(f"{'all':<12} {'':>3} {result['p50_ms']:>8} {result['p95_ms']:>8} {result['max_ms']:>8}")
    print(f"longest input stall (key → breadcrumb): {result['stall_ms']} ms")
    print(f"10 j in a burst over long sections → the last one shown: {result['burst_ms']} ms")
    print("slowest keys: " + ", ".join(f"{what} {ms} ms" for ms, what in result["slowest"]))  # type: ignore[attr-defined]


if __name__ == "__main__":
    os.environ.setdefault("NOTESUI_WATCH", "0")
    main()
