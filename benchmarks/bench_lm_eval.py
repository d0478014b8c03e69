"""Speed of the lm-eval tasks: the gold-answering model over the complete ``mnlu_blurb_open`` group.

The run goes through lm-eval's own command line (``mnlu eval``, lm-eval's full task index included) on
every test document, so the figure is what the harness adds to a model's generation time. Afterwards
the two parts that are ours are timed again on their own: reading + rendering the documents, and scoring.

    python benchmarks/bench_lm_eval.py [--data-dir DIR]

Target: under 180 s on 2 cores. Prints the figures and writes ``benchmarks/results/lm_eval.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import data_dir, write_results  # noqa: E402

GROUP = "mnlu_blurb_open"
TARGET_S = 180.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(data_dir()), help="corpora folder ($MNLU_DATA_DIR or ../shared/data)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

    load = round(os.getloadavg()[0], 2)  # other processes on the machine slow the wall time, not the CPU time
    start = time.perf_counter()
    from mnlu_instruct import lm_eval_bridge as bridge
    from mnlu_instruct.corpora import get_corpus
    from mnlu_instruct.scoring import score_examples

    with tempfile.TemporaryDirectory() as output:
        bridge.run_lm_eval([
            "--model", "mnlu-gold", "--tasks", GROUP, "--metadata", json.dumps({"data_dir": args.data_dir}),
            "--output_path", output,
        ])
        wall = time.perf_counter() - start
        (results_file,) = Path(output).rglob("results_*.json")
        results = json.loads(results_file.read_text(encoding="utf-8"))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime

    tasks = sorted(t for t in results["results"] if t != GROUP)
    docs = {task: results["n-samples"][task]["effective"] for task in tasks}
    scores = {task: results["results"][task]["score,none"] for task in tasks}

    bridge._rendered.cache_clear()
    t0 = time.perf_counter()
    rendered = {task: bridge._rendered(task.removeprefix("mnlu_"), args.data_dir) for task in tasks}
    load_render = time.perf_counter() - t0
    t0 = time.perf_counter()
    for task, (ids, _, targets) in rendered.items():
        name = task.removeprefix("mnlu_")
        examples = [bridge._EXAMPLES[(name, example_id)] for example_id in ids]
        score_examples(examples, list(targets), get_corpus(name).metric, "strict")
    scoring = time.perf_counter() - t0

    total_docs = sum(docs.values())
    figures = {
        "benchmark": f"mnlu-gold model, complete {GROUP} group through lm-eval's CLI (mnlu eval)",
        "documents": total_docs,
        "documents_per_task": docs,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "load_average_at_start": load,
        "documents_per_s": round(total_docs / wall, 1),
        "read_and_render_s": round(load_render, 2),
        "scoring_s": round(scoring, 2),
        "lm_eval_and_import_s": round(wall - load_render - scoring, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "target_s": TARGET_S,
        "within_target": wall < TARGET_S,
        "gold_scores": scores,
        "lm_eval": version("lm-eval"),
    }
    print(json.dumps(figures, indent=2))
    print(f"written to {write_results('lm_eval', figures)}")
    return 0 if figures["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
