"""The command line contract (README, “Command line”)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from notesui import __version__
from notesui.cli import main


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "notesui", *args], capture_output=True, text=True, cwd=cwd)


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"notesui {__version__}"
    result = run("--help")
    assert result.returncode == 0 and "search" in result.stdout


def test_stats_json_shape(sample_notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json", "--dir", str(sample_notes)]) == 0
    data = json.loads(capsys.readouterr().out)
    none = {"due": 0, "reviewed": 0, "retention": None}
    assert data["files"] == [
        {"file": "basics.md", "questions": 4, "answered": 3, "mastered": 0, **none},
        {"file": "topics/attention.md", "questions": 1, "answered": 1, "mastered": 0, **none},
    ]
    assert data["total"] == {"questions": 5, "answered": 4, "mastered": 0, **none}


def test_dir_may_come_anywhere_after_the_subcommand(sample_notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "--dir", str(sample_notes), "LoRA", "--json"]) == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first == {
        "file": "basics.md",
        "line": 5,
        "title": "What is LoRA?",
        "path": ["Basics"],
        "score": first["score"],
        "where": "title",
        "mastered": False,
    }
    assert isinstance(first["score"], float)


def test_search_traditional_finds_simplified(sample_notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "微調", "--json", "--dir", str(sample_notes)]) == 0
    titles = [json.loads(line)["title"] for line in capsys.readouterr().out.splitlines()]
    assert "什么是微调？" in titles


def test_search_nothing_found_exits_1(sample_notes: Path) -> None:
    assert main(["search", "zzzqqq", "--dir", str(sample_notes)]) == 1


def test_usage_errors_exit_2(sample_notes: Path, tmp_path: Path) -> None:
    assert main(["search", "--limit", "0", "x", "--dir", str(sample_notes)]) == 2
    assert main(["search"]) == 2
    assert main(["stats", "--dir", str(tmp_path / "missing")]) == 2
    assert run("show", "--bogus").returncode == 2


def test_show_plain_prints_the_exact_section(sample_notes: Path) -> None:
    result = run("show", "basics.md:5", "--plain", "--dir", str(sample_notes))
    assert result.returncode == 0
    assert result.stdout == "## What is LoRA?\n\nLow-rank adaptation: train two small matrices.\n\n"


def test_show_rich_strips_escape_sequences(sample_notes: Path) -> None:
    result = run("show", "Escape test", "--dir", str(sample_notes))
    assert result.returncode == 0
    assert "Danger" in result.stdout and "\x1b]0;" not in result.stdout and "\x1b[2J" not in result.stdout


def test_show_reads_chinese_right_and_pads_nothing_when_piped(tmp_path: Path) -> None:
    from rich.cells import cell_len

    words = " ".join(["transformer"] * 12)
    (tmp_path / "a.md").write_text(
        f"# 问题\n\n这是第一行\n这是第二行，{'很长的中文句子' * 10}。\n\n{words}\n", encoding="utf-8"
    )
    result = run("show", "问题", "--dir", str(tmp_path))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert any("这是第一行这是第二行" in line for line in lines)  # no space for the soft break
    assert all(cell_len(line) <= 80 and line == line.rstrip() for line in lines[1:])  # piped: 80, no padding
    assert all(word == "transformer" for line in lines if "transformer" in line for word in line.split())
    assert not any(line.startswith(("，", "。")) for line in lines)


def test_show_by_query_and_nothing(sample_notes: Path) -> None:
    result = run("show", "MQA", "--plain", "--dir", str(sample_notes))
    assert result.stdout.startswith("## What is MQA?")
    assert run("show", "zzzqqq", "--dir", str(sample_notes)).returncode == 1


def test_check_reports_problems_and_exit_status(sample_notes: Path) -> None:
    result = run("check", "--dir", str(sample_notes))
    assert result.returncode == 0
    assert "basics.md:13: warning: empty answer: Unanswered question" in result.stdout
    (sample_notes / "binary.md").write_bytes(b"\x00\x01\x02")
    result = run("check", "--dir", str(sample_notes))
    assert result.returncode == 1 and "binary.md: error: binary file" in result.stdout


def test_default_root_is_a_copy_of_the_bundled_notes(
    tmp_path: Path, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from notesui import locations

    monkeypatch.chdir(tmp_path)  # no ./notes here
    root = locations.notes_root(None, None)
    assert root.is_relative_to(isolated_dirs)
    bundled = locations.bundled_notes()
    assert sorted(p.name for p in root.glob("*.md")) == sorted(p.name for p in bundled.glob("*.md"))
    (root / "llm-learning-notes.md").write_text("# changed by the user\n")
    assert locations.notes_root(None, None) == root  # copied once, never over the user's edits
    assert (root / "llm-learning-notes.md").read_text() == "# changed by the user\n"
    result = run("stats", "--json", cwd=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout)["total"]["questions"] > 1000


def test_env_and_config_choose_the_root(sample_notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from notesui import locations

    monkeypatch.setenv("NOTESUI_NOTES_DIR", str(sample_notes))
    assert locations.notes_root(None, "/elsewhere") == sample_notes
    assert locations.notes_root("/arg", "/elsewhere") == Path("/arg")
    monkeypatch.delenv("NOTESUI_NOTES_DIR")
    assert locations.notes_root(None, str(sample_notes)) == sample_notes


def test_mark_and_undo_by_reference(sample_notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = sample_notes / "basics.md"
    original = path.read_bytes()
    line = original.decode().splitlines().index("## What is LoRA?") + 1
    assert main(["mark", f"basics.md:{line}", "--dir", str(sample_notes)]) == 0
    assert "now mastered: basics.md" in capsys.readouterr().out
    assert b"## What is LoRA? <!-- mastered " in path.read_bytes()
    assert main(["search", "lora", "--json", "--dir", str(sample_notes)]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["mastered"] is True
    assert main(["mark", "--undo", f"basics.md:{line}", "--dir", str(sample_notes)]) == 0
    assert path.read_bytes() == original


def test_mark_all_under_a_section_is_one_write(sample_notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mark", "basics.md:3", "--all", "--dir", str(sample_notes)]) == 0
    out = capsys.readouterr().out
    assert out.count("now mastered") == 4
    assert main(["stats", "--json", "--dir", str(sample_notes)]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["files"][0]["file"] == "basics.md" and stats["files"][0]["mastered"] == 4
    assert stats["total"]["mastered"] == 4
    assert main(["mark", "basics.md:3", "--all", "--undo", "--dir", str(sample_notes)]) == 0
    assert "<!-- mastered" not in (sample_notes / "basics.md").read_text()


def test_mark_errors(sample_notes: Path, tmp_path: Path) -> None:
    assert main(["mark", "basics.md", "--dir", str(sample_notes)]) == 2  # a file needs --all
    assert main(["mark", "zzzqqq", "--dir", str(sample_notes)]) == 1
    (sample_notes / "latin1.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    assert main(["mark", "latin1.md:1", "--dir", str(sample_notes)]) == 1
    assert (sample_notes / "latin1.md").read_bytes() == "# Caf\xe9\n".encode("latin-1")


# -- references: a FILE:LINE never writes anywhere else ---------------------------------


@pytest.mark.parametrize(
    "ref",
    ["basics.md:99", "basics.md:0", "basics.md:7", "Basics.md:5", "basic.md:5", "missing/x.md:1", "nosuch/"],
)
def test_mark_with_a_bad_reference_writes_nothing(sample_notes: Path, ref: str) -> None:
    before = {p: p.read_bytes() for p in sample_notes.rglob("*.md")}
    result = run("mark", ref, "--all", "--dir", str(sample_notes))
    assert result.returncode == 1 and result.stdout == ""
    assert "notesui: " in result.stderr
    assert {p: p.read_bytes() for p in sample_notes.rglob("*.md")} == before


def test_bad_line_names_the_nearest_headings(sample_notes: Path) -> None:
    result = run("show", "basics.md:7", "--dir", str(sample_notes))
    assert result.returncode == 1 and result.stdout == ""
    assert "basics.md:5 What is LoRA?" in result.stderr and "basics.md:9 什么是微调？" in result.stderr


def test_mark_all_of_a_file_never_marks_a_similar_file(tmp_path: Path) -> None:
    (tmp_path / "chapter.md").write_text("# One\n\na\n")
    result = run("mark", "--all", "chapter-notes.md", "--dir", str(tmp_path))
    assert result.returncode == 1 and "did you mean chapter.md" in result.stderr
    assert "mastered" not in (tmp_path / "chapter.md").read_text()


def test_several_refs_act_on_each(sample_notes: Path) -> None:
    result = run("mark", "basics.md:5", "topics/attention.md:3", "--dir", str(sample_notes))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("now mastered") == 2
    assert "<!-- mastered" in (sample_notes / "topics" / "attention.md").read_text()
    shown = run("show", "basics.md:5", "topics/attention.md:3", "--plain", "--dir", str(sample_notes))
    assert "What is LoRA?" in shown.stdout and "What is MQA?" in shown.stdout


def test_mark_refuses_a_section_without_all_and_a_vague_query(sample_notes: Path) -> None:
    result = run("mark", "basics.md:3", "--dir", str(sample_notes))
    assert result.returncode == 2 and "is a section" in result.stderr and "--all" in result.stderr
    result = run("mark", "LoRA", "--dir", str(sample_notes))  # not exactly a title
    assert result.returncode == 1 and "FILE:LINE" in result.stderr and "basics.md:5" in result.stderr
    assert "mastered" not in (sample_notes / "basics.md").read_text()
    result = run("mark", "what is lora?", "--dir", str(sample_notes))  # exactly one title
    assert result.returncode == 0 and "now mastered: basics.md:5" in result.stdout


def test_show_a_file_prints_its_preamble_and_outline(sample_notes: Path) -> None:
    result = run("show", "basics.md", "--plain", "--dir", str(sample_notes))
    assert result.stdout.startswith("Preamble of basics.\n")
    assert "  - What is LoRA?  (basics.md:5)" in result.stdout


def test_mark_on_a_utf16_file_says_why(sample_notes: Path) -> None:
    (sample_notes / "wide.md").write_bytes("# Q\n\nA\n".encode("utf-16"))
    result = run("mark", "wide.md:1", "--dir", str(sample_notes))
    assert result.returncode == 1 and "UTF-16" in result.stderr


# -- names and notes never drive the terminal --------------------------------------------


def test_escape_sequences_in_names_never_reach_the_terminal(tmp_path: Path) -> None:
    folder = tmp_path / "x\x1b]0;pwned\x07"
    folder.mkdir()
    (folder / "clip\x1b]52;c;aGk=\x07.md").write_text("# Q \x1b[31mred\n\nDanger \x1b[2J\x9b1m\n")
    (tmp_path / os.fsdecode(b"caf\xe9.md")).write_text("# Caf\n\nx\n")
    for args in (
        ["stats"],
        ["search", "Q"],
        ["search", "Q", "--json"],
        ["check"],
        ["stats", "--json"],
        ["show", "Q"],
        ["show", "Q", "--plain"],
        ["mark", "--all", "."],
    ):
        result = subprocess.run([sys.executable, "-m", "notesui", *args, "--dir", str(tmp_path)], capture_output=True)
        for stream in (result.stdout, result.stderr):
            assert b"\x1b" not in stream and b"\x07" not in stream and b"\xc2\x9b" not in stream, (args, stream)
            stream.decode("utf-8")  # valid UTF-8 whatever the names
        assert result.returncode in (0, 1), (args, result.stderr)
        if "--json" in args:
            for line in result.stdout.decode().splitlines():
                json.loads(line)
    listed = run("stats", "--json", "--dir", str(tmp_path))
    names = [f["file"] for f in json.loads(listed.stdout)["files"]]
    assert "x\x1b]0;pwned\x07/clip\x1b]52;c;aGk=\x07.md" in names  # escaped, not lost
    assert os.fsdecode(b"caf\xe9.md") in names


# -- special files, unreadable folders, exit codes ----------------------------------------


def test_special_files_are_listed_never_read(tmp_path: Path) -> None:
    (tmp_path / "ok.md").write_text("# Q\n\nA\n")
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "zero.md").symlink_to("/dev/zero")
    result = subprocess.run(
        [sys.executable, "-m", "notesui", "check", "--dir", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "pipe.md: error: a named pipe (FIFO), not a regular file" in result.stdout
    assert "zero.md: error: a character device, not a regular file" in result.stdout
    stats = subprocess.run(
        [sys.executable, "-m", "notesui", "stats", "--dir", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert stats.returncode == 0 and "ok.md" in stats.stdout


def test_an_unreadable_folder_is_reported(
    sample_notes: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if str(path).endswith("topics"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert main(["check", "--dir", str(sample_notes)]) == 1
    captured = capsys.readouterr()
    assert "topics: error: skipped: folder can't be read: Permission denied" in captured.out
    assert main(["stats", "--dir", str(sample_notes)]) == 0
    assert "skipped topics" in capsys.readouterr().err


def test_check_exits_1_for_files_that_are_not_utf8(sample_notes: Path) -> None:
    (sample_notes / "gbk.md").write_bytes("# 问题\n\n答案\n".encode("gbk"))
    result = run("check", "--dir", str(sample_notes))
    assert result.returncode == 1 and "gbk.md: error: not valid UTF-8" in result.stdout


def test_a_writing_command_cleans_temp_files_left_by_a_killed_run(sample_notes: Path) -> None:
    import time

    stale = sample_notes / ".notesui-1234abcd.tmp"
    stale.write_text("half a note")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    fresh = sample_notes / ".notesui-5678abcd.tmp"  # maybe another notesui's, mid-write
    fresh.write_text("x")
    assert run("mark", "basics.md:5", "--dir", str(sample_notes)).returncode == 0
    assert not stale.exists() and fresh.exists()


def test_show_plain_keeps_crlf_line_endings(tmp_path: Path) -> None:
    (tmp_path / "crlf.md").write_bytes(b"# Q\r\n\r\nanswer \x1b[2J\r\n")
    result = subprocess.run(
        [sys.executable, "-m", "notesui", "show", "crlf.md:1", "--plain", "--dir", str(tmp_path)], capture_output=True
    )
    assert result.stdout == "# Q\r\n\r\nanswer ␛[2J\r\n".encode()


def test_import_never_reads_a_fifo_nor_overwrites(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    result = subprocess.run(
        [sys.executable, "-m", "notesui", "import", str(tmp_path / "pipe.txt")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "named pipe" in result.stderr
    (tmp_path / "q.txt").write_text("Q: what?\nA: that \x1b[2J.\n")
    printed = run("import", str(tmp_path / "q.txt"))
    assert "\x1b" not in printed.stdout


@pytest.mark.parametrize("line", ["-1", "abc", "0x5", "5 ", "٥", ""])
def test_a_file_reference_with_a_bad_line_number_is_an_error(sample_notes: Path, line: str) -> None:
    result = run("show", f"basics.md:{line}", "--dir", str(sample_notes))
    assert result.returncode == 1 and result.stdout == "" and "line number" in result.stderr


def test_showing_a_file_that_can_not_be_read_is_an_error(sample_notes: Path) -> None:
    os.mkfifo(sample_notes / "pipe.md")
    (sample_notes / "wide.md").write_bytes("# Q\n\nA\n".encode("utf-16"))
    for ref in ("pipe.md", "wide.md"):
        result = run("show", ref, "--dir", str(sample_notes))
        assert result.returncode == 1 and ref in result.stderr
    assert run("show", "basics.md:5", "--dir", str(sample_notes)).stderr == ""  # others unmentioned
    stats = run("stats", "--dir", str(sample_notes))
    assert stats.returncode == 0 and "pipe.md: a named pipe" in stats.stderr and "wide.md: UTF-16" in stats.stderr


def test_due_lists_the_queue_and_rate_records_a_review(sample_notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (sample_notes / "basics.md").read_bytes()
    assert main(["due", "--json", "--dir", str(sample_notes)]) == 0
    queue = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(q["file"], q["title"], q["state"], q["due"], q["reps"]) for q in queue] == [
        ("basics.md", "What is LoRA?", "new", None, 0),
        ("basics.md", "什么是微调？", "new", None, 0),
        ("basics.md", "Escape test", "new", None, 0),
        ("topics/attention.md", "What is MQA?", "new", None, 0),
    ]  # (no answer: not reviewed unless review_unanswered)
    assert main(["rate", "--dir", str(sample_notes), "basics.md:5", "again"]) == 0
    assert main(["rate", "--dir", str(sample_notes), "What is MQA?", "easy"]) == 0
    capsys.readouterr()
    assert main(["due", "--all", "--json", "--dir", str(sample_notes)]) == 0
    rated = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["title"], r["state"], r["reps"]) for r in rated] == [
        ("What is LoRA?", "learning", 1),
        ("What is MQA?", "review", 1),
    ]
    assert all(r["due"] for r in rated)
    assert main(["stats", "--json", "--dir", str(sample_notes)]) == 0
    total = json.loads(capsys.readouterr().out)["total"]
    assert total["reviewed"] == 2 and total["retention"] == 0.5
    assert (sample_notes / "basics.md").read_bytes() == before  # reviews never go into a note
    assert len((sample_notes / ".notesui" / "reviews.log").read_text(encoding="utf-8").splitlines()) == 2


def test_rate_refuses_what_is_not_one_question(sample_notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rate", "--dir", str(sample_notes), "basics.md", "good"]) == 2  # a file
    assert main(["rate", "--dir", str(sample_notes), "no such title", "good"]) == 1
    assert main(["rate", "--dir", str(sample_notes), "basics.md:5", "superb"]) == 2
    assert not (sample_notes / ".notesui" / "reviews.log").exists()


def test_a_config_limits_new_questions_a_day(
    sample_notes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("new_per_day = 1\nreview_unanswered = true\n", encoding="utf-8")
    monkeypatch.setenv("NOTESUI_CONFIG", str(config))
    assert main(["due", "--json", "--dir", str(sample_notes)]) == 0
    assert [json.loads(line)["title"] for line in capsys.readouterr().out.splitlines()] == ["What is LoRA?"]
    assert main(["rate", "--dir", str(sample_notes), "basics.md:5", "good"]) == 0
    capsys.readouterr()
    assert main(["due", "--json", "--dir", str(sample_notes)]) == 1  # one new a day: started today
