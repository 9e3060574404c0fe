"""The notes model: headings, spans, questions, splice — unit and property tests."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notesui.core.document import STRUCTURE_MAX_NESTING, Document, splice

from strategies import documents


def parse(text: str) -> Document:
    return Document.parse(text.encode("utf-8"), "t.md")


def titles(doc: Document) -> list[str]:
    return [h.title for h in doc.headings]


def test_atx_and_setext_headings_nest_by_level() -> None:
    doc = parse("# A\n\nintro\n\nB\n---\n\ntext\n\n#### D\n\n## C\nc\n")
    assert titles(doc) == ["A", "B", "D", "C"]
    a, b, d, c = doc.headings
    assert b.setext and b.parent == a.index
    assert d.parent == b.index  # a skipped level is still a child
    assert c.parent == a.index
    assert a.children == [b.index, c.index]


def test_hash_lines_in_code_html_and_front_matter_are_not_headings() -> None:
    doc = parse(
        "---\ntitle: x\n# not a heading\n---\n"
        "# Real\n\n```python\n# comment\n```\n\n~~~\n# tilde\n~~~\n\n"
        "<div>\n# inside html\n</div>\n\n    # indented code\n\n## Also real\n"
    )
    assert titles(doc) == ["Real", "Also real"]
    assert doc.span_text(doc.preamble).startswith("---\ntitle: x")


def test_headings_inside_containers_are_not_questions() -> None:
    doc = parse("# Top\n\n> # quoted\n\n- # in a list\n")
    assert titles(doc) == ["Top"]


def test_answer_and_section_spans() -> None:
    text = "pre\n# S\n## Q1\nanswer one\n\n## Q2\n# T\n"
    doc = parse(text)
    s, q1, q2, t = doc.headings
    assert doc.span_text(doc.preamble) == "pre\n"
    assert doc.span_text(q1.answer) == "answer one\n\n"
    assert doc.span_text(q1.section) == "## Q1\nanswer one\n\n"
    assert doc.span_text(s.section) == "# S\n## Q1\nanswer one\n\n## Q2\n"
    assert doc.span_text(s.answer) == ""
    assert (q1.has_answer, q2.has_answer) == (True, False)
    assert not s.is_question  # sub-headings and no text of its own
    assert q1.is_question and q2.is_question  # q2: a question not yet answered
    assert t.is_question and t.section.end == len(text.encode())


def test_section_with_own_text_and_children_is_a_question() -> None:
    doc = parse("# S\nintro text\n## Q\nx\n")
    assert doc.headings[0].is_question


def test_byte_offsets_count_utf8_bytes_bom_and_crlf() -> None:
    data = codecs.BOM_UTF8 + "# 標題\r\n答案\r\n## 二\r\n".encode()
    doc = Document.parse(data, "t.md")
    first, second = doc.headings
    assert doc.bom == codecs.BOM_UTF8
    assert first.heading.start == 3
    assert doc.span_bytes(first.heading) == "# 標題\r\n".encode()
    assert doc.span_bytes(first.answer) == "答案\r\n".encode()
    assert doc.span_bytes(second.section) == "## 二\r\n".encode()
    assert doc.newline() == b"\r\n"


def test_lone_cr_line_endings_and_no_final_newline() -> None:
    data = b"# A\rtext\r# B\rlast"
    doc = Document.parse(data, "t.md")
    assert titles(doc) == ["A", "B"]
    assert doc.span_bytes(doc.headings[1].section) == b"# B\rlast"


def test_mastered_marker_is_stripped_from_titles() -> None:
    doc = parse(
        "## Atx <!-- mastered 2026-11-25 -->\n"
        "## Closed <!-- mastered 2026-01-02 --> ##\n"
        "Setext <!-- mastered -->\n===\n"
        "## Not at end <!-- mastered 2026-11-25 --> tail\n"
    )
    atx, closed, setext, other = doc.headings
    assert (atx.title, atx.mastered, atx.mastered_on) == ("Atx", True, "2026-11-25")
    assert (closed.title, closed.mastered) == ("Closed", True)
    assert (setext.title, setext.mastered, setext.mastered_on) == ("Setext", True, None)
    assert not other.mastered


def test_invalid_utf8_is_read_only_with_a_clear_error() -> None:
    doc = Document.parse(b"# Title\n\xff\xfe bad\n", "bad.md")
    assert doc.readonly
    assert "not valid UTF-8" in (doc.error or "")
    assert "0xff" in (doc.error or "")
    assert titles(doc) == ["Title"]


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (codecs.BOM_UTF16_LE + "# t\n".encode("utf-16-le"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    ],
)
def test_binary_and_utf16_files_are_not_parsed(data: bytes, needle: str) -> None:
    doc = Document.parse(data, "x.md")
    assert doc.readonly and needle in (doc.error or "")
    assert doc.headings == []
    assert doc.data == data  # the bytes are kept, never lost


def test_load_reports_unreadable_files(tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = Document.load(tmp_path / "gone.md")
    assert missing.readonly and "no longer exists" in (missing.error or "")
    folder = tmp_path / "dir.md"
    folder.mkdir()
    assert "folder" in (Document.load(folder).error or "")


def test_unreadable_file_permission(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    path = tmp_path / "secret.md"
    path.write_text("# x\n")
    real_open = os.open

    def denied(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(name) == str(path):
            raise PermissionError(13, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    doc = Document.load(path)
    assert doc.readonly and "permission denied" in (doc.error or "")


def test_huge_file_is_listed_with_an_error(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import notesui.core.document as document
    import notesui.core.files as files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.md"
    path.write_bytes(b"# big\n" + b"x" * 200)
    doc = document.Document.load(path)
    assert doc.readonly and "too large" in (doc.error or "")


def test_deep_nesting_does_not_swallow_later_headings() -> None:
    # markdown-it's default limit (20) drops everything after a deep list, headings included
    deep = "".join("  " * i + "- x\n" for i in range(30))
    doc = parse("# A\n" + deep + "\n# B\ntext\n")
    assert titles(doc) == ["A", "B"]
    assert doc.warnings == []


def test_nesting_beyond_the_structure_limit_is_reported_and_loses_nothing() -> None:
    deep = "".join("  " * i + "- x\n" for i in range(STRUCTURE_MAX_NESTING // 2 + 10))
    data = ("# A\n" + deep + "\n# B\ntext\n").encode()
    doc = Document.parse(data, "t.md")
    assert doc.warnings and "nesting deeper" in doc.warnings[0]
    # the heading markdown-it could not reach stays in A's answer: nothing is hidden
    assert doc.span_bytes(doc.headings[0].section).endswith(b"# B\ntext\n")


def test_heading_at_line_and_path() -> None:
    doc = parse("# S\n## Q\nanswer\n")
    assert doc.heading_at_line(2) is doc.headings[1]
    assert [h.title for h in doc.path_of(doc.headings[1])] == ["S", "Q"]
    assert doc.heading_at_line(0) is doc.headings[0]


def test_splice_replaces_only_the_span() -> None:
    data = b"# A\nold\n# B\nkeep\n"
    doc = Document.parse(data, "t.md")
    out = splice(data, doc.headings[0].answer, b"new text\n")
    assert out == b"# A\nnew text\n# B\nkeep\n"


# -- property tests -----------------------------------------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents())
def test_preamble_and_top_level_sections_tile_the_file(data: bytes) -> None:
    doc = Document.parse(data, "p.md")
    pieces = [doc.bom, doc.span_bytes(doc.preamble)]
    pieces += [doc.span_bytes(h.section) for h in doc.roots]
    assert b"".join(pieces) == data


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents())
def test_spans_nest_properly(data: bytes) -> None:
    doc = Document.parse(data, "p.md")
    for h in doc.headings:
        assert h.section.start == h.heading.start <= h.heading.end == h.answer.start
        assert h.answer.end <= h.section.end
        if h.parent is not None:
            parent = doc.headings[h.parent]
            assert parent.section.start < h.section.start
            assert h.section.end <= parent.section.end
            assert parent.level < h.level
        for child in h.children:
            assert doc.headings[child].parent == h.index
    for a, b in zip(doc.headings, doc.headings[1:]):
        assert a.answer.end == b.heading.start  # answers run to the next heading of any level


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents(), st.data())
def test_splicing_a_section_with_its_own_text_is_identity(data: bytes, pick: st.DataObject) -> None:
    doc = Document.parse(data, "p.md")
    spans = [doc.preamble] + [h.section for h in doc.headings] + [h.answer for h in doc.headings]
    span = pick.draw(st.sampled_from(spans))
    assert splice(data, span, doc.span_bytes(span)) == data
