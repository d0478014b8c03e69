"""A run of the ``mnlu_*`` lm-eval tasks as tables (Markdown) and a plot (PNG), beside published scores.

Benchmark scores follow each benchmark's definition: the BLURB score is the mean of the six task-type
means (Gu et al. 2021), the BLUE score the mean of its ten datasets (Peng et al. 2019). lm-eval's own
group rows are flat means over the datasets (which is BLUE's definition, not BLURB's), so the report
computes both scores from the per-dataset results. Scores are shown on a 0-100 scale.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from . import metrics
from .benchmarks import BENCHMARKS, BLUE, BLURB, BenchmarkTask, all_tasks
from .generate_tasks import PAPER_SUFFIX


def _by_task_type(tasks: Sequence[BenchmarkTask]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, tuple[str, ...]] = {}
    for task in tasks:
        grouped[task.task_type] = (*grouped.get(task.task_type, ()), task.name)
    return grouped


BLURB_TYPES = _by_task_type(BLURB.tasks)
"""BLURB's six task types and their tasks (Gu et al. 2021, Table 2), from :data:`mnlu_instruct.benchmarks.BLURB`."""

BLUE_DATASETS = tuple(task.name for task in BLUE.tasks)
"""BLUE's ten tasks (Peng et al. 2019), from :data:`mnlu_instruct.benchmarks.BLUE`: BC5CDR against the release's
offsets (``bc5cdr_*_blue``), DDI as macro-F1 (``ddi_blue``), HoC on BLUE's split with example-based F1."""


@dataclass(frozen=True)
class Reference:
    """Published scores (0-100) of one system, with where they come from."""

    system: str
    source: str
    scores: Mapping[str, float]
    metrics: Mapping[str, str]
    benchmark: Mapping[str, float]
    caveat: str = ""


PUBMEDBERT = Reference(
    system="PubMedBERT (fine-tuned)",
    source="Gu et al. 2021, Domain-Specific Language Model Pretraining for Biomedical NLP, Table 6 "
    "(PubMedBERT uncased, abstracts; fine-tuned per dataset, test sets)",
    scores={
        "bc5cdr_chem": 93.33, "bc5cdr_disease": 85.62, "ncbi_disease": 87.82, "bc2gm": 84.52, "jnlpba": 79.10,
        "ebm_pico": 73.38, "chemprot": 77.24, "ddi": 82.36, "gad": 83.96, "biosses": 92.30, "hoc": 82.32,
        "pubmedqa": 55.84, "bioasq": 87.56,
    },
    metrics={},
    benchmark={"BLURB": 81.16},
)

BLUE_BASELINE = Reference(
    system="NCBI BERT (fine-tuned)",
    source="Peng et al. 2019, Transfer Learning in Biomedical NLP (BLUE), NCBI BERT-base (P+M), test sets "
    "(ncbi-nlp/BLUE_Benchmark README)",
    scores={
        "clinicalsts": 84.8, "biosses": 91.6, "bc5cdr_disease_blue": 85.4, "bc5cdr_chem_blue": 92.4,
        "share_clefe": 77.1, "ddi_blue": 79.4, "chemprot": 69.2, "i2b2_2010": 76.4, "hoc_blue": 83.1, "mednli": 84.0,
    },
    metrics={"clinicalsts": "on MedSTS, another test set"},
    benchmark={},
)

GPT4_ZERO_SHOT = Reference(
    system="GPT-4 (zero-shot)",
    source="Chen et al., Large language models in biomedical natural language processing: benchmarks, "
    "baselines, and recommendations (qingyu-qc/gpt_bionlp_benchmark README), GPT-4 zero-shot",
    scores={
        "bc5cdr_chem": 74.43, "ncbi_disease": 56.73, "chemprot": 66.18, "ddi": 63.25, "hoc": 74.74,
        "biosses": 88.32, "pubmedqa": 43.74,
    },
    metrics={
        "chemprot": "macro-F1", "ddi": "macro-F1", "hoc": "label-wise macro-F1", "pubmedqa": "macro-F1",
    },
    benchmark={},
    caveat="scored on a random sample of 200 test examples per dataset, with their own prompts; a metric "
    "named beside a score differs from the benchmark's (and from this run's). The README labels the PubMedQA "
    "and BIOSSES metrics the other way round; PubMedQA is its macro-F1 and BIOSSES its Pearson correlation.",
)

REFERENCES = (PUBMEDBERT, BLUE_BASELINE, GPT4_ZERO_SHOT)


@dataclass(frozen=True)
class DatasetResult:
    """One ``mnlu_<task>`` task of a run: its primary score in each mode reported (0-100)."""

    corpus: str
    """The task's id (:attr:`mnlu_instruct.benchmarks.BenchmarkTask.name`): the corpus, or corpus and benchmark."""
    display_name: str
    benchmarks: tuple[str, ...]
    metric: str
    n: Optional[int]
    strict: Optional[float]
    paper: Optional[float]
    parse_failures: Optional[int]


def load_results(path: str | Path) -> dict[str, Any]:
    """An lm-eval results JSON; for a folder (``--output_path``), its newest ``results_*.json``."""
    path = Path(path)
    if path.is_dir():
        found = sorted(path.rglob("results_*.json"), key=lambda p: p.stat().st_mtime)
        if not found:
            raise ValueError(f"{path}: no lm-eval results_*.json file in this folder")
        path = found[-1]
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not JSON ({error})") from None
    if not isinstance(results, dict) or "results" not in results:
        raise ValueError(f"{path}: not an lm-eval results file (no 'results' object)")
    return results


def dataset_results(results: Mapping[str, Any]) -> list[DatasetResult]:
    """The ``mnlu_*`` tasks of a run (groups left out): BLURB's datasets by task type, then BLUE's others."""
    tasks = {task.name: task for task in all_tasks()}
    order = [d for datasets in BLURB_TYPES.values() for d in datasets]
    order += [d for d in BLUE_DATASETS if d not in order]
    rows = []
    for name in order:
        values = results["results"].get(f"mnlu_{name}")
        if values is None:
            continue
        task = tasks[name]
        samples = results.get("n-samples", {}).get(f"mnlu_{name}", {})
        rows.append(
            DatasetResult(
                corpus=name,
                display_name=task.spec.display_name,
                benchmarks=tuple(b.key for b in BENCHMARKS if any(t.name == name for t in b.tasks)),
                metric=task.scored_by,
                n=samples.get("effective"),
                strict=_percent(values.get("score,none")),
                paper=_percent(values.get(f"score{PAPER_SUFFIX},none")),
                parse_failures=_count(values.get("parse_failures,none")),
            )
        )
    return rows


def _count(value: Any) -> Optional[int]:
    return None if value is None or isinstance(value, str) else int(value)


def _percent(value: Any) -> Optional[float]:
    return None if value is None or isinstance(value, str) else 100.0 * float(value)


@dataclass(frozen=True)
class BenchmarkScore:
    """A benchmark score of a run and which of its datasets it covers."""

    name: str
    strict: Optional[float]
    paper: Optional[float]
    present: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def blurb_score(rows: Sequence[DatasetResult]) -> BenchmarkScore:
    """The mean of the task-type means over the BLURB datasets present (complete only with all 13)."""
    type_of = {dataset: type_ for type_, datasets in BLURB_TYPES.items() for dataset in datasets}
    return _benchmark("BLURB", rows, tuple(type_of), lambda scores: metrics.blurb_score(scores, type_of))


def blue_score(rows: Sequence[DatasetResult]) -> BenchmarkScore:
    """The mean over the BLUE datasets present (complete only with all 10)."""
    return _benchmark("BLUE", rows, BLUE_DATASETS, metrics.blue_score)


def _benchmark(
    name: str, rows: Sequence[DatasetResult], datasets: Sequence[str], combine: Callable[[dict[str, float]], float]
) -> BenchmarkScore:
    present = {row.corpus: row for row in rows if row.corpus in datasets}

    def score(mode: str) -> Optional[float]:
        values = {dataset: getattr(row, mode) for dataset, row in present.items()}
        return None if not values or None in values.values() else combine(values)

    return BenchmarkScore(
        name, score("strict"), score("paper"),
        tuple(d for d in datasets if d in present), tuple(d for d in datasets if d not in present),
    )


def _fmt(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.2f}"


def _int(value: Optional[int]) -> str:
    return "–" if value is None else str(value)


def _reference_cell(reference: Reference, corpus: str) -> str:
    value = reference.scores.get(corpus)
    if value is None:
        return "–"
    metric = reference.metrics.get(corpus)
    return f"{value:.2f} ({metric})" if metric else f"{value:.2f}"


def markdown(results: Mapping[str, Any], rows: Sequence[DatasetResult]) -> str:
    """The report as Markdown: run, benchmarks, datasets, notes with the sources."""
    config = results.get("config", {})
    has_paper = any(row.paper is not None for row in rows)
    modes = "strict and paper" if has_paper and any(r.strict is not None for r in rows) else (
        "paper" if has_paper else "strict")
    lines = [
        "# MNLU zero-shot evaluation report",
        "",
        f"- model: `{config.get('model', '?')}` {config.get('model_args') or ''}".rstrip(),
        f"- scoring mode: {modes}; scores are 0-100 (Pearson x 100 for sentence similarity)",
    ]
    if config.get("limit") is not None:
        lines.append(f"- **`--limit {config['limit']}`: a partial run, not comparable to published scores**")
    lines += ["", "## Benchmarks", ""]
    groups = results.get("groups", {})
    lines.append("| benchmark | datasets | strict | paper | published | lm-eval group row (flat mean) |")
    lines.append("|---|---|---:|---:|---:|---:|")
    for bench, group in ((blurb_score(rows), "mnlu_blurb"), (blue_score(rows), "mnlu_blue")):
        if not bench.present:
            continue
        coverage = f"{len(bench.present)}/{len(bench.present) + len(bench.missing)}"
        if bench.missing:
            coverage += f" (missing {', '.join(bench.missing)}: partial score)"
        published = PUBMEDBERT.benchmark.get(bench.name)
        published_cell = f"{published:.2f} ({PUBMEDBERT.system})" if published else "–"
        group_rows = [g for g in (group, f"{group}_open") if g in groups]
        flat = "; ".join(f"{g}: {_fmt(_percent(groups[g].get('score,none')))}" for g in group_rows) or "–"
        cells = [bench.name, coverage, _fmt(bench.strict), _fmt(bench.paper), published_cell, flat]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Datasets", ""]
    header = ["dataset", "benchmark", "metric", "n", "unreadable", "strict", "paper", *(r.system for r in REFERENCES)]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|---|---|---|---:|---:|---:|---:|" + "---:|" * len(REFERENCES))
    for row in rows:
        cells = [
            f"{row.display_name} (`mnlu_{row.corpus}`)", ", ".join(b.upper() for b in row.benchmarks) or "–",
            row.metric, _int(row.n), _int(row.parse_failures), _fmt(row.strict), _fmt(row.paper),
            *(_reference_cell(reference, row.corpus) for reference in REFERENCES),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Notes",
        "",
        "- BLURB score: mean of the six task-type means (NER, PICO, relation extraction, sentence similarity, "
        "document classification, question answering); with datasets missing it is the mean over the types present "
        "and is not comparable to published BLURB scores. BLUE score: mean of its ten datasets. lm-eval's group rows "
        "average all datasets flat.",
        "- strict: the benchmark's official metric; paper: the rules of BioMistral-NLU's evaluation.py (lower-cased "
        "span match, the first of (A)-(M) found with (A) as the default, the whole gold answer line for NLI/QA), for "
        "comparison with that paper. unreadable: answers the parser could not read (strict mode), scored as empty "
        "answers. BLUE scores BC5CDR against the official release's offsets and DDI by macro-F1 (tasks `*_blue`).",
    ]
    for reference in REFERENCES:
        note = f"- {reference.system}: {reference.source}."
        if reference.caveat:
            note += f" Caveat: {reference.caveat}"
        lines.append(note)
    return "\n".join(lines) + "\n"


def plot(rows: Sequence[DatasetResult], path: str | Path) -> Path:
    """A horizontal bar chart per dataset: this run's scores beside the published ones."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = [("this run (strict)", [r.strict for r in rows]), ("this run (paper)", [r.paper for r in rows])]
    series += [(ref.system, [ref.scores.get(r.corpus) for r in rows]) for ref in REFERENCES]
    series = [(label, values) for label, values in series if any(v is not None for v in values)]
    height = 0.8 / max(1, len(series))
    figure, axes = plt.subplots(figsize=(9, 1.8 + len(rows) * (0.1 * len(series) + 0.12)))
    for k, (label, values) in enumerate(series):
        positions = [i + k * height for i in range(len(rows))]
        axes.barh(positions, [0.0 if v is None else v for v in values], height=height, label=label)
    axes.set_yticks([i + height * (len(series) - 1) / 2 for i in range(len(rows))])
    axes.set_yticklabels([row.display_name for row in rows])
    axes.invert_yaxis()
    lowest = min([0.0] + [v for _, values in series for v in values if v is not None])
    axes.set_xlim(lowest, 100)
    axes.set_xlabel("score (0-100)")
    axes.grid(axis="x", alpha=0.3)
    axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, fontsize="small", frameon=False)
    figure.tight_layout()
    path = Path(path)
    figure.savefig(path, dpi=120, format="png")
    plt.close(figure)
    return path


def write_report(results_path: str | Path, out_dir: Optional[str | Path] = None) -> str:
    """The Markdown report of a results file; with ``out_dir``, also ``report.md`` and ``report.png`` there."""
    results = load_results(results_path)
    rows = dataset_results(results)
    if not rows:
        raise ValueError(f"{results_path}: no mnlu_* task in this results file")
    text = markdown(results, rows)
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        partial = out / ".report.png.partial"
        plot(rows, partial)
        os.replace(partial, out / "report.png")
        text += "\n![scores](report.png)\n"
        partial = out / ".report.md.partial"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, out / "report.md")
    return text
