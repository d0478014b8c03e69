"""``mnlu score``: score the outputs of any engine against an evaluation set with the benchmark's metric."""

from __future__ import annotations

import argparse
import json

HELP = (
    'score predictions ({"id", "prediction"} JSONL or lm-eval --log_samples files) against an evaluation set '
    "(raw corpus files, a built dataset folder or the published dataset); prints a table or JSON"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("task", help="corpus name as in `mnlu corpora` (an `mnlu_` prefix is accepted)")
    parser.add_argument(
        "predictions",
        help='JSON Lines of {"id": ..., "prediction": ...}, or an lm-eval samples_<task>_<date>.jsonl file '
        "(told apart by the content)",
    )
    parser.add_argument("--split", default="test", choices=("train", "validation", "test"),
                        help="the split the predictions answer (default: %(default)s)")
    parser.add_argument(
        "--mode",
        default="strict",
        choices=("strict", "paper"),
        help="strict (default, the benchmark's definition) or paper (BioMistral-NLU's rules)",
    )
    gold = parser.add_mutually_exclusive_group()
    gold.add_argument(
        "--data-dir", default=None, help="folder with one sub-folder per corpus (default: $MNLU_DATA_DIR)"
    )
    gold.add_argument(
        "--dataset",
        default=None,
        metavar="FOLDER_OR_ID",
        help="score against the eval_<corpus> config of a built dataset folder (`mnlu build`) or a Hub dataset id",
    )
    parser.add_argument("--format", default="table", choices=("table", "json"), help="output (default: table)")
    parser.add_argument(
        "--only-predicted",
        action="store_true",
        help="score only the examples that have a prediction (e.g. after a --limit run); "
        "by default a missing prediction is scored as an empty answer",
    )
    parser.add_argument(
        "--details", default=None, metavar="FILE", help="write one JSON line per scored example to FILE"
    )


def run(args: argparse.Namespace) -> int:
    from ..corpora import get_corpus
    from ..eval_sets import load_eval_set
    from ..predictions import detail_rows, detect_format, read_predictions, score_corpus, write_jsonl_atomically
    from ..score_table import format_table

    name = args.task.removeprefix("mnlu_")
    corpus = get_corpus(name)
    gold = load_eval_set(corpus, args.split, args.data_dir, args.dataset)
    predictions = read_predictions(args.predictions, corpus=name)
    result = score_corpus(gold.examples, predictions, corpus.metric, args.mode, args.only_predicted)
    if args.details:
        scored = [ex for ex in gold.examples if ex.id in predictions] if args.only_predicted else gold.examples
        write_jsonl_atomically(args.details, detail_rows(scored, predictions))
    header = {
        "task": name,
        "split": args.split,
        "metric": corpus.metric,
        "mode": args.mode,
        "gold": gold.origin,
        "predictions": str(args.predictions),
        "predictions_format": detect_format(args.predictions),
        "only_predicted": args.only_predicted,
    }
    if args.format == "json":
        print(json.dumps({**header, **result}, indent=2))
    else:
        print(format_table(header, result))
    return 0
