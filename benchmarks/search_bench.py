"""Search speed per keystroke on a synthetic corpus built from the bundled notes.

    python benchmarks/search_bench.py --items 10000 [--json]

Every query is typed character by character; each prefix is one search. Prints p50/p95/max
per keystroke, the index build time and the process RSS; with fzf installed, also the time
of ``fzf --filter`` on the same corpus (one line per question) for the same keystrokes.

    python benchmarks/search_bench.py --items 100000 --cli [--json]

times ``notesui search`` end to end instead: its first run in the folder (everything parsed
and indexed, then kept), then a few queries with the caches warm.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from notesui.core.document import Document  # noqa: E402
from notesui.core.notebook import Notebook  # noqa: E402
from notesui.core.search import SearchIndex  # noqa: E402

QUERIES = [
    "微调",
    "微調",
    "LoRA",
    "lora微调",
    "注意力機制",
    "attention",
    "flashatention",
    "位置编码",
    "位置編碼",
    "RLHF",
    "梯度消失",
    "分布式訓練",
    "deepspeed zero",
    "大模型幻觉",
    "模型量化",
    "kv cache",
    "tokenizer",
    "思维链提示",
    "prefix decoder",
    "显存估算",
    "混合精度训练",
    "transfromer",
    "langchian",
    "RAG检索增强生成",
    "激活函数SwiGLU",
    # several terms, in any order, and characters with gaps
    "lora 显存",
    "思维链 局限性",
    "显存 全参数微调",
    "增量预训练 流程",
    "显卡型号",
    "缓解复读机",
    "attention !flash",
    # pinyin: in full, by initials, mixed, and among characters
    "weitiao",
    "xianka xinghao",
    "wt xc",
    "weit xianc",
    "lora xiancun",
]
QUESTIONS_PER_FILE = 200


def corpus(items: int) -> list[tuple[str, str]]:
    """``items`` (title, answer) pairs: the bundled questions, recombined deterministically."""
    base: list[tuple[str, str]] = []
    for path in sorted((REPO / "notes").glob("*.md")):
        doc = Document.load(path)
        for heading in doc.headings:
            if heading.is_question:
                base.append((heading.title, doc.span_text(heading.answer).strip()))
    rng = random.Random(20261125)
    out = []
    for i in range(items):
        title, answer = base[i % len(base)]
        if i >= len(base):
            other_title, other_answer = base[rng.randrange(len(base))]
            cut = rng.randrange(1, max(2, len(other_title)))
            title = f"{title} {other_title[:cut]}"
            answer = f"{answer}\n\n{other_answer[: rng.randrange(0, 200)]}"
        out.append((title, answer))
    return out


def write_notes(pairs: list[tuple[str, str]], root: Path) -> None:
    for start in range(0, len(pairs), QUESTIONS_PER_FILE):
        chunk = pairs[start : start + QUESTIONS_PER_FILE]
        text = "".join(f"## {title}\n\n{answer}\n\n" for title, answer in chunk)
        (root / f"part-{start // QUESTIONS_PER_FILE:05d}.md").write_text(text, encoding="utf-8")


def keystrokes() -> list[str]:
    return [q[:i] for q in QUERIES for i in range(1, len(q) + 1) if q[:i].strip()]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_fzf(pairs: list[tuple[str, str]], typed: list[str]) -> list[float] | None:
    fzf = shutil.which("fzf")
    if fzf is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as handle:
        for title, answer in pairs:
            handle.write(f"{title} {' '.join(answer.split())}\n")
    times = []
    for query in typed:
        started = time.perf_counter()
        with open(handle.name, "rb") as source:
            subprocess.run([fzf, "--filter", query], stdin=source, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - started) * 1000)
    Path(handle.name).unlink()
    return times


CLI_QUERIES = ["微调", "lora 显存", "transfromer", "weitiao", "显卡型号", "deepspeed zero"]


def time_cli(pairs: list[tuple[str, str]]) -> dict[str, object]:
    """``notesui search`` end to end, as a user runs it: the first run in a folder (nothing
    kept: parse, index), then each query again once the caches are warm."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "notes"
        root.mkdir()
        write_notes(pairs, root)
        env = {**os.environ, "XDG_CACHE_HOME": str(Path(folder) / "cache"), "NOTESUI_BACKGROUND_INDEX": "0"}
        env["XDG_STATE_HOME"] = env["XDG_DATA_HOME"] = str(Path(folder) / "state")

        def run(*args: str) -> float:
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "notesui", *args], env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL
            )
            return time.perf_counter() - started

        cold = run("search", "--dir", str(root), CLI_QUERIES[0])
        warm = [run("search", "--dir", str(root), query) for query in CLI_QUERIES]
    return {
        "items": len(pairs),
        "cli_cold_s": round(cold, 2),
        "cli_warm_median_s": round(statistics.median(warm), 2),
        "cli_warm_max_s": round(max(warm), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--cli", action="store_true", help="time `notesui search` end to end instead")
    options = parser.parse_args()
    pairs = corpus(options.items)
    if options.cli:
        timed = time_cli(pairs)
        if options.json:
            print(json.dumps(timed))
        else:
            print(
                f"notesui search at {timed['items']} questions: first run {timed['cli_cold_s']} s; warm "
                f"median {timed['cli_warm_median_s']} s, max {timed['cli_warm_max_s']} s ({len(CLI_QUERIES)} queries)"
            )
        return
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_notes(pairs, root)
        notebook = Notebook.open(root)
        started = time.perf_counter()
        index = SearchIndex.build(notebook.documents)
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        index.prepare_pinyin()  # the app does it in the background after the build
        pinyin_s = time.perf_counter() - started
        biggest = next(iter(notebook.documents))
        started = time.perf_counter()
        index.update_file(biggest, notebook.documents[biggest])
        reindex_ms = (time.perf_counter() - started) * 1000
    gc.freeze()  # as the app does once the index is built (no full collection pauses)
    typed = keystrokes()
    index.search("warm up", 20)
    times = []
    for query in typed:
        started = time.perf_counter()
        index.search(query, 20)
        times.append((time.perf_counter() - started) * 1000)
    result = {
        "items": len(index),
        "queries": len(QUERIES),
        "keystrokes": len(typed),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "max_ms": round(max(times), 2),
        "build_s": round(build_s, 3),
        "pinyin_s": round(pinyin_s, 3),
        "reindex_file_ms": round(reindex_ms, 2),
        "rss_mb": round(rss_mb(), 1),
    }
    fzf_times = time_fzf(pairs, typed)
    if fzf_times is not None:
        result["fzf_p50_ms"] = round(statistics.median(fzf_times), 2)
        result["fzf_ratio_p50"] = round(result["p50_ms"] / result["fzf_p50_ms"], 3)
    if options.json:
        print(json.dumps(result))
        return
    print(
        f"{result['items']} questions, {len(QUERIES)} queries typed as {len(typed)} keystrokes: "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms"
    )
    print(
        f"index build {result['build_s']} s (+ pinyin {result['pinyin_s']} s), re-index of one {QUESTIONS_PER_FILE}-question file "
        f"{result['reindex_file_ms']} ms, peak RSS {result['rss_mb']} MB"
    )
    if fzf_times is not None:
        print(f"fzf --filter p50 {result['fzf_p50_ms']} ms (ours / fzf = {result['fzf_ratio_p50']})")
    else:
        print("fzf not installed: no peer baseline")


if __name__ == "__main__":
    main()
