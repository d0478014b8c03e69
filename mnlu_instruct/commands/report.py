"""``mnlu report``: an lm-eval run of the ``mnlu_*`` tasks beside published scores (Markdown and PNG)."""

from __future__ import annotations

import argparse

HELP = (
    "tables (Markdown) and a plot (PNG) of an lm-eval results file, per dataset and per benchmark, "
    "beside published scores"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("results", help="lm-eval results JSON (or the --output_path folder: its newest results_*.json)")
    parser.add_argument("--out", default=None, help="folder for report.md and report.png (default: stdout only)")


def run(args: argparse.Namespace) -> int:
    from ..report import write_report

    print(write_report(args.results, args.out), end="")
    return 0
