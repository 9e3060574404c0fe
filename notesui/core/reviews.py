"""Spaced repetition: the review log, the schedule it implies, and what is due.

Reviews are never written into a note. They live in ``.notesui/reviews.log`` under the notes
root: one line per review, only ever appended to, so the log travels with the notes (git,
Syncthing) and two machines' logs merge as a union of their lines. The log is the truth; the
schedule is derived by replaying every question's ratings in time order with FSRS (the kept
``fsrs`` library, fuzzing off so a replay gives what the live review gave).

A line (tab-separated; ``r1`` is the format)::

    r1  ID  HISTORY  TIME  RATING  "file"  ["path", "of", "titles"]  OCCURRENCE  TITLE#  ANSWER#  STATE  DUE

``ID`` is the review's own, ``HISTORY`` the question's (its first review's id): every later
review of the question carries it, whatever the question has become since. The reference
(file, title path, occurrence among headings with that path, digests of title and answer) is
where the question was when reviewed; ``STATE`` and ``DUE`` (after the review) are there for a
person reading the log, and a replay recomputes them. Identical lines (a union merge) count
once; a line that does not parse, or reuses an id with other content, is reported and
skipped, never fatal, never rewritten.

A question keeps its history when its answer or title is edited, when questions are inserted
above it, and when it moves to another file: ``Schedule.link`` finds each history's question
(see there), and asks rather than guesses when it can't tell.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import uuid
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

from fsrs import Card, Rating, Scheduler, State

from notesui.core.document import Document, Heading
from notesui.core.files import digest
from notesui.core.refs import HeadingRef

LOG = Path(".notesui") / "reviews.log"
"""The review log, under the notes root."""
FORMAT = "r1"
RATINGS = ("again", "hard", "good", "easy")
"""The ratings, in FSRS's order (1–4)."""
SIMILAR_TITLE = 70.0
"""How alike (rapidfuzz ratio, 0–100) an edited title must be to take an orphaned history."""
NEW_PER_DAY = 20

Question = tuple[str, Heading]
"""A question now: its file and heading."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Where:
    """Where a question was when reviewed."""

    file: str
    path: tuple[str, ...]
    occurrence: int = 0
    title: str = ""  # digest of the title
    answer: str = ""  # digest of the answer ("" when it had none)

    @classmethod
    def of(cls, doc: Document, heading: Heading) -> Where:
        path = doc.title_path(heading)
        answer = doc.span_bytes(heading.answer).strip()
        return cls(
            doc.rel,
            path,
            doc.with_path(path).index(heading),
            digest(heading.title.encode("utf-8"))[:12],
            digest(answer)[:12] if answer else "",
        )

    @property
    def title_text(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass(frozen=True, slots=True)
class Review:
    id: str
    history: str
    at: datetime
    rating: int  # 1 again … 4 easy
    place: Where | tuple[str, ...]  # (as read: the reference's fields, read when needed)

    @property
    def where(self) -> Where:
        """Where the question was (a reference that can't be read is nowhere: it matches
        no question)."""
        if isinstance(self.place, Where):
            return self.place
        file, path, occurrence, title, answer = self.place
        try:
            rel, titles = _json_strings(file, '"', '"'), _json_strings(path, "[", "]")
            number = int(occurrence)
        except ValueError:
            rel, titles, number = "", [], 0
        if not isinstance(rel, str) or not isinstance(titles, list) or not all(isinstance(t, str) for t in titles):
            rel, titles = "", []
        where = Where(rel, tuple(titles), number, title, answer)
        object.__setattr__(self, "place", where)
        return where


class BadLine(ValueError):
    """A log line that is not a review."""


def format_review(review: Review, card: Card | None = None) -> str:
    fields = [
        FORMAT,
        review.id,
        review.history,
        review.at.astimezone(UTC).isoformat(timespec="milliseconds"),
        RATINGS[review.rating - 1],
        *_fields(review.where),
    ]
    if card is not None:
        fields += [card.state.name.lower(), card.due.isoformat(timespec="seconds") if card.due else ""]
    return "\t".join(fields)


def parse_review(line: str) -> Review:
    parts = line.rstrip("\r\n").split("\t")
    if len(parts) < 10 or parts[0] != FORMAT:
        raise BadLine("not a review line")
    _, rid, history, at, rating, file, path, occurrence, title, answer = parts[:10]
    if not rid or not history:
        raise BadLine("no review id")
    if rating not in RATINGS:
        raise BadLine(f"unknown rating {rating!r}")
    try:
        when = datetime.fromisoformat(at)
    except ValueError as error:
        raise BadLine(str(error)) from None
    if when.tzinfo is None:
        raise BadLine("a time without its zone")
    try:
        when = when.astimezone(UTC)
    except OverflowError as error:
        raise BadLine(str(error)) from None
    if not (file[:1] == '"' and path[:1] == "[" and occurrence.isdigit()):
        raise BadLine("a malformed reference")
    return Review(rid, history, when, RATINGS.index(rating) + 1, (file, path, occurrence, title, answer))


def _json_strings(field: str, opening: str, closing: str) -> object:
    """A JSON string or list of strings as ``format_review`` writes them; the quick way when
    nothing in it is escaped (the log's lines are read 100,000 at a time)."""
    if "\\" in field or not (field.startswith(opening) and field.endswith(closing)):
        return json.loads(field)
    if opening == '"':
        return field[1:-1] if len(field) >= 2 and '"' not in field[1:-1] else json.loads(field)
    inner = field[1:-1]
    if not inner:
        return []
    if not (inner.startswith('"') and inner.endswith('"')):
        return json.loads(field)
    parts = inner[1:-1].split('", "')
    return parts if all('"' not in part for part in parts) else json.loads(field)


class ReviewLog:
    """The log file: read whole, appended to a line at a time."""

    def __init__(self, root: str | Path) -> None:
        self.path = Path(root) / LOG

    def read_bytes(self) -> bytes:
        """The log as it is (empty when there is none yet); OSError when it can't be read."""
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""

    def read(self) -> tuple[list[Review], list[str]]:
        """Every review in the log, once; and what was skipped, for the user."""
        try:
            return self.parse(self.read_bytes())
        except OSError as error:
            return [], [f"{LOG} can't be read ({error.strerror}): reviews are not shown"]

    @staticmethod
    def parse(data: bytes) -> tuple[list[Review], list[str]]:
        reviews: list[Review] = []
        problems: list[str] = []
        seen: dict[str, str] = {}  # id -> its line
        for number, raw in enumerate(data.split(b"\n"), 1):
            line = raw.decode("utf-8", errors="replace").rstrip("\r")
            if not line.strip():
                continue
            try:
                review = parse_review(line)
            except BadLine as error:
                problems.append(f"{LOG} line {number} skipped: {error}")
                continue
            earlier = seen.get(review.id)
            if earlier == line:
                continue  # the same line twice (a union merge): once
            if earlier is not None:
                problems.append(f"{LOG} line {number} skipped: review id {review.id} is already used by another line")
                continue
            seen[review.id] = line
            reviews.append(review)
        return reviews, problems

    def append(self, line: str) -> bytes:
        """Add ``line`` at the end, on a line of its own, on disk before returning; the bytes
        written."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            glue = b""
            if size:  # a last line without its end (cut short, merged): never join it
                with open(self.path, "rb") as reader:
                    reader.seek(size - 1)
                    glue = b"" if reader.read(1) == b"\n" else b"\n"
            written = glue + line.encode("utf-8") + b"\n"
            os.write(fd, written)
            os.fsync(fd)
            return written
        finally:
            os.close(fd)


@dataclass(eq=False)
class History:
    """Every review of one question (when, and how it was rated), its latest in full, and the
    FSRS card they leave."""

    id: str
    card: Card | None = None
    times: array[float] = field(default_factory=lambda: array("d"))  # review times (POSIX), in order
    ratings: bytearray = field(default_factory=bytearray)  # 1–4, in the same order
    last: Review | None = None  # the latest review

    def add(self, review: Review) -> None:
        self.times.append(review.at.timestamp())
        self.ratings.append(review.rating)
        self.last = review

    @property
    def where(self) -> Where:
        """Where the question was at its latest review."""
        assert self.last is not None
        return self.last.where

    @property
    def count(self) -> int:
        return len(self.times)

    @property
    def first(self) -> datetime:
        return datetime.fromtimestamp(self.times[0], UTC)

    def since(self, when: datetime) -> list[int]:
        """The ratings of the reviews at or after ``when``."""
        start = bisect_left(self.times, when.timestamp())
        return list(self.ratings[start:])

    @property
    def state(self) -> str:
        return "new" if self.card is None else self.card.state.name.lower()


@dataclass
class Links:
    """Which question each history belongs to now."""

    question: dict[tuple[str, int], History] = field(default_factory=dict)  # (file, heading index) -> history
    ambiguous: list[tuple[History, list[Question]]] = field(default_factory=list)
    orphans: list[History] = field(default_factory=list)  # their question is gone
    unsure: set[tuple[str, int]] = field(default_factory=set)  # questions an ambiguous history could be

    def of(self, rel: str, heading: Heading) -> History | None:
        return self.question.get((rel, heading.index))


KEPT_FORMAT = 3
"""The kept replay's format (another one is replayed afresh)."""


def _packed(histories: Mapping[str, History]) -> tuple[object, ...]:
    """The histories as a few flat lists (a pickle of them loads ten times faster)."""
    ids, cards, lasts, counts = [], [], [], array("q")
    times, ratings = array("d"), bytearray()
    for history in histories.values():
        card, last = history.card, history.last
        assert card is not None and last is not None
        ids.append(history.id)
        cards.append(
            (
                card.state.value,
                card.step,
                card.stability,
                card.difficulty,
                card.due.timestamp(),
                card.last_review.timestamp() if card.last_review else None,
            )
        )
        place = last.place if isinstance(last.place, tuple) else _fields(last.place)
        lasts.append((last.id, last.at.timestamp(), last.rating, place))
        counts.append(len(history.times))
        times.extend(history.times)
        ratings.extend(history.ratings)
    return ids, cards, lasts, counts, times, bytes(ratings)


def _unpacked(packed: tuple[object, ...]) -> dict[str, History]:
    ids, cards, lasts, counts, times, ratings = packed
    histories: dict[str, History] = {}
    at = 0
    for hid, card, last, count in zip(ids, cards, lasts, counts, strict=True):  # type: ignore[call-overload]
        state, step, stability, difficulty, due, reviewed = card
        history = History(
            hid,
            Card(
                _card_id(hid),
                State(state),
                step,
                stability,
                difficulty,
                datetime.fromtimestamp(due, UTC),
                datetime.fromtimestamp(reviewed, UTC) if reviewed is not None else None,
            ),
            times[at : at + count],  # type: ignore[index]
            bytearray(ratings[at : at + count]),  # type: ignore[index]
        )
        rid, when, rating, place = last
        history.last = Review(rid, hid, datetime.fromtimestamp(when, UTC), rating, place)
        histories[hid] = history
        at += count
    return histories


def _fields(where: Where) -> tuple[str, ...]:
    """A reference as the log's fields."""
    return (
        json.dumps(where.file, ensure_ascii=False),
        json.dumps(list(where.path), ensure_ascii=False),
        str(where.occurrence),
        where.title,
        where.answer,
    )


def _kept_path(cache_dir: Path | None, root: str | Path) -> Path | None:
    if cache_dir is None:
        return None
    return cache_dir / "reviews" / f"{digest(str(Path(root).resolve()).encode())[:16]}.pickle"


def scheduler() -> Scheduler:
    return Scheduler(enable_fuzzing=False)  # (a replay gives the dates the review gave)


def _card_id(history: str) -> int:
    return int(digest(history.encode())[:12], 16) or 1


class Schedule:
    """The histories in a review log, replayed with FSRS."""

    def __init__(self, reviews: Iterable[Review] = (), problems: Iterable[str] = ()) -> None:
        self.scheduler = scheduler()
        self.histories: dict[str, History] = {}
        self.problems = list(problems)
        self._known: set[Ref] | None = None  # the questions at the last link
        self._log: tuple[int, str] | None = None  # the log's size and digest, as replayed here
        self._hash: Any = None  # (the digest so far, to add a review's line to)
        self.changed = False  # reviews recorded since it was loaded
        self._replay_all(reviews)

    def _replay_all(self, reviews: Iterable[Review]) -> None:
        for review in sorted(reviews, key=lambda r: (r.at, r.id)):
            history = self.histories.get(review.history) or History(review.history)
            try:
                self._replay(history, review)
            except (ValueError, OverflowError) as error:
                self.problems.append(f"{LOG}: review {review.id} skipped: {error}")
                continue
            self.histories[review.history] = history

    @classmethod
    def load(cls, root: str | Path, cache_dir: Path | None = None) -> Schedule:
        """The schedule of ``root``'s log: replayed, or as kept in ``cache_dir`` by the last
        replay of the same log (``keep``)."""
        log = ReviewLog(root)
        try:
            data = log.read_bytes()
        except OSError as error:
            return cls((), [f"{LOG} can't be read ({error.strerror}): reviews are not shown"])
        hasher = hashlib.blake2b(data, digest_size=16)  # (as files.digest; a review adds to it)
        schedule, replayed = cls._load(root, cache_dir, log, data, hasher.hexdigest())
        schedule._log, schedule._hash = (len(data), hasher.hexdigest()), hasher
        if replayed:
            schedule.keep(root, cache_dir)
        for copy in sorted(log.path.parent.glob("reviews*.log")):  # (a sync's copy in a conflict)
            problem = (
                f"{LOG.parent / copy.name}: its reviews are not read; add its lines to {LOG.name} "
                "(a line in both counts once) and delete it"
            )
            if copy != log.path and problem not in schedule.problems:
                schedule.problems.append(problem)
        return schedule

    @classmethod
    def _load(
        cls, root: str | Path, cache_dir: Path | None, log: ReviewLog, data: bytes, key: str
    ) -> tuple[Schedule, bool]:
        """The schedule of ``data``, and whether any of it was replayed (to be kept)."""
        kept = _kept_path(cache_dir, root)
        if kept is not None:
            try:
                format_, size, kept_key, histories, problems = pickle.loads(kept.read_bytes())
            except Exception:
                format_ = None
            if format_ == KEPT_FORMAT and kept_key == key:
                schedule = cls((), problems)
                schedule.histories = _unpacked(histories)
                return schedule, False
            # lines added at the end since (another machine's, synced): replayed on top, when
            # each is later than its question's latest review (else the whole log is)
            grown = format_ == KEPT_FORMAT and size < len(data) and data[size - 1 : size] == b"\n"
            if grown and digest(data[:size]) == kept_key:
                schedule = cls((), problems)
                schedule.histories = _unpacked(histories)
                added, more = log.parse(data[size:])
                if schedule._continue(added):
                    schedule.problems += more
                    return schedule, True
        return cls(*log.parse(data)), True

    def stale(self, root: str | Path) -> bool:
        """Whether the log changed since this schedule read it (another program, a sync)."""
        try:
            size = ReviewLog(root).path.stat().st_size
        except FileNotFoundError:
            size = 0
        except OSError:
            return False
        return self._log is None or size != self._log[0]

    def carry(self, earlier: Schedule) -> None:
        """Take over what ``earlier`` (this log, read before) had seen of the notes."""
        self._known = earlier._known

    def _continue(self, reviews: list[Review]) -> bool:
        """Replay ``reviews`` on top of the histories, if each is later than its question's
        latest review (False, and nothing done, when one is not)."""
        for review in reviews:
            history = self.histories.get(review.history)
            if history is not None and history.times[-1] >= review.at.timestamp():
                return False
        self._replay_all(reviews)
        return True

    def keep(self, root: str | Path, cache_dir: Path | None) -> None:
        """Keep the replay in ``cache_dir`` for the next load of the same log (nothing when
        the log changed under this schedule: its next load replays it)."""
        kept = _kept_path(cache_dir, root)
        if kept is None or self._log is None:
            return
        size, key = self._log
        try:
            try:
                now = ReviewLog(root).path.stat().st_size
            except FileNotFoundError:
                now = 0
            if now != size:
                return  # written by another program since
            kept.parent.mkdir(parents=True, exist_ok=True)
            temporary = kept.with_suffix(f".{os.getpid()}.tmp")
            packed = _packed(self.histories)
            temporary.write_bytes(pickle.dumps((KEPT_FORMAT, size, key, packed, self.problems), protocol=5))
            os.replace(temporary, kept)
        except OSError:
            pass  # only a head start for the next load

    def _replay(self, history: History, review: Review) -> None:
        card = history.card or Card(card_id=_card_id(history.id), due=review.at)
        history.card, _ = self.scheduler.review_card(card, Rating(review.rating), review_datetime=review.at)
        history.add(review)

    def rate(
        self,
        root: str | Path,
        doc: Document,
        heading: Heading,
        rating: int,
        history: History | None,
        at: datetime | None = None,
    ) -> History:
        """Record a review of ``heading`` (its ``history`` so far, None for its first) in the
        log, then in the schedule."""
        at = (at or utc_now()).astimezone(UTC)
        at = at.replace(microsecond=at.microsecond // 1000 * 1000)  # (as the log keeps it)
        if history is not None and history.last is not None and at <= history.last.at:
            at = history.last.at + timedelta(milliseconds=1)  # (a clock behind another machine's)
        rid = uuid.uuid4().hex
        history = history or History(rid)
        review = Review(rid, history.id, at, rating, Where.of(doc, heading))
        card = history.card or Card(card_id=_card_id(history.id), due=at)
        after, _ = self.scheduler.review_card(card, Rating(rating), review_datetime=at)
        written = ReviewLog(root).append(format_review(review, after))  # (in the log first)
        history.card = after
        history.add(review)
        self.changed = True
        if self._log is not None and self._hash is not None:  # (the log now: what was read, and this)
            try:
                size = ReviewLog(root).path.stat().st_size
            except OSError:
                size = -1
            if size == self._log[0] + len(written):
                self._hash.update(written)
                self._log = (size, self._hash.hexdigest())
            else:
                self._log = None  # (another program wrote too: the next load reads it all)
        self.histories[history.id] = history
        return history

    def next_due(self, history: History | None, rating: int, at: datetime | None = None) -> datetime:
        """When the question would be due after ``rating`` now (the review's footer)."""
        at = at or utc_now()
        card = history.card if history is not None and history.card is not None else Card(card_id=1, due=at)
        after, _ = self.scheduler.review_card(card, Rating(rating), review_datetime=at)
        return after.due

    # -- which question each history belongs to --------------------------------------

    def link(self, documents: Mapping[str, Document], chosen: Mapping[str, HeadingRef | None] | None = None) -> Links:
        """Find each history's question now.

        First where it was (same file, title path and occurrence; among headings with the same
        path, the one with its answer): edits of the answer and questions inserted above change
        nothing. A history whose question is not there any more is re-linked, in order, by its
        title path in another file (moved), by its answer (its title edited: the same answer,
        not empty; the same file first), by its title's likeness in its file (title and answer
        edited), by its exact title in another file — never onto a question that has a history
        of its own or that was there, unchanged, when the schedule last looked (so renaming
        什么是 LoRA？ does not hand its history to 什么是 QLoRA？). The last two are guesses: with
        no earlier look (a fresh start) or more than one question fitting, the history is left
        ``ambiguous`` for the user to say which (``chosen``: their answers, by history id).
        A second history on the same place (two machines' first reviews) is never re-linked."""
        links = Links()
        taken: set[tuple[str, int]] = set()
        orphans: list[History] = []
        for history in sorted(self.histories.values(), key=lambda h: (h.times[0], h.id)):
            found = _at(documents, history.where)
            if found is None:
                orphans.append(history)
            elif (found[0], found[1].index) in taken:
                links.orphans.append(history)  # (the question has its own: no guess for this one)
            else:
                taken.add((found[0], found[1].index))
                links.question[(found[0], found[1].index)] = history
        refs = {(doc.rel, h.index): ref for doc in documents.values() for ref, h in _refs(doc)}
        known, self._known = self._known, set(refs.values())
        if not orphans:
            return links
        free = [
            (rel, documents[rel].headings[index])
            for (rel, index), ref in refs.items()
            if (rel, index) not in taken and (known is None or ref not in known)
        ]
        answers: dict[str, list[Question]] = {}
        for history in sorted(orphans, key=lambda h: h.times[-1], reverse=True):
            fits: list[Question]
            sure = True
            if chosen is not None and history.id in chosen:  # the user said which (or none)
                ref = chosen[history.id]
                pick = ref.find(documents, closest=False) if ref is not None else None
                fits = [pick] if pick is not None and (pick[0], pick[1].index) not in taken else []
            else:
                open_ = [(r, h) for r, h in free if (r, h.index) not in taken]
                fits, sure = self._fits(documents, history.where, open_, answers)
            if len(fits) == 1 and (sure or known is not None):
                taken.add((fits[0][0], fits[0][1].index))
                links.question[(fits[0][0], fits[0][1].index)] = history
            elif fits:
                links.ambiguous.append((history, fits))
            else:
                links.orphans.append(history)
        # a question an unplaced history could be is not "there unchanged" next time either
        unsure = {(rel, h.index) for _, fits in links.ambiguous for rel, h in fits}
        self._known -= {refs[key] for key in unsure}
        links.unsure = unsure - set(links.question)
        return links

    @staticmethod
    def _fits(
        documents: Mapping[str, Document], where: Where, candidates: list[Question], answers: dict[str, list[Question]]
    ) -> tuple[list[Question], bool]:
        """The questions an orphaned history could belong to, by the first rule that finds any,
        and whether that rule is proof (the same path or answer) rather than a guess."""
        moved = [(r, h) for r, h in candidates if documents[r].title_path(h) == where.path]
        if moved:
            return moved, True
        if where.answer:
            if not answers:  # (digests of every free answer, once, only when needed)
                for rel, h in candidates:
                    body = documents[rel].span_bytes(h.answer).strip()
                    if body:
                        answers.setdefault(digest(body)[:12], []).append((rel, h))
            open_ = {(r, h.index) for r, h in candidates}
            same = [(r, h) for r, h in answers.get(where.answer, []) if (r, h.index) in open_]
            if same:
                return [(r, h) for r, h in same if r == where.file] or same, True
        from rapidfuzz import fuzz

        title = where.title_text
        alike = [(r, h) for r, h in candidates if r == where.file and fuzz.ratio(h.title, title) >= SIMILAR_TITLE]
        if alike:
            return alike, False
        return [(r, h) for r, h in candidates if r != where.file and h.title == title], False


Ref = tuple[str, tuple[str, ...], int]


def _refs(doc: Document) -> Iterable[tuple[Ref, Heading]]:
    """Every question of ``doc`` with its (file, title path, occurrence), in one pass."""
    paths: list[tuple[str, ...]] = []
    seen: dict[tuple[str, ...], int] = {}
    for heading in doc.headings:
        path = (paths[heading.parent] if heading.parent is not None else ()) + (heading.title,)
        paths.append(path)
        occurrence = seen.get(path, 0)
        seen[path] = occurrence + 1
        if heading.is_question:
            yield (doc.rel, path, occurrence), heading


def _at(documents: Mapping[str, Document], where: Where) -> Question | None:
    doc = documents.get(where.file)
    if doc is None:
        return None
    same = [h for h in doc.with_path(where.path) if h.is_question]
    if len(same) > 1 and where.answer:  # (a question like it inserted above: its answer tells)
        alike = [h for h in same if digest(doc.span_bytes(h.answer).strip())[:12] == where.answer]
        if len(alike) == 1:
            return where.file, alike[0]
    if where.occurrence < len(same):
        return where.file, same[where.occurrence]
    return None


# -- what is due ---------------------------------------------------------------------


def end_of_day(now: datetime) -> datetime:
    """The end of ``now``'s local day (the next local midnight, whatever daylight saving
    does that day), in UTC."""
    tomorrow = now.astimezone().date() + timedelta(days=1)
    return datetime.combine(tomorrow, dtime()).astimezone().astimezone(UTC)


def start_of_day(now: datetime) -> datetime:
    """The start of ``now``'s local day, in UTC."""
    return datetime.combine(now.astimezone().date(), dtime()).astimezone().astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Item:
    """A question in the review queue."""

    rel: str
    heading: Heading
    history: History | None  # None: new

    @property
    def due(self) -> datetime | None:
        return self.history.card.due if self.history is not None and self.history.card is not None else None


def review_queue(
    questions: Iterable[Question],
    links: Links,
    schedule: Schedule,
    now: datetime | None = None,
    *,
    new_per_day: int = NEW_PER_DAY,
    unanswered: bool = False,
) -> tuple[list[Item], list[Item]]:
    """What ``r`` reviews, among ``questions`` (in notebook order): those due now, most
    overdue first, and new ones, in order, up to what is left of today's ``new_per_day`` (a
    question first reviewed today counts). Mastered questions are never scheduled; questions
    with no answer only with ``unanswered``."""
    now = now or utc_now()
    today = start_of_day(now)
    started_today = sum(1 for h in schedule.histories.values() if h.first >= today)
    due: list[Item] = []
    new: list[Item] = []
    for rel, heading in questions:
        if heading.mastered or not (heading.has_answer or unanswered):
            continue
        history = links.of(rel, heading)
        if history is None:
            if (rel, heading.index) not in links.unsure:  # (one an unplaced history may be: asked first)
                new.append(Item(rel, heading, None))
        elif history.card is not None and history.card.due <= now:
            due.append(Item(rel, heading, history))
    due.sort(key=lambda item: item.due or now)
    return due, new[: max(0, new_per_day - started_today)]


def describe_interval(since: datetime, until: datetime) -> str:
    """``until - since`` as a review footer says it: ``10m``, ``5h``, ``3d``, ``2mo``."""
    seconds = max(0.0, (until - since).total_seconds())
    for unit, size in (("y", 365 * 86400), ("mo", 30 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return (
                f"{seconds / size:.0f}{unit}"
                if unit in ("m", "h", "d")
                else f"{seconds / size:.1f}{unit}".replace(".0", "")
            )
    return "<1m"


RETENTION_DAYS = 30


def review_stats(
    documents: Mapping[str, Document], links: Links, now: datetime | None = None
) -> dict[str | None, dict[str, float | int | None]]:
    """Per file (and in total, under None): ``due`` questions due now (not mastered),
    ``reviewed`` reviews in the log, ``retention`` the share of the last 30 days' reviews not
    rated again (None when there were none)."""
    now = now or utc_now()
    since = now - timedelta(days=RETENTION_DAYS)
    tallies: dict[str | None, list[int]] = {rel: [0, 0, 0, 0] for rel in documents}
    tallies[None] = [0, 0, 0, 0]  # due, reviewed, recent, recalled
    for (rel, index), history in links.question.items():
        heading = documents[rel].headings[index]
        due = not heading.mastered and history.card is not None and history.card.due <= now
        recent = history.since(since)
        for key in (rel, None):
            tally = tallies[key]
            tally[0] += due
            tally[1] += history.count
            tally[2] += len(recent)
            tally[3] += sum(1 for rating in recent if rating > 1)
    for history in links.orphans + [h for h, _ in links.ambiguous]:  # their reviews count in the total
        tallies[None][1] += history.count
    return {
        key: {"due": due, "reviewed": reviewed, "retention": round(recalled / recent, 4) if recent else None}
        for key, (due, reviewed, recent, recalled) in tallies.items()
    }


def due_questions(documents: Mapping[str, Document], links: Links, until: datetime) -> dict[str, list[int]]:
    """The questions (not mastered) due by ``until``: their heading indexes, by file."""
    due: dict[str, list[int]] = {}
    for (rel, index), history in links.question.items():
        card = history.card
        if card is not None and card.due <= until and not documents[rel].headings[index].mastered:
            due.setdefault(rel, []).append(index)
    return due


def due_by(documents: Mapping[str, Document], links: Links, until: datetime) -> int:
    """How many questions (not mastered) are due by ``until``."""
    return sum(map(len, due_questions(documents, links, until).values()))


HEATMAP_WEEKS = 26
FORECAST_DAYS = 14


@dataclass(frozen=True, slots=True)
class Activity:
    """What the statistics screen shows of reviewing (days are the user's local days)."""

    today: date
    per_day: dict[date, int]  # reviews per day, the last HEATMAP_WEEKS weeks
    forecast: list[int]  # questions due per day from today (today: everything due by its end)
    retention: float | None  # share of the last 30 days' reviews not rated again
    recent: int  # reviews in the last 30 days
    streak: int  # days in a row with a review, up to today (or yesterday)


def review_activity(
    schedule: Schedule, documents: Mapping[str, Document], links: Links, now: datetime | None = None
) -> Activity:
    now = now or utc_now()
    today = now.astimezone().date()
    first_day = today - timedelta(weeks=HEATMAP_WEEKS)
    per_day: dict[date, int] = {}
    since = now - timedelta(days=RETENTION_DAYS)
    recent = recalled = 0
    for history in schedule.histories.values():
        for when in history.times:
            day = datetime.fromtimestamp(when).date()  # (local)
            if day > first_day:
                per_day[day] = per_day.get(day, 0) + 1
        ratings = history.since(since)
        recent += len(ratings)
        recalled += sum(1 for rating in ratings if rating > 1)
    forecast = [0] * FORECAST_DAYS
    for (rel, index), history in links.question.items():
        if history.card is None or documents[rel].headings[index].mastered:
            continue
        offset = (history.card.due.astimezone().date() - today).days
        if offset < FORECAST_DAYS:
            forecast[max(0, offset)] += 1
    streak, day = 0, today if per_day.get(today) else today - timedelta(days=1)
    while per_day.get(day):
        streak, day = streak + 1, day - timedelta(days=1)
    return Activity(today, per_day, forecast, recalled / recent if recent else None, recent, streak)
