"""Speed and memory of ``mnlu build``: each source's read time, one process against two, the full build, and
builds of 25 % and 50 %.

0. Read times: every split a build reads (the train and validation splits of each training source, the
   validation and test splits of each evaluation set, and the test split of every evaluation set for the
   test-set index), read and turned into examples one by one in one fresh interpreter, wall and CPU seconds;
   then the test-set index built from them (:class:`TestSetIndex`).

1. One process or two: every config staged and written (the build minus card, chart and manifest) by one
   interpreter, against two interpreters at the same time, one for the training configs and one for the
   evaluation configs (the build's earlier design). Runs alternate; the median wall time of each way and
   their ratio are reported.
2. The full build as ``mnlu build`` runs it, and builds of 25 % and 50 % of the sources (corpora taken in name
   order, each one if the set then holds at most that share of the documented instances), each in a fresh
   interpreter: wall time, CPU time, peak resident memory (``ru_maxrss``), instances, rows written. Every build
   reads all evaluation test sets for the overlap check, whatever its corpora.

    python benchmarks/bench_build.py [--data-dir DIR] [--repeats N] [--shares 0.25,0.5]

``--repeats 0`` leaves out the one-or-two comparison; ``--shares ""`` leaves out the partial builds.
Target: the full build under 60 s on 2 cores. Prints the figures and writes ``benchmarks/results/build.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_S = 60.0

USAGE = """
def usage():
    import resource
    self, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {"cpu_s": round(sum(u.ru_utime + u.ru_stime for u in (self, children)), 2),
            "peak_rss_mb": round(self.ru_maxrss / 1024, 1)}
"""

BUILD = USAGE + """
import json, sys, time
start = time.perf_counter()
from mnlu_instruct.dataset.folder import build_folder
imported = time.perf_counter()
report = build_folder(sys.argv[1], sys.argv[2], corpora=json.loads(sys.argv[3]))
done = time.perf_counter()
instances = sum(s.read for splits in report.stats.values() for s in splits.values())
instances += sum(n for name, splits in report.configs.items() if name.startswith("eval_") for n in splits.values())
print(json.dumps({
    "wall_s": round(done - start, 2), "build_s": round(done - imported, 2), **usage(), "instances": instances,
    "rows_written": sum(n for splits in report.configs.values() for n in splits.values()), "configs": report.configs,
}))
"""

READS = USAGE + """
import json, sys, time
from pathlib import Path
from mnlu_instruct.dataset.decontamination import TestSetIndex
from mnlu_instruct.dataset.staging import EVAL_SPLITS, TRAIN_SPLITS, evaluation_corpora, has_split, training_corpora
data_dir = Path(sys.argv[1])
times = {}
wanted = [(c, TRAIN_SPLITS) for c in training_corpora()] + [(c, EVAL_SPLITS) for c in evaluation_corpora()]
for corpus, splits in wanted:
    for split in splits:
        if has_split(corpus, split, data_dir):
            wall, cpu = time.perf_counter(), time.process_time()
            n = sum(1 for _ in corpus.examples(split, data_dir, allow_partial=True))
            times.setdefault(corpus.name, {})[split] = {
                "examples": n, "wall_s": round(time.perf_counter() - wall, 3),
                "cpu_s": round(time.process_time() - cpu, 3)}
wall, cpu = time.perf_counter(), time.process_time()
index = TestSetIndex.from_data_dir(data_dir)
print(json.dumps({"reads": times, "index": {
    "test_sets": len(index.checked), "sentences": len(index.sentences), "ngrams": len(index.ngrams),
    "wall_s": round(time.perf_counter() - wall, 2), "cpu_s": round(time.process_time() - cpu, 2)}}))
"""

PART = USAGE + """
import json, sys
from pathlib import Path
import datasets
from mnlu_instruct.dataset.folder import stage_and_write
from mnlu_instruct.dataset.staging import Staging
datasets.disable_progress_bars()
out, kinds = Path(sys.argv[1]), sys.argv[3].split(",")
staging = Staging(sys.argv[2], work_dir=out / f".staging-{kinds[0]}")
configs = {}
for kind in kinds:
    configs.update(stage_and_write(out, kind, staging))
print(json.dumps({"rows_written": sum(n for splits in configs.values() for n in splits.values()), **usage()}))
"""


def read_times(data_dir: str) -> dict:
    """Each split's read time and the test-set index's build time, in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", READS, data_dir], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_parts(data_dir: str, parts: list[str]) -> dict:
    """Stage and write every config with one interpreter per entry of ``parts`` (kinds, comma-separated), all
    started together; wall time from the first start to the last exit."""
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        children = [subprocess.Popen([sys.executable, "-c", PART, scratch, data_dir, kinds], stdout=subprocess.PIPE,
                                     text=True) for kinds in parts]
        outputs = [child.communicate()[0] for child in children]
        wall = time.perf_counter() - start
        if any(child.returncode for child in children):
            raise RuntimeError(f"a build part failed: {[child.returncode for child in children]}")
    figures = [json.loads(output.strip().splitlines()[-1]) for output in outputs]
    return {"wall_s": round(wall, 2), "cpu_s": round(sum(f["cpu_s"] for f in figures), 2),
            "peak_rss_mb": [f["peak_rss_mb"] for f in figures],
            "rows_written": sum(f["rows_written"] for f in figures)}


def one_or_two(data_dir: str, repeats: int) -> dict:
    """Alternating runs of both ways; medians and ratio."""
    ways = {"one process": ["train,eval"], "two processes": ["train", "eval"]}
    runs: dict[str, list[dict]] = {name: [] for name in ways}
    for _ in range(repeats):
        for name, parts in ways.items():
            runs[name].append(run_parts(data_dir, parts))
            print(f"  {name}: {runs[name][-1]['wall_s']} s wall, {runs[name][-1]['cpu_s']} s CPU")
    rows = {name: {r["rows_written"] for r in results} for name, results in runs.items()}
    if len(set.union(*rows.values())) != 1:
        raise RuntimeError(f"the two ways wrote different numbers of rows: {rows}")
    medians = {name: {"median_wall_s": round(statistics.median(r["wall_s"] for r in results), 2),
                      "median_cpu_s": round(statistics.median(r["cpu_s"] for r in results), 2),
                      "peak_rss_mb": results[-1]["peak_rss_mb"], "runs_wall_s": [r["wall_s"] for r in results]}
               for name, results in runs.items()}
    ratio = medians["one process"]["median_wall_s"] / medians["two processes"]["median_wall_s"]
    return {"repeats": repeats, **medians, "wall_ratio_one_over_two": round(ratio, 2)}


def measure(data_dir: str, corpora: list[str] | None) -> dict:
    """One build in a fresh interpreter; its own figures."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "mnlu-instruct"
        done = subprocess.run([sys.executable, "-c", BUILD, str(out), data_dir, json.dumps(corpora)],
                              check=True, capture_output=True, text=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["parquet_mb"] = round(sum(p.stat().st_size for p in out.rglob("*.parquet")) / 2**20, 1)
    result["instances_per_s"] = round(result["instances"] / result["build_s"])
    return result


def share_of_corpora(data_dir: str, share: float) -> list[str]:
    """Corpora in name order, each taken if the set then holds at most ``share`` of the documented instances."""
    from mnlu_instruct.dataset.staging import (
        EVAL_SPLITS,
        TRAIN_SPLITS,
        evaluation_corpora,
        has_split,
        training_corpora,
    )

    sizes = {}
    for corpus, splits in [(c, TRAIN_SPLITS) for c in training_corpora()] + [(c, EVAL_SPLITS) for c in
                                                                             evaluation_corpora()]:
        if has_split(corpus, splits[-1], Path(data_dir)):
            sizes[corpus.name] = sum(corpus.split_sizes.get(s, 0) for s in splits)
    chosen, total = [], sum(sizes.values())
    for name in sorted(sizes):
        if sum(sizes[n] for n in chosen) + sizes[name] <= share * total:
            chosen.append(name)
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("MNLU_DATA_DIR") or str(HERE.parent.parent / "shared" / "data")
    parser.add_argument("--data-dir", default=default,
                        help="corpora folder (default: $MNLU_DATA_DIR or ../shared/data)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each way in the one-or-two comparison "
                        "(0: leave it out; default: %(default)s)")
    parser.add_argument("--shares", default="0.25,0.5", help="shares of the sources to build besides the full "
                        "build, comma-separated (default: %(default)s)")
    parser.add_argument("--out", default=str(HERE / "results" / "build.json"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    load_before = os.getloadavg()

    reads = read_times(args.data_dir)
    for name, splits in reads["reads"].items():
        print(f"read {name:<24} " + ", ".join(f"{split} {t['examples']:,} in {t['wall_s']} s ({t['cpu_s']} s CPU)"
                                              for split, t in splits.items()))
    print(f"test-set index: {reads['index']}")
    comparison = None
    if args.repeats:
        print("one process or two (every config staged and written):")
        comparison = one_or_two(args.data_dir, args.repeats)
        print(f"median wall: one process {comparison['one process']['median_wall_s']} s, two processes "
              f"{comparison['two processes']['median_wall_s']} s; ratio one/two "
              f"{comparison['wall_ratio_one_over_two']}")

    full = measure(args.data_dir, None)
    configs = full.pop("configs")
    print(f"full build: {full['wall_s']} s wall ({full['build_s']} s after imports, {full['cpu_s']} s CPU), "
          f"peak RSS {full['peak_rss_mb']} MB, {full['instances']:,} instances ({full['instances_per_s']:,}/s), "
          f"{full['rows_written']:,} rows in {len(configs)} configs, {full['parquet_mb']} MB parquet; "
          f"target < {TARGET_S:.0f} s")
    scaling = []
    for share in [float(x) for x in args.shares.split(",") if x] + [1.0]:
        corpora = share_of_corpora(args.data_dir, share)
        if share == 1.0:  # every corpus present: the full build above
            result = full
        else:
            result = measure(args.data_dir, corpora)
            result.pop("configs")
        scaling.append({"share": share, "corpora": corpora, **result})
        print(f"{share:>4.0%} of the sources ({len(corpora)} corpora): {result['instances']:>7,} instances, "
              f"{result['build_s']:>5} s, peak RSS {result['peak_rss_mb']} MB")
    record = {
        "benchmark": "mnlu build (all configs, default mixture)",
        "target_s": TARGET_S,
        "read_times": reads["reads"],
        "test_set_index": reads["index"],
        "one_or_two_processes": comparison,
        "full": full,
        "configs": configs,
        "scaling": scaling,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_before": [round(x, 2) for x in load_before],
                    "load_average_after": [round(x, 2) for x in os.getloadavg()]},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if full["wall_s"] < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
