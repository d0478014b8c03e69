"""The dataset card's composition chart: training instances per task type and per source, train then validation."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..corpora import get_corpus
from .card import PRETTY_NAME, TASK_NAMES
from .staging import SplitStats

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .folder import BuildReport


def _counts(report: BuildReport, name: str) -> tuple[int, int]:
    return tuple(report.stats[name].get(s, SplitStats()).selected for s in ("train", "validation"))  # type: ignore[return-value]


def _bars(axes: Axes, labels: list[str], counts: list[tuple[int, int]], colours: list[str]) -> None:
    """Horizontal bars, top to bottom in ``labels`` order: train, then validation lighter, with their numbers."""
    widest = max([1] + [train + validation for train, validation in counts])
    rows = range(len(labels) - 1, -1, -1)
    for row, (train, validation), colour in zip(rows, counts, colours):
        axes.barh(row, train, color=colour)
        axes.barh(row, validation, left=train, color=colour, alpha=0.45)
        axes.text(train + validation, row, f" {train:,} + {validation:,}", va="center", fontsize=8)
    axes.set_yticks(list(rows), labels)
    axes.set_xlim(0, widest * 1.35)
    axes.xaxis.set_major_formatter("{x:,.0f}")


def write_chart(report: BuildReport, path: Path) -> None:
    """Training instances per task type (top) and per source (below), coloured by task type: a deterministic PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    sources = [name for name in report.stats if any(s.selected for s in report.stats[name].values())]
    task_of = {name: get_corpus(name).task_type for name in sources}
    task_types = sorted(set(task_of.values()), key=list(TASK_NAMES).index)
    colours = {t: f"C{i}" for i, t in enumerate(task_types)}
    per_task = [tuple(sum(_counts(report, n)[i] for n in sources if task_of[n] == t) for i in (0, 1))
                for t in task_types]
    figure = Figure(figsize=(7.5, 0.3 * (len(sources) + len(task_types)) + 2.4), dpi=100)
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, gridspec_kw={"height_ratios": [max(1, len(task_types)), max(1, len(sources))]})
    _bars(top, [TASK_NAMES[t] for t in task_types], per_task, [colours[t] for t in task_types])  # type: ignore[arg-type]
    figure.suptitle(f"{PRETTY_NAME} training instances (mixture {report.mixture})")
    top.set_title("per task type", fontsize=9)
    _bars(bottom, sources, [_counts(report, n) for n in sources], [colours[task_of[n]] for n in sources])
    bottom.set_title("per source", fontsize=9)
    bottom.set_xlabel("instances: train, then validation (lighter)")
    for axes in (top, bottom):
        axes.tick_params(axis="y", labelsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", metadata={"Software": None})
