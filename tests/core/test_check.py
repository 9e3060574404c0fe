"""``notesui check`` finds the seams a PDF or chat dump leaves in notes (as warnings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from notesui.cli import main

SEAMS = """# 1LLMs 复读机问题

## 1.1 什么是 LLMs 复读机问题？

复读机问题是指模型重复生成相同的内容。
2.1llama 输入句子长度理论上可以无限长吗？
这一行是答案。

```text
3.1 代码里的这一行不是问题？
```

## 3.PPO（强化学习）的数据格式？理论上来说，不需要新增数据。需要提供一些 prompt，可以直接用 SFT 阶段的问题

## 8.2 为什么要用 tf32？

因为更快。

## 8.2 为什么要用 tf32？

因为更快，也省显存。

## 空的问题？
"""


@pytest.fixture
def seams(tmp_path: Path) -> Path:
    (tmp_path / "a.md").write_text(SEAMS, encoding="utf-8")
    (tmp_path / "b.md").write_text(
        "# 其他\n\n## tf32 为什么要用？\n\n别处。\n\n## 为什么要用tf32?\n\n又是它。\n", "utf-8"
    )
    return tmp_path


def _findings(root: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert main(["check", "--json", "--dir", str(root)]) == 0  # warnings only
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_check_finds_each_seam(seams: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = {(f["kind"], f["file"], f["line"]) for f in _findings(seams, capsys)}
    assert ("question-in-answer", "a.md", 6) in found  # 2.1llama …？ inside an answer
    assert not any(kind == "question-in-answer" and line == 10 for kind, _, line in found)  # (code)
    assert ("answer-in-heading", "a.md", 13) in found
    assert ("empty-answer", "a.md", 23) in found
    assert ("duplicate-title", "a.md", 15) in found and ("duplicate-title", "a.md", 19) in found
    assert ("duplicate-title", "b.md", 7) in found  # the same question in another file (numbering aside)
    assert not any(kind == "duplicate-title" and file == "b.md" and line == 3 for kind, file, line in found)


def test_check_text_output_names_every_finding(seams: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--dir", str(seams)]) == 0
    out = capsys.readouterr().out
    assert "a.md:6: warning: question-like line inside an answer: 2.1llama" in out
    assert "b.md:7: warning: duplicate title: 为什么要用tf32? (also a.md:15, a.md:19)" in out


def test_numbers_that_are_part_of_a_title_are_not_numbering(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.md").write_text(
        "# T\n\n## 4-bit 量化有什么好处？\n\n省显存。\n\n## 8-bit 量化有什么好处？\n\n也省。\n\n## 1.\n\n一\n\n## 2.\n\n二\n\n"
        "## 一致性哈希是什么？\n\n答。\n\n    1.1 缩进的代码不是问题？\n",
        encoding="utf-8",
    )
    found = _findings(tmp_path, capsys)
    assert not [f for f in found if f["kind"] in ("duplicate-title", "question-in-answer")]
