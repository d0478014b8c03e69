"""Shared helpers of the benchmark scripts: the data directory, medians, and writing results."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def data_dir() -> Path:
    """``$MNLU_DATA_DIR``, else the ``shared/data`` folder beside the repository checkout."""
    configured = os.environ.get("MNLU_DATA_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared" / "data"


def median_seconds(work: Callable[[], object], repeats: int = 5) -> float:
    """The median wall time of ``repeats`` runs of ``work``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_results(name: str, figures: dict) -> Path:
    """Write ``figures`` (plus the machine) to ``benchmarks/results/<name>.json`` and return the path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    figures = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count()}, **figures}
    path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return path.relative_to(RESULTS.parent.parent)
