"""``mnlu pipeline``: build, train, merge, evaluate and report in one command, resumable stage by stage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = ("corpora to report in one command: build the config's mixture, train with its recipe, merge with the base "
        "(DARE 0.2, then the average), evaluate zero-shot on BLURB and BLUE (lm-eval), report; a re-run skips the "
        "stages whose inputs are unchanged")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", required=True, metavar="NAME",
                        help="pipeline config: a YAML file or a shipped config (paper, lora, smoke)")
    parser.add_argument("--model", required=True, help="base model folder (safetensors, with its tokenizer); "
                        "for --config smoke, write one with `mnlu tiny-model DIR`")
    parser.add_argument("--data-dir", default=None, help="folder with one sub-folder per corpus "
                        "(default: $MNLU_DATA_DIR)")
    parser.add_argument("--out", required=True, metavar="RUN", help="run folder: one sub-folder per stage")
    parser.add_argument("--mixtures", default=None, help="comma-separated mixtures to train and evaluate side by "
                        "side, e.g. ablation_all_types,ablation_fewer_types or leave_out_ner,leave_out_re "
                        "(default: the config's build.mixture)")
    parser.add_argument("--baseline", nargs="?", const=True, default=None, metavar="RESULTS",
                        help="also report the base model: evaluated here with the same settings, or, given a "
                        "path, from that lm-eval results file or folder")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config value (YAML), dotted: evaluate.limit=10, train.processes=4, "
                        "evaluate.backend=vllm, train.set.training.max_steps=100; repeatable")
    parser.add_argument("--verbose", action="store_true", help="show the output of training and evaluation "
                        "(always kept in RUN/logs/)")


def run(args: argparse.Namespace) -> int:
    from ..corpus import resolve_data_dir
    from ..mixtures import get_mixture
    from ..pipeline.config import load_config
    from ..pipeline.runner import PipelineError, run_pipeline

    config = load_config(args.config, args.overrides)
    model = Path(args.model)
    if not model.is_dir():
        raise ValueError(f"--model {model}: not a folder; the pipeline needs the base model's files (merge reads "
                         "its weights), e.g. `huggingface-cli download ORG/NAME --local-dir DIR`")
    data_dir = resolve_data_dir(args.data_dir)
    if not data_dir.is_dir():
        raise ValueError(f"--data-dir {data_dir}: no such folder")
    mixtures = [m.strip() for m in args.mixtures.split(",") if m.strip()] if args.mixtures else [config.build.mixture]
    for mixture in mixtures:
        get_mixture(mixture)
    baseline = Path(args.baseline) if isinstance(args.baseline, str) else args.baseline
    try:
        outcomes = run_pipeline(config, model.resolve(), data_dir.resolve(), Path(args.out).resolve(), mixtures,
                                baseline=baseline, echo=args.verbose)
    except PipelineError as error:
        print(f"mnlu pipeline: error: {error}", file=sys.stderr)
        return 2
    ran = sum(o.status == "done" for o in outcomes)
    print(f"pipeline {config.name}: {ran} stage(s) run, {len(outcomes) - ran} skipped; "
          f"report: {Path(args.out) / 'report' / 'report.md'}")
    return 0
