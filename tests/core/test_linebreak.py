"""Line breaking for mixed Chinese and Latin text: CJK breaks anywhere but before closing and
after opening punctuation; Latin words break at spaces only; soft breaks between CJK vanish."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from notesui.core.linebreak import may_break, soft_break, wrap


def lines(text: str, width: int) -> list[str]:
    return [text[start:end] for start, end in wrap(text, width)]


def test_chinese_breaks_anywhere_but_never_before_closing_punctuation() -> None:
    assert lines("一二三四五六七八九，十", 18) == ["一二三四五六七八", "九，十"]  # 九 goes down with ，
    assert lines("这是一个很长的中文句子，里面有标点符号。", 10) == [
        "这是一个很",
        "长的中文句",
        "子，里面有",
        "标点符号。",
    ]
    assert lines("他说「你好世界」", 6) == ["他说", "「你好", "世界」"]  # 「 never ends a line


def test_latin_words_are_never_split_unless_wider_than_the_line() -> None:
    assert lines("Transformer 的注意力机制", 12) == ["Transformer", "的注意力机制"]
    assert lines("the quick brown fox", 10) == ["the quick", "brown fox"]
    assert lines("supercalifragilistic", 10) == ["supercalif", "ragilistic"]
    assert lines("用 LoRA 微调", 6) == ["用", "LoRA", "微调"]


def test_hard_breaks_and_short_text() -> None:
    assert lines("第一行\n第二行", 40) == ["第一行", "第二行"]
    assert lines("", 10) == [""]
    assert lines("fits", 10) == ["fits"]


def test_a_soft_break_between_chinese_characters_is_nothing() -> None:
    assert soft_break("这", "里") == ""
    assert soft_break("句子。", "下一") == ""  # CJK punctuation is CJK too
    assert soft_break("word", "next") == " "
    assert soft_break("中文", "English") == " "


TEXT = st.text(alphabet=st.sampled_from([*list("ab 中文字，。（）「」"), " ", "x"]), max_size=60)


@given(TEXT, st.integers(2, 30))
def test_wrapping_keeps_every_character_and_the_width(text: str, width: int) -> None:
    found = wrap(text, width)
    # every line fits (a line of one character fits by force)
    for start, end in found:
        assert cell_len(text[start:end]) <= width or end - start == 1
    # nothing is lost: what lies between lines is spaces only
    position = 0
    for start, end in found:
        assert text[position:start].strip() == ""
        position = end
    assert text[position:].strip() == ""


@given(TEXT, st.integers(4, 30))
def test_lines_break_only_where_they_may_unless_a_piece_is_wider_than_the_line(text: str, width: int) -> None:
    found = wrap(text, width)
    for (start, end), (next_start, _) in itertools.pairwise(found):
        if next_start and not text[next_start - 1].isspace():  # broken between two characters
            forced = not any(may_break(text, i) for i in range(start + 1, end + 1))
            assert may_break(text, next_start) or forced, (text[start:end], text[next_start:])
