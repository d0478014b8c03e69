"""The dataset card's composition chart: training instances per source and split, coloured by task type."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..corpora import get_corpus
from .card import PRETTY_NAME, TASK_NAMES
from .staging import SplitStats

if TYPE_CHECKING:
    from .folder import BuildReport


def write_chart(report: BuildReport, path: Path) -> None:
    """Training instances per source and split, coloured by task type: a deterministic PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    sources = [name for name in report.stats if any(s.selected for s in report.stats[name].values())]
    task_types = sorted({get_corpus(name).task_type for name in sources}, key=list(TASK_NAMES).index)
    colours = {t: f"C{i}" for i, t in enumerate(task_types)}
    figure = Figure(figsize=(7, 0.5 * len(sources) + 1.8), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    widest = 1
    for row, name in enumerate(reversed(sources)):
        train, validation = (report.stats[name].get(s, SplitStats()).selected for s in ("train", "validation"))
        colour = colours[get_corpus(name).task_type]
        axes.barh(row, train, color=colour)
        axes.barh(row, validation, left=train, color=colour, alpha=0.45)
        axes.text(train + validation, row, f" {train:,} + {validation:,}", va="center", fontsize=8)
        widest = max(widest, train + validation)
    axes.set_yticks(range(len(sources)), list(reversed(sources)))
    axes.set_xlim(0, widest * 1.3)
    axes.xaxis.set_major_formatter("{x:,.0f}")
    axes.set_xlabel("instances: train, then validation (lighter)")
    axes.set_title(f"{PRETTY_NAME} training sources (mixture {report.mixture})")
    axes.legend(handles=[Patch(color=colours[t], label=TASK_NAMES[t]) for t in task_types], fontsize=8,
                ncols=len(task_types), loc="upper center", bbox_to_anchor=(0.5, -0.25), frameon=False)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png", metadata={"Software": None})
