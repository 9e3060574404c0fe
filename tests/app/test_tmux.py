"""The real app in a real terminal (tmux): start on the bundled notes, navigate, read, quit."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from notesui.core.notebook import Notebook


def _questions() -> int:
    """How many questions the bundled notes hold (the header says so)."""
    notebook = Notebook(Path(__file__).resolve().parents[2] / "notes")
    notebook.load()
    return notebook.counts().questions


QUESTIONS = _questions()

pytestmark = pytest.mark.tmux

if shutil.which("tmux") is None:
    if os.environ.get("CI"):
        raise RuntimeError("tmux is required in CI (.ci/run installs it)")
    pytest.skip("tmux is not installed (the test command installs it)", allow_module_level=True)


class Terminal:
    def __init__(self, command: str, env: dict[str, str], cwd: Path) -> None:
        self.name = f"notesui-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        subprocess.run(
            [
                "tmux",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                "120",
                "-y",
                "36",
                "-c",
                str(cwd),
                f"env {exports} {command}",
            ],
            check=True,
        )

    def screen(self) -> str:
        result = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return result.stdout

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def burst(self, *keys: str) -> None:
        """Send keys in one go, as fast as a quick typist (no pause between them)."""
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait_gone(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never went away; the screen was:\n{self.screen()}")

    def type(self, text: str) -> None:
        """Type ``text`` literally, one character at a time, as a person would."""
        for char in text:
            subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", char], check=True)
            time.sleep(0.05)

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True).returncode == 0

    def close(self) -> None:
        if self.alive():
            subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def terminal(notes_copy: Path, isolated_dirs: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    status = tmp_path / "exit-status"
    env = {k: os.environ[k] for k in os.environ if k.startswith(("XDG_", "NOTESUI_"))}
    env["TERM"] = "xterm-256color"
    env["NOTESUI_WATCH"] = "1"  # live sync on, as for a user
    command = f"sh -c '{shlex.quote(sys.executable)} -m notesui {shlex.quote(str(notes_copy))}; echo $? > {status}'"
    term = Terminal(command, env, tmp_path)
    term.status_file = status  # type: ignore[attr-defined]
    yield term
    term.close()


def wait_for_exit(terminal: Terminal) -> str:
    deadline = time.monotonic() + 10
    status_file: Path = terminal.status_file  # type: ignore[attr-defined]
    while time.monotonic() < deadline and not status_file.exists():
        time.sleep(0.1)
    return status_file.read_text().strip()


def test_read_a_question_and_quit(terminal: Terminal) -> None:
    terminal.wait_for("llm-interview-basics.md")
    terminal.wait_for(f"0/{QUESTIONS} mastered")  # the header's progress (it may paint a frame later)
    terminal.keys("l", "j")  # open the first file, go to its first heading
    terminal.wait_for("大模型推理优化")
    assert "归纳为6类" in terminal.wait_for("归纳为6类")  # its answer, in the reader
    terminal.keys("?")
    terminal.wait_for("notesui keys")
    terminal.keys("Escape")
    terminal.wait_gone("notesui keys")  # a key right after Escape would read as alt+key
    terminal.keys("q")
    assert wait_for_exit(terminal) == "0"


def test_search_and_jump(terminal: Terminal) -> None:
    terminal.wait_for("llm-interview-basics.md")
    terminal.keys("/")
    terminal.wait_for("Search titles and answers")
    terminal.type("微調效果評估")  # Traditional spelling of a Simplified title
    screen = terminal.wait_for("enter jumps")
    assert "微调效果评估" in screen
    terminal.keys("Enter")
    screen = terminal.wait_for("1. 评估集")  # its answer, in the reader
    assert "Search titles and answers" not in screen
    terminal.keys("q")
    assert wait_for_exit(terminal) == "0"


def test_outside_edit_appears_while_running(terminal: Terminal, notes_copy: Path) -> None:
    terminal.wait_for("llm-interview-basics.md")
    terminal.keys("l", "j")
    terminal.wait_for("归纳为6类")
    path = notes_copy / "llm-inference-and-training-notes.md"
    path.write_bytes(path.read_bytes().replace("归纳为6类".encode(), "归纳为七类".encode(), 1))
    terminal.wait_for("归纳为七类", timeout=5)
    terminal.wait_for("Reloaded", timeout=3)  # and it is said (the notice may paint a frame later)
    terminal.keys("q")
    assert wait_for_exit(terminal) == "0"


def test_a_short_review(terminal: Terminal, notes_copy: Path) -> None:
    terminal.wait_for("llm-interview-basics.md")
    terminal.keys("r")  # review the first file
    screen = terminal.wait_for("Review · 1/")
    assert "大模型推理优化" in screen and "归纳为6类" not in screen  # the answer is hidden
    terminal.keys("Space")
    terminal.wait_for("归纳为6类")
    terminal.keys("m")  # mastered: on to the next question
    terminal.wait_for("Review · 2/")
    terminal.keys("Escape")
    screen = terminal.wait_for("Review finished")
    assert "Newly mastered: 1" in screen
    terminal.keys("Enter")
    terminal.wait_gone("Review finished")
    screen = terminal.wait_for(f"1/{QUESTIONS} mastered")
    text = (notes_copy / "llm-inference-and-training-notes.md").read_text()
    assert "大模型推理优化 <!-- mastered" in text
    terminal.keys("q")
    assert wait_for_exit(terminal) == "0"


def test_edit_an_answer_and_save(terminal: Terminal, notes_copy: Path) -> None:
    path = notes_copy / "llm-inference-and-training-notes.md"
    before = path.read_bytes()
    terminal.wait_for("llm-interview-basics.md")
    terminal.keys("l", "j")
    terminal.wait_for("归纳为6类")
    terminal.keys("e")
    terminal.wait_for("Editing llm-inference-and-training-notes.md")
    terminal.type("终端里写的")  # the cursor starts on the line after the heading
    terminal.wait_for("modified")
    terminal.keys("C-s")
    terminal.wait_for("saved · LF")
    terminal.keys("Escape")
    terminal.wait_gone("Editing llm-inference")
    terminal.wait_for("终端里写的")  # the reader shows the saved answer
    after = path.read_bytes()
    assert after != before and "终端里写的".encode() in after
    first_line = before.split(b"\n")
    changed = [i for i, (a, b) in enumerate(zip(first_line, after.split(b"\n"))) if a != b]
    assert len(changed) == 1  # one line changed, every other byte kept
    terminal.keys("q")
    assert wait_for_exit(terminal) == "0"


def test_keys_typed_in_a_burst_land_where_expected(terminal: Terminal) -> None:
    terminal.wait_for(f"0/{QUESTIONS} mastered")
    terminal.burst("j", "l", "j")  # to the second file, open it, its first heading
    screen = terminal.wait_for("llm-interview-basics.md › 基础")
    assert "section · 0/9 mastered" in screen
    terminal.keys("q")
    assert wait_for_exit(terminal) == "0"


def test_a_conflict_while_editing_keeps_both_versions(terminal: Terminal, notes_copy: Path) -> None:
    path = notes_copy / "llm-inference-and-training-notes.md"
    terminal.wait_for("llm-interview-basics.md")
    terminal.keys("l", "j")
    terminal.wait_for("归纳为6类")
    terminal.keys("e")
    terminal.wait_for("Editing llm-inference-and-training-notes.md")
    terminal.type("我的版本")
    theirs = path.read_bytes().replace("归纳为6类".encode(), "他们的版本".encode(), 1)
    path.write_bytes(theirs)  # another program changes the same answer meanwhile
    terminal.wait_for("changed outside notesui")
    terminal.keys("C-s")
    screen = terminal.wait_for("The file changed on disk")
    assert "Overwrite (o)" in screen and "Keep disk + copy (k)" in screen and "Back to editing (b)" in screen
    terminal.keys("k")
    terminal.wait_gone("The file changed on disk")
    copies = list((notes_copy / ".notesui" / "conflicts").glob("llm-inference-and-training-notes.conflict-*.md"))
    assert len(copies) == 1 and "我的版本" in copies[0].read_text()
    assert path.read_bytes() == theirs
    terminal.wait_for("他们的版本")  # the reader shows the disk version
    terminal.keys("q")
    assert wait_for_exit(terminal) == "0"


def test_closing_the_terminal_keeps_the_unsaved_text(terminal: Terminal, isolated_dirs: Path) -> None:
    terminal.wait_for("llm-interview-basics.md")
    terminal.keys("l", "j")
    terminal.wait_for("归纳为6类")
    terminal.keys("e")
    terminal.wait_for("Editing llm-inference-and-training-notes.md")
    terminal.type("最后一秒写的")
    terminal.wait_for("最后一秒写的")
    terminal.close()  # the terminal goes away at once (SIGHUP), well within a second of typing
    recovery = isolated_dirs / "xdg_data_home" / "notesui" / "recovery"
    deadline = time.monotonic() + 10
    kept: list[Path] = []
    while time.monotonic() < deadline and not kept:
        kept = [p for p in recovery.glob("*.md") if "最后一秒写的" in p.read_text("utf-8")] if recovery.is_dir() else []
        time.sleep(0.1)
    assert kept, "the unsaved text was not kept"


def test_a_polite_kill_ends_the_app_cleanly_and_keeps_the_text(
    terminal: Terminal, notes_copy: Path, isolated_dirs: Path
) -> None:
    terminal.wait_for("llm-interview-basics.md")
    terminal.keys("l", "j")
    terminal.wait_for("归纳为6类")
    terminal.keys("e")
    terminal.wait_for("Editing llm-inference-and-training-notes.md")
    terminal.type("被终止前")
    terminal.wait_for("被终止前")
    wanted = [b"-m", b"notesui", os.fsencode(notes_copy)]
    python = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "cmdline").read_bytes().split(b"\0")[1:4] == wanted:
                python.append(int(entry.name))
        except OSError:
            continue  # a process that ended meanwhile
    assert len(python) == 1
    for pid in python:
        os.kill(pid, 15)
    assert wait_for_exit(terminal) == str(128 + 15)
    recovery = isolated_dirs / "xdg_data_home" / "notesui" / "recovery"
    assert any("被终止前" in p.read_text("utf-8") for p in recovery.glob("*.md"))


def test_a_burst_of_j_shows_the_question_under_the_cursor(terminal: Terminal) -> None:
    # keys pressed faster than answers render queue no backlog: the help opens at once and
    # the reader then shows the question the cursor is on
    terminal.wait_for("llm-interview-basics.md")
    terminal.keys("j")  # the second file, 51 headings at its top
    terminal.wait_for("0/444 mastered ·")  # (the reader tells of that file)
    terminal.keys("l")
    terminal.wait_for("进阶")
    terminal.burst(*["j"] * 50, "?")
    terminal.wait_for("notesui keys", timeout=5)
    terminal.keys("Escape")
    terminal.wait_gone("notesui keys")
    time.sleep(1.0)
    screen = terminal.screen()
    reader = [line.split("▕", 1)[-1].strip() for line in screen.splitlines() if "▕" in line]
    crumb = next(i for i, line in enumerate(reader) if line.startswith("llm-interview-basics.md ›"))
    status = next(i for i in range(crumb, len(reader)) if reader[i].startswith(("question ·", "section ·")))
    title = " ".join(reader[crumb:status]).split("›")[-1].strip()
    assert title, screen
    assert title[:6] in "".join(reader[status + 1 :]), screen  # the reader shows that question
