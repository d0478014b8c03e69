"""``mnlu render``: a corpus split in the unified prompt format, as JSON Lines on stdout."""

from __future__ import annotations

import argparse
import itertools
import json
import sys

HELP = "render a corpus split as JSONL: id, messages, target and provenance"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("corpus", help="corpus name (see `mnlu corpora`)")
    parser.add_argument("--split", default="test", choices=("train", "validation", "test"),
                        help="the split to render (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=None, help="render only the first N examples")
    parser.add_argument(
        "--data-dir", default=None, help="folder with one sub-folder per corpus (default: $MNLU_DATA_DIR)"
    )


def run(args: argparse.Namespace) -> int:
    from ..corpora import get_corpus
    from ..prompts import render

    examples = get_corpus(args.corpus).examples(args.split, args.data_dir)
    for example in itertools.islice(examples, args.limit):
        sys.stdout.write(json.dumps(render(example).to_json(), ensure_ascii=False) + "\n")
    return 0
