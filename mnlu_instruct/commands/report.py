"""``mnlu report``: lm-eval runs of the ``mnlu_*`` tasks beside published scores and each other (Markdown, PNG)."""

from __future__ import annotations

import argparse
import sys

HELP = (
    "tables (Markdown) and a plot (PNG) of lm-eval results files, per dataset and per benchmark (BLURB, BLUE), "
    "beside published scores; several runs side by side with a leaderboard"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "results", nargs="+",
        help="lm-eval results JSON files, or --output_path folders (a folder holding several results_*.json "
        "files needs --newest or --all)",
    )
    parser.add_argument("--out", default=None, help="folder for report.md and report.png (default: stdout only)")
    several = parser.add_mutually_exclusive_group()
    several.add_argument(
        "--newest", dest="choose", action="store_const", const="newest", default="one",
        help="a folder with several results files gives its newest (by modification time)",
    )
    several.add_argument(
        "--all", dest="choose", action="store_const", const="all",
        help="a folder with several results files gives each as a run",
    )


def run(args: argparse.Namespace) -> int:
    from ..report import load_runs, render

    runs = load_runs(args.results, args.choose)
    for found in runs:
        print(f"mnlu report: {found.label} {found.name}: {found.source}", file=sys.stderr)
    print(render(runs, args.out), end="")
    return 0
