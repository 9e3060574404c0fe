"""The search engine shared by the app and the command line.

A query is read as terms (``parse_query``). One term (README, “Search”): an exact normalised
substring beats a fuzzy match, and a title match beats an equal answer match. Scores fall in
bands so that the rule holds whatever the details: exact title 90–100 (a question over a
section), exact answer 80–90, the characters in order with gaps in a title 80–89, fuzzy title
up to 80, fuzzy answer below 70. Several terms: 60–99 when every term matched (by the
rarity-weighted share found in titles, then answers), below 50 when only some did; the whole
query in one piece, a question, then the closer fit add to that.

Speed comes from an index rather than brute force:

* per file, the normalised titles and answers are joined into two strings (items separated
  by a NUL, which normalised text never holds), so an exact substring is a C-speed
  ``str.find`` over each file, and re-indexing a file rebuilds only that file's strings;
* a global inverted index of character bigrams (and single characters, for typo'd short
  queries) picks a few hundred candidates for the fuzzy pass, which rapidfuzz then scores.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, MutableSequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from notesui.core import pinyin
from notesui.core.refs import HeadingRef
from notesui.core.textnorm import normalize, normalize_many, normalize_mapped

if TYPE_CHECKING:
    from notesui.core.document import Document, Heading

SEP = "\x00"
BODY_GRAM_CHARS = 120
"""Answers are indexed for fuzzy candidates by the bigrams of their first characters only
(titles by characters and bigrams); exact search always covers the whole answer."""
FUZZY_CANDIDATES = 300
FUZZY_MIN_QUERY = 3
COMMON_GRAM = 20_000
"""A gram held by more items than this (or a tenth of them) says too little to pick fuzzy
candidates by (unless it is all the query has)."""
TITLE_CUTOFF = 60.0
TERM_TYPO_CUTOFF = 75.0
"""A term of several that is not found as typed matches a title (or an answer's start) this
similar to it."""
BODY_CUTOFF = 75.0
BODY_EXACT_CAP = 2000
"""Answer matches scored per query at most (a query this common is still being typed)."""
COMPACT_MIN_DEAD = 20_000
"""Re-indexed files leave dead entries behind; the index is rebuilt once there are more of
them than this and than live ones (so a file saved again and again costs little)."""
PACK_EVERY = 32
"""While building, postings are packed into arrays every this many files (bounds the memory)."""
MAIN_REBUILD_DIRTY = 64
"""Re-indexed files are searched one by one until this many, then the main title list is rebuilt."""
QUESTION_BONUS = 5
"""A question (a heading with an answer of its own, or no sub-headings) outranks a section
with the same kind of match; how closely the title fits the query only breaks ties."""
TITLE_SCAN_FACTOR, TITLE_SCAN_MIN = 5, 100
"""Title matches scored per query: the closest fits, many more than the hits shown."""
GAPPED_MIN_QUERY = 3
GAPPED_CANDIDATES = 5000
GAPPED_SPREAD = 2
"""Characters typed without their gaps match a title that holds them in order within this
many times the query's length."""
GAPPED = -2
"""The position of a gapped match (its characters are located again for highlighting)."""
PINYIN = -3
"""The position of a pinyin match (the characters spelled are found again for highlighting)."""
PINYIN_CANDIDATES = 1500
SPELLED_KEPT = ANSWERS_KEPT = 16
PINYIN_IF_FOUND_BELOW = 100
"""A term of several that is a word found this often as typed (``prefix``) is not read as
pinyin too."""
TERM_POOL = 4000
"""Items scored at most for a query of several terms (those most likely to hold every term
first)."""
PART_WEIGHT, ANSWER_PART = 0.5, 0.7
"""A term found only in part (some of its characters' pairs) counts this much of a whole
match (in the answer, that much less again): a query that says the question otherwise."""
TERM_TYPO_MIN = 4
"""A term of several is forgiven typos from this length (a shorter one is matched as typed)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: a heading, where the query matched and how well."""

    file: str
    line: int  # 1-based line of the heading
    title: str
    path: tuple[str, ...]  # titles of the enclosing sections, outermost first
    score: float
    where: str  # "title" or "body"
    mastered: bool
    index: int = 0  # the heading's index in its file
    spans: tuple[tuple[int, int], ...] = ()  # matched ranges of ``title``
    snippet: str = ""  # one line of the answer around a body match
    snippet_spans: tuple[tuple[int, int], ...] = ()
    ref: HeadingRef | None = None  # the heading, to find again after its file changed

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "title": self.title,
            "path": list(self.path),
            "score": round(self.score, 1),
            "where": self.where,
            "mastered": self.mastered,
        }


ENGINE_VERSION = 3
"""Bump when what the index holds or how it is built changes: a cached index of another
version is never read (``indexcache``)."""

_Item = tuple[str, int]
"""An indexed heading: its file and its index there."""


@dataclass(slots=True)
class _FileIndex:
    rel: str
    items: list[int] = field(default_factory=list)  # global item ids, in file order
    titles: str = ""
    title_starts: array[int] = field(default_factory=lambda: array("i"))
    bodies: str = ""
    body_starts: array[int] = field(default_factory=lambda: array("i"))


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a query, normalised: every term must match (``exclude``: none may);
    ``exact`` terms are matched only as typed (no typo tolerance)."""

    text: str
    exact: bool = False
    exclude: bool = False


_QUERY_TOKENS = re.compile(r'"([^"]*)"?|(\S+)')


def parse_query(query: str) -> list[Term]:
    """The terms of ``query`` (README, "Search"): words split on spaces, and where Latin
    letters meet CJK characters (``lora微调``: ``lora`` and ``微调``); ``"a phrase"`` is one
    exact term, ``'term`` is exact, ``!term`` excludes."""
    terms: list[Term] = []
    for match in _QUERY_TOKENS.finditer(query):
        phrase, word = match.group(1), match.group(2)
        if phrase is not None:
            text = normalize(phrase)
            if text and SEP not in text:
                terms.append(Term(text, exact=True))
            continue
        exact = exclude = False
        if len(word) > 1 and word[0] in "!'":
            exclude, exact = word[0] == "!", word[0] == "'"
            word = word[1:]
        pieces = [word] if exclude or exact else _script_runs(word)
        for piece in pieces:
            text = normalize(piece)
            if text and SEP not in text:
                terms.append(Term(text, exact=exact, exclude=exclude))
    meaningful = [term for term in terms if any(char.isalnum() for char in term.text)]
    return meaningful or terms  # punctuation typed along (显卡型号？) is no term of its own


def describe_query(query: str) -> str:
    """How ``query`` is read, for the search screen: its terms (``'``exact, ``!``excluded),
    those that may be pinyin marked so; empty for a query of one plain term."""
    terms = parse_query(query)
    if len(terms) == 1 and not terms[0].exact and not pinyin.is_pinyin(terms[0].text):
        return ""
    words = []
    for term in terms:
        mark = "!" if term.exclude else "'" if term.exact else ""
        spelled = " (or pinyin)" if not term.exact and not term.exclude and pinyin.is_pinyin(term.text) else ""
        words.append(f"{mark}{term.text}{spelled}")
    return " + ".join(words)


def _script_runs(word: str) -> list[str]:
    """``word`` cut where CJK characters meet Latin letters or digits (punctuation goes with
    the run before it)."""
    runs: list[str] = []
    kind: bool | None = None
    for char in word:
        is_cjk = _is_cjk(char)
        if runs and (not char.isalnum() or is_cjk == kind):
            runs[-1] += char
            continue
        if runs and kind is None:  # punctuation so far: it joins this run
            runs[-1] += char
        else:
            runs.append(char)
        kind = is_cjk if char.isalnum() else kind
    return runs


def _gappable(needle: str) -> bool:
    """Chinese characters (punctuation allowed), no Latin letters or digits."""
    return any(map(_is_cjk, needle)) and not any(char.isalnum() and not _is_cjk(char) for char in needle)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _joined(texts: list[str]) -> tuple[str, array[int]]:
    starts = array("i")
    position = 0
    for text in texts:
        starts.append(position)
        position += len(text) + 1
    starts.append(position)
    return SEP.join(texts) + SEP, starts


def _add_pairs(postings: dict[str, array[int]], item: int, title: str) -> None:
    for pair in pinyin.pairs(title):
        postings.setdefault(pair, array("i")).append(item)


def _posting() -> array[int]:
    return array("i")


def _bigrams(text: str) -> map[str]:
    return map(str.__add__, text, text[1:])


def _grams(text: str) -> set[str]:
    grams = set(text)
    grams.update(_bigrams(text))
    return grams


class SearchIndex:
    """An index over every heading of a notebook; ``update_file`` re-indexes one file."""

    def __init__(self) -> None:
        self._items: list[_Item | None] = []
        self._questions = bytearray()  # per item: 1 for a question, 0 for a section
        # titles by the initials of two neighbouring characters (pinyin), made on first need
        self._pinyin: dict[str, array[int]] | None = None
        # pinyin matches of the last terms (item -> the characters spelled)
        self._spelled_cache: dict[str, dict[int, tuple[int, int]]] = {}
        # the grams counted for the last fuzzy query, and the counts (see _gram_counts)
        self._last_counts: tuple[frozenset[str], Counter[int]] | None = None
        # the items whose answers hold the last terms (see _answer_holders)
        self._answers_cache: dict[str, tuple[int, ...] | None] = {}
        self._files: dict[str, _FileIndex] = {}
        self._postings: defaultdict[str, array[int]] = defaultdict(_posting)
        self._dead = 0
        self._lock = threading.RLock()
        self._documents: dict[str, Document] = {}
        # every title at the last (re)build, shortest first, joined: the first live hits of a
        # find() are the best exact title matches, however common the query
        self._main_titles = SEP
        self._main_starts = array("i", (0, 1))
        self._main_items = array("i")
        self._dirty: set[str] = set()  # files (re)indexed since: searched one by one

    @classmethod
    def build(cls, documents: Mapping[str, Document]) -> SearchIndex:
        """Index ``documents`` (a snapshot: the caller never changes it meanwhile)."""
        index = cls()
        with index._lock:
            index._add_all(documents)
        return index

    def __len__(self) -> int:
        return len(self._items) - self._dead

    @property
    def files(self) -> Mapping[str, Document]:
        """The files indexed, as they were when indexed."""
        return self._documents

    # -- keeping (see ``indexcache``) ----------------------------------------------------

    _KEPT = (
        "_items",
        "_questions",
        "_pinyin",
        "_files",
        "_postings",
        "_dead",
        "_main_titles",
        "_main_starts",
        "_main_items",
        "_dirty",
    )

    def __getstate__(self) -> dict[str, object]:
        """What is kept: everything but the documents (the files' content is kept by the
        caller, which gives it back to ``attach``) and the lock."""
        state = {name: getattr(self, name) for name in self._KEPT}
        state["_postings"] = dict(self._postings)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__()  # type: ignore[misc]
        for name in self._KEPT:
            setattr(self, name, state[name])
        self._postings = defaultdict(_posting, self._postings)
        # one string per file again (each item was written with its own copy of the name)
        names = {rel: rel for rel in self._files}
        self._items = [None if item is None else (names[item[0]], item[1]) for item in self._items]

    def attach(self, documents: Mapping[str, Document]) -> None:
        """Give an index read back its files' documents (the same content it indexed)."""
        self._documents = dict(documents)

    # -- building ---------------------------------------------------------------------

    def update_file(self, rel: str, doc: Document | None) -> None:
        """(Re)index one file; ``None`` removes it."""
        with self._lock:
            self._spelled_cache.clear()
            self._last_counts = None
            self._answers_cache.clear()
            old = self._files.pop(rel, None)
            if old is not None:
                for item in old.items:
                    self._items[item] = None
                self._dead += len(old.items)
            self._documents.pop(rel, None)
            self._dirty.discard(rel)
            if doc is not None:
                self._add(rel, doc)
                self._dirty.add(rel)
            if self._dead > max(COMPACT_MIN_DEAD, len(self._items) - self._dead):
                self._compact()
            elif len(self._dirty) > MAIN_REBUILD_DIRTY:
                self._build_main()

    def _add_all(self, documents: Mapping[str, Document]) -> None:
        """Index many files at once: postings are gathered in lists (quicker to append to)
        and packed into arrays (half the memory) at the end."""
        packed: defaultdict[str, array[int]] = defaultdict(_posting)
        lists: defaultdict[str, list[int]] = defaultdict(list)
        for number, (rel, doc) in enumerate(documents.items(), 1):
            self._add(rel, doc, lists)
            if number % PACK_EVERY == 0 or number == len(documents):
                for gram, items in lists.items():
                    packed[gram].extend(items)
                lists.clear()
        self._postings = packed
        self._build_main()

    def _add(self, rel: str, doc: Document, postings: Mapping[str, MutableSequence[int]] | None = None) -> None:
        self._documents[rel] = doc
        entry = _FileIndex(rel)
        if postings is None:
            postings = self._postings
        headings = doc.headings
        titles = normalize_many([heading.title for heading in headings])
        bodies = normalize_many([doc.span_text(h.answer) if h.has_answer else "" for h in headings])
        for heading, title, body in zip(headings, titles, bodies):
            item = len(self._items)
            self._items.append((rel, heading.index))
            self._questions.append(heading.is_question)
            entry.items.append(item)
            grams = _grams(title)
            grams.update(_bigrams(body[:BODY_GRAM_CHARS]))
            for gram in grams:
                postings[gram].append(item)
        if self._pinyin is not None:
            for item, title in zip(entry.items, titles):
                self._add_pinyin(item, title)
        entry.titles, entry.title_starts = _joined(titles)
        entry.bodies, entry.body_starts = _joined(bodies)
        self._files[rel] = entry

    def prepare_pinyin(self) -> None:
        """Index the titles for pinyin queries (about 0.2 s per 10,000 questions); done on
        the first pinyin query if not before."""
        if self._pinyin is not None:
            return
        pinyin.prepare()
        # made without the lock (searches go on meanwhile): only the thread that changes the
        # index calls this, or a search, which holds the lock
        made: dict[str, array[int]] = {}
        for entry in list(self._files.values()):
            for item, title in zip(entry.items, entry.titles.split(SEP)):
                _add_pairs(made, item, title)
        with self._lock:
            if self._pinyin is None:
                self._pinyin = made

    def _add_pinyin(self, item: int, title: str) -> None:
        assert self._pinyin is not None
        _add_pairs(self._pinyin, item, title)

    def _compact(self) -> None:
        documents = dict(self._documents)
        self._items, self._questions, self._files, self._dead = [], bytearray(), {}, 0
        self._pinyin = None  # made again on the next pinyin query
        self._documents = {}
        self._add_all(documents)

    def _build_main(self) -> None:
        titles: list[str] = []
        items: list[int] = []
        for entry in self._files.values():
            if entry.items:  # a file with no headings has no titles (its joined string is one SEP)
                titles += entry.titles.split(SEP)[:-1]
                items += entry.items
        rows = sorted(zip(map(len, titles), items, titles))  # item ids are unique: ties end there
        self._main_titles, self._main_starts = _joined([row[2] for row in rows])
        self._main_items = array("i", [row[1] for row in rows])
        self._dirty.clear()

    # -- searching --------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """The best ``limit`` hits for ``query`` (README, "Search": its terms, in any order)."""
        terms = parse_query(query)
        wanted = [term for term in terms if not term.exclude]
        excluded = [term.text for term in terms if term.exclude]
        if not wanted:
            return []
        with self._lock:
            if len(wanted) == 1 and not wanted[0].exact:
                needle = wanted[0].text
                scored: dict[int, tuple[float, str, int]] = {}  # item -> score, where, position
                self._exact(needle, scored, limit)
                if len(scored) < limit and len(needle) >= GAPPED_MIN_QUERY and _gappable(needle):
                    self._gapped(needle, scored)
                if len(scored) < limit and pinyin.is_pinyin(needle):
                    self._pinyin_hits(needle, scored)
                if len(scored) < limit and len(needle) >= FUZZY_MIN_QUERY:
                    self._fuzzy(needle, scored)
                if excluded:
                    scored = {item: info for item, info in scored.items() if not self._holds(item, excluded)}
                best = heapq.nsmallest(limit, scored.items(), key=lambda kv: (-kv[1][0], kv[0]))
                return [self._hit(item, needle, *info) for item, info in best]
            hits = self._search_terms(wanted, excluded, limit)
            whole = "".join(term.text for term in wanted)
            if (not hits or hits[0].score < 60) and all(
                not term.exact and pinyin.is_pinyin(term.text) for term in wanted
            ):
                # syllables typed apart (wei tiao): the whole query spelled in pinyin
                spelled = self.search(whole + "".join(f" !{text}" for text in excluded), limit)
                hits = spelled or hits
            return hits

    def _holds(self, item: int, texts: list[str]) -> bool:
        """Whether item's title or answer holds any of ``texts``."""
        title, body = self._texts(item)
        return any(text in title or text in body for text in texts)

    # -- queries of several terms ----------------------------------------------------------

    def _search_terms(self, wanted: list[Term], excluded: list[str], limit: int, exhaustive: bool = False) -> list[Hit]:
        """Several terms, in any order: the items that hold every term (in the title or the
        answer, as typed or spelled in pinyin) first, then those that match some (or match
        within typo tolerance, or in part). Ranked by how much of the query matched (terms
        weighted by rarity), title over answer, the whole query in one piece, a question over
        a section, then the closer fit. ``exhaustive``: score every candidate (for tests)."""
        from rapidfuzz import fuzz

        found_by_term = [self._term_items(term) for term in wanted]
        sets = [found for found, _ in found_by_term]
        spelled = [spells for _, spells in found_by_term]
        live = len(self) or 1
        weights = [_idf(live, len(found)) for found in sets]
        # every item holding the rarest term (the postings know titles and the start of
        # answers; its whole answers are scanned), the likeliest to hold every term first
        rarest = min(range(len(wanted)), key=lambda i: len(sets[i]))
        holding = sets[rarest] | self._body_items(wanted[rarest].text)
        likely = holding.intersection(*(found for i, found in enumerate(sets) if i != rarest))
        whole = "".join(term.text for term in wanted)
        scored: dict[int, float] = {}
        every_count = 0

        texts = [term.text for term in wanted]
        no_spells = [False] * len(wanted)
        live_items, questions = self._items, self._questions

        def score(pool: Iterable[int], later: list[int] | None = None) -> None:
            """Score the items of ``pool``; with ``later``, only those holding every term in
            the title (the others are put there)."""
            nonlocal every_count
            for item in islice(pool, TERM_POOL - len(scored)):
                if live_items[item] is None or item in scored:
                    continue
                title = self._title(item)
                body = self._body(item) if excluded else ""  # (an answer is copied out only if needed)
                if excluded and any(text in title or text in body for text in excluded):
                    continue
                if all(text in title for text in texts):  # the common case, quickly
                    share, every = 1.0, True
                elif later is not None:
                    later.append(item)
                    continue
                else:
                    body = body or self._body(item)
                    spells = [item in found for found in spelled] if any(spelled) else no_spells
                    share, every = _coverage(fuzz, wanted, weights, title, body, spells)
                    if share <= 0:
                        continue
                points = 60 + 27 * share if every else 50 * share
                if whole in title:
                    points += 5
                elif whole in (body or self._body(item)):
                    points += 2
                points += QUESTION_BONUS * questions[item] + min(1.0, len(whole) / max(len(title), 1))
                scored[item] = min(points, 99.0)
                every_count += every

        # the items holding every term in the title first; the others only while they could
        # still make the list: at best every term matched, one of them not in the title (in
        # pinyin 0.8, in the answer 0.7), the whole query in the answer, a question, a tight fit
        def could_beat(loss: float, among: list[float]) -> bool:
            if every_count < limit or exhaustive:  # (exhaustive: to test that this is exact)
                return True
            best = 60 + 27 * (1 - loss * min(among) / sum(weights)) + 2 + QUESTION_BONUS + 1
            return heapq.nlargest(limit, scored.values())[-1] < best

        later: list[int] = []
        score(likely, later)
        if could_beat(0.2, weights):
            score(later)
        # those not holding every term by the postings (titles, answers' starts): another
        # term can be there only deeper in the answer (typos and parts rank below all these)
        if could_beat(0.3, [weight for i, weight in enumerate(weights) if i != rarest]):
            score(holding - likely)
        # then the items that do not hold the rarest term as typed (or spelled): they rank
        # below any that hold every term, so they are needed only to fill the list: for each
        # term, the closest titles holding it (as for a query of one term), then the rest
        for number in sorted(range(len(wanted)), key=lambda i: len(sets[i])):
            if every_count >= limit or len(scored) >= TERM_POOL:
                break
            closest: dict[int, tuple[float, str, int]] = {}
            self._exact(wanted[number].text, closest, limit)
            score(closest)
            if len(scored) < limit:
                score(sets[number] - holding)
        for term in wanted:  # and those holding the most of a term's characters' pairs
            if every_count >= limit or len(scored) >= TERM_POOL:
                break
            if not term.exact and len(term.text) >= 3:
                score(self._candidates(term.text, scored))
        best = heapq.nsmallest(limit, scored.items(), key=lambda kv: (-kv[1], kv[0]))
        return [self._hit_terms(item, wanted, whole, score) for item, score in best]

    def _term_items(self, term: Term) -> tuple[set[int], Mapping[int, object]]:
        """Items whose title (or the start of the answer) may hold ``term``: those holding all
        its characters' pairs; for a term of letters seldom found as typed, the titles it
        spells in pinyin too (also given apart); for a term found nowhere, its typo
        candidates."""
        text = term.text
        grams = list(dict.fromkeys(_bigrams(text))) or [text]
        postings = [self._postings.get(gram) for gram in grams]
        found: set[int] = set()
        if all(posting is not None for posting in postings):
            ordered = sorted((p for p in postings if p is not None), key=len)
            found = set(ordered[0])
            for posting in ordered[1:]:
                if not found:
                    break
                found.intersection_update(posting)
        spelled: Mapping[int, object] = {}
        if term.exact:
            return found, spelled
        if pinyin.is_pinyin(text) and len(found) < PINYIN_IF_FOUND_BELOW:
            spelled = self._spelled(text)
            found |= set(spelled)
        if not found and len(text) >= FUZZY_MIN_QUERY:
            found = set(self._candidates(text, {}))
        return found, spelled

    def _body_items(self, text: str) -> set[int]:
        """Items whose whole answer holds ``text`` (the postings only know its start)."""
        scored: dict[int, tuple[float, str, int]] = {}
        self._scan_answers(text, scored)
        return set(scored)

    def _hit_terms(self, item: int, wanted: list[Term], whole: str, score: float) -> Hit:
        doc, heading = self._heading(item)
        title_norm, body_norm = self._texts(item)
        if whole in title_norm:
            spans = _locate(heading.title, whole, -1)
        else:
            found = {
                span for term in wanted if term.text in title_norm for span in _locate(heading.title, term.text, -1)
            }
            spans = tuple(sorted(found))
        shown: str | None = None  # the answer line shows the whole query, or the first term only there
        if whole not in title_norm and whole in body_norm:
            shown = whole
        else:
            shown = next((t.text for t in wanted if t.text not in title_norm and t.text in body_norm), None)
        snippet = ("", ()) if shown is None else _snippet(doc.span_text(heading.answer), shown, -1)
        return _make_hit(doc, heading, score, "title" if spans or shown is None else "body", spans, snippet)

    def _exact(self, needle: str, scored: dict[int, tuple[float, str, int]], limit: int) -> None:
        # titles: the main list, shortest first, gives the closest fits first (enough of them
        # for the questions among them to come first); then the files re-indexed since
        wanted = max(limit * TITLE_SCAN_FACTOR, TITLE_SCAN_MIN)
        self._scan(needle, scored, "title", self._main_titles, self._main_starts, self._main_items, wanted)
        for rel in self._dirty:
            entry = self._files[rel]
            self._scan(needle, scored, "title", entry.titles, entry.title_starts, entry.items, wanted)
        if len(scored) >= limit:
            return  # answer matches rank below title matches: they could not make the list
        self._scan_answers(needle, scored)

    def _scan_answers(self, needle: str, scored: dict[int, tuple[float, str, int]]) -> None:
        """Score the items whose whole answer holds ``needle`` (up to ``BODY_EXACT_CAP``)."""
        holders = self._answer_holders(needle)
        if holders is not None:
            for item in holders:
                if item not in scored:
                    body = self._body(item)
                    position = body.find(needle)
                    scored[item] = (min(80 + 10 * (1 - position / max(len(body), 1)), 100.0), "body", position)
            return
        budget = BODY_EXACT_CAP
        for entry in self._files.values():
            budget -= self._scan(needle, scored, "body", entry.bodies, entry.body_starts, entry.items, budget)
            if budget <= 0:
                break

    def _answer_holders(self, needle: str) -> tuple[int, ...] | None:
        """Every live item whose answer holds ``needle``, in notebook order (None: more than
        ``BODY_EXACT_CAP``). As the query grows, only the holders of what was typed before
        are looked at again: the whole answers are scanned once per term."""
        cache = self._answers_cache
        if needle in cache:
            return cache[needle]
        before = max((key for key, found in cache.items() if found is not None and key in needle), key=len, default="")
        holders: tuple[int, ...] | None
        if before:
            holders = tuple(item for item in cache[before] or () if needle in self._body(item))
        else:
            found: list[int] = []
            live = self._items
            for entry in self._files.values():
                blob, starts = entry.bodies, entry.body_starts
                position = blob.find(needle)
                while position != -1 and len(found) <= BODY_EXACT_CAP:
                    local = bisect_right(starts, position) - 1
                    if live[entry.items[local]] is not None:
                        found.append(entry.items[local])
                    position = blob.find(needle, starts[local + 1])
            holders = tuple(found) if len(found) <= BODY_EXACT_CAP else None
        if len(cache) >= ANSWERS_KEPT:
            cache.pop(next(iter(cache)))
        cache[needle] = holders
        return holders

    def _scan(
        self,
        needle: str,
        scored: dict[int, tuple[float, str, int]],
        where: str,
        blob: str,
        starts: array[int],
        items: array[int] | list[int],
        limit: int,
    ) -> int:
        """Score up to ``limit`` new items whose text in ``blob`` holds ``needle``."""
        live = self._items
        found = 0
        position = blob.find(needle)
        while position != -1 and found < limit:
            local = bisect_right(starts, position) - 1
            item = items[local]
            start, end = starts[local], starts[local + 1] - 1
            if item not in scored and live[item] is not None:
                length = max(end - start, 1)
                if where == "title":  # a question over a section, then the closer fit
                    score = 90 + QUESTION_BONUS * self._questions[item] + 4 * len(needle) / length
                else:
                    score = 80 + 10 * (1 - (position - start) / length)
                scored[item] = (min(score, 100.0), where, position - start)
                found += 1
            position = blob.find(needle, starts[local + 1])
        return found

    def _gapped(self, needle: str, scored: dict[int, tuple[float, str, int]]) -> None:
        """Titles holding the query's characters in order, with gaps (``显卡型号`` in
        显卡的具体型号), not too far apart: 80–89 by how tight they sit and question over section,
        below the same characters in one piece."""
        postings = sorted((self._postings.get(char) for char in set(needle)), key=lambda p: len(p) if p else 0)
        if not postings or postings[0] is None:
            return
        found = set(postings[0])
        for posting in postings[1:]:
            if posting is None:
                return
            found.intersection_update(posting)
        for item in sorted(found)[:GAPPED_CANDIDATES]:
            if item in scored or self._items[item] is None:
                continue
            width = _gapped_width(needle, self._title(item))
            if width and width <= GAPPED_SPREAD * len(needle):
                scored[item] = (80 + 7 * len(needle) / width + 2 * self._questions[item], "title", GAPPED)

    def _pinyin_hits(self, needle: str, scored: dict[int, tuple[float, str, int]]) -> None:
        """Titles whose characters ``needle`` spells in pinyin (``weitiao``, ``wt``, ``weit``
        for 微调): 70–79, below the same characters typed."""
        for item, (start, end) in self._spelled(needle).items():
            if item not in scored:
                fit = (end - start) / max(len(self._title(item)), 1)
                scored[item] = (70 + 4 * self._questions[item] + 4 * fit, "title", PINYIN)

    def _spelled(self, needle: str) -> dict[int, tuple[int, int]]:
        """The live items whose title ``needle`` spells in pinyin (two characters or more),
        with the characters spelled; kept for the next queries (a term typed again, as the
        query grows, costs nothing)."""
        cache = self._spelled_cache
        if needle in cache:
            return cache[needle]
        self.prepare_pinyin()
        assert self._pinyin is not None
        found: set[int] = set()
        pairs = pinyin.first_pairs(needle)
        for path in pinyin.pair_paths(needle):  # titles holding every pair of one path
            postings = sorted((self._pinyin.get(pair, array("i")) for pair in path), key=len)
            found.update(set(postings[0]).intersection(*postings[1:]))
        spelled: dict[int, tuple[int, int]] = {}
        for item in sorted(found)[:PINYIN_CANDIDATES]:
            if self._items[item] is None:
                continue
            if len(needle) == 2:  # two initials: every title holding the pair is spelled (where
                spelled[item] = (0, 2)  # is found again for the highlight)
            elif span := pinyin.spell(needle, self._title(item), pairs):
                spelled[item] = span
        if len(cache) >= SPELLED_KEPT:
            cache.pop(next(iter(cache)))
        cache[needle] = spelled
        return spelled

    def _candidates(self, needle: str, exclude: Mapping[int, object]) -> list[int]:
        """The live items (not in ``exclude``) holding the most of ``needle``'s grams: the
        ones worth a fuzzy comparison."""
        items = self._items
        counts = self._gram_counts(needle)
        return _most_counted(counts, FUZZY_CANDIDATES, lambda item: items[item] is not None and item not in exclude)

    def _gram_counts(self, needle: str) -> Counter[int]:
        """How many of ``needle``'s character pairs each item holds (of its characters, when
        a typo in a short query breaks most pairs), a gram in more than ``COMMON_GRAM``
        items not counted (unless every gram is). As the query grows, the previous
        keystroke's counts are added to, not made again."""
        pairs = set(_bigrams(needle))
        grams = {gram for gram in pairs if gram in self._postings}
        if len(grams) < max(1, len(pairs) // 2):
            grams.update(char for char in needle if char in self._postings)
        common = max(COMMON_GRAM, len(self) // 10)
        counted = frozenset(gram for gram in grams if len(self._postings[gram]) <= common)
        if not counted and grams:
            counted = frozenset({min(grams, key=lambda gram: len(self._postings[gram]))})
        last = self._last_counts
        if last is not None and last[0] <= counted:  # the query grew
            counts = last[1].copy()
            new = counted - last[0]
        else:
            counts, new = Counter(), counted
        for gram in new:
            counts.update(self._postings[gram])
        self._last_counts = (counted, counts)
        return counts

    def _fuzzy(self, needle: str, scored: dict[int, tuple[float, str, int]]) -> None:
        from rapidfuzz import fuzz

        for item in self._candidates(needle, scored):
            title, body = self._texts(item)
            # a title shorter than the query would be found inside it: compare them whole
            compare = fuzz.partial_ratio if len(title) >= len(needle) else fuzz.ratio
            title_score = compare(needle, title, score_cutoff=TITLE_CUTOFF)
            if title_score:  # below 80; among equals, a question, then the closer fit
                fit = len(needle) / max(len(title), len(needle))
                scored[item] = (0.75 * title_score + 2 * self._questions[item] + 2.9 * fit, "title", -1)
                continue
            body_score = fuzz.partial_ratio(needle, body, score_cutoff=BODY_CUTOFF)
            if body_score:
                scored[item] = (0.7 * body_score, "body", -1)

    def _texts(self, item: int) -> tuple[str, str]:
        """The item's normalised title and answer."""
        return self._title(item), self._body(item)

    def _title(self, item: int) -> str:
        info = self._items[item]
        assert info is not None
        entry = self._files[info[0]]
        local = item - entry.items[0]  # a file's items have consecutive ids
        return entry.titles[entry.title_starts[local] : entry.title_starts[local + 1] - 1]

    def _body(self, item: int) -> str:
        info = self._items[item]
        assert info is not None
        entry = self._files[info[0]]
        local = item - entry.items[0]
        return entry.bodies[entry.body_starts[local] : entry.body_starts[local + 1] - 1]

    # -- results ----------------------------------------------------------------------

    def _hit(self, item: int, needle: str, score: float, where: str, position: int) -> Hit:
        doc, heading = self._heading(item)
        if where == "title" and position == GAPPED:
            return _make_hit(doc, heading, score, where, _locate_in_order(heading.title, needle))
        if where == "title" and position == PINYIN:
            return _make_hit(doc, heading, score, where, _locate_spelled(heading.title, needle))
        if where == "title":
            return _make_hit(doc, heading, score, where, _locate(heading.title, needle, position))
        return _make_hit(doc, heading, score, where, (), _snippet(doc.span_text(heading.answer), needle, position))

    def _heading(self, item: int) -> tuple[Document, Heading]:
        info = self._items[item]
        assert info is not None
        rel, index = info
        doc = self._documents[rel]
        return doc, doc.headings[index]


def _locate(original: str, needle: str, position: int) -> tuple[tuple[int, int], ...]:
    """Ranges of ``original`` that match ``needle`` (exact at ``position``, or fuzzy)."""
    normalized, mapping = normalize_mapped(original)
    if position < 0 or normalized[position : position + len(needle)] != needle:
        position = normalized.find(needle)
    if position >= 0:
        start, end = position, position + len(needle)
    else:
        from rapidfuzz import fuzz

        alignment = fuzz.partial_ratio_alignment(needle, normalized)
        if alignment is None or alignment.dest_end <= alignment.dest_start:
            return ()
        start, end = alignment.dest_start, alignment.dest_end
    if end <= start or end > len(mapping):
        return ()
    return ((mapping[start], mapping[end - 1] + 1),)


def _make_hit(
    doc: Document,
    heading: Heading,
    score: float,
    where: str,
    spans: tuple[tuple[int, int], ...],
    snippet: tuple[str, tuple[tuple[int, int], ...]] = ("", ()),
) -> Hit:
    return Hit(
        file=doc.rel,
        line=heading.line + 1,
        title=heading.title,
        path=doc.title_path(heading)[:-1],
        score=score,
        where=where,
        mastered=heading.mastered,
        index=heading.index,
        spans=spans,
        snippet=snippet[0],
        snippet_spans=snippet[1],
        ref=HeadingRef.of(doc, heading),
    )


def _coverage(
    fuzz: Any, wanted: list[Term], weights: list[float], title: str, body: str, spells: list[bool]
) -> tuple[float, bool]:
    """The rarity-weighted share of the terms that ``title`` or ``body`` holds (a term in
    the title counts 1, spelled in pinyin in the title 0.8 (``spells``: whether it may be),
    in the answer 0.7, within typo tolerance less, in part less again), and whether every
    term is there as typed (or spelled). An exact term that is not there as typed rules the
    item out (0)."""
    total = covered = 0.0
    every = True
    for term, weight, may_spell in zip(wanted, weights, spells):
        text = term.text
        if text in title:
            quality = 1.0
        elif text in body:
            quality = 0.7
        elif term.exact:
            return 0.0, False
        elif may_spell:
            quality = 0.8  # spelled in pinyin: below the characters typed
        else:  # within typo tolerance, else in part (some of its characters' pairs): below
            every = False  # every item holding every term as typed, whatever else it holds
            if len(text) >= TERM_TYPO_MIN and (
                len(title) >= len(text) and (ratio := fuzz.partial_ratio(text, title, score_cutoff=TERM_TYPO_CUTOFF))
            ):
                quality = 0.85 * ratio / 100
            elif len(text) >= TERM_TYPO_MIN and (
                ratio := fuzz.partial_ratio(text, body[:BODY_GRAM_CHARS], score_cutoff=TERM_TYPO_CUTOFF)
            ):
                quality = 0.6 * ratio / 100
            else:
                quality = PART_WEIGHT * max(_part(text, title), ANSWER_PART * _part(text, body))
        total += weight
        covered += weight * quality
    return (covered / total if total else 0.0), every


def _idf(items: int, holding: int) -> float:
    """How much a term found in ``holding`` of ``items`` weighs: BM25's inverse document
    frequency (a rare term weighs more than a common one, never 0)."""
    return math.log(1 + (items - holding + 0.5) / (holding + 0.5))


def _most_counted(counts: Counter[int], wanted: int, keep: Callable[[int], bool]) -> list[int]:
    """The ``wanted`` items with the highest counts that ``keep`` keeps, most first (ties in
    notebook order, however the counts were made). The counts are read once: only items at or above the count that
    gives enough of them are looked at (most items are counted once)."""
    needed = wanted
    at_least = 1
    for count, number in sorted(Counter(counts.values()).items(), reverse=True):
        needed -= number
        if needed <= 0:
            at_least = count
            break
    chosen = [item for item, count in counts.items() if count >= at_least and keep(item)]
    if len(chosen) < wanted and at_least > 1:  # some were left out: look at every item
        chosen = [item for item in counts if keep(item)]
    chosen.sort(key=lambda item: (-counts[item], item))  # ties: in notebook order
    return chosen[:wanted]


def _part(term: str, text: str) -> float:
    """The share of a Chinese ``term``'s character pairs that ``text`` holds: how much of a
    term written otherwise (``训练困难`` in 难训练) is there. A pair is the smallest part that
    says something (学 and 到 apart are not 学到)."""
    if len(term) < 3 or not _is_cjk(term[0]) or not _is_cjk(term[-1]):
        return 0.0
    grams = list(_bigrams(term))
    return sum(gram in text for gram in grams) / len(grams)


def _gapped_width(needle: str, text: str) -> int:
    """The width of the tightest stretch of ``text`` holding ``needle``'s characters in
    order (0: none)."""
    best = 0
    start = text.find(needle[0])
    while start != -1:
        end = start
        for char in needle[1:]:
            end = text.find(char, end + 1)
            if end == -1:
                return best
        width = end - start + 1
        best = width if not best else min(best, width)
        start = text.find(needle[0], start + 1)
    return best


def _locate_in_order(original: str, needle: str) -> tuple[tuple[int, int], ...]:
    """Ranges of ``original`` holding ``needle``'s characters in order, from the tightest
    stretch (each run of adjacent characters one range)."""
    normalized, mapping = normalize_mapped(original)
    width = _gapped_width(needle, normalized)
    if not width:
        return ()
    start = next(
        i
        for i in range(len(normalized))
        if normalized[i] == needle[0] and _gapped_width(needle, normalized[i : i + width]) == width
    )
    positions = [start]
    for char in needle[1:]:
        positions.append(normalized.find(char, positions[-1] + 1))
    spans: list[tuple[int, int]] = []
    for position in positions:
        begin, end = mapping[position], mapping[position] + 1
        if spans and spans[-1][1] == begin:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((begin, end))
    return tuple(spans)


def _locate_spelled(original: str, needle: str) -> tuple[tuple[int, int], ...]:
    """The range of ``original`` whose characters ``needle`` spells in pinyin."""
    normalized, mapping = normalize_mapped(original)
    span = pinyin.spell(needle, normalized)
    if span is None or span[1] <= span[0]:
        return ()
    return ((mapping[span[0]], mapping[span[1] - 1] + 1),)


def _snippet(answer: str, needle: str, position: int, width: int = 80) -> tuple[str, tuple[tuple[int, int], ...]]:
    """One line of ``answer`` around the match, with the match's range in that line."""
    from notesui.core.text import one_line

    line = one_line(answer)
    spans = _locate(line, needle, -1)
    if not spans:
        return line[:width], ()
    start, end = spans[0]
    left = max(0, start - width // 3)
    right = min(len(line), max(end, left + width))
    prefix = "…" if left else ""
    suffix = "…" if right < len(line) else ""
    text = prefix + line[left:right] + suffix
    offset = len(prefix) - left
    return text, ((start + offset, min(end, right) + offset),)


def matches_in(text: str, query: str, typed: Collection[str] | None = None) -> list[tuple[int, int]]:
    """Where ``query``'s terms are in ``text``, as (start, end) ranges of ``text`` in order
    (overlaps merged): each term as search reads it (Traditional = Simplified, full width,
    case, spaces), a term of letters found nowhere as typed where it spells characters in
    pinyin. ``typed``: the terms found as typed in a larger text this one is part of (a part
    without them is not searched for their pinyin). What the reader's ``n``/``N`` move between."""
    normalized, mapping = normalize_mapped(text)
    found: list[tuple[int, int]] = []
    for term in parse_query(query):
        if term.exclude:
            continue
        needle, start, before = term.text, normalized.find(term.text), len(found)
        while start != -1:
            found.append((start, start + len(needle)))
            start = normalized.find(needle, start + len(needle))
        elsewhere = typed is not None and needle in typed
        if len(found) == before and not elsewhere and not term.exact and pinyin.is_pinyin(needle):
            offset = 0
            while (span := pinyin.spell(needle, normalized[offset:])) is not None:
                found.append((offset + span[0], offset + span[1]))
                offset += span[1]
    merged: list[tuple[int, int]] = []  # in the original text (one character may normalise to several)
    for start, end in sorted((mapping[start], mapping[end - 1] + 1) for start, end in found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def typed_terms(text: str, query: str) -> set[str]:
    """The terms of ``query`` that ``text`` holds as typed (see ``matches_in``)."""
    normalized = normalize(text)
    return {term.text for term in parse_query(query) if term.text in normalized}


def search(documents: Mapping[str, Document], query: str, limit: int = 20) -> list[Hit]:
    """One-off search: build the index and query it."""
    return SearchIndex.build(documents).search(query, limit)
