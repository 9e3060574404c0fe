"""Search: normalisation, ranking rules, highlights, snippets, incremental re-indexing."""

from __future__ import annotations

from pathlib import Path

from notesui.core.document import Document
from notesui.core.notebook import Notebook
from notesui.core.search import SearchIndex
from notesui.core.textnorm import normalize, normalize_mapped


def test_normalisation_traditional_fullwidth_case_and_spaces() -> None:
    assert normalize("微調") == normalize("微调") == "微调"
    assert normalize("ＬｏＲＡ 微調") == "lora微调"
    assert normalize("Flash  Attention\n") == "flashattention"


def test_mapped_normalisation_points_back_into_the_original() -> None:
    text, mapping = normalize_mapped("Ａ 微調")
    assert text == "a微调"
    assert mapping == [0, 2, 3]


def index_for(tmp_path: Path, files: dict[str, str]) -> tuple[Notebook, SearchIndex]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    notebook = Notebook.open(tmp_path)
    return notebook, SearchIndex.build(notebook)


def test_traditional_and_simplified_find_the_same(tmp_path: Path) -> None:
    _, index = index_for(tmp_path, {"a.md": "## 什么是微调？\n\n在预训练模型上继续训练。\n\n## 其他\n\n無關\n"})
    simplified = [(h.file, h.line) for h in index.search("微调")]
    traditional = [(h.file, h.line) for h in index.search("微調")]
    assert simplified == traditional == [("a.md", 1)]


def test_title_beats_body_and_exact_beats_fuzzy(tmp_path: Path) -> None:
    _, index = index_for(
        tmp_path,
        {
            "a.md": (
                "## Body mention\n\nwe use attention here\n\n"
                "## Attention basics\n\ntext\n\n"
                "## Attenton typo title\n\ntext\n\n"
            )
        },
    )
    hits = index.search("attention")
    assert [h.title for h in hits[:3]] == ["Attention basics", "Body mention", "Attenton typo title"]
    assert [h.where for h in hits[:3]] == ["title", "body", "title"]
    assert hits[0].score > hits[1].score > hits[2].score


def test_typos_still_find_the_question(tmp_path: Path) -> None:
    _, index = index_for(tmp_path, {"a.md": "## FlashAttention 的原理\n\n分块计算\n\n## Other\n\nx\n"})
    assert index.search("flashatention")[0].title == "FlashAttention 的原理"


def test_highlight_spans_and_snippet(tmp_path: Path) -> None:
    _, index = index_for(
        tmp_path, {"a.md": "## 什麼是 LoRA？\n\n低秩适配：训练两个小矩阵。\n\n## Q2\n\n" + "前文" * 30 + "梯度消失问题\n"}
    )
    title_hit = index.search("什么是lora")[0]
    start, end = title_hit.spans[0]
    assert title_hit.title[start:end] == "什麼是 LoRA"
    body_hit = index.search("梯度消失")[0]
    assert body_hit.where == "body" and "梯度消失" in body_hit.snippet
    s, e = body_hit.snippet_spans[0]
    assert body_hit.snippet[s:e] == "梯度消失"
    assert body_hit.snippet.startswith("…")


def test_reindexing_one_file(tmp_path: Path) -> None:
    notebook, index = index_for(tmp_path, {"a.md": "## Alpha question\n\nx\n", "b.md": "## Beta question\n\ny\n"})
    assert [h.file for h in index.search("alpha")] == ["a.md"]
    (tmp_path / "a.md").write_text("## Gamma question\n\nx\n")
    index.update_file("a.md", notebook.reload("a.md"))
    assert index.search("alpha") == []
    assert [h.file for h in index.search("gamma")] == ["a.md"]
    assert [h.file for h in index.search("beta")] == ["b.md"]
    index.update_file("b.md", None)
    assert index.search("beta") == [] and len(index) == 1


def test_compaction_keeps_results(tmp_path: Path) -> None:
    notebook, index = index_for(tmp_path, {"a.md": "".join(f"## Question {i}\n\nanswer {i}\n\n" for i in range(600))})
    doc = notebook.documents["a.md"]
    for _ in range(3):
        index.update_file("a.md", Document.parse(doc.data, "a.md"))
    assert len(index) == 600
    assert index.search("question 599")[0].title == "Question 599"


def test_empty_and_separator_queries(tmp_path: Path) -> None:
    _, index = index_for(tmp_path, {"a.md": "## A\n\nx\n"})
    assert index.search("   ") == [] and index.search("\x00") == []
