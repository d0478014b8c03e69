"""The pipeline's report: each run's ``mnlu report`` and one table of every run side by side.

``report.md`` holds the BLURB and BLUE scores and the per-dataset scores of every run (strict, the
benchmark's metric; and the paper's rules where evaluated) beside the published reference scores of
:data:`mnlu_instruct.report.REFERENCES`; ``report.json`` holds the same numbers; ``runs/<label>/`` the full
report of each run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Optional

from ..report import PUBMEDBERT, REFERENCES, blue_score, blurb_score, dataset_results, load_results, write_report
from .config import PipelineConfig
from .manifest import write_json


def _cell(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.2f}"


def _slug(label: str) -> str:
    return re.sub(r"[^\w.-]+", "_", label).strip("_") or "run"


def comparison(results: Mapping[str, Path]) -> dict[str, Any]:
    """Per run: model, limit, BLURB and BLUE (strict and paper), and per-dataset scores."""
    runs: dict[str, Any] = {}
    for label, path in results.items():
        loaded = load_results(path)
        rows = dataset_results(loaded)
        config = loaded.get("config", {})
        runs[label] = {
            "results": str(path), "model": config.get("model_args"), "limit": config.get("limit"),
            "benchmarks": {score.name: {"strict": score.strict, "paper": score.paper, "present": list(score.present),
                                        "missing": list(score.missing)}
                           for score in (blurb_score(rows), blue_score(rows))},
            "datasets": {row.corpus: {"name": row.display_name, "metric": row.metric, "n": row.n,
                                      "strict": row.strict, "paper": row.paper,
                                      "parse_failures": row.parse_failures} for row in rows},
        }
    return runs


def markdown(runs: Mapping[str, Any], config: PipelineConfig) -> str:
    """The side-by-side table: benchmark rows first, then every dataset any run has."""
    labels = list(runs)
    lines = [f"# MNLU pipeline report: config `{config.name}`", ""]
    for label, run in runs.items():
        limit = f", **--limit {run['limit']}: partial, not comparable to published scores**" if run["limit"] else ""
        lines.append(f"- {label}: `{run['model']}` (results: `{run['results']}`{limit})")
    references = [reference.system for reference in REFERENCES]
    for mode in ("strict", "paper"):
        if not any(d[mode] is not None for run in runs.values() for d in run["datasets"].values()):
            continue
        what = "the benchmark metric" if mode == "strict" else "the paper rules"
        lines += ["", f"## Scores ({mode}: {what})", "", "| | " + " | ".join(labels + references) + " |",
                  "|---|" + "---:|" * (len(labels) + len(references))]
        for bench in ("BLURB", "BLUE"):
            if not any(runs[label]["benchmarks"][bench]["present"] for label in labels):
                continue
            cells = []
            for label in labels:
                score = runs[label]["benchmarks"][bench]
                partial = f" ({len(score['present'])}/{len(score['present']) + len(score['missing'])})" \
                    if score["missing"] else ""
                cells.append(_cell(score[mode]) + partial)
            published = [_cell(r.benchmark.get(bench)) for r in REFERENCES]
            lines.append(f"| **{bench}** | " + " | ".join(cells + published) + " |")
        names: dict[str, str] = {}
        for run in runs.values():
            names.update({key: value["name"] for key, value in run["datasets"].items()})
        for key, name in names.items():
            cells = [_cell(runs[label]["datasets"].get(key, {}).get(mode)) for label in labels]
            published = [_cell(r.scores.get(key)) for r in REFERENCES]
            lines.append(f"| {name} (`mnlu_{key}`) | " + " | ".join(cells + published) + " |")
    lines += ["", "BLURB: mean of the task-type means over the datasets present, BLUE: mean of its datasets; "
              "(k/n) marks a partial score over k of n datasets, not comparable to published scores. Scores 0-100.",
              f"Published {', '.join(references)}: see `runs/*/report.md` for their sources and caveats "
              f"(BLURB {PUBMEDBERT.benchmark['BLURB']:.2f}: {PUBMEDBERT.source})."]
    lines += ["", "Per-run reports:", ""] + [f"- [{label}](runs/{_slug(label)}/report.md)" for label in labels]
    return "\n".join(lines) + "\n"


def write_comparison(results: Mapping[str, Path], out: Path, config: PipelineConfig) -> dict[str, Any]:
    """Write ``report.md``, ``report.json`` and ``runs/<label>/`` into ``out``; return the numbers."""
    runs = comparison(results)
    for label, path in results.items():
        write_report(path, out / "runs" / _slug(label))
    write_json(out / "report.json", runs)
    (out / "report.md").write_text(markdown(runs, config), encoding="utf-8")
    return runs
