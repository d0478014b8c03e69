"""Speed of the lm-eval tasks: the gold-answering model over the complete ``mnlu_blurb_open`` group.

Each run is the ``mnlu eval`` command in a fresh interpreter (imports, lm-eval's CLI, reading and rendering every
test document, building the requests, scoring, writing the results file), as a user runs it: zero-shot, then with
``--num_fewshot K`` (reading and rendering the training splits too). Afterwards the parts that are ours are timed
again on their own, in this process: reading + rendering the test documents, the few-shot pools, and scoring.

    python benchmarks/bench_lm_eval.py [--data-dir DIR] [--shots 5]

Target: the zero-shot run under 60 s of wall time on 2 cores. Wall time depends on what else runs on the machine,
so the CPU time of each run and the load average before and after are reported too. Prints the figures and
writes ``benchmarks/results/lm_eval.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import data_dir, write_results  # noqa: E402

GROUP = "mnlu_blurb_open"
TARGET_S = 60.0
REPO = Path(__file__).resolve().parents[1]


def run_command(data: str, shots: int) -> dict[str, Any]:
    """One ``mnlu eval --model mnlu-gold --tasks GROUP`` process: wall and CPU time, peak memory, results."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as output:
        command = [
            sys.executable, "-m", "mnlu_instruct.cli", "eval", "--model", "mnlu-gold", "--tasks", GROUP,
            "--metadata", json.dumps({"data_dir": data}), "--output_path", output,
            *(["--num_fewshot", str(shots)] if shots else []),
        ]
        log = Path(output) / "log.txt"
        load = os.getloadavg()[0]
        start = time.perf_counter()
        with log.open("w") as sink:
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
            _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            raise SystemExit(f"mnlu eval failed ({process.returncode}):\n{log.read_text()[-3000:]}")
        (results_file,) = Path(output).rglob("results_*.json")
        results = json.loads(results_file.read_text(encoding="utf-8"))
    tasks = sorted(t for t in results["results"] if t != GROUP)
    return {
        "num_fewshot": shots,
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "load_average_before": round(load, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "documents": sum(results["n-samples"][t]["effective"] for t in tasks),
        "documents_per_task": {t: results["n-samples"][t]["effective"] for t in tasks},
        "fewshot_split": sorted({results["configs"][t].get("fewshot_split", "-") for t in tasks}),
        "gold_scores": {t: results["results"][t]["score,none"] for t in tasks},
    }


def timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """``work()``, its wall time and the CPU time of this process while it ran."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, round(time.perf_counter() - wall, 2), round(time.process_time() - cpu, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(data_dir()), help="corpora folder ($MNLU_DATA_DIR or ../shared/data)")
    parser.add_argument("--shots", type=int, default=5, help="K of the few-shot run (default 5)")
    args = parser.parse_args()

    zero_shot = run_command(args.data_dir, 0)
    few_shot = run_command(args.data_dir, args.shots)

    from mnlu_instruct import lm_eval_bridge as bridge
    from mnlu_instruct.corpora import get_corpus
    from mnlu_instruct.scoring import score_examples

    corpora = [task.removeprefix("mnlu_") for task in zero_shot["documents_per_task"]]
    rendered, read_wall, read_cpu = timed(lambda: {name: bridge._rendered(name, args.data_dir) for name in corpora})
    pools, pool_wall, pool_cpu = timed(lambda: {name: bridge.fewshot_docs(name, args.data_dir) for name in corpora})

    def score() -> None:
        for name, (ids, _, targets) in rendered.items():
            examples = [bridge._EXAMPLES[(name, example_id)] for example_id in ids]
            score_examples(examples, list(targets), get_corpus(name).metric, "strict")

    _, score_wall, score_cpu = timed(score)

    figures = {
        "benchmark": f"mnlu-gold model, complete {GROUP} group, `mnlu eval` in a fresh interpreter",
        "target_s": TARGET_S,
        "within_target": zero_shot["wall_s"] < TARGET_S,
        "zero_shot": zero_shot,
        "few_shot": {
            **{k: v for k, v in few_shot.items() if k not in ("documents_per_task", "gold_scores")},
            "gold_scores_as_zero_shot": few_shot["gold_scores"] == zero_shot["gold_scores"],
            "pool_examples": sum(len(docs) for _, docs in pools.values()),
        },
        "ours_in_process": {
            "read_and_render_test_s": {"wall": read_wall, "cpu": read_cpu},
            "read_and_render_fewshot_pools_s": {"wall": pool_wall, "cpu": pool_cpu},
            "score_gold_strict_s": {"wall": score_wall, "cpu": score_cpu},
        },
        "lm_eval": version("lm-eval"),
    }
    print(json.dumps(figures, indent=2))
    print(f"written to {write_results('lm_eval', figures)}")
    return 0 if figures["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
