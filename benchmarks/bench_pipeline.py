"""Wall time of ``mnlu pipeline --config smoke`` on CPU, from nothing to the report, and of the re-run that skips
every stage. Target: the smoke pipeline under 3 minutes on 2 cores.

    python benchmarks/bench_pipeline.py [--data-dir D]

Builds the tiny model with ``mnlu tiny-model`` (timed apart), runs the pipeline as a user would (``mnlu`` in a
new process, in a temporary folder), then runs it again. Prints the figures (per stage, from the run's
``pipeline.json``) and writes ``benchmarks/results/pipeline.json`` with the machine's load averages, since
other jobs may share the cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import data_dir, write_results

TARGET_S = 180.0


def mnlu(*args: str) -> float:
    """Run ``mnlu ARGS`` in a new process; its wall time in seconds."""
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mnlu_instruct.cli", *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(data_dir()))
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        tiny, run = Path(tmp) / "tiny", Path(tmp) / "run"
        tiny_s = mnlu("tiny-model", str(tiny))
        common = ("pipeline", "--config", "smoke", "--model", str(tiny), "--data-dir", args.data_dir, "--out", str(run))
        first_s = mnlu(*common)
        stages = {s["stage"]: s["seconds"] for s in json.loads((run / "pipeline.json").read_text())["stages"]}
        again_s = mnlu(*common)
        skipped = all(s["status"] == "skipped" for s in json.loads((run / "pipeline.json").read_text())["stages"])
    figures = {
        "benchmark": "mnlu pipeline --config smoke (CPU, tiny model), from nothing, then again (every stage skipped)",
        "target_s": TARGET_S,
        "tiny_model_s": round(tiny_s, 1),
        "pipeline_s": round(first_s, 1),
        "stages_s": stages,
        "rerun_s": round(again_s, 1),
        "rerun_skipped_every_stage": skipped,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(figures, indent=2))
    print(f"wrote {write_results('pipeline', figures)}")


if __name__ == "__main__":
    main()
