"""``mnlu build``: MNLU-Instruct as a Hub-ready folder (parquet per config, dataset card, chart, manifest)."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TYPE_CHECKING

from ..mixtures import DEFAULT_SEED, MIXTURES, mixture_help

if TYPE_CHECKING:
    from ..dataset.folder import BuildReport

HELP = "build MNLU-Instruct as a Hub-ready folder: data/<config>/<split>-*.parquet and the README.md card"


class LineKeepingFormatter(argparse.HelpFormatter):
    """Help text whose own line breaks are kept (one line per mixture), each line wrapped on its own."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return [wrapped for line in text.splitlines() for wrapped in textwrap.wrap(line, width) or [""]]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = LineKeepingFormatter
    parser.add_argument("--data-dir", default=None,
                        help="folder with one sub-folder per corpus (default: $MNLU_DATA_DIR)")
    parser.add_argument("--out", default="build/mnlu-instruct", help="the folder to write (replaced only when "
                        "the build completes; default: %(default)s)")
    parser.add_argument("--mixture", default="default", choices=list(MIXTURES), metavar="MIXTURE",
                        help="declared mixture (default: %(default)s):\n" + mixture_help())
    parser.add_argument("--corpora", default=None, help="comma-separated corpora to build (training sources and "
                        "evaluation sets; at least one training source; default: every corpus present)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="sampling and interleaving seed "
                        "(default: %(default)s)")
    parser.add_argument("--allow-partial", action="store_true", help="training sources whose example count "
                        "differs from the documented count are built anyway and the card records it; evaluation "
                        "sets are never partial")
    parser.add_argument("--templates", default="canonical", help="prompt templates of the training rows: "
                        "canonical (default), all (one variant per example, drawn from its id and the seed), or "
                        "comma-separated template ids; evaluation configs always use the canonical template")
    parser.add_argument("--card", default=None, help="also write the card to this path (the chart goes to "
                        "assets/ beside it), e.g. DATASET_CARD.md")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    from ..dataset.folder import build_folder

    corpora = [name.strip() for name in args.corpora.split(",") if name.strip()] if args.corpora else None
    report = build_folder(args.out, args.data_dir, mixture=args.mixture, seed=args.seed, corpora=corpora,
                          progress=not args.quiet and sys.stderr.isatty(), card_copy=args.card,
                          allow_partial=args.allow_partial, templates=args.templates)
    for line in report.recovered:
        print(line)
    print("\n".join(summary(report)))
    print(f"wrote {report.out}" + (f" and {args.card}" if args.card else ""))
    return 0


def summary(report: BuildReport) -> list[str]:
    """The build summary: per training source and split, what was read, removed by reason, and kept; then
    removals per evaluation test set, partial and skipped splits, skipped corpora and the configs written."""
    width = max((len(name) for name in report.stats), default=6)
    lines = [f"{'source':<{width}} {'split':<10} {'read':>7} {'doc overlap':>11} {'text overlap':>12} "
             f"{'duplicates':>10} {'kept':>7}  note"]
    totals = [0, 0, 0]
    for name, splits in report.stats.items():
        for split, s in splits.items():
            note = f"partial: {s.read} of {s.expected} documented" if s.partial else ""
            lines.append(f"{name:<{width}} {split:<10} {s.read:>7} {s.overlaps:>11} {s.text_overlap_total:>12} "
                         f"{s.duplicates:>10} {s.selected:>7}  {note}".rstrip())
            totals = [totals[0] + s.overlaps, totals[1] + s.text_overlap_total, totals[2] + s.duplicates]
    lines.append(f"removed: {totals[0]} rows for document overlap, {totals[1]} for text overlap, "
                 f"{totals[2]} duplicates")
    for name, splits in report.stats.items():
        for split, s in splits.items():
            for reason, counts in (("document overlap", s.document_overlaps), ("text overlap", s.text_overlaps)):
                for test_set, n in sorted(counts.items()):
                    lines.append(f"removed {name}/{split}: {n} rows, {reason} with the {test_set} test set")
    for name, skipped in sorted(report.skipped_splits.items()):
        for split, why in skipped.items():
            lines.append(f"skipped {name}/{split}: {why}")
    lines += [f"skipped {name}: {why}" for name, why in sorted(report.skipped.items())]
    lines.append(f"evaluation test sets checked: {', '.join(report.checked) or 'none'}")
    if report.unchecked:
        lines.append(f"evaluation test sets not present, so not checked: {', '.join(report.unchecked)}")
    lines += [f"config {name}: " + ", ".join(f"{split} {n}" for split, n in splits.items())
              for name, splits in report.configs.items()]
    return lines
