"""Hypothesis strategies shared by the property tests: generated notes files."""

from __future__ import annotations

import codecs

from hypothesis import strategies as st

_words = st.text(
    alphabet=st.sampled_from([*list("abc xyz 微调注意力機制?！#*-=`>"), "\u3000"]), min_size=0, max_size=12
)


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    newline_choice = draw(st.sampled_from(["\n", "\r\n", "mixed"]))
    blocks: list[str] = []
    if draw(st.booleans()):
        blocks.append("---\ntitle: " + draw(_words).replace("-", "") + "\n# fm\n---")
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["atx", "setext", "text", "fence", "list", "html", "blank"]))
        word = draw(_words).strip() or "t"
        if kind == "atx":
            blocks.append("#" * draw(st.integers(1, 6)) + " " + word)
        elif kind == "setext":
            blocks.append(word.lstrip("#>-*=` ") + "x\n" + draw(st.sampled_from(["===", "---"])))
        elif kind == "fence":
            blocks.append("```\n# not heading " + word + "\n```")
        elif kind == "list":
            blocks.append("- item " + word + "\n  - nested")
        elif kind == "html":
            blocks.append("<div>\n# html " + word + "\n</div>")
        elif kind == "blank":
            blocks.append("")
        else:
            blocks.append(word)
    text = "\n".join(blocks)
    if draw(st.booleans()):
        text += "\n"
    if newline_choice == "\r\n":
        text = text.replace("\n", "\r\n")
    elif newline_choice == "mixed":
        parts = text.split("\n")
        seps = draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=len(parts), max_size=len(parts)))
        text = "".join(p + s for p, s in zip(parts, seps))[: -len(seps[-1])] if parts else text
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = codecs.BOM_UTF8 + data
    return data


_FRAGMENTS = [
    *("    # indented code", "\t# tab", " # one space", "   ### three", "    ###", "#5 bolt", "#\tfoo"),
    *("## foo ##", "## foo #bar", "# foo \\#", "> # quote", "- # list heading", "1. foo", "1) x", "   > # q"),
    *("<!-- comment", "-->", "<pre>", "</pre>", "<script>", "</script>", "<div>", "</div>", "<custom-tag>"),
    *("<?php", "?>", "<!DOCTYPE html>", "<![CDATA[", "]]>", "[foo]: /url", "Foo", "Foo *bar*", "text"),
    *("===", "---", "=", "  ==  ", "***", "* * *", "_ _ _", "   - - -", "| a | b |", "|---|---|"),
    *("```", "~~~", "    ```", "+++", "", "", "", "#", "##", "# ", "\\# not", "- ", "  - nested", ">", "> text"),
    *("## 中文 <!-- mastered 2024-01-01 -->", "# trailing ###   ", "#   spaced   #", "###### six", "####### seven"),
    *("  Foo\n  ---", "\u3000# ideographic", "# a\\", "##\\", "# #", "# ##", "#\u00a0nbsp", "---\ntitle: x\n---"),
    *("a\r\n---", "\r", "x\x00y", "# 微调 *强调* `代码`"),
]


@st.composite
def block_soup(draw: st.DrawFn) -> str:
    """Lines that sit on the edges of CommonMark's block rules (headings, setext underlines,
    code, HTML blocks, containers, front matter), in any order."""
    lines = draw(st.lists(st.sampled_from(_FRAGMENTS), max_size=30))
    return "\n".join(lines) + ("\n" if draw(st.booleans()) else "")
