"""Where a line of mixed Chinese and Latin text may break, and how it wraps to a width.

Latin words break only at spaces (a word wider than the whole line is cut, as nothing else
can be done). Chinese, Japanese and Korean text may break between any two characters, and
where it meets a Latin word; but, as in Chinese typesetting (避头尾), no line starts with
closing punctuation (``，。；：？！）」』`` …) and none ends with opening punctuation
(``（「『`` …). A soft line break in Markdown between two such characters is no space at all
(``这\\n里`` reads 这里), between Latin words it stays one (``soft_break``).
"""

from __future__ import annotations

import itertools
import unicodedata
from functools import lru_cache

from rich.cells import cell_len

NO_LINE_START = frozenset(
    "，。、；：？！）」』》〉】〕］｝’”…‥·・％‰,.;:?!)]}%ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)
"""Never at the start of a line (closing punctuation, small kana, iteration marks)."""
NO_LINE_END = frozenset("（「『《〈【〔［｛‘“([{")
"""Never at the end of a line (opening punctuation)."""


@lru_cache(maxsize=4096)
def is_wide(char: str) -> bool:
    """Whether ``char`` is a Chinese, Japanese or Korean character or full-width punctuation
    (text that breaks between any two characters)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def soft_break(before: str, after: str) -> str:
    """What a soft line break between ``before`` and ``after`` reads as: nothing between
    wide (CJK) characters, else one space."""
    if before and after and is_wide(before[-1]) and is_wide(after[0]):
        return ""
    return " "


def may_break(text: str, index: int) -> bool:
    """Whether a line may break before ``text[index]`` (0 < index < len(text))."""
    before, after = text[index - 1], text[index]
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    if before.isspace():
        return not after.isspace()
    if after.isspace():
        return False
    return is_wide(before) or is_wide(after)


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """The lines of ``text`` at ``width`` cells, as (start, end) offsets; a line's end leaves
    out the spaces it broke at. ``\\n`` always breaks."""
    lines: list[tuple[int, int]] = []
    start = 0
    for part in text.split("\n"):
        lines += [(start + a, start + b) for a, b in _wrap_line(part, max(width, 1))]
        start += len(part) + 1
    return lines


def _wrap_line(text: str, width: int) -> list[tuple[int, int]]:
    if cell_len(text) <= width:
        return [(0, len(text.rstrip()))]
    # pieces between break opportunities; a piece goes whole on the line or on the next one
    cuts = [0] + [i for i in range(1, len(text)) if may_break(text, i)] + [len(text)]
    lines: list[tuple[int, int]] = []
    line_start, used = 0, 0
    for begin, end in itertools.pairwise(cuts):
        piece = text[begin:end]
        solid = cell_len(piece.rstrip())
        if used and used + solid > width:
            end_of_line = begin
            while end_of_line > line_start and text[end_of_line - 1].isspace():
                end_of_line -= 1
            lines.append((line_start, end_of_line))
            line_start, used = begin, 0
        if solid > width:  # wider than a whole line: cut where it must be
            for index in range(begin, end):
                cells = cell_len(text[index])
                if used + cells > width and used:
                    cut = index  # closing punctuation goes down with the character before it,
                    while cut - 1 > line_start and (text[cut] in NO_LINE_START or text[cut - 1] in NO_LINE_END):
                        cut -= 1  # opening punctuation with the one after it (if that fits)
                    if cell_len(text[cut:index]) + cells > width:
                        cut = index
                    lines.append((line_start, cut))
                    line_start, used = cut, cell_len(text[cut:index])
                used += cells
        else:
            used += cell_len(piece)
    lines.append((line_start, max(line_start, len(text.rstrip()))))
    return lines
