"""Runs of the ``mnlu_*`` lm-eval tasks as tables (Markdown) and a plot (PNG), beside published scores.

Benchmark scores follow each benchmark's definition: the BLURB score is the mean of the six task-type
means (Gu et al. 2021), the BLUE score the mean of its ten datasets (Peng et al. 2019). lm-eval's own
group rows are flat means over the datasets (which is BLUE's definition, not BLURB's), so the report
computes both scores from the per-dataset results. Scores are shown on a 0-100 scale.

A run is one results file under one prompt template. The template of a task's result is the ``@ID`` suffix of
its task name (``mnlu_ncbi_disease@ner_v2``), else the ``template`` of its task metadata
(``--metadata '{"template": "ID"}'``, kept in the file's ``configs``), else of the file's ``config``; without
any, the task type's canonical template. A file holding several templates gives one run per template. Runs
whose settings (:attr:`Settings.identity`) are equal and whose templates differ are one template-sensitivity
group: per dataset and benchmark, the mean and the spread (sample standard deviation, minimum, maximum) across
its runs (benchmark scores over the datasets all of its runs have).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean, stdev
from typing import Any, Optional

from . import metrics
from .benchmarks import BENCHMARKS, BLUE, BLURB, BenchmarkTask, all_tasks
from .generate_tasks import PAPER_SUFFIX
from .report_settings import Settings, settings


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


CANONICAL = "canonical"
"""How a result without a template setting is labelled: the task type's canonical template."""

CHOICES = ("one", "newest", "all")
"""What a folder holding several results files gives: an error listing them, the newest, or each as a run."""


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
    template: str = CANONICAL

    @property
    def score(self) -> Optional[float]:
        """The strict score, else (a paper-mode run) the paper score."""
        return self.strict if self.strict is not None else self.paper

    @property
    def failure_rate(self) -> Optional[float]:
        """The share of answers the parser could not read (0-1), when the counts are known."""
        if self.parse_failures is None or not self.n:
            return None
        return self.parse_failures / self.n


def results_files(path: str | Path, choose: str = "one") -> list[Path]:
    """The results files an argument names: the file itself, or the ``results_*.json`` files of a folder.

    A folder holding several is refused with their list (``choose="one"``), or gives its newest
    (``"newest"``, by modification time, then name) or all of them (``"all"``, oldest first).
    """
    if choose not in CHOICES:
        raise ValueError(f"choose must be one of {', '.join(CHOICES)}, not {choose!r}")
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ValueError(f"{path}: no such file or folder")
    found = sorted(path.rglob("results_*.json"), key=lambda p: (p.stat().st_mtime, str(p)))
    if not found:
        raise ValueError(f"{path}: no lm-eval results_*.json file in this folder")
    if len(found) == 1 or choose == "all":
        return found
    if choose == "newest":
        return found[-1:]
    listed = ", ".join(str(p.relative_to(path)) for p in found)
    raise ValueError(
        f"{path}: {len(found)} lm-eval runs in this folder ({listed}); name the files, or pass --newest (the newest "
        "of each folder) or --all (each file a run)"
    )


def load_results(path: str | Path) -> dict[str, Any]:
    """An lm-eval results JSON file."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not JSON ({error})") from None
    if not isinstance(results, dict) or not isinstance(results.get("results"), dict):
        raise ValueError(f"{path}: not an lm-eval results file (no 'results' object)")
    return results


def task_template(results: Mapping[str, Any], task: str) -> str:
    """The template a task's result was produced with (see the module's documentation)."""
    _, _, suffix = task.partition("@")
    if suffix:
        return suffix
    metadata = (results.get("configs", {}).get(task) or {}).get("metadata") or {}
    value = metadata.get("template") or (results.get("config") or {}).get("template")
    return str(value) if value else CANONICAL


def dataset_results(results: Mapping[str, Any]) -> list[DatasetResult]:
    """The ``mnlu_*`` tasks of a run (groups left out): BLURB's datasets by task type, then BLUE's others;
    the results of one dataset under several templates next to each other."""
    tasks = {task.name: task for task in all_tasks()}
    order = [d for datasets in BLURB_TYPES.values() for d in datasets]
    order += [d for d in BLUE_DATASETS if d not in order]
    keys: dict[str, list[str]] = {}
    for key in results["results"]:
        name = key.partition("@")[0].removeprefix("mnlu_")
        if key.startswith("mnlu_") and name in tasks:
            keys.setdefault(name, []).append(key)
    rows = []
    for name in (d for d in order if d in keys):
        task = tasks[name]
        for key in sorted(keys[name], key=lambda k: (task_template(results, k) != CANONICAL, k)):
            values = results["results"][key]
            samples = results.get("n-samples", {}).get(key, {})
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
                    template=task_template(results, key),
                )
            )
    return rows


def _count(value: Any) -> Optional[int]:
    return None if value is None or isinstance(value, str) else int(value)


def _percent(value: Any) -> Optional[float]:
    return None if value is None or isinstance(value, str) else 100.0 * float(value)


@dataclass(frozen=True)
class Run:
    """The results of one file under one template."""

    label: str
    """``R1``, ``R2``, ... in the order of the arguments."""
    source: Path
    results: Mapping[str, Any]
    settings: Settings
    template: str
    rows: tuple[DatasetResult, ...]

    @property
    def name(self) -> str:
        """The model, and the template when it is not the canonical one."""
        return self.settings.model if self.template == CANONICAL else f"{self.settings.model} @{self.template}"

    @property
    def parse_failures(self) -> Optional[int]:
        counts = [row.parse_failures for row in self.rows]
        return None if None in counts else sum(c for c in counts if c is not None)

    @property
    def failure_rate(self) -> Optional[float]:
        """Unreadable answers over all the run's tasks: their count over the number of documents."""
        total = sum(row.n or 0 for row in self.rows)
        failures = self.parse_failures
        return None if failures is None or not total or None in (r.n for r in self.rows) else failures / total


def _mode(rows: Sequence[DatasetResult]) -> str:
    strict = any(row.strict is not None for row in rows)
    paper = any(row.paper is not None for row in rows)
    return "strict and paper" if strict and paper else "paper" if paper else "strict"


def load_runs(paths: Sequence[str | Path], choose: str = "one") -> list[Run]:
    """The runs of the files the arguments name (:func:`results_files`), one per file and template."""
    runs: list[Run] = []
    for path in paths:
        for file in results_files(path, choose):
            results = load_results(file)
            rows = dataset_results(results)
            if not rows:
                raise ValueError(f"{file}: no mnlu_* task in this results file")
            templates = sorted({row.template for row in rows}, key=lambda t: (t != CANONICAL, t))
            for template in templates:
                own = tuple(row for row in rows if row.template == template)
                found = settings(results, _mode(own))
                runs.append(Run(f"R{len(runs) + 1}", file, results, found, template, own))
    if not runs:
        raise ValueError("no results file named")
    return runs


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

    @property
    def score(self) -> Optional[float]:
        """The strict score, else (a paper-mode run) the paper score."""
        return self.strict if self.strict is not None else self.paper


def blurb_score(rows: Sequence[DatasetResult]) -> BenchmarkScore:
    """The mean of the task-type means over the BLURB datasets present (complete only with all 13)."""
    type_of = {dataset: type_ for type_, datasets in BLURB_TYPES.items() for dataset in datasets}
    return _benchmark("BLURB", rows, tuple(type_of), lambda scores: metrics.blurb_score(scores, type_of))


def blue_score(rows: Sequence[DatasetResult]) -> BenchmarkScore:
    """The mean over the BLUE datasets present (complete only with all 10)."""
    return _benchmark("BLUE", rows, BLUE_DATASETS, metrics.blue_score)


def benchmark_scores(rows: Sequence[DatasetResult]) -> list[BenchmarkScore]:
    """BLURB's and BLUE's scores, for the benchmarks with a dataset in the rows."""
    return [score for score in (blurb_score(rows), blue_score(rows)) if score.present]


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


@dataclass(frozen=True)
class Spread:
    """One dataset's (or benchmark's) score across the runs of a template-sensitivity group."""

    name: str
    values: tuple[tuple[str, float], ...]
    """(template, score) of each run that has it."""

    @property
    def mean(self) -> float:
        return fmean(value for _, value in self.values)

    @property
    def sd(self) -> float:
        """The sample standard deviation (n - 1)."""
        return stdev(value for _, value in self.values)

    @property
    def low(self) -> float:
        return min(value for _, value in self.values)

    @property
    def high(self) -> float:
        return max(value for _, value in self.values)


def template_groups(runs: Sequence[Run]) -> list[tuple[Run, ...]]:
    """Runs with equal settings (:attr:`Settings.identity`) and at least two templates, in argument order."""
    grouped: dict[tuple[Any, ...], list[Run]] = {}
    for run in runs:
        grouped.setdefault(run.settings.identity, []).append(run)
    return [tuple(group) for group in grouped.values() if len({run.template for run in group}) > 1]


def spreads(group: Sequence[Run]) -> list[Spread]:
    """The benchmark scores over the datasets every run of the group has, then each dataset that at least two
    runs have."""
    common = set.intersection(*({row.corpus for row in run.rows} for run in group))
    found: dict[str, list[tuple[str, float]]] = {}
    for run in group:
        for bench in benchmark_scores([row for row in run.rows if row.corpus in common]):
            if bench.score is not None:
                found.setdefault(_bench_label(bench), []).append((run.template, bench.score))
    for run in group:
        for row in run.rows:
            if row.score is not None:
                found.setdefault(row.corpus, []).append((run.template, row.score))
    return [Spread(name, tuple(values)) for name, values in found.items() if len(values) > 1]


def _bench_label(bench: BenchmarkScore) -> str:
    total = len(bench.present) + len(bench.missing)
    return bench.name if bench.complete else f"{bench.name} ({len(bench.present)}/{total}, partial)"


def _fmt(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.2f}"


def _int(value: Optional[int]) -> str:
    return "–" if value is None else str(value)


def _rate(failures: Optional[int], rate: Optional[float], n: Optional[int] = None) -> str:
    """``3/200 (1.5%)``; the count alone when the number of documents is unknown."""
    if failures is None:
        return "–"
    if rate is None:
        return str(failures)
    total = f"/{n}" if n is not None else ""
    return f"{failures}{total} ({100 * rate:.1f}%)"


def _reference_cell(reference: Reference, corpus: str) -> str:
    value = reference.scores.get(corpus)
    if value is None:
        return "–"
    metric = reference.metrics.get(corpus)
    return f"{value:.2f} ({metric})" if metric else f"{value:.2f}"


def _table(header: Sequence[str], align: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    return lines + ["| " + " | ".join(cells) + " |" for cells in rows]


def _total_documents(run: Run) -> Optional[int]:
    counts = [row.n for row in run.rows]
    return None if None in counts else sum(n for n in counts if n is not None)


def run_markdown(run: Run) -> str:
    """The report of one run: settings, benchmarks, datasets with unreadable-answer rates, notes with sources."""
    described = run.settings.describe()
    lines = [
        f"# MNLU evaluation report: {run.name}",
        "",
        f"- results file: `{run.source}`",
        *(f"- {key}: {value}" for key, value in described.items()),
        f"- template: {run.template}",
        "- unreadable answers over all tasks: "
        f"{_rate(run.parse_failures, run.failure_rate, _total_documents(run))}",
        "- scores are 0-100 (Pearson x 100 for sentence similarity)",
    ]
    if run.settings.limit is not None:
        lines.append(f"- **`--limit {run.settings.limit:g}`: a partial run, not comparable to published scores**")
    lines += ["", "## Benchmarks", ""]
    groups = run.results.get("groups", {})
    table = []
    for bench in benchmark_scores(run.rows):
        group = f"mnlu_{bench.name.lower()}"
        coverage = f"{len(bench.present)}/{len(bench.present) + len(bench.missing)}"
        if bench.missing:
            coverage += f" (missing {', '.join(bench.missing)}: partial score)"
        published = PUBMEDBERT.benchmark.get(bench.name)
        published_cell = f"{published:.2f} ({PUBMEDBERT.system})" if published else "–"
        group_rows = [g for g in (group, f"{group}_open") if g in groups]
        flat = "; ".join(f"{g}: {_fmt(_percent(groups[g].get('score,none')))}" for g in group_rows) or "–"
        table.append([bench.name, coverage, _fmt(bench.strict), _fmt(bench.paper), published_cell, flat])
    lines += _table(
        ["benchmark", "datasets", "strict", "paper", "published", "lm-eval group row (flat mean)"],
        ["---", "---", "---:", "---:", "---:", "---:"], table,
    )
    lines += ["", "## Datasets", ""]
    lines += _table(
        [
            "dataset", "benchmark", "metric", "n", "unreadable (rate)", "strict", "paper",
            *(reference.system for reference in REFERENCES),
        ],
        ["---", "---", "---", "---:", "---:", "---:", "---:", *("---:" for _ in REFERENCES)],
        [
            [
                f"{row.display_name} (`mnlu_{row.corpus}`)", ", ".join(b.upper() for b in row.benchmarks) or "–",
                row.metric, _int(row.n), _rate(row.parse_failures, row.failure_rate, row.n), _fmt(row.strict),
                _fmt(row.paper), *(_reference_cell(reference, row.corpus) for reference in REFERENCES),
            ]
            for row in run.rows
        ],
    )
    lines += ["", "## Notes", "", *NOTES]
    for reference in REFERENCES:
        note = f"- {reference.system}: {reference.source}."
        if reference.caveat:
            note += f" Caveat: {reference.caveat}"
        lines.append(note)
    return "\n".join(lines) + "\n"


NOTES = (
    "- BLURB score: mean of the six task-type means (NER, PICO, relation extraction, sentence similarity, "
    "document classification, question answering); with datasets missing it is the mean over the types present "
    "and is not comparable to published BLURB scores. BLUE score: mean of its ten datasets. lm-eval's group rows "
    "average all datasets flat.",
    "- strict: the benchmark's official metric; paper: the rules of BioMistral-NLU's evaluation.py (lower-cased "
    "span match, the first of (A)-(M) found with (A) as the default, the whole gold answer line for NLI/QA), for "
    "comparison with that paper. unreadable: answers the parser could not read (strict mode), scored as empty "
    "answers; the rate is their share of the task's documents. BLUE scores BC5CDR against the official release's "
    "offsets and DDI by macro-F1 (tasks `*_blue`).",
)


def datasets_of(runs: Sequence[Run]) -> list[str]:
    """Every dataset of the runs, in the report's order (BLURB's by task type, then BLUE's others)."""
    present = {row.corpus for run in runs for row in run.rows}
    order = [d for datasets in BLURB_TYPES.values() for d in datasets]
    return [d for d in order + [d for d in BLUE_DATASETS if d not in order] if d in present]


def _bench_cell(bench: BenchmarkScore) -> str:
    if not bench.present or bench.score is None:
        return "–"
    return _fmt(bench.score) if bench.complete else f"{bench.score:.2f}*"


def leaderboard(runs: Sequence[Run]) -> list[list[str]]:
    """One row per run, best BLURB first (then BLUE; runs without either last): rank, run, model, template,
    BLURB, BLUE, unreadable rate, then each dataset's score."""
    datasets = datasets_of(runs)

    def key(run: Run) -> tuple[float, float]:
        blurb, blue = blurb_score(run.rows).score, blue_score(run.rows).score
        return (-(blurb if blurb is not None else -1.0), -(blue if blue is not None else -1.0))

    table = []
    for rank, run in enumerate(sorted(runs, key=key), start=1):
        scores = {row.corpus: row.score for row in run.rows}
        table.append([
            str(rank), run.label, run.settings.model, run.template, _bench_cell(blurb_score(run.rows)),
            _bench_cell(blue_score(run.rows)), _rate(run.parse_failures, run.failure_rate, _total_documents(run)),
            *(_fmt(scores.get(dataset)) for dataset in datasets),
        ])
    return table


def comparison_markdown(runs: Sequence[Run]) -> str:
    """Several runs side by side: where each comes from and how it was made, a leaderboard, unreadable-answer
    rates per dataset, and the template sensitivity of runs that differ only by template."""
    datasets = datasets_of(runs)
    lines = [f"# MNLU evaluation report: {len(runs)} runs compared", "", "## Runs", ""]
    keys = ("chat template", "few-shot", "limit", "scoring mode", "versions", "date")
    lines += _table(
        ["run", "model", "template", "results file", *keys],
        ["---"] * (4 + len(keys)),
        [
            [run.label, run.settings.model, run.template, f"`{run.source}`", *(described[k] for k in keys)]
            for run, described in ((run, run.settings.describe()) for run in runs)
        ],
    )
    lines += ["", "## Leaderboard", ""]
    lines += _table(
        ["rank", "run", "model", "template", "BLURB", "BLUE", "unreadable (rate)", *datasets],
        ["---:", "---", "---", "---", "---:", "---:", "---:", *("---:" for _ in datasets)],
        leaderboard(runs),
    )
    lines += [
        "",
        "Scores 0-100, strict mode where the run has it (else paper). `*`: a partial benchmark score (datasets "
        "missing from the run).",
        "",
        "## Unreadable answers per dataset",
        "",
    ]
    failures = {run.label: {row.corpus: row for row in run.rows} for run in runs}
    lines += _table(
        ["dataset", *(run.label for run in runs)],
        ["---", *("---:" for _ in runs)],
        [
            [dataset, *(
                _rate(row.parse_failures, row.failure_rate, row.n) if row else "–"
                for row in (failures[run.label].get(dataset) for run in runs)
            )]
            for dataset in datasets
        ],
    )
    for group in template_groups(runs):
        lines += [
            "",
            f"## Template sensitivity: {group[0].settings.model} ({', '.join(run.label for run in group)})",
            "",
            f"Templates: {', '.join(run.template for run in group)}; settings: {group[0].settings.summary()}. "
            "Spread: sample standard deviation and range across the runs. Benchmark rows cover the datasets every "
            "run of the group has.",
            "",
        ]
        lines += _table(
            ["dataset", "runs", "mean", "sd", "min", "max", *(run.template for run in group)],
            ["---", "---:", "---:", "---:", "---:", "---:", *("---:" for _ in group)],
            [
                [
                    spread.name, str(len(spread.values)), _fmt(spread.mean), _fmt(spread.sd), _fmt(spread.low),
                    _fmt(spread.high), *(_fmt(dict(spread.values).get(run.template)) for run in group),
                ]
                for spread in spreads(group)
            ],
        )
    lines += ["", "## Notes", "", *NOTES]
    return "\n".join(lines) + "\n"


def markdown(runs: Sequence[Run]) -> str:
    """The report: one run's in full, or several runs compared."""
    return run_markdown(runs[0]) if len(runs) == 1 else comparison_markdown(runs)


def write_report(
    paths: str | Path | Sequence[str | Path], out_dir: Optional[str | Path] = None, choose: str = "one"
) -> str:
    """The Markdown report of results files (:func:`load_runs`); with ``out_dir``, also its files (:func:`render`)."""
    return render(load_runs([paths] if isinstance(paths, (str, Path)) else paths, choose), out_dir)


def render(runs: Sequence[Run], out_dir: Optional[str | Path] = None) -> str:
    """The Markdown report of runs; with ``out_dir``, also ``report.md`` and ``report.png`` there."""
    text = markdown(runs)
    if out_dir is not None:
        from .report_figure import figure, save

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        partial = out / ".report.png.partial"
        save(figure(runs), partial)
        os.replace(partial, out / "report.png")
        text += "\n![scores](report.png)\n"
        partial = out / ".report.md.partial"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, out / "report.md")
    return text
