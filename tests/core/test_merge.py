"""Changes re-applied to content that changed on disk meanwhile: by structure, or a conflict."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notesui.core.document import Document
from notesui.core.edits import DeleteSection, InsertQuestion, MarkChange, SectionEdit
from notesui.core.store import Conflict, Store


def edit(data: bytes, title: str, text: str, *, index: int = 0) -> SectionEdit:
    doc = Document.parse(data, "n.md")
    heading = [h for h in doc.headings if h.title == title][index]
    return SectionEdit("n.md", data, heading.section.start, heading.section.end, text, "\n")


def write(tmp_path: Path, data: bytes) -> tuple[Store, Path]:
    path = tmp_path / "n.md"
    path.write_bytes(data)
    return Store(tmp_path), path


def test_text_typed_on_the_last_line_never_swallows_a_heading_added_after_it(tmp_path: Path) -> None:
    base = b"# Notes\n\n## Q1\nans1\n"
    store, path = write(tmp_path, base)
    change = edit(base, "Q1", "## Q1\nans1\nmy extra line")  # typed on the last, empty line
    path.write_bytes(base + b"## Q2 added outside\nans2\n")
    saved = store.write("n.md", change)
    assert saved.merged
    assert path.read_bytes() == b"# Notes\n\n## Q1\nans1\nmy extra line\n## Q2 added outside\nans2\n"
    assert [h.title for h in Document.parse(path.read_bytes()).headings] == ["Notes", "Q1", "Q2 added outside"]


def test_a_section_is_found_by_its_place_not_by_identical_bytes(tmp_path: Path) -> None:
    base = b"# Topic A\n\n## TODO\n\n# Topic B\n\n## TODO\n\n"
    store, path = write(tmp_path, base)
    change = edit(base, "TODO", "## TODO\n\nmy answer for B\n", index=1)
    theirs = base.replace(b"# Topic B\n\n## TODO\n\n", b"# Topic B\n\n## TODO\n\ntheir answer for B\n")
    path.write_bytes(theirs)
    with pytest.raises(Conflict):
        store.write("n.md", change)
    assert path.read_bytes() == theirs


def test_an_edit_lands_in_its_own_section_when_an_identical_one_moved(tmp_path: Path) -> None:
    base = b"# Topic A\n\n## TODO\n\n# Topic B\n\n## TODO\n\n"
    store, path = write(tmp_path, base)
    change = edit(base, "TODO", "## TODO\n\nmy answer for B\n", index=1)
    path.write_bytes(b"# Topic B\n\n## TODO\n\n# Topic A\n\n## TODO\n\n")  # swapped outside
    store.write("n.md", change)
    assert path.read_bytes() == b"# Topic B\n\n## TODO\n\nmy answer for B\n# Topic A\n\n## TODO\n\n"


def test_a_merge_that_would_change_the_outline_around_the_edit_is_a_conflict(tmp_path: Path) -> None:
    base = b"# A\n\nanswer\n\n# B\n\nb\n"
    store, path = write(tmp_path, base)
    change = edit(base, "B", "# B\n\nb\n```\nunclosed fence")  # swallows whatever follows
    theirs = base + b"\n# C added outside\n\nc\n"
    path.write_bytes(theirs)
    with pytest.raises(Conflict):
        store.write("n.md", change)
    assert path.read_bytes() == theirs


def test_marks_follow_their_heading(tmp_path: Path) -> None:
    base = b"# A\n\n## Q\n\nq\n"
    store, path = write(tmp_path, base)
    doc = Document.parse(base, "n.md")
    change = MarkChange(doc, [doc.headings[1]], True, "2026-11-25")
    path.write_bytes(b"# New first\n\nx\n\n" + base)
    store.write("n.md", change)
    assert path.read_bytes() == b"# New first\n\nx\n\n# A\n\n## Q <!-- mastered 2026-11-25 -->\n\nq\n"


def test_a_mark_on_a_heading_removed_outside_is_a_conflict(tmp_path: Path) -> None:
    base = b"# A\n\n## Q\n\nq\n"
    store, path = write(tmp_path, base)
    doc = Document.parse(base, "n.md")
    change = MarkChange(doc, [doc.headings[1]], True, "2026-11-25")
    path.write_bytes(b"# A\n\n## Renamed\n\nq\n")
    with pytest.raises(Conflict):
        store.write("n.md", change)


def test_insert_and_delete_are_re_applied_by_structure(tmp_path: Path) -> None:
    base = b"# A\n\na\n\n# B\n\nb\n"
    store, path = write(tmp_path, base)
    doc = Document.parse(base, "n.md")
    insert = InsertQuestion(doc, doc.headings[0], "New")
    path.write_bytes(b"preamble\n\n" + base)
    store.write("n.md", insert)
    assert path.read_bytes() == b"preamble\n\n# A\n\na\n\n# New\n\n# B\n\nb\n"
    doc = Document.parse(path.read_bytes(), "n.md")
    delete = DeleteSection(doc, doc.headings[2])
    path.write_bytes(path.read_bytes() + b"# C\n\nc\n")
    store.write("n.md", delete)
    assert path.read_bytes() == b"preamble\n\n# A\n\na\n\n# New\n\n# C\n\nc\n"


# -- property: interleavings never lose a line of either side --------------------------

SECTIONS = 5


def _base() -> bytes:
    return "".join(f"## S{n}\n\nline {n}.0\n\n" for n in range(SECTIONS)).encode()


outside_op = st.one_of(
    st.tuples(st.just("append"), st.integers(0, 10**6)),
    st.tuples(st.just("edit"), st.integers(0, SECTIONS - 1), st.integers(0, 10**6)),
    st.tuples(st.just("rename-save"), st.integers(0, SECTIONS - 1), st.integers(0, 10**6)),
)


def _apply_outside(path: Path, op: tuple) -> None:  # type: ignore[type-arg]
    data = path.read_bytes()
    if op[0] == "append":
        path.write_bytes(data + f"outside append {op[1]}\n".encode())
        return
    section, number = op[1], op[2]
    data = data.replace(f"## S{section}\n\n".encode(), f"## S{section}\n\noutside {number}\n".encode(), 1)
    if op[0] == "edit":
        path.write_bytes(data)
    else:  # a save by rename, as many editors do
        temp = path.with_name(".n.md.swp")
        temp.write_bytes(data)
        os.replace(temp, path)


@settings(max_examples=60, deadline=None)
@given(
    section=st.integers(0, SECTIONS - 1),
    mine=st.integers(0, 10**6),
    before=st.lists(outside_op, max_size=3),
    after=st.lists(outside_op, max_size=2),
)
def test_interleaved_edits_never_lose_a_line(tmp_path_factory, section, mine, before, after) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("merge")
    store, path = write(tmp, _base())
    for op in before:  # outside changes before the editor opens
        _apply_outside(path, op)
    opened = path.read_bytes()
    text = f"## S{section}\n\nmy line {mine}\n\n"
    change = edit(opened, f"S{section}", text)
    mine_replaced = set(
        Document.parse(opened)
        .span_text(next(h for h in Document.parse(opened).headings if h.title == f"S{section}").section)
        .splitlines()
    )
    for op in after:  # outside changes while the editor is open
        _apply_outside(path, op)
    theirs = path.read_bytes()
    try:
        store.write("n.md", change)
    except Conflict:
        assert path.read_bytes() == theirs  # nothing written; the text stays in the editor
        return
    final = path.read_text("utf-8").splitlines()
    for line in theirs.decode().splitlines():
        assert line in final or line in mine_replaced, f"lost their line {line!r}"
    for line in text.splitlines():
        assert line in final, f"lost my line {line!r}"
    assert [h.title for h in Document.parse(path.read_bytes()).headings] == [
        h.title for h in Document.parse(theirs).headings
    ]


def test_a_mark_never_moves_to_a_duplicate_when_its_heading_is_gone(tmp_path: Path) -> None:
    base = b"# A\n\n## Q\nfirst answer\n\n## Q\nsecond answer\n"
    store, path = write(tmp_path, base)
    doc = Document.parse(base, "n.md")
    change = MarkChange(doc, [doc.headings[1]], True, "2026-11-25")  # the first Q
    theirs = b"# A\n\n## Q\nsecond answer\n"  # the first Q deleted outside
    path.write_bytes(theirs)
    with pytest.raises(Conflict):
        store.write("n.md", change)
    assert path.read_bytes() == theirs


def test_a_mark_follows_its_duplicate_titled_heading_by_content(tmp_path: Path) -> None:
    base = b"# A\n\n## Q\nfirst answer\n\n## Q\nsecond answer\n"
    store, path = write(tmp_path, base)
    doc = Document.parse(base, "n.md")
    change = MarkChange(doc, [doc.headings[2]], True, "2026-11-25")  # the second Q
    path.write_bytes(b"# A\n\n## Q\nsecond answer\n\n## Q\nbrand new\n")  # first gone, one added
    store.write("n.md", change)
    assert path.read_bytes() == b"# A\n\n## Q <!-- mastered 2026-11-25 -->\nsecond answer\n\n## Q\nbrand new\n"


def test_an_edit_of_the_last_section_merges_with_text_appended_after_it(tmp_path: Path) -> None:
    base = b"# A\n\na\n\n## Q\nanswer without a final line break"
    store, path = write(tmp_path, base)
    change = edit(base, "Q", "## Q\nbetter answer")
    path.write_bytes(base + b"\n## Appended\n\nx\n")
    assert store.write("n.md", change).merged
    assert path.read_bytes() == b"# A\n\na\n\n## Q\nbetter answer\n## Appended\n\nx\n"
