"""The search index kept between runs: used when the files are the same, brought up to date
when some changed, never trusted when it is of another version or not an index."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from notesui.core import search
from notesui.core.indexcache import IndexCache
from notesui.core.notebook import Notebook
from notesui.core.search import SearchIndex
from notesui.core.session import Session


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the index builds from scratch."""
    done: list[int] = []
    real = SearchIndex.build.__func__  # type: ignore[attr-defined]

    def counting(cls, documents):  # type: ignore[no-untyped-def]
        done.append(len(documents))
        return real(cls, documents)

    monkeypatch.setattr(SearchIndex, "build", classmethod(counting))
    return done


def make_notes(root: Path) -> Path:
    root.mkdir()
    for n in range(20):
        (root / f"f{n}.md").write_text(
            f"# File {n}\n\n## Question {n} about topic{n}?\n\nanswer {n}\n", encoding="utf-8"
        )
    return root


def found(root: Path, cache: Path, query: str) -> list[tuple[str, str]]:
    session = Session.open(root, cache_dir=cache)
    hits = session.search(query, 5)
    session.close(wait=True)
    return [(hit.file, hit.title) for hit in hits if hit.score >= 80]  # exact matches only


def test_the_second_search_reads_the_index_kept_by_the_first(tmp_path: Path, builds: list[int]) -> None:
    root = make_notes(tmp_path / "notes")
    first = found(root, tmp_path / "cache", "topic3")
    assert first == [("f3.md", "Question 3 about topic3?")] and len(builds) == 1
    assert found(root, tmp_path / "cache", "topic3") == first and len(builds) == 1


def test_a_changed_file_is_re_indexed_in_the_kept_index(tmp_path: Path, builds: list[int]) -> None:
    root = make_notes(tmp_path / "notes")
    found(root, tmp_path / "cache", "topic3")
    (root / "f3.md").write_text("# File 3\n\n## Renamed question?\n\nanswer 3\n", encoding="utf-8")
    (root / "f7.md").unlink()
    (root / "new.md").write_text("# New\n\n## Brand new topic3 question?\n\nyes\n", encoding="utf-8")
    assert found(root, tmp_path / "cache", "topic3") == [("new.md", "Brand new topic3 question?")]
    assert found(root, tmp_path / "cache", "topic7") == []  # f7.md is gone
    assert len(builds) == 1  # patched, not rebuilt


def test_many_changed_files_build_it_afresh(tmp_path: Path, builds: list[int]) -> None:
    root = make_notes(tmp_path / "notes")
    found(root, tmp_path / "cache", "topic3")
    for n in range(10):
        (root / f"f{n}.md").write_text(f"# File {n}\n\n## Changed {n}?\n\nanswer\n", encoding="utf-8")
    assert found(root, tmp_path / "cache", "changed 2") == [("f2.md", "Changed 2?")]
    assert len(builds) == 2


def test_another_engine_version_is_another_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = IndexCache(tmp_path, tmp_path / "notes").path
    monkeypatch.setattr(search, "ENGINE_VERSION", search.ENGINE_VERSION + 1)
    from notesui.core import indexcache

    monkeypatch.setattr(indexcache, "ENGINE_VERSION", search.ENGINE_VERSION)
    assert IndexCache(tmp_path, tmp_path / "notes").path != first


def test_a_corrupt_index_is_said_once_and_rebuilt(tmp_path: Path, builds: list[int]) -> None:
    root = make_notes(tmp_path / "notes")
    found(root, tmp_path / "cache", "topic3")
    kept = IndexCache(tmp_path / "cache", root)
    kept.path.write_bytes(kept.path.read_bytes()[:1000])
    session = Session.open(root, cache_dir=tmp_path / "cache")
    assert [hit.file for hit in session.search("topic5", 1)] == ["f5.md"]
    session.close(wait=True)
    assert any("unreadable" in notice for notice in session.take_notices())
    assert len(builds) == 2
    assert found(root, tmp_path / "cache", "topic5") == [("f5.md", "Question 5 about topic5?")]
    assert len(builds) == 2  # the rebuilt one was kept


class Planted:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("planted code ran",))


def test_a_file_that_is_not_an_index_runs_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_notes(tmp_path / "notes")
    cache = IndexCache(tmp_path / "cache", root)
    cache.path.parent.mkdir(parents=True)
    cache.path.write_bytes(pickle.dumps((search.ENGINE_VERSION, {}, Planted())))
    assert cache.load(Notebook.open(root).documents) is None
    assert "planted code ran" not in capsys.readouterr().out
    assert cache.notice is not None and "builtins.print" in cache.notice


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path: Path) -> None:
    root = make_notes(tmp_path / "notes")
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    session = Session.open(root, cache_dir=blocker)
    assert [hit.file for hit in session.search("topic1", 1)] == ["f1.md"]
    session.close(wait=True)
    assert session.take_notices()  # said, not fatal


def test_the_kept_index_keeps_its_pinyin(tmp_path: Path) -> None:
    root = make_notes(tmp_path / "notes")
    (root / "cn.md").write_text("# 训练\n\n## 什么是微调？\n\n继续训练。\n", encoding="utf-8")
    assert found(root, tmp_path / "cache", "weitiao") == []  # pinyin hits score below 80
    kept = IndexCache(tmp_path / "cache", root).load(Notebook.open(root).documents)
    assert kept is not None
    index, _ = kept
    assert index._pinyin is not None and index._pinyin  # made after the build, kept with it
    assert [hit.title for hit in index.search("weitiao", 1)] == ["什么是微调？"]
