"""Cost and yield of decontamination: the test-set index, the check of every training row, a full build.

Times (medians of ``--repeats`` runs, wall and CPU) building :class:`TestSetIndex` over every evaluation test
set present (reading them included), reading those test sets alone (which the build already does for its
document-id check), and checking every row of the train and validation splits of every training source present
(read beforehand; each run checks with a fresh index). Then times a full build (``--build-repeats`` runs; CPU
time includes its evaluation-set worker) and gives the ratio of index plus check to it. Also counts the rows
each rule hits, per training source and test set, and how many of them the document-id check already drops;
``--show N`` prints N hits of each (source, test set, rule) for inspection.

    python benchmarks/bench_decontamination.py [--data-dir DIR] [--repeats 3] [--build-repeats 1] [--show 0]

Target: index plus check at most 20% of the full build. Writes ``benchmarks/results/decontamination.json``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import data_dir as default_data_dir  # noqa: E402
from _common import median_seconds, write_results  # noqa: E402

from mnlu_instruct.corpora import registry  # noqa: E402
from mnlu_instruct.dataset.decontamination import TestSetIndex, strip_tags, test_split_present  # noqa: E402
from mnlu_instruct.dataset.folder import build_folder  # noqa: E402  (the one place that names the build entry point)
from mnlu_instruct.dataset.staging import has_split  # noqa: E402
from mnlu_instruct.examples import Example  # noqa: E402

TRAIN_SPLITS = ("train", "validation")
TARGET_RATIO = 0.20


def training_rows(data_dir: Path) -> dict[str, list[Example]]:
    """Every example of the train and validation splits of every training source present, by source."""
    rows: dict[str, list[Example]] = {}
    for corpus in registry().values():
        if corpus.role != "train":
            continue
        for split in TRAIN_SPLITS:
            if has_split(corpus, split, data_dir):
                rows.setdefault(corpus.name, []).extend(corpus.examples(split, data_dir))
    return {name: examples for name, examples in rows.items() if examples}


def read_test_sets(data_dir: Path) -> int:
    """Read every evaluation test set present, as the build's document-id check does; the record count."""
    corpora = [c for c in registry().values() if c.role == "eval" and test_split_present(c, data_dir)]
    return sum(1 for corpus in corpora for _ in corpus.read("test", data_dir))


def hits(index: TestSetIndex, rows: dict[str, list[Example]], show: int) -> list[dict]:
    """Rows hit, per source, test set and rule; with the share the document-id check already drops."""
    counts: Counter = Counter()
    by_id: Counter = Counter()
    shown: Counter = Counter()
    for source, examples in rows.items():
        for example in examples:
            found = index.match_example(example)
            if found is None:
                continue
            key = (source, *found)
            counts[key] += 1
            by_id[key] += example.document_id in index.document_ids
            if shown[key] < show:
                shown[key] += 1
                print(f"  {source} {example.id} -> {found}: {strip_tags(example.text)[:200]!r}")
    return [{"source": s, "test_set": t, "rule": r, "rows": n, "also_by_document_id": by_id[(s, t, r)]}
            for (s, t, r), n in sorted(counts.items())]


def cpu_with_children() -> float:
    """CPU seconds of this process and of its finished children (the build's evaluation-set worker)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--build-repeats", type=int, default=1)
    parser.add_argument("--show", type=int, default=0, help="print this many hits per source, test set and rule")
    args = parser.parse_args()
    rows = training_rows(args.data_dir)
    n_rows = sum(len(examples) for examples in rows.values())
    print(f"training rows: {n_rows} ({', '.join(f'{s} {len(e)}' for s, e in rows.items())})")

    index_s, check_s, index_cpu, check_cpu = [], [], [], []
    index = TestSetIndex()
    for _ in range(args.repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        index = TestSetIndex.from_data_dir(args.data_dir)
        built, built_cpu = time.perf_counter(), time.process_time()
        for examples in rows.values():
            for example in examples:
                index.match_example(example)
        index_s.append(built - start)
        check_s.append(time.perf_counter() - built)
        index_cpu.append(built_cpu - start_cpu)
        check_cpu.append(time.process_time() - built_cpu)
    read_s = median_seconds(lambda: read_test_sets(args.data_dir), args.repeats)
    table = hits(index, rows, args.show)

    builds, build_cpu = [], []
    for _ in range(args.build_repeats):
        with tempfile.TemporaryDirectory() as scratch:
            before, before_cpu = time.perf_counter(), cpu_with_children()
            build_folder(Path(scratch) / "out", args.data_dir)
            builds.append(time.perf_counter() - before)
            build_cpu.append(cpu_with_children() - before_cpu)
    build_s = statistics.median(builds)
    figures = {
        "test_sets": list(index.checked), "test_sets_absent": list(index.unchecked),
        "indexed_sentences": len(index.sentences), "indexed_13grams": len(index.ngrams),
        "training_rows": {source: len(examples) for source, examples in rows.items()},
        "repeats": args.repeats, "build_repeats": args.build_repeats,
        "index_s": round(statistics.median(index_s), 3), "read_test_sets_only_s": round(read_s, 3),
        "check_s": round(statistics.median(check_s), 3), "full_build_s": round(build_s, 2),
        "index_cpu_s": round(statistics.median(index_cpu), 3), "check_cpu_s": round(statistics.median(check_cpu), 3),
        "full_build_cpu_s": round(statistics.median(build_cpu), 2),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    figures["ratio"] = round((figures["index_s"] + figures["check_s"]) / build_s, 3)
    figures["ratio_beyond_reading"] = round((figures["index_s"] - read_s + figures["check_s"]) / build_s, 3)
    figures["ratio_cpu"] = round((figures["index_cpu_s"] + figures["check_cpu_s"]) / figures["full_build_cpu_s"], 3)
    figures["target_ratio"] = TARGET_RATIO
    figures["hits"] = table
    for key, value in figures.items():
        if key != "hits":
            print(f"{key}: {value}")
    print("hits (source, test set, rule: rows, of which the document-id check drops):")
    for item in table:
        print(f"  {item['source']:10} {item['test_set']:24} {item['rule']:8} {item['rows']:6} "
              f"{item['also_by_document_id']:6}")
    print(f"wrote {write_results('decontamination', figures)}")


if __name__ == "__main__":
    main()
