"""The command line: ``notesui [DIR]`` opens the app; subcommands work on the shell.

Heavy modules (Textual, rich, the parser) are imported only by the command that needs
them, so ``notesui stats`` stays quick and the app paints early.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from notesui import __version__

if TYPE_CHECKING:
    from notesui.app import NotesApp
    from notesui.config import Config
    from notesui.core.document import Heading
    from notesui.core.notebook import Target
    from notesui.core.reviews import History
    from notesui.core.session import Session

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command line that can't be carried out as given (exit status 2)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="notesui",
        description="Read, search, edit and master Markdown Q&A study notes in the terminal.",
        epilog="Subcommands: search, show, mark, stats, due, rate, import, check, index (notesui SUBCOMMAND --help for each).",
    )
    parser.add_argument("--version", action="version", version=f"notesui {__version__}")
    parser.add_argument("dir", nargs="?", help="the notes folder (default: see README)")
    parser.add_argument("--dir", dest="dir_option", metavar="D", help="the notes folder")
    _no_cache_option(parser)
    return parser


def _no_cache_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="parse and index every file afresh, without reading or writing the cache",
    )


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    from notesui.core.importer import SHAPES

    def sub(name: str, help_: str) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog=f"notesui {name}", description=help_)
        parser.add_argument("--dir", metavar="D", help="the notes folder")
        _no_cache_option(parser)
        return parser

    search = sub("search", "Search the notes (the same engine as the app).")
    search.add_argument("query", nargs="+")
    search.add_argument("--limit", type=int, default=10, metavar="N")
    search.add_argument("--json", action="store_true", help="one JSON object per line")

    show = sub(
        "show",
        "Print what each REF names: rel/path.md:LINE a section, rel/path.md a file's "
        "preamble and outline, path/ a folder's files; anything else is a query (its best hit).",
    )
    show.add_argument("ref", nargs="+")
    show.add_argument("--plain", action="store_true", help="the raw Markdown")

    mark = sub(
        "mark",
        "Set (or with --undo clear) the mastered mark on the question each REF names: "
        "rel/path.md:LINE, or a query that is exactly one heading's title. A section, a file "
        "(rel/path.md) or a folder (path/) needs --all.",
    )
    mark.add_argument("ref", nargs="+")
    mark.add_argument("--undo", action="store_true", help="clear the mark instead")
    mark.add_argument("--all", action="store_true", help="every question under REF instead")

    stats = sub("stats", "Questions, answered and mastered, per file and in total.")
    stats.add_argument("--json", action="store_true")

    due = sub(
        "due",
        "The review queue under REF (default: every note) as r walks it today: the questions "
        "due now, most overdue first, then new ones up to new_per_day.",
    )
    due.add_argument("ref", nargs="?", default="")
    due.add_argument("--json", action="store_true", help="one JSON object per line")
    due.add_argument("--all", action="store_true", help="every question with a review history instead")

    rate = sub("rate", "Record a review of the question REF names (FILE:LINE, or its exact title).")
    rate.add_argument("ref")
    rate.add_argument("rating", choices=["again", "hard", "good", "easy"])

    importer = sub(
        "import",
        "Convert plain-text Q&A into Markdown notes. Each file's shape is detected (or --format): "
        "Q:/A: and 问：/答： markers, numbered questions with answers, Anki's plain-text export, the "
        "seeds' blocks, numbered lists and quoted questions, or Markdown (passed through).",
    )
    importer.add_argument("sources", nargs="+", metavar="SRC")
    importer.add_argument("--out", metavar="DIR", help="write NAME.md files here")
    importer.add_argument("--format", choices=list(SHAPES), help="the shape, instead of detecting it")
    importer.add_argument("--dry-run", action="store_true", help="print what each file holds; write nothing")

    check = sub(
        "check",
        "Parse every file and report errors (a file that is unreadable, not UTF-8, binary "
        "or not a regular file, or a folder that can't be read: exit 1) and warnings (empty "
        "answers, the same question twice, numbered questions inside answers, headings that "
        "took in answer text: exit 0).",
    )
    check.add_argument("--json", action="store_true", help="one JSON object per finding")
    sub_index = sub(
        "index",
        "Build the search index now and keep it in the cache. The other commands start this "
        "in the background when the notes are big and the kept index is out of date, so a "
        "search after them starts warm.",
    )
    return {
        "search": search,
        "show": show,
        "mark": mark,
        "stats": stats,
        "due": due,
        "rate": rate,
        "import": importer,
        "check": check,
        "index": sub_index,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = _subparsers()
    if args[:1] == ["--no-cache"] and args[1:2] and args[1] in commands:
        args[0], args[1] = args[1], args[0]  # notesui --no-cache stats: the option is the command's
    try:
        if args and args[0] in commands:
            name = args.pop(0)
            try:
                options = commands[name].parse_args(args)
            except SystemExit as exit_:
                return int(exit_.code or 0)
            _opened.clear()
            finished = False
            try:
                status = COMMANDS[name](options)
                finished = True
                return status
            finally:
                for session in _opened:
                    session.close(wait=True)  # a search index built is kept before the process ends
                    _say_notices(session)
                    if finished and name != "index":
                        _keep_index_warm(session)
        try:
            options = _parser().parse_args(args)
        except SystemExit as exit_:
            return int(exit_.code or 0)
        return run_app(options.dir_option or options.dir, cache=not options.no_cache)
    except UsageError as error:
        err(str(error))
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK


# -- shared ---------------------------------------------------------------------------


def out(line: str = "") -> None:
    """Print a line of text output: whatever it quotes from notes and names, nothing in it
    reaches the terminal raw (README, “Notes format”)."""
    from notesui.core.text import visible

    print(visible(line))


def write_text(text: str) -> None:
    """Write raw Markdown (line endings included) to stdout, never a control sequence."""
    from notesui.core.text import visible

    sys.stdout.write("\r\n".join(map(visible, text.split("\r\n"))))


def err(message: str) -> None:
    from notesui.core.text import visible

    print(f"notesui: {visible(message)}", file=sys.stderr)


def out_json(value: object) -> None:
    """One JSON document on a line: control characters escaped, valid UTF-8 for any name."""
    from notesui.core.text import json_safe

    print(json_safe(json.dumps(value, ensure_ascii=False)))


def _config() -> Config:
    from notesui.config import load_config

    config = load_config()
    for notice in config.notices:
        err(notice)
    return config


def _session(options: argparse.Namespace, *, report: bool = True, cache: bool = True) -> Session:
    """The notes folder (``--dir``), open; with ``report``, every path not read (or read only
    in part) is named on stderr with the reason. ``--no-cache`` (or ``cache`` False): no
    cache is read or written."""
    from notesui import locations
    from notesui.core.session import Session

    root = locations.notes_root(options.dir, _config().notes_dir)
    if not root.is_dir():
        raise UsageError(f"notes folder not found: {root}")
    cache_dir = locations.cache_dir() if cache and not options.no_cache else None
    session = Session.open(root, user_locks=locations.state_dir() / "locks", cache_dir=cache_dir)
    _opened.append(session)
    _say_notices(session)
    if report:
        for rel, reason in session.notebook.skipped:
            err(f"skipped {rel}: {reason}")
        for rel, doc in session.documents.items():
            if doc.error:
                err(f"{rel}: {doc.error}")
    return session


_opened: list[Session] = []
"""The sessions the command opened (for ``_keep_index_warm`` when it is done)."""

WARM_IN_BACKGROUND_BYTES = 4 << 20
"""Notes bigger than this take a second or more to index: after a command that did not need
the index, it is brought up to date in the background, for the next search."""


def _keep_index_warm(session: Session) -> None:
    import subprocess

    from notesui.core.indexcache import digests_of

    cache = session.indexer.cache
    if cache is None or session.index is not None or os.environ.get("NOTESUI_BACKGROUND_INDEX") == "0":
        return  # no cache, this command used (and kept) the index, or the user said no
    if sum(len(doc.data) for doc in session.documents.values()) < WARM_IN_BACKGROUND_BYTES:
        return
    if cache.is_current(digests_of(session.documents)):
        return
    with cache.building() as free:
        if not free:
            return  # being built by another process already
    command = [sys.executable, "-m", "notesui", "index", "--dir", str(session.root)]
    with contextlib.suppress(OSError):  # only a head start for the next search
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )


def _say_notices(session: Session) -> None:
    for notice in session.take_notices():
        err(notice)


class Refused(Exception):
    """A reference that can't be acted on; the message says why (exit 1, or 2 for usage)."""

    def __init__(self, message: str, status: int = EXIT_NOTHING) -> None:
        super().__init__(message)
        self.status = status


def _target(session: Session, ref: str, *, query: str) -> Target:
    """What ``ref`` names. A query is taken as its best hit (``query="best"``) or only when
    exactly one heading's title is exactly the query (``query="exact"``, for writes)."""
    from notesui.core.notebook import BadReference, Target

    try:
        target = session.notebook.resolve(ref)
    except BadReference as error:
        raise Refused(str(error)) from None
    if target is not None:
        return target
    if query == "best":
        hits = session.search(ref, limit=1)
        if not hits:
            raise Refused(f"nothing found for {ref!r}")
        return Target("heading", hits[0].file, session.documents[hits[0].file].headings[hits[0].index])
    from notesui.core.textnorm import normalize

    wanted = normalize(ref)
    exact = [(rel, h) for rel, doc in session.documents.items() for h in doc.headings if normalize(h.title) == wanted]
    if len(exact) == 1:
        return Target("heading", *exact[0])
    hits = session.search(ref, limit=5)
    listed = "".join(f"\n  {h.file}:{h.line}  {h.title}" for h in hits)
    why = f"{len(exact)} headings are titled {ref!r}" if exact else f"no heading is titled exactly {ref!r}"
    raise Refused(f"{why}: name one as FILE:LINE" + (f"; the closest:{listed}" if listed else ""))


# -- commands -------------------------------------------------------------------------


def run_app(directory: str | None, *, cache: bool = True) -> int:
    """Run the app. A closed terminal (SIGHUP) or a polite kill (SIGTERM) ends it like
    ``q`` does, after keeping any unsaved editor text and the user's place."""
    import signal

    app = make_app(directory, cache=cache)

    def ending(number: int, frame: object) -> None:
        app.keep_everything()
        app.exit(return_code=128 + number)

    previous = {number: signal.signal(number, ending) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        app.run()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        app.keep_everything()
    return app.return_code or 0


FRAMES_PER_SECOND = "120"
"""How often the screen may be redrawn (Textual's ``TEXTUAL_FPS``; its default, 60, makes a
key wait up to 17 ms for its frame, twice over when the outline and then the reader change)."""


def make_app(directory: str | None = None, *, cache: bool = True) -> NotesApp:
    os.environ.setdefault("TEXTUAL_FPS", FRAMES_PER_SECOND)  # (read when Textual is imported)
    from notesui import locations

    config = _config()
    root = locations.notes_root(directory, config.notes_dir)
    if not root.is_dir():
        raise UsageError(f"notes folder not found: {root}")
    from notesui.app import NotesApp

    return NotesApp(root, config=config, cache=cache)


def cmd_search(options: argparse.Namespace) -> int:
    if options.limit < 1:
        raise UsageError("--limit must be at least 1")
    session = _session(options)
    hits = session.search(" ".join(options.query), limit=options.limit)
    for hit in hits:
        if options.json:
            out_json(hit.as_json())
        else:
            mark = "✓" if hit.mastered else " "
            crumbs = " › ".join(hit.path)
            out(f"{mark} {hit.file}:{hit.line}  {hit.title}" + (f"  ({crumbs})" if crumbs else ""))
    return EXIT_OK if hits else EXIT_NOTHING


def _each(options: argparse.Namespace, act: Callable[[Session, str], None]) -> int:
    """Act on each REF in turn; a refused one is said on stderr and the others still run.
    (Problems of files no REF names are not this command's to report.)"""
    session = _session(options, report=False)
    status = EXIT_OK
    for ref in options.ref:
        try:
            act(session, ref)
        except Refused as refused:
            err(str(refused))
            status = max(status, refused.status)
    return status


def cmd_show(options: argparse.Namespace) -> int:
    return _each(options, lambda session, ref: _show(session, _target(session, ref, query="best"), options.plain))


def _show(session: Session, target: Target, plain: bool) -> None:
    from notesui.core.mastery import strip_markers
    from notesui.core.text import strip_controls, visible

    if target.kind == "folder":
        prefix = target.rel + "/" if target.rel else ""
        for rel, doc in session.documents.items():
            if rel.startswith(prefix):
                questions = sum(1 for _ in doc.questions())
                out(f"{rel}  ({questions} questions)")
        return
    doc = session.documents[target.rel]
    if doc.error and not doc.text:
        raise Refused(f"{target.rel} can't be shown: {doc.error}")
    heading = target.heading
    text = doc.span_text(heading.section if heading else doc.preamble)
    if heading is None:  # a file: its preamble, then its outline
        outline = "".join(f"{'  ' * (h.level - 1)}- {h.title}  ({target.rel}:{h.line + 1})\n" for h in doc.headings)
        text = text + ("\n" if text and not text.endswith("\n") else "") + outline
    if plain:
        write_text(text)
        if doc.error:
            raise Refused(f"{target.rel}: {doc.error}")
        return
    from rich.console import Console
    from rich.text import Text

    from notesui.core.reading import render_lines

    console = Console(highlight=False)
    # a terminal's width, and no padding: lines end where their text does (piped: 80 columns)
    width = console.width if console.is_terminal else 80
    crumbs = " › ".join([target.rel, *(h.title for h in doc.path_of(heading))] if heading else [target.rel])
    console.print(visible(crumbs), style="bold", markup=False, soft_wrap=True)
    shown = strip_markers(strip_controls(doc.span_text(doc.preamble) if heading is None else text))
    for line in render_lines(shown, width):
        row = Text.assemble(*((segment.text, segment.style or "") for segment in line))
        row.rstrip()
        console.print(row, soft_wrap=True)
    if heading is None:
        console.print(visible(text[len(doc.span_text(doc.preamble)) :]), markup=False, soft_wrap=True)
    if doc.error:
        raise Refused(f"{target.rel}: {doc.error}")


def cmd_mark(options: argparse.Namespace) -> int:
    return _each(options, lambda session, ref: _mark(session, ref, options))


def _mark(session: Session, ref: str, options: argparse.Namespace) -> None:
    from notesui.core.store import Conflict, WriteError

    target = _target(session, ref, query="exact")
    question = target.heading is not None and target.heading.is_question
    if not question and not options.all:
        what = {"folder": "a folder", "file": "a file"}.get(target.kind, "a section")
        name = target.rel or "."
        if target.heading is not None:
            name = f"{target.rel}:{target.heading.line + 1} {target.heading.title}"
        raise Refused(
            f"{name} is {what}, not a question: add --all to mark every question "
            "under it, or name one question as FILE:LINE",
            status=EXIT_USAGE,
        )
    prefix = target.rel + "/" if target.rel else ""
    rels = [target.rel] if target.kind != "folder" else [r for r in session.documents if r.startswith(prefix)]
    mastered = not options.undo
    verb = "mastered" if mastered else "not mastered"
    problems = []
    for rel in rels:
        doc = session.documents[rel]
        if doc.readonly:
            problems.append(f"{rel} is read-only: {doc.error}")
            continue
        under = doc.heading(target.heading.index) if target.heading is not None else None
        targets = [h for h in (doc.questions(under) if options.all else [under]) if h is not None]
        try:
            saved = session.mark(rel, targets, mastered)
        except (WriteError, Conflict) as error:
            problems.append(f"{error}; nothing written to {rel}")
            continue
        if saved is not None and saved.notice:
            err(saved.notice)
        for heading in targets:
            state = "already" if heading.mastered == mastered else "now"
            out(f"{state} {verb}: {rel}:{heading.line + 1}  {heading.title}")
    if problems:
        raise Refused("; ".join(problems))


def cmd_stats(options: argparse.Namespace) -> int:
    from notesui.core.document import Counts
    from notesui.core.notebook import count
    from notesui.core.text import visible

    session = _session(options)
    rows = [(rel, count(doc)) for rel, doc in session.documents.items()]
    total = sum((c for _, c in rows), Counts())

    def as_dict(counts: Counts) -> dict[str, int]:
        return {
            "questions": counts.questions,
            "answered": counts.answered,
            "mastered": counts.mastered,
        }

    if options.json:
        from notesui.core.reviews import review_stats

        reviews = review_stats(session.documents, session.links())
        files: list[dict[str, object]] = [{"file": rel, **as_dict(c), **reviews[rel]} for rel, c in rows]
        summed: dict[str, object] = {**as_dict(total), **reviews[None]}
        out_json({"files": files, "total": summed})
        return EXIT_OK
    names = [(visible(rel), c) for rel, c in [*rows, ("total", total)]]
    width = max(len(name) for name, _ in names)
    out(f"{'file':<{width}}  questions  answered  mastered")
    for name, c in names:
        out(f"{name:<{width}}  {c.questions:>9}  {c.answered:>8}  {c.mastered:>8}")
    return EXIT_OK


def _questions_under(session: Session, target: Target) -> list[tuple[str, Heading]]:
    """The questions ``target`` names, in notebook order."""
    if target.kind == "folder":
        prefix = target.rel + "/" if target.rel else ""
        return [(rel, h) for rel, doc in session.documents.items() if rel.startswith(prefix) for h in doc.questions()]
    return [(target.rel, h) for h in session.documents[target.rel].questions(target.heading)]


def cmd_due(options: argparse.Namespace) -> int:
    from notesui.core.reviews import review_queue

    session = _session(options)
    config = _config()
    try:
        target = _target(session, options.ref or "/", query="best")
    except Refused as error:
        err(str(error))
        return error.status
    questions = _questions_under(session, target)
    links = session.links()
    for unsure, candidates in links.ambiguous:
        places = ", ".join(f"{rel}:{h.line + 1}" for rel, h in candidates)
        err(f"the review history of “{unsure.where.title_text}” could be any of {places}: choose in the app (r)")
    rows: list[tuple[str, Heading, History | None]]
    if options.all:
        rows = [(rel, h, links.of(rel, h)) for rel, h in questions if links.of(rel, h) is not None]
    else:
        due, new = review_queue(
            questions,
            links,
            session.schedule,
            new_per_day=config.new_per_day,
            unanswered=config.review_unanswered,
        )
        rows = [(item.rel, item.heading, item.history) for item in due + new]
    for rel, heading, history in rows:
        card = history.card if history is not None else None
        when = card.due.isoformat(timespec="seconds") if card is not None else None
        state = history.state if history is not None else "new"
        if options.json:
            reps = history.count if history is not None else 0
            out_json(
                {
                    "file": rel,
                    "line": heading.line + 1,
                    "title": heading.title,
                    "due": when,
                    "state": state,
                    "reps": reps,
                }
            )
        else:
            out(f"{rel}:{heading.line + 1}  {heading.title}  ({state}{', due ' + when if when else ''})")
    return EXIT_OK if rows else EXIT_NOTHING


def cmd_rate(options: argparse.Namespace) -> int:
    from notesui.core.reviews import RATINGS

    session = _session(options)
    try:
        target = _target(session, options.ref, query="exact")
        if target.heading is None or not target.heading.is_question:
            raise Refused(f"{options.ref} is not a question: name one as FILE:LINE", status=EXIT_USAGE)
        if target.heading.mastered:
            raise Refused(f"{target.rel}:{target.heading.line + 1} is mastered: mastered questions are not scheduled")
        if (target.rel, target.heading.index) in session.links().unsure:
            raise Refused(
                f"{target.rel}:{target.heading.line + 1} may be the question of a review history that lost its "
                "place: choose in the app (r) first"
            )
    except Refused as error:
        err(str(error))
        return error.status
    try:
        history = session.rate(target.rel, target.heading, RATINGS.index(options.rating) + 1)
    except OSError as error:
        err(f"the review log can't be written ({error.strerror}): nothing recorded")
        return EXIT_NOTHING
    due = history.card.due.isoformat(timespec="seconds") if history.card is not None else "?"
    out(f"rated {options.rating}: {target.rel}:{target.heading.line + 1}  {target.heading.title}  (due {due})")
    return EXIT_OK


def cmd_import(options: argparse.Namespace) -> int:
    from notesui.core.files import NotReadable, read_regular
    from notesui.core.importer import convert
    from notesui.core.store import Changed, WriteError, atomic_write

    sources = [Path(s) for s in options.sources]
    if options.out is None and len(sources) > 1 and not options.dry_run:
        raise UsageError("several sources need --out DIR")
    status = EXIT_OK
    for source in sources:
        try:
            text = read_regular(source).decode("utf-8-sig")
        except (OSError, NotReadable, UnicodeDecodeError) as error:
            err(f"{source}: can't import: {error}")
            status = EXIT_NOTHING
            continue
        converted = convert(text, options.format)
        if converted.shape == "unknown" or (converted.questions == 0 and converted.shape != "markdown"):
            what = f"no questions as {options.format}" if options.format else "no questions, no Markdown heading"
            err(f"{source}: nothing recognised ({what}): nothing written; --format markdown copies it as it is")
            status = EXIT_NOTHING
            continue
        found = f"{source.name}: {converted.shape}, {converted.questions} questions"
        if options.dry_run:
            from notesui.core.document import Document

            out(found)
            for heading in Document.parse(converted.markdown.encode("utf-8")).headings:
                out(f"  {'#' * heading.level} {heading.title}")
            continue
        if options.out is None:
            err(found)  # (stdout is the Markdown)
            write_text(converted.markdown)
            continue
        folder = Path(options.out)
        target = folder / (source.stem + ".md")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write(target, converted.markdown.encode("utf-8"), expected=None)  # never overwrites
        except Changed:
            err(f"{target} exists; not overwritten")
            status = EXIT_NOTHING
            continue
        except (OSError, WriteError) as error:
            reason = "it is not a folder" if isinstance(error, (FileExistsError, NotADirectoryError)) else error
            err(f"can't write {target}: {reason}")
            status = EXIT_NOTHING
            continue
        out(f"{source.name}: {converted.shape}, {converted.questions} questions -> {target}")
    return status


def cmd_check(options: argparse.Namespace) -> int:
    """Errors (a file or folder that can't be read as notes: exit 1) and warnings (exit 0)."""
    from notesui.core.check import check

    # every file is parsed afresh (never taken from the cache); it reports them itself, on stdout
    notebook = _session(options, report=False, cache=False).notebook
    findings = list(check(notebook))
    for finding in findings:
        if options.json:
            out_json(
                {
                    "file": finding.rel,
                    "line": finding.line,
                    "level": finding.level,
                    "kind": finding.kind,
                    "message": finding.message,
                }
            )
        else:
            out(str(finding))
    if options.json:
        return EXIT_NOTHING if any(f.level == "error" for f in findings) else EXIT_OK
    errors = sum(1 for f in findings if f.level == "error")
    out(f"{len(notebook.documents)} files checked, {errors} errors, {len(findings) - errors} warnings")
    return EXIT_NOTHING if errors else EXIT_OK


def cmd_index(options: argparse.Namespace) -> int:
    session = _session(options)
    cache = session.indexer.cache
    with cache.building() if cache is not None else contextlib.nullcontext(True) as free:
        if not free:
            out("another notesui is indexing these notes now")
            return EXIT_OK
        session.start_index()
        session.close(wait=True)  # built and kept, while this process holds the right to
    index = session.index
    out(f"{len(index) if index is not None else 0} headings indexed in {len(session.documents)} files")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "search": cmd_search,
    "show": cmd_show,
    "mark": cmd_mark,
    "stats": cmd_stats,
    "due": cmd_due,
    "rate": cmd_rate,
    "import": cmd_import,
    "check": cmd_check,
    "index": cmd_index,
}
