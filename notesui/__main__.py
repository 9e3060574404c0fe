"""The command line: ``notesui [DIR]`` opens the app; subcommands work on the shell.

Heavy modules (Textual, rich, the parser) are imported only by the command that needs
them, so ``notesui stats`` stays quick and the app paints early.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from notesui import __version__

if TYPE_CHECKING:
    from notesui.app import NotesApp
    from notesui.config import Config
    from notesui.core.document import Document, Heading
    from notesui.core.notebook import Notebook

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command line that can't be carried out as given (exit status 2)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="notesui",
        description="Read, search, edit and master Markdown Q&A study notes in the terminal.",
        epilog="Subcommands: search, show, mark, stats, import, check "
        "(notesui SUBCOMMAND --help for each).",
    )
    parser.add_argument("--version", action="version", version=f"notesui {__version__}")
    parser.add_argument("dir", nargs="?", help="the notes folder (default: see README)")
    parser.add_argument("--dir", dest="dir_option", metavar="D", help="the notes folder")
    return parser


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    def sub(name: str, help_: str) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog=f"notesui {name}", description=help_)
        parser.add_argument("--dir", metavar="D", help="the notes folder")
        return parser

    search = sub("search", "Search the notes (the same engine as the app).")
    search.add_argument("query", nargs="+")
    search.add_argument("--limit", type=int, default=10, metavar="N")
    search.add_argument("--json", action="store_true", help="one JSON object per line")

    show = sub("show", "Print a section: REF is rel/path.md:LINE or a query (its best hit).")
    show.add_argument("ref", nargs="+")
    show.add_argument("--plain", action="store_true", help="the raw Markdown")

    mark = sub("mark", "Set (or with --undo clear) the mastered mark on the heading REF names "
               "(rel/path.md:LINE or a query's best hit).")
    mark.add_argument("ref", nargs="+")
    mark.add_argument("--undo", action="store_true", help="clear the mark instead")
    mark.add_argument("--all", action="store_true", help="every question under REF instead")

    stats = sub("stats", "Questions, answered and mastered, per file and in total.")
    stats.add_argument("--json", action="store_true")

    importer = sub("import", "Convert plain-text Q&A into Markdown notes.")
    importer.add_argument("sources", nargs="+", metavar="SRC")
    importer.add_argument("--out", metavar="DIR", help="write NAME.md files here")

    check = sub("check", "Parse every file and report problems (exit 1 if a file can't be read).")
    return {"search": search, "show": show, "mark": mark, "stats": stats, "import": importer, "check": check}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = _subparsers()
    try:
        if args and args[0] in commands:
            name = args.pop(0)
            try:
                options = commands[name].parse_args(args)
            except SystemExit as exit_:
                return int(exit_.code or 0)
            return COMMANDS[name](options)
        try:
            options = _parser().parse_args(args)
        except SystemExit as exit_:
            return int(exit_.code or 0)
        return run_app(options.dir_option or options.dir)
    except UsageError as error:
        print(f"notesui: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


# -- shared ---------------------------------------------------------------------------


def _config() -> Config:
    from notesui.config import load_config

    config = load_config()
    for notice in config.notices:
        print(f"notesui: {notice}", file=sys.stderr)
    return config


def _notebook(directory: str | None) -> Notebook:
    from notesui import locations
    from notesui.core.notebook import Notebook

    root = locations.notes_root(directory, _config().notes_dir)
    if not root.is_dir():
        raise UsageError(f"notes folder not found: {root}")
    return Notebook.open(root)


def _found(options: argparse.Namespace) -> tuple[Notebook, str, Document, Heading | None] | None:
    """The notebook and what ``options.ref`` names in it; None (said on stderr) when nothing."""
    notebook = _notebook(options.dir)
    found = _find(notebook, " ".join(options.ref))
    if found is None:
        print("notesui: nothing found", file=sys.stderr)
        return None
    return (notebook, *found)


def _find(notebook: Notebook, ref: str) -> tuple[str, Document, Heading | None] | None:
    """A reference: ``rel/path.md:LINE``, ``rel/path.md``, or else a query's best hit."""
    from notesui.core.notebook import BadReference
    from notesui.core.search import search

    try:
        doc, heading = notebook.resolve(ref)
        return doc.name, doc, heading
    except BadReference:
        pass
    hits = search(notebook, ref, limit=1)
    if not hits:
        return None
    doc = notebook.documents[hits[0].file]
    return hits[0].file, doc, doc.heading_at_line(hits[0].line - 1)


# -- commands -------------------------------------------------------------------------


def run_app(directory: str | None) -> int:
    app = make_app(directory)
    app.run()
    return app.return_code or 0


def make_app(directory: str | None = None) -> NotesApp:
    from notesui import locations

    config = _config()
    root = locations.notes_root(directory, config.notes_dir)
    if not root.is_dir():
        raise UsageError(f"notes folder not found: {root}")
    from notesui.app import NotesApp

    return NotesApp(root, config=config)


def cmd_search(options: argparse.Namespace) -> int:
    from notesui.core.search import search

    if options.limit < 1:
        raise UsageError("--limit must be at least 1")
    hits = search(_notebook(options.dir), " ".join(options.query), limit=options.limit)
    for hit in hits:
        if options.json:
            print(json.dumps(hit.as_json(), ensure_ascii=False))
        else:
            mark = "✓" if hit.mastered else " "
            crumbs = " › ".join(hit.path)
            print(f"{mark} {hit.file}:{hit.line}  {hit.title}" + (f"  ({crumbs})" if crumbs else ""))
    return EXIT_OK if hits else EXIT_NOTHING


def cmd_show(options: argparse.Namespace) -> int:
    from notesui.core.mastery import strip_markers
    from notesui.core.text import strip_controls

    found = _found(options)
    if found is None:
        return EXIT_NOTHING
    _, rel, doc, heading = found
    if doc.error:
        print(f"notesui: {rel}: {doc.error}", file=sys.stderr)
    text = doc.span_text(heading.section if heading else doc.preamble)
    if options.plain:
        sys.stdout.write(text if not sys.stdout.isatty() else strip_controls(text))
        return EXIT_OK
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console()
    crumbs = " › ".join([rel, *(h.title for h in doc.path_of(heading))] if heading else [rel])
    console.print(crumbs, style="bold", markup=False, highlight=False)
    console.print(Markdown(strip_markers(strip_controls(text))))
    return EXIT_OK


def cmd_mark(options: argparse.Namespace) -> int:
    from notesui.core.edits import MarkChange
    from notesui.core.mastery import today
    from notesui.core.store import Conflict, Store, WriteError

    found = _found(options)
    if found is None:
        return EXIT_NOTHING
    notebook, rel, doc, heading = found
    if heading is None and not options.all:
        raise UsageError(f"{rel} is a file: name a heading (rel/path.md:LINE), or add --all")
    if doc.readonly:
        print(f"notesui: {rel} is read-only: {doc.error}", file=sys.stderr)
        return EXIT_NOTHING
    targets = list(doc.questions(heading)) if options.all else [heading]
    mastered = not options.undo
    changing = [h for h in targets if h is not None and h.mastered != mastered]
    verb = "mastered" if mastered else "not mastered"
    if changing:
        try:
            Store(notebook.root).write(rel, MarkChange(doc, changing, mastered, today()))
        except (WriteError, Conflict) as error:
            print(f"notesui: {error}; nothing written", file=sys.stderr)
            return EXIT_NOTHING
    for target in targets:
        if target is not None:
            state = "now" if target in changing else "already"
            print(f"{state} {verb}: {rel}:{target.line + 1}  {target.title}")
    return EXIT_OK


def cmd_stats(options: argparse.Namespace) -> int:
    from notesui.core.notebook import Counts, count

    notebook = _notebook(options.dir)
    rows = [(rel, count(doc)) for rel, doc in notebook.documents.items()]
    total = sum((c for _, c in rows), Counts())

    def as_dict(counts: Counts) -> dict[str, int]:
        return {
            "questions": counts.questions,
            "answered": counts.answered,
            "mastered": counts.mastered,
        }

    if options.json:
        files = [{"file": rel, **as_dict(c)} for rel, c in rows]
        print(json.dumps({"files": files, "total": as_dict(total)}, ensure_ascii=False))
        return EXIT_OK
    width = max([len("total"), *(len(rel) for rel, _ in rows)])
    print(f"{'file':<{width}}  questions  answered  mastered")
    for rel, c in [*rows, ("total", total)]:
        print(f"{rel:<{width}}  {c.questions:>9}  {c.answered:>8}  {c.mastered:>8}")
    return EXIT_OK


def cmd_import(options: argparse.Namespace) -> int:
    from notesui.core.importer import convert

    sources = [Path(s) for s in options.sources]
    if options.out is None and len(sources) > 1:
        raise UsageError("several sources need --out DIR")
    status = EXIT_OK
    for source in sources:
        try:
            text = source.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            print(f"notesui: {source}: can't import: {error}", file=sys.stderr)
            status = EXIT_NOTHING
            continue
        converted = convert(text)
        if options.out is None:
            sys.stdout.write(converted.markdown)
            continue
        out = Path(options.out)
        out.mkdir(parents=True, exist_ok=True)
        target = out / (source.stem + ".md")
        if target.exists():
            print(f"notesui: {target} exists; not overwritten", file=sys.stderr)
            status = EXIT_NOTHING
            continue
        target.write_text(converted.markdown, encoding="utf-8", newline="")
        print(f"{source} -> {target} ({converted.shape}, {converted.questions} questions)")
    return status


def cmd_check(options: argparse.Namespace) -> int:
    notebook = _notebook(options.dir)
    unreadable = 0
    problems = 0
    for rel, doc in notebook.documents.items():
        if doc.error:
            print(f"{rel}: error: {doc.error}")
            unreadable += not doc.text
            problems += 1
        for warning in doc.warnings:
            print(f"{rel}: warning: {warning}")
            problems += 1
        titles = Counter(h.title.casefold() for h in doc.headings if h.is_question)
        for heading in doc.headings:
            where = f"{rel}:{heading.line + 1}"
            if heading.is_question and not heading.has_answer:
                print(f"{where}: empty answer: {heading.title}")
                problems += 1
            if heading.is_question and titles[heading.title.casefold()] > 1:
                print(f"{where}: duplicate title: {heading.title}")
                problems += 1
    files = len(notebook.documents)
    print(f"{files} files checked, {problems} problems, {unreadable} unreadable")
    return EXIT_NOTHING if unreadable else EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "search": cmd_search,
    "show": cmd_show,
    "mark": cmd_mark,
    "stats": cmd_stats,
    "import": cmd_import,
    "check": cmd_check,
}

if __name__ == "__main__":
    sys.exit(main())
