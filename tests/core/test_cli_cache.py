"""The command line and the caches: warm commands parse nothing, ``check`` parses everything,
``--no-cache`` keeps nothing, and a search after any command starts warm."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from notesui import cli, locations
from notesui.cli import main
from notesui.core.indexcache import IndexCache
from notesui.core.search import SearchIndex


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def test_a_warm_stats_parses_nothing_and_check_parses_everything(sample_notes: Path, parses: list[int]) -> None:
    assert main(["stats", "--dir", str(sample_notes)]) == 0
    files = len(parses)
    assert files >= 2
    parses.clear()
    assert main(["stats", "--dir", str(sample_notes)]) == 0
    assert parses == []
    main(["check", "--dir", str(sample_notes)])
    assert len(parses) == files


def test_no_cache_reads_and_writes_no_cache(
    sample_notes: Path, parses: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["stats"], ["search", "LoRA"], ["show", "basics.md"], ["index"]):
        main([*command, "--no-cache", "--dir", str(sample_notes)])
    assert files_in(locations.cache_dir()) == []
    main(["stats", "--dir", str(sample_notes)])
    parses.clear()
    capsys.readouterr()
    assert main(["stats", "--json", "--no-cache", "--dir", str(sample_notes)]) == 0
    assert parses  # parsed afresh though a cache is there
    assert '"total"' in capsys.readouterr().out


def test_the_app_takes_no_cache_too(sample_notes: Path) -> None:
    assert cli._parser().parse_args(["--no-cache", str(sample_notes)]).no_cache
    app = cli.make_app(str(sample_notes), cache=False)
    assert app.session.notebook.cache is None and app.session.indexer.cache is None
    assert cli.make_app(str(sample_notes)).session.notebook.cache is not None


def test_a_search_after_another_command_starts_warm(sample_notes: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "WARM_IN_BACKGROUND_BYTES", 0)  # as if the notes were big
    assert main(["stats", "--dir", str(sample_notes)]) == 0
    kept = IndexCache(locations.cache_dir(), sample_notes)
    deadline = time.monotonic() + 60
    while not kept.path.with_suffix(".key").exists() and time.monotonic() < deadline:
        time.sleep(0.1)  # the index is built by a process of its own
    assert kept.path.exists()

    def no_build(cls, documents):  # type: ignore[no-untyped-def]
        raise AssertionError("the index was built again")

    monkeypatch.setattr(SearchIndex, "build", classmethod(no_build))
    assert main(["search", "LoRA", "--dir", str(sample_notes)]) == 0


def test_one_index_build_at_a_time_and_none_when_asked_not_to(
    sample_notes: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess

    spawned: list[list[str]] = []
    monkeypatch.setattr(subprocess, "Popen", lambda command, **kwargs: spawned.append(command))
    monkeypatch.setattr(cli, "WARM_IN_BACKGROUND_BYTES", 0)
    kept = IndexCache(locations.cache_dir(), sample_notes)
    with kept.building() as free:
        assert free
        assert main(["index", "--dir", str(sample_notes)]) == 0
        assert "another notesui is indexing" in capsys.readouterr().out
        assert main(["stats", "--dir", str(sample_notes)]) == 0
        assert spawned == []  # it is being built: no second build
    monkeypatch.setenv("NOTESUI_BACKGROUND_INDEX", "0")
    assert main(["stats", "--dir", str(sample_notes)]) == 0
    assert spawned == []
    monkeypatch.delenv("NOTESUI_BACKGROUND_INDEX")
    assert main(["stats", "--dir", str(sample_notes)]) == 0
    assert len(spawned) == 1 and spawned[0][-3:] == ["index", "--dir", str(sample_notes)]
    assert main(["index", "--dir", str(sample_notes)]) == 0
    assert "headings indexed" in capsys.readouterr().out
    assert main(["stats", "--dir", str(sample_notes)]) == 0
    assert len(spawned) == 1  # current now: nothing to do


def test_no_cache_may_come_before_the_command(sample_notes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-cache", "stats", "--dir", str(sample_notes)]) == 0
    assert "total" in capsys.readouterr().out
    assert files_in(locations.cache_dir()) == []


def test_what_another_version_kept_is_removed(sample_notes: Path) -> None:
    folder = locations.cache_dir()
    folder.mkdir(parents=True)
    old = [folder / "structure-v2-n100.sqlite", folder / "structure-v2-n100.sqlite-wal"]
    own = IndexCache(folder, sample_notes).path
    other = own.with_name(own.name.replace("index-v", "index-v0"))
    for path in [*old, other]:
        path.write_bytes(b"kept by another notesui")
    assert main(["search", "LoRA", "--dir", str(sample_notes)]) == 0
    assert [path for path in [*old, other] if path.exists()] == []
    assert own.exists()


def test_the_index_command_keeps_a_complete_index(sample_notes: Path) -> None:
    assert main(["index", "--dir", str(sample_notes)]) == 0
    kept = IndexCache(locations.cache_dir(), sample_notes).load(cli._opened[0].documents)
    assert kept is not None and kept[0]._pinyin is not None  # pinyin made before it was kept
