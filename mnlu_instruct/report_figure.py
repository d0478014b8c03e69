"""The figure of ``mnlu report``: horizontal bars per benchmark score and dataset, one series per run.

One run: its strict and paper scores beside the published references, the model in the title and the run's
settings under it. Several runs: one bar per run (the legend names each run's model and template), each run's
settings under the title. BLURB and BLUE scores come first, hatched, above a rule; each bar of a run carries its
value (``*``: a partial benchmark score); a score of 0 is drawn as a marker at 0 with its label, a missing one
draws nothing. The PNG is deterministic: no date and no software version in its metadata.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .report import REFERENCES, BenchmarkScore, Run, benchmark_scores, blue_score, blurb_score, datasets_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BENCHMARK_NAMES = ("BLURB", "BLUE")


@dataclass(frozen=True)
class Series:
    """One colour of bars: a run's scores (labelled with their values) or a published reference's."""

    label: str
    values: tuple[Optional[float], ...]
    labels: tuple[str, ...]
    """The value label of each bar; empty for a series drawn without labels (references)."""


@dataclass(frozen=True)
class FigureData:
    """What the figure shows, before drawing."""

    title: str
    subtitle: str
    categories: tuple[str, ...]
    """Y-axis labels: the benchmark scores first, then the datasets."""
    benchmarks: int
    """How many leading categories are benchmark scores."""
    series: tuple[Series, ...]


def _value_label(value: Optional[float], partial: bool = False) -> str:
    return "" if value is None else f"{value:.1f}{'*' if partial else ''}"


def _run_series(label: str, run: Run, datasets: Sequence[str], benchmarks: Sequence[str], mode: str) -> Series:
    scores = {bench.name: bench for bench in (blurb_score(run.rows), blue_score(run.rows)) if bench.present}
    by_dataset = {row.corpus: getattr(row, mode) for row in run.rows}

    def bench_value(bench: Optional[BenchmarkScore]) -> Optional[float]:
        return None if bench is None else getattr(bench, mode)

    values = [bench_value(scores.get(name)) for name in benchmarks]
    labels = [_value_label(v, not scores[n].complete) if n in scores else "" for n, v in zip(benchmarks, values)]
    values += [by_dataset.get(dataset) for dataset in datasets]
    labels += [_value_label(by_dataset.get(dataset)) for dataset in datasets]
    return Series(label, tuple(values), tuple(labels))


def figure_data(runs: Sequence[Run]) -> FigureData:
    """The bars, labels and titles of the report's figure for one run or several."""
    datasets = datasets_of(runs)
    present = {bench.name for run in runs for bench in benchmark_scores(run.rows)}
    benchmarks = [name for name in BENCHMARK_NAMES if name in present]
    names = {row.corpus: row.display_name for run in runs for row in run.rows}
    categories = (*(f"{name} score" for name in benchmarks), *(names[dataset] for dataset in datasets))
    if len(runs) == 1:
        run = runs[0]
        series = [
            _run_series(f"this run ({mode})", run, datasets, benchmarks, mode)
            for mode in ("strict", "paper") if any(getattr(row, mode) is not None for row in run.rows)
        ]
        for reference in REFERENCES:
            values = (
                *(reference.benchmark.get(name) for name in benchmarks),
                *(reference.scores.get(dataset) for dataset in datasets),
            )
            if any(value is not None for value in values):
                series.append(Series(reference.system, values, ()))
        title = f"MNLU evaluation: {run.name}"
        subtitle = "\n".join([*_wrap(run.settings.summary()), f"results file: {run.source.name}"])
    else:
        series = [
            _run_series(f"{run.label}: {run.name}", run, datasets, benchmarks, "strict" if any(
                row.strict is not None for row in run.rows) else "paper")
            for run in runs
        ]
        models = list(dict.fromkeys(run.settings.model for run in runs))
        title = f"MNLU evaluation: {', '.join(models)} ({len(runs)} runs)"
        subtitle = "\n".join(
            line for run in runs for line in _wrap(f"{run.label}: {run.settings.summary()} ({run.source.name})")
        )
    return FigureData(title, subtitle, categories, len(benchmarks), tuple(series))


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, width=105, subsequent_indent="    ")


def figure(runs: Sequence[Run]) -> Figure:
    """The drawn figure (matplotlib, Agg backend)."""
    return draw(figure_data(runs))


def draw(data: FigureData) -> Figure:
    """Horizontal grouped bars of :class:`FigureData`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    n_series, n_rows = max(1, len(data.series)), len(data.categories)
    height = 0.8 / n_series
    subtitle_lines = data.subtitle.count("\n") + 1
    fig, axes = plt.subplots(figsize=(10, 2.2 + 0.18 * subtitle_lines + n_rows * (0.16 * n_series + 0.12)))
    for k, series in enumerate(data.series):
        drawn = [(i + k * height, value, i) for i, value in enumerate(series.values) if value is not None]
        if not drawn:
            continue
        positions, values = [p for p, _, _ in drawn], [v for _, v, _ in drawn]
        bars = axes.barh(positions, values, height=height, color=f"C{k}")
        for patch, (_, _, i) in zip(bars.patches, drawn):
            patch.set_hatch("//" if i < data.benchmarks else "")
        if series.labels:
            axes.bar_label(bars, labels=[series.labels[i] for _, _, i in drawn], padding=2, fontsize=7)
            zeros = [p for p, v, _ in drawn if v == 0]
            if zeros:
                axes.plot([0.0] * len(zeros), zeros, linestyle="none", marker="|", markersize=9,
                          markeredgewidth=2, color=f"C{k}")
    axes.set_yticks([i + height * (n_series - 1) / 2 for i in range(n_rows)])
    axes.set_yticklabels(data.categories)
    for label in axes.get_yticklabels()[: data.benchmarks]:
        label.set_fontweight("bold")
    if 0 < data.benchmarks < n_rows:
        axes.axhline(data.benchmarks - (1 - 0.8) / 2 - height / 2, color="grey", linewidth=0.8)
    axes.invert_yaxis()
    lowest = min([0.0] + [v for series in data.series for v in series.values if v is not None])
    axes.set_xlim(lowest - 3, 110)
    partial = any(label.endswith("*") for series in data.series for label in series.labels)
    axes.set_xlabel("score (0-100)" + ("; * a partial benchmark score (datasets missing)" if partial else ""))
    axes.grid(axis="x", alpha=0.3)
    handles = [Patch(color=f"C{k}", label=series.label) for k, series in enumerate(data.series)]
    columns = min(3, n_series)
    fig.legend(handles=handles, loc="lower center", ncol=columns, fontsize="small", frameon=False)
    fig.suptitle(data.title, fontweight="bold")
    axes.set_title(data.subtitle, fontsize="x-small", loc="left")
    legend_inches = 0.25 * (1 + -(-n_series // columns))
    fig.tight_layout(rect=(0.0, legend_inches / fig.get_figheight(), 1.0, 1.0))
    return fig


def save(fig: Figure, path: str | Path) -> Path:
    """Write the figure as PNG (fixed resolution, no metadata that changes between runs) and close it."""
    import matplotlib.pyplot as plt

    path = Path(path)
    fig.savefig(path, dpi=120, format="png", metadata={"Software": None})
    plt.close(fig)
    return path

