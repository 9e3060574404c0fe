"""The outline: folders › files › headings, built lazily as branches open."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from notesui.core.document import Counts, Document, Heading
from notesui.core.notebook import Folder, Notebook, all_mastered, count, path_order
from notesui.core.refs import HeadingRef
from notesui.core.text import one_line
from notesui.state import Key, Place
from notesui.ui import keys
from notesui.ui.widgets.paint import StyleOncePerPaint

Kind = Literal["folder", "file", "heading"]
_COUNTS = re.compile(r"  (?:\d+/\d+(?: · \d+ due)?|…)$")
"""The counts at the end of a branch's label (see ``_progress``)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What a tree node stands for: a folder, a file, or a heading (by index) in a file."""

    kind: Kind
    rel: str
    index: int | None = None


def _progress(counts: Counts | None, due: int = 0) -> Text:
    """``mastered/questions`` (and how many are due for review today), or an ellipsis while
    they are being counted."""
    if counts is None:
        return Text("  …", style="dim")
    return Text(f"  {counts.mastered}/{counts.questions}" + (f" · {due} due" if due else ""), style="dim")


def _has_headings(doc: Document) -> bool:
    """Whether a file's branch opens (a file still being parsed may: it is parsed on opening).
    Known from its counts, without building its headings: a file with headings has a question
    (its last heading without sub-headings, at least)."""
    return doc.counts.questions > 0 if doc.parsed else not doc.error


class OutlineTree(StyleOncePerPaint, Tree[Entry]):
    """The notes as a tree. Children are added when a branch is first expanded."""

    BINDINGS: ClassVar[list[BindingType]] = list(keys.OUTLINE)

    class _EntryMessage(Message):
        def __init__(self, tree: OutlineTree, entry: Entry) -> None:
            super().__init__()
            self.tree = tree
            self.entry = entry

        @property
        def control(self) -> OutlineTree:
            return self.tree

    class EntryHighlighted(_EntryMessage):
        """The cursor moved onto an entry."""

    class EntryOpened(_EntryMessage):
        """Enter (or a click) on a leaf: the user wants to read it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("notes", id=id)
        self.notebook: Notebook | None = None
        self._shown: dict[str, Document] = {}
        self._pending: Entry | None = None  # where the cursor goes on the next refresh
        self.hide_mastered = False
        self.due: dict[str, list[int]] = {}  # file -> indexes of its headings due for review today
        self.show_root = False
        self.auto_expand = True
        self.guide_depth = 3

    # -- building ---------------------------------------------------------------------

    def show_notebook(self, notebook: Notebook) -> None:
        """Replace the tree with ``notebook``'s folders and files."""
        self.notebook = notebook
        # the files as this tree shows them: an entry's heading index means a heading of
        # these, even after the notebook has moved on (until the tree is rebuilt)
        self._shown = dict(notebook.documents)
        self.clear()
        top = notebook.folder_tree()
        self.root.data = Entry("folder", "")
        self.root.set_label(self._folder_label(top))
        self._add_folder_children(self.root, top)
        self.root.expand()
        if len(notebook.documents) == 1 and self.root.children:
            self.root.children[0].expand()
        self.cursor_line = 0

    def _folder_label(self, folder: Folder) -> Text:
        assert self.notebook is not None
        label = Text(one_line(folder.name or str(self.notebook.root)), style="bold")
        reading = bool(self.notebook.pending(folder.rel))
        prefix = folder.rel + "/" if folder.rel else ""
        due = sum(len(indexes) for rel, indexes in self.due.items() if rel.startswith(prefix))
        return label + _progress(None if reading else self.notebook.counts(folder.rel), due)

    def _file_label(self, doc: Document) -> Text:
        name = one_line(doc.rel.rsplit("/", 1)[-1])
        if doc.error and not doc.text:
            return Text.assemble(("⚠ ", "bold red"), (name, "red"))
        label = Text(name)
        if doc.error:
            label = Text.assemble(("⚠ ", "bold yellow"), label)
        return label + _progress(count(doc) if doc.parsed else None, len(self.due.get(doc.rel, ())))

    def _heading_label(self, doc: Document, heading: Heading) -> Text:
        title = one_line(heading.title) or "(untitled)"
        if heading.children:
            label = Text(title, style="bold")
            if heading.has_answer:
                label = Text.assemble(("✓ " if heading.mastered else "• ", "green"), label)
            end = heading.section.end_line
            due = sum(
                1
                for i in self.due.get(doc.rel, ())
                if heading.index <= i < len(doc.headings) and doc.headings[i].line < end
            )
            return label + _progress(count(doc, heading), due)
        if heading.mastered:
            return Text.assemble(("✓ ", "bold green"), (title, ""))
        if not heading.has_answer:
            return Text.assemble(("○ ", "dim"), (title, "dim italic"))
        return Text.assemble(("• ", "dim"), title)

    def _add_folder_children(self, node: TreeNode[Entry], folder: Folder) -> None:
        assert self.notebook is not None
        for sub in folder.folders.values():
            node.add(self._folder_label(sub), Entry("folder", sub.rel), allow_expand=True)
        for rel in folder.files:
            doc = self.notebook.documents[rel]
            node.add(self._file_label(doc), Entry("file", rel), allow_expand=_has_headings(doc))

    def show_parsed(self, rels: list[str]) -> None:
        """Files just parsed (see ``Notebook.parse_pending``): their counts, and their
        folders', are known now."""
        if self.notebook is None:
            return
        parsed = set(rels)
        folders = {"/".join(rel.split("/")[:i]) for rel in parsed for i in range(rel.count("/") + 1)}
        notebook = self.notebook

        def walk(node: TreeNode[Entry]) -> None:
            entry = node.data
            if entry is not None and entry.kind == "file" and entry.rel in parsed and (doc := self._doc(entry.rel)):
                node.set_label(self._file_label(doc))
                node.allow_expand = _has_headings(doc)
            elif entry is not None and entry.kind == "folder" and entry.rel in folders:
                if (folder := notebook.folder(entry.rel)) is not None:
                    node.set_label(self._folder_label(folder))
                for child in node.children:
                    walk(child)

        walk(self.root)

    def show_due(self, due: dict[str, list[int]]) -> None:
        """The questions due for review today, by file: the counts on branches say so."""
        if due == self.due:
            return
        self.due = due

        def walk(node: TreeNode[Entry]) -> None:
            entry = node.data
            if entry is not None and entry.kind == "folder" and self.notebook is not None:
                if (folder := self.notebook.folder(entry.rel)) is not None:
                    node.set_label(self._folder_label(folder))
            elif entry is not None and (doc := self._doc(entry.rel)) is not None:
                if entry.kind == "file" and doc.parsed:
                    node.set_label(self._file_label(doc))
                elif entry.kind == "heading" and (heading := doc.heading(entry.index)) is not None:
                    node.set_label(self._heading_label(doc, heading))
            for child in node.children:
                walk(child)

        walk(self.root)

    def _hidden(self, doc: Document, heading: Heading) -> bool:
        """With hide mastered on: a heading whose every question is mastered."""
        return self.hide_mastered and all_mastered(doc, heading)

    def _add_heading_children(self, node: TreeNode[Entry], doc: Document, ids: list[int]) -> None:
        for index in ids:
            heading = doc.headings[index]
            if self._hidden(doc, heading):
                continue
            node.add(
                self._heading_label(doc, heading),
                Entry("heading", doc.rel, index),
                allow_expand=bool(heading.children),
            )

    def _populate(self, node: TreeNode[Entry]) -> None:
        """Add a branch's children the first time it opens."""
        entry = node.data
        if entry is None or node.children or self.notebook is None:
            return
        if entry.kind == "folder":
            if (folder := self.notebook.folder(entry.rel)) is not None:
                self._add_folder_children(node, folder)
            return
        doc = self._doc(entry.rel)
        if doc is None:
            return
        if entry.kind == "file":
            self._add_heading_children(node, doc, [h.index for h in doc.roots])
        elif (heading := doc.heading(entry.index)) is not None:
            self._add_heading_children(node, doc, heading.children)

    @on(Tree.NodeExpanded)
    def _expanded(self, event: Tree.NodeExpanded[Entry]) -> None:
        self._populate(event.node)

    def _toggle_node(self, node: TreeNode[Entry]) -> None:
        # add the children before the branch opens, not when its message arrives: a key
        # typed meanwhile (l then j, quickly) must already see them
        self._populate(node)
        super()._toggle_node(node)

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[Entry]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.EntryHighlighted(self, event.node.data))

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[Entry]) -> None:
        event.stop()
        if event.node.data is not None and not event.node.allow_expand:
            self.post_message(self.EntryOpened(self, event.node.data))

    # -- keys -------------------------------------------------------------------------

    def action_expand_or_down(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            self._populate(node)
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0])

    def action_collapse_or_up(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    # -- finding ----------------------------------------------------------------------

    def _open_path(self, entry: Entry) -> TreeNode[Entry] | None:
        """Open the branches down to ``entry``; its node, or the deepest one found."""
        if self.notebook is None:
            return None
        steps: list[Entry] = []
        parts = entry.rel.split("/") if entry.rel else []
        steps += [Entry("folder", "/".join(parts[:i])) for i in range(1, len(parts))]
        if entry.kind == "folder":
            steps.append(entry)
        else:
            doc = self._doc(entry.rel)
            if doc is None:
                return None
            steps.append(Entry("file", entry.rel))
            heading = doc.heading(entry.index) if entry.kind == "heading" else None
            if heading is not None:
                steps += [Entry("heading", entry.rel, h.index) for h in doc.path_of(heading)]
        node = self.root
        for step in steps:
            node.expand()
            self._populate(node)
            match = next((c for c in node.children if c.data == step), None)
            if match is None:
                break
            node = match
        return node

    def select_entry(self, entry: Entry) -> bool:
        """Open the branches down to ``entry`` and put the cursor on it."""
        node = self._open_path(entry)
        if node is None:
            return False
        # the branches just opened get their line numbers on the next refresh
        self._pending = node.data
        self.call_after_refresh(self._move_to, node)
        return node.data == entry

    def next_question(self, step: int, wanted: Callable[[Heading], bool]) -> Entry | None:
        """The next (``step`` 1) or previous (-1) question after the cursor, in the
        outline's order, that ``wanted`` accepts and the outline shows; from the other end
        when there is none that way (None: none anywhere). Files not yet read are skipped."""
        if self.notebook is None:
            return None
        files = [rel for rel in _files_in_order(self.notebook.folder_tree()) if rel in self._shown]
        questions = [
            (rel, heading.index)
            for rel in files
            if (doc := self._doc(rel)) is not None and doc.parsed
            for heading in doc.headings
            if heading.is_question and wanted(heading) and not self._hidden(doc, heading)
        ]
        if not questions:
            return None
        here = self.current
        order = {rel: number for number, rel in enumerate(files)}
        if here is None or here.kind == "folder":  # from a folder: its first file, from the top
            prefix = here.rel + "/" if here is not None and here.rel else ""
            first = next((number for number, rel in enumerate(files) if rel.startswith(prefix)), 0)
            place = (first - 1, 1 << 30) if step > 0 else (first, -1)
        else:
            place = (order.get(here.rel, -1), -1 if here.index is None else here.index)
        keyed = [((order[rel], index), (rel, index)) for rel, index in questions]
        if step > 0:
            found = next((q for key, q in keyed if key > place), keyed[0][1])
        else:
            found = next((q for key, q in reversed(keyed) if key < place), keyed[-1][1])
        return Entry("heading", found[0], found[1])

    def render_label(self, node: TreeNode[Entry], base_style: Style, style: Style) -> Text:
        """A label that fits: a title too long ends with …, the counts after it stay whole."""
        label = super().render_label(node, base_style, style)
        room = self.scrollable_content_region.width - self._indent(node) - 1
        if room <= 0 or label.cell_len <= room:
            return label
        counts = _COUNTS.search(label.plain)
        cut = counts.start() if counts else len(label.plain)
        title, tail = label[:cut], label[cut:]
        title.truncate(max(room - tail.cell_len, 2), overflow="ellipsis")
        return title + tail

    def _indent(self, node: TreeNode[Entry]) -> int:
        """The cells of guides before ``node``'s label."""
        depth = 0
        while node.parent is not None:
            depth, node = depth + 1, node.parent
        return max(depth - (0 if self.show_root else 1), 0) * self.guide_depth

    def on_resize(self) -> None:
        self._invalidate()  # (the labels fit another width)

    def action_cursor_edge(self, end: int) -> None:
        """``g``/``G``: the first or the last line of the outline."""
        self.cursor_line = self.last_line if end else 0
        self.scroll_to_line(self.cursor_line, animate=False)

    def _move_to(self, node: TreeNode[Entry]) -> None:
        if self._pending == node.data:
            self._pending = None
        self.move_cursor(node, animate=False)

    @property
    def current(self) -> Entry | None:
        """The entry under the cursor, or the one the cursor is about to be put on: a key
        pressed right after the tree was rebuilt acts on the user's place, never on the
        first line the rebuilt tree starts on."""
        if self._pending is not None:
            return self._pending
        node = self.cursor_node
        return node.data if node is not None else None

    # -- keeping the user's place across changes -------------------------------------

    def _doc(self, rel: str) -> Document | None:
        """File ``rel`` as this tree shows it (entries' heading indexes refer to it)."""
        shown = self._shown.get(rel)
        return shown if shown is not None or self.notebook is None else self.notebook.documents.get(rel)

    def key_of(self, entry: Entry) -> Key:
        """A key for ``entry`` that survives changes to its file."""
        doc = self._doc(entry.rel) if entry.kind == "heading" else None
        heading = doc.heading(entry.index) if doc is not None else None
        if doc is None or heading is None:
            return ("file" if entry.kind == "heading" else entry.kind, entry.rel)
        return HeadingRef.of(doc, heading)

    def entry_for(self, key: Key, *, closest: bool = False) -> Entry | None:
        """The entry with ``key`` now; with ``closest``, the best guess when it changed (see
        ``HeadingRef``), else its file."""
        if not isinstance(key, HeadingRef):
            kind, rel = key
            return Entry(kind, rel)  # type: ignore[arg-type]
        if self.notebook is None:
            return None
        found = key.find(self.notebook.documents, closest=closest)
        if found is None:
            return Entry("file", key.rel) if closest and key.rel in self.notebook.documents else None
        rel, heading = found
        return Entry("heading", rel, heading.index)

    def state(self) -> Place:
        """Which nodes are open and where the cursor is, by keys that survive a re-parse
        (kind, file or folder, and a heading's title path)."""
        expanded: list[Key] = []

        def walk(node: TreeNode[Entry]) -> None:
            for child in node.children:
                if child.is_expanded and child.data is not None:
                    expanded.append(self.key_of(child.data))
                    walk(child)

        walk(self.root)
        cursor = self.current
        return Place(self.key_of(cursor) if cursor is not None else None, expanded)

    def restore(self, state: Place) -> None:
        """Open the nodes of ``state`` that still exist and put the cursor back."""
        for key in state.expanded:
            entry = self.entry_for(key)
            node = self._open_path(entry) if entry is not None else None
            if node is not None and node.allow_expand:
                node.expand()
                self._populate(node)
        target = self.entry_for(state.cursor, closest=True) if state.cursor else None
        if state.cursor is not None and (target is None or target.kind == "file"):
            rel = state.cursor.rel if isinstance(state.cursor, HeadingRef) else state.cursor[1]
            if self.notebook is not None and rel not in self.notebook.documents:
                target = self._in_place_of(rel)  # its file is gone
        if target is not None:
            self.select_entry(self._visible_near(target))

    def _in_place_of(self, rel: str) -> Entry | None:
        """The file now where ``rel`` was (the next in order, else the last): a file deleted
        under the cursor leaves it on its neighbour, never on a line out of sight."""
        rels = list(self.notebook.documents) if self.notebook is not None else []
        if not rels:
            return None
        return Entry("file", next((r for r in rels if path_order(r) > path_order(rel)), rels[-1]))

    def _visible_near(self, entry: Entry) -> Entry:
        """``entry``, or, when it is hidden (a question just marked with hide mastered on),
        the next question shown after it in its file (else the one before, never one of its
        ancestors): the cursor moves on as in a to-do list."""
        doc = self._doc(entry.rel)
        heading = doc.heading(entry.index) if doc is not None and entry.kind == "heading" else None
        if doc is None or heading is None or self._shown_heading(doc, heading):
            return entry
        ancestors = set(map(id, doc.path_of(heading)))
        after = doc.headings[heading.index + 1 :]
        before = reversed(doc.headings[: heading.index])
        for heading in (*after, *before):
            if heading.is_question and id(heading) not in ancestors and self._shown_heading(doc, heading):
                return Entry("heading", entry.rel, heading.index)
        return entry

    def _shown_heading(self, doc: Document, heading: Heading) -> bool:
        return not any(self._hidden(doc, h) for h in doc.path_of(heading))

    def refresh_notebook(self) -> None:
        """Rebuild the tree after the notebook changed, keeping open nodes and the cursor."""
        if self.notebook is None:
            return
        state = self.state()
        # the rebuilt tree starts on line 0 until the cursor is put back, and re-opens every
        # branch that was open (children are added as it goes): announce none of that
        with self.prevent(Tree.NodeHighlighted, Tree.NodeExpanded, Tree.NodeCollapsed):
            self.show_notebook(self.notebook)
            self.restore(state)


def _files_in_order(folder: Folder) -> list[str]:
    """The files under ``folder`` in the outline's order (sub-folders first)."""
    return [rel for sub in folder.folders.values() for rel in _files_in_order(sub)] + list(folder.files)
