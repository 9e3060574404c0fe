"""What the reader shows for an outline entry: a folder's files, a file's preamble, a section."""

from __future__ import annotations

from notesui.core.document import Document, Heading
from notesui.core.notebook import Notebook, count
from notesui.ui.widgets.outline import Entry
from notesui.ui.widgets.viewer import Page

NO_ANSWER = "*No answer yet — press **e** to write one.*"


def page_for(notebook: Notebook, entry: Entry) -> Page:
    """The Page that shows ``entry``: a folder summary, a file's preamble or a section."""
    if entry.kind == "folder":
        counts = notebook.counts(entry.rel)
        files = [rel for rel in notebook.documents if not entry.rel or rel.startswith(entry.rel + "/")]
        listing = "\n".join(f"- `{rel}`" for rel in files) or "*No notes files here.*"
        return Page(
            (entry.rel or str(notebook.root),),
            listing,
            status=f"{counts.mastered}/{counts.questions} mastered · {counts.answered} answered",
        )
    doc = notebook.documents.get(entry.rel)
    if doc is None:
        return Page((entry.rel,), "", notice="This file is no longer in the notes folder.")
    heading = doc.heading(entry.index) if entry.kind == "heading" else None
    return _file_page(doc) if heading is None else _section_page(doc, heading)


def _file_page(doc: Document) -> Page:
    counts = count(doc)
    status = f"{counts.mastered}/{counts.questions} mastered · {counts.answered} answered"
    if doc.error and not doc.text:
        return Page((doc.rel,), "", status=status, notice=f"Can't open: {doc.error}")
    source = doc.span_text(doc.preamble).strip() or "*No text before the first heading.*"
    notice = _notices(doc)
    return Page((doc.rel,), source, status=status, notice=notice)


def _section_page(doc: Document, heading: Heading) -> Page:
    crumbs = (doc.rel, *(h.title for h in doc.path_of(heading)))
    source = doc.span_text(heading.section)
    if heading.is_question:
        state = f"✓ mastered {heading.mastered_on or ''}".rstrip() if heading.mastered else "not mastered yet"
        status = f"question · {state}"
        if not heading.has_answer:
            heading_text = doc.span_text(heading.heading)
            source = f"{heading_text.rstrip()}\n\n{NO_ANSWER}\n" + source[len(heading_text) :]
    else:
        counts = count(doc, heading)
        status = f"section · {counts.mastered}/{counts.questions} mastered"
    return Page(crumbs, source, status=status, notice=_notices(doc))


def _notices(doc: Document) -> str | None:
    parts = []
    if doc.error:
        parts.append(f"Read-only: {doc.error}.")
    parts += [f"Warning: {w}." for w in doc.warnings]
    return " ".join(parts) or None
