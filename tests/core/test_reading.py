"""A section as it is read: CJK soft breaks and line breaking, front matter, table alignment,
code in lists, raw HTML and images, numbered lists."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from notesui.core.reading import HEAD_CHARS, chunks, describe_images, first_part, render_lines, strip_front_matter


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


def _text(markup: str, width: int = 60) -> list[str]:
    return [line for line in shown(markup, width) if line.strip()]


BLOCKS = st.lists(
    st.sampled_from(
        [
            "段落：这是一段中文 text with words，还有标点。\n第二行 line two.",
            "- item 中文\n- item two",
            "1. step\n2. step two",
            "```python\nx = 1\n\ny = 2\n```",
            "| a | b |\n|---|---:|\n| 1 | 中 |",
            "> quoted\n> more",
            "### Heading",
            "- loose item\n\n  continued in the item\n\n- next",
            "~~~\n```\n\n# not a heading\n~~~",
            "````markdown\n```python\n\nx\n```\n\n# still code\n````",
            "<!-- a comment\n\nwith a blank line -->",
            "tab\there\tand\tthere",
            "[link](http://e.com)\n中文",
        ]
    ),
    min_size=1,
    max_size=60,
)


@settings(deadline=None, max_examples=30)
@given(BLOCKS)
def test_a_long_section_rendered_in_pieces_reads_as_the_whole(blocks: list[str]) -> None:
    # the reader renders long sections piece by piece (a newer key stops it between pieces):
    # the same text, line for line (only blank lines between blocks may differ)
    markup = "\n\n".join(blocks * 3)
    pieces = chunks(markup)
    assert "".join(pieces).strip() == markup.strip()
    assert [line for piece in pieces for line in _text(piece)] == _text(markup)
    head = first_part(markup)
    if head is not None:
        assert markup.startswith(head) and len(head) >= HEAD_CHARS


def test_a_definition_elsewhere_keeps_a_long_section_whole() -> None:
    filler = "段落。\n\n" * HEAD_CHARS
    markup = f"See [doc][d] here.\n\n{filler}[d]: http://example.com\n"
    assert chunks(markup) == [markup]
    assert any("doc (http://example.com)" in line for line in _text(markup[:40] + "\n\n[d]: http://example.com\n"))


def test_tabs_are_as_wide_as_their_spaces_and_nothing_is_lost() -> None:
    assert shown("aaaa\tbbbb\tcccc\tdddd eeee", 20) == ["aaaa    bbbb    cccc", "dddd eeee"]


def test_a_link_then_chinese_on_the_next_line_keeps_a_space() -> None:
    assert shown("[链接](http://x)\n中文") == ["链接 (http://x) 中文"]
