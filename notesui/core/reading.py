"""A section as it is read: Markdown rendered to lines of styled text, right for Chinese.

Built on ``rich.markdown`` (markdown-it tokens to Rich renderables: code colours, tables
with their column alignment and content width, lists, quotes), with what notes in Chinese
need on top:

* a soft line break between two CJK characters is nothing, not a space (``linebreak``);
* paragraphs and headings wrap by ``linebreak.wrap``: CJK anywhere but never before closing
  or after opening punctuation, Latin words only at spaces;
* YAML front matter is not shown; raw HTML is shown as text, an ``<img>`` as its alt text and
  address (never fetched); links show their address (nothing is ever opened).

``render_lines`` is pure computation (no terminal): the reader runs it off the UI thread.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Mapping
from itertools import islice
from typing import TYPE_CHECKING, ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Heading, ListItem, Markdown, MarkdownContext, MarkdownElement, Paragraph, TextElement
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text
from rich.theme import Theme

from notesui.core.linebreak import soft_break, wrap

if TYPE_CHECKING:
    from markdown_it.token import Token

HEAD_CHARS = 3000
"""A long section shows its first this many characters (``first_part``) while the rest renders."""
PIECE_CHARS = 1000
"""The rest renders in pieces of about this many characters (``chunks``): a newer page stops it
between two, so a key waits for one piece at most."""

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""\b(alt|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def strip_front_matter(text: str) -> str:
    """``text`` without a YAML front matter block at its very start."""
    return _FRONT_MATTER.sub("", text, count=1)


def describe_images(markup: str) -> str:
    """Every ``<img>`` tag as the text a reader can use: ``[image: alt] (address)``."""

    def one(match: re.Match[str]) -> str:
        attrs = {
            m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTR.finditer(match.group(0))
        }
        alt = attrs.get("alt", "").strip() or "image"
        src = attrs.get("src", "").strip()
        return f"[{alt}]" + (f" ({src})" if src else "")

    return _IMG.sub(one, markup)


class Wrapped:
    """A Text wrapped by ``linebreak.wrap`` (its styles kept)."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = self.text.copy()
        text.expand_tabs(4)  # (a tab is as wide as the spaces it stands for)
        found = wrap(text.plain, options.max_width)
        pieces = text.divide([cut for line in found for cut in line])  # (one pass over the styles)
        lines = Text("\n", end="").join(pieces[1::2])  # a line's text, then the spaces it broke at
        lines.no_wrap = True
        lines.overflow = "crop"
        lines.end = "\n"
        yield lines

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)


class _Paragraph(Paragraph):
    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Wrapped(self.text)


class _Heading(Heading):
    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Wrapped(self.text)


class _ListItem(ListItem):
    def render_number(self, console: Console, options: ConsoleOptions, number: int, last_number: int) -> RenderResult:
        """``1.`` as Markdown writes it (rich shows ``1``)."""
        width = len(str(last_number)) + 3
        lines = console.render_lines(self.elements, options.update(width=options.max_width - width), style=self.style)
        style = console.get_style("markdown.item.number", default="none")
        for index, line in enumerate(lines):
            yield Segment(" " * width if index else f"{number}.".rjust(width - 1) + " ", style)
            yield from line
            yield Segment("\n")


class _Html(TextElement):
    """A raw HTML block: shown as the text it is (images as their alt text and address)."""

    style_name = "markdown.html"

    @classmethod
    def create(cls, markdown: Markdown, token: Token) -> MarkdownElement:
        return cls()

    def on_text(self, context: MarkdownContext, text: str | Text) -> None:
        plain = text.plain if isinstance(text, Text) else text
        super().on_text(context, describe_images(plain).rstrip("\n"))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Wrapped(self.text)


class NoteMarkdown(Markdown):
    """``rich.markdown.Markdown`` read the notesui way (see the module)."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "paragraph_open": _Paragraph,
        "heading_open": _Heading,
        "html_block": _Html,
        "list_item_open": _ListItem,
    }

    def __init__(self, markup: str, code_theme: str = "monokai") -> None:
        super().__init__(strip_front_matter(markup), code_theme=code_theme, hyperlinks=False)
        _read_inline(self.parsed)


def _read_inline(tokens: Iterable[Token]) -> None:
    """Soft breaks between CJK characters become nothing; inline ``<img>`` becomes text."""
    for token in tokens:
        children = token.children or []
        before = ""  # the last text before the current child
        for index, child in enumerate(children):
            if child.type == "html_inline" and _IMG.match(child.content):
                child.type, child.content = "text", describe_images(child.content)
            elif child.type == "softbreak":
                after = next((c.content for c in islice(children, index + 1, None) if c.content), "")
                if soft_break(before, after) == "":
                    child.type, child.content = "text", ""
            before = ")" if child.type == "link_close" else child.content or before  # (then shown: " (url)")
        if children:
            _read_inline(children)


def theme_for(palette: Mapping[str, str]) -> Theme:
    """Rich styles for the Markdown elements from a palette of colours (``primary``,
    ``secondary``, ``accent``, ``foreground``, ``surface``, ``panel``; any may be missing)."""
    primary = palette.get("primary", "cyan")
    secondary = palette.get("secondary", "blue")
    accent = palette.get("accent", "magenta")
    surface = palette.get("panel", palette.get("surface", ""))
    on_surface = f" on {surface}" if surface else ""
    return Theme(
        {
            "markdown.h1": f"bold underline {primary}",
            "markdown.h2": f"bold {primary}",
            "markdown.h3": f"bold {secondary}",
            "markdown.h4": f"bold {secondary}",
            "markdown.h5": f"italic {secondary}",
            "markdown.h6": f"italic {secondary}",
            "markdown.code": f"{accent}{on_surface}",
            "markdown.link": f"underline {secondary}",
            "markdown.link_url": "dim",
            "markdown.html": "dim",
            "markdown.block_quote": "italic",
            "markdown.item.bullet": f"bold {primary}",
            "markdown.item.number": f"bold {primary}",
            "markdown.table.header": f"bold {primary}",
        }
    )


def render_lines(
    markup: str, width: int, palette: Mapping[str, str] | None = None, dark: bool = True
) -> list[list[Segment]]:
    """``markup`` rendered for reading at ``width`` cells: one list of segments per line."""
    console = Console(
        width=width,
        force_terminal=True,
        color_system="truecolor",
        theme=theme_for(palette or {}),
        legacy_windows=False,
        file=io.StringIO(),  # (never written to)
    )
    renderable = NoteMarkdown(markup, code_theme="monokai" if dark else "default")
    lines = console.render_lines(renderable, console.options.update_width(width), pad=False, new_lines=False)
    blank = [  # (a code block's padding is no blank line: it has a background)
        not "".join(segment.text for segment in line).strip()
        and not any(segment.style is not None and segment.style.bgcolor is not None for segment in line)
        for line in lines
    ]
    start = blank.index(False) if False in blank else len(lines)
    end = len(lines) - blank[::-1].index(False) if False in blank else start
    return lines[start:end]


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S", re.MULTILINE)


def _inside(lines: list[str]) -> list[bool]:
    """For each line, whether a cut after it would fall inside a code fence or an HTML
    comment (a fence closes only with the same character, at least as many times)."""
    out = []
    fence = ""
    comment = False
    for line in lines:
        if comment:
            comment = "-->" not in line
        elif fence:
            mark = _FENCE.match(line)
            if mark and mark.group(1)[0] == fence[0] and len(mark.group(1)) >= len(fence) and not line.strip(" `~\r\n"):
                fence = ""
        elif mark := _FENCE.match(line):
            fence = mark.group(1)
        elif "<!--" in line:
            comment = "-->" not in line[line.index("<!--") :]
        out.append(bool(fence) or comment)
    return out


def first_part(markdown: str) -> str | None:
    """The first part of a long section, cut at a line's end outside code, for its first
    screenful (None: the section is short). What follows the cut is below that screenful."""
    if len(markdown) <= HEAD_CHARS:
        return None
    lines = markdown.splitlines(keepends=True)
    position = 0
    for line, inside in zip(lines, _inside(lines)):
        position += len(line)
        if position >= HEAD_CHARS and not inside:
            return markdown[:position] if position < len(markdown) else None
    return None


def chunks(markdown: str) -> list[str]:
    """``markdown`` in pieces of about ``PIECE_CHARS`` that render as the whole does: cut only
    at a blank line outside code and comments, before a line that starts at the margin (not
    inside a list item or an indented block); never where a link refers to a definition
    elsewhere (it is one piece then)."""
    if _REFERENCE.search(markdown):
        return [markdown]
    lines = markdown.splitlines(keepends=True)
    pieces: list[str] = []
    start = size = 0
    for index, (line, inside) in enumerate(zip(lines, _inside(lines))):
        size += len(line)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if size >= PIECE_CHARS and not inside and not line.strip() and following[:1] not in ("", " ", "\t", "\n"):
            pieces.append("".join(lines[start : index + 1]))
            start, size = index + 1, 0
    pieces.append("".join(lines[start:]))
    return [piece for piece in pieces if piece.strip()]
