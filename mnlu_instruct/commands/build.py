"""``mnlu build``: MNLU-Instruct as a Hub-ready folder (parquet per config, dataset card, chart, manifest)."""

from __future__ import annotations

import argparse
import sys

from ..mixtures import DEFAULT_SEED, MIXTURES

HELP = "build MNLU-Instruct as a Hub-ready folder: data/<config>/<split>-*.parquet and the README.md card"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", default=None,
                        help="folder with one sub-folder per corpus (default: $MNLU_DATA_DIR)")
    parser.add_argument("--out", default="build/mnlu-instruct", help="the folder to write (replaced only when "
                        "the build completes; default: %(default)s)")
    parser.add_argument("--mixture", default="default", choices=sorted(MIXTURES), help="declared mixture (default: "
                        "%(default)s)")
    parser.add_argument("--corpora", default=None, help="comma-separated corpora to build (training sources and "
                        "evaluation sets; default: every corpus present)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="sampling and interleaving seed "
                        "(default: %(default)s)")
    parser.add_argument("--allow-partial", action="store_true", help="training sources whose example count "
                        "differs from the documented count are built anyway and the card records it; evaluation "
                        "sets are never partial")
    parser.add_argument("--card", default=None, help="also write the card to this path (the chart goes to "
                        "assets/ beside it), e.g. DATASET_CARD.md")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args: argparse.Namespace) -> int:
    from ..dataset.folder import build_folder

    corpora = [name.strip() for name in args.corpora.split(",") if name.strip()] if args.corpora else None
    report = build_folder(args.out, args.data_dir, mixture=args.mixture, seed=args.seed, corpora=corpora,
                          progress=not args.quiet and sys.stderr.isatty(), card_copy=args.card,
                          allow_partial=args.allow_partial)
    for line in report.recovered:
        print(line)
    print(f"{'source':<14} {'split':<10} {'read':>7} {'doc':>5} {'text':>5} {'dup':>5} {'kept':>7}  partial")
    for name, splits in report.stats.items():
        for split, s in splits.items():
            partial = f"{s.read} of {s.expected} documented" if s.partial else ""
            print(f"{name:<14} {split:<10} {s.read:>7} {s.overlaps:>5} {s.text_overlap_total:>5} {s.duplicates:>5} "
                  f"{s.selected:>7}  {partial}".rstrip())
    for name, splits in report.stats.items():
        for split, s in splits.items():
            for reason, counts in (("document overlap", s.document_overlaps), ("text overlap", s.text_overlaps)):
                for test_set, n in sorted(counts.items()):
                    print(f"dropped {name}/{split}: {n} rows, {reason} with the {test_set} test set")
    for name, splits in sorted(report.skipped_splits.items()):
        for split, why in splits.items():
            print(f"skipped {name}/{split}: {why}")
    for name, why in sorted(report.skipped.items()):
        print(f"skipped {name}: {why}")
    print(f"evaluation test sets checked: {', '.join(report.checked) or 'none'}")
    for name, splits in report.configs.items():
        print(f"config {name}: " + ", ".join(f"{split} {n}" for split, n in splits.items()))
    print(f"wrote {report.out}" + (f" and {args.card}" if args.card else ""))
    return 0
