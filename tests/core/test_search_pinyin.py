"""Pinyin: a query of Latin letters also finds titles it spells — in full, by initials, mixed,
every reading of a character counted — below the same characters typed, highlighted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from notesui.core import pinyin
from notesui.core.notebook import Notebook
from notesui.core.search import SearchIndex

NOTES = """# 训练

## 什么是微调？

在预训练模型上继续训练。

## 重新排序有什么用？

召回之后再排。

## 显卡型号怎么看？

nvidia-smi。

## 长文本如何处理？

分块。

## wt 是什么？

一个缩写。
"""


def index(tmp_path: Path) -> SearchIndex:
    (tmp_path / "a.md").write_text(NOTES, encoding="utf-8")
    return SearchIndex.build(Notebook.open(tmp_path).documents)


def first(index: SearchIndex, query: str) -> str | None:
    hits = index.search(query, 3)
    return hits[0].title if hits else None


def test_full_initials_and_mixed(tmp_path: Path) -> None:
    found = index(tmp_path)
    for query in ("weitiao", "wei tiao", "weit", "wtiao", "WeiTiao"):
        assert first(found, query) == "什么是微调？", query
    assert first(found, "xianka") == "显卡型号怎么看？"
    assert first(found, "xkxh") == "显卡型号怎么看？"


def test_every_reading_of_a_character_counts() -> None:
    assert set(pinyin.readings("调")) == {"diao", "tiao"}
    assert pinyin.spell("weidiao", "微调") == (0, 2) and pinyin.spell("weitiao", "微调") == (0, 2)
    assert pinyin.spell("chongxin", "重新") == (0, 2) and pinyin.spell("zhongxin", "重新") == (0, 2)
    assert pinyin.spell("changwenben", "长文本") == (0, 3) and pinyin.spell("zhangwenben", "长文本") == (0, 3)
    assert pinyin.spell("weitiao", "微博") is None


def test_pinyin_ranks_below_the_characters_typed_and_is_highlighted(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert first(found, "wt") == "wt 是什么？"  # the letters themselves come first
    hit = found.search("chongxin", 1)[0]
    assert hit.title == "重新排序有什么用？"
    assert [hit.title[a:b] for a, b in hit.spans] == ["重新"]
    assert hit.score < found.search("重新", 1)[0].score


def test_pinyin_terms_among_others(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert first(found, "weitiao 训练") == "什么是微调？"
    assert first(found, "paixu 召回") == "重新排序有什么用？"


def test_an_exact_term_is_never_read_as_pinyin(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert found.search("'weitiao", 3) == []


def test_pinyin_costs_nothing_until_a_query_needs_it(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(NOTES, encoding="utf-8")
    script = (
        "import sys; from notesui.core.notebook import Notebook; from notesui.core.search import SearchIndex; "
        f"i = SearchIndex.build(Notebook.open({str(tmp_path)!r}).documents); i.search('训练'); "
        "print('pypinyin' in sys.modules); i.search('weitiao'); print('pypinyin' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
