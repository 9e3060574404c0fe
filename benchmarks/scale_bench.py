"""Opening a big notes folder, cold (empty cache) and warm: the app and the commands.

    python benchmarks/scale_bench.py --items 100000 [--json] [--repo PATH]

A synthetic folder of ITEMS questions (the bundled ones, recombined; 200 a file) is written
to a temporary folder. Measured, each in a fresh process:

* the app in a real pseudo-terminal: start -> tree shown (the first file's name on screen)
  and -> counts complete (the "answered" total in the progress line, shown once every file
  is parsed), its RSS then and its peak RSS once the search index is built and kept;
* ``notesui stats`` and ``notesui search 'lora 显存'``: wall time and peak RSS.

"cold" runs with an empty cache folder, "warm" with the cache the earlier run left. With
``--repo`` another checkout of notesui is measured (the same way) instead of this one.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from search_bench import corpus, write_notes  # noqa: E402

QUERY = "lora 显存"


class Runner:
    def __init__(self, repo: Path, notes: Path, work: Path, questions: int) -> None:
        self.repo = repo
        self.notes = notes
        self.work = work
        # the header says "N/TOTAL mastered" once every file is counted (while reading, the
        # total so far is smaller, and a file's page never shows the whole folder's total)
        self.complete = f"/{questions} mastered".encode()

    def env(self, cache: str) -> dict[str, str]:
        home = self.work / "home"
        env = dict(os.environ, PYTHONPATH=str(self.repo), TERM="xterm-256color", COLUMNS="120", LINES="36")
        env.update({f"XDG_{k}_HOME": str(home / k.lower()) for k in ("CONFIG", "DATA", "STATE")})
        env["XDG_CACHE_HOME"] = str(self.work / cache)
        return env

    def fresh(self, cache: str) -> None:
        shutil.rmtree(self.work / cache, ignore_errors=True)

    def wait_background(self) -> None:
        """Let an index build a command started in the background finish (it would skew
        the next measurement)."""
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            found = subprocess.run(["pgrep", "-f", f"notesui index --dir {self.notes}"], capture_output=True)
            if found.returncode != 0:
                return
            time.sleep(0.2)

    def command(self, cache: str, *args: str) -> dict[str, float]:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "notesui", *args, "--dir", str(self.notes)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=self.env(cache),
            cwd=self.work,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        self.wait_background()
        return {"s": round(elapsed, 3), "rss_mb": round(usage.ru_maxrss / 1024, 1)}

    def app(self, cache: str, timeout: float = 300.0) -> dict[str, float | None]:
        marker, complete = b"part-00000", self.complete
        master, slave = pty.openpty()
        os.set_blocking(master, False)
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "notesui", str(self.notes)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=self.env(cache),
            cwd=self.work,
            close_fds=True,
        )
        os.close(slave)
        seen = b""
        shown = counted = None
        rss_counted = None
        while time.perf_counter() - started < timeout and counted is None:
            ready, _, _ = select.select([master], [], [], 0.02)
            if not ready:
                continue
            try:
                seen += os.read(master, 1 << 16)
            except OSError:
                break
            now = time.perf_counter() - started
            if shown is None and marker in seen:
                shown = now
            if shown is not None and complete in seen:
                counted = now
                rss_counted = _status(proc.pid, "VmRSS")
        index_kept = self._wait_for_index(cache, started, master)
        peak = _status(proc.pid, "VmHWM")
        os.write(master, b"q")
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        os.close(master)
        return {
            "tree_shown_s": _round(shown),
            "counts_complete_s": _round(counted),
            "rss_mb": rss_counted,
            "peak_rss_mb": peak,
            "index_kept": index_kept,
        }

    def _wait_for_index(self, cache: str, started: float, master: int, timeout: float = 120.0) -> bool:
        """Until the app has kept its search index (its file written after the start; when
        one was there already, a kept index that was current is not written again: 3 s then),
        reading the terminal meanwhile so the app never blocks on it."""
        folder = self.work / cache / "notesui"
        begun = time.time() - (time.perf_counter() - started)
        waited = time.monotonic()
        keeps = (self.repo / "notesui" / "core" / "indexcache.py").exists()
        if not keeps:
            timeout = 15.0  # a notesui that keeps no index: give its build that long
        while time.monotonic() - waited < timeout:
            keys = list(folder.glob("index-*.key")) if folder.exists() else []
            newest = max((key.stat().st_mtime for key in keys), default=0.0)
            if keeps and (newest >= begun or (keys and time.monotonic() - waited > 3)):
                return True
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    os.read(master, 1 << 16)
                except OSError:
                    return False
        return False


def _questions(notes: Path) -> int:
    """The folder's question count, found by another process: a child's peak RSS starts
    from its parent's (it survives exec), so this one stays small."""
    script = (
        "import sys; from notesui.core.notebook import Notebook; print(Notebook.open(sys.argv[1]).counts().questions)"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return int(
        subprocess.run(
            [sys.executable, "-c", script, str(notes)], capture_output=True, text=True, env=env, check=True
        ).stdout
    )


def _status(pid: int, field: str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="one JSON line")
    parser.add_argument("--repo", default=str(REPO), help="the notesui checkout to measure")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        notes = work / "notes"
        notes.mkdir()
        write_notes(corpus(options.items), notes)
        size = sum(p.stat().st_size for p in notes.glob("*.md"))
        questions = _questions(notes)
        run = Runner(Path(options.repo).resolve(), notes, work, questions)
        result: dict[str, object] = {
            "items": options.items,
            "questions": questions,
            "files": len(list(notes.glob("*.md"))),
            "mb": round(size / (1 << 20), 1),
        }
        run.fresh("stats")
        result["stats_cold"] = run.command("stats", "stats")
        result["stats_warm"] = run.command("stats", "stats")
        result["search_after_stats"] = run.command("stats", "search", QUERY)  # warm: kept by stats' background index
        run.fresh("search")
        result["search_cold"] = run.command("search", "search", QUERY)
        result["search_warm"] = run.command("search", "search", QUERY)
        run.fresh("app")
        result["app_cold"] = run.app("app")
        result["app_warm"] = run.app("app")
    if options.json:
        print(json.dumps(result))
        return
    print(f"{options.items} questions in {result['files']} files ({result['mb']} MB), {options.repo}")
    for name, value in result.items():
        if isinstance(value, dict):
            print(f"  {name:<20} " + "  ".join(f"{k} {v}" for k, v in value.items()))


if __name__ == "__main__":
    main()
