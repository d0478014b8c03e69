"""Speed and memory of ``mnlu build``: the full build, and builds of 25 %, 50 % and 100 % of the sources.

Each build runs in a fresh subprocess (imports included), which reports its wall time, its peak resident
memory (``ru_maxrss``), that of its evaluation-set worker process, and what it wrote. The partial builds
take corpora in name order, each one if the set then holds at most the wanted share of the documented
instances, and show whether memory grows with the number of instances; every build reads all evaluation
test sets for the overlap check, whatever its corpora.

    python benchmarks/bench_build.py [--data-dir DIR]

Target: the full build under 60 s on 2 cores. Prints the figures and writes ``benchmarks/results/build.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_S = 60.0
SHARES = (0.25, 0.5, 1.0)

CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from mnlu_instruct.hub import build_folder
imported = time.perf_counter()
corpora = json.loads(sys.argv[3])
report = build_folder(sys.argv[1], sys.argv[2], corpora=corpora)
done = time.perf_counter()
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
instances = sum(s.read for splits in report.stats.values() for s in splits.values())
instances += sum(n for name, splits in report.configs.items() if name.startswith("eval_") for n in splits.values())
print(json.dumps({
    "wall_s": round(done - start, 2), "build_s": round(done - imported, 2),
    "cpu_s": round(sum(u.ru_utime + u.ru_stime for u in usage), 2),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    "peak_rss_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    "instances": instances, "rows_written": sum(n for splits in report.configs.values() for n in splits.values()),
    "configs": report.configs,
}))
"""


def measure(data_dir: str, corpora: list[str] | None) -> dict:
    """One build in a fresh interpreter; its own figures."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "mnlu-instruct"
        done = subprocess.run([sys.executable, "-c", CHILD, str(out), data_dir, json.dumps(corpora)],
                              check=True, capture_output=True, text=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        result["parquet_mb"] = round(sum(p.stat().st_size for p in out.rglob("*.parquet")) / 2**20, 1)
    result["instances_per_s"] = round(result["instances"] / result["build_s"])
    return result


def share_of_corpora(data_dir: str, share: float) -> list[str]:
    """Corpora in name order, each taken if the set then holds at most ``share`` of the documented instances."""
    from mnlu_instruct.builder import EVAL_SPLITS, TRAIN_SPLITS, evaluation_corpora, has_split, training_corpora

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
    parser.add_argument("--out", default=str(HERE / "results" / "build.json"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

    full = measure(args.data_dir, None)
    configs = full.pop("configs")
    print(f"full build: {full['wall_s']} s wall ({full['build_s']} s after imports, {full['cpu_s']} s CPU), "
          f"peak RSS {full['peak_rss_mb']} MB (evaluation-set worker {full['peak_rss_worker_mb']} MB), "
          f"{full['instances']:,} instances ({full['instances_per_s']:,}/s), {full['rows_written']:,} rows in "
          f"{len(configs)} configs, {full['parquet_mb']} MB parquet; target < {TARGET_S:.0f} s")
    scaling = []
    for share in SHARES:
        corpora = share_of_corpora(args.data_dir, share)
        if share == 1.0:  # every corpus present: the full build above
            result = full
        else:
            result = measure(args.data_dir, corpora)
            result.pop("configs")
        scaling.append({"share": share, "corpora": corpora, **result})
        print(f"{share:>4.0%} of the sources ({len(corpora)} corpora): {result['instances']:>7,} instances, "
              f"{result['build_s']:>5} s, peak RSS {result['peak_rss_mb']} MB "
              f"(worker {result['peak_rss_worker_mb']} MB)")
    record = {
        "benchmark": "mnlu build (all configs, default mixture)",
        "target_s": TARGET_S,
        "full": full,
        "configs": configs,
        "scaling": scaling,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if full["wall_s"] < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
