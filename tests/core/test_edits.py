"""Changes as new file bytes: mastered marks, section edits, add and delete."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notesui.core.document import Document
from notesui.core.edits import delete_section, edit_text, insert_question, mark, replace_section

from strategies import documents

DATE = "2026-11-25"


def parse(data: bytes) -> Document:
    return Document.parse(data, "t.md")


def test_mark_changes_only_the_heading_line() -> None:
    data = "# Top\r\n\r\n## 什么是 LoRA？ ##\r\nanswer\r\n\r\nSetext title\r\n------\r\ntext".encode()
    doc = parse(data)
    lora, setext = doc.headings[1], doc.headings[2]
    marked = mark(doc, [lora, setext], True, DATE)
    assert marked == data.replace(
        "什么是 LoRA？ ##".encode(), f"什么是 LoRA？ <!-- mastered {DATE} --> ##".encode()
    ).replace(b"Setext title\r\n", f"Setext title <!-- mastered {DATE} -->\r\n".encode())
    again = parse(marked)
    assert [h.mastered for h in again.headings] == [False, True, True]
    assert again.headings[1].title == "什么是 LoRA？" and again.headings[1].mastered_on == DATE
    assert mark(again, again.headings, False, DATE) == data  # byte for byte


def test_marking_a_marked_heading_keeps_its_date() -> None:
    data = b"## Q <!-- mastered 2025-01-02 -->\n\nA\n"
    doc = parse(data)
    assert mark(doc, doc.headings, True, DATE) == data


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents())
def test_mark_then_unmark_is_identity(data: bytes) -> None:
    doc = parse(data)
    marked = mark(doc, doc.headings, True, DATE)
    again = parse(marked)
    assert len(again.headings) == len(doc.headings)
    assert all(h.mastered for h in again.headings)
    assert [h.title for h in again.headings] == [h.title for h in doc.headings]
    assert mark(again, again.headings, False, DATE) == data


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents(), st.data())
def test_saving_the_editor_text_unchanged_is_identity(data: bytes, pick: st.DataObject) -> None:
    doc = parse(data)
    if not doc.headings:
        return
    heading = pick.draw(st.sampled_from(doc.headings))
    edit = edit_text(doc, heading)
    assert replace_section(doc, heading, edit.text, edit.newline, stand_ins=edit.stand_ins) == data


def test_edit_restores_crlf_and_keeps_the_rest() -> None:
    data = b"\xef\xbb\xbf# A\r\nold\r\n# B\r\nkeep\r\n"
    doc = parse(data)
    edit = edit_text(doc, doc.headings[0])
    assert edit.text == "# A\nold\n" and edit.newline == "\r\n" and not edit.warnings
    new = replace_section(doc, doc.headings[0], "# A\nnew\nlines", edit.newline)
    assert new == b"\xef\xbb\xbf# A\r\nnew\r\nlines\r\n# B\r\nkeep\r\n"


def test_edit_warns_about_what_the_editor_cannot_round_trip() -> None:
    doc = parse(b"# A\nline\r\nform\x0cfeed\xe2\x80\xa8sep\n")
    warnings = " ".join(edit_text(doc, doc.headings[0]).warnings)
    assert "mixes line endings" in warnings
    assert "form feed" in warnings and "U+2028" in warnings


def test_control_characters_are_shown_inert_and_saved_back_exactly() -> None:
    data = "# A\n\nDanger \x1b[2J\x1b]0;pwned\x07 page\x0cbreak \u2028sep \x85nel\n# B\n".encode()
    doc = parse(data)
    edit = edit_text(doc, doc.headings[0])
    assert edit.stand_ins
    assert not any(ord(c) < 0x20 and c not in "\n\t" for c in edit.text)  # nothing can drive the terminal
    assert "\u241b[2J" in edit.text and "\u240c" in edit.text  # ␛ and ␌
    assert len(edit.text.splitlines()) == 3  # FF, U+2028 and NEL no longer split lines
    edited = edit.text.replace("page", "PAGE")
    new = replace_section(doc, doc.headings[0], edited, edit.newline, stand_ins=edit.stand_ins)
    assert new == data.replace(b"page", b"PAGE")  # every control character back where it was
    assert "saved back as they were" in " ".join(edit.warnings)


def test_stand_ins_stay_unambiguous_when_the_text_holds_them_too() -> None:
    data = "# A\n\nliteral \u241b and a real \x1b[2J escape, \ue01b too\n# B\n".encode()
    doc = parse(data)
    edit = edit_text(doc, doc.headings[0])
    assert edit.stand_ins is not None
    assert not any(ord(c) < 0x20 and c not in "\n\t" for c in edit.text)  # never a raw ESC
    assert "\u241b" in edit.text  # the literal symbol stays what it is
    edited = edit.text.replace("literal", "LITERAL")
    new = replace_section(doc, doc.headings[0], edited, edit.newline, stand_ins=edit.stand_ins)
    assert new == data.replace(b"literal", b"LITERAL")


def test_insert_question_after_a_section_at_the_same_level() -> None:
    data = b"# T\n## One\n\nanswer\n### Sub\n\nx\n## Two\n\ny"
    doc = parse(data)
    one = doc.headings[1]
    new, line = insert_question(doc, one, "New question")
    assert new == b"# T\n## One\n\nanswer\n### Sub\n\nx\n\n## New question\n\n## Two\n\ny"
    again = parse(new)
    added = again.heading_at_line(line)
    assert added is not None and added.title == "New question" and added.level == 2
    at_end, line = insert_question(doc, doc.headings[-1], "Last")
    assert at_end == data + b"\n\n## Last\n\n"
    assert parse(at_end).heading_at_line(line).title == "Last"  # type: ignore[union-attr]


def test_delete_section() -> None:
    data = b"# T\n## One\n\nanswer\n### Sub\n\nx\n## Two\n\ny\n"
    doc = parse(data)
    assert delete_section(doc, doc.headings[1]) == b"# T\n## Two\n\ny\n"
