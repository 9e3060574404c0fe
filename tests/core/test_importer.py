"""Plain text -> Markdown notes: each seed shape, and no text lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from notesui.cli import main
from notesui.core.document import Document
from notesui.core.importer import convert, detect_shape

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "import"


def structure(markdown: str) -> list[tuple[int, str]]:
    doc = Document.parse(markdown.encode(), "out.md")
    return [(h.level, h.title) for h in doc.headings]


def lost_lines(source: str, markdown: str) -> list[str]:
    """Source lines whose text (ignoring whitespace, markup and lost-break backslashes) is missing.

    The ``*`` lines that separate blocks, and ``Q:``/``答：`` markers, are structure, not text."""

    def norm(text: str) -> str:
        return re.sub(r"[\s\\#]", "", text)

    blob = norm(markdown)
    return [
        line
        for line in source.splitlines()
        if line.strip() not in ("", "*")
        and norm(re.sub(r"^\s*(\.|>|-)\s|^\s*(?:Q|Question|问|问题|A|Answer|答|答案)\s*[:：]", "", line, flags=re.I))
        not in blob
    ]


@pytest.mark.parametrize(
    ("name", "shape"),
    [("blocks.txt", "blocks"), ("numbered.txt", "numbered"), ("quoted.txt", "quoted"), ("plain.md", "markdown")],
)
def test_shapes_are_recognised_and_nothing_is_lost(name: str, shape: str) -> None:
    source = (FIXTURES / name).read_text("utf-8")
    converted = convert(source)
    assert converted.shape == shape
    assert lost_lines(source, converted.markdown) == []


def test_blocks_become_chapters_questions_and_list_items() -> None:
    converted = convert((FIXTURES / "blocks.txt").read_text("utf-8"))
    assert structure(converted.markdown) == [
        (1, "一、基础篇"),
        (2, "1.1 什么是大模型？"),
        (2, "1.2 大模型有什么缺点？"),
        (1, "微调面"),
        (2, "1. 如何微调？"),
    ]
    assert "- 优点一\n- 优点二" in converted.markdown
    # answer lines that would change the structure are escaped, not dropped
    assert "\\# 这一行以井号开头" in converted.markdown
    assert "\\---" in converted.markdown
    assert converted.questions == 3


def test_numbered_lists_become_unanswered_questions_under_topics() -> None:
    converted = convert((FIXTURES / "numbered.txt").read_text("utf-8"))
    assert structure(converted.markdown) == [
        (1, "Normalization清单(3题)"),
        (2, "LayerNorm 基础"),
        (3, "1. LayerNorm的公式是什么?"),
        (3, "2. 如何实现LayerNorm?"),
        (2, "RMSNorm"),
        (3, "3. RMSNorm有什么特点?"),
    ]
    doc = Document.parse(converted.markdown.encode(), "n.md")
    assert [h.has_answer for h in doc.headings if h.level == 3] == [False, False, True]


def test_quoted_questions_go_one_level_below_their_heading() -> None:
    converted = convert((FIXTURES / "quoted.txt").read_text("utf-8"))
    assert structure(converted.markdown) == [
        (1, "笔记"),
        (2, "面试题"),
        (3, "RAG的总体思路"),
        (3, "什么是lora微调"),
        (3, "介绍下ChatGLM"),
    ]


def test_markdown_passes_through_unchanged() -> None:
    source = (FIXTURES / "plain.md").read_text("utf-8")
    assert detect_shape(source) == "markdown"
    assert convert(source).markdown == source


def test_cli_import_writes_files_and_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    sources = [str(FIXTURES / "blocks.txt"), str(FIXTURES / "numbered.txt")]
    assert main(["import", *sources, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["blocks.md", "numbered.md"]
    before = (out / "blocks.md").read_bytes()
    assert main(["import", sources[0], "--out", str(out)]) == 1
    assert (out / "blocks.md").read_bytes() == before
    assert "not overwritten" in capsys.readouterr().err


def test_cli_import_needs_out_for_several_sources() -> None:
    assert main(["import", str(FIXTURES / "blocks.txt"), str(FIXTURES / "quoted.txt")]) == 2


def test_bundled_notes_are_clean_markdown_with_questions() -> None:
    notes = Path(__file__).resolve().parents[2] / "notes"
    docs = [Document.load(p, p.name) for p in sorted(notes.glob("*.md"))]
    assert len(docs) == 5
    assert all(doc.error is None and not doc.warnings for doc in docs)
    assert sum(h.is_question for doc in docs for h in doc.headings) > 1500


@pytest.mark.parametrize(
    ("name", "shape", "titles"),
    [
        (
            "qa-markers.txt",
            "qa-markers",
            ["What is LoRA?", "什么是 QLoRA？", "为什么要用混合精度？", "What is RLHF?"],
        ),
        (
            "numbered-qa.txt",
            "numbered-qa",
            ["1. 什么是 Transformer？", "2. 为什么需要位置编码？", "3、什么是 KV cache?"],
        ),
    ],
)
def test_common_shapes_become_questions_with_their_answers(name: str, shape: str, titles: list[str]) -> None:
    source = (FIXTURES / name).read_text("utf-8")
    converted = convert(source)
    assert converted.shape == shape and converted.questions == len(titles)
    assert lost_lines(source, converted.markdown) == []
    doc = Document.parse(converted.markdown.encode(), "out.md")
    questions = list(doc.questions())
    assert [h.title for h in questions] == titles
    assert all(h.has_answer for h in questions)  # every answer stays with its question
    answer = doc.span_text(questions[0].answer)
    assert ("beside the frozen weights" in answer) if shape == "qa-markers" else ("编码器和解码器" in answer)


def test_a_file_where_nothing_is_recognised_is_an_error_unless_forced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prose = tmp_path / "prose.txt"
    prose.write_text("Just some prose.\nNothing like a question here.\n", encoding="utf-8")
    assert detect_shape(prose.read_text("utf-8")) == "unknown"
    assert main(["import", str(prose), "--out", str(tmp_path / "out")]) == 1
    assert "nothing recognised" in capsys.readouterr().err and not (tmp_path / "out" / "prose.md").exists()
    assert main(["import", str(prose), "--format", "markdown", "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "prose.md").read_text(encoding="utf-8") == prose.read_text(encoding="utf-8")


def test_import_says_what_it_found_and_dry_run_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = FIXTURES / "qa-markers.txt"
    assert main(["import", str(source), "--dry-run", "--out", str(tmp_path / "out")]) == 0
    said = capsys.readouterr().out
    assert "qa-markers.txt: qa-markers, 4 questions" in said and "## 什么是 QLoRA？" in said
    assert not (tmp_path / "out").exists()
    assert main(["import", str(source), "--format", "numbered-qa", "--dry-run"]) == 1  # (forced: none found)


def test_an_anki_export_becomes_questions_with_markdown_answers_and_media_links() -> None:
    source = (FIXTURES / "anki.txt").read_text("utf-8")
    assert detect_shape(source) == "anki"
    converted = convert(source)
    assert converted.shape == "anki" and converted.questions == 3
    doc = Document.parse(converted.markdown.encode(), "out.md")
    questions = list(doc.questions())
    assert [h.title for h in questions] == ["What is **LoRA**?", "什么是 KV cache？", 'Why a "quoted" field?']
    lora = doc.span_text(questions[0].answer)
    assert "Low-rank adaptation:" in lora and "train two small matrices" in lora
    assert "![](lora.png)" in lora and "llm finetune" in lora  # the image kept as a link, the tags kept
    assert "[sound: kv.mp3](kv.mp3)" in doc.span_text(questions[1].answer)
    assert "and a line" in doc.span_text(questions[2].answer) and "break." in doc.span_text(questions[2].answer)
    text = re.sub(r"<[^>]+>", " ", source)  # no text of any field is lost
    for word in ("separator", "adaptation", "finetune", "缓存", "quoted", "holds"):
        assert word in text and word in converted.markdown


def test_markdown_with_q_and_a_lines_in_its_answers_stays_markdown() -> None:
    source = "# 面试\n\n## 什么是 LoRA？\n\nQ: 面试官会追问\nA: 低秩分解\n\nQ: 还有呢\nA: 省显存\n"
    assert detect_shape(source) == "markdown" and convert(source).markdown == source


def test_import_leaves_code_and_headings_alone_and_keeps_every_question_in_place() -> None:
    markers = "# Notes\n\nQ: first?\nA: see\n```python\nQ: not a question\n# a comment\n```\nQ: second?\nA: fine\nQ: third?\nA: ok\n"
    converted = convert(markers)
    assert converted.shape == "qa-markers" and converted.questions == 3
    assert "# Notes\n" in converted.markdown and "```python\nQ: not a question\n# a comment\n```" in converted.markdown
    assert [h.title for h in Document.parse(converted.markdown.encode()).questions()] == ["first?", "second?", "third?"]
    numbered = "1. 第一个问题？\n答案里有一个清单：\n1) 能编译吗？\n2) 能运行吗？\n结束。\n\n2. 第二个问题？\n答案。\n"
    converted = convert(numbered)
    assert converted.shape == "numbered-qa" and converted.questions == 2  # (the checklist stays a list)
    assert convert("Title\n=====\n\nProse.\n").shape == "markdown"  # a setext heading is Markdown
    empty_q = "Q:\nA: answer without a question\nQ: 真的问题？\nA: 答案\n"
    assert "# A:" not in convert(empty_q).markdown
