"""Relevance on the bundled notes: recall@1, recall@5 and MRR per kind of query, for notesui
and, when ``fzf`` is installed, for ``fzf --filter`` on the same notes, side by side.

    python benchmarks/relevance_bench.py [--json]

The queries and the question each one means are ``tests/data/relevance.tsv``; a hit is judged
by ``tests/relevance_set.py`` (the same question in another file counts). fzf gets one
line per heading (its title, then its answer on the same line) and its extended-search
syntax, as a user would run ``fzf --filter``; a hit is a line whose title is the expected one.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(REPO / "tests"))

from relevance_set import cases, rank  # noqa: E402

from notesui.core.notebook import Notebook  # noqa: E402
from notesui.core.search import SearchIndex  # noqa: E402


def table(ranks: dict[str, list[int | None]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    everything = [r for found in ranks.values() for r in found]
    for kind, found in [*sorted(ranks.items()), ("all", everything)]:
        n = len(found)
        out[kind] = {
            "n": n,
            "recall@1": round(sum(r == 1 for r in found) / n, 3),
            "recall@5": round(sum(r is not None and r <= 5 for r in found) / n, 3),
            "mrr": round(sum(1 / r for r in found if r is not None) / n, 3),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    notebook = Notebook.open(REPO / "notes")
    index = SearchIndex.build(notebook.documents)
    lines = []
    for doc in notebook.documents.values():
        for heading in doc.headings:
            answer = " ".join(doc.span_text(heading.answer).split())
            lines.append(f"{heading.title}\t{answer}")
    corpus = "\n".join(lines) + "\n"
    fzf = shutil.which("fzf")
    ours: dict[str, list[int | None]] = defaultdict(list)
    theirs: dict[str, list[int | None]] = defaultdict(list)
    for query, expected, kind in cases():
        ours[kind].append(rank([hit.title for hit in index.search(query, 5)], expected))
        if fzf:
            result = subprocess.run([fzf, "--filter", query], input=corpus, capture_output=True, text=True)
            titles = [line.split("\t", 1)[0] for line in result.stdout.splitlines()[:5]]
            theirs[kind].append(rank(titles, expected))
    result = {"notesui": table(ours), **({"fzf": table(theirs)} if fzf else {})}
    if options.json:
        print(json.dumps(result, ensure_ascii=False))
        return
    print(f"{'kind':<12} {'n':>3}  notesui r@1  r@5   mrr" + ("   |  fzf r@1  r@5   mrr" if fzf else ""))
    for kind, row in result["notesui"].items():
        line = f"{kind:<12} {row['n']:>3}  {row['recall@1']:>11} {row['recall@5']:>5} {row['mrr']:>5}"
        if fzf:
            other = result["fzf"][kind]
            line += f"   |  {other['recall@1']:>7} {other['recall@5']:>5} {other['mrr']:>5}"
        print(line)
    if not fzf:
        print("fzf not installed (apt-get install fzf): no peer column")


if __name__ == "__main__":
    main()
