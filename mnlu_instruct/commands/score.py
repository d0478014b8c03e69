"""``mnlu score``: score a file of predictions against a corpus split with the benchmark's metric."""

from __future__ import annotations

import argparse
import json

HELP = 'score {"id", "prediction"} JSONL predictions against a corpus split; prints metrics as JSON'


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", help="corpus name as in `mnlu corpora` (an `mnlu_` prefix is accepted)")
    parser.add_argument("predictions", help='JSON Lines file of {"id": ..., "prediction": ...}')
    parser.add_argument("--split", default="test", choices=("train", "validation", "test"))
    parser.add_argument(
        "--mode",
        default="strict",
        choices=("strict", "paper"),
        help="strict (default, the benchmark's definition) or paper (BioMistral-NLU's rules)",
    )
    parser.add_argument(
        "--data-dir", default=None, help="folder with one sub-folder per corpus (default: $MNLU_DATA_DIR)"
    )


def run(args: argparse.Namespace) -> int:
    from ..corpora import get_corpus
    from ..scoring import read_predictions, score_corpus

    name = args.task.removeprefix("mnlu_")
    corpus = get_corpus(name)
    examples = list(corpus.examples(args.split, args.data_dir))
    predictions = read_predictions(args.predictions)
    result = score_corpus(examples, predictions, corpus.metric, args.mode)
    print(
        json.dumps({"task": name, "split": args.split, "metric": corpus.metric, "mode": args.mode, **result}, indent=2)
    )
    return 0
