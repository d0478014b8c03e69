"""Rendering and scoring speed on the full BLURB test sets of NCBI-disease, BC5CDR and PubMedQA.

Prints records/s for rendering (prompt + target) and predictions/s for scoring (parse + metric, the
gold targets as predictions), medians of 5 runs on one core, and writes
``benchmarks/results/render_score.json``. Targets: rendering >= 5,000/s, scoring >= 20,000/s.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import data_dir, median_seconds, write_results  # noqa: E402

from mnlu_instruct.corpora import get_corpus  # noqa: E402
from mnlu_instruct.prompts import render  # noqa: E402
from mnlu_instruct.scoring import score_examples  # noqa: E402

CORPORA = ("ncbi_disease", "bc5cdr_chem", "bc5cdr_disease", "pubmedqa")


def main() -> None:
    rows = {}
    for name in CORPORA:
        corpus = get_corpus(name)
        examples = list(corpus.examples("test", data_dir()))
        targets = [render(e).target for e in examples]
        render_s = median_seconds(lambda examples=examples: [render(e) for e in examples])
        score_s = median_seconds(
            lambda examples=examples, targets=targets, metric=corpus.metric: score_examples(examples, targets, metric)
        )
        rows[name] = {
            "examples": len(examples),
            "render_per_s": round(len(examples) / render_s),
            "score_per_s": round(len(examples) / score_s),
        }
        print(
            f"{name:16s} {len(examples):6d} examples  render {rows[name]['render_per_s']:8,d}/s  "
            f"score {rows[name]['score_per_s']:8,d}/s"
        )
    total = sum(r["examples"] for r in rows.values())
    overall = {
        "render_per_s": round(total / sum(r["examples"] / r["render_per_s"] for r in rows.values())),
        "score_per_s": round(total / sum(r["examples"] / r["score_per_s"] for r in rows.values())),
    }
    print(
        f"{'all':16s} {total:6d} examples  render {overall['render_per_s']:8,d}/s  score {overall['score_per_s']:8,d}/s"
    )
    print("wrote", write_results("render_score", {"corpora": rows, "overall": overall}))


if __name__ == "__main__":
    main()
