"""The notes folder: discovery, reload, references, counts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from notesui.core.notebook import BadReference, Notebook, Target, discover


def test_discover_skips_hidden_and_non_notes_and_sorts_naturally(tmp_path: Path) -> None:
    for rel in ["10-b.md", "2-a.markdown", "notes.txt", ".hidden.md", ".git/x.md", ".notesui/y.md", "sub/c.md"]:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# x\n")
    assert discover(tmp_path) == ["2-a.markdown", "10-b.md", "sub/c.md"]


def test_symlinked_folders_are_followed_once_without_looping(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.md").write_text("# a\n")
    os.symlink(tmp_path / "real", tmp_path / "link")
    os.symlink(tmp_path, tmp_path / "real" / "loop")  # a loop back to the root
    found = discover(tmp_path)
    assert len([rel for rel in found if rel.endswith("a.md")]) == 1


def test_notebook_counts_and_folder_tree(sample_notes: Path) -> None:
    notebook = Notebook.open(sample_notes)
    assert list(notebook.documents) == ["basics.md", "topics/attention.md"]
    counts = notebook.counts()
    assert (counts.questions, counts.answered, counts.mastered) == (5, 4, 0)
    assert notebook.counts("topics").questions == 1
    tree = notebook.folder_tree()
    assert tree.files == ["basics.md"] and list(tree.folders) == ["topics"]


def test_reload_one_file_and_deleted_file(sample_notes: Path) -> None:
    notebook = Notebook.open(sample_notes)
    before = notebook.documents["basics.md"]
    (sample_notes / "topics" / "attention.md").write_text("# Attention\n## New?\nyes\n## Other\n")
    doc = notebook.reload("topics/attention.md")
    assert doc is not None and [h.title for h in doc.headings] == ["Attention", "New?", "Other"]
    assert notebook.documents["basics.md"] is before  # the other file was not re-read
    (sample_notes / "basics.md").unlink()
    assert notebook.reload("basics.md") is None
    assert list(notebook.documents) == ["topics/attention.md"]


def test_resolve_references(sample_notes: Path) -> None:
    notebook = Notebook.open(sample_notes)
    target = notebook.resolve("basics.md:5")
    assert target is not None and target.kind == "heading" and target.heading.title == "What is LoRA?"  # type: ignore[union-attr]
    assert notebook.resolve("topics/attention.md") == Target("file", "topics/attention.md")
    assert notebook.resolve("topics/") == Target("folder", "topics")
    assert notebook.resolve(".") == Target("folder", "")
    assert notebook.resolve("LoRA") is None  # a query
    assert notebook.resolve("topics") is None  # a folder is written with its slash
    assert notebook.resolve("chapter:3") is None


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("basics.md:7", "basics.md:7 is not a heading; the nearest headings: basics.md:5 What is LoRA?, basics.md:9"),
        ("basics.md:0", "has no line 0"),
        ("basics.md:999", "has no line 999"),
        ("missing.md:1", "no notes file 'missing.md'"),
        ("Basics.md:3", "did you mean basics.md"),
        ("basic.md", "did you mean basics.md"),
        ("nosuch/", "no folder 'nosuch'"),
    ],
)
def test_a_file_reference_never_falls_back_to_a_search(sample_notes: Path, ref: str, message: str) -> None:
    with pytest.raises(BadReference, match=re.escape(message)):
        Notebook.open(sample_notes).resolve(ref)
