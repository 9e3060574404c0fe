"""Queries of several terms: every term must match, in any order; the question that holds
every word beats a short section that holds one; characters with gaps; fzf's ' ! "…"."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from notesui.core.notebook import Notebook
from notesui.core.search import Hit, SearchIndex, Term, parse_query

NOTES = """# LoRA

## LoRA

一种参数高效微调方法。

## 如何对 LoRA 模块进行显存优化？

梯度检查点。

## QLoRA 的特点是什么？

量化加 LoRA。

# 思维链篇

## 思维链的优势

分步推理。

## 思维链 Chain-of-Thought 有哪些局限性？

依赖模型规模。

## 如何查看服务器上显卡的具体型号？

nvidia-smi。

## 显卡

### 型号列表

A100、H100。

## RLHF 篇

### RLHF 在实践中有哪些不足？

成本高，奖励模型难训练。
"""


def index(tmp_path: Path) -> SearchIndex:
    (tmp_path / "a.md").write_text(NOTES, encoding="utf-8")
    return SearchIndex.build(Notebook.open(tmp_path).documents)


def titles(index: SearchIndex, query: str, n: int = 3) -> list[str]:
    return [hit.title for hit in index.search(query, n)]


def test_the_query_is_read_as_terms() -> None:
    assert parse_query("lora 显存") == [Term("lora"), Term("显存")]
    assert parse_query("lora微调") == [Term("lora"), Term("微调")]  # where Latin meets CJK
    assert parse_query('\'atention !qlora "Chain of"') == [
        Term("atention", exact=True),
        Term("qlora", exclude=True),
        Term("chainof", exact=True),
    ]
    assert parse_query("微調  ＬｏＲＡ") == [Term("微调"), Term("lora")]  # the normalisation rules stay
    assert parse_query("   ") == [] and parse_query('""') == []


def test_every_term_in_any_order(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert titles(found, "局限性 思维链", 1) == ["思维链 Chain-of-Thought 有哪些局限性？"]
    assert titles(found, "思维链 局限性", 1) == ["思维链 Chain-of-Thought 有哪些局限性？"]
    assert titles(found, "显存 lora", 1) == ["如何对 LoRA 模块进行显存优化？"]


def test_a_short_section_in_the_query_never_beats_the_question_with_every_word(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert titles(found, "lora 显存", 1) == ["如何对 LoRA 模块进行显存优化？"]
    assert titles(found, "qlora特点", 1) == ["QLoRA 的特点是什么？"]


def test_a_question_beats_a_section_with_the_same_match(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert titles(found, "RLHF", 1) == ["RLHF 在实践中有哪些不足？"]


def test_characters_with_gaps(tmp_path: Path) -> None:
    found = index(tmp_path)
    hit = found.search("显卡型号", 1)[0]
    assert hit.title == "如何查看服务器上显卡的具体型号？"
    assert [hit.title[a:b] for a, b in hit.spans] == ["显卡", "型号"]


def test_exclude_exact_and_phrase(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert "QLoRA 的特点是什么？" not in titles(found, "lora !qlora", 10)
    assert titles(found, "lora !qlora", 10)
    assert titles(found, "'lroa 显存", 10) == []  # an exact term takes no typo
    assert titles(found, "lroa 显存", 1) == ["如何对 LoRA 模块进行显存优化？"]  # a plain one does
    assert titles(found, '"chain-of-thought" 局限', 1) == ["思维链 Chain-of-Thought 有哪些局限性？"]


def test_terms_are_highlighted_where_they_matched(tmp_path: Path) -> None:
    found = index(tmp_path)
    hit = found.search("显存 lora", 1)[0]
    assert sorted(hit.title[a:b] for a, b in hit.spans) == ["LoRA", "显存"]
    body = found.search("成本 rlhf", 1)[0]
    assert body.title == "RLHF 在实践中有哪些不足？" and "成本" in body.snippet


def test_a_term_late_in_a_long_answer_counts_whatever_the_limit(tmp_path: Path) -> None:
    notes = "".join(f"## QLoRA 小节{n} 的一个很长的标题\n\n显存 占用说明。\n\n" for n in range(6))
    notes += "## QLoRA？\n\n" + "前文" * 120 + "显存\n"
    (tmp_path / "a.md").write_text(notes, encoding="utf-8")
    found = SearchIndex.build(Notebook.open(tmp_path).documents)
    assert titles(found, "qlora 显存", 1) == ["QLoRA？"]  # every term, and the closest title
    assert titles(found, "qlora 显存", 10)[:1] == ["QLoRA？"]


def test_punctuation_typed_with_a_query_is_no_term(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert parse_query("显卡型号？") == [Term("显卡型号?")]
    assert titles(found, "显卡型号？", 1) == ["如何查看服务器上显卡的具体型号？"]
    assert [t.text for t in parse_query("lora ？ 显存")] == ["lora", "显存"]


def test_an_exclusion_keeps_the_other_terms_matching_as_usual(tmp_path: Path) -> None:
    found = index(tmp_path)
    assert titles(found, "显卡型号 !a100", 1) == ["如何查看服务器上显卡的具体型号？"]
    assert titles(found, "flashatention !xyz", 1) == titles(found, "flashatention", 1)


def test_a_title_shorter_than_the_query_is_no_typo_match(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("## A\n\nx\n\n## 生成对抗网络 GAN 是什么？\n\n对抗。\n", encoding="utf-8")
    found = SearchIndex.build(Notebook.open(tmp_path).documents)
    assert titles(found, "lora gan", 1) == ["生成对抗网络 GAN 是什么？"]
    assert "A" not in titles(found, "gan", 5)


def test_the_closest_title_wins_a_tie_and_scores_stay_below_100(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("## 如何对 LoRA 模块进行显存优化？\n\nx\n\n## 显存优化\n\ny\n", encoding="utf-8")
    found = SearchIndex.build(Notebook.open(tmp_path).documents)
    hits = found.search("显存 优化", 2)
    assert [h.title for h in hits] == ["显存优化", "如何对 LoRA 模块进行显存优化？"]
    assert hits[0].score > hits[1].score and hits[0].score < 100


def test_how_the_query_was_read_is_said() -> None:
    from notesui.core.search import describe_query

    assert describe_query("微调") == ""  # one plain term: nothing to explain
    assert describe_query("lora显存") == "lora (or pinyin) + 显存"
    assert describe_query("'lroa !qlora 显存") == "'lroa + !qlora + 显存"
    assert describe_query("wt") == "wt (or pinyin)"


def test_a_term_said_otherwise_counts_by_the_pairs_it_shares(tmp_path: Path) -> None:
    # nothing holds 训练阶段: the question holding 阶段 (one of its pairs) beats those that
    # hold only the other term, however short; two characters apart are no part of a word
    (tmp_path / "a.md").write_text(
        "# 知识图谱\n\n图。\n\n# 知识蒸馏的方法\n\n蒸馏。\n\n# 预训练和微调哪个阶段注入知识？\n\n预训练。\n\n"
        "# 学习到的知识\n\n学。\n",
        encoding="utf-8",
    )
    found = SearchIndex.build(Notebook.open(tmp_path).documents)
    assert titles(found, "知识 训练阶段", 1) == ["预训练和微调哪个阶段注入知识？"]
    assert titles(found, "知识 学到", 1) == ["知识图谱"]  # 学习到 does not hold 学到


def test_matches_in_a_text_as_search_reads_the_query() -> None:
    from notesui.core.search import matches_in, typed_terms

    text = "LoRA 微調的顯存：lora 显存 ＬｏＲＡ"

    def found(query: str) -> list[str]:
        return [text[start:end] for start, end in matches_in(text, query)]

    assert found("lora") == ["LoRA", "lora", "ＬｏＲＡ"]  # case and full width
    assert found("显存 lora") == ["LoRA", "顯存", "lora", "显存", "ＬｏＲＡ"]  # every term, in text order
    assert found("weitiao") == ["微調"]  # pinyin, where the letters are not there as typed
    assert found("!lora 显存") == ["顯存", "显存"]  # an excluded term is no match
    assert found("'weitiao") == []  # an exact term is never read as pinyin
    assert found("显存显存") == []
    # letters found as typed elsewhere on the page are not read as pinyin in another part
    page = "学习率 lr 的设置。另一段：我们了然于心"
    assert matches_in("我们了然于心", "lr") == [(2, 4)]
    assert matches_in("我们了然于心", "lr", typed_terms(page, "lr")) == []
    assert matches_in("Straße", "s") == [(0, 1), (4, 5)]  # ß is "ss": one match, not two


def test_the_best_hit_never_depends_on_how_many_are_asked_for(tmp_path: Path) -> None:
    # every term as typed (here in an answer) beats a title holding one of them with a typo,
    # whether one hit is asked for or twenty
    (tmp_path / "a.md").write_text(
        "# attention transformr\n\nx\n\n# q\n\nthe attention is here and later the transformer too\n",
        encoding="utf-8",
    )
    found = SearchIndex.build(Notebook.open(tmp_path).documents)
    assert titles(found, "transformer attention", 1) == titles(found, "transformer attention", 20)[:1]
    assert titles(found, "transformer attention", 2) == ["q", "attention transformr"]


BUNDLED = Path(__file__).resolve().parents[2] / "notes"
_BUNDLED: list[SearchIndex] = []


def _bundled() -> SearchIndex:
    if not _BUNDLED:
        _BUNDLED.append(SearchIndex.build(Notebook.open(BUNDLED).documents))
    return _BUNDLED[0]


@settings(deadline=None, max_examples=150)
@given(st.data())
def test_items_left_unscored_could_never_have_made_the_list(data: st.DataObject) -> None:
    # several terms: once enough items hold every term in their titles, the others are not
    # scored when they could not score more; the hits holding every term are the same as
    # when everything is scored
    index = _bundled()
    titles = [index._title(item) for item in range(len(index))]
    terms = []
    for _ in range(data.draw(st.integers(2, 3))):
        title = data.draw(st.sampled_from([t for t in titles if len(t) >= 2]))
        start = data.draw(st.integers(0, len(title) - 1))
        terms.append(title[start : start + data.draw(st.integers(1, 4))])
    wanted = [Term(text) for text in terms]
    limit = data.draw(st.sampled_from([1, 5, 20]))

    def every(hits: list[Hit]) -> list[tuple[str, int, float]]:
        return [(hit.file, hit.line, hit.score) for hit in hits if hit.score >= 60]

    with index._lock:
        assert every(index._search_terms(wanted, [], limit)) == every(
            index._search_terms(wanted, [], limit, exhaustive=True)
        )


def test_a_question_with_a_term_in_its_answer_beats_sections_holding_both_in_the_title(tmp_path: Path) -> None:
    # many sections hold both terms in their titles; a question holding one in its title and
    # the other in its answer still ranks above them (it is never left unscored)
    sections = "".join(
        f"# alpha section number {n} with a long title and beta\n\n## child {n}\n\nx\n\n" for n in range(30)
    )
    (tmp_path / "a.md").write_text(sections + "# alpha question\n\nthe answer says beta.\n", encoding="utf-8")
    found = SearchIndex.build(Notebook.open(tmp_path).documents)
    assert titles(found, "alpha beta", 1) == ["alpha question"]
