"""Search: normalisation, ranking rules, highlights, snippets, incremental re-indexing."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from notesui.core.document import Document
from notesui.core.notebook import Notebook
from notesui.core.search import SearchIndex
from notesui.core.textnorm import normalize, normalize_many, normalize_mapped


def test_normalisation_traditional_fullwidth_case_and_spaces() -> None:
    assert normalize("微調") == normalize("微调") == "微调"
    assert normalize("ＬｏＲＡ 微調") == "lora微调"
    assert normalize("Flash  Attention\n") == "flashattention"


@given(
    st.lists(st.text(alphabet=st.sampled_from("微調调ＬｏＲＡlora \t\n\x1e\u0301eé發髮后後"), max_size=12), max_size=8)
)
def test_batch_normalisation_equals_one_by_one(texts: list[str]) -> None:
    assert normalize_many(texts) == [normalize(text) for text in texts]


def test_mapped_normalisation_points_back_into_the_original() -> None:
    text, mapping = normalize_mapped("Ａ 微調")
    assert text == "a微调"
    assert mapping == [0, 2, 3]


def index_for(tmp_path: Path, files: dict[str, str]) -> tuple[Notebook, SearchIndex]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    notebook = Notebook.open(tmp_path)
    return notebook, SearchIndex.build(notebook.documents)


def test_traditional_and_simplified_find_the_same(tmp_path: Path) -> None:
    _, index = index_for(tmp_path, {"a.md": "## 什么是微调？\n\n在预训练模型上继续训练。\n\n## 其他\n\n無關\n"})
    simplified = [(h.file, h.line) for h in index.search("微调")]
    traditional = [(h.file, h.line) for h in index.search("微調")]
    assert simplified == traditional == [("a.md", 1)]


def test_title_beats_body_and_exact_beats_fuzzy(tmp_path: Path) -> None:
    _, index = index_for(
        tmp_path,
        {
            "a.md": (
                "## Body mention\n\nwe use attention here\n\n"
                "## Attention basics\n\ntext\n\n"
                "## Attenton typo title\n\ntext\n\n"
            )
        },
    )
    hits = index.search("attention")
    assert [h.title for h in hits[:3]] == ["Attention basics", "Body mention", "Attenton typo title"]
    assert [h.where for h in hits[:3]] == ["title", "body", "title"]
    assert hits[0].score > hits[1].score > hits[2].score


def test_typos_still_find_the_question(tmp_path: Path) -> None:
    _, index = index_for(tmp_path, {"a.md": "## FlashAttention 的原理\n\n分块计算\n\n## Other\n\nx\n"})
    assert index.search("flashatention")[0].title == "FlashAttention 的原理"


def test_highlight_spans_and_snippet(tmp_path: Path) -> None:
    _, index = index_for(
        tmp_path,
        {"a.md": "## 什麼是 LoRA？\n\n低秩适配：训练两个小矩阵。\n\n## Q2\n\n" + "前文" * 30 + "梯度消失问题\n"},
    )
    title_hit = index.search("什么是lora")[0]
    start, end = title_hit.spans[0]
    assert title_hit.title[start:end] == "什麼是 LoRA"
    body_hit = index.search("梯度消失")[0]
    assert body_hit.where == "body" and "梯度消失" in body_hit.snippet
    s, e = body_hit.snippet_spans[0]
    assert body_hit.snippet[s:e] == "梯度消失"
    assert body_hit.snippet.startswith("…")


def test_reindexing_one_file(tmp_path: Path) -> None:
    notebook, index = index_for(tmp_path, {"a.md": "## Alpha question\n\nx\n", "b.md": "## Beta question\n\ny\n"})
    assert [h.file for h in index.search("alpha")] == ["a.md"]
    (tmp_path / "a.md").write_text("## Gamma question\n\nx\n")
    index.update_file("a.md", notebook.reload("a.md"))
    assert index.search("alpha") == []
    assert [h.file for h in index.search("gamma")] == ["a.md"]
    assert [h.file for h in index.search("beta")] == ["b.md"]
    index.update_file("b.md", None)
    assert index.search("beta") == [] and len(index) == 1


def test_common_query_ranks_the_shortest_titles_first_in_every_file(tmp_path: Path) -> None:
    files = {f"f{i}.md": "".join(f"## model number {i}-{j}\n\nx\n\n" for j in range(30)) for i in range(5)}
    files["f5.md"] = "## Model\n\nx\n\n## The model\n\nx\n"
    notebook, index = index_for(tmp_path, files)
    assert [h.title for h in index.search("model", 2)] == ["Model", "The model"]
    # a file re-indexed after the build is searched too, and its old titles are gone
    (tmp_path / "f0.md").write_text("## MODE\n\nx\n## mod el\n\nx\n")
    index.update_file("f0.md", notebook.reload("f0.md"))
    assert sorted(h.title for h in index.search("model", 2)) == ["Model", "mod el"]
    assert not any(h.title.startswith("model number 0-") for h in index.search("model number 0", 50))
    for round in range(80):  # enough re-indexed files to rebuild the main title list
        index.update_file(f"f{round % 5 + 1}.md", notebook.reload(f"f{round % 5 + 1}.md"))
    assert sorted(h.title for h in index.search("model", 2)) == ["Model", "mod el"]
    assert len([h for h in index.search("model number", 200) if h.score >= 90]) == 120  # exact


def test_compaction_keeps_results(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from notesui.core import search as search_module

    monkeypatch.setattr(search_module, "COMPACT_MIN_DEAD", 1000)
    notebook, index = index_for(tmp_path, {"a.md": "".join(f"## Question {i}\n\nanswer {i}\n\n" for i in range(600))})
    doc = notebook.documents["a.md"]
    dead = []
    for _ in range(3):
        index.update_file("a.md", Document.parse(doc.data, "a.md"))
        dead.append(index._dead)
    assert dead == [600, 0, 600]  # compacted once more dead than live (and than the minimum)
    assert len(index) == 600
    assert index.search("question 599")[0].title == "Question 599"


def test_empty_and_separator_queries(tmp_path: Path) -> None:
    _, index = index_for(tmp_path, {"a.md": "## A\n\nx\n"})
    assert index.search("   ") == [] and index.search("\x00") == []


def test_a_file_without_headings_never_shifts_the_hits_of_others(tmp_path: Path) -> None:
    _, index = index_for(tmp_path, {"a.md": "preamble only\n", "b.md": "## Apple pie?\n\nYes.\n\n## Banana?\n\nNo.\n"})
    hits = index.search("apple")
    assert [(h.file, h.title) for h in hits][:1] == [("b.md", "Apple pie?")]
    assert index.search("banana")[0].title == "Banana?"


BUNDLED = Path(__file__).resolve().parents[2] / "notes"
_SHARED: dict[str, object] = {}


def _results(index: SearchIndex, query: str) -> list[tuple[str, int, float]]:
    return [(hit.file, hit.line, hit.score) for hit in index.search(query, 10)]


def _pasted(query: str) -> list[tuple[str, int, float]]:
    """The results of ``query`` on a fresh index that searched nothing before."""
    if query not in _SHARED:
        if "notebook" not in _SHARED:
            _SHARED["notebook"] = Notebook.open(BUNDLED)
        _SHARED[query] = _results(SearchIndex.build(_SHARED["notebook"].documents), query)  # type: ignore[attr-defined]
    return _SHARED[query]  # type: ignore[return-value]


@settings(deadline=None, max_examples=25)
@given(
    st.lists(
        st.sampled_from(["transfromer", "flashatention", "lora xiancun", "weit", "显卡型号", "deepsped", "qlroa 显存"]),
        min_size=1,
        max_size=4,
    )
)
def test_results_never_depend_on_the_keystrokes_before(queries: list[str]) -> None:
    # each keystroke narrows from the previous one's work (fuzzy counts, pinyin matches):
    # typing a query gives what a fresh index gives for it pasted
    expected = {query: _pasted(query) for query in queries}
    if "typed" not in _SHARED:
        _SHARED["typed"] = SearchIndex.build(_SHARED["notebook"].documents)  # type: ignore[attr-defined]
    typed: SearchIndex = _SHARED["typed"]  # type: ignore[assignment]
    for query in queries:
        for end in range(1, len(query) + 1):
            typed.search(query[:end], 10)
        assert _results(typed, query) == expected[query]
