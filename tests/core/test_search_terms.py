"""Queries of several terms: every term must match, in any order; the question that holds
every word beats a short section that holds one; characters with gaps; fzf's ' ! "…"."""

from __future__ import annotations

from pathlib import Path

from notesui.core.notebook import Notebook
from notesui.core.search import SearchIndex, Term, parse_query

NOTES = """# LoRA

## LoRA

一种参数高效微调方法。

## 如何对 LoRA 模块进行显存优化？

梯度检查点。

## QLoRA 的特点是什么？

量化加 LoRA。

# 思维链篇

## 思维链的优势

分步推理。

## 思维链 Chain-of-Thought 有哪些局限性？

依赖模型规模。

## 如何查看服务器上显卡的具体型号？

nvidia-smi。

## 显卡

### 型号列表

A100、H100。

## RLHF 篇

### RLHF 在实践中有哪些不足？

成本高，奖励模型难训练。
"""


def index(tmp_path: Path) -> SearchIndex:
    (tmp_path / "a.md").write_text(NOTES, encoding="utf-8")
    return SearchIndex.build(Notebook.open(tmp_path).documents)


def titles(index: SearchIndex, query: str, n: int = 3) -> list[str]:
    return [hit.title for hit in index.search(query, n)]


def test_the_query_is_read_as_terms() -> None:
    assert parse_query("lora 显存") == [Term("lora"), Term("显存")]
    assert parse_query("lora微调") == [Term("lora"), Term("微调")]  # where Latin meets CJK
    assert parse_query('\'atention !qlora "Chain of"') == [
        Term("atention", exact=True),
        Term("qlora", exclude=True),
        Term("chainof", exact=True),
    ]
    assert parse_query("微調  ＬｏＲＡ") == [Term("微调"), Term("lora")]  # the normalisation rules stay
    assert parse_query("   ") == [] and parse_query('""') == []


def test_every_term_in_any_order(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert titles(found, "局限性 思维链", 1) == ["思维链 Chain-of-Thought 有哪些局限性？"]
    assert titles(found, "思维链 局限性", 1) == ["思维链 Chain-of-Thought 有哪些局限性？"]
    assert titles(found, "显存 lora", 1) == ["如何对 LoRA 模块进行显存优化？"]


def test_a_short_section_in_the_query_never_beats_the_question_with_every_word(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert titles(found, "lora 显存", 1) == ["如何对 LoRA 模块进行显存优化？"]
    assert titles(found, "qlora特点", 1) == ["QLoRA 的特点是什么？"]


def test_a_question_beats_a_section_with_the_same_match(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert titles(found, "RLHF", 1) == ["RLHF 在实践中有哪些不足？"]


def test_characters_with_gaps(tmp_path: Path) -> None:
    found = index(tmp_path)
    hit = found.search("显卡型号", 1)[0]
    assert hit.title == "如何查看服务器上显卡的具体型号？"
    assert [hit.title[a:b] for a, b in hit.spans] == ["显卡", "型号"]


def test_exclude_exact_and_phrase(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert "QLoRA 的特点是什么？" not in titles(found, "lora !qlora", 10)
    assert titles(found, "lora !qlora", 10)
    assert titles(found, "'lroa 显存", 10) == []  # an exact term takes no typo
    assert titles(found, "lroa 显存", 1) == ["如何对 LoRA 模块进行显存优化？"]  # a plain one does
    assert titles(found, '"chain-of-thought" 局限', 1) == ["思维链 Chain-of-Thought 有哪些局限性？"]


def test_terms_are_highlighted_where_they_matched(tmp_path: Path) -> None:
    found = index(tmp_path)
    hit = found.search("显存 lora", 1)[0]
    assert sorted(hit.title[a:b] for a, b in hit.spans) == ["LoRA", "显存"]
    body = found.search("成本 rlhf", 1)[0]
    assert body.title == "RLHF 在实践中有哪些不足？" and "成本" in body.snippet
