"""A question is followed across changes by HeadingRef: inserts, renames, moves, duplicates."""

from __future__ import annotations

from notesui.core.document import Document
from notesui.core.refs import HeadingRef

BASE = (
    "# LoRA\n\n"
    "## 什么是lora微调\n\n低秩适配。\n\n"
    "## Why rank r?\n\nBecause small.\n\n"
    "## Same\n\nfirst answer\n\n"
    "## Same\n\nsecond answer\n"
)


def doc(text: str, rel: str = "a.md") -> Document:
    return Document.parse(text.encode(), rel)


def ref_to(document: Document, title: str, nth: int = 0) -> HeadingRef:
    return HeadingRef.of(document, [h for h in document.headings if h.title == title][nth])


def found(ref: HeadingRef, *docs: Document, closest: bool = True, guess: bool = True) -> tuple[str, str, int] | None:
    hit = ref.find({d.rel: d for d in docs}, closest=closest, guess=guess)
    if hit is None:
        return None
    rel, heading = hit
    text = {d.rel: d for d in docs}[rel]
    return rel, heading.title, text.with_path(text.title_path(heading)).index(heading)


def test_an_insert_above_never_moves_the_reference() -> None:
    ref = ref_to(doc(BASE), "Why rank r?")
    after = doc(BASE.replace("## 什么是lora微调", "## A new question\n\nnew\n\n## 什么是lora微调"))
    assert found(ref, after) == ("a.md", "Why rank r?", 0)


def test_duplicate_titles_are_told_apart_by_occurrence_then_by_answer() -> None:
    ref = ref_to(doc(BASE), "Same", 1)
    assert found(ref, doc(BASE)) == ("a.md", "Same", 1)
    # a third "Same" inserted above both: the count changed, the answer decides
    more = doc(BASE.replace("## Same\n\nfirst", "## Same\n\nthird answer\n\n## Same\n\nfirst", 1))
    _rel, _title, nth = found(ref, more)  # type: ignore[misc]
    heading = more.with_path(("LoRA", "Same"))[nth]
    assert more.span_text(heading.answer).strip() == "second answer"


def test_a_renamed_question_is_found_by_its_answer_or_by_a_similar_title() -> None:
    ref = ref_to(doc(BASE), "Why rank r?")
    renamed = doc(BASE.replace("## Why rank r?", "## Why is the rank r small?"))
    assert found(ref, renamed) == ("a.md", "Why is the rank r small?", 0)
    both = doc(BASE.replace("## Why rank r?\n\nBecause small.", "## Why rank r??\n\nBecause it is small."))
    assert found(ref, both) == ("a.md", "Why rank r??", 0)
    assert found(ref, renamed, closest=False) is None  # strictly, it is not there


def test_a_question_moved_to_another_file_is_followed() -> None:
    ref = ref_to(doc(BASE), "Why rank r?")
    left = doc(BASE.replace("## Why rank r?\n\nBecause small.\n\n", ""))
    other = doc("# Moved here\n\n## Why rank r?\n\nBecause small.\n", "b.md")
    assert found(ref, left, other) == ("b.md", "Why rank r?", 0)


def test_a_deleted_question_leaves_the_reference_on_the_one_now_in_its_place() -> None:
    ref = ref_to(doc(BASE), "Why rank r?")
    left = doc(BASE.replace("## Why rank r?\n\nBecause small.\n\n", ""))
    assert found(ref, left) == ("a.md", "Same", 0)
    assert found(ref, doc("", "a.md")) is None  # nothing left in the file


def test_an_empty_answer_is_no_proof_of_identity() -> None:
    """Every empty answer is alike: a question without one is followed by title and place,
    never to a section or another unanswered question, and not at all without a guess."""
    text = "# LLM\n\n## What is RLHF?\n\nrl\n\n## What is LoRA\n\n## New question\n\n## What is DPO?\n"
    lora, new = ref_to(doc(text), "What is LoRA"), ref_to(doc(text), "New question")
    answered = doc(text.replace("## What is LoRA\n", "## What is LoRA?\n\nlow rank\n"))
    assert found(lora, answered) == ("a.md", "What is LoRA?", 0)
    assert found(lora, answered, guess=False) is None
    renamed = doc(text.replace("## New question\n", "## What is QLoRA?\n\nquantised\n"))
    assert found(new, renamed) == ("a.md", "What is QLoRA?", 0)
    assert found(new, renamed, guess=False) is None


def test_without_a_guess_only_the_same_answer_follows_a_rename() -> None:
    ref = ref_to(doc(BASE), "Why rank r?")
    renamed = doc(BASE.replace("## Why rank r?", "## Why is the rank r small?"))
    assert found(ref, renamed, guess=False) == ("a.md", "Why is the rank r small?", 0)
    gone = doc(BASE.replace("## Why rank r?\n\nBecause small.\n\n", "## Why rank?\n\nOther.\n\n"))
    assert found(ref, gone, guess=False) is None
    assert found(ref, gone) == ("a.md", "Why rank?", 0)  # the cursor may guess
