"""A section as it is read: CJK soft breaks and line breaking, front matter, table alignment,
code in lists, raw HTML and images, numbered lists."""

from __future__ import annotations

from notesui.core.reading import describe_images, render_lines, strip_front_matter


def shown(markup: str, width: int = 40) -> list[str]:
    return ["".join(segment.text for segment in line).rstrip() for line in render_lines(markup, width)]


def test_a_soft_break_between_chinese_characters_is_no_space() -> None:
    assert shown("这是第一行\n这是第二行") == ["这是第一行这是第二行"]
    assert shown("English words\nstay apart") == ["English words stay apart"]
    assert shown("中文\nEnglish") == ["中文 English"]


def test_chinese_wraps_without_closing_punctuation_at_a_line_start() -> None:
    lines = shown("一二三四五六七八九，十一二三四五六七八九十。", 18)
    assert lines == ["一二三四五六七八", "九，十一二三四五六", "七八九十。"]
    assert all(not line.startswith(("，", "。")) for line in lines)


def test_latin_words_are_not_split() -> None:
    assert shown("请简述 Transformer 的基本原理和结构", 16) == ["请简述", "Transformer 的基", "本原理和结构"]


def test_front_matter_is_hidden() -> None:
    assert shown("---\ntitle: 笔记\ntags: [a]\n---\n# 标题\n\n正文") == ["标题", "", "正文"]
    assert strip_front_matter("text\n---\nnot: front\n---\n") == "text\n---\nnot: front\n---\n"


def test_table_columns_keep_their_alignment_and_the_content_width() -> None:
    lines = shown("| n | name |\n| ---: | :---: |\n| 1 | ab |\n| 100 | 中文字 |", 60)
    rows = [line for line in lines if line.strip()]
    assert max(len(line) for line in rows) < 20  # as wide as the content, not the page
    one, hundred = rows[-2], rows[-1]
    assert one.index("1") == hundred.index("100") + 2  # right-aligned numbers
    assert "ab" in one and "中文字" in hundred


def test_code_indented_in_a_list_item_is_code() -> None:
    lines = shown("1. step\n\n        code()\n\n2. next", 40)
    assert any(line.strip() == "code()" for line in lines)
    assert lines[0].strip() == "1. step" and any(line.strip() == "2. next" for line in lines)


def test_raw_html_and_images_show_as_text_never_fetched() -> None:
    assert describe_images('<img src="a.png" alt="图一">') == "[图一] (a.png)"
    assert describe_images("<IMG SRC=b.png>") == "[image] (b.png)"
    assert shown('<img alt="架构图" src="arch.png">') == ["[架构图] (arch.png)"]
    assert shown("见 <img src='x.png' alt='图'> 所示") == ["见 [图] (x.png) 所示"]
    assert shown("<div>raw <b>html</b></div>") == ["<div>raw <b>html</b></div>"]
