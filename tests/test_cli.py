"""The command line contract (PRODUCT §10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from notesui import __version__
from notesui.__main__ import main


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "notesui", *args], capture_output=True, text=True, cwd=cwd)


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"notesui {__version__}"
    result = run("--help")
    assert result.returncode == 0 and "search" in result.stdout


def test_stats_json_shape(sample_notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--json", "--dir", str(sample_notes)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["files"] == [
        {"file": "basics.md", "questions": 4, "answered": 3, "mastered": 0},
        {"file": "topics/attention.md", "questions": 1, "answered": 1, "mastered": 0},
    ]
    assert data["total"] == {"questions": 5, "answered": 4, "mastered": 0}


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


def test_show_by_query_and_nothing(sample_notes: Path) -> None:
    result = run("show", "MQA", "--plain", "--dir", str(sample_notes))
    assert result.stdout.startswith("## What is MQA?")
    assert run("show", "zzzqqq", "--dir", str(sample_notes)).returncode == 1


def test_check_reports_problems_and_exit_status(sample_notes: Path) -> None:
    result = run("check", "--dir", str(sample_notes))
    assert result.returncode == 0
    assert "basics.md:13: empty answer: Unanswered question" in result.stdout
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
